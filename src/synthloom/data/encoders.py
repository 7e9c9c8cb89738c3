"""Reversible per-column encoders: one pandas column <-> a block of float32 columns.

Each encoder declares its output as ``Span``s (start offset within its block, width, activation, role).
The table transformer concatenates the blocks; the spans are the contract models build their output
heads, conditional vectors and losses from. Every encoder's learned state is plain JSON.
"""

from __future__ import annotations

import datetime
import decimal
import re
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch
from scipy.special import ndtr, ndtri

from synthloom.data.metadata import (
    BOOLEAN_TEXT,
    NAIVE_OFFSET,
    STAMP_WITH_OFFSET,
    ColumnKind,
    ColumnSpec,
    _guess_datetime_format,
    check_not_complex,
    has_decimals,
    has_plain_categories,
    is_date_objects,
    is_decimal_objects,
    is_time_objects,
    level_values,
    numbers_as_text,
    plain_text,
    read_stamps,
    spread_sample,
)
from synthloom.data.mixture import bayesian_modes
from synthloom.data.number_text import NumberFormat, fixed_text_decimals, to_numbers
from synthloom.errors import DataError, DataWarning, caller_stacklevel

# Why these numbers: CTGAN's mode-specific normalisation uses at most 10 modes, drops modes with under
# 0.5% weight, and scales by 4 standard deviations so that nearly all values land inside tanh's range.
MAX_MODES = 10
MIN_MODE_WEIGHT = 0.005
MODE_SCALE = 4.0
SPIKE_MODE_SHARE = 0.9  # a mixture mode is a spike when one exact value holds this share of its values
# An exact value at an end of a column, this many times the other values' range away from them (an open
# end written 9999-12-31 beside dates of a few years), is a mode of its own, set apart before the mixture
# is fitted (see ``_far_ends``).
FAR_END_GAP = 10.0
# The mixture and the quantiles are fitted on a bounded subsample: fitting cost stays flat as tables grow.
FIT_SUBSAMPLE = 5_000
N_QUANTILES = 1_000
MAX_DECIMALS = 6
# The "spikes" encoding gives a category of its own to each value that at least SPIKE_SHARE of the rows
# (and MIN_SPIKE_ROWS rows) hold exactly, the MAX_SPIKES most frequent per column: a zero amount, a round
# loan size. Only point masses on a scale of many values count: a column whose frequent values are more
# than MAX_SPIKE_FRACTION of its distinct values (ages, counts) keeps the plain score, which already lands
# on exact values there. Giving those spikes too (at most 50 a column) took loans from 148 to 815 one-hot
# columns and ddpm's fit from 146 to 318 s; with these limits it has 230 columns and takes 157 s.
SPIKE_SHARE = 0.0025
MIN_SPIKE_ROWS = 20
MAX_SPIKES = 20
MAX_SPIKE_FRACTION = 0.1
_U_EDGE = 1e-7  # normal scores are bounded to about +-5.2


@dataclass(frozen=True)
class Span:
    """A run of output columns that belongs to one column and shares one activation.

    Attributes:
        column: source column name.
        start: first output index (absolute, within the transformer's matrix).
        width: number of output columns.
        activation: "tanh" (scaled value), "linear" (unbounded value) or "softmax" (one-hot group).
        role: "value", "mode" (mixture component), "spike" (a frequent exact value, or none of them),
            "category" or "missing" (present/missing indicator).
    """

    column: str
    start: int
    width: int
    activation: str
    role: str

    @property
    def stop(self) -> int:
        return self.start + self.width

    @property
    def is_discrete_column(self) -> bool:
        """True for the one-hot span of a categorical column: what conditional vectors range over."""
        return self.role == "category"


def row_argmax(block: np.ndarray) -> np.ndarray:
    """Column of each row's largest entry (the first on ties), as ``block.argmax(axis=1)``.

    Decoding a sample reads every one-hot group this way. numpy's row-wise argmax over a few strided
    columns pays per row; torch's ``max`` kernel does not: on adult's 15 groups of 100,000 rows it took
    27 - 29 ms, against 50 - 54 ms for numpy's argmax and torch's own ``argmax`` (2 threads, AMD EPYC).
    """
    return torch.max(torch.from_numpy(block), dim=1).indices.numpy()


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    out = np.zeros((codes.shape[0], width), dtype=np.float32)
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out


# what to do about a column that cannot be read as its metadata's kind says (``column_numbers``' default)
# (said at fit too, where nothing was declared: "leave it out to have it inferred" told nothing there)
FORMAT_FIX = "write them in the column's format, or declare the datetime_format they take in the metadata"
KIND_FIX = (
    "declare another kind for it in the metadata, or the number_format its numbers are written in (e.g. "
    "'$#,##0.00')"
)


def refuse_unreadable(series: pd.Series, read: np.ndarray, what: str, fix: str) -> None:
    """Refuse a column that holds values but none read as ``what`` (``read``: a mask of the values read).

    A few unreadable values are treated as missing, with a warning; a whole column of them is the wrong
    kind or form for the column (stamps in another format, "high" in a number column), which read as
    missing gave a detector's every row a missing value's score.

    Raises:
        DataError: naming the column, some of its values and ``fix``, what to do.
    """
    present = series.notna().to_numpy()
    if not present.any() or (read & present).any():
        return
    examples = ", ".join(repr(v) for v in series[present].astype(str).unique()[:3])
    raise DataError(f"column {series.name!r} holds no {what} (e.g. {examples}); {fix}")


_PAST_A_LIMIT = r"\s*[<>]=?\s*[-+]?\d"  # "<0.1", ">= 100": a value below or above what was measured


