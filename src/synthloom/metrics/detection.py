"""Detection: can a classifier tell real rows from synthetic rows?

Two classifiers (gradient boosting, logistic regression) are cross-validated on real-vs-synthetic labels in
the shared encoding. ROC-AUC 0.5 means the synthetic rows cannot be told apart; 1.0 means every one can.
The detection score is 1 - 2 * (AUC - 0.5) of the more successful classifier (1 = indistinguishable), as
SDMetrics' detection metrics score it. An AUC below 0.5 counts as 0.5: cross-validated classifiers fall
below chance when synthetic rows repeat real ones (a row's twin, labelled the other way, sits in the training
folds), which is a privacy matter, so it is reported as a warning, not as rows told apart.

What gives the synthetic rows away is measured on the gradient-boosting models the cross-validation already
fitted: each column's values are shuffled among a fold's held-out rows and the fall in ROC-AUC is the
column's weight (permutation importance; the ``column_importance`` table).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import rankdata
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_validate

from synthloom.metrics.encoding import (
    TableEncoder,
    Tables,
    boosting_model,
    single_threaded,
    subsample_index,
)
from synthloom.metrics.privacy import exact_copy_share
from synthloom.metrics.result import FamilyResult, Score, grade

MAX_ROWS_PER_SIDE = 5_000  # bounds the time: 10,000 rows are plenty to detect a difference
N_FOLDS = 3
BELOW_CHANCE = 0.4  # a cross-validated AUC this far under 0.5 is no accident of the folds
COPIES_TO_NAME = 0.01  # exact copies of real rows this common explain a below-chance AUC
VALUES_TO_NAME = 0.5  # ... and so do real values, where this share of the synthetic ones repeat them
MODEL_LABELS = {"gradient_boosting": "Gradient boosting", "logistic": "Logistic regression"}
# held-out rows per fold among which each column is shuffled: predicting them once per column and fold is the
# whole cost of the column importances (0.1-0.2 s for adult's 15 columns), and a column's fall in ROC-AUC
# still varies by under 0.02 between seeds (adult, seeds 0-3)
IMPORTANCE_ROWS = 600


def detection_aucs(
    encoder: TableEncoder, real: pd.DataFrame, synthetic: pd.DataFrame, random_state: int = 0
) -> dict[str, float]:
    """Cross-validated ROC-AUC of classifiers told to separate real rows (0) from synthetic rows (1).

    Both sides are subsampled to the same size (at most ``MAX_ROWS_PER_SIDE``), so 0.5 is chance.
    Gradient boosting sees one column per table column (categories natively), logistic regression the
    one-hot view.

    Args:
        encoder: a ``TableEncoder`` fitted on the real rows.
        real: cleaned real rows.
        synthetic: cleaned synthetic rows.
        random_state: seed of the subsample, the folds and the models.

    Example:
        >>> encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real)
        >>> detection_aucs(encoder, tables.real, tables.synthetic)
        {'gradient_boosting': 0.81, 'logistic': 0.64}
    """
    return _detect(encoder, real, synthetic, random_state, importance=False)[0]


def _detect(
    encoder: TableEncoder, real: pd.DataFrame, synthetic: pd.DataFrame, random_state: int, importance: bool
) -> tuple[dict[str, float], pd.DataFrame]:
    """``detection_aucs``, and with ``importance`` the ``column_importance`` table (else an empty one)."""
    rng = np.random.default_rng(random_state)
    n = min(len(real), len(synthetic), MAX_ROWS_PER_SIDE)
    rows = pd.concat(
        [
            real.iloc[subsample_index(len(real), n, rng)],
            synthetic.iloc[subsample_index(len(synthetic), n, rng)],
        ],
        ignore_index=True,
    )
    labels = np.repeat([0, 1], n)
    folds = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=random_state)
    boosting = boosting_model("classification", encoder.categorical_mask, random_state)
    runs = {
        "gradient_boosting": (boosting, encoder.transform_compact(rows)),
        "logistic": (LogisticRegression(max_iter=1000), encoder.transform(rows)),
    }
    aucs, importances = {}, pd.DataFrame({"column": [], "auc_drop": []})
    with single_threaded():
        for name, (model, features) in runs.items():
            keep = importance and name == "gradient_boosting"
            run = cross_validate(
                model,
                features,
                labels,
                cv=folds,
                scoring="roc_auc",
                return_estimator=keep,
                return_indices=keep,
            )
            aucs[name] = float(run["test_score"].mean())
            if keep:
                drops = _auc_drops(run["estimator"], run["indices"]["test"], features, labels, rng)
                importances = pd.DataFrame({"column": encoder.numeric + encoder.discrete, "auc_drop": drops})
    return aucs, importances.sort_values("auc_drop", ascending=False, kind="stable", ignore_index=True)


def _auc_drops(
    models: Sequence[HistGradientBoostingClassifier],
    held_out: list[np.ndarray],
    features: np.ndarray,
    labels: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Per feature, the mean over folds of how far a fold's model's ROC-AUC on (up to ``IMPORTANCE_ROWS`` of)
    its held-out rows falls when that feature's values are shuffled among them.

    The rows as they are and every feature's shuffled copy of them are predicted in one call per fold (a call
    per feature took twice as long: 84 ms against 40 ms a fold on adult) and scored in one ranking (a
    ``roc_auc_score`` per feature took as long again as the predictions).
    """
    width = features.shape[1]
    drops = np.zeros(width)
    for model, rows in zip(models, held_out, strict=True):
        rows = rows[subsample_index(len(rows), IMPORTANCE_ROWS, rng)]
        x, y = features[rows], labels[rows]
        if len(np.unique(y)) < 2:  # a subsample of one class has no ROC-AUC (never at these sizes)
            continue
        copies = np.tile(x, (width + 1, 1))  # block 0 as it is, block j + 1 with feature j shuffled
        for j in range(width):
            copies[(j + 1) * len(x) : (j + 2) * len(x), j] = rng.permutation(x[:, j])
        aucs = _aucs(y, model.predict_proba(copies)[:, 1].reshape(width + 1, len(x)))
        drops += aucs[0] - aucs[1:]
    return drops / len(models)


