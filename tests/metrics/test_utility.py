"""Utility: TSTR next to TRTR, for classification and regression, and its "not computed" cases."""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import r2_score

from synthloom.metrics import prepare, utility
from synthloom.metrics.diversity import category_coverage
from synthloom.metrics.privacy import copied_rows


def test_a_copy_of_the_training_rows_is_as_useful_as_they_are(related_train, related_test):
    result = utility(prepare(related_test, related_train.copy(), train=related_train), "label")
    table = result.tables["tstr_trtr"].set_index(["setting", "model"])
    assert table.loc[("TRTR", "gradient_boosting"), "roc_auc"] > 0.85
    assert table.loc[("TSTR", "logistic"), "roc_auc"] == pytest.approx(
        table.loc[("TRTR", "logistic"), "roc_auc"]
    )
    assert abs(result.score("gap").value) < 1e-9
    assert set(table.index.get_level_values("setting")) == {"TRTR", "TSTR", "augmented"}
    # a gain of -0.005 rated good read as a contradiction of "above 0 = augmentation helps"
    assert "good: it costs at most 0.005, fair: at most 0.02)" in result.score("augmentation_gain").meaning


def test_synthetic_rows_that_are_the_test_rows_are_not_scored(related_train, related_test):
    """The real test rows given as synthetic scored TSTR 1.0, "good": the models had seen their exam."""
    leaked = pd.concat([related_test.iloc[:300], related_train.iloc[:100]], ignore_index=True)
    result = utility(prepare(related_test, leaked, train=related_train), "label")
    assert result.not_computed.startswith("75% of the synthetic rows are exact copies of real test rows")
    # rows of a few categories that repeat by nature are no leak: the real training rows repeat them too
    rng = np.random.default_rng(0)
    few = pd.DataFrame({"a": rng.integers(0, 3, 900).astype(str), "label": rng.choice(["yes", "no"], 900)})
    few["b"] = np.where(few["label"] == "yes", few["a"], "0")
    train, test, synthetic = few.iloc[:400], few.iloc[400:700], few.iloc[700:]
    assert copied_rows(synthetic, test).mean() > 0.9
    assert not utility(prepare(test, synthetic, train=train), "label").not_computed


@pytest.mark.parametrize(("target", "models"), [("label", "logistic regression"), ("y", "linear regression")])
def test_the_gap_and_the_gain_say_they_are_the_mean_of_two_models(
    related_train, related_test, target, models
):
    """adult's caption read "models reach ROC-AUC 0.862 on real test rows", the mean of gradient boosting
    and logistic regression, which no model scored."""
    result = utility(prepare(related_test, related_train.copy(), train=related_train), target)
    table = result.tables["tstr_trtr"]
    main = "roc_auc" if target == "label" else "r2"
    tstr = table.loc[table["setting"] == "TSTR", main].mean()
    gap = result.score("gap").meaning
    assert (
        f" {tstr:.3f} on real test rows" in gap
        and f"(each the mean of gradient boosting and {models};" in gap
    )
    assert (
        f"(the mean of gradient boosting and {models}; 95% interval"
        in result.score("augmentation_gain").meaning
    )


def test_synthetic_rows_with_a_random_target_are_useless(related_train, related_test):
    rng = np.random.default_rng(0)
    noise = related_train.assign(label=rng.permutation(related_train["label"].to_numpy()))
    result = utility(prepare(related_test, noise, train=related_train), "label")
    assert result.score("gap").value > 0.2
    assert result.score("gap").verdict == "poor"
    assert result.score("tstr.logistic.roc_auc").verdict == "poor"
    assert result.score("trtr.logistic.roc_auc").verdict == "info"


def test_a_target_real_rows_cannot_predict_gives_no_verdict(related_train, related_test):
    """With a target at random in the real rows, TRTR was at chance (ROC-AUC 0.5), synthetic rows matched
    it, and the gap read "good"."""
    rng = np.random.default_rng(1)
    train, test = (t.assign(label=rng.choice(["a", "b"], len(t))) for t in (related_train, related_test))
    result = utility(prepare(test, train.sample(frac=1, random_state=0), train=train), "label")
    assert "no better than chance (ROC-AUC 0." in result.not_computed and result.verdict == "not computed"
    assert "tstr_trtr" in result.tables  # shown, with the reason


def test_numeric_target_is_a_regression(related_train, related_test):
    result = utility(prepare(related_test, related_train, train=related_train), "y")
    table = result.tables["tstr_trtr"]
    assert {"r2", "mae"} <= set(table.columns) and "roc_auc" not in table.columns
    assert table.set_index(["setting", "model"]).loc[("TRTR", "linear"), "r2"] > 0.7


