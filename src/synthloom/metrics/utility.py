"""Utility: does a model trained on synthetic rows do as well on real rows as one trained on real rows?

Train-synthetic-test-real (TSTR) is always shown next to its baseline, train-real-test-real (TRTR), for two
model families (gradient boosting; logistic regression or ridge-regularised linear regression), on the
same real test rows. Augmentation trains on real + synthetic rows and compares with real rows alone.

Real training rows are the ``train`` table when given; otherwise the real rows are split in half (one half
trains the baseline, the other tests every model; each class of a class target in equal shares), which the
report says.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy.stats import binom
from sklearn.base import BaseEstimator, clone
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)

from synthloom.data.encoders import nearest_levels
from synthloom.data.metadata import (
    MAX_LEVEL_VALUES,
    NUMERIC_KINDS,
    ColumnKind,
    is_class_target,
    shown_level,
    stamps_held,
)
from synthloom.metrics.encoding import (
    MIN_ROWS,
    TableEncoder,
    Tables,
    boosting_model,
    single_threaded,
    subsample_index,
)
from synthloom.metrics.privacy import copied_rows
from synthloom.metrics.result import INFO, POOR, FamilyResult, Score, decimal_text, grade, telling_decimals

MAX_TRAIN_ROWS = 20_000  # per training table: bounds the time, and more rows rarely change the ranking
MAX_TEST_ROWS = 50_000  # real test rows scored: plenty for 3-decimal metrics, bounded memory
SETTINGS = {"TRTR": "real rows", "TSTR": "synthetic rows", "augmented": "real + synthetic rows"}
CLASSIFICATION_METRICS = ("roc_auc", "macro_f1", "accuracy", "pr_auc")
REGRESSION_METRICS = ("r2", "mae")
METRIC_LABELS = {
    "roc_auc": "ROC-AUC",
    "macro_f1": "macro F1",
    "accuracy": "accuracy",
    "pr_auc": "minority PR-AUC",
    "r2": "R²",
    "mae": "MAE",
}
MODEL_LABELS = {
    "gradient_boosting": "gradient boosting",
    "logistic": "logistic regression",
    "linear": "linear regression",
}
# Gap in the main metric (TRTR - TSTR) judged good / fair, by task.
_GAP_LIMITS = {"classification": (0.02, 0.05), "regression": (0.05, 0.15)}
# Below this main metric trained on real rows, the target is not predictable from the other columns and a
# small gap means nothing (synthetic rows at chance match real ones at chance).
_INFORMATIVE_TRTR = {"classification": 0.55, "regression": 0.05}
# A rarest class under this share of the real rows makes accuracy and macro F1 read high for a model that
# predicts only the majority (0.986 and 0.496 on 1.4% fraud): they are shown, not graded, and minority
# PR-AUC (chance: the class's share, whatever the majority) is
IMBALANCED_SHARE = 0.10
_THRESHOLD_METRICS = ("macro_f1", "accuracy")


@dataclass
class _Data:
    """Features and labels of the three tables a utility run needs.

    Attributes:
        task: "classification" or "regression".
        features: view -> table -> matrix; views are "one_hot" (linear models) and "compact" (one column
            per table column, for gradient boosting); tables are "train", "test", "synthetic".
        labels: table -> labels (class codes shared by the three tables, or numbers).
        n_labels: number of classes (0 for regression).
        categorical: which compact columns hold category codes.
    """

    task: str
    features: dict[str, dict[str, np.ndarray]]
    labels: dict[str, np.ndarray]
    n_labels: int
    categorical: np.ndarray


def utility(tables: Tables, target: str, random_state: int = 0) -> FamilyResult:
    """Utility family: TSTR next to TRTR for two model families, plus augmentation.

    Args:
        tables: prepared tables.
        target: column to predict; as classes where ``target_task`` says so (categories, and whole numbers
            on a few levels), else as a number.
        random_state: seed of the subsamples, the split (without ``train``) and the models.

    Example:
        >>> result = utility(prepare(real_test, synthetic, train=real_train), target="income")
        >>> result.tables["tstr_trtr"][["setting", "model", "roc_auc"]]
    """
    reason = _why_not(tables, target)
    if reason:
        return FamilyResult.skipped("utility", reason)
    task = target_task(tables, target)
    train, test, note = _real_split(tables, target, task, random_state)
    frames = [frame[frame[target].notna()] for frame in (train, test, tables.synthetic)]
    reason = _why_not_rows(frames, target) or _why_not_unseen(*frames)
    if reason:
        return FamilyResult.skipped("utility", reason)
    off_levels = None
    if task == "classification" and tables.metadata.columns[target].kind in NUMERIC_KINDS:
        frames[2], off_levels = _on_real_levels(frames[2], target, _real_target(tables, target))
    data = _encode(tables, target, task, *frames, random_state)
    with single_threaded():
        table, predictions = _tstr_table(data, random_state)
    reason = _why_not_predictable(table, data.task)
    if reason:  # the table stays, to show it
        return FamilyResult("utility", tables={"tstr_trtr": table}, not_computed=reason)
    interval = _gain_interval(predictions, data, random_state, _baselines(table, data.task)[0])
    classes = data.task == "classification"
    # the real classes' shares, read once for the lacking classes, the balance sentence and the grading
    shares = _real_target(tables, target).value_counts(normalize=True) if classes else None
    lacking, few = _synthetic_class_rows(frames[2][target], shares, tables, target) if classes else ([], [])
    result = FamilyResult(
        "utility",
        scores=_utility_scores(
            table,
            data.task,
            interval,
            _class_balance_text(tables, target, shares),
            lacking=bool(lacking),
            imbalanced=classes and shares.min() < IMBALANCED_SHARE,
        ),
        tables={"tstr_trtr": table},
    )
    result.warnings += lacking + few
    if note:
        result.warnings.append(note)
    if off_levels:
        result.warnings.append(off_levels)
    result.warnings += _empty_feature_warnings(frames, target)
    if data.task == "classification":
        result.warnings += _few_rows_warnings(frames[0][target], frames[1][target], tables, target, note)
    return result


# the share of synthetic rows equal to real test rows from which utility is a leak, not a score
TEST_COPIES = 0.1
# rows of a class below which one test row more or less moves a ROC-AUC by a few hundredths (the gap's
# verdict is then as much the test rows' chance as the generator's doing), and below which gradient
# boosting cannot learn the class from the real training rows: 23 fraud rows of 1,500 (half a 3,000-row
# hold-out) gave it ROC-AUC 0.50 to 0.74 over six splits, 0.48 on evaluate's own, where 175 gave 0.72
FEW_CLASS_ROWS = 30


def _few_rows_warnings(
    train: pd.Series, test: pd.Series, tables: Tables, target: str, split_note: str | None
) -> list[str]:
    """Warnings of a class too rare in the real training rows (the baseline cannot learn it) or in the
    test rows (its scores are uncertain); ``split_note``: set where both are halves of the real rows."""
    remedy = (
        "give the generator's training rows (--train, or train=...) for the baseline to learn from"
        if split_note
        else "give more real training rows"
    )
    consequence = {
        "training": "too few for gradient boosting to learn the class, so the real baseline (TRTR) can sit "
        f"near chance and every comparison with it is unsure; {remedy}",
        "test": "the ROC-AUC gap moves by a few hundredths with a single row, so its verdict is uncertain; "
        "evaluate on more test rows",
    }
    # counted on every real class: a class with no row in a table is missing from its value_counts (a
    # one-row class, split class by class, goes wholly to the test half), and was the rarest of all
    levels = _real_target(tables, target).dropna().unique()
    found = []
    for rows, source in ((train, "training"), (test, "test")):
        counts = rows.value_counts().reindex(levels, fill_value=0)
        if counts.min() >= FEW_CLASS_ROWS:
            continue
        rarest = f"{target!r} = {tables.level_text(target, counts.idxmin())}"
        held = f"no row of {rarest}" if counts.min() == 0 else f"only {counts.min()} row(s) of {rarest}"
        found.append(f"the real {source} rows hold {held}: {consequence[source]}")
    return found


# rows of a class below which a model has little to learn it from: synthetic rows here (said in a warning,
# as the synthetic table's size gives it as much as the generator does: a faithful 200-row table of a 2.65%
# class holds 5), and the real rows a generator learns a class from in augment (its MIN_CLASS_ROWS)
MIN_CLASS_ROWS = 10
# odds under which a class's synthetic count is too low for its real share to explain: the generator lost
# the class (no row where 10 were expected: 4.5e-5), which grades utility poor
LACKING_ODDS = 1e-3


def _synthetic_class_rows(
    synthetic: pd.Series, shares: pd.Series, tables: Tables, target: str
) -> tuple[list[str], list[str]]:
    """Warnings of real classes the synthetic rows lack, and of those they hold few rows of; ``shares``:
    each real class's share of the real rows.

    Only a class under ``MIN_CLASS_ROWS`` synthetic rows is either. Lacking: fewer than its real
    share predicts for the synthetic table's size, with odds under ``LACKING_ODDS`` (binomial lower tail):
    the generator's doing, which grades utility poor. Few: as many as chance allows at that size: no
    verdict, as a larger sample of the same generator would hold more.
    """
    held = synthetic.value_counts()
    rows = len(synthetic)
    lacking, few = [], []
    for level, share in shares.items():
        count = int(held.get(level, 0))
        if count >= MIN_CLASS_ROWS:  # enough to learn from; a share off the real one is fidelity's
            continue
        name = f"{target!r} = {tables.level_text(target, level)}"
        expected = (
            f"{rows:,} synthetic rows would hold about {share * rows:.1f} at its real share, {share:.2%}"
        )
        held_text = f"no {name} row" if count == 0 else f"only {count} row(s) of {name} ({count / rows:.2%})"
        if binom.cdf(count, rows, share) < LACKING_ODDS:
            lacking.append(
                f"synthetic rows hold {held_text} where {expected} (odds under 1 in "
                f"{1 / LACKING_ODDS:,.0f}): models trained on them cannot learn it, so utility is poor"
            )
        else:
            few.append(
                f"synthetic rows hold {held_text}, as chance allows ({expected}): models trained on them "
                "have few rows to learn it from, so their scores are unsure; sample more synthetic rows"
            )
    return lacking, few


def _class_balance_text(tables: Tables, target: str, shares: pd.Series | None) -> str:
    """The task sentence, and for classes (``shares``: each one's share of the real rows; None for a
    quantity) the rarest one's share, saying which metrics are graded where it is under
    ``IMBALANCED_SHARE``."""
    sentence = task_text(tables, target)
    if shares is None:
        return sentence
    rarest = f"{target!r} = {tables.level_text(target, shares.idxmin())}"
    balance = f"The rarest class, {rarest}, is {shares.min():.2%} of the real rows"
    if tables.train is not None:  # the scores are on the held-out rows, whose share sets PR-AUC's chance
        scored = float((tables.real[target] == shares.idxmin()).mean())
        balance += f" ({scored:.2%} of the held-out rows scored)"
    balance += "."
    if shares.min() < IMBALANCED_SHARE:
        balance = balance[:-1] + (
            ": a model predicting only the majority reads high accuracy and macro F1, so they are not "
            "graded; minority PR-AUC (average precision of the rarest class; chance = its share of the rows "
            "scored) is."
        )
    return f"{sentence} {balance}".strip()


def target_task(tables: Tables, target: str) -> str:
    """How utility predicts ``target``: "classification" or "regression", by ``is_class_target`` on the real
    rows (training rows included), so that ``evaluate``, ``bench`` and ``augment`` call the same columns
    classes: a cover type coded 1 to 7 is balanced by ``augment`` and scored by ROC-AUC here.

    Example:
        >>> target_task(prepare(real_test, synthetic, train=real_train), "income")
        'classification'
    """
    kind = tables.metadata.columns[target].kind
    return "classification" if is_class_target(_real_target(tables, target), kind) else "regression"


def _real_target(tables: Tables, target: str) -> pd.Series:
    """The target's values in every real row, training rows included: what decides the task and its
    classes, whatever the synthetic rows hold."""
    real = [tables.real[target]] if tables.train is None else [tables.train[target], tables.real[target]]
    return pd.concat(real, ignore_index=True)


def task_text(tables: Tables, target: str) -> str:
    """How a target of numbers is predicted, and how to change it: a number column may be read either way.
    Empty for categories, which can only be classes. Its levels are counted on the real rows, which decide
    the task: synthetic values off them are no classes of their own (``_on_real_levels``).

    Example:
        >>> task_text(prepare(real_test, synthetic, train=real_train), "grade")
        "'grade' holds whole numbers on 7 levels, predicted as classes (at most 20 levels are classes); ..."
    """
    kind = tables.metadata.columns[target].kind
    if kind not in NUMERIC_KINDS:
        return ""
    real = _real_target(tables, target)
    if is_class_target(real, kind):  # ``target_task``, on the real values counted below too
        levels = real.nunique()
        return (
            f"{target!r} holds whole numbers on {levels} levels, predicted as classes (at most "
            f"{MAX_LEVEL_VALUES} levels are classes); declare it continuous in the metadata to predict it "
            "as a number."
        )
    return (
        f"{target!r} holds numbers, predicted as a number (whole numbers on at most {MAX_LEVEL_VALUES} "
        "levels would be classes); declare it categorical in the metadata to predict it as classes."
    )


def _on_real_levels(synthetic: pd.DataFrame, target: str, real: pd.Series) -> tuple[pd.DataFrame, str | None]:
    """The synthetic rows with each target value off the real levels (3.2 or 8 where real rows hold 1 to
    7) moved to the nearest real level, and a warning giving their share; None when every value is a level.

    Moved rather than left out: a generator that adds noise to a class code typically does so on every
    row, and leaving those rows out would leave nothing to train on (or only the rows it happened to write
    whole), where the nearest level is the class a user of those rows would have to read them as. Kept as
    values of their own, they were thousands of "classes" no test row holds.
    """
    levels = np.sort(real.dropna().unique().astype(float))
    values = synthetic[target].to_numpy(dtype=float)
    off = ~np.isin(values, levels)
    if not off.any():
        return synthetic, None
    nearest = nearest_levels(values, levels)
    moved = synthetic.copy()
    moved[target] = np.where(off, nearest, values)
    real_text = ", ".join(shown_level(float(level)) for level in levels)
    return moved, (
        f"{off.mean():.1%} of synthetic rows ({off.sum():,}) hold a value of {target!r} that no real row "
        f"holds (real levels: {real_text}): the generator writes values between or beyond the classes; "
        "utility reads each as the nearest real level"
    )


def _why_not(tables: Tables, target: str) -> str | None:
    if target not in tables.columns:
        return f"the target column {target!r} is an identifier or empty in the real data"
    spec = tables.metadata.columns[target]
    if spec.kind == ColumnKind.DATETIME:
        held = stamps_held(spec.datetime_format)
        return f"the target column {target!r} holds {held}, which these models do not predict"
    if len(tables.columns) < 2:
        return "the target is the only column, so there is nothing to predict it from"
    return None


def _why_not_rows(frames: list[pd.DataFrame], target: str) -> str | None:
    for frame, source in zip(frames, ("real training", "real test", "synthetic"), strict=True):
        if len(frame) < MIN_ROWS:
            return f"the {source} rows have fewer than {MIN_ROWS} rows with a value in {target!r}"
    for frame, source in zip(frames[:2], ("real training", "real test"), strict=True):
        if frame[target].nunique() < 2:
            return (
                f"the target {target!r} has a single value in the {source} rows, so there is nothing to learn"
            )
    return None


def _why_not_unseen(train: pd.DataFrame, test: pd.DataFrame, synthetic: pd.DataFrame) -> str | None:
    """Why the synthetic rows cannot be scored on the test rows: many of them are test rows, so a model
    trained on them has seen its exam (the real test rows given as synthetic scored "good", TSTR 1.0).
    A share of copies over three times the real training rows' own (rows of a few categories repeat by
    nature) and over ``TEST_COPIES`` is such a leak."""
    copies = float(copied_rows(synthetic, test).mean())
    natural = float(copied_rows(train, test).mean())
    if copies < max(TEST_COPIES, 3 * natural):
        return None
    return (
        f"{copies:.0%} of the synthetic rows are exact copies of real test rows (of the real training rows: "
        f"{natural:.0%}), so models trained on them have seen the rows they are tested on; was the "
        "generator fitted on the test rows, or is the synthetic file real data?"
    )


def _why_not_predictable(table: pd.DataFrame, task: str) -> str | None:
    """Why the gap would mean nothing: models trained on real rows do no better than chance (synthetic rows
    at chance then match them, and a small gap read "good")."""
    main = "roc_auc" if task == "classification" else "r2"
    chance = at_chance(float(table.loc[table["setting"] == "TRTR", main].mean()), main)
    if chance is None:
        return None
    return (
        f"models trained on the real rows do {chance}: the target is not predictable from the other "
        "columns, so there is no use of the data to compare"
    )


def at_chance(trtr: float, metric: str) -> str | None:
    """ "no better than chance (R² -0.191)" when a TRTR of ``trtr`` (``metric``: "roc_auc" or "r2") is too
    low for TSTR beside it to mean anything, else None. None for NaN too: a score not computed (no test
    row of a class both ways) tells nothing of chance, and read "no better than chance (ROC-AUC nan)"."""
    task = "classification" if metric == "roc_auc" else "regression"
    if np.isnan(trtr) or trtr >= _INFORMATIVE_TRTR[task]:
        return None
    return f"no better than chance ({METRIC_LABELS[metric]} {decimal_text(trtr, 3)})"


def _empty_feature_warnings(frames: list[pd.DataFrame], target: str) -> list[str]:
    """Feature columns without a value in the real training or synthetic rows: nothing to learn from."""
    found = []
    for frame, source in zip((frames[0], frames[2]), ("real training", "synthetic"), strict=True):
        empty = [name for name in frame.columns if name != target and frame[name].isna().all()]
        if empty:
            found.append(
                f"column(s) {empty} are empty in the {source} rows; models trained on those rows learn "
                "nothing from them, which can widen the gap"
            )
    return found


def _real_split(
    tables: Tables, target: str, task: str, random_state: int
) -> tuple[pd.DataFrame, pd.DataFrame, str | None]:
    """The real training and test rows: ``train`` and the real rows, or else two halves of the real rows.

    A class target is split class by class, half of each class's rows on each side: drawn at random, the
    42 fraud rows of a 3,000-row hold-out fell 23 / 19, and a rarer class can land wholly on one side.
    """
    if tables.train is not None:
        return tables.train, tables.real, None
    rng = np.random.default_rng(random_state)
    real = tables.real
    groups = (
        [np.flatnonzero(mask) for mask in _class_masks(real[target])]
        if task == "classification"
        else [np.arange(len(real))]
    )
    chosen = np.zeros(len(real), dtype=bool)
    odd = 0
    for rows in groups:
        # a class of an odd count gives its extra row to each half in turn: the halves differ by a row
        half = len(rows) // 2 + (odd % 2 if len(rows) % 2 else 0)
        odd += len(rows) % 2
        chosen[rng.permutation(rows)[:half]] = True
    note = (
        "No real training rows were given: the real baseline (TRTR) trains on half of the real rows and "
        "every model is tested on the other half."
    )
    return real[chosen], real[~chosen], note


def _class_masks(labels: pd.Series) -> list[np.ndarray]:
    """One boolean mask per value of ``labels``, missing values one group of their own."""
    codes, _ = pd.factorize(labels, use_na_sentinel=True)
    return [codes == code for code in np.unique(codes)]


def _encode(
    tables: Tables,
    target: str,
    task: str,
    train: pd.DataFrame,
    test: pd.DataFrame,
    synthetic: pd.DataFrame,
    random_state: int,
) -> _Data:
    rng = np.random.default_rng(random_state)
    train = train.iloc[subsample_index(len(train), MAX_TRAIN_ROWS, rng)]
    synthetic = synthetic.iloc[subsample_index(len(synthetic), MAX_TRAIN_ROWS, rng)]
    test = test.iloc[subsample_index(len(test), MAX_TEST_ROWS, rng)]
    numeric = [c for c in tables.numeric if c != target]
    discrete = [c for c in tables.discrete if c != target]
    encoder = TableEncoder(numeric, discrete).fit(train, test, synthetic)
    frames = {"train": train, "test": test, "synthetic": synthetic}
    targets = [frame[target] for frame in frames.values()]
    if task == "classification":
        codes, classes = pd.factorize(pd.concat(targets, ignore_index=True))
        labels = dict(zip(frames, np.split(codes, np.cumsum([len(t) for t in targets])[:-1]), strict=True))
        n_labels = len(classes)
    else:
        labels = {name: t.to_numpy(dtype=float) for name, t in zip(frames, targets, strict=True)}
        n_labels = 0
    features = {
        "one_hot": {name: encoder.transform(frame) for name, frame in frames.items()},
        "compact": {name: encoder.transform_compact(frame) for name, frame in frames.items()},
    }
    return _Data(task, features, labels, n_labels, encoder.categorical_mask)


def _models(data: _Data, random_state: int) -> dict[str, tuple[BaseEstimator, str]]:
    """Each model family with the feature view it trains on."""
    boosting = boosting_model(data.task, data.categorical, random_state)
    if data.task == "classification":
        return {
            "gradient_boosting": (boosting, "compact"),
            "logistic": (LogisticRegression(max_iter=1000), "one_hot"),
        }
    return {"gradient_boosting": (boosting, "compact"), "linear": (Ridge(alpha=1.0), "one_hot")}


def _training_sets(data: _Data, view: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    x, y = data.features[view], data.labels
    return {
        "TRTR": (x["train"], y["train"]),
        "TSTR": (x["synthetic"], y["synthetic"]),
        "augmented": (np.vstack([x["train"], x["synthetic"]]), np.concatenate([y["train"], y["synthetic"]])),
    }


def _tstr_table(data: _Data, random_state: int) -> tuple[pd.DataFrame, dict[tuple[str, str], np.ndarray]]:
    """The scores of every model and setting, and their predictions of the test rows by (setting, model)."""
    metrics = CLASSIFICATION_METRICS if data.task == "classification" else REGRESSION_METRICS
    rows, predictions = [], {}
    for model_name, (model, view) in _models(data, random_state).items():
        for setting, (x, y) in _training_sets(data, view).items():
            row = {"setting": setting, "trained_on": SETTINGS[setting], "model": model_name, "note": ""}
            if len(np.unique(y)) < 2:
                # all a model can learn from one target value is to predict it: score that, a total loss
                row["note"] = "the training target has a single value: the model predicts it for every row"
                fitted = _constant_model(data.task).fit(x, y)
            else:
                fitted = clone(model).fit(_fillable(x), y)
            predicted = _predictions(fitted, data.features[view]["test"], data)
            predictions[setting, model_name] = predicted
            row.update(_test_scores(predicted, data.labels["test"], data.task))
            rows.append(row)
    return pd.DataFrame(rows, columns=["setting", "trained_on", "model", *metrics, "note"]), predictions


def _constant_model(task: str) -> BaseEstimator:
    return DummyClassifier(strategy="most_frequent") if task == "classification" else DummyRegressor()


def _fillable(x: np.ndarray) -> np.ndarray:
    """``x`` with every column that has no value set to 0: a constant, from which trees learn nothing.

    A column of missing values is as uninformative, but gradient boosting cannot bin it (scikit-learn
    raises), and a collapsed generator can well leave a column empty in its synthetic rows.
    """
    empty = np.isnan(x).all(axis=0)
    if not empty.any():
        return x
    filled = x.copy()
    filled[:, empty] = 0.0
    return filled


def _predictions(model: BaseEstimator, x: np.ndarray, data: _Data) -> np.ndarray:
    """Predicted values (regression), or probabilities of every class, one column per class code."""
    if data.task == "regression":
        return model.predict(x)
    probabilities = np.zeros((len(x), data.n_labels))
    probabilities[:, model.classes_] = model.predict_proba(x)  # classes the training rows lacked get 0
    return probabilities


def _test_scores(predicted: np.ndarray, y: np.ndarray, task: str) -> dict[str, float]:
    if task == "regression":
        return {"r2": float(r2_score(y, predicted)), "mae": float(mean_absolute_error(y, predicted))}
    # the most likely class: ties go to the lowest code, as argmax over the model's own classes did
    classes = np.argmax(predicted, axis=1)
    return {
        "roc_auc": _macro_auc(y, predicted),
        "macro_f1": float(f1_score(y, classes, average="macro")),
        "accuracy": float(accuracy_score(y, classes)),
        "pr_auc": _minority_pr_auc(y, predicted),
    }


def _minority_pr_auc(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Average precision (PR-AUC) of the rarest class in ``labels`` against the rest, as ``augment
    --evaluate`` scores its rare classes: a model that ranks nothing scores the class's share, however
    large the majority, where accuracy reads 0.986 on 1.4% fraud."""
    codes, counts = np.unique(labels, return_counts=True)
    rarest = codes[np.argmin(counts)]
    if counts.min() == len(labels):
        return float("nan")
    return float(average_precision_score(labels == rarest, probabilities[:, rarest]))


