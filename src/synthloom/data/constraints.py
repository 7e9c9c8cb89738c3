"""Business rules every generated row keeps: ranges, inequalities, fixed combinations, one-hot, predicates.

Rules are declared in Python or JSON, checked on the real data when a generator is fitted (real rows that
break a rule are reported in a warning, not a crash) and enforced at sampling:

- by transformation, so the model learns data that cannot break the rule: ``low <= high`` is learned as the
  non-negative gap ``high - low`` and rebuilt as ``low + gap``; a fixed combination of columns and a one-hot
  group each become one categorical column, so only combinations seen in the real data can come out;
- by repair where that is exact: values are clipped into ranges, an inequality's high side is raised;
- by bounded rejection otherwise (predicates, rules overlapping another rule's columns), with a clear
  ``ConditionError`` when too few drawn rows pass.

Besides the declared rules, a fit learns the orders the real rows keep between columns no rule names
(``find_orders``, ``learn_orders``; ``ConstraintSet(keep_orders=True)``) and keeps them as inequalities.

Example:
    >>> from synthloom.data.constraints import FixedCombinations, Inequality, Predicate, Range
    >>> rules = [Inequality("opened", "closed"), Range("age", 18, 99), FixedCombinations(["city", "state"]),
    ...          Predicate(lambda df: df["balance"] % 10 == 0, "balance in tens")]
    >>> model = get_model("copula").fit(real, constraints=rules)
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from synthloom.data.encoders import (
    DAY,
    DECIMAL_DTYPE,
    _fraction_width,
    _learn_decimals,
    _second_digits,
    _stamp_grid,
    as_boolean,
    as_decimals,
    column_dtype_name,
    column_numbers,
    column_zone,
    decimal_places,
    is_missing_value,
    nearest_levels,
    numbers_held_as_text,
    on_wall_grid,
    plain_value,
    read_period,
    stamp_seconds,
    text_offset,
    text_zone,
    to_datetimes,
    to_float,
    unpadded_codes,
    wall_seconds,
)
from synthloom.data.io import rows_named
from synthloom.data.metadata import (
    NUMERIC_KINDS,
    ColumnKind,
    ColumnSpec,
    Metadata,
    is_from_sdv,
    is_time_of_day,
    level_values,
    no_missing_error,
    numbers_as_text,
    unknown_level_error,
)
from synthloom.data.number_text import NumberFormat, fixed_text_decimals, holds_numbers, read_number
from synthloom.errors import ConditionError, ConfigError, DataWarning, ModelFileError, caller_stacklevel
from synthloom.models.conditions import (
    MissingCondition,
    RangeCondition,
    _as_range,
    _on_first_day,
    given_text,
    levels_range,
    parse_conditions,
)

# An inequality is learned as the gap high - low where at most this share of rows gives high without low.
MAX_GAPLESS_SHARE = 0.05
# ... and where real lows and highs paired at random break it in more than this share of the pairs. A looser
# rule (births decades before admissions of two years) is learned as the two columns themselves: low + gap
# carried the spread of both wide columns, years past the high side's range on either end.
LOOSE_BREAK_SHARE = 0.01
# An inequality that more than this share of the real rows breaks is refused at fit, as given the wrong way
# round; fewer breaking rows are warned of, and generated rows keep the rule. Other rules are only warned
# of, however many rows break them: a range may narrow the output to part of the data on purpose (balances
# of 5,000 - 10,000 where 94% of the real ones are lower).
MOST_BROKEN_SHARE = 0.9
# A high side rebuilt past an end of its real range is folded back inside, unless at least this share of
# the real values sits at that end (a floor or a cap many rows reach: kept there, as a spike).
EDGE_SPIKE_SHARE = 0.01
# The high side of an inequality with at most this many distinct real values is drawn among them.
INEQUALITY_LEVELS = 50
# An inequality's high side whose largest values each hold at least this share of rows, far above every
# other value (open ends: "2300-01-01", "9999-12-31"), keeps them exactly instead of as a gap from the low
# side; at most OPEN_ENDS of them.
OPEN_END_SHARE = 0.01
OPEN_ENDS = 5
# ... and lie further above the other values than this many times their spread (a top tier of credit
# limits, $5,000 beside $500 - $2,000, is a value like the others)
OPEN_END_DISTANCE = 3
# A repaired inequality's high side takes a gap drawn among this many quantiles of the real gaps.
GAP_QUANTILES = 21
# An order ``low <= high`` between two number columns or two datetime columns counts as one the real rows
# keep (``find_orders``) when the rows holding both keep it but for this share of them (an entry error or
# two), on at least MIN_ORDER_ROWS rows, and when pairing the two columns' values at random breaks it in
# at least ORDER_BY_CHANCE of the pairs: an order the ranges imply (every age below every income) says
# nothing about the rows. Fidelity grades how many synthetic rows keep them; a fit learns them as rules.
ORDER_EXCEPTIONS = 0.001
MIN_ORDER_ROWS = 100
ORDER_BY_CHANCE = 0.1
# Pairs of columns are first looked at on this many rows; more breaks than this rule a pair out at once.
_GLANCE_ROWS, _GLANCE_BREAKS = 2_000, 10
# A fit looks for orders on at most this many of its rows (a seeded sample): a table of 200 number columns
# and a million rows compares 40,000 pairs of columns; the rare row the sample misses is repaired.
ORDER_ROWS = 100_000
# A learned order keeps its high side as the real one and learns the low side as its gap below it where the
# real high side holds this many times the share of rows its five most common values hold on the low side
# (loan amounts of round thousands, 32% of them on five values, above balances of cents, 5%): rebuilt as
# balance + gap, the loan amounts lost their round values (column shape 0.975 -> 0.939 with the copula).
REVERSE_SPIKES = 2.0


# -- how a numeric column is read as numbers and written back ----------------------------------------------
@dataclass
class NumericColumn:
    """A numeric or datetime column's representation, learned from the real column (plain JSON).

    Datetimes are seconds since the epoch; ``step`` is the grid values sit on (1 for integers, a whole day,
    a clock grid such as whole minutes, or the finest digit of a second the stamps use for datetimes),
    ``decimals`` the rounding of continuous values, ``fraction_width`` the digits text stamps write a
    second's fractions with, ``offset`` the UTC offset they write (``encoders.text_offset``), ``text_zone``
    the zone whose offsets they write where they write several (``encoders.text_zone``), ``as_text``
    whether the numbers are plain text the table holds (``encoders.numbers_held_as_text``).
    """

    kind: str
    datetime_format: str | None
    dtype: str
    step: float | None = None
    decimals: int | None = None
    fraction_width: int = 0
    offset: str | None = None
    number_format: str | None = None
    text_zone: str | None = None
    unpadded: str = ""  # the codes whose fields the text writes without a leading zero (``unpadded_codes``)
    as_text: bool = False
    text_decimals: int | None = None  # fixed decimals the text writes (``number_text.fixed_text_decimals``)
    # a column's few levels (``metadata.level_values``), which its values decode to: a range keeps to them
    levels: list[float] | None = None

    @classmethod
    def learn(cls, series: pd.Series, spec: ColumnSpec) -> NumericColumn:
        column = cls(str(spec.kind), spec.datetime_format, column_dtype_name(series))
        column.number_format = spec.number_format
        column.as_text = numbers_held_as_text(series, spec)
        # Decimals keep their places as text does (a NUMERIC(10, 2) column's "26.00"), one for all
        is_decimal = column.dtype == DECIMAL_DTYPE
        column.text_decimals = (
            decimal_places(series) if is_decimal else fixed_text_decimals(series) if column.as_text else None
        )
        values = column.numbers(series)
        present = values[~np.isnan(values)]
        column.levels = level_values(present)
        if spec.kind == ColumnKind.DATETIME:
            column.fraction_width = _fraction_width(series, spec.datetime_format)
            column.offset = text_offset(series, spec.datetime_format)
            column.text_zone = text_zone(series, spec.datetime_format)
            column.unpadded = unpadded_codes(series, values, spec.datetime_format, column._write_stamps)
            wall = wall_seconds(present, column.zone)  # the zone's days and whole hours
            grid = _stamp_grid(wall)  # whole days, minutes, quarter hours
            column.step = float(grid) if grid else 10.0 ** -_second_digits(present)
        elif spec.kind == ColumnKind.INTEGER:
            column.step = 1.0
        elif present.size:
            column.decimals = _learn_decimals(present)
        return column

    def numbers(self, series: pd.Series) -> np.ndarray:
        """Float values (datetimes in seconds); missing or unreadable values are NaN."""
        is_datetime = self.kind == ColumnKind.DATETIME
        return column_numbers(series, is_datetime, self.datetime_format, self.number_format)

    @property
    def zone(self) -> Any:
        """The zone whose clock a datetime column's days and hours are on (None: UTC, or no datetime)."""
        if self.kind != ColumnKind.DATETIME:
            return None
        return column_zone(self.dtype, self.offset, self.text_zone)

    def up(self, values: np.ndarray) -> np.ndarray:
        """The nearest representable values at or above ``values`` (so a repaired bound still holds)."""
        if self.step is not None and self.step >= 60:  # days, hours, minutes: on the zone's clock
            return on_wall_grid(values, self.step, np.ceil, self.zone)
        if self.step is not None:
            return np.ceil(values / self.step) * self.step
        if self.decimals is not None:
            scale = 10.0**self.decimals
            return np.ceil(np.round(values * scale, 6)) / scale
        return values

    def down(self, values: np.ndarray) -> np.ndarray:
        """The nearest representable values at or below ``values``."""
        if self.step is not None and self.step >= 60:
            return on_wall_grid(values, self.step, np.floor, self.zone)
        return -self.up(-values)

    def nearest(self, values: np.ndarray) -> np.ndarray:
        """The representable values nearest ``values``."""
        up, down = self.up(values), self.down(values)
        return np.where(up - values <= values - down, up, down)

    def _write_stamps(self, values: np.ndarray, unpadded: str, name: str = "") -> pd.Series:
        return to_datetimes(
            values,
            name,
            self.dtype,
            self.datetime_format,
            self.fraction_width,
            self.offset,
            self.text_zone,
            unpadded,
        )

    def write(self, values: np.ndarray, name: str) -> pd.Series:
        """Numbers back to the real column's form: dtype, datetime text format."""
        if self.kind == ColumnKind.DATETIME:
            return self._write_stamps(values, self.unpadded, name)
        if self.number_format is not None:
            return NumberFormat.parse(self.number_format).write(values, name)
        series = pd.Series(values, name=name)
        if self.dtype == DECIMAL_DTYPE:  # a float among the Decimals failed a Parquet file's write
            return as_decimals(series, ColumnKind(self.kind), self.text_decimals)
        if self.as_text:
            return numbers_as_text(series, ColumnKind(self.kind), self.text_decimals)
        return series if np.isnan(values).any() else _cast(series, self.dtype)


