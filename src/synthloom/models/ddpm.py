"""Mixed-type tabular diffusion in the TabDDPM design (Kotelnikov et al., ICML 2023), made fast on CPU.

- Data: the transformer's "spikes" layout: every numeric column is one normal score (linear span), and a
  column whose spread-out scale has exact values many rows share (a zero capital gain, the 7,688 that 0.9%
  of adult's rows hold) also gets a one-hot group naming them; categories and missing indicators are
  one-hot groups (softmax spans). A class can hang on such exact values: with plain scores, 75% of the
  synthetic adult rows with a capital gain of 7,000 - 8,000 had incomes above 50K (real: 99%), with
  spikes 98%. Fits on all of adult (22,792 rows, 5 draws each): train-on-synthetic F1 0.964x -> 0.970x -
  0.972x train-on-real (two fits), SDMetrics quality 0.972 -> 0.969 - 0.970, rows nearer a training row
  than a hold-out row 50.4% -> 50.9 - 51.0%; on loans (7,000 rows, 8 draws) quality 0.969 -> 0.971,
  nearer rows 52.4% -> 51.8%, fit 146 -> 157 s.
- Forward process: Gaussian diffusion on the value columns, multinomial diffusion (Hoogeboom et al.,
  2021) on every one-hot group, both on one cosine schedule (Nichol & Dhariwal, 2021). All groups are
  handled at once with the span layout's segment operations: no Python loop over columns.
- Denoiser: one MLP that sees the noisy row, a sinusoidal timestep embedding and a conditional vector,
  and predicts the Gaussian noise of the values and the clean category of every group.
- Loss: mean squared error on the noise plus the KL divergence between the true and the predicted
  categorical posteriors, averaged over groups (the TabDDPM loss).
- Conditioning: each training row carries a conditional vector naming its own category in one randomly
  chosen discrete column (the VAE's scheme). Unconditional sampling draws those vectors at the real
  frequencies, which is exactly their training distribution, so no "empty" vector (and no guidance
  weight) is needed; a condition on a category is the same vector with that category fixed.
  With ``target`` (TabDDPM's class conditioning) every vector names the row's category in that one
  column instead, so the denoiser sees the target in every row, not in one row in as many as there are
  discrete columns. ``benchmarks/diffusion.py`` (one fit each, 5 draws): on all of adult
  train-on-synthetic F1 0.972x -> 0.981x train-on-real and rows nearer a training row than a hold-out
  row 51.3% -> 50.6%; on default 1.043x -> 1.045x and 50.6% -> 50.7%. On loans the effect is lost in the
  spread between fits (seeds 0 - 2: 0.94x / 0.93x / 1.08x with it; seeds 1 - 2: 1.03x / 1.02x without);
  naming the target in half the vectors, or only when sampling, did not help there either.
  Conditions on the other discrete columns are then met by rejection.
- Fast sampler: training uses ``timesteps`` (1,000) noise levels, sampling visits ``sample_steps`` (50)
  of them, from T-1 down to 0. Skipping is exact for the multinomial part, since uniform-mixing
  transitions compose (the jump from s to t keeps a category with weight alpha_bar_t / alpha_bar_s),
  and is DDIM (Song et al., 2021) for the Gaussian part. Why 50: on adult (7,000 rows) SDMetrics
  quality was 0.922 / 0.931 / 0.928 with 25 / 50 / 100 evenly strided steps, and 0.965 / 0.966 with
  50 / 200 steps for a longer-trained model; 50 is 1/20 of the full chain.
  The levels are spaced quadratically, closer together near 0 (DDIM's "quadratic" sequence), where the
  last details of a row are settled. Paired with even strides on the same models (5 - 10 draws each):
  train-on-synthetic F1 / train-on-real on three models of 5,600 adult rows went from 0.963 / 0.965 /
  0.963 to 0.971 / 0.970 / 0.963 (100 even steps, at twice the sampling time: 0.973 / 0.968 / 0.966),
  and on seven models of adult, loans and default the share of synthetic rows nearer a training row
  than a hold-out row fell by 0.1 - 0.9 points. SDMetrics quality, a mean over 6 draws since single
  draws on default spread over 0.945 - 0.976: 0.963 / 0.963 for the default fit on default's 7,000 rows,
  0.958 / 0.963 after 200 epochs. It suits trained models: after only 300 steps on 1,000 rows, even
  strides matched the real median balance better (off by 0.03 - 0.14 of its spread against 0.05 -
  0.30, with 10 to 50 sampling steps).
  ``eta=1`` (fresh noise at every jump, DDPM-like) scored higher than deterministic DDIM in every
  comparison we ran (adult: 0.953 vs 0.945).
- Marginal calibration (not in TabDDPM): once training ends, the model draws 10,000 rows, and for every
  number column the quantiles of its drawn normal scores are paired with those of the real ones; sampling
  passes each score through that non-decreasing map (``synthloom.nn.calibration``), which keeps every
  row's rank in its column and so the relations between columns. The denoiser had drawn counts of a few
  levels with the wrong shares (loans: no delinquency in the last 2 years in 93% of rows against 86%) and
  skewed amounts a little off. One fit per table (the diffusion benchmark's split, 2026-12-01), the same
  6 draws with and without: SDMetrics quality on loans 0.970 -> 0.977, default 0.950 -> 0.970 (single
  draws without it spread over 0.922 - 0.966, with it 0.966 - 0.974), adult 0.968 -> 0.968. Train-on-
  synthetic F1: loans' grade 0.43 -> 0.52 (3 draws each), default 0.694 -> 0.701 and adult 0.801 -> 0.799
  (8 each). The share of rows nearer a training row than a hold-out row moved by +0.1 (adult), +0.4
  (loans) and +0.7 points (default, +-0.3); a second calibration draw of the same default model moved it
  by -0.4 instead: within what one calibration draw changes. 201 knots: 51 or 21 lost default's F1 (-0.017,
  -0.040) for the same quality.
- Category shares (not in TabDDPM): the same calibration shifts each category's predicted logit by
  log(real share / drawn share), learned over two draws after training. On a 194-column sensor table the
  readings came back missing in 17 - 24% of rows where 30% were, one machine in 30% of rows against 20%;
  with the shift 23 - 27% and 25%. On adult, default and loans quality, TSTR and the DCR share moved within
  a fit's noise (README, *Category shares and the target*).
- Training: AdamW with the learning rate decayed linearly to 0 over the planned steps, and an exponential
  moving average of the weights. The schedule counts steps only, so two fits with the same seed are
  identical whatever ``max_minutes`` is, as long as the budget does not end training; only once the
  pace so far says the planned steps would outlast the budget does the decay follow the time left
  instead, so that a run the budget cuts short still ends annealed (that run depends on timing anyway).
  The average is what samples, is saved and is checkpointed by early stopping. Both steady the noisy
  diffusion gradients of short CPU runs.
- Defaults for a 2-core CPU: a 2 x 256 MLP and batches of 256 (depth 3 or width 512 cost more and gave
  no better quality). At the same 20,000 steps, halving the batch from 512 halves the passes over a
  table, which is also what the model memorises: on 5,600 rows, batch 256 against 512 gave adult SDMetrics
  quality 0.966 / 0.967, train-on-synthetic F1 0.784 / 0.782 and 53.7% / 55.3% of synthetic rows nearer a
  training row than a hold-out row, in 160 / 230 s; loans 0.962 / 0.965, grade F1 0.444 / 0.470 (sd 0.04
  over draws) and 52.8% / 53.3%, in 205 / 326 s. Batch 128 went further on adult (51.9%) but lost loans'
  grade (F1 0.367).
- Training length is counted in steps, as in TabDDPM: unless ``epochs`` is given, a fit runs the epochs
  that make ``TRAINING_STEPS`` optimiser steps, whatever the table's size. Sharp relations between columns
  need steps, not passes: on loans (5,600 rows, batch 512: 10 steps per epoch) the installment / loan
  amount ratio that encodes the grade came out with Spearman correlation 0.22 / 0.49 / 0.68 to the grade
  (36-month loans) after 2,000 / 8,000 / 20,000 steps (real rows: 0.96), and train-on-synthetic macro-F1
  for the grade was 0.31 / 0.40 / 0.49 (mean of 3 draws; train-on-real 0.45), while the SDMetrics quality
  hardly moved (0.955 / 0.958 / 0.964). Small tables stop at ``MAX_DEFAULT_EPOCHS`` passes: on 700 adult
  rows (batch 512: one step per pass), 20,000 passes took 201 s and left 64 - 71% of the synthetic rows
  nearer a training row than a hold-out row; 2,000 passes took 21 s for 60 - 61% at the same quality.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from typing import Any

import numpy as np
import pandas as pd
import torch
from torch import nn

from synthloom.data.constraints import ConstraintSet
from synthloom.data.metadata import ColumnKind, ColumnSpec, Metadata, is_class_target, target_kind
from synthloom.errors import ConfigError, DataError
from synthloom.models.neural import NeuralGenerator
from synthloom.nn.calibration import MarginalCalibration, real_quantiles, share_correction
from synthloom.nn.conditional import with_condition
from synthloom.nn.layers import MaskDropout
from synthloom.registry import register
from synthloom.training.optim import FlatAdam
from synthloom.training.settings import check_flag, check_number, check_whole, update_weight_average

# Normal scores from the quantile encoder stay within about +-5.2; a predicted clean value beyond that
# is an extrapolation error, so it is clipped while sampling (as image DDPMs clip to the pixel range).
VALUE_CLIP = 5.5
LOG_EPS = 1e-30  # floor before log: zero probabilities stay finite in float32
TRAINING_STEPS = 20_000  # optimiser steps of a fit when ``epochs`` is None (the default)
MAX_DEFAULT_EPOCHS = 2_000  # ... but never more passes than this over a small table
CALIBRATION_ROWS = 10_000  # rows drawn after training to learn the marginal calibration from
SHARE_ROUNDS = 2  # draws of that many rows, each moving the category shares closer to the real ones


def cosine_alpha_bar(timesteps: int, offset: float = 0.008) -> torch.Tensor:
    """Cumulative signal share alpha_bar_t for t = 0..T-1 (cosine schedule, betas clipped at 0.999).

    Example:
        >>> cosine_alpha_bar(1000)[[0, -1]]
        tensor([9.9996e-01, 2.4288e-09])
    """
    steps = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((steps + offset) / (1 + offset) * math.pi / 2) ** 2
    betas = (1 - f[1:] / f[:-1]).clamp(max=0.999)
    return torch.cumprod(1 - betas, dim=0).float()


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding (B,) -> (B, dim), as in the Transformer and DDPM."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)


class Denoiser(nn.Module):
    """(noisy row, timestep, conditional vector) -> noise estimate for values and logits for groups.

    The TabDDPM MLP: the input is projected to ``width``, the timestep embedding is added, then ``depth``
    Linear + SiLU (+ dropout) layers and a linear head of the row's width.
    """

    def __init__(self, data_dim: int, cond_dim: int, width: int, depth: int, dropout: float) -> None:
        super().__init__()
        self.time_dim = min(width, 128)
        self.project = nn.Linear(data_dim + cond_dim, width)
        self.time = nn.Sequential(nn.Linear(self.time_dim, width), nn.SiLU(), nn.Linear(width, width))
        layers: list[nn.Module] = []
        for _ in range(depth):
            layers += [nn.Linear(width, width), nn.SiLU(), MaskDropout(dropout)]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, data_dim)

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        """``t`` is (B,), or (1,) when the whole batch shares one noise level (sampling)."""
        inputs = with_condition(x, cond)  # (B, data_dim + cond_dim)
        hidden = self.project(inputs) + self.time(timestep_embedding(t, self.time_dim))
        return self.head(self.body(hidden))  # (B, data_dim)


@register("ddpm")
class TabDDPM(NeuralGenerator):
    """Mixed-type diffusion: Gaussian on numeric normal scores, multinomial on categories.

    Args:
        epochs: passes over the data; None (default): as many as make ``TRAINING_STEPS`` (20,000) steps,
            e.g. 158 epochs for adult's 32,561 rows at batch 256, but at most ``MAX_DEFAULT_EPOCHS`` (2,000).
        batch_size: rows per step.
        hidden_width / hidden_depth: layers of the denoiser MLP.
        dropout: dropout in the denoiser.
        timesteps: noise levels of the training chain.
        sample_steps: noise levels visited when sampling (closer together near 0, at most ``timesteps``).
        eta: DDIM stochasticity of the value columns (0: deterministic given the noise, 1: DDPM-like).
        ema_decay: weight of the past in the moving average of the weights that samples; capped at
            (1 + step) / (10 + step) early on, so a short run does not sample near-initial weights.
        learning_rate / weight_decay: AdamW settings.
        calibrate_marginals: map every drawn number column's normal scores onto the real ones' quantiles,
            and shift every category's predicted logit so that its drawn share meets the real one (both
            learned from draws after training, ``synthloom.nn.calibration``); rank order is kept, so the
            relations between columns stay as drawn. It can be switched after fitting.
        target: a discrete column (the label a model will learn from the synthetic rows) that every
            conditional vector names, as TabDDPM conditions on the class; None: any discrete column. A
            column of whole numbers on a few levels (class codes) is learned as a category for it, unless
            the metadata declares its kind.
            Category conditions on other columns are then met by rejection sampling.
        device, precision, max_minutes, early_stopping, verbose, random_state: as for every neural
            generator (see CTGAN).

    Example:
        >>> model = TabDDPM(random_state=0).fit(real)
        >>> rich = model.sample(500, conditions={"income": ">50K"})
    """

    numeric_encoding = "spikes"
    epochs_may_be_none = True  # None: TRAINING_STEPS steps
    # the sampler's own settings
    runtime_settings = NeuralGenerator.runtime_settings | {"sample_steps", "eta", "calibrate_marginals"}

    def __init__(
        self,
        epochs: int | None = None,
        batch_size: int = 256,
        hidden_width: int = 256,
        hidden_depth: int = 2,
        dropout: float = 0.0,
        timesteps: int = 1000,
        sample_steps: int = 50,
        eta: float = 1.0,
        ema_decay: float = 0.995,
        learning_rate: float = 2e-3,
        weight_decay: float = 1e-5,
        calibrate_marginals: bool = True,
        target: str | None = None,
        device: str = "auto",
        precision: str = "auto",
        max_minutes: float | None = None,
        early_stopping: bool = False,
        verbose: bool = False,
        random_state: int | None = None,
    ) -> None:
        common = (epochs, batch_size, device, max_minutes, early_stopping, verbose, random_state)
        super().__init__(*common, precision=precision)
        self.hidden_width = hidden_width
        self.hidden_depth = hidden_depth
        self.dropout = dropout
        self.timesteps = timesteps
        self.sample_steps = sample_steps
        self.eta = eta
        self.ema_decay = ema_decay
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.calibrate_marginals = calibrate_marginals
        self.target = target

    def _check_params(self) -> None:
        super()._check_params()
        for name in ("hidden_width", "timesteps", "sample_steps"):
            check_whole(name, getattr(self, name))
        check_whole("hidden_depth", self.hidden_depth, least=0)
        if self.sample_steps > self.timesteps:
            raise ConfigError(
                f"sample_steps ({self.sample_steps}) cannot exceed timesteps ({self.timesteps})"
            )
        check_number("dropout", self.dropout, 0, 1, high_open=True)  # 1 would scale by 1 / 0
        check_number("eta", self.eta, 0, 1)
        check_number("ema_decay", self.ema_decay, 0, 1, high_open=True)
        check_number("learning_rate", self.learning_rate, low_open=True)
        check_number("weight_decay", self.weight_decay)
        check_flag("calibrate_marginals", self.calibrate_marginals)
        if self.target is not None and not isinstance(self.target, str):
            raise ConfigError(f"target must be a column name or None, not {self.target!r}")

    def _validate_training_data(self, data: pd.DataFrame) -> None:
        super()._validate_training_data(data)
        if self.target is not None and self.target not in data.columns:
            raise DataError(
                f"target {self.target!r} is not a column of the data; its columns are {list(data.columns)}"
            )

    def _conditioning_target(self) -> str | None:
        return self.target

    def _learn_encoding(
        self, data: pd.DataFrame, metadata: Metadata | None, rules: ConstraintSet
    ) -> np.ndarray:
        # a target of whole numbers on a few levels (codes 0/1/2, a grade 1-7) is a class, as evaluate,
        # bench and augment read it (``is_class_target``): learned as a category, so that every vector can
        # name it; it was refused unless declared categorical. A kind the user declared stays.
        declared = metadata is not None and self.target in metadata.columns
        if self.target is not None and not declared:
            kind = target_kind(data, self.target)
            if kind == ColumnKind.INTEGER and is_class_target(data[self.target], kind):
                given = metadata or Metadata()
                columns = {**given.columns, self.target: ColumnSpec(ColumnKind.CATEGORICAL)}
                metadata = dataclasses.replace(given, columns=columns)
        return super()._learn_encoding(data, metadata, rules)

    def _planned_epochs(self) -> int:
        return self.epochs or min(math.ceil(TRAINING_STEPS / self._steps_per_epoch), MAX_DEFAULT_EPOCHS)

    def _module_names(self) -> list[str]:
        return ["ema_"]  # the averaged weights sample; the raw denoiser is training state only

    # -- building ---------------------------------------------------------------------------------------
    def _build(self) -> None:
        data_dim, cond_dim = self.transformer_.output_dim, self.sampler_.dim
        self.denoiser_ = Denoiser(data_dim, cond_dim, self.hidden_width, self.hidden_depth, self.dropout)
        self.denoiser_.to(self.device_)
        self.ema_ = copy.deepcopy(self.denoiser_).requires_grad_(False)
        self.optimizer_ = FlatAdam(
            self.denoiser_.parameters(),
            lr=self.learning_rate,
            weight_decay=self.weight_decay,
            decoupled_weight_decay=True,
        )
        self._steps_done = 0
        self._started = time.monotonic()
        self.alpha_bar_ = cosine_alpha_bar(self.timesteps).to(self.device_)
        self.value_columns_ = self.layout_.value_index
        group_width = torch.bincount(self.layout_.segment, minlength=self.layout_.n_groups)
        self.uniform_ = 1.0 / group_width[self.layout_.segment].float()  # (n_softmax,) 1/K per column
        self.calibration_: MarginalCalibration | None = None  # learned once training ends
        self.share_shift_: torch.Tensor | None = None  # ... and so is this
        self._calibrating = False

    def _denoise(
        self, net: Denoiser, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor | None
    ) -> torch.Tensor:
        with self._autocast():
            return net(x, t, cond).float()

    # -- the two diffusions -----------------------------------------------------------------------------
    def _mix(self, keep: torch.Tensor, one_hot: torch.Tensor) -> torch.Tensor:
        """Log of the multinomial kernel: keep the category with weight ``keep``, else uniform."""
        return torch.log((keep * one_hot + (1 - keep) * self.uniform_).clamp(min=LOG_EPS))

    def _posterior(
        self, x_t: torch.Tensor, x0_probs: torch.Tensor, alpha_bar_t: torch.Tensor, alpha_bar_s: torch.Tensor
    ) -> torch.Tensor:
        """log q(x_s | x_t, x_0) for s < t on the one-hot groups, (B, n_softmax).

        The step from s to t keeps a category with weight alpha_bar_t / alpha_bar_s, so this is exact
        for one step of training and for the strided jumps of the sampler alike.
        """
        logits = self._posterior_logits(x_t, x0_probs, alpha_bar_t, alpha_bar_s)
        return self.layout_.segment_log_softmax(logits)

    def _posterior_logits(
        self, x_t: torch.Tensor, x0_probs: torch.Tensor, alpha_bar_t: torch.Tensor, alpha_bar_s: torch.Tensor
    ) -> torch.Tensor:
        """``_posterior`` before normalising: enough to draw from it (a draw ignores a group's shift)."""
        return self._mix(alpha_bar_t / alpha_bar_s, x_t) + self._mix(alpha_bar_s, x0_probs)

    def _noisy(self, rows: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw x_t ~ q(x_t | x_0) for every row; returns x_t and the Gaussian noise on the values."""
        alpha_bar = self.alpha_bar_[t][:, None]  # (B, 1)
        noisy = rows.clone()
        values = rows.index_select(1, self.value_columns_)
        noise = torch.randn_like(values)
        noisy.index_copy_(1, self.value_columns_, alpha_bar.sqrt() * values + (1 - alpha_bar).sqrt() * noise)
        if self.layout_.n_groups:
            one_hot = rows.index_select(1, self.layout_.softmax_index)
            self.layout_.draw_categories(noisy, self._mix(alpha_bar, one_hot))
        return noisy, noise

    # -- training ---------------------------------------------------------------------------------------
    def _categorical_kl(
        self, rows: torch.Tensor, noisy: torch.Tensor, raw: torch.Tensor, t: torch.Tensor
    ) -> torch.Tensor:
        """KL(q(x_{t-1} | x_t, x_0) || p(x_{t-1} | x_t)) summed over groups, per row (B,).

        At t = 0 (alpha_bar_{-1} = 1) the true posterior is x_0 itself and the KL is the decoder's NLL.
        """
        softmax = self.layout_.softmax_index
        alpha_bar_t = self.alpha_bar_[t][:, None]
        previous = torch.where(t > 0, self.alpha_bar_[(t - 1).clamp(min=0)], 1.0)[:, None]
        x_t, x_0 = noisy.index_select(1, softmax), rows.index_select(1, softmax)
        predicted = self.layout_.segment_log_softmax(raw.index_select(1, softmax)).exp()
        log_q = self._posterior(x_t, x_0, alpha_bar_t, previous)
        log_p = self._posterior(x_t, predicted, alpha_bar_t, previous)
        return (log_q.exp() * (log_q - log_p)).sum(dim=1)

    def _losses(self, rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Noise MSE on the values, and the categorical ELBO term averaged over groups.

        With t drawn uniformly, the ELBO's sum over the T steps is T x the mean KL (TabDDPM weighs it so);
        without that factor the categorical term would be 1/T of the Gaussian one and barely learned.
        """
        t = torch.randint(self.timesteps, (rows.shape[0],), device=self.device_)
        noisy, noise = self._noisy(rows, t)
        raw = self._denoise(self.denoiser_, noisy, t, self.sampler_.own_vectors(rows))
        gaussian = multinomial = torch.zeros((), device=self.device_)
        if noise.numel():
            gaussian = ((raw.index_select(1, self.value_columns_) - noise) ** 2).mean()
        if self.layout_.n_groups:
            kl = self._categorical_kl(rows, noisy, raw, t)
            multinomial = kl.mean() * self.timesteps / self.layout_.n_groups
        return gaussian, multinomial

    def _train_step(self) -> dict[str, float]:
        rows = self.data_[torch.randint(len(self.data_), (self._batch_rows(),), device=self.device_)]
        gaussian, multinomial = self._losses(rows)
        self.optimizer_.lr = self._learning_rate()
        self.optimizer_.zero_grad()
        (gaussian + multinomial).backward()
        self.optimizer_.step()
        self._steps_done += 1
        self._update_ema()
        return {"loss_gaussian": gaussian.item(), "loss_multinomial": multinomial.item()}

    def _learning_rate(self) -> float:
        """Linear decay to 0 over the planned steps, or over ``max_minutes`` once that binds.

        TabDDPM anneals too; on short CPU runs it lowers the run-to-run spread of quality (measured on
        adult: TSTR F1 0.756 -> 0.777 mean of three seeds at 1,400 steps).

        The rate depends on the step count alone while the budget is not binding: a fit is repeatable
        with the same seed, and ``max_minutes`` only stops a run. The budget binds when, at the pace so
        far, the planned steps would take longer than it; the decay then follows the share of the budget
        spent, so the run still ends near a rate of 0.
        """
        planned = self.epochs_planned_ * self._steps_per_epoch
        progress = self._steps_done / planned
        if self.max_minutes is not None and self._steps_done:
            spent = (time.monotonic() - self._started) / (60 * self.max_minutes)  # share of the budget
            if spent * planned / self._steps_done > 1:  # projected share at the last planned step
                progress = max(progress, spent)
        return self.learning_rate * max(0.0, 1 - progress)

    def _note_real_rows(self, rows: np.ndarray) -> None:
        # the real side of the marginal calibration: of every row trained on, or of a streamed file's
        # uniform sample (its last chunk alone, in the file's order, had squeezed a sorted column's draws
        # into a third of its range)
        self._real_quantiles = real_quantiles(rows, self.transformer_.scored_rows(rows))
        self._real_means = rows.mean(axis=0, dtype=np.float64)  # a one-hot column's: its category's share

    def _after_training(self) -> None:
        """Shift the category logits until a draw's shares are near the real ones, then pair the quantiles
        of a draw's number scores with the real ones (``_note_real_rows``). The draws multiply in the
        precision sampling will use (bf16 on a CPU that has it), since it is sampling's errors that the
        calibration corrects."""
        self.calibration_ = None  # the draws are the model's own
        softmax = self.layout_.softmax_index.cpu()
        real_shares = torch.from_numpy(self._real_means[softmax]).float()
        self.share_shift_ = torch.zeros(softmax.numel(), device=self.device_)
        self._calibrating = True  # the shift applies while it is learned, whatever calibrate_marginals says
        try:
            # the numbers' map is learned from the last draw, before its share shift: one draw fewer (a
            # slow one on loans, whose 500-level titles are drawn at every step), where that last shift
            # moves the numbers' quantiles little
            for _ in range(SHARE_ROUNDS if softmax.numel() else 1):
                drawn = self._generate_matrix(CALIBRATION_ROWS, None)
                shares = torch.from_numpy(drawn[:, softmax].mean(axis=0))
                self.share_shift_ += share_correction(real_shares, shares).to(self.device_)
        finally:
            self._calibrating = False
        calibration = MarginalCalibration.learn(
            self._real_quantiles, drawn, self.transformer_.scored_rows(drawn)
        )
        self.calibration_ = calibration.to(self.device_) if calibration is not None else None

    def _update_ema(self) -> None:
        ema, live = list(self.ema_.parameters()), list(self.denoiser_.parameters())
        update_weight_average(ema, live, self.ema_decay, self._steps_done)

    # -- sampling ---------------------------------------------------------------------------------------
    def _sampling_times(self) -> list[int]:
        """The noise levels the sampler visits, from T-1 down to 0, closer together near 0."""
        fraction = torch.linspace(1, 0, self.sample_steps, dtype=torch.float64) ** 2
        times = (fraction * (self.timesteps - 1)).round().long()
        # near 0 the squares round onto the same level: keeping the levels one apart there makes all
        # ``sample_steps`` of them distinct (sample_steps = timesteps visits the whole chain)
        return torch.maximum(times, torch.arange(self.sample_steps - 1, -1, -1)).tolist()

    def _generate(self, n: int, cond: torch.Tensor | None) -> torch.Tensor:
        x = torch.zeros((n, self.transformer_.output_dim), device=self.device_)
        x.index_copy_(
            1, self.value_columns_, torch.randn(n, self.value_columns_.numel(), device=self.device_)
        )
        if self.layout_.n_groups:
            uniform = torch.zeros((n, self.layout_.softmax_index.numel()), device=self.device_)
            self.layout_.draw_categories(x, uniform)
        times = self._sampling_times()
        for t, s in zip(times, [*times[1:], -1], strict=True):
            x = self._reverse_step(x, t, s, cond)
        if self.calibrate_marginals and self.calibration_ is not None:
            x = self.calibration_.apply(x)
        return x

    def _reverse_step(self, x: torch.Tensor, t: int, s: int, cond: torch.Tensor | None) -> torch.Tensor:
        """Jump from noise level t to s < t (s = -1: clean data), both parts at once."""
        alpha_bar_t = self.alpha_bar_[t]
        alpha_bar_s = self.alpha_bar_[s] if s >= 0 else torch.ones((), device=self.device_)
        # one timestep for the whole batch: its embedding is computed once and broadcast
        raw = self._denoise(self.ema_, x, torch.full((1,), t, device=self.device_), cond)
        out = x.clone()
        if self.value_columns_.numel():
            values, noise = x.index_select(1, self.value_columns_), raw.index_select(1, self.value_columns_)
            out.index_copy_(
                1, self.value_columns_, self._ddim_values(values, noise, alpha_bar_t, alpha_bar_s)
            )
        if self.layout_.n_groups:
            softmax = self.layout_.softmax_index
            predicted_logits = raw.index_select(1, softmax)
            if self.share_shift_ is not None and (self.calibrate_marginals or self._calibrating):
                predicted_logits = predicted_logits + self.share_shift_
            predicted = self.layout_.segment_softmax(predicted_logits)
            logits = self._posterior_logits(x.index_select(1, softmax), predicted, alpha_bar_t, alpha_bar_s)
            self.layout_.draw_categories(out, logits)
        return out

    def _ddim_values(
        self, x: torch.Tensor, noise: torch.Tensor, alpha_bar_t: torch.Tensor, alpha_bar_s: torch.Tensor
    ) -> torch.Tensor:
        """DDIM update of the value columns from level t to s (Song et al., 2021, eq. 12)."""
        clean = ((x - (1 - alpha_bar_t).sqrt() * noise) / alpha_bar_t.sqrt()).clamp(-VALUE_CLIP, VALUE_CLIP)
        noise = (x - alpha_bar_t.sqrt() * clean) / (1 - alpha_bar_t).sqrt()  # consistent with the clip
        sigma = self.eta * ((1 - alpha_bar_s) / (1 - alpha_bar_t) * (1 - alpha_bar_t / alpha_bar_s)).sqrt()
        direction = (1 - alpha_bar_s - sigma**2).clamp(min=0).sqrt()
        return alpha_bar_s.sqrt() * clean + direction * noise + sigma * torch.randn_like(x)

    # -- persistence ------------------------------------------------------------------------------------
    def _tensors(self) -> dict[str, torch.Tensor]:
        calibration = self.calibration_.tensors() if self.calibration_ is not None else {}
        if self.share_shift_ is not None:
            calibration["calibration.share_shift"] = self.share_shift_
        return {**super()._tensors(), **calibration}

    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        super()._restore(tensors, extra)
        calibration = MarginalCalibration.from_tensors(tensors, self.transformer_.output_dim)
        self.calibration_ = calibration.to(self.device_) if calibration is not None else None
        # files saved before the category shift sample as then
        shift = tensors.get("calibration.share_shift")
        if shift is not None and (
            shift.shape != (self.layout_.softmax_index.numel(),) or not shift.isfinite().all()
        ):
            raise ValueError("the category share shift does not fit the model's categories")
        self.share_shift_ = None if shift is None else shift.float().to(self.device_)