BOOTSTRAP_RESAMPLES = 200  # of the test rows, for the augmentation gain's 95% interval
_RESAMPLES_AT_ONCE = 25  # scored together: a (25, rows) matrix of weights, 10 MB at 50,000 test rows


def _gain_interval(
    predictions: dict[tuple[str, str], np.ndarray], data: _Data, random_state: int, models: list[str]
) -> tuple[float, float]:
    """95% interval of the augmentation gain (augmented - TRTR main metric, averaged over ``models``), by a
    paired bootstrap of the test rows: both settings' predictions of each resample's rows are scored, so
    the interval is the test rows' chance alone, at no refit. One split can read +0.002 "helps" where the
    test rows drawn otherwise give anything from -0.014 to +0.010.

    A resample is scored as the test rows weighted by how often it draws each (``_weighted_scores``), the
    same numbers as scoring its rows: scikit-learn's ROC-AUC once per resample, class, model and setting
    took 8 s of a 16 s evaluation of loans' seven grades.
    """
    y = data.labels["test"]
    main = "roc_auc" if data.task == "classification" else "r2"
    rng = np.random.default_rng(random_state)
    gains = []
    for start in range(0, BOOTSTRAP_RESAMPLES, _RESAMPLES_AT_ONCE):
        count = min(_RESAMPLES_AT_ONCE, BOOTSTRAP_RESAMPLES - start)
        weights = np.stack(
            [np.bincount(rng.integers(0, len(y), len(y)), minlength=len(y)) for _ in range(count)]
        )
        weights = weights.astype(float)

        def score(setting: str, weights: np.ndarray = weights) -> np.ndarray:
            return np.mean(
                [_weighted_scores(predictions[setting, m], y, weights, main) for m in models], axis=0
            )

        gains.append(score("augmented") - score("TRTR"))
    low, high = np.nanpercentile(np.concatenate(gains), [2.5, 97.5])
    return float(low), float(high)


