"""Column kinds of a table: inferred from a DataFrame, overridable by the user, saved as JSON.

Metadata is the one description of a table shared by generators and evaluators. Inference follows what a
careful analyst would decide by looking at the column, and every guess can be overridden:

    >>> meta = Metadata.infer(df)
    >>> meta.set_kind("zip_code", "categorical")
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import warnings
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.number_text import (
    MAX_TEXT_DECIMALS,
    NumberFormat,
    fixed_text_decimals,
    holds_numbers,
    looks_like_numbers,
    read_number_text,
    to_numbers,
    writes_decimal_commas,
    writes_plus,
    written_forms,
)
from synthloom.errors import ConditionError, ConfigError, DataError, DataWarning, caller_stacklevel


class ColumnKind(StrEnum):
    """What a column holds, which decides how it is encoded and compared."""

    CONTINUOUS = "continuous"
    INTEGER = "integer"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    IDENTIFIER = "identifier"  # regenerated, never learned: unique per row, or repeated as real ids are
    TEXT = "text"  # free text: treated as high-cardinality categorical with rare values bucketed


NUMERIC_KINDS = frozenset({ColumnKind.CONTINUOUS, ColumnKind.INTEGER, ColumnKind.DATETIME})
DISCRETE_KINDS = frozenset({ColumnKind.CATEGORICAL, ColumnKind.BOOLEAN, ColumnKind.TEXT})
# kinds whose missing values a CSV writes as it spelt them ("N/A") through ``NumberText.missing``: numbers
# and dates have a ``missing_mark`` of their own
SPELT_MISSING_KINDS = DISCRETE_KINDS | {ColumnKind.IDENTIFIER}

# A numeric-looking text column is read as numbers when at least this share of its values parse.
_NUMERIC_SHARE = 0.9
# Numbers written with a unit are learned as numbers from this many distinct values; fewer are labels ("36
# months", "1970s"), learned as categories. Amounts in a currency are numbers however few.
MIN_AMOUNT_LEVELS = 20
# A number column of at most MAX_LEVEL_VALUES distinct values, each held by MIN_LEVEL_ROWS rows or more on
# average, is a set of levels (credit limits of 500 / 1,000 / 5,000, a term of 36 or 60 months, shift
# starts): its synthetic values are the nearest of them (``encoders.NumericEncoder``). Normal scores step
# from one level's quantiles to the next, and every draw in such a step became a value between them that no
# row has (a term of 48: 33 of 20,000 draws; 316 of a column of 15 loan sizes); a mixture with fewer modes
# than levels (``encoders.MAX_MODES``) spreads a mode over several. 20 is where text numbers with a unit
# become numbers (``MIN_AMOUNT_LEVELS``): from it on, a column is a scale (ages, counts, amounts) whose
# in-between values are new values, not wrong ones. The rows per value keep a small table's measurements,
# nearly all distinct, a scale too. A target of whole numbers on such levels is a class
# (``is_class_target``).
MAX_LEVEL_VALUES = MIN_AMOUNT_LEVELS
MIN_LEVEL_ROWS = 5
# texts that stand for a missing value among numbers (lower case); pandas reads "", "NA", "null"... itself
MISSING_MARKS = ("", "?", "-", "--", ".", "n.a.", "na", "n/a", "none", "null", "nan", "missing", "unknown")
# how text spells a boolean (read case-insensitively)
BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "1.0": True, "0.0": False}
# A name says "identifier" where its last word is one of ``_ID_WORDS`` (``order_id``, ``CustomerID``,
# ``customerId``, ``user-id``, ``record id``, ``UserGUID``, ``CustomerKey``) or its first word is one of
# ``_ID_PREFIXES`` (``id_customer``, ``ID number``). Words are split at "_", "-", ".", spaces and camel case,
# never inside a run of lower-case letters: words that end in those letters (valid, paid, squid, android,
# monkey, turkey) or begin with them (idle, Idaho, identity, keyboard) are not ids. "key" is no prefix
# ("key_metric" is a measure), nor is an abbreviation run into a word ("nid", "uid"): "id" at the end of a
# lower-case word cannot be told from "squid", "bid" or "lid". Only unique values (whole numbers, or any text)
# are taken for ids by their name (``_infer_numeric``, ``_infer_text``).
_ID_WORDS = frozenset({"id", "uuid", "guid", "key"})
_ID_PREFIXES = frozenset({"id", "uuid", "guid"})
_INDEX_NAME = re.compile(r"Unnamed: \d+")  # pandas' name for an empty header (where to_csv writes the index)
_NAME_SEPARATOR = re.compile(r"[_\-.\s]+")
# where camel case starts a word: lower case or a digit before upper case ("customerId"), or the last capital
# of an upper-case run before a capitalised word ("IDNumber", "HTTPKey")
_CAMEL_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
# the ``DataFrame.attrs`` key under which ``read_table`` gives the ``NumberText`` of a CSV's number columns,
# as JSON (pandas writes a frame's attrs into the Parquet files it writes)
CSV_TEXT = "synthloom.csv_text"
# ... and the key under which it gives how often a CSV spells a text column's missing values in each way
# pandas reads as missing ("NA", "null"), as JSON
CSV_MISSING = "synthloom.csv_missing"
# the ``DataFrame.attrs`` key under which ``read_table`` gives the delimiter a CSV is split at
CSV_DELIMITER = "synthloom.csv_delimiter"
CSV_BOM = "synthloom.csv_bom"
CSV_DELIMITERS = (",", ";", "\t", "|")  # those a CSV is read with (the comma first: it wins a tie)


@dataclass(frozen=True)
class NumberText:
    """How a CSV writes the values of a number column, where pandas (which reads them as numbers) would write
    them otherwise: ``decimals`` fixed decimals every value writes ("26.00", "15.50", which pandas writes
    "26.0", "15.5"; None: as pandas writes them), ``plus`` a "+" before every value that is not negative
    ("+1.26" beside "-0.40", "+0.00"), ``missing`` the text most of its missing values are written as, where
    more are so than empty ("NA", as R's write.csv writes them; None: empty). A text column of a kind in
    ``SPELT_MISSING_KINDS`` (categories) has one with ``missing`` alone ("N/A", which pandas read as missing).

    ``read_table`` learns it from a CSV's text, a model keeps it in its metadata (``ColumnSpec.csv_text``),
    and a CSV of synthetic rows writes it (``numbers_as_text``); the table itself holds the numbers, so a
    Parquet file of them holds numbers too.

    Example:
        >>> NumberText.learn(pd.Series(["+26.00", "-15.50", "+0.00"]))
        NumberText(decimals=2, plus=True, missing=None)
    """

    decimals: int | None = None
    plus: bool = False
    missing: str | None = None

    @classmethod
    def learn(cls, texts: pd.Series | Any) -> NumberText | None:
        """The form of a column's text numbers (``texts`` as ``number_text.fixed_text_decimals`` takes
        them); None where pandas writes them so itself: no "+", and decimals not fixed, fixed at one
        (pandas writes 15.5 "15.5" and 26.0 "26.0"; an integer column with gaps, which pandas wrote
        "85.0", is written "85" on purpose) or at more than a float holds (``MAX_TEXT_DECIMALS``)."""
        decimals = fixed_text_decimals(texts)
        fixed = decimals if decimals is not None and 1 < decimals <= MAX_TEXT_DECIMALS else None
        found = cls(fixed, writes_plus(texts))
        return None if found == cls() else found


@dataclass
class ColumnSpec:
    """One column's kind plus the facts about it that encoders need.

    Attributes:
        kind: the column kind.
        datetime_format: strftime format for datetime columns that arrived as text (None: real datetimes;
            Python times of day have the format of a time, "%H:%M:%S", which conditions write them in).
        numeric_coerced: the column arrived as text and was read as numbers (stray strings became missing).
        number_format: pattern of numbers written as text with a currency, a unit or thousands separators
            ("$#,##0.00"; see ``number_text``): read as numbers, written back in it. None: plain numbers.
        missing_mark: the text a number or date column read from text writes for a missing value ("?", as
            UCI's files do): synthetic rows write it too. None: missing values are left missing.
        csv_text: how the real CSV writes a number column the table holds as numbers ("26.00", "+1.26"; see
            ``NumberText``): a CSV of synthetic rows writes it so. None: as pandas writes numbers.
    """

    kind: ColumnKind
    datetime_format: str | None = None
    numeric_coerced: bool = False
    number_format: str | None = None
    missing_mark: str | None = None
    csv_text: NumberText | None = None


@dataclass
class Metadata:
    """Column kinds of one table, in column order.

    Attributes:
        columns: each column's ``ColumnSpec``, in column order.
        csv_delimiter: the delimiter of the CSV the table was read from (";" from a spreadsheet in a
            decimal-comma locale; one of ``CSV_DELIMITERS``): a CSV of synthetic rows is split at it too.
            None: not read from a CSV (or saved before it was kept), written with commas.
        csv_bom: a CSV of synthetic rows (in UTF-8) starts with UTF-8's byte-order mark: the real CSV had
            one, or was in another encoding (cp1252, UTF-16). Excel reads a CSV without the mark in the
            computer's code page, so its letters beyond ASCII ("Müller") would show garbled.
    """

    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    csv_delimiter: str | None = None
    csv_bom: bool = False

    @classmethod
    def infer(cls, data: pd.DataFrame) -> Metadata:
        """Guess each column's kind from its values.

        Example:
            >>> Metadata.infer(pd.DataFrame({"age": [31, 45], "sex": ["F", "M"]})).kinds()
            {'age': 'integer', 'sex': 'categorical'}
        """
        check_column_names(data.columns)
        texts, spelt = csv_texts_read(data), csv_missing_read(data)
        return cls(
            {
                str(name): _with_csv_text(
                    _with_missing_mark(_infer_column(series), series, spelt.get(name, {})), series, texts
                )
                for name, series in data.items()
            },
            csv_delimiter=data.attrs.get(CSV_DELIMITER),
            csv_bom=bool(data.attrs.get(CSV_BOM, False)),
        )

    def completed(self, data: pd.DataFrame) -> Metadata:
        """These kinds for the columns they name, inferred ones for the other columns of ``data``.

        In ``data``'s column order; a ``DataError`` when the metadata names a column ``data`` lacks.

        Example:
            >>> Metadata({"age": ColumnSpec(ColumnKind.CATEGORICAL)}).completed(people).kinds()
            {'age': 'categorical', 'sex': 'categorical'}
        """
        self.check_matches(data)
        texts, spelt = csv_texts_read(data), csv_missing_read(data)
        return Metadata(
            {
                str(name): _with_csv_text(
                    _with_missing_mark(
                        _given_or_inferred(self.columns.get(str(name)), series), series, spelt.get(name, {})
                    ),
                    series,
                    texts,
                )
                for name, series in data.items()
            },
            csv_delimiter=self.csv_delimiter or data.attrs.get(CSV_DELIMITER),  # a declared one wins
            csv_bom=self.csv_bom or bool(data.attrs.get(CSV_BOM, False)),
        )

    def kinds(self) -> dict[str, str]:
        """Column name to kind name, in column order."""
        return {name: str(spec.kind) for name, spec in self.columns.items()}

    def set_kind(self, column: str, kind: str | ColumnKind, datetime_format: str | None = None) -> Metadata:
        """Override the inferred kind of one column; returns self for chaining."""
        if column not in self.columns:
            raise ConfigError(f"column {column!r} is not in the metadata; columns are: {list(self.columns)}")
        try:
            self.columns[column] = ColumnSpec(ColumnKind(kind), datetime_format=datetime_format)
        except ValueError:
            choices = ", ".join(k.value for k in ColumnKind)
            raise ConfigError(
                f"unknown column kind {kind!r} for {column!r}; choose one of: {choices}"
            ) from None
        return self

    def columns_of(self, *kinds: ColumnKind) -> list[str]:
        """Names of the columns whose kind is one of ``kinds``."""
        return [name for name, spec in self.columns.items() if spec.kind in kinds]

    def csv_texts(self) -> dict[str, NumberText]:
        """The ``csv_text`` of the columns that have one: how a CSV writes their numbers."""
        return {name: spec.csv_text for name, spec in self.columns.items() if spec.csv_text is not None}

    @property
    def csv_sep(self) -> str:
        """The delimiter a CSV of this table's rows is written with: ``csv_delimiter``, else a comma."""
        return self.csv_delimiter or ","

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        form: dict[str, Any] = {"columns": {name: asdict(spec) for name, spec in self.columns.items()}}
        if self.csv_delimiter is not None:  # left out otherwise: the form older versions wrote
            form["csv_delimiter"] = self.csv_delimiter
        if self.csv_bom:
            form["csv_bom"] = True
        return form

    @classmethod
    def from_dict(cls, payload: Mapping[str, Any]) -> Metadata:
        """Inverse of ``to_dict``: the JSON form a user writes (``{"columns": {"zip": {"kind":
        "categorical"}}}``); a ``ConfigError`` naming the column and key for anything malformed."""
        if not isinstance(payload, Mapping):
            raise ConfigError(f"metadata is a JSON {_json_type(payload)}, not an object; expected {_FORM}")
        _check_not_sdv(payload)
        others = [str(key) for key in payload if key not in _METADATA_KEYS]
        misplaced = others and not difflib.get_close_matches(others[0].lower(), ["columns"])
        if "columns" not in payload and misplaced:
            # column names at the top, without "columns" above them ({"zip": {"kind": "categorical"}})
            raise ConfigError(
                f'metadata names {others[0]!r} outside "columns"; give each column under it: '
                f'{{"columns": {{{json.dumps(others[0])}: {{"kind": ...}}}}}}'
            )
        _check_keys(payload, _METADATA_KEYS, "metadata")
        columns = payload.get("columns")
        if not isinstance(columns, Mapping):
            raise ConfigError(f'metadata has no "columns" object (one entry per column); expected {_FORM}')
        return cls(
            {str(name): _column_spec(str(name), spec) for name, spec in columns.items()},
            csv_delimiter=_checked_csv_delimiter(payload.get("csv_delimiter")),
            csv_bom=_checked_csv_bom(payload.get("csv_bom", False)),
        )

    def save(self, path: str | Path) -> None:
        """Write as JSON (atomically)."""
        from synthloom.data.io import atomic_write_text

        atomic_write_text(Path(path), json.dumps(self.to_dict(), indent=2))

    @classmethod
    def load(cls, path: str | Path) -> Metadata:
        """Read JSON written by ``save``."""
        from synthloom.data.io import read_json_file

        path = Path(path)
        payload = read_json_file(path, "metadata")
        try:
            return cls.from_dict(payload)
        except ConfigError as exc:
            raise ConfigError(f"{path}: {exc}") from None

    def check_matches(self, data: pd.DataFrame, source: str = "data") -> None:
        """Raise a ``DataError`` when ``data`` lacks a column the metadata names."""
        missing = [c for c in self.columns if c not in data.columns]
        if missing:
            # a name misspelt or cased otherwise in a hand-written file ("Zip" for "zip"): say which is meant
            names = [str(name) for name in data.columns if name not in self.columns]
            close = difflib.get_close_matches(missing[0], names, n=1) or [
                name for name in names if name.lower() == missing[0].lower()
            ]
            hint = f"; did you mean {close[0]!r}?" if close else f"; its columns are {names[:20]}"
            raise DataError(f"{source} lacks column(s) {missing} named in the metadata{hint}")


def learned_metadata(data: pd.DataFrame, given: Metadata | None) -> Metadata:
    """The metadata of ``data``: ``given`` completed with the kinds it leaves out, or all inferred."""
    return Metadata.infer(data) if given is None else given.completed(data)


def as_metadata(metadata: Metadata | Mapping[str, Any] | None) -> Metadata | None:
    """The metadata a user gave, as a ``Metadata``: its JSON form (``{"columns": {"zip": {"kind":
    "categorical"}}}``, as ``Metadata.load`` reads) is read, None stays None (infer every kind).

    Raises:
        ConfigError: anything else, or a malformed JSON form.
    """
    if metadata is None or isinstance(metadata, Metadata):
        return metadata
    if isinstance(metadata, Mapping):
        return Metadata.from_dict(dict(metadata))
    if is_from_sdv(metadata):  # the same class name: "must be a Metadata, not Metadata" read as nonsense
        raise ConfigError(
            "metadata is SDV's Metadata object, not synthloom's; give synthloom.data.metadata.Metadata or, "
            f"as a dict, {_FORM_FOR_SDV_USERS}"
        )
    raise ConfigError(
        f"metadata must be a Metadata or its JSON form as a dict, not {type(metadata).__name__}; "
        "read a file with Metadata.load(path)"
    )


def is_from_sdv(value: Any) -> bool:
    """Whether ``value`` is an object of SDV's (whose classes share names with synthloom's)."""
    return type(value).__module__.split(".")[0] == "sdv"


_FORM = '{"columns": {name: {"kind": ...}}}'
# the form told to a user who gave SDV's metadata, its kinds named beside SDV's sdtypes
_FORM_FOR_SDV_USERS = (
    f'{_FORM}, one table, with a "kind" for each column it sets (the others are inferred): continuous or '
    "integer (SDV's numerical), categorical, boolean, datetime, identifier (id) or text"
)
_METADATA_KEYS = tuple(f.name for f in fields(Metadata))
_SPEC_KEYS = tuple(f.name for f in fields(ColumnSpec))
# the names other tools give a kind (SDV's sdtypes, pandas', SQL's and JSON Schema's types): a user who
# writes one is told synthloom's name rather than shown the list of kinds only
_KIND_NAMES = {
    "numerical": ColumnKind.CONTINUOUS,
    "numeric": ColumnKind.CONTINUOUS,
    "number": ColumnKind.CONTINUOUS,
    "float": ColumnKind.CONTINUOUS,
    "double": ColumnKind.CONTINUOUS,
    "decimal": ColumnKind.CONTINUOUS,
    "int": ColumnKind.INTEGER,
    "bigint": ColumnKind.INTEGER,
    "category": ColumnKind.CATEGORICAL,
    "string": ColumnKind.CATEGORICAL,
    "str": ColumnKind.CATEGORICAL,
    "object": ColumnKind.CATEGORICAL,
    "bool": ColumnKind.BOOLEAN,
    "date": ColumnKind.DATETIME,
    "time": ColumnKind.DATETIME,
    "timestamp": ColumnKind.DATETIME,
    "id": ColumnKind.IDENTIFIER,
}


def _json_type(value: Any) -> str:
    """What JSON calls ``value``'s type ("list" for an array), as a message names it."""
    names = {list: "list", str: "string", bool: "true/false", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _check_keys(given: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    """A ``ConfigError`` for a key that is not one of ``known``: a misspelt one ("Kind", "number_fromat")
    would otherwise be left out without a word, and the column learned as if it were not there."""
    for key in given:
        if key not in known:
            close = difflib.get_close_matches(str(key).lower(), known, n=1)
            hint = f'did you mean "{close[0]}"?' if close else f"its keys are {', '.join(known)}"
            raise ConfigError(f"{where} has an unknown key {key!r}; {hint}")


def _check_not_sdv(payload: Mapping[str, Any]) -> None:
    """A ``ConfigError`` pointing a user of SDV to this form, where ``payload`` is SDV's metadata."""
    columns = payload.get("columns")
    sdtypes = isinstance(columns, Mapping) and any(
        isinstance(spec, Mapping) and "sdtype" in spec for spec in columns.values()
    )
    if "tables" in payload or "METADATA_SPEC_VERSION" in payload or sdtypes:
        raise ConfigError(f"this is SDV's metadata; synthloom reads {_FORM_FOR_SDV_USERS}")


def _column_kind(name: str, kind: Any) -> ColumnKind:
    """A column's ``kind`` as a metadata file gives it, with the kind meant where it is misspelt."""
    try:
        return ColumnKind(kind)
    except ValueError:
        pass
    kinds = ", ".join(k.value for k in ColumnKind)
    spelt = str(kind).strip().lower()
    # a kind's start ("cat", "bool") or a misspelling of it ("categorial")
    close = [k for k in ColumnKind if len(spelt) >= 3 and k.startswith(spelt)]
    close += difflib.get_close_matches(spelt, list(ColumnKind), n=1)
    meant = _KIND_NAMES.get(spelt) or (close[0] if close else None)
    hint = f'did you mean "{meant}"? ' if meant is not None else ""
    raise ConfigError(f"column {name!r} has an unknown kind {kind!r}; {hint}the kinds are {kinds}")


def _column_spec(name: str, spec: Any) -> ColumnSpec:
    """One column's entry in a metadata file, checked key by key; a ``ConfigError`` naming the column."""
    if not isinstance(spec, Mapping):
        raise ConfigError(
            f'column {name!r} is given as {spec!r}; give an object such as {{"kind": "categorical"}}'
        )
    _check_keys(spec, _SPEC_KEYS, f"column {name!r}")
    if "kind" not in spec:
        raise ConfigError(f'column {name!r} has no "kind"; leave the column out to have its kind inferred')
    kind = _column_kind(name, spec["kind"])
    try:
        return ColumnSpec(
            kind,
            datetime_format=_checked_datetime_format(spec.get("datetime_format"), kind),
            numeric_coerced=_checked_flag(spec.get("numeric_coerced", False), "numeric_coerced"),
            number_format=_checked_number_format(spec.get("number_format"), kind),
            missing_mark=_checked_missing_mark(spec.get("missing_mark"), kind),
            csv_text=_checked_csv_text(spec.get("csv_text"), kind),
        )
    except ConfigError as exc:
        raise ConfigError(f"column {name!r}: {exc}") from None


def _checked_datetime_format(pattern: Any, kind: ColumnKind) -> str | None:
    """A metadata file's ``datetime_format``, checked: strftime text, on a datetime column (on another it
    would be left unused)."""
    if pattern is None:
        return None
    if not isinstance(pattern, str) or "%" not in pattern:
        raise ConfigError(
            f"datetime_format {pattern!r} is not a strftime pattern; write it as the values are written, "
            "e.g. '%Y-%m-%d' for 2024-03-15 or '%d/%m/%Y %H:%M' for 15/03/2024 09:30"
        )
    if kind != ColumnKind.DATETIME:
        raise ConfigError(f"datetime_format {pattern!r} is given for a {kind} column; it needs kind datetime")
    return pattern


def _checked_flag(value: Any, key: str) -> bool:
    """A metadata file's true/false setting, checked: "no" or 0 would read as true or false unnoticed."""
    if not isinstance(value, bool):
        raise ConfigError(f"{key} {value!r} is not true or false")
    return value


def _given_or_inferred(spec: ColumnSpec | None, series: pd.Series) -> ColumnSpec:
    """The spec the metadata gives a column, else the inferred one; a number kind given for amounts written
    as text ("$1,638.23") keeps their inferred ``number_format``, and a datetime kind given for text stamps
    their inferred ``datetime_format``, unless it gives its own."""
    if spec is None:
        return _infer_column(series)
    check_learnable(series)
    if spec.kind == ColumnKind.DATETIME and pd.api.types.is_numeric_dtype(series):
        # numbers read as stamps are nanoseconds: Unix seconds (1579481838) came back in 1970s first second
        raise DataError(
            f"column {series.name!r} holds numbers, not dates; leave its kind to be inferred to learn the "
            "numbers, or give them as dates (Unix seconds: pd.to_datetime(values, unit='s'))"
        )
    if spec.kind == ColumnKind.DATETIME and spec.datetime_format is None and is_time_objects(series):
        # Python times declared datetime are times of day, as inferred ones are: the format says so to
        # conditions ("06:00..08:00"), rule bounds ("07:00") and a constant column's own value
        return replace(spec, datetime_format=time_of_day_format(series))
    if spec.kind == ColumnKind.DATETIME and spec.datetime_format is None and series.dtype == object:
        # text stamps are read and written back in the format inference finds, as an undeclared column's
        # are: pandas' own guess, taken from the first stamp, read none of the others where only some
        # carry an offset or the first is a stray (a day-first one among ISO stamps), and wrote seconds
        # the values lack ("2024-06-16 11:38:00")
        text = series.dropna()
        text = text[text.map(lambda value: isinstance(value, str))]
        guessed = text_datetime_format(text, max_unread=DECLARED_MAX_UNREAD) if len(text) else None
        if guessed is not None:
            return replace(spec, datetime_format=guessed)
    if spec.kind == ColumnKind.BOOLEAN:
        _check_two_values(series)
    if spec.kind == ColumnKind.IDENTIFIER:
        _check_whole_ids(series)
    number_kind = spec.kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER)
    if number_kind and spec.number_format is None and series.dtype == object:
        # however few the values: declared numbers, "36 months" is 36
        inferred = _infer_number_text(series, series.dropna().astype(str), min_levels=0, inferred=False)
        if inferred is not None and inferred.number_format is not None:
            return replace(spec, number_format=inferred.number_format, numeric_coerced=True)
    if spec.number_format is not None and series.dtype == object:
        _warn_of_unwritten_affixes(series, NumberFormat.parse(spec.number_format), spec.number_format)
    return spec


def _warn_of_unwritten_affixes(series: pd.Series, number_format: NumberFormat, pattern: str) -> None:
    """Say so when a declared ``number_format`` writes a prefix or suffix no real value has: a typo ("0.0O"
    for "0.00") reads the values still (an affix may be left out) and writes it on every synthetic one."""
    text = series.dropna().astype(str)
    unwritten = [
        repr(affix.strip())
        for affix in (number_format.prefix, number_format.suffix)
        if affix.strip() and not text.str.contains(affix.strip(), regex=False).any()
    ]
    if unwritten and len(text):
        warnings.warn(
            f"column {series.name!r}: number_format {pattern!r} writes {' and '.join(unwritten)}, which no "
            "real value has, on every synthetic value; check the pattern (if a new form is meant, ignore "
            "this)",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )


def _check_whole_ids(series: pd.Series) -> None:
    """Refuse numbers with a fraction declared identifiers: numeric ids count on from the largest real one
    as whole numbers (amounts of 34.05 came back as 628.0, 629.0...). Whole floats (integer ids with gaps,
    read from a CSV) are ids; text ids ("34.05" as text) are drawn in their shape."""
    if not pd.api.types.is_float_dtype(series):
        return
    values = series.to_numpy(dtype=float, na_value=np.nan)
    values = values[np.isfinite(values)]
    if not has_decimals(values, 0):
        fraction = float(values[np.round(values) != values][0])
        raise DataError(
            f"column {series.name!r} is declared identifier but holds numbers with a fraction (e.g. "
            f"{fraction!r}); identifiers are whole numbers or text: declare it continuous, or give its ids "
            "as text"
        )


def _check_two_values(series: pd.Series) -> None:
    """A column declared boolean holds two values at most (spelt as the reader likes: True, "true", 1)."""
    spelt = series.dropna().astype(str).str.strip().str.lower()
    spelt = spelt[~spelt.isin(MISSING_MARKS)]  # "?", "NA", "" for a missing flag
    values = spelt.map(lambda text: BOOLEAN_TEXT.get(text, text)).unique()
    if len(values) > 2:
        shown = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in series.dropna().unique()[:3])
        raise DataError(
            f"column {series.name!r} is declared boolean but holds {len(values)} values ({shown}, ...); "
            "declare it categorical, or a number kind"
        )


def _checked_number_format(pattern: Any, kind: ColumnKind) -> str | None:
    """A metadata file's number pattern, checked: one the encoders can read and write, on a number column."""
    if pattern is None:
        return None
    if kind not in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER):
        raise ConfigError(f"number_format {pattern!r} is given for a {kind} column; it needs a number kind")
    return str(NumberFormat.parse(pattern))


