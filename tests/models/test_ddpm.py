"""TabDDPM: the two forward processes, their posteriors, the strided sampler and training behaviour."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.stats import ks_2samp

from synthloom import load
from synthloom.data.metadata import ColumnKind, ColumnSpec, Metadata
from synthloom.errors import ConfigError, DataError
from synthloom.models import ddpm
from synthloom.models.ddpm import TabDDPM, cosine_alpha_bar
from synthloom.registry import target_params

TINY = {"epochs": 20, "batch_size": 50, "hidden_width": 32, "sample_steps": 8}


@pytest.fixture(scope="module")
def small_frame() -> pd.DataFrame:
    """A numeric column whose level depends on a three-level category, plus an independent flag."""
    rng = np.random.default_rng(0)
    group = rng.choice(["low", "mid", "high"], 300, p=[0.5, 0.3, 0.2])
    shift = pd.Series(group).map({"low": -4.0, "mid": 0.0, "high": 4.0}).to_numpy()
    return pd.DataFrame(
        {"group": group, "value": shift + rng.normal(0, 0.5, 300), "flag": rng.random(300) < 0.3}
    )


@pytest.fixture(scope="module")
def model(small_frame) -> TabDDPM:
    return TabDDPM(random_state=0, **TINY).fit(small_frame)


def test_cosine_schedule_runs_from_signal_to_noise():
    alpha_bar = cosine_alpha_bar(1000)
    assert alpha_bar.shape == (1000,) and alpha_bar[0] > 0.999 and alpha_bar[-1] < 1e-3
    assert (alpha_bar[1:] < alpha_bar[:-1]).all()


def _kernel(keep: float, k: int) -> np.ndarray:
    """Multinomial transition matrix: row i = distribution of the next state from state i."""
    return keep * np.eye(k) + (1 - keep) / k


def test_categorical_posterior_of_a_strided_jump_is_exact_bayes(model):
    # the "group" span: its K=3 columns are the first softmax columns of the layout
    k, alpha_bar_s, alpha_bar_t = 3, 0.7, 0.2
    x0, x_t = np.eye(k)[0], np.eye(k)[2]
    prior = x0 @ _kernel(alpha_bar_s, k)  # q(x_s | x_0)
    bayes = prior * _kernel(alpha_bar_t / alpha_bar_s, k)[:, 2]  # * q(x_t | x_s)
    bayes /= bayes.sum()
    # composing the two kernels gives q(x_t | x_0) directly: why skipping steps is exact
    np.testing.assert_allclose(
        _kernel(alpha_bar_s, k) @ _kernel(alpha_bar_t / alpha_bar_s, k), _kernel(0.2, k)
    )
    width = model.layout_.softmax_index.numel()
    one_hot = lambda v: torch.tensor(np.pad(v, (0, width - k)), dtype=torch.float32)[None]  # noqa: E731
    log_post = model._posterior(
        one_hot(x_t), one_hot(x0), torch.tensor(alpha_bar_t), torch.tensor(alpha_bar_s)
    )
    np.testing.assert_allclose(log_post[0, :k].exp().numpy(), bayes, rtol=1e-5)


def test_ddim_step_with_the_true_noise_lands_on_the_forward_marginal(model):
    torch.manual_seed(0)
    x0, noise = torch.randn(100, 2).clamp(-3, 3), torch.randn(100, 2)
    alpha_bar_t, alpha_bar_s = model.alpha_bar_[600], model.alpha_bar_[200]
    x_t = alpha_bar_t.sqrt() * x0 + (1 - alpha_bar_t).sqrt() * noise
    eta, model.eta = model.eta, 0.0  # deterministic DDIM for this check
    try:
        x_s = model._ddim_values(x_t, noise, alpha_bar_t, alpha_bar_s)
    finally:
        model.eta = eta
    expected = alpha_bar_s.sqrt() * x0 + (1 - alpha_bar_s).sqrt() * noise
    torch.testing.assert_close(x_s, expected, rtol=1e-4, atol=1e-4)


def test_fully_noised_rows_forget_their_categories(model, small_frame):
    rows = torch.from_numpy(model.transformer_.transform(small_frame)).repeat(20, 1)
    noisy, _ = model._noisy(rows, torch.full((len(rows),), model.timesteps - 1))
    group = model.transformer_.discrete_spans()[0]
    shares = noisy[:, group.start : group.stop].mean(dim=0)
    torch.testing.assert_close(shares, torch.full((3,), 1 / 3), atol=0.02, rtol=0)


def test_sampler_visits_the_requested_levels_closer_together_near_zero(model):
    times = model._sampling_times()
    assert len(times) == TINY["sample_steps"] and times[0] == model.timesteps - 1 and times[-1] == 0
    assert all(a > b for a, b in itertools.pairwise(times))
    gaps = [a - b for a, b in itertools.pairwise(times)]
    assert gaps[0] > gaps[-1]
    assert TabDDPM(timesteps=30, sample_steps=30)._sampling_times() == list(range(29, -1, -1))


def test_training_lowers_both_losses_and_anneals_the_learning_rate(model):
    first, last = model.loss_history_[0], model.loss_history_[-1]
    assert last["loss_gaussian"] < first["loss_gaussian"]
    assert last["loss_multinomial"] < first["loss_multinomial"]
    assert model.optimizer_.lr < 0.05 * model.learning_rate


def test_category_condition_moves_the_dependent_value(model):
    high = model.sample(200, conditions={"group": "high"}, random_state=0)
    low = model.sample(200, conditions={"group": "low"}, random_state=0)
    assert (high["group"] == "high").all() and (low["group"] == "low").all()
    assert high["value"].median() - low["value"].median() > 4.0  # real gap: 8


def test_a_time_budget_that_does_not_end_training_leaves_fits_repeatable(small_frame):
    settings = {**TINY, "epochs": 2, "max_minutes": 30.0}  # a budget far beyond these few steps
    first, second = (TabDDPM(random_state=0, **settings).fit(small_frame) for _ in range(2))
    for name, weights in first.denoiser_.state_dict().items():
        assert torch.equal(weights, second.denoiser_.state_dict()[name]), name
    assert first.loss_history_ == second.loss_history_


def test_the_learning_rate_follows_the_budget_once_it_binds(monkeypatch):
    model = TabDDPM(epochs=10, learning_rate=1.0, max_minutes=1.0)
    model.epochs_planned_ = 10  # as the fit sets it
    model._steps_per_epoch, model._steps_done, model._started = 10, 50, 0.0  # half of 100 steps done
    monkeypatch.setattr(ddpm.time, "monotonic", lambda: 6.0)  # 10% of the budget: it does not bind
    assert model._learning_rate() == 0.5
    monkeypatch.setattr(ddpm.time, "monotonic", lambda: 45.0)  # 75% spent at half way: it binds
    assert model._learning_rate() == pytest.approx(0.25)


def test_a_loaded_model_keeps_every_learned_value_of_the_fitted_one(model, tmp_path):
    """Step counters are training state (private): public learned values are all saved and read back."""
    loaded = load(model.save(tmp_path / "m.synthloom"))
    learned = [name for name in vars(model) if name.endswith("_") and not name.startswith("_")]
    assert [name for name in learned if not hasattr(loaded, name)] == []
    plain = [name for name in learned if isinstance(getattr(model, name), int | float | list)]
    assert "seed_" in plain and {name: getattr(loaded, name) for name in plain} == {
        name: getattr(model, name) for name in plain
    }


def test_default_training_length_is_a_number_of_steps(small_frame, monkeypatch):
    monkeypatch.setattr(ddpm, "TRAINING_STEPS", 45)
    settings = {key: value for key, value in TINY.items() if key != "epochs"}
    model = TabDDPM(random_state=0, **settings).fit(small_frame)  # 300 rows, batch 50: 6 steps per epoch
    assert model.epochs is None and len(model.loss_history_) == 8 and model._steps_done == 48
    # the decay spans exactly the planned steps: the last one ran at 1/48 of the rate
    assert model.optimizer_.lr == pytest.approx(model.learning_rate / 48)
    monkeypatch.setattr(ddpm, "MAX_DEFAULT_EPOCHS", 3)  # a small table is not passed over without end
    assert len(TabDDPM(random_state=0, **settings).fit(small_frame).loss_history_) == 3


def test_number_columns_come_out_with_the_real_distributions_once_calibrated():
    """A short fit draws a skewed amount and a count of few levels with the wrong shares; the calibration
    learned after training carries them onto the real ones, and it can be switched off after fitting."""
    rng = np.random.default_rng(0)
    count = rng.poisson(0.4, 600)
    frame = pd.DataFrame(
        {"count": count, "value": count + rng.normal(0, 1, 600), "amount": rng.lognormal(3, 1, 600)}
    )
    model = TabDDPM(random_state=0, **TINY).fit(frame)
    assert model.calibration_.columns.numel() == 3
    calibrated = model.sample(3_000)
    plain = model.set_params(calibrate_marginals=False).sample(3_000)
    assert ks_2samp(frame["amount"], calibrated["amount"]).statistic < 0.06
    assert ks_2samp(frame["amount"], plain["amount"]).statistic > 0.1
    assert abs(calibrated["count"].eq(0).mean() - frame["count"].eq(0).mean()) < 0.04
    assert calibrated["count"].isin(frame["count"]).all()


def test_category_and_missing_shares_come_out_as_the_real_ones_once_calibrated():
    """On a wide sensor table ddpm drew 17 - 24% of the readings missing where 30% were, and one machine in
    30% of the rows against 20%: the category logits are shifted after training until a draw's shares meet
    the real ones (switched off with the rest of the calibration)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(600, 30))).add_prefix("v")
    gappy = list(frame.columns[::3])
    for column in gappy:
        frame.loc[rng.random(600) < 0.3, column] = np.nan
    frame["kind"] = rng.choice(["a", "b", "c"], 600, p=[0.6, 0.3, 0.1])
    model = TabDDPM(random_state=0, **TINY).fit(frame)

    def gaps(fake: pd.DataFrame) -> tuple[float, float]:
        missing = (fake[gappy].isna().mean() - frame[gappy].isna().mean()).abs().max()
        kind = (fake["kind"].value_counts(normalize=True) - frame["kind"].value_counts(normalize=True)).abs()
        return missing, kind.max()

    assert max(gaps(model.sample(4_000, random_state=1))) < 0.03
    assert max(gaps(model.set_params(calibrate_marginals=False).sample(4_000, random_state=1))) > 0.05


