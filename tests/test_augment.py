"""Class balancing with synthetic rows (``synthloom.augment``) and its evaluation against baselines."""

from __future__ import annotations

import datetime
import decimal
import re
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from synthloom.augmentation import (
    METHODS,
    METRICS,
    AugmentationEvaluation,
    augment,
    class_counts,
    evaluate_augmentation,
    fits_per_class,
    orders_kept,
    plan_rows,
    recognition_table,
    synthetic_rows,
)
from synthloom.data.constraints import MIN_ORDER_ROWS
from synthloom.errors import ConfigError, DataError, DataWarning, MissingDependencyError

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def three_classes() -> pd.DataFrame:
    """An integer class column 1..3 (3 is rare) that depends on two numeric columns and a category."""
    rng = np.random.default_rng(1)
    n = 600
    x = rng.normal(size=n)
    colour = rng.choice(["red", "blue"], n)
    label = np.where(x > 1.3, 3, np.where(colour == "red", 1, 2))
    return pd.DataFrame({"x": x, "y": rng.normal(size=n) + x, "colour": colour, "label": label})


def test_class_counts_refuses_what_is_not_a_class_label(default_frame) -> None:
    with pytest.raises(DataError, match="'nope' is not in the data"):
        class_counts(default_frame, "nope")
    with pytest.raises(DataError, match=r"'balance' holds .* numbers on .* levels: a quantity"):
        class_counts(default_frame, "balance")
    with pytest.raises(DataError, match="1 class"):
        class_counts(default_frame.assign(one="a"), "one")


def test_plan_rows_ratio_and_rows_per_class() -> None:
    counts = pd.Series({"No": 900, "Yes": 60, "Maybe": 40})
    assert plan_rows(counts, ratio=0.5) == {"Yes": 390, "Maybe": 410}
    assert plan_rows(counts) == {"Yes": 840, "Maybe": 860}
    assert plan_rows(pd.Series({0: 90, 1: 30}), rows_per_class={"1": 7, "0": 0}) == {1: 7}
    # imbalanced-learn's float strategy, which the README cites: int(9,667 x 0.5 - 333) = 4,500, not 4,501
    assert plan_rows(pd.Series({"No": 9667, "Yes": 333}), ratio=0.5) == {"Yes": 4500}
    with pytest.raises(ConfigError, match="not both"):
        plan_rows(counts, ratio=0.5, rows_per_class={"Yes": 1})
    with pytest.raises(ConfigError, match=r"ratio must be a number in \(0, 1\]"):
        plan_rows(counts, ratio=1.5)
    with pytest.raises(ConfigError, match="class 'Perhaps' is not in"):
        plan_rows(counts, rows_per_class={"Perhaps": 5})
    with pytest.raises(DataError, match="class 'Yes' of 'target' has 3 real row"):
        plan_rows(pd.Series({"No": 900, "Yes": 3}), ratio=0.5)
    # 490 small classes were all named, in one line of 5 KB
    many = pd.Series({"big": 10_000, **{f"c{i}": 9 for i in range(490)}})
    with pytest.raises(DataError) as refused:
        plan_rows(many, ratio=0.5)
    assert str(refused.value) == (
        "490 classes of 'target' have fewer than 10 real rows, which a generator needs to learn a class "
        "('c0' (9 rows), 'c1' (9 rows), 'c2' (9 rows), 'c3' (9 rows), 'c4' (9 rows) and 485 more): collect "
        "more rows or leave these classes out"
    )


def test_augment_adds_rows_of_the_rare_class_only(default_frame) -> None:
    counts = default_frame["default"].value_counts()
    both = augment(default_frame, "default", "copula", ratio=0.5, mark_synthetic=True, random_state=0)
    fake = both[both["is_synthetic"]]
    assert len(both) == len(default_frame) + len(fake)
    assert len(fake) == int(0.5 * counts["No"] - counts["Yes"])  # as imbalanced-learn counts them
    assert (fake["default"] == "Yes").all() and not both["is_synthetic"].iloc[: len(default_frame)].any()
    assert both.drop(columns="is_synthetic").dtypes.equals(default_frame.dtypes)
    again = augment(default_frame, "default", "copula", ratio=0.5, mark_synthetic=True, random_state=0)
    pd.testing.assert_frame_equal(both, again)


def test_added_rows_keep_missing_values_and_the_input_is_not_written_into(three_classes) -> None:
    """The class check after augment encoded the added rows in place: every missing value of theirs
    became the column's median (0 of 100 rows missing where 30% of the real rows are), and an evaluation
    fitted its generators on training rows so imputed."""
    data = three_classes.copy()
    data.loc[data.index % 3 == 0, "y"] = np.nan
    before = data.copy()
    both = augment(data, "label", "copula", rows_per_class={3: 100}, mark_synthetic=True, random_state=0)
    pd.testing.assert_frame_equal(data, before)
    added = both.loc[both["is_synthetic"], "y"]
    assert 0.15 < added.isna().mean() < 0.5


def test_augment_with_a_neural_generator_and_an_integer_class_column(three_classes) -> None:
    both = augment(
        three_classes, "label", "ctgan", rows_per_class={3: 25, "2": 5}, model_params={"epochs": 1},
        mark_synthetic="fake", per_class=False, random_state=0,
    )  # fmt: skip
    fake = both[both["fake"]]
    assert fake["label"].value_counts().to_dict() == {3: 25, 2: 5}
    assert fake["label"].dtype == three_classes["label"].dtype


