"""Class balancing with a conditional generator, and the measurement that says whether it helps.

``augment`` learns a generator on the real table and draws extra rows of chosen classes of the target
column with ``sample(n, conditions={target: class})`` (exact for categories) — or, per class, learns one
generator from each class's own rows — then returns the real rows followed by the synthetic ones,
optionally with a column marking which rows are synthetic.

``evaluate_augmentation`` proves it or says it does not hold: per seed, a new stratified split holds back
real test rows; the same downstream classifier (gradient boosting) is trained on the real training rows
alone (``none``), plus random copies of rare-class rows (``random``), plus SMOTE rows (``smote``,
imbalanced-learn) and plus synthloom rows (``synthloom``); every method adds the same number of rows per
class, and all are scored on the same held-back real rows. Seeds vary the split, the generator, the
oversamplers and the classifier together, so the spread covers all of them, and since every method shares
each seed's split, methods are compared seed by seed (paired differences).

Scores are about the rare classes (those the strategy adds rows to): average precision (PR-AUC), ROC-AUC,
F1 and recall of each rare class against the rest (recall and F1 at the classifier's most likely class),
averaged over the rare classes when there are several.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from scipy import stats
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import average_precision_score, f1_score, recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

from synthloom.data.constraints import ConstraintSet, Inequality, as_rules
from synthloom.data.encoders import column_numbers
from synthloom.data.identifiers import ID_REDRAWS, IdentifierEncoder
from synthloom.data.io import first_named
from synthloom.data.metadata import (
    DISCRETE_KINDS,
    MAX_LEVEL_VALUES,
    MIN_LEVEL_ROWS,
    NUMERIC_KINDS,
    ColumnKind,
    ColumnSpec,
    Metadata,
    as_labels,
    as_metadata,
    check_text_names,
    holds_classes,
    learned_metadata,
    shown_level,
    stamps_held,
    target_kind,
)
from synthloom.data.number_text import holds_numbers
from synthloom.errors import ConfigError, DataError, DataWarning, MissingDependencyError, caller_stacklevel
from synthloom.metrics.encoding import boosting_model, single_threaded
from synthloom.metrics.result import FAIR, GOOD, INFO, POOR, decimal_text, telling_decimals
from synthloom.metrics.utility import MIN_CLASS_ROWS  # fewer real rows: a generator cannot learn the class
from synthloom.models.base import check_param_names
from synthloom.progress import plain_lines_for, transient_progress
from synthloom.registry import model_class, table_model_class
from synthloom.training.settings import check_flag

DEFAULT_MODEL = "ddpm"  # the best gain measured in benchmarks/augment.py
DEFAULT_SEEDS = 5  # splits an evaluation runs
MARKER_COLUMN = "is_synthetic"
SHOWN_CLASSES = 5  # the classes a refusal names; it counts the rest
METHODS = ("none", "random", "smote", "synthloom")
METRICS = ("pr_auc", "roc_auc", "f1", "recall")
METRIC_LABELS = {"pr_auc": "PR-AUC", "roc_auc": "ROC-AUC", "f1": "F1", "recall": "recall"}
METHOD_LABELS = {
    "none": "real rows only",
    "random": "random oversampling",
    "smote": "SMOTE",
    "synthloom": "synthloom rows",
}
AUGMENT_EXTRA_HINT = "pip install 'synthloom[augment]'"
_MAX_CATEGORY_CODES = 250  # gradient boosting takes at most 255 categories per feature


# -- what to generate ---------------------------------------------------------------------------------------
class MissingTargetWarning(DataWarning):
    """Rows without a value in the target: no class to grow, nor to score (``missing_target_text``)."""


class RecognitionWarning(DataWarning):
    """Synthetic rows of a class that a classifier trained on real rows seldom recognises as it
    (``recognition_warnings``)."""


KEPT_UNGROWN = "the augmented table keeps them as they are, with no rows added like them"
LEFT_OUT = "the evaluation leaves them out"


def missing_target_text(data: pd.DataFrame, target: str, fates: Sequence[str]) -> str | None:
    """What happens to the rows without a value in ``target`` (``fates``: ``KEPT_UNGROWN``, ``LEFT_OUT``),
    or None when every row has one: they belong to no class, so none is grown or scored."""
    missing = int(data[target].isna().sum())
    if not missing:
        return None
    return f"{missing:,} row(s) have no value in {target!r}: {'; '.join(fates)}"


def _warn_missing_target(data: pd.DataFrame, target: str, fate: str) -> None:
    text = missing_target_text(data, target, [fate])
    if text is not None:
        warnings.warn(text, MissingTargetWarning, stacklevel=caller_stacklevel())


def class_counts(
    data: pd.DataFrame, target: str, metadata: Metadata | Mapping[str, Any] | None = None
) -> pd.Series:
    """Real rows per class of ``target``, most frequent first; refuses a target that is not a class label.

    A target of numbers holds classes as ``evaluate`` and ``bench`` read them (``metadata.holds_classes``):
    whole numbers on a few levels with rows enough on each, or numbers ``metadata`` declares categorical.

    Raises:
        DataError: ``data`` is not a DataFrame, ``target`` is not one of its columns, has fewer than two
            classes, or holds numbers that are a quantity rather than classes.

    Example:
        >>> class_counts(sl.datasets.load("default"), "default").to_dict()
        {'No': 9667, 'Yes': 333}
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError(f"augment expects a pandas DataFrame, not {type(data).__name__}")
    check_text_names(data.columns)  # as the generator's fit would, before the classes are counted
    if target not in data.columns:
        raise DataError(f"target column {target!r} is not in the data; columns are: {list(data.columns)}")
    given = as_metadata(metadata)
    # a date or id target is refused for what it holds before its values are counted as classes (362
    # admission days were "classes with fewer than 10 real rows"); text is always classes
    spec = given.columns.get(target) if given is not None else None
    if spec is None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the fit's own inference says them, once
            spec = Metadata.infer(data[[target]]).columns[target]
    _refuse_unclassed(target, spec)
    counts = _class_sizes(data[target])
    if holds_numbers(data[target].dropna()) and not holds_classes(data, target, given):
        raise DataError(_quantity_text(data, target, given, len(counts)))
    if len(counts) < 2:
        raise DataError(f"target column {target!r} has {len(counts)} class(es); balancing needs at least 2")
    return counts


def _class_sizes(labels: pd.Series) -> pd.Series:
    """Rows per value of ``labels``, most frequent first, without the missing ones and the unused
    categories (a filtered table's), which are no classes."""
    counts = labels.dropna().value_counts()
    return counts[counts > 0]


def _quantity_text(data: pd.DataFrame, target: str, metadata: Metadata | None, levels: int) -> str:
    """Why a target of numbers is a quantity rather than classes, and what to do about it, in a line."""
    kind = target_kind(data, target, metadata)
    if kind != ColumnKind.INTEGER:
        held = f"{kind} numbers on {levels} levels"
    elif levels > MAX_LEVEL_VALUES:
        held = f"whole numbers on {levels} levels"
    else:  # few levels, too few rows on each: a small table's measurements
        rows = data[target].notna().sum() / levels
        held = f"whole numbers on {levels} levels of {rows:.1f} rows on average"
    return (
        f"target column {target!r} holds {held}: a quantity, not classes (classes, as evaluate reads "
        f"them, are categories or whole numbers on at most {MAX_LEVEL_VALUES} levels of {MIN_LEVEL_ROWS} "
        "rows or more on average); bin it into classes first, or declare it categorical in the metadata"
    )


