"""Fidelity: does each column, and each pair of columns, look like the real data?

The definitions are those of SDMetrics' QualityReport (sdmetrics 0.32), so users can compare numbers one
to one; they are computed on whole columns with numpy instead of one pandas group-by per pair:

* Column shapes: 1 - Kolmogorov-Smirnov statistic for numeric and datetime columns (missing values
  dropped, values rounded to 14 decimals); 1 - total variation distance of the category frequencies for
  discrete columns (missing values dropped; a category only the synthetic data has counts 1e-6 times in
  the real data, as in sdmetrics).
* Column pair trends: for two numeric columns 1 - |r_real - r_synthetic| / 2, Pearson's r on the rows
  where both are present. Any other pair: 1 - total variation distance of the pair's joint frequencies,
  missing values counting as a category; the numeric column of a mixed pair is cut into 10 equal-width
  bins of its own range in each table (``np.histogram_bin_edges`` + ``np.digitize``: real bin k is
  matched with synthetic bin k, and the column's maximum shares the top bin with missing values).
* Only pairs that are related in the real data count towards the average: |r_real| > 0.5 for numeric
  pairs, Cramér's V > 0.3 otherwise (sdmetrics' default thresholds). A numeric pair with a column that
  is constant in either table is left out, as sdmetrics rejects constant input to Pearson's r (a warning
  names those related in the real data that the synthetic data flattened). Any other
  pair is left out when a column is constant in the real data (no Cramér's V), but counts when only the
  synthetic data is constant: its joint frequencies then show the relation lost.
* Overall quality: the mean of the two averages (one of them alone when the other is undefined).

Two differences: above 50,000 rows sdmetrics scores contingency pairs on an unseeded random 50,000-row
sample; here every row is used, so on larger tables the two differ by sdmetrics' sampling noise. And a
column the real data fills but the synthetic data leaves empty scores 0 for its shape (sdmetrics leaves it
out of the average, so losing a whole column cost nothing).

Lost pairs (not in the QualityReport): counted pairs related beyond chance in the real data (stronger than
twice what independent columns of as many rows and levels show, on at least 20 rows carrying it) whose
synthetic strength is under half the real one (a numeric pair's drop beyond chance too). A warning names
them; small samples, mostly empty columns and one-row relations make large strengths by chance alone.

Natural level (not in the QualityReport): with the training rows, the same pair-trends average of real
rows against other real rows (training rows drawn to the synthetic table's size, against the hold-out), so
the verdict judges the synthetic score by how far it falls below what real data reaches: free-text and
sparse columns keep two samples of one population near 0.65.

Validity (not in the QualityReport): the share of synthetic values inside the real range (numeric) or
among the real categories (discrete).

Kept orders (not in the QualityReport): ``low <= high`` between two number columns, or two datetime
columns, that the real rows keep (an admission before its discharge, open credit lines within all credit
lines) and that their values paired at random would break (``kept_orders``), with the share of synthetic
rows breaking each. Column shapes and pair trends cannot see such a rule broken: 28% of a copula's stays
ended before they began while every one of those scores read good. The worst order grades the score.

Missing values are left out of the column shapes, as in SDMetrics, so a column whose share of missing values
changed scores as if it had not; a warning names it (``missing_shift``), and the report draws both shares.
"""

from __future__ import annotations

import functools
import itertools
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.constraints import MIN_ORDER_ROWS, find_orders
from synthloom.data.encoders import DAY, DailyCycle, wall_seconds
from synthloom.data.metadata import ColumnKind, Metadata, is_time_of_day
from synthloom.metrics.encoding import Tables, bin_edges, value_range_text
from synthloom.metrics.result import (
    FAIR,
    GOOD,
    NOT_COMPUTED,
    POOR,
    FamilyResult,
    Score,
    best,
    decimal_text,
    grade,
    worst,
)

KS, TV = "KSComplement", "TVComplement"
CORRELATION, CONTINGENCY = "CorrelationSimilarity", "ContingencySimilarity"
CORRELATION_THRESHOLD = 0.5  # sdmetrics' DEFAULT_REAL_CORRELATION_THRESHOLD (|Pearson r| of the real pair)
ASSOCIATION_THRESHOLD = 0.3  # sdmetrics' DEFAULT_REAL_ASSOCIATION_THRESHOLD (Cramér's V of the real pair)
_KS_DECIMALS = sys.float_info.dig - 1  # sdmetrics rounds to 14 decimals before the KS test
_PAIR_BINS = 10
_R_CAP = 1.0 - 1e-12  # Fisher's z of |r| = 1 is infinite
_UNSEEN_CATEGORY_COUNT = 1e-6  # sdmetrics' regularisation of categories only the synthetic data has
STRENGTH = {CORRELATION: "Pearson r", CONTINGENCY: "Cramér's V"}  # what a pair's real / synthetic hold
_PAIR_COLUMNS = [
    "column_1",
    "column_2",
    "metric",
    "score",
    "real",
    "synthetic",
    "meets_threshold",
    "beyond_chance",
    "lost",
]
_LISTED = 5  # pairs a warning names; the JSON's pair table has them all
QUALITY_GOOD = 0.85  # quality, column shapes, pair trends and each column's shape: good from here
QUALITY_FAIR = 0.7  # ... fair from here, poor below (a column below it gets a warning)
MISSING_GAP = 0.05  # shares of missing values this far apart, and beyond chance, are a change worth naming
# A pair counts as related beyond chance (and so as lost when its synthetic strength falls under half) when
# its real strength is CHANCE_FACTOR times what independent columns of as many rows and levels show: for
# Cramér's V the root-mean-square V of independent columns (the chi-square's mean under independence is
# (r-1)(k-1) n/(n-1), exactly, whatever the counts), for Pearson r 1/sqrt(n), its standard deviation. Twice
# chance puts a 2x2 table's chi-square at 4 (p 0.046) and a big table's far beyond; it leaves out what
# 400 honest rows showed by chance (fnlwgt & native-country, V 0.38 against 0.31 for independent columns).
CHANCE_FACTOR = 2.0
# ... and when the relation rests on at least this many rows: rows that independence would place
# elsewhere (contingency), or rows where neither value is its column's most common one (correlation: a
# column of zeros with a few fees carries r only on those). Two mostly empty columns had r 0.79 on a
# handful of rows, one row (each column's only non-zero value) made a Cramér's V of 1.00, and two large
# incomes with late fees an r of 0.53 between annual_income and paid_late_fees.
MIN_RELATION_ROWS = 20
# A numeric pair's drop is lost only this many standard errors beyond chance (Fisher's z of the two r, on
# each table's rows with both values): r 0.51 real and 0.20 in a second real sample, each on some 60 rows
# of skewed incomes, is two samples' noise; with hundreds of pairs a table has, 2 would name some by chance.
DROP_Z = 3.0
# Synthetic rows breaking an order the real rows keep (``constraints.find_orders``): good up to ORDER_GOOD,
# fair up to ORDER_FAIR (a share of rows a downstream check would reject).
ORDER_GOOD, ORDER_FAIR = 0.01, 0.05
# A hold-out whose dates lie outside the training rows' range this often was split by time; a number column
# whose rank correlation with those dates (in the training rows) is this strong moves with time
TIME_SPLIT_OUTSIDE, MOVES_WITH_TIME = 0.9, 0.9


