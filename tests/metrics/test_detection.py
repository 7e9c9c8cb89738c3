"""Detection: chance level for a sample of the same distribution, near 1 for an obvious fake."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthloom.metrics import detection, prepare
from synthloom.metrics.detection import below_chance_warning, repeated_value_share


def test_same_distribution_is_hard_to_detect(related_train, related_test):
    result = detection(prepare(related_test, related_train))
    assert result.score("logistic_auc").value < 0.62
    assert result.score("gradient_boosting_auc").value < 0.68
    assert result.score("score").value > 0.6


def test_shifted_numbers_are_detected(related_train, related_test):
    fake = related_train.assign(x=related_train["x"] + 2.0)
    result = detection(prepare(related_test, fake))
    assert result.score("gradient_boosting_auc").value > 0.9
    assert result.score("score").verdict == "poor"


def test_same_seed_same_scores(related_train, related_test):
    tables = prepare(related_test, related_train)
    first, second = detection(tables, random_state=3), detection(tables, random_state=3)
    assert [s.value for s in first.scores] == [s.value for s in second.scores]


def test_copies_of_the_real_rows_are_not_told_apart_and_are_flagged(related_test):
    copies = related_test.sample(frac=1.0, random_state=0).reset_index(drop=True)
    result = detection(prepare(related_test, copies))
    assert min(result.score(f"{name}_auc").value for name in ("logistic", "gradient_boosting")) < 0.4
    assert result.score("score").value == 1.0  # below chance is no sign of telling rows apart
    assert any(
        "below chance" in w and "100.0% of the synthetic rows repeat a real row exactly" in w
        for w in result.warnings
    )


def test_copies_flagged_without_training_rows_say_how_to_get_the_privacy_family(related_test):
    """The warning sent the reader to the privacy family's exact copies, which without training rows is
    "not computed" and shows none."""
    result = detection(prepare(related_test, related_test.copy()))
    assert any("see the privacy family" in w and "--train" in w for w in result.warnings)


def test_below_chance_without_copies_does_not_blame_copies():
    rng = np.random.default_rng(0)
    n = 400  # independent columns: reshuffling each keeps the table's distribution, and no row is copied
    real = pd.DataFrame(
        {"b": rng.choice(list("abc"), n), "x": rng.normal(size=n), "y": rng.exponential(size=n)}
    )
    result = detection(prepare(real, real.apply(lambda column: rng.permutation(column.to_numpy()))))
    below = [warning for warning in result.warnings if "below chance" in warning]
    assert below and "exact copies" not in below[0] and "reshuffled" in below[0]


def test_below_chance_on_few_rows_for_many_columns_says_so_not_that_values_repeat():
    """On 200 rows of 1,000 sensor columns (AUC 0.26) the warning blamed real values repeated exactly,
    though 2% of the synthetic values were real ones: with so few rows for so many columns the classifiers
    had fitted their folds' noise."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(rng.normal(size=(60, 300))).add_prefix("s")
    fake = pd.DataFrame(rng.normal(size=(60, 300))).add_prefix("s")
    tables = prepare(real, fake)
    warning = below_chance_warning(0.3, tables)
    assert "60 rows a side for 300 columns are too few" in warning and "0% of their values" in warning
    assert "reshuffled" not in warning
    assert repeated_value_share(tables.synthetic, tables.real) == 0.0


def test_the_column_that_gives_the_rows_away_weighs_most(related_train, related_test):
    """Detection said how well rows were told apart, never by what: shuffling the shifted column among the
    held-out rows takes most of the classifier's ROC-AUC, shuffling the others next to nothing."""
    fake = related_train.assign(count=related_train["count"] + 3)
    result = detection(prepare(related_test, fake))
    importance = result.tables["column_importance"]
    assert sorted(importance["column"]) == sorted(related_test.columns)
    assert importance["column"].iloc[0] == "count"
    edge = result.score("gradient_boosting_auc").value - 0.5  # 0.3 on these overlapping counts
    assert importance["auc_drop"].iloc[0] > 0.8 * edge
    assert importance["auc_drop"].iloc[1:].abs().max() < 0.05
