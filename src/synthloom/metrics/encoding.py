"""Making real and synthetic tables comparable, and one numeric view of them for distances and classifiers.

``prepare`` checks the tables once (same columns, enough rows, numbers where numbers are expected) and
cleans each column to one dtype per kind: numeric and datetime columns become float64 (datetimes as
seconds since the epoch), discrete columns keep their values. Every family starts from its ``Tables``.

``TableEncoder`` turns a cleaned table into a float matrix in a Gower-like geometry: each numeric value
becomes its rank in the real data (0..1, so a column with outliers cannot dominate a distance), each
category a one-hot block scaled so that two different categories are 1 apart — as far as the two ends of a
numeric column. Distances, nearest neighbours, classifiers and the 2-D embedding all use this one view.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from synthloom.data.encoders import (
    DAY,
    as_boolean,
    epoch_seconds,
    read_datetimes,
    stamps_of_seconds,
    value_text,
    wall_seconds,
    written_zone,
)
from synthloom.data.metadata import (
    DISCRETE_KINDS,
    MAX_UNREAD_STAMPS,
    MIN_UNIQUE_IDS,
    NUMERIC_KINDS,
    ColumnKind,
    ColumnSpec,
    Metadata,
    check_column_names,
    is_missing_mark,
    is_time_of_day,
    shown_level,
    writes_seconds,
)
from synthloom.data.number_text import NumberFormat, read_number_text, to_numbers, writes_decimal_commas
from synthloom.errors import DataError, DataWarning, caller_stacklevel

BOOSTING_ROUNDS = 100  # trees per gradient-boosting model, every one grown (no early stopping)
MIN_ROWS = 10  # below this no estimate in any family means anything
MAX_CATEGORIES = 30  # one-hot width per column; rarer categories share an "other" slot
_RANK_POINTS = 20_000  # sorted real values kept per column to compute ranks
_CHUNK_CELLS = 4_000_000  # distance-matrix cells per chunk (32 MB as float64)
_ZERO_DISTANCE = 1e-9  # squared distances below this are rounding noise of identical rows
_ONE_HOT_SCALE = 1 / np.sqrt(2)  # two different one-hot rows are sqrt(2) apart; scaled, 1 apart


@dataclass
class Tables:
    """Real and synthetic tables, checked and cleaned to one dtype per column kind.

    Attributes:
        real: real rows the synthetic data is compared with (rows the generator did not see).
        synthetic: synthetic rows.
        train: real rows the generator was trained on, or None when not given.
        metadata: kinds of the evaluated columns (identifier and empty columns left out).
        notes: plain-language notes on columns left out or values changed.
        identifiers: each identifier column's present values, as text, by table ("real", "synthetic",
            "train"), indexed by row position like the cleaned tables: not compared as data, but privacy
            asks whether real ones were reused.
        zones: each datetime column's zone, whose clock the real rows are written on (``written_zone``;
            cleaned, they are UTC seconds): the report's figures read them on it. None: naive stamps.
        spellings: each boolean column's levels (True / False, as cleaned) as the real rows write them
            (1 / 0, "yes"...), for messages to name a level as the user knows it.
    """

    real: pd.DataFrame
    synthetic: pd.DataFrame
    train: pd.DataFrame | None
    metadata: Metadata
    notes: list[str] = field(default_factory=list)
    identifiers: dict[str, dict[str, pd.Series]] = field(default_factory=dict)
    zones: dict[str, Any] = field(default_factory=dict)
    spellings: dict[str, dict[Any, Any]] = field(default_factory=dict)
    _codes: dict[str, tuple[np.ndarray, np.ndarray, int]] = field(default_factory=dict, repr=False)
    _all_real: pd.DataFrame | None = field(default=None, repr=False)

    def category_codes(self, name: str) -> tuple[np.ndarray, np.ndarray, int]:
        """Codes of a discrete column shared by real and synthetic rows (equal values, equal code).

        Returns:
            (real codes, synthetic codes, number of categories); missing values get -1. Computed once per
            column, since column shapes and pair trends both need them.
        """
        if name not in self._codes:
            both = pd.concat([self.real[name], self.synthetic[name]], ignore_index=True)
            codes, uniques = pd.factorize(both)
            self._codes[name] = (codes[: len(self.real)], codes[len(self.real) :], len(uniques))
        return self._codes[name]

    def level_text(self, name: str, level: Any) -> str:
        """A level of column ``name`` as messages show it, as the real rows write it: a 0/1 target read as
        booleans is ``'is_fraud' = 1``, not ``True``.

        Example:
            >>> tables.level_text("is_fraud", True)
            '1'
        """
        return shown_level(self.written_level(name, level))

    def written_level(self, name: str, level: Any) -> Any:
        """A level of column ``name`` as the real rows write it (1 for a 0/1 column's True); other columns'
        levels unchanged."""
        return self.spellings.get(name, {}).get(level, level)

    @property
    def columns(self) -> list[str]:
        """Evaluated columns, in order."""
        return list(self.metadata.columns)

    @property
    def numeric(self) -> list[str]:
        """Numeric and datetime columns."""
        return self.metadata.columns_of(*NUMERIC_KINDS)

    @property
    def discrete(self) -> list[str]:
        """Categorical, boolean and text columns."""
        return self.metadata.columns_of(*DISCRETE_KINDS)

    def all_real(self) -> pd.DataFrame:
        """Every real row known: training rows (when given) and the compared rows."""
        if self.train is None:
            return self.real
        if self._all_real is None:  # validity, kept orders and daily cycles each read it: one concat
            self._all_real = pd.concat([self.train, self.real], ignore_index=True)
        return self._all_real


def _split_identifiers(metadata: Metadata, tables: Sequence[pd.DataFrame], declared: set[str]) -> None:
    """Mark as identifiers the text columns inferred as categories whose values are unique within each of
    ``tables`` (the training and the hold-out rows) though some recur across them: a patient in both
    (readmitted, or by chance) is no category. 11 of 3,000 patient ids in both sets had made
    ``patient_id`` a category, and every synthetic row carrying a training patient's id read "good"
    (identifiers reused: not computed)."""
    for name, spec in metadata.columns.items():
        if name in declared or spec.kind != ColumnKind.CATEGORICAL:
            continue
        values = [table[name].dropna() for table in tables]
        if all(
            len(v) >= MIN_UNIQUE_IDS and v.is_unique and not pd.api.types.is_numeric_dtype(v) for v in values
        ):
            metadata.set_kind(name, ColumnKind.IDENTIFIER)


def bin_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """``bins`` equal-width bins over ``values``' range (``np.histogram_bin_edges``), or where float64 cannot
    hold them (a range of +-1.8e308, or one of 5e-324 too narrow to split) bins of equal counts."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            return np.histogram_bin_edges(values, bins=bins)
    except ValueError:
        return np.quantile(values, np.linspace(0, 1, bins + 1), method="inverted_cdf")


def prepare(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    train: pd.DataFrame | None = None,
    metadata: Metadata | None = None,
    names: Mapping[str, str] | None = None,
) -> Tables:
    """Check that the tables can be compared and clean every column to one dtype per kind.

    Args:
        real: real rows not used to train the generator (test / hold-out rows).
        synthetic: synthetic rows.
        train: real rows the generator was trained on (optional).
        metadata: column kinds; those of the columns it does not name (every column when None) are
            inferred from the real (and training) rows.
        names: where the tables came from ("real", "synthetic", "train" -> a file's path), for errors to
            name them: "fake.csv (synthetic data) does not have the real data's columns".

    Raises:
        DataError: a frame is not a DataFrame, columns differ, fewer than ``MIN_ROWS`` rows, a numeric
            column holds text, or no column is left to compare.

    Example:
        >>> tables = prepare(real_test, synthetic, train=real_train)
        >>> tables.numeric
        ['age', 'hours-per-week']
    """
    frames = {"real data": real, "synthetic data": synthetic}
    if train is not None:
        frames["training data"] = train
    roles = {"real data": "real", "synthetic data": "synthetic", "training data": "train"}
    shown = {
        source: f"{names[roles[source]]} ({source})" if names and roles[source] in names else source
        for source in frames
    }
    for source, frame in frames.items():
        _check_frame(frame, shown[source])
    frames = {source: frame.rename(columns=str) for source, frame in frames.items()}
    real = frames["real data"]
    for source, frame in frames.items():
        if source != "real data":
            _check_same_columns(real, frame, shown[source])
    known = pd.concat([frames["training data"], real] if train is not None else [real], ignore_index=True)
    if train is not None:
        # rows in both tables (a hold-out that overlaps training, which privacy warns of) once: twice,
        # their ids repeated and were taken for data, and quality and detection scored them
        known = _distinct_rows(known)
    declared = set() if metadata is None else set(metadata.columns)
    metadata = Metadata.infer(known) if metadata is None else metadata.completed(known)
    if train is not None:
        _split_identifiers(metadata, [frames["training data"], real], declared)
    kept, notes = _evaluated_columns(metadata, real)
    _warn_of_mixed_zones(frames, kept)
    cleaned = {source: _clean(frame, kept, shown[source]) for source, frame in frames.items()}
    tables = {"real": "real data", "synthetic": "synthetic data", "train": "training data"}
    identifiers = {
        name: {
            # indexed by row position, as the cleaned tables are: privacy maps reused ids to synthetic
            # rows by index, and a caller's own index (500..599) matched no row
            table: frames[source][name].reset_index(drop=True).dropna().astype(str)
            for table, source in tables.items()
            if source in frames
        }
        for name in metadata.columns_of(ColumnKind.IDENTIFIER)
    }
    return Tables(
        real=cleaned["real data"],
        synthetic=cleaned["synthetic data"],
        train=cleaned.get("training data"),
        metadata=kept,
        notes=notes,
        identifiers=identifiers,
        zones={
            name: written_zone(real[name], kept.columns[name].datetime_format)
            for name in kept.columns_of(ColumnKind.DATETIME)
        },
        spellings={name: _spellings(known[name]) for name in kept.columns_of(ColumnKind.BOOLEAN)},
    )


def _spellings(values: pd.Series) -> dict[Any, Any]:
    """Each cleaned level of a boolean column (True / False) and the spelling real rows write it with most
    often: cleaning reads 1, "1" and True alike, and a message naming the level True left the user of a 0/1
    column to guess."""
    written = values.dropna()
    levels = written.map(as_boolean)
    return {level: written[levels == level].value_counts().index[0] for level in levels.unique()}


def _warn_of_mixed_zones(frames: dict[str, pd.DataFrame], metadata: Metadata) -> None:
    """Stamps with a zone in one table and none in another are compared as UTC: say so, they may shift."""
    for name in metadata.columns_of(ColumnKind.DATETIME):
        aware = {
            source: isinstance(frame[name].dtype, pd.DatetimeTZDtype)
            for source, frame in frames.items()
            if pd.api.types.is_datetime64_any_dtype(frame[name])
        }
        if len(set(aware.values())) > 1:
            with_zone = ", ".join(source for source, has_zone in aware.items() if has_zone)
            without = ", ".join(source for source, has_zone in aware.items() if not has_zone)
            warnings.warn(
                f"column {name!r}: the {with_zone} has a time zone and the {without} none; stamps without "
                "one are read as UTC, so they shift by the zone's offset: give both tables the same kind",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )


def _distinct_rows(frame: pd.DataFrame) -> pd.DataFrame:
    try:
        return frame.drop_duplicates(ignore_index=True)
    except TypeError:  # unhashable values (lists) are compared as text
        return frame[~frame.astype(str).duplicated()].reset_index(drop=True)


def _check_frame(frame: object, source: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{source} must be a pandas DataFrame, not {type(frame).__name__}")
    check_column_names(frame.columns, source)
    if len(frame) < MIN_ROWS:
        raise DataError(f"{source} has {len(frame)} row(s); give at least {MIN_ROWS} rows to evaluate")


def _check_same_columns(real: pd.DataFrame, other: pd.DataFrame, source: str) -> None:
    real_names, other_names = [str(c) for c in real.columns], [str(c) for c in other.columns]
    missing = [c for c in real_names if c not in other_names]
    extra = [c for c in other_names if c not in real_names]
    if missing or extra:
        parts = ([f"lacks {missing}"] if missing else []) + ([f"has extra {extra}"] if extra else [])
        raise DataError(
            f"{source} does not have the real data's columns: it {' and '.join(parts)}; "
            "give both tables the same columns"
        )


def _evaluated_columns(metadata: Metadata, real: pd.DataFrame) -> tuple[Metadata, list[str]]:
    """Leave out identifiers (unique per row, nothing to learn) and columns with no real value."""
    kept: dict[str, ColumnSpec] = {}
    notes = []
    for name, spec in metadata.columns.items():
        if spec.kind == ColumnKind.IDENTIFIER:
            notes.append(f"column {name!r} is an identifier; it is not compared")
        elif real[name].isna().all():
            notes.append(f"column {name!r} is empty in the real data; it is not compared")
        else:
            kept[name] = spec
    if not kept:
        raise DataError("no column is left to compare (all are identifiers or empty in the real data)")
    return Metadata(kept), notes


def _clean(frame: pd.DataFrame, metadata: Metadata, source: str) -> pd.DataFrame:
    columns = {}
    for name, spec in metadata.columns.items():
        series = frame[name].reset_index(drop=True)
        if spec.kind == ColumnKind.DATETIME:
            columns[name] = _datetime_seconds(series, spec, source)
        elif spec.kind in NUMERIC_KINDS:
            columns[name] = _numbers(series, spec, source)
        elif spec.kind == ColumnKind.BOOLEAN:  # 0/1 or "true" in one table, True in the other: one level
            columns[name] = series.map(as_boolean, na_action="ignore").astype(object)
        elif isinstance(series.dtype, pd.CategoricalDtype):
            # a categorical dtype would bring unobserved categories into every count
            columns[name] = series.astype(object)
        else:
            columns[name] = series
    return pd.DataFrame(columns)


def _own_number_format(series: pd.Series) -> str | None:
    """The one format a text column's numbers are all written in ("$1,638.23"), where the other table holds
    them as numbers: a model's CSV sample beside its Parquet one, whose amounts are numbers, was refused
    for its "$"; None where the text is in no one format."""
    distinct = series.dropna().astype(str).drop_duplicates()
    distinct = distinct[~is_missing_mark(distinct)]  # "?" for a missing amount
    found = NumberFormat.guess(distinct, writes_decimal_commas(distinct)) if len(distinct) else None
    return None if found is None else str(found)


def _numbers(series: pd.Series, spec: ColumnSpec, source: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.astype("float64")
    else:
        own = None if spec.number_format else _own_number_format(series)
        numbers = read_number_text(series, spec.number_format or own)  # "$1,638.23" as 1638.23
        values = to_numbers(numbers).astype("float64")
        bad = values.isna() & series.notna()
        if own is not None:  # a model's CSV sample writes "?" for a missing amount beside "$1,638.23"
            bad &= ~is_missing_mark(series.astype(str)).to_numpy()
        # a column read as numbers from text on purpose keeps its stray strings as missing values
        if bad.any() and not spec.numeric_coerced:
            examples = list(dict.fromkeys(series[bad].astype(str)))[:3]
            raise DataError(
                f"{source}: column {series.name!r} is {spec.kind} but holds non-numeric values such as "
                f"{examples}; fix those values, or set the column's kind to 'categorical' in the metadata"
            )
    infinite = np.isinf(values.to_numpy())
    if infinite.any():  # as fitting reads them: a model learnt from this table saw them as missing
        warnings.warn(
            f"{source}: column {series.name!r}: {int(infinite.sum())} infinite value(s) treated as missing",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
        values = values.mask(infinite)
    return values


def _datetime_seconds(series: pd.Series, spec: ColumnSpec, source: str) -> pd.Series:
    parsed = read_datetimes(series, spec.datetime_format)  # text with offsets: UTC
    parsed = parsed.dt.tz_convert(None) if parsed.dt.tz is not None else parsed
    if not pd.api.types.is_datetime64_any_dtype(series):
        bad = parsed.isna() & series.notna()
        if bad.any():  # "?" for a missing date is a missing one, as when learning the column
            bad &= ~is_missing_mark(series.astype(str))
        if bad.any():
            examples = list(dict.fromkeys(series[bad].astype(str)))[:3]
            fmt = spec.datetime_format or "an inferred format"
            # a few strays are missing values, as fitting reads them (a model learnt from this table saw
            # them so, and `evaluate --model` refused the very table `fit` took); more is another format
            if bad.sum() > MAX_UNREAD_STAMPS * series.notna().sum():
                raise DataError(
                    f"{source}: column {series.name!r} is a datetime column but values such as {examples} "
                    f"do not parse with {fmt}; fix them or set the column's kind in the metadata"
                )
            warnings.warn(
                f"{source}: column {series.name!r}: {int(bad.sum()):,} value(s) that do not parse with {fmt} "
                f"(such as {examples}) treated as missing, as fitting reads them",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
    return pd.Series(epoch_seconds(parsed), index=series.index, name=series.name)


class TableEncoder:
    """Cleaned table -> float64 matrix in a Gower-like geometry (see the module docstring).

    Args:
        numeric: numeric and datetime columns (already float, as ``prepare`` leaves them).
        discrete: categorical, boolean and text columns.
        max_categories: one-hot width per column; rarer categories share one "other" slot.

    Example:
        >>> encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real, tables.synthetic)
        >>> encoder.transform(tables.synthetic).shape
        (32561, 118)
    """

    def __init__(self, numeric: Sequence[str], discrete: Sequence[str], max_categories: int = MAX_CATEGORIES):
        self.numeric = list(numeric)
        self.discrete = list(discrete)
        self.max_categories = max_categories

    def fit(self, reference: pd.DataFrame, *others: pd.DataFrame) -> TableEncoder:
        """Learn ranks and categories from ``reference``; ``others`` only add missing-value slots."""
        frames = (reference, *others)
        self.sorted_values_: dict[str, np.ndarray] = {}
        for name in self.numeric:
            values = np.sort(reference[name].to_numpy(dtype=float))
            values = values[~np.isnan(values)]
            step = max(1, values.size // _RANK_POINTS)
            self.sorted_values_[name] = values[::step]
        self.categories_: dict[str, pd.Index] = {
            name: pd.Index(reference[name].value_counts().index[: self.max_categories])
            for name in self.discrete
        }
        self.has_missing_: dict[str, bool] = {
            name: any(frame[name].isna().any() for frame in frames) for name in self.numeric + self.discrete
        }
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Encode ``frame``; categories not seen when fitting go to the "other" slot."""
        blocks = [self._numeric_block(frame[name]) for name in self.numeric]
        blocks += [self._discrete_block(frame[name]) for name in self.discrete]
        return np.hstack(blocks) if blocks else np.zeros((len(frame), 0))

    @property
    def categorical_mask(self) -> np.ndarray:
        """Which columns of ``transform_compact`` hold category codes."""
        return np.array([False] * len(self.numeric) + [True] * len(self.discrete))

    def transform_compact(self, frame: pd.DataFrame) -> np.ndarray:
        """One column per input column, for tree models with native categorical support.

        Numbers become their rank, categories their code (rare or unseen ones share the "other" code);
        missing values stay NaN, which gradient boosting routes on its own. Trees grow far faster on these
        few columns than on the one-hot view.
        """
        columns = []
        for name in self.numeric:
            ranks = self._numeric_block(frame[name])[:, 0]
            ranks[frame[name].isna().to_numpy()] = np.nan
            columns.append(ranks)
        for name in self.discrete:
            categories = self.categories_[name]
            codes = categories.get_indexer(frame[name]).astype(float)
            codes[codes < 0] = len(categories)
            codes[frame[name].isna().to_numpy()] = np.nan
            columns.append(codes)
        return np.column_stack(columns) if columns else np.zeros((len(frame), 0))

    def _numeric_block(self, series: pd.Series) -> np.ndarray:
        values = series.to_numpy(dtype=float)
        reference = self.sorted_values_[str(series.name)]
        missing = np.isnan(values)
        if reference.size:
            # mid-rank: ties share the middle of their run, so a value's rank does not depend on sort order
            below = np.searchsorted(reference, values, side="left")
            upto = np.searchsorted(reference, values, side="right")
            ranks = (below + upto) / (2.0 * reference.size)
        else:
            ranks = np.full(values.shape, 0.5)
        ranks[missing] = 0.5  # the median: a missing value sits nowhere in particular
        columns = [ranks]
        if self.has_missing_[str(series.name)]:
            columns.append(missing.astype(float))
        return np.column_stack(columns)

    def _discrete_block(self, series: pd.Series) -> np.ndarray:
        categories = self.categories_[str(series.name)]
        missing = series.isna().to_numpy()
        codes = categories.get_indexer(series)
        codes[codes < 0] = len(categories)  # the "other" slot
        width = len(categories) + 1 + self.has_missing_[str(series.name)]
        if self.has_missing_[str(series.name)]:
            codes[missing] = width - 1
        block = np.zeros((len(series), width))
        block[np.arange(len(series)), codes] = _ONE_HOT_SCALE
        return block


def distinct_share(frame: pd.DataFrame) -> float:
    """Share of rows that are the first of their values (1.0: no row repeats another; a collapsed
    generator, or a hold-out made of training rows, repeats rows)."""
    return float(1.0 - frame.duplicated().mean())


def distance_chunks(queries: np.ndarray, reference: np.ndarray) -> Iterator[tuple[slice, np.ndarray]]:
    """Euclidean distances from ``queries`` to ``reference``, a block of query rows at a time.

    Yields:
        (rows, distances): the query rows of this block and their (rows, len(reference)) distances.
    """
    ref_sq = np.einsum("ij,ij->i", reference, reference)
    step = max(1, _CHUNK_CELLS // max(1, len(reference)))
    for start in range(0, len(queries), step):
        rows = slice(start, min(start + step, len(queries)))
        block = queries[rows]
        # |q - r|^2 = |q|^2 + |r|^2 - 2 q.r, built in place: the block is the largest array in memory
        distances = block @ reference.T
        distances *= -2.0
        distances += ref_sq
        distances += np.einsum("ij,ij->i", block, block)[:, None]
        distances[distances < _ZERO_DISTANCE] = 0.0
        yield rows, np.sqrt(distances, out=distances)


def nearest_neighbours(
    queries: np.ndarray, reference: np.ndarray, k: int = 1, exclude_self: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Distances and positions of each query row's ``k`` nearest reference rows, nearest first.

    Args:
        queries: (n, d) matrix.
        reference: (m, d) matrix, m >= k (+1 with ``exclude_self``).
        k: neighbours to return.
        exclude_self: ``queries`` is ``reference``; a row is not its own neighbour.

    Returns:
        (distances, positions), both (n, k).

    Example:
        >>> distances, positions = nearest_neighbours(synthetic_x, train_x, k=2)
    """
    distances_out = np.empty((len(queries), k))
    positions_out = np.empty((len(queries), k), dtype=np.int64)
    for rows, distances in distance_chunks(queries, reference):
        if exclude_self:
            local = np.arange(rows.stop - rows.start)
            distances[local, local + rows.start] = np.inf
        if k == 1:
            candidates = np.argmin(distances, axis=1)[:, None]
        elif k < distances.shape[1]:
            candidates = np.argpartition(distances, k - 1, axis=1)[:, :k]
        else:
            candidates = np.broadcast_to(np.arange(distances.shape[1]), distances.shape)
        nearest = np.take_along_axis(distances, candidates, axis=1)
        order = np.argsort(nearest, axis=1, kind="stable")[:, :k]
        distances_out[rows] = np.take_along_axis(nearest, order, axis=1)
        positions_out[rows] = np.take_along_axis(candidates, order, axis=1)
    return distances_out, positions_out


def rows_within(queries: np.ndarray, reference: np.ndarray, radius: np.ndarray) -> np.ndarray:
    """How many ``reference`` rows lie within ``radius`` (one per query row, bounds included) of each query
    row: with ``radius`` a nearest distance found by ``nearest_neighbours``, the rows tied at it.

    Example:
        >>> rows_within(holdout_x, train_x, nearest_neighbours(holdout_x, train_x)[0][:, 0])
    """
    counts = np.zeros(len(queries), dtype=np.int64)
    for rows, distances in distance_chunks(queries, reference):
        counts[rows] = (distances <= radius[rows, None]).sum(axis=1)
    return counts


@contextlib.contextmanager
def single_threaded() -> Iterator[None]:
    """Run scikit-learn model fits with one OpenMP and one BLAS thread.

    The models here fit many small problems; when another process keeps a core busy, threads waiting at
    barriers for a descheduled sibling make them 10-40x slower (measured on 2 shared cores: gradient
    boosting 60 s instead of 1.5 s, logistic regression 5.2 s instead of 0.3 s). One thread is steady, and
    results do not depend on the machine's core count.
    """
    with threadpool_limits(limits=1):
        yield


def boosting_model(task: str, categorical_mask: np.ndarray, random_state: int) -> BaseEstimator:
    """The gradient-boosting model that detection, utility and augmentation fit on ``transform_compact``
    features: a classifier for ``task == "classification"``, else a regressor.

    Early stopping is off: left on "auto", it switches itself on above 10,000 rows, so a model trained on
    real plus synthetic rows stopped after 47 trees while the one on real rows alone grew 100, and the
    difference between them measured that rather than the synthetic rows.

    Example:
        >>> boosting_model("classification", encoder.categorical_mask, random_state=0)
    """
    model = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
    return model(
        max_iter=BOOSTING_ROUNDS,
        categorical_features=categorical_mask if categorical_mask.any() else None,
        early_stopping=False,
        random_state=random_state,
    )


def subsample_index(n_rows: int, limit: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted row positions: all rows when ``n_rows <= limit``, else ``limit`` drawn without replacement."""
    if n_rows <= limit:
        return np.arange(n_rows)
    return np.sort(rng.choice(n_rows, size=limit, replace=False))


def value_range_text(low: float, high: float, spec: ColumnSpec, closed: bool, zone: Any = None) -> str:
    """The bin from ``low`` to ``high`` (``closed``: the last bin, which holds ``high`` too) as the column's
    values read: times of day to the second or minute their text gives, dates on the clock of the column's
    ``zone`` (to the minute where the bin is shorter than a day), the whole numbers it holds ("17 to 20",
    not "17 to 20.65"), or numbers."""
    if is_time_of_day(spec.datetime_format):  # read on 1 January 1900: their dates would all be that day
        first, last = (
            value_text(edge, dates=True, clock=True, seconds=writes_seconds(spec.datetime_format))
            for edge in (low, high)
        )
        return f"{first} to {last}"
    if spec.kind == ColumnKind.DATETIME:
        # in UTC, stamps written at -04:00 from 20:49 on 31 May read "2024-06-01 to 2024-06-02"
        first, last = stamps_of_seconds(wall_seconds(np.array([low, high]), zone))
        if high - low < DAY:  # an hour or two of a log spanning days: the dates alone say little
            return f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}"
        return f"{first.date()} to {last.date()}"
    if spec.kind == ColumnKind.INTEGER:
        first, last = math.ceil(low), math.floor(high) if closed else math.ceil(high) - 1
        return str(first) if first >= last else f"{first} to {last}"
    return f"{low:.4g} to {high:.4g}"