def csv_texts_read(frame: pd.DataFrame) -> dict[str, NumberText]:
    """How the CSV ``frame`` was read from writes its number columns (``read_table`` notes it in the frame's
    ``attrs[CSV_TEXT]``), for the columns still as read; none for a frame from elsewhere.

    A frame keeps its attrs through edits, conversions and renames: a column whose values or dtype changed
    since (``column_fingerprint``), or another column given its name, is not written in the old form
    (prices rounded to whole numbers were written "24.00", a new column named as an old one "+118.000").
    """
    return {name: NumberText(**form) for name, form in _noted_read(frame, CSV_TEXT).items()}


def csv_missing_read(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """How often the CSV ``frame`` was read from spells each text column's missing values in each way
    pandas reads as missing ("NA": 103, "null": 42; ``read_table`` notes it in ``attrs[CSV_MISSING]``), for
    the columns still as read, as ``csv_texts_read``."""
    return {name: form["spellings"] for name, form in _noted_read(frame, CSV_MISSING).items()}


def _noted_read(frame: pd.DataFrame, key: str) -> dict[str, dict[str, Any]]:
    """What ``read_table`` noted of the columns of ``frame`` under ``attrs[key]``, for those still as read."""
    found = {}
    for name, noted in frame.attrs.get(key, {}).items():
        if name in frame.columns and noted.get("of") == column_fingerprint(frame[name]):
            found[name] = {item: value for item, value in noted.items() if item != "of"}
    return found


def column_fingerprint(column: pd.Series) -> int:
    """A number that changes when a column's values or dtype change (the same in every process)."""
    values = int(pd.util.hash_pandas_object(column, index=False).to_numpy().sum(dtype=np.uint64))
    return values ^ zlib.crc32(str(column.dtype).encode())


def _checked_csv_text(form: Any, kind: ColumnKind) -> NumberText | None:
    """A metadata file's ``csv_text`` ({"decimals": 2, "plus": true, "missing": "NA"}), checked: on a number
    column, with decimals from 0 to ``MAX_TEXT_DECIMALS`` (or none), a true or false plus, and a missing
    value's text that reads as no number (or none)."""
    if form is None:
        return None
    known = isinstance(form, Mapping) and set(form) <= {"decimals", "plus", "missing"}
    decimals, plus, missing = (
        (form.get("decimals"), form.get("plus", False), form.get("missing")) if known else (None, None, None)
    )
    good_decimals = decimals is None or (type(decimals) is int and 0 <= decimals <= MAX_TEXT_DECIMALS)
    good_missing = missing is None or (
        isinstance(missing, str) and to_numbers(pd.Series([missing])).isna()[0]
    )
    number_kind = kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER)
    missing_only = kind in SPELT_MISSING_KINDS and decimals is None and plus is False and missing is not None
    good_kind = number_kind or missing_only
    if not (known and good_kind and good_decimals and isinstance(plus, bool) and good_missing):
        raise ConfigError(
            f"csv_text {form!r} is not how a CSV writes a number column: give a continuous or integer column "
            f'{{"decimals": 0 to {MAX_TEXT_DECIMALS} or null, "plus": true or false, "missing": a text '
            'that is no number, or null}, or a category column {"missing": a text that is no number}'
        )
    return NumberText(decimals, plus, missing)