def plan_rows(
    counts: pd.Series,
    ratio: float | None = None,
    rows_per_class: Mapping[Hashable, int] | None = None,
    target: str = "target",
) -> dict[Hashable, int]:
    """Synthetic rows to draw per class.

    Args:
        counts: real rows per class (``class_counts``).
        ratio: bring every class below ``ratio`` x the largest class up to that size (imbalanced-learn's
            float ``sampling_strategy``, for any number of classes); 1.0 balances fully. The default
            when ``rows_per_class`` is not given.
        rows_per_class: extra rows to add per class, e.g. ``{"Yes": 500}``. Unlike imbalanced-learn's
            dict, the numbers are rows *added*, not the final class size. Keys also match by their text,
            so ``{"1": 50}`` names the class ``1``.
        target: the target's name, for messages.

    Returns:
        class -> rows to add, only classes that get rows, in ``counts`` order.

    Raises:
        ConfigError: both or a bad strategy, an unknown class. DataError: a class to grow has fewer than
            ``MIN_CLASS_ROWS`` real rows.

    Example:
        >>> plan_rows(pd.Series({"No": 9667, "Yes": 333}), ratio=0.5)
        {'Yes': 4500}
    """
    plan = _planned(counts, ratio, rows_per_class, target)
    small = [label for label in plan if counts[label] < MIN_CLASS_ROWS]
    if len(small) == 1:
        raise DataError(
            f"class {shown_level(small[0])} of {target!r} has {counts[small[0]]} real row(s); a generator "
            f"needs at least {MIN_CLASS_ROWS} to learn it: collect more rows or leave the class out"
        )
    if small:  # all of them, or leaving the one named out would only bring up the next
        named = [
            f"{shown_level(label)} ({counts[label]} row{'s' if counts[label] > 1 else ''})" for label in small
        ]
        raise DataError(
            f"{len(small):,} classes of {target!r} have fewer than {MIN_CLASS_ROWS} real rows, which a "
            f"generator needs to learn a class ({first_named(named, SHOWN_CLASSES)}): collect more rows or "
            "leave these classes out"
        )
    return plan


def _planned(
    counts: pd.Series, ratio: float | None, rows_per_class: Mapping[Hashable, int] | None, target: str
) -> dict[Hashable, int]:
    """``plan_rows`` without its check of each class's real rows."""
    if ratio is not None and rows_per_class is not None:
        raise ConfigError("give either a ratio or rows per class, not both")
    if rows_per_class is None:
        ratio = 1.0 if ratio is None else ratio
        if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 < ratio <= 1:
            raise ConfigError(f"ratio must be a number in (0, 1] (share of the largest class), not {ratio!r}")
        # rounded down, as imbalanced-learn's float sampling_strategy is (int(majority x ratio - n)): 4,500
        # rows on default at 0.5 (9,667 x 0.5 = 4,833.5, less 333), where rounding up added 4,501
        goal = math.floor(ratio * int(counts.max()))
        return {label: goal - int(n) for label, n in counts.items() if n < goal}
    return _resolve_classes(counts, rows_per_class, target)


def _resolve_classes(counts: pd.Series, rows_per_class: Mapping[Hashable, int], target: str) -> dict:
    if not isinstance(rows_per_class, Mapping) or not rows_per_class:
        raise ConfigError("rows per class must be a non-empty mapping of class -> rows to add")
    # a class of whole numbers held as floats (codes 0/1 beside blanks) is named as the file writes it, 1
    by_text = {str(label): label for label in counts.index}
    by_text.update({class_text(label): label for label in counts.index})
    plan: dict[Hashable, int] = {}
    for key, n in rows_per_class.items():
        label = key if key in counts.index else by_text.get(str(key))
        if label is None:
            classes = [class_text(label) for label in counts.index]
            raise ConfigError(f"class {key!r} is not in {target!r}; its classes are: {classes}")
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
            raise ConfigError(f"rows to add for class {key!r} must be a whole number >= 0, not {n!r}")
        if n > 0:
            plan[label] = int(n)
    return plan


def class_text(label: Hashable) -> str:
    """A class as the data file writes it, unquoted: ``1`` for a whole number held as a float (``1.0``:
    codes beside blanks), which ``rows_per_class`` also takes as its name."""
    return label if isinstance(label, str) else shown_level(label)


def target_metadata(
    data: pd.DataFrame, target: str, metadata: Metadata | Mapping[str, Any] | None = None
) -> Metadata:
    """Column kinds with the target as a category, so a generator samples each class exactly.

    ``metadata`` (a ``Metadata`` or its JSON form as a dict) sets the kinds of the columns it names.

    Raises:
        DataError: the target holds dates, times of day or identifiers. ConfigError: malformed metadata.
    """
    given = as_metadata(metadata)
    meta = Metadata.infer(data) if given is None else given.completed(data)
    _refuse_unclassed(target, meta.columns[target])
    if meta.columns[target].kind not in (ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN):
        meta.set_kind(target, ColumnKind.CATEGORICAL)
    return meta


def _refuse_unclassed(target: str, spec: ColumnSpec) -> None:
    """Refuse a target of dates, times of day or identifiers: what it holds is no class label."""
    kind = spec.kind
    if kind in (ColumnKind.DATETIME, ColumnKind.IDENTIFIER):
        held = stamps_held(spec.datetime_format) if kind == ColumnKind.DATETIME else f"{kind} values"
        raise DataError(f"target column {target!r} holds {held}, not classes; choose a class column")


# -- generating ---------------------------------------------------------------------------------------------
def build_generator(model: Any, model_params: Mapping[str, Any] | None, random_state: int | None) -> Any:
    """An unfitted tabular generator from a registry name (``model_params`` it does not take are refused).

    A generator object passes through unchanged (fitted or not): the caller chose its settings.
    """
    if not isinstance(model, str):
        if model_params:
            raise ConfigError("model_params apply to a model name; set them on the generator object instead")
        return model
    generator_class = table_model_class(model)  # an image generator refused as every command refuses it
    check_param_names(generator_class, model_params or {})
    return generator_class(**{"random_state": random_state, **(model_params or {})})