SDMETRICS_SDTYPES = {
    ColumnKind.CONTINUOUS: "numerical",
    ColumnKind.INTEGER: "numerical",
    ColumnKind.DATETIME: "datetime",
    ColumnKind.CATEGORICAL: "categorical",
    ColumnKind.TEXT: "categorical",
    ColumnKind.BOOLEAN: "boolean",
    ColumnKind.IDENTIFIER: "id",
}


def to_sdmetrics_metadata(metadata: Metadata) -> dict[str, object]:
    """The same column kinds as an SDMetrics single-table metadata dict, to compare scores one to one.

    Example:
        >>> QualityReport().generate(real, synthetic, to_sdmetrics_metadata(Metadata.infer(real)))
    """
    columns: dict[str, dict[str, str]] = {}
    for name, spec in metadata.columns.items():
        columns[name] = {"sdtype": SDMETRICS_SDTYPES[spec.kind]}
        if spec.kind == ColumnKind.DATETIME and spec.datetime_format:  # dates stored as text
            columns[name]["datetime_format"] = spec.datetime_format
    return {"columns": columns}


def column_shapes(tables: Tables) -> pd.DataFrame:
    """Per-column shape similarity (KS complement or TV complement), 1 = identical distributions.

    Returns:
        One row per evaluated column: ``column``, ``kind``, ``metric``, ``score`` (NaN when the real table
        has no value in the column; 0 when only the synthetic one has none).

    Example:
        >>> column_shapes(prepare(real, synthetic)).set_index("column")["score"].round(2).to_dict()
        {'age': 0.97, 'sex': 0.99}
    """
    rows = []
    for name, spec in tables.metadata.columns.items():
        real, synthetic = tables.real[name], tables.synthetic[name]
        if name in tables.numeric:
            rounded = spec.kind != ColumnKind.DATETIME  # sdmetrics rounds floats, not stamps
            score, metric = ks_complement(real.to_numpy(), synthetic.to_numpy(), rounded), KS
        else:
            score, metric = tv_complement(*tables.category_codes(name)), TV
        if np.isnan(score) and real.notna().any():  # the synthetic column is empty: no shape kept at all
            score = 0.0
        rows.append({"column": name, "kind": str(spec.kind), "metric": metric, "score": score})
    return pd.DataFrame(rows, columns=["column", "kind", "metric", "score"])


def ks_complement(real: np.ndarray, synthetic: np.ndarray, rounded: bool = True) -> float:
    """1 - the two-sample Kolmogorov-Smirnov statistic (largest gap between the two empirical CDFs).

    Example:
        >>> ks_complement(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
        1.0
    """
    x, y = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    if not x.size or not y.size:
        return float("nan")
    if rounded:  # a value near float64's largest rounds to inf (overflow, no warning): still the largest
        with np.errstate(over="ignore"):
            x, y = np.round(x, _KS_DECIMALS), np.round(y, _KS_DECIMALS)
    x, y = np.sort(x), np.sort(y)
    points = np.concatenate([x, y])
    cdf_gap = (
        np.searchsorted(x, points, side="right") / x.size - np.searchsorted(y, points, side="right") / y.size
    )
    return float(1.0 - np.abs(cdf_gap).max())


def tv_complement(real_codes: np.ndarray, synthetic_codes: np.ndarray, n_categories: int) -> float:
    """1 - total variation distance between category frequencies; codes < 0 are missing and dropped."""
    real = np.bincount(real_codes[real_codes >= 0], minlength=n_categories).astype(float)
    synthetic = np.bincount(synthetic_codes[synthetic_codes >= 0], minlength=n_categories).astype(float)
    if not real.sum() or not synthetic.sum():
        return float("nan")
    real[(real == 0) & (synthetic > 0)] = _UNSEEN_CATEGORY_COUNT
    return float(1.0 - 0.5 * np.abs(synthetic / synthetic.sum() - real / real.sum()).sum())


@dataclass
class _PairInputs:
    """Every column of both tables in the form the pair formulas need, computed once."""

    codes: dict[str, tuple[np.ndarray, np.ndarray, int]]  # discrete: missing is its own category
    bins: dict[str, tuple[np.ndarray, np.ndarray, int]]  # numeric, binned for mixed pairs
    corr_real: pd.DataFrame
    corr_synthetic: pd.DataFrame
    both_real: pd.DataFrame  # rows of each table where both numeric columns have a value
    both_synthetic: pd.DataFrame
    carrying: pd.DataFrame  # real rows where neither of the two holds its column's most common value
    constant: set[str]  # numeric columns with a single value in either table

    @classmethod
    def build(cls, tables: Tables) -> _PairInputs:
        """Codes, bins and correlation matrices of every evaluated column."""
        codes = {}
        for name in tables.discrete:
            real, synthetic, n = tables.category_codes(name)
            codes[name] = (np.where(real < 0, n, real), np.where(synthetic < 0, n, synthetic), n + 1)
        bins = {}
        if tables.discrete:
            for name in tables.numeric:
                real, synthetic = tables.real[name].to_numpy(), tables.synthetic[name].to_numpy()
                bins[name] = (_own_bins(real), _own_bins(synthetic), _PAIR_BINS + 2)
        numeric_real, numeric_synthetic = tables.real[tables.numeric], tables.synthetic[tables.numeric]
        constant = {
            name
            for name in tables.numeric
            if numeric_real[name].nunique() == 1 or numeric_synthetic[name].nunique() == 1
        }
        modes = {name: column.mode().iloc[0] for name, column in numeric_real.items() if column.notna().any()}
        off_mode = numeric_real.notna() & numeric_real.ne(pd.Series(modes, dtype=float))
        return cls(
            codes,
            bins,
            numeric_real.corr(),
            numeric_synthetic.corr(),
            _rows_with_both(numeric_real.notna()),
            _rows_with_both(numeric_synthetic.notna()),
            _rows_with_both(off_mode),
            constant,
        )


def _rows_with_both(marked: pd.DataFrame) -> pd.DataFrame:
    """For each pair of columns, the rows marked in both (with a value: those Pearson's r is computed on)."""
    marked = marked.astype(float)
    return marked.T @ marked


def _own_bins(values: np.ndarray) -> np.ndarray:
    """sdmetrics' discretisation: 10 equal-width bins over this table's own range; NaN lands in bin 11."""
    return np.digitize(values, bin_edges(values[~np.isnan(values)], _PAIR_BINS))