def test_a_streamed_fit_calibrates_on_the_files_uniform_sample_not_its_last_chunk(tmp_path):
    """Calibrated onto the last chunk of a file sorted by its number, every draw fell in a third of the
    column's range (5% / 95% quantiles -0.45 / 0.34 against the real -1.63 / 1.61)."""
    values = np.sort(np.random.default_rng(0).normal(size=3_000))
    path = tmp_path / "sorted.csv"
    pd.DataFrame({"value": values}).to_csv(path, index=False)
    model = TabDDPM(random_state=1, **{**TINY, "epochs": 3}).fit_file(
        path, chunk_rows=1_000, sample_rows=3_000
    )
    low, high = np.quantile(model.sample(3_000)["value"], [0.05, 0.95])
    assert low < -1.3 and high > 1.3


@pytest.mark.parametrize("columns", [["value"], ["group", "flag"]])
def test_tables_with_only_values_or_only_categories(small_frame, columns):
    frame = small_frame[columns]
    fake = TabDDPM(random_state=0, **{**TINY, "epochs": 2}).fit(frame).sample(50)
    assert list(fake.columns) == columns and len(fake) == 50 and not fake.isna().any().any()


@pytest.mark.parametrize(
    "bad",
    [
        {"sample_steps": 2000},
        {"timesteps": 0},
        {"eta": 1.5},
        {"ema_decay": 1.0},
        {"sample_steps": 2.5},
        {"epochs": 0},
        {"dropout": 1.0},
        {"eta": "1"},
        {"learning_rate": "0.001"},
        {"hidden_width": 0},
        {"hidden_depth": -1},
    ],
)
def test_bad_settings_are_refused_with_a_config_error(small_frame, bad):
    (name,) = bad
    with pytest.raises(ConfigError, match=rf"^{name} "):  # one line naming the setting
        TabDDPM(**{**TINY, **bad}).fit(small_frame)


