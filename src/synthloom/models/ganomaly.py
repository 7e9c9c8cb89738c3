"""GANomaly (Akcay, Atapour-Abarghouei and Breckon, ACCV 2018): anomaly detection learnt from normal data.

The generator is an encoder-decoder-encoder: ``x -> z = E1(x) -> x' = D(z) -> z' = E2(x')``. A
discriminator judges ``x`` against ``x'``. Training minimises, for the generator,

    w_adv * |f(x) - f(x')|_2^2  +  w_con * |x - x'|_1  +  w_lat * |z - z'|_2^2

(``f`` = the discriminator's features: feature matching as in the paper, rather than fooling its logit),
and for the discriminator the usual binary cross-entropy. A normal sample is reconstructed well and keeps
its code; an anomaly is pulled towards the normal data, so its second code drifts from the first. The
paper's anomaly score is ``|z - z'|^2``; ``scoring="combined"`` adds the contextual error ``|x - x'|``.

``scoring="neighbours"`` (the default for images) asks instead how far a sample lies from the normal
training samples, in the two spaces the fit learnt: the encoder's code ``z`` and the discriminator's
features ``f(x)`` (cosine distance to the nearest ones in a memory of up to ``MEMORY_SIZE`` training
samples kept in the model file), and for images also in the input itself (downsampled to at most
``INPUT_VIEW_SIDE`` pixels a side). Reconstruction errors alone rank a simpler anomaly as more normal than
the normal data: on MNIST with the digit 1 as the anomaly they score ROC-AUC 0.14, the neighbours 0.92.
The input view is the one that does not move with the seed; the code view moves most (MNIST, digit 1
the anomaly, 2,000 images, 3 epochs: ROC-AUC of the code view alone 0.66 / 0.87 / 0.76 for seeds 0 / 1 /
2). Alone the input view is a plain nearest-neighbour detector, which ``benchmarks/anomaly.py`` runs as a
baseline (0.874 mean ROC-AUC over the ten digits, against 0.880 for the three views with ``members=3``).

``members`` trains that many GANomaly networks on the same data from different seeds and averages their
raw scores, a bagged ensemble: on the MNIST protocol above the largest spread across seeds (standard
deviation) fell from 0.055 (one network, code and feature views) to 0.023 (three views, three members).

One implementation serves both data kinds: only the networks differ (convolutional for square images of
any side, padded to a power of two, 1 or 3 channels; MLPs over the ``TableTransformer`` matrix for
tables). The losses, the training step, scoring, thresholds and the model file are shared.

Tables: the networks see each datetime column as its hour of the day (where it has times) and its day
of the week (where it has dates), not as a point in time, so rows from after the training period score as
the hours and days they fall on (as absolute times, every later row lay outside what training saw). The
encoding keeps numbers within their training range, so a row's score also adds what it cannot see: how far
each number lies outside that range, in standard deviations of the training values (a reading of 1e9 is
not scored as the training maximum), and ``NEVER_SEEN_SCORE`` for each category, missing value or change
of a constant column that training never saw. A missing value of a kind training saw is no error: the
reconstruction keeps the row's missing indicators and fills, and training drops readings at random so rows
with a dropout are learnt as well as complete ones (``MissingValues``).

Reproducibility and stability: every random draw (initial weights, batches, the validation split) comes
from the model's ``random_state`` on a forked torch stream; scoring has no randomness at all (batch-norm
in eval mode). Scores are standardised on held-out normal data, so they mean the same thing from one
fit to the next: 0 is a typical normal sample, 3 is about three standard deviations above one.

Files are the synthloom model format (safetensors + JSON header) with ``"kind": "detector"``; they are
read by ``load_detector`` and never run code. A file also keeps a 64-bit digest of each sample the fit was
given (of at most ``MAX_DIGESTS``), so ``count_training_samples`` can say how many samples being scored
are training ones: those score as more normal, and quality measured on them is optimistic.
"""

from __future__ import annotations

import decimal
import hashlib
import itertools
import math
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from pandas.api.types import is_datetime64_any_dtype
from torch import nn

from synthloom.data.encoders import (
    FORMAT_FIX,
    CategoricalEncoder,
    ConstantEncoder,
    NumericEncoder,
    read_datetimes,
    warn_unread_stamps,
)
from synthloom.data.images import array_layout, in_layout
from synthloom.data.metadata import (
    STAMP_WITH_OFFSET,
    ColumnKind,
    ColumnSpec,
    Metadata,
    as_metadata,
    is_decimal_objects,
    is_time_of_day,
)
from synthloom.data.number_text import to_numbers
from synthloom.data.transformer import TableTransformer
from synthloom.errors import (
    ConfigError,
    DataError,
    DataWarning,
    ModelFileError,
    NotFittedError,
    caller_stacklevel,
)
from synthloom.metrics.anomaly import threshold_at_fpr
from synthloom.models.base import (
    HyperParameters,
    build_to_fit,
    fitting,
    load_module_tensors,
    model_file_errors,
    module_tensors,
    read_model_file,
    resolve_seed,
    write_model_file,
)
from synthloom.models.image_base import _padded_side, check_images, run_random_batches
from synthloom.models.neural import seeded
from synthloom.nn.image_layers import DownStack, UpStack
from synthloom.nn.layers import frozen
from synthloom.nn.spans import SpanLayout
from synthloom.training.device import loading_device, resolve_device
from synthloom.training.optim import FlatAdam
from synthloom.training.settings import (
    autocast,
    check_number,
    check_training_params,
    check_whole,
    child_seed,
    evaluating,
    flush_denormals,
    update_weight_average,
)

DETECTOR_KIND = "detector"
SCORES = ("latent", "contextual", "combined", "neighbours")
NEIGHBOUR_VIEWS = ("code_distance", "feature_distance", "input_distance")  # "input": images only
MEMORY_SIZE = 2_048  # normal training samples whose codes and features the neighbours score compares to
INPUT_VIEW_SIDE = 32  # images are average-pooled to at most this side for the input view's memory
NEIGHBOURS = 5
SCORE_BATCH = 1_024  # samples per forward pass when scoring
MIN_SAMPLES = 20  # below this the validation split cannot calibrate the scores
D_RESET_LOSS = 1e-5  # a discriminator this sure of itself gives no gradient: re-initialise it (as the paper)
MAX_KEPT_VALIDATION = 5_000  # validation scores kept in the file for false-positive-rate thresholds
# training samples whose digests the file keeps (8 bytes each); of a larger fit, a seeded uniform subset
# of this many, whose matches are scaled up to estimate the count
MAX_DIGESTS = 100_000
# added to a table row's score for each value of a kind training never saw (a category, a missing value,
# another value in a constant column): five standard deviations of the normal scores, flagged at any
# usual false-positive rate
NEVER_SEEN_SCORE = 5.0
# the share of training rows in which each table column that training saw missing is made missing (see
# MissingValues): at 0.2 rows with a seen missing reading were flagged about as often as complete rows
# (QA sensor log, 4 seeds); at 0.05 still 2 - 10 times as often
MISSING_DROPOUT = 0.2
# what to do with values a detector cannot read as its kind (warned of; a whole column of them refused)
WRITE_AS_TRAINED = "write them as the training data does"


