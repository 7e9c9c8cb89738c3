"""Diversity and coverage: does the synthetic data stay where real data lives, and reach all of it?

* Precision / recall / density / coverage (Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics
  for Generative Models"): each row's k-nearest-neighbour ball (k = 5) in its own table approximates the
  data's support. Precision: share of synthetic rows inside some real ball; recall: share of real rows
  inside some synthetic ball; density: how many real balls hold a synthetic row on average, / k (about 1
  when the distributions match); coverage: share of real rows whose ball holds a synthetic row. Balls are
  closed (distance <= radius) because tables have exact duplicates, whose radius is 0.
* Alpha-precision / beta-recall (Alaa et al. 2022, "How Faithful is your Synthetic Data?"), in the shared
  encoding centred on the real mean (synthcity's "naive" variant): alpha-precision compares, for each
  alpha, the share of synthetic rows inside the real alpha-support with alpha; beta-recall the share of
  real rows reached by synthetic rows inside the synthetic beta-support with beta; each curve is
  integrated as 1 - 2 * area between the curve and the diagonal (1 = ideal).
* Per-category coverage and numeric modes: a category holding at least 1% of real rows, or a value range
  holding at least 5% of them, that the synthetic data misses is a sign of mode collapse.
* Value piles: one exact value of a numeric or datetime column that holds at least 5% of the synthetic
  rows and 10x its real share (a day most synthetic admissions fall on, an amount clipped to its minimum)
  is a collapse the ranges above do not see: the value's range holds the real rows too.

The neighbour-based measures (PRDC, alpha-precision / beta-recall), the distinct-row share and the 2-D
embedding use subsamples of at most ``MAX_ROWS`` rows per table, of equal size; per-category coverage,
numeric modes, value piles and the most repeated row count every row, so a rare category or a collapse
is not lost to sampling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import beta, binom
from sklearn.decomposition import PCA

from synthloom.data.encoders import value_text
from synthloom.data.metadata import ColumnKind, is_time_of_day, writes_seconds
from synthloom.metrics.encoding import (
    TableEncoder,
    Tables,
    bin_edges,
    distance_chunks,
    distinct_share,
    nearest_neighbours,
    subsample_index,
    value_range_text,
)
from synthloom.metrics.result import FamilyResult, Measure, grade, measured

MAX_ROWS = 5_000
K_NEIGHBOURS = 5
N_ALPHAS = 31
EMBEDDING_POINTS = 2_000  # per table in the 2-D scatter: more only hides the picture
MIN_CATEGORY_SHARE = 0.01  # a real category this common must appear in synthetic data
# ... when a faithful sample of the synthetic table's size would miss it less often than this: at 100 rows
# a 1% category is absent from 37% of faithful samples, so its absence says nothing there
CHANCE_OF_MISSING = 1e-3
REPEATED_ROW_SHARE = 0.05  # one synthetic row this common (and 5x the real data's most repeated) is collapse
MODE_BINS = 20
MIN_MODE_SHARE = 0.05  # a value range holding this share of real rows is a mode
MODE_KEPT = 0.2  # a mode is missing when synthetic data puts under 20% of the real share there
PILE_SHARE = 0.05  # one exact value holding this share of a synthetic numeric column's values ...
PILE_RATIO = 10.0  # ... and this many times its real share is a pile


def prdc(real: np.ndarray, synthetic: np.ndarray, k: int = K_NEIGHBOURS) -> dict[str, float]:
    """Precision, recall, density and coverage of Naeem et al. (2020) on encoded rows.

    Example:
        >>> prdc(encoded_real, encoded_real.copy())["coverage"]
        1.0
    """
    # in float64: float32 image features lose the small distances to rounding in |q|^2 + |r|^2 - 2 q.r
    real, synthetic = np.asarray(real, dtype=np.float64), np.asarray(synthetic, dtype=np.float64)
    real_radius = nearest_neighbours(real, real, k, exclude_self=True)[0][:, -1]
    synthetic_radius = nearest_neighbours(synthetic, synthetic, k, exclude_self=True)[0][:, -1]
    in_real_ball = np.zeros(len(synthetic), dtype=bool)
    balls_holding = np.zeros(len(synthetic))
    real_reached = np.zeros(len(real), dtype=bool)
    real_covered = np.zeros(len(real), dtype=bool)
    for rows, distances in distance_chunks(synthetic, real):  # (synthetic rows, real rows)
        inside = distances <= real_radius[None, :]
        in_real_ball[rows] = inside.any(axis=1)
        balls_holding[rows] = inside.sum(axis=1)
        real_covered |= inside.any(axis=0)
        real_reached |= (distances <= synthetic_radius[rows, None]).any(axis=0)
    return {
        "precision": float(in_real_ball.mean()),
        "recall": float(real_reached.mean()),
        "density": float(balls_holding.sum() / (k * len(synthetic))),
        "coverage": float(real_covered.mean()),
    }


def alpha_precision_beta_recall(real: np.ndarray, synthetic: np.ndarray) -> dict[str, float]:
    """Integrated alpha-precision and beta-recall of Alaa et al. (2022), "naive" embedding.

    Example:
        >>> alpha_precision_beta_recall(encoded_real, encoded_synthetic)
        {'alpha_precision': 0.93, 'beta_recall': 0.41}
    """
    alphas = np.linspace(0.0, 1.0, N_ALPHAS)
    real_center = real.mean(axis=0)
    radii = np.quantile(np.linalg.norm(real - real_center, axis=1), alphas)
    synthetic_to_center = np.linalg.norm(synthetic - real_center, axis=1)
    precision_curve = (synthetic_to_center[None, :] <= radii[:, None]).mean(axis=1)

    real_to_real = nearest_neighbours(real, real, 1, exclude_self=True)[0][:, 0]
    real_to_synthetic, nearest = nearest_neighbours(real, synthetic, 1)
    # a real row is reached when its nearest synthetic row is closer than its nearest real neighbour ...
    reached = real_to_synthetic[:, 0] <= real_to_real
    # ... and that synthetic row lies inside the synthetic beta-support
    support_distance = np.linalg.norm(synthetic[nearest[:, 0]] - synthetic.mean(axis=0), axis=1)
    beta_radii = np.quantile(support_distance, alphas)
    recall_curve = (reached[None, :] & (support_distance[None, :] <= beta_radii[:, None])).mean(axis=1)
    return {
        "alpha_precision": float(1.0 - 2.0 * np.trapezoid(np.abs(precision_curve - alphas), alphas)),
        "beta_recall": float(1.0 - 2.0 * np.trapezoid(np.abs(recall_curve - alphas), alphas)),
    }


def category_coverage(tables: Tables) -> pd.DataFrame:
    """Per discrete column: real categories holding >= 1% of rows, and those the synthetic data lacks.

    A category counts only where a faithful synthetic table of this size would hold it (it would miss it
    with a chance under ``CHANCE_OF_MISSING``): on small tables, rare categories are absent by chance. The
    real share is itself an estimate (``_neglected_by_chance``): taken as exact, 8 of 150 real rows (5.3%)
    made a category 150 synthetic rows lack a collapse, where two honest draws of 150 rows leave one
    without a category the other holds 8 times one time in 256.

    Example:
        >>> category_coverage(prepare(real, collapsed)).loc[0, "missing"]
        'Divorced, Widowed'
    """
    rows = []
    for name in tables.discrete:
        counts = tables.real[name].value_counts()
        shares = counts / counts.sum()
        missed_by_chance = (1 - shares) ** len(tables.synthetic)
        not_chance = [
            not _neglected_by_chance(count, len(tables.real), 0, len(tables.synthetic)) for count in counts
        ]
        common = shares[
            (shares >= MIN_CATEGORY_SHARE) & (missed_by_chance < CHANCE_OF_MISSING) & np.array(not_chance)
        ].index
        present = set(tables.synthetic[name].dropna().unique())
        missing = [str(tables.written_level(name, c)) for c in common if c not in present]
        rows.append(
            {
                "column": name,
                "real_categories": len(common),
                "covered": len(common) - len(missing),
                "coverage": (len(common) - len(missing)) / len(common) if len(common) else float("nan"),
                "missing": ", ".join(missing),
            }
        )
    return pd.DataFrame(rows, columns=["column", "real_categories", "covered", "coverage", "missing"])


def numeric_modes(tables: Tables) -> pd.DataFrame:
    """Per numeric column: value ranges holding >= 5% of real rows, and those synthetic data neglects.

    A column's neglected ranges count only where real and synthetic rows this many would share them out
    so unevenly with a chance under ``CHANCE_OF_MISSING`` (``_neglected_by_chance``): 20 synthetic rows put
    none in a 10% range one time in eight, while 50 rows all in one range are no chance. Adjacent lost
    ranges are named as one ("88.31 to 97.68").
    """
    rows = []
    for name, spec in tables.metadata.columns.items():
        if name not in tables.numeric:
            continue
        real = tables.real[name].dropna().to_numpy()
        synthetic = tables.synthetic[name].dropna().to_numpy()
        edges = bin_edges(real, MODE_BINS)
        real_count = np.histogram(real, edges)[0]
        real_share = real_count / max(1, real.size)
        synthetic_count = np.histogram(synthetic, edges)[0]
        modes = real_share >= MIN_MODE_SHARE
        neglected = modes & (synthetic_count < MODE_KEPT * real_share * synthetic.size)
        # the training rows, where given, are real rows the bins were not drawn on: more evidence of how
        # common a range is, free of the choice of the ranges the real rows hold most of
        if tables.train is not None:
            train = tables.train[name].dropna().to_numpy()
            real_count = real_count + np.histogram(train, edges)[0]
            real_rows = real.size + train.size
        else:
            real_rows = real.size
        found = neglected.any() and not _neglected_by_chance(
            int(real_count[neglected].sum()), real_rows, int(synthetic_count[neglected].sum()), synthetic.size
        )
        lost = np.flatnonzero(neglected) if found else np.array([], dtype=int)
        last = len(edges) - 2
        zone = tables.zones.get(name)
        ranges = [
            value_range_text(edges[first], edges[end + 1], spec, end == last, zone)
            for first, end in _runs(lost)
        ]
        rows.append(
            {
                "column": name,
                "modes": int(modes.sum()),
                "covered": int(modes.sum()) - len(lost),
                "missing": ", ".join(ranges),
            }
        )
    return pd.DataFrame(rows, columns=["column", "modes", "covered", "missing"])


def _neglected_by_chance(real_count: int, real_rows: int, synthetic_count: int, synthetic_rows: int) -> bool:
    """Whether ``synthetic_count`` of ``synthetic_rows`` beside ``real_count`` of ``real_rows`` in the same
    ranges can be chance (a chance of at least ``CHANCE_OF_MISSING``) for two samples of one distribution.

    Of the rows in the ranges, each is synthetic with the synthetic table's share of all rows whatever the
    ranges' true share (a conditional binomial test): the real share is itself an estimate. Taken as exact,
    10 of 150 real rows (a 6.7% range) made 1 of 150 synthetic rows a collapse one time in 2,700, where two
    honest draws of 150 rows share 11 rows out so unevenly one time in 170; 5 of 40 such pairs of honest
    tables were called collapsed.
    """
    in_ranges = real_count + synthetic_count
    synthetic_share = synthetic_rows / (real_rows + synthetic_rows)
    return bool(binom.cdf(synthetic_count, in_ranges, synthetic_share) >= CHANCE_OF_MISSING)


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Ascending bin indices as (first, last) of each run of adjacent ones: [3, 4, 7] -> [(3, 4), (7, 7)]."""
    breaks = np.flatnonzero(np.diff(indices) != 1)
    starts = np.r_[indices[:1], indices[breaks + 1]]
    ends = np.r_[indices[breaks], indices[-1:]]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def value_piles(tables: Tables) -> list[tuple[str, float, float, float]]:
    """Per numeric or datetime column, the exact value synthetic rows pile on, where there is one: held by
    at least ``PILE_SHARE`` of the synthetic values and ``PILE_RATIO`` times its share of the real values.

    Every value that common is weighed, not only the most common one: TVAE's 14% of end dates on the first
    real one (0.05% of real rows) came second to an open end's 9999-12-31, which real rows hold as often.
    The real share is an estimate: a value also counts only where a faithful sample of the synthetic
    column's size would hold it as often with a chance under ``CHANCE_OF_MISSING`` even at the highest
    real share the real rows allow (by that same chance), so that 3 real rows of 500 and none of another
    500 are no pile.

    Returns:
        (column, value, synthetic share, real share) per column with a pile, its largest one; values of
        datetime columns as ``prepare`` leaves them (seconds since the epoch).
    """
    piles = []
    for name in tables.numeric:
        real = tables.real[name].dropna().to_numpy()
        synthetic = tables.synthetic[name].dropna()
        if not real.size or not synthetic.size:
            continue
        counts = synthetic.value_counts()  # most common first
        for value, copies in counts[counts >= PILE_SHARE * synthetic.size].items():  # 20 at most
            held = int(np.count_nonzero(real == value))
            share, real_share = copies / synthetic.size, held / real.size
            highest = beta.ppf(1 - CHANCE_OF_MISSING, held + 1, real.size - held) if held < real.size else 1.0
            if (
                share >= PILE_RATIO * real_share
                and binom.sf(copies - 1, synthetic.size, highest) < CHANCE_OF_MISSING
            ):
                piles.append((name, float(value), float(share), float(real_share)))
                break
    return piles