def with_progress(model: Any, model_params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``model_params`` plus ``verbose=True`` when the named generator shows training progress."""
    if not isinstance(model, str) or "verbose" not in model_class(model, "table").param_names():
        return dict(model_params) if model_params else None
    return {"verbose": True, **(model_params or {})}


def check_evaluable(plan: Mapping[Hashable, int], target: str) -> None:
    """Refuse to evaluate a strategy that adds no rows: there is no gain to measure."""
    if not plan:
        raise ConfigError(f"the strategy adds no rows to any class of {target!r}: nothing to evaluate")


def check_splits(
    data: pd.DataFrame,
    target: str,
    *,
    ratio: float | None = None,
    rows_per_class: Mapping[Hashable, int] | None = None,
    seeds: int = DEFAULT_SEEDS,
    test_share: float = 0.3,
    random_state: int = 0,
) -> None:
    """Refuse, before any fit, an evaluation that one of its seeds' splits would stop (the arguments are
    ``evaluate_augmentation``'s): a class too small to split, or a class to grow left with fewer than
    ``MIN_CLASS_ROWS`` training rows once ``test_share`` of its rows is held back.

    Only the target is split, as ``evaluate_augmentation`` splits the rows: a class of 12 rows passed
    ``plan_rows`` on the whole table, then seed 0 kept 8 to train on and stopped the evaluation (after
    ``augment --evaluate -o`` had written its table) naming 8 real rows where the file holds 12.

    Raises:
        DataError: the split or a class to grow that it leaves too small, named with its real rows.
    """
    # the target was read as classes on the whole table (``class_counts``): a split is only counted, since
    # a training split's levels hold fewer rows than the table's
    labels = data.loc[data[target].notna(), [target]].reset_index(drop=True)
    totals = _class_sizes(labels[target])
    for seed in range(random_state, random_state + seeds):
        train, _ = _stratified_split(labels, target, seed, test_share)
        counts = _class_sizes(train[target])
        for label in _planned(counts, ratio, rows_per_class, target):
            if counts[label] < MIN_CLASS_ROWS:
                raise DataError(
                    f"class {shown_level(label)} of {target!r} has {totals[label]} real rows; the evaluation "
                    f"holds back {test_share:.0%} of them for testing, leaving {counts[label]} to learn from "
                    f"(seed {seed}), and a generator needs at least {MIN_CLASS_ROWS}: collect more rows, "
                    "leave the class out, or augment without evaluating"
                )


def fits_per_class(model: Any, per_class: bool | None) -> bool:
    """``per_class`` as given, or when None: per class for a generator without a learned conditional,
    named or an unfitted object of such a class (a fitted object is sampled as it was fitted: conditionally).

    In ``benchmarks/augment.py`` one copula per class helped on default (+0.031 PR-AUC), one sampled
    conditionally on the class more (+0.050, since its links to numbers are read as latent ones; -0.077
    before), but a classifier of real rows recognises the conditional copula's rare rows far less often on
    adult (0.49x as often as real ones, per class 1.0 - 1.2x), so the copula stays per class; the diffusion
    model, sampled conditionally, +0.042. The class decides, not the name: an unfitted
    ``get_model("copula")`` (or a subclass of it) was sampled conditionally where ``"copula"`` was not.
    """
    if per_class is not None:
        return bool(per_class)
    if isinstance(model, str):
        generator_class = model_class(model, "table")
    elif _is_fitted(model):
        return False
    else:
        generator_class = type(model)
    return not getattr(generator_class, "supports_category_conditions", False)


def _is_fitted(generator: Any) -> bool:
    # the models' own test: a failed fit's leftovers (transformer_) are no fit
    return bool(getattr(generator, "__sklearn_is_fitted__", lambda: False)())


# the warnings a rule's fit gives of the real rows (broken by some, a side given without the other)
_RULE_WARNING = r"(constraint|rule) '"


def orders_kept(
    data: pd.DataFrame,
    target: str,
    metadata: Metadata | Mapping[str, Any] | None = None,
    constraints: Sequence[Any] | None = None,
) -> list[Inequality]:
    """The orders between number or datetime columns that ``augment(keep_orders=True)`` has its rows keep
    beside ``constraints``: those all of ``data``'s rows keep (``constraints.learn_orders``) and the
    declared rules leave in place (a declared range can rule one out), as inequalities."""
    meta = learned_metadata(data, target_metadata(data, target, metadata))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _RULE_WARNING, DataWarning)  # the rules' own: said by their fit
        return _kept_orders(ConstraintSet(constraints, keep_orders=True).fit(data, meta))


def _kept_orders(rules: ConstraintSet) -> list[Inequality]:
    return [rule for rule in rules.rules_ if isinstance(rule, Inequality) and rule.learned_]


def synthetic_rows(
    data: pd.DataFrame,
    target: str,
    plan: Mapping[Hashable, int],
    model: Any = DEFAULT_MODEL,
    model_params: Mapping[str, Any] | None = None,
    metadata: Metadata | Mapping[str, Any] | None = None,
    random_state: int | None = None,
    per_class: bool | None = None,
    constraints: Sequence[Any] | None = None,
    keep_orders: bool = True,
) -> pd.DataFrame:
    """Only the synthetic rows ``augment`` would add: ``plan[c]`` rows of each class ``c``, in plan order."""
    check_flag("keep_orders", keep_orders)  # "no" is true to Python: the orders were kept
    meta = target_metadata(data, target, metadata)
    if not plan:
        # nothing to draw, so nothing to learn (a fit takes minutes with ddpm); the model is still built,
        # so a wrong name or setting fails now rather than on the data that needs rows
        build_generator(model, model_params, random_state)
        return data.iloc[:0].copy()
    seeds = [int(s) for s in np.random.SeedSequence(random_state).generate_state(len(plan))]
    if fits_per_class(model, per_class):
        if _is_fitted(model):
            raise ConfigError(
                "per_class fits a new generator for each class: give the model by name or unfitted, or pass "
                "per_class=False to sample this fitted generator conditionally"
            )
        # the orders every class keeps are learned from all rows: a rare class has too few to show them
        # (of 94 rows, the classes' generators left a balance above its amount in 16% of the rows added)
        declared = as_rules(constraints)
        rules = list(declared)
        if declared or keep_orders:
            # checked once, on every row: each class's fit alone counted and named only its own rows breaking
            # a rule (37 of 1,400), and took a rule naming no column of the table for a problem of its class
            checked = ConstraintSet(declared, keep_orders=keep_orders).fit(data, learned_metadata(data, meta))
            rules += _kept_orders(checked)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _RULE_WARNING, DataWarning)  # said above, of all rows
            parts = [
                _fit_on_class(
                    _class_generator(model, model_params, seed), data, target, label, meta, rules
                ).sample(n)
                for (label, n), seed in zip(plan.items(), seeds, strict=False)
            ]
    else:
        generator = build_generator(model, model_params, random_state)
        if not _is_fitted(generator):
            # on by default in every synthloom generator: asked for only when off, so that a generator
            # object of one's own with no such setting still fits
            generator.fit(
                data, meta, constraints=constraints, **({} if keep_orders else {"keep_orders": False})
            )
        elif constraints:
            raise ConfigError("the generator is fitted already: give the rules to its fit, which keeps them")
        elif target not in generator.metadata_.columns:
            raise ConfigError(f"the fitted generator was not trained on a column {target!r}")
        parts = [
            generator.sample(n, conditions={target: label}, random_state=seed)
            for (label, n), seed in zip(plan.items(), seeds, strict=False)
        ]
    rows = _new_ids(pd.concat(parts, ignore_index=True), data, meta, seeds[0])
    # astype by column leaves a block a column, and the marker column added to that warned of a "highly
    # fragmented" frame on a 194-column table: the copy joins the blocks again
    return rows[list(data.columns)].astype(data.dtypes.to_dict(), errors="ignore").copy()


def _class_generator(model: Any, model_params: Mapping[str, Any] | None, seed: int) -> Any:
    """An unfitted generator for one class: built from a name, or a copy of an object (each class's copy
    learns from that class's rows only, and the caller's object stays unfitted)."""
    generator = build_generator(model, model_params, seed)
    return generator if isinstance(model, str) else _unfitted_copy(generator, seed, "for each class")


def _fit_on_class(
    generator: Any,
    data: pd.DataFrame,
    target: str,
    label: Hashable,
    meta: Metadata,
    constraints: Sequence[Any],
) -> Any:
    """``generator`` fitted on one class's rows; a refusal names the class, since the rows it speaks of
    ("a rule broken by every real row", a column with no value) are that class's, not the table's."""
    rows = data[data[target] == label]
    where = f"fitting a generator on the {len(rows)} rows of class {shown_level(label)} of {target!r}"
    try:
        # its warnings too: each class's fit counted its own rows' marks ("11 value(s) ... '?'", then 15)
        # in words that named no class
        with warnings.catch_warnings(record=True) as said:
            fitted = generator.fit(rows, meta, constraints=constraints, keep_orders=False)  # all orders given
    except (ConfigError, DataError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    for warning in said:
        warnings.warn(f"{where}: {warning.message}", warning.category, stacklevel=caller_stacklevel())
    return fitted


def _new_ids(rows: pd.DataFrame, data: pd.DataFrame, meta: Metadata, seed: int) -> pd.DataFrame:
    """The synthetic rows' ids, drawn once for all classes from the real table's ids: numbers past the
    largest real one, text ids unique across classes and none a real one (a model fitted on one class
    counts from that class's largest id, which other classes' real rows may hold, and draws text ids of its
    own)."""
    rng = np.random.default_rng(seed)
    for name in meta.columns_of(ColumnKind.IDENTIFIER):
        encoder = IdentifierEncoder(name, meta.columns[name]).fit(data[name], rng)
        # kept in the ids' own dtype (Int64, UInt64): through numpy, a gap made ids past 2**53 floats, which
        # rounded neighbouring ids onto one
        ids = encoder.ids(0, len(rows)).set_axis(rows.index)
        # the real ids are at hand here: an added row holding one would repeat it in the table
        real, drawn = set(data[name].dropna()), len(ids)
        for _ in range(ID_REDRAWS):
            clash = np.flatnonzero(ids.isin(real).to_numpy())
            if not clash.size:
                break
            ids.iloc[clash] = encoder.ids(drawn, clash.size).to_numpy()  # ids of rows past the added ones
            drawn += clash.size
        rows[name] = ids.where(rows[name].notna())
    return rows


def augment(
    data: pd.DataFrame,
    target: str,
    model: Any = DEFAULT_MODEL,
    *,
    ratio: float | None = None,
    rows_per_class: Mapping[Hashable, int] | None = None,
    model_params: Mapping[str, Any] | None = None,
    metadata: Metadata | Mapping[str, Any] | None = None,
    mark_synthetic: bool | str = False,
    per_class: bool | None = None,
    constraints: Sequence[Any] | None = None,
    keep_orders: bool = True,
    random_state: int | None = None,
) -> pd.DataFrame:
    """Real rows plus synthetic rows of the rare classes, drawn by a conditional generator.

    Args:
        data: the real table.
        target: class column to balance.
        model: generator name (``synthloom.list_models()``) or a generator object; a fitted one is used
            as it is, an unfitted one is fitted on ``data``.
        ratio: bring every class below ``ratio`` x the largest class up to it (default 1.0: balance).
        rows_per_class: instead, rows to add per class, e.g. ``{"Yes": 500}`` (rows added, not final size).
        model_params: generator settings, e.g. ``{"epochs": 100}``.
        metadata: column kinds, overriding inference (a ``Metadata`` or its JSON form as a dict); the
            target is always treated as a category.
        mark_synthetic: add a boolean column marking synthetic rows: True names it ``is_synthetic``,
            a string names it.
        per_class: True learns one generator per class to grow, from that class's rows only; False
            fits one generator on all rows and samples it with ``conditions={target: c}`` (a fitted
            generator object is always sampled so). None (default): per class for generators without a
            learned conditional (the copula), conditional for the neural ones (see ``fits_per_class``).
        constraints: business rules every synthetic row keeps, as ``fit`` takes them.
        keep_orders: the synthetic rows also keep the orders all real rows keep between two number or
            two datetime columns that no rule names (``orders_kept``), as ``fit(keep_orders=True)``.
        random_state: seed of the generator and of the draws: the same seed gives the same rows.

    Returns:
        The real rows, then the synthetic rows, with a fresh index.

    Raises:
        DataError: unusable target or a class with too few rows. ConfigError: bad strategy or model.

    Example:
        >>> real = sl.datasets.load("default")
        >>> balanced = sl.augment(real, "default", model="ddpm", ratio=0.5, mark_synthetic=True)
        >>> balanced.groupby("is_synthetic")["default"].value_counts()
    """
    counts = class_counts(data, target, metadata)
    _warn_missing_target(data, target, KEPT_UNGROWN)
    marker = marker_name(data, mark_synthetic)
    plan = plan_rows(counts, ratio, rows_per_class, target)
    # before the warning below: ids as the target ("every class already meets the ratio") are refused there
    fake = synthetic_rows(
        data, target, plan, model, model_params, metadata, random_state, per_class, constraints, keep_orders
    )
    if not plan:
        why = (
            "no rows were asked for" if rows_per_class is not None else "every class already meets the ratio"
        )
        warnings.warn(f"{target!r}: {why}; no rows added", DataWarning, stacklevel=caller_stacklevel())
    for line in _recognition_check(data, fake, target, metadata, random_state):
        warnings.warn(line, RecognitionWarning, stacklevel=caller_stacklevel())
    both = pd.concat([data, fake], ignore_index=True)
    if marker is not None:
        both[marker] = np.arange(len(both)) >= len(data)
    return both


def _recognition_check(
    data: pd.DataFrame,
    fake: pd.DataFrame,
    target: str,
    metadata: Metadata | Mapping[str, Any] | None,
    random_state: int | None,
) -> list[str]:
    """``recognition_warnings`` of the rows ``augment`` adds, on a split of its real rows of its own.

    Run without an evaluation too: it is one classifier's fit (0.4 s on default, 1.0 s on adult; a neural
    generator fits for minutes), and the user who does not evaluate is the one who would otherwise add
    rows of the majority labelled rare without a word.
    """
    if fake.empty:
        return []
    try:
        table = class_recognition(data, fake, target, metadata, random_state=random_state)
    except DataError:  # a class of a single row, or no feature column: nothing to hold back or learn from
        return []
    return recognition_warnings(table, target, "the augmented table's synthetic rows")


def mean_and_spread(mean: float, spread: float) -> str:
    """``0.460 ± 0.018``, or the mean alone where no spread was measured (one seed)."""
    return f"{mean:.3f}" if math.isnan(spread) else f"{mean:.3f} ± {spread:.3f}"


def marker_name(data: pd.DataFrame, mark_synthetic: bool | str) -> str | None:
    """The name of the column marking synthetic rows (None: no marker); one ``data`` holds is refused."""
    if mark_synthetic is False or mark_synthetic is None:
        return None
    name = MARKER_COLUMN if mark_synthetic is True else str(mark_synthetic)
    if name in data.columns:
        fix = "rename or drop it, or name the marker otherwise (in Python: mark_synthetic='...')"
        raise ConfigError(f"the data already has a column {name!r}, the synthetic rows' marker; {fix}")
    return name


# -- measuring ----------------------------------------------------------------------------------------------
class _Features:
    """Real training table -> float matrix shared by the classifier, SMOTE and every method's rows.

    Numbers (datetimes as seconds since the epoch) are standardised, missing ones set to the training
    median, because SMOTE's neighbours need comparable scales and no gaps; categories become codes of their
    most frequent levels (missing is a level of its own, unseen levels share an "other" code).
    """

    def __init__(self, metadata: Metadata, target: str) -> None:
        self.metadata = metadata
        self.target = target

    def fit(self, frame: pd.DataFrame) -> _Features:
        columns = self.metadata.columns
        self.numeric_ = [c for c, s in columns.items() if c != self.target and s.kind in NUMERIC_KINDS]
        self.discrete_ = [c for c, s in columns.items() if c != self.target and s.kind in DISCRETE_KINDS]
        if not self.numeric_ and not self.discrete_:
            raise DataError(f"no feature column is left to predict {self.target!r} from")
        values = {c: self._numbers(frame[c]) for c in self.numeric_}
        self.medians_, self.scales_ = {}, {}
        for name, numbers in values.items():
            present = numbers[np.isfinite(numbers)]
            self.medians_[name] = float(np.median(present)) if present.size else 0.0
            self.scales_[name] = float(present.std()) if present.size and present.std() > 0 else 1.0
        self.levels_ = {
            c: pd.Index(as_labels(frame[c]).value_counts().index[:_MAX_CATEGORY_CODES])
            for c in self.discrete_
        }
        return self

    @property
    def categorical_mask(self) -> np.ndarray:
        return np.array([False] * len(self.numeric_) + [True] * len(self.discrete_))

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        columns = []
        for name in self.numeric_:
            values = self._numbers(frame[name])
            values[~np.isfinite(values)] = self.medians_[name]
            columns.append((values - self.medians_[name]) / self.scales_[name])
        for name in self.discrete_:
            codes = self.levels_[name].get_indexer(as_labels(frame[name])).astype(float)
            codes[codes < 0] = len(self.levels_[name])
            columns.append(codes)
        return np.column_stack(columns)

    def _numbers(self, series: pd.Series) -> np.ndarray:
        spec = self.metadata.columns[str(series.name)]
        return column_numbers(
            series, spec.kind == ColumnKind.DATETIME, spec.datetime_format, spec.number_format
        )


@dataclass
class _Split:
    """One seed's data: encoded training and test rows, class codes, and the rows each method adds."""

    seed: int
    train: pd.DataFrame
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    plan: dict[int, int]  # class code -> rows to add
    features: _Features
    codes: dict[Any, int]  # class label -> code