# -- networks ---------------------------------------------------------------------------------------------
class ImageEncoder(nn.Module):
    """Image (B, C, S, S) in [-1, 1] -> code (B, latent_dim): the DCGAN discriminator's stack + linear."""

    def __init__(self, channels: int, size: int, width: int, latent_dim: int) -> None:
        super().__init__()
        self.trunk = DownStack(channels, size, width)
        self.to_code = nn.Linear(self.trunk.out_dim, latent_dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.to_code(self.trunk(x))


class ImageDecoder(nn.Module):
    """Code (B, latent_dim) -> image (B, C, S, S) in [-1, 1]: the DCGAN generator's stack."""

    def __init__(self, channels: int, size: int, width: int, latent_dim: int) -> None:
        super().__init__()
        self.up = UpStack(latent_dim, channels, size, width)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.up(z))


def _mlp(sizes: list[int]) -> nn.Sequential:
    """Linear layers with LeakyReLU between them (none after the last)."""
    layers: list[nn.Module] = []
    for index, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        layers.append(nn.Linear(n_in, n_out))
        if index < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers)


class TableDecoder(nn.Module):
    """Code (B, latent_dim) -> transformer row (B, D), each span through its own activation."""

    def __init__(self, layout: SpanLayout, hidden: int, latent_dim: int) -> None:
        super().__init__()
        self.layout = layout
        self.body = _mlp([latent_dim, hidden, hidden, layout.dim])

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        # tanh values stay in their range and one-hot groups become probabilities (no Gumbel noise:
        # reconstruction is deterministic)
        return self.layout.activate(self.body(z), tau=1.0, gumbel=False)


