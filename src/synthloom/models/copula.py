"""Gaussian copula: the fast baseline generator.

Every column is mapped to a standard-normal score: numeric values through their empirical CDF (the
transformer's quantile encoding), categories through the interval of the CDF their frequency occupies
(a uniform draw inside the interval, then the normal quantile). One correlation matrix over all scores
captures the dependence between columns. Sampling draws correlated normals and maps each back, so every
column's marginal distribution is kept exactly and pairwise dependence approximately.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import torch
from scipy.special import ndtr, ndtri

from synthloom.data.encoders import Span
from synthloom.models.base import BaseGenerator
from synthloom.registry import register

_EPS = 1e-6
MIN_SHARED_ROWS = 10  # rows two columns must both hold for their correlation to be learned (else 0)


@register("copula")
class GaussianCopula(BaseGenerator):
    """Gaussian copula over normal scores of every column.

    Args:
        random_state: seed for fitting (uniform draws inside category intervals) and sampling.

    Example:
        >>> fake = GaussianCopula(random_state=0).fit(real).sample(1_000)
    """

    numeric_encoding = "quantile"

    def __init__(self, random_state: int | None = None) -> None:
        super().__init__(random_state=random_state)

    def _fit(self, matrix: np.ndarray, rng: np.random.Generator) -> None:
        spans = self.transformer_.spans
        self.cutpoints_ = [
            np.concatenate([[0.0], np.cumsum(matrix[:, s.start : s.stop].mean(axis=0))]).tolist()
            if s.activation == "softmax"
            else []
            for s in spans
        ]
        scores = (
            np.column_stack([self._to_scores(matrix, i, rng) for i in range(len(spans))])
            if spans
            else np.zeros((len(matrix), 0))
        )
        # a missing number's score is its column's fill value: left in, it would pull every correlation of
        # the column toward 0 by its share of missing rows (0.995 -> 0.61 at 60% missing). Each pair is
        # correlated over the rows that hold both; whether a value is missing is a column of its own.
        missing = {s.column: matrix[:, s.start + 1] > 0.5 for s in spans if s.role == "missing"}
        for i, span in enumerate(spans):
            if span.activation != "softmax" and span.column in missing:
                scores[missing[span.column], i] = np.nan
        pairwise = pd.DataFrame(scores).corr(min_periods=MIN_SHARED_ROWS).to_numpy()
        self.correlation_ = _nearest_correlation(pairwise.reshape(len(spans), -1))

    def _to_scores(self, matrix: np.ndarray, i: int, rng: np.random.Generator) -> np.ndarray:
        span = self.transformer_.spans[i]
        block = matrix[:, span.start : span.stop]
        if span.activation != "softmax":
            return block[:, 0].astype(np.float64)
        cuts = np.asarray(self.cutpoints_[i])
        codes = block.argmax(axis=1)
        u = cuts[codes] + rng.random(len(block)) * (cuts[codes + 1] - cuts[codes])
        return ndtri(np.clip(u, _EPS, 1 - _EPS))

    def _sample(
        self, n: int, rng: np.random.Generator, category: tuple[Span, int] | None = None
    ) -> np.ndarray:
        spans = self.transformer_.spans
        out = np.zeros((n, self.transformer_.output_dim), dtype=np.float32)
        if not spans:
            return out
        scores = self._scores(n, rng, category)
        for i, span in enumerate(spans):
            if span.activation != "softmax":
                out[:, span.start] = scores[:, i]
                continue
            cuts = np.asarray(self.cutpoints_[i])
            codes = np.clip(np.searchsorted(cuts, ndtr(scores[:, i]), side="right") - 1, 0, span.width - 1)
            out[np.arange(n), span.start + codes] = 1.0
        return out

    def _scores(self, n: int, rng: np.random.Generator, category: tuple[Span, int] | None) -> np.ndarray:
        """Correlated normal scores; given a category, its column's score is drawn inside the category's
        interval and the others from the Gaussian conditional on it."""
        sigma = self.correlation_
        zeros = np.zeros(len(sigma))
        if category is None:
            return rng.multivariate_normal(zeros, sigma, size=n, method="cholesky")
        span, code = category
        i = self.transformer_.spans.index(span)
        cuts = self.cutpoints_[i]
        u = cuts[code] + rng.random(n) * (cuts[code + 1] - cuts[code])
        fixed = ndtri(np.clip(u, _EPS, 1 - _EPS))
        link = sigma[:, i]
        rest = rng.multivariate_normal(zeros, sigma - np.outer(link, link), size=n, method="eigh")
        return rest + np.outer(fixed, link)

    def _category_shares(self, span: Span) -> np.ndarray | None:
        # a category's interval of the column's uniform scale is its share of the real rows
        return np.diff(self.cutpoints_[self.transformer_.spans.index(span)])

    def _tensors(self) -> dict[str, torch.Tensor]:
        return {"correlation": torch.from_numpy(np.ascontiguousarray(self.correlation_))}

    def _extra_state(self) -> dict[str, Any]:
        return {"cutpoints": self.cutpoints_}

    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        self.correlation_ = tensors["correlation"].numpy().astype(np.float64)
        self.cutpoints_ = extra["cutpoints"]


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
