"""Differentiable augmentation: shapes, gradients, seeding, and the DCGAN option that uses it."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthloom.errors import ConfigError
from synthloom.models import dcgan
from synthloom.models.dcgan import DCGAN
from synthloom.nn.image_layers import diff_augment

torch.set_num_threads(1)


def test_translation_and_cutout_keep_shape_and_pass_gradients() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 3, 16, 16, requires_grad=True)
    out = diff_augment(x)
    assert out.shape == x.shape
    # cutout zeroes at least a quarter of each image (a square half the side), translation fills 0s
    assert ((out == 0).flatten(1).float().mean(1) >= 0.25).all()
    out.sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0  # reaches the generator through the indexing
    # pixels that survive come from the image, moved by at most 2 pixels (1/8 of 16)
    kept = out[0][out[0] != 0]
    assert torch.isin(kept, x[0].detach()).all()


def test_augmentation_follows_the_torch_seed() -> None:
    x = torch.rand(4, 1, 8, 8)
    torch.manual_seed(3)
    first = diff_augment(x)
    torch.manual_seed(3)
    assert torch.equal(first, diff_augment(x))
    assert not torch.equal(first, diff_augment(x))


def test_dcgan_trains_with_augmentation(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[torch.Size] = []
    monkeypatch.setattr(dcgan, "diff_augment", lambda x: seen.append(x.shape) or diff_augment(x))
    images = np.random.default_rng(0).random((32, 8, 8), dtype=np.float32)
    DCGAN(width=4, latent_dim=8, epochs=1, batch_size=16, device="cpu", random_state=0).fit(images)
    assert not seen  # off by default
    model = DCGAN(width=4, latent_dim=8, epochs=1, batch_size=16, augment=True, device="cpu").fit(images)
    assert seen == [(16, 1, 8, 8)] * 6  # real, fake for D; fake for G; two steps
    assert np.isfinite(model.loss_history_[-1]["d_loss"])


def test_dcgan_refuses_an_unknown_augment_setting() -> None:
    with pytest.raises(ConfigError, match="augment must be"):
        DCGAN(augment="auto").fit(np.zeros((16, 8, 8), np.float32))