@pytest.fixture(scope="module")
def targeted(small_frame) -> TabDDPM:
    return TabDDPM(target="group", random_state=0, **TINY).fit(small_frame)


def test_a_target_conditions_every_row_and_is_kept_in_the_model_file(targeted, small_frame, tmp_path):
    cond = targeted.sampler_.sampling_vectors(5_000)
    group = targeted.sampler_.spans.index(next(s for s in targeted.sampler_.spans if s.column == "group"))
    assert torch.equal(cond[:, targeted.sampler_.group == group].sum(1), torch.ones(5_000))
    fake = targeted.sample(300, random_state=0)
    real_share = small_frame["group"].value_counts(normalize=True)
    assert (fake["group"].value_counts(normalize=True) - real_share).abs().max() < 0.1
    high = targeted.sample(200, conditions={"group": "high"}, random_state=0)
    assert (high["group"] == "high").all() and high["value"].median() > 2.0  # real: 4
    targeted.save(tmp_path / "m.synthloom")
    loaded = load(tmp_path / "m.synthloom")
    assert loaded.target == "group"
    pd.testing.assert_frame_equal(loaded.sample(100, random_state=1), targeted.sample(100, random_state=1))


def test_every_row_holds_the_target_class_its_vector_named(small_frame):
    """TabDDPM draws the class at its real share and generates the rest given it. The denoiser's own draw
    of the class column had been kept, so an undertrained model's class shares were its guesses."""
    barely = TabDDPM(target="group", random_state=0, **{**TINY, "epochs": 1}).fit(small_frame)
    shares = barely.sample(4_000, random_state=0)["group"].value_counts(normalize=True)
    real = small_frame["group"].value_counts(normalize=True)
    assert (shares - real).abs().max() < 0.03


