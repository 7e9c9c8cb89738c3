"""Gaussian copula: the fast baseline generator.

Every column is mapped to a standard-normal score: numeric values through their empirical CDF (the
transformer's quantile encoding), categories through the interval of the normal their frequency occupies
(a category is a latent normal score falling in its interval). One correlation matrix over the latent
scores captures the dependence between columns. Sampling draws correlated normals and maps each back (a
category by the interval its score falls in), so every column's marginal distribution is kept exactly and
pairwise dependence approximately.

A category's rows are scored by the mean of the latent normal over its interval, and a category's
correlation with a number is read back as the latent one (``_latent_correlations``). Scored at random
inside their intervals, as before, a rare class's correlations shrank by the square of that mean's
spread: fraud at 1.5% of 12,000 transactions (card not present for 74% of fraud, 49% of other rows) came
back as often with the card not present as other rows (51%); default's 3.3% defaults were told from real
ones with detection 0.70 and trained models 0.20 below real rows in ROC-AUC.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
import torch
from scipy.special import ndtr, ndtri
from scipy.stats import norm

from synthloom.data.encoders import NumericEncoder, Span
from synthloom.data.metadata import Metadata
from synthloom.data.streaming import SAMPLE_ROWS, TableStream
from synthloom.models.base import BaseGenerator, resolve_seed
from synthloom.models.conditions import RangeCondition, within
from synthloom.registry import register
from synthloom.training.settings import check_whole

_EPS = 1e-6
MIN_SHARED_ROWS = 10  # rows two columns must both hold for their correlation to be learned (else 0)
# A categorical column's scores correlate with a number's at the latent correlation times their spread
# (exactly: the number is a normal score), so that correlation is divided by the spread, by at most
# MAX_LATENT_GAIN, and only where it is beyond chance over the rows holding both: SIGNIFICANT_SPREADS
# standard errors (1/sqrt(rows)), and MIN_PAIR_SUPPORT rows or more outside the modal category. A number
# 90% missing beside 2% classes otherwise took a link of 0.26 - 0.66 from 3 - 7 rows holding both.
SIGNIFICANT_SPREADS = 3.0
MIN_PAIR_SUPPORT = 30
MAX_LATENT_GAIN = 10.0
MAX_LATENT_CORRELATION = 0.99  # a correlation of 1 would make the matrix singular before the repair
# the least share of a number's variance a category column's levels explain for them to be laid out in its
# order (``_linked_order``)
MIN_ORDER_LINK = 0.01


@register("copula")
class GaussianCopula(BaseGenerator):
    """Gaussian copula over normal scores of every column.

    Args:
        random_state: seed for sampling (fitting draws nothing: its scores are interval means).

    Example:
        >>> fake = GaussianCopula(random_state=0).fit(real).sample(1_000)
    """

    numeric_encoding = "quantile"

    def __init__(self, random_state: int | None = None) -> None:
        super().__init__(random_state=random_state)

    def fit_file(
        self,
        path: str | Path,
        metadata: Metadata | Mapping[str, Any] | None = None,
        constraints: Sequence[Any | Mapping[str, Any]] | None = None,
        sample_rows: int = SAMPLE_ROWS,
        encoding: str = "utf-8",
        keep_orders: bool = True,
    ) -> Self:
        """Learn from a CSV/Parquet file (or folder of parts) larger than memory: from a uniform sample of
        ``sample_rows`` rows, drawn in one pass over the file (as the deep generators learn their encoding).

        The copula's statistics, each column's quantiles and category shares and the correlations, are
        estimates that rows drawn at random give as well as every row does, to about 1/sqrt(sample_rows)
        (0.003 at 100,000 rows); a category the sample lacks is not learned. Read whole, a file of 1.1 GB
        took 7.4 GB of memory. ``n_training_rows_`` counts the file's rows. ``encoding``: a CSV's.

        Example:
            >>> model = get_model("copula").fit_file("transactions.parquet")
        """
        check_whole(
            "sample_rows",
            int(sample_rows) if isinstance(sample_rows, np.integer) else sample_rows,
            self.min_rows,
        )
        stream = TableStream(path, encoding=encoding)
        sample = stream.sample(sample_rows, np.random.default_rng(resolve_seed(self.random_state)))
        self.fit(sample, metadata, constraints, keep_orders)
        self.n_training_rows_ = stream.count_rows()
        return self

    def _fit(self, matrix: np.ndarray, rng: np.random.Generator) -> None:
        spans = self.transformer_.spans
        # a missing number's score is its column's fill value: left in, it would pull every correlation of
        # the column toward 0 by its share of missing rows (0.995 -> 0.61 at 60% missing). Each pair is
        # correlated over the rows that hold both; whether a value is missing is a column of its own.
        missing = {s.column: matrix[:, s.start + 1] > 0.5 for s in spans if s.role == "missing"}
        numbers = {
            i: np.where(missing.get(s.column, False), np.nan, matrix[:, s.start].astype(np.float64))
            for i, s in enumerate(spans)
            if s.activation != "softmax"
        }
        self.level_orders_ = [
            _linked_order(matrix[:, s.start : s.stop], numbers) if s.activation == "softmax" else []
            for s in spans
        ]
        self.cutpoints_ = [
            np.concatenate([[0.0], np.cumsum(matrix[:, s.start : s.stop].mean(axis=0)[order])]).tolist()
            if s.activation == "softmax"
            else []
            for s, order in zip(spans, self.level_orders_, strict=True)
        ]
        scores = (
            np.column_stack(
                [numbers[i] if i in numbers else self._to_scores(matrix, i) for i in range(len(spans))]
            )
            if spans
            else np.zeros((len(matrix), 0))
        )
        pairwise = pd.DataFrame(scores).corr(min_periods=MIN_SHARED_ROWS).to_numpy()
        present = (~np.isnan(scores)).astype(np.float64)
        shared = present.T @ present  # rows holding both columns of each pair
        latent = _latent_correlations(pairwise.reshape(len(spans), -1), self.cutpoints_, shared)
        self.correlation_ = _nearest_correlation(latent)

    def _to_scores(self, matrix: np.ndarray, i: int) -> np.ndarray:
        """A category column's rows' scores: the mean of the latent normal over their level's interval."""
        span = self.transformer_.spans[i]
        codes = matrix[:, span.start : span.stop].argmax(axis=1)
        return _interval_means(np.asarray(self.cutpoints_[i]))[self._latent_places(i)[codes]]

    def _latent_places(self, i: int) -> np.ndarray:
        """Where each level (by its code) of category span ``i`` lies among its intervals."""
        return np.argsort(self.level_orders_[i])

    def _sample(
        self, n: int, rng: np.random.Generator, category: tuple[Span, int] | None = None
    ) -> np.ndarray:
        if category is None:
            return self._rows(n, rng, None)
        span, code = category
        i = self.transformer_.spans.index(span)
        place = self._latent_places(i)[code]
        return self._rows(n, rng, (span, self.cutpoints_[i][place], self.cutpoints_[i][place + 1]))

    def _draw_within(
        self, condition: RangeCondition
    ) -> tuple[float, Callable[[int, np.random.Generator], np.ndarray]] | None:
        interval = self._range_interval(condition)
        if interval is None:
            return None
        return interval[2] - interval[1], lambda n, rng: self._rows(n, rng, interval)

    def _range_interval(self, condition: RangeCondition) -> tuple[Span, float, float] | None:
        """The span of ``condition``'s column and the interval of its uniform scale whose scores decode
        within the range, where the column is one normal score (``NumericEncoder.uniform_scores``) and the
        range not one past midnight; None otherwise (rejection meets it)."""
        encoder = self.transformer_.encoder(condition.column)
        if condition.low > condition.high or not isinstance(encoder, NumericEncoder):
            return None
        ends = encoder.uniform_scores(np.array([condition.low, condition.high]))
        if ends is None:
            return None
        # the transformer's span (placed in the whole layout), not the encoder's own (placed at 0)
        span = next(s for s in self.transformer_.spans if s.column == condition.column and s.role == "value")
        return span, *_decoded_within(encoder, condition, (float(ends[0]), float(ends[1])))

    def _rows(self, n: int, rng: np.random.Generator, within: tuple[Span, float, float] | None) -> np.ndarray:
        """``n`` rows; ``within``: a span's interval of its uniform scale (a category's, a range's)."""
        spans = self.transformer_.spans
        out = np.zeros((n, self.transformer_.output_dim), dtype=np.float32)
        if not spans:
            return out
        scores = self._scores(n, rng, within)
        for i, span in enumerate(spans):
            if span.activation != "softmax":
                out[:, span.start] = scores[:, i]
                continue
            cuts = np.asarray(self.cutpoints_[i])
            places = np.clip(np.searchsorted(cuts, ndtr(scores[:, i]), side="right") - 1, 0, span.width - 1)
            out[np.arange(n), span.start + np.asarray(self.level_orders_[i])[places]] = 1.0
        return out

    def _scores(
        self, n: int, rng: np.random.Generator, within: tuple[Span, float, float] | None
    ) -> np.ndarray:
        """Correlated normal scores; ``within`` a span's interval of its uniform scale (a category's, a
        range's), that span's score is drawn inside it and the others from the Gaussian conditional on it."""
        sigma = self.correlation_
        zeros = np.zeros(len(sigma))
        if within is None:
            return rng.multivariate_normal(zeros, sigma, size=n, method="cholesky")
        span, low, high = within
        i = self.transformer_.spans.index(span)
        u = low + rng.random(n) * (high - low)
        fixed = ndtri(np.clip(u, _EPS, 1 - _EPS))
        link = sigma[:, i]
        rest = rng.multivariate_normal(zeros, sigma - np.outer(link, link), size=n, method="eigh")
        return rest + np.outer(fixed, link)

    def _category_shares(self, span: Span) -> np.ndarray | None:
        # a category's interval of the column's uniform scale is its share of the real rows
        i = self.transformer_.spans.index(span)
        return np.diff(self.cutpoints_[i])[self._latent_places(i)]

    def _tensors(self) -> dict[str, torch.Tensor]:
        return {"correlation": torch.from_numpy(np.ascontiguousarray(self.correlation_))}

    def _extra_state(self) -> dict[str, Any]:
        return {"cutpoints": self.cutpoints_, "level_orders": self.level_orders_}

    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        self.correlation_ = tensors["correlation"].numpy().astype(np.float64)
        self.cutpoints_ = extra["cutpoints"]
        # files saved before levels were ordered: each category's intervals in the order of its codes
        self.level_orders_ = extra.get("level_orders") or [
            list(range(len(c) - 1)) if c else [] for c in self.cutpoints_
        ]