def _pile_text(tables: Tables, pile: tuple[str, float, float, float]) -> str:
    """One pile as the warning names it: the column, its value as the column writes it, both shares."""
    name, value, share, real_share = pile
    spec = tables.metadata.columns[name]
    dates = spec.kind == ColumnKind.DATETIME
    written = value_text(
        value,
        dates=dates,
        clock=dates and is_time_of_day(spec.datetime_format),
        zone=tables.zones.get(name),
        seconds=writes_seconds(spec.datetime_format),
    )
    real = tables.real[name]
    # a value at the real minimum or maximum is where a generator's values beyond the real range land
    ends = {real.min(): " (the real minimum)", real.max(): " (the real maximum)"}
    end = ends.get(value, "")
    real_text = f"{real_share:.1%} of real ones" if real_share else "no real one"
    return f"{name}: {written}{end} holds {share:.0%} of synthetic values, {real_text}"


def diversity(tables: Tables, random_state: int = 0) -> FamilyResult:
    """Diversity family: PRDC, alpha-precision / beta-recall, category and mode coverage, embedding.

    Example:
        >>> diversity(prepare(real_test, synthetic)).score("coverage").value
        0.88
    """
    rng = np.random.default_rng(random_state)
    n = min(len(tables.real), len(tables.synthetic), MAX_ROWS)
    real = tables.real.iloc[subsample_index(len(tables.real), n, rng)]
    synthetic = tables.synthetic.iloc[subsample_index(len(tables.synthetic), n, rng)]
    encoder = TableEncoder(tables.numeric, tables.discrete).fit(real, synthetic)
    real_x, synthetic_x = encoder.transform(real), encoder.transform(synthetic)
    values = {**prdc(real_x, synthetic_x), **alpha_precision_beta_recall(real_x, synthetic_x)}
    categories, modes = category_coverage(tables), numeric_modes(tables)
    values["category_coverage"] = _category_share(categories)
    values["distinct_rows"] = distinct_share(synthetic) / max(distinct_share(real), 1e-12)
    repeated = _repeated_row(tables.synthetic, tables.real)
    piles = [_pile_text(tables, pile) for pile in value_piles(tables)]
    return FamilyResult(
        "diversity",
        scores=measured(_MEASURES, values),
        tables={"category_coverage": categories, "numeric_modes": modes},
        warnings=_collapse_warnings(values, categories, modes, repeated, piles) + _repeated_keys(tables),
        extras={"embedding": _embedding(real_x, synthetic_x, random_state)},
    )


