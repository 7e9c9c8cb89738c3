"""Privacy: do synthetic rows reveal the rows the generator was trained on?

Each check is set against hold-out rows (real rows the generator never saw), so that what is natural for
this data is not mistaken for a leak:

* Distance to closest record (DCR): the share of synthetic rows closer to a training row than to any
  hold-out row (ties count half), next to the same share for hold-out rows themselves (each compared with
  the other hold-out rows). That baseline is 50% when both tables have the same size and absorbs the
  difference when they do not; a synthetic share well above it means the generator memorised rows.
* Nearest-neighbour distance ratio (NNDR): distance to the nearest training row / to the second nearest.
  Near 0 = a synthetic row singles out one training row. Compared with the hold-out rows' own NNDR; a low
  median is judged only when more synthetic rows fall below the hold-out's median than chance gives for
  their number of distinct rows (one row repeated 400 times is one draw).
* Exact copies: the share of synthetic rows equal to some training row, next to the share of hold-out
  rows that are (real data has natural duplicates), and the share of training rows the synthetic rows
  reproduce. Judged on the rows equal to training rows and to no hold-out row, against the hold-out rows
  equal to training rows and to no other hold-out row: a row drawn without memory is one more unseen real
  row, and matches one set only as often as they do (for combinations that are not rare, more often the
  larger set than its size gives). Computed on every row.
* Exact copies of hold-out rows: the same test the other way round (the training rows, unseen by the
  hold-out, give the natural level). Rows the generator never saw cannot be copied, so synthetic rows
  matching hold-out rows beyond that level mean the synthetic table holds real records (the generator saw
  the hold-out, or the file is real data); the distance measures, which take the hold-out as unseen, are
  then not judged.
* Exact copies of real rows: the share of (distinct) synthetic rows equal to a real row of either set,
  next to the share of hold-out rows equal to another real row (their natural level). Real rows resampled,
  or a generator fitted on all the real rows, copy both sets: when the two tests above both find their set
  copied, or neither does but real rows are copied far above the natural level (over three times it,
  beyond chance), the synthetic table holds real records; both copy scores are then poor and the distance
  measures not judged.
* Membership inference: an attacker scores each real row by its distance to the closest synthetic row and
  guesses "member" for close rows; the ROC-AUC of telling training rows from hold-out rows (0.5 = no better
  than a coin).
* Training identifiers reused: the share of synthetic rows whose identifier (an id, a name: unique text, not
  compared as data) is a training row's, next to the share that would be by chance (how often they carry
  a hold-out row's identifier, scaled to the number of training ids); judged as exact copies are, on the
  odds of ids drawn without memory hitting the training ids that often beside the hold-out ones.

Verdicts allow for chance, so a small table is not called leaky on noise: the closer-to-train share and the
membership AUC are poor when they exceed the baseline by 0.1 or three standard errors (whichever is larger;
fair from 0.05 or two), and exact copies are poor when unseen real rows would leave as many synthetic rows
matching training rows only with a chance under 1 in 1,000 (or under 1 in 20 with copies of 1% of the
synthetic rows beyond their level, and at least twice it; fair under 1 in 20). Any poor score makes the
family poor; a fair one of exact copies of training rows or of training identifiers reused, fair (a copied
row is a real record, a real id names a real person), with a warning counting those rows. Hold-out rows that
equal training rows far more often than they repeat one another (allowing for chance where repeats are few)
are training rows given as hold-out: they are left out of the hold-out (all of them: privacy is not
computed). A hold-out unlike the training rows (their own closer-to-train share far from what a random split
of the rows nearest each of them gives: the sizes' share where one row is nearest, nearer 50% where rows of
both sets tie) makes the distance measures "not computed": against it, honest rows would look memorised.

Neighbours are searched among up to ``REFERENCE_ROWS`` rows of each table, for up to ``QUERY_ROWS``
sampled rows: a copied training row is found as long as its table fits the reference size.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import binom, chi2, hypergeom
from sklearn.metrics import roc_auc_score

from synthloom.data.metadata import is_entity_key, nearly_unique
from synthloom.metrics.encoding import (
    TableEncoder,
    Tables,
    distinct_share,
    nearest_neighbours,
    rows_within,
    subsample_index,
)
from synthloom.metrics.result import (
    FAIR,
    GOOD,
    INFO,
    NOT_COMPUTED,
    POOR,
    FamilyResult,
    Measure,
    Score,
    grade,
    measured,
)

QUERY_ROWS = 2_000  # rows whose neighbours are searched, per table
REFERENCE_ROWS = 20_000  # rows searched among, per table: large, so that a copied training row is found
CONTAMINATION = 0.05  # hold-out rows this often equal to a training row (rows otherwise distinct): leaked in
MIN_HOLDOUT = 10  # hold-out rows left after the training rows are taken out, to compare with


def closer_to_train_share(synthetic_to_train: np.ndarray, synthetic_to_holdout: np.ndarray) -> float:
    """Share of synthetic rows nearer a training row than any hold-out row (ties count half).

    Example:
        >>> closer_to_train_share(np.array([0.0, 1.0]), np.array([1.0, 1.0]))
        0.75
    """
    closer = (synthetic_to_train < synthetic_to_holdout).mean()
    ties = (synthetic_to_train == synthetic_to_holdout).mean()
    return float(closer + 0.5 * ties)


def expected_closer_share(
    tied_train: np.ndarray, tied_other: np.ndarray, train_rows: int, other_rows: int
) -> float:
    """The closer-to-train share (ties count half) that rows exchangeable with the training rows would
    have: each query row's nearest rows, ``tied_train`` training rows and ``tied_other`` rows of the
    other set at the same distance, drawn at random from ``train_rows`` + ``other_rows`` rows.

    All of them are training rows (closer: 1), none is (0), or both sets are there (a tie: 1/2). One
    nearest row is a training row in proportion to the sizes; many tied rows (rows of a few categories
    equal to several real rows) are a tie whatever the sizes, so the share moves towards 50%.

    Example:
        >>> round(expected_closer_share(np.array([1, 50]), np.array([0, 50]), 3_000, 1_000), 3)
        0.625
    """
    tied = tied_train + tied_other
    rows = train_rows + other_rows
    all_train = hypergeom.pmf(tied, rows, train_rows, tied)
    all_other = hypergeom.pmf(0, rows, train_rows, tied)
    return float(np.mean(all_train + 0.5 * (1 - all_train - all_other)))


def distance_ratio(distances: np.ndarray) -> np.ndarray:
    """Nearest / second-nearest distance per row; 1 where both are 0 (a duplicate singles out no row)."""
    nearest, second = distances[:, 0], distances[:, 1]
    ratio = np.ones_like(nearest)
    np.divide(nearest, second, out=ratio, where=second > 0)
    return ratio


def exact_copy_share(rows: pd.DataFrame, training: pd.DataFrame) -> float:
    """Share of ``rows`` equal, in every column, to some row of ``training``.

    Example:
        >>> exact_copy_share(train.head(100), train)
        1.0
    """
    return float(copied_rows(rows, training).mean())


def copied_rows(rows: pd.DataFrame, training: pd.DataFrame) -> np.ndarray:
    """Which of ``rows`` equal, in every column, some row of ``training``."""
    row_keys, training_keys = _row_keys(rows, training)
    return np.isin(row_keys, training_keys)


MAX_LISTED_COPIES = 1_000  # synthetic rows equal to a training row listed (``copied_row_pairs``)


def copied_row_pairs(
    train_keys: np.ndarray, holdout_keys: np.ndarray, synthetic_keys: np.ndarray
) -> pd.DataFrame:
    """The synthetic rows equal to a training row (their ``_row_keys``), for a reviewer to find them: each
    one's position in the synthetic table (from 0, as ``iloc`` counts), the first training row it equals,
    and whether a hold-out row equals it too (a combination unseen rows also hold); the first
    ``MAX_LISTED_COPIES`` of them. Counts alone ("8 of 5,000 synthetic rows") had left a reviewer to write
    the merge that finds them."""
    first_training = pd.Series(np.arange(len(train_keys))).groupby(train_keys).first()
    rows = np.flatnonzero(np.isin(synthetic_keys, train_keys))[:MAX_LISTED_COPIES]
    return pd.DataFrame(
        {
            "synthetic_row": rows,
            "training_row": first_training.loc[synthetic_keys[rows]].to_numpy(),
            "hold_out_holds_it_too": np.isin(synthetic_keys[rows], holdout_keys),
        }
    )


def expected_match_share(rows: pd.DataFrame, others: int) -> float:
    """The share of ``rows`` that ``others`` more rows of the same population would hold an equal of: each
    row's combination drawn at its share among the other rows, 1 - (1 - share) ** others.

    Example:
        >>> round(expected_match_share(pd.DataFrame({"a": ["x", "x", "y", "z"]}), 3), 3)  # "x": 1 - (2/3)^3
        0.352
    """
    keys = pd.Series(_row_keys(rows)[0])
    share = (keys.map(keys.value_counts()).to_numpy() - 1) / max(len(keys) - 1, 1)
    return float(np.mean(1 - (1 - share) ** others))


def _row_keys(*frames: pd.DataFrame) -> list[np.ndarray]:
    """One hash per row of each frame, alike for equal rows across all of them."""
    both = pd.concat(frames, ignore_index=True)
    comparable = pd.DataFrame({name: _comparable(both[name]) for name in both.columns})
    hashes = pd.util.hash_pandas_object(comparable, index=False).to_numpy()
    return np.split(hashes, np.cumsum([len(frame) for frame in frames])[:-1])


def _comparable(column: pd.Series) -> pd.Series | np.ndarray:
    """A column whose equal values hash alike: rows are hashed by their bits."""
    if column.dtype == object:
        # discrete values become codes shared by both tables, so 1 and 1.0 (or True) hash alike
        return pd.factorize(column)[0]
    if pd.api.types.is_float_dtype(column):
        # -0.0 (round(-0.3)) equals 0.0, and a NaN made by arithmetic (sign bit set) the usual NaN, but
        # their bits differ: one bit pattern each, so a copy is not missed for a sign
        values = column.to_numpy(dtype=float) + 0.0
        values[np.isnan(values)] = np.nan
        return values
    return column


def chance_of_copies(
    copies: int, reference: int, rows: int, reference_rows: int, dispersion: float = 1.0
) -> float:
    """Chance of ``copies`` or more of the ``copies + reference`` hits falling among the ``rows`` rows
    rather than the ``reference_rows`` rows, when both groups hit at the same rate: each hit then lies in a
    group in proportion to its number of rows (binomial; the exact split, hypergeometric, is narrower, so
    this errs towards no leak). ``dispersion`` (over 1) says the reference count varies that many times
    more than a count of independent hits: it then weighs as that many times fewer rows.

    Example:
        >>> chance_of_copies(0, 0, 1000, 1000)
        1.0
    """
    share = rows / (rows + reference_rows / dispersion)
    return float(binom.sf(copies - 1, copies + round(reference / dispersion), share))


def _unseen_matches(unseen: np.ndarray, seen: np.ndarray) -> tuple[int, float]:
    """How many of the ``unseen`` row keys equal a ``seen`` key and no other unseen key, and how much more
    that count varies than a count of independent hits.

    Real rows unseen by the other set: each that matches it alone is what a synthetic row drawn without
    memory does by nature when it matches that set only. Such a count (rows alone in their set) estimates
    the share of draws that would fall on combinations missing from the set, with a variance of
    (rows alone + 2 x combinations found twice) / rows² (Good-Turing's missing mass, McAllester and
    Schapire, 2000) rather than rows alone / rows²: the ratio is the dispersion, 1 where nothing repeats.

    Example:
        >>> _unseen_matches(np.array([1, 2, 2, 3]), np.array([1, 2]))
        (1, 3.0)
    """
    combinations, counts = np.unique(unseen, return_counts=True)
    known = np.isin(combinations, seen)
    alone, twice = int((known & (counts == 1)).sum()), int((known & (counts == 2)).sum())
    return alone, 1 + 2 * twice / alone if alone else 1.0


def membership_auc(members_to_synthetic: np.ndarray, others_to_synthetic: np.ndarray) -> float:
    """ROC-AUC of guessing membership from closeness to synthetic rows (0.5 = attack fails)."""
    labels = np.concatenate([np.ones(len(members_to_synthetic)), np.zeros(len(others_to_synthetic))])
    closeness = -np.concatenate([members_to_synthetic, others_to_synthetic])
    return float(roc_auc_score(labels, closeness))


def privacy(tables: Tables, random_state: int = 0) -> FamilyResult:
    """Privacy family: DCR share, NNDR, exact copies, membership-inference AUC.

    ``tables.real`` serves as the hold-out: real rows the generator did not see.

    Example:
        >>> privacy(prepare(real_test, synthetic, train=real_train)).score("closer_to_train").value
        0.51
    """
    if tables.train is None:
        return FamilyResult.skipped(
            "privacy",
            "no training rows were given (--train, or train=...): privacy compares the synthetic rows "
            "with the rows the generator saw and with rows it did not",
        )
    found: list[str] = []
    holdout_rows = tables.real
    copied = copied_rows(holdout_rows, tables.train)
    # hold-out rows match training rows naturally about as often as they repeat one another, scaled to the
    # number of training rows; far more often, they are training rows. The repeats are few where rows
    # rarely repeat (300 hold-out rows over 64,000 combinations repeat about once, and match 20,000
    # training rows 27% of the time): none, and honest rows were all dropped as training rows, leaving a
    # natural level of 0 that made every synthetic row equal to a training row a copy. Their 1-in-1,000
    # upper bound (Poisson) is taken instead of their count.
    repeats = round((1 - distinct_share(holdout_rows)) * len(holdout_rows))
    repeats_bound = float(chi2.ppf(0.999, 2 * (repeats + 1))) / 2
    natural = repeats_bound / len(holdout_rows) * len(tables.train) / max(len(holdout_rows) - 1, 1)
    # rows of a few common combinations match some training row nearly always, whatever the sizes: that
    # scaling put 24% of 2,000 hold-out rows of 84 combinations as natural beside 500 training rows,
    # against 97% found, and took the honest hold-out (`fit --holdout 0.8`) for training rows
    natural = max(natural, expected_match_share(holdout_rows, len(tables.train)))
    if copied.mean() >= CONTAMINATION and copied.mean() > 3 * natural:
        if (~copied).sum() < MIN_HOLDOUT:
            return FamilyResult.skipped(
                "privacy",
                f"{copied.mean():.0%} of the real (hold-out) rows are training rows: privacy compares the "
                "synthetic rows with real rows the generator did not see; give the rows kept out of its "
                "training as the real data",
            )
        found.append(
            f"{copied.mean():.0%} of the real (hold-out) rows are training rows; they were left out of the "
            "hold-out, which should hold only rows kept out of training."
        )
        holdout_rows = holdout_rows[~copied]
    rng = np.random.default_rng(random_state)
    train, holdout, synthetic = (
        frame.iloc[subsample_index(len(frame), REFERENCE_ROWS, rng)]
        for frame in (tables.train, holdout_rows, tables.synthetic)
    )
    encoder = TableEncoder(tables.numeric, tables.discrete).fit(pd.concat([train, holdout]), synthetic)
    train_x, holdout_x, synthetic_x = (encoder.transform(f) for f in (train, holdout, synthetic))
    queries = {
        name: matrix[subsample_index(len(matrix), QUERY_ROWS, rng)]
        for name, matrix in (("synthetic", synthetic_x), ("holdout", holdout_x), ("members", train_x))
    }
    distances = {
        "synthetic_to_train": nearest_neighbours(queries["synthetic"], train_x, k=2)[0],
        "synthetic_to_holdout": nearest_neighbours(queries["synthetic"], holdout_x)[0][:, 0],
        "holdout_to_train": nearest_neighbours(queries["holdout"], train_x, k=2)[0],
        # the queries are hold-out rows: the first neighbour is the row itself, the second the nearest other
        "holdout_to_holdout": nearest_neighbours(queries["holdout"], holdout_x, k=2)[0][:, 1],
        "members_to_synthetic": nearest_neighbours(queries["members"], synthetic_x)[0][:, 0],
        "others_to_synthetic": nearest_neighbours(queries["holdout"], synthetic_x)[0][:, 0],
    }
    keys = _row_keys(tables.train, holdout_rows, tables.synthetic)  # every row of each, for exact matches
    values = _privacy_values(keys, holdout_rows, distances)
    training_copied = _only_copies_verdict(values, _TRAINING_ROWS) == POOR
    holdout_copied = _only_copies_verdict(values, _HOLDOUT_ROWS) == POOR
    # rows of both sets copied beyond nature: the generator saw both (fitted on all the real rows) or the
    # file is real rows resampled; so too real rows copied far beyond nature that neither test above
    # singles out, as long as rows of each set are copied beyond their natural level (a collapsed
    # generator that copies 3 training rows and no hold-out row copies no hold-out: its poor real copies
    # stand alone, without switching the distance scores off)
    both_above_nature = (
        values["copies_only_train"] > values["copies_only_train_holdout"]
        and values["holdout_copies_only"] > values["holdout_copies_only_train"]
    )
    values["copies_of_both"] = float(
        (training_copied and holdout_copied)
        or (
            _real_copies_verdict(values) == POOR
            and both_above_nature
            and not training_copied
            and not holdout_copied
        )
    )
    # a hold-out the synthetic rows copy is no hold-out: the distance measures, which take it as unseen,
    # are not judged
    values["holdout_seen"] = float(holdout_copied or values["copies_of_both"])
    reuse = _identifiers_reused(tables)
    values["identifiers_reused"], values["identifiers_reused_judged"] = reuse.share, reuse.judged
    values["identifiers_reused_chance"], values["identifiers_reused_odds"] = reuse.chance, reuse.odds
    values["synthetic_rows"] = float(len(tables.synthetic))
    # the closer-to-train share's and the NNDR's spreads count distinct rows: 300 copies of one fresh row
    # (a collapsed generator) are one draw, nearer a training row or not by chance, and were judged as 300
    values["synthetic_queries"] = float(len(np.unique(queries["synthetic"], axis=0)))
    # hold-out rows compared like synthetic rows are closer to train about as often as a random split of
    # the rows nearest each of them gives. Not the sizes' share: ties count half, and a row of a few
    # categories ties with rows of both sets (70% of adult's categorical hold-out rows, most at distance
    # 0), so an honest split of 4,500 / 1,500 rows reads 61%, not 75%, and was taken for another
    # population. The rows tied at the nearest distance are counted, the hold-out row itself left out.
    nearest = np.minimum(distances["holdout_to_train"][:, 0], distances["holdout_to_holdout"])
    expected = expected_closer_share(
        rows_within(queries["holdout"], train_x, nearest),
        rows_within(queries["holdout"], holdout_x, nearest) - 1,
        len(train),
        len(holdout) - 1,
    )
    values["closer_to_train_expected"] = expected
    values["holdout_shift"] = float(
        abs(values["closer_to_train_holdout"] - expected)
        > _allowance(expected, len(queries["holdout"]), 3, 0.1)
    )
    extras = {
        "dcr": {
            "synthetic_to_train": distances["synthetic_to_train"][:, 0],
            "synthetic_to_holdout": distances["synthetic_to_holdout"],
            "holdout_to_train": distances["holdout_to_train"][:, 0],
        }
    }
    scores = [_unjudged_reuse(score, values) for score in measured(_MEASURES, values)]
    return FamilyResult(
        "privacy",
        scores=scores,
        warnings=found + _privacy_warnings(values, scores) + reuse.notes + _copied_unique_values(tables),
        extras=extras,
        tables={"copied_rows": copied_row_pairs(*keys)},
        # a leak is a leak whatever the distances say: 20 training ids among 2,000 rows (odds 0.002), or 5
        # training rows copied among 2,000 (odds 0.03), read "fair" behind a good closer-to-train share
        # and the family "good"
        parts=tuple(_LEAKS),
    )


def _privacy_values(
    keys: list[np.ndarray], holdout: pd.DataFrame, d: dict[str, np.ndarray]
) -> dict[str, float]:
    """The privacy family's numbers, from the training, hold-out and synthetic rows' keys (``_row_keys``),
    the ``holdout`` rows and the distances ``d``."""
    train_keys, holdout_keys, synthetic_keys = keys
    copies, natural = np.isin(synthetic_keys, train_keys), np.isin(holdout_keys, train_keys)
    matches_holdout = np.isin(synthetic_keys, holdout_keys)
    only_train, only_holdout = int((copies & ~matches_holdout).sum()), int((matches_holdout & ~copies).sum())
    # what an unseen real row does by nature: equal another real row (a training row, or another hold-out
    # row); a synthetic row drawn without memory equals a real row about as often
    repeated = pd.Series(holdout_keys).duplicated(keep=False).to_numpy()
    # The copy tests' null: a synthetic row drawn without memory is one more unseen real row, so it equals
    # rows of one set only as often as real rows unseen by that set do. Hold-out rows are unseen by the
    # training rows (and training rows by the hold-out): the share of them equal to rows of the other set
    # and to none of their own is the natural level. Measured, not derived from the sizes: a combination
    # that is not rare lies in the larger set more often than in proportion to its size (in both when
    # common), so honest rows read as copies under the sizes' share (adult's categories, 3,600 / 2,400
    # rows: poor). Each synthetic row counts: given the real rows, rows drawn without memory are
    # independent draws, repeats of common combinations included; a record repeated beyond that (3
    # training rows 10 times each) is not, and stays counted as 30 copies. The dispersion widens the
    # natural level's error where combinations repeat: without it, honest splits of adult's categories
    # fell under 1 in 1,000 about five times as often as that.
    unseen_only_train, train_dispersion = _unseen_matches(holdout_keys, train_keys)
    unseen_only_holdout, holdout_dispersion = _unseen_matches(train_keys, holdout_keys)
    matches_real = natural | repeated
    # synthetic rows counted once per distinct row: a generator that collapsed onto a few rows common in
    # the data repeats them, it does not copy records
    distinct, first = np.unique(synthetic_keys, return_index=True)
    distinct_hits = int((copies | matches_holdout)[first].sum())
    ratios = distance_ratio(d["synthetic_to_train"])
    nndr_holdout = float(np.median(distance_ratio(d["holdout_to_train"])))
    return {
        "copies_only_train": only_train / max(len(synthetic_keys), 1),
        "copies_only_train_holdout": unseen_only_train / max(len(holdout_keys), 1),
        "copies_chance": chance_of_copies(
            only_train, unseen_only_train, len(synthetic_keys), len(holdout_keys), train_dispersion
        ),
        # copies beyond those unseen real rows make by nature
        "copies_excess": only_train / max(len(synthetic_keys), 1)
        - unseen_only_train / max(len(holdout_keys), 1),
        # the same the other way round: rows never seen by the generator cannot be copied from it
        "holdout_copies": float(matches_holdout.mean()),
        "holdout_copies_only": only_holdout / max(len(synthetic_keys), 1),
        "holdout_copies_only_train": unseen_only_holdout / max(len(train_keys), 1),
        "holdout_copies_chance": chance_of_copies(
            only_holdout, unseen_only_holdout, len(synthetic_keys), len(train_keys), holdout_dispersion
        ),
        "holdout_copies_excess": only_holdout / max(len(synthetic_keys), 1)
        - unseen_only_holdout / max(len(train_keys), 1),
        "training_rows_copied": float(np.isin(train_keys, synthetic_keys).mean()),
        "real_copies": float((copies | matches_holdout).mean()),
        "real_copies_distinct": distinct_hits / max(len(distinct), 1),
        "real_copies_holdout": float(matches_real.mean()),
        # the same binomial as the split between the two sets: given the copies made by both groups, rows
        # that copy no more than unseen rows do fall in each group in proportion to its size
        "real_copies_chance": chance_of_copies(
            distinct_hits, int(matches_real.sum()), len(distinct), len(holdout_keys)
        ),
        "real_copies_excess": distinct_hits / max(len(distinct), 1) - float(matches_real.mean()),
        "holdout_repeats": float(repeated.mean()),
        "holdout_queries": float(len(d["holdout_to_holdout"])),
        "member_queries": float(len(d["members_to_synthetic"])),
        "closer_to_train": closer_to_train_share(d["synthetic_to_train"][:, 0], d["synthetic_to_holdout"]),
        "closer_to_train_holdout": closer_to_train_share(
            d["holdout_to_train"][:, 0], d["holdout_to_holdout"]
        ),
        "membership_auc": membership_auc(d["members_to_synthetic"], d["others_to_synthetic"]),
        "exact_copies": float(copies.mean()),
        "exact_copies_holdout": float(natural.mean()),
        "holdout_distinct": distinct_share(holdout),
        "nndr": float(np.median(ratios)),
        "nndr_holdout": nndr_holdout,
        # where the synthetic rows' ratios sit against the hold-out's median: half below it without a leak
        "nndr_below_holdout": float((ratios < nndr_holdout).mean() + 0.5 * (ratios == nndr_holdout).mean()),
        "dcr_median": float(np.median(d["synthetic_to_train"][:, 0])),
        "dcr_median_holdout": float(np.median(d["holdout_to_train"][:, 0])),
    }


class _Reuse(NamedTuple):
    """Real ids on synthetic rows (``_identifiers_reused``)."""

    share: float  # synthetic rows carrying a training id, in any id column
    judged: float  # the same in the columns judged (NaN where none is)
    chance: float  # the judged share ids drawn without memory would reach
    odds: float  # the odds of chance reaching it
    notes: list[str]  # entity keys the split shares: reused, not judged


# An entity's key (``is_entity_key``: ``account_id`` in transactions) whose training values this share of
# the hold-out rows or more carry too is shared by the split (rows split at random, not accounts): its real
# values on synthetic rows are not set against chance, but said.
SHARED_KEYS = 0.5


def _identifiers_reused(tables: Tables) -> _Reuse:
    """Share of synthetic rows whose identifier in some identifier column is a training row's, the share
    that would by chance: how often they carry a hold-out row's identifier (real ids the generator never
    saw), scaled to the number of training ids, and the odds of ids drawn without memory hitting the
    training ids as often (the least over the columns). Ids drawn from a small space (``C0000`` -
    ``C9999``) hit both alike, a training id as often as a hold-out one: of a column's hits on either,
    those on the training ids are binomial in their share of the ids. Copied ones hit the training ids
    only; without hold-out ids, any hit is unexplained. NaN without identifier columns.

    Entity keys learned as data (``is_entity_key``: ``account_id``, a category) count too: every
    synthetic account a training one read "0.0% of synthetic rows carry a training row's identifier".
    Judged likewise where the split keeps the hold-out's keys apart; where the hold-out rows carry
    training keys too (``SHARED_KEYS``), a real key names no row more than the hold-out's do: counted in
    the share and said in a note, not judged."""
    if tables.train is None:
        return _Reuse(float("nan"), float("nan"), float("nan"), float("nan"), [])
    columns = dict(tables.identifiers)
    for name in tables.columns:
        if is_entity_key(name, tables.train[name].dropna()):
            columns[name] = {
                table: getattr(tables, table)[name].dropna() for table in ("real", "synthetic", "train")
            }
    if not columns:
        return _Reuse(float("nan"), float("nan"), float("nan"), float("nan"), [])
    reused, judged = (np.zeros(len(tables.synthetic), dtype=bool) for _ in range(2))
    chance, odds, notes, any_judged = 0.0, 1.0, [], False
    for name, values in columns.items():
        drawn = values["synthetic"]
        known, unseen = set(values["train"]), set(values["real"]) - set(values["train"])
        hit = drawn.isin(known)
        carried = tables.synthetic.index.isin(drawn[hit].index)
        reused |= carried
        # of the hold-out rows with a key: a row without one shares no key, nor keeps the split's apart
        shared = float(values["real"].isin(known).sum()) / max(len(values["real"]), 1)
        if name not in tables.identifiers and shared >= SHARED_KEYS:
            notes.append(
                f"column {name!r}: {carried.mean():.0%} of synthetic rows carry a real {name} "
                f"({shared:.0%} of hold-out rows carry a training one too: the split shares them, so this "
                "is not judged); "
                "declare it identifier in the metadata to draw new ones, each on as many rows"
            )
            continue
        judged |= carried
        any_judged = True
        hits, unseen_hits = int(hit.sum()), int(drawn.isin(unseen).sum())
        if unseen:
            chance += unseen_hits / len(tables.synthetic) * len(known) / len(unseen)
            share = len(known) / (len(known) + len(unseen))
            odds = min(odds, float(binom.sf(hits - 1, hits + unseen_hits, share)))
        elif hits:
            odds = 0.0
    return _Reuse(
        float(reused.mean()),
        float(judged.mean()) if any_judged else float("nan"),
        min(chance, 1.0),
        odds,
        notes,
    )


def _unjudged_reuse(score: Score, v: Mapping[str, float]) -> Score:
    """``score``, its meaning without the sentence on the columns judged where none is (every key column
    one the split shares): it read "In the columns judged, nan% do"."""
    unjudged = np.isnan(v["identifiers_reused_judged"]) and not np.isnan(v["identifiers_reused"])
    if score.name != "identifiers_reused" or not unjudged:
        return score
    return replace(
        score,
        meaning=f"{v['identifiers_reused']:.1%} of synthetic rows carry a training row's identifier (the "
        "key of a column named like an id whose values repeat; not compared as data). No column is judged: "
        "the hold-out rows share these keys with the training rows (see the warnings).",
    )


def _reuse_verdict(v: Mapping[str, float]) -> str:
    """Real ids reused, judged on the odds of chance as copies are; never "good" while synthetic rows carry
    real keys the split shares (``SHARED_KEYS``: not judged, so "info" unless the judged ids are worse)."""
    judged = v["identifiers_reused_judged"]
    verdict = (
        INFO
        if np.isnan(judged)
        else _copies_verdict(v["identifiers_reused_odds"], judged - v["identifiers_reused_chance"])
    )
    unjudged = v["identifiers_reused"] > (0.0 if np.isnan(judged) else judged)
    return INFO if verdict == GOOD and unjudged else verdict


def _allowance(rate: float, rows: float, errors: float, least: float) -> float:
    """The larger of ``least`` and ``errors`` standard errors of a share ``rate`` measured on ``rows``."""
    return max(least, errors * float(np.sqrt(rate * (1 - rate) / max(rows, 1))))


def _share_spread(v: Mapping[str, float]) -> float:
    """Spread of the difference of two shares near 50%, one over the distinct synthetic queries, one over
    the hold-out queries: each is measured on its own rows."""
    return float(np.sqrt(0.25 / max(v["synthetic_queries"], 1) + 0.25 / max(v["holdout_queries"], 1)))


def _share_excess_verdict(v: Mapping[str, float], excess: float) -> str:
    """Grade a share's ``excess`` over its level without memorisation against chance (``_share_spread``).
    Not judged where so few distinct synthetic rows were drawn that even a share of 100% over a level of
    50% would be chance: one row repeated 1,500 times, a copy of a training row, was "good" at 100%
    closer to the training rows."""
    if _too_few_distinct(v):
        return NOT_COMPUTED
    spread = _share_spread(v)
    return grade(excess, max(0.05, 2 * spread), max(0.1, 3 * spread), higher_is_better=False)


def _too_few_distinct(v: Mapping[str, float]) -> bool:
    """Whether the distinct synthetic rows are so few that a share's fair level (``_share_excess_verdict``)
    lies past 100% over a level of 50%."""
    return max(0.05, 2 * _share_spread(v)) >= 0.5


def _closer_verdict(v: Mapping[str, float]) -> str:
    if v["holdout_shift"] or v["holdout_seen"]:  # a hold-out unlike the training rows, or not unseen
        return NOT_COMPUTED
    return _share_excess_verdict(v, v["closer_to_train"] - v["closer_to_train_holdout"])


def _membership_verdict(v: Mapping[str, float]) -> str:
    if v["holdout_shift"] or v["holdout_seen"]:
        return NOT_COMPUTED
    members, others = max(v["member_queries"], 1), max(v["holdout_queries"], 1)
    spread = float(np.sqrt((members + others + 1) / (12 * members * others)))  # of a chance-level AUC
    return grade(
        v["membership_auc"] - 0.5, max(0.05, 2 * spread), max(0.1, 3 * spread), higher_is_better=False
    )


def _copies_verdict(chance: float, excess: float, natural: float = 0.0) -> str:
    """Poor when chance explains the copies under 1 time in 1,000, or under 1 in 20 with copies of 1% of
    the synthetic rows beyond chance (10 verbatim records among 1,000) and at least the ``natural`` share
    (twice the level of unseen rows: where real rows match by nature, 10% of them, a point more is within
    what a faithful generator without memory drifts by); fair under 1 in 20."""
    if chance < 1e-3 or (chance < 0.05 and excess >= max(0.01, natural)):
        return POOR
    return grade(chance, 0.05, 0.0)


class _CopiedSet(NamedTuple):
    """The values that judge the synthetic copies of one real set's rows, training or hold-out."""

    copies: str  # synthetic rows equal to a row of the set
    natural: str  # real rows equal to a row of the set by nature, which no generator copied
    chance: str  # chance of the synthetic rows equal to rows of the set only, were they drawn without memory
    excess: str  # those rows' share beyond the natural one
    only_natural: str  # rows of the other set equal to rows of this set only: the natural share