def _checked_csv_bom(bom: Any) -> bool:
    """A metadata file's ``csv_bom``, checked: true or false."""
    if not isinstance(bom, bool):
        raise ConfigError(f"csv_bom {bom!r}: give true or false, whether a CSV starts with a byte-order mark")
    return bom


def _checked_csv_delimiter(delimiter: Any) -> str | None:
    """A metadata file's ``csv_delimiter``, checked: one of ``CSV_DELIMITERS``, those a CSV is read with
    (a file split at another would not read back as the table)."""
    if delimiter is None or delimiter in CSV_DELIMITERS:
        return delimiter
    shown = ", ".join(repr(sep) for sep in CSV_DELIMITERS)
    raise ConfigError(
        f"csv_delimiter {delimiter!r} is not a CSV delimiter synthloom reads; give one of {shown}"
    )


def _with_csv_text(spec: ColumnSpec, series: pd.Series, texts: Mapping[str, NumberText]) -> ColumnSpec:
    """``spec`` with the ``NumberText`` that ``read_table`` found for its column in a CSV (``texts``: the
    frame's ``csv_texts_read``), where the column holds numbers that text writes, or is of a kind whose
    missing values it spells (``SPELT_MISSING_KINDS``); a spec's own is kept."""
    text = texts.get(str(series.name))
    if text is None or spec.csv_text is not None:
        return spec
    numbers = holds_numbers(series)
    number_kind = spec.kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER) and spec.number_format is None
    spelt = spec.kind in SPELT_MISSING_KINDS and text == NumberText(missing=text.missing) and text.missing
    return replace(spec, csv_text=text) if (numbers and number_kind) or spelt else spec


def has_decimals(values: np.ndarray, decimals: int) -> bool:
    """Whether every value has at most ``decimals`` decimals.

    A value's own float64 rounding (up to 16 units of its last place: a sum of a few values) is no
    decimal: 0.1 + 0.2 has one. A tolerance in proportion to the column's largest value took
    934784726703.3452 for a whole number.
    """
    noise = 16 * np.finfo(np.float64).eps * np.abs(values)
    # rounding scales by 10**decimals: near float64's largest value that overflows to inf, which is then
    # (rightly) no grid of such a value, with no warning for the user
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(np.abs(np.round(values, decimals) - values) <= noise))


