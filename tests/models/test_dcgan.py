"""DCGAN and conditional DCGAN: sizes, ranges, conditioning, seeding, files, stability guards."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from synthloom.datasets import load_images
from synthloom.errors import (
    ConfigError,
    DataError,
    ModelFileError,
    NotFittedError,
    TrainingDivergedError,
)
from synthloom.models.dcgan import DCGAN, ConditionalDCGAN
from synthloom.models.image_base import CollapseWarning, load_image_model
from synthloom.registry import get_model

torch.set_num_threads(1)
TINY = {"width": 4, "latent_dim": 8, "epochs": 1, "batch_size": 16, "device": "cpu"}


@pytest.fixture(scope="module")
def zeros_and_ones() -> tuple[np.ndarray, np.ndarray]:
    images, labels = load_images("digits")
    keep = labels < 2
    return images[keep], labels[keep]


@pytest.mark.parametrize(("side", "padded"), [(8, 8), (16, 16), (28, 32), (32, 32)])
def test_generator_ends_at_the_image_size(side: int, padded: int) -> None:
    images = np.random.default_rng(0).random((16, side, side), dtype=np.float32)
    model = DCGAN(**TINY, random_state=0).fit(images)
    assert model.generator_(torch.zeros(2, 8), None).shape == (2, 1, padded, padded)
    out = model.sample(5)
    assert out.shape == (5, side, side) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_rgb_64_keeps_channels_first_layout() -> None:
    images = np.random.default_rng(0).random((16, 3, 64, 64), dtype=np.float32)
    model = DCGAN(**TINY, spectral_norm=True, random_state=0).fit(images)
    assert model.sample(3).shape == (3, 3, 64, 64)


def test_an_unconditional_model_has_no_mode_seeking_loss(zeros_and_ones) -> None:
    plain = DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32])
    assert set(plain.loss_history_[-1]) == {"epoch", "d_loss", "g_loss"}  # the term is off: always 0
    switched_off = ConditionalDCGAN(**TINY, mode_seeking=0.0, random_state=0).fit(*zeros_and_ones)
    assert "mode_seeking" not in switched_off.loss_history_[-1]


def test_the_training_split_travels_in_the_model_file(tmp_path, zeros_and_ones) -> None:
    model = DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32])
    assert model.training_split_ is None  # fitted from arrays: no split known
    assert load_image_model(model.save(tmp_path / "plain.synthloom")).training_split_ is None
    split = {"source": "digits", "holdout": 0.15, "seed": 1, "fingerprint": "ab", "images": 32}
    model.training_split_ = split
    back = load_image_model(model.save(tmp_path / "split.synthloom"))
    assert back.training_split_ == model.training_split_


def test_a_budget_spent_before_the_first_step_still_fits(zeros_and_ones) -> None:
    model = DCGAN(**TINY, max_minutes=1e-9, random_state=0).fit(zeros_and_ones[0][:32])
    assert model.loss_history_ == [{"epoch": 0.0}]  # no step, so no losses and no collapse to judge
    assert model.sample(2).shape == (2, 8, 8)


def test_loss_history_is_kept_per_epoch(zeros_and_ones: tuple[np.ndarray, np.ndarray]) -> None:
    model = DCGAN(**{**TINY, "epochs": 3}, random_state=0).fit(zeros_and_ones[0][:64])
    assert [h["epoch"] for h in model.loss_history_] == [1.0, 2.0, 3.0]
    assert all(math.isfinite(h["d_loss"]) and math.isfinite(h["g_loss"]) for h in model.loss_history_)


def test_conditional_label_is_honoured(zeros_and_ones: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = zeros_and_ones
    model = ConditionalDCGAN(
        width=8, latent_dim=16, epochs=12, learning_rate=2e-3, batch_size=32, device="cpu", random_state=0
    ).fit(images, labels)
    means = [images[labels == c].mean(axis=0) for c in (0, 1)]
    for label in (0, 1):
        drawn, drawn_labels = model.sample(40, labels=label, return_labels=True)
        assert (drawn_labels == label).all()
        distances = [((drawn.mean(axis=0) - mean) ** 2).sum() for mean in means]
        assert np.argmin(distances) == label, distances


def test_same_seed_same_model_and_samples(zeros_and_ones: tuple[np.ndarray, np.ndarray]) -> None:
    images, labels = zeros_and_ones[0][:48], zeros_and_ones[1][:48]
    first = ConditionalDCGAN(**TINY, random_state=3).fit(images, labels)
    second = ConditionalDCGAN(**TINY, random_state=3).fit(images, labels)
    np.testing.assert_array_equal(first.sample(6, random_state=1), second.sample(6, random_state=1))
    assert not np.array_equal(first.sample(6), first.sample(6))  # successive draws differ


def test_save_load_gives_identical_samples(tmp_path, zeros_and_ones) -> None:
    images, labels = zeros_and_ones[0][:48], zeros_and_ones[1][:48]
    model = ConditionalDCGAN(**TINY, spectral_norm=True, random_state=0).fit(images, labels)
    model.device = "cuda:7"  # fitted on a device this machine lacks: loaded where it can be
    loaded = load_image_model(model.save(tmp_path / "m.synthloom"))
    assert type(loaded) is ConditionalDCGAN and loaded.get_params() == model.get_params()
    assert loaded.loss_history_ == model.loss_history_
    # a loaded model repeats the saved model's sequence of draws, and seeded draws exactly
    np.testing.assert_array_equal(model.sample(4), loaded.sample(4))
    np.testing.assert_array_equal(
        model.sample(8, labels=1, random_state=5), loaded.sample(8, labels=1, random_state=5)
    )


def test_class_names_are_learned_asked_for_and_saved(tmp_path, zeros_and_ones) -> None:
    images, labels = zeros_and_ones[0][:48], np.array(["zero", "one"])[zeros_and_ones[1][:48]]
    model = ConditionalDCGAN(**TINY, random_state=0).fit(images, labels.astype(object))
    assert model.classes_ == ["one", "zero"]
    _, drawn = model.sample(5, labels="zero", return_labels=True)
    assert drawn.tolist() == ["zero"] * 5
    loaded = load_image_model(model.save(tmp_path / "m.synthloom"))
    assert loaded.classes_ == ["one", "zero"]
    np.testing.assert_array_equal(
        model.sample(4, labels="one", random_state=3), loaded.sample(4, labels="one", random_state=3)
    )
    with pytest.raises(ConfigError, match="unknown labels"):
        model.sample(2, labels=0)


def test_unconditional_model_ignores_labels(zeros_and_ones) -> None:
    model = DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32], zeros_and_ones[1][:32])
    _, labels = model.sample(3, return_labels=True)
    assert labels.tolist() == [-1, -1, -1]


def test_registered_names() -> None:
    assert type(get_model("dcgan")) is DCGAN
    assert get_model("cdcgan").conditional is True


def test_nan_loss_stops_with_advice(monkeypatch, zeros_and_ones) -> None:
    monkeypatch.setattr(DCGAN, "_train_step", lambda self, x, y: {"d_loss": float("nan"), "g_loss": 1.0})
    with pytest.raises(TrainingDivergedError, match=r"d_loss.*spectral_norm"):
        DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32])


def test_a_diverged_refit_leaves_the_model_as_it_was(monkeypatch, tmp_path, zeros_and_ones) -> None:
    """A diverged refit kept the last history beside NaN networks: NaN images and an unloadable file."""
    model = DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32])
    before = model.sample(2, random_state=1)
    monkeypatch.setattr(DCGAN, "_train_step", lambda self, x, y: {"d_loss": float("nan"), "g_loss": 1.0})
    with pytest.raises(TrainingDivergedError):
        model.fit(zeros_and_ones[0][:32])
    np.testing.assert_array_equal(model.sample(2, random_state=1), before)  # the fitted model, not NaN
    fresh = DCGAN(**TINY, random_state=0)
    with pytest.raises(TrainingDivergedError):
        fresh.fit(zeros_and_ones[0][:32])
    with pytest.raises(NotFittedError):  # a first fit that diverged: no NaN images, no unloadable file
        fresh.save(tmp_path / "nan.synthloom")


def test_a_last_step_that_turns_the_weights_nan_fails_the_fit(monkeypatch, zeros_and_ones) -> None:
    """An update that turns the weights NaN after finite losses went unseen on the last step."""
    step = DCGAN._train_step

    def poisoned(self, x, y) -> dict[str, float]:
        losses = step(self, x, y)
        next(self.generator_.parameters()).data.fill_(float("nan"))
        return losses

    monkeypatch.setattr(DCGAN, "_train_step", poisoned)
    model = DCGAN(**{**TINY, "batch_size": 32}, random_state=0)  # one epoch of one step: the last step
    with pytest.raises(TrainingDivergedError, match="in its last step: the weights of generator became"):
        model.fit(zeros_and_ones[0][:32])
    with pytest.raises(NotFittedError):
        model.sample(2)


def test_discriminator_winning_outright_warns(monkeypatch, zeros_and_ones) -> None:
    monkeypatch.setattr(DCGAN, "_train_step", lambda self, x, y: {"d_loss": 1e-4, "g_loss": 12.0})
    with pytest.warns(CollapseWarning, match="collapsed"):
        DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32])


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        (np.full((20, 8, 8), 2.0), None, r"scale them to \[0, 1\]"),
        (np.zeros((20, 8, 6)), None, r"images are 6x8 \(width x height\); the image models need square"),
        (np.zeros((20, 2, 8, 8)), None, "C = 1 or 3"),
        (np.zeros((20, 8, 8)), np.zeros(19, dtype=int), "one per image"),
        (np.zeros((20, 8, 8)), np.full(20, 0.5), "whole numbers or class names"),
        (np.zeros((4, 8, 8)), None, "at least 16 images"),
    ],
)
def test_bad_images_are_refused(images, labels, message) -> None:
    with pytest.raises(DataError, match=message):
        DCGAN(**TINY).fit(images, labels)


def test_pixels_channels_last_and_float_labels_are_taken_as_the_cli_reads_them(zeros_and_ones) -> None:
    """uint8 pixels, channels-last arrays and 0.0 / 1.0 labels were refused by fit (the CLI's .npz reading
    takes them)."""
    images, labels = zeros_and_ones
    pixels = np.repeat((images[:32, ..., None] * 255).round().astype(np.uint8), 3, axis=-1)  # (N, 8, 8, 3)
    model = ConditionalDCGAN(**TINY, random_state=0).fit(pixels, labels[:32].astype(float))
    assert model.channels_ == 3 and sorted(model.classes_) == [0, 1]
    assert model.sample(4, labels=1).shape == (4, 8, 8, 3)  # in the layout it was fitted on


def test_channels_last_images_come_back_channels_last_also_after_loading(tmp_path) -> None:
    images = np.random.default_rng(0).random((16, 8, 8, 3), dtype=np.float32)
    model = DCGAN(**TINY, random_state=0).fit(images)
    assert model.layout_ == "NHWC" and model.sample(2).shape == (2, 8, 8, 3)
    loaded = load_image_model(model.save(tmp_path / "nhwc.synthloom"))
    np.testing.assert_array_equal(loaded.sample(2, random_state=1), model.sample(2, random_state=1))
    first = DCGAN(**TINY, random_state=0).fit(images.transpose(0, 3, 1, 2))  # the same images, NCHW
    np.testing.assert_array_equal(
        first.sample(2, random_state=1).transpose(0, 2, 3, 1), model.sample(2, random_state=1)
    )


def test_conditional_needs_labels_and_known_classes(zeros_and_ones) -> None:
    with pytest.raises(DataError, match="needs labels"):
        ConditionalDCGAN(**TINY).fit(zeros_and_ones[0][:32])
    model = ConditionalDCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32], zeros_and_ones[1][:32])
    with pytest.raises(ConfigError, match="unknown labels"):
        model.sample(2, labels=7)
    with pytest.raises(ConfigError, match="not conditional"):
        DCGAN(**TINY, random_state=0).fit(zeros_and_ones[0][:32]).sample(2, labels=0)


def test_bad_settings_and_tabular_file_are_refused(tmp_path) -> None:
    with pytest.raises(ConfigError, match="label_smoothing"):
        DCGAN(label_smoothing=0.7).fit(np.zeros((20, 8, 8)))
    with pytest.raises(ConfigError, match=r"dropout must be a number in \[0, 1\), not '0.3'"):
        DCGAN(dropout="0.3").fit(np.zeros((20, 8, 8)))
    with pytest.raises(ModelFileError, match="not found"):
        load_image_model(tmp_path / "missing.synthloom")


def test_tabular_model_file_is_refused(tmp_path) -> None:
    from safetensors.torch import save_file

    path = tmp_path / "table.synthloom"
    header = '{"format": "synthloom-model", "format_version": 1, "model": "copula"}'
    save_file({"w": torch.zeros(1)}, str(path), metadata={"synthloom": header})
    with pytest.raises(ModelFileError, match="tabular model"):
        load_image_model(path)


def test_mode_seeking_term_punishes_a_generator_that_ignores_its_noise(
    zeros_and_ones: tuple[np.ndarray, np.ndarray],
) -> None:
    images, labels = zeros_and_ones
    model = ConditionalDCGAN(**TINY, random_state=0).fit(images[:64], labels[:64])
    assert model._mode_seeking_weight() == 1.0 and DCGAN(**TINY)._mode_seeking_weight() == 0.0
    assert all(h["mode_seeking"] > 0 for h in model.loss_history_)
    codes = torch.zeros(16, dtype=torch.long)
    z = torch.randn(16, model.latent_dim)
    with torch.no_grad():
        varied = model._mode_seeking_loss(model.generator_(z, codes), z, codes)
        model.generator_.up.project[0].weight[:, : model.latent_dim] = 0  # the noise is ignored
        collapsed = model._mode_seeking_loss(model.generator_(z, codes), z, codes)
    assert collapsed > 10 * varied
    with pytest.raises(ConfigError, match="mode_seeking"):
        ConditionalDCGAN(**TINY, mode_seeking=-1.0).fit(images[:64], labels[:64])
