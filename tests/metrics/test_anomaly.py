"""Anomaly metrics: ROC-AUC, PR-AUC, F1 at a threshold, ROC curve, thresholds from a false-positive rate."""

from __future__ import annotations

import numpy as np
import pytest

from synthloom.errors import ConfigError, DataError, DataWarning
from synthloom.metrics.anomaly import anomaly_scores, check_labels, roc_curve, threshold_at_fpr


def test_perfect_random_and_reversed_scores() -> None:
    labels = np.array([0] * 90 + [1] * 10)
    perfect = anomaly_scores(labels, labels * 5.0 + np.linspace(0, 1, 100))
    assert perfect["roc_auc"] == 1.0 and perfect["pr_auc"] == pytest.approx(1.0)
    reversed_ = anomaly_scores(labels, -labels.astype(float))
    assert reversed_["roc_auc"] == 0.0
    noise = np.random.default_rng(0).random(20_000)
    random = anomaly_scores(np.arange(20_000) % 10 == 0, noise)
    assert random["roc_auc"] == pytest.approx(0.5, abs=0.02)
    assert random["pr_auc"] == pytest.approx(0.1, abs=0.02)  # guessing = the share of anomalies
    assert random["anomaly_share"] == pytest.approx(0.1)


def test_f1_precision_recall_at_a_threshold() -> None:
    labels = np.array([0, 0, 0, 1, 1])
    scores = np.array([0.1, 0.2, 0.9, 0.8, 0.3])
    found = anomaly_scores(labels, scores, threshold=0.5)  # flags rows 2 and 3: one right, one wrong
    assert found["precision"] == 0.5 and found["recall"] == 0.5 and found["f1"] == 0.5
    assert found["flagged_share"] == pytest.approx(0.4)
    assert "f1" not in anomaly_scores(labels, scores)


def test_roc_curve_runs_from_corner_to_corner() -> None:
    curve = roc_curve([0, 1, 0, 1, 1], [0.1, 0.7, 0.4, 0.35, 0.9])
    assert curve.fpr[0] == 0 and curve.tpr[-1] == 1 and curve.fpr[-1] == 1
    assert np.all(np.diff(curve.fpr) >= 0)
    assert curve.auc == pytest.approx(5 / 6)


def test_a_threshold_from_few_normal_scores_keeps_new_normal_samples_under_the_rate() -> None:
    # interpolated between the top two of 10 scores, fpr=0.05 flagged about 13% of new normal samples
    rng = np.random.default_rng(0)
    for n, fpr in ((19, 0.05), (40, 0.05), (100, 0.01)):
        thresholds = [threshold_at_fpr(rng.normal(size=n), fpr) for _ in range(2000)]
        flagged = [(rng.normal(size=100) > threshold).mean() for threshold in thresholds]
        assert fpr - 0.01 < np.mean(flagged) <= fpr + 0.003
    with pytest.warns(DataWarning, match="needs at least 19 held-out normal samples to set its threshold"):
        assert threshold_at_fpr(np.arange(10.0), 0.05) == 9.0  # the largest: 1 in 11 new ones pass it


def test_infinite_scores_rank_at_the_ends_and_are_flagged() -> None:
    # one infinite reading in a labelled file ended `detect score` with "scores contain NaN or infinite
    # values", and no scores were written
    result = anomaly_scores([0, 0, 0, 1, 1], [0.1, -np.inf, 0.3, np.inf, 0.5], threshold=1.0)
    assert result["roc_auc"] == 1.0 and result["recall"] == 0.5 and result["precision"] == 1.0
    assert roc_curve([0, 1], [np.inf, np.inf]).auc == 0.5
    with pytest.raises(DataError, match="1 score"):
        anomaly_scores([0, 1], [0.1, np.nan])


def test_threshold_at_fpr_flags_that_share_of_normal_scores() -> None:
    normal = np.random.default_rng(1).normal(size=10_000)
    for fpr in (0.01, 0.05, 0.2):
        assert (normal > threshold_at_fpr(normal, fpr)).mean() == pytest.approx(fpr, abs=0.002)
    with pytest.raises(ConfigError):
        threshold_at_fpr(normal, 0.0)
    with pytest.raises(DataError):
        threshold_at_fpr([], 0.1)


def test_bad_labels_and_scores_are_refused() -> None:
    with pytest.raises(DataError, match="same length"):
        check_labels([0, 1], [0.1])
    with pytest.raises(DataError, match="0/1"):
        check_labels(["a", "b"], [0.1, 0.2])
    with pytest.raises(DataError, match="no anomalies"):
        check_labels([0, 0], [0.1, 0.2])
    with pytest.raises(DataError, match="NaN"):
        check_labels([0, 1], [0.1, np.nan])
    y, s = check_labels(np.array([True, False]), [1, 0])
    assert y.dtype == np.int64 and s.dtype == np.float64