def _cast(series: pd.Series, dtype: str) -> pd.Series:
    """``series`` as the real column's dtype where the values allow it (else as they are)."""
    try:
        return series.astype(dtype)
    except (TypeError, ValueError):
        return series


def _plain_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows as tuples of plain Python values, missing values as None (hashable, JSON-ready)."""
    cells = frame.astype(object).where(frame.notna(), None)
    return [tuple(plain_value(v) for v in row) for row in cells.itertuples(index=False, name=None)]


@dataclass(frozen=True)
class ValueCondition:
    """``column == value`` checked on sampled rows (a condition on a column a rule re-encodes)."""

    column: str
    value: Any

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        values = frame[self.column]
        if is_missing_value(self.value):
            return values.isna().to_numpy()
        # a level read back as text ("3" for 3); a missing value is no text ("None", "nan")
        as_text = values.notna() & (values.astype(str) == str(self.value))
        return ((values == self.value) | as_text).to_numpy()


@dataclass(frozen=True)
class RuleCheck:
    """A rule met by rejection, in the shape ``sample_with_rejection`` takes (it names checks by column)."""

    rule: Constraint

    @property
    def column(self) -> str:
        return f"rule {self.rule.name!r}"

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        return self.rule.holds(frame)


# -- the rules ----------------------------------------------------------------------------------------------
class Constraint(ABC):
    """A rule every row must keep. Subclasses declare it; ``ConstraintSet`` decides how it is enforced."""

    type_name: ClassVar[str]  # the "type" in JSON
    transformed_: bool = False  # learned: the model learns the rule through a re-encoding
    rejected_: bool = False  # learned: sampled rows are filtered on this rule
    learned_: bool = False  # an order the fit found in the real rows (``learn_orders``), not a declared rule

    @property
    @abstractmethod
    def name(self) -> str:
        """The rule as people read it, e.g. ``'balance <= limit'``."""

    @abstractmethod
    def columns(self) -> list[str]:
        """Columns the rule reads."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The JSON declaration (``constraints_from_dict`` reads it back)."""

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> None:  # noqa: B027 - most rules learn nothing
        """Learn what checking and enforcing the rule needs from the real table."""

    @abstractmethod
    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        """One bool per row: does the row keep the rule? (a missing value breaks no range or inequality)."""

    def state(self) -> dict[str, Any]:
        """Learned state as plain JSON."""
        return {}

    def restore(self, state: dict[str, Any]) -> None:  # noqa: B027 - most rules learn nothing
        """Rebuild the learned state from ``state()``."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def _numeric_spec(rule: Constraint, column: str, metadata: Metadata) -> ColumnSpec:
    spec = metadata.columns[column]
    if spec.kind not in NUMERIC_KINDS:
        raise ConfigError(
            f"rule {rule.name!r} compares column {column!r}, which is {spec.kind.value}; "
            "ranges and inequalities need numeric or datetime columns"
        )
    return spec


class Range(Constraint):
    """``low <= column <= high`` (either bound may be None); numbers, or dates as text for datetimes.

    Example:
        >>> Range("age", 18, 99); Range("opened", low="2015-01-01")
    """

    type_name = "range"

    def __init__(self, column: str, low: Any = None, high: Any = None) -> None:
        if low is None and high is None:
            raise ConfigError(f"range on {column!r} needs a low or a high bound")
        self.column = str(column)
        self.low, self.high = (
            v.isoformat() if hasattr(v, "isoformat") else plain_value(v) for v in (low, high)
        )

    @property
    def name(self) -> str:
        if self.low is None:
            return f"{self.column} <= {self.high}"
        if self.high is None:
            return f"{self.column} >= {self.low}"
        return f"{self.low} <= {self.column} <= {self.high}"

    def columns(self) -> list[str]:
        return [self.column]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type_name, "column": self.column, "low": self.low, "high": self.high}

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> None:
        spec = _numeric_spec(self, self.column, metadata)
        self.info_ = NumericColumn.learn(data[self.column], spec)
        low, high = (self._bound(v, spec, end) for v, end in ((self.low, 0), (self.high, 1)))
        self.bounds_ = (-math.inf if low is None else low, math.inf if high is None else high)
        if self.bounds_[0] > self.bounds_[1]:
            raise ConfigError(f"rule {self.name!r}: the low bound is above the high bound")
        real = self.info_.numbers(data[self.column])
        real = real[~np.isnan(real)]
        shares = [float(np.mean(real == bound)) if real.size else 0.0 for bound in self._kept_bounds()]
        self.bound_shares_: list[float] | None = [
            share if share >= EDGE_SPIKE_SHARE else 0.0 for share in shares
        ]

    def _bound(self, value: Any, spec: ColumnSpec, end: int) -> float | None:
        """A bound as a number, plain or as the column writes it ("$5,000.00"); a date as the column writes
        it ("03/02/2020" day first) or ISO, in the column's zone, a high one to the end of the day
        (month...) it names, as a condition's."""
        if value is None:
            return None
        try:
            if spec.kind != ColumnKind.DATETIME:
                if math.isnan(bound := read_number(value, spec.number_format)):
                    raise ValueError(value)
                return bound
            if is_time_of_day(spec.datetime_format):  # "07:00" on the day the column's times are on
                value = _on_first_day(value)  # (a condition's are too): not today, nor refused as yearless
            return stamp_seconds(read_period(value, spec.datetime_format)[end], self.info_.zone)
        except (TypeError, ValueError):
            kind = "a date" if spec.kind == ColumnKind.DATETIME else "a number"
            if spec.number_format is not None:
                kind += f" (plain, or written as the column writes them: {spec.number_format!r})"
            raise ConfigError(f"rule {self.name!r}: bound {value!r} is not {kind}") from None

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        values = self.info_.numbers(frame[self.column])
        low, high = self.bounds_
        return np.isnan(values) | ((values >= low) & (values <= high))

    def _kept_bounds(self) -> tuple[float, float]:
        """The least and the greatest value the column can write inside the range (a day's midnight for
        ``day <= 2022-06-30``, not its last microsecond); infinite where the range is open."""
        low, high = self.bounds_
        return (
            float(self.info_.up(np.array([low]))[0]) if math.isfinite(low) else low,
            float(self.info_.down(np.array([high]))[0]) if math.isfinite(high) else high,
        )

    def bring_inside(self, frame: pd.DataFrame, fold: bool = True) -> None:
        """Bring values outside the range inside (in place): mirrored back past a bound, with as many on a
        bound as the real values had there (``_fold_to_shares``), on the column's grid; a column of few
        levels onto the nearest level the range holds. Without ``fold``, onto the nearest bound.

        Put on the bound, the rows a model gave past it piled up there: 4 - 5% of ratings at exactly 6.0
        for ``rating <= 6``, where 0.1% of the real ones are.
        """
        values = self.info_.numbers(frame[self.column])
        low, high = self.bounds_
        outside = (values < low) | (values > high)
        if not outside.any():
            return
        bottom, top = self._kept_bounds()
        levels = np.asarray(self.info_.levels or [])
        inside = levels[(levels >= low) & (levels <= high)]
        if inside.size:  # the nearest level the range holds (36 for term <= 50 of 36 / 60), not 50
            kept = np.where(outside, nearest_levels(values, inside), values)
        elif fold and self.bound_shares_ is not None:  # None: files written before the shares were kept
            if math.isinf(bottom):  # a high bound alone: folded as a low one, upside down
                kept = -_fold_to_shares(-values, [-top, math.inf], self.bound_shares_[::-1])
            else:
                kept = _fold_to_shares(values, [bottom, top], self.bound_shares_)
            kept = np.clip(self.info_.nearest(kept), bottom, top)
        else:
            kept = np.clip(values, bottom, top)
        changed = (kept != values) & ~np.isnan(values)
        frame[self.column] = frame[self.column].where(~changed, self.info_.write(kept, self.column))

    def state(self) -> dict[str, Any]:
        return {
            "info": asdict(self.info_),
            "bounds": [_finite(b) for b in self.bounds_],
            "bound_shares": self.bound_shares_,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.info_ = NumericColumn(**state["info"])
        low, high = state["bounds"]
        self.bounds_ = (-math.inf if low is None else low, math.inf if high is None else high)
        self.bound_shares_ = state.get("bound_shares")


class Inequality(Constraint):
    """``low_column <= high_column`` for numbers or datetimes (e.g. ``start <= end``, ``balance <= limit``).

    The generator learns ``high - low`` (never negative) instead of ``high`` and rebuilds ``high``; a rule
    the real rows keep by a wide margin (``Inequality.is_loose``) is learned as the two columns and repaired.
    An order the fit learned (``learned_``) whose high side has the spikier values learns the gap in
    ``low``'s place instead (``reverse_``) and rebuilds ``low`` below ``high``. A learned order of a day
    after a time (``by_day_``) holds where ``high`` is ``low``'s day or later.

    Example:
        >>> Inequality("start_date", "end_date")
    """

    type_name = "inequality"
    reverse_: bool = False  # learned: the gap is learned in ``low``'s place, below ``high``
    implied_: bool = False  # a learned order a chain implies where its columns are present (``learn_orders``)
    # a learned order of a day after a time (a discharge day, an admission's time): kept by the day
    by_day_: bool = False

    def __init__(self, low: str, high: str) -> None:
        if str(low) == str(high):
            raise ConfigError(f"inequality needs two different columns, not {low!r} twice")
        self.low, self.high = str(low), str(high)

    @property
    def name(self) -> str:
        return f"{self.low} <= {self.high}"

    def columns(self) -> list[str]:
        return [self.low, self.high]

    @property
    def encoded(self) -> str:
        """The column the generator learns as the gap: ``high``, or ``low`` where ``reverse_``."""
        return self.low if self.reverse_ else self.high

    @property
    def anchor(self) -> str:
        """The column the gap is measured from, learned as it is."""
        return self.high if self.reverse_ else self.low

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type_name, "low": self.low, "high": self.high}

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> None:
        low_spec, high_spec = (_numeric_spec(self, c, metadata) for c in (self.low, self.high))
        if (low_spec.kind == ColumnKind.DATETIME) != (high_spec.kind == ColumnKind.DATETIME):
            raise ConfigError(f"rule {self.name!r} compares a datetime column with a number column")
        self.low_info_ = NumericColumn.learn(data[self.low], low_spec)
        self.high_info_ = NumericColumn.learn(data[self.high], high_spec)
        self.by_day_ = self.by_day_ and self.high_info_.step == DAY
        low_step = DAY if self.by_day_ else self.low_info_.step
        self.gap_unit_, self.gap_whole_ = _gap_unit(low_step, self.high_info_.step)
        values = self.high_info_.numbers(data[self.high])
        present = values[~np.isnan(values)]
        self.high_missing_ = bool(present.size < values.size)
        self.high_range_, self.high_levels_ = _range_and_levels(present)
        # the open ends (ascending) and the largest other value, or None
        self.high_open_ends_, self.high_below_open_ = _open_ends(present) or (None, None)
        rest = present if self.high_below_open_ is None else present[present <= self.high_below_open_]
        self.high_edge_shares_ = _edge_shares(rest)
        self.high_edge_spikes_ = [share > 0 for share in self.high_edge_shares_]  # as files before shares had
        lows = self.low_info_.numbers(data[self.low])
        present_lows = lows[~np.isnan(lows)]
        lows = self._compared(lows)
        self.low_missing_ = bool(present_lows.size < lows.size)
        self.low_range_, self.low_levels_ = _range_and_levels(present_lows)
        self.low_edge_shares_ = _edge_shares(present_lows)
        # the real rows that give both and keep the rule, open ends left out (distances to a far
        # convention, not gaps): their gaps' quantiles (in ``high``'s numbers), None without such rows
        kept = ~np.isnan(lows) & ~np.isnan(values) & (lows <= values) & (self._open_index(values) < 0)
        gaps = values[kept] - lows[kept]
        self.gap_quantiles_ = (
            np.quantile(gaps, np.linspace(0.0, 1.0, GAP_QUANTILES)).tolist() if gaps.size else None
        )
        self.gap_zero_share_ = float(np.mean(gaps == 0)) if gaps.size else 0.0
        # the spikier side stays as it is (``REVERSE_SPIKES``); an open end is no value to subtract from
        self.reverse_ = bool(
            self.learned_
            and not self.by_day_  # a low side rebuilt below its day would lose its time
            and self.high_open_ends_ is None
            and _top_share(present) > REVERSE_SPIKES * _top_share(present_lows)
            and not (np.isnan(values) & ~np.isnan(lows)).any()  # no low without its high: none comes back
        )
        self.open_flag_ = None  # the name of the learned column that marks the open ends
        if self.high_open_ends_ is not None:
            self.open_flag_ = f"{self.high} (open end)"
            while self.open_flag_ in data.columns:
                self.open_flag_ += "_"

    def _compared(self, low: np.ndarray) -> np.ndarray:
        """``low``'s values (as numbers) as ``high`` is compared with them: their day where ``by_day_``."""
        return self.high_info_.down(low) if self.by_day_ else low

    def _lows(self, frame: pd.DataFrame) -> np.ndarray:
        return self._compared(self.low_info_.numbers(frame[self.low]))

    def _open_index(self, high: np.ndarray) -> np.ndarray:
        """Per value of ``high`` (as numbers), its position among the open ends, or -1."""
        index = np.full(len(high), -1)
        for i, value in enumerate(self.high_open_ends_ or []):
            index[high == value] = i
        return index

    def open_flags(self, data: pd.DataFrame) -> pd.Series:
        """The ``open_flag_`` column of the real table: the open end's position ("0", "1" ...), else "no"."""
        index = self._open_index(self.high_info_.numbers(data[self.high]))
        flags = np.where(index >= 0, index.astype(str), "no")
        return pd.Series(flags, index=data.index, name=self.open_flag_)

    def learns_gap(self, data: pd.DataFrame) -> bool:
        """Whether the generator learns the gap in ``high``'s place: where the rule binds (not ``is_loose``)
        and few rows (``MAX_GAPLESS_SHARE``) give ``high`` without ``low`` (the gap cannot hold their
        ``high``, which comes back missing, with a warning), none for an order the fit found
        (``learned_``). Learned apart, the two sides are joined by repair only: of hospital stays of 1 to 14
        days with 2% of admissions missing, 29% came out as 0 days and 21% as over 14."""
        low, high = self._lows(data), self.high_info_.numbers(data[self.high])
        if self._loose(low, high):
            return False
        # an open end needs no low side: its own column brings it back ("no start, no end date")
        gapless = np.isnan(low) & ~np.isnan(high) & (self._open_index(high) < 0)
        if self.learned_:  # nobody asked for it: no real value may come back missing
            return self.reverse_ or not gapless.any()  # ``reverse_`` is chosen where none would
        if gapless.any() and gapless.mean() <= MAX_GAPLESS_SHARE:
            warnings.warn(
                f"rule {self.name!r}: {int(gapless.sum())} real row(s) give {self.high!r} without "
                f"{self.low!r}; synthetic rows without {self.low!r} have no {self.high!r} either",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        return bool(gapless.mean() <= MAX_GAPLESS_SHARE)

    def is_loose(self, data: pd.DataFrame) -> bool:
        """Whether real lows and highs paired at random keep the rule in all but ``LOOSE_BREAK_SHARE`` of
        the pairs (open ends left out), so the rule hardly binds and the two columns are best learned as
        they are, the rare row that breaks it repaired.

        Learned as dates of birth plus gaps (ages of 0 to 100 years), admissions of 2022 - 2023 came back
        years outside their range in two thirds of the rows, and 21% of them (88% with TVAE) sat on the
        first real admission day, where 0.1% of the real ones do.
        """
        return self._loose(self._lows(data), self.high_info_.numbers(data[self.high]))

    def _loose(self, low: np.ndarray, high: np.ndarray) -> bool:
        """``is_loose`` of the two columns read as numbers."""
        low, high = low[~np.isnan(low)], high[~np.isnan(high) & (self._open_index(high) < 0)]
        if not low.size or not high.size:
            return False  # nothing to pair: learned as before
        # per low value, the share of high values below it: the pairs that break the rule
        below = np.searchsorted(np.sort(high), low, side="left") / high.size
        return bool(below.mean() <= LOOSE_BREAK_SHARE)

    def gap_spec(self) -> ColumnSpec:
        """Integer gaps (days, minutes, seconds or whole numbers) when both sides sit on grids that share
        their finer step, else continuous."""
        return ColumnSpec(ColumnKind.INTEGER if self.gap_whole_ else ColumnKind.CONTINUOUS)

    def _unit(self) -> float:
        return self.gap_unit_

    def gap(self, data: pd.DataFrame) -> pd.Series:
        """``(high - low) / unit`` for the real table: what the generator learns in ``encoded``'s place.

        Open ends (``high_open_ends_``) are learned as a column of their own (``open_flags``): as gaps they
        would be a spread of distances to the far values, drawn back as dates near them (2297-03-12). Their
        rows, and those without the ``anchor`` (whose other side comes back missing whatever the gap), take
        the gap of another row drawn at random, so the gaps keep their real spread and a missing gap is a
        missing value beside a known anchor, as often as in the real rows.
        """
        low, high = self._lows(data), self.high_info_.numbers(data[self.high])
        gap = (high - low) / self._unit()
        filled = np.isnan(high if self.reverse_ else low)
        if self.high_open_ends_ is not None:
            filled |= self._open_index(high) >= 0
        others = gap[~filled & ~np.isnan(gap)]
        if filled.any() and others.size:  # the same draw for the same table: a fit is reproducible
            gap[filled] = np.random.default_rng(0).choice(others, int(filled.sum()))
        decimals = [d for d in (self.low_info_.decimals, self.high_info_.decimals) if d is not None]
        gap = np.round(gap, max(decimals)) if decimals else gap  # float noise off: 0.30000000000000004
        return pd.Series(gap, index=data.index, name=self.encoded)

    def rebuild(self, frame: pd.DataFrame) -> None:
        """``high = low + max(gap, 0)`` in place of the sampled gap, kept to ``high``'s real range and grid,
        and to its real values where it has few (``INEQUALITY_LEVELS``); ``low = high - max(gap, 0)``, kept
        so, where ``reverse_``.

        A sum can leave the range every other column keeps to (limits over the real maximum), the grid
        (whole limits from amounts with cents) and a few levels (limits of $500, $1,000 or $5,000 only:
        $1,332); the rule comes first where a real row broke it.
        """
        if self.reverse_:
            self._rebuild_low(frame)
            return
        low = self._lows(frame)
        gap = to_float(frame[self.high], self.high, warn=False)
        # below open ends, the other values keep to their own range (the level above them is an open end)
        top = self.high_range_[1] if self.high_below_open_ is None else self.high_below_open_
        summed = low + self._kept_positive(gap) * self._unit()
        lowest = self.high_info_.up(low)  # the least value the rule allows
        if self.high_edge_shares_ is None:  # files written before the shares were kept
            high = _fold(summed, self.high_range_[0], top, self.high_edge_spikes_)
        else:
            high = _fold_to_shares(summed, [self.high_range_[0], top], self.high_edge_shares_, lowest=lowest)
        high = np.maximum(self.high_info_.nearest(high), lowest)
        if self.high_levels_ is not None:
            high = _nearest_level_above(np.asarray(self.high_levels_), high, lowest)
        if self.high_open_ends_ is not None:
            flags = frame[self.open_flag_].astype(str)
            for i, value in enumerate(self.high_open_ends_):
                high = np.where(flags.eq(str(i)).to_numpy(), value, high)
        frame[self.high] = self.high_info_.write(high, self.high)

    def _kept_positive(self, gap: np.ndarray) -> np.ndarray:
        """Sampled gaps kept between 0 and the widest real one (mirrored inside), with as many at 0 as the
        real rows have (``gap_zero_share_``): set to 0, every negative gap gave 3% of the synthetic rows a
        balance equal to its amount, which no real row has. Files written before the share was kept set
        negative gaps to 0."""
        if self.gap_zero_share_ is None:
            return np.maximum(gap, 0.0)
        # a negative gap mirrored past the widest real one (-100 days of 0 - 89) is kept to that width
        widest = np.inf if self.gap_quantiles_ is None else self.gap_quantiles_[-1] / self._unit()
        return _fold_to_shares(gap, [0.0, widest], [self.gap_zero_share_, 0.0])

    def _rebuild_low(self, frame: pd.DataFrame) -> None:
        """``rebuild`` where ``reverse_``: ``low = high - max(gap, 0)``, kept to ``low``'s real range, grid
        and few levels, and at most ``high``."""
        high = self.high_info_.numbers(frame[self.high])
        gap = to_float(frame[self.low], self.low, warn=False)
        highest = self.low_info_.down(high)  # the largest value the rule allows
        differences = high - self._kept_positive(gap) * self._unit()
        low = _fold_to_shares(differences, self.low_range_, self.low_edge_shares_, highest=highest)
        low = np.minimum(self.low_info_.nearest(low), highest)
        if self.low_levels_ is not None:  # the nearest level at most ``highest``, as mirrored levels above
            levels = -np.asarray(self.low_levels_)[::-1]
            low = -_nearest_level_above(levels, -low, -highest)
        frame[self.low] = self.low_info_.write(low, self.low)

    def repair(self, frame: pd.DataFrame) -> None:
        """Raise ``high`` above ``low`` in rows that break the rule (in place), by a gap drawn among the real
        gaps (``gap_quantiles_``), kept to ``high``'s grid, levels and real range.

        Raised to ``low`` itself, a table learned apart (``learns_gap``) had 14-21% of its rows at
        ``high == low`` where every real gap was 1.5 days or more. Files written before the gaps were kept
        raise ``high`` to ``low``, as they did.
        """
        low = self._lows(frame)
        high = self.high_info_.numbers(frame[self.high])
        broken = high < low
        if not broken.any():
            return
        lowest = self.high_info_.up(low)  # the least value the rule allows
        raised = lowest
        if self.gap_quantiles_ is not None:
            quantiles = np.asarray(self.gap_quantiles_)
            # the rows themselves seed the draw: a seeded sample repairs the same way, no global state
            digest = hashlib.sha256(self.name.encode())
            digest.update(np.ascontiguousarray(np.stack([low[broken], high[broken]])).tobytes())
            rng = np.random.default_rng(int.from_bytes(digest.digest()[:8], "little"))
            drawn = np.zeros(len(low))
            drawn[broken] = np.interp(
                rng.random(int(broken.sum())), np.linspace(0, 1, quantiles.size), quantiles
            )
            top = self.high_range_[1] if self.high_below_open_ is None else self.high_below_open_
            raised = np.clip(low + drawn, self.high_range_[0], top)
            raised = np.maximum(self.high_info_.nearest(raised), lowest)
            if self.high_levels_ is not None:
                raised = _nearest_level_above(np.asarray(self.high_levels_), raised, lowest)
        written = self.high_info_.write(np.where(broken, raised, high), self.high)
        frame[self.high] = frame[self.high].where(~broken, written)

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        low = self._lows(frame)
        high = self.high_info_.numbers(frame[self.high])
        return ~(high < low)  # a comparison with NaN is False: missing values keep the rule

    def condition(self, column: str, value: Any) -> RangeCondition | MissingCondition:
        """A sampling condition on ``encoded``, whose values the generator no longer sees."""
        missing, info, real_range = (
            (self.low_missing_, self.low_info_, self.low_range_)
            if self.reverse_
            else (self.high_missing_, self.high_info_, self.high_range_)
        )
        if is_missing_value(value):
            if not missing:
                raise no_missing_error(column)
            return MissingCondition(column)
        is_datetime = info.kind == ColumnKind.DATETIME
        zone = info.zone
        kind = ColumnKind(info.kind)
        low, high = _as_range(column, value, kind, zone, info.number_format, info.datetime_format)
        condition = RangeCondition(column, low, high, is_datetime, info.datetime_format, info.number_format)
        if not condition.overlaps(*real_range):
            raise ConditionError(f"range {value!r} for column {column!r} lies outside the real data's range")
        return condition

    def state(self) -> dict[str, Any]:
        return {
            "low": asdict(self.low_info_),
            "high": asdict(self.high_info_),
            "range": self.high_range_,
            "levels": self.high_levels_,
            "missing": self.high_missing_,
            "open_ends": self.high_open_ends_,
            "below_open": self.high_below_open_,
            "open_flag": self.open_flag_,
            "edge_spikes": self.high_edge_spikes_,
            "edge_shares": self.high_edge_shares_,
            "gap_zero_share": self.gap_zero_share_,
            "gap_unit": self.gap_unit_,
            "gap_whole": self.gap_whole_,
            "gap_quantiles": self.gap_quantiles_,
            "reverse": self.reverse_,
            "by_day": self.by_day_,
            "low_range": self.low_range_,
            "low_levels": self.low_levels_,
            "low_edge_shares": self.low_edge_shares_,
            "low_missing": self.low_missing_,
        }

    def restore(self, state: dict[str, Any]) -> None:
        self.low_info_ = NumericColumn(**state["low"])
        self.high_info_ = NumericColumn(**state["high"])
        self.high_range_ = list(state["range"])
        self.high_levels_ = state.get("levels")  # files written before levels were kept: none
        self.high_missing_ = bool(state.get("missing", True))  # before: the draws tell
        self.high_open_ends_ = state.get("open_ends")  # files written before open ends were kept: none
        self.high_below_open_ = state.get("below_open")
        self.open_flag_ = state.get("open_flag")
        self.high_edge_spikes_ = state.get("edge_spikes", [True, True])  # files before: clipped to the range
        self.high_edge_shares_ = state.get("edge_shares")  # files before: folded by the spikes above
        self.gap_zero_share_ = state.get("gap_zero_share")  # files before: negative gaps set to 0
        # files written before the unit was kept learned gaps in the coarser step
        steps = (self.low_info_.step, self.high_info_.step)
        self.gap_unit_ = float(state.get("gap_unit", max(step or 1.0 for step in steps)))
        self.gap_whole_ = bool(state.get("gap_whole", None not in steps))
        self.gap_quantiles_ = state.get("gap_quantiles")  # files written before: raised to low, as before
        # files written before orders were learned rebuild the high side, and need nothing of the low one
        self.reverse_ = bool(state.get("reverse", False))
        self.by_day_ = bool(state.get("by_day", False))  # files written before: by the time
        self.low_range_ = list(state.get("low_range", [0.0, 0.0]))
        self.low_levels_ = state.get("low_levels")
        self.low_edge_shares_ = state.get("low_edge_shares", [0.0, 0.0])
        self.low_missing_ = bool(state.get("low_missing", True))


def _range_and_levels(present: np.ndarray) -> tuple[list[float], list[float] | None]:
    """A side's real range, and its distinct values where it has few (``INEQUALITY_LEVELS``), else None."""
    levels = np.unique(present)
    return list(_ends(present)), levels.tolist() if levels.size <= INEQUALITY_LEVELS else None


def _top_share(values: np.ndarray) -> float:
    """The share of ``values`` its five most common values hold (0 for none): how spiky a column is."""
    if not values.size:
        return 0.0
    counts = np.unique(values, return_counts=True)[1]
    return float(np.sort(counts)[-5:].sum() / values.size)


def _ends(values: np.ndarray) -> tuple[float, float]:
    return (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)


def _fold(values: np.ndarray, bottom: float, top: float, spikes: list[bool]) -> np.ndarray:
    """``values`` kept to ``[bottom, top]``: mirrored back inside past an end where no spike of real values
    sits (``spikes``: per end), else clipped to it. Clipped at every end, rebuilt limits past the real
    minimum piled up there: 6.7% of them at it, where 0.2% of the real ones are. Without a spike at either
    end, a sum is mirrored back and forth until it lies inside: mirrored once at each end, those more than
    the range's width outside were clipped onto the minimum."""
    width = top - bottom
    if not any(spikes) and width > 0:
        offset = np.mod(values - bottom, 2 * width)
        mirrored = bottom + np.where(offset > width, 2 * width - offset, offset)
        inside = np.where((values < bottom) | (values > top), mirrored, values)  # inside ones stay exact
        return np.clip(inside, bottom, top)  # bottom + width may round a hair past top
    if not spikes[0]:
        values = np.where(values < bottom, 2 * bottom - values, values)
    if not spikes[1]:
        values = np.where(values > top, 2 * top - values, values)
    return np.clip(values, bottom, top)


def _edge_shares(values: np.ndarray) -> list[float]:
    """The shares of ``values`` at their minimum and at their maximum where it is a spike
    (``EDGE_SPIKE_SHARE``), else 0: the one row holding the maximum is no value to put others on."""
    shares = [float(np.mean(values == end)) if values.size else 0.0 for end in _ends(values)]
    return [share if share >= EDGE_SPIKE_SHARE else 0.0 for share in shares]


def _fold_to_shares(
    values: np.ndarray,
    ends: Sequence[float],
    shares: Sequence[float],
    lowest: np.ndarray | float = -np.inf,
    highest: np.ndarray | float = np.inf,
) -> np.ndarray:
    """``values`` kept to the real range ``ends`` (the top may be infinite) and, row by row, to the rule's
    ``[lowest, highest]``, with as many of them at each end as ``shares`` (the real values' shares at the
    bottom and at the top) say: those furthest past an end are put on it, and where too few lie past it
    the nearest inside; the others are mirrored back and forth until they lie inside.

    Clipped, every sum past a floor of real values sat on it (15% of balances at 0 where 5% of the real
    ones are); mirrored, too few did (fully paid loans: 0.5% against 4.6%); mirrored in the real range
    alone, a balance past 0 came back above its amount, and was set to it (1.9% of the rows).
    """
    bottom = np.maximum(ends[0], lowest)
    top = np.maximum(np.minimum(ends[1], highest), bottom)
    width = top - bottom
    with np.errstate(invalid="ignore", divide="ignore"):  # an infinite width mirrors at the bottom only
        offset = np.mod(values - bottom, np.where(width > 0, 2 * width, 1.0))
        folded = np.where(offset > width, 2 * width - offset, offset)
        mirrored = np.where(np.isfinite(width), bottom + folded, 2 * bottom - values)
    outside = (values < bottom) | (values > top)
    result = np.clip(np.where(outside, mirrored, values), bottom, top)
    present = ~np.isnan(values)
    for end, share, inside in (
        (ends[0], shares[0], values - ends[0]),
        (ends[1], shares[1], ends[1] - values),
    ):
        wanted = round(float(share) * int(present.sum())) - int(np.sum(result == end))
        if wanted <= 0 or not np.isfinite(end):
            continue
        # how far inside the end each value lay (past it: negative), those on it or barred from it left out
        allowed = present & (result != end) & (bottom <= end) & (end <= top)
        distance = np.where(allowed, inside, np.inf)
        nearest = np.argsort(distance, kind="stable")[:wanted]
        result[nearest[np.isfinite(distance[nearest])]] = end
    return result


def _gap_unit(low_step: float | None, high_step: float | None) -> tuple[float, bool]:
    """(unit, whole) of an inequality's gap: whole numbers of the finer step where both sides sit on grids
    and the coarser step is a multiple of it (dates beside stamps of whole minutes: minutes; in days, every
    stamp came back at midnight), else a continuous gap."""
    if low_step is None or high_step is None:
        return max(low_step or 1.0, high_step or 1.0), False
    fine, coarse = min(low_step, high_step), max(low_step, high_step)
    ratio = coarse / fine
    return fine, bool(abs(ratio - round(ratio)) <= 1e-9 * ratio)


def _open_ends(values: np.ndarray) -> tuple[list[float], float] | None:
    """(open ends, the largest other value) of ``values``: the most (up to ``OPEN_ENDS``) of their largest
    distinct values that each ``OPEN_END_SHARE`` of them hold (two at least), and that lie further above
    the rest than ``OPEN_END_DISTANCE`` times the rest's spread ("2300-01-01" and "9999-12-31" beside dates
    of 2020 - 2023; a cap that many rows reach is not one). None where there is none."""
    levels, counts = np.unique(values, return_counts=True)
    found = None
    for k in range(1, min(OPEN_ENDS, levels.size - 2) + 1):  # the rest keeps a spread to compare with
        ends, rest = levels[-k:], levels[:-k]
        if counts[-k] < max(2, OPEN_END_SHARE * values.size):
            break
        if ends[0] - rest[-1] > OPEN_END_DISTANCE * (rest[-1] - rest[0]):
            found = ([float(v) for v in ends], float(rest[-1]))
    return found


def _asked_text(check: Any) -> str:
    """A condition as the user wrote it, near enough: a value, a range, or nothing for missing."""
    if isinstance(check, RangeCondition):
        low, high = (f"{end:g}" if np.isfinite(end) else "" for end in (check.low, check.high))
        return low if check.low == check.high else f"{low}..{high}"
    return "" if is_missing_value(check.value) else str(check.value)


def _nearest_level_above(levels: np.ndarray, values: np.ndarray, lowest: np.ndarray) -> np.ndarray:
    """Each value moved to the nearest of the sorted ``levels`` that is at least ``lowest`` (``lowest``
    itself where no level is); missing values stay missing."""
    nearest = nearest_levels(values, levels)
    least = levels[np.searchsorted(levels, lowest).clip(0, levels.size - 1)]  # the first level >= lowest
    moved = np.where(nearest >= lowest, nearest, np.where(least >= lowest, least, lowest))
    return np.where(np.isnan(values), np.nan, moved)


# -- orders the real rows keep, learned as inequalities -------------------------------------------------
@dataclass(frozen=True)
class Order:
    """``low <= high``, kept by the real rows (``find_orders``): ``real_broken`` is the share of the rows
    holding both that break it, ``random_broken`` that of the two columns' values paired at random."""

    low: str
    high: str
    real_broken: float
    random_broken: float
    by_day: bool = False  # ``high`` is a day, ``low`` a time: kept where ``high`` is ``low``'s day or later

    def broken(self, low: np.ndarray, high: np.ndarray) -> np.ndarray:
        """Which rows of the two columns (as numbers) break the order; a missing value breaks none."""
        return (_day_of(low) if self.by_day else low) > high


def _day_of(seconds: np.ndarray) -> np.ndarray:
    """The midnight (UTC) that begins each stamp's day, as seconds since the epoch."""
    return np.floor(seconds / DAY) * DAY


def find_orders(numbers: Mapping[str, np.ndarray], metadata: Metadata, random_state: int = 0) -> list[Order]:
    """The orders ``low <= high`` the real rows keep (``ORDER_EXCEPTIONS``, ``MIN_ORDER_ROWS``,
    ``ORDER_BY_CHANCE``) between the columns of ``numbers`` (name -> values as floats, NaN where missing),
    datetimes only with datetimes (``metadata`` gives the kinds). Two columns equal but for a few rows
    (kept both ways) are a copy, not an order. A column of days above one of times is compared with the
    times' days (``Order.by_day``): a discharge day is no earlier than the admission's day, and a discharge
    on the day of admission, at midnight before its time, broke the order in 3% of the rows.

    Example:
        >>> find_orders({"admitted": admitted, "discharged": discharged}, metadata)
        [Order(low='admitted', high='discharged', real_broken=0.0, random_broken=0.41)]
    """
    names = list(numbers)
    if len(names) < 2:
        return []
    values = np.column_stack([np.asarray(numbers[name], dtype=float) for name in names])
    present = ~np.isnan(values)
    dated = np.array([metadata.columns[name].kind == ColumnKind.DATETIME for name in names])
    days = dated & np.all(np.isnan(values) | (values % DAY == 0), axis=0)

    def lows(i: int, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Column ``i``'s ``rows`` as each of ``columns`` is compared with them: days beside days."""
        by_day = days[columns] & ~days[i]
        return np.where(by_day, _day_of(rows[:, [i]]), rows[:, [i]]) if by_day.any() else rows[:, [i]]

    # a first look on a few rows drops the pairs broken far too often (most of them): an order broken in
    # 0.1% of the rows breaks in more than 0.5% of 2,000 of them once in some 100,000 pairs
    glance = values[np.random.default_rng(0).permutation(len(values))[:_GLANCE_ROWS]]
    every = np.arange(len(names))
    with np.errstate(invalid="ignore"):
        glanced = [np.sum(lows(i, glance, every) > glance, axis=0) <= _GLANCE_BREAKS for i in every]
    rng = np.random.default_rng(random_state)
    found = []
    for i, low in enumerate(names):
        others = np.flatnonzero(glanced[i] & (dated == dated[i]) & (np.arange(len(names)) != i))
        if not others.size:
            continue
        both = present[:, [i]] & present[:, others]
        held = both.sum(axis=0)
        compared = lows(i, values, others)
        with np.errstate(invalid="ignore"):
            share_above = ((compared > values[:, others]) & both).sum(axis=0) / np.maximum(held, 1)
            share_below = ((compared < values[:, others]) & both).sum(axis=0) / np.maximum(held, 1)
        kept = (held >= MIN_ORDER_ROWS) & (share_above <= ORDER_EXCEPTIONS) & (share_below > ORDER_EXCEPTIONS)
        for k in np.flatnonzero(kept):
            pair = both[:, k]
            order = Order(
                low, names[others[k]], float(share_above[k]), 0.0, bool(days[others[k]] and not days[i])
            )
            random_broken = float(
                np.mean(order.broken(values[pair, i], rng.permutation(values[pair, others[k]])))
            )
            if random_broken >= ORDER_BY_CHANCE:
                found.append(replace(order, random_broken=random_broken))
    return found


def learn_orders(
    data: pd.DataFrame, metadata: Metadata, declared: Sequence[Constraint] = ()
) -> list[Inequality]:
    """Inequalities for the orders the real rows keep (``find_orders``) between number or datetime columns,
    marked ``learned_``, beside the ``declared`` rules: none between columns a declared inequality already
    orders, or on a column a fixed combination or one-hot group learns as a category.

    Orders a chain implies (declared inequalities included) are left out: beside ``a <= b`` and ``b <= c``,
    ``a <= c`` would come first in dependency order and learn ``c`` as a gap from ``a``, the wider one.
    Where a column in the chain has blanks, the chain does not hold a row without it: the order is kept,
    marked ``implied_``, and learns no gap ahead of the chain's (``ConstraintSet._plan``). An order that
    would close a cycle, which columns missing in different rows can make, is left out (the most kept ones
    come first).
    """
    grouped = {column for rule in declared if isinstance(rule, _Group) for column in rule.columns()}
    names = [name for name in metadata.columns_of(*NUMERIC_KINDS) if name not in grouped]
    if len(data) > ORDER_ROWS:
        data = data.iloc[np.sort(np.random.default_rng(0).choice(len(data), ORDER_ROWS, replace=False))]
    numbers = {}
    for name in names:
        spec = metadata.columns[name]
        is_datetime = spec.kind == ColumnKind.DATETIME
        numbers[name] = column_numbers(data[name], is_datetime, spec.datetime_format, spec.number_format)
    orders = sorted(find_orders(numbers, metadata), key=lambda order: order.real_broken)
    above: dict[str, set[str]] = {}  # column -> the columns ordered directly above it

    complete = {name for name, values in numbers.items() if not np.isnan(values).any()}

    def reaches(start: str, goal: str, skipped: tuple[str, str] | None = None, through: Any = None) -> bool:
        """Whether a chain of orders leads from ``start`` to ``goal`` (not by the edge ``skipped``, and
        only through the columns in ``through``, where given)."""
        seen, stack = {start}, [start]
        while stack:
            column = stack.pop()
            for higher in above.get(column, ()):
                if (column, higher) == skipped or higher in seen:
                    continue
                if higher == goal:
                    return True
                seen.add(higher)
                if through is None or higher in through:
                    stack.append(higher)
        return False

    stated = {(rule.low, rule.high) for rule in declared if isinstance(rule, Inequality)}
    for low, high in stated:
        above.setdefault(low, set()).add(high)
    for order in orders:
        if (order.high, order.low) not in stated and not reaches(order.high, order.low):
            above.setdefault(order.low, set()).add(order.high)
    rules = []
    for order in orders:  # kept in the order found: the same data learns the same rules
        edge = (order.low, order.high)
        if edge in stated:
            continue
        if order.high in above.get(order.low, ()) and not reaches(order.low, order.high, edge, complete):
            rule = Inequality(order.low, order.high)
            rule.learned_, rule.by_day_ = True, order.by_day
            rule.implied_ = reaches(order.low, order.high, skipped=edge)
            rules.append(rule)
    return rules


class _Group(Constraint):
    """A rule over several columns the generator learns as one categorical column (named after the first)."""

    def __init__(self, columns: Sequence[str]) -> None:
        if isinstance(columns, str) or not isinstance(columns, Sequence) or len(columns) < 2:
            raise ConfigError(f"{self.type_name} needs a list of at least two columns, not {columns!r}")
        if len(set(map(str, columns))) != len(columns):
            raise ConfigError(f"{self.type_name} names a column twice: {list(columns)}")
        self.group = [str(c) for c in columns]

    def columns(self) -> list[str]:
        return list(self.group)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type_name, "columns": list(self.group)}

    @property
    def hidden(self) -> str:
        return self.group[0]

    @abstractmethod
    def encode(self, data: pd.DataFrame) -> pd.Series:
        """The one categorical column that stands for the group."""

    @abstractmethod
    def decode(self, frame: pd.DataFrame) -> None:
        """Expand the categorical column back into the group's columns (in place)."""

    @abstractmethod
    def check_together(self, asked: dict[str, Any]) -> None:
        """Refuse, before any draw, conditions on several of the group's columns (``asked``: column -> its
        condition) that no row keeping the rule meets together: rejection would draw in vain."""

    @abstractmethod
    def condition(self, column: str, value: Any) -> ValueCondition:
        """A sampling condition on one of the group's columns."""


class FixedCombinations(_Group):
    """Only combinations of these columns' values that the real data holds (e.g. city with its state).

    Example:
        >>> FixedCombinations(["city", "state"])
    """

    type_name = "fixed_combinations"

    @property
    def name(self) -> str:
        return f"fixed combinations of {', '.join(self.group)}"

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> None:
        for column in self.group:
            kind = metadata.columns[column].kind
            if kind in (ColumnKind.CONTINUOUS, ColumnKind.DATETIME, ColumnKind.IDENTIFIER):
                raise ConfigError(
                    f"rule {self.name!r}: column {column!r} is {kind.value}; fixed combinations need "
                    "categorical, boolean or integer columns (declare its kind in the metadata)"
                )
        self.combos_ = list(dict.fromkeys(_plain_rows(data[self.group])))
        self.dtypes_ = [str(data[c].dtype) for c in self.group]

    def encode(self, data: pd.DataFrame) -> pd.Series:
        index = {combo: str(i) for i, combo in enumerate(self.combos_)}
        return pd.Series([index[row] for row in _plain_rows(data[self.group])], index=data.index)

    def decode(self, frame: pd.DataFrame) -> None:
        codes = frame[self.hidden].astype(int).to_numpy()
        table = np.empty((len(self.combos_), len(self.group)), dtype=object)  # (combinations, columns)
        table[:] = self.combos_
        for position, (column, dtype) in enumerate(zip(self.group, self.dtypes_, strict=True)):
            frame[column] = _cast(pd.Series(table[codes, position], name=column), dtype)

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        seen = set(self.combos_)
        return np.array([row in seen for row in _plain_rows(frame[self.group])], dtype=bool)

    def condition(self, column: str, value: Any) -> ValueCondition | RangeCondition:
        """A condition on one of the group's columns; a number column takes a value or a range of values
        (``limit=999999`` of a float column, ``limit=4000..6000``), met by one of its real levels."""
        position = self.group.index(column)
        if is_missing_value(value):
            if not any(is_missing_value(combo[position]) for combo in self.combos_):
                raise no_missing_error(column)
            return ValueCondition(column, None)
        present = [combo[position] for combo in self.combos_ if not is_missing_value(combo[position])]
        dtype = pd.api.types.pandas_dtype(self.dtypes_[position])
        if holds_numbers(dtype):
            return levels_range(column, value, present)
        if pd.api.types.is_bool_dtype(dtype):
            value = as_boolean(value)  # "true" or 1 for the level the file writes True
        seen = {str(level) for level in present}
        if str(value) not in seen:
            raise unknown_level_error(column, value, sorted(seen))
        return ValueCondition(column, value)

    def check_together(self, asked: dict[str, Any]) -> None:
        """Refuse, before any draw, conditions on several of the group's columns that no real combination
        meets together (``asked``: column -> its condition); rejection would draw in vain."""
        combos = pd.DataFrame(self.combos_, columns=self.group)
        if not np.logical_and.reduce([check.holds(combos) for check in asked.values()]).any():
            raise ConditionError(
                f"no real row has {' and '.join(f'{c}={_asked_text(check)}' for c, check in asked.items())} "
                f"together (the rule keeps the real combinations of {', '.join(self.group)})"
            )

    def state(self) -> dict[str, Any]:
        return {"combos": [list(c) for c in self.combos_], "dtypes": self.dtypes_}

    def restore(self, state: dict[str, Any]) -> None:
        self.combos_ = [tuple(c) for c in state["combos"]]
        self.dtypes_ = list(state["dtypes"])


class OneHot(_Group):
    """Exactly one of these 0/1 columns is 1 in every row.

    Example:
        >>> OneHot(["plan_basic", "plan_plus", "plan_pro"])
    """

    type_name = "one_hot"

    @property
    def name(self) -> str:
        return f"one-hot {', '.join(self.group)}"

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> None:
        for column in self.group:
            kind = metadata.columns[column].kind
            if kind in (ColumnKind.DATETIME, ColumnKind.IDENTIFIER):
                raise ConfigError(f"rule {self.name!r}: column {column!r} is {kind.value}, not 0/1")
        self.dtypes_ = [str(data[c].dtype) for c in self.group]
        self.spellings_ = _flag_spellings([data[c] for c in self.group])

    def _ones(self, frame: pd.DataFrame) -> np.ndarray:
        values = np.column_stack([_flag_numbers(frame[c], c) for c in self.group])  # (N, k)
        return np.nan_to_num(values, nan=0.0)

    def encode(self, data: pd.DataFrame) -> pd.Series:
        # a real row breaking the rule (no 1, several 1s) is learned as its first largest column
        chosen = np.asarray(self.group, dtype=object)[self._ones(data).argmax(axis=1)]
        return pd.Series(chosen, index=data.index)

    def decode(self, frame: pd.DataFrame) -> None:
        chosen = frame[self.hidden].astype(str).to_numpy()
        for column, dtype, spelling in zip(self.group, self.dtypes_, self.spellings_, strict=True):
            ones = chosen == column
            if spelling is not None:  # flags the table writes as text ("TRUE" / "FALSE"): as it writes them
                frame[column] = _cast(pd.Series(np.where(ones, *spelling), name=column, dtype=object), dtype)
            else:
                frame[column] = _cast(pd.Series(ones.astype(np.int64), name=column), dtype)

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        return (self._ones(frame) == 1).sum(axis=1) == 1

    def condition(self, column: str, value: Any) -> ValueCondition:
        chosen = _as_flag(value)
        if not isinstance(chosen, bool):
            raise ConditionError(f"column {column!r} is one-hot: condition it on 0 or 1, not {value!r}")
        spelling = self.spellings_[self.group.index(column)]
        if spelling is not None:  # sampled flags are written as the table writes them ("TRUE")
            return ValueCondition(column, spelling[0] if chosen else spelling[1])
        # 1 / 0 equals the column's level whatever its dtype (True, 1.0, "1"); "true" equals none of them
        return ValueCondition(column, int(chosen))

    def check_together(self, asked: dict[str, Any]) -> None:
        """Refuse, before any draw, conditions on several of the group's columns that ask more than one of
        them for 1, or every one of them for 0 (rejection had drawn 20,000 rows in vain, then named no
        rule)."""
        ones = [column for column, check in asked.items() if check.value == self._one(column)]
        if len(ones) > 1:
            raise ConditionError(
                f"{' and '.join(f'{c}=1' for c in ones)} break rule {self.name!r}: exactly one of its "
                "columns is 1 in every row; ask one of them for 1"
            )
        if not ones and len(asked) == len(self.group):
            raise ConditionError(
                f"every column of rule {self.name!r} is asked for 0, but exactly one of them is 1 in every "
                "row; ask one of them for 1"
            )

    def _one(self, column: str) -> Any:
        """The value a condition asking ``column`` for 1 compares with: 1, or the table's spelling of it."""
        spelling = self.spellings_[self.group.index(column)]
        return 1 if spelling is None else spelling[0]

    def state(self) -> dict[str, Any]:
        return {"dtypes": self.dtypes_, "spellings": self.spellings_}

    def restore(self, state: dict[str, Any]) -> None:
        self.dtypes_ = list(state["dtypes"])
        # files written before the spellings were kept: flags written as 0 / 1 in the column's dtype
        spellings = state.get("spellings") or [None] * len(self.dtypes_)
        self.spellings_ = [None if pair is None else (str(pair[0]), str(pair[1])) for pair in spellings]


def _flag_numbers(series: pd.Series, name: str) -> np.ndarray:
    """A one-hot column's flags as numbers: 0/1, booleans, and flags written as text ("TRUE", "false",
    "yes", as a CSV writes them, which ``to_float`` cannot read: every real row then looked flagless)."""
    numbers = to_float(series, name, warn=False)
    unread = np.isnan(numbers) & series.notna().to_numpy()
    if unread.any():
        flags = [_as_flag(value) for value in series[unread]]
        numbers[unread] = [float(flag) if isinstance(flag, bool) else np.nan for flag in flags]
    return numbers


# how a flag column writes 1 and 0 as text (in any case): also the other spelling of a flag a column writes
# one way only (a column that is never 1, or always)
_FLAG_PAIRS = {"true": "false", "1": "0", "1.0": "0.0", "yes": "no", "y": "n", "t": "f"}
_FLAG_TEXTS = dict.fromkeys(_FLAG_PAIRS, True) | dict.fromkeys(_FLAG_PAIRS.values(), False)


def _as_flag(value: Any) -> Any:
    """``value`` as True / False when it spells a flag (``as_boolean``'s spellings, "yes", "N", "t"...),
    else unchanged."""
    if isinstance(value, str):
        return _FLAG_TEXTS.get(value.strip().lower(), value)
    return as_boolean(value)


def _flag_spellings(columns: list[pd.Series]) -> list[tuple[str, str] | None]:
    """Per column, the texts it writes for 1 and 0 ("TRUE", "FALSE"), or None for columns that are not
    text (numbers, booleans: written back as 0/1 in their dtype). A column writing only one of them takes
    the other from the group's other columns, else from that one's case ("TRUE": "FALSE")."""
    seen: list[dict[bool, str]] = []
    for series in columns:
        texts = series.dropna()
        if texts.empty or not all(isinstance(value, str) for value in texts):
            seen.append({})
            continue
        counts = texts.value_counts()
        spelt: dict[bool, str] = {}
        for text in counts.index:  # most written first
            flag = _as_flag(text)
            if isinstance(flag, bool):
                spelt.setdefault(flag, str(text))
        seen.append(spelt if spelt else {})
    pooled: dict[bool, str] = {}
    for spelt in seen:
        for flag, text in spelt.items():
            pooled.setdefault(flag, text)
    spellings: list[tuple[str, str] | None] = []
    for spelt in seen:
        if not spelt:
            spellings.append(None)
            continue
        one = spelt.get(True, pooled.get(True))
        zero = spelt.get(False, pooled.get(False))
        if one is None and zero is not None:
            one = _other_spelling(zero, {v: k for k, v in _FLAG_PAIRS.items()})
        if zero is None and one is not None:
            zero = _other_spelling(one, _FLAG_PAIRS)
        spellings.append((one, zero) if one is not None and zero is not None else None)
    return spellings


def _other_spelling(text: str, pairs: dict[str, str]) -> str | None:
    """The opposite flag of ``text`` in its case ("TRUE" -> "FALSE", "True" -> "False")."""
    word = text.strip()
    other = pairs.get(word.lower())
    if other is None:
        return None
    if word.isupper():
        return other.upper()
    return other.capitalize() if word[:1].isupper() else other


class Predicate(Constraint):
    """Any rule as a Python function: ``fn(frame) -> one bool per row`` (vectorised over a DataFrame).

    Met by bounded rejection. Python-only: it cannot be written in JSON or kept in a model file (a saved
    model warns that it leaves predicates out; pass them again when you fit).

    Example:
        >>> Predicate(lambda df: (df["income"] > 0) | df["student"], "income unless student")
    """

    type_name = "predicate"

    def __init__(self, fn: Callable[[pd.DataFrame], Any], name: str | None = None) -> None:
        if not callable(fn):
            raise ConfigError(f"Predicate needs a function taking a DataFrame, not {fn!r}")
        self.fn = fn
        self.label = str(name or getattr(fn, "__name__", "predicate"))

    @property
    def name(self) -> str:
        return self.label

    def columns(self) -> list[str]:
        return []

    def to_dict(self) -> dict[str, Any]:
        raise ConfigError(
            f"predicate {self.name!r} is a Python function: it cannot be saved as JSON or in a model file"
        )

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        try:
            result = np.asarray(self.fn(frame), dtype=bool).reshape(-1)
        except Exception as exc:  # the user's function: report its failure as a user error
            raise ConfigError(f"predicate {self.name!r} failed ({type(exc).__name__}: {exc})") from exc
        if result.shape != (len(frame),):
            raise ConfigError(
                f"predicate {self.name!r} must return one bool per row ({len(frame)}), not {result.shape}"
            )
        return result


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


RULE_TYPES: dict[str, type[Constraint]] = {
    rule.type_name: rule for rule in (Range, Inequality, FixedCombinations, OneHot)
}


# -- JSON ---------------------------------------------------------------------------------------------------
def constraints_from_dict(payload: Any, source: str = "constraints") -> list[Constraint]:
    """Rules from their JSON form: a list, or ``{"constraints": [...]}``.

    Example:
        >>> constraints_from_dict([{"type": "inequality", "low": "start", "high": "end"},
        ...                        {"type": "range", "column": "age", "low": 18, "high": 99},
        ...                        {"type": "fixed_combinations", "columns": ["city", "state"]},
        ...                        {"type": "one_hot", "columns": ["red", "green", "blue"]}])
    """
    items = payload.get("constraints") if isinstance(payload, Mapping) else payload
    if not isinstance(items, list):
        raise ConfigError(f'{source}: expected a list of rules like [{{"type": "range", ...}}]')
    return [_rule_from_dict(item, f"{source}: rule {i + 1}") for i, item in enumerate(items)]


def _rule_from_dict(item: Any, where: str) -> Constraint:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where} must be an object with a 'type', not {item!r}")
    kind = item.get("type")
    if "constraint_class" in item:  # SDV's form: {"constraint_class": ..., "constraint_parameters": ...}
        raise ConfigError(
            f"{where}: this is SDV's form of a rule ({item['constraint_class']!r}); synthloom writes rules "
            'as {"type": "inequality", "low": "start", "high": "end"} (types: '
            f"{', '.join(RULE_TYPES)}; see the README's rules)"
        )
    if kind == Predicate.type_name:
        raise ConfigError(
            f"{where}: predicates are Python functions and cannot be declared in JSON; "
            "pass Predicate(fn, name) to fit(constraints=...) in Python"
        )
    if kind not in RULE_TYPES:
        raise ConfigError(f"{where}: unknown rule type {kind!r}; choose one of {', '.join(RULE_TYPES)}")
    arguments = {key: value for key, value in item.items() if key != "type"}
    try:
        return RULE_TYPES[kind](**arguments)
    except TypeError:
        raise ConfigError(
            f"{where}: the {kind} rule takes {_arguments(kind)}, not {sorted(arguments)}"
        ) from None
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _arguments(kind: str) -> str:
    return {"range": "column, low, high", "inequality": "low, high"}.get(kind, "columns")


