"""The colour path: conditional DCGAN and VAE fit and sample 3-channel 64x64 images (coloured shapes)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import synthloom.models.image_vae  # noqa: F401  (registers vae / cvae)
from synthloom.datasets._shapes import coloured_shapes
from synthloom.models.image_base import load_image_model
from synthloom.registry import get_model

torch.set_num_threads(1)
TINY = {"width": 4, "latent_dim": 8, "epochs": 2, "batch_size": 16, "device": "cpu", "random_state": 0}


@pytest.fixture(scope="module")
def shapes() -> tuple[np.ndarray, np.ndarray]:
    return coloured_shapes(32, size=64, seed=0)


@pytest.mark.parametrize("name", ["cdcgan", "cvae"])
def test_rgb_64_fit_sample_save_load(name: str, shapes, tmp_path) -> None:
    images, labels = shapes
    model = get_model(name, **TINY).fit(images, labels)
    assert all(math.isfinite(v) for h in model.loss_history_ for v in h.values())
    drawn, drawn_labels = model.sample(6, labels=[0, 1, 2, 0, 1, 2], return_labels=True)
    assert drawn.shape == (6, 3, 64, 64) and drawn.dtype == np.float32
    assert drawn.min() >= 0.0 and drawn.max() <= 1.0 and drawn_labels.tolist() == [0, 1, 2] * 2
    assert drawn.std(axis=(0, 2, 3)).min() > 0  # every channel varies: not a grey copy of one
    loaded = load_image_model(model.save(tmp_path / "rgb.synthloom"))
    np.testing.assert_array_equal(model.sample(3, random_state=4), loaded.sample(3, random_state=4))