def test_with_a_target_other_categories_are_met_by_rejection(targeted):
    flag = next(s for s in targeted.transformer_.spans if s.column == "flag" and s.is_discrete_column)
    assert not targeted._conditions_directly(flag)  # its vector is never seen in training
    flagged = targeted.sample(60, conditions={"flag": True}, random_state=0)
    assert len(flagged) == 60 and flagged["flag"].all()
    assert flagged["group"].nunique() > 1  # the rows are otherwise drawn as usual


@pytest.mark.parametrize(
    ("target", "error", "message"),
    [
        ("nope", DataError, "'nope' is not a column of the data; its columns are"),
        ("value", ConfigError, "'value' holds numbers or dates; the target must be a discrete column"),
        (["group"], ConfigError, "target must be a column name or None"),
    ],
)
def test_a_target_that_is_no_discrete_column_is_refused(small_frame, target, error, message):
    with pytest.raises(error, match=message):
        TabDDPM(target=target, **{**TINY, "epochs": 1}).fit(small_frame)


def test_target_params_name_a_discrete_target_for_ddpm_only(small_frame):
    # what `synthloom demo`, `synthloom bench` and benchmarks/diffusion.py pass on
    assert target_params("ddpm", small_frame, "group") == {"target": "group"}
    assert target_params("auto", small_frame, "flag") == {"target": "flag"}
    assert target_params("ddpm", small_frame, "value") == {}  # a regression target: no class to name
    assert target_params("ddpm", small_frame, None) == target_params("tvae", small_frame, "group") == {}


def test_a_target_of_class_codes_is_learned_as_a_category(small_frame):
    """A target of whole numbers on a few levels (codes 1/2/3) was refused ("holds numbers"), though
    evaluate, bench and augment read it as classes; bench and the demo left ddpm unconditioned on it."""
    coded = small_frame.assign(group=small_frame["group"].map({"low": 1, "mid": 2, "high": 3}))
    assert target_params("ddpm", coded, "group") == {"target": "group"}
    model = TabDDPM(target="group", **{**TINY, "epochs": 1}).fit(coded)
    assert model.metadata_.columns["group"].kind == ColumnKind.CATEGORICAL
    rows = model.sample(40, conditions={"group": 3}, random_state=0)
    assert rows["group"].dtype == coded["group"].dtype and (rows["group"] == 3).all()
    declared = Metadata({"group": ColumnSpec(ColumnKind.INTEGER)})  # a declared kind stays, and is refused
    with pytest.raises(ConfigError, match="holds numbers or dates"):
        TabDDPM(target="group", **{**TINY, "epochs": 1}).fit(coded, metadata=declared)