PREIMAGE_GRID = 4_097  # points of the uniform scale a range's edges are looked for among, twice over


def _decoded_within(
    encoder: NumericEncoder, condition: RangeCondition, ends: tuple[float, float]
) -> tuple[float, float]:
    """The interval of ``encoder``'s uniform scale whose scores decode (rounded, onto levels) within
    ``condition``'s range, widened by at most 1 / ``PREIMAGE_GRID`` ** 2 (a check of the range rejects
    those few rows); ``ends`` (the range's own ends on the scale) where no point of the grid decodes within
    it (one value of a continuous column). Decoding rounds: drawn within ``ends``, ages 30 - 40 gave 30 and
    40 half the rows they hold among rows drawn and kept (4.4% against 8.2%)."""
    width = sum(span.width for span in encoder.spans)
    rng = np.random.default_rng(0)  # draws nothing: no day and time of day here

    def inside(u: np.ndarray) -> np.ndarray:
        block = np.zeros((u.size, width))
        block[:, 0] = ndtri(np.clip(u, _EPS, 1 - _EPS))
        if encoder.has_missing:
            block[:, -2] = 1.0  # present
        return within(encoder.decoded(block, rng), condition.low, condition.high)

    coarse = np.linspace(0.0, 1.0, PREIMAGE_GRID)
    held = np.flatnonzero(inside(coarse))
    if not held.size:
        return ends
    first, last = held[0], held[-1]
    low, high = coarse[first], coarse[last]
    if first > 0:  # the first point within, between the coarse point before it and it
        fine = np.linspace(coarse[first - 1], coarse[first], PREIMAGE_GRID)
        low = fine[np.flatnonzero(inside(fine))[0] - 1]
    if last < coarse.size - 1:
        fine = np.linspace(coarse[last], coarse[last + 1], PREIMAGE_GRID)
        high = fine[np.flatnonzero(inside(fine))[-1] + 1]
    return float(low), float(high)