def _random_rows(split: _Split) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(split.seed)
    picks = [rng.choice(np.flatnonzero(split.y_train == code), n) for code, n in split.plan.items()]
    chosen = np.concatenate(picks) if picks else np.zeros(0, dtype=int)
    return split.x_train[chosen], split.y_train[chosen]


def _smote_rows(split: _Split) -> tuple[np.ndarray, np.ndarray]:
    try:
        from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC
    except ImportError:
        raise MissingDependencyError(
            f"the SMOTE baseline needs imbalanced-learn, which is not installed: {AUGMENT_EXTRA_HINT}"
        ) from None
    mask = split.features.categorical_mask
    sizes = np.bincount(split.y_train)
    k = int(min(5, min(sizes[code] for code in split.plan) - 1))
    goal = {code: int(sizes[code] + n) for code, n in split.plan.items()}
    options = {"sampling_strategy": goal, "k_neighbors": k, "random_state": split.seed}
    if mask.all():
        sampler = SMOTEN(**options)
    elif mask.any():
        # a list: imbalanced-learn 0.14 compares the argument with "auto", which an array cannot answer
        sampler = SMOTENC(categorical_features=np.flatnonzero(mask).tolist(), **options)
    else:
        sampler = SMOTE(**options)
    x, y = sampler.fit_resample(split.x_train, split.y_train)
    return x[len(split.x_train) :], y[len(split.x_train) :]