def _checked_missing_mark(mark: Any, kind: ColumnKind) -> str | None:
    """A metadata file's missing-value mark, checked: text, on a number or date column (a category column
    keeps its marks as categories)."""
    if mark is None:
        return None
    if not isinstance(mark, str) or kind not in NUMERIC_KINDS:
        raise ConfigError(
            f"missing_mark {mark!r} is given for a {kind} column; it needs text and a number or date kind"
        )
    if looks_like_numbers(pd.Series([mark])).iloc[0] or to_numbers(pd.Series([mark])).notna().iloc[0]:
        raise ConfigError(
            f"missing_mark {mark!r} reads as a number: a missing value would read as a real one"
        )
    return mark


def _with_missing_mark(spec: ColumnSpec, series: pd.Series, spelt: Mapping[str, int]) -> ColumnSpec:
    """``spec`` with the mark (``MISSING_MARKS``) a number or date column read from text writes most of its
    missing values with, where it writes more of them so than leaves them empty; ``spelt``: how often its
    CSV spells the values pandas read as missing in each way (``csv_missing_read``: "NA" 103, "null" 42,
    beside 68 "?", which pandas keeps as text and which alone were counted: blanks were written)."""
    text_dtype = series.dtype == object or isinstance(series.dtype, pd.StringDtype)
    if spec.kind not in NUMERIC_KINDS or spec.missing_mark is not None or not text_dtype:
        return spec
    text = series.dropna().astype(str)
    marks = text[is_missing_mark(text) & (text.str.strip() != "")].value_counts()
    mark = most_used_mark(marks.add(pd.Series(spelt, dtype=float), fill_value=0), series, spelt)
    return spec if mark is None else replace(spec, missing_mark=mark)


def most_used_mark(marks: pd.Series, column: pd.Series, spelt: Mapping[str, int]) -> str | None:
    """The text most of ``column``'s missing values are written as (``marks``: how often each is, by
    text), where more are written so than left empty; None otherwise. ``spelt``: those of ``marks`` pandas
    read as missing itself ("NA"), which ``column`` holds as missing values, not as text."""
    empty = int(column.isna().sum()) - sum(spelt.values())
    if not len(marks) or marks.sum() <= empty:
        return None
    return str(marks.sort_values(ascending=False, kind="stable").index[0])


def with_missing_marks(frame: pd.DataFrame, metadata: Metadata) -> pd.DataFrame:
    """``frame`` with the missing values of the columns that have a ``missing_mark`` written as it; such a
    column is text throughout (numbers written as pandas writes them), whether a value is missing or not,
    so that every chunk of a large output has the same column types."""
    marked = {
        name: spec
        for name, spec in metadata.columns.items()
        if spec.missing_mark is not None and name in frame
    }
    if not marked:
        return frame
    frame = frame.copy()
    for name, spec in marked.items():
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column):
            column = numbers_as_text(column, spec.kind)
        frame[name] = column.astype(object).where(column.notna(), spec.missing_mark)
    return frame


def parquet_values(frame: pd.DataFrame, metadata: Metadata) -> pd.DataFrame:
    """``frame`` as a Parquet file of rows of a table read from a CSV (``metadata.csv_delimiter`` set)
    holds it: number columns the CSV writes as text (a ``number_format``, "$1,638.23" or "2.652,28 €"; a
    ``missing_mark``, "?") as numbers, their missing values missing, as plain numbers already are. A
    Parquet file of a European or currency CSV had held its amounts as text no one could sum. A table
    from elsewhere keeps its columns as they are."""
    if metadata.csv_delimiter is None:
        return frame
    typed = {}
    for name, spec in metadata.columns.items():
        written = spec.number_format is not None or spec.missing_mark is not None
        number = spec.kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER)
        if not (written and number and name in frame) or holds_numbers(frame[name]):
            continue
        column = frame[name].astype(object)
        if spec.missing_mark is not None:
            column = column.where(column != spec.missing_mark)
        numbers = read_number_text(column, spec.number_format) if spec.number_format else to_numbers(column)
        typed[name] = numbers.round().astype("Int64") if spec.kind == ColumnKind.INTEGER else numbers
    return frame.assign(**typed) if typed else frame


def level_values(present: np.ndarray) -> list[float] | None:
    """A column's distinct values, ascending, where they are a few levels (``MAX_LEVEL_VALUES``); None for
    a scale."""
    distinct = pd.unique(present)  # hashed: a continuous column is not sorted for its count
    if distinct.size > MAX_LEVEL_VALUES or present.size < MIN_LEVEL_ROWS * distinct.size:
        return None
    return np.sort(distinct).tolist()


def is_class_target(values: pd.Series, kind: ColumnKind) -> bool:
    """Whether a target column holds classes (predicted as classes by ``evaluate`` and ``bench``, balanced
    by ``augment``) rather than a quantity (predicted as a number).

    Categories, booleans and text are classes; so are whole numbers on a few levels, as the encoders
    learn them (``level_values``): codes 0/1/2, a grade 1-7, a cover type, which scikit-learn's
    ``type_of_target`` also calls multiclass. Numbers with decimals (``ColumnKind.CONTINUOUS``, which a
    column's metadata can also declare) and whole numbers on many levels (ages, counts, amounts) are
    quantities.

    Example:
        >>> is_class_target(pd.Series([1, 2, 3] * 10), ColumnKind.INTEGER)
        True
    """
    if kind in DISCRETE_KINDS:
        return True
    if kind != ColumnKind.INTEGER:
        return False
    present = values.dropna().to_numpy(dtype=float)
    return level_values(present) is not None


def target_kind(data: pd.DataFrame, target: str, metadata: Metadata | None = None) -> ColumnKind:
    """The kind of a column of ``data``: as ``metadata`` declares it where it names the column, else
    inferred from the column alone (a bench's file, a generator's training rows).

    Example:
        >>> target_kind(pd.DataFrame({"grade": [1, 2, 3] * 10}), "grade")
        <ColumnKind.INTEGER: 'integer'>
    """
    if metadata is not None and target in metadata.columns:
        return metadata.columns[target].kind
    return Metadata.infer(data[[target]]).columns[target].kind


def holds_classes(data: pd.DataFrame, target: str, metadata: Metadata | None = None) -> bool:
    """``is_class_target`` of a column of ``data``, of its ``target_kind``.

    Example:
        >>> holds_classes(pd.DataFrame({"grade": [1, 2, 3] * 10}), "grade")
        True
    """
    return is_class_target(data[target], target_kind(data, target, metadata))


def shown_level(level: Any) -> str:
    """A level as a message shows it: as a file writes it (500, not 500.0), text quoted, a missing one
    named."""
    if level is None:
        return "(missing)"
    if isinstance(level, float) and level.is_integer():
        return str(int(level))
    # str() first: numpy's text (np.str_) has a repr of its own, "np.str_('a')"
    return repr(str(level)) if isinstance(level, str) else str(level)


def unknown_level_error(column: str, value: Any, levels: Sequence[Any]) -> ConditionError:
    """The error of a condition asking ``column`` for a value it never takes: some of the ``levels`` it
    does, and the one the value was likely meant to be where they differ in case or spaces only
    (``sex=female`` of 'Female')."""
    shown = ", ".join(shown_level(level) for level in levels[:10])
    folded = str(value).strip().casefold()
    near = [level for level in levels if level is not None and str(level).strip().casefold() == folded]
    meant = f" (did you mean {shown_level(near[0])}?)" if near else ""
    return ConditionError(
        f"column {column!r} never takes the value {value!r}{meant}; seen values include {shown}"
    )


def no_missing_error(column: str) -> ConditionError:
    """The error of a condition asking ``column`` for a missing value (``-c col=``) it never had."""
    return ConditionError(
        f"column {column!r} had no missing values in the real data; ask for one of its values instead"
    )


def as_labels(values: pd.Series) -> pd.Series:
    """Values as text labels, missing ones labelled "(missing)": a level of their own to count, code,
    stratify on or draw a bar for."""
    return values.astype(str).where(values.notna(), "(missing)")


def numbers_as_text(
    column: pd.Series, kind: ColumnKind, decimals: int | None = None, plus: bool = False
) -> pd.Series:
    """A number column as text, as pandas writes numbers (an integer column's without ".0"), or with
    ``decimals`` fixed decimals where the real text writes them all ("26.00", of which pandas writes "26.0"
    and an integer column "26"), and with ``plus`` a "+" before every value that is not negative ("+1.26",
    "+0.00"); missing values stay missing."""
    if decimals is not None and kind in (ColumnKind.CONTINUOUS, ColumnKind.INTEGER):
        # rounded first, so a value just under zero is written "0.00", not "-0.00"
        rounded = column.astype("float64").round(decimals) + 0.0
        texts = pd.Series([f"{value:.{decimals}f}" for value in rounded], index=column.index, dtype=object)
    else:
        numbers = column.astype("Int64") if kind == ColumnKind.INTEGER else column
        texts = numbers.astype(str).astype(object)
    if plus:
        texts = texts.where(texts.str.startswith("-"), "+" + texts)
    return texts.where(column.notna(), None)