def _linked_order(block: np.ndarray, numbers: Mapping[int, np.ndarray]) -> list[int]:
    """A category column's levels (codes of its one-hot ``block``) in the order its intervals take on the
    latent normal: by their mean score in the number column (of ``numbers``, normal scores with NaN where
    missing) whose scores they explain most (correlation ratio), where that is at least
    ``MIN_ORDER_LINK``; else by their codes (most frequent first).

    One correlation ties the column's latent score to each number's, so a link is kept as far as it is
    monotone in this order: in frequency order, adult's education (HS-grad, Some-college, Bachelors, ...)
    lay in no order of education-num, which fixes it exactly, and a level cut from a number by thresholds
    (low / mid / high) came back 30% / 57% / 13% among the number's lowest values.
    """
    codes = block.argmax(axis=1)
    width = block.shape[1]
    best, order = MIN_ORDER_LINK, list(range(width))
    for values in numbers.values():
        present = ~np.isnan(values)
        if present.sum() < MIN_SHARED_ROWS:
            continue
        x, level = values[present], codes[present]
        counts = np.bincount(level, minlength=width)
        means = np.bincount(level, weights=x, minlength=width) / np.maximum(counts, 1)
        spread = float(np.sum((x - x.mean()) ** 2))
        explained = float(np.sum(counts * (means - x.mean()) ** 2)) / spread if spread > 0 else 0.0
        if explained > best:
            # levels none of the rows holding the number has go last, in their own order
            best, order = explained, np.lexsort((np.arange(width), means, counts == 0)).tolist()
    return order


