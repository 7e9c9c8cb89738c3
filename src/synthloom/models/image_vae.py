"""Convolutional VAE and conditional VAE (Kingma and Welling 2014; Sohn et al. 2015) for square images.

The encoder is the convolutional stack of the DCGAN discriminator, the decoder the DCGAN generator's
transposed-convolution stack. Pixels are modelled as Bernoulli means (binary cross-entropy), which suits
images in [0, 1] such as digits far better than a fixed-variance Gaussian. The conditional variant
appends the one-hot label to the encoder's features and to the latent code fed to the decoder.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from synthloom.models.image_base import ImageGenerator
from synthloom.nn.image_layers import DownStack, UpStack
from synthloom.nn.layers import gaussian_kl, reparameterise
from synthloom.registry import register
from synthloom.training.optim import FlatAdam
from synthloom.training.settings import check_number, check_whole


class ConvVAE(nn.Module):
    """Encoder (B, C, S, S) -> (mu, logvar) (B, latent); decoder (B, latent) -> pixel logits (B, C, S, S)."""

    def __init__(self, channels: int, size: int, width: int, latent_dim: int, n_classes: int) -> None:
        super().__init__()
        self.n_classes = n_classes if n_classes > 1 else 0
        self.encoder = DownStack(channels, size, width)
        self.to_stats = nn.Linear(self.encoder.out_dim + self.n_classes, 2 * latent_dim)
        self.decoder = UpStack(latent_dim + self.n_classes, channels, size, width)

    def _with_label(self, h: torch.Tensor, codes: torch.Tensor | None) -> torch.Tensor:
        if not self.n_classes:
            return h
        return torch.cat([h, F.one_hot(codes, self.n_classes).to(h.dtype)], dim=1)

    def encode(self, x: torch.Tensor, codes: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.to_stats(self._with_label(self.encoder(x), codes)).chunk(2, dim=1)
        return mu, logvar.clamp(-10, 10)  # keeps exp(logvar) finite early in training

    def decode(self, z: torch.Tensor, codes: torch.Tensor | None) -> torch.Tensor:
        return self.decoder(self._with_label(z, codes))


@register("vae")
class ImageVAE(ImageGenerator):
    """Convolutional variational autoencoder for square images, 1 or 3 channels; conditional on request.

    Args:
        conditional: condition encoder and decoder on the class, so ``sample(n, labels=7)`` works.
        latent_dim: size of the latent code.
        width: channels of the outermost convolution; inner layers double it, up to 8x.
        learning_rate: Adam step.
        beta: weight of the KL term (1 is the plain VAE; more gives smoother, blurrier samples).

    Example:
        >>> images, labels = sl.datasets.load_images("digits")
        >>> model = ImageVAE(conditional=True, epochs=30, random_state=0).fit(images, labels)
        >>> threes = model.sample(50, labels=3)  # (50, 8, 8) in [0, 1]
    """

    def __init__(
        self,
        conditional: bool = False,
        latent_dim: int = 16,
        width: int = 32,
        learning_rate: float = 1e-3,
        beta: float = 1.0,
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
        self.beta = beta

    def _check_params(self) -> None:
        super()._check_params()
        for name in ("latent_dim", "width"):
            check_whole(name, getattr(self, name))
        for name in ("learning_rate", "beta"):
            check_number(name, getattr(self, name), low_open=True)

    def _build(self) -> None:
        n_classes = len(self.classes_) if self.conditional else 1
        self.vae_ = ConvVAE(self.channels_, self.size_, self.width, self.latent_dim, n_classes).to(
            self.device_
        )
        self.optimizer_ = FlatAdam(self.vae_.parameters(), self.learning_rate)

    def _modules(self) -> dict[str, nn.Module]:
        return {"vae": self.vae_}

    def _train_step(self, x: torch.Tensor, y: torch.Tensor | None) -> dict[str, float]:
        codes = y if self.conditional else None
        with self._autocast():
            mu, logvar = self.vae_.encode(x, codes)
            z = reparameterise(mu, logvar)
            logits = self.vae_.decode(z, codes).float()
        target = (x + 1) / 2  # back to [0, 1]: Bernoulli means
        # sums over pixels and latent units, mean over the batch: the ELBO per image
        reconstruction = F.binary_cross_entropy_with_logits(logits, target, reduction="sum") / len(x)
        kl = gaussian_kl(mu, logvar).float().sum() / len(x)
        loss = reconstruction + self.beta * kl
        self.optimizer_.zero_grad()
        loss.backward()
        self.optimizer_.step()
        return {"loss": loss.item(), "reconstruction": reconstruction.item(), "kl": kl.item()}

    def _generate(self, codes: torch.Tensor) -> torch.Tensor:
        z = torch.randn(len(codes), self.latent_dim, device=self.device_)
        with self._autocast():
            logits = self.vae_.decode(z, codes if self.conditional else None)
        return torch.sigmoid(logits.float()) * 2 - 1  # Bernoulli means, in the base class's [-1, 1]


@register("cvae")
class ConditionalImageVAE(ImageVAE):
    """Conditional convolutional VAE: ``ImageVAE`` with ``conditional=True`` by default.

    Example:
        >>> model = ConditionalImageVAE(epochs=30, random_state=0).fit(images, labels)
        >>> sevens = model.sample(100, labels=7)
    """

    def __init__(self, conditional: bool = True, **params: Any) -> None:
        super().__init__(conditional=conditional, **params)