def column_pair_trends(tables: Tables) -> pd.DataFrame:
    """Per-pair trend similarity, with whether the pair counts towards the average.

    Returns:
        One row per pair of evaluated columns: ``column_1``, ``column_2``, ``metric``, ``score``,
        ``real`` and ``synthetic`` (Pearson r for numeric pairs, Cramér's V otherwise),
        ``meets_threshold`` (the pair is related in the real data and counts towards the average) and
        ``beyond_chance`` (its real strength is more than chance gives columns of as many rows and levels,
        on at least ``MIN_RELATION_ROWS`` rows) and ``lost`` (counted, beyond chance, and under half that
        strength in the synthetic data, or without one there; a numeric pair's drop beyond chance too).

    Example:
        >>> pairs = column_pair_trends(prepare(real, synthetic))
        >>> pairs.loc[pairs["meets_threshold"], "score"].mean()
        0.93
    """
    inputs = _PairInputs.build(tables)
    numeric = set(tables.numeric)
    rows = [
        {"column_1": first, "column_2": second, **_contingency_row(inputs, first, second)}
        for first, second in itertools.combinations(tables.columns, 2)
        if first not in numeric or second not in numeric
    ]
    parts = [
        part for part in (pd.DataFrame(rows, columns=_PAIR_COLUMNS), _correlation_rows(inputs)) if len(part)
    ]
    pairs = pd.concat(parts) if parts else pd.DataFrame(columns=_PAIR_COLUMNS)
    # in the order of the pairs of columns (itertools.combinations), however they were computed
    position = {name: index for index, name in enumerate(tables.columns)}
    first, second = pairs["column_1"].map(position), pairs["column_2"].map(position)
    order = np.argsort((first * len(position) + second).to_numpy(), kind="stable")
    kinds = {
        "score": float,
        "real": float,
        "synthetic": float,
        "meets_threshold": bool,
        "beyond_chance": bool,
        "lost": bool,
    }
    return pairs.iloc[order].reset_index(drop=True).astype(kinds)


def _correlation_rows(inputs: _PairInputs) -> pd.DataFrame:
    """The rows of every pair of two numeric columns, computed at once from the pair matrices: a table of
    1,000 sensor columns has half a million such pairs, a Python loop over them took minutes."""
    names = inputs.corr_real.columns
    first, second = np.triu_indices(len(names), k=1)

    def pick(matrix: pd.DataFrame) -> np.ndarray:
        return matrix.to_numpy(dtype=float)[first, second]

    real, synthetic = pick(inputs.corr_real), pick(inputs.corr_synthetic)
    rows, carrying, synthetic_rows = (
        pick(inputs.both_real),
        pick(inputs.carrying),
        pick(inputs.both_synthetic),
    )
    score = 1.0 - np.abs(real - synthetic) / 2.0  # NaN when either correlation is undefined
    constant = names.isin(list(inputs.constant))
    with np.errstate(invalid="ignore", divide="ignore"):
        meets = (
            ~(constant[first] | constant[second])
            & np.isfinite(score)
            & (np.abs(real) > CORRELATION_THRESHOLD)
        )
        beyond = meets & (carrying >= MIN_RELATION_ROWS) & (np.abs(real) > CHANCE_FACTOR / np.sqrt(rows))
        # two samples' r differ by chance by about sqrt(1/(n1-3) + 1/(n2-3)) on Fisher's z scale
        noise = np.sqrt(1.0 / np.maximum(rows - 3.0, 1.0) + 1.0 / np.maximum(synthetic_rows - 3.0, 1.0))
        capped = np.minimum(np.abs(real), _R_CAP), np.minimum(np.abs(synthetic), _R_CAP)
        drop = (np.arctanh(capped[0]) - np.arctanh(capped[1])) / noise
        # a constant column never counts; a NaN synthetic r fails both comparisons, as it did row by row
        lost = beyond & (np.abs(synthetic) < np.abs(real) / 2) & (drop >= DROP_Z)
    return pd.DataFrame(
        {
            "column_1": names[first],
            "column_2": names[second],
            "metric": CORRELATION,
            "score": score,
            "real": real,
            "synthetic": synthetic,
            "meets_threshold": meets,
            "beyond_chance": beyond,
            "lost": lost,
        },
        columns=_PAIR_COLUMNS,
    )


def _contingency_row(inputs: _PairInputs, first: str, second: str) -> dict[str, object]:
    a_real, a_synthetic, a_n = inputs.codes.get(first) or inputs.bins[first]
    b_real, b_synthetic, b_n = inputs.codes.get(second) or inputs.bins[second]
    real = _Cells.count(a_real, b_real, b_n, a_n * b_n)
    synthetic = _Cells.count(a_synthetic, b_synthetic, b_n, a_n * b_n)
    # the shares' gap over the cells either table holds (a cell neither holds adds nothing)
    held = np.union1d(real.keys, synthetic.keys)
    gap = np.zeros(len(held))
    gap[np.searchsorted(held, real.keys)] += real.counts / real.counts.sum()
    gap[np.searchsorted(held, synthetic.keys)] -= synthetic.counts / synthetic.counts.sum()
    real_v, synthetic_v = real.cramers_v(), synthetic.cramers_v()
    meets = bool(np.isfinite(real_v) and real_v > ASSOCIATION_THRESHOLD)
    chance, moved = real.independence_baseline()
    beyond = meets and moved >= MIN_RELATION_ROWS and real_v > CHANCE_FACTOR * chance
    return {
        "metric": CONTINGENCY,
        "score": 1.0 - np.abs(gap).sum() / 2.0,
        "real": real_v,
        "synthetic": synthetic_v,
        "meets_threshold": meets,
        "beyond_chance": beyond,
        # a synthetic column left with one value (no V) keeps none of the relation
        "lost": beyond and not synthetic_v >= real_v / 2,
    }


# a contingency table with more cells than this is counted by sorting its rows' cells instead of in a dense
# array: a postcode of 45,000 levels against a merchant of 5,000 makes 225 million cells (1.8 GB of counts,
# several times that in the statistics' arrays), of which 60,000 rows fill at most 60,000
_DENSE_CELLS = 1 << 20