def load_constraints(path: str | Path) -> list[Constraint]:
    """Read rules from a JSON file (see ``constraints_from_dict`` for the form).

    Raises:
        ConfigError: missing file, not JSON, or a malformed rule (the message names the file and rule).
    """
    from synthloom.data.io import read_json_file

    path = Path(path)
    return constraints_from_dict(read_json_file(path, "constraints"), source=str(path))


def save_constraints(constraints: Sequence[Constraint], path: str | Path) -> None:
    """Write rules as JSON (atomically); predicates cannot be written and raise a ``ConfigError``."""
    from synthloom.data.io import atomic_write_text

    atomic_write_text(Path(path), json.dumps([rule.to_dict() for rule in constraints], indent=2))


# -- a fitted set of rules: what a generator keeps ----------------------------------------------------------
class ConstraintSet:
    """The rules of one generator: fitted on the real table, applied around the model.

    ``transform`` re-encodes the real table for the model (gaps for inequalities, one categorical column
    per fixed combination or one-hot group); ``inverse_transform`` undoes it on sampled rows and repairs
    ranges and inequalities; ``checks()`` are the rules left to bounded rejection.

    Args:
        constraints: rules (``Constraint`` objects, or their JSON dicts); None for none.
        keep_orders: also learn the orders the real rows keep between columns no rule names
            (``learn_orders``), as inequalities.
    """

    def __init__(
        self, constraints: Sequence[Constraint | Mapping[str, Any]] | None = None, keep_orders: bool = False
    ) -> None:
        self.constraints = constraints
        self.keep_orders = keep_orders

    def fit(self, data: pd.DataFrame, metadata: Metadata) -> Self:
        """Check the rules against the real table (warning about real rows that break them) and plan."""
        self.metadata_ = metadata
        self.rules_ = [copy.copy(rule) for rule in as_rules(self.constraints)]  # the caller's stay unfitted
        self._inequalities()  # a cycle is refused before any work
        if self.keep_orders:
            self.rules_ += learn_orders(data, metadata, self.rules_)
        check_rule_columns(self.rules_, list(metadata.columns))
        for rule in self.rules_:
            rule.fit(data, metadata)
        self._check_ranges_meet()
        _report_broken_rows([rule for rule in self.rules_ if not rule.learned_], data)
        self._plan(data)
        dropped = {column for group in self._groups() for column in group.group[1:]}
        specs = {name: self._model_spec(name) for name in metadata.columns if name not in dropped}
        for rule in self._open_flagged():
            specs[rule.open_flag_] = ColumnSpec(ColumnKind.CATEGORICAL)
        self.table_metadata_ = Metadata(specs, csv_delimiter=metadata.csv_delimiter, csv_bom=metadata.csv_bom)
        return self

    def _check_ranges_meet(self) -> None:
        """Refuse range rules that leave a column no value together, alone (``21 <= age <= 40`` with
        ``50 <= age <= 60``) or through an inequality (``balance >= 600``, ``limit <= 500`` and ``balance
        <= limit``): each clip undid the other, and every sampled row broke a rule it was said to keep."""
        ranges = [rule for rule in self.rules_ if isinstance(rule, Range)]
        bounds: dict[str, tuple[float, float]] = {}
        for rule in ranges:
            low, high = bounds.get(rule.column, (-math.inf, math.inf))
            bounds[rule.column] = (max(low, rule.bounds_[0]), min(high, rule.bounds_[1]))
            if bounds[rule.column][0] > bounds[rule.column][1]:
                names = ", ".join(repr(other.name) for other in ranges if other.column == rule.column)
                raise ConfigError(f"rules {names} leave column {rule.column!r} no value; keep one of them")
        for rule in self._inequalities():
            low, high = (
                bounds.get(rule.low, (-math.inf, math.inf)),
                bounds.get(rule.high, (-math.inf, math.inf)),
            )
            if low[0] > high[1] and rule.learned_:  # the declared ranges come first: the order goes
                self.rules_.remove(rule)
            elif low[0] > high[1]:
                names = [other.name for other in ranges if other.column in (rule.low, rule.high)]
                raise ConfigError(
                    f"rule {rule.name!r} cannot hold beside {', '.join(map(repr, names))}: every {rule.low} "
                    f"they allow lies above every {rule.high}; fix the bounds"
                )

    def _open_flagged(self) -> list[Inequality]:
        return [rule for rule in self._inequalities() if rule.transformed_ and rule.open_flag_]

    def _plan(self, data: pd.DataFrame) -> None:
        """Decide, rule by rule, transformation, repair or rejection; a column is re-encoded at most once."""
        consumed: set[str] = set()
        for rule in self.rules_:
            if isinstance(rule, _Group):
                rule.transformed_ = not consumed.intersection(rule.group)
                rule.rejected_ = not rule.transformed_
                consumed.update(rule.group if rule.transformed_ else [])
        grouped = set(consumed)
        anchors: dict[str, str] = {}  # a re-encoded column -> the column its gap is measured from
        # an order a chain implies learns no gap ahead of the chain's own (c from a, not from b)
        for rule in sorted(self._inequalities(), key=lambda rule: rule.implied_):
            rule.transformed_ = (
                rule.encoded not in consumed
                and not _anchored_on(anchors, rule.anchor, rule.encoded)  # each rebuilt before the other
                and rule.learns_gap(data)
            )
            if rule.transformed_:
                consumed.add(rule.encoded)
                anchors[rule.encoded] = rule.anchor
            rule.rejected_ = rule.high in grouped  # raising a grouped value could make an unseen combination
        highs = {rule.high for rule in self._inequalities()}
        for rule in self.rules_:
            if isinstance(rule, Range):
                # clipping a grouped column could make an unseen combination; raising an inequality's high
                # side after clipping could leave the range: both are checked on the sampled rows instead
                rule.rejected_ = rule.column in grouped or rule.column in highs
            elif isinstance(rule, Predicate):
                rule.rejected_ = True

    def _inequalities(self) -> list[Inequality]:
        """Inequalities in dependency order (``a <= b`` before ``b <= c``), so chains rebuild correctly."""
        rules = [rule for rule in self.rules_ if isinstance(rule, Inequality)]
        ordered, cycle = _in_order(rules, needs=lambda rule: rule.low, gives=lambda rule: rule.high)
        if cycle:
            names = ", ".join(repr(rule.name) for rule in cycle)
            raise ConfigError(f"inequalities {names} form a cycle; declare each pair of columns once")
        return ordered

    def _rebuilt(self) -> list[Inequality]:
        """The re-encoded inequalities, each after the one that rebuilds its anchor (``a <= b`` before
        ``b <= c``; ``b <= c`` reversed, its ``b`` from ``c``, after the one rebuilding ``c``)."""
        rules = [rule for rule in self._inequalities() if rule.transformed_]
        ordered, cycle = _in_order(rules, needs=lambda rule: rule.anchor, gives=lambda rule: rule.encoded)
        if cycle:  # ``_plan`` leaves none: a model file changed by hand
            names = ", ".join(repr(rule.name) for rule in cycle)
            raise ModelFileError(f"model file is damaged: rules {names} each rebuild a column another needs")
        return ordered

    def _groups(self) -> list[_Group]:
        return [rule for rule in self.rules_ if isinstance(rule, _Group) and rule.transformed_]

    def _model_spec(self, name: str) -> ColumnSpec:
        gaps = {rule.encoded: rule for rule in self._inequalities() if rule.transformed_}
        if name in gaps:
            return gaps[name].gap_spec()
        if name in {group.hidden for group in self._groups()}:
            return ColumnSpec(ColumnKind.CATEGORICAL)
        return self.metadata_.columns[name]

    def transform(self, data: pd.DataFrame) -> pd.DataFrame:
        """The real table as the model learns it (unchanged when no rule re-encodes a column)."""
        if not any(rule.transformed_ for rule in self.rules_):
            return data
        columns = {name: data[name] for name in self.metadata_.columns}
        for rule in self._inequalities():
            if rule.transformed_:
                columns[rule.encoded] = rule.gap(data)
        for group in self._groups():
            columns[group.hidden] = group.encode(data)  # keeps the first column's place
            for column in group.group[1:]:
                del columns[column]
        for rule in self._open_flagged():
            columns[rule.open_flag_] = rule.open_flags(data)
        return pd.DataFrame(columns, index=data.index)

    def inverse_transform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Sampled rows back in the real table's form, every transformed or repairable rule kept."""
        if not self.rules_:
            return frame
        for group in self._groups():
            group.decode(frame)
        for rule in self._rebuilt():
            rule.rebuild(frame)
        ranges = [rule for rule in self.rules_ if isinstance(rule, Range)]
        for rule in ranges:
            if rule.column not in self._grouped_columns():
                # folded back inside one range could leave another on its column: several are clipped
                rule.bring_inside(frame, fold=sum(other.column == rule.column for other in ranges) == 1)
        for rule in self._inequalities():
            if not rule.rejected_:
                rule.repair(frame)  # after clipping, in dependency order, so a chain a <= b <= c holds
        return frame[list(self.metadata_.columns)]

    def _grouped_columns(self) -> set[str]:
        return {column for group in self._groups() for column in group.group}

    def reencoded_columns(self) -> set[str]:
        """The table's columns whose values the model does not learn as they are (``transform``): an
        inequality's side learned as a gap, a group's columns learned as one of their combinations."""
        gaps = {rule.encoded for rule in self._inequalities() if rule.transformed_}
        return gaps | self._grouped_columns()

    def checks(self) -> list[RuleCheck]:
        """Rules sampled rows are filtered on (by ``sample_with_rejection``)."""
        return [RuleCheck(rule) for rule in self.rules_ if rule.rejected_]

    def parse_conditions(self, transformer: Any, conditions: Mapping[str, Any]) -> list[Any]:
        """``parse_conditions`` that also understands columns a rule re-encodes (checked by rejection)."""
        owners: dict[str, Inequality | _Group] = {
            rule.encoded: rule for rule in self._inequalities() if rule.transformed_
        }
        owners.update({column: group for group in self._groups() for column in group.group})
        if not isinstance(conditions, Mapping) or not owners:
            checks = parse_conditions(transformer, conditions)
            self._check_with_rules(checks, conditions)
            return checks
        for column in conditions:  # the table's columns: the generator's merge a group's into one
            if str(column) not in self.metadata_.columns:
                raise ConditionError(
                    f"column {column!r} is not in the data; columns are: {list(self.metadata_.columns)}"
                )
        plain = {column: value for column, value in conditions.items() if str(column) not in owners}
        checks: list[Any] = parse_conditions(transformer, plain) if plain else []
        owned = {
            str(c): owners[str(c)].condition(str(c), v) for c, v in conditions.items() if str(c) in owners
        }
        for group in self._groups():
            if len(set(group.group) & owned.keys()) > 1:
                group.check_together({c: owned[c] for c in group.group if c in owned})
        checks += list(owned.values())
        self._check_with_rules(checks, conditions)
        return checks

    def _check_with_rules(self, checks: list[Any], conditions: Mapping[str, Any]) -> None:
        """Refuse, before any draw, conditions that no row keeping the rules can meet: a value outside a
        range rule (clipped into it, ``age=18`` under ``21 <= age <= 80``), or both sides of an inequality
        asked the wrong way round (``limit=500`` with ``balance=900`` under ``balance <= limit``). Drawn,
        they ran to the rejection budget and were refused as values "the real rows may not repeat"."""
        asked = {check.column: check for check in checks if isinstance(check, RangeCondition)}
        given = {str(column): given_text(value) for column, value in conditions.items()}
        for rule in self.rules_:
            if isinstance(rule, Range) and rule.column in asked:
                check = asked[rule.column]
                if not check.overlaps(*rule.bounds_):
                    raise ConditionError(
                        f"condition {rule.column}={given[rule.column]} lies outside rule {rule.name!r}, "
                        "which every sampled row keeps; ask for values inside it"
                    )
            elif isinstance(rule, Inequality) and {rule.low, rule.high} <= asked.keys():
                low, high = asked[rule.low], asked[rule.high]
                if low.ends[0] > high.ends[1]:  # every low value asked lies above every high one
                    raise ConditionError(
                        f"conditions {rule.low}={given[rule.low]} and {rule.high}={given[rule.high]} break "
                        f"rule {rule.name!r} together, which every sampled row keeps; ask for {rule.low} at "
                        f"most {rule.high}"
                    )

    # -- persistence ------------------------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        """Plain JSON for the model file; predicates (Python code) are left out with a warning."""
        kept = [rule for rule in self.rules_ if not isinstance(rule, Predicate)]
        left_out = [rule.name for rule in self.rules_ if isinstance(rule, Predicate)]
        if left_out:
            warnings.warn(
                f"predicate rule(s) {left_out} are Python functions that a model file cannot hold; "
                "the loaded model will not keep them",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        return {
            "metadata": self.metadata_.to_dict(),
            "rules": [
                {
                    "rule": rule.to_dict(),
                    "transformed": rule.transformed_,
                    "rejected": rule.rejected_,
                    "learned": rule.learned_,
                    "state": rule.state(),
                }
                for rule in kept
            ],
            "predicates_left_out": left_out,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any] | None, metadata: Metadata) -> ConstraintSet:
        """Rebuild from ``to_state()``; None (a model file without rules) gives an empty set."""
        rules: list[Constraint] = []
        for item in (state or {}).get("rules", []):
            rule = _rule_from_dict(item["rule"], "model file")
            rule.transformed_, rule.rejected_ = bool(item["transformed"]), bool(item["rejected"])
            rule.learned_ = bool(item.get("learned", False))  # files written before orders were learned
            rule.restore(item["state"])
            rules.append(rule)
        rule_set = cls(rules)
        rule_set.rules_ = rules
        rule_set.metadata_ = Metadata.from_dict(state["metadata"]) if state else metadata
        if state and state.get("predicates_left_out"):
            warnings.warn(
                f"this model was fitted with predicate rule(s) {state['predicates_left_out']}, which model "
                "files cannot hold: its samples do not keep them",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        return rule_set


def _in_order(
    rules: list[Inequality], needs: Callable[[Inequality], str], gives: Callable[[Inequality], str]
) -> tuple[list[Inequality], list[Inequality]]:
    """``rules`` ordered so that each comes after those that ``give`` the column it ``needs``, and those
    left in a cycle (none: an empty list)."""
    remaining, ordered = list(rules), []
    while remaining:
        given = {gives(rule) for rule in remaining}
        ready = [rule for rule in remaining if needs(rule) not in given]
        if not ready:
            return ordered, remaining
        ordered += ready
        remaining = [rule for rule in remaining if rule not in ready]
    return ordered, []


def _anchored_on(anchors: Mapping[str, str], column: str, target: str) -> bool:
    """Whether ``column`` is rebuilt, through its chain of ``anchors`` (re-encoded column -> anchor),
    from ``target``."""
    while column in anchors:
        column = anchors[column]
        if column == target:
            return True
    return False


def check_rule_columns(rules: Sequence[Constraint | Mapping[str, Any]], columns: Sequence[str]) -> None:
    """Refuse a rule naming a column that is not among ``columns`` (a typo in a rules file): a command
    checks it before announcing minutes of fitting, and a fit before learning anything."""
    for rule in as_rules(rules):
        missing = [c for c in rule.columns() if c not in columns]
        if missing:
            raise ConfigError(
                f"rule {rule.name!r} names column {missing[0]!r}, which is not in the data; columns are: "
                f"{list(columns)}"
            )


def as_rules(constraints: Sequence[Constraint | Mapping[str, Any]] | None) -> list[Constraint]:
    """``constraints`` as rule objects (their JSON dicts read), checked; None: none."""
    if constraints is None:
        return []
    if isinstance(constraints, Constraint | Mapping | str) or not isinstance(constraints, Sequence):
        raise ConfigError("constraints must be a list of rules (Range, Inequality, ... or their JSON dicts)")
    rules = [
        _rule_from_dict(rule, f"constraints: rule {i + 1}") if isinstance(rule, Mapping) else rule
        for i, rule in enumerate(constraints)
    ]
    for rule in rules:
        if is_from_sdv(rule):  # the same class names: "rules such as Inequality, not Inequality(...)"
            raise ConfigError(
                f"constraints: {type(rule).__name__} is SDV's rule, not synthloom's; use the rules of "
                "synthloom.data.constraints (Range, Inequality, FixedCombinations, OneHot, Predicate)"
            )
        if not isinstance(rule, Constraint):
            raise ConfigError(f"constraints must be rules such as Range or Inequality, not {rule!r}")
    return rules


def _report_broken_rows(rules: list[Constraint], data: pd.DataFrame) -> None:
    """One warning per rule that some real rows break (how many, the first row labels); a ``ConfigError``
    for a rule that every real row breaks, a mistake (a column or a bound), and for an inequality nearly
    every real row breaks (``MOST_BROKEN_SHARE``), given the wrong way round: sampling would enforce either
    by rewriting (nearly) every generated row (an inequality swapped, which 4,994 of 5,000 loans broke, was
    only warned of, and every sampled balance came out equal to its loan)."""
    for rule in rules:
        broken = data.index[~rule.holds(data)]
        if len(broken) and len(broken) == len(data):
            raise ConfigError(
                f"constraint {rule.name!r} is broken by every real row; check its columns and bounds"
            )
        if isinstance(rule, Inequality) and len(broken) > len(data) * MOST_BROKEN_SHARE:
            raise ConfigError(
                f"constraint {rule.name!r} is broken by {len(broken):,} of {len(data):,} real rows "
                f"({len(broken) / len(data):.1%}): an order nearly every row breaks is likely given the "
                "wrong way round; check its low and high columns, or fix the data first"
            )
        if len(broken):
            warnings.warn(
                f"constraint {rule.name!r} is broken by {len(broken)} real row(s) ({rows_named(broken)}); "
                "generated rows will keep it",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