# the natural copies of training rows: hold-out rows equal to a training row
_TRAINING_ROWS = _CopiedSet(
    "exact_copies", "exact_copies_holdout", "copies_chance", "copies_excess", "copies_only_train_holdout"
)
# the natural copies of hold-out rows: hold-out rows that equal another hold-out row
_HOLDOUT_ROWS = _CopiedSet(
    "holdout_copies",
    "holdout_repeats",
    "holdout_copies_chance",
    "holdout_copies_excess",
    "holdout_copies_only_train",
)


def _only_copies_verdict(v: Mapping[str, float], copied: _CopiedSet) -> str:
    """The chance test of synthetic rows equal to rows of the ``copied`` set only, against rows of the other
    set equal to them only: synthetic rows equal to training rows only, against hold-out rows equal to
    training rows only; synthetic rows equal to hold-out rows only, against training rows equal to hold-out
    rows only."""
    return _copies_verdict(v[copied.chance], v[copied.excess], v[copied.only_natural])


def _set_copies_verdict(v: Mapping[str, float], copied: _CopiedSet) -> str:
    """The chance test (``_only_copies_verdict``), but poor when real rows of both sets are copied beyond
    nature: the synthetic table holds real records."""
    if v["copies_of_both"] and v[copied.copies] > v[copied.natural]:
        return POOR
    return _only_copies_verdict(v, copied)


