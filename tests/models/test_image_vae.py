"""Convolutional VAE and conditional VAE: shapes, ranges, conditioning, seeding, files."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from synthloom.datasets import load_images
from synthloom.errors import ConfigError
from synthloom.models.image_base import load_image_model
from synthloom.models.image_vae import ConditionalImageVAE, ImageVAE

torch.set_num_threads(1)
TINY = {"width": 4, "latent_dim": 4, "epochs": 1, "batch_size": 16, "device": "cpu"}


@pytest.fixture(scope="module")
def zeros_and_ones() -> tuple[np.ndarray, np.ndarray]:
    images, labels = load_images("digits")
    keep = labels < 2
    return images[keep], labels[keep]


@pytest.mark.parametrize(("shape", "padded"), [((16, 8, 8), 8), ((16, 28, 28), 32), ((16, 3, 16, 16), 16)])
def test_sizes_layouts_and_range(shape: tuple[int, ...], padded: int) -> None:
    images = np.random.default_rng(0).random(shape, dtype=np.float32)
    model = ImageVAE(**TINY, random_state=0).fit(images)
    assert model.size_ == padded
    out = model.sample(3)
    assert out.shape == (3, *shape[1:]) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0


def test_training_lowers_the_loss_and_keeps_history(zeros_and_ones) -> None:
    model = ImageVAE(**{**TINY, "epochs": 4}, random_state=0).fit(zeros_and_ones[0])
    losses = [h["loss"] for h in model.loss_history_]
    assert len(losses) == 4 and all(math.isfinite(v) for v in losses)
    assert losses[-1] < losses[0]
    assert {"reconstruction", "kl"} <= set(model.loss_history_[0])


def test_conditional_label_is_honoured(zeros_and_ones) -> None:
    images, labels = zeros_and_ones
    model = ConditionalImageVAE(
        width=8, latent_dim=4, epochs=8, learning_rate=3e-3, batch_size=32, device="cpu", random_state=0
    ).fit(images, labels)
    means = [images[labels == c].mean(axis=0) for c in (0, 1)]
    for label in (0, 1):
        drawn = model.sample(40, labels=label)
        distances = [((drawn.mean(axis=0) - mean) ** 2).sum() for mean in means]
        assert np.argmin(distances) == label, distances


def test_seed_and_save_load(tmp_path, zeros_and_ones) -> None:
    images, labels = zeros_and_ones[0][:48], zeros_and_ones[1][:48]
    model = ConditionalImageVAE(**TINY, random_state=2).fit(images, labels)
    twin = ConditionalImageVAE(**TINY, random_state=2).fit(images, labels)
    loaded = load_image_model(model.save(tmp_path / "v.synthloom"))
    assert type(loaded) is ConditionalImageVAE
    first = model.sample(5, labels=[0, 1, 0, 1, 1])
    np.testing.assert_array_equal(first, twin.sample(5, labels=[0, 1, 0, 1, 1]))
    np.testing.assert_array_equal(first, loaded.sample(5, labels=[0, 1, 0, 1, 1]))


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigError, match="beta"):
        ImageVAE(beta=0).fit(np.zeros((20, 8, 8)))
    with pytest.raises(ConfigError, match="latent_dim"):
        ImageVAE(latent_dim=0).fit(np.zeros((20, 8, 8)))
    with pytest.raises(ConfigError, match=r"learning_rate must be a number > 0, not '0.001'"):
        ImageVAE(learning_rate="0.001").fit(np.zeros((20, 8, 8)))
