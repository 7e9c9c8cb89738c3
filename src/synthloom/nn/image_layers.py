"""Convolutional stacks shared by the image generators (DCGAN, convolutional VAE).

``UpStack`` maps a vector to an image (DCGAN generator, VAE decoder); ``DownStack`` maps an image to a
feature vector (DCGAN discriminator, VAE encoder). Both work for any square power-of-two size >= 8: the
number of stride-2 layers is ``log2(size) - 2``, so the generator ends exactly at ``size`` (never one
stride short or one stride past, the mistake of the widely copied Keras example that ends at 7x7).
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

BASE = 4  # side of the smallest feature map: every stack starts (or ends) at 4x4


def stride_layers(size: int) -> int:
    """Number of stride-2 layers between a 4x4 map and a ``size`` x ``size`` image."""
    return int(math.log2(size)) - 2


def _widths(size: int, width: int) -> list[int]:
    """Channels from the 4x4 map outwards: wide where the map is small, capped at 8x ``width``."""
    n = stride_layers(size)
    return [width * min(2 ** (n - i), 8) for i in range(n + 1)]


class UpStack(nn.Module):
    """Vector (B, in_dim) -> image (B, channels, size, size), pre-activation (no tanh/sigmoid).

    Transposed convolutions with batch-norm and ReLU, as in Radford et al. (2016).
    """

    def __init__(self, in_dim: int, channels: int, size: int, width: int) -> None:
        super().__init__()
        widths = _widths(size, width)
        self.first_width = widths[0]
        self.project = nn.Sequential(
            nn.Linear(in_dim, widths[0] * BASE * BASE, bias=False),
            nn.BatchNorm1d(widths[0] * BASE * BASE),
            nn.ReLU(),
        )
        layers: list[nn.Module] = []
        for w_in, w_out in itertools.pairwise(widths):
            layers += [
                nn.ConvTranspose2d(w_in, w_out, 4, stride=2, padding=1, bias=False),  # doubles H, W
                nn.BatchNorm2d(w_out),
                nn.ReLU(),
            ]
        layers.append(nn.Conv2d(widths[-1], channels, 3, padding=1))  # same size, to image channels
        self.body = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.project(z).view(len(z), self.first_width, BASE, BASE)  # (B, W0, 4, 4)
        return self.body(h)  # (B, C, size, size)


class DownStack(nn.Module):
    """Image (B, channels, size, size) -> features (B, out_dim), with LeakyReLU and dropout.

    With ``spectral=True`` every convolution is spectrally normalised and batch-norm is left out (the two
    fight: batch-norm rescales what spectral norm bounds).
    """

    def __init__(
        self, channels: int, size: int, width: int, dropout: float = 0.0, spectral: bool = False
    ) -> None:
        super().__init__()
        widths = _widths(size, width)[::-1]  # from the image inwards
        wrap = spectral_norm if spectral else (lambda layer: layer)
        layers: list[nn.Module] = [wrap(nn.Conv2d(channels, widths[0], 3, padding=1)), nn.LeakyReLU(0.2)]
        for w_in, w_out in itertools.pairwise(widths):
            layers.append(wrap(nn.Conv2d(w_in, w_out, 4, stride=2, padding=1)))  # halves H, W
            if not spectral:
                layers.append(nn.BatchNorm2d(w_out))
            layers += [nn.LeakyReLU(0.2), nn.Dropout(dropout)]
        self.body = nn.Sequential(*layers)
        self.out_dim = widths[-1] * BASE * BASE

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x).flatten(1)  # (B, W * 4 * 4)


def diff_augment(x: torch.Tensor, shift: float = 0.125, cutout: float = 0.5) -> torch.Tensor:
    """Differentiable augmentation (Zhao et al. 2020): random translation, then a random cutout square.

    Applied alike to real and generated images before the discriminator (in both networks' steps), it
    keeps a discriminator from memorising a small training set, while gradients still reach the
    generator through the indexing. Translation moves each image by up to ``shift`` of its side, filling
    with 0 (mid-grey in [-1, 1]); cutout zeroes a square ``cutout`` of the side wide. Uses torch's
    global generator, which the models seed.
    """
    n, _, h, w = x.shape  # (B, C, H, W)
    pad = max(1, round(h * shift))
    moved = torch.randint(0, 2 * pad + 1, (2, n, 1, 1), device=x.device)  # offsets into the padded image
    rows = torch.arange(h, device=x.device).view(1, h, 1) + moved[0]  # (B, H, 1)
    cols = torch.arange(w, device=x.device).view(1, 1, w) + moved[1]  # (B, 1, W)
    batch = torch.arange(n, device=x.device).view(n, 1, 1)
    x = F.pad(x, (pad, pad, pad, pad)).permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)
    side = round(h * cutout)
    top, left = torch.randint(0, h - side + 1, (2, n, 1, 1, 1), device=x.device).unbind(0)  # (B, 1, 1, 1)
    grid_r = torch.arange(h, device=x.device).view(1, 1, h, 1)
    grid_c = torch.arange(w, device=x.device).view(1, 1, 1, w)
    hole = (grid_r >= top) & (grid_r < top + side) & (grid_c >= left) & (grid_c < left + side)
    return x * (~hole).to(x.dtype)  # (B, C, H, W)