def _real_copies_verdict(v: Mapping[str, float]) -> str:
    """Distinct synthetic rows equal to a real row, against unseen real rows equal to another real row.

    Rows of a few categories match real rows by nature, and a generator that favours the common
    combinations matches them more often without giving a record away: only a share over three times the
    natural one is judged (as ``CONTAMINATION``'s hold-out rows that are training rows), by the chance
    rule of the other copy scores.
    """
    if v["real_copies_distinct"] <= 3 * v["real_copies_holdout"]:
        return GOOD
    return _copies_verdict(v["real_copies_chance"], v["real_copies_excess"])


def _info(values: Mapping[str, float]) -> str:
    return INFO


_SEVERITY = {GOOD: 0, FAIR: 1, POOR: 2}


def _nndr_verdict(v: Mapping[str, float]) -> str:
    """Fair / poor below 0.9 / 0.75 of the hold-out's median, when chance cannot explain it.

    The median of a few distinct rows (a collapsed generator: one row repeated 400 times) is a few draws:
    one fresh row fell below 0.75 of the hold-out's median about one time in three and was poor. The share
    of synthetic rows below the hold-out's median, 50% without a leak, must then also exceed 50% by the
    closer-to-train share's allowance; where too few distinct rows leave no share able to pass it, the
    ratio is not judged.
    """
    relative = v["nndr"] / v["nndr_holdout"] if v["nndr_holdout"] > 0 else float("nan")
    by_value = grade(relative, 0.9, 0.75)
    if by_value == NOT_COMPUTED:
        return by_value
    by_chance = _share_excess_verdict(v, v["nndr_below_holdout"] - 0.5)
    if by_chance == NOT_COMPUTED:
        return by_chance
    return min(by_value, by_chance, key=_SEVERITY.__getitem__)