def check_column_names(columns: Iterable[object], source: str = "data") -> None:
    """Refuse duplicate column names, which would make every column lookup ambiguous."""
    names = [str(c) for c in columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise DataError(f"{source} has duplicate column name(s) {dupes}; rename them so each is unique")


def check_text_names(columns: Iterable[object]) -> None:
    """Refuse column names that are not text: metadata, model files and rules name columns by text."""
    unnamed = [name for name in columns if not isinstance(name, str)]
    if unnamed:
        raise DataError(
            f"column names must be text, not {unnamed[:5]}; rename them, e.g. "
            "data.columns = data.columns.astype(str)"
        )


def has_plain_categories(dtype: object) -> bool:
    """Whether ``dtype`` is a pandas categorical whose categories are text, numbers or booleans (what a
    model file's JSON holds; dates and intervals are not)."""
    if not isinstance(dtype, pd.CategoricalDtype):
        return False
    categories = dtype.categories
    if categories.dtype == object:
        return all(isinstance(value, str) for value in categories)
    return categories.dtype.kind in "biuf"


def check_not_complex(series: pd.Series) -> None:
    """Refuse complex numbers, whose imaginary part every number encoding would drop."""
    if pd.api.types.is_complex_dtype(series):
        raise DataError(
            f"column {series.name!r} holds complex numbers; split it into two number columns (the real and "
            "the imaginary part) to learn it"
        )


# values no column kind learns: named in the refusal with what to do instead
_NESTED = (list, tuple, dict, set, np.ndarray)
_DURATIONS = "durations; give them as numbers, e.g. data[{name!r}].dt.total_seconds()"
# a duration as pandas writes one to text (a Timedelta column saved to CSV)
_DURATION_TEXT = r"\s*-?\d+ days? [+-]?\d{2}:\d{2}:\d{2}(?:\.\d+)?\s*"
# hours, minutes and seconds; some past a day's 24 hours make them durations ("252:20:06")
_HOURS_TEXT = r"\s*-?\d+:[0-5]\d:[0-5]\d(?:\.\d+)?\s*"
_NOT_LEARNED = {
    "timedelta64": _DURATIONS,
    "timedelta": _DURATIONS,
    "interval": "intervals; give them as text (.astype(str)) or as two number columns (.left, .right)",
    "period": "periods; give them as dates (.dt.to_timestamp()) or as text (.astype(str))",
}


def with_pandas_dtypes(data: pd.DataFrame) -> pd.DataFrame:
    """``data`` with its pyarrow-backed stamps, dates, times, durations, decimals and dictionaries (as
    ``pd.read_parquet(path, dtype_backend="pyarrow")`` gives them) held as pandas holds them without that
    backend: ``datetime64`` (with its zone), Python dates, times and decimals, ``category``.

    The encoders read those forms; pyarrow's ones were seen as text (stamps came back as ISO text) or
    failed inside pandas (decimals). Other pyarrow columns (numbers, text, booleans) are read as they are.
    """
    import pyarrow as pa

    def needs_pandas(dtype: Any) -> bool:
        if not isinstance(dtype, pd.ArrowDtype):
            return False
        found = dtype.pyarrow_dtype
        return pa.types.is_temporal(found) or pa.types.is_dictionary(found) or pa.types.is_decimal(found)

    converted = {
        name: pd.Series(pa.array(series.array).to_pandas(), name=name).set_axis(series.index)
        for name, series in data.items()
        if needs_pandas(series.dtype)
    }
    return data.assign(**converted) if converted else data


def check_learnable(series: pd.Series) -> None:
    """Refuse values no column kind learns, in one line naming the column and what to give instead:
    complex numbers, durations, intervals, periods, and lists or dicts (nested Parquet and JSON columns)
    (unique durations were drawn as ids: "6 days 75:71:17"; lists failed with "unhashable type")."""
    check_not_complex(series)
    found = pd.api.types.infer_dtype(series, skipna=True)
    if found in _NOT_LEARNED:
        raise DataError(f"column {series.name!r} holds {_NOT_LEARNED[found].format(name=series.name)}")
    if found.startswith("mixed"):
        nested = next((v for v in series.dropna() if isinstance(v, _NESTED)), None)
        if nested is not None:
            raise DataError(
                f"column {series.name!r} holds {type(nested).__name__} values (e.g. {str(nested)[:40]}); "
                "a column of a table holds one value per row: split it into columns or give it as text "
                "(.astype(str))"
            )


def _infer_column(series: pd.Series) -> ColumnSpec:
    check_learnable(series)
    if has_plain_categories(series.dtype):  # declared categorical, even with number categories
        return ColumnSpec(ColumnKind.CATEGORICAL)
    if pd.api.types.is_bool_dtype(series):
        return ColumnSpec(ColumnKind.BOOLEAN)
    if pd.api.types.is_datetime64_any_dtype(series) or _is_stamp_objects(series):  # dates among them
        return ColumnSpec(ColumnKind.DATETIME)
    if is_time_objects(series):
        # learned as numbers (the instant on one day), never one category per time
        return ColumnSpec(ColumnKind.DATETIME, datetime_format=time_of_day_format(series))
    if pd.api.types.is_numeric_dtype(series):
        return _infer_numeric(series)
    if is_decimal_objects(series):
        return _infer_decimals(series)
    return _infer_text(series)


def is_time_objects(series: pd.Series) -> bool:
    """Whether a column holds Python times of day (``datetime.time``, as a database driver or pandas reads
    a Parquet ``time64`` column), none with a zone (whose clock would have to be read in it)."""
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) != "time":
        return False
    return bool(series.dropna().map(lambda value: value.tzinfo is None).all())


def time_of_day_format(series: pd.Series) -> str:
    """The format conditions and rules write a column of Python times in ("06:00:00", with ".%f" where
    some time has a fraction of a second), as for times of day written as text: it says the column's
    times are times of day."""
    written = series.dropna().map(lambda time: time.microsecond).any()
    return "%H:%M:%S.%f" if written else "%H:%M:%S"


def is_time_of_day(datetime_format: str | None) -> bool:
    """Whether text stamps write a time of day only ("14:19:28"), read as times of 1 January 1900."""
    return datetime_format is not None and not any(
        code in datetime_format for code in ("%Y", "%d", "%b", "%m")
    )


def writes_seconds(datetime_format: str | None) -> bool:
    """Whether text stamps write seconds ("14:19:28", not "14:19"); without a format (Python times,
    stamps as numbers) they may."""
    return datetime_format is None or any(code in datetime_format for code in ("%S", "%T", "%X", "%f", "%s"))


def stamps_held(datetime_format: str | None) -> str:
    """What a datetime column holds, as a message names it: "times of day" for a time-of-day format
    ("14:00:00", or Python times), else "dates"."""
    return "times of day" if is_time_of_day(datetime_format) else "dates"


def is_decimal_objects(series: pd.Series) -> bool:
    """Whether a column holds Python Decimals (what database drivers give for NUMERIC money columns, and
    pandas for a Parquet ``decimal128`` one)."""
    return series.dtype == object and pd.api.types.infer_dtype(series, skipna=True) == "decimal"


def _infer_decimals(series: pd.Series) -> ColumnSpec:
    """A column of Decimals as the number kind its values are; learned as numbers however few they are."""
    finite = [value for value in series.dropna() if value.is_finite()]
    whole = bool(finite) and all(value == value.to_integral_value() for value in finite)
    if whole and max(abs(value) for value in finite) >= FLOAT_EXACT_LIMIT:
        # whole numbers no float64 holds (NUMERIC(20) account numbers): codes, as integers that large are;
        # learned as numbers they came back rounded, and past int64's range failed the sampling
        return _codes(series)
    spec = _infer_numeric(pd.to_numeric(series).rename(series.name))
    # amounts of 0 and 1 only are numbers still: as a flag, the Decimals would be categories, which a model
    # file's JSON cannot hold
    return ColumnSpec(ColumnKind.INTEGER) if spec.kind == ColumnKind.BOOLEAN else spec


def is_date_objects(series: pd.Series) -> bool:
    """Whether a column holds Python dates (``datetime.date``, not datetimes): how pandas reads a Parquet
    ``date32`` column."""
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) != "date":
        return False
    # a datetime is a date too (its subclass): one among the dates would lose its time
    return not series.map(lambda value: isinstance(value, datetime.datetime)).any()


def _is_stamp_objects(series: pd.Series) -> bool:
    """Whether a column of objects holds datetimes, dates among them (pandas keeps such a mix as objects):
    read as stamps, a date at its midnight."""
    if series.dtype != object or pd.api.types.infer_dtype(series, skipna=True) not in (
        "date",
        "datetime",
        "mixed",
    ):
        return False
    present = series.dropna()
    return len(present) > 0 and bool(present.map(lambda value: isinstance(value, datetime.date)).all())


def is_id_name(name: object) -> bool:
    """Whether a column's name says it holds identifiers (the rule is at ``_ID_WORDS``).

    Example:
        >>> [is_id_name(name) for name in ("CustomerID", "user-id", "id_customer", "paid", "nid")]
        [True, True, True, False, False]
    """
    pieces = [piece for piece in _NAME_SEPARATOR.split(str(name)) if piece]
    if not pieces:
        return False
    # a separated piece whole, in any case ("order_iD"), or its camel-case word ("CustomerID")
    last = {pieces[-1].lower(), _CAMEL_BREAK.split(pieces[-1])[-1].lower()}
    first = {pieces[0].lower(), _CAMEL_BREAK.split(pieces[0])[0].lower()}
    return bool(last & _ID_WORDS or first & _ID_PREFIXES)


FLOAT_EXACT_LIMIT = 2**53  # float64 holds every whole number below it exactly, and no longer all above


def _infer_numeric(series: pd.Series, inferred: bool = True) -> ColumnSpec:
    """The number kind of ``series``; ``inferred`` false where the metadata declares it a number (no
    warning then that it looks like a column of keys)."""
    values = series.to_numpy(dtype=float, na_value=np.nan)
    finite = values[np.isfinite(values)]
    if finite.size and np.all(finite == np.round(finite)):
        unique = np.unique(finite)
        if unique.size <= 2 and set(unique.tolist()) <= {0.0, 1.0}:
            return ColumnSpec(ColumnKind.BOOLEAN)
        # pandas' name for an empty header over whole numbers, one per row: the index ``to_csv`` wrote
        named = is_id_name(series.name) or _INDEX_NAME.fullmatch(str(series.name)) is not None
        looks_like_id = named and unique.size == finite.size
        exact = pd.api.types.is_integer_dtype(series)  # floats that large are magnitudes (1e153)
        if exact and not looks_like_id and np.abs(finite).max() >= FLOAT_EXACT_LIMIT:
            # past 2**53 a float64 holds no whole number exactly: a card or account number, not a quantity
            # (learned as one, every synthetic value was a multiple of 128)
            return _codes(series)
        if inferred and not looks_like_id and unique.size == finite.size:
            _warn_of_unnamed_keys(series.name, unique)
        elif inferred and not looks_like_id:
            _warn_of_repeated_keys(series.dropna(), "numbers")
        return ColumnSpec(ColumnKind.IDENTIFIER if looks_like_id else ColumnKind.INTEGER)
    return ColumnSpec(ColumnKind.CONTINUOUS)


# Whole numbers distinct on every row that fill at least MIN_KEY_FILL of the steps between their smallest and
# largest value (row numbers, customer numbers with a few gaps, ids counted in tens) are keys, from
# MIN_KEY_ROWS rows on. Measurements cannot be that: n values drawn at random from R are all distinct with a
# chance of about exp(-n^2 / 2R), so at 100 rows filling a tenth of their range (R = 1,000) about 0.7%, and
# less the more rows (at 1,000 rows, e^-50); unique amounts, counts and epoch seconds spread thinly over
# their range. Fewer rows are often all distinct by chance (20 ages), and a key of so few rows says little.
MIN_KEY_ROWS = 100
MIN_KEY_FILL = 0.1


