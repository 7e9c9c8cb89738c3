"""The generator contract: public ``fit`` / ``sample`` / ``save`` / ``load`` with the shared work done once.

A generator subclasses ``BaseGenerator`` and implements three small steps on the transformer's matrix:
``_fit(matrix, rng)``, ``_sample(n, rng) -> matrix`` and the state hooks ``_tensors()`` (learned arrays),
``_extra_state()`` (learned non-array state, plain JSON) and ``_restore(tensors, extra)``.
Validation, metadata, the reversible transformer, seeding and the model file live here.

Model files are one safetensors file: tensors hold the weights, the header's metadata holds a JSON
description (format version, model name, hyper-parameters, transformer state). Loading parses JSON and
reads raw tensors only: no pickle, no code runs.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self

import numpy as np
import pandas as pd
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save

from synthloom import __version__
from synthloom.data.constraints import ConstraintSet
from synthloom.data.encoders import Span
from synthloom.data.io import TABLE_SUFFIXES, atomic_path
from synthloom.data.metadata import (
    ColumnKind,
    Metadata,
    as_metadata,
    check_column_names,
    check_text_names,
    dates_not_read,
    learned_metadata,
    nearly_unique,
    with_missing_marks,
    with_pandas_dtypes,
)
from synthloom.data.transformer import TableTransformer
from synthloom.errors import (
    ConditionError,
    ConfigError,
    DataError,
    DataWarning,
    ModelFileError,
    NotAModelFileError,
    NotFittedError,
    RareConditionsWarning,
    caller_stacklevel,
)
from synthloom.models.conditions import (
    CategoryCondition,
    Condition,
    RangeCondition,
    rare_combination_warning,
    sample_with_rejection,
)
from synthloom.training.loop import nonfinite_tensors
from synthloom.training.settings import check_flag, child_seed

if TYPE_CHECKING:
    from collections.abc import Sequence

    from synthloom.data.constraints import Constraint
    from synthloom.models.ganomaly import GANomaly
    from synthloom.models.image_base import ImageGenerator

FILE_FORMAT = "synthloom-model"
FILE_FORMAT_VERSION = 1
_HEADER_KEY = "synthloom"
LEARNABLE_KINDS = tuple(kind for kind in ColumnKind if kind != ColumnKind.IDENTIFIER)


MAX_ROWS = 10**13  # far more than any machine writes (weeks of sampling): a larger count is a typo


def check_row_count(n: Any, what: str = "row count") -> int:
    """A row count must be a whole number from 0 to ``MAX_ROWS`` (bools and floats like 2.5 are refused)."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ConfigError(f"{what} must be a whole number >= 0, not {n!r}")
    if n > MAX_ROWS:  # not echoed: a count of 10**5000 has too many digits for Python to print
        raise ConfigError(f"{what} must be at most {MAX_ROWS:,} (10^13)")
    return int(n)


_NAMED = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


@contextmanager
def fitting(model: HyperParameters) -> Iterator[None]:
    """The body of a fit: one that succeeds keeps the settings it used (``fitted_params_``, which nothing is
    checked against while it runs); one that fails (an error, a diverged loss, Ctrl-C) leaves ``model`` as
    it was, fitted as before or unfitted. Part-way, a refit would pair its new encoding with the old
    weights, or lose the old model for a new one that does not exist."""
    before = dict(vars(model))
    vars(model).pop("fitted_params_", None)
    try:
        yield
    except BaseException:
        vars(model).clear()
        vars(model).update(before)
        raise
    model._remember_settings()


