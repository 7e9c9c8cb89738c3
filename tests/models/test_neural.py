"""What the neural generators share: parameter checks, time budget, early stopping, loss history."""

import numpy as np
import pandas as pd
import pytest
import torch

from synthloom import get_model, load
from synthloom.errors import ConfigError, DataWarning, NotFittedError, TrainingDivergedError
from synthloom.models.ctgan import Critic, Generator, gradient_penalty
from synthloom.training import settings

SMALL = {"batch_size": 100, "embedding_dim": 16}


@pytest.mark.parametrize("name", ["ctgan", "tvae"])
def test_bad_hyper_parameters_are_refused(name, default_frame):
    for bad in (
        {"epochs": 0},
        {"batch_size": -5},
        {"epochs": 2.5},
        {"max_minutes": 0},
        {"epochs": None},
        {"precision": "half"},
    ):
        with pytest.raises(ConfigError):
            get_model(name, **bad).fit(default_frame)


@pytest.mark.parametrize(
    ("name", "bad", "message"),
    [
        ("ctgan", {"pac": 0}, r"pac must be a whole number >= 1, not 0"),
        ("ctgan", {"critic_steps": 0}, r"critic_steps must be a whole number >= 1, not 0"),
        ("ctgan", {"embedding_dim": 0}, r"embedding_dim must be a whole number >= 1"),
        ("ctgan", {"critic_depth": -1}, r"critic_depth must be a whole number >= 0"),
        ("ctgan", {"learning_rate": "0.001"}, r"learning_rate must be a number > 0, not '0.001'"),
        ("ctgan", {"gradient_penalty_weight": -1.0}, r"gradient_penalty_weight must be a number >= 0"),
        ("tvae", {"hidden_depth": 0}, r"hidden_depth must be a whole number >= 1, not 0"),
        ("tvae", {"embedding_dim": 0}, r"embedding_dim must be a whole number >= 1"),
        ("tvae", {"loss_factor": 0}, r"loss_factor must be a number > 0"),
        ("tvae", {"weight_decay": float("nan")}, r"weight_decay must be a number >= 0, not nan"),
    ],
)
def test_model_settings_are_refused_naming_the_setting_and_its_range(name, bad, message, default_frame):
    with pytest.raises(ConfigError, match=message):
        get_model(name, epochs=1, **bad).fit(default_frame.head(50))


@pytest.mark.parametrize("name", ["ctgan", "tvae", "ddpm"])
@pytest.mark.parametrize(
    ("bad", "message"),
    [
        # text reached training and failed there as "'>' not supported between 'str' and 'int'"
        ({"max_minutes": "1"}, r"^max_minutes must be a number > 0, not '1'$"),
        ({"max_minutes": True}, r"^max_minutes must be a number > 0, not True$"),
        # any text is truthy: "no" turned early stopping on, without a word
        ({"early_stopping": "no"}, r"^early_stopping must be True or False, not 'no'$"),
        ({"verbose": "False"}, r"^verbose must be True or False, not 'False'$"),
    ],
)
def test_common_settings_of_the_wrong_type_are_refused_naming_them(name, bad, message, default_frame):
    with pytest.raises(ConfigError, match=message):
        get_model(name, epochs=1, **bad).fit(default_frame.head(50))


def test_on_off_settings_take_scikit_learns_zero_and_one(default_frame):
    model = get_model("tvae", epochs=1, verbose=0, early_stopping=0, random_state=0, **SMALL)
    assert len(model.fit(default_frame.head(50)).sample(3)) == 3


@pytest.mark.parametrize("name", ["ctgan", "tvae"])
def test_loss_history_is_kept_and_saved(name, default_frame, tmp_path):
    model = get_model(name, epochs=3, random_state=0, **SMALL).fit(default_frame)
    assert [h["epoch"] for h in model.loss_history_] == [1.0, 2.0, 3.0]
    assert all(len(h) >= 3 for h in model.loss_history_)
    again = load(model.save(tmp_path / "m.synthloom"))
    assert again.loss_history_ == model.loss_history_
    assert model.epochs_planned_ == again.epochs_planned_ == 3


def test_time_budget_and_early_stopping(default_frame, tmp_path):
    budget = get_model("tvae", epochs=100_000, max_minutes=0.05, random_state=0, **SMALL).fit(default_frame)
    assert 1 <= len(budget.loss_history_) < 100_000
    assert load(budget.save(tmp_path / "cut.synthloom")).epochs_planned_ == 100_000  # the cut shows by it
    stopped = get_model("tvae", epochs=400, early_stopping=True, random_state=0, **SMALL).fit(default_frame)
    validations = [h["validation"] for h in stopped.loss_history_ if "validation" in h]
    assert validations and all(0 <= v <= 1 for v in validations)
    assert len(stopped.loss_history_) < 400, "the cheap fidelity score should plateau well before 400 epochs"