def test_without_training_rows_the_real_rows_are_split_and_the_report_says_so(related_train, related_test):
    result = utility(prepare(related_test, related_train), "label")
    assert result.not_computed is None
    assert any("half of the real rows" in warning for warning in result.warnings)


@pytest.mark.parametrize(
    ("stamps", "held"),
    [
        (["2024-01-01", "2024-03-02"], "dates"),
        (["14:00:00", "09:30:00"], "times of day"),
        ([datetime.time(14), datetime.time(9, 30)], "times of day"),
    ],
)
def test_a_target_of_stamps_is_not_computed_and_named_for_what_it_holds(related_train, stamps, held):
    """A target of times of day ("14:00:00", or Python times) was said to hold dates."""
    real = related_train.assign(label=[stamps[i % 2] for i in range(len(related_train))])
    result = utility(prepare(real, real), "label")
    assert result.not_computed == f"the target column 'label' holds {held}, which these models do not predict"


def test_a_constant_real_target_is_not_computed(related_train, related_test):
    constant = related_test.assign(label="yes")
    result = utility(prepare(constant, related_train, train=related_train.assign(label="yes")), "label")
    assert "single value in the real training rows" in result.not_computed
    assert result.scores == []


def test_a_single_value_synthetic_target_is_a_total_loss_not_a_missing_score(related_train, related_test):
    result = utility(prepare(related_test, related_train.assign(label="no"), train=related_train), "label")
    tstr = result.tables["tstr_trtr"].query("setting == 'TSTR'")
    assert tstr["note"].str.contains("predicts it for every row").all()
    assert (tstr["roc_auc"] == 0.5).all()  # a constant ranks nothing
    assert result.score("tstr.gradient_boosting.roc_auc").verdict == "poor"
    gap = result.score("gap")
    assert gap.verdict == "poor" and gap.value > 0.3
    assert "can only predict that value" in gap.meaning and "nan" not in gap.meaning
    regression = utility(prepare(related_test, related_train.assign(y=1.0), train=related_train), "y")
    r2 = regression.tables["tstr_trtr"].query("setting == 'TSTR'")["r2"]
    assert (r2 < 0.05).all() and regression.score("gap").verdict == "poor"


def test_an_empty_synthetic_column_is_an_uninformative_feature(related_train, related_test):
    # a collapsed generator can leave a numeric column without a value; gradient boosting cannot bin one
    result = utility(prepare(related_test, related_train.assign(x=np.nan), train=related_train), "label")
    table = result.tables["tstr_trtr"].set_index(["setting", "model"])
    assert table["roc_auc"].notna().all()
    assert table.loc[("TSTR", "gradient_boosting"), "roc_auc"] > 0.8  # y still predicts the label
    assert any("['x'] are empty in the synthetic rows" in warning for warning in result.warnings)


def test_a_verdict_on_few_test_rows_of_a_class_says_it_is_uncertain(related_train, related_test):
    """6 fraud rows in the test rows gave "poor" with no word of how little it rests on."""
    counts = related_test["label"].value_counts()
    rare = counts.idxmin()
    is_rare = related_test["label"] == rare
    few = pd.concat([related_test[~is_rare].iloc[:300], related_test[is_rare].iloc[:6]])
    result = utility(prepare(few, related_train.copy(), train=related_train), "label")
    assert any(f"only 6 row(s) of 'label' = {rare!r}" in w for w in result.warnings)
    plenty = utility(prepare(related_test, related_train.copy(), train=related_train), "label")
    assert not any("row(s) of 'label'" in w for w in plenty.warnings)