class HyperParameters:
    """scikit-learn's parameter protocol: the constructor's arguments are the hyper-parameters, read by
    ``get_params`` and changed by ``set_params``, so ``sklearn.base.clone`` and grid searches work."""

    # settings a fitted model may change: they steer how it draws (or reports), not what it learned (the
    # seed it learned with is kept apart, as ``seed_``)
    runtime_settings: ClassVar[frozenset[str]] = frozenset({"precision", "device", "verbose", "random_state"})

    @classmethod
    def param_names(cls) -> list[str]:
        """The constructor's argument names, the parents' too where a subclass passes ``**params`` on."""
        names: list[str] = []
        for klass in cls.__mro__:
            if "__init__" not in vars(klass):
                continue
            params = inspect.signature(vars(klass)["__init__"]).parameters.values()
            names += [p.name for p in params if p.kind in _NAMED and p.name not in (*names, "self")]
            if all(p.kind != p.VAR_KEYWORD for p in params):
                break
        return names

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments by name (what ``save`` stores and ``load`` passes back). ``deep`` is
        scikit-learn's flag for nested estimators; there are none here."""
        return {name: getattr(self, name) for name in self.param_names()}

    def set_params(self, **params: Any) -> Self:
        """Change hyper-parameters by name (before ``fit``); an unknown name is refused, naming the known."""
        check_param_names(type(self), params)
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's estimator tags, which its utilities read (``check_is_fitted`` among them): an
        estimator that learns from data, without a target. Only scikit-learn calls this, so importing it
        here costs synthloom nothing (importing it on every start would: 1.2 s)."""
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False))

    def __sklearn_is_fitted__(self) -> bool:
        """Whether a fit succeeded or the model was loaded: what ``sklearn.utils.validation.check_is_fitted``
        asks (its own test, attributes ending in ``_``, would take a failed fit's leftovers for a fit)."""
        return hasattr(self, "fitted_params_")

    def _remember_settings(self) -> None:
        """Keep the settings a fit used (``fitted_params_``), which its weights and file depend on."""
        self.fitted_params_ = self.get_params()

    def _check_settings_unchanged(self) -> None:
        """Refuse to sample or save a fitted model whose settings changed since (``set_params(pac=5)``
        without a refit): its weights were shaped by the old ones (a torch shape error while sampling, a
        file that does not load). Settings that steer only the draw (``runtime_settings``) may change."""
        fitted = getattr(self, "fitted_params_", {})
        changed = {
            name: old
            for name, old in fitted.items()
            if name not in self.runtime_settings and getattr(self, name) != old
        }
        if changed:
            shown = ", ".join(f"{name}: {old!r} -> {getattr(self, name)!r}" for name, old in changed.items())
            back = ", ".join(f"{name}={old!r}" for name, old in changed.items())
            raise ConfigError(
                f"settings changed since this model was fitted ({shown}); fit it again, or set them back: "
                f"set_params({back})"
            )
        if any(getattr(self, name) != old for name, old in fitted.items()):
            # a draw setting changed since the fit: checked as a fit checks it (a device this machine
            # lacks is kept: the file may be for another one, and loading falls back where it can)
            self._check_params()
            resolve_seed(self.random_state)

    def _check_params(self) -> None:
        """Refuse settings out of their range, in one line naming the setting (models with ranges to check
        override it)."""

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({params})"


def check_param_names(cls: type[HyperParameters], params: Mapping[str, Any]) -> None:
    """Refuse setting names ``cls`` does not take (a typo such as ``epoch=``), listing the ones it does."""
    unknown = sorted(set(params) - set(cls.param_names()))
    if unknown:
        raise ConfigError(
            f"{getattr(cls, 'model_name', cls.__name__)} has no setting {', '.join(unknown)}; "
            f"its settings: {', '.join(cls.param_names())}"
        )


class SeededSampling:
    """Seeds for successive draws: new rows each call; a loaded model repeats the saved sequence. The
    sequence counts from the fit's seed, or from ``random_state`` where it was set anew since
    (``set_params``): a sequence of its own, drawn from its start."""

    seed_: int
    random_state: int | None
    _samples_drawn: int
    _sequence_seed: int | None = None  # the seed the draws so far counted from

    def _next_sample_seed(self, random_state: int | None) -> int:
        if random_state is not None:
            # checked and read as fit reads its seed: text or a Generator is refused naming the setting,
            # and a negative seed is taken as fit takes it (numpy's seeding refused it with a bare ValueError)
            return resolve_seed(random_state)
        base = self.seed_ if self.random_state is None else resolve_seed(self.random_state)
        if self._sequence_seed not in (None, base):  # set_params(random_state=...) had left the fit's
            self._samples_drawn = 0
        self._sequence_seed = base
        sequence = np.random.SeedSequence([base, self._samples_drawn])
        self._samples_drawn += 1
        return int(sequence.generate_state(1)[0])

    def reset_sampling(self) -> None:
        """Restart the sequence of sample draws, as if the model had just been fitted or loaded."""
        self._samples_drawn = 0


FEW_DATES = 20  # distinct dates a column may hold as categories without a warning that they are no dates
_AS_IDENTIFIERS = "declare its kind 'identifier' in the metadata to draw new values in their form"


def _warn_of_copied_categories(data: pd.DataFrame, metadata: Metadata, declared: set[str]) -> None:
    """Categories are drawn from the real values: a column inferred as categories where nearly every row
    has its own value (599 zip codes in 600 rows), or holding dates it does not read, has each synthetic
    value copied from a real row, which a user should choose. Columns declared categorical (in the
    metadata, or by a pandas category dtype) were."""
    for name in metadata.columns_of(ColumnKind.CATEGORICAL):
        column = data[name]
        if name in declared or isinstance(column.dtype, pd.CategoricalDtype):
            continue
        present, distinct = int(column.notna().sum()), column.nunique()
        # dates drawn in their form as ids would be no dates ("2024-13-45"): those are declared dates. Dates
        # are said however often they repeat (300 dates in 400 rows, a quarter written dd/mm/yyyy, had
        # become categories without a word), unless so few that categories serve (loans' 3 issue months)
        dates = dates_not_read(column.dropna().astype(str).str.strip()) if distinct > FEW_DATES else None
        if not nearly_unique(column) and dates is None:
            continue
        learned = (
            f"{distinct:,} distinct values in {present:,} rows are learned as categories, so every synthetic "
            "value is a real one"
        )
        if dates is None:
            said = f": {learned}; {_AS_IDENTIFIERS}"
        else:
            problem, fix = dates
            said = f" {problem}: {learned}; to learn dates, {fix}"
        warnings.warn(f"column {name!r}{said}", DataWarning, stacklevel=caller_stacklevel())


# an SDV synthesizer's methods, by name -> how synthloom does their work
SDV_METHODS = {
    "sample_from_conditions": "give the conditions to sample: sample(n, conditions={'column': value}), or "
    "sample(conditions=frame) with a row of conditions per synthetic row",
    "sample_remaining_columns": "give the known columns to sample as a DataFrame: sample(conditions=known) "
    "draws a row for each of its rows (a category is met exactly, a number by the copula too; for the "
    "others a number cell takes a (low, high) range)",
    "get_loss_values": "each epoch's losses are in loss_history_ (pandas.DataFrame(model.loss_history_)), "
    "empty for the copula, which trains no network",
    "get_metadata": "the metadata learned by fit is in metadata_",
    "get_parameters": "use get_params()",
    "add_constraints": "give the rules to fit: fit(data, constraints=[...])",
    "load": "use synthloom.load(path)",
}


class BaseGenerator(HyperParameters, SeededSampling, ABC):
    """Template for every tabular generator (scikit-learn style: hyper-parameters in, state ending in _).

    Example:
        >>> model = get_model("copula", random_state=0).fit(real)
        >>> fake = model.sample(1_000)
        >>> model.save("real.synthloom"); same = load("real.synthloom")
    """

    model_name: ClassVar[str]  # set by @register
    numeric_encoding: ClassVar[str] = "gmm"  # the transformer's numeric method this model wants
    min_rows: ClassVar[int] = 10

    def __init__(self, random_state: int | None = None) -> None:
        self.random_state = random_state

    if not TYPE_CHECKING:  # a type checker would take every attribute for one that exists

        def __getattr__(self, name: str) -> Any:
            # only reached where an attribute is missing: an SDV synthesizer's method name is answered with
            # the way to do its work here, instead of Python's bare "object has no attribute"
            said = f"{type(self).__name__!r} object has no attribute {name!r}"
            if name in SDV_METHODS:
                said += f" (SDV's name): {SDV_METHODS[name]}"
            raise AttributeError(said)

    # -- fitting ------------------------------------------------------------------------------------------
    def fit(
        self,
        data: pd.DataFrame,
        metadata: Metadata | Mapping[str, Any] | None = None,
        constraints: Sequence[Constraint | Mapping[str, Any]] | None = None,
        keep_orders: bool = True,
    ) -> Self:
        """Learn the generator from a real table; returns self.

        ``metadata`` sets the kinds of the columns it names (a ``Metadata``, or its JSON form as a dict).

        ``constraints`` are business rules every sampled row keeps (``synthloom.data.constraints``: Range,
        Inequality, FixedCombinations, OneHot, Predicate, or their JSON dicts); real rows breaking one
        are reported in a warning.

        ``keep_orders`` learns, besides, the orders the real rows keep between two number or two datetime
        columns no rule names (``low <= high``: an admission before its discharge, a balance within its
        loan; ``constraints.learn_orders``), so sampled rows keep them too; ``learned_orders_`` names them.
        """
        self._validate_training_data(data)
        check_flag("keep_orders", keep_orders)
        data = with_pandas_dtypes(data)
        metadata = as_metadata(metadata)
        with fitting(self):
            self.seed_ = resolve_seed(self.random_state)
            matrix = self._learn_encoding(data, metadata, ConstraintSet(constraints, keep_orders))
            self.loss_history_: list[dict[str, float]] = []
            self.n_training_rows_ = len(data)
            self.training_split_: dict[str, Any] | None = None  # set by `fit --holdout`: the rows' split
            self._samples_drawn = 0
            self._fit(matrix, np.random.default_rng(self.seed_))
        return self

    def _learn_encoding(
        self, data: pd.DataFrame, metadata: Metadata | None, rules: ConstraintSet
    ) -> np.ndarray:
        """Learn metadata, rules and transformer from ``data`` (the table, or a sample of a big one).

        Returns ``data`` encoded. The neural generators override it to learn once and share under DDP.
        """
        self.metadata_ = learned_metadata(data, metadata)
        _warn_of_copied_categories(data, self.metadata_, set() if metadata is None else set(metadata.columns))
        if not self.metadata_.columns_of(*LEARNABLE_KINDS):
            raise DataError(
                f"nothing to learn: every column ({list(self.metadata_.columns)}) is an identifier, unique "
                "per row, which is regenerated rather than learned; give columns with repeated values (a "
                "CSV read as one column may use another delimiter than ',')"
            )
        self.constraints_ = rules.fit(data, self.metadata_)
        learned = self.constraints_.transform(data)  # the table with rules re-encoded for the model
        self.transformer_ = TableTransformer(numeric=self.numeric_encoding, random_state=self.seed_)
        self.transformer_.fit(learned, self.constraints_.table_metadata_)
        if not self.transformer_.output_dim:
            raise DataError(
                f"nothing to learn: every column ({list(self.metadata_.columns)[:8]}) is constant, empty or "
                "an identifier; give columns whose values vary"
            )
        return self.transformer_.transform(learned)

    @property
    def learned_orders_(self) -> list[str]:
        """The orders the real rows keep that ``fit(keep_orders=True)`` learned, as ``"low <= high"``."""
        return [rule.name for rule in self.constraints_.rules_ if rule.learned_]

    def _encode(self, data: pd.DataFrame) -> np.ndarray:
        """Real rows as the model's matrix (rules re-encoded, then the transformer), e.g. one chunk."""
        return self.transformer_.transform(self.constraints_.transform(data))

    def _encoding_state(self) -> dict[str, Any]:
        """What decoding needs, as plain JSON (as the model file stores it)."""
        return {
            "transformer": self.transformer_.to_state(),
            "constraints": self.constraints_.to_state() if self.constraints_.rules_ else None,
        }

    def _set_encoding(self, state: dict[str, Any]) -> None:
        """Rebuild transformer, rules and metadata from ``_encoding_state()`` (or a model file)."""
        self.transformer_ = TableTransformer.from_state(state["transformer"])
        self.constraints_ = ConstraintSet.from_state(state.get("constraints"), self.transformer_.metadata_)
        self.metadata_ = self.constraints_.metadata_

    def _validate_training_data(self, data: pd.DataFrame) -> None:
        if not isinstance(data, pd.DataFrame):
            raise DataError(f"fit expects a pandas DataFrame, not {type(data).__name__}")
        check_column_names(data.columns)
        check_text_names(data.columns)
        if len(data) < self.min_rows:
            raise DataError(
                f"{self.model_name} needs at least {self.min_rows} rows to learn from; "
                f"the data has {len(data)}"
            )

    @abstractmethod
    def _fit(self, matrix: np.ndarray, rng: np.random.Generator) -> None:
        """Learn from the transformed (n_rows, output_dim) float32 matrix."""

    # -- sampling -----------------------------------------------------------------------------------------
    def sample(
        self,
        n: int | None = None,
        conditions: Mapping[str, Any] | pd.DataFrame | None = None,
        random_state: int | None = None,
        first_row: int = 0,
        id_seed: int | None = None,
    ) -> pd.DataFrame:
        """Draw ``n`` synthetic rows with the real table's columns and dtypes.

        Args:
            n: number of rows (by default, with a DataFrame of conditions, its row count).
            conditions: ``{"column": value}`` for a category, ``{"column": (low, high)}`` for a numeric
                range, several columns at once; or a DataFrame of per-row conditions (one row each, so
                ``n == len(conditions)``; a blank cell means "no condition" on its row, where ``None`` in
                a dict asks for a missing value); the rows then keep its index.
            random_state: seed for this draw. Without it, successive calls give new rows, and a loaded
                model repeats the same sequence as the model that was saved.
            first_row: where these rows start in a larger output drawn in several calls (as ``synthloom
                sample`` draws chunks): identifier columns hold the ids of those rows, so that the calls'
                ids do not repeat when they share ``id_seed``.
            id_seed: seed of the identifier columns (default: this draw's seed, mixed with its
                conditions, ``run_id_seed``). Row k of every output drawn with one id seed has the same id;
                draws of one output in parts share one.

        Example:
            >>> rich = model.sample(500, conditions={"income": ">50K", "age": (30, 40)})
        """
        n, first_row = self._check_sample_request(n, first_row, conditions)
        seed = self._next_sample_seed(random_state)
        id_seed = run_id_seed(seed, conditions) if id_seed is None else resolve_seed(id_seed, "id_seed")
        if conditions is None and not self._needs_rejection(n):
            rows = self._sample_rows(n, seed, first_row, id_seed)  # one draw: ids numbered as decoded
        else:
            rows = self._sample_meeting(n, conditions, seed)
            # drawn in several rounds, or picked among more rows: each round numbered its ids from row 0
            rows = self.transformer_.number_identifiers(rows, first_row, id_seed)
        rows = with_missing_marks(rows, self.metadata_)
        if isinstance(conditions, pd.DataFrame):  # row k meets row k of the conditions: joined on their index
            rows.index = conditions.index
        return rows

    def _check_sample_request(self, n: int | None, first_row: int, conditions: Any) -> tuple[int, int]:
        """``sample``'s checks, all before its seed is drawn; returns ``n`` and ``first_row`` as ints."""
        self._check_fitted()
        if conditions is not None and not isinstance(conditions, Mapping | pd.DataFrame):
            # SDV's list of Condition objects, or a list of dicts, failed deep inside with a ValueError
            raise ConfigError(
                f"conditions is a dict (e.g. {{'sex': 'F'}}, for every row) or a DataFrame (a row of "
                f"conditions per synthetic row), not {type(conditions).__name__}"
            )
        if n is None and not isinstance(conditions, pd.DataFrame):
            raise ConfigError("give n, the number of rows to draw: sample(n)")
        n = check_row_count(len(conditions) if n is None else n)
        first_row = check_row_count(first_row, "first_row")
        self.transformer_.check_identifier_room(first_row + n)  # before a conditional draw's work
        return n, first_row

    def _needs_rejection(self, n: int) -> bool:
        # rules only rejection can keep (predicates) send even unconditioned draws through it
        return bool(n and self.constraints_.checks())

    def _sample_meeting(
        self, n: int, conditions: Mapping[str, Any] | pd.DataFrame | None, seed: int
    ) -> pd.DataFrame:
        """``n`` rows meeting ``conditions`` (a DataFrame: row by row) and the rules, with placeholder ids."""
        if conditions is None:
            return self._sample_plain(n, seed)
        if isinstance(conditions, pd.DataFrame):
            return self._sample_per_row(n, conditions, seed)
        return self._sample_conditioned(
            n, self.constraints_.parse_conditions(self.transformer_, conditions), seed
        )

    def _sample_plain(self, n: int, seed: int) -> pd.DataFrame:
        if self._needs_rejection(n):
            return self._sample_conditioned(n, [], seed)
        return self._sample_rows(n, seed)

    def _sample_rows(self, n: int, seed: int, first_row: int | None = None, id_seed: int = 0) -> pd.DataFrame:
        """One draw of ``n`` rows seeded with ``seed``, decoded (ids as ``_decode`` numbers them)."""
        return self._decode(self._sample(n, np.random.default_rng(seed)), seed, first_row, id_seed)

    def _decode(
        self, matrix: np.ndarray, seed: int, first_row: int | None = None, id_seed: int = 0
    ) -> pd.DataFrame:
        """Rows of ``matrix`` (``first_row=None``: placeholder ids, numbered once the rows are chosen)."""
        frame = self.transformer_.inverse_transform(matrix, seed, first_row, id_seed)
        return self.constraints_.inverse_transform(frame)

    def _sample_conditioned(self, n: int, checks: list[Condition], seed: int) -> pd.DataFrame:
        # the rarest category (or range, where the model draws within one) the generator can be asked for is
        # met directly, the others by rejection: each draw then wastes the least (is_fraud=1 at 1.5%,
        # country=NG at 0.5%: NG drawn, is_fraud rejected) (min is stable: categories whose shares the
        # model does not keep stay in the order asked)
        reencoded = self.constraints_.reencoded_columns()  # a range on those is not one of learned values
        ranges = {
            c: within
            for c in checks
            if isinstance(c, RangeCondition)
            and c.column not in reencoded
            and (within := self._draw_within(c)) is not None
        }
        categories = [
            c for c in checks if isinstance(c, CategoryCondition) and self._conditions_directly(c.span)
        ]
        direct = min(
            [*categories, *ranges],
            key=lambda c: ranges[c][0] if isinstance(c, RangeCondition) else self._share_or_all(c),
            default=None,
        )
        # a range drawn within is checked still: its ends may round past it (an integer's 30.5..31.2)
        rest = [c for c in checks if c is not direct or c in ranges] + self.constraints_.checks()
        shares = {
            c: share
            for c in rest
            if isinstance(c, CategoryCondition) and (share := self._category_share(c)) is not None
        }
        warning = rare_combination_warning(checks, shares, n)
        if warning is not None:  # before the draws: a long search is no surprise
            warnings.warn(warning, RareConditionsWarning, stacklevel=caller_stacklevel())
        draws = itertools.count()

        def draw(size: int) -> pd.DataFrame:
            draw_seed = child_seed(seed, next(draws))
            if direct is None:
                return self._sample_rows(size, draw_seed)
            rng = np.random.default_rng(draw_seed)
            if isinstance(direct, RangeCondition):
                return direct.pin_value(self._decode(ranges[direct][1](size, rng), draw_seed))
            matrix = self._sample(size, rng, category=(direct.span, direct.code))
            # the generator was asked for this category; setting its one-hot makes that exact
            matrix[:, direct.span.start : direct.span.stop] = 0.0
            matrix[:, direct.span.start + direct.code] = 1.0
            return self._decode(matrix, draw_seed)

        verbose = bool(getattr(self, "verbose", False))
        rows = draw(n) if not rest else sample_with_rejection(draw, rest, n, verbose, drawn_with=direct)
        for check in checks:  # a rare level was drawn as its shared slot: the asked level is written now
            if isinstance(check, CategoryCondition):
                rows = check.write_level(rows)
        return rows

    def _conditions_directly(self, span: Span) -> bool:
        """Whether ``_sample`` can be asked for a category of ``span``'s column (else rejection meets it)."""
        return True

    def _draw_within(
        self, condition: RangeCondition
    ) -> tuple[float, Callable[[int, np.random.Generator], np.ndarray]] | None:
        """Where the model draws rows within ``condition``'s range directly: the share of the real rows in
        it, and the draw of an (n, output_dim) matrix of such rows (as ``_sample``'s); None, as by default,
        where rejection meets it."""
        return None

    def _category_share(self, condition: CategoryCondition) -> float | None:
        """The share of the real rows holding ``condition``'s category (a rare level: its shared slot), as
        the model keeps it; None where it keeps none."""
        shares = self._category_shares(condition.span)
        return None if shares is None else float(shares[condition.code])

    def _share_or_all(self, condition: CategoryCondition) -> float:
        """``_category_share``, or 1 (every row) where the model keeps none."""
        share = self._category_share(condition)
        return 1.0 if share is None else share

    def _category_shares(self, span: Span) -> np.ndarray | None:
        """Each category's share of the real rows in ``span``'s column, from what the model learned (the
        model file keeps no real rows); None where it keeps no counts (generators override it)."""
        return None

    def _sample_per_row(self, n: int, conditions: pd.DataFrame, seed: int) -> pd.DataFrame:
        if n != len(conditions):
            raise ConfigError(
                f"with a DataFrame of conditions, n must be its row count ({len(conditions)}), not {n}"
            )
        if conditions.columns.empty:  # no column asked for anything: n plain rows (itertuples yields none)
            return self._sample_plain(n, seed)
        self._warn_of_blank_conditions(conditions)
        keys = conditions.astype(object).where(conditions.notna(), None)
        groups: dict[tuple, list[int]] = {}
        for position, row in enumerate(keys.itertuples(index=False, name=None)):
            groups.setdefault(row, []).append(position)
        if not groups:
            return self._sample_rows(0, seed)
        parts = [
            self._sample_group(
                dict(zip(keys.columns, row, strict=True)), len(positions), seed, index
            ).set_axis(positions)
            for index, (row, positions) in enumerate(groups.items())
        ]
        return pd.concat(parts).sort_index().reset_index(drop=True)

    def _warn_of_blank_conditions(self, conditions: pd.DataFrame) -> None:
        """A blank cell of a DataFrame of conditions asks for nothing on its row; where the real column has
        missing values, conditions copied from real rows meant one (their missing values came back filled),
        so say how to ask for it."""
        for column in conditions.columns[conditions.isna().any()]:
            try:
                # none where the real column is empty throughout: every row is missing either way
                if not self.constraints_.parse_conditions(self.transformer_, {column: None}):
                    continue
            except ConditionError:
                continue  # the real column has no missing value: a blank can only mean "no condition"
            blanks = int(conditions[column].isna().sum())
            warnings.warn(
                f"conditions: the {blanks:,} blank cell(s) of {column!r} set no condition on their rows; "
                f"they do not ask for a missing value, which the real {column!r} has. To ask for one, "
                f"sample those rows with conditions={{{column!r}: None}}",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )

    def _sample_group(self, row: dict[str, Any], size: int, seed: int, index: int) -> pd.DataFrame:
        asked = {column: value for column, value in row.items() if value is not None}
        group_seed = child_seed(seed, index)
        if not asked:
            return self._sample_plain(size, group_seed)
        return self._sample_conditioned(
            size, self.constraints_.parse_conditions(self.transformer_, asked), group_seed
        )

    @abstractmethod
    def _sample(
        self, n: int, rng: np.random.Generator, category: tuple[Span, int] | None = None
    ) -> np.ndarray:
        """Draw an (n, output_dim) matrix in the transformer's layout.

        ``category`` asks for rows whose categorical column (``span``) takes the value at ``code``; a
        generator draws them as it would given that value (conditional vector, conditional copula).
        """

    def _check_fitted(self) -> None:
        if not hasattr(self, "transformer_"):
            raise NotFittedError(f"this {self.model_name} model is not fitted yet; call fit(data) first")
        self._check_settings_unchanged()

    # -- persistence --------------------------------------------------------------------------------------
    @abstractmethod
    def _tensors(self) -> dict[str, torch.Tensor]:
        """Learned arrays to store as safetensors."""

    @abstractmethod
    def _extra_state(self) -> dict[str, Any]:
        """Learned non-array state (plain JSON)."""

    @abstractmethod
    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        """Rebuild learned state from ``_tensors()`` and ``_extra_state()``."""

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to one safetensors file (atomically)."""
        self._check_fitted()
        fields = {
            "n_training_rows": self.n_training_rows_,
            **self._encoding_state(),
            "loss_history": self.loss_history_,
            "extra": self._extra_state(),
        }
        if getattr(self, "training_split_", None) is not None:  # `evaluate --model` scores on the same split
            fields["training_split"] = self.training_split_
        return write_model_file(path, self, fields, self._tensors())


class SavedModel(Protocol):
    """What every model file's header describes: a fitted model's name, settings and seed."""

    model_name: ClassVar[str]
    seed_: int

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...


def write_model_file(
    path: str | Path,
    model: SavedModel,
    fields: Mapping[str, Any],
    tensors: Mapping[str, torch.Tensor],
    kind: str | None = None,
) -> Path:
    """Write one model file (atomically), the one writer of generators, image models and detectors.

    The JSON description opens with what every file has (format and its version, ``kind`` where given,
    synthloom's version, the model's name, settings and seed), followed by ``fields``; the ``tensors`` are
    the weights. ``load`` and ``read_model_file`` read it back.
    """
    description: dict[str, Any] = {"format": FILE_FORMAT, "format_version": FILE_FORMAT_VERSION}
    if kind is not None:  # tabular generator files have none: ``load`` tells the kinds apart by it
        description["kind"] = kind
    description |= {
        "synthloom_version": __version__,
        "model": model.model_name,
        "params": model.get_params(),
        "seed": model.seed_,
        **fields,
    }
    weights = {name: t.detach().cpu().contiguous() for name, t in tensors.items()}
    path = Path(path)
    with atomic_path(path) as tmp:
        # bytes written by Python: a full disk is then an OSError (ENOSPC), not safetensors' own error
        tmp.write_bytes(save(weights, metadata={_HEADER_KEY: json.dumps(description)}))
    return path


def load(path: str | Path) -> BaseGenerator | ImageGenerator | GANomaly:
    """Load a model written by ``save``; only JSON and raw tensors are read.

    Raises:
        ModelFileError: missing file, not a synthloom model, corrupt, or from a newer format.

    Example:
        >>> model = load("adult.synthloom")
    """
    from synthloom.registry import model_class

    path = Path(path)
    description, tensors = read_model_file(path)
    if description.get("kind") == "image":
        from synthloom.models.image_base import image_model_from_file

        return image_model_from_file(path, description, tensors)
    if description.get("kind") == "detector":
        from synthloom.models.ganomaly import load_detector

        return load_detector(path)
    with model_file_errors(path):
        model = model_class(description["model"])(**description["params"])
        model.seed_ = int(description["seed"])
        model.n_training_rows_ = int(description["n_training_rows"])
        model.training_split_ = description.get("training_split")  # None: fitted without `--holdout`
        model._set_encoding(description)
        model.loss_history_ = list(description.get("loss_history", []))
        model._samples_drawn = 0
        model._restore(tensors, description["extra"])
        model._remember_settings()
        # a description that does not fit its weights fails here, not at the user's first sample; a seeded
        # draw leaves the model's own sequence of draws where it was. Its warnings are the user's first
        # draw's too (an id form with no room left): said there, not twice
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model._sample_rows(2, 0, first_row=0)
    return model


@contextmanager
def model_file_errors(path: Path, what: str = "model file") -> Iterator[None]:
    """Turn any failure while rebuilding a model from its file into one ``ModelFileError`` naming it.

    Only JSON and tensors are read, so a failure there is a damaged or edited description: a message,
    not a traceback (the exception's type and text are kept in it).
    """
    try:
        yield
    except ModelFileError:
        raise
    except Exception as exc:
        raise ModelFileError(
            f"{path}: {what} is corrupt or does not fit its weights ({type(exc).__name__}: {exc})"
        ) from None


def module_tensors(modules: dict[str, torch.nn.Module]) -> dict[str, torch.Tensor]:
    """Every network's weights and buffers as one flat dict, keys ``"<network>.<parameter>"`` (for saving)."""
    return {
        f"{name}.{key}": value.detach().cpu().contiguous()
        for name, module in modules.items()
        for key, value in module.state_dict().items()
    }


def load_module_tensors(
    modules: dict[str, torch.nn.Module], tensors: dict[str, torch.Tensor], device: torch.device
) -> None:
    """Put the weights saved by ``module_tensors`` back into freshly built networks, on ``device``."""
    for name, module in modules.items():
        prefix = f"{name}."
        module.load_state_dict({k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)})
        module.to(device)


def build_to_fit(owner: Any, build: Callable[[], object], tensors: dict[str, torch.Tensor]) -> None:
    """Run ``build`` (which makes ``owner``'s networks on ``owner.device_``) once the networks it makes are
    known to have the shapes of the stored ``tensors``.

    A damaged description can ask for networks far larger than the weights beside it (a width or a depth
    of a million): built for real, they would take gigabytes before ``load_state_dict`` noticed. So they
    are built first on the ``meta`` device, which holds shapes and no memory, and compared; a build that
    registers far more weights than the file holds is stopped as it passes that count (a million meta
    layers would still take minutes and gigabytes of Python objects).

    Raises:
        ValueError: a network's shapes differ from the stored ones (``model_file_errors`` names the file).
    """
    registered, limit = 0, 4 * len(tensors) + 100  # with room: a parametrisation registers weights twice

    def count(*_: object) -> None:
        nonlocal registered
        registered += 1
        if registered > limit:
            raise ValueError(f"the description asks for far more weights than the {len(tensors)} in the file")

    device = owner.device_
    owner.device_ = torch.device("meta")
    hooks = [
        torch.nn.modules.module.register_module_parameter_registration_hook(count),
        torch.nn.modules.module.register_module_buffer_registration_hook(count),
    ]
    try:
        with torch.device("meta"):
            build()
        described = {
            f"{name}.{key}": tuple(value.shape)
            for name, module in owner._modules().items()
            for key, value in module.state_dict().items()
        }
    finally:
        owner.device_ = device
        for hook in hooks:
            hook.remove()
    for key, shape in described.items():
        stored = tuple(tensors[key].shape) if key in tensors else None
        if stored != shape:
            raise ValueError(f"the description asks for {key} of shape {shape}, the weights hold {stored}")
    build()


def _file_kind(path: Path) -> str | None:
    """What a file that is no model file is: "a data file" (a table's suffix), a pickle (SDV's models; by
    suffix or by pickle's opening bytes), "a text file" (text under another suffix than .synthloom: a model
    file opens with its header's 8-byte length, zero bytes among them), or None (bytes of another kind, or
    unreadable)."""
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return "a data file"
    pickled = "a pickle file (SDV saves models so; synthloom never loads one: it could run any code)"
    if suffix in (".pkl", ".pickle"):
        return pickled
    if suffix == ".txt":
        return "a text file"
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:  # unreadable: said as a model file that cannot be read
        return None
    if head[:2] in (b"\x80\x04", b"\x80\x05") and head[2:3] == b"\x95":  # pickle protocol 4 / 5, framed
        return pickled
    if suffix == ".synthloom" or b"\0" in head:
        return None
    try:  # random bytes seldom read as UTF-8 (one in three of 100 held no zero byte)
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return "a text file" if error.start >= len(head) - 3 else None  # a character cut at the end
    return "a text file"


def read_model_file(path: Path) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    if path.is_dir():
        raise ModelFileError(f"{path}: a folder, not a model file; give the .synthloom file `fit -o` wrote")
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found; check the path or fit a model first")
    try:
        with safe_open(str(path), framework="pt") as handle:
            header = (handle.metadata() or {}).get(_HEADER_KEY)
            tensors = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError) as exc:
        what = _file_kind(path)
        if what is not None:  # the arguments swapped: "header too large" said nothing of that
            raise NotAModelFileError(
                f"{path}: {what}, not a model file; give the .synthloom file `fit -o` wrote"
            ) from None
        raise ModelFileError(
            f"{path}: not a readable synthloom model file (corrupt or another format: {exc})"
        ) from None
    try:
        description = json.loads(header) if header is not None else None
    except json.JSONDecodeError:
        description = None
    if not isinstance(description, dict) or description.get("format") != FILE_FORMAT:
        raise ModelFileError(
            f"{path}: a safetensors file, but not a synthloom model (no synthloom description)"
        )
    version = description.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        # a text "1" was told to upgrade to the synthloom that read it
        raise ModelFileError(
            f"{path}: model file is corrupt: its format_version is {version!r}, not a whole number"
        )
    if version > FILE_FORMAT_VERSION:
        raise ModelFileError(
            f"{path}: written in model format {version!r} "
            f"by synthloom {description.get('synthloom_version')}; "
            f"this synthloom ({__version__}) reads format {FILE_FORMAT_VERSION} or older: upgrade synthloom"
        )
    # a fit that diverged is never saved, so a NaN weight is damage: it would sample empty rows silently
    damaged = nonfinite_tensors(tensors)
    if damaged:
        raise ModelFileError(
            f"{path}: model file is damaged: the weights {', '.join(damaged[:3])} hold NaN or infinite "
            "values; fit the model again or restore the file from a copy"
        )
    return description, tensors