@dataclass(frozen=True)
class _Cells:
    """A contingency table kept sparse: the cells that hold rows and their counts.

    A cell's key is ``row * n_columns + column``; rows and columns holding no count are not part of the
    table (as scipy's statistics drop them).
    """

    keys: np.ndarray
    counts: np.ndarray
    n_columns: int

    @classmethod
    def count(cls, a: np.ndarray, b: np.ndarray, b_n: int, cells: int) -> _Cells:
        """The table of two coded columns (codes ``0..a_n - 1`` and ``0..b_n - 1``; ``cells`` = a_n x b_n)."""
        keys = a.astype(np.int64) * b_n + b
        if cells <= _DENSE_CELLS:
            dense = np.bincount(keys, minlength=cells)
            held = np.flatnonzero(dense)
            return cls(held, dense[held], b_n)
        held, counts = np.unique(keys, return_counts=True)
        return cls(held, counts, b_n)

    @classmethod
    def of(cls, table: np.ndarray) -> _Cells:
        """The cells of a dense table."""
        held = np.flatnonzero(table)
        return cls(held, table.reshape(-1)[held], table.shape[1])

    @functools.cached_property
    def _observed_expected(self) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
        """The held cells' counts, the counts independent columns would give them, and the table's shape."""
        rows, row_of = np.unique(self.keys // self.n_columns, return_inverse=True)
        columns, column_of = np.unique(self.keys % self.n_columns, return_inverse=True)
        observed = self.counts.astype(float)
        row_sums = np.bincount(row_of, weights=observed, minlength=len(rows))
        column_sums = np.bincount(column_of, weights=observed, minlength=len(columns))
        expected = row_sums[row_of] * column_sums[column_of] / max(observed.sum(), 1.0)
        return observed, expected, (len(rows), len(columns))

    def cramers_v(self) -> float:
        """Cramér's V (no continuity correction), as ``scipy.stats.contingency.association``."""
        observed, expected, shape = self._observed_expected
        if min(shape) < 2:
            return float("nan")
        total = observed.sum()
        # an empty cell adds its expected count to chi-squared; together, the total less the held cells'
        chi2 = ((observed - expected) ** 2 / expected).sum() + max(total - expected.sum(), 0.0)
        return float(np.sqrt(chi2 / total / (min(shape) - 1)))

    def independence_baseline(self) -> tuple[float, float]:
        """What chance gives a table of these margins, and how many rows its relation rests on.

        Returns:
            The root-mean-square Cramér's V of independent columns with these level counts and rows (NaN
            below two levels each), and the rows independence would place in other cells (half the absolute
            difference between the table and its expected counts): about 2 for a relation carried by one
            row.

        Example:
            >>> [round(v, 3) for v in _Cells.of(np.array([[399, 0], [0, 1]])).independence_baseline()]
            [0.05, 1.995]
        """
        observed, expected, shape = self._observed_expected
        levels, total = min(shape), observed.sum()
        moved = float((np.abs(observed - expected).sum() + max(total - expected.sum(), 0.0)) / 2.0)
        if levels < 2 or total < 2:
            return float("nan"), moved
        freedom = (shape[0] - 1) * (shape[1] - 1)
        return float(np.sqrt(freedom / (total - 1) / (levels - 1))), moved


def cramers_v(table: np.ndarray) -> float:
    """Cramér's V of a contingency table (no continuity correction), as ``scipy.stats.contingency``.

    Example:
        >>> cramers_v(np.array([[10, 0], [0, 10]]))
        1.0
    """
    return _Cells.of(np.asarray(table)).cramers_v()


def pair_trends_average(pairs: pd.DataFrame) -> float:
    """Mean score of the pairs that count (NaN when none does), as sdmetrics averages them."""
    counted = pairs.loc[pairs["meets_threshold"], "score"].dropna()
    return float(counted.mean()) if len(counted) else float("nan")


def overall_quality(shapes: float, pair_trends: float) -> float:
    """Mean of the defined property scores (sdmetrics' ``np.nanmean`` of its two properties)."""
    defined = [value for value in (shapes, pair_trends) if np.isfinite(value)]
    return float(np.mean(defined)) if defined else float("nan")


def validity(tables: Tables) -> pd.DataFrame:
    """Share of synthetic values the real data makes plausible, per column.

    Numeric columns: share inside [min, max] of every real row known; discrete columns: share whose
    category occurs in the real rows. Missing values are not counted.

    Returns:
        One row per column: ``column``, ``kind``, ``check``, ``score`` (NaN when the synthetic column
        is empty).

    Example:
        >>> validity(prepare(real, synthetic)).set_index("column")["score"].to_dict()
        {'age': 0.998, 'sex': 1.0}
    """
    known = tables.all_real()
    rows = []
    for name, spec in tables.metadata.columns.items():
        synthetic = tables.synthetic[name].dropna()
        if name in tables.numeric:
            low, high = known[name].min(), known[name].max()
            inside, check = synthetic.between(low, high), "inside the real range"
        else:
            inside, check = synthetic.isin(known[name].dropna().unique()), "category seen in real data"
        score = float(inside.mean()) if len(synthetic) else float("nan")
        rows.append({"column": name, "kind": str(spec.kind), "check": check, "score": score})
    return pd.DataFrame(rows, columns=["column", "kind", "check", "score"])


def kept_orders(tables: Tables, random_state: int = 0) -> pd.DataFrame:
    """Orders ``low <= high`` the real rows keep between two number columns or two datetime columns, and the
    share of synthetic rows (holding both) that break each; see the module docstring for which count.

    Returns:
        One row per order, the most broken first: ``low``, ``high``, ``real_broken`` (share of real rows
        breaking it), ``random_broken`` (of the values paired at random), ``synthetic_broken``, ``rows``
        (synthetic rows holding both) and ``verdict``.

    Example:
        >>> kept_orders(prepare(real, synthetic))[["low", "high", "synthetic_broken"]]
                      low            high  synthetic_broken
        0  admission_time  discharge_time             0.283
    """
    columns = ["low", "high", "real_broken", "random_broken", "synthetic_broken", "rows", "verdict"]
    known, fake = tables.all_real(), tables.synthetic
    real = {name: known[name].to_numpy(dtype=float) for name in tables.numeric}
    synthetic = {name: fake[name].to_numpy(dtype=float) for name in tables.numeric}
    rows = []
    for order in find_orders(real, tables.metadata, random_state):
        low, high = synthetic[order.low], synthetic[order.high]
        held = ~np.isnan(low) & ~np.isnan(high)
        broken = float(np.mean(order.broken(low[held], high[held]))) if held.any() else float("nan")
        # judged on as many synthetic rows as real ones: a handful holding both cannot make fidelity poor
        judged = held.sum() >= MIN_ORDER_ROWS
        verdict = grade(1 - broken, 1 - ORDER_GOOD, 1 - ORDER_FAIR) if judged else NOT_COMPUTED
        rows.append(
            [order.low, order.high, order.real_broken, order.random_broken, broken, int(held.sum()), verdict]
        )
    table = pd.DataFrame(rows, columns=columns).astype(
        {"real_broken": float, "random_broken": float, "synthetic_broken": float, "rows": int}
    )
    return table.sort_values("synthetic_broken", ascending=False, kind="stable").reset_index(drop=True)


def broken_orders_finding(table: pd.DataFrame, kinds: dict[str, str]) -> str:
    """One line on the orders the synthetic rows break (``kept_orders``' fair and poor rows, the most
    broken first, ``_LISTED`` named), with the rule that keeps the worst; ``kinds``: the columns' kinds (a
    stamp comes before another, a number lies above another). A table of 50 running totals broke 373
    orders, most implied by others: one line each buried the rest of the findings."""

    def broken(row: Any) -> str:
        flipped = (
            f"{row.high} before {row.low}" if kinds[row.low] == "datetime" else f"{row.low} above {row.high}"
        )
        return f"{flipped} in {row.synthetic_broken:.1%}"

    worst = next(table.itertuples())
    listed = "; ".join(broken(row) for row in table.head(_LISTED).itertuples())
    more = f"; and {len(table) - _LISTED} more" if len(table) > _LISTED else ""
    return (
        f"orders the real rows keep, broken in synthetic rows holding both columns: {listed}{more} (real "
        f"rows: {worst.real_broken:.1%} break the first); synthloom's generators keep them unless fitted "
        "with --no-keep-orders (keep_orders=False) or on other rows, and any keeps one given its rule, "
        f'e.g. {{"type": "inequality", "low": "{worst.low}", "high": "{worst.high}"}} (--constraints)'
    )


def _orders_score(table: pd.DataFrame) -> Score:
    """The worst-kept order as one score, its meaning naming it."""
    row = next(table.itertuples())
    meaning = (
        f"The real rows keep {len(table)} order(s) between columns that values paired at random would "
        f"break; the worst kept, {row.low} <= {row.high}, holds in "
        f"{1 - row.synthetic_broken:.1%} of the synthetic rows holding both (real rows: "
        f"{1 - row.real_broken:.1%}). Column "
        "shapes and pair trends cannot see an order broken."
    )
    return Score("orders", "Kept orders", 1 - row.synthetic_broken, meaning, row.verdict)


# Draws of training rows whose pair-trends averages against the hold-out make the natural level: their
# spread is the chance part of the score, which on shuttle (mixed pairs binned over each table's own range,
# so one outlier moves every bin) spans 0.65 to 0.93 between draws of one table. Five draws' deviation
# ranged 0.011 to 0.025 for one split of default; each draw costs a pair-trends pass (adult: 0.03 s).
NATURAL_DRAWS = 10


def natural_draws(tables: Tables, random_state: int = 0) -> list[np.ndarray]:
    """Row positions of ``NATURAL_DRAWS`` draws (with replacement) of the training rows, each of the synthetic
    table's size (the training rows' own where fewer): the real samples a synthetic score is graded against
    (``natural_pair_trends``, ``hour_of_day``), the same rows for every score. Empty without training rows."""
    if tables.train is None or not len(tables.train):
        return []
    rng = np.random.default_rng(random_state)
    size = min(len(tables.synthetic), len(tables.train))
    return [rng.integers(0, len(tables.train), size) for _ in range(NATURAL_DRAWS)]


def natural_pair_trends(tables: Tables, random_state: int = 0) -> np.ndarray:
    """Pair-trends averages of real rows against other real rows: ``NATURAL_DRAWS`` draws (with replacement)
    of the training rows, each of the synthetic table's size (the training rows' own where fewer), scored
    against the hold-out rows as the synthetic rows are. Empty without training rows.

    Example:
        >>> natural_pair_trends(prepare(real_test, synthetic, train=real_train)).round(2)
        array([0.66, 0.65, 0.67, 0.66, 0.66, 0.64, 0.66, 0.65, 0.67, 0.66])
    """
    levels = []
    for rows in natural_draws(tables, random_state):
        drawn = tables.train.iloc[rows].reset_index(drop=True)
        against = Tables(real=tables.real, synthetic=drawn, train=None, metadata=tables.metadata)
        levels.append(pair_trends_average(column_pair_trends(against)))
    # a draw whose counted pairs all fell out (a numeric column constant in it) has no average; the
    # spread needs two
    finite = np.array(levels)[np.isfinite(levels)]
    return finite if finite.size >= 2 else np.array([])


def unrelated_pair_trends(tables: Tables, random_state: int = 0) -> pd.Series:
    """Each pair's score where its columns keep their real values but no relation: every column shuffled
    on its own, from the training rows (the real rows without them), to the synthetic table's size (drawn
    with replacement where that is more rows), scored against the real rows as the synthetic rows are.
    Near 1 - |r| / 2 for two numbers and 1 - the real table's distance from the product of its margins
    otherwise, less where cells are too sparse for that many rows to fill as the real rows do (a
    postcode against a merchant: near 0).

    Example:
        >>> unrelated_pair_trends(prepare(real, synthetic)).round(2).tolist()
        [0.84, 0.51, 0.97]
    """
    source = tables.train if tables.train is not None and len(tables.train) else tables.real
    rng = np.random.default_rng(random_state)
    size, rows = len(tables.synthetic), len(source)

    def apart() -> np.ndarray:
        return rng.permutation(rows)[:size] if size <= rows else rng.integers(0, rows, size)

    drawn = pd.DataFrame(
        {name: column.iloc[apart()].reset_index(drop=True) for name, column in source.items()}
    )
    against = Tables(real=tables.real, synthetic=drawn, train=None, metadata=tables.metadata)
    return column_pair_trends(against)["score"]


def quality_scores(tables: Tables) -> dict[str, float]:
    """The three QualityReport numbers: column shapes, column pair trends, overall.

    Example:
        >>> quality_scores(prepare(real, synthetic))
        {'column_shapes': 0.91, 'column_pair_trends': 0.88, 'overall': 0.895}
    """
    shapes = _mean(column_shapes(tables)["score"])
    trends = pair_trends_average(column_pair_trends(tables))
    return {"column_shapes": shapes, "column_pair_trends": trends, "overall": overall_quality(shapes, trends)}


def _mean(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.mean()) if len(values) else float("nan")


def fidelity(tables: Tables, random_state: int = 0) -> FamilyResult:
    """Column shapes, column pair trends, overall quality (as SDMetrics' QualityReport) and validity.

    With training rows the pair trends are judged against what real rows reach (``natural_pair_trends``,
    drawn with ``random_state``), and so is the quality, which averages them.

    Example:
        >>> result = fidelity(prepare(real_test, synthetic))
        >>> result.score("quality").value
        0.87
    """
    shapes, pairs, valid = column_shapes(tables), column_pair_trends(tables), validity(tables)
    # what no relation scores, pair by pair: the level a relation lost falls to, for the text and the report
    pairs["independent"] = unrelated_pair_trends(tables, random_state)
    shape_score, trend_score = _mean(shapes["score"]), pair_trends_average(pairs)
    quality = overall_quality(shape_score, trend_score)
    natural = natural_pair_trends(tables, random_state) if np.isfinite(trend_score) else np.array([])
    shapes_score = Score(
        "column_shapes",
        "Column shapes",
        shape_score,
        f"Each column's distribution overlaps its real counterpart by {shape_score:.0%} on average "
        "(KS / total-variation complement).",
        quality_verdict(shape_score),
    )
    trends = _trend_score(trend_score, pairs, natural)
    hours, hour_shares = hour_of_day(tables, random_state)
    orders = kept_orders(tables, random_state)
    quality_grade = quality_verdict(quality)
    if natural.size:
        # real rows themselves average 0.60 in pair trends where free text is (a quality near 0.80, fair):
        # parts that both read as good as real data make their average good too (a worse part still
        # sets the family's verdict, as its concern)
        quality_grade = best([quality_grade, worst([shapes_score.verdict, trends.verdict])])
    scores = [
        Score("quality", "Overall quality", quality, _quality_meaning(quality, trend_score), quality_grade),
        shapes_score,
        trends,
        _validity_score(valid),
    ]
    found = _fidelity_warnings(tables, shapes, valid, pairs)
    if len(hours):  # only tables with stamps that carry a time of day have one
        scores.insert(3, _hour_score(hours))
        # a fair shape is worth its line too: 6.5% of rows at night against 3.4% is what a fraud model
        # learns from, and it went without a word
        found += [hour_of_day_finding(row) for row in hours.itertuples() if row.verdict in (FAIR, POOR)]
    judged = orders[orders["verdict"] != NOT_COMPUTED]
    if len(judged):
        scores.append(_orders_score(judged))
        broken = judged[judged["verdict"].isin([FAIR, POOR])]
        if len(broken):
            found.append(broken_orders_finding(broken, tables.metadata.kinds()))
    return FamilyResult(
        "fidelity",
        scores=scores,
        tables={
            "column_shapes": shapes,
            "column_pair_trends": pairs,
            "validity": valid,
            "hour_of_day": hours,
            "orders": orders,
        },
        warnings=found,
        extras={"association": _association_matrices(tables, pairs), "hour_of_day": hour_shares},
        # quality averages the first two (good over fair pairs); the hour of day and the kept orders are
        # outside it, as its definition is SDMetrics', and a daily cycle lost or a stay that ends before
        # it begins must not hide behind a good average
        parts=("column_shapes", "column_pair_trends", "hour_of_day", "orders"),
    )


def _quality_meaning(quality: float, trends: float) -> str:
    if np.isfinite(trends):
        averaged = "The average of column shapes and column pair trends"
    else:  # sdmetrics' nanmean: the shapes alone
        averaged = "Column shapes alone (no pair of columns is related in the real data, so no pair trends)"
    return (
        f"{averaged} is {quality:.0%} (SDMetrics' QualityReport score; 100% = real and synthetic "
        "distributions match)."
    )


def missing_shift(real: pd.Series, synthetic: pd.Series) -> tuple[float, float] | None:
    """A column's shares of missing values in the real and the synthetic rows where they differ, else None.

    They differ when ``MISSING_GAP`` or more apart and more than three standard errors of the difference of
    two shares (pooled), which chance leaves between two samples of one population: 30% missing of 150
    real rows against 36% of 300 synthetic ones is not a change.

    Example:
        >>> missing_shift(pd.Series([1.0, None, None, 4.0]), pd.Series([1.0, 2.0, 3.0, 4.0] * 100))
        (0.5, 0.0)
    """
    missing = real.isna().to_numpy(), synthetic.isna().to_numpy()
    if not (len(missing[0]) and len(missing[1])):
        return None
    shares = float(missing[0].mean()), float(missing[1].mean())
    pooled = (missing[0].sum() + missing[1].sum()) / (len(missing[0]) + len(missing[1]))
    chance = 3.0 * np.sqrt(pooled * (1.0 - pooled) * (1.0 / len(missing[0]) + 1.0 / len(missing[1])))
    return shares if abs(shares[0] - shares[1]) >= max(MISSING_GAP, chance) else None


def quality_verdict(score: float) -> str:
    """Verdict of a quality, column-shape or pair-trend score (0..1), one column's or the average.

    Example:
        >>> quality_verdict(0.9)
        'good'
    """
    return grade(score, QUALITY_GOOD, QUALITY_FAIR)


def _trend_score(value: float, pairs: pd.DataFrame, natural: np.ndarray) -> Score:
    counted = int(pairs["meets_threshold"].sum())
    if not np.isfinite(value):
        meaning = (
            "Not computed, because no pair of columns is clearly related in the real data "
            f"(|r| > {CORRELATION_THRESHOLD} or Cramér's V > {ASSOCIATION_THRESHOLD})."
        )
        return Score("column_pair_trends", "Column pair trends", value, meaning, NOT_COMPUTED)
    judged, lost = int(pairs["beyond_chance"].sum()), int(pairs["lost"].sum())
    meaning = (
        f"SDMetrics' average over the {counted} pair(s) of columns it counts as related in the real data "
        f"(|r| > {CORRELATION_THRESHOLD} or Cramér's V > {ASSOCIATION_THRESHOLD}) is {value:.0%}: 1 - half "
        "the total variation distance between real and synthetic joint frequencies (1 - half the gap between "
        "the two correlations for numeric pairs)"
    )
    if natural.size:
        # graded against real rows, not a fixed bar: "stays near 75% when every relation is gone" beside
        # 68% graded good read as a contradiction, where real rows themselves reach 68% on the table
        level, spread = float(natural.mean()), float(natural.std(ddof=1))
        shortfall = level - value
        meaning += (
            f", graded against what real rows reach here: {level:.0%} (training rows against the hold-out "
            f"rows: the mean of {natural.size} draws of the synthetic table's size, which differ by "
            f"{spread:.1%} as one sample from another); the synthetic data is "
            + (f"{shortfall * 100:.0f} points below that. " if round(shortfall, 2) > 0 else "as high. ")
        )
        verdict = natural_verdict(value, natural)
    else:
        # not a fixed level: a sparse table (a postcode against a merchant) scores low without a relation
        gone = float(pairs.loc[pairs["meets_threshold"], "independent"].mean())
        meaning += (
            f"; the real columns drawn apart (no relation between them, as many rows as the synthetic "
            f"table) score about {gone:.0%} here (one draw: on few rows, binned numbers move it by points). "
        )
        verdict = quality_verdict(value)
    if judged:
        meaning += (
            f"Of these {counted} pair(s), {judged} are related beyond what chance gives columns of as many "
            "rows and levels; relations lost (under half their real strength, |Pearson r| or Cramér's V, in "
            f"the synthetic data): {lost} of those {judged}."
        )
    else:
        meaning += (
            "None of them is related beyond what chance gives columns of as many rows, so none is lost."
        )
    verdict = worst([verdict, lost_verdict(lost, judged)])
    return Score("column_pair_trends", "Column pair trends", value, meaning, verdict)


# The pair-trends average against the natural level: good within NATURAL_GOOD of it, or within
# NATURAL_SPREADS of its draws' standard deviations where chance moves it more, fair within NATURAL_FAIR_MORE
# beyond that, poor further below. Second real samples (loans, adult, covid, shuttle, wage, default; 400 rows
# to a third of each, three seeds) fell at most 0.068 short (default, whose two pairs move 0.02 between
# draws), or 0.23 on shuttle, whose draws differ by 0.11; every column shuffled falls 0.09 (adult, loans and
# covid at 400 rows) to 0.30 short, and its lost relations make it poor (wage's two weak relations shuffled
# cost only 0.02 to 0.10).
NATURAL_GOOD, NATURAL_SPREADS, NATURAL_FAIR_MORE = 0.07, 3.0, 0.1


def natural_verdict(
    value: float, natural: np.ndarray, least: float = NATURAL_GOOD, fair_more: float = NATURAL_FAIR_MORE
) -> str:
    """Verdict of a score by its shortfall below the natural level, the scores of real samples
    (``natural_pair_trends`` by default; ``hour_of_day`` grades its own with its ``least`` and ``fair_more``):
    good within ``least`` of their mean or ``NATURAL_SPREADS`` of their standard deviations, fair within
    ``fair_more`` beyond that, poor further below.

    Example:
        >>> natural_verdict(0.62, np.array([0.64, 0.66, 0.65, 0.65, 0.66]))
        'good'
    """
    good = max(least, NATURAL_SPREADS * float(natural.std(ddof=1)))
    return grade(float(natural.mean()) - value, good, good + fair_more, higher_is_better=False)


# Shares of the pairs related beyond chance that the synthetic data loses: poor from half (most of the
# relations are gone: shuffled columns lose them all yet average 0.76, a fair pair-trends score), fair from
# a fifth (a notable part of them; a good fit loses one of adult's 13, a detail the warning names). On
# fewer than LOST_SHARE_FROM such pairs a share says little (1 of 2 lost is half): a lost pair makes the
# verdict fair there.
LOST_FAIR, LOST_POOR = 0.2, 0.5
LOST_SHARE_FROM = 3


def lost_verdict(lost: int, judged: int) -> str:
    """Verdict of ``lost`` related pairs out of the ``judged`` ones related beyond chance.

    Example:
        >>> lost_verdict(1, 13), lost_verdict(7, 13), lost_verdict(1, 2)
        ('good', 'poor', 'fair')
    """
    if judged < LOST_SHARE_FROM:
        return FAIR if lost else GOOD
    share = lost / judged
    return POOR if share >= LOST_POOR else FAIR if share >= LOST_FAIR else GOOD


def time_split_note(tables: Tables) -> str | None:
    """What a hold-out split by time does to the scores, where the real rows' dates lie outside the
    training rows' range (a sensor log's last ten hours held out): the synthetic rows follow the training
    period, so the dates and the columns that move with them differ from the hold-out by design, and the
    shape, detection and coverage scores read them as the generator's failure. None otherwise."""
    if tables.train is None:
        return None
    for name in tables.metadata.columns_of(ColumnKind.DATETIME):
        spec = tables.metadata.columns[name]
        train, real = tables.train[name].dropna(), tables.real[name].dropna()
        if is_time_of_day(spec.datetime_format) or len(train) < 2 or not len(real):
            continue
        if ((real < train.min()) | (real > train.max())).mean() < TIME_SPLIT_OUTSIDE:
            continue
        ranks = tables.train[tables.numeric].rank()
        moving = [
            other
            for other, rho in ranks.corrwith(ranks[name]).items()
            if other != name and abs(rho) >= MOVES_WITH_TIME
        ]
        zone = tables.zones.get(name)
        periods = [value_range_text(rows.min(), rows.max(), spec, True, zone) for rows in (real, train)]
        with_it = f" and the columns that move with it ({', '.join(moving)})" if moving else ""
        return (
            f"the real rows' {name} ({periods[0]}) lies outside the training rows' ({periods[1]}): a "
            f"hold-out split by time. The synthetic rows follow the training period, so {name}{with_it} "
            "differ from the hold-out by design, and their shape, detection and coverage scores judge the "
            "split, not the generator; to judge those columns, evaluate against real rows of the training "
            "period"
        )
    return None


def lost_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs marked ``lost``: related beyond chance in the real data, and under half that strength in
    the synthetic data (or none: a column left with one value there)."""
    return pairs[pairs["lost"]]


def _validity_score(valid: pd.DataFrame) -> Score:
    value = _mean(valid["score"])
    meaning = (
        f"{value:.1%} of synthetic values are plausible: inside the real range (numbers) or a category "
        "the real data has (categories)."
    )
    return Score("validity", "Validity", value, meaning, grade(value, 0.99, 0.95))


def _fidelity_warnings(
    tables: Tables, shapes: pd.DataFrame, valid: pd.DataFrame, pairs: pd.DataFrame
) -> list[str]:
    found = list(tables.notes)
    split = time_split_note(tables)
    if split is not None:
        found.append(split)
    empty = [name for name in tables.columns if tables.synthetic[name].isna().all()]
    if empty:
        found.append(f"column(s) {empty} are empty in the synthetic data; their shapes score 0")
    # worst first, as the report draws them: in column order the worst hid among the rest
    weak = shapes[shapes["score"] < QUALITY_FAIR].sort_values("score", kind="stable")
    if len(weak):
        listed = ", ".join(f"{r.column} ({r.score:.2f})" for r in weak.itertuples())
        found.append(f"columns whose distribution differs most from the real one, worst first: {listed}")
    shifted = [(name, missing_shift(tables.real[name], tables.synthetic[name])) for name in tables.columns]
    listed = ", ".join(
        f"{name} ({shares[0]:.0%} of real, {shares[1]:.0%} of synthetic rows)"
        for name, shares in shifted
        if shares is not None
    )
    if listed:
        found.append(
            "columns whose share of missing values differs, which their shape scores leave out (as in "
            f"SDMetrics): {listed}"
        )
    invalid = valid[valid["score"] < 0.99]
    if len(invalid):
        listed = ", ".join(f"{r.column} ({1 - r.score:.1%} outside)" for r in invalid.itertuples())
        found.append(f"columns with values the real data never shows: {listed}")
    # the score leaves these pairs out, as sdmetrics does, so a generator that flattened a column keeps
    # a pair-trends score blind to the relation it lost: name them
    unscored = pairs[
        (pairs["metric"] == CORRELATION)
        & ~pairs["meets_threshold"]
        & (pairs["real"].abs() > CORRELATION_THRESHOLD)
        & pairs["synthetic"].isna()
    ]
    if len(unscored):
        listed = ", ".join(
            f"{r.column_1} & {r.column_2} (real r {decimal_text(r.real, 2)})" for r in unscored.itertuples()
        )
        found.append(
            f"pairs related in the real data but left out of the column pair trends (as in SDMetrics): the "
            f"synthetic data gives them no correlation (a column constant or empty there): {listed}"
        )
    lost = lost_pairs(pairs).sort_values("real", key=abs, ascending=False)
    if len(lost):
        listed = ", ".join(
            f"{r.column_1} & {r.column_2} ({STRENGTH[r.metric]} {decimal_text(r.real, 2)} real, "
            + (
                f"{decimal_text(r.synthetic, 2)} synthetic)"
                if np.isfinite(r.synthetic)
                else "none synthetic: a column holds a single value there)"
            )
            for r in lost.head(_LISTED).itertuples()
        )
        more = f" and {len(lost) - _LISTED} more" if len(lost) > _LISTED else ""
        found.append(
            f"pairs related in the real data beyond chance that keep less than half of that strength in the "
            f"synthetic data, strongest first: {listed}{more}"
        )
    return found


def _association_matrices(tables: Tables, pairs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Square real / synthetic matrices of the pair statistics (r or Cramér's V) for the heat maps."""
    names = tables.columns
    position = {name: i for i, name in enumerate(names)}
    rows = pairs["column_1"].map(position).to_numpy(dtype=int)
    cols = pairs["column_2"].map(position).to_numpy(dtype=int)
    out = {}
    for side in ("real", "synthetic"):
        matrix = np.eye(len(names))
        matrix[rows, cols] = matrix[cols, rows] = pairs[side].to_numpy(dtype=float)
        out[side] = pd.DataFrame(matrix, index=names, columns=names)
    return out


# -- hour of day (not in the QualityReport) -------------------------------------------------------------
# A datetime column's shape is 1 - KS over its whole span: three months of stamps whose daily cycle was
# gone (6.5% of synthetic rows in hours 0-4 against 3.4% of real ones) scored 0.98, as the hours are lost in
# the dates. The columns generators learn as a day and a time of day (``DailyCycle``) are compared by the
# hour of day too: 1 - the total variation distance of the 24 hours' shares, on the column's own clock, as
# SDMetrics scores categories. Hours as categories and not a KS on the seconds since midnight: a day is a
# circle, and a KS cut at midnight scores stamps moved from 23:00 to 01:00 as far as ones moved to noon.
HOURS, WEEKDAYS = 24, 7
_HOUR = 3600
_EPOCH_WEEKDAY = 3  # 1970-01-01, day 0 of the epoch, was a Thursday (Monday = 0)
WINDOW_HOURS = 5  # the run of hours a finding names: where the real and synthetic shares differ most
# Graded by the shortfall below what real samples of the synthetic table's size reach against the real
# rows (``natural_verdict``): good within HOUR_GOOD (or three of the draws' standard deviations), fair
# within HOUR_FAIR_MORE beyond that, poor further below. On 3 months of transactions (3,000 hold-out rows,
# 12,000 synthetic) real draws reach 0.969 (standard deviation 0.004); the copula and ddpm that had lost the
# daily cycle (6.5% and 6.2% of rows in hours 0-4 against 3.4%) 0.933 and 0.944, fair; hours drawn evenly
# 0.713, poor. The pair trends' bars (0.07, 0.1) would have called all but the last good: a 24-bin
# histogram of thousands of rows is far steadier than an average of pair scores.
HOUR_GOOD, HOUR_FAIR_MORE = 0.02, 0.05


def clock_codes(stamps: pd.Series, zone: Any) -> tuple[np.ndarray, np.ndarray]:
    """Each stamp's hour of day (0-23) and weekday (Monday 0) on ``zone``'s clock (None: as written), -1
    where missing; ``stamps`` are cleaned datetimes, UTC seconds since the epoch."""
    seconds = stamps.to_numpy(dtype=float)
    present = np.isfinite(seconds)
    hours, weekdays = np.full(seconds.size, -1), np.full(seconds.size, -1)
    wall = wall_seconds(seconds[present], zone)
    hours[present] = np.floor(wall / _HOUR).astype(np.int64) % HOURS
    weekdays[present] = (np.floor(wall / DAY).astype(np.int64) + _EPOCH_WEEKDAY) % WEEKDAYS
    return hours, weekdays


def daily_cycle_columns(tables: Tables) -> list[str]:
    """The datetime columns whose real stamps show a daily cycle, as a generator's encoder decides it
    (``DailyCycle.shown_by``: a time of day, not all on midnight, on several days)."""
    known = tables.all_real()
    found = []
    for name in tables.metadata.columns_of(ColumnKind.DATETIME):
        present = known[name].dropna().to_numpy(dtype=float)
        if present.size and DailyCycle.shown_by(present, tables.zones.get(name)):
            found.append(name)
    return found


def shares(codes: np.ndarray, levels: int) -> np.ndarray:
    """Each level's share of the present codes (those >= 0)."""
    present = codes[codes >= 0]
    return np.bincount(present, minlength=levels) / max(present.size, 1)


def widest_gap(real: np.ndarray, synthetic: np.ndarray) -> tuple[int, float, float]:
    """The run of ``WINDOW_HOURS`` hours (around midnight too) whose real and synthetic shares differ most:
    its first hour, and the real and the synthetic share of rows in it."""
    window = (np.arange(HOURS)[:, None] + np.arange(WINDOW_HOURS)) % HOURS
    real_in, synthetic_in = real[window].sum(axis=1), synthetic[window].sum(axis=1)
    first = int(np.argmax(np.abs(synthetic_in - real_in)))
    return first, float(real_in[first]), float(synthetic_in[first])


def hours_text(first: int) -> str:
    """A run of ``WINDOW_HOURS`` hours from ``first``, as "hours 0-4" or "hours 22-2"."""
    return f"hours {first}-{(first + WINDOW_HOURS - 1) % HOURS}"


def hour_of_day(
    tables: Tables, random_state: int = 0
) -> tuple[pd.DataFrame, dict[str, dict[str, np.ndarray]]]:
    """Hour-of-day shape of each datetime column with a daily cycle (``daily_cycle_columns``), graded
    against what real rows reach.

    The score is 1 - the total variation distance of the 24 hours' shares (``tv_complement``). Its natural
    level: the same score of the training rows' ``natural_draws`` against the real rows; without training
    rows, of the real rows drawn (with replacement) to the synthetic table's size against the real rows
    drawn to their own, so that both samples' chance is in it.

    Returns:
        One row per column: ``column``, ``score``, ``natural`` (the draws' mean), ``spread`` (their standard
        deviation), ``verdict``, ``hours`` (the run of ``WINDOW_HOURS`` hours where the shares differ most),
        ``real_share`` and ``synthetic_share`` of rows in it; and per column the shares the figure draws:
        ``real`` / ``synthetic`` by hour, ``real_weekdays`` / ``synthetic_weekdays`` by weekday.

    Example:
        >>> hour_of_day(prepare(holdout, synthetic, train=train))[0][["column", "score", "verdict"]]
            column     score verdict
        0  timestamp  0.933    fair
    """
    columns = ["column", "score", "natural", "spread", "verdict", "hours", "real_share", "synthetic_share"]
    rows, drawn = [], {}
    draws = natural_draws(tables, random_state)
    rng = np.random.default_rng(random_state)
    for name in daily_cycle_columns(tables):
        zone = tables.zones.get(name)
        (real, real_days), (synthetic, synthetic_days) = (
            clock_codes(tables.real[name], zone),
            clock_codes(tables.synthetic[name], zone),
        )
        score = tv_complement(real, synthetic, HOURS)
        if not np.isfinite(score):  # a side without stamps: the empty column is named on its own
            continue
        if draws:
            pool = clock_codes(tables.train[name], zone)[0]
            levels = [tv_complement(real, pool[draw], HOURS) for draw in draws]
        else:
            size = len(tables.synthetic)
            levels = [
                tv_complement(
                    real[rng.integers(0, real.size, real.size)], real[rng.integers(0, real.size, size)], HOURS
                )
                for _ in range(NATURAL_DRAWS)
            ]
        natural = np.array(levels)[np.isfinite(levels)]
        verdict = (
            natural_verdict(score, natural, HOUR_GOOD, HOUR_FAIR_MORE)
            if natural.size >= 2
            else quality_verdict(score)
        )
        figure = {"real": shares(real, HOURS), "synthetic": shares(synthetic, HOURS)}
        figure |= {
            "real_weekdays": shares(real_days, WEEKDAYS),
            "synthetic_weekdays": shares(synthetic_days, WEEKDAYS),
        }
        first, real_share, synthetic_share = widest_gap(figure["real"], figure["synthetic"])
        level = float(natural.mean()) if natural.size else float("nan")
        spread = float(natural.std(ddof=1)) if natural.size >= 2 else float("nan")
        rows.append([name, score, level, spread, verdict, hours_text(first), real_share, synthetic_share])
        drawn[name] = figure
    table = pd.DataFrame(rows, columns=columns).astype({"score": float, "natural": float, "spread": float})
    return table, drawn


def hour_of_day_finding(row: Any) -> str:
    """One line on a column's hour-of-day shape, ``hour_of_day``'s row: where it is most apart, then the
    score and what real rows reach."""
    return (
        f"{row.column}: {row.synthetic_share:.1%} of synthetic rows fall in {row.hours} against "
        f"{row.real_share:.1%} of real ones; hour-of-day shape {row.score:.2f} ({row.verdict}; real rows "
        f"reach {row.natural:.2f})"
    )


def _hour_score(table: pd.DataFrame) -> Score:
    """The worst column's hour-of-day shape as one score, its meaning naming the column."""
    row = next(table.sort_values("score", kind="stable").itertuples())
    which = (
        f"Of the {len(table)} datetime columns with a daily cycle, {row.column}'s "
        if len(table) > 1
        else (f"{row.column}: its ")
    )
    shortfall = row.natural - row.score
    meaning = (
        f"{which}real and synthetic stamps share {row.score:.0%} of their hour-of-day profile (1 - the total "
        "variation distance of the 24 hours' shares, on the column's own clock; its column shape compares "
        f"whole stamps, where the hours are lost in the dates), graded against what real rows reach here: "
        f"{row.natural:.0%} (real samples of the synthetic table's size against the real rows, which differ "
        f"by {row.spread:.1%} as one sample from another); the synthetic data is "
        + (f"{shortfall * 100:.0f} points below that. " if round(shortfall, 2) > 0 else "as high. ")
        + f"Most apart: {row.hours}, {row.real_share:.1%} of real and {row.synthetic_share:.1%} of synthetic "
        "rows."
    )
    return Score("hour_of_day", "Hour of day", row.score, meaning, worst(table["verdict"]))
