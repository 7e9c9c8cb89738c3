"""The entry point: every family in one report, clear errors for bad input, reproducible, file helper."""

from __future__ import annotations

import json
import math

import pytest

from synthloom.errors import DataError
from synthloom.metrics import evaluate, evaluate_files

FAMILIES = ["fidelity", "detection", "diversity", "utility", "privacy"]


@pytest.fixture(scope="module")
def full_report(related_train, related_test):
    synthetic = related_train.sample(frac=1.0, replace=True, random_state=0).reset_index(drop=True)
    return evaluate(related_test, synthetic, train=related_train, target="label", random_state=0)


def test_every_family_is_computed_and_scores_are_flat_named_numbers(full_report):
    assert list(full_report.families) == FAMILIES
    assert all(result.not_computed is None for result in full_report.families.values())
    scores = full_report.scores
    for key in (
        "fidelity.quality",
        "detection.score",
        "diversity.coverage",
        "utility.gap",
        "privacy.membership_auc",
    ):
        assert isinstance(scores[key], float) and math.isfinite(scores[key])
    assert scores["utility.trtr.gradient_boosting.roc_auc"] > 0.8
    # a bootstrap of the training rows: every synthetic row copies one, which privacy must flag
    assert scores["privacy.exact_copies"] == 1.0
    assert scores["privacy.closer_to_train"] == 1.0
    assert full_report.families["privacy"].score("closer_to_train").verdict == "poor"


def test_same_seed_same_scores(full_report, related_train, related_test):
    synthetic = related_train.sample(frac=1.0, replace=True, random_state=0).reset_index(drop=True)
    again = evaluate(related_test, synthetic, train=related_train, target="label", random_state=0)
    assert again.scores == full_report.scores


def test_json_holds_scores_meanings_and_tables(full_report, tmp_path):
    path = full_report.to_json(tmp_path / "scores.json")
    payload = json.loads(path.read_text(encoding="utf-8"))  # strict JSON: NaN would not parse back as null
    assert payload["scores"] == full_report.scores
    fidelity = payload["families"]["fidelity"]
    assert fidelity["scores"][0]["name"] == "quality" and fidelity["scores"][0]["meaning"]
    assert len(fidelity["tables"]["column_shapes"]) == 5
    assert payload["info"]["target"] == "label"


def test_missing_train_and_target_are_marked_not_computed(related_train, related_test):
    report = evaluate(related_test, related_train)
    assert report.families["utility"].not_computed.startswith("no target column was given")
    assert report.families["privacy"].not_computed.startswith("no training rows were given")
    assert "utility    not computed, because no target" in report.summary()
    assert not any(key.startswith(("utility.", "privacy.")) for key in report.scores)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda real, fake: (real, fake.rename(columns={"x": "z"})), r"lacks \['x'\]"),
        (lambda real, fake: (real, fake.head(5)), "has 5 row"),
        (lambda real, fake: (real.head(3), fake), "real data has 3 row"),
    ],
)
def test_bad_tables_raise_a_clear_error(related_train, related_test, change, message):
    real, fake = change(related_test, related_train)
    with pytest.raises(DataError, match=message):
        evaluate(real, fake)


def test_infinite_values_are_read_as_missing_as_fitting_reads_them(related_train, related_test):
    """evaluate refused a real table with infinities ("replace them first") that fit, sample and augment
    accept as missing values (with a warning): a user who fitted on the file could not evaluate with it."""
    from synthloom.errors import DataWarning

    real = related_test.astype({"x": float})
    real.loc[real.index[:3], "x"] = math.inf
    with pytest.warns(DataWarning, match="real data: column 'x': 3 infinite value.s. treated as missing"):
        report = evaluate(real, related_train, random_state=0)
    blanked = real.assign(x=real["x"].where(real["x"] != math.inf))
    assert report.scores == evaluate(blanked, related_train, random_state=0).scores


def test_unknown_target_and_bad_loss_history_raise(related_train, related_test):
    with pytest.raises(DataError, match="target column 'price' is not in the real data"):
        evaluate(related_test, related_train, target="price")
    with pytest.raises(DataError, match=r"loss_history\[1\]\['loss_g'\] is 'high', not a number"):
        evaluate(related_test, related_train, loss_history=[{"loss_g": 1.0}, {"loss_g": "high"}])


def test_evaluate_files_writes_both_reports(related_train, related_test, tmp_path):
    for name, frame in (("real", related_test), ("fake", related_train), ("train", related_train)):
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    report = evaluate_files(
        tmp_path / "real.csv",
        tmp_path / "fake.csv",
        train=tmp_path / "train.csv",
        html_path=tmp_path / "out" / "report.html",
        json_path=tmp_path / "out" / "scores.json",
    )
    assert (tmp_path / "out" / "report.html").stat().st_size > 10_000
    assert json.loads((tmp_path / "out" / "scores.json").read_text())["info"]["sources"]["train"].endswith(
        "train.csv"
    )
    assert report.families["privacy"].score("exact_copies").value == 1.0


def test_the_families_that_score_samples_of_large_tables_say_so(full_report, make_related):
    """300,000 real rows against a million synthetic ones: detection 0.948 with one seed, 0.999 with
    another, and nothing said that it scored 5,000 rows of each."""
    from synthloom.metrics import prepare
    from synthloom.metrics.evaluate import sampled_rows, sampled_text

    assert full_report.info["sampled"] == {}  # every row scored
    tables = prepare(make_related(6_000, seed=3), make_related(6_500, seed=4), make_related(2_500, seed=5))
    sampled = sampled_rows(tables, None)
    assert sampled == {
        "detection": "5,000 rows of each table",
        "diversity": "5,000 rows of each table",
        "privacy": "2,000 rows of each table, their neighbours among 20,000",
    }
    assert sampled_text(sampled).startswith("scored on seeded samples of the large tables (another --seed")