def _aucs(labels: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC-AUC of each row of ``scores`` against 0/1 ``labels``: the Mann-Whitney U over mid-ranks, which is
    ``roc_auc_score``'s value (ties count half) without its per-call checks."""
    ranks = rankdata(scores, axis=1)
    positive = labels == 1
    n_positive = int(positive.sum())
    n_negative = len(labels) - n_positive
    return (ranks[:, positive].sum(axis=1) - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)


def detection(tables: Tables, random_state: int = 0) -> FamilyResult:
    """Detection family: per-classifier AUCs and the detection score.

    Example:
        >>> detection(prepare(real_test, synthetic)).score("score").value
        0.42
    """
    encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real, tables.synthetic)
    aucs, importances = _detect(encoder, tables.real, tables.synthetic, random_state, importance=True)
    best = max(aucs, key=aucs.__getitem__)
    score = 1.0 - 2.0 * max(aucs[best] - 0.5, 0.0)
    scores = [
        Score(
            "score",
            "Detection score",
            score,
            f"{MODEL_LABELS[best]} tells real from synthetic rows with ROC-AUC {aucs[best]:.2f}; "
            f"the score {score:.2f} is 1 when the rows are indistinguishable (AUC 0.5) and 0 when every "
            "row is told apart.",
            grade(score, 0.8, 0.5),
        ),
    ]
    for name, auc in aucs.items():
        scores.append(
            Score(
                f"{name}_auc",
                f"{MODEL_LABELS[name]} ROC-AUC",
                auc,
                f"{MODEL_LABELS[name]} separates real from synthetic rows with cross-validated ROC-AUC "
                f"{auc:.2f} (0.5 = cannot tell them apart).",
                grade(max(auc, 0.5), 0.6, 0.75, higher_is_better=False),
            )
        )
    below = min(aucs.values())
    warnings = []
    if below < BELOW_CHANCE:
        warnings.append(below_chance_warning(below, tables))
    return FamilyResult(
        "detection", scores=scores, tables={"column_importance": importances}, warnings=warnings
    )


def below_chance_warning(auc: float, tables: Tables) -> str:
    """Why cross-validated classifiers guess the opposite of the truth: a value's twin, labelled the other
    way, sits in the training folds, whether whole rows repeat or each column's values do; where neither
    does, a few rows against many columns let the classifiers fit their folds' noise. Without training
    rows privacy is not computed, so the pointer to it says how to get it."""
    opening = f"a classifier scores below chance (ROC-AUC {auc:.2f})"
    real = tables.all_real()
    copies = exact_copy_share(tables.synthetic, real)
    if copies >= COPIES_TO_NAME:
        how = (
            ""
            if tables.train is not None
            else " (computed when the training rows are given: --train, or train=...)"
        )
        return (
            f"{opening}: {copies:.1%} of the synthetic rows repeat a real row exactly, and such twins make "
            f"it guess the opposite of the truth; see the privacy family's exact copies{how}"
        )
    values = repeated_value_share(tables.synthetic, real)
    if values >= VALUES_TO_NAME:
        return (
            f"{opening}: {copies:.1%} of the synthetic rows repeat a real row, but {values:.0%} of their "
            "values repeat a real value of the column (as real values reshuffled would), which makes it "
            "guess the opposite of the truth; check the pair trends"
        )
    rows, columns = min(len(tables.real), len(tables.synthetic), MAX_ROWS_PER_SIDE), len(tables.columns)
    return (
        f"{opening}, though neither rows nor values repeat real ones ({copies:.1%} of the synthetic rows, "
        f"{values:.0%} of their values): {rows:,} rows a side for {columns:,} columns are too few, the "
        "classifiers fit their folds' noise and the detection score says little; evaluate more rows"
    )


def repeated_value_share(synthetic: pd.DataFrame, real: pd.DataFrame) -> float:
    """The share of the synthetic table's values (missing ones left out) that some real row holds in the
    same column: near 1 for real values reshuffled, near 0 for continuous values drawn afresh.

    Example:
        >>> repeated_value_share(pd.DataFrame({"x": [1, 2, 9]}), pd.DataFrame({"x": [1, 2, 3]}))
        0.6666666666666666
    """
    held = [synthetic[name].dropna().isin(real[name].dropna()) for name in synthetic.columns]
    counted = sum(len(column) for column in held)
    return sum(int(column.sum()) for column in held) / counted if counted else 0.0
