"""How well anomaly scores separate anomalies from normal samples, given the true labels.

Plain functions over arrays (labels: 1 / True = anomaly; scores: higher = more anomalous), so any
detector can be measured the same way: synthloom's GANomaly, scikit-learn's IsolationForest, a baseline.

- ROC-AUC: the chance that a random anomaly scores above a random normal sample (0.5 = guessing).
- PR-AUC (average precision): precision averaged over recall levels; its "guessing" level is the share
  of anomalies, so it tells more than ROC-AUC when anomalies are rare.
- F1 at a threshold: what the flags given at that threshold are worth (precision and recall together).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score
from sklearn.metrics import roc_curve as _roc_curve

from synthloom.errors import ConfigError, DataError, DataWarning, caller_stacklevel

MEANINGS = {
    "roc_auc": "chance that a random anomaly scores above a random normal one (0.5 = guessing, 1 = perfect)",
    "pr_auc": "average precision over recall levels (guessing = the share of anomalies, 1 = perfect)",
    "f1": "harmonic mean of precision and recall of the flags at the threshold",
    "precision": "share of flagged samples that are anomalies",
    "recall": "share of anomalies that are flagged",
    "flagged_share": "share of samples flagged at the threshold",
    "anomaly_share": "share of anomalies among the labelled samples",
}


def check_labels(labels: Any, scores: Any) -> tuple[np.ndarray, np.ndarray]:
    """Labels as a 0/1 int array and scores as float64, same length, both classes present.

    Raises:
        DataError: lengths differ, labels are not two-valued, one class is missing, or a score is NaN
            (an infinite one is the oddest, or the most normal, a detector can say).

    Example:
        >>> y, s = check_labels([0, 1, 0], [0.1, 2.0, -0.3])
    """
    y = np.asarray(labels)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape or y.ndim != 1:
        raise DataError(f"labels {y.shape} and scores {s.shape} must be two 1-D arrays of the same length")
    if y.dtype.kind not in "biu" or not set(np.unique(y).tolist()) <= {0, 1}:
        raise DataError("labels must be 0/1 or False/True (1 = anomaly)")
    if np.isnan(s).any():
        raise DataError(f"{int(np.isnan(s).sum()):,} score(s) are NaN, where every sample needs a number")
    if y.min() == y.max():
        kind = "anomalies" if y.min() == 0 else "normal samples"
        raise DataError(f"the labels contain no {kind}; ROC-AUC needs both normal and anomalous samples")
    return y.astype(np.int64), s


def _ranked(scores: np.ndarray) -> np.ndarray:
    """``scores`` with infinities put just past the finite ones, in the same order (the curves and their
    areas read only the order, and scikit-learn refuses infinities: one reading of inf in a labelled
    file lost every score)."""
    finite = scores[np.isfinite(scores)]
    if not finite.size:
        return np.sign(scores)
    low, high = np.nextafter(finite.min(), -np.inf), np.nextafter(finite.max(), np.inf)  # 1e20 + 1 is 1e20
    return np.where(np.isposinf(scores), high, np.where(np.isneginf(scores), low, scores))


def anomaly_scores(labels: Any, scores: Any, threshold: float | None = None) -> dict[str, float]:
    """ROC-AUC and PR-AUC of the scores, plus F1 / precision / recall of the flags ``scores > threshold``.

    Example:
        >>> anomaly_scores([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], threshold=0.3)["roc_auc"]
        0.75
    """
    y, s = check_labels(labels, scores)
    ranked = _ranked(s)
    result = {
        "roc_auc": float(roc_auc_score(y, ranked)),
        "pr_auc": float(average_precision_score(y, ranked)),
        "anomaly_share": float(y.mean()),
    }
    if threshold is not None:
        flags = s > threshold
        result |= {
            "f1": float(f1_score(y, flags, zero_division=0.0)),
            "precision": float(precision_score(y, flags, zero_division=0.0)),
            "recall": float(recall_score(y, flags, zero_division=0.0)),
            "flagged_share": float(flags.mean()),
        }
    return result


@dataclass
class RocCurve:
    """False- and true-positive rates at every threshold (for plotting)."""

    fpr: np.ndarray
    tpr: np.ndarray
    auc: float


def roc_curve(labels: Any, scores: Any) -> RocCurve:
    """The ROC curve of the scores.

    Example:
        >>> curve = roc_curve([0, 1, 0, 1], [0.2, 0.9, 0.3, 0.5])
        >>> curve.auc
        1.0
    """
    y, s = check_labels(labels, scores)
    ranked = _ranked(s)
    fpr, tpr, _ = _roc_curve(y, ranked)
    return RocCurve(fpr, tpr, float(roc_auc_score(y, ranked)))


def check_fpr(fpr: float) -> None:
    """Refuse a false-positive rate outside (0, 1)."""
    if not 0 < fpr < 1:
        raise ConfigError(f"fpr must be in (0, 1), not {fpr!r}")


def threshold_at_fpr(normal_scores: Any, fpr: float) -> float:
    """The score above which at most a share ``fpr`` of new normal samples lie (a target false-positive
    rate), from the scores of ``n`` normal samples the detector did not learn from.

    It is their ``k``-th smallest, ``k = ceil((n + 1)(1 - fpr))`` (split conformal): a new normal sample
    ranks among the ``n`` at random, so it lies above the ``k``-th with chance ``(n + 1 - k) / (n + 1)``,
    at most ``fpr``. Interpolated between the largest scores instead, 10 scores flagged about 13% of new
    normal samples at ``fpr=0.05``. Where ``n`` is too small for ``fpr`` (``k > n``), the largest score is
    taken, which about ``1 / (n + 1)`` of new normal samples pass, with a warning.

    Example:
        >>> threshold_at_fpr(np.arange(100), 0.05)
        95.0
    """
    values = np.sort(np.asarray(normal_scores, dtype=np.float64))
    if not values.size:
        raise DataError("no normal scores to set a threshold from")
    check_fpr(fpr)
    # the rank in exact arithmetic where (n + 1)(1 - fpr) is whole: 101 x 0.95 is 95.95 in floats
    rank = math.ceil(round((values.size + 1) * (1 - fpr), 9))
    if rank > values.size:
        warnings.warn(
            f"a false-positive rate of {fpr:g} needs at least {math.ceil(1 / fpr) - 1:,} held-out normal "
            f"samples to set its threshold, and there are {values.size:,}: the highest of their scores is "
            f"the threshold, which about {1 / (values.size + 1):.1%} of new normal samples pass; fit on more "
            "normal samples (or, in Python, hold more of them out: validation_share) for a lower rate",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    return float(values[min(rank, values.size) - 1])