def _weighted_scores(predicted: np.ndarray, y: np.ndarray, weights: np.ndarray, metric: str) -> np.ndarray:
    """The main metric of ``predicted`` for each row of ``weights`` (resamples x test rows: how many times
    each test row is drawn): macro ROC-AUC over the classes a resample holds, or R²."""
    if metric == "r2":
        total = weights.sum(axis=1)
        mean = weights @ y / total
        residual = weights @ (y - predicted) ** 2
        spread = (weights * (y[None, :] - mean[:, None]) ** 2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.0 - residual / spread
    per_class = [_weighted_auc(predicted[:, c], y == c, weights) for c in np.unique(y)]
    with warnings.catch_warnings():  # a resample holding no class both ways: NaN, as _macro_auc gives
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(per_class, axis=0)


def _weighted_auc(scores: np.ndarray, positive: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """ROC-AUC of ``scores`` for each row of ``weights`` (NaN where a resample lacks either class): the
    weighted share of (positive, negative) pairs the scores order right, ties counting half, as
    ``roc_auc_score`` of the resampled rows gives."""
    order = np.argsort(scores, kind="stable")
    ranked = scores[order]
    ties = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])  # first row of each run of equal scores
    drawn = weights[:, order]
    positives = np.add.reduceat(drawn * positive[order], ties, axis=1)
    negatives = np.add.reduceat(drawn * ~positive[order], ties, axis=1)
    below = np.cumsum(negatives, axis=1) - negatives  # negatives scored lower than each run
    pairs = positives.sum(axis=1) * negatives.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pairs > 0, (positives * (below + 0.5 * negatives)).sum(axis=1) / pairs, np.nan)


