"""Sampling conditions: parsed and checked up front, so an impossible request fails before any work.

``{"income": ">50K"}`` (a category), ``{"age": (30, 40)}`` (an inclusive numeric range) and several
columns at once. One categorical condition goes straight to the generator (through the conditional
vector, or by forcing the category for generators without one); every other condition is met by bounded
rejection: rows are drawn in batches, those that fail are dropped, and a clear error is raised when the
acceptance rate makes the request hopeless.

A rare level (one of those a column with more than ``max_categories`` levels keeps in its shared "other"
slot) cannot be told apart from the other rare levels by any model: a condition on it is a condition on
the slot, and the asked level is then written into the column (``CategoryCondition.write_level``).
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

from synthloom.data.encoders import (
    DAY,
    DECIMAL_DTYPE,
    TIME_OF_DAY_DATE,
    CategoricalEncoder,
    ConstantEncoder,
    NumericEncoder,
    Span,
    column_numbers,
    is_missing_value,
    read_period,
    stamp_seconds,
    value_text,
    wall_seconds,
)
from synthloom.data.metadata import (
    ColumnKind,
    _guess_datetime_format,
    is_time_of_day,
    no_missing_error,
    shown_level,
)
from synthloom.data.number_text import read_number
from synthloom.data.transformer import TableTransformer, _coerce_like, decimal_level
from synthloom.errors import ConditionError
from synthloom.progress import PlainLines, plain_lines_for, search_console, search_part, transient_progress

# Rejection stops after drawing this many times the requested rows (plus a floor for tiny requests), or,
# once some rows have met the conditions, after as many as the acceptance seen needs where that is at
# most MAX_DRAWS: one day of a column spanning two years is met by 0.14% of rows (1,000 such rows need
# 730,000 draws). Past MIN_DRAWS draws it stops as soon as the acceptance seen projects more draws than
# that cap: a request 2 million draws cannot meet is told so in seconds, not after the 2 million.
MAX_DRAW_FACTOR = 200
MIN_DRAWS = 20_000
MAX_DRAWS = 2_000_000
# below this expected share of draws meeting the conditions, sampling warns before it draws: a search of
# 1 in 1,000 draws or rarer takes many rounds of the generator, minutes for a deep one
RARE_ACCEPTANCE = 1e-3


@dataclass(frozen=True)
class CategoryCondition:
    """``column == value``: the value's position in the column's one-hot span.

    For a rare level, ``code`` is the "other" slot's and ``kept_levels`` the column's levels outside it: a
    row meets the condition when it drew the slot, whichever rare level decoding gave it, and
    ``write_level`` then writes the asked level into the rows returned.
    """

    column: str
    value: Any
    span: Span
    code: int
    kept_levels: tuple[Any, ...] | None = None  # only for a rare level

    def write_level(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with the asked rare level in every row of the column (in the column's dtype); any
        other condition leaves the frame as it is."""
        if self.kept_levels is None:
            return frame
        value = np.nan if self.value is None else self.value
        return frame.assign(
            **{self.column: pd.Series(value, index=frame.index, dtype=frame[self.column].dtype)}
        )

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        if self.kept_levels is not None:
            return _in_other_slot(frame[self.column], self.kept_levels)
        if self.value is None:
            return frame[self.column].isna().to_numpy()
        levels = frame[self.column]
        # a nullable column (boolean, string) compares its missing values as <NA>, which no mask takes
        equal = (levels == self.value).to_numpy(dtype=bool, na_value=False)
        return equal | (levels.astype(str) == str(self.value)).to_numpy(dtype=bool, na_value=False)


class TextRange(tuple):
    """``LOW..HIGH`` as given on the command line: a range to a number or date column, and to a category
    column its whole text (a category may hold ``..``). An empty end is open."""

    text: str

    def __new__(cls, text: str) -> TextRange:
        low, _, high = text.partition("..")
        made = super().__new__(cls, (low, high))
        made.text = text
        return made


PINNED_ERROR = 1e-6  # relative: float32's spacing is 6e-8, and a quantile's slope widens it a little