_MEASURES = (
    Measure(
        "closer_to_train",
        "Closer to training rows",
        "{closer_to_train:.0%} of synthetic rows are closer to a training row than to any hold-out row, "
        "against {closer_to_train_holdout:.0%} for unseen real rows (the level without memorisation, 50% "
        "for tables of equal size); clearly higher = memorised.",
        _closer_verdict,
    ),
    Measure(
        "closer_to_train_holdout",
        "Closer to training rows, hold-out rows",
        "The same share for unseen real rows, each compared with the other hold-out rows: the baseline.",
        _info,
    ),
    Measure(
        "membership_auc",
        "Membership-inference AUC",
        "An attacker guessing which real rows were used for training from their distance to synthetic rows "
        "reaches ROC-AUC {membership_auc:.2f} (0.5 = no better than a coin).",
        _membership_verdict,
    ),
    Measure(
        "exact_copies",
        "Exact copies of training rows",
        "{exact_copies:.2%} of synthetic rows copy a training row exactly, reproducing "
        "{training_rows_copied:.2%} of the training rows; {exact_copies_holdout:.2%} of hold-out rows match "
        "a training row by nature of the data. {copies_only_train:.2%} of synthetic rows equal training rows "
        "and no hold-out row, against {copies_only_train_holdout:.2%} of hold-out rows (equal to training "
        "rows and no other hold-out row: what rows drawn without memory do); such rows would copy this many "
        "or more with a probability of {copies_chance:.2g}.",
        lambda v: _set_copies_verdict(v, _TRAINING_ROWS),
    ),
    Measure(
        "real_copies",
        "Exact copies of real rows",
        "{real_copies:.2%} of synthetic rows copy a real row exactly, training or hold-out "
        "({real_copies_distinct:.2%} of the distinct ones); {real_copies_holdout:.2%} of unseen real rows "
        "equal another real row by nature of the data. Rows drawn without memory would copy real rows this "
        "often with a chance of {real_copies_chance:.2g}.",
        _real_copies_verdict,
    ),
    Measure(
        "identifiers_reused",
        "Training identifiers reused",  # a hold-out row's id (a real one) on a synthetic row is chance here
        "{identifiers_reused:.1%} of synthetic rows carry a training row's identifier (an id, a name, or "
        "the key of a column named like an id whose values repeat; not compared as data). In the columns "
        "judged, {identifiers_reused_judged:.1%} do, where {identifiers_reused_chance:.1%} would by chance "
        "(as often as they carry the identifier of a hold-out row, which the generator never saw, scaled "
        "to the training ids); keys the hold-out rows share with the training rows are not judged.",
        # a real id on a synthetic row names a real person: judged on the odds of chance, as copies are,
        # not on a share (2% of rows on real ids beyond chance read "good"); keys the split shares only
        # said (``SHARED_KEYS``)
        _reuse_verdict,
    ),
    Measure(
        "exact_copies_holdout",
        "Exact matches, hold-out rows",
        "The share of unseen real rows that equal a training row: the natural level of exact copies.",
        _info,
    ),
    Measure(
        "holdout_copies",
        "Exact copies of hold-out rows",
        "{holdout_copies:.2%} of synthetic rows copy a hold-out row exactly, a real row the generator "
        "should never have seen ({holdout_copies_only:.2%} equal hold-out rows and no training row, against "
        "{holdout_copies_only_train:.2%} of training rows equal to hold-out rows and no other training row: "
        "what rows drawn without memory do); such rows would copy this many or more with a probability of "
        "{holdout_copies_chance:.2g}.",
        lambda v: _set_copies_verdict(v, _HOLDOUT_ROWS),
    ),
    Measure(
        "nndr",
        "Nearest-neighbour distance ratio",
        "The median synthetic row is {nndr:.2f} as far from its nearest training row as from the second "
        "nearest (hold-out rows: {nndr_holdout:.2f}); near 0 = rows single out one training record.",
        _nndr_verdict,
    ),
    Measure(
        "nndr_holdout",
        "NNDR, hold-out rows",
        "The same ratio for unseen real rows: what the data looks like without any leak.",
        _info,
    ),
    Measure(
        "dcr_median",
        "Median distance to closest training row",
        "Median distance from a synthetic row to its closest training row ({dcr_median_holdout:.3f} for "
        "hold-out rows; in the shared encoding, two different categories are 1 apart).",
        _info,
    ),
    Measure(
        "dcr_median_holdout",
        "Median DCR, hold-out rows",
        "Median distance from an unseen real row to its closest training row.",
        _info,
    ),
)