def test_metadata_naming_some_columns_leaves_the_others_inferred(three_classes) -> None:
    from synthloom.augmentation import target_metadata
    from synthloom.data.metadata import ColumnKind, ColumnSpec, Metadata

    partial = Metadata({"x": ColumnSpec(ColumnKind.CATEGORICAL)})
    kinds = target_metadata(three_classes, "label", partial).kinds()
    assert kinds == {"x": "categorical", "y": "continuous", "colour": "categorical", "label": "categorical"}
    assert partial.kinds() == {"x": "categorical"}  # the caller's metadata is left as it was


def test_per_class_generators_learn_each_class_from_its_own_rows(three_classes) -> None:
    plan = {3: 30, 2: 10}
    rows = synthetic_rows(three_classes, "label", plan, "copula", per_class=True, random_state=0)
    assert rows["label"].tolist() == [3] * 30 + [2] * 10
    rare = three_classes[three_classes["label"] == 3]
    # learned from class 3 alone, whose x lies above 1.3: the copula keeps that range exactly
    assert rows["x"].iloc[:30].min() >= rare["x"].min() - 1e-9
    again = synthetic_rows(three_classes, "label", plan, "copula", per_class=True, random_state=0)
    pd.testing.assert_frame_equal(rows, again)


def test_a_per_class_refusal_names_the_class_whose_rows_it_speaks_of(three_classes) -> None:
    """A rule every row of one class breaks (class 3's x all lie above 1.3) was refused as "broken by every
    real row", while most of the table keeps it: the fit was on that class's rows alone."""
    from synthloom.data.constraints import Range

    rule = [Range("x", high=1.0)]
    kept = three_classes["x"].le(1.0).mean()
    assert 0.3 < kept < 1  # the table keeps the rule in places; class 3 nowhere
    with pytest.raises(
        ConfigError, match=r"on the \d+ rows of class 3 of 'label': constraint 'x <= 1.0' is broken"
    ):
        synthetic_rows(three_classes, "label", {3: 10}, "copula", per_class=True, constraints=rule)


def test_ids_of_added_rows_are_new_and_unique_per_class_or_conditional(three_classes) -> None:
    """A per-class model counted its ids on from its own class's largest (other classes' real ids), and
    drew text ids of its own (the classes' ids met: about 40 of 400 here); each class's conditional draw
    started from the same row."""
    order = three_classes.sort_values("label").index  # each class's ids in a range of its own
    real = three_classes.assign(
        row_id=pd.Series(range(len(order)), index=order), ref=[f"R{i:03d}" for i in range(len(order))]
    )
    for per_class in (True, False):
        both = augment(
            real, "label", "copula", rows_per_class={3: 200, 2: 200}, per_class=per_class, random_state=0
        )
        assert both["row_id"].is_unique and both["ref"].is_unique, per_class  # no real id repeated
        assert both["ref"].iloc[len(real) :].str.fullmatch(r"R\d{3}").all()


def test_added_ids_past_2_to_53_with_gaps_stay_exact_and_unique(three_classes) -> None:
    """Ids with gaps (Int64 near 2**62, UInt64 past int64) went through floats where gaps were set, which
    rounded neighbouring ids onto one: dozens repeated in the output."""
    n = len(three_classes)
    real = three_classes.assign(
        account_id=pd.array([None if i % 7 == 0 else 2**62 + i for i in range(n)], dtype="Int64"),
        card_id=pd.array([None if i % 5 == 0 else 2**63 + i for i in range(n)], dtype="UInt64"),
    )
    for per_class in (True, False):
        both = augment(
            real, "label", "copula", rows_per_class={3: 200, 2: 200}, per_class=per_class, random_state=0
        )
        for name in ("account_id", "card_id"):
            assert both[name].dtype == real[name].dtype, (name, per_class)
            assert both[name].iloc[len(real) :].isna().any(), (name, per_class)  # gaps drawn, as real ones
            assert both[name].dropna().is_unique, (name, per_class)


def test_a_fitted_generator_is_sampled_conditionally(default_frame) -> None:
    from synthloom import get_model

    fitted = get_model("copula", random_state=0).fit(default_frame)
    both = augment(default_frame, "default", fitted, rows_per_class={"Yes": 12}, per_class=False)
    assert len(both) == len(default_frame) + 12 and (both["default"].iloc[-12:] == "Yes").all()
    with pytest.raises(ConfigError, match="per_class=False"):
        augment(default_frame, "default", fitted, rows_per_class={"Yes": 12}, per_class=True)


def test_a_class_column_of_decimals_is_grown_conditionally() -> None:
    # the classes (a Parquet decimal128 column) were asked of the generator as the table's Decimals, which
    # its levels, kept as text, never matched: "never takes the value Decimal('50.00'); seen values include
    # ..., '50.00'"
    rng = np.random.default_rng(0)
    fees = rng.choice(["10.00", "20.00", "50.00"], 300, p=[0.5, 0.4, 0.1])
    real = pd.DataFrame({"fee": [decimal.Decimal(fee) for fee in fees], "x": rng.normal(size=300)})
    both = augment(real, "fee", "copula", rows_per_class={"50.00": 20}, per_class=False, random_state=0)
    added = both["fee"].iloc[len(real) :]
    assert added.tolist() == [decimal.Decimal("50.00")] * 20
    assert all(isinstance(fee, decimal.Decimal) for fee in added)