@dataclass(frozen=True)
class RangeCondition:
    """``low <= column <= high`` on a numeric or datetime column; on a column of times of day, ``low >
    high`` is a range past midnight (22:00..05:00: at or after 22:00, or at or before 05:00)."""

    column: str
    low: float
    high: float
    is_datetime: bool = False
    datetime_format: str | None = None  # of dates written as text: read as the encoder reads them
    number_format: str | None = None  # of amounts written as text ("$1,638.23")

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        numbers = column_numbers(
            frame[self.column], self.is_datetime, self.datetime_format, self.number_format
        )
        return within(numbers, self.low, self.high)

    def pin_value(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (rows a model drew within this range) with the column's plain floats set to the one
        value asked (``low == high``) where they are off it by no more than a float32 score holds: drawn at
        that value's score, 44361.6250742669 came back as 44361.625275. A value the column's rounding or
        levels moved further (3.14 for 3.14159 in a column of cents) is no draw of it, and stays."""
        column = frame[self.column]
        if self.low != self.high or not pd.api.types.is_float_dtype(column):
            return frame
        near = (column - self.low).abs() <= PINNED_ERROR * max(abs(self.low), 1.0)
        return frame.assign(**{self.column: column.where(~near, self.low)})

    @property
    def ends(self) -> tuple[float, float]:
        """The least and greatest values the range holds: a range past midnight holds the day's first
        and last times alike."""
        return (-np.inf, np.inf) if self.low > self.high else (self.low, self.high)

    def overlaps(self, first: float, last: float) -> bool:
        """Whether the range holds some of ``[first, last]`` (the real data's values, a rule's bounds)."""
        if self.low > self.high:  # past midnight: [low, end of day] or [start of day, high]
            return self.low <= last or self.high >= first
        return self.low <= last and self.high >= first


def within(numbers: Any, low: float, high: float) -> np.ndarray:
    """Which ``numbers`` a range holds: ``low..high``, or past midnight where ``low > high`` (a range of
    times of day, the one kind ``_as_range`` gives so)."""
    numbers = np.asarray(numbers, dtype=float)
    if low > high:
        return (numbers >= low) | (numbers <= high)
    return (numbers >= low) & (numbers <= high)


def given_text(value: Any) -> str:
    """A condition's value as it was given: the command line's text, else the value's own text."""
    if isinstance(value, TextRange):
        return value.text
    if isinstance(value, tuple | list) and len(value) == 2:
        return "..".join("" if end is None else str(end) for end in value)
    return str(value)


@dataclass(frozen=True)
class MissingCondition:
    """``column`` is missing, on a numeric or datetime column that has missing values in the real data."""

    column: str

    def holds(self, frame: pd.DataFrame) -> np.ndarray:
        return frame[self.column].isna().to_numpy()


Condition = CategoryCondition | RangeCondition | MissingCondition


def _in_other_slot(values: pd.Series, kept_levels: tuple[Any, ...]) -> np.ndarray:
    """Rows that decoding filled from the "other" slot: those holding none of the kept levels."""
    kept = values.isin([level for level in kept_levels if level is not None]).to_numpy()
    missing = values.isna().to_numpy()
    # a missing value is a kept level of its own where missing values were frequent, else a rare one
    return np.where(missing, None not in kept_levels, ~kept)


def parse_conditions(transformer: TableTransformer, conditions: Mapping[str, Any]) -> list[Condition]:
    """Check every condition against what the real data contained; a ``ConditionError`` otherwise.

    Example:
        >>> parse_conditions(model.transformer_, {"income": ">50K", "age": (30, 40)})
    """
    if not isinstance(conditions, Mapping) or not conditions:
        raise ConditionError("conditions must be a non-empty mapping of column -> value or (low, high)")
    parsed = [_parse_one(transformer, str(column), value) for column, value in conditions.items()]
    return [condition for condition in parsed if condition is not None]


def _parse_one(transformer: TableTransformer, column: str, value: Any) -> Condition | None:
    """``column``'s condition; None for one every row meets (a constant column's own value)."""
    encoder = transformer.encoder(column)
    if isinstance(encoder, ConstantEncoder):
        # every synthetic row holds the real rows' one value: asking for it (a per-row condition copied
        # from real rows does) is no condition; asking for another can never be met
        if _holds_constant(column, encoder, value):
            return None
        raise ConditionError(
            f"column {column!r} is {shown_level(encoder.value)} in every real row, so it never takes "
            f"{value!r}; leave the condition on it out"
        )
    if isinstance(encoder, CategoricalEncoder):
        levels = [level for level in encoder.levels + encoder.rare_levels if level is not None]
        # a range over a category column of numbers (limits of 500, 1000, 5000) or of times of day or
        # dates ("06:00", "14:00", "22:00": too few to be learned as times); a level may hold ".."
        asks_range = not isinstance(value, TextRange) or value.text not in encoder.index
        if asks_range and isinstance(value, tuple | list) and len(value) == 2:
            if _numbers_only(levels):
                return levels_range(column, value, levels)
            stamp_format = _stamp_levels_format(levels)
            if stamp_format is not None:
                return _stamp_levels_range(transformer, column, value, levels, stamp_format)
        if isinstance(value, TextRange):
            value = value.text
        if isinstance(value, list | tuple | set | dict | np.ndarray):
            raise ConditionError(
                f"a condition on {column!r} takes one category, not {value!r}; for several, sample each "
                "and concatenate the rows"
            )
        try:
            span, code = transformer.category_position(column, value)
        except ConditionError:
            # a month or a year of a category column of dates ("2024-02" of "2024-02-01", ...) names the
            # range of its dates, as it does on a column learned as dates
            named = _stamp_levels_period(transformer, column, value, levels)
            if named is None:
                raise
            return named
        if code != encoder.other_code:
            return CategoryCondition(column, encoder.levels[code], span, code)
        # a rare level: the model is asked for the shared slot, and the level is written afterwards
        return CategoryCondition(column, _rare_level(encoder, value), span, code, tuple(encoder.levels))
    if not isinstance(encoder, NumericEncoder):
        raise ConditionError(
            f"column {column!r} is an identifier in the real data: it cannot be conditioned on "
            "(unique values are drawn anew; to learn them as categories, declare its kind 'categorical' in "
            "the metadata)"
        )
    mark = encoder.spec.missing_mark  # "?": how the real text writes a missing value, and the samples too
    if is_missing_value(value) or (
        isinstance(value, str) and mark is not None and value.strip() == mark.strip()
    ):
        if not encoder.has_missing:
            raise no_missing_error(column)
        return MissingCondition(column)
    spec = encoder.spec
    is_datetime = spec.kind == ColumnKind.DATETIME
    zone = encoder.zone
    low, high = _as_range(column, value, spec.kind, zone, spec.number_format, spec.datetime_format)
    time_of_day = is_datetime and is_time_of_day(spec.datetime_format)

    def show(number: float) -> str:
        return value_text(number, is_datetime, time_of_day, exact=True, zone=zone)

    condition = RangeCondition(column, low, high, is_datetime, spec.datetime_format, spec.number_format)
    if not condition.overlaps(encoder.low, encoder.high):
        # one number asks for itself: "range [1e-07, 1e-07]" read as if a range had been given
        one = low == high
        asked = f"value {show(low)}" if one else f"range [{show(low)}, {show(high)}]"
        raise ConditionError(
            f"{asked} for column {column!r} lies outside the real data's range "
            f"[{show(encoder.low)}, {show(encoder.high)}]; ask for {'a value' if one else 'a range'} "
            "within it"
        )
    grid = (DAY if encoder.decimals == -1 else encoder.clock_grid) if is_datetime else None
    if grid and low <= high and not _holds_grid_point(wall_seconds(np.array([low, high]), zone), grid):
        # decoding puts every stamp on the real stamps' grid: rejection would draw to its cap in vain
        held = _GRID_NAMES.get(grid, f"multiples of {grid} seconds")
        clock = f" of {zone}'s clock" if zone is not None else ""  # 05:00Z is 10:30 in Asia/Kolkata
        raise ConditionError(
            f"column {column!r} holds stamps on {held}{clock}, and {given_text(value)!r} holds none; ask "
            "for one of them or a range that holds one"
        )
    places = encoder.decimals if spec.kind == ColumnKind.CONTINUOUS else None  # decoding rounds to them
    if places and places > 0 and low <= high and not _holds_rounded(low, high, places):
        # 1040.365 of a column of cents was searched for through 20,000 draws, then refused as rare
        raise ConditionError(
            f"column {column!r} holds values to {places} decimal(s), and {given_text(value)!r} holds none; "
            f"ask for one such as {round(low, places)} or a range that holds one"
        )
    levels = encoder.distinct_values  # a few levels: decoding gives nothing between them
    if levels is not None and not within(levels, low, high).any():
        shown = ", ".join(show(level) for level in levels[:10])
        raise ConditionError(
            f"column {column!r} takes only a few values ({shown}{', ...' if len(levels) > 10 else ''}), "
            f"none in [{show(low)}, {show(high)}]; ask for one of "
            "them, or a range holding one"
        )
    return condition


_GRID_NAMES = {DAY: "whole days", 3600: "whole hours", 60: "whole minutes"}


def _holds_rounded(low: float, high: float, places: int) -> bool:
    """Whether ``[low, high]`` holds a number of ``places`` decimals (within float noise: 0.1 + 0.2)."""
    scale = 10.0**places
    return bool(np.ceil(low * scale - 1e-6) <= np.floor(high * scale + 1e-6))


def _holds_grid_point(wall: np.ndarray, grid: int) -> bool:
    """Whether the wall-clock range ``wall`` (low, high) holds a multiple of ``grid`` seconds."""
    return bool(np.ceil(wall[0] / grid) <= np.floor(wall[1] / grid))


def _holds_constant(column: str, encoder: ConstantEncoder, value: Any) -> bool:
    """Whether ``value`` (one value, text as the command line gives it, or a range) holds the one value of
    a constant column (None: a column with no value at all), read as a condition on its kind reads it."""
    held = encoder.value
    if held is None or is_missing_value(value):
        return held is None and is_missing_value(value)
    if encoder.spec.kind == ColumnKind.DATETIME and isinstance(held, str):  # kept as ISO text
        time_format = encoder.spec.datetime_format
        # a Python time of day ("09:30:00") is on the day the condition's times are read on, not today
        stamp = pd.Timestamp(_on_first_day(held) if is_time_of_day(time_format) else held)
        low, high = _as_range(column, value, ColumnKind.DATETIME, stamp.tz, None, time_format)
        return bool(within(stamp_seconds(stamp, None), low, high))
    held = encoder.compared_value  # a Decimal kept as "12.50" is asked as a number, as 12.5 and "12.500" are
    if isinstance(held, int | float) and not isinstance(held, bool):
        low, high = _as_range(column, value, ColumnKind.CONTINUOUS)
        return bool(within(held, low, high))
    if isinstance(value, TextRange):
        value = value.text
    return bool(_coerce_like(value, [held]) == held) or str(value) == str(held)


def _numbers_only(levels: list[Any]) -> bool:
    return bool(levels) and all(isinstance(v, int | float) and not isinstance(v, bool) for v in levels)


def levels_range(column: str, value: Any, levels: list[Any]) -> RangeCondition:
    """A range (or one number) asked of a column of numbers learned as levels (a category column of
    limits, a number column of a fixed-combinations rule), met by rejection; refused where no level is in
    it."""
    low, high = _as_range(column, value, ColumnKind.CONTINUOUS)
    _levels_inside(column, value, levels, [float(level) for level in levels], low, high)
    return RangeCondition(column, low, high)


def _levels_inside(
    column: str, value: Any, levels: list[Any], numbers: list[float], low: float, high: float
) -> list[Any]:
    """The ``levels`` whose ``numbers`` lie in [low, high]; a ``ConditionError`` naming the levels where
    none does (``value``: the condition as asked)."""
    inside = [level for level, held in zip(levels, within(numbers, low, high), strict=True) if held]
    if not inside:
        shown = ", ".join(shown_level(level) for level in sorted(levels)[:10])
        shown_value = repr(value.text) if isinstance(value, TextRange) else repr(value)
        asked = f"a value in {shown_value}" if isinstance(value, tuple | list) else f"the value {shown_value}"
        raise ConditionError(f"column {column!r} never takes {asked}; seen values include {shown}")
    return inside


def _stamp_levels_format(levels: list[Any]) -> str | None:
    """The format every level of a category column of text is written in, where all are dates or times
    of day ("06:00", "14:00", "22:00"); else None."""
    if not levels or not all(isinstance(level, str) for level in levels):
        return None
    # asked for a range of times, the column's "HH:MM" levels are times however few (not scores, ratios)
    return _guess_datetime_format(pd.Series(levels), clock_times=1, max_unread=0.0)


def _stamp_levels_range(
    transformer: TableTransformer, column: str, value: Any, levels: list[Any], stamp_format: str
) -> Condition | None:
    """A range of dates or times asked of a category column whose levels are all such text, met by the
    levels inside it: one level as that category (through the conditional vector where the generator has
    one), several by rejection on the range (past midnight for times: 22:00..05:00); refused where no
    level is inside."""
    low, high = _as_range(column, value, ColumnKind.DATETIME, None, None, stamp_format)
    numbers = column_numbers(pd.Series(levels), True, stamp_format).tolist()
    inside = _levels_inside(column, value, levels, numbers, low, high)
    if len(inside) == 1:
        return _parse_one(transformer, column, inside[0])
    return RangeCondition(column, low, high, True, stamp_format)


def _stamp_levels_period(
    transformer: TableTransformer, column: str, value: Any, levels: list[Any]
) -> Condition | None:
    """The condition a date or time names on a category column whose levels are all such text, where it
    is no level itself (a month, "2024-02", of levels "2024-01-01", "2024-02-01"...): the levels inside its
    period (``_stamp_levels_range``). None where the column holds no dates or times, or ``value`` reads as
    no period of them."""
    stamp_format = _stamp_levels_format(levels)
    if stamp_format is None or not isinstance(value, str | datetime.date):
        return None
    try:  # read here only to tell text that names no date from a period that holds no level
        _as_range(column, value, ColumnKind.DATETIME, None, None, stamp_format)
    except ConditionError:
        return None
    return _stamp_levels_range(transformer, column, value, levels, stamp_format)


def _on_first_day(value: Any) -> Any:
    """A condition's times of day ("10:00", or a range of them) as times of 1 January 1900, the day a
    time-of-day column's stamps are read on (a time alone would be read as today's)."""
    if isinstance(value, tuple | list):
        return tuple(_on_first_day(end) for end in value)
    if isinstance(value, datetime.time):
        return datetime.datetime.combine(TIME_OF_DAY_DATE, value)
    return f"1900-01-01 {value}" if isinstance(value, str) and value.strip() else value


def _rare_level(encoder: CategoricalEncoder, value: Any) -> Any:
    """The rare level ``value`` names, as the column holds it (text read as the levels' type)."""
    if is_missing_value(value):
        return None
    if encoder.dtype == DECIMAL_DTYPE:  # written as a Decimal with the level's places, not as its text
        return decimal.Decimal(decimal_level(value, encoder.rare_levels))
    return value if value in encoder.index else _coerce_like(value, encoder.levels)


def _as_range(
    column: str,
    value: Any,
    kind: ColumnKind,
    zone: Any = None,
    number_format: str | None = None,
    datetime_format: str | None = None,
) -> tuple[float, float]:
    """``(low, high)`` as numbers; dates and times without a zone are read in the column's ``zone``, text
    numbers also in the column's ``number_format`` ("$1,000.00"), text dates in its ``datetime_format``
    first (``read_period``: "03/02/2020" is 3 February in a column written day first).

    An end given as None (or empty text) is open. One number asks a numeric column for itself; one
    date or time asks a datetime column for the period it names ("2020-03-05": that day; a ``Timestamp``
    at midnight: its day), and a range's end written as text ends with its period: ("2020-03-01",
    "2020-03-31") holds the whole of 31 March. On a column of times of day, a range whose low end is the
    later time is a range past midnight, given as it is (``low > high``); any other is refused.
    """
    is_datetime = kind == ColumnKind.DATETIME
    asked = value  # for messages: a time of day is read on 1 January 1900, a date the user never wrote
    time_of_day = is_datetime and is_time_of_day(datetime_format)
    if time_of_day:
        value = _on_first_day(value)
    if isinstance(value, tuple | list) and len(value) == 2:
        if is_datetime:
            # a text end ends with its period; a stamp is the instant it is
            low, high = (
                bound if _is_open(v) else _period(column, v, zone, datetime_format)[end * isinstance(v, str)]
                for v, bound, end in zip(value, (-np.inf, np.inf), (0, 1), strict=True)
            )
        else:
            low, high = (
                bound if _is_open(v) else _to_number(column, v, number_format)
                for v, bound in zip(value, (-np.inf, np.inf), strict=True)
            )
    elif is_datetime and isinstance(value, str | datetime.date | np.datetime64):
        low, high = _period(column, value, zone, datetime_format)
    elif not is_datetime and not isinstance(value, tuple | list):
        # one number asks for itself: an integer, or a value a continuous column repeats (30% zero amounts)
        low = high = _to_number(column, value, number_format)
    else:
        raise ConditionError(f"give a numeric condition on {column!r} as a range (low, high), not {value!r}")
    if low > high and not time_of_day:  # a night shift's 22:00..05:00 is past midnight
        raise ConditionError(f"range for column {column!r} has low > high: {given_text(asked)!r}")
    if kind == ColumnKind.INTEGER and np.ceil(low) > np.floor(high):
        raise ConditionError(
            f"column {column!r} holds whole numbers, and {value!r} holds none; ask for a whole number or a "
            "range that holds one"
        )
    return low, high


def _is_open(bound: Any) -> bool:
    return bound is None or (isinstance(bound, str) and not bound.strip())


def _period(column: str, value: Any, zone: Any, datetime_format: str | None) -> tuple[float, float]:
    """The first and last instants of the day, month, minute... that one date or time names, as seconds."""
    try:
        return tuple(stamp_seconds(stamp, zone) for stamp in read_period(value, datetime_format))  # type: ignore[return-value]
    except (TypeError, ValueError, OverflowError):
        written = f" (written as the column writes them: {datetime_format!r}, or ISO: 2020-03-31)"
        raise ConditionError(
            f"condition on column {column!r} needs dates, or dates and times"
            f"{written if datetime_format else ''}, with the year (2020-03 for March 2020), not {value!r}"
        ) from None


def _to_number(column: str, value: Any, number_format: str | None = None) -> float:
    try:
        number = read_number(value, number_format)
        if np.isnan(number):  # no row is ever inside a range with a NaN end: refused before any draw
            raise ValueError
        return number
    except (TypeError, ValueError):
        what = "numbers"
        if number_format is not None:
            what += f" (plain, or written as the column writes them: {number_format!r})"
        raise ConditionError(f"condition on column {column!r} needs {what}, not {value!r}") from None


def sample_with_rejection(
    draw: Callable[[int], pd.DataFrame],
    checks: list[Condition],
    n: int,
    verbose: bool = False,
    drawn_with: CategoryCondition | RangeCondition | None = None,
) -> pd.DataFrame:
    """Draw batches with ``draw(size)`` and keep rows meeting every check until ``n`` rows are found.

    ``drawn_with`` is a condition every draw meets already (the generator was asked for its category, or
    to draw within its range, which the checks hold still, as its ends may round past it): a refusal names
    a category beside the checks the rows missed.

    After each round past the first ``MIN_DRAWS`` draws, the acceptance seen projects the draws all ``n``
    rows need (``projected_draws``); where that is past the most sampling may draw (``draw_cap``), it
    stops there rather than running on to the cap. With ``verbose`` (or within ``searches_shown_on``, as
    ``synthloom sample`` draws), a bar shows the rows found, or where
    no terminal shows it, a plain line on stderr now and then (``PlainLines``): a long search must not
    look like a hang.

    Raises:
        ConditionError: the budget of draws ran out, or the projection is past the cap; the message gives
            the acceptance rate seen.
    """
    if n == 0:
        return draw(0)  # no rows, but the columns and dtypes of a real draw
    kept: list[pd.DataFrame] = []
    found, drawn, budget = 0, 0, max(MIN_DRAWS, MAX_DRAW_FACTOR * n)
    # the rows each check passed, and those meeting every condition asked (rules aside): a refusal says
    # which check stopped them
    passed, asked = np.zeros(len(checks), dtype=np.int64), 0
    cap = draw_cap(n)
    console = search_console()  # the CLI's, whatever the model's verbose
    shown = verbose or console is not None
    part = search_part()
    of_part = "" if part is None else f" ({part})"
    progress = transient_progress(
        TextColumn(f"sampling rows that meet the conditions{of_part}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        shown=shown,
    )
    lines = plain_lines_for(progress, shown)
    with progress:
        task = progress.add_task("rejection", total=n)
        while found < n and drawn < budget:
            rate = max(found / drawn, 0.01) if drawn else 0.5
            size = int(min(max((n - found) / rate * 1.2, 256), 100_000, budget - drawn))
            batch = draw(size)
            drawn += size
            held = [check.holds(batch) for check in checks]
            mask = np.logical_and.reduce(held)
            passed += [int(h.sum()) for h in held]
            wanted = [h for h, check in zip(held, checks, strict=True) if not _is_rule(check)]
            asked += int(np.logical_and.reduce(wanted).sum()) if wanted else 0
            kept.append(batch[mask])
            found += int(mask.sum())
            progress.update(task, completed=min(found, n))
            lines.report(partial(_progress_line, found, n, drawn, lines, of_part))
            if found < n and drawn >= MIN_DRAWS and projected_draws(found, n, drawn) > cap:
                _refuse(checks, found, n, drawn, drawn_with, (passed, asked), cap)
            if drawn >= budget and found:  # possible but rare: the draws the rate seen needs, and a margin,
                # up to the cap the projection above was held to (a request projected at 1.7 million stopped
                # at 66,000 draws where its margin passed 2 million)
                budget = max(budget, min(int(1.3 * drawn * n / found), cap))
    if found < n:
        _refuse(checks, found, n, drawn, drawn_with, (passed, asked))
    return pd.concat(kept, ignore_index=True).iloc[:n].reset_index(drop=True)


def rare_combination_warning(
    checks: list[Condition], shares: Mapping[CategoryCondition, float], n: int
) -> str | None:
    """A one-line warning, before any draw, where ``n`` rows of ``checks`` are expected to take many draws;
    None where they are not.

    ``shares`` are the real shares of the categories met by rejection (``BaseGenerator._category_share``).
    Their product is the expected acceptance as if the columns were independent: the model keeps each
    column's counts, never how often values were seen together, so a combination no real row holds is
    told apart only by the rate the draws then meet (``sample_with_rejection`` stops on it).
    """
    expected = float(np.prod(list(shares.values())))
    if not n or not shares or expected >= RARE_ACCEPTANCE:
        return None
    asked = ", ".join(_condition_text(c) for c in checks if isinstance(c, CategoryCondition))
    rejected = " and ".join(_condition_text(c) for c in shares)
    if expected:
        needed = n / expected
        cost = (
            f"past the {about(draw_cap(n))} sampling makes, so it will likely stop early"
            if needed > draw_cap(n)
            else "which may take minutes"
        )
        odds, need = (
            f"about 1 in {about(1 / expected)}",
            f"{n:,} rows need about {about(needed)} draws, {cost}",
        )
    else:  # a share of 0 (a level the metadata names, no real row holds)
        odds, need = "no", "sampling will likely stop early"
    return (
        f"{asked}: {odds} draws expected to match ({rejected} by their shares of the real rows, taken as "
        f"independent: the model keeps no counts of values seen together); {need}"
    )


def _condition_text(condition: CategoryCondition) -> str:
    """``column=value`` as the condition was given; ``column=`` for the missing category (value None)."""
    value = "" if condition.value is None else given_text(condition.value)
    return f"{condition.column}={value}"


def draw_cap(n: int) -> int:
    """The most draws rejection makes for ``n`` rows: 2 million, or more where 200 per row is more."""
    return max(MIN_DRAWS, MAX_DRAW_FACTOR * n, MAX_DRAWS)


def projected_draws(found: int, n: int, drawn: int) -> float:
    """The draws ``n`` rows need at the acceptance seen (``found`` in ``drawn``), counting one row more than
    found: a first round's few rows (or none) give a noisy rate, and this errs toward drawing on."""
    return drawn * n / (found + 1)


def _progress_line(found: int, n: int, drawn: int, lines: PlainLines, of_part: str = "") -> str:
    """One plain progress line: rows found, draws, acceptance and, once rows are found, the time left;
    ``of_part`` names the part of a larger request searched (" (rows 1 - 100,000 of 250,000)")."""
    done = (
        f"sampling with conditions{of_part}: {min(found, n):,} of {n:,} rows after {about(drawn)} draws "
        f"({found / drawn:.3%} match)"
    )
    left = lines.time_left(found, n) if found else "none found yet"
    return ", ".join(part for part in (done, left) if part)


def _refuse(
    checks: list[Condition],
    found: int,
    n: int,
    drawn: int,
    drawn_with: CategoryCondition | RangeCondition | None,
    passes: tuple[np.ndarray, int],
    cap: int | None = None,
) -> None:
    """Raise the one-line error of conditions met too rarely (among rows all drawn with ``drawn_with``);
    ``passes``: the drawn rows each check passed, and those meeting every condition (rules aside); ``cap``:
    stopped early, as the draws the acceptance seen projects are past it."""
    names = ", ".join(check.column for check in checks)
    if isinstance(drawn_with, CategoryCondition):  # the rows missed the checks, not this: it was asked
        names += f" (among rows drawn with {_condition_text(drawn_with)})"
    passed, asked = passes
    rules = [check.column for check in checks if _is_rule(check)]
    if rules and asked and not found:  # the conditions were drawn; the rules refused them all
        asked_on = ", ".join(check.column for check in checks if not _is_rule(check))
        broken = " and ".join(rules)
        raise ConditionError(
            f"none of {n:,} rows met the conditions on {asked_on} and {broken} after drawing {drawn:,} rows: "
            f"{asked:,} of them met the conditions, and {broken} refused every one; "
            f"{'they allow' if len(rules) > 1 else 'it allows'} perhaps no row that meets them: change the "
            "conditions, or fit without the rule"
        )
    # a value the model does draw (an integer's, a level's) needs no range around it
    narrow = [
        c
        for c, times in zip(checks, passed, strict=True)
        if isinstance(c, RangeCondition) and _narrow(c) and times < n
    ]
    hint = ""
    if narrow:
        c = narrow[0]
        one = (
            f"the range on {c.column} spans under a minute, asking for about one instant"
            if c.is_datetime
            else f"{c.column}={c.low:.15g} asks for exactly that value"
        )
        hint = (
            f"; {one}, which the model draws rarely or never (it spreads a column's values between the "
            f"real ones): give a range around it instead ({c.column}=LOW..HIGH)"
        )
    projection = ""
    if cap is not None:
        needed = about(projected_draws(found, n, drawn))
        # with none met there is no rate to project: counting one row as found gives a bound instead
        pace = f"at that rate {n:,} rows need about {needed} draws or more"
        if not found:
            pace = f"at under 1 in {drawn:,} draws, {n:,} rows need more than {needed}"
        limit = about(cap)
        projection = f"; {pace}, {'just past' if needed == limit else 'past'} the {limit} sampling makes"
    fewer = " or ask for fewer rows" if found else ""  # no count of rows is met when none is
    raise ConditionError(
        f"{f'only {found:,}' if found else 'none'} of {n:,} rows met the conditions on {names} after drawing "
        f"{drawn:,} rows "
        f"(acceptance {found / drawn:.3%}){projection}; relax the conditions{fewer}{hint}"
    )


def _narrow(condition: RangeCondition) -> bool:
    """Whether a range asks for about one value: one number, or stamps within a minute."""
    if condition.is_datetime:
        return 0 <= condition.high - condition.low < 60
    return condition.low == condition.high


def _is_rule(check: Any) -> bool:
    """Whether a rejection check is a rule (``constraints.RuleCheck``) rather than a condition asked."""
    return not isinstance(check, CategoryCondition | RangeCondition | MissingCondition)


def about(count: float) -> str:
    """A count rounded to two significant digits, as a message gives an estimate: 7,400, 1.5 million,
    10 billion ("10000 million" read as a typo), 99,000,000 trillion (not "9.9e+07 trillion")."""
    rounded = float(f"{count:.2g}")
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if rounded >= scale:
            value = rounded / scale
            return f"{value:,.0f} {word}" if value >= 10 else f"{value:g} {word}"
    return f"{rounded:,.0f}"