def test_every_gradient_boosting_model_grows_all_its_trees(monkeypatch):
    """Above 10,000 rows boosting turned early stopping on by itself: the augmented model (real + synthetic
    rows, 10,100) stopped after a few dozen trees while TRTR (5,100 rows) grew 100, biasing the gain."""
    import sys

    from sklearn.ensemble import HistGradientBoostingClassifier

    utility_module = sys.modules["synthloom.metrics.utility"]  # the package exports the function by name

    def make(seed: int, n: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        a = rng.normal(size=n)
        label = np.where(a + rng.normal(size=n) > 0, "yes", "no")
        return pd.DataFrame({"a": a, "b": rng.normal(size=n), "y": label})

    fitted = []

    def recording_clone(model):
        fitted.append(clone(model))
        return fitted[-1]

    clone = utility_module.clone
    monkeypatch.setattr(utility_module, "clone", recording_clone)
    utility(prepare(make(1, 500), make(2, 5_000), train=make(3, 5_100)), "y")
    trees = [model.n_iter_ for model in fitted if isinstance(model, HistGradientBoostingClassifier)]
    assert trees == [100, 100, 100]  # TRTR, TSTR, augmented


def test_the_augmentation_gain_states_its_interval_and_is_neutral_within_noise(make_related, related_test):
    """A gain of +0.0017 ROC-AUC on one split was graded "good" and read "above 0 = augmentation helps"
    where resampling the test rows gave about -0.014 to +0.010."""
    train = make_related(500, seed=1)
    same = utility(prepare(related_test, make_related(500, seed=3), train=train), "label")
    gain = same.score("augmentation_gain")
    low, high = map(float, re.search(r"95% interval ([-+][\d.]+) to ([-+][\d.]+)", gain.meaning).groups())
    assert low < 0 < high and "within noise" in gain.meaning and gain.verdict == "info"
    # 40 real rows, 2,000 synthetic ones like them: a gain well clear of the test rows' chance
    few = utility(prepare(related_test, make_related(2000, seed=3), train=make_related(40, seed=4)), "label")
    helps = few.score("augmentation_gain")
    assert "augmentation helps" in helps.meaning and helps.verdict == "good", helps.meaning
    assert float(re.search(r"95% interval ([-+][\d.]+)", helps.meaning).group(1)) > 0


def test_decimals_tell_apart_what_a_claim_orders() -> None:
    from synthloom.metrics.result import telling_decimals

    assert telling_decimals([(0.0284, 0.0281)]) == 4 and telling_decimals([(0.03, 0.02), (1.0, 1.0)]) == 3
    assert telling_decimals([(0.0004, 0.0)]) == 4 and telling_decimals([(1e-9, 0.0)]) == 6


@pytest.mark.parametrize("metric", ["roc_auc", "r2"])
def test_a_resample_weighted_by_its_draws_scores_as_its_rows(metric) -> None:
    """The gain's bootstrap scores each resample as the test rows weighted by how often it draws each:
    the same numbers as scikit-learn on the resampled rows, ties and classes a resample lacks included."""
    from synthloom.metrics.utility import _macro_auc, _weighted_scores

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60) if metric == "roc_auc" else rng.normal(size=60)
    y[:3] = 0  # three of a class: some resamples lack it
    predicted = (
        np.round(rng.dirichlet(np.ones(3), 60), 1)  # rounded: ties between rows of both classes
        if metric == "roc_auc"
        else y + rng.normal(size=60)
    )
    draws = [rng.integers(0, 60, 60) for _ in range(30)]
    weights = np.stack([np.bincount(rows, minlength=60) for rows in draws]).astype(float)
    expected = [
        _macro_auc(y[rows], predicted[rows]) if metric == "roc_auc" else r2_score(y[rows], predicted[rows])
        for rows in draws
    ]
    np.testing.assert_allclose(_weighted_scores(predicted, y, weights, metric), expected, rtol=1e-12)


