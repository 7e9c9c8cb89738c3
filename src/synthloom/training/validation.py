"""A cheap fidelity score on transformed matrices, for early stopping.

It compares, span by span, synthetic and held-out real rows without decoding: total-variation
similarity of one-hot groups (categories, mixture modes, missing indicators) and Kolmogorov-Smirnov
similarity of value columns. 1 means identical marginals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.stats import ks_2samp

from synthloom.data.encoders import Span


def marginal_similarity(real: np.ndarray, synthetic: np.ndarray, spans: Sequence[Span]) -> float:
    """Mean over spans of 1 - TV distance (one-hot groups) or 1 - KS statistic (values), in [0, 1]."""
    if not spans:
        return 1.0
    scores = []
    for span in spans:
        a, b = real[:, span.start : span.stop], synthetic[:, span.start : span.stop]
        if span.activation == "softmax":
            p = np.bincount(a.argmax(1), minlength=span.width) / len(a)
            q = np.bincount(b.argmax(1), minlength=span.width) / len(b)
            scores.append(1 - 0.5 * np.abs(p - q).sum())
        else:
            scores.append(1 - ks_2samp(a[:, 0], b[:, 0]).statistic)
    return float(np.mean(scores))