def test_per_class_by_default_only_for_a_generator_without_a_learned_conditional() -> None:
    assert fits_per_class("copula", None) and not fits_per_class("ddpm", None)
    assert not fits_per_class("ctgan", None) and fits_per_class("ddpm", True)
    assert not fits_per_class("copula", False)


def test_an_unfitted_copula_object_is_fitted_per_class_as_its_name_is(three_classes) -> None:
    """``model=get_model("copula")`` was sampled conditionally where ``model="copula"`` was fitted per
    class, the default the docs give for a generator without a learned conditional: the class decides."""
    from synthloom import get_model
    from synthloom.models.copula import GaussianCopula

    class Tuned(GaussianCopula):
        pass

    given = Tuned()
    assert fits_per_class(given, None) and fits_per_class(get_model("copula"), None)
    assert not fits_per_class(get_model("ctgan"), None)
    assert not fits_per_class(get_model("copula").fit(three_classes), None)  # sampled as it was fitted
    plan = {3: 30, 2: 10}
    by_name = synthetic_rows(three_classes, "label", plan, "copula", random_state=0)
    by_object = synthetic_rows(three_classes, "label", plan, given, random_state=0)
    pd.testing.assert_frame_equal(by_object, by_name)
    assert not hasattr(given, "transformer_") and given.random_state is None  # the object is untouched


def test_augment_user_errors(default_frame) -> None:
    with pytest.raises(ConfigError, match="already has a column 'default'"):
        augment(default_frame, "default", "copula", mark_synthetic="default")
    with pytest.raises(ConfigError, match="copula has no setting epochs; its settings: random_state"):
        augment(default_frame, "default", "copula", model_params={"epochs": 3})
    with pytest.raises(ConfigError, match="unknown model"):
        augment(default_frame, "default", "no-such-model")


@pytest.mark.parametrize(
    ("stamps", "held"),
    [
        (["2024-01-01", "2024-03-02"], "dates"),
        (["14:00:00", "09:30:00"], "times of day"),
        ([datetime.time(14), datetime.time(9, 30)], "times of day"),
        # hundreds of days with a few rows each were "classes with fewer than 10 real rows"
        (pd.date_range("2022-01-01", periods=700).strftime("%Y-%m-%d").tolist(), "dates"),
    ],
)
def test_a_target_of_stamps_is_refused_for_what_it_holds(default_frame, stamps, held) -> None:
    """A target of times of day was said to hold "datetime values"."""
    frame = default_frame.assign(default=[stamps[i % len(stamps)] for i in range(len(default_frame))])
    with pytest.raises(DataError, match=f"^target column 'default' holds {held}, not classes; choose a"):
        augment(frame, "default", "copula")