def test_gradient_penalty_is_zero_for_a_unit_gradient_critic():
    critic = Critic(in_dim=3, width=4, depth=0, pac=2)
    with torch.no_grad():
        critic.net[0].weight.copy_(torch.tensor([[0.6, 0.0, 0.0, 0.8, 0.0, 0.0]]))
    real, fake = torch.randn(8, 3), torch.randn(8, 3)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx(0.0, abs=1e-10)
    with torch.no_grad():
        critic.net[0].weight.mul_(3)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx(4.0, rel=1e-5)


def test_ctgan_critic_sees_the_real_rows_in_another_order_than_the_fake_ones(default_frame, monkeypatch):
    """As CTGAN's reference code: the same conditions on both halves, shuffled, so that the gradient
    penalty's mixes of a real and a fake row also span rows of different conditions."""
    seen, forward = [], Critic.forward
    monkeypatch.setattr(Critic, "forward", lambda self, x: seen.append(x.detach()) or forward(self, x))
    model = get_model("ctgan", epochs=1, random_state=0, **SMALL).fit(default_frame)
    rows = max(x.shape[0] for x in seen)
    both = next(x for x in seen if x.shape[0] == rows)  # a critic step judges fake then real rows
    conditions = both[:, -model.sampler_.dim :]
    fake, real = conditions[: rows // 2], conditions[rows // 2 :]
    assert not torch.equal(fake, real)
    key = lambda c: sorted(map(tuple, c.tolist()))  # noqa: E731
    assert key(fake) == key(real)


def test_ctgan_generator_step_computes_no_critic_gradients_and_leaves_the_critic_trainable(default_frame):
    """The critic's gradients from a generator step were thrown away by its next zero_grad: time wasted."""
    model = get_model("ctgan", epochs=1, random_state=0, **SMALL).fit(default_frame)
    model.critic_optimizer_.zero_grad()
    generator_weights = model.generator_optimizer_.weights.clone()
    cond, _ = model.sampler_.training_batch(model.batch_size)
    raw = model._raw(model.batch_size, cond)
    model._generator_step(cond, raw, model.layout_.activate(raw))
    assert not torch.equal(model.generator_optimizer_.weights, generator_weights)  # the step did train
    assert not model.critic_optimizer_.grad.any()
    assert all(p.requires_grad for p in model.critic_.parameters())


@pytest.mark.parametrize("critic_steps", [1, 3])
def test_ctgan_step_passes_the_generator_once_per_critic_step(critic_steps, default_frame, monkeypatch):
    """The last critic step and the generator's step share one pass (fits 15 - 20% shorter)."""
    passes, forward = [], Generator.forward
    monkeypatch.setattr(
        Generator, "forward", lambda self, x: passes.append(torch.is_grad_enabled()) or forward(self, x)
    )
    model = get_model("ctgan", epochs=1, critic_steps=critic_steps, random_state=0, **SMALL)
    model.fit(default_frame)
    steps = len(passes) // critic_steps
    assert steps > 1
    # only the shared pass keeps its graph: the generator's step uses it
    assert passes == ([False] * (critic_steps - 1) + [True]) * steps


def test_ctgan_generator_gives_the_same_rows_with_and_without_autograd():
    generator = Generator(in_dim=12, width=16, depth=3, out_dim=5).eval()
    x = torch.randn(40, 12)
    with torch.no_grad():
        buffered = generator(x)  # the sampling path: blocks write into one buffer
    concatenated = generator(x).detach()
    assert torch.equal(buffered, concatenated)


def test_precision_float32_samples_in_full_precision_even_with_fast_bf16(default_frame, monkeypatch):
    model = get_model("tvae", epochs=1, random_state=0, **SMALL).fit(default_frame)
    monkeypatch.setattr(settings, "cpu_has_fast_bf16", lambda: False)
    full = model.sample(200, random_state=1)
    monkeypatch.setattr(settings, "cpu_has_fast_bf16", lambda: True)
    mixed = model.sample(200, random_state=1)
    model.precision = "float32"
    pd.testing.assert_frame_equal(model.sample(200, random_state=1), full)
    assert not mixed.equals(full), "precision 'auto' should multiply in bf16 on a CPU with fast bf16"
    assert mixed.shape == full.shape and (mixed.dtypes == full.dtypes).all()


def test_early_stopping_scores_float32_draws_whatever_the_cpu(default_frame, monkeypatch):
    settings_ = {"epochs": 10, "early_stopping": True, "random_state": 0, **SMALL}  # checks every 5
    histories = []
    for fast_bf16 in (False, True):
        monkeypatch.setattr(settings, "cpu_has_fast_bf16", lambda fast_bf16=fast_bf16: fast_bf16)
        histories.append(get_model("tvae", **settings_).fit(default_frame).loss_history_)
    assert any("validation" in h for h in histories[0])
    assert histories[0] == histories[1]


@pytest.mark.parametrize("name", ["ctgan", "tvae"])
def test_training_rows_keep_scaled_values_within_tanh_range(name, default_frame, monkeypatch):
    frame = default_frame.copy()
    frame.loc[:1, "balance"] = 1e5  # far beyond any mode's 4 spreads: the encoder scales it way past 1
    model = get_model(name, epochs=1, random_state=0, **SMALL)
    seen = []
    step = type(model)._train_step
    monkeypatch.setattr(
        type(model),
        "_train_step",
        lambda self: seen.append(self.data_[:, self.layout_.tanh_index]) or step(self),
    )
    model.fit(frame)
    balance = next(s.start for s in model.transformer_.spans if s.column == "balance" and s.role == "value")
    assert model.transformer_.transform(frame)[:2, balance].min() > 5  # the encoding itself stays exact
    assert float(seen[0].abs().max()) == 1.0 and torch.isfinite(seen[0]).all()


def test_a_diverged_fit_leaves_the_model_unfitted(default_frame, monkeypatch):
    model = get_model("tvae", epochs=2, random_state=0, **SMALL)
    monkeypatch.setattr(type(model), "_train_step", lambda self: {"loss_reconstruction": float("nan")})
    with pytest.raises(TrainingDivergedError, match="loss_reconstruction became nan"):
        model.fit(default_frame)
    with pytest.raises(NotFittedError):  # NaN weights neither sample nor save
        model.sample(5)


def test_a_last_step_that_turns_the_weights_nan_fails_the_fit(default_frame, monkeypatch):
    """An update that turns the weights NaN after a finite loss is caught by the next step's loss; on the
    last step there was none, and the fit ended with NaN weights (NaN rows, an unloadable file)."""
    one_step = {**SMALL, "batch_size": len(default_frame)}  # one epoch of one step: the last step
    model = get_model("tvae", epochs=1, random_state=0, **one_step).fit(default_frame)
    before = model.sample(5, random_state=1)
    step = type(model)._train_step

    def poisoned(self) -> dict[str, float]:
        losses = step(self)
        next(self.decoder_.parameters()).data.fill_(float("nan"))
        return losses

    monkeypatch.setattr(type(model), "_train_step", poisoned)
    with pytest.raises(
        TrainingDivergedError, match="diverged in its last step: the weights of decoder_ became"
    ):
        model.fit(default_frame)
    pd.testing.assert_frame_equal(model.sample(5, random_state=1), before)  # the model as it was


def test_a_model_fitted_on_a_device_this_machine_lacks_loads_where_it_can(default_frame, tmp_path):
    model = get_model("tvae", epochs=1, random_state=0).fit(default_frame)
    model.device = "cuda:7"  # what a fit on an eight-GPU machine records
    loaded = load(model.save(tmp_path / "gpu.synthloom"))
    assert loaded.get_params()["device"] == "cuda:7"  # the setting is kept; the networks went elsewhere
    assert loaded.device_.type in {"cpu", "cuda", "mps"} and loaded.device_ != torch.device("cuda:7")
    pd.testing.assert_frame_equal(loaded.sample(20, random_state=1), model.sample(20, random_state=1))


def test_a_fit_refused_for_its_settings_leaves_the_model_as_it_was(default_frame, tmp_path):
    default_frame.to_csv(tmp_path / "d.csv", index=False)
    refused = get_model("tvae", epochs=0, random_state=0, **SMALL)
    with pytest.raises(ConfigError, match="epochs"):
        refused.fit(default_frame)
    with pytest.raises(ConfigError, match="epochs"):
        refused.fit_file(tmp_path / "d.csv")
    assert not hasattr(refused, "seed_") and not hasattr(refused, "loss_history_")
    with pytest.raises(NotFittedError):
        refused.sample(3)
    model = get_model("tvae", epochs=1, random_state=0, **SMALL).fit(default_frame)
    before = model.sample(20, random_state=1)
    fitted_batch = model.batch_size
    model.set_params(batch_size=0)
    with pytest.raises(ConfigError, match="batch_size"):  # other data: a new encoding, old networks
        model.fit(default_frame.assign(extra=default_frame["student"] + "!"))
    with pytest.raises(ConfigError, match=rf"settings changed since .* \(batch_size: {fitted_batch} -> 0\)"):
        model.sample(3)  # the setting it asked for is not the one its networks were fitted with
    model.set_params(batch_size=fitted_batch)
    pd.testing.assert_frame_equal(model.sample(20, random_state=1), before)


def test_a_refit_that_fails_on_its_data_leaves_the_model_as_it_was(default_frame, tmp_path):
    """A refit refused part-way (a ddpm target that holds numbers, found once the new encoding was learned)
    left the new encoding beside the old networks, and the model sampled from the mix."""
    model = get_model("ddpm", epochs=1, batch_size=100, hidden_width=32, random_state=0).fit(default_frame)
    before = model.sample(20, random_state=1)
    model.set_params(target="balance")
    with pytest.raises(ConfigError, match="target 'balance' holds numbers"):
        model.fit(default_frame)
    with pytest.raises(ConfigError, match=r"\(target: None -> 'balance'\); fit it again, or set them back"):
        model.sample(3)
    model.set_params(target=None)
    pd.testing.assert_frame_equal(model.sample(20, random_state=1), before)
    pd.testing.assert_frame_equal(
        load(model.save(tmp_path / "m.synthloom")).sample(20, random_state=1), before
    )


@pytest.mark.parametrize(
    ("name", "change"),
    [("ctgan", {"pac": 5}), ("ctgan", {"embedding_dim": 64}), ("tvae", {"hidden_width": 16})],
)
def test_a_fitted_model_whose_settings_changed_is_not_sampled_or_saved(name, change, default_frame, tmp_path):
    """set_params(pac=5) after a fit, then save: the file held pac=5 beside weights shaped by pac=10, and
    loading it failed ("corrupt"); sampling after set_params(embedding_dim=64) failed with a torch shape
    error. Settings that only steer a draw may change."""
    model = get_model(name, epochs=1, random_state=0, **SMALL).fit(default_frame)
    model.set_params(**change)
    with pytest.raises(ConfigError, match="settings changed since this model was fitted"):
        model.sample(3)
    with pytest.raises(ConfigError, match="settings changed since this model was fitted"):
        model.save(tmp_path / "m.synthloom")
    assert not (tmp_path / "m.synthloom").exists()
    model.set_params(**{**model.fitted_params_, "precision": "float32", "verbose": True, "random_state": 3})
    assert len(load(model.save(tmp_path / "m.synthloom")).sample(3)) == 3


def test_a_draw_setting_changed_after_fit_is_checked_as_fit_checks_it(default_frame, tmp_path):
    """precision="float16" set after a fit was saved as it was, in a file load then refused; ddpm's
    sample_steps=5000 failed sampling with an IndexError."""
    model = get_model("ctgan", epochs=1, random_state=0, **SMALL).fit(default_frame)
    model.set_params(precision="float16")
    with pytest.raises(ConfigError, match="precision must be 'auto' or 'float32', not 'float16'"):
        model.save(tmp_path / "m.synthloom")
    assert not (tmp_path / "m.synthloom").exists()
    ddpm = get_model("ddpm", epochs=1, batch_size=100, hidden_width=32, random_state=0).fit(default_frame)
    ddpm.set_params(sample_steps=5000)
    with pytest.raises(ConfigError, match=r"sample_steps \(5000\) cannot exceed timesteps"):
        ddpm.sample(3)
    assert len(ddpm.set_params(sample_steps=10).sample(3)) == 3


def test_a_seed_changed_after_fit_is_checked_as_fit_checks_it(default_frame):
    """random_state="abc" set after a fit was sampled with and saved into the model file."""
    model = get_model("tvae", epochs=1, random_state=0, **SMALL).fit(default_frame)
    model.set_params(random_state="abc")
    with pytest.raises(ConfigError, match="random_state must be an integer or None, not 'abc'"):
        model.sample(3)
    assert len(model.set_params(random_state=5).sample(3)) == 3


@pytest.mark.parametrize("name", ["ctgan", "tvae", "ddpm"])
def test_a_warning_from_fit_names_the_users_line(name):
    """A neural model's ``fit`` runs inside a context manager's wrapper: its warnings named contextlib.py."""
    rng = np.random.default_rng(0)
    below_limit = ["<0.1"] * 20 + [str(v) for v in rng.normal(size=280).round(2)]
    frame = pd.DataFrame({"glucose": below_limit, "sex": rng.choice(["F", "M"], 300)})
    with pytest.warns(DataWarning, match="'<0.1'") as said:
        get_model(name, epochs=1, batch_size=100, random_state=0).fit(frame)
    assert {warning.filename for warning in said if "'<0.1'" in str(warning.message)} == {__file__}