def _new_rows(method: str, split: _Split, generate: Any) -> tuple[np.ndarray, np.ndarray]:
    if method == "none":
        return split.x_train[:0], split.y_train[:0]
    if method == "random":
        return _random_rows(split)
    if method == "smote":
        return _smote_rows(split)
    rows = generate(split)
    return split.features.transform(rows), rows[split.features.target].map(split.codes).to_numpy(dtype=int)


def _classifier_scores(
    model: BaseEstimator, split: _Split, x: np.ndarray, y: np.ndarray, rare: Sequence[int]
) -> dict[str, float]:
    with single_threaded():
        fitted = model.fit(x, y)
        probabilities = fitted.predict_proba(split.x_test)
    predicted = fitted.classes_[np.argmax(probabilities, axis=1)]
    columns = {code: i for i, code in enumerate(fitted.classes_)}
    by_class = []
    for code in rare:
        truth = split.y_test == code
        score = probabilities[:, columns[code]]
        by_class.append(
            {
                "pr_auc": average_precision_score(truth, score),
                "roc_auc": roc_auc_score(truth, score),
                "f1": f1_score(truth, predicted == code, zero_division=0.0),
                "recall": recall_score(truth, predicted == code, zero_division=0.0),
            }
        )
    return {metric: float(np.mean([c[metric] for c in by_class])) for metric in METRICS}


# -- are the synthetic rows of a class recognised as it? ----------------------------------------------------
# A class's synthetic rows are doubtful when a classifier trained on real rows recognises them as their class
# at most this share as often as it recognises held-out real rows of the class. Measured (default 10,000
# rows, adult 5,000; "Yes" and ">50K" grown to balance): real rows of the class in place of synthetic ones,
# 10 splits, 0.84 - 1.41x (default: 50 test rows) and 0.90 - 1.04x (adult); the copula per class 0.99 -
# 1.19x; the copula sampled conditionally (``fits_per_class``) 0.19x and 0.43x while its correlations were
# not read as latent ones (0.96x and 0.49x since); rows of the majority relabelled rare 0.09x and 0.17x ...
RECOGNITION_RATIO = 0.5
# ... and the real rows' share is beyond chance at the synthetic rows' share (a one-sided binomial test of
# the real rows' count, at this level): a rare class holds few test rows (10 of default's 1,000-row sample,
# each moving its share by 0.1), whose share alone tells little
RECOGNITION_P = 0.001


_Rows = tuple[np.ndarray, np.ndarray]  # encoded rows (``_Features``) and their class codes


