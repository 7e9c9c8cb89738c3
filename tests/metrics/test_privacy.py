"""Privacy: a copy of the training rows is flagged; a fresh sample of the same distribution is not."""

from __future__ import annotations

import pandas as pd
import pytest

from synthloom.metrics import prepare, privacy
from synthloom.metrics.privacy import exact_copy_share


def test_a_copy_of_the_training_rows_is_a_privacy_risk(related_train, related_test):
    result = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert result.score("closer_to_train").value > 0.95
    assert result.score("exact_copies").value == 1.0
    assert result.score("membership_auc").value > 0.9
    assert result.score("closer_to_train").verdict == "poor"
    assert any("exact copies" in warning for warning in result.warnings)


def test_a_fresh_sample_is_no_closer_to_the_training_rows(related_train, related_test, make_related):
    fresh = make_related(500, seed=7)
    result = privacy(prepare(related_test, fresh, train=related_train))
    assert 0.4 < result.score("closer_to_train").value < 0.6
    assert result.score("exact_copies").value == 0.0
    assert result.score("membership_auc").value < 0.6
    assert set(result.extras["dcr"]) == {"synthetic_to_train", "synthetic_to_holdout", "holdout_to_train"}


def test_without_training_rows_privacy_is_not_computed(related_train, related_test):
    result = privacy(prepare(related_test, related_train))
    assert result.not_computed.startswith("no training rows were given")


def test_exact_copies_match_integers_with_their_float_twins():
    train = pd.DataFrame({"n": [1, 2, 3, 4], "c": [1, 2, 1, 2]})
    rows = pd.DataFrame({"n": [1.0, 2.0, 9.0, 4.0], "c": [1.0, 2.0, 1.0, 1.0]})
    assert exact_copy_share(rows, train) == pytest.approx(0.5)


def test_copies_among_fresh_rows_make_the_family_poor_behind_a_good_headline(
    related_train, related_test, make_related
):
    fresh = make_related(470, seed=7)
    copies = pd.concat([related_train.iloc[:3]] * 10, ignore_index=True)  # 30 rows: 6% exact copies
    result = privacy(
        prepare(related_test, pd.concat([fresh, copies], ignore_index=True), train=related_train)
    )
    assert result.headline.verdict == "good"  # the DCR share barely moves
    assert result.score("exact_copies").verdict == "poor"
    assert result.verdict == "poor" and result.concern.name == "exact_copies"
    assert "Exact copies of training rows, poor: 6.00% of synthetic rows" in result.summary_meaning
    clean = privacy(prepare(related_test, fresh, train=related_train))
    assert clean.verdict == clean.headline.verdict and clean.summary_meaning == clean.headline.meaning


def test_a_hold_out_made_of_training_rows_is_pointed_out(related_train, related_test):
    overlapping = privacy(prepare(related_train, related_train.copy(), train=related_train))
    assert any("100% of the real (hold-out) rows are also training rows" in w for w in overlapping.warnings)
    proper = privacy(prepare(related_test, related_train.copy(), train=related_train))
    assert not any("hold-out) rows are also" in w for w in proper.warnings)