def _coded(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its label as whole-number codes 1 to 3 (a grade), as a file of codes holds it."""
    grade = np.digitize(frame["y"], [-1.0, 1.0]) + 1
    return frame.drop(columns="label").assign(grade=grade)


def test_a_target_of_few_whole_number_levels_is_predicted_as_classes(related_train, related_test) -> None:
    """A grade coded 1 to 3 is a class to ``augment`` (it balances it) but was scored as a number here (R²)
    unless declared categorical: ``target_task`` now calls it a class for every command."""
    from synthloom.data.metadata import Metadata
    from synthloom.metrics.utility import target_task

    train, test = _coded(related_train), _coded(related_test)
    tables = prepare(test, train.copy(), train=train)
    assert target_task(tables, "grade") == "classification"
    result = utility(tables, "grade")
    assert "roc_auc" in result.tables["tstr_trtr"].columns
    assert "'grade' holds whole numbers on 3 levels, predicted as classes" in result.score("gap").meaning
    # whole numbers on many levels are a quantity, and so is a coded column the metadata declares continuous
    many = {
        name: frame.assign(grade=(frame["y"] * 10).round().astype(int))
        for name, frame in (("train", train), ("test", test))
    }
    assert target_task(prepare(many["test"], many["train"], train=many["train"]), "grade") == "regression"
    declared = Metadata.infer(train).set_kind("grade", "continuous")
    result = utility(prepare(test, train.copy(), train=train, metadata=declared), "grade")
    assert "r2" in result.tables["tstr_trtr"].columns
    assert "declare it categorical in the metadata" in result.score("gap").meaning


def test_synthetic_target_values_off_the_real_levels_are_read_as_the_nearest_level(
    related_train, related_test, recwarn
) -> None:
    """Real grades 1 to 3 with noise on every synthetic one were 'whole numbers on 996 levels, predicted as
    classes': 996 "classes" no test row holds, scikit-learn's warnings on the console and a gap of 0.4."""
    train, test = _coded(related_train), _coded(related_test)
    noisy = train.assign(grade=train["grade"] + np.random.default_rng(0).normal(0, 0.2, len(train)))
    result = utility(prepare(test, noisy, train=train), "grade")
    gap = result.score("gap")
    assert "'grade' holds whole numbers on 3 levels, predicted as classes" in gap.meaning
    assert gap.value < 0.05  # the nearest levels are the true grades, bar a few
    off = [w for w in result.warnings if "no real row holds" in w]
    assert off == [
        "100.0% of synthetic rows (500) hold a value of 'grade' that no real row holds (real levels: 1, 2, "
        "3): the generator writes values between or beyond the classes; utility reads each as the nearest "
        "real level"
    ]
    assert not [w for w in recwarn if "unique classes" in str(w.message)]
    whole = utility(prepare(test, train.copy(), train=train), "grade")
    assert not any("no real row holds" in w for w in whole.warnings)


def test_a_class_shown_in_a_warning_is_written_as_the_file_writes_it(related_train, related_test) -> None:
    """'y' = np.float64(3.0): a target of codes beside blanks is held as floats, whose repr leaked."""
    train, test = _coded(related_train), _coded(related_test)
    test = test.astype({"grade": float})
    few = pd.concat([test[test["grade"] != 3].iloc[:300], test[test["grade"] == 3].iloc[:6]])
    result = utility(prepare(few, train.copy(), train=train), "grade")
    assert any("only 6 row(s) of 'grade' = 3: " in w for w in result.warnings), result.warnings


def test_without_training_rows_a_rare_class_is_split_evenly_and_its_few_rows_are_named(
    related_train, related_test
):
    """A 3,000-row fraud hold-out split at random put 23 fraud rows in the baseline's half; gradient
    boosting learnt nothing from them (TRTR ROC-AUC 0.478, below chance) and no warning said why."""
    is_rare = related_test["label"] == "yes"
    few = pd.concat([related_test[~is_rare].iloc[:300], related_test[is_rare].iloc[:10]])
    result = utility(prepare(few, related_train.copy()), "label")
    named = "the real training rows hold only 5 row(s) of 'label' = 'yes': too few"
    assert any(w.startswith(named) and "--train" in w for w in result.warnings), result.warnings
    assert any("the real test rows hold only 5 row(s) of 'label' = 'yes'" in w for w in result.warnings)


def test_a_class_the_baseline_never_saw_is_named(related_train, related_test) -> None:
    """A one-row class goes wholly to the test half of a class-by-class split: the training rows' counts
    left it out, and the warning named the next rarest class (5 rows of 'yes') instead."""
    is_rare = related_test["label"] == "yes"
    one = related_test[is_rare].iloc[10:11].assign(label="maybe")
    few = pd.concat([one, related_test[~is_rare].iloc[:300], related_test[is_rare].iloc[:10]])
    result = utility(prepare(few, related_train.copy()), "label")
    named = "the real training rows hold no row of 'label' = 'maybe': too few"
    assert any(w.startswith(named) for w in result.warnings), result.warnings


def test_a_0_1_target_is_named_by_its_written_values(related_train, related_test) -> None:
    """A 0/1 fraud flag, read as booleans, was named "'is_fraud' = True" in utility's warnings and
    "is_fraud: True" among the categories synthetic rows miss."""

    def coded(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(label=(frame["label"] == "yes").astype(int))

    test = coded(related_test)
    few = pd.concat([test[test["label"] == 0].iloc[:300], test[test["label"] == 1].iloc[:6]])
    tables = prepare(few, coded(related_train).assign(label=0), train=coded(related_train))
    result = utility(tables, "label")
    assert any("only 6 row(s) of 'label' = 1: " in w for w in result.warnings), result.warnings
    assert not any("True" in w for w in result.warnings)
    missed = category_coverage(tables).set_index("column").loc["label", "missing"]
    assert missed == "1"


def test_synthetic_rows_without_a_real_class_are_poor_and_say_so(related_train, related_test) -> None:
    """2,000 synthetic rows without one fraud row read "good": their models could only say "not fraud"."""
    is_rare = related_test["label"] == "yes"
    few = pd.concat([related_test[~is_rare].iloc[:300], related_test[is_rare].iloc[:6]])
    train = pd.concat([related_train[related_train["label"] == "no"], related_train.iloc[:15]])
    synthetic = pd.concat([train[train["label"] == "no"]] * 2, ignore_index=True)
    result = utility(prepare(few, synthetic, train=train), "label")
    share = (pd.concat([train, few])["label"] == "yes").mean()
    expected = (
        f"synthetic rows hold no 'label' = 'yes' row where {len(synthetic):,} synthetic rows would hold "
        f"about {share * len(synthetic):.1f} at its real share, {share:.2%} (odds under 1 in 1,000): "
        "models trained on them cannot learn it"
    )
    assert any(w.startswith(expected) for w in result.warnings), result.warnings
    assert result.score("gap").verdict == "poor" and result.verdict == "poor"
    tstr = {s.name: s.verdict for s in result.scores if s.name.startswith("tstr.")}
    assert tstr["tstr.logistic.roc_auc"] == "poor" and "good" not in tstr.values()


def _rare(frame: pd.DataFrame, keep: int, no: int | None = None) -> pd.DataFrame:
    """``frame``'s first ``no`` "no" rows (all by default) and its first ``keep`` "yes" rows."""
    return pd.concat([frame[frame["label"] == "no"].iloc[:no], frame[frame["label"] == "yes"].iloc[:keep]])


def test_few_synthetic_rows_of_a_class_at_its_real_share_are_no_verdict(
    related_train, related_test, make_related
) -> None:
    """A faithful 200-row synthetic table (real minority 2.73%, 5 synthetic rows of it) read poor, and
    the same generator's 300 rows (11) good: the verdict followed how many rows were sampled. Now only a
    count chance cannot explain is poor: 1 row where 1,001 rows would hold 27.3."""
    train, test = _rare(related_train, 7), _rare(related_test, 6)
    fresh = make_related(2_000, seed=3)
    result = utility(prepare(test, _rare(fresh, 5, no=195), train=train), "label")
    assert not any("utility is poor" in w for w in result.warnings), result.warnings
    assert any(
        w.startswith("synthetic rows hold only 5 row(s) of 'label' = 'yes' (2.50%), as chance allows (200 ")
        for w in result.warnings
    ), result.warnings
    assert "miss a class" not in result.score("gap").meaning
    assert not any("miss a class" in s.meaning for s in result.scores)
    result = utility(prepare(test, _rare(fresh, 1), train=train), "label")
    assert any(
        w.startswith(
            "synthetic rows hold only 1 row(s) of 'label' = 'yes' (0.10%) where 1,001 synthetic rows "
        )
        and "utility is poor" in w
        for w in result.warnings
    ), result.warnings
    assert result.score("gap").verdict == "poor"


def _scores_of(rows: list[tuple[str, str, float]], **cells: float) -> pd.DataFrame:
    """A TSTR/TRTR table of (setting, model, ROC-AUC) rows, every other metric ``cells`` or a default."""
    cells = {"trained_on": "rows", "macro_f1": 0.5, "accuracy": 0.98, "pr_auc": 0.05, "note": "", **cells}
    return pd.DataFrame([{"setting": s, "model": m, "roc_auc": v, **cells} for s, m, v in rows])


_ONE_AT_CHANCE = [
    ("TRTR", "gradient_boosting", 0.478),
    ("TSTR", "gradient_boosting", 0.5),
    ("augmented", "gradient_boosting", 0.58),
    ("TRTR", "logistic", 0.667),
    ("TSTR", "logistic", 0.5),
    ("augmented", "logistic", 0.663),
]


def test_a_baseline_at_chance_leaves_its_model_out_of_the_gap_and_the_gain() -> None:
    """TRTR gradient boosting at ROC-AUC 0.478 graded a TSTR of 0.5 (a model predicting one class) good;
    then it left the gap (0.073, the mean of both models) and the gain not judged, though logistic
    regression's 0.667 -> 0.500 tells a loss. Now both are logistic regression's: gap 0.167, poor."""
    from synthloom.metrics.utility import _utility_scores

    scores = {
        s.name: s for s in _utility_scores(_scores_of(_ONE_AT_CHANCE), "classification", (-0.01, -0.001), "")
    }
    cell = scores["tstr.gradient_boosting.roc_auc"]
    assert cell.verdict == "info" and "not judged: the real baseline is no better than chance" in cell.meaning
    assert scores["tstr.logistic.roc_auc"].verdict == "poor"
    gap, gain = scores["gap"], scores["augmentation_gain"]
    assert gap.value == pytest.approx(0.167) and gap.verdict == "poor"
    left_out = "Left out: the real baseline of gradient boosting is no better than chance (ROC-AUC 0.478)."
    assert "(each of logistic regression alone;" in gap.meaning and left_out in gap.meaning
    assert gain.value == pytest.approx(-0.004) and gain.verdict == "good" and left_out in gain.meaning


def test_a_missing_class_is_poor_whatever_the_baseline() -> None:
    """With a class missing and a baseline at chance, the gap read poor and that model's TSTR cells info."""
    from synthloom.metrics.utility import _utility_scores

    scores = {
        s.name: s
        for s in _utility_scores(
            _scores_of(_ONE_AT_CHANCE), "classification", (-0.01, 0.01), "", lacking=True
        )
    }
    assert scores["gap"].verdict == "poor"
    for model in ("gradient_boosting", "logistic"):
        assert scores[f"tstr.{model}.roc_auc"].verdict == "poor", scores[f"tstr.{model}.roc_auc"]
    assert scores["augmented.gradient_boosting.roc_auc"].verdict == "info"


def test_minority_pr_auc_is_graded_only_on_an_imbalanced_target() -> None:
    """On a balanced target, minority PR-AUC 0.90 -> 0.60 was the only poor score (gap and every ROC-AUC
    good) and made the family poor. ROC-AUC grades the ranking there: PR-AUC is shown, not graded."""
    from synthloom.metrics.utility import _utility_scores

    rows = [
        (s, m, v)
        for m in ("gradient_boosting", "logistic")
        for s, v in (("TRTR", 0.9), ("TSTR", 0.895), ("augmented", 0.9))
    ]
    table = _scores_of(rows, macro_f1=0.8, accuracy=0.8)
    table["pr_auc"] = np.where(table["setting"] == "TSTR", 0.6, 0.9)
    scores = {s.name: s for s in _utility_scores(table, "classification", (-0.01, 0.01), "")}
    assert scores["gap"].verdict == "good"
    assert (
        scores["tstr.logistic.pr_auc"].verdict == "info"
        and "Not graded" in scores["tstr.logistic.pr_auc"].meaning
    )
    assert {s.verdict for s in scores.values() if s.verdict != "info"} == {"good"}
    imbalanced = {
        s.name: s for s in _utility_scores(table, "classification", (-0.01, 0.01), "", imbalanced=True)
    }
    assert imbalanced["tstr.logistic.pr_auc"].verdict == "poor"


def test_a_score_not_computed_is_not_read_as_chance() -> None:
    from synthloom.metrics.utility import at_chance

    assert at_chance(float("nan"), "roc_auc") is None and at_chance(float("nan"), "r2") is None
    assert at_chance(0.478, "roc_auc") == "no better than chance (ROC-AUC 0.478)"


def test_on_a_rare_class_accuracy_is_not_graded_and_minority_pr_auc_is(related_train, related_test) -> None:
    """On 1.4% fraud, accuracy 0.986 and macro F1 0.496 of a model predicting "not fraud" read good, and
    the report named neither the fraud share nor PR-AUC."""

    def rare(frame: pd.DataFrame, keep: int) -> pd.DataFrame:
        return pd.concat([frame[frame["label"] == "no"], frame[frame["label"] == "yes"].iloc[:keep]])

    train, test = rare(related_train, 20), rare(related_test, 12)
    result = utility(prepare(test, train.copy(), train=train), "label")
    share = (pd.concat([train, test])["label"] == "yes").mean()
    scored = (test["label"] == "yes").mean()  # PR-AUC's chance: the share in the rows scored, not pooled
    meaning = result.score("gap").meaning
    assert (
        f"The rarest class, 'label' = 'yes', is {share:.2%} of the real rows ({scored:.2%} of the " in meaning
    )
    assert (
        "minority PR-AUC (average precision of the rarest class; chance = its share of the rows scored)"
        in meaning
    )
    assert result.score("tstr.logistic.accuracy").verdict == "info"
    assert result.score("tstr.logistic.pr_auc").verdict in {"good", "fair", "poor"}
