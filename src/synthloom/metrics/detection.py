"""Detection: can a classifier tell real rows from synthetic rows?

Two classifiers (gradient boosting, logistic regression) are cross-validated on real-vs-synthetic labels in
the shared encoding. ROC-AUC 0.5 means the synthetic rows cannot be told apart; 1.0 means every one can.
The detection score is 1 - 2 * (AUC - 0.5) of the more successful classifier (1 = indistinguishable), as
SDMetrics' detection metrics score it. An AUC below 0.5 counts as 0.5: cross-validated classifiers fall
below chance when synthetic rows repeat real ones (a row's twin, labelled the other way, sits in the training
folds), which is a privacy matter, so it is reported as a warning, not as rows told apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score

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
MODEL_LABELS = {"gradient_boosting": "Gradient boosting", "logistic": "Logistic regression"}


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
    with single_threaded():
        return {
            name: float(cross_val_score(model, features, labels, cv=folds, scoring="roc_auc").mean())
            for name, (model, features) in runs.items()
        }


def detection(tables: Tables, random_state: int = 0) -> FamilyResult:
    """Detection family: per-classifier AUCs and the detection score.

    Example:
        >>> detection(prepare(real_test, synthetic)).score("score").value
        0.42
    """
    encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real, tables.synthetic)
    aucs = detection_aucs(encoder, tables.real, tables.synthetic, random_state)
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
        copies = exact_copy_share(tables.synthetic, tables.all_real())
        warnings.append(_below_chance_warning(below, copies, tables.train is not None))
    return FamilyResult("detection", scores=scores, warnings=warnings)


def _below_chance_warning(auc: float, copies: float, has_train: bool) -> str:
    """Why cross-validated classifiers guess the opposite of the truth: a value's twin, labelled the other
    way, sits in the training folds, whether whole rows repeat or each column's values do. Without
    training rows privacy is not computed, so the pointer to it says how to get it."""
    opening = f"a classifier scores below chance (ROC-AUC {auc:.2f})"
    if copies >= COPIES_TO_NAME:
        return (
            f"{opening}: {copies:.1%} of the synthetic rows repeat a real row exactly, and such twins make "
            "it guess the opposite of the truth; see the privacy family's exact copies"
            + ("" if has_train else " (computed when the training rows are given: --train, or train=...)")
        )
    return (
        f"{opening}: {copies:.1%} of the synthetic rows repeat a real row, but the columns repeat real "
        "values exactly (as real values reshuffled would), which makes it guess the opposite of the truth; "
        "check the pair trends"
    )