def run_id_seed(seed: int, conditions: Mapping[str, Any] | pd.DataFrame | None) -> int:
    """The seed a draw's identifiers take: its seed, mixed with its conditions where it has any.
    Row k of every output of one seed had the same text id, so a second file of rare rows drawn with the
    default seed (`-c outcome=yes`) gave its 300 rows the ids of the first file's first 300 other patients;
    a draw without conditions keeps its seed's ids, and the same draw repeats them."""
    if conditions is None or len(conditions) == 0 or getattr(conditions, "empty", False):
        return seed  # a DataFrame without columns conditions nothing
    digest = hashlib.blake2b(digest_size=4)
    if isinstance(conditions, pd.DataFrame):  # per-row conditions: their columns and cells
        digest.update(json.dumps([seed, [str(c) for c in conditions.columns]]).encode())
        # a range's cell as its text: a column of ranges and single values ((100, 200) beside 1040.36) failed
        # pandas' hashing with "setting an array element with a sequence"
        cells = conditions.map(lambda value: repr(value) if isinstance(value, tuple | list) else value)
        digest.update(pd.util.hash_pandas_object(cells, index=False).to_numpy().tobytes())
    else:
        digest.update(json.dumps([seed, dict(conditions)], sort_keys=True, default=str).encode())
    return int.from_bytes(digest.digest(), "little")


def resolve_seed(random_state: int | None, what: str = "random_state") -> int:
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer):
        raise ConfigError(f"{what} must be an integer or None, not {random_state!r}")
    return int(random_state) % (2**32)