def _category_share(categories: pd.DataFrame) -> float:
    total = categories["real_categories"].sum()
    return float(categories["covered"].sum() / total) if total else float("nan")


def _repeated_row(synthetic: pd.DataFrame, real: pd.DataFrame) -> tuple[float, float] | None:
    """The shares of the most repeated synthetic row and real row, where the synthetic one is a sign of
    collapse: ``REPEATED_ROW_SHARE`` of the rows or more, over 5x the real one's share, and more copies than
    a faithful sample of this size would hold of any real row (by a chance under ``CHANCE_OF_MISSING``: in
    20 rows each row is 5%)."""
    copies = int(synthetic.value_counts(dropna=False).iloc[0])
    synthetic_top = copies / len(synthetic)
    real_top = float(real.value_counts(dropna=False).iloc[0] / len(real))
    # union bound over the real rows: the chance that some row reaches ``copies`` copies
    by_chance = len(real) * binom.sf(copies - 1, len(synthetic), real_top)
    if synthetic_top >= REPEATED_ROW_SHARE and synthetic_top > 5 * real_top and by_chance < CHANCE_OF_MISSING:
        return synthetic_top, real_top
    return None


def _repeated_keys(tables: Tables) -> list[str]:
    """A warning per identifier column whose real values are unique (a key) and whose synthetic ones
    repeat: such rows join another table twice, or fail a primary key on loading."""
    found = []
    for name, by_table in tables.identifiers.items():
        real = pd.concat([ids for table, ids in by_table.items() if table != "synthetic"])
        synthetic = by_table["synthetic"]
        if real.empty or real.duplicated().any() or not synthetic.duplicated().any():
            continue
        rows = int(synthetic.duplicated(keep=False).sum())
        found.append(
            f"Repeated keys: column {name!r} holds {synthetic.nunique():,} ids over {len(synthetic):,} "
            f"synthetic rows ({rows:,} rows share an id with another), where every real row's id is its "
            "own; a key that repeats joins no other table reliably."
        )
    return found