def _macro_auc(labels: np.ndarray, probabilities: np.ndarray) -> float:
    """One-vs-rest ROC-AUC averaged over the classes present in the test rows (binary: the usual AUC)."""
    present = [c for c in np.unique(labels) if 0 < (labels == c).sum() < len(labels)]
    if not present:
        return float("nan")
    return float(np.mean([roc_auc_score(labels == c, probabilities[:, c]) for c in present]))


_GAIN_GOOD, _GAIN_FAIR = -0.005, -0.02  # a small loss is no verdict against augmenting: the text says so


def _utility_scores(
    table: pd.DataFrame,
    task: str,
    interval: tuple[float, float],
    task_sentence: str,
    lacking: bool = False,
    imbalanced: bool = False,
) -> list[Score]:
    """The gap, the gain and a score per cell of ``table``; ``interval``: the gain's, over the models
    ``_baselines`` judges.

    ``lacking``: the synthetic rows miss a real class (``_synthetic_class_rows``), which makes the gap and
    every graded TSTR cell poor, whatever the baseline. Else a model whose real baseline is at chance is
    left out of the gap and the gain (its TSTR cells not judged): a baseline at chance makes any TSTR "as
    good" (0.500 beside 0.478 read good), while the other model's comparison still tells. ``imbalanced``:
    the rarest class is under ``IMBALANCED_SHARE``, where accuracy and macro F1 go ungraded and minority
    PR-AUC is graded (``_cell_score``).
    """
    main = "roc_auc" if task == "classification" else "r2"
    by = table.set_index(["setting", "model"])
    judged, weak = _baselines(table, task)
    # every baseline at chance is 'not computed' upstream (``_why_not_predictable``); the numbers are then
    # the mean of every model, not judged
    averaged = table[table["model"].isin(judged or table["model"].unique())]
    trtr, tstr, augmented = averaged.groupby("setting", sort=False)[main].mean()[
        ["TRTR", "TSTR", "augmented"]
    ]
    good, fair = _GAP_LIMITS[task]
    label = METRIC_LABELS[main]
    # each number is the mean of the model families, which read as one model's score without saying so
    names = [MODEL_LABELS[model] for model in averaged["model"].unique()]
    models = " and ".join(names)
    each = f"each the mean of {models}" if len(names) > 1 else f"each of {models} alone"
    gap_meaning = (
        f"Trained on synthetic rows, models reach {label} {decimal_text(tstr, 3)} on real test rows, "
        f"against {decimal_text(trtr, 3)} when trained on real rows ({each}; gap "
        f"{decimal_text(trtr - tstr, 3)}; 0 = synthetic data is as useful). {task_sentence}".rstrip()
    )
    if table.loc[table["setting"] == "TSTR", "note"].str.len().all():
        gap_meaning += (
            " The synthetic rows hold a single value of the target, so a model trained on them can only "
            "predict that value."
        )
    gap_verdict = grade(trtr - tstr, good, fair, higher_is_better=False)
    gain = _gain_score(augmented - trtr, interval, label, models)
    if weak and judged:
        gap_meaning += f" Left out: {weak}."
        gain = replace(gain, meaning=f"{gain.meaning} Left out: {weak}.")
    elif weak:
        gap_meaning += f" Not judged: {weak}."
        gap_verdict = INFO
        gain = replace(gain, meaning=f"{gain.meaning} Not judged: {weak}.", verdict=INFO)
    if lacking:  # before the baseline: no baseline makes synthetic rows without a class any use
        gap_meaning += " The synthetic rows miss a class of the target (see the warnings): poor."
        gap_verdict = POOR
    scores = [Score("gap", f"TRTR - TSTR {label}", trtr - tstr, gap_meaning, gap_verdict), gain]
    for row in table.itertuples():
        for metric in CLASSIFICATION_METRICS if task == "classification" else REGRESSION_METRICS:
            scores.append(_cell_score(row, metric, by, lacking, imbalanced))
    return scores