class MissingValues(nn.Module):
    """The columns of a table that training saw missing (numbers, identifiers): what the detector neither
    reconstructs nor scores there, and the dropouts it trains on.

    A missing number is encoded as its column's fill (the median) plus the indicator "missing". Neither is
    a reading to reconstruct: the fill is no reading, and a dropout is not predicted by the rest of the
    row. Reconstructed, both counted as error and moved the second code, so rows with a missing value of a
    kind training saw scored as anomalies: in a sensor log with one missing reading in 2% of its normal
    rows, 54% of those rows were flagged at a 1% false-positive rate. ``forward`` copies them from the
    row into its reconstruction instead, so the contextual error, the second encoder and the
    discriminator judge only the values the row holds. Learnt from those 2% of rows alone, the networks
    still reconstructed the other readings of such a row worse (10 - 22% flagged): ``with_dropouts`` makes
    each such column missing in ``MISSING_DROPOUT`` of the training rows, so they learn rows with a
    dropout as well as complete ones. A missing value training never saw still adds ``NEVER_SEEN_SCORE``.
    """

    def __init__(self, transformer: TableTransformer) -> None:
        super().__init__()
        dim = transformer.output_dim
        columns = [
            (encoder, start, stop)
            for encoder, (start, stop) in zip(transformer.encoders_, transformer.blocks_, strict=True)
            if any(span.role == "missing" for span in encoder.spans)
        ]
        blocks = torch.zeros(len(columns), dim)  # row j: every position of column j
        indicators = torch.zeros(len(columns), dim, dtype=torch.bool)  # row j: its present/missing pair
        encoded = torch.zeros(len(columns), dim)  # row j: column j's encoding of a missing value
        missing_index = []  # each indicator's "missing" entry
        for row, (encoder, start, stop) in enumerate(columns):
            blocks[row, start:stop] = 1.0
            encoded[row, start:stop] = torch.from_numpy(
                encoder.transform(pd.Series([np.nan], name=encoder.name))[0]
            )
            indicator = next(span for span in encoder.spans if span.role == "missing")  # offsets in the block
            indicators[row, start + indicator.start : start + indicator.stop] = True
            missing_index.append(start + indicator.start + 1)
        # not persistent: rebuilt from the transformer, so the model file holds no extra tensors
        self.register_buffer("indicator_positions", indicators.any(0), persistent=False)
        self.register_buffer("values", blocks * ~indicators, persistent=False)  # row j: its value positions
        self.register_buffer("blocks", blocks, persistent=False)
        self.register_buffer("encoded", encoded, persistent=False)
        self.register_buffer("missing_index", torch.tensor(missing_index, dtype=torch.long), persistent=False)

    def forward(self, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
        """``x_hat`` with ``x``'s indicators, and ``x``'s fill where ``x`` says a value is missing."""
        if not len(self.missing_index):
            return x_hat
        missing = x[:, self.missing_index].float()  # (B, columns): 1 where the row's value is missing
        kept = self.indicator_positions | (missing @ self.values > 0)
        return torch.where(kept, x, x_hat)

    def with_dropouts(self, x: torch.Tensor) -> torch.Tensor:
        """``x`` with each column made missing in a random ``MISSING_DROPOUT`` of the rows."""
        if not len(self.missing_index):
            return x
        dropped = (torch.rand(len(x), len(self.missing_index), device=x.device) < MISSING_DROPOUT).float()
        return torch.where(dropped @ self.blocks > 0, dropped @ self.encoded, x)


class Generator(nn.Module):
    """Encoder-decoder-encoder: x -> (x' (same shape as x), z (B, L), z' (B, L)); ``keep`` (tables) puts
    back into x' the positions of x that are no value to reconstruct (``MissingValues``)."""

    def __init__(
        self, encoder: nn.Module, decoder: nn.Module, encoder2: nn.Module, keep: MissingValues | None = None
    ) -> None:
        super().__init__()
        self.encoder, self.decoder, self.encoder2, self.keep = encoder, decoder, encoder2, keep

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        z = self.encoder(x)
        x_hat = self.decoder(z)
        if self.keep is not None:
            x_hat = self.keep(x, x_hat)
        return x_hat, z, self.encoder2(x_hat)


class Discriminator(nn.Module):
    """x -> (logit (B,), features (B, F)); the features feed the adversarial feature-matching loss."""

    def __init__(self, trunk: nn.Module, feature_dim: int) -> None:
        super().__init__()
        self.trunk = trunk
        self.head = nn.Linear(feature_dim, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = self.trunk(x)
        return self.head(features).squeeze(1), features


def image_networks(channels: int, size: int, width: int, latent_dim: int) -> tuple[Generator, Discriminator]:
    """Convolutional generator and discriminator for (B, channels, size, size) images, size a power of 2."""
    generator = Generator(
        ImageEncoder(channels, size, width, latent_dim),
        ImageDecoder(channels, size, width, latent_dim),
        ImageEncoder(channels, size, width, latent_dim),
    )
    trunk = DownStack(channels, size, width)
    return generator, Discriminator(trunk, trunk.out_dim)


def table_networks(
    layout: SpanLayout, hidden: int, latent_dim: int, missing: MissingValues | None = None
) -> tuple[Generator, Discriminator]:
    """MLP generator and discriminator over (B, layout.dim) transformer rows; ``missing``: the columns
    training saw missing, kept out of the reconstruction (see ``MissingValues``)."""
    generator = Generator(
        _mlp([layout.dim, hidden, hidden, latent_dim]),
        TableDecoder(layout, hidden, latent_dim),
        _mlp([layout.dim, hidden, hidden, latent_dim]),
        missing,
    )
    trunk = nn.Sequential(_mlp([layout.dim, hidden, hidden]), nn.LeakyReLU(0.2))
    return generator, Discriminator(trunk, hidden)


# -- losses and the training step (shared by images and tables) -------------------------------------------
@dataclass(frozen=True)
class LossWeights:
    """Weights of the generator's three losses (the paper: 1, 50, 1)."""

    adversarial: float = 1.0
    contextual: float = 50.0
    latent: float = 1.0


def per_sample_errors(
    x: torch.Tensor, x_hat: torch.Tensor, z: torch.Tensor, z_hat: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """(contextual |x - x'| mean per sample (B,), latent (z - z')^2 mean per sample (B,))."""
    contextual = (x - x_hat).abs().flatten(1).mean(1)
    latent = (z - z_hat).pow(2).mean(1)
    return contextual, latent


def generator_losses(
    generator: Generator, discriminator: Discriminator, x: torch.Tensor, weights: LossWeights
) -> tuple[torch.Tensor, dict[str, torch.Tensor], torch.Tensor]:
    """(weighted generator loss, its parts by name, the reconstruction x' for the discriminator)."""
    x_hat, z, z_hat = generator(x)
    _, real_features = discriminator(x)
    _, fake_features = discriminator(x_hat)
    parts = {
        # feature matching, sample by sample as in the reference code
        "adversarial": (real_features.detach().float() - fake_features.float()).pow(2).mean(),
        "contextual": (x.float() - x_hat.float()).abs().mean(),
        "latent": (z.float() - z_hat.float()).pow(2).mean(),
    }
    total = sum(getattr(weights, name) * value for name, value in parts.items())
    return total, parts, x_hat


def discriminator_loss(discriminator: Discriminator, x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy: real samples 1, reconstructions 0."""
    real_logit, _ = discriminator(x)
    fake_logit, _ = discriminator(x_hat.detach())
    real = F.binary_cross_entropy_with_logits(real_logit.float(), torch.ones_like(real_logit.float()))
    fake = F.binary_cross_entropy_with_logits(fake_logit.float(), torch.zeros_like(fake_logit.float()))
    return 0.5 * (real + fake)


def _reset_weights(module: nn.Module) -> None:
    for layer in module.modules():
        if layer is not module and hasattr(layer, "reset_parameters"):
            layer.reset_parameters()


@dataclass
class Trainer:
    """The networks, their optimisers and one optimisation step; nothing here knows images from tables."""

    generator: Generator
    discriminator: Discriminator
    weights: LossWeights
    learning_rate: float
    device: torch.device
    ema_decay: float = 0.0

    def __post_init__(self) -> None:
        betas = (0.5, 0.999)  # beta1 = 0.5 as in DCGAN / GANomaly: 0.9 oscillates in adversarial training
        self.g_optimizer = FlatAdam(self.generator.parameters(), self.learning_rate, betas=betas)
        self.d_optimizer = FlatAdam(self.discriminator.parameters(), self.learning_rate, betas=betas)
        self.steps = 0
        self.average = [p.detach().clone() for p in self._parameters()] if self.ema_decay else []

    def networks(self) -> dict[str, nn.Module]:
        """The generator and discriminator, by name."""
        return {"generator": self.generator, "discriminator": self.discriminator}

    def _parameters(self) -> list[nn.Parameter]:
        return [*self.generator.parameters(), *self.discriminator.parameters()]

    @torch.no_grad()
    def use_average(self) -> None:
        """Put the moving average of the weights into both networks (a no-op without averaging).

        Batch-norm running statistics stay those gathered under the live weights: with a decay of 0.99
        the average is close to them, and the scores are calibrated afterwards on the averaged networks.
        """
        if self.average:
            torch._foreach_copy_(self._parameters(), self.average)

    def step(self, x: torch.Tensor) -> dict[str, float]:
        """Update the generator, then the discriminator, on one batch; returns the losses by name."""
        with frozen(self.discriminator), autocast(self.device):
            g_loss, parts, x_hat = generator_losses(self.generator, self.discriminator, x, self.weights)
        self.g_optimizer.zero_grad()
        g_loss.backward()
        self.g_optimizer.step()
        with autocast(self.device):
            d_loss = discriminator_loss(self.discriminator, x, x_hat)
        self.d_optimizer.zero_grad()
        d_loss.backward()
        self.d_optimizer.step()
        if d_loss.item() < D_RESET_LOSS:
            _reset_weights(self.discriminator)
        self.steps += 1
        if self.average:
            update_weight_average(self.average, self._parameters(), self.ema_decay, self.steps)
        return {"g_loss": g_loss.item(), "d_loss": d_loss.item(), **{k: v.item() for k, v in parts.items()}}


# -- the detector ------------------------------------------------------------------------------------------
class GANomaly(HyperParameters):
    """GANomaly anomaly detector for tables (DataFrame) or images, learnt from normal data only.

    Args:
        latent_dim: size of the code z; None picks 100 for images (the paper) and about a third of the
            encoded width for tables (a bottleneck narrower than the data, else copying is free).
        width: images: channels of the outermost convolution (inner layers double it, up to 8x).
        hidden_width: tables: units of each hidden layer.
        contextual_weight / adversarial_weight / latent_weight: weights of the three generator losses.
        scoring: "latent" (the paper's |z - z'|^2), "contextual" (|x - x'|), "combined" (the mean of the
            two, each standardised on the validation split) or "neighbours" (cosine distance to the
            nearest normal training samples in three views: the code, the discriminator's features and
            the image itself pooled to at most 32 x 32; see the module docstring). None: "neighbours"
            for images, "combined" for tables (what the MNIST and shuttle benchmarks found best).
        validation_share: share of the normal data held out to standardise scores and set thresholds.
        ema_decay: the detector scores with an exponential moving average of the weights (this is the
            weight of the past; 0 keeps the last weights). Adversarial training ends wherever its last
            steps left it; the average is steadier from seed to seed (MNIST protocol, 3 seeds: ROC-AUC
            spread of digit 1 0.080 without, 0.055 with; digit 9 0.057 and 0.029).
        members: networks trained from different seeds whose scores are averaged (training time grows
            in proportion; ``max_minutes`` is shared between them).
        numeric_encoding: tables: the transformer's numeric encoding, "gmm", "quantile" or "spikes".
        learning_rate, epochs, batch_size, device, max_minutes, verbose, random_state: training settings.

    Example:
        >>> shuttle = sl.datasets.load("shuttle")
        >>> normal = shuttle[shuttle["anomaly"] == 0].drop(columns="anomaly")
        >>> detector = GANomaly(epochs=10, random_state=0).fit(normal)
        >>> scores = detector.score(shuttle.drop(columns="anomaly"))  # higher = more anomalous
        >>> flagged = detector.predict(shuttle.drop(columns="anomaly"), fpr=0.01)
        >>> detector.save("shuttle.synthloom"); same = load_detector("shuttle.synthloom")
    """

    model_name: ClassVar[str] = "ganomaly"
    runtime_settings = HyperParameters.runtime_settings | {"scoring"}  # a fitted detector scores either way

    def __init__(
        self,
        latent_dim: int | None = None,
        width: int = 32,
        hidden_width: int = 128,
        contextual_weight: float = 50.0,
        adversarial_weight: float = 1.0,
        latent_weight: float = 1.0,
        scoring: str | None = None,
        validation_share: float = 0.1,
        ema_decay: float = 0.99,
        members: int = 1,
        numeric_encoding: str = "quantile",
        learning_rate: float = 2e-4,
        epochs: int = 15,
        batch_size: int = 64,
        device: str = "auto",
        max_minutes: float | None = None,
        verbose: bool = False,
        random_state: int | None = None,
    ) -> None:
        self.latent_dim = latent_dim
        self.width = width
        self.hidden_width = hidden_width
        self.contextual_weight = contextual_weight
        self.adversarial_weight = adversarial_weight
        self.latent_weight = latent_weight
        self.scoring = scoring
        self.validation_share = validation_share
        self.ema_decay = ema_decay
        self.members = members
        self.numeric_encoding = numeric_encoding
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.device = device
        self.max_minutes = max_minutes
        self.verbose = verbose
        self.random_state = random_state

    def _check_params(self) -> None:
        check_training_params(self)
        for name in ("width", "hidden_width", "latent_dim", "members"):
            value = getattr(self, name)
            if not (value is None and name == "latent_dim"):  # None: chosen from the data
                check_whole(name, value)
        for name in ("contextual_weight", "adversarial_weight", "latent_weight"):
            check_number(name, getattr(self, name))
        check_number("learning_rate", self.learning_rate, low_open=True)
        if self.scoring is not None and self.scoring not in SCORES:
            raise ConfigError(f"scoring must be one of {', '.join(SCORES)}, not {self.scoring!r}")
        check_number("ema_decay", self.ema_decay, 0, 1, high_open=True)
        check_number("validation_share", self.validation_share, 0, 0.5, low_open=True, high_open=True)

    # -- fitting ------------------------------------------------------------------------------------------
    @flush_denormals()
    def fit(self, data: Any, metadata: Metadata | Mapping[str, Any] | None = None) -> Self:
        """Learn what normal looks like; returns self.

        Args:
            data: normal samples only: a DataFrame (a table), or images in [0, 1] shaped (N, H, W) or
                (N, C, H, W), or an ``ImageData`` from ``synthloom.data.images.read_images``.
            metadata: tables only: column kinds, overriding inference (a ``Metadata`` or its JSON form
                as a dict, as ``BaseGenerator.fit`` takes).
        """
        self._check_params()
        with fitting(self):  # a refit that fails leaves the detector as it was
            self._forget()
            self.seed_ = resolve_seed(self.random_state)
            self.device_ = resolve_device(self.device)
            self.data_kind_ = "table" if isinstance(data, pd.DataFrame) else "image"
            if self.data_kind_ == "table":
                _check_enough_samples(len(data))  # before the columns: 0 rows read as "no column to learn"
            x = self._learn_table(data, metadata) if self.data_kind_ == "table" else self._learn_images(data)
            _check_enough_samples(len(x))
            self.n_training_samples_ = len(x)
            self.training_digests_ = self._training_digests(x)
            order = np.random.default_rng(self.seed_).permutation(len(x))
            n_valid = max(MIN_SAMPLES // 2, round(self.validation_share * len(x)))
            train = x[torch.from_numpy(order[n_valid:])]
            self.trainers_, self.loss_history_ = [], []
            for member in range(self.members):
                with seeded(_member_seed(self.seed_, member), self.device_):
                    trainer = self._build()
                    self.loss_history_ += self._train(trainer, train)
                trainer.use_average()
                self.trainers_.append(trainer)
            self._remember(train[:MEMORY_SIZE])
            self._calibrate(x[torch.from_numpy(order[:n_valid])])
        return self

    def _forget(self) -> None:
        """Drop every learned attribute (a name ending in ``_``): the last fit's state must not outlive a
        refit, where it was read as this one's (an image fit's input memory made a table's scores fail)."""
        for name in [name for name in vars(self) if name.endswith("_") and not name.startswith("__")]:
            delattr(self, name)

    def _learn_table(self, data: pd.DataFrame, metadata: Metadata | Mapping[str, Any] | None) -> torch.Tensor:
        given = as_metadata(metadata)
        self.metadata_ = Metadata.infer(data) if given is None else given.completed(data)
        datetimes = [
            name for name, spec in self.metadata_.columns.items() if spec.kind == ColumnKind.DATETIME
        ]
        # whether each datetime column has times of day (else only its weekday is a feature); a missing
        # stamp is no time (NaT != NaT: a date column with a gap got an "hour" feature, constant 0); times
        # of day alone always have one, which is all they say (a column of midnights changed unseen)
        stamps = {name: self._stamps(data[name]).dropna() for name in datetimes}
        self.clocks_ = {
            name: self._time_of_day(name) or bool((read.dt.normalize() != read).any())
            for name, read in stamps.items()
        }
        # the advice of a new file ("as the training data does") tells nothing of the training file itself
        features = self._feature_frame(data, warn=True, fix=FORMAT_FIX)
        specs = {name: spec for name, spec in self.metadata_.columns.items() if name not in self.clocks_}
        for name, clock in self.clocks_.items():
            if clock:
                specs[f"{name} hour"] = ColumnSpec(ColumnKind.CONTINUOUS)
            if self._has_weekday(name):
                specs[f"{name} weekday"] = ColumnSpec(ColumnKind.CATEGORICAL)
        self.transformer_ = TableTransformer(numeric=self.numeric_encoding, random_state=self.seed_)
        self.transformer_.fit(features, Metadata({name: specs[name] for name in features.columns}))
        self.keeps_missing_ = True  # seen missing values are kept out of the reconstruction (MissingValues)
        if not self.transformer_.output_dim:
            raise DataError(
                "the table has no column GANomaly can learn from (all constant or identifiers); give it "
                "columns whose values vary"
            )
        self.spreads_ = {
            encoder.name: float(np.nanstd(encoder._values(features[encoder.name])))
            for encoder in self.transformer_.encoders_
            if isinstance(encoder, NumericEncoder)
        }
        return self._table_tensor(features)

    def _stamps(self, series: pd.Series) -> pd.Series:
        """A datetime column's stamps on the clock they were written in: a zone-aware column in its zone,
        text with a UTC offset as its own time of day ("09:30+02:00" is half past nine, not 07:30)."""
        datetime_format = self.metadata_.columns[str(series.name)].datetime_format
        if datetime_format is not None and "%z" in datetime_format and not is_datetime64_any_dtype(series):
            clock = series.astype("string").str.extract(STAMP_WITH_OFFSET)["stamp"].astype(object)
            return read_datetimes(clock.rename(series.name), datetime_format.replace("%z", ""))
        return read_datetimes(series, datetime_format)

    def _time_of_day(self, name: str) -> bool:
        """Whether a datetime column holds times of day alone (Python times, or text like "06:00:00")."""
        return is_time_of_day(self.metadata_.columns[name].datetime_format)

    def _has_weekday(self, name: str) -> bool:
        """Whether a datetime column's day of the week is a feature: not for times of day alone, all read on
        1 January 1900 (a Monday), whose weekday told nothing and came back in reconstructions as a missing
        day. Detectors fitted before learnt one for them too, which they keep."""
        transformer = getattr(self, "transformer_", None)  # none yet while fitting
        if transformer is not None:
            return f"{name} weekday" in transformer.metadata_.columns
        return not self._time_of_day(name)

    def _source_column(self, feature: str) -> str:
        """The input column a feature comes from (a datetime's hour and weekday come from the datetime)."""
        for name in self.clocks_:
            if feature in (f"{name} hour", f"{name} weekday"):
                return name
        return feature

    def _feature_frame(
        self, data: pd.DataFrame, warn: bool = False, fix: str = WRITE_AS_TRAINED
    ) -> pd.DataFrame:
        """The columns the detector was fitted on, datetimes as their hour of the day and day of the week;
        identifier columns, no input of the networks, may be absent. ``warn``: say which datetime values
        could not be read (they score as missing ones), and ``fix``, what to do."""
        columns = list(self.metadata_.columns)
        kinds = {name: spec.kind for name, spec in self.metadata_.columns.items()}
        missing = [c for c in columns if c not in data.columns and kinds[c] != ColumnKind.IDENTIFIER]
        if missing:
            raise DataError(
                f"the data lacks the column(s) {', '.join(missing[:5])} the detector was fitted on; score "
                "data with those columns"
            )
        # extra columns (a label) are ignored: the detector looks only at what it learnt
        features = {}
        for name in columns:
            series = data[name] if name in data.columns else pd.Series(np.nan, index=data.index, name=name)
            if name not in self.clocks_:
                features[name] = series
                continue
            stamps = self._stamps(series)
            if warn:
                datetime_format = self.metadata_.columns[name].datetime_format
                warn_unread_stamps(series, stamps, datetime_format, fix)
            if self.clocks_[name]:
                hours = stamps.dt.hour + stamps.dt.minute / 60 + stamps.dt.second / 3600
                features[f"{name} hour"] = hours.astype(np.float64)
            if self._has_weekday(name):
                features[f"{name} weekday"] = stamps.dt.day_name()
        return pd.DataFrame(features, index=data.index)

    def _learn_images(self, data: Any) -> torch.Tensor:
        x = _image_array(data)
        self.channels_, self.side_ = int(x.shape[1]), int(x.shape[2])
        self.layout_ = array_layout(np.asarray(getattr(data, "images", data)))  # reconstruct gives it back
        self.size_ = _padded_side(self.side_)
        return self._image_tensor(x)

    def _resolved_latent_dim(self) -> int:
        if self.latent_dim is not None:
            return self.latent_dim
        if self.data_kind_ == "image":
            return 100
        return max(2, round(self.transformer_.output_dim / 3))

    def _build(self) -> Trainer:
        """A fresh generator, discriminator and their optimisers (one ensemble member)."""
        latent = self._resolved_latent_dim()
        if self.data_kind_ == "image":
            generator, discriminator = image_networks(self.channels_, self.size_, self.width, latent)
        else:
            layout = SpanLayout(self.transformer_.spans, self.device_)
            # a detector saved before it kept them was calibrated on reconstructions of missing values
            missing = MissingValues(self.transformer_) if self.keeps_missing_ else None
            generator, discriminator = table_networks(layout, self.hidden_width, latent, missing)
        weights = LossWeights(self.adversarial_weight, self.contextual_weight, self.latent_weight)
        return Trainer(
            generator.to(self.device_),
            discriminator.to(self.device_),
            weights,
            self.learning_rate,
            self.device_,
            self.ema_decay,
        )

    def _train(self, trainer: Trainer, x: torch.Tensor) -> list[dict[str, float]]:
        x = x.to(self.device_)
        missing = trainer.generator.keep  # tables: train on rows with dropouts too (see MissingValues)
        return run_random_batches(
            lambda index: trainer.step(x[index] if missing is None else missing.with_dropouts(x[index])),
            n_rows=len(x),
            model=self,
            networks=trainer.networks(),
            advice="lower learning_rate or check the data for extreme values",
            verbose=self.verbose,
            time_share=1 / self.members,
        )

    def _training_digests(self, x: torch.Tensor) -> np.ndarray:
        """The digests of the samples fit was given (validation ones too: thresholds are set on them), all
        of them up to ``MAX_DIGESTS``, else a seeded uniform subset of that many."""
        if len(x) <= MAX_DIGESTS:
            return _sample_digests(x)
        rng = np.random.default_rng(child_seed(self.seed_, MAX_DIGESTS))  # not the validation split's draw
        kept = rng.choice(len(x), MAX_DIGESTS, replace=False)
        return _sample_digests(x[torch.from_numpy(np.sort(kept))])

    def _remember(self, normal: torch.Tensor) -> None:
        """Keep the codes and discriminator features (per member) of some normal training samples, and
        for images the samples themselves (downsampled), at unit length and at the half precision the
        model file stores them in, so a loaded detector scores exactly the same."""
        codes = [
            torch.cat([z for _, z, _ in self._eval_batches(t.generator, normal)]) for t in self.trainers_
        ]
        self.memory_codes_ = torch.stack([_unit(c) for c in codes]).half().float()  # (members, M, L)
        features = [_unit(self._features(t, normal)) for t in self.trainers_]
        self.memory_features_ = torch.stack(features).half().float()  # (members, M, F)
        if self.data_kind_ == "image":
            self.memory_inputs_ = _unit(_input_view(normal)).half().float()  # (M, D)

    def _calibrate(self, validation: torch.Tensor) -> None:
        """Standardise each raw score on the held-out normal samples; keep their final scores."""
        raw = self._raw_scores(validation)
        self.score_stats_ = {k: [float(v.mean()), float(v.std() + 1e-12)] for k, v in raw.items()}
        scores = np.sort(self._combine(raw))
        step = max(1, math.ceil(len(scores) / MAX_KEPT_VALIDATION))
        self.validation_scores_ = scores[::step].astype(np.float64)

    # -- scoring ------------------------------------------------------------------------------------------
    def score(self, data: Any) -> np.ndarray:
        """Anomaly scores (N,) float64, higher = more anomalous; 0 is a typical normal sample.

        Scores are standardised on the normal validation split (mean 0 there, spread about 1), so a
        score of 5 is far outside what the detector saw as normal, whatever the data or the seed.
        """
        self._check_fitted()
        if self.data_kind_ != "table":
            return self._combine(self._raw_scores(self._to_tensor(data)))
        features = self._table_features(data, warn=True)
        self._warn_unreadable(features)
        return self._combine(self._raw_scores(self._table_tensor(features))) + self._novelty(features)

    def _resolved_scoring(self) -> str:
        if self.scoring is not None:
            return self.scoring
        return "neighbours" if self.data_kind_ == "image" else "combined"

    def _combine(self, raw: dict[str, np.ndarray]) -> np.ndarray:
        standard = {k: (v - self.score_stats_[k][0]) / self.score_stats_[k][1] for k, v in raw.items()}
        scoring = self._resolved_scoring()
        if scoring == "combined":
            # the mean of the two standardised scores: a sample is anomalous if its reconstruction
            # is poor (contextual) or its code moves under reconstruction (latent); each helps where the
            # other is weak (benchmarks/anomaly.py: contextual on shuttle, latent on MNIST)
            return (standard["contextual"] + standard["latent"]) / 2
        if scoring == "neighbours":
            if "code_distance" not in standard:
                raise ConfigError("this detector keeps no training samples to compare with; refit it")
            views = [standard[name] for name in NEIGHBOUR_VIEWS if name in standard]
            return sum(views) / len(views)
        return standard[scoring]

    def count_training_samples(self, data: Any) -> int | None:
        """How many samples of ``data`` are samples the detector was fitted on: equal, as the networks see
        them, to one (a table row in its encoded form: identifiers aside, datetimes as hour and weekday,
        numbers within the training range; an image in its pixels). Such samples score as more normal
        than new ones, so measures of quality over them are optimistic.

        Exact for a fit on up to ``MAX_DIGESTS`` samples; beyond, estimated from the digests of a uniform
        subset of that many. None for a detector whose file keeps no digests (saved before they were).

        Example:
            >>> detector.count_training_samples(normal_rows)  # the rows it was fitted on: all of them
            4720
        """
        self._check_fitted()
        kept = getattr(self, "training_digests_", None)
        if kept is None:
            return None
        found = np.isin(_sample_digests(self._to_tensor(data)), kept)
        scaled = round(int(found.sum()) * self.n_training_samples_ / len(kept))
        return min(scaled, len(found))

    def threshold(self, fpr: float = 0.05) -> float:
        """The score above which at most a share ``fpr`` of new normal samples lie, set on the held-out
        normal samples' scores (``metrics.anomaly.threshold_at_fpr``; it warns where too few are held out)."""
        self._check_fitted()
        return threshold_at_fpr(self.validation_scores_, fpr)

    def predict(
        self,
        data: Any,
        threshold: float | None = None,
        fpr: float = 0.05,
        contamination: float | None = None,
    ) -> np.ndarray:
        """Flag anomalies: a boolean (N,) array, True = anomalous.

        Args:
            threshold: a score threshold; wins over ``fpr`` and ``contamination``.
            fpr: target false-positive rate on normal data (from the validation split).
            contamination: instead of ``fpr``: the share of ``data`` expected to be anomalous; that
                share of the highest scores is flagged.

        Example:
            >>> flagged = detector.predict(rows, fpr=0.01)  # about 1% of normal rows flagged
        """
        scores = self.score(data)
        if threshold is None and contamination is not None:
            if not 0 < contamination < 1:
                raise ConfigError(f"contamination must be in (0, 1), not {contamination!r}")
            threshold = float(np.quantile(scores, 1 - contamination))
        elif threshold is None:
            threshold = self.threshold(fpr)
        return scores > threshold

    def reconstruct(self, data: Any) -> pd.DataFrame | np.ndarray:
        """What the model takes to be the normal version of each sample, in the form the networks see it.

        Images: images shaped like ``data``. Tables: one row per row of ``data`` in the detector's input
        columns, except that each datetime column ``c`` comes back as the features the networks learnt
        from it, ``"c hour"`` (hour of the day, a float; only where the training stamps had times) and
        ``"c weekday"`` (the day's name; not for times of day alone), not as stamps; identifier columns
        keep the rows' own values, and a missing value of a kind training saw stays missing (it is no
        reading to reconstruct: ``MissingValues``).
        """
        x = self._to_tensor(data)
        x_hat = torch.stack(
            [torch.cat([part[0] for part in self._eval_batches(t.generator, x)]) for t in self.trainers_]
        ).mean(0)  # the members' average
        if self.data_kind_ == "table":
            frame = self.transformer_.inverse_transform(x_hat.numpy(), random_state=self.seed_)
            for name in frame.columns.intersection(data.columns):  # a row's id is its own, not one drawn
                if self.metadata_.columns[name].kind == ColumnKind.IDENTIFIER:
                    frame[name] = data[name].to_numpy()
            return frame
        start = (self.size_ - self.side_) // 2
        crop = x_hat[:, :, start : start + self.side_, start : start + self.side_]
        images = ((crop.clamp(-1, 1) + 1) / 2).numpy()
        return in_layout(images, self.layout_)

    def _raw_scores(self, x: torch.Tensor) -> dict[str, np.ndarray]:
        """Every raw score by name: reconstruction errors, and distances to the remembered normal samples
        (the members' mean of each)."""
        members = [self._member_scores(index, x) for index in range(len(self.trainers_))]
        raw = {name: torch.stack([m[name] for m in members]).mean(0) for name in members[0]}
        if getattr(self, "memory_inputs_", None) is not None:
            raw["input_distance"] = _neighbour_distance(_input_view(x), self.memory_inputs_)
        return {name: values.double().numpy() for name, values in raw.items()}

    def _member_scores(self, index: int, x: torch.Tensor) -> dict[str, torch.Tensor]:
        trainer = self.trainers_[index]
        outputs = self._eval_batches(trainer.generator, x)
        errors = [
            per_sample_errors(part, *out) for part, out in zip(x.split(SCORE_BATCH), outputs, strict=True)
        ]
        raw = {
            "contextual": torch.cat([e[0] for e in errors]) if errors else torch.zeros(0),
            "latent": torch.cat([e[1] for e in errors]) if errors else torch.zeros(0),
        }
        if getattr(self, "memory_codes_", None) is not None:
            codes = torch.cat([z for _, z, _ in outputs]) if outputs else torch.zeros(0, 1)
            raw["code_distance"] = _neighbour_distance(codes, self.memory_codes_[index])
            raw["feature_distance"] = _neighbour_distance(
                self._features(trainer, x), self.memory_features_[index]
            )
        return raw

    def _features(self, trainer: Trainer, x: torch.Tensor) -> torch.Tensor:
        """The discriminator's features of each sample (N, F), in eval mode, on the CPU."""
        parts = [features for _, features in self._eval_batches(trainer.discriminator, x)]
        return torch.cat(parts) if parts else torch.zeros(0, 1)

    @torch.no_grad()
    def _eval_batches(self, network: nn.Module, x: torch.Tensor) -> list[tuple[torch.Tensor, ...]]:
        """``network``'s outputs for ``x`` in batches, in eval mode (batch-norm fixed), float32 on the CPU."""
        outputs = []
        with evaluating([network]):
            for part in x.split(SCORE_BATCH):
                with autocast(self.device_):
                    out = network(part.to(self.device_))
                outputs.append(tuple(tensor.float().cpu() for tensor in out))
        return outputs

    # -- data in ------------------------------------------------------------------------------------------
    def _to_tensor(self, data: Any) -> torch.Tensor:
        if self.data_kind_ == "table":
            return self._table_tensor(self._table_features(data))
        self._check_fitted()
        x = _image_array(data)
        if x.shape[1:] != (self.channels_, self.side_, self.side_):
            raise DataError(
                f"images must be {self.channels_} x {self.side_} x {self.side_} like the training images, "
                f"not {' x '.join(map(str, x.shape[1:]))}; score images like the ones it was fitted on"
            )
        return self._image_tensor(x)

    def _table_features(self, data: Any, warn: bool = False) -> pd.DataFrame:
        """A table to score, checked, as the frame of features the networks see (``warn``: naming the
        datetimes it cannot read)."""
        self._check_fitted()
        if not isinstance(data, pd.DataFrame):
            raise DataError(
                f"this detector was fitted on a table: give a DataFrame, not {type(data).__name__}"
            )
        return self._feature_frame(data, warn)

    def _table_tensor(self, features: pd.DataFrame) -> torch.Tensor:
        return torch.from_numpy(self.transformer_.transform(features))

    def _novelty(self, features: pd.DataFrame) -> np.ndarray:
        """Per row, what the encoding hides from the networks: the distance of each number outside its
        training range in standard deviations of its training values (infinite for an infinite number),
        plus ``NEVER_SEEN_SCORE`` for each input column holding a value of a kind training never saw: a
        category, a missing (or unreadable) value, another value in a constant column."""
        total = np.zeros(len(features))
        never_seen: dict[str, np.ndarray] = {}  # per input column: a datetime's hour and weekday are one
        for encoder, never in self._never_seen(features):
            source = self._source_column(encoder.name)
            never_seen[source] = never_seen.get(source, np.zeros(len(features), dtype=bool)) | never
            if isinstance(encoder, NumericEncoder):
                total += self._beyond_range(encoder, features[encoder.name])
        for never in never_seen.values():
            total += NEVER_SEEN_SCORE * never
        return total

    def _beyond_range(self, encoder: NumericEncoder, column: pd.Series) -> np.ndarray:
        """How far each value lies outside the training range, in training standard deviations."""
        spread = self.spreads_.get(encoder.name, 0.0)  # none in files saved before spreads were
        beyond = np.zeros(len(column))
        if spread > 0:
            values = encoder._values(column)
            with np.errstate(over="ignore"):  # 1e308 beyond a range of 1e-3: infinitely far
                far = np.maximum(encoder.low - values, values - encoder.high) / spread
            beyond = np.where(far > 0, far, 0.0)
        return np.where(_infinite(column), np.inf, beyond)

    def _never_seen(self, features: pd.DataFrame) -> Iterator[tuple[Any, np.ndarray]]:
        """Each encoder that reads a model input or a constant, with its rows holding a value of a kind
        training never saw there."""
        for encoder in self.transformer_.encoders_:
            column = features[encoder.name]
            if isinstance(encoder, NumericEncoder):
                missing = np.isnan(encoder._values(column)) & ~_infinite(column)
                yield encoder, missing & (not encoder.has_missing)
            elif isinstance(encoder, CategoricalEncoder):
                seen = column.isin([*encoder.index, *encoder.rare_levels]).to_numpy()
                yield encoder, ~seen & (column.notna().to_numpy() | (encoder.missing_code is None))
            elif isinstance(encoder, ConstantEncoder):  # constant where present, or missing throughout
                if encoder.value is None:
                    yield encoder, column.notna().to_numpy()
                else:
                    held = encoder.compared_value  # a Decimal's "2.50" is the 2.5 a CSV reads
                    yield encoder, column.isna().to_numpy() | _differs(column, held)

    def _warn_unreadable(self, features: pd.DataFrame) -> None:
        """Say which values training never saw (each adds ``NEVER_SEEN_SCORE`` to its row's score, see
        ``_novelty``): categories, missing or unreadable values where training had none (text in a number
        column, with the reading's own warning), other values in a constant column."""
        warned = set()  # a datetime's hour and weekday miss together: one warning for its column
        for encoder, never in self._never_seen(features):
            column = features[encoder.name]
            if isinstance(encoder, NumericEncoder):
                # names the text read as missing; a column of nothing else is refused
                encoder._values(column.where(~_infinite(column)), warn=True, fix=WRITE_AS_TRAINED)
                infinite = int(_infinite(column).sum())
                if infinite:
                    warnings.warn(
                        f"column {encoder.name!r}: {infinite} infinite value(s); each scores infinitely odd",
                        DataWarning,
                        stacklevel=caller_stacklevel(),
                    )
            name, count = self._source_column(encoder.name), int(never.sum())
            if not count or name in warned:
                continue
            warned.add(name)
            unseen = column[never & column.notna().to_numpy()]
            if isinstance(encoder, ConstantEncoder):
                held = "no value" if encoder.value is None else f"only {encoder.value!r}"
                what = f"{count} value(s) in a column that held {held} in training"
            elif isinstance(encoder, CategoricalEncoder) and len(unseen):
                examples = ", ".join(repr(v) for v in unseen.astype(str).unique()[:3])
                what = f"{len(unseen)} value(s) never seen in training ({examples})"
            else:
                what = f"{count} missing or unreadable value(s), where the training data had none"
            warnings.warn(
                f"column {name!r}: {what}; each adds {NEVER_SEEN_SCORE:g} to its row's score",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )

    def _image_tensor(self, x: np.ndarray) -> torch.Tensor:
        pad = self.size_ - self.side_
        tensor = torch.from_numpy(x) * 2 - 1  # [0, 1] -> [-1, 1], the decoder's tanh range
        # pad with -1 (black), as the image generators do, so the border is constant background
        return F.pad(tensor, (pad // 2, pad - pad // 2, pad // 2, pad - pad // 2), value=-1.0)

    def _check_fitted(self) -> None:
        if not hasattr(self, "validation_scores_"):
            raise NotFittedError("this GANomaly detector is not fitted yet; call fit(normal_data) first")
        self._check_settings_unchanged()

    # -- files --------------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted detector to one safetensors file (atomically); read it with ``load_detector``."""
        self._check_fitted()
        description: dict[str, Any] = {
            "data_kind": self.data_kind_,
            "n_training_samples": self.n_training_samples_,
            "score_stats": self.score_stats_,
            "loss_history": self.loss_history_,
        }
        if self.data_kind_ == "table":
            description["transformer"] = self.transformer_.to_state()
            description["table"] = {
                "metadata": self.metadata_.to_dict(),
                "clocks": self.clocks_,
                "spreads": self.spreads_,
                "keeps_missing": self.keeps_missing_,
            }
        else:
            description["image"] = {"channels": self.channels_, "side": self.side_, "layout": self.layout_}
            if getattr(self, "training_split_", None) is not None:  # where `detect fit` read the images
                description["image"]["training_split"] = self.training_split_
        tensors = {"validation_scores": torch.from_numpy(self.validation_scores_)}
        if getattr(self, "training_digests_", None) is not None:
            tensors["training_digests"] = torch.from_numpy(self.training_digests_)
        if getattr(self, "memory_codes_", None) is not None:  # half precision: the file stays small
            tensors |= {
                "memory_codes": self.memory_codes_.half(),
                "memory_features": self.memory_features_.half(),
            }
        if getattr(self, "memory_inputs_", None) is not None:
            tensors["memory_inputs"] = self.memory_inputs_.half()
        tensors |= module_tensors(self._modules())
        return write_model_file(path, self, description, tensors, kind=DETECTOR_KIND)

    @classmethod
    def load(cls, path: str | Path) -> GANomaly:
        """Read a detector written by ``save`` (the same as ``load_detector(path)``)."""
        return load_detector(path)

    def _modules(self) -> dict[str, nn.Module]:
        """Every member's networks by file name; the first member's names are those of one network."""
        modules = {}
        for index, trainer in enumerate(self.trainers_):
            suffix = f"_{index}" if index else ""
            modules |= {f"{name}{suffix}": network for name, network in trainer.networks().items()}
        return modules

    @classmethod
    def _from_file(cls, description: dict[str, Any], tensors: dict[str, torch.Tensor]) -> GANomaly:
        if description.get("model") != cls.model_name:
            raise ConfigError(f"unknown detector {description.get('model')!r}; this synthloom has ganomaly")
        model = cls(**description["params"])
        # an edited setting fails here, not as a KeyError traceback when the file scores (scoring "bogus")
        model._check_params()
        model.seed_ = int(description["seed"])
        model.device_ = loading_device(model.device)
        model.data_kind_ = str(description["data_kind"])
        model.n_training_samples_ = int(description["n_training_samples"])
        model.score_stats_ = {k: [float(v) for v in pair] for k, pair in description["score_stats"].items()}
        model.loss_history_ = list(description["loss_history"])
        model._remember_settings()
        if model.data_kind_ == "table":
            model.transformer_ = TableTransformer.from_state(description["transformer"])
            # files written before datetimes were hours and weekdays: the input columns are the transformer's
            table = description.get("table", {})
            model.metadata_ = (
                Metadata.from_dict(table["metadata"]) if "metadata" in table else model.transformer_.metadata_
            )
            model.clocks_ = {str(name): bool(clock) for name, clock in table.get("clocks", {}).items()}
            model.spreads_ = {str(name): float(spread) for name, spread in table.get("spreads", {}).items()}
            model.keeps_missing_ = bool(table.get("keeps_missing", False))
        else:
            image = description["image"]
            model.channels_, model.side_ = int(image["channels"]), int(image["side"])
            model.layout_, model.size_ = str(image["layout"]), _padded_side(int(image["side"]))
            if "training_split" in image:
                split = image["training_split"]
                model.training_split_ = {
                    "source": str(split["source"]),
                    "holdout": float(split["holdout"]),
                    "fingerprint": str(split.get("fingerprint", "")),  # none in the first files that had one
                    "images": split.get("images"),
                    "normal": split.get("normal"),
                }

        def build() -> None:
            model.trainers_ = [model._build() for _ in range(model.members)]

        build_to_fit(model, build, tensors)
        load_module_tensors(model._modules(), tensors, model.device_)
        model.validation_scores_ = tensors["validation_scores"].double().numpy()
        if "memory_codes" in tensors:  # files written before the neighbours score have none
            # files written before ensembles keep one member's memory, (M, L) instead of (members, M, L)
            model.memory_codes_ = _per_member(tensors["memory_codes"].float())
            model.memory_features_ = _per_member(tensors["memory_features"].float())
        if "memory_inputs" in tensors:
            model.memory_inputs_ = tensors["memory_inputs"].float()
        if "training_digests" in tensors:  # files written before they were kept have none: no count
            model.training_digests_ = _stored_digests(tensors["training_digests"], model.n_training_samples_)
        return model


def load_detector(path: str | Path) -> GANomaly:
    """Load a detector written by ``GANomaly.save``; only JSON and raw tensors are read (no code runs).

    Raises:
        ModelFileError: missing, corrupt, not a detector, or from a newer format.

    Example:
        >>> detector = load_detector("shuttle.synthloom")
    """
    path = Path(path)
    description, tensors = read_model_file(path)
    if description.get("kind") != DETECTOR_KIND:
        raise ModelFileError(
            f"{path}: a generator model, not an anomaly detector; fit one with `synthloom detect fit`"
        )
    with model_file_errors(path, "detector file"):
        return GANomaly._from_file(description, tensors)


def _infinite(column: pd.Series) -> np.ndarray:
    """Which values of a number column are infinite (which reading as numbers would make missing), Python
    Decimals' too: Decimal("Infinity") was read as a missing amount and scored as a normal row."""
    if is_decimal_objects(column):
        return column.map(lambda value: isinstance(value, decimal.Decimal) and value.is_infinite()).to_numpy(
            dtype=bool
        )
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return np.zeros(len(column), dtype=bool)
    return np.isinf(column.to_numpy(dtype=np.float64, na_value=np.nan))


def _differs(column: pd.Series, value: Any) -> np.ndarray:
    """Which present values of ``column`` are not ``value`` (a number compared as a number: 0.0 is 0)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        same = to_numbers(column) == value
    else:
        same = column.astype(str) == str(value)
    return (column.notna() & ~same).to_numpy()


def _check_enough_samples(count: int) -> None:
    if count < MIN_SAMPLES:
        raise DataError(f"GANomaly needs at least {MIN_SAMPLES} normal samples, got {count}")


def _member_seed(seed: int, member: int) -> int:
    """The first member trains from the detector's own seed (so ``members=1`` is one plain GANomaly)."""
    return seed if member == 0 else child_seed(seed, member)


def _sample_digests(x: torch.Tensor) -> np.ndarray:
    """A 64-bit digest (int64) of each sample as the networks see it (an encoded table row, a padded
    image): the same sample read from a CSV or a Parquet file, a PNG or an .npz, encodes to the same bits.
    -0.0 is made 0.0 first: the same number, other bits."""
    rows = x.detach().cpu().float().numpy().reshape(len(x), -1)
    digests = b"".join(hashlib.blake2b((row + 0.0).tobytes(), digest_size=8).digest() for row in rows)
    return np.frombuffer(digests, dtype="<i8").astype(np.int64)


def _stored_digests(tensor: torch.Tensor, n_training_samples: int) -> np.ndarray:
    """The training digests a model file holds, checked: one int64 per kept training sample.

    Raises:
        ValueError: another dtype or shape than a fit writes (``model_file_errors`` names the file).
    """
    kept = min(n_training_samples, MAX_DIGESTS)  # what a fit writes
    if tensor.dtype != torch.int64 or tuple(tensor.shape) != (kept,):
        raise ValueError(
            f"training_digests must be {kept} 64-bit whole numbers in one row, not {tensor.dtype} of shape "
            f"{tuple(tensor.shape)}"
        )
    return tensor.numpy()


def _per_member(memory: torch.Tensor) -> torch.Tensor:
    return memory if memory.dim() == 3 else memory[None]


def _input_view(x: torch.Tensor) -> torch.Tensor:
    """Images in [-1, 1] as [0, 1] pixels (a black background is 0, not a shared -1 that would dominate
    cosine similarity), average-pooled to at most ``INPUT_VIEW_SIDE`` a side, one row per image."""
    pixels = (x.float().cpu() + 1) / 2
    return F.adaptive_avg_pool2d(pixels, min(pixels.shape[-1], INPUT_VIEW_SIDE)).flatten(1)


def _unit(vectors: torch.Tensor) -> torch.Tensor:
    return F.normalize(vectors.float(), dim=1)


def _neighbour_distance(queries: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """Mean cosine distance (N,) from each query to its ``NEIGHBOURS`` nearest rows of ``memory``."""
    k = min(NEIGHBOURS, len(memory))
    distances = [
        1 - (part @ memory.T).topk(k, dim=1).values.mean(1) for part in _unit(queries).split(SCORE_BATCH)
    ]
    return torch.cat(distances) if distances else torch.zeros(0)


def _image_array(data: Any) -> np.ndarray:
    """Images (N, C, H, W) float32 in [0, 1] from an array or an ``ImageData``; power-of-two padding later."""
    images = getattr(data, "images", data)
    if isinstance(images, pd.DataFrame | pd.Series) or not hasattr(images, "__len__"):
        raise DataError(
            f"give a DataFrame (table) or images (N, H, W) / (N, C, H, W), not {type(data).__name__}"
        )
    x, _ = check_images(images)
    return x
