"""DCGAN and conditional DCGAN (Radford et al. 2016; Mirza and Osindero 2014) for square images.

The generator maps noise to an image through transposed convolutions with batch-norm; the discriminator
is convolutional with LeakyReLU and dropout. Both are trained with the non-saturating loss:
discriminator ``-log D(x) - log(1 - D(G(z)))``, generator ``-log D(G(z))`` (not ``log(1 - D(G(z)))``,
whose gradient vanishes exactly when the generator is bad). The conditional variant embeds the label:
concatenated to the noise in the generator, and as a projection (Miyato and Koyama 2018) in the
discriminator, which conditions more strongly than a concatenated label map.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as spectral

from synthloom.models.image_base import ImageGenerator
from synthloom.nn.image_layers import DownStack, UpStack, diff_augment
from synthloom.nn.layers import frozen
from synthloom.registry import register
from synthloom.training.optim import FlatAdam
from synthloom.training.settings import check_flag, check_number, check_whole

COLLAPSED_D_LOSS = 0.01  # a discriminator loss this small means D separates real from fake outright


class Generator(nn.Module):
    """Noise (B, latent_dim) [+ class codes (B,)] -> image (B, C, size, size) in [-1, 1]."""

    def __init__(self, latent_dim: int, channels: int, size: int, width: int, n_classes: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(n_classes, latent_dim) if n_classes > 1 else None
        self.up = UpStack(latent_dim * (2 if self.embed is not None else 1), channels, size, width)

    def forward(self, z: torch.Tensor, codes: torch.Tensor | None) -> torch.Tensor:
        if self.embed is not None:
            z = torch.cat([z, self.embed(codes)], dim=1)  # (B, 2 * latent_dim)
        return torch.tanh(self.up(z))


class Discriminator(nn.Module):
    """Image (B, C, size, size) [+ class codes (B,)] -> one logit per image (B,)."""

    def __init__(
        self, channels: int, size: int, width: int, n_classes: int, dropout: float, spectral_norm: bool
    ) -> None:
        super().__init__()
        wrap = spectral if spectral_norm else (lambda layer: layer)
        self.trunk = DownStack(channels, size, width, dropout=dropout, spectral=spectral_norm)
        self.head = wrap(nn.Linear(self.trunk.out_dim, 1))
        self.project = None
        if n_classes > 1:
            embedding = nn.Embedding(n_classes, self.trunk.out_dim)
            # start unconditional (N(0, 1) rows swamp the logit); not spectrally normalised, since the
            # norm of a zero matrix is 0 and dividing by it gives NaN
            nn.init.zeros_(embedding.weight)
            self.project = embedding

    def forward(self, x: torch.Tensor, codes: torch.Tensor | None) -> torch.Tensor:
        h = self.trunk(x)  # (B, F)
        logit = self.head(h).squeeze(1)  # (B,)
        if self.project is not None:
            logit = logit + (self.project(codes) * h).sum(dim=1)  # projection: <embed(y), h>
        return logit


@register("dcgan")
class DCGAN(ImageGenerator):
    """Deep convolutional GAN for square images (any side; padded to a power of two), 1 or 3 channels.

    Args:
        conditional: embed class labels in both networks, so ``sample(n, labels=7)`` works.
        latent_dim: size of the noise vector.
        width: channels of the outermost convolution; inner layers double it, up to 8x.
        learning_rate: Adam step for both networks (Radford et al.: 2e-4 with beta1 = 0.5).
        label_smoothing: one-sided: real targets become ``1 - label_smoothing`` (Salimans et al. 2016),
            which keeps the discriminator from becoming over-confident.
        spectral_norm: spectrally normalise the discriminator (Miyato et al. 2018) for stability.
        dropout: discriminator dropout after each downsampling.
        mode_seeking: weight of the mode-seeking term (Mao et al. 2019): the generator is rewarded for
            making two images of the same class differ as much as their noise vectors do. Without it a
            conditional generator tends to ignore its noise and draw one image per class (on MNIST: pixel
            spread within a class 0.018 against 0.156 for real digits; with it 0.155). None: 1.0 for
            conditional models, 0 (off) otherwise.
        augment: differentiable augmentation (Zhao et al. 2020: random translation and cutout of real
            and generated images alike, before the discriminator), which keeps the discriminator from
            memorising a small set in long runs. Off by default: on 100 faces it slowed the first few
            hundred steps (a few CPU minutes) more than it helped.

    Example:
        >>> images, labels = sl.datasets.load_images("digits")
        >>> model = DCGAN(conditional=True, epochs=50, random_state=0).fit(images, labels)
        >>> sevens = model.sample(100, labels=7)  # (100, 8, 8) in [0, 1]
        >>> model.loss_history_[-1]  # {'epoch': 50.0, 'd_loss': ..., 'g_loss': ..., 'mode_seeking': ...}
    """

    def __init__(
        self,
        conditional: bool = False,
        latent_dim: int = 64,
        width: int = 32,
        learning_rate: float = 2e-4,
        label_smoothing: float = 0.1,
        spectral_norm: bool = False,
        dropout: float = 0.3,
        mode_seeking: float | None = None,
        augment: bool = False,
        epochs: int = 20,
        batch_size: int = 64,
        device: str = "auto",
        max_minutes: float | None = None,
        verbose: bool = False,
        random_state: int | None = None,
    ) -> None:
        super().__init__(conditional, epochs, batch_size, device, max_minutes, verbose, random_state)
        self.latent_dim = latent_dim
        self.width = width
        self.learning_rate = learning_rate
        self.label_smoothing = label_smoothing
        self.spectral_norm = spectral_norm
        self.dropout = dropout
        self.mode_seeking = mode_seeking
        self.augment = augment

    def _check_params(self) -> None:
        super()._check_params()
        for name in ("latent_dim", "width"):
            check_whole(name, getattr(self, name))
        check_number("learning_rate", self.learning_rate, low_open=True)
        check_number("label_smoothing", self.label_smoothing, 0, 0.5, high_open=True)
        check_number("dropout", self.dropout, 0, 1, high_open=True)
        if self.mode_seeking is not None:  # None: on for conditional models only
            check_number("mode_seeking", self.mode_seeking)
        check_flag("augment", self.augment)

    def _build(self) -> None:
        n_classes = len(self.classes_) if self.conditional else 1
        self.generator_ = Generator(self.latent_dim, self.channels_, self.size_, self.width, n_classes)
        self.discriminator_ = Discriminator(
            self.channels_, self.size_, self.width, n_classes, self.dropout, self.spectral_norm
        )
        self.generator_.to(self.device_)
        self.discriminator_.to(self.device_)
        betas = (0.5, 0.999)  # beta1 = 0.5: the default 0.9 oscillates in adversarial training
        self.g_optimizer_ = FlatAdam(self.generator_.parameters(), self.learning_rate, betas=betas)
        self.d_optimizer_ = FlatAdam(self.discriminator_.parameters(), self.learning_rate, betas=betas)

    def _modules(self) -> dict[str, nn.Module]:
        return {"generator": self.generator_, "discriminator": self.discriminator_}

    def _train_step(self, x: torch.Tensor, y: torch.Tensor | None) -> dict[str, float]:
        codes = y if self.conditional else None
        z = torch.randn(len(x), self.latent_dim, device=self.device_)
        with self._autocast():
            fake = self.generator_(z, codes)  # (B, C, size, size)
            real_logit = self.discriminator_(self._look(x), codes)
            fake_logit = self.discriminator_(self._look(fake.detach()), codes)
            d_loss = _bce(real_logit, 1.0 - self.label_smoothing) + _bce(fake_logit, 0.0)
        self.d_optimizer_.zero_grad()
        d_loss.backward()
        self.d_optimizer_.step()
        with frozen(self.discriminator_), self._autocast():
            g_loss = _bce(self.discriminator_(self._look(fake), codes), 1.0)  # non-saturating: -log D(G(z))
            seeking = self._mode_seeking_weight()
            spread = self._mode_seeking_loss(fake, z, codes) if seeking else torch.zeros(())
        self.g_optimizer_.zero_grad()
        (g_loss + seeking * spread).backward()
        self.g_optimizer_.step()
        losses = {"d_loss": d_loss.item(), "g_loss": g_loss.item()}
        if seeking:  # off (unconditional models) it is always 0: no loss to show
            losses["mode_seeking"] = spread.item()
        return losses

    def _mode_seeking_weight(self) -> float:
        if self.mode_seeking is None:
            return 1.0 if self.conditional else 0.0
        return float(self.mode_seeking)

    def _mode_seeking_loss(
        self, fake: torch.Tensor, z: torch.Tensor, codes: torch.Tensor | None
    ) -> torch.Tensor:
        """1 / (image distance / noise distance) for pairs with the same class and different noise:
        small when different noise gives different images (Mao et al. 2019, MSGAN)."""
        half = len(z) // 2
        if half < 2:  # batch-norm needs two images per batch
            return torch.zeros((), device=z.device)
        other_z = torch.randn(half, self.latent_dim, device=self.device_)
        other = self.generator_(other_z, None if codes is None else codes[:half])
        image_distance = (fake[:half].float() - other.float()).abs().flatten(1).mean(1)
        noise_distance = (z[:half] - other_z).abs().mean(1)
        return 1.0 / ((image_distance / noise_distance).mean() + 1e-5)

    def _look(self, images: torch.Tensor) -> torch.Tensor:
        """What the discriminator sees: the images, augmented when ``augment`` is on."""
        return diff_augment(images) if self.augment else images

    def _generate(self, codes: torch.Tensor) -> torch.Tensor:
        z = torch.randn(len(codes), self.latent_dim, device=self.device_)
        with self._autocast():
            return self.generator_(z, codes if self.conditional else None)

    def _divergence_advice(self) -> str:
        return "lower learning_rate, set spectral_norm=True, or raise label_smoothing (e.g. 0.1)"

    def _collapse_message(self) -> str | None:
        last = self.loss_history_[-1]
        # an epoch the time budget ended before its first step has no losses: nothing to judge
        if "d_loss" not in last or last["d_loss"] >= COLLAPSED_D_LOSS:
            return None
        return (
            f"{self.model_name} looks collapsed: the discriminator loss fell to {last['d_loss']:.2g} "
            f"(generator loss {last['g_loss']:.3g}), so the generator no longer learns; "
            f"{self._divergence_advice()}, or train fewer epochs"
        )


@register("cdcgan")
class ConditionalDCGAN(DCGAN):
    """Conditional DCGAN: ``DCGAN`` with ``conditional=True`` by default (the label steers both networks).

    Example:
        >>> model = ConditionalDCGAN(epochs=20, random_state=0).fit(images, labels)
        >>> sevens = model.sample(100, labels=7)
    """

    def __init__(self, conditional: bool = True, **params: Any) -> None:
        super().__init__(conditional=conditional, **params)


def _bce(logits: torch.Tensor, target: float) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(logits.float(), torch.full_like(logits.float(), target))