def _baselines(table: pd.DataFrame, task: str) -> tuple[list[str], str]:
    """The models whose real baseline (TRTR main metric) is not at chance, and "the real baseline of
    gradient boosting is no better than chance (ROC-AUC 0.478)" for the others ("" where none is): the gap
    and the gain are the mean of the first, as a baseline at chance pulls both toward "as good"."""
    main = "roc_auc" if task == "classification" else "r2"
    trtr = table[table["setting"] == "TRTR"].set_index("model")[main]
    judged, weak = [], []
    for model, value in trtr.items():
        chance = at_chance(float(value), main)
        if chance:
            weak.append(f"the real baseline of {MODEL_LABELS[model]} is {chance}")
        else:
            judged.append(model)
    return judged, "; ".join(weak)


def _gain_score(gain: float, interval: tuple[float, float], label: str, models: str) -> Score:
    """The augmentation gain with its 95% interval; within noise (the interval holds 0) it is neither good
    nor bad, whatever its sign on this split."""
    low, high = interval
    places = telling_decimals([(gain, 0.0), (low, 0.0), (high, 0.0)])
    noise = low <= 0 <= high
    allows = f"good: it costs at most {-_GAIN_GOOD}, fair: at most {-_GAIN_FAIR}"
    reading = f"augmentation {'helps' if low > 0 else 'hurts'} ({allows})"
    if noise:
        reading = (
            f"within noise: these test rows tell no gain from no loss, so no grade (outside it, {allows})"
        )
    return Score(
        "augmentation_gain",
        f"Augmentation gain ({label})",
        gain,
        f"Adding synthetic rows to the real training rows changes {label} by "
        f"{decimal_text(gain, places, True)} (the mean of {models}; 95% interval "
        f"{decimal_text(low, places, True)} to {decimal_text(high, places, True)}, resampling the test "
        f"rows): {reading}.",
        INFO if noise else grade(gain, _GAIN_GOOD, _GAIN_FAIR),
    )