def to_float(
    series: pd.Series,
    name: str,
    warn: bool = True,
    number_format: str | None = None,
    fix: str = KIND_FIX,
) -> np.ndarray:
    """Numbers from a column, with stray strings and infinities made missing (and a warning saying so).

    Text is read in ``number_format`` where the column has one ("$1,638.23"; see ``number_text``). With
    ``warn``, a column holding no number at all is refused (``refuse_unreadable``, telling to ``fix``).
    """
    check_not_complex(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        return epoch_seconds(series)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        # a copy: a float column's array is the caller's, which the infinities below and callers' own
        # fills (augment's features imputed the rows it had just added) would write into
        values = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    else:
        coerced = (
            to_numbers(series) if number_format is None else NumberFormat.parse(number_format).read(series)
        )
        stray = series.notna() & coerced.isna()
        if warn and stray.any():
            written = "" if number_format is None else f" written as {number_format!r}"
            refuse_unreadable(series.rename(name), ~stray.to_numpy(), f"number{written}", fix)
            texts = series[stray].astype(str)
            examples = ", ".join(repr(v) for v in texts.unique()[:3])
            # a lab's "<0.1" or ">100" is a value past a limit, not a missing one: say how to keep it
            censored = texts[texts.str.match(_PAST_A_LIMIT)]
            advice = (
                f"; a value past a limit ({censored.iloc[0]!r}) is no number: write the limit itself to "
                "learn it as one, or declare the column categorical to keep the text"
                if len(censored)
                else ""
            )
            warnings.warn(
                f"column {name!r}: {int(stray.sum())} value(s) that are not numbers{written} ({examples}) "
                f"treated as missing{advice}",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        values = coerced.to_numpy(dtype=np.float64, na_value=np.nan)
    infinite = np.isinf(values)
    if infinite.any():
        if warn:
            warnings.warn(
                f"column {name!r}: {int(infinite.sum())} infinite value(s) treated as missing",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        values = np.where(infinite, np.nan, values)
    return values


def read_datetimes(series: pd.Series, datetime_format: str | None) -> pd.Series:
    """A datetime column's stamps; text is parsed with ``datetime_format`` (or pandas' guess where None).

    Text with offsets (``%z``) becomes one UTC column: without ``utc``, pandas leaves a column whose offsets
    differ (a zone's winter and summer time) as objects. Naive text is read as it is, and the numbers
    ``to_float`` gives are the same either way.
    """
    if pd.api.types.is_datetime64_any_dtype(series):
        return series
    if is_time_objects(series):  # on the day text times of day are read on, as numbers: not text
        on_day = series.map(
            lambda time: datetime.datetime.combine(TIME_OF_DAY_DATE, time), na_action="ignore"
        )
        return pd.to_datetime(on_day, utc=True)
    text = plain_text(series)
    if datetime_format is not None:  # text: " 2024-01-01" after a ", " separator is read as the date it is
        text = text.astype(object).where(text.isna(), text.astype(str).str.strip())
    return read_stamps(text, datetime_format)


# the finest unit a format's codes write, finest first: a text stamp names that unit's period
_FORMAT_UNITS = (
    ("%f", "us"),
    ("%S", "s"),
    ("%M", "min"),
    ("%H", "h"),
    ("%I", "h"),
    ("%d", "D"),
    ("%j", "D"),
    ("%m", "M"),
    ("%b", "M"),
    ("%B", "M"),
    ("%Y", "Y"),
    ("%y", "Y"),
)
_TIME_CODES = re.compile(r"[ T,]*%[HIMSfpzZ]")
_WRITTEN_OFFSET = re.compile(
    r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)? ?(?:Z|[+-]\d{2}:?\d{2})$"
)  # a time, then its offset
_FULL_YEAR = re.compile(r"\d{4}")
_ISO_STAMP = re.compile(r"\d{4}(?:-\d{1,2}(?:-\d{1,2}(?:[ T].*)?)?)?")
# a stamp names its finest unit that is set, at least its minute once it has a time ("14:00" as text does)
_CLOCK_UNITS = (
    ("nanosecond", "ns"),
    ("microsecond", "us"),
    ("second", "s"),
    ("minute", "min"),
    ("hour", "min"),
)


# pandas' period frequencies (``Period.freqstr`` up to a "-") as ``_period_bounds`` units
_PERIOD_UNITS = {"Y": "Y", "M": "M", "D": "D", "h": "h", "min": "min", "s": "s", "ms": "us", "us": "us"}


def read_period(value: Any, datetime_format: str | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last instants of the period one date or time names, as a user gives it for a datetime
    column (a condition, a rule's bound): "2020-03-05" names that day, "2020-03" that month.

    Text is read in the column's own ``datetime_format`` first, or in its date part, so that a column
    written day first reads "03/02/2020" as 3 February; then as ISO text ("2020-02-03"), or as pandas reads
    text where the column does not write the day before a month number. A stamp (``Timestamp``,
    ``datetime``, ``date``) names its finest unit that is set, its minute at least once it has a time
    (14:00 as "14:00" does); a midnight, its day.

    Raises:
        ValueError: not a date or time, or text in no form the column's own or ISO.
    """
    if isinstance(value, str):
        text = value.strip()
        for own in _own_formats(datetime_format):
            try:
                stamp = pd.Timestamp(datetime.datetime.strptime(text, own))
            except ValueError:
                continue
            unit = next(unit for code, unit in _FORMAT_UNITS if code in own)
            return _period_bounds(stamp, unit)
        if _WRITTEN_OFFSET.search(text):  # "2024-06-01T10:00:00Z", "... +02:00": the instant it names
            return read_period(pd.Timestamp(text))
        # numbers alone ("03/02/2020") read month first: refused on a column written day first
        if not _ISO_STAMP.fullmatch(text) and _day_first(datetime_format) and not _has_letters(text):
            raise ValueError(f"not in the column's format {datetime_format!r} or ISO")
        # pandas reads "March" as March of year 1, and "14:00" as 14:00 today (a bound that moves with the
        # day it is read on): outside the column's own form, a date names its year in full
        if not _FULL_YEAR.search(text):
            raise ValueError("names no year")
        period = pd.Period(text)
        try:
            return period.start_time, period.end_time.floor("us")
        except pd.errors.OutOfBoundsDatetime:  # past 2262 (an open end): the period's unit from its own stamp
            unit = _PERIOD_UNITS.get(period.freqstr.split("-")[0])
            if unit is None:
                raise ValueError(f"a period ({period.freqstr}) past 2262") from None
            return _period_bounds(pd.Timestamp(text), unit)
    stamp = pd.Timestamp(value)
    if pd.isna(stamp):
        raise ValueError("a missing stamp")
    unit = next((unit for part, unit in _CLOCK_UNITS if getattr(stamp, part)), "D")
    return _period_bounds(stamp, unit)


def stamp_seconds(stamp: pd.Timestamp, zone: Any) -> float:
    """A stamp as seconds since the epoch; without a zone, read in the column's ``zone`` ("2024-03-10" on
    a Berlin column: Berlin's midnight; a clock time a DST change skips or repeats: the first instant at or
    after it)."""
    if zone is not None and stamp.tzinfo is None:
        stamp = stamp.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
    return float(stamp.as_unit("us").asm8.view(np.int64)) / 1e6


def value_text(
    value: float,
    dates: bool = False,
    clock: bool = False,
    *,
    exact: bool = False,
    zone: Any = None,
    seconds: bool = True,
) -> str:
    """A number column's value as text: the number, with ``dates`` a date's seconds as the date, and with
    ``clock`` as well a time of day's seconds as the time ("09:30:00", not as an instant of the day they
    are read on, "1900-01-01 09:30:00"), to the minute for a column written without ``seconds`` ("09:30").

    ``exact`` writes text a user asks for again (a condition's message), which must read back as the same
    value: every digit of a number, a stamp to the microsecond and in ``zone``. Without it, the text is for
    a reader (a figure's caption): six significant digits with thousands separators ("0", "15,024",
    "0.25"), a stamp to the second on ``zone``'s clock (without the offset: the figure names its clock),
    a whole day as its date.

    Example:
        >>> value_text(1234567.0), value_text(1234567.0, exact=True)
        ('1.23457e+06', '1234567')
        >>> value_text(86_400.0, dates=True), value_text(86_400.0, dates=True, exact=True)
        ('1970-01-02', '1970-01-02 00:00:00')
    """
    if dates and exact and np.isfinite(value):  # an open end stays a number: "-inf" / "inf"
        stamp = pd.Timestamp(round(value * 1e6), unit="us")  # whole microseconds: no float noise in the text
        if clock:
            return str(stamp.time())
        return str(stamp if zone is None else stamp.tz_localize("UTC").tz_convert(zone))
    if dates and not exact:
        try:  # numpy's seconds hold open ends written 31/12/9999 and years far past them
            if zone is not None and not clock:  # as a figure's axis on ``zone``'s clock reads it
                value = float(wall_seconds(np.array([value]), zone)[0])
            if clock:  # a bin's edge of "09:16:24" beside data of "09:16" wrote what the data never holds
                stamp = np.datetime64(round(value), "s") if seconds else np.datetime64(round(value / 60), "m")
                return str(stamp).split("T")[1]
            if value % DAY == 0:
                return str(np.datetime64(int(value // DAY), "D"))
            return str(np.datetime64(round(value), "s")).replace("T", " ")
        except (OverflowError, ValueError):  # beyond any calendar: the number says as much
            pass
    # every digit when exact: a level of 1234567 shown as "1.23457e+06" was refused when asked for as written
    return f"{value:.15g}" if exact else f"{value:,.6g}"


def _has_letters(text: str) -> bool:
    """Whether a date names its month in words ("Feb 2020"), which no reading mistakes for a day."""
    return any(c.isalpha() for c in text)


def _own_formats(datetime_format: str | None) -> list[str]:
    """A column's format and, where it writes a time, its date part ("%d/%m/%Y %H:%M" -> "%d/%m/%Y")."""
    if datetime_format is None:
        return []
    time = _TIME_CODES.search(datetime_format)
    date_part = datetime_format[: time.start()] if time else ""
    return [datetime_format] + ([date_part] if any(c in date_part for c in ("%d", "%m", "%b")) else [])


def _day_first(datetime_format: str | None) -> bool:
    """Whether a format writes the day before a month number ("%d/%m/%Y"), which pandas reads the other
    way round ("03/02/2020": 2 March)."""
    return datetime_format is not None and 0 <= datetime_format.find("%d") < datetime_format.find("%m")


def _period_bounds(stamp: pd.Timestamp, unit: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last instants (whole microseconds) of the ``unit`` holding ``stamp``, in its zone."""
    if unit in ("us", "ns"):
        return stamp, stamp
    if unit in ("M", "Y"):
        start = stamp.normalize().replace(day=1, **({"month": 1} if unit == "Y" else {}))
        following = start + (pd.DateOffset(months=1) if unit == "M" else pd.DateOffset(years=1))
    else:
        start = stamp.floor(unit)
        following = start + pd.Timedelta(1, unit=unit).as_unit("us")
    # in microseconds: nanoseconds end in 2262, before an open end written "2300-01-01"
    return start, following - pd.Timedelta(1, unit="us").as_unit("us")


def column_numbers(
    series: pd.Series,
    is_datetime: bool,
    datetime_format: str | None = None,
    number_format: str | None = None,
    warn: bool = False,
    fix: str | None = None,
) -> np.ndarray:
    """A numeric or datetime column's values as floats, the one reading every part of synthloom shares.

    Datetimes become seconds since the epoch (UTC), text stamps read in ``datetime_format`` (or as ISO
    8601 stamps, see ``read_stamps``); text numbers are read in ``number_format`` ("$1,638.23") where the
    column has one. Values that cannot be read are NaN. ``warn``, where the column's kind comes from a
    model or metadata: a warning counts them, and a column none of whose values can be read is refused;
    ``fix`` says what to do (by default, about the metadata).
    """
    if is_datetime or datetime_format is not None:
        stamps = read_datetimes(series, datetime_format)
        if warn:
            warn_unread_stamps(series, stamps, datetime_format, fix or FORMAT_FIX)
        series = stamps
    return to_float(series, str(series.name), warn, number_format, fix or KIND_FIX)


def warn_unread_stamps(series: pd.Series, stamps: pd.Series, datetime_format: str | None, fix: str) -> None:
    """Warn of the values of a datetime column that are not stamps in its format (``stamps``: as read):
    they are treated as missing, which would otherwise happen in silence; ``fix`` tells how to avoid it.
    A column none of whose values is a stamp is refused (``refuse_unreadable``), and so is one whose given
    format reads under half of its values, naming the format they read as.

    Raises:
        DataError: as said."""
    unread = (series.notna() & stamps.isna()).to_numpy()
    if not unread.any():
        return
    written = "" if datetime_format is None else f" written as {datetime_format!r}"
    refuse_unreadable(series, ~unread, f"datetime{written or ' value'}", fix)
    examples = ", ".join(repr(v) for v in series[unread].astype(str).unique()[:3])
    present = int(series.notna().sum())
    if datetime_format is not None and 2 * unread.sum() > present:
        # a format that reads under half the stamps is another column's: US dates declared "%d/%m/%Y" lost
        # 229 of 400 to missing values, and the rest were read with day and month swapped
        guess = _guess_datetime_format(series.dropna().astype(str))
        they = f"; they read as {guess!r}" if guess not in (None, datetime_format) else ""
        raise DataError(
            f"column {series.name!r}: {int(unread.sum()):,} of {present:,} values are not datetimes"
            f"{written} ({examples}){they}; {fix}"
        )
    warnings.warn(
        f"column {series.name!r}: {int(unread.sum()):,} value(s) that are not datetimes{written} "
        f"({examples}) treated as missing; {fix}",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


DATE_DTYPE = "date"  # an encoder's dtype for a column of Python dates
TIME_DTYPE = "time"  # ... of Python times of day
DECIMAL_DTYPE = "decimal"  # ... of Python Decimals
# the day a time of day alone is read on: strptime's and pandas' for text ("14:19:28" with "%H:%M:%S"), and
# so for Python times, whose conditions and rules are read as the text ones' are
TIME_OF_DAY_DATE = datetime.date(1900, 1, 1)


def as_decimals(series: pd.Series, kind: ColumnKind, text_decimals: int | None) -> pd.Series:
    """Numbers as Python Decimals (``DECIMAL_DTYPE``), through their text, so each has the column's decimal
    places ("26.00", not "26")."""
    if text_decimals is None and kind == ColumnKind.INTEGER:
        # from the whole numbers themselves: through pandas' Int64 a float past int64's range failed the cast
        wholes = series.map(lambda value: decimal.Decimal(round(value)), na_action="ignore")
        return wholes.astype(object).where(series.notna(), None)
    return numbers_as_text(series, kind, text_decimals).map(decimal.Decimal, na_action="ignore")


FLOAT_DIGITS = 15  # the significant decimal digits a float64 carries exactly


def decimal_places(series: pd.Series) -> int | None:
    """The decimal places a column of Decimals comes back with: those every real one writes ("26.00": 2),
    else the most any writes, as far as a float64 carries them beside the largest one's whole digits; None
    where no Decimal is finite.

    One scale for every synthetic Decimal: ``str(float)`` wrote 13 to 21 places of float noise, and a
    Parquet chunk of more places than the first failed the write.
    """
    fixed = fixed_text_decimals(series)
    if fixed is not None:
        return fixed
    finite = [value for value in series.dropna() if value.is_finite()]
    if not finite:
        return None
    most = max(0, -min(int(value.as_tuple().exponent) for value in finite))
    largest = max(abs(value) for value in finite)
    whole_digits = max(0, largest.adjusted() + 1) if largest else 0
    return min(most, max(0, FLOAT_DIGITS - whole_digits))


def stamps_of_seconds(seconds: np.ndarray) -> pd.DatetimeIndex:
    """Seconds since the epoch as naive stamps (NaT where not finite), to the microsecond.

    Whole microseconds first (seconds * 1e9 in float64 is off by up to 256 ns: ".123" read ".122999808"),
    given to pandas as integers: its float path checks for overflow under ``np.errstate(over="raise")``,
    which a floating-point flag another library left set can trip on any value.
    """
    micros = np.round(np.asarray(seconds, dtype=np.float64) * 1e6)
    present = np.isfinite(micros)
    # held in microseconds: stamps past 2262 (an open end, "2300-01-01") overflow nanoseconds
    whole = np.where(present, micros, 0).astype(np.int64).astype("datetime64[us]")
    return pd.DatetimeIndex(np.where(present, whole, np.datetime64("NaT", "us")))


def epoch_seconds(stamps: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Datetimes (any unit; zone-aware ones as their UTC instants) as seconds since the epoch, NaN where
    missing; read through whole microseconds, which hold stamps past nanoseconds' 2262."""
    micros = np.asarray(stamps.to_numpy(dtype="datetime64[us]"))
    seconds = micros.astype(np.int64) / 1e6
    seconds[np.isnat(micros)] = np.nan
    return seconds


def to_datetimes(
    seconds: np.ndarray,
    name: str,
    dtype: str,
    datetime_format: str | None,
    fraction_width: int = 0,
    offset: str | None = None,
    zone: str | None = None,
    unpadded: str = "",
) -> pd.Series:
    """Seconds since the epoch (UTC, as ``to_float`` reads them) back to a column like the real one.

    Text comes back in ``datetime_format`` (its ``%f`` written with ``fraction_width`` digits, when 1 to
    5; its ``%z`` as ``offset``, the stamps shown in that offset, when one is given: see ``text_offset``;
    shown in ``zone`` with each stamp's own offset, in ``offset``'s style, when one is given: see
    ``text_zone``; the fields of the codes in ``unpadded`` without a leading zero: see
    ``unpadded_codes``); a zone-aware column in its zone, which ``dtype`` names.
    """
    stamps = pd.Series(stamps_of_seconds(seconds), name=name)
    if dtype == TIME_DTYPE:  # Python times of day (their time-of-day format says how conditions write them)
        return stamps.dt.time.astype(object).where(stamps.notna(), None)
    if datetime_format is not None:
        if "%z" in datetime_format:  # a naive stamp has no offset to write
            stamps = stamps.dt.tz_localize("UTC")
            if zone is not None:
                stamps = stamps.dt.tz_convert(zone)
                datetime_format = datetime_format.replace("%z", _OFFSET_MARK)
            elif offset == "":  # most real stamps had no offset: written without one, on UTC's clock
                datetime_format = NAIVE_OFFSET.sub("", datetime_format)
            elif offset is not None:
                stamps = stamps.dt.tz_convert(_fixed_zone(offset))
                datetime_format = datetime_format.replace("%z", offset)
        if unpadded:  # strftime pads every field; each unpadded one is marked, and its zero cut after
            datetime_format = re.sub(f"%([{unpadded}])", _UNPADDED_MARK + r"%\1", datetime_format)
        if "%f" in datetime_format and 0 < fraction_width < 6:  # strftime writes six digits: ".120000"
            # one pass: the six digits are marked, then cut to the width
            marked = stamps.dt.strftime(datetime_format.replace("%f", "%f\ue000", 1))
            text = marked.str.replace(
                rf"(\d{{{fraction_width}}})\d{{{6 - fraction_width}}}\ue000", r"\1", regex=True
            )
        else:
            text = stamps.dt.strftime(datetime_format)
        if unpadded:
            text = text.str.replace(rf"{_UNPADDED_MARK}0?", "", regex=True)
        if zone is not None:
            text = _with_written_offsets(text, stamps, colon=offset is not None and ":" in offset)
        return text.astype(object).where(stamps.notna(), np.nan)
    if dtype == DATE_DTYPE:  # Python dates, as pandas reads a Parquet date32 column: written back as date32
        return stamps.dt.date.astype(object).where(stamps.notna(), None)
    if not dtype.startswith("datetime64"):
        return stamps
    try:
        zoned = isinstance(pd.api.types.pandas_dtype(dtype), pd.DatetimeTZDtype)
    except TypeError:  # a zone pandas cannot name (pytz.FixedOffset, in files saved before dtype_name)
        return stamps.dt.tz_localize("UTC")
    if zoned:
        # the instants are UTC ones (a DST change leaves no gap or overlap in them): shown in the zone
        stamps = stamps.dt.tz_localize("UTC")
    return stamps.astype(dtype)


_UNPADDED_MARK = "\ue002"  # before a field written without its leading zero
_OFFSET_MARK = "\ue001"  # where each stamp's own offset is written (strftime's "%z" has no colon)


def _with_written_offsets(text: pd.Series, stamps: pd.Series, colon: bool) -> pd.Series:
    """``text`` with each stamp's UTC offset at its mark, written "+0200", or "+02:00" with ``colon``."""
    written = stamps.dt.strftime("%z")
    if colon:
        written = written.str[:3] + ":" + written.str[3:]
    parts = text.str.split(_OFFSET_MARK, n=1, expand=True)
    return parts[0] + written + parts[1]


def column_zone(dtype: str, offset: str | None = None, zone: str | None = None) -> Any:
    """The time zone a datetime column shows its stamps in: a zone-aware column's (from its ``dtype_name``),
    a text column's ``zone`` (see ``text_zone``) or fixed ``offset`` (see ``text_offset``); None for any
    other column."""
    try:
        found = pd.api.types.pandas_dtype(dtype)
    except TypeError:
        found = None
    if isinstance(found, pd.DatetimeTZDtype):
        return found.tz
    if zone is not None:
        return zone
    return _fixed_zone(offset) if offset is not None else None


# a format whose stamps end in UTC written as literal text ("Z", "+00:00", RFC 1123's "GMT"); see
# metadata._guess_datetime_format
_UTC_SUFFIX = re.compile(r"(?:Z|GMT|[+-]00:?00)$")


def written_zone(series: pd.Series, datetime_format: str | None) -> Any:
    """The zone whose clock a datetime column's stamps are written on (``column_zone``, learned from the
    column itself), UTC (``datetime.UTC``) where the stamps are UTC instants that name no other
    zone: text in several offsets that no one zone gives, or ending in "Z" or "+00:00" throughout. None
    for naive stamps, which are read as they are written."""
    zone = column_zone(
        column_dtype_name(series), text_offset(series, datetime_format), text_zone(series, datetime_format)
    )
    utc = datetime_format is not None and ("%z" in datetime_format or _UTC_SUFFIX.search(datetime_format))
    if zone is None and utc:
        return datetime.UTC
    return zone


def numbers_held_as_text(series: pd.Series, spec: ColumnSpec) -> bool:
    """Whether a number column is plain text a table holds ("15.98" in a Parquet string column, a frame read
    with dtype=str): its synthetic values are written as text too, so the synthetic table keeps the real
    one's column types (amounts with a ``number_format`` are written in it anyway). Read as numbers where
    inferred so (``numeric_coerced``), or declared a number kind in the metadata: text declared integer was
    written back as floats ("2134.0") in a text column."""
    number_kind = spec.numeric_coerced or spec.kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER)
    plainly_written = number_kind and spec.number_format is None
    return bool(plainly_written and pd.api.types.infer_dtype(series, skipna=True) == "string")


def _warn_of_leading_zeros(series: pd.Series, name: str) -> None:
    """Say that a text column declared a number kind loses the leading zeros it is written with: a zip code
    "02134" declared integer came back as 2134, without a word."""
    texts = series.dropna().astype(str).str.strip()
    zeros = texts[texts.str.match(r"[+-]?0\d")]
    if zeros.empty:
        return
    example = zeros.iloc[0]
    warnings.warn(
        f"column {name!r}: {len(zeros):,} value(s) are written with leading zeros ({example!r}), which "
        "numbers do not keep; declare the column categorical to keep them as written",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


def column_dtype_name(series: pd.Series) -> str:
    """``dtype_name`` of a column's dtype, ``DATE_DTYPE`` for a column of Python dates (``datetime.date``,
    as pandas reads a Parquet ``date32`` column), which pandas holds as objects, ``TIME_DTYPE`` and
    ``DECIMAL_DTYPE`` for Python times and Decimals (objects too), or UTC stamps for a column of stamps in
    several zones (objects too)."""
    if series.dtype == object and is_date_objects(series):
        return DATE_DTYPE
    if is_time_objects(series):
        return TIME_DTYPE
    if is_decimal_objects(series):
        return DECIMAL_DTYPE
    # zoned stamps pandas keeps as objects: in their zone where they share one, else the instants in UTC
    zones = _object_stamp_zones(series)
    if set(zones) - {"None"}:
        return dtype_name(pd.DatetimeTZDtype("us", zones.popitem()[1] if len(zones) == 1 else "UTC"))
    return dtype_name(series.dtype)


def _object_stamp_zones(series: pd.Series) -> dict[str, Any]:
    """The zones of a column of stamps held as objects, by name ("None" for naive stamps); empty for any
    other column."""
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) != "datetime":
        return {}
    return {str(value.tzinfo): value.tzinfo for value in series.dropna()}


def _warn_naive_beside_zoned(
    series: pd.Series, name: str, datetime_format: str | None, offset: str | None
) -> None:
    """Warn where a column mixes stamps with a zone and stamps without one: the naive ones are read as UTC
    (``read_stamps``), which their zone may not be. Held as objects, the column comes back in UTC; as text,
    in the spelling most of its stamps use (``offset``, the column's ``text_offset``), the counts of each
    told."""
    offsets = _written_offsets(series, datetime_format)
    naive = 0 if offsets is None else int((offsets == "").sum())
    if offsets is not None and 0 < naive < len(offsets):
        written = "without an offset, in UTC" if offset == "" else "with an offset"
        warnings.warn(
            f"column {name!r} mixes {naive:,} stamps without a UTC offset and {len(offsets) - naive:,} with "
            f"one: those without are read as UTC, and synthetic stamps are written {written}, as "
            f"{'most' if 2 * naive != len(offsets) else 'half the'} real ones are",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
        return
    zones = _object_stamp_zones(series)
    if "None" in zones and len(zones) > 1:
        warnings.warn(
            f"column {name!r} mixes stamps with a time zone and stamps without one: those without are read "
            "as UTC, and the column comes back in UTC; give every stamp its zone (Timestamp.tz_localize) "
            "to have them read in it",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )


def dtype_name(dtype: Any) -> str:
    """The name of a column's dtype, one that ``pandas_dtype`` reads back from an encoder's JSON state.

    pytz's fixed offsets (pyarrow's zone for a Parquet column stamped "+01:00") print as
    "pytz.FixedOffset(60)", which pandas cannot read; they are named as "UTC+01:00" instead.
    """
    name = str(dtype)
    if isinstance(dtype, pd.StringDtype) and name == "string":  # the storage too: "string[pyarrow]"
        name = f"string[{dtype.storage}]"
    if isinstance(dtype, pd.DatetimeTZDtype):
        try:
            pd.api.types.pandas_dtype(name)
        except TypeError:
            offset = pd.Timestamp(0, tz=dtype.tz).utcoffset()
            name = f"datetime64[{dtype.unit}, {datetime.timezone(offset)}]"
    return name


def _spread_scale(values: np.ndarray) -> float:
    """A column's range (its magnitude where it has none, or where the range overflows), to learn on."""
    spread = float(values.max()) - float(values.min())
    if 0 < spread < np.inf:
        return spread
    return float(np.abs(values).max()) or 1.0


def _far_ends(values: np.ndarray) -> tuple[list[float], np.ndarray]:
    """The exact values at either end of a column that lie ``FAR_END_GAP`` times the other values' range
    beyond them and weigh enough for a mode (``MIN_MODE_WEIGHT``), and the other values.

    An open end written 9999-12-31 beside end dates of a few years squeezed the mixture: its priors are the
    whole column's mean and variance, so the dates' mode was moved by years and widened to a spread of
    116 years (their own: 1), and TVAE put 14% of its rows on the first real end date (clipped there) and
    70% of its end dates between the last real one and 9999. The others' mixture is fitted without them.
    """
    ends: list[float] = []
    rest = values
    while True:
        levels, counts = np.unique(rest, return_counts=True)
        if levels.size < 3:  # the rest keeps two values at least, for the mixture
            return ends, rest
        heavy = counts >= MIN_MODE_WEIGHT * values.size
        if heavy[0] and levels[1] - levels[0] >= FAR_END_GAP * (levels[-1] - levels[1]):
            end = levels[0]
        elif heavy[-1] and levels[-1] - levels[-2] >= FAR_END_GAP * (levels[-2] - levels[0]):
            end = levels[-1]
        else:
            return ends, rest
        ends.append(float(end))
        rest = rest[rest != end]


def _frequent_values(values: np.ndarray) -> list[float]:
    """The values held exactly by at least SPIKE_SHARE of ``values`` (and MIN_SPIKE_ROWS), ascending;
    the MAX_SPIKES most frequent where there are more; none where they are over MAX_SPIKE_FRACTION of the
    distinct values."""
    levels, counts = np.unique(values, return_counts=True)
    frequent = np.flatnonzero(counts >= max(MIN_SPIKE_ROWS, SPIKE_SHARE * values.size))
    if frequent.size > MAX_SPIKE_FRACTION * levels.size:
        return []
    frequent = frequent[np.argsort(-counts[frequent], kind="stable")[:MAX_SPIKES]]
    return np.sort(levels[frequent]).tolist()


def nearest_levels(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Each value as the nearest of ``levels`` (ascending; the lower one at a tie); NaN stays NaN."""
    if levels.size == 1:
        return np.where(np.isnan(values), np.nan, levels[0])
    above = np.searchsorted(levels, values).clip(1, levels.size - 1)
    below, upper = levels[above - 1], levels[above]
    nearest = np.where(values - below <= upper - values, below, upper)
    return np.where(np.isnan(values), np.nan, nearest)


def _fraction_width(series: pd.Series, datetime_format: str | None) -> int:
    """Digits text stamps write their fractions of a second with ("12:00:05.120": 3); 0 without any."""
    if datetime_format is None or "%f" not in datetime_format:
        return 0
    at = datetime_format.index("%f")
    separator = re.escape(datetime_format[at - 1] if at else ".")  # "." or ",", as the format has it
    # the last separator followed by digits: a date written "31.12.2020" comes before the time
    widths = series.dropna().astype(str).str.extract(rf".*{separator}(\d+)", expand=False).str.len()
    return int(min(6, widths.max())) if widths.notna().any() else 0


_PADDED_CODES = "dmHI"  # strftime's day, month and hour codes, whose fields spreadsheets write unpadded


def unpadded_codes(
    series: pd.Series,
    seconds: np.ndarray,
    datetime_format: str | None,
    write: Callable[[np.ndarray, str], pd.Series],
) -> str:
    """The codes (of "dmHI") whose fields a text datetime column writes without a leading zero
    ("11/8/2023 9:05 AM", as Excel writes US dates): each one that, written so, gives back more of (up to
    ``STAMP_SAMPLE``) real stamps than written padded. ``seconds``: the stamps read (``to_float``), NaN
    where missing; ``write``: seconds and such codes back to text (``to_datetimes``).
    """
    codes = ""
    if datetime_format is None:
        return codes
    at = spread_sample(pd.Series(np.flatnonzero(~np.isnan(seconds)))).to_numpy()
    real = series.iloc[at].astype(str).str.strip().to_numpy()
    for code in _PADDED_CODES:
        if f"%{code}" in datetime_format:
            padded, unpadded = (write(seconds[at], way).to_numpy() == real for way in (codes, codes + code))
            codes += code if unpadded.sum() > padded.sum() else ""
    return codes


def _written_offsets(series: pd.Series, datetime_format: str | None) -> pd.Series | None:
    """Each present text stamp's UTC offset as written ("+01:00", "Z"; "" where it has none), for a column
    read with ``%z``; None for any other."""
    if datetime_format is None or "%z" not in datetime_format:
        return None
    return series.dropna().astype(str).str.extract(STAMP_WITH_OFFSET)["offset"].fillna("")


def _numeric_offsets(offsets: pd.Series) -> pd.Series | None:
    """The numeric offsets ("+01:00") of ``offsets`` (``_written_offsets``), where they are the spelling
    most stamps use (ahead of "Z" and of no offset, ties kept); None where another is."""
    numeric = offsets[~offsets.isin(["", "Z"])]
    others = max((offsets == "").sum(), (offsets == "Z").sum())
    return numeric if len(numeric) and len(numeric) >= others else None


def text_offset(series: pd.Series, datetime_format: str | None) -> str | None:
    """How text stamps read with ``%z`` write their offset, when strftime's UTC ``+0000`` would differ:
    in the spelling most real stamps use.

    Mostly "Z", or mostly none (stamps without one, read as UTC, beside ones with it): "Z" or "", the stamps
    shown in UTC. Mostly numeric, one offset throughout those ("+02:00"): that offset, exactly as written, so
    the synthetic stamps are shown as the real ones are. Several (a zone's winter and summer time), most
    written with a colon: "+00:00" (UTC, or their zone: ``text_zone``, in their style). Otherwise None: UTC
    as ``%z`` writes it.
    """
    offsets = _written_offsets(series, datetime_format)
    if offsets is None or offsets.empty:
        return None
    numeric = _numeric_offsets(offsets)
    if numeric is None:
        return "Z" if (offsets == "Z").sum() > (offsets == "").sum() else ""
    if numeric.nunique() == 1:
        return str(numeric.iloc[0])
    return "+00:00" if numeric.str.contains(":").mean() >= 0.5 else None


# zones tried first, so that a column is named for the zone most of its writers are in (Africa/Ceuta has
# Berlin's offsets too); then every other zone by name
_COMMON_ZONES = (
    "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Rome", "Europe/Amsterdam",
    "Europe/Athens", "Europe/Helsinki", "Europe/Lisbon", "America/New_York", "America/Chicago",
    "America/Denver", "America/Los_Angeles", "America/Anchorage", "America/Toronto", "America/Halifax",
    "America/Sao_Paulo", "America/Santiago", "Australia/Sydney", "Australia/Adelaide", "Pacific/Auckland",
)  # fmt: skip
ZONE_CHECK_ROWS = 400  # stamps compared evenly through the column, besides every change of offset


def text_zone(series: pd.Series, datetime_format: str | None) -> str | None:
    """The time zone of text stamps that write several UTC offsets (Berlin's "+01:00" in winter and
    "+02:00" in summer): the first zone whose offset at each stamp is the one written. Synthetic stamps are
    then shown in that zone, each with its own offset (in UTC they were a value the real file never has).
    Stamps written "Z" or without an offset are UTC instants, which any zone shows: the zone is learned from
    the others, where those are the spelling most stamps use (``text_offset``). None with one offset or
    none, or no zone that gives them all (several zones' stamps).
    """
    # positions as labels: a table built by pd.concat repeats labels, which pick and align rows wrongly
    series = series.reset_index(drop=True)
    offsets = _written_offsets(series, datetime_format)
    numeric = None if offsets is None else _numeric_offsets(offsets)
    if numeric is None or numeric.nunique() < 2:
        return None
    offsets = numeric
    text = series.dropna().astype(str)[numeric.index]
    stamps = read_datetimes(text, datetime_format)
    minutes = offsets.str.replace(":", "", regex=False).str.extract(r"([+-])(\d\d)(\d\d)")
    written = (minutes[1].astype(float) * 60 + minutes[2].astype(float)) * np.where(minutes[0] == "-", -1, 1)
    known = pd.DataFrame({"stamp": stamps, "minutes": written}).dropna().sort_values("stamp")
    if known.empty:
        return None
    # the changes of offset (where zones differ most) and stamps evenly through the rest
    changes = known["minutes"].diff().fillna(0).to_numpy() != 0
    picked = changes | np.roll(changes, -1)
    picked[np.linspace(0, len(known) - 1, min(ZONE_CHECK_ROWS, len(known))).astype(int)] = True
    checked = known[picked]
    instants = pd.DatetimeIndex(checked["stamp"])
    try:
        import zoneinfo

        every = zoneinfo.available_timezones()
    except ImportError:  # no zone data: stamps stay in UTC
        return None
    rest = sorted(z for z in every if "/" in z and not z.startswith(("Etc/", "posix/", "right/", "SystemV")))
    for zone in dict.fromkeys([*_COMMON_ZONES, *rest]):
        try:
            shown = instants.tz_convert(zone)
        except Exception:  # a name the zone data lists but pandas cannot load
            continue
        offset = (shown.tz_localize(None) - instants.tz_localize(None)) / pd.Timedelta(minutes=1)
        if np.array_equal(np.asarray(offset, dtype=float), checked["minutes"].to_numpy()):
            return zone
    return None


def _fixed_zone(offset: str) -> datetime.timezone:
    """The fixed UTC offset a "+02:00" / "-0530" text names; UTC for "Z" and for "" (stamps written without
    an offset beside ones with it, read as UTC)."""
    if offset in ("", "Z"):
        return datetime.UTC
    digits = offset[1:].replace(":", "")
    delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return datetime.timezone(-delta if offset[0] == "-" else delta)


def _second_digits(seconds: np.ndarray) -> int:
    """The fewest digits of a second (0 to 6) that hold every stamp: 3 for milliseconds."""
    for digits in range(7):
        # float64 seconds near 1.7e9 carry ~2.4e-7 of rounding: a tolerance under half a microsecond
        if np.allclose(np.round(seconds, digits), seconds, rtol=0, atol=4e-7):
            return digits
    return 6


# Stamps all on one of these grids (seconds; a whole day is ``decimals`` -1) are drawn on it: readings
# every 15 minutes, transactions to the minute. Whole-second stamps on none of them are drawn on the
# seconds they all share (a logger every 10 s, 15 s or 45 s), see ``_stamp_grid``.
DAY = 86_400
CLOCK_GRIDS = (3600, 1800, 900, 600, 300, 60)


def wall_seconds(seconds: np.ndarray, zone: Any) -> np.ndarray:
    """Seconds since the epoch as the clock on the wall in ``zone`` shows them (its offset added); as they
    are without a zone."""
    if zone is None or not len(seconds):
        return seconds
    # the offset of each whole second (clocks change on whole seconds), added exactly: a fraction of a
    # second rounded on the way would move the stamp off its grid
    whole = np.floor(seconds)
    stamps = stamps_of_seconds(whole).tz_localize("UTC").tz_convert(zone)
    return seconds + (epoch_seconds(stamps.tz_localize(None)) - whole)


def on_wall_grid(seconds: np.ndarray, step: float, to_grid: Any, zone: Any) -> np.ndarray:
    """``seconds`` moved onto a grid of ``step`` seconds of ``zone``'s clock (``to_grid``: ``np.round``,
    ``np.ceil`` or ``np.floor``, on multiples of the step), each instant in its own UTC offset: the hour a
    clock change repeats keeps both its instants."""
    finite = np.isfinite(seconds)
    if zone is None or not finite.any():
        return to_grid(seconds / step) * step
    out = np.array(seconds, dtype=float)  # an open bound (infinite) stays so
    offset = wall_seconds(out[finite], zone) - out[finite]
    out[finite] = to_grid((out[finite] + offset) / step) * step - offset
    return out


def _stamp_grid(seconds: np.ndarray) -> int | None:
    """The coarsest of a whole day and ``CLOCK_GRIDS`` every stamp (wall-clock seconds) lies on, else the
    most whole seconds every stamp is a multiple of (10 for a logger every 10 s); None for stamps with
    fractions of a second or on no grid coarser than a second, or none at all."""
    if not len(seconds):
        return None
    grid = next((grid for grid in (DAY, *CLOCK_GRIDS) if np.all(seconds % grid == 0)), None)
    if grid is not None or not np.all(seconds % 1 == 0):
        return grid
    # whole seconds (exact in float64 this side of 2**53) share their greatest common divisor: 1 where
    # they are irregular, which leaves them to ``_second_digits`` (whole seconds)
    shared = int(np.gcd.reduce(seconds.astype(np.int64)))
    return shared if shared > 1 else None


def _learn_decimals(values: np.ndarray) -> int | None:
    """Fewest decimals (up to 6) that reproduce every value (``has_decimals``), so synthetic values look like
    real ones."""
    return next((decimals for decimals in range(MAX_DECIMALS + 1) if has_decimals(values, decimals)), None)


class ColumnEncoder(ABC):
    """An encoder fits one column, encodes it to a float32 block and decodes the block back."""

    type_name: ClassVar[str]
    spans: list[Span]  # offsets relative to this encoder's block

    @abstractmethod
    def fit(self, series: pd.Series, rng: np.random.Generator) -> ColumnEncoder:
        """Learn what encoding and decoding need from the real column."""

    @abstractmethod
    def transform(self, series: pd.Series) -> np.ndarray:
        """Encode a column to a (n_rows, width) float32 block."""

    @abstractmethod
    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """Decode a (n_rows, width) block back to a column with the real column's dtype."""

    def unlearned(self, series: pd.Series) -> pd.Series:
        """The values of ``series`` (present ones) that ``transform`` cannot encode as they are: none by
        default."""
        return series.iloc[:0]

    @abstractmethod
    def state(self) -> dict[str, Any]:
        """Learned state as plain JSON (the constructor arguments come back through ``from_state``)."""

    @classmethod
    @abstractmethod
    def from_state(cls, name: str, spec: ColumnSpec, state: dict[str, Any]) -> ColumnEncoder:
        """Rebuild a fitted encoder from ``state()``."""

    @property
    def width(self) -> int:
        return sum(span.width for span in self.spans)


def is_missing_value(value: Any) -> bool:
    """Whether a single asked value means "missing" (None, NaN, NaT or pandas' NA), as a condition or a
    level."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, np.datetime64):
        return bool(np.isnat(value))
    return isinstance(value, float | np.floating) and bool(np.isnan(value))


def as_boolean(value: Any) -> Any:
    """``value`` as True / False when it spells one (True, 1, 1.0, "true", "0", ...), else unchanged.

    A boolean column can come back from a CSV or another tool as 0/1 or as text; read as booleans, every
    spelling counts as the same level.
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        return BOOLEAN_TEXT.get(value.strip().lower(), value)
    return value


def plain_value(value: Any) -> Any:
    """A numpy scalar as a plain Python value, so encoder and rule state stays JSON."""
    return value.item() if isinstance(value, np.generic) else value


def missing_span(has_missing: bool, start: int, column: str) -> list[Span]:
    """The present/missing indicator span of ``column`` at ``start`` (none where it had no missing value):
    numbers' and identifiers' missing values are learned as this one-hot pair, 1 meaning missing."""
    return [Span(column, start, 2, "softmax", "missing")] if has_missing else []


def missing_block(missing: np.ndarray) -> np.ndarray:
    """The indicator block (``missing_span``) of rows whose value is ``missing`` (bool per row)."""
    return _one_hot(missing.astype(np.int64), 2)


class NumericEncoder(ColumnEncoder):
    """Continuous, integer and datetime columns.

    ``method="gmm"`` is CTGAN's mode-specific normalisation: a Bayesian Gaussian mixture finds the modes,
    each value becomes (mode one-hot, value scaled within its mode). ``method="quantile"`` maps values
    through their empirical CDF onto a standard normal (what copula models want). ``method="spikes"`` is
    the quantile encoding plus, in columns that have them, a one-hot group naming the frequent exact value
    a row holds (a zero amount, a round loan size; see SPIKE_SHARE), or "none of them"; the normal score
    then carries the other rows only (spike rows get 0). A model can tie a class to exact values this
    way: on adult, ddpm with plain normal scores gave 75% of its capital gains of 7,000 - 8,000 (the spikes
    7,298 and 7,688) incomes above 50K, where the real rows have 99%; with spikes, 98%.
    A column of a few levels (``metadata.level_values``) decodes, with every method, to the nearest of
    them.
    Missing values get a present/missing indicator span and come back as missing.
    """

    type_name = "numeric"
    fraction_width = 0  # files written before the width was learned: strftime's six digits
    offset: str | None = None  # files written before the offset was learned: UTC as "+0000"
    text_zone: str | None = None  # files written before the zone was learned: several offsets in UTC
    unpadded = ""  # files written before it was learned: every field with its leading zero
    as_text = False  # files written before it was learned: numbers read from text come back as numbers
    text_decimals: int | None = None  # files written before it was learned: text as pandas writes numbers
    # files written before they were kept: values between a column's few levels, as then
    distinct_values: list[float] | None = None
    # a datetime column learned as its day and its time of day (see ``DailyCycle``); None: as one number,
    # as every column in files written before it was learned
    cycle: DailyCycle | None = None

    def __init__(self, name: str, spec: ColumnSpec, method: str = "gmm") -> None:
        self.name, self.spec, self.method = name, spec, method

    # -- reading the column -------------------------------------------------------------------------
    def _values(self, series: pd.Series, warn: bool = False, fix: str | None = None) -> np.ndarray:
        spec = self.spec
        return column_numbers(
            series, spec.kind == ColumnKind.DATETIME, spec.datetime_format, spec.number_format, warn, fix
        )

    def fit(self, series: pd.Series, rng: np.random.Generator) -> NumericEncoder:
        values = self._values(series, warn=True)  # refuses text of which none reads as this kind
        missing = np.isnan(values)
        present = values[~missing]
        # what reading leaves unrefused: infinities only
        refuse_unreadable(series.rename(self.name), ~missing, f"finite {self.spec.kind} value", KIND_FIX)
        self.has_missing = bool(missing.any())
        self.low, self.high = float(present.min()), float(present.max())
        self.fill = float(np.median(present))
        self.fraction_width = _fraction_width(series, self.spec.datetime_format)
        self.offset = text_offset(series, self.spec.datetime_format)
        self.text_zone = text_zone(series, self.spec.datetime_format)
        self.dtype = column_dtype_name(series)
        self.unpadded = unpadded_codes(series, values, self.spec.datetime_format, self._write_stamps)
        _warn_naive_beside_zoned(series, self.name, self.spec.datetime_format, self.offset)
        self.as_text = numbers_held_as_text(series, self.spec)
        if self.as_text:
            _warn_of_leading_zeros(series, self.name)
        # Decimals keep their places as text does: a NUMERIC(10, 2) column's "26.00" is no 26.0
        is_decimal = self.dtype == DECIMAL_DTYPE
        self.text_decimals = (
            decimal_places(series) if is_decimal else fixed_text_decimals(series) if self.as_text else None
        )
        is_datetime = self.spec.kind == ColumnKind.DATETIME
        # days and clock grids are the zone's: Berlin's midnights, Kolkata's whole hours
        wall = wall_seconds(present, self.zone) if is_datetime else present
        grid = _stamp_grid(wall) if is_datetime else None
        self.decimals = -1 if grid == DAY else self._rounding(wall)
        self.clock_grid = grid if grid != DAY else None
        self.distinct_values = level_values(present)
        if is_datetime and DailyCycle.fits(wall, grid, self.distinct_values):
            self.cycle = DailyCycle.learn(self.name, present, wall, self.method, rng)
            self._build_spans()
            return self
        return self._fit_scale(present, rng)

    def _fit_scale(self, present: np.ndarray, rng: np.random.Generator) -> NumericEncoder:
        """Learn the encoding of the column's present values: spikes, mixture modes or quantiles."""
        # spikes take 1/10 of the distinct values at most, so other values always remain for the score
        if self.method == "spikes":
            self.spikes = _frequent_values(present)
            present = present[~np.isin(present, self.spikes)]
        scored = present  # the values the score covers; the mixture and the quantiles learn from a subsample
        scale_low, scale_high = float(present.min()), float(present.max())
        if present.size > FIT_SUBSAMPLE:
            present = rng.choice(present, FIT_SUBSAMPLE, replace=False)
        if self.method == "gmm":
            self._fit_mixture(present, int(rng.integers(2**31 - 1)))
            # on every value: one the subsample missed must not be left in a spike's mode either
            self._split_spike_modes(scored)
        else:
            quantiles = np.quantile(present, np.linspace(0, 1, min(N_QUANTILES, present.size)))
            # the subsample may miss the extremes: pin the ends to the full range of the values scored (the
            # column's, or the non-spike values': a zero or top-coded spike at an end is not on the scale)
            quantiles[0], quantiles[-1] = scale_low, scale_high
            self.quantiles = quantiles.tolist()
        self._build_spans()
        return self

    def _rounding(self, present: np.ndarray) -> int | None:
        if self.spec.kind == ColumnKind.INTEGER:
            return 0
        if self.spec.kind == ColumnKind.DATETIME:  # not on a day's or clock's grid: digits of a second
            return _second_digits(present)
        return _learn_decimals(present)  # all values: the first few thousand can all be round (zeros)

    def _fit_mixture(self, present: np.ndarray, seed: int) -> None:
        if present.size < 2:  # one value and the rest missing: the mixture needs two; it is one mode
            self.means, self.stds, self.weights = [float(present[0])], [0.0], [1.0]
            return
        ends, rest = _far_ends(present)
        self._fit_mixture_modes(rest, seed)
        # a far end is a mode on its exact value (its spread: the floor ``_split_spike_modes`` gives it)
        shares = [float(np.mean(present == end)) for end in ends]
        self.weights = [weight * (1 - sum(shares)) for weight in self.weights] + shares
        self.means += ends
        self.stds += [0.0] * len(ends)

    def _fit_mixture_modes(self, present: np.ndarray, seed: int) -> None:
        """The Bayesian Gaussian mixture's modes of ``present`` (means, spreads, weights)."""
        # learned on the column's range: the mixture's variance floor (1e-6) is a spread of 0.001, which
        # swallowed readings of 1e-9 whole (all came back as the minimum or the maximum); values near 1e150
        # would square past float64's range inside it
        scale = _spread_scale(present)
        n_modes = min(MAX_MODES, max(1, np.unique(present).size))
        modes = bayesian_modes(present / scale, n_modes, seed)
        keep = modes.weights > MIN_MODE_WEIGHT
        if not keep.any():
            keep = modes.weights == modes.weights.max()
        self.means = (modes.means[keep] * scale).tolist()
        self.stds = (np.sqrt(modes.variances[keep]) * scale).tolist()
        self.weights = (modes.weights[keep] / modes.weights[keep].sum()).tolist()

    def _split_spike_modes(self, present: np.ndarray) -> None:
        """Give a mixture mode that sits on one repeated value that exact value, with no spread.

        The mixture's prior widens such a mode: adult's 95% of zero capital losses got a mode of sd 5.7
        (capital gains: 123), and CTGAN then drew 0 - 17 where 95% of the real rows hold 0. Where one exact
        value holds ``SPIKE_MODE_SHARE`` of the values a mode takes, the mode becomes that value (spread: the
        floor), and the rest of its values get a mode of their own (their mean and spread), however little
        they weigh: left in the spike's mode they would be scaled by the floor (loans' 35 late fees of 15 -
        53 beside 6,965 zeros came out at up to 250,000, and TVAE's losses went to NaN in its first epoch).
        Other modes keep the mixture's estimate: re-estimating an overlapping mode from the values it wins
        narrows it (an income mode went from sd 6,767 to 58).
        """
        floor = self._spread_floor()
        self.stds = np.maximum(self.stds, floor).tolist()  # also a one-value column's mode, which has none
        mode, _ = self._modes(present)
        for k in range(len(self.means)):
            held = present[mode == k]
            if held.size < 2:
                continue
            values, counts = np.unique(held, return_counts=True)
            share = counts.max() / held.size
            if share < SPIKE_MODE_SHARE:
                continue
            spike = values[counts.argmax()]
            rest, rest_weight = held[held != spike], self.weights[k] * (1 - share)
            if rest.size:
                self.means.append(float(rest.mean()))
                self.stds.append(max(float(rest.std()), floor))  # the rest may be one repeated value
                self.weights.append(float(rest_weight))
                self.weights[k] -= float(rest_weight)
            self.means[k], self.stds[k] = float(spike), floor

    def _spread_floor(self) -> float:
        """The spread of a mode on one exact value: a floor that keeps scaling from dividing by ~0."""
        return 1e-6 * ((self.high - self.low) or abs(self.high) or 1.0)

    def _modes(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each value's most likely mode, and the values scaled within every mode (N, K)."""
        means, stds = np.asarray(self.means), np.asarray(self.stds)
        scaled = (values[:, None] - means) / stds
        log_density = -0.5 * scaled**2 - np.log(stds) + np.log(self.weights)
        return log_density.argmax(axis=1), scaled

    def _build_spans(self) -> None:
        if self.cycle is not None:
            self.spans = self.cycle.spans()
        elif self.method == "gmm":
            self.spans = [
                Span(self.name, 0, 1, "tanh", "value"),
                Span(self.name, 1, len(self.means), "softmax", "mode"),
            ]
        else:
            self.spans = [Span(self.name, 0, 1, "linear", "value")]
            if self._has_spikes:
                self.spans.append(Span(self.name, 1, len(self.spikes) + 1, "softmax", "spike"))
        self.spans += missing_span(self.has_missing, sum(s.width for s in self.spans), self.name)

    # -- encoding -------------------------------------------------------------------------------------
    def unlearned(self, series: pd.Series) -> pd.Series:
        """Present values that do not read as this column's kind (``transform`` takes them as missing)."""
        return series[series.notna().to_numpy() & np.isnan(self._values(series))]

    def transform(self, series: pd.Series) -> np.ndarray:
        values = self._values(series)
        missing = np.isnan(values)
        values = np.where(missing, self.fill, values)
        if self.cycle is not None:
            blocks = [self.cycle.transform(values, self.zone)]
        elif self.method == "gmm":
            mode, scaled = self._modes(values)
            value = scaled[np.arange(values.size), mode] / MODE_SCALE
            blocks = [value[:, None].astype(np.float32), _one_hot(mode, len(self.means))]
        elif self._has_spikes:
            spikes = np.asarray(self.spikes)
            position = np.searchsorted(spikes, values).clip(max=spikes.size - 1)
            code = np.where(spikes[position] == values, position, spikes.size)  # spikes.size: none
            score = np.where(code < spikes.size, 0.0, self._to_normal(values))
            blocks = [score[:, None].astype(np.float32), _one_hot(code, spikes.size + 1)]
        else:
            blocks = [self._to_normal(values)[:, None].astype(np.float32)]
        if self.has_missing:
            blocks.append(missing_block(missing))
        return np.hstack(blocks)

    @property
    def _has_spikes(self) -> bool:
        return self.method == "spikes" and bool(self.spikes)

    def scored_rows(self, block: np.ndarray) -> np.ndarray | None:
        """Rows of the column's ``block`` whose first entry holds their value as a normal score (neither a
        frequent exact value's category nor missing); None where the encoding has no such score (mixture
        modes, a day and a time of day)."""
        if self.method == "gmm" or self.cycle is not None:
            return None
        scored = np.ones(len(block), dtype=bool)
        if self._has_spikes:
            scored &= row_argmax(block[:, 1 : 2 + len(self.spikes)]) == len(self.spikes)
        if self.has_missing:
            scored &= row_argmax(block[:, -2:]) == 0
        return scored

    def uniform_scores(self, values: np.ndarray) -> np.ndarray | None:
        """Where ``values`` (numbers, seconds since the epoch for datetimes) lie on the column's quantile
        scale, from 0 to 1: the uniform its normal score is the quantile of (``ndtr`` of that score); None
        where its values are no one score (mixture modes, a day and a time of day, frequent exact values)."""
        if self.method == "gmm" or self.cycle is not None or self._has_spikes:
            return None
        return ndtr(self._to_normal(values))

    def _to_normal(self, values: np.ndarray) -> np.ndarray:
        q = np.asarray(self.quantiles)
        levels = np.linspace(0, 1, q.size)
        # averaging interpolation from both ends places repeated quantiles (ties) at their centre
        u = 0.5 * (np.interp(values, q, levels) - np.interp(-values, -q[::-1], -levels[::-1]))
        return ndtri(np.clip(u, _U_EDGE, 1 - _U_EDGE))

    def _from_normal(self, z: np.ndarray) -> np.ndarray:
        q = np.asarray(self.quantiles)
        u = ndtr(z)
        # values clipped onto the edges on the way in go back to the exact minimum and maximum
        u = np.where(u <= _U_EDGE * 1.001, 0.0, np.where(u >= 1 - _U_EDGE * 1.001, 1.0, u))
        return np.interp(u, np.linspace(0, 1, q.size), q)

    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> pd.Series:
        return self._restore_dtype(self.decoded(block, rng))

    def decoded(self, block: np.ndarray, rng: np.random.Generator, clip: bool = True) -> np.ndarray:
        """The column's block decoded to numbers (seconds since the epoch for datetimes, NaN where missing):
        within the real range, on the column's levels and rounding. ``clip`` False leaves a value drawn past
        the range there, for a caller that brings it back otherwise (a time of day wraps around midnight:
        ``DailyCycle``); a datetime learned as a day and a time of day keeps its range itself."""
        if self.cycle is not None:
            values = self.cycle.inverse(block, self.zone, rng, (self.low, self.high))
        else:
            values = self._drawn(block)
            if clip:
                values = np.clip(values, self.low, self.high)
        if self.distinct_values is not None:
            values = nearest_levels(values, np.asarray(self.distinct_values))
        if self.decimals is not None:
            values = self._round(values)
        if self.has_missing:
            values[row_argmax(block[:, -2:]) == 1] = np.nan
        return values

    def _drawn(self, block: np.ndarray) -> np.ndarray:
        """The values the block's scale spans give, as drawn: possibly past the real range."""
        if self.method == "gmm":
            mode = row_argmax(block[:, 1 : 1 + len(self.means)])
            stds, means = np.asarray(self.stds)[mode], np.asarray(self.means)[mode]
            values = block[:, 0].astype(np.float64) * MODE_SCALE * stds + means
            # a mode on one exact value gives that value: its floor spread, scaled, left amounts of 0.01 -
            # 0.04 where the real ones are 0 or over 400 (the floor is a millionth of the column's range)
            exact = stds <= self._spread_floor() * (1 + 1e-9)
            values[exact] = means[exact]
        else:
            values = self._from_normal(block[:, 0].astype(np.float64))
            if self._has_spikes:
                code = row_argmax(block[:, 1 : 2 + len(self.spikes)])
                spike = code < len(self.spikes)
                values[spike] = np.asarray(self.spikes)[code[spike]]
        return values

    @property
    def zone(self) -> Any:
        """The zone whose clock the column's days and hours are on (None: UTC, or not a datetime)."""
        return column_zone(self.dtype, self.offset, self.text_zone)

    def _round(self, values: np.ndarray) -> np.ndarray:
        step = DAY if self.decimals == -1 else self.clock_grid  # whole days; hours, minutes, seconds
        if step:
            return on_wall_grid(values, step, np.round, self.zone)
        return np.round(values, self.decimals)

    def _write_stamps(self, values: np.ndarray, unpadded: str) -> pd.Series:
        return to_datetimes(
            values,
            self.name,
            self.dtype,
            self.spec.datetime_format,
            self.fraction_width,
            self.offset,
            self.text_zone,
            unpadded,
        )

    def _restore_dtype(self, values: np.ndarray) -> pd.Series:
        if self.spec.kind == ColumnKind.DATETIME:
            return self._write_stamps(values, self.unpadded)
        if self.spec.number_format is not None:
            return NumberFormat.parse(self.spec.number_format).write(values, self.name)
        series = pd.Series(values, name=self.name)
        if self.dtype == DECIMAL_DTYPE:
            return as_decimals(series, self.spec.kind, self.text_decimals)
        if self.as_text:
            return numbers_as_text(series, self.spec.kind, self.text_decimals)
        if self.spec.numeric_coerced:
            return series
        try:
            # numpy's integers cannot hold a missing value; pandas' nullable ones ("Int64") can
            nullable = isinstance(pd.api.types.pandas_dtype(self.dtype), pd.api.extensions.ExtensionDtype)
            if np.isnan(values).any() and not nullable:
                return series
            return series.astype(self.dtype)
        except (TypeError, ValueError):
            return series

    def state(self) -> dict[str, Any]:
        learned: dict[str, Any]
        if self.cycle is not None:
            learned = {"cycle": self.cycle.state()}
        elif self.method == "gmm":
            learned = {"means": self.means, "stds": self.stds, "weights": self.weights}
        else:
            learned = {"quantiles": self.quantiles}
            if self.method == "spikes":
                learned["spikes"] = self.spikes
        return {
            "method": self.method,
            "has_missing": self.has_missing,
            "low": self.low,
            "high": self.high,
            "fill": self.fill,
            "decimals": self.decimals,
            "clock_grid": self.clock_grid,
            "fraction_width": self.fraction_width,
            "offset": self.offset,
            "text_zone": self.text_zone,
            "unpadded": self.unpadded,
            "as_text": self.as_text,
            "text_decimals": self.text_decimals,
            "distinct_values": self.distinct_values,
            "dtype": self.dtype,
            **learned,
        }

    @classmethod
    def from_state(cls, name: str, spec: ColumnSpec, state: dict[str, Any]) -> NumericEncoder:
        encoder = cls(name, spec, state["method"])
        encoder.clock_grid = None  # files written before it was learned: stamps to their seconds
        for key, value in state.items():
            setattr(encoder, key, value)
        if "cycle" in state:
            encoder.cycle = DailyCycle.from_state(name, state["method"], state["cycle"])
        encoder._build_spans()
        return encoder


# A datetime column whose stamps carry a time of day and fall on at least this many days of the zone's
# calendar is learned as two numbers, its day and its time of day (``DailyCycle``).
MIN_CYCLE_DAYS = 3


def wall_instants(wall: np.ndarray, zone: Any) -> np.ndarray:
    """Wall-clock seconds of ``zone`` (``wall_seconds``) as the instants they name (seconds since the epoch).

    Where a clock change makes the wall clock name no instant or two, the one taken: a wall time the change
    skips is read with the offset in force before the change, which moves it forward past the gap by the
    gap's length (Berlin's 02:30 on the last Sunday of March is 03:30 summer time, as Python's ``zoneinfo``
    reads it), so such times spread over the hour after the gap rather than pile on its end; a wall time the
    change repeats is its first pass, the earlier instant.
    """
    if zone is None or not len(wall):
        return wall
    # clocks change on whole seconds: the whole second's offset, subtracted exactly, keeps the fraction
    local = stamps_of_seconds(np.floor(wall))
    offsets = []
    for summer in (True, False):
        # "shift_backward" reads a skipped time as the last instant before the gap, in the offset before it
        stamps = local.tz_localize(zone, ambiguous=np.full(wall.size, summer), nonexistent="shift_backward")
        offsets.append(np.round(epoch_seconds(stamps.tz_localize(None)) - epoch_seconds(stamps)))
    # the larger offset is the earlier instant, whichever pass a zone's rules call summer time (Dublin's
    # daylight saving is its winter)
    return wall - np.maximum(*offsets)


def _day_and_time(seconds: np.ndarray, zone: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stamps (seconds since the epoch) as their day of ``zone``'s calendar (whole days since 1970-01-01)
    and their time of day, the wall clock's seconds since midnight."""
    return _split_wall(wall_seconds(seconds, zone))


def _split_wall(wall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wall-clock seconds as whole days since 1970-01-01 and the seconds since that day's midnight."""
    days = np.floor(wall / DAY)
    return days, wall - days * DAY


# float32's spacing near a day's 86,400 seconds: a time of day decoded from a code is this far off at most
TIME_OF_DAY_RESOLUTION = DAY * 2.0**-23


def _within(
    days: np.ndarray, time: np.ndarray, zone: Any, bounds: tuple[float, float], piled: tuple[bool, bool]
) -> np.ndarray:
    """The instants of ``days`` and wall-clock ``time`` of ``zone``, each one outside ``bounds`` moved a whole
    day inward (its time of day kept), and clipped only where the range is too short for that, or onto an
    end ``piled`` says real rows pile on."""
    instants = wall_instants(days * DAY + time, zone)
    low, high = bounds
    # a stamp past an end by less than a float32 time of day holds is that end: moved a day inward, the
    # last real stamp of a column of milliseconds came back a day early in 21 of 30 round trips
    below = (instants < low - TIME_OF_DAY_RESOLUTION) & (not piled[0])
    above = (instants > high + TIME_OF_DAY_RESOLUTION) & (not piled[1])
    step = below.astype(np.float64) - above
    out = step != 0
    if out.any():
        instants[out] = wall_instants((days[out] + step[out]) * DAY + time[out], zone)
    return np.clip(instants, low, high)


def _ends_piled_on(seconds: np.ndarray) -> tuple[bool, bool]:
    """Whether real rows pile on the first and on the last of ``seconds``: one exact stamp held as often as a
    spike is (``SPIKE_SHARE``, ``MIN_SPIKE_ROWS``), an open end written 2300-01-01 on an eighth of the rows.
    Stamps drawn past such an end belong on it, not a day inward."""
    floor = max(MIN_SPIKE_ROWS, SPIKE_SHARE * seconds.size)
    return bool(np.sum(seconds == seconds.min()) >= floor), bool(np.sum(seconds == seconds.max()) >= floor)


@dataclass
class DailyCycle:
    """A datetime column as its day and its time of day: two numbers a generator can relate to the others.

    As one number (seconds since the epoch) a column's hour is lost in its date: on 3 months of
    transactions the copula put 6.5% of its rows in hours 0-4 where 3.7% of the real ones are, and fraud
    (2.8x as frequent at night) came out as frequent by day. The day is a whole day of the column's zone's
    calendar; the time of day is the wall clock's, the seconds since local midnight, which is what people's
    schedules follow on every day alike. (Counted as the seconds elapsed since the day's first instant, a
    time of day learned mostly on ordinary days fell an hour
    off the wall clock on a clock change's day: Berlin shifts in hours 9-16 were drawn in hours 10-17 on
    the last Sunday of March and 8-15 on the last of October.)

    Decoding reads the day and the wall time in the zone (``wall_instants``): a time the change skips moves
    forward past the gap, a time it repeats is its first pass. Every stamp round-trips exactly save one in
    the second pass of a repeated hour (Berlin's 02:00-02:59 winter time on the last Sunday of October),
    which comes back as the first pass, an hour earlier: the wall clock names the two alike.

    Each part is a ``NumericEncoder`` of the column's method; rounding, range, missing values and the
    column's form stay the column's.
    """

    day: NumericEncoder
    clock: NumericEncoder
    # whether real rows pile on the first and on the last stamp (``_ends_piled_on``)
    piled_ends: tuple[bool, bool] = (False, False)

    @staticmethod
    def fits(wall: np.ndarray, grid: int | None, distinct_values: list[float] | None) -> bool:
        """Whether stamps (wall-clock seconds) show a daily cycle to learn: they carry a time of day (not
        all on midnight), fall on ``MIN_CYCLE_DAYS`` days or more, and are no column of a few levels
        (which decodes to them whole)."""
        if grid == DAY or distinct_values is not None or not len(wall):
            return False
        return np.unique(np.floor(wall / DAY)).size >= MIN_CYCLE_DAYS

    @classmethod
    def shown_by(cls, seconds: np.ndarray, zone: Any) -> bool:
        """Whether present stamps (seconds since the epoch) on ``zone``'s clock show a daily cycle to learn
        (``fits``), for those who judge a column as the encoder learns it: the evaluation compares the
        hours of day of exactly the columns generators learn as a day and a time of day."""
        wall = wall_seconds(seconds, zone)
        return cls.fits(wall, _stamp_grid(wall), level_values(seconds))

    @classmethod
    def learn(
        cls, name: str, seconds: np.ndarray, wall: np.ndarray, method: str, rng: np.random.Generator
    ) -> DailyCycle:
        """Fit both parts on the present stamps of a column: ``seconds`` since the epoch, and ``wall``, the
        same on its zone's wall clock (``wall_seconds``, which the encoder has already read them by)."""
        days, time = _split_wall(wall)
        cycle = cls(*cls._parts(name, method), piled_ends=_ends_piled_on(seconds))
        cycle.day.fit(pd.Series(days), rng)
        cycle.clock.fit(pd.Series(time), rng)
        return cycle

    @staticmethod
    def _parts(name: str, method: str) -> tuple[NumericEncoder, NumericEncoder]:
        # whole days; the time of day to the decimals the stamps have (the column rounds to its own grid)
        return (
            NumericEncoder(name, ColumnSpec(ColumnKind.INTEGER), method),
            NumericEncoder(name, ColumnSpec(ColumnKind.CONTINUOUS), method),
        )

    def spans(self) -> list[Span]:
        """The day's spans, then the time of day's, offset within the column's block."""
        width = self.day.width
        shifted = [Span(s.column, s.start + width, s.width, s.activation, s.role) for s in self.clock.spans]
        return [*self.day.spans, *shifted]

    def transform(self, seconds: np.ndarray, zone: Any) -> np.ndarray:
        """Encode stamps (seconds since the epoch, none missing) to the day's and the time's blocks."""
        days, time = _day_and_time(seconds, zone)
        return np.hstack([self.day.transform(pd.Series(days)), self.clock.transform(pd.Series(time))])

    def inverse(
        self, block: np.ndarray, zone: Any, rng: np.random.Generator, bounds: tuple[float, float]
    ) -> np.ndarray:
        """Decode the blocks back to seconds since the epoch: the day and its time of day read in ``zone``,
        within the column's real range ``bounds`` (its first and last stamp).

        Nothing is clipped onto an edge, where clipped rows pile up as exact copies of one value: a time of
        day is on a circle, and one drawn past midnight (either way) wraps around it onto the next or the
        previous day (clipped to 00:00:00, TVAE put 27 of 12,000 rows there, where 1 real one is); a stamp
        before the first real one or after the last moves a whole day inward, keeping its time of day
        (clipped, 38 of the copula's 100,000 on the last real stamp, 10 on the first). Only a range too
        short for that is clipped.
        """
        width = self.day.width
        days = self.day.decoded(block[:, :width], rng)
        clock = block[:, width : width + self.clock.width]
        time = self.clock.decoded(clock, rng, clip=False)
        # a time wrapped more than a day away may leave the real days: back on the first or the last one
        days = np.clip(days + np.floor(time / DAY), self.day.low, self.day.high)
        return _within(days, time % DAY, zone, bounds, self.piled_ends)

    def state(self) -> dict[str, Any]:
        return {
            "day": self.day.state(),
            "clock": self.clock.state(),
            "piled_ends": list(self.piled_ends),
        }

    @classmethod
    def from_state(cls, name: str, method: str, state: dict[str, Any]) -> DailyCycle:
        day, clock = cls._parts(name, method)
        return cls(
            NumericEncoder.from_state(name, day.spec, state["day"]),
            NumericEncoder.from_state(name, clock.spec, state["clock"]),
            piled_ends=tuple(state.get("piled_ends", (False, False))),
        )


def _declared_categories(dtype: Any) -> dict[str, Any] | None:
    """A pandas categorical dtype as plain JSON (categories, their dtype, ordered); None for other dtypes
    and for categories JSON cannot hold (dates, intervals: restored as a plain "category" dtype)."""
    if not has_plain_categories(dtype):
        return None
    return {
        "values": [plain_value(category) for category in dtype.categories],
        "dtype": str(dtype.categories.dtype),  # int32 categories are another dtype than int64 ones
        "ordered": bool(dtype.ordered),
    }


def _as_declared(series: pd.Series, categories: dict[str, Any]) -> pd.Series:
    """``series`` as the categorical dtype ``_declared_categories`` described."""
    index = pd.Index(categories["values"], dtype=categories["dtype"])
    return series.astype(pd.CategoricalDtype(index, ordered=categories["ordered"]))


def _nullable_integers(dtype: Any) -> bool:
    """Whether ``dtype`` is one of pandas' nullable integers ("Int64", "UInt64")."""
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) and pd.api.types.is_integer_dtype(dtype)


class CategoricalEncoder(ColumnEncoder):
    """Categorical, boolean and free-text columns as one-hot, missing values as their own category.

    Beyond ``max_categories`` levels, the rarest share one "other" slot (memory stays bounded for id-like
    columns with thousands of levels); decoding that slot draws one of the rare levels by frequency.
    A pandas categorical column comes back with its own dtype: the categories it declares (used or not),
    in their order, and whether they are ordered.
    """

    type_name = "categorical"

    def __init__(self, name: str, spec: ColumnSpec, max_categories: int = 500) -> None:
        self.name, self.spec, self.max_categories = name, spec, max_categories

    def fit(self, series: pd.Series, rng: np.random.Generator) -> CategoricalEncoder:
        dtype = DECIMAL_DTYPE if is_decimal_objects(series) else dtype_name(series.dtype)
        series = self._as_levels(series, dtype)
        counts = series.value_counts(dropna=False, sort=False)
        # a categorical dtype counts its unused categories as 0: they stay in the dtype, never in a sample
        counts = counts[counts > 0]
        order = sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], str(counts.index[i])))
        levels = [None if pd.isna(counts.index[i]) else plain_value(counts.index[i]) for i in order]
        odd = next((v for v in levels if v is not None and not isinstance(v, str | int | float | bool)), None)
        if odd is not None:  # an Interval (pd.cut), a tuple: the model file's JSON could not hold it
            raise DataError(
                f"column {self.name!r} holds {type(odd).__name__} values ({odd!r}), which a model file "
                "cannot store; convert the column to text first (.astype(str))"
            )
        frequencies = counts.to_numpy()[order].astype(np.float64)
        self.dtype = dtype
        self.categories = _declared_categories(series.dtype)
        if len(levels) > self.max_categories:
            kept = self.max_categories - 1
            self.levels, self.rare_levels = levels[:kept], levels[kept:]
            self.rare_weights = (frequencies[kept:] / frequencies[kept:].sum()).tolist()
        else:
            self.levels, self.rare_levels, self.rare_weights = levels, [], []
        self._build_index()
        return self

    @staticmethod
    def _as_levels(series: pd.Series, dtype: str) -> pd.Series:
        """``series`` as its levels are kept: Decimals (codes past 2**53) as their text, which the model
        file's JSON holds, read back as Decimals (``_restore_dtype``)."""
        return series.map(str, na_action="ignore") if dtype == DECIMAL_DTYPE else series

    @property
    def whole_numbers_with_gaps(self) -> bool:
        """Whether the column is floats that are all whole, with missing values: integers with blanks, which
        pandas reads as floats (without blanks, "5000.0" reads as floats and "5000" as integers)."""
        levels = self.levels + self.rare_levels
        present = [level for level in levels if level is not None]
        return (
            self.dtype.startswith("float")
            and None in levels
            and bool(present)
            and all(isinstance(level, float) and level.is_integer() for level in present)
        )

    def _build_index(self) -> None:
        self.missing_code = self.levels.index(None) if None in self.levels else None
        self.other_code = len(self.levels) if self.rare_levels else None
        self.index = {level: code for code, level in enumerate(self.levels) if level is not None}
        # rare levels are encoded at the "other" slot, so a condition on one asks for that slot
        self.index.update({level: self.other_code for level in self.rare_levels if level is not None})
        width = len(self.levels) + (1 if self.rare_levels else 0)
        self.spans = [Span(self.name, 0, width, "softmax", "category")]

    def codes(self, series: pd.Series) -> np.ndarray:
        """Code of each value; unseen values go to the "other" slot, or to the most frequent level."""
        fallback = self.other_code if self.other_code is not None else 0
        present = series.notna().to_numpy()
        if _nullable_integers(series.dtype):
            series = series.astype(object)  # pandas maps nullable integers through floats: past 2**53, wrong
        series = self._as_levels(series, self.dtype)
        mapped = series.map(self.index).to_numpy(dtype=np.float64, na_value=np.nan)
        codes = np.where(np.isnan(mapped), fallback, mapped).astype(np.int64)
        if not present.all():
            codes[~present] = self.missing_code if self.missing_code is not None else fallback
        return codes

    def transform(self, series: pd.Series) -> np.ndarray:
        return _one_hot(self.codes(series), self.spans[0].width)

    def unlearned(self, series: pd.Series) -> pd.Series:
        """Present values not among the levels (``codes`` gives them the "other" slot or the first level)."""
        if _nullable_integers(series.dtype):
            series = series.astype(object)
        known = self._as_levels(series, self.dtype).map(self.index).notna()
        return series[series.notna() & ~known]

    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> pd.Series:
        codes = row_argmax(block)
        table = np.array([np.nan if level is None else level for level in self.levels] + [None], dtype=object)
        values = table[codes]
        # read off the codes: pandas' isna on an object column costs more than the rest of the decoding
        has_missing = self.missing_code is not None and bool((codes == self.missing_code).any())
        if self.other_code is not None:
            is_other = codes == self.other_code
            rare = np.array(self.rare_levels, dtype=object)
            drawn = rare[rng.choice(rare.size, int(is_other.sum()), p=self.rare_weights)]
            values[is_other] = drawn
            has_missing = has_missing or bool(pd.isna(drawn).any())
        return self._restore_dtype(pd.Series(values, name=self.name), has_missing)

    def _restore_dtype(self, series: pd.Series, has_missing: bool) -> pd.Series:
        if self.dtype == "bool" and has_missing:
            return series.astype("boolean")
        if self.categories is not None:
            return _as_declared(series, self.categories)
        if self.dtype == DECIMAL_DTYPE:
            return series.map(decimal.Decimal, na_action="ignore").where(series.notna(), None)
        if self.dtype == "category":  # a file saved before the categories were kept: the values drawn
            return series.astype("category")
        if has_missing and self.dtype.startswith(("int", "uint")):
            return series.astype(np.float64)
        try:
            dtype = pd.api.types.pandas_dtype(self.dtype)
            if _nullable_integers(dtype):
                # nullable integers from the values themselves: through floats, codes past 2**53 collapsed
                values = [None if pd.isna(value) else value for value in series]
                return pd.Series(pd.array(values, dtype=dtype), index=series.index, name=series.name)
            return series.astype(dtype)
        except (TypeError, ValueError):
            return series

    def state(self) -> dict[str, Any]:
        return {
            "max_categories": self.max_categories,
            "dtype": self.dtype,
            "levels": self.levels,
            "rare_levels": self.rare_levels,
            "rare_weights": self.rare_weights,
            "categories": self.categories,
        }

    @classmethod
    def from_state(cls, name: str, spec: ColumnSpec, state: dict[str, Any]) -> CategoricalEncoder:
        encoder = cls(name, spec, state["max_categories"])
        encoder.dtype, encoder.levels = state["dtype"], state["levels"]
        encoder.rare_levels, encoder.rare_weights = state["rare_levels"], state["rare_weights"]
        encoder.categories = state.get("categories")  # absent from files saved before it was kept
        encoder._build_index()
        return encoder


# how a constant column's value, kept as text, is read back for the dtypes pandas holds as objects
_FROM_TEXT: dict[str, Any] = {
    DATE_DTYPE: datetime.date.fromisoformat,
    TIME_DTYPE: datetime.time.fromisoformat,
    DECIMAL_DTYPE: decimal.Decimal,
}


class ConstantEncoder(ColumnEncoder):
    """A column with a single value (or no value at all): nothing to learn, restored as it was."""

    type_name = "constant"

    def __init__(self, name: str, spec: ColumnSpec) -> None:
        self.name, self.spec, self.spans = name, spec, []

    def fit(self, series: pd.Series, rng: np.random.Generator) -> ConstantEncoder:
        present = series.dropna()
        value = present.iloc[0] if len(present) else None
        # stamps, Python dates and times as ISO text, Decimals as their text, which the model file's JSON
        # holds (a date or time object failed the save); dates, times and Decimals are read back as such
        # (``_FROM_TEXT``)
        is_iso = isinstance(value, datetime.date | datetime.time)  # a Timestamp is a date too
        is_decimal = isinstance(value, decimal.Decimal)
        self.value = value.isoformat() if is_iso else str(value) if is_decimal else plain_value(value)
        self.dtype = column_dtype_name(series)
        self.categories = _declared_categories(series.dtype)
        return self

    @property
    def compared_value(self) -> Any:
        """The value as a condition or a scored row is compared with it: a Decimal kept as its text ("2.50",
        for the model file) as its number, the 2.5 a CSV reads or a condition asks; else as kept."""
        if self.dtype == DECIMAL_DTYPE and isinstance(self.value, str):
            return float(self.value)
        return self.value

    def transform(self, series: pd.Series) -> np.ndarray:
        return np.zeros((len(series), 0), dtype=np.float32)

    def inverse(self, block: np.ndarray, rng: np.random.Generator) -> pd.Series:
        value = self.value
        from_text = _FROM_TEXT.get(self.dtype)
        if from_text is not None and value is not None:
            value = from_text(value)
        series = pd.Series([np.nan if value is None else value] * block.shape[0], name=self.name)
        if from_text is not None:
            return series.astype(object)
        if self.categories is not None:  # one category used, others declared: the dtype keeps them all
            return _as_declared(series, self.categories)
        try:
            return series.astype(self.dtype)
        except (TypeError, ValueError):
            return series

    def state(self) -> dict[str, Any]:
        return {"value": self.value, "dtype": self.dtype, "categories": self.categories}

    @classmethod
    def from_state(cls, name: str, spec: ColumnSpec, state: dict[str, Any]) -> ConstantEncoder:
        encoder = cls(name, spec)
        encoder.value, encoder.dtype = state["value"], state["dtype"]
        encoder.categories = state.get("categories")  # absent from files saved before it was kept
        return encoder