def _density_verdict(v: dict[str, float]) -> str:
    """Density is best at 1: judge how far it is from 1, by ratio, in either direction."""
    return grade(abs(np.log(max(v["density"], 1e-12))), np.log(1.25), np.log(2.0), higher_is_better=False)


_MEASURES = (
    Measure(
        "coverage",
        "Coverage",
        "{coverage:.0%} of real rows have a synthetic row among their nearest real neighbours "
        "(Naeem et al.; about 97% when both come from one distribution).",
        lambda v: grade(v["coverage"], 0.9, 0.7),
    ),
    Measure(
        "precision",
        "Precision",
        "{precision:.0%} of synthetic rows lie within the neighbourhood of a real row, all columns "
        f"together (Naeem et al.: as close to it as its k-th nearest real row, k = {K_NEIGHBOURS}). "
        "Numbers are compared by their rank in the real data, so a value beyond the real range counts as "
        "the real extreme: Validity counts those.",
        lambda v: grade(v["precision"], 0.8, 0.6),
    ),
    Measure(
        "recall",
        "Recall",
        "{recall:.0%} of real rows lie within the neighbourhood of a synthetic row, all columns together "
        f"(as close to it as its k-th nearest synthetic row, k = {K_NEIGHBOURS}).",
        lambda v: grade(v["recall"], 0.8, 0.6),
    ),
    Measure(
        "density",
        "Density",
        "Synthetic rows sit in {density:.2f}x as many real neighbourhoods as real rows do "
        "(1 = same concentration; above 1, synthetic rows crowd the dense regions).",
        _density_verdict,
    ),
    Measure(
        "alpha_precision",
        "Alpha-precision",
        "Integrated alpha-precision {alpha_precision:.2f}: synthetic rows fill the real data's "
        "typical-to-rare regions in the right proportions (1 = ideal).",
        lambda v: grade(v["alpha_precision"], 0.8, 0.6),
    ),
    Measure(
        "beta_recall",
        "Beta-recall",
        "Integrated beta-recall {beta_recall:.2f}: how fully synthetic rows reach the real rows "
        "(1 = ideal; below about 0.5 is common for tabular generators).",
        lambda v: grade(v["beta_recall"], 0.6, 0.35),
    ),
    Measure(
        "category_coverage",
        "Category coverage",
        "{category_coverage:.0%} of real categories (those with at least 1% of rows) appear in the "
        "synthetic data.",
        lambda v: grade(v["category_coverage"], 1.0, 0.9),
    ),
    Measure(
        "distinct_rows",
        "Distinct rows (vs real)",
        "The synthetic data has {distinct_rows:.2f}x the real share of distinct rows "
        "(well below 1 = rows repeated, a sign of mode collapse).",
        lambda v: grade(v["distinct_rows"], 0.9, 0.5),
    ),
)