def _cell_score(row: tuple, metric: str, by: pd.DataFrame, lacking: bool, imbalanced: bool) -> Score:
    """A cell of the table beside its real baseline. Not graded: accuracy and macro F1 on an imbalanced
    target, minority PR-AUC on a balanced one (ROC-AUC ranks its classes there, and PR-AUC's limits, a
    share of a baseline near 1, read noise as a loss). Then a TSTR cell is poor where the synthetic rows
    miss a class (``lacking``), and not judged where the model's real baseline is at chance."""
    value = getattr(row, metric)
    baseline = by.loc[("TRTR", row.model), metric]
    model, label = MODEL_LABELS[row.model], METRIC_LABELS[metric]
    meaning = f"{label} on real test rows of {model} trained on {row.trained_on}"
    name, title = f"{row.setting.lower()}.{row.model}.{metric}", f"{row.setting} {model} {label}"
    if row.setting == "TRTR":
        return Score(name, title, value, meaning + " (the baseline).", INFO)
    if imbalanced and metric in _THRESHOLD_METRICS:
        return Score(
            name,
            title,
            value,
            f"{meaning}. Not graded: the target's rarest class is under {IMBALANCED_SHARE:.0%} of rows, "
            "where predicting only the majority reads high.",
            INFO,
        )
    if metric == "pr_auc" and not imbalanced:
        return Score(
            name,
            title,
            value,
            f"{meaning}. Not graded: every class is at least {IMBALANCED_SHARE:.0%} of rows, where ROC-AUC "
            "grades the ranking of each.",
            INFO,
        )
    if lacking and row.setting == "TSTR":
        return Score(name, title, value, f"{meaning}. The synthetic rows miss a class: poor.", POOR)
    main = "roc_auc" if "roc_auc" in by.columns else "r2"
    weak = at_chance(float(by.loc[("TRTR", row.model), main]), main)
    if weak:
        return Score(name, title, value, f"{meaning}; not judged: the real baseline is {weak}.", INFO)
    worse = (value - baseline) if metric == "mae" else (baseline - value)
    # MAE and PR-AUC have no fixed scale (PR-AUC's chance is the class's share): a share of the baseline
    relative = metric in ("mae", "pr_auc")
    limits = (0.1 * abs(baseline), 0.25 * abs(baseline)) if relative else (0.02, 0.05)
    return Score(
        name,
        title,
        value,
        f"{meaning}; the real-data baseline is {decimal_text(baseline, 3)}.",
        grade(worse, *limits, higher_is_better=False),
    )