def _warn_of_unnamed_keys(name: object, unique: np.ndarray) -> None:
    """Say so when an integer column whose name does not say id (``is_id_name``) looks like one
    (``MIN_KEY_FILL``): learned as numbers, its synthetic values are real ids (QA: 66.6% of a copula's
    synthetic ``CustomerID`` values were training ids, and ``evaluate`` counted none reused)."""
    if unique.size < MIN_KEY_ROWS or np.abs(unique).max() >= FLOAT_EXACT_LIMIT:
        return
    steps = np.diff(unique.astype(np.int64))  # ``unique`` is sorted and whole
    step = int(np.gcd.reduce(steps))  # ids counted in tens fill the tens
    if unique.size / ((int(unique[-1]) - int(unique[0])) // step + 1) < MIN_KEY_FILL:
        return
    warnings.warn(
        f"column {name!r} holds a different whole number on every row, like an identifier; if it is one, "
        "declare it identifier in the metadata (--metadata) so no real value is copied",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


MIN_UNIQUE_IDS = 20  # values, every one distinct, from which text is an identifier (drawn anew in its shape)

# distinct values per row from which categories copied into synthetic rows are worth a warning (at fit) and a
# note (at evaluation): 599 zip codes in 600 rows, names that rarely repeat
NEARLY_UNIQUE_SHARE = 0.9
NEARLY_UNIQUE_ROWS = 50


def nearly_unique(column: pd.Series) -> bool:
    """Whether a column's present values are nearly all distinct (``NEARLY_UNIQUE_SHARE``), over at least
    ``NEARLY_UNIQUE_ROWS`` rows."""
    present = int(column.notna().sum())
    return present >= NEARLY_UNIQUE_ROWS and column.nunique() >= NEARLY_UNIQUE_SHARE * present


# A column named like an id whose values repeat (``account_id`` in a table of transactions) is an entity's
# key: from MIN_ENTITY_KEYS distinct values held by MAX_ROWS_PER_KEY rows or fewer each on average (50
# store ids over 100,000 sales are the stores, a category), its real values in synthetic rows name real
# entities (QA: every synthetic ``account_id`` a training account, and ``evaluate`` counted none reused).
# Repeats are a key's structure where MIN_REPEATED_SHARE of the rows or more share their value with another
# row: a few ids entered twice (3,000 e-mail addresses, 15 twice) are unique ids with slips.
MIN_ENTITY_KEYS = 20
MAX_ROWS_PER_KEY = 100
MIN_REPEATED_SHARE = 0.1


def repeats_as_keys(counts: pd.Series) -> bool:
    """Whether values held by ``counts`` rows each (``value_counts``, largest first) repeat as an entity's
    key does: ``MIN_ENTITY_KEYS`` values or more, ``MIN_REPEATED_SHARE`` of the rows on a repeated one,
    ``MAX_ROWS_PER_KEY`` rows or fewer each on average. The one test of both ``is_entity_key`` (with the
    name's) and declared identifiers' rows per id (``identifiers._rows_per_id``), so that the ids drawn one
    per row are the ones a key's advice leaves alone (20 store ids over 200,000 rows: one per row, not
    runs of 10,000 rows)."""
    rows = int(counts.sum())
    return (
        counts.size >= MIN_ENTITY_KEYS
        and int(counts[counts > 1].sum()) >= MIN_REPEATED_SHARE * rows
        and rows <= MAX_ROWS_PER_KEY * counts.size
    )


def is_entity_key(name: object, present: pd.Series) -> bool:
    """Whether a column named like an id (``is_id_name``) holds an entity's key: values that repeat, many
    of them, on many rows, on few rows each (``repeats_as_keys``). ``present``: its present values."""
    if not is_id_name(name) or present.empty:
        return False
    return repeats_as_keys(key_counts(present))


def key_counts(present: pd.Series) -> pd.Series:
    """Rows per value of a key column's present values, largest first; unhashable values (lists) are
    compared as text."""
    try:
        return present.value_counts()
    except TypeError:
        return present.astype(str).value_counts()


def _warn_of_repeated_keys(present: pd.Series, learned_as: str) -> None:
    """Say so when an entity's key (``is_entity_key``) is learned as data: its real values will be drawn."""
    if not is_id_name(present.name):
        return
    counts = key_counts(present)
    if not repeats_as_keys(counts):  # ``is_entity_key``, keeping its counts for the message
        return
    keys = counts.size
    warnings.warn(
        f"column {present.name!r} is named like an identifier and its {keys:,} values repeat "
        f"({len(present) / keys:.1f} rows each), so it is learned as {learned_as} and its real values "
        "appear in synthetic rows; declare it identifier in the metadata (--metadata) to draw new ids, each "
        "on about as many rows, or categorical to keep the real ones",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


def _codes(series: pd.Series) -> ColumnSpec:
    """A column of codes (whole numbers past ``FLOAT_EXACT_LIMIT``): drawn anew where each row has its own,
    else kept as categories, like codes written as text."""
    present = series.dropna()
    unique_codes = len(present) >= 20 and present.nunique() == len(present)
    return ColumnSpec(ColumnKind.IDENTIFIER if unique_codes else ColumnKind.CATEGORICAL)


LEADING_ZERO = re.compile(r"^\s*[+-]?0\d")


def has_leading_zeros(text: pd.Series) -> bool:
    """Whether some value is written with a leading zero ("02134", "007"): a code (a zip code, an account
    number), text that reading or learning as a number would change."""
    return bool(text.str.match(LEADING_ZERO).any())


# The share of a column's present values a format may leave unread and still be the column's: those are
# treated as missing, with a warning that counts them (``encoders.warn_unread_stamps``). A merged extract
# writes a few stamps in another form (57 day-first among 4,841 ISO discharges, 1.2%): refused, the
# column was categories, every synthetic stamp a real patient's. 5% tolerates such strays, yet keeps as
# text a column that merely holds some dates (notes, "2024-01-05" among words); it is stricter than the
# 10% numbers allow (``_NUMERIC_SHARE``), as a stray stamp is a real value lost, not a typo.
MAX_UNREAD_STAMPS = 0.05
# Declared datetime without a format: a format that reads half the values or more reads as many as any
# other can, pandas' guess from the first value included (which read 21 of 4,841, the first value being a
# stray); one reading fewer could lose to that guess, in a form synthloom does not list.
DECLARED_MAX_UNREAD = 0.5
STAMP_SAMPLE = 200  # values a column's format is guessed from (the whole column is read where they differ)


def text_datetime_format(text: pd.Series, max_unread: float = MAX_UNREAD_STAMPS) -> str | None:
    """The format the present values of a text column (``str`` each) are stamps in, as inference reads
    them, where it leaves at most ``max_unread`` of them unread; None for text that is no stamps. Also
    what a table's digest (``split.table_fingerprint``) reads text stamps by, so that the same stamps
    written as text or stored as datetimes are the same content.

    Example:
        >>> text_datetime_format(pd.Series(["2024-01-01 00:30:46", "2024-01-02 09:00:00"]))
        '%Y-%m-%d %H:%M:%S'
    """
    return _guess_datetime_format(_dated_text(text), max_unread=max_unread)


def _dated_text(text: pd.Series) -> pd.Series:
    """Text values as stamps are looked for in them: missing marks left out, spaces around stripped."""
    # "?" for a missing date is a missing one (the marks are looked for over the column where the sampled
    # values hold one: reading a million words for them would double the time a categorical column takes)
    dated = text[~is_missing_mark(text)] if is_missing_mark(spread_sample(text)).any() else text
    return dated.str.strip()  # ", 2024-01-01" in a file split at ", " (UCI's): a date after its space


def _infer_text(series: pd.Series) -> ColumnSpec:
    present = series.dropna()
    if present.empty:
        return ColumnSpec(ColumnKind.CATEGORICAL)
    text = present.astype(str)
    numbers = to_numbers(text)
    share_numeric = float(numbers.notna().mean())
    # amounts with a currency, a unit or thousands separators, also where most are written plainly ("85"
    # among "1,725": read as plain numbers, every value over 999 would be lost)
    formatted = _infer_number_text(series, text) if share_numeric < 1 else None
    if formatted is not None:
        return formatted
    # "?" or "-" for a missing number (any share of them): numbers, the marks missing (with a warning)
    marks_only = share_numeric > 0 and is_missing_mark(text[numbers.isna()]).all()
    numeric = share_numeric >= _NUMERIC_SHARE or marks_only
    if numeric and text.nunique() > 2 and not has_leading_zeros(text):
        spec = _infer_numeric(numbers.rename(series.name))
        spec.numeric_coerced = True
        return spec
    dated = _dated_text(text)
    datetime_format = _guess_datetime_format(dated)
    if datetime_format is not None:
        return ColumnSpec(ColumnKind.DATETIME, datetime_format=datetime_format)
    if text.str.strip().str.lower().isin(["true", "false"]).all():  # "true" / "FALSE", as a CSV writes them
        return ColumnSpec(ColumnKind.BOOLEAN)
    head = text.iloc[:200]
    if head.str.fullmatch(_DURATION_TEXT).all() or _past_a_day(head):
        raise DataError(
            f"column {series.name!r} holds durations written as text ({text.iloc[0]!r}); give them as "
            f"numbers, e.g. pd.to_timedelta(data[{series.name!r}]).dt.total_seconds()"
        )
    n_unique = text.nunique()
    if n_unique > len(text) / 2:  # nearly unique: an empty value is a missing one, not a repeated one
        text = text[text.str.strip() != ""]
        n_unique = text.nunique()
    # unique values ("AB 561 AA3", names, e-mail addresses, notes) are drawn anew in their shape: learned as
    # categories, every synthetic value would be a real one. Text with repeats stays categories: drawn by
    # shape, structured values (times, "142/80") would come out invalid ("97:57:75")
    if len(text) >= MIN_UNIQUE_IDS and n_unique == len(text):
        if reads_as_dates(spread_sample(dated)):
            # dates no one format reads: drawn by shape, digit by digit, they came out invalid ("2024-02-34
            # 27:41:17"); as categories they are real dates, which fitting warns of (``dates_not_read``)
            return ColumnSpec(ColumnKind.CATEGORICAL)
        _warn_of_decimal_commas(series.name, text.iloc[:200], unique=True)
        return ColumnSpec(ColumnKind.IDENTIFIER)
    if is_id_name(series.name) and n_unique == len(text):
        return ColumnSpec(ColumnKind.IDENTIFIER)
    _warn_of_decimal_commas(series.name, text.iloc[:200])
    _warn_of_repeated_keys(present, "a category")
    return ColumnSpec(ColumnKind.CATEGORICAL)


def is_missing_mark(text: pd.Series) -> pd.Series:
    """Which values are missing-value marks (``MISSING_MARKS``)."""
    return text.str.strip().str.lower().isin(MISSING_MARKS)


def _past_a_day(text: pd.Series) -> bool:
    """Whether ``text`` is hours, minutes and seconds, some past a whole day ("252:20:06"): durations, not
    times of day (which end at "24:00:00")."""
    if not text.str.fullmatch(_HOURS_TEXT).all():
        return False
    clock = text.str.strip().str.lstrip("-").str.split(":", n=1, expand=True)
    hours, rest = clock[0].astype(int), clock[1]
    return bool(((hours > 24) | ((hours == 24) & ~rest.str.fullmatch(r"00:00(?:\.0+)?"))).any())


def dates_not_read(text: pd.Series) -> tuple[str, str] | None:
    """Text values that are dates no one of ``_DATETIME_FORMATS`` reads: what is wrong with them (they are
    in several forms, or in one synthloom does not list: "... PDT" beside "... PST") and how to have them
    learned as dates; None where they are no dates."""
    head = spread_sample(text)
    if not reads_as_dates(head):
        return None
    best, read = max(((fmt, _values_read(head, fmt)) for fmt in _DATETIME_FORMATS), key=lambda pair: pair[1])
    if read < len(head) / 5:
        return (
            f"holds dates in a form synthloom does not read (e.g. {head.iloc[0]!r})",
            "declare its kind 'datetime' in the metadata, with a datetime_format that writes the values "
            "exactly (a strftime pattern, any literal text included)",
        )
    unread = read_stamps(plain_text(head), best).isna()
    if not unread.any():  # read whole, but in two-digit years no one century holds (``_beyond_one_century``)
        return (
            f"holds dates with two-digit years (e.g. {head.iloc[0]!r}) more than {TWO_DIGIT_YEAR_SPAN} years "
            "apart once read (Python reads 00 - 68 as 2000 - 2068, 69 - 99 as 1969 - 1999)",
            "write their years with four digits",
        )
    return (
        f"holds dates in more than one form ({read / len(head):.0%} of those sampled as {best!r}, e.g. "
        f"{head[~unread].iloc[0]!r}; others such as {head[unread].iloc[0]!r})",
        "write them in one form, or declare its kind 'datetime' in the metadata with the form most take as "
        "its datetime_format (values in other forms are then missing)",
    )


def reads_as_dates(text: pd.Series) -> bool:
    """Whether text values are nearly all dates in some form pandas reads (``_NUMERIC_SHARE`` of them), be
    it one synthloom reads or not: advice for such a column is about dates."""
    if text.empty or not text.str.contains(r"\d", regex=True).all():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dateutil's notes on zones it does not know
        parsed = pd.to_datetime(text, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() >= _NUMERIC_SHARE)


def _warn_of_decimal_commas(name: object, values: pd.Series, unique: bool = False) -> None:
    """Say so when numbers are written with a decimal comma ("104,70"; judged on the first values) in a
    column not learned as numbers (``_infer_number_text`` reads a decimal comma where no value is a number
    only with a decimal point): categories (each synthetic value a real one), or where every value is
    ``unique`` ids (drawn anew in their shape, any digits)."""
    commas = values.str.strip().str.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})*,\d+|[-+]?\d+,\d+")
    if commas.mean() < _NUMERIC_SHARE:
        return
    shown = ", ".join(repr(v) for v in values[commas].iloc[:3])
    learned = (
        "ids: each value unique, drawn anew digit by digit"
        if unique
        else "categories: each synthetic value a real one"
    )
    warnings.warn(
        f"column {name!r} holds numbers written with a decimal comma ({shown}), and others that are not "
        f"(a decimal point, or no number); they are learned as text ({learned}), not as numbers: write "
        "them all with one decimal mark",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


MAX_STRAY_AMOUNTS = 0.05  # rows of a column of amounts that may be in another form, read as missing


def _main_form(values: pd.Series, counts: np.ndarray, decimal_comma: bool, rows: int) -> np.ndarray | None:
    """Which distinct ``values`` (held by ``counts`` of the column's ``rows``) are in the form most rows
    write beside plain numbers ("$5,581.84" and "5581.84"), where all but ``MAX_STRAY_AMOUNTS`` of the
    rows are; None where no form is."""
    forms = written_forms(values, decimal_comma).to_numpy()
    affixed = forms != " | "
    if not affixed.any():
        return None
    weights = pd.Series(counts[affixed], index=forms[affixed]).groupby(level=0).sum()
    main = (forms == weights.idxmax()) | ~affixed
    return main if counts[main].sum() >= (1 - MAX_STRAY_AMOUNTS) * rows else None


def _warn_of_mixed_amounts(name: object, values: pd.Series, decimal_comma: bool) -> None:
    """Say so when amounts in a currency or percent are written in more than one form ("$5" and "€7",
    "1.234,56 €"): they are learned as categories or ids, and a ``number_format`` would learn them."""
    examples = values[values.str.contains(r"[$%€£¥₹]|\b(?:USD|EUR|GBP)\b", regex=True)]
    if len(examples) < 0.9 * len(values) or examples.empty:
        return
    # a value of each form: three of the most common one had hidden the other
    forms = written_forms(examples, decimal_comma)
    shown = ", ".join(repr(v) for v in examples.groupby(forms.fillna(""), sort=False).first().iloc[:3])
    warnings.warn(
        f"column {name!r} holds amounts written in more than one form ({shown}); it is learned as text, not "
        "as numbers: write them in one form, or give its number_format in the metadata (values in another "
        "form become missing)",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


def _infer_number_text(
    series: pd.Series, text: pd.Series, min_levels: int = MIN_AMOUNT_LEVELS, inferred: bool = True
) -> ColumnSpec | None:
    """A number kind with the values' ``number_format`` for amounts written as text ("$1,638.23", "12%"),
    missing-value marks among them allowed; None for any other text.

    Labels with a unit ("36 months", "1970s", "64GB": under ``min_levels`` distinct values, and no
    currency) stay categories, drawn among the real ones; values are judged once per distinct value.
    ``inferred`` false where the metadata declares the column a number (``_infer_numeric``).
    """
    head = text.iloc[:200]  # most text columns are words, told apart from amounts in their first values
    head = head[~is_missing_mark(head)]
    numeric = max(looks_like_numbers(head).mean(), looks_like_numbers(head, decimal_comma=True).mean())
    if numeric < _NUMERIC_SHARE:
        return None
    counts = text.value_counts()
    distinct = counts.index.to_series(index=range(len(counts))).astype(str)
    marks = is_missing_mark(distinct).to_numpy()
    counts, distinct = counts[~marks], distinct[~marks]
    decimal_comma = writes_decimal_commas(distinct)  # "3,5", "1.234,56 €": "1,590" among them no thousand
    fits = looks_like_numbers(distinct, decimal_comma).to_numpy()
    # a few values that are no amounts ("TBD", "$1,23") become missing, as among plain numbers
    if counts[fits].sum() < _NUMERIC_SHARE * counts.sum():
        return None
    # digits around a comma where no thousands separator can be, beside values with a decimal point
    # ("0,478" among "12.5"): lists of codes, or two ways of writing numbers
    if not decimal_comma and distinct[~fits].str.strip().str.fullmatch(r"[-+]?\d+(?:,\d+)+").any():
        return None
    number_format = NumberFormat.guess(distinct[fits], decimal_comma)
    if number_format is None:
        # a few amounts in another form ("€12.00" among dollars) are strays, read as missing (``to_float``
        # warns of them), as text that is no amount is: one in 800 rows had made a column of amounts text
        main = _main_form(distinct[fits], counts[fits].to_numpy(), decimal_comma, counts.sum())
        number_format = None if main is None else NumberFormat.guess(distinct[fits][main], decimal_comma)
    if number_format is None:
        _warn_of_mixed_amounts(series.name, distinct, decimal_comma)
        return None
    # plain numbers with a decimal comma are numbers, as pandas reads plain ones with a point at any count
    plain = not (number_format.prefix or number_format.suffix or number_format.grouped)
    if len(counts) < min_levels and not number_format.is_money and not (decimal_comma and plain):
        return None
    spec = _infer_numeric(number_format.read(text).rename(series.name), inferred)  # marks read as missing
    if spec.kind == ColumnKind.IDENTIFIER:  # drawn in the text's shape by the identifier encoder
        return spec
    spec.numeric_coerced, spec.number_format = True, str(number_format)
    return spec


_DATETIME_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
    "%d/%m/%y",  # a year of two digits ("08/11/23"), after the four-digit forms it would never read
    "%m/%d/%y",
    # with a time: day first unless some value rules it out (a second field over 12), as without one
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    # a 12-hour clock ("03/15/2020 01:23:00 AM", as US exports and Excel write it)
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%d/%m/%Y %I:%M:%S %p",
    "%d/%m/%Y %I:%M %p",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    # day first with dots, as much of Europe writes dates ("14.03.2024 13:05")
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%b %Y",
    "%Y-%m",
    # month names, as reports and exports write dates for people ("Mar 05, 2020", "5 March 2020")
    "%b %d, %Y",
    "%B %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",  # as Oracle and spreadsheets write dates ("08-Nov-2023", "08-Nov-23")
    "%d-%b-%y",
    "%b %d, %Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d %Y %H:%M",
    "%b %d %Y %I:%M %p",
    "%d %b %Y %H:%M",
    "%d %b %Y %H:%M:%S",
    "%a, %d %b %Y %H:%M:%S GMT",  # HTTP and e-mail headers (RFC 1123); always in UTC
    "%H:%M:%S",  # a time of day (with its seconds: "3:1" could be a score)
    "%H:%M:%S.%f",  # ... with fractions of a second (a sensor log's "20:24:53.933")
)
# A time of day followed by a UTC offset: "Z", "+00:00", "-0500".
STAMP_WITH_OFFSET = re.compile(r"^(?P<stamp>.*\d\d:\d\d(?::\d\d)?(?:\.\d+)?)(?P<offset>Z|[+-]\d\d:?\d\d)$")


# A zone's name after a stamp's time: three to five capitals ("PST", "UTC", "CEST"; not "AM" / "PM").
_ZONE_NAME = re.compile(r"^.*\d(?:\s*[AaPp][Mm])?(?P<zone>\s+[A-Z]{3,5})$")
# a format's offset, with the space before it: what a stamp written without one lacks
NAIVE_OFFSET = re.compile(r"\s*%z")

MIN_CLOCK_TIMES = 12  # distinct "HH:MM" values from which a column is times of day


def spread_sample(values: pd.Series) -> pd.Series:
    """Up to ``STAMP_SAMPLE`` of ``values``, at evenly spaced positions from the first to the last: a file
    sorted by source or by time holds its strays together (day-first stamps in the first 57 rows), and
    its first rows alone would take them for the column's form."""
    if len(values) <= STAMP_SAMPLE:
        return values
    return values.iloc[np.linspace(0, len(values) - 1, STAMP_SAMPLE).round().astype(int)]


def _guess_datetime_format(
    text: pd.Series, clock_times: int = MIN_CLOCK_TIMES, max_unread: float = MAX_UNREAD_STAMPS
) -> str | None:
    """The common format that reads the most of (up to 200) sampled values, where it leaves at most
    ``max_unread`` of the column unread (``_most_read_format``), else None; "HH:MM" text is times of day
    from ``clock_times`` distinct values (one where a condition asks for times).

    Stamps that all end in a UTC offset are matched without it, and the offset is put back: a UTC offset
    throughout the column is a literal suffix (``Z`` or ``+00:00`` is written back exactly as it came,
    which ``%z`` would write as ``+0000``); any other offset is read as ``%z``, so the stamps are the
    instants they name (a literal ``+01:00`` would read them an hour late); the encoders write them back
    in the column's offset where it has one throughout (``encoders.text_offset``), else in UTC.
    """
    sample = spread_sample(text)
    # no value left once the missing marks are set aside (a column of "" or "?" only): nothing to read
    if sample.empty or sample.str.contains(r"\d", regex=True).mean() < 1 - max_unread:
        return None
    parts = sample.str.extract(STAMP_WITH_OFFSET)
    if parts["offset"].notna().any():
        # stamps with and without an offset ("...00:50:50" beside "...00:30:46+00:00"): one format, its
        # ``%z`` optional (``read_stamps`` reads those without as UTC)
        fmt = _most_read_format(text, parts["stamp"].fillna(sample), max_unread, offsets=True)
        if fmt is None:
            return None
        if parts["offset"].isna().any():
            return fmt + "%z"
        # the whole column: a time series sorted by time can change offset (summer time) after the sample
        offset = parts["offset"].iloc[0]
        utc = offset == "Z" or offset.lstrip("+-").replace(":", "") == "0000"
        return fmt + (offset if utc and text.str.endswith(offset).all() else "%z")
    found = _most_read_format(text, sample, max_unread)
    if found == "%Y-%m-%d":
        # ISO dates beside ISO stamps with a time of day (half "2024-01-12", half "2023-11-08T21:30:10"):
        # the dates' format reads both, but would write every stamp without its time
        timed = sample[~sample.str.fullmatch(r"\s*\d{4}-\d\d-\d\d\s*")]
        if len(timed) > max_unread * len(sample):
            found = _most_read_format(text, timed, max_unread) or found
    if found is not None and _beyond_one_century(text, found):
        return None
    zone = sample.str.extract(_ZONE_NAME)["zone"]
    if found is None and zone.notna().all() and zone.nunique() == 1 and text.str.endswith(zone.iloc[0]).all():
        # one zone's name after every stamp ("2024-03-15 01:23:00 PST"): written back as it came, a literal
        read = _most_read_format(text.str[: -len(zone.iloc[0])], sample.str[: -len(zone.iloc[0])], max_unread)
        return None if read is None else read + zone.iloc[0]
    if found is None and sample.str.fullmatch(r"\d\d:\d\d").all() and sample.nunique() >= clock_times:
        # a time of day to the minute written with two digits each ("09:30"; "3:1" could be a score, and a
        # few values such as "16:09" a ratio)
        parsed = pd.to_datetime(plain_text(sample), format="%H:%M", errors="coerce")
        return "%H:%M" if parsed.notna().all() else None
    return found


TWO_DIGIT_YEAR_SPAN = 50  # years dates written with two-digit years may span, once read, to be read so


def _beyond_one_century(text: pd.Series, datetime_format: str) -> bool:
    """Whether dates written with two-digit years (``%y``) span more than ``TWO_DIGIT_YEAR_SPAN`` years once
    read: Python reads 00 - 68 as 2000 - 2068 and 69 - 99 as 1969 - 1999, so birth dates of 1950 - 2004 came
    back as 1969 - 2068, split 50 years apart, and conditions and draws fell between."""
    if "%y" not in datetime_format:
        return False
    years = read_stamps(plain_text(text), datetime_format).dt.year
    return bool(years.max() - years.min() > TWO_DIGIT_YEAR_SPAN)


def plain_text(series: pd.Series) -> pd.Series:
    """``series`` with numpy's ``str_`` values (a list made from a numpy array) as Python text, which
    ``pd.to_datetime`` needs ("Expected str, got numpy.str_"); other columns as they are."""
    first = series.dropna().iloc[:1]
    return series.map(str, na_action="ignore") if len(first) and type(first.iloc[0]) is np.str_ else series


def read_stamps(text: pd.Series, datetime_format: str | None, iso: bool = True) -> pd.Series:
    """Text (or date objects) as UTC stamps, read with ``datetime_format`` (pandas' guess where None), NaT
    where a value is none. pandas reads them to the nanosecond, which ends in 2262 and leaves an open end
    written ``2300-01-01`` missing: such stamps are read to the microsecond.

    ``iso``: text the format does not read that is an ISO 8601 stamp the column may hold (``_iso_pattern``)
    is read as one: a new file's "2026-10-18 23:03:18", where training wrote "2026-10-18 23:03:18.804828053",
    was read as missing and a detector flagged every row. Off where a format is being tried on text (a
    format that reads none of it must not seem to read it all).
    """
    with warnings.catch_warnings():
        # without a format pandas guesses one and, on text that is no stamps, says it falls back to dateutil:
        # a line of pandas' own before the unread values' warning or refusal, which say what to do
        warnings.filterwarnings("ignore", "Could not infer format", UserWarning)
        stamps = pd.to_datetime(text, format=datetime_format, errors="coerce", utc=True)
    unread = (stamps.isna() & text.notna()).to_numpy()
    if unread.any() and datetime_format is not None and "%z" in datetime_format:
        # stamps without an offset beside ones with it are read as UTC, as naive stamps beside zoned ones
        # held as objects are (``encoders._warn_naive_beside_zoned`` says so)
        naive_format = NAIVE_OFFSET.sub("", datetime_format)
        naive = pd.to_datetime(text[unread], format=naive_format, errors="coerce", utc=True)
        stamps = _filled_in(stamps, unread, naive)
        unread = (stamps.isna() & text.notna()).to_numpy()
    pattern = _iso_pattern(datetime_format) if iso else None
    if unread.any() and pattern is not None:
        written_iso = unread.copy()
        written_iso[unread] = text[unread].astype(str).str.fullmatch(pattern.pattern).to_numpy(dtype=bool)
        if written_iso.any():
            read = pd.to_datetime(text[written_iso], format="ISO8601", errors="coerce", utc=True)
            stamps = _filled_in(stamps, written_iso, read)
            unread = (stamps.isna() & text.notna()).to_numpy()
    return _with_far_stamps(stamps, text, unread, datetime_format, pattern) if unread.any() else stamps


# an ISO 8601 date, and its time (a space or "T" before it; to the minute, second or any fraction of one)
_ISO_DATE = r"\d{4}-\d{2}-\d{2}"
_ISO_TIME = r"[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
# ... and an optional UTC offset after the time ("Z", "+02:00", "-0500"), for a column whose stamps carry one
_ISO_OFFSET = r"(?: ?(?:Z|[+-]\d{2}:?\d{2}))?"
# a format whose stamps carry an offset: read as ``%z``, or a literal UTC suffix (``_guess_datetime_format``)
_ZONED_FORMAT = re.compile(r"(?:%z|Z|GMT|[+-]\d\d:?\d\d)$")


def _iso_pattern(datetime_format: str | None) -> re.Pattern[str] | None:
    """The ISO 8601 text a column written in ``datetime_format`` is read from as well (``read_stamps``):
    with a UTC offset where its stamps carry one (then, as beside ``%z``, one without is UTC), else
    without (a naive column's instants are on no known clock). None for no format (pandas guesses) and for
    times of day alone, which a dated stamp would put on another day than 1 January 1900."""
    if datetime_format is None or is_time_of_day(datetime_format):
        return None
    offset = _ISO_OFFSET if _ZONED_FORMAT.search(datetime_format) else ""
    return re.compile(f"{_ISO_DATE}(?:{_ISO_TIME}{offset})?")


def _filled_in(stamps: pd.Series, where: np.ndarray, read: pd.Series) -> pd.Series:
    """``stamps`` with the rows ``where`` (a mask) set to ``read`` (stamps read for those rows only)."""
    stamps = stamps.astype(read.dtype) if stamps.dtype != read.dtype else stamps
    # by position: a table built by pd.concat repeats index labels, which ``loc`` cannot assign to
    stamps.iloc[np.flatnonzero(where)] = read.array
    return stamps


# distinct unread values tried one by one as far stamps (a text column that is not all stamps has many; the
# open ends this is for are a few)
MAX_FAR_STAMPS = 1_000


def _with_far_stamps(
    stamps: pd.Series,
    text: pd.Series,
    unread: np.ndarray,
    datetime_format: str | None,
    iso: re.Pattern[str] | None = None,
) -> pd.Series:
    """``stamps`` with the values of ``text`` where ``unread`` (a mask) that are stamps outside pandas'
    nanosecond range, in ``datetime_format`` or in the ISO form ``iso`` matches."""
    far: dict[Any, pd.Timestamp] = {}
    for value in text[unread].drop_duplicates().iloc[:MAX_FAR_STAMPS]:
        try:
            read = value
            if isinstance(value, str) and datetime_format is not None and not (iso and iso.fullmatch(value)):
                read = datetime.datetime.strptime(value, datetime_format)
            stamp = pd.Timestamp(read).as_unit("us")
        except (TypeError, ValueError, OverflowError):  # not a stamp: stays missing, as to_datetime left it
            continue
        # a stamp within the range was not read for a reason of to_datetime's own (another format)
        if pd.Timestamp.min <= stamp.tz_localize(None) <= pd.Timestamp.max:
            continue
        far[value] = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    if not far:
        return stamps
    out = stamps.astype("datetime64[us, UTC]")
    # by position, as in ``read_stamps`` (repeated index labels)
    found = unread & text.isin(list(far)).to_numpy()
    out.iloc[np.flatnonzero(found)] = pd.DatetimeIndex(text[found].map(far).tolist(), dtype=out.dtype)
    return out


def _most_read_format(
    text: pd.Series, sample: pd.Series, max_unread: float, offsets: bool = False
) -> str | None:
    """The first of ``_DATETIME_FORMATS`` that reads the most of ``sample`` (``text``'s ``spread_sample``;
    the first to read it all, so that "03/02/2020" is day first unless a value rules it out), where reading
    the column in it leaves at most ``max_unread`` of all of ``text`` unread; failing that, the next that
    reads a third of the sample or more and the rest as ISO 8601 stamps (half "03/06/2024 09:06" beside
    half ISO stamps: "%m/%d/%Y %H:%M", which ``read_stamps`` reads all of); else None. ``offsets``: stamps
    are matched without their UTC offset (which ``sample`` has left off)."""
    reads: dict[str, int] = {}
    for fmt in _DATETIME_FORMATS:
        reads[fmt] = _values_read(sample, fmt)
        if reads[fmt] == len(sample):
            break
    ranked = sorted((fmt for fmt, read in reads.items() if read), key=lambda fmt: -reads[fmt])  # stable
    for rank, fmt in enumerate(ranked):
        if rank and reads[fmt] < len(sample) / 3:
            break
        if _reads_column(text, sample, fmt, reads[fmt], max_unread, offsets):
            return fmt
    return None


def _reads_column(
    text: pd.Series, sample: pd.Series, fmt: str, read: int, max_unread: float, offsets: bool
) -> bool:
    """Whether reading ``text`` in ``fmt`` (which reads ``read`` of ``sample`` itself) leaves at most
    ``max_unread`` of it unread (``_most_read_format``)."""
    # a clock past 24:00 ("25:10:00") is a duration, refused as such (``_past_a_day``), not a stray
    allowed = 0.0 if is_time_of_day(fmt) else max_unread
    # strays are what reading the column leaves unread, stamps in another ISO 8601 spelling read too: a
    # tenth of the stamps written with a "T" had made a column of ISO stamps text ("2024-72-67 70:92")
    sampled = read if read == len(sample) else _values_read(sample, fmt, iso=True)
    if len(sample) - sampled > allowed * len(sample):
        return False
    if sampled == len(sample) or len(text) == len(sample):
        return True
    # the sample holds strays: their share is the whole column's to say
    whole = _without_offsets(text) if offsets else text
    return len(whole) - _values_read(whole, fmt, iso=True) <= allowed * len(whole)


def _without_offsets(text: pd.Series) -> pd.Series:
    """Stamps with their UTC offset ("Z", "+01:00") left off; values without one as they are."""
    return text.str.extract(STAMP_WITH_OFFSET)["stamp"].fillna(text)


def _values_read(values: pd.Series, fmt: str, iso: bool = False) -> int:
    """How many of ``values`` (text) ``fmt`` reads as stamps, those outside pandas' 1677 - 2262 included
    (an open end, "2300-01-01"); ``iso``: as a column of that format reads them, ISO 8601 stamps in
    another spelling too (``read_stamps``)."""
    values = plain_text(values)
    if iso:
        return int(read_stamps(values, fmt).notna().sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamps = pd.to_datetime(values, format=fmt, errors="coerce", utc=True)
    unread = stamps.isna().to_numpy()
    # numeric dates ("1600-03-05", "05/03/1600") may all lie outside pandas' range
    if unread.any() and (not unread.all() or _all_numeric_dates(values)):
        stamps = _with_far_stamps(stamps, values, unread, fmt)
    return int(stamps.notna().sum())


def _all_numeric_dates(values: pd.Series) -> bool:
    """Whether every value starts with a date written in numbers ("1600-03-05", "05/03/1600")."""
    return bool(values.astype(str).str.match(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all())