def _collapse_warnings(
    values: dict[str, float],
    categories: pd.DataFrame,
    modes: pd.DataFrame,
    repeated: tuple[float, float] | None,
    piles: list[str],
) -> list[str]:
    lost = [f"{r.column}: {r.missing}" for r in categories.itertuples() if r.missing]
    lost += [f"{r.column}: {r.missing}" for r in modes.itertuples() if r.missing]
    found = []
    if lost:
        found.append(
            "Mode collapse: the synthetic data misses categories or value ranges common in the real "
            "data — " + "; ".join(lost)
        )
    if values["coverage"] < 0.5:
        found.append(
            f"Low coverage: only {values['coverage']:.0%} of real rows have a synthetic row among their "
            "nearest neighbours; whole regions of the real data are missing or poorly reproduced."
        )
    if repeated is not None:
        synthetic_top, real_top = repeated
        found.append(
            f"Mode collapse: one row makes up {synthetic_top:.0%} of the synthetic rows (the real data's "
            f"most repeated row: {real_top:.1%})."
        )
    elif values["distinct_rows"] < 0.5:
        found.append("Mode collapse: synthetic rows repeat far more often than real rows do.")
    if piles:
        found.append(
            "Mode collapse: synthetic values pile on one value that real values seldom hold — "
            + "; ".join(piles)
            + ". Train the model longer or try another one; a pile on the real minimum or maximum is "
            "values drawn beyond the real range clipped onto it, so check rules that bound the column too."
        )
    return found


def _embedding(real_x: np.ndarray, synthetic_x: np.ndarray, random_state: int) -> dict[str, np.ndarray]:
    """2-D PCA of both tables, fitted on the real rows, for the scatter plot."""
    rng = np.random.default_rng(random_state)
    pca = PCA(n_components=min(2, real_x.shape[1]), random_state=random_state).fit(real_x)
    real_points = pca.transform(real_x[subsample_index(len(real_x), EMBEDDING_POINTS, rng)])
    synthetic_points = pca.transform(synthetic_x[subsample_index(len(synthetic_x), EMBEDDING_POINTS, rng)])
    return {"real": real_points, "synthetic": synthetic_points, "explained": pca.explained_variance_ratio_}