def _recognition(
    features: _Features, train: _Rows, test: _Rows, new: _Rows, seed: int
) -> dict[int, tuple[int, int, int, int]]:
    """Per class code of the ``new`` rows: (real ``test`` rows of the class, of them recognised, ``new``
    rows, of them recognised), by a classifier trained on the real ``train`` rows.

    "Recognised" is the classifier's most likely class; trained on real rows with balanced class weights,
    so a rare class is predicted where its rows look like it, not only where it outweighs the majority.
    """
    model = boosting_model("classification", features.categorical_mask, seed)
    model.set_params(class_weight="balanced")
    with single_threaded():
        model.fit(*train)
        real_guess, new_guess = model.predict(test[0]), model.predict(new[0])
    counts = {}
    for code in np.unique(new[1]):
        real, synthetic = test[1] == code, new[1] == code
        counts[int(code)] = (
            int(real.sum()),
            int((real_guess[real] == code).sum()),
            int(synthetic.sum()),
            int((new_guess[synthetic] == code).sum()),
        )
    return counts


def recognition_table(counts: Mapping[Hashable, Sequence[int]]) -> pd.DataFrame:
    """One row per grown class: its real held-out and synthetic rows, the share of each the classifier
    recognises as the class, and whether the synthetic rows are doubtful (``RECOGNITION_RATIO``,
    ``RECOGNITION_P``). ``counts``: class -> (real rows, recognised, synthetic rows, recognised)."""
    rows = []
    for label, numbers in counts.items():
        real_rows, real_hits, new_rows, new_hits = (int(n) for n in numbers)
        real_share = real_hits / real_rows if real_rows else float("nan")
        new_share = new_hits / new_rows if new_rows else float("nan")
        # the real share is the noisy one (a rare class's few test rows): is it beyond chance at the
        # synthetic share?
        beyond_chance = bool(real_rows) and (
            stats.binomtest(real_hits, real_rows, new_share, alternative="greater").pvalue < RECOGNITION_P
        )
        doubtful = bool(new_rows) and new_share < RECOGNITION_RATIO * real_share and beyond_chance
        rows.append(
            {
                "class": label,
                "real_rows": real_rows,
                "real_recognised": real_share,
                "synthetic_rows": new_rows,
                "synthetic_recognised": new_share,
                "doubtful": doubtful,
            }
        )
    return pd.DataFrame(rows)


def recognition_warnings(table: pd.DataFrame, target: str, rows: str = "synthetic rows") -> list[str]:
    """One line per class whose synthetic rows a classifier trained on real rows seldom recognises; ``rows``
    names them (the augmented table's, or the evaluation's: two fits, whose shares differ)."""
    return [
        f"{rows} of {target!r} = {shown_level(row['class'])} do not look like that class: a "
        f"classifier trained on real rows recognises {row['synthetic_recognised']:.0%} of them as it, "
        f"against {row['real_recognised']:.0%} of held-out real rows of the class; the generator did not "
        "learn how the class differs (try another generator, more epochs, or --per-class)"
        for row in table.to_dict("records")
        if row["doubtful"]
    ]