def _interval_means(cuts: np.ndarray) -> np.ndarray:
    """The mean of a standard normal score over each category's interval (its share of the normal between
    ``cuts``, cumulative shares from 0 to 1): (pdf(low) - pdf(high)) / share; 0 for an empty category."""
    edges = norm.pdf(ndtri(np.clip(cuts, 0.0, 1.0)))  # pdf(-inf) = pdf(inf) = 0 at the ends
    shares = np.diff(cuts)
    return np.divide(edges[:-1] - edges[1:], shares, out=np.zeros(shares.size), where=shares > 0)


def _latent_correlations(
    observed: np.ndarray, cutpoints: list[list[float]], shared: np.ndarray
) -> np.ndarray:
    """The latent normal scores' correlations from those of the rows' scores (``_to_scores``): a category
    column's with a number column divided by the spread of its interval means (``_interval_means``), where
    the rules at ``SIGNIFICANT_SPREADS`` hold over the ``shared`` rows holding both, within
    +-``MAX_LATENT_CORRELATION``. Two category columns keep their scores' correlation: for them the first
    term is not the whole story (two 5% classes correlated 0.5 read 0.94, their synthetic rows met 0.72 of
    the time where real ones meet 0.25), so they stay under their latent link rather than over it."""
    categorical = np.array([bool(cuts) for cuts in cutpoints])
    spread, minority = np.ones(len(cutpoints)), np.ones(len(cutpoints))
    for i, cuts in enumerate(cutpoints):
        if cuts:  # a categorical column's cumulative shares
            shares = np.diff(cuts)
            spread[i] = np.sqrt(float(np.sum(shares * _interval_means(np.asarray(cuts)) ** 2)))
            minority[i] = 1.0 - float(shares.max())
    gain = np.minimum(1.0 / np.maximum(np.outer(spread, spread), 1e-12), MAX_LATENT_GAIN)
    one_category = categorical[:, None] != categorical[None, :]
    beyond_chance = np.abs(np.nan_to_num(observed)) > SIGNIFICANT_SPREADS / np.sqrt(np.maximum(shared, 1.0))
    supported = shared * np.outer(minority, minority) >= MIN_PAIR_SUPPORT
    # only the correlations read back are held below 1: two numbers correlated 0.999 (a loan's amount and
    # its funded amount) stay so
    read_back = np.clip(observed * gain, -MAX_LATENT_CORRELATION, MAX_LATENT_CORRELATION)
    return np.where(one_category & beyond_chance & supported & (gain > 1.0), read_back, observed)


def _nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    """A valid (positive-definite, unit-diagonal) correlation matrix close to ``matrix``.

    Constant scores give NaN correlations and sampling noise can leave tiny negative eigenvalues; both
    would break the Cholesky factorisation sampling relies on.
    """
    matrix = np.nan_to_num(matrix, nan=0.0)
    np.fill_diagonal(matrix, 1.0)
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    repaired = (vectors * np.maximum(values, 1e-6)) @ vectors.T
    scale = np.sqrt(np.diag(repaired))
    return repaired / np.outer(scale, scale)