def test_a_target_of_ids_is_refused_without_a_warning_calling_its_ids_balanced_classes(default_frame) -> None:
    # "every class already meets the ratio; no rows added" came before "holds identifier values"
    frame = default_frame.assign(txn=[f"T{i:06d}" for i in range(len(default_frame))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataError, match=r"^target column 'txn' holds identifier values, not classes"):
            augment(frame, "txn", "copula")


def test_evaluation_scores_every_method_on_every_seed(default_frame, tmp_path) -> None:
    result = evaluate_augmentation(default_frame, "default", "copula", ratio=0.3, seeds=2, random_state=3)
    assert list(result.scores["seed"].unique()) == [3, 4]
    assert result.methods == list(METHODS) and result.rare_classes == ["Yes"]
    values = result.scores[list(METRICS)].to_numpy()
    assert ((values >= 0) & (values <= 1)).all()
    summary = result.summary()
    assert list(summary["method"]) == list(METHODS)
    assert np.allclose(summary["pr_auc_mean"], result.scores.groupby("method", sort=False)["pr_auc"].mean())
    assert "SMOTE" in result.verdict
    page = result.to_html(tmp_path / "augment.html").read_text()
    assert "Verdict" in page and "data:image/png;base64," in page and "Paired gains" in page
    # the copula's rows of "Yes" look like it: recognised about as often as held-back real rows
    assert not result.recognition["doubtful"].any() and "Do the synthloom rows look like" in page


def test_every_baseline_adds_the_planned_rows_per_class(three_classes) -> None:
    from synthloom.augmentation import _random_rows, _smote_rows, _split, target_metadata

    meta = target_metadata(three_classes, "label")
    classes = list(class_counts(three_classes, "label").index)
    split = _split(three_classes, "label", classes, meta, 0.8, None, seed=0, test_share=0.3)
    assert split.plan and all(n > 0 for n in split.plan.values())
    for rows, labels in (_random_rows(split), _smote_rows(split)):
        assert dict(zip(*np.unique(labels, return_counts=True), strict=True)) == split.plan
        assert rows.shape == (len(labels), split.x_train.shape[1])
    copies, _ = _random_rows(split)
    real = {tuple(row) for row in split.x_train}
    assert all(tuple(row) in real for row in copies)  # random oversampling repeats real rows


def test_smote_takes_several_categorical_features(three_classes) -> None:
    from synthloom.augmentation import _smote_rows, _split, target_metadata

    rng = np.random.default_rng(3)
    table = three_classes.assign(size=rng.choice(["S", "M", "L"], len(three_classes)))
    meta = target_metadata(table, "label")
    classes = list(class_counts(table, "label").index)
    split = _split(table, "label", classes, meta, 0.8, None, seed=0, test_share=0.3)
    assert split.features.categorical_mask.sum() == 2
    rows, labels = _smote_rows(split)  # SMOTENC with two categorical columns
    assert rows.shape == (len(labels), split.x_train.shape[1])
    assert dict(zip(*np.unique(labels, return_counts=True), strict=True)) == split.plan


def test_several_rare_classes_are_scored_one_against_the_rest(three_classes) -> None:
    result = evaluate_augmentation(
        three_classes, "label", "copula", ratio=1.0, seeds=1, methods=["none", "smote"]
    )
    assert sorted(result.rare_classes) == [2, 3] or sorted(result.rare_classes) == [1, 3]
    assert len(result.rare_classes) == 2
    assert "one seed" in result.verdict or "not compared" in result.verdict


def _constructed(gains: list[float], smote: list[float]) -> AugmentationEvaluation:
    rows = []
    for seed, (gain, edge) in enumerate(zip(gains, smote, strict=True)):
        base = 0.4 + 0.05 * seed  # seeds differ a lot; the paired gain is what counts
        for method, value in (("none", base), ("smote", base + edge), ("synthloom", base + gain)):
            rows.append({"seed": seed, "method": method, **dict.fromkeys(METRICS, value)})
    return AugmentationEvaluation("y", "copula", ["Yes"], pd.DataFrame(rows))


def test_verdict_follows_the_paired_gain_and_its_spread() -> None:
    clear = _constructed([0.02, 0.03, 0.025, 0.02, 0.03], [0.05, 0.06, 0.05, 0.05, 0.06])
    assert clear.verdict.startswith("synthloom rows help: minority PR-AUC +0.025")
    assert "SMOTE beats synthloom by 0.029" in clear.verdict
    noisy = _constructed([0.05, -0.04, 0.03, -0.05, 0.02], [0.0, 0.0, 0.01, -0.01, 0.0])
    assert noisy.verdict.startswith("synthloom rows do not clearly help")
    assert "level" in noisy.verdict
    worse = _constructed([-0.02, -0.03, -0.025, -0.02, -0.03], [0.0] * 5)
    assert worse.verdict.startswith("synthloom rows hurt")
    mean, half = clear.gain("synthloom", "none")
    assert mean == pytest.approx(0.025) and 0 < half < mean


def _recognised(doubtful: bool) -> pd.DataFrame:
    """A class check of class "Yes", its synthloom rows recognised as it 10% of the time where
    ``doubtful``, as often as real rows otherwise."""
    return recognition_table({"Yes": (100, 60, 500, 50 if doubtful else 300)})


def test_the_verdict_reads_poor_when_synthloom_rows_clearly_lose_or_fail_the_class_check(monkeypatch) -> None:
    """The badge said "fair" for rows worse than real rows alone on every score (PR-AUC -0.138 within the
    spread of 3 seeds) that the class check flagged: only the paired interval graded it."""
    from synthloom.report import augment, plots

    monkeypatch.setattr(plots, "to_png", lambda fig: "")
    lost = _constructed([-0.30, 0.02, -0.134], [0.0] * 3)
    assert lost.verdict.startswith("synthloom rows do not clearly help: minority PR-AUC -0.138 ")
    assert "Yet they score below real rows alone on every score, by more than the 0.05 PR-AUC" in lost.verdict
    assert '<div class="card poor"><span class="badge poor">poor</span>' in augment.render(lost)
    noisy = _constructed([0.05, -0.04, 0.03, -0.05, 0.02], [0.0] * 5)  # honest: within noise, little lost
    assert noisy.grade == "fair" and "Yet" not in noisy.verdict
    helps = _constructed([0.02, 0.03, 0.025, 0.02, 0.03], [0.0] * 5)
    assert helps.grade == "good"
    helps.recognition = _recognised(doubtful=False)
    assert helps.grade == "good" and "class check" not in helps.verdict
    helps.recognition = _recognised(doubtful=True)
    assert helps.doubtful_classes == ["Yes"] and helps.grade == "poor"
    assert "The synthloom rows of class Yes do not look like their class" in helps.verdict
    assert '<div class="card poor">' in augment.render(helps)


def test_classes_held_as_floats_are_written_as_the_file_writes_them(monkeypatch) -> None:
    """Codes beside blank targets are floats: the table title read "(y: 6.0, 1.0)" where the warnings say
    'y' = 6, and the class check ran its classes together ("1: 30% of synthetic rows, ..., 2: ...")."""
    from synthloom.augment_cli import recognition_line, result_table
    from synthloom.report import augment, plots

    monkeypatch.setattr(plots, "to_png", lambda fig: "")
    result = _constructed([0.02, 0.03], [0.0, 0.0])
    result.rare_classes = [6.0, 1.0]
    result.recognition = recognition_table({6.0: (10, 5, 50, 15), 1.0: (20, 10, 50, 25)})
    assert result_table(result).title.endswith("(y: 6, 1)")
    assert "rare classes scored: 6, 1." in augment.render(result)
    assert recognition_line(result.recognition) == (
        "recognised as their class by a classifier of real rows: class 6: 30% of synthetic rows, 50% of "
        "real ones; class 1: 50% of synthetic rows, 50% of real ones"
    )


def test_the_report_names_each_method_alike_in_its_tables_and_its_figure(monkeypatch) -> None:
    """The figure ticked "none" where the table above it read "real rows only"."""
    from synthloom.report import augment, plots

    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    page = augment.render(_constructed([0.02, 0.03], [0.05, 0.06]))
    ticks = {tick.get_text() for ax in figures[0].axes for tick in ax.get_xticklabels()}
    assert ticks == {"real rows only", "SMOTE", "synthloom rows"}
    # the scores table, the gains and two seeds
    assert "<td>none</td>" not in page and page.count("<td>real rows only</td>") == 4


def test_smote_without_imbalanced_learn_names_the_extra(default_frame, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "imblearn.over_sampling", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'synthloom\[augment\]'"):
        evaluate_augmentation(default_frame, "default", "copula", seeds=1, methods=["smote"])


def test_evaluation_refuses_bad_settings(default_frame) -> None:
    with pytest.raises(ConfigError, match="unknown method"):
        evaluate_augmentation(default_frame, "default", "copula", methods=["magic"])
    with pytest.raises(ConfigError, match="seeds must be"):
        evaluate_augmentation(default_frame, "default", "copula", seeds=0)
    with pytest.raises(ConfigError, match="adds no rows"):
        evaluate_augmentation(default_frame, "default", "copula", rows_per_class={"Yes": 0})


def test_an_image_generator_is_refused_in_the_registrys_words(default_frame) -> None:
    """Augmentation said "generates images; augmentation needs a tabular generator", in other words than fit
    and the benchmark; every refusal is now the registry's one."""
    image_fit = "'dcgan' generates images; use `synthloom image fit DATA --model dcgan`"
    with pytest.raises(ConfigError, match=f"^{re.escape(image_fit)}$"):
        augment(default_frame, "default", "dcgan")


def test_a_generator_object_is_copied_and_refitted_for_every_seed(default_frame) -> None:
    """One object was fitted on seed 0's training rows and reused for the later seeds, whose test rows it
    had learned from: 1 fit for 3 seeds."""
    from synthloom.models.copula import GaussianCopula

    fitted_rows: list[frozenset] = []

    class Recording(GaussianCopula):
        def fit(self, data, metadata=None, constraints=None):  # type: ignore[no-untyped-def]
            fitted_rows.append(frozenset(map(tuple, data[["balance", "income"]].to_numpy())))
            return super().fit(data, metadata, constraints)

    given = Recording(random_state=None)
    result = evaluate_augmentation(
        default_frame, "default", given, ratio=0.3, seeds=3, methods=["none", "synthloom"], per_class=False
    )
    assert result.scores["seed"].nunique() == 3
    assert len(fitted_rows) == 3 and len(set(fitted_rows)) == 3  # each seed's own training rows
    assert not hasattr(given, "transformer_") and given.random_state is None  # the object is untouched
    with pytest.raises(ConfigError, match="cannot be copied for each seed"):
        evaluate_augmentation(default_frame, "default", object(), seeds=1, methods=["synthloom"])


def test_no_class_to_grow_returns_the_real_rows_without_fitting(default_frame) -> None:
    """With every class already at the ratio the generator was still fitted (minutes with ddpm) to add
    no row."""
    from synthloom.errors import DataWarning
    from synthloom.models.copula import GaussianCopula

    given = GaussianCopula(random_state=0)
    with pytest.warns(DataWarning, match="already meets the ratio"):
        both = augment(default_frame, "default", given, ratio=0.01, mark_synthetic=True)
    assert not hasattr(given, "transformer_")
    pd.testing.assert_frame_equal(both.drop(columns="is_synthetic"), default_frame)
    assert both["is_synthetic"].dtype == bool and not both["is_synthetic"].any()
    with pytest.raises(ConfigError, match="unknown model"):  # still refused, before the warning
        augment(default_frame, "default", "no-such-model", ratio=0.01)
    with pytest.warns(
        DataWarning, match="'default': no rows were asked for; no rows added"
    ):  # no ratio given
        augment(default_frame, "default", "copula", rows_per_class={"Yes": 0})


def test_metadata_as_a_json_dict_is_read(three_classes) -> None:
    """A plain dict worked in a generator's fit but crashed augment with AttributeError ('completed')."""
    from synthloom.augmentation import target_metadata

    as_json = {"columns": {"x": {"kind": "categorical"}}}
    assert target_metadata(three_classes, "label", as_json).kinds()["x"] == "categorical"
    both = augment(three_classes, "label", "copula", rows_per_class={3: 5}, metadata=as_json, random_state=0)
    assert len(both) == len(three_classes) + 5


def test_feature_datetimes_are_seconds_as_the_docstring_says() -> None:
    from synthloom.augmentation import _Features, target_metadata

    frame = pd.DataFrame(
        {"when": pd.date_range("2024-01-01", periods=20, freq="D"), "label": ["a", "b"] * 10}
    )
    features = _Features(target_metadata(frame, "label"), "label").fit(frame)
    assert np.diff(features._numbers(frame["when"]))[0] == 86_400  # a day apart
    assert "seconds since the epoch" in _Features.__doc__ and "nanoseconds" not in _Features.__doc__


def test_evaluation_refuses_a_class_its_hold_out_leaves_too_small_before_any_fit() -> None:
    """A class of 12 rows passed the check on the whole table; seed 0's split then kept 8 of them to learn
    from and stopped, after fitting, with "class 'rare' of 'y' has 8 real row(s)" where the data holds 12."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=212), "y": ["common"] * 200 + ["rare"] * 12})
    fits: list[int] = []

    class Counting:
        def get_params(self, deep: bool = True) -> dict:
            return {}

        def fit(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            fits.append(1)
            raise RuntimeError("the generator was fitted")

    with pytest.raises(DataError, match=r"'rare' of 'y' has 12 real rows; .* leaving 8 to learn from"):
        evaluate_augmentation(frame, "y", Counting(), per_class=False, seeds=2)
    assert not fits
    # 15 rows keep 10 to learn from at every seed
    more = pd.DataFrame({"x": rng.normal(size=215), "y": ["common"] * 200 + ["rare"] * 15})
    with pytest.raises(RuntimeError, match="fitted"):
        evaluate_augmentation(more, "y", Counting(), per_class=False, seeds=2, methods=["synthloom"])


def test_whole_number_classes_held_as_floats_are_named_as_the_file_writes_them() -> None:
    """Class codes 0/1 beside blanks are read as 0.0/1.0: ``{"1": 7}`` (``--rows-per-class 1=7``) was refused
    as "class '1' is not in 'y'; its classes are: ['0.0', '1.0']"."""
    counts = pd.Series({0.0: 90, 1.0: 30})
    assert plan_rows(counts, rows_per_class={"1": 7}) == {1.0: 7}
    assert plan_rows(counts, rows_per_class={"1.0": 7, 0: 2}) == {1.0: 7, 0.0: 2}
    with pytest.raises(ConfigError, match=re.escape("its classes are: ['0', '1']")):
        plan_rows(counts, rows_per_class={"2": 7})
    with pytest.raises(DataError, match="class 1 of 'y' has 3 real row"):
        plan_rows(pd.Series({0.0: 90, 1.0: 3}), rows_per_class={"1": 7}, target="y")


def test_unused_categories_of_a_categorical_target_are_no_classes(three_classes) -> None:
    """A categorical target keeps categories no row holds (a filtered table, a Parquet dictionary): each was
    counted as a class of 0 rows, and the default ratio was refused as "class 9 of 'label' has 0 real
    row(s)"."""
    frame = three_classes.assign(label=pd.Categorical(three_classes["label"], categories=[1, 2, 3, 9]))
    assert class_counts(frame, "label").index.tolist() == class_counts(three_classes, "label").index.tolist()
    both = augment(frame, "label", "copula", ratio=0.5, random_state=0)
    assert 9 not in set(both["label"]) and len(both) > len(frame)
    result = evaluate_augmentation(frame, "label", "copula", ratio=0.5, seeds=1, methods=["none", "random"])
    assert result.rare_classes == [3]
    # one seed measures no spread: it read "0.098 ± 0.000", as if every seed had agreed
    from synthloom.augment_cli import result_table
    from synthloom.report.augment import render

    assert result.summary()["pr_auc_std"].isna().all()
    shown = result_table(result)
    assert shown.caption.startswith("one seed: no spread measured")
    assert "±" not in "".join(str(cell) for column in shown.columns for cell in column._cells)
    assert "± 0.000" not in render(result)


def test_column_names_that_are_not_text_are_refused_in_one_line(three_classes) -> None:
    """Integer column names crashed with a KeyError from the metadata, after the classes were counted."""
    frame = three_classes.set_axis(range(4), axis=1)
    with pytest.raises(DataError, match=r"column names must be text, not \[0, 1, 2, 3\]"):
        augment(frame, 3, "copula")
    with pytest.raises(DataError, match="column names must be text"):
        evaluate_augmentation(frame, 3, "copula")


def test_rows_without_a_class_are_counted_in_a_warning(three_classes) -> None:
    from synthloom.augmentation import MissingTargetWarning

    blanks = three_classes.astype({"label": "Int64"})
    blanks.loc[:4, "label"] = pd.NA
    kept = r"^5 row\(s\) have no value in 'label': the augmented table keeps them"
    with pytest.warns(MissingTargetWarning, match=kept):
        both = augment(blanks, "label", "copula", rows_per_class={3: 10}, random_state=0)
    assert both["label"].isna().sum() == 5
    with pytest.warns(MissingTargetWarning, match=r"'label': the evaluation leaves them out$"):
        evaluate_augmentation(blanks, "label", "copula", rows_per_class={3: 10}, seeds=1, methods=["none"])


def test_every_class_too_small_is_named_in_one_line() -> None:
    """Three classes too small: only the first ('three') was named, so leaving it out brought up the next."""
    counts = pd.Series({"big": 1000, "mid": 200, "three": 3, "tiny2": 2, "one": 1})
    with pytest.raises(
        DataError, match=r"^3 classes of 'y' .* \('three' \(3 rows\), 'tiny2' \(2 rows\), 'one' \(1 row\)\)"
    ):
        plan_rows(counts, target="y")
    with pytest.raises(DataError, match=r"^class 'one' of 'y' has 1 real row\(s\)"):
        plan_rows(counts, rows_per_class={"one": 5}, target="y")


def test_a_class_of_one_row_is_named_when_the_evaluation_cannot_split_it() -> None:
    """scikit-learn's words came through: "The least populated classes in y have only 1 member, which is
    too few", naming no class and no fix."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=301), "y": ["big"] * 250 + ["mid"] * 50 + ["one"]})
    with pytest.raises(
        DataError, match=r"^class 'one' of 'y': a single real row; .* or augment without"
    ) as e:
        evaluate_augmentation(frame, "y", "copula", rows_per_class={"mid": 20}, seeds=1)
    assert "least populated" not in str(e.value)


def test_a_verdict_claims_no_spread_it_lacks_and_shows_the_digits_its_claim_needs() -> None:
    """One seed read "one seed, no spread" and then "synthloom and SMOTE are level: ... within the spread";
    a gain clearing its interval by a hair read "+0.028 (±0.028)"."""
    single = _constructed([0.02], [0.05]).verdict
    assert "within the spread" not in single and "level" not in single
    assert "on one seed: no spread to tell that from chance" in single
    assert "synthloom and SMOTE differ by -0.030 PR-AUC on that seed" in single
    hair = 0.0281 / stats.t.ppf(0.975, 1)  # the half-width of two seeds 2 x hair apart: 0.0281
    close = _constructed([0.0284 + hair, 0.0284 - hair], [0.0, 0.0]).verdict
    assert close.startswith("synthloom rows help: minority PR-AUC +0.0284 over real rows alone (±0.0281")


def test_the_classes_augment_balances_are_classes_to_evaluate(three_classes) -> None:
    """An integer class 1..3 was balanced by augment but predicted as a number by evaluate and bench;
    one rule (``metadata.is_class_target``) reads it as classes for all three; past its levels a target is
    a quantity, which augment refuses and evaluate predicts as a number."""
    from synthloom.data.metadata import MAX_LEVEL_VALUES
    from synthloom.metrics import prepare
    from synthloom.metrics.utility import target_task

    assert sorted(class_counts(three_classes, "label").index) == [1, 2, 3]
    assert target_task(prepare(three_classes, three_classes), "label") == "classification"
    many = three_classes.assign(label=np.arange(len(three_classes)) % (MAX_LEVEL_VALUES + 1))
    with pytest.raises(DataError, match=rf"whole numbers on {MAX_LEVEL_VALUES + 1} levels: a quantity"):
        class_counts(many, "label")
    assert target_task(prepare(many, many), "label") == "regression"


@pytest.mark.parametrize(
    ("values", "held"),
    [
        (np.tile([0.5, 1.5, 2.5], 20), "continuous numbers on 3 levels"),
        (np.arange(25) % 15, "whole numbers on 15 levels of 1.7 rows on average"),
    ],
)
def test_augment_refuses_the_numbers_evaluate_predicts_as_a_quantity(values, held) -> None:
    """Decimals on 3 levels and whole numbers on 15 levels of 1-2 rows were balanced by augment, which
    took any numbers on at most 20 values as classes, while evaluate predicted them as a number; the same
    rule (``metadata.holds_classes``) now decides for both, and declaring the target categorical in the
    metadata makes it classes for both."""
    from synthloom.metrics import prepare
    from synthloom.metrics.utility import target_task

    frame = pd.DataFrame({"x": np.arange(len(values), dtype=float), "y": values})
    assert target_task(prepare(frame, frame), "y") == "regression"
    refusal = f"^target column 'y' holds {held}: a quantity, not classes .*; bin it"
    with pytest.raises(DataError, match=refusal):
        class_counts(frame, "y")
    categorical = {"columns": {"y": {"kind": "categorical"}}}
    assert len(class_counts(frame, "y", categorical)) == len(np.unique(values))


def test_synthetic_rows_that_do_not_look_like_their_class_are_called_out(
    default_frame, majority_in_disguise
) -> None:
    """Rows labelled "Yes" that look like "No" passed without a word: a classifier trained on real rows
    recognises them as "Yes" far less often than held-out real "Yes" rows; honest rows (the copula per
    class, as augment fits it) are recognised as often."""
    from synthloom.augmentation import class_recognition, recognition_warnings

    plan = {"Yes": 300}
    honest = synthetic_rows(default_frame, "default", plan, "copula", per_class=True, random_state=0)
    table = class_recognition(default_frame, honest, "default")
    assert not table["doubtful"].any() and not recognition_warnings(table, "default")
    bad = synthetic_rows(
        default_frame, "default", plan, majority_in_disguise().fit(default_frame), random_state=0
    )
    table = class_recognition(default_frame, bad, "default")
    (row,) = table.to_dict("records")
    assert row["doubtful"] and row["synthetic_recognised"] < 0.5 * row["real_recognised"]
    (line,) = recognition_warnings(table, "default")
    assert line.startswith("synthetic rows of 'default' = 'Yes' do not look like that class")
    assert f"recognises {row['synthetic_recognised']:.0%} of them" in line and "another generator" in line
    # the augmented table's check and the evaluation's (other fits) gave two shares; the warning says which
    with pytest.warns(DataWarning, match="^the augmented table's synthetic rows of 'default' = 'Yes' do not"):
        augment(default_frame, "default", majority_in_disguise().fit(default_frame), rows_per_class=plan)


def test_the_evaluation_measures_whether_its_rows_look_like_their_class(
    default_frame, majority_in_disguise, tmp_path
) -> None:
    with pytest.warns(DataWarning, match="'Yes' do not look like that class"):
        result = evaluate_augmentation(
            default_frame,
            "default",
            majority_in_disguise(),
            ratio=0.3,
            seeds=2,
            methods=("none", "synthloom"),
            per_class=False,
        )
    (row,) = result.recognition.to_dict("records")
    assert row["class"] == "Yes" and row["doubtful"]
    page = result.to_html(tmp_path / "augment.html").read_text()
    assert "Do the synthloom rows look like their class?" in page and "do not look like the class" in page


def test_without_a_terminal_evaluation_reports_progress_in_plain_lines(default_frame, monkeypatch, capsys):
    """Piped or logged, the evaluation's bar never showed: its seeds' fits and scores passed in silence."""
    from synthloom import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    evaluate_augmentation(
        default_frame, "default", "copula", seeds=2, methods=["none"], random_state=3, verbose=True
    )
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(", ")[0] for line in lines] == [
        "augmentation: 1 of 2 (seed 3: none)",
        "augmentation: 2 of 2 (seed 4: none)",
    ]
    evaluate_augmentation(default_frame, "default", "copula", seeds=1, methods=["none"])
    assert capsys.readouterr().err == ""


def test_per_class_generators_keep_the_orders_all_rows_keep() -> None:
    """94 rows of a rare class were too few to learn an order from (100 show one): its copula left a balance
    above its amount in 16% of the rows added, where no real row has one. Here some 60 rare rows."""
    rng = np.random.default_rng(5)
    amount = rng.lognormal(8, 0.7, 3_000).round(2)
    data = pd.DataFrame(
        {
            "amount": amount,
            "balance": (amount * rng.uniform(0, 1, 3_000)).round(2),
            "label": np.where(rng.random(3_000) < 0.02, "rare", "common"),
        }
    )
    assert (data["label"] == "rare").sum() < MIN_ORDER_ROWS  # too few to show an order on their own
    rows = synthetic_rows(data, "label", {"rare": 2_000}, "copula", per_class=True, random_state=0)
    assert len(rows) == 2_000 and (rows["label"] == "rare").all()
    assert (rows["balance"] <= rows["amount"]).all()
    assert [order.name for order in orders_kept(data, "label")] == ["balance <= amount"]
    ranges = [
        {"type": "range", "column": "balance", "low": 5_000, "high": 10_000},
        {"type": "range", "column": "amount", "low": 0, "high": 4_000},
    ]
    assert orders_kept(data, "label", constraints=ranges) == []  # the ranges rule the order out
    # keep_orders=False: neither path keeps it (augment had no way to turn it off)
    for per_class in (True, False):
        model, params = ("copula", None) if per_class else ("tvae", {"epochs": 2})
        rows = synthetic_rows(
            data,
            "label",
            {"rare": 2_000},
            model,
            params,
            per_class=per_class,
            random_state=0,
            keep_orders=False,
        )
        assert (rows["balance"] > rows["amount"]).mean() > 0.01, per_class
    kept = augment(data, "label", "tvae", model_params={"epochs": 2}, random_state=0)
    assert (kept["balance"] <= kept["amount"]).all()
    for call in (augment, evaluate_augmentation):  # "no" is true to Python: the orders were kept
        with pytest.raises(ConfigError, match="keep_orders must be True or False, not 'no'"):
            call(data, "label", "copula", keep_orders="no")


def test_a_warning_of_one_class_fit_names_the_class():
    """Fitted per class, each class's fit warned of its own rows' stray text ("3 value(s) ... 'n/a'", then
    "5 value(s) ..."), in words that named no class."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300).round(2).astype(object), "y": ["a"] * 240 + ["b"] * 60})
    frame.loc[[1, 2, 3, 250, 251], "x"] = "n/a?"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        augment(frame, "y", "copula", ratio=1.0, per_class=True, random_state=0)
    strays = [str(w.message) for w in said if "not numbers" in str(w.message)]
    assert any(text.startswith("fitting a generator on the 60 rows of class 'b' of 'y': ") for text in strays)
    assert all(text.startswith("fitting a generator on the ") for text in strays), strays


def test_a_wide_table_is_augmented_without_a_fragmented_frame():
    """On a 194-column sensor table pandas warned of a "highly fragmented" frame (one block a column) as
    the marker column was added to the rows."""
    rng = np.random.default_rng(0)
    wide = pd.DataFrame(rng.normal(size=(200, 120))).add_prefix("s")
    wide["fault"] = np.where(np.arange(200) < 20, "yes", "no")
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.PerformanceWarning)
        both = augment(wide, "fault", "copula", ratio=0.5, mark_synthetic=True, random_state=0)
    assert both["is_synthetic"].sum() == 70 and list(both.columns) == [*wide.columns, "is_synthetic"]