class _Leak(NamedTuple):
    """How a warning words the synthetic rows that give real data away (``_leak_warning``)."""

    rows: str  # the share of synthetic rows that leak
    chance: str  # the share that would by chance
    odds: str  # the odds of chance leaking as many
    what: str  # what those rows do
    advice: str  # why it matters, and what to do


# scores the family is never better than: each synthetic row they count gives a real record away
_LEAKS = {
    # the rows the verdict judges (equal to training rows, and to no hold-out row): every copy against
    # every unseen row's match had read "1,989 ... where about 1,990 would by chance", beside a fair verdict
    "exact_copies": _Leak(
        "copies_only_train",
        "copies_only_train_holdout",
        "copies_chance",
        "are exact copies of training rows that no hold-out row equals",
        "each is a real record; drop them before sharing the rows, or train the generator for fewer epochs.",
    ),
    "identifiers_reused": _Leak(
        "identifiers_reused_judged",
        "identifiers_reused_chance",
        "identifiers_reused_odds",
        "carry a real training row's identifier",
        "each names a real person; draw the identifiers afresh rather than keep real ones.",
    ),
}


def _leak_warning(v: Mapping[str, float], name: str) -> str:
    """The warning of a fair or poor ``_LEAKS`` score: the rows that leak, counted against chance."""
    leak = _LEAKS[name]
    rows = round(v[leak.rows] * v["synthetic_rows"])
    chance = v[leak.chance] * v["synthetic_rows"]
    return (
        f"{rows:,} of {v['synthetic_rows']:,.0f} synthetic rows ({v[leak.rows]:.1%}) {leak.what}, where "
        f"about {chance:,.0f} would by chance (odds {v[leak.odds]:.2g}): {leak.advice}"
    )