def class_recognition(
    data: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str,
    metadata: Metadata | Mapping[str, Any] | None = None,
    test_share: float = 0.3,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Are the synthetic rows of each class recognised as it as often as real rows of the class are?

    A classifier (gradient boosting, balanced class weights) learns the classes from a stratified
    ``1 - test_share`` of the real rows; the table gives, per class of ``synthetic``, the share of the
    other real rows of the class and of its synthetic rows that it predicts as the class
    (``recognition_table``). Rows labelled "rare" that look like the majority score far below the real
    rows: a generator that did not learn how the class differs, whose rows teach a classifier the wrong
    thing.

    Example:
        >>> rows = synthetic_rows(real, "default", {"Yes": 500}, model="copula")
        >>> class_recognition(real, rows, "default")[["class", "real_recognised", "synthetic_recognised"]]
    """
    meta = target_metadata(data, target, metadata)
    rows = data[data[target].notna()].reset_index(drop=True)
    seed = 0 if random_state is None else random_state
    train, test = _stratified_split(rows, target, seed, test_share)
    classes = list(class_counts(rows, target, metadata).index)
    codes = {label: code for code, label in enumerate(classes)}
    features = _Features(meta, target).fit(train)
    encoded = [
        (features.transform(frame), frame[target].map(codes).to_numpy(dtype=int))
        for frame in (train, test, synthetic)
    ]
    counts = _recognition(features, *encoded, seed)
    return recognition_table({classes[code]: n for code, n in counts.items()})


@dataclass
class AugmentationEvaluation:
    """Outcome of ``evaluate_augmentation``: scores per seed and method, their summary and the verdict.

    Attributes:
        target: the class column.
        model: the generator that made the synthloom rows.
        rare_classes: the classes rows were added to; metrics are about them.
        scores: one row per (seed, method) with ``pr_auc``, ``roc_auc``, ``f1``, ``recall``.
        info: the settings and sizes of the run (rows, seeds, rows added per class, test share).
        recognition: per rare class, the shares of its held-back real rows and of its synthloom rows that
            a classifier trained on real rows recognises as the class, over all seeds
            (``recognition_table``); empty without the "synthloom" method.
    """

    target: str
    model: str
    rare_classes: list[Any]
    scores: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)
    recognition: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def methods(self) -> list[str]:
        """Methods measured, in the order they ran."""
        return list(dict.fromkeys(self.scores["method"]))

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation over seeds of every metric, one row per method (the deviation NaN
        with one seed: no spread is measured, which 0 would claim)."""
        grouped = self.scores.groupby("method", sort=False)[list(METRICS)]
        means, spreads = grouped.mean(), grouped.std(ddof=1)
        table = pd.concat([means.add_suffix("_mean"), spreads.add_suffix("_std")], axis=1)
        return table[[f"{m}_{s}" for m in METRICS for s in ("mean", "std")]].reset_index()

    def gain(self, method: str, baseline: str, metric: str = "pr_auc") -> tuple[float, float]:
        """Paired difference ``method - baseline`` over seeds: (mean, half-width of its 95% interval).

        The half-width is Student's t over the per-seed differences (NaN with a single seed).
        """
        wide = self.scores.pivot(index="seed", columns="method", values=metric)
        differences = (wide[method] - wide[baseline]).dropna().to_numpy()
        if len(differences) < 2:
            return float(np.mean(differences)), float("nan")
        t = stats.t.ppf(0.975, len(differences) - 1)
        return float(differences.mean()), float(t * differences.std(ddof=1) / math.sqrt(len(differences)))

    @property
    def verdict(self) -> str:
        """Plain-language answer: do synthloom rows help on minority PR-AUC, and against SMOTE?"""
        return _verdict(self)

    @property
    def grade(self) -> str:
        """The verdict's grade, as the report's badge shows it: poor where synthloom rows clearly hurt
        (``_compare``, or ``_clear_loss``) or a class's rows do not look like it (``doubtful_classes``),
        good where they clearly help, fair where the seeds tell no difference; info when synthloom rows
        were not compared with real rows alone or there is a single seed, whose gain has no spread."""
        if "none" not in self.methods or "synthloom" not in self.methods:
            return INFO
        if self.doubtful_classes:  # summed over the seeds with a test of its own: one seed tells it too
            return POOR
        how, _, half = _compare(self, "synthloom", "none")
        if not math.isfinite(half):
            return INFO
        if how == "worse" or _clear_loss(self):
            return POOR
        return GOOD if how == "better" else FAIR

    @property
    def doubtful_classes(self) -> list[Any]:
        """The classes whose synthloom rows a classifier trained on real rows seldom recognises
        (``recognition_table``)."""
        if self.recognition.empty:
            return []
        return list(self.recognition.loc[self.recognition["doubtful"], "class"])

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report (atomically)."""
        from synthloom.report.augment import write_augmentation_report

        return write_augmentation_report(self, path)


def _compare(result: AugmentationEvaluation, method: str, baseline: str) -> tuple[str, float, float]:
    """'better' / 'worse' / 'level' (the 95% interval of the paired difference holds 0), mean, half-width."""
    mean, half = result.gain(method, baseline)
    if not math.isfinite(half):
        return "level", mean, half
    return ("better" if mean - half > 0 else "worse" if mean + half < 0 else "level"), mean, half


# A mean loss of minority PR-AUC this large against real rows alone, every score lower too, is a loss
# whatever the seeds' spread: the size of TSTR gap evaluate grades poor (over 0.05 ROC-AUC), which the
# spread of a few seeds can hold without the rows being of any use
CLEAR_LOSS = 0.05


def _clear_loss(result: AugmentationEvaluation) -> bool:
    """Whether synthloom rows score below real rows alone on every score, by ``CLEAR_LOSS`` PR-AUC or
    more on average."""
    means = result.summary().set_index("method")
    lower = all(means.loc["synthloom", f"{m}_mean"] < means.loc["none", f"{m}_mean"] for m in METRICS)
    return lower and result.gain("synthloom", "none")[0] <= -CLEAR_LOSS


def _verdict(result: AugmentationEvaluation) -> str:
    seeds = result.scores["seed"].nunique()
    methods = result.methods
    if "synthloom" not in methods or "none" not in methods:
        return "synthloom rows were not compared with real rows alone; run with methods none and synthloom"
    summary = result.summary().set_index("method")["pr_auc_mean"]
    best = str(summary.idxmax())
    how, mean, half = _compare(result, "synthloom", "none")
    if not math.isfinite(half):  # one seed: no spread to call a difference level or not
        sentences = [
            f"synthloom rows change minority PR-AUC by {decimal_text(mean, 3, True)} against real rows "
            "alone, on one seed: no spread to tell that from chance; evaluate over more seeds."
        ]
        if "smote" in methods:
            _, mean, _ = _compare(result, "synthloom", "smote")
            sentences.append(
                f"synthloom and SMOTE differ by {decimal_text(mean, 3, True)} PR-AUC on that seed."
            )
    else:
        # digits enough that a mean clearing its interval by a hair does not read "+0.028 (±0.028)"
        places = telling_decimals([(abs(mean), half)])
        interval, change = f"±{half:.{places}f}, 95% over {seeds} seeds", decimal_text(mean, places, True)
        parts = {
            "better": f"synthloom rows help: minority PR-AUC {change} over real rows alone ({interval}).",
            "worse": f"synthloom rows hurt: minority PR-AUC {change} against real rows alone ({interval}).",
            "level": "synthloom rows do not clearly help: minority PR-AUC "
            f"{change} against real rows alone is within the spread ({interval}).",
        }
        sentences = [parts[how]]
        if how == "level" and _clear_loss(result):  # within a wide spread, yet lower on every score
            sentences.append(
                f"Yet they score below real rows alone on every score, by more than the {CLEAR_LOSS} "
                "PR-AUC evaluate calls a poor loss."
            )
        if "smote" in methods:
            how, mean, half = _compare(result, "synthloom", "smote")
            places = telling_decimals([(abs(mean), half)])
            gap, spread = f"{abs(mean):.{places}f} PR-AUC", f"±{half:.{places}f}"
            sentences.append(
                {
                    "better": f"synthloom beats SMOTE by {gap} ({spread}).",
                    "worse": f"SMOTE beats synthloom by {gap} ({spread}).",
                    "level": f"synthloom and SMOTE are level: they differ by {gap}, within the spread "
                    f"({spread}).",
                }[how]
            )
    doubtful = result.doubtful_classes
    if doubtful:
        named = ", ".join(class_text(label) for label in doubtful)
        sentences.append(
            f"The synthloom rows of class{'es' if len(doubtful) > 1 else ''} {named} do not look like their "
            "class to a classifier trained on real rows (the class check): they teach a classifier the "
            "wrong thing, whatever the scores."
        )
    sentences.append(f"Highest mean minority PR-AUC: {METHOD_LABELS[best]} ({summary[best]:.3f}).")
    return " ".join(sentences)


def evaluate_augmentation(
    data: pd.DataFrame,
    target: str,
    model: Any = DEFAULT_MODEL,
    *,
    ratio: float | None = None,
    rows_per_class: Mapping[Hashable, int] | None = None,
    seeds: int = DEFAULT_SEEDS,
    test_share: float = 0.3,
    methods: Sequence[str] = METHODS,
    model_params: Mapping[str, Any] | None = None,
    metadata: Metadata | Mapping[str, Any] | None = None,
    classifier: BaseEstimator | None = None,
    per_class: bool | None = None,
    constraints: Sequence[Any] | None = None,
    keep_orders: bool = True,
    random_state: int = 0,
    verbose: bool = False,
) -> AugmentationEvaluation:
    """Does adding synthetic rare-class rows help a classifier on real test rows? Measured over seeds.

    Args:
        data: the real table; each seed splits it (stratified) into training and held-back test rows.
        target: class column.
        model: generator name for the synthloom rows (fitted on each seed's training rows only), or a
            generator object: each seed gets an unfitted copy of it (``sklearn.base.clone``: its settings,
            none of its learned state, even if it is fitted), which learns from that seed's training rows
            only, so no seed scores rows its generator saw. A copy whose ``random_state`` is None takes the
            seed, as a named generator does; the object itself is left as it was.
        ratio / rows_per_class: the strategy, as in ``augment``; applied to each seed's training rows,
            and every method adds that many rows per class.
        seeds: number of seeds (random_state, random_state + 1, ...): each a new split, generator,
            oversampler and classifier seed.
        test_share: share of real rows held back for testing.
        methods: any of "none", "random", "smote", "synthloom".
        model_params: generator settings, e.g. ``{"epochs": 100}``.
        metadata: column kinds, overriding inference.
        classifier: downstream scikit-learn classifier with ``predict_proba`` (default: gradient
            boosting with native categories, seeded per seed).
        per_class: one generator per rare class, as in ``augment``.
        constraints: business rules the synthloom rows keep, as in ``augment``.
        keep_orders: the synthloom rows keep the orders the real training rows keep, as in ``augment``.
        random_state: first seed.
        verbose: show a progress bar (and the generator's).

    Raises:
        MissingDependencyError: "smote" asked for and imbalanced-learn is not installed.

    Example:
        >>> result = evaluate_augmentation(sl.datasets.load("default"), "default", model="ddpm", seeds=5)
        >>> print(result.verdict)
        >>> result.to_html("augment.html")
    """
    counts = class_counts(data, target, metadata)
    check_evaluable(plan_rows(counts, ratio, rows_per_class, target), target)  # before any work
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ConfigError(f"unknown method(s) {unknown}; choose from: {', '.join(METHODS)}")
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise ConfigError(f"seeds must be a whole number >= 1, not {seeds!r}")
    if not 0 < test_share < 1:
        raise ConfigError(f"test_share must lie strictly between 0 and 1, not {test_share!r}")
    check_flag("keep_orders", keep_orders)
    check_splits(
        data,
        target,
        ratio=ratio,
        rows_per_class=rows_per_class,
        seeds=seeds,
        test_share=test_share,
        random_state=random_state,
    )  # every seed's split, before the first seed's fit
    meta = target_metadata(data, target, metadata)
    _warn_missing_target(data, target, LEFT_OUT)
    rows = data[data[target].notna()].reset_index(drop=True)
    classes = list(counts.index)
    params = with_progress(model, model_params) if verbose else model_params

    def generate(split: _Split) -> pd.DataFrame:
        plan = {classes[code]: n for code, n in split.plan.items()}
        generator = model if isinstance(model, str) else _unfitted_copy(model, split.seed)
        return synthetic_rows(
            split.train,
            target,
            plan,
            generator,
            params,
            meta,
            split.seed,
            per_class,
            constraints,
            keep_orders,
        )

    records, rare = [], set()
    recognised: dict[int, np.ndarray] = {}  # class code -> counts summed over seeds (``_recognition``)
    progress = _progress(verbose)
    lines = plain_lines_for(progress, verbose)
    total = seeds * len(methods)
    with progress:
        task = progress.add_task("augmentation", total=total)
        for seed in range(random_state, random_state + seeds):
            split = _split(rows, target, classes, meta, ratio, rows_per_class, seed, test_share)
            rare.update(split.plan)
            for method in methods:
                progress.update(task, description=f"seed {seed}: {method}")
                x_new, y_new = _new_rows(method, split, generate)
                records.append({"seed": seed, "method": method, **_score(split, x_new, y_new, classifier)})
                if method == "synthloom":
                    train, test = (split.x_train, split.y_train), (split.x_test, split.y_test)
                    found = _recognition(split.features, train, test, (x_new, y_new), split.seed)
                    for code, numbers in found.items():
                        recognised[code] = recognised.get(code, 0) + np.array(numbers)
                progress.advance(task)
                what = f"augmentation: {len(records)} of {total} (seed {seed}: {method})"
                lines.report(partial(lines.line, what, len(records), total))
    info = {
        "rows": len(rows),
        "seeds": seeds,
        "test_share": test_share,
        "strategy": _strategy_text(ratio, rows_per_class),
        "real_counts": {str(k): int(v) for k, v in counts.items()},
        "model_params": dict(model_params or {}),
        # each seed's generator is an unfitted copy, so a fitted object's class decides as a name would
        "per_class": fits_per_class(
            model if isinstance(model, str) else _unfitted_copy(model, random_state), per_class
        ),
    }
    rare_labels = [classes[code] for code in sorted(rare)]
    recognition = recognition_table({classes[code]: recognised[code] for code in sorted(recognised)})
    for line in recognition_warnings(recognition, target):
        warnings.warn(line, RecognitionWarning, stacklevel=caller_stacklevel())
    return AugmentationEvaluation(
        target, str(model), rare_labels, pd.DataFrame(records), info, recognition=recognition
    )


def _unfitted_copy(model: Any, seed: int, purpose: str = "for each seed") -> Any:
    """A fresh copy of a generator object for one seed (or class): fitted once and reused, it would score
    the next seeds' test rows, which it learned from."""
    try:
        copy = clone(model)
    except TypeError:
        raise ConfigError(
            f"{type(model).__name__} cannot be copied {purpose} (it has no get_params); give the model "
            "by name, or a synthloom generator object"
        ) from None
    if "random_state" in copy.get_params() and copy.get_params()["random_state"] is None:
        copy.set_params(random_state=seed)
    return copy


def _strategy_text(ratio: float | None, rows_per_class: Mapping[Hashable, int] | None) -> str:
    if rows_per_class is not None:
        planned = (f"{n} rows of class {class_text(label)}" for label, n in rows_per_class.items())
        return "add " + ", ".join(planned)
    return f"bring each class below {1.0 if ratio is None else ratio:g} x the largest class up to it"


def _progress(verbose: bool) -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return transient_progress(*columns, shown=verbose)


def _split(
    rows: pd.DataFrame,
    target: str,
    classes: list[Any],
    meta: Metadata,
    ratio: float | None,
    rows_per_class: Mapping[Hashable, int] | None,
    seed: int,
    test_share: float,
) -> _Split:
    train, test = _stratified_split(rows, target, seed, test_share)
    codes = {label: code for code, label in enumerate(classes)}
    plan = plan_rows(_class_sizes(train[target]), ratio, rows_per_class, target)
    features = _Features(meta, target).fit(train)
    return _Split(
        seed=seed,
        train=train,
        x_train=features.transform(train),
        y_train=train[target].map(codes).to_numpy(dtype=int),
        x_test=features.transform(test),
        y_test=test[target].map(codes).to_numpy(dtype=int),
        plan={codes[label]: n for label, n in plan.items()},
        features=features,
        codes=codes,
    )


def _stratified_split(
    rows: pd.DataFrame, target: str, seed: int, test_share: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One seed's (training, test) rows, stratified on ``target``: the same for any columns of ``rows``."""
    counts = rows[target].value_counts()
    single = [shown_level(label) for label, n in counts.items() if n == 1]
    if single:  # scikit-learn's words ("The least populated classes in y have only 1 member") name none
        which = f"class {single[0]}" if len(single) == 1 else f"classes {', '.join(single)}"
        raise DataError(
            f"{which} of {target!r}: a single real row; the evaluation's stratified split puts every class "
            "in both its training and test rows, which takes at least 2 rows of each: drop the rows of "
            f"{'that class' if len(single) == 1 else 'those classes'}, or augment without evaluating"
        )
    try:
        train, test = train_test_split(rows, test_size=test_share, stratify=rows[target], random_state=seed)
    except ValueError as exc:
        raise DataError(f"cannot split {target!r} into stratified train and test rows: {exc}") from None
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _score(
    split: _Split, x_new: np.ndarray, y_new: np.ndarray, classifier: BaseEstimator | None
) -> dict[str, float]:
    if classifier is None:
        # early stopping off: it switches itself on above 10,000 rows, i.e. for some methods and not others
        model = boosting_model("classification", split.features.categorical_mask, split.seed)
    else:
        model = clone(classifier)
    x = np.vstack([split.x_train, x_new])
    y = np.concatenate([split.y_train, y_new.astype(int)])
    return _classifier_scores(model, split, x, y, sorted(split.plan))