def _copied_unique_values(tables: Tables) -> list[str]:
    """A note for each category column nearly unique in the training rows (``nearly_unique``: names that
    rarely repeat) whose synthetic values are training values far more often than the hold-out's are: a
    model draws a category's values from the real ones, so each such row may name a real person. `fit`
    warned of it; evaluating the rows said nothing, and identifiers reused read 0% (the column is no
    identifier)."""
    notes = []
    for name in tables.discrete:
        if not nearly_unique(tables.train[name]):
            continue
        training = tables.train[name].dropna()
        synthetic, holdout = (frame[name].dropna() for frame in (tables.synthetic, tables.real))
        share, natural = (
            float(values.isin(training).mean()) if len(values) else 0.0 for values in (synthetic, holdout)
        )
        if share >= 0.5 and share > 2 * natural:
            notes.append(
                f"column {name!r}: {share:.0%} of synthetic values are values of the training rows "
                f"(hold-out rows: {natural:.0%}), where nearly every training row holds its own "
                f"({training.nunique():,} distinct in {len(training):,}): if they name people, each such row "
                "names a real one; declare the column an identifier (kind 'identifier' in the metadata) to "
                "judge it as one, and to have new values drawn at fit"
            )
    return notes


def _privacy_warnings(v: dict[str, float], scores: list[Score]) -> list[str]:
    found = []
    verdicts = {score.name: score.verdict for score in scores}
    poor = {name for name, verdict in verdicts.items() if verdict == POOR}
    if v["copies_of_both"]:
        found.append(
            f"{v['real_copies']:.1%} of synthetic rows are exact copies of real rows, of training rows "
            f"({v['exact_copies']:.1%}) and hold-out rows ({v['holdout_copies']:.1%}) alike, where "
            f"{v['real_copies_holdout']:.1%} of unseen real rows equal another real row: the synthetic data "
            "holds real records. A generator fitted on all the real rows (hold-out included), or real rows "
            "resampled, gives this; fit the generator on the training rows only, evaluate it against the "
            "rows kept out, and do not share these rows as synthetic data. The closer-to-train share and "
            "the membership AUC, which take the hold-out as unseen, are not judged."
        )
        poor -= {"exact_copies", "holdout_copies"}  # said above, with what to do
    elif verdicts["exact_copies"] in (FAIR, POOR):
        found.append(_leak_warning(v, "exact_copies"))
    if poor & {"closer_to_train", "membership_auc"}:
        found.append(
            "Synthetic rows sit closer to the training rows than to unseen rows: the generator may "
            "have memorised training records."
        )
    if "holdout_copies" in poor:
        found.append(
            f"{v['holdout_copies']:.1%} of synthetic rows are exact copies of real hold-out rows, which the "
            "generator never saw if they were kept out of its training: the synthetic data holds real "
            "records. Was the generator trained on the hold-out rows too, or is the synthetic file real "
            "data? The closer-to-train share and the membership AUC, which take the hold-out as unseen, "
            "are not judged."
        )
    if verdicts["identifiers_reused"] in (FAIR, POOR):
        found.append(_leak_warning(v, "identifiers_reused"))
    if _too_few_distinct(v):
        found.append(
            f"The synthetic table holds {v['synthetic_queries']:,.0f} distinct "
            f"row{'' if v['synthetic_queries'] == 1 else 's'}: too few for the closer-to-train share and "
            "the nearest-neighbour ratio to tell memorisation from chance, so they are not judged."
        )
    if v["holdout_shift"]:
        found.append(
            f"Hold-out rows are closer to a training row than to another hold-out row "
            f"{v['closer_to_train_holdout']:.0%} of the time, where rows like the training rows would be "
            f"{v['closer_to_train_expected']:.0%}: they are not like the training rows (another population "
            "or period), so the closer-to-train share and the membership AUC are not judged."
        )
    return found
