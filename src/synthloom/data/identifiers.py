"""Row identifiers, drawn anew: ids of the real ids' form, never learned or copied, one per output row (where
real ids repeat, one per run of rows as long as real ids' runs: ``IdentifierEncoder._entities``).

Numeric ids count on past the largest real one, then down from the smallest (the other way round where every
real id is negative). Text ids keep the real ids' form:
ids of one length position by position (``_id_alphabets``: "TX-00A3F2" -> "TX-7B01E9"), ids of many lengths by
shape (``_id_shapes``: e-mail addresses, names). An id is a function of its row's place in the output, of the
output's id seed and of a key drawn at fit, not of the seed each chunk or part is drawn with, so that an
output drawn in chunks or parts holds no id twice, with nothing remembered between them: within one variant of
the form (a shape, its kept runs, its runs' lengths and case), a keyed permutation of the variant's ids turns
the row's number among that variant's rows into its id (``_permute``), and rows are dealt among the variants
so that each variant numbers its rows about densely (``_deal``). Ids of one length pass the rows their form
has no free id left for on to ids a position longer (``_grown``); ids by shape pass the rows a variant has
no id left for on to ids with a longer random run (``_shape_ids``), and leave to its own variant an id another
variant spells too (a random run spelling a kept one, or a case another case writes: ``_foreign``); only
one-letter runs and letters without case, which two cases write alike, can meet across chunks
(``_cases_overlap``: said so).

No drawn id is a real one, and the model keeps no real id: it keeps a bitmap of which parts of the ids'
space hold real ids (``_taken``), so many parts marked that a marked one says little (63% of ids of one
length, 39% of the hashes of ids by shape). Ids of one length count their rows over the free parts only,
so they stay unique; ids by shape mark a salted hash of each real id, and a variant counts its rows over
its unmarked ids, listed as far as its rows reach (``_Listing``; a large one draws a marked id again from
ids each row owns, ``_stripe``).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.encoders import ColumnEncoder, dtype_name, missing_block, missing_span, row_argmax
from synthloom.data.metadata import ColumnSpec, key_counts, repeats_as_keys
from synthloom.errors import DataError, DataWarning, caller_stacklevel

_DIGITS = "0123456789"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER = _UPPER.lower()
# the character classes an id position can be widened to, narrowest first
_ID_CLASSES = (
    _DIGITS,
    _DIGITS + "ABCDEF",
    _DIGITS + "abcdef",
    _UPPER,
    _LOWER,
    _DIGITS + _UPPER,
    _DIGITS + _LOWER,
)
ID_SCAN_ROWS = 10_000  # real ids whose characters are looked at, per position
# Positions keep exactly the characters seen there (a UUID's variant digit: 8, 9, a, b) when this many ids
# showed them; the ids that can be drawn must outnumber the real ones ID_SPACE_MARGIN times over, else
# positions are widened to their class, so that the parts of the space real ids leave free hold many.
MIN_IDS_FOR_EXACT_CHARACTERS = 1_000
ID_SPACE_MARGIN = 1_000
# With fewer ids, a position keeps the characters seen there where ids drawn evenly from its class would
# fall within so few of them with odds under this: 100 UUIDs show 8, 9, a, b as the variant digit with
# odds of 1e-57, while a random hex digit missing one of 16 in 100 ids has odds of 0.03.
CLOSED_SET_ODDS = 1e-9


def _character_class(seen: set[str]) -> str:
    """The narrowest of ``_ID_CLASSES`` holding every character in ``seen`` (else ``seen`` itself)."""
    for alphabet in _ID_CLASSES:
        if seen <= set(alphabet):
            return alphabet
    return "".join(sorted(seen))


def _id_alphabets(ids: pd.Series, n_real: int) -> list[str]:
    """What each position of a text id draws from, the narrowest choice leaving room for new ids:

    1. the characters seen there (with ``MIN_IDS_FOR_EXACT_CHARACTERS`` ids seen);
    2. a character every id shares there kept (a prefix, a separator), and the characters seen where
       chance cannot explain so few (``CLOSED_SET_ODDS``: a UUID's variant digit), other positions their
       class;
    3. as 2, with shared digits widened too where they are a number's leading zeros ("P00412" -> "P" and
       five digits) or so few ids share them that chance could explain it (``CLOSED_SET_ODDS``: under 10
       ids); other digits every one of more ids holds are the form's ("INV-2023-" and six digits, widened,
       kept "INV-2023-" in 0.02% of rows), and rows past the room it leaves draw longer ids (``_grown``).
    """
    seen = [set(chars) for chars in zip(*ids, strict=True)]
    exact = ["".join(sorted(s)) for s in seen]
    classes = [
        a if len(a) == 1 or _closed(s, _character_class(s), len(ids)) else _character_class(s)
        for a, s in zip(exact, seen, strict=True)
    ]
    digits = [
        _DIGITS if a.isdigit() and (len(a) > 1 or zero or not _closed(set(a), _DIGITS, len(ids))) else a
        for a, zero in zip(classes, _leading_zeros(classes), strict=True)
    ]
    choices = ([exact] if len(ids) >= MIN_IDS_FOR_EXACT_CHARACTERS else []) + [classes]
    for alphabets in choices:
        if _roomy(alphabets, n_real):
            return alphabets
    return digits


def _leading_zeros(alphabets: list[str]) -> list[bool]:
    """Whether each position holds a zero every id shares at the start of a run of digits ("P00412"): a
    number's padding, not a run of the form's own ("2023", "2000")."""
    out, leading = [], True
    for alphabet in alphabets:
        digit = alphabet.isdigit()
        out.append(digit and leading and alphabet == "0")
        leading = not digit or out[-1]
    return out


def _closed(seen: set[str], alphabet: str, n_ids: int) -> bool:
    """Whether ``n_ids`` ids holding only the characters ``seen`` at a position, of its class ``alphabet``,
    follow a rule there: drawn evenly from the class, they would fall within some set of that few of its
    characters with odds under ``CLOSED_SET_ODDS`` (a bound: the sets' count times one set's odds)."""
    held, size = len(seen), len(alphabet)
    if held >= size:
        return False
    log_odds = math.log(math.comb(size, held)) + n_ids * math.log(held / size)
    return log_odds < math.log(CLOSED_SET_ODDS)


def _roomy(alphabets: list[str], n_real: int) -> bool:
    """Whether ``alphabets`` spell ``ID_SPACE_MARGIN`` times more ids than the ``n_real`` real ones."""
    return sum(math.log(len(a)) for a in alphabets) >= math.log(ID_SPACE_MARGIN * max(1, n_real))


# Ids of many lengths (e-mail addresses, "CUST-7" to "CUST-5000") are drawn by their shape instead: runs of
# letters, runs of digits and the separators between them. When under this share of the ids have the most
# common length, drawing every id at that length would lose them.
FIXED_LENGTH_SHARE = 0.9
MAX_ID_SHAPES = 100  # the most common shapes kept (their share renormalised)
ID_REDRAWS = 40  # rounds of drawing again the ids one draw holds twice (or a real id's hash marks)
# A run of letters or digits is drawn as it is (a domain, a prefix, a common first name) when at least this
# many ids hold it in its place; rarer runs, which could name one person, are drawn at random in their case.
MIN_SHARED_RUN = 5
# Runs shared this densely in their length (a tenth of "00" to "99", of two-letter runs) are drawn at
# random, not kept: kept in some ids and drawn in others, the two would spell the same ids.
FILLED_RUN_SHARE = 0.1
# Random digit runs are drawn up to this many digits longer, so that the shapes leave this many times more
# ids than the real ones: about 1% of drawn ids would be real ones, drawn again (``_taken``).
ID_SHAPE_MARGIN = 100
MAX_EXTRA_DIGITS = 6
_ID_RUN = re.compile(r"[^\W\d_]+|\d+|[\W_]+")  # letters (any script), digits, anything else
_ID_JOIN = "\x00"  # joins a shape's runs into one JSON key
MAX_ID_RUN = 10_000  # the longest run a model file may ask to draw
_RUN_CASES = ("lower", "upper", "title", "mixed", "digits")
# Random letter runs keep per-position letters (``_run_positions``) only where those spell this many times
# more runs than the distinct ones seen, so that they follow a rule rather than list a few words.
RUN_RULE_MARGIN = 4


def _run_kind(run: str) -> str:
    """A run's place in an id's shape: "L" letters, "D" digits, or the separator itself."""
    return "D" if run.isdigit() else "L" if run.isalpha() else run


def _id_shapes(ids: pd.Series, n_real: int) -> list[dict[str, Any]]:
    """The shapes of variable-length ids (``IdentifierEncoder``), most common first, as plain JSON.

    Each has a ``weight`` (ids), its ``slots`` (a separator, ``literal``, or a run of letters or digits
    with its ``lengths``: length -> ids, ``cases``: case -> ids, and ``leading_zero``), its ``combos``:
    the runs the real ids hold as they are, together ("john" with "gmail" and "com"; "" where a run is
    drawn at random), -> ids, so that runs that go together ("gmail" and "com") are drawn together, and
    its ``run_lengths``: per combination, the lengths its random runs have together in one id (one entry
    per slot, "" where the run is kept or a separator) -> ids, so that an id's runs sum to a real id's
    length: dealt one run at a time, "A1B2" to "ABCDEF123456" (4 to 12 characters) came back 2 to 24
    long, 10.7% of them out of that range. Digit runs are drawn longer where the shapes leave too few ids
    for ``n_real`` (``_widen_digits``).
    """
    runs = ids.str.findall(_ID_RUN)
    kinds = runs.map(lambda found: _ID_JOIN.join(map(_run_kind, found)))
    shapes = []
    for shape, count in kinds.value_counts().iloc[:MAX_ID_SHAPES].items():
        group = pd.DataFrame(runs[kinds == shape].tolist())
        run_length = group.apply(lambda column: column.str.len().astype(str))
        slots: list[dict[str, Any]] = []
        for i, kind in enumerate(str(shape).split(_ID_JOIN)):
            values = group[i]
            if kind not in ("L", "D"):
                slots.append({"literal": kind})
                continue
            seen = values.value_counts()
            kept = seen.index[seen >= MIN_SHARED_RUN]
            # runs that fill their length ("00" to "99", two-letter names): drawn, never kept
            lengths = pd.Series(kept, dtype=object).str.len()
            room = (10.0 if kind == "D" else 26.0) ** lengths
            kept = kept[(lengths.map(lengths.value_counts()) < FILLED_RUN_SHARE * room).to_numpy()]
            shared = values.isin(kept)
            drawn = values[~shared] if (~shared).any() else values
            cases = drawn.map(_letter_case) if kind == "L" else pd.Series("digits", index=drawn.index)
            slot = {
                "lengths": {str(k): int(v) for k, v in drawn.str.len().value_counts().items()},
                "cases": {str(k): int(v) for k, v in cases.value_counts().items()},
                "leading_zero": bool(kind == "D" and drawn.str.match(r"0\d").any()),
            }
            letters = _letters(drawn) if kind == "L" else _LOWER
            if letters != _LOWER:
                slot["letters"] = letters
            if kind == "L" and len(slot["cases"]) == 1 and (positions := _run_positions(drawn, slot)):
                slot["positions"] = positions
            slots.append(slot)
            group[i] = values.where(shared, "")
        keys = _shared_combos(group, [i for i, slot in enumerate(slots) if "literal" not in slot])
        # a random run's length where the id's combination draws it, "" where it keeps the run
        drawn_lengths = run_length.where(group == "", "").agg(_ID_JOIN.join, axis=1)
        run_lengths: dict[str, dict[str, int]] = {}
        # counted in Python: pandas' multi-column counts cut text at the "\x00" that joins the runs
        for (combo, lengths), ids_held in Counter(zip(keys, drawn_lengths, strict=True)).most_common():
            run_lengths.setdefault(str(combo), {})[str(lengths)] = int(ids_held)
        shapes.append(
            {
                "weight": int(count),
                "slots": slots,
                "combos": {str(k): int(v) for k, v in keys.value_counts().items()},
                "run_lengths": run_lengths,
            }
        )
    _widen_digits(shapes, n_real)
    return shapes


def _slot_letters(slot: dict[str, Any]) -> tuple[str, str]:
    """A slot's letters in lower and in upper case (a letter whose upper case is two, "ß", stays itself)."""
    lower = slot.get("letters", _LOWER)
    return lower, "".join(c.upper() if len(c.upper()) == 1 else c for c in lower)


def _case_alphabets(slot: dict[str, Any], case: str, length: int) -> list[str]:
    """What each character of a random letter run of ``case`` and ``length`` draws from in ``slot``."""
    lower, upper = _slot_letters(slot)
    either = lower + upper if upper != lower else lower
    first, rest = {"lower": (lower, lower), "upper": (upper, upper), "title": (upper, lower)}.get(
        case, (either, either)
    )
    return [first, *[rest] * (length - 1)]


def _run_positions(drawn: pd.Series, slot: dict[str, Any]) -> dict[str, list[str]]:
    """Per length of a slot's random letter runs (all of one case), what each character draws from, where
    some position follows a rule: the few letters seen there, where drawn evenly from the case's letters
    that many runs would hold so few with odds under ``CLOSED_SET_ODDS`` (``_closed``: "x" first in every
    "xabcd", "a" to "d" after it; a letter every run holds needs 8 runs or so, so one rare run is never
    copied); other positions keep the case's letters. Drawn from those alone, the rare runs of "xabcd-12"
    ids lost their "x" and their "a" to "d" ("ekgqm-1827", 4.45% of the ids)."""
    (case,) = slot["cases"]
    out = {}
    for length, runs in drawn.groupby(drawn.str.len()):
        full = _case_alphabets(slot, case, int(length))
        seen = [set(chars) for chars in zip(*runs, strict=True)]
        alphabets = [
            "".join(sorted(held))
            if held <= set(alphabet) and _closed(held, alphabet, len(runs))
            else alphabet
            for held, alphabet in zip(seen, full, strict=True)
        ]
        # a few whole words ("brian", "crian": "b" to "h", a vowel, "rian") fit such rules too: drawn from
        # them, rare pairs of real names came back; a rule is kept only where it spells many more runs
        if alphabets != full and math.prod(map(len, alphabets)) >= RUN_RULE_MARGIN * runs.nunique():
            out[str(length)] = alphabets
    return out


def _shared_combos(group: pd.DataFrame, run_slots: list[int]) -> pd.Series:
    """Each id's combination of kept runs (``group``'s rows joined; ``group`` is edited in place), every
    combination held by ``MIN_SHARED_RUN`` ids or more: in the ids of a rarer one, the slot with the most
    distinct runs is drawn at random instead, until none is rare. Runs shared alone can name one person
    together ("john" + "smith")."""
    while True:
        keys = group.agg(_ID_JOIN.join, axis=1)
        rare = keys.map(keys.value_counts()) < MIN_SHARED_RUN
        kept = {i: group.loc[rare, i][group.loc[rare, i] != ""].nunique() for i in run_slots}
        if not rare.any() or not kept or max(kept.values()) == 0:
            return keys
        group.loc[rare, max(kept, key=kept.__getitem__)] = ""


def _letters(runs: pd.Series) -> str:
    """The letters random runs draw from, in lower case: a to z, or where the real runs hold others
    (Cyrillic names, "Müller"), the letters they hold."""
    seen = {c for c in "".join(runs).lower() if c.isalpha() and len(c.upper()) == 1}
    return _LOWER if seen <= set(_LOWER) else "".join(sorted(seen))


def _letter_case(run: str) -> str:
    """How a run of letters is written: "lower", "upper", "title" or "mixed"."""
    return "lower" if run.islower() else "upper" if run.isupper() else "title" if run.istitle() else "mixed"


def _widen_digits(shapes: list[dict[str, Any]], n_real: int) -> None:
    """Draw every random digit run longer by as few digits as leave ``ID_SHAPE_MARGIN`` times more ids than
    the real ones (in place): "CUST-7" to "CUST-5000" leave 10,000 ids, and half of 5,000 drawn ones would
    be real ones."""
    needed = math.log(ID_SHAPE_MARGIN * max(n_real, 1))
    for extra in range(MAX_EXTRA_DIGITS + 1):
        if _log_id_space(shapes, extra) >= needed:
            break
    else:
        return  # no digits to widen, or too few still: ids may repeat real ones
    for shape in shapes:
        digits = ["digits" in slot.get("cases", {}) for slot in shape["slots"]]
        for slot in (slot for slot, widen in zip(shape["slots"], digits, strict=True) if widen):
            slot["lengths"] = {str(int(length) + extra): count for length, count in slot["lengths"].items()}
        for options in shape["run_lengths"].values():
            widened = {}
            for lengths, count in options.items():
                runs = lengths.split(_ID_JOIN)
                key = [
                    str(int(run) + extra) if widen and run else run
                    for run, widen in zip(runs, digits, strict=True)
                ]
                widened[_ID_JOIN.join(key)] = count
            options.clear()
            options.update(widened)


def _log_id_space(shapes: list[dict[str, Any]], extra_digits: int) -> float:
    """log of how many ids the shapes can draw, digit runs ``extra_digits`` longer: per combination, its
    runs' longest lengths together alone (a bound from below)."""

    def log_choices(slot: dict[str, Any], length: str) -> float:
        if not length:  # a kept run or a separator
            return 0.0
        digits = "digits" in slot["cases"]
        if length in slot.get("positions", {}):
            return sum(math.log(len(alphabet)) for alphabet in slot["positions"][length])
        base = math.log(10 if digits else len(slot.get("letters", _LOWER)))
        return (int(length) + (extra_digits if digits else 0)) * base

    terms = []
    for shape in shapes:
        for options in shape["run_lengths"].values():
            terms.append(
                max(
                    sum(
                        log_choices(slot, run)
                        for slot, run in zip(shape["slots"], lengths.split(_ID_JOIN), strict=True)
                    )
                    for lengths in options
                )
            )
    if not terms:
        return 0.0
    top = max(terms)
    return top + math.log(sum(math.exp(term - top) for term in terms))


# -- drawing: an id as a function of its row -------------------------------------------------------------
# Rows are dealt among a form's variants block by block: each block of rows is shuffled (keyed) over the
# block's slots, which the variants own in proportion to their real ids, so that each variant's rows are
# numbered about densely (a variant with N ids then holds about N rows before any repeats). A deal's block
# is the slots its rows came from (their numbers are dense in those) but SLOTS_PER_OPTION per option at
# least, so that an option's smallest share (one slot) stays small beside its weight. The first deal's block
# is that least too: its rows' numbers are dense only once the block is drawn whole, and the rows a small
# variant numbers past its ids pass on to longer ones (``_shape_ids``), so a first block of 4,096 rows left
# "CUST-100" to "CUST-999" 137 of 1,000 rows drawn from 100 real ids (now 531), the rest five digits long.
SLOTS_PER_OPTION = 64
FIRST_BLOCK = SLOTS_PER_OPTION
MAX_BLOCK = 1 << 20
# Variants with more ids than this are spelled from a hash of the row's number instead of a permutation
# (the permutation works in 64-bit integers); two of a million rows then share an id with odds under 1e-6.
MAX_PERMUTED_IDS = 1 << 62
_FEISTEL_ROUNDS = 4
_ROUND_SALT = 0xD1B54A32D192ED03
# Real ids are kept out of the drawn ones by a bitmap of the parts of the ids' space that hold one, never
# by the ids (a model file would leak them; a hash of each would too, to anyone hashing every id of the
# form). What the bitmap tells is that a real id lies in a marked part: the more of the space is marked,
# the less that says, and the fewer ids are left to draw. Ids of one length: the space's ids, in order,
# split into as many parts as there are real ids, about 63% of them marked where the real ids are spread
# (a real id is one of 1.6 times as many marked ids as a chance one), the rows counted over the rest.
# Ids by shape: a salted hash of each id onto TAKEN_HASH_BITS bits per real id, 39% of them marked (2.5
# times).
TAKEN_HASH_BITS = 2
# Repeated ids (``IdentifierEncoder._entities``): rows are cut into runs of one id per block of at least
# MIN_ENTITY_BLOCK rows and ENTITY_BLOCK_RUNS times the longest real run (few runs cut at its end), at most
# MAX_ENTITY_BLOCK (drawing a block's run lengths costs a draw per row).
MIN_ENTITY_BLOCK = 1 << 12
ENTITY_BLOCK_RUNS = 16
MAX_ENTITY_BLOCK = 1 << 20
_ENTITY_SALT = 0x6A09E667F3BCC909
# A variant of ids by shape of up to this many ids lists its unmarked ones, as far as its rows reach (once
# per model, id seed and variant, LISTING_BLOCK ids at least at a time), and counts its rows over them; a
# larger one draws a marked id again, from ids of its own (``_stripe``).
MAX_LISTED_IDS = 1 << 22
# Ids a row of a larger variant owns, to draw an unmarked one from: all of them marked has odds of 1e-17.
ID_ATTEMPTS = ID_REDRAWS + 1
LISTING_BLOCK = 1 << 12


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a well-spread 64-bit hash of each value (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        z = np.asarray(values, dtype=np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _salted(keys: np.ndarray, salt: int | np.ndarray) -> np.ndarray:
    """A new key per element, for a choice or a character made under ``keys``."""
    return _mix(keys ^ _mix(np.asarray(salt, dtype=np.uint64)))


def _permute(index: np.ndarray, size: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Apply a keyed permutation of 0 .. size - 1 to each ``index`` (< its ``size``, at most
    ``MAX_PERMUTED_IDS``; uint64 arrays): a Feistel network on the fewest even bits that hold size - 1,
    applied again while it lands at or past ``size`` (cycle walking keeps it a permutation of the range)."""
    bits = np.zeros(index.shape, dtype=np.uint64)
    rest = size - np.uint64(1)
    while (rest > 0).any():
        bits += (rest > 0).astype(np.uint64)
        rest = rest >> np.uint64(1)
    half = np.maximum((bits + np.uint64(1)) // np.uint64(2), np.uint64(1))
    out = index.astype(np.uint64, copy=True)
    walking = np.arange(index.size)
    while walking.size:
        shift, keys_now = half[walking], keys[walking]
        mask = (np.uint64(1) << shift) - np.uint64(1)
        left, right = out[walking] >> shift, out[walking] & mask
        for round_ in range(_FEISTEL_ROUNDS):
            left, right = right, left ^ (_salted(keys_now, _ROUND_SALT * (round_ + 1) % 2**64 ^ right) & mask)
        out[walking] = (left << shift) | right
        walking = walking[out[walking] >= size[walking]]
    return out


def _slot_counts(weights: np.ndarray, slots: int) -> np.ndarray:
    """``slots`` shared in proportion to ``weights`` (largest remainders), one at least for each positive
    weight where there are enough."""
    share = weights / weights.sum() * slots
    least = (weights > 0).astype(np.int64) if slots >= np.count_nonzero(weights) else 0
    counts = np.maximum(np.floor(share).astype(np.int64), least)
    while (missing := slots - int(counts.sum())) != 0:
        if missing > 0:  # to the largest remainders
            counts[np.argsort(counts - share, kind="stable")[:missing]] += 1
        else:  # from the largest excesses, keeping the least
            excess = np.where(counts > least, counts - share, -np.inf)
            taken = np.argsort(-excess, kind="stable")[: min(-missing, int(np.sum(counts > least)))]
            counts[taken] -= 1
    return counts


def _deal(
    numbers: np.ndarray, blocks: np.ndarray, keys: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deal rows among options of ``weights``. Rows that share a key and have distinct ``numbers`` (dense in
    blocks of ``blocks``) get each option in proportion to its weight and distinct numbers among that
    option's rows, dense in blocks of the option's slots. Returns each row's option, number and block."""
    option = np.zeros(numbers.size, dtype=np.int64)
    dealt, dealt_blocks = np.zeros(numbers.size, dtype=np.uint64), np.zeros(numbers.size, dtype=np.uint64)
    least = SLOTS_PER_OPTION * weights.size
    for came_from in np.unique(blocks):
        rows = np.flatnonzero(blocks == came_from)
        block = np.uint64(min(max(int(came_from), least), MAX_BLOCK))
        counts = _slot_counts(weights, int(block)).astype(np.uint64)
        ends = np.cumsum(counts)
        slot = _permute(numbers[rows] % block, np.full(rows.size, block, dtype=np.uint64), keys[rows])
        option[rows] = chosen = np.searchsorted(ends, slot, side="right")
        dealt[rows] = numbers[rows] // block * counts[chosen] + slot - (ends[chosen] - counts[chosen])
        dealt_blocks[rows] = counts[chosen]
    return option, dealt, dealt_blocks


def _spell(
    numbers: np.ndarray,
    sizes: list[np.ndarray],
    keys: np.ndarray,
    places: list[int] | None = None,
    attempt: int | None = None,
) -> tuple[list[np.ndarray], bool]:
    """The digits of each row's id in mixed radix (``sizes``: per character, each row's base): the id
    ``numbers`` gives after a keyed permutation of the row's variant, or from a hash of it (salted with
    each character's ``places``, which other rows do not move) where the variant holds more than
    ``MAX_PERMUTED_IDS`` ids. Also whether a number went past its variant's ids (ids then repeat), or with
    an ``attempt``, past its share of them (``_stripe``)."""
    places = list(range(len(sizes))) if places is None else places
    log_size = np.sum([np.log2(size.astype(float)) for size in sizes], axis=0) if sizes else 0.0
    small = np.asarray(log_size < math.log2(MAX_PERMUTED_IDS) - 1) & np.ones(numbers.shape, dtype=bool)
    total = np.ones(numbers.shape, dtype=np.uint64)
    for size in sizes:
        total[small] *= size[small].astype(np.uint64)
    if attempt is None:
        index, fits = numbers[small] % total[small], numbers[small] < total[small]
    else:
        index, fits = _stripe(numbers[small], total[small], attempt)
    value = np.zeros(numbers.shape, dtype=np.uint64)
    value[small] = _permute(index, total[small], keys[small])
    digits = _radix_digits(value, sizes)
    if not small.all():
        hashed = _salted(keys, numbers) if not attempt else _salted(_salted(keys, numbers), attempt)
        digits = [
            np.where(small, digit, (_salted(hashed, place) % size.astype(np.uint64)).astype(np.int64))
            for digit, place, size in zip(digits, places, sizes, strict=True)
        ]
    return digits, bool(not np.all(fits))


def _stripe(numbers: np.ndarray, total: np.ndarray, attempt: int) -> tuple[np.ndarray, np.ndarray]:
    """Where in its variant's ``total`` ids (before the permutation) a row of ``numbers`` draws at its
    ``attempt`` of an id no real id's hash marks: row n owns the ``ID_ATTEMPTS`` ids n * ID_ATTEMPTS
    onwards, so no two rows of a variant, in any chunks of an output, meet at any attempt (regions that
    halved per attempt wrapped rows round past their few ids, and rows of other chunks met there); also
    which rows fit (``_shape_ids`` passes the others on to longer runs)."""
    stride = np.uint64(ID_ATTEMPTS)
    fits = numbers < total // stride
    # a row past them (an id with no random run, which has nowhere to pass on to) repeats the variant's ids
    return np.where(fits, numbers * stride + np.uint64(attempt), numbers % total), fits


def _radix_digits(value: np.ndarray, sizes: list[np.ndarray]) -> list[np.ndarray]:
    """``value`` (uint64) in mixed radix: one digit per base of ``sizes``, the first the least significant."""
    value, digits = value.copy(), []
    for size in sizes:
        base = np.asarray(size).astype(np.uint64)
        digits.append((value % base).astype(np.int64))
        value //= base
    return digits


def _id_values(ids: pd.Series, alphabets: list[str]) -> np.ndarray:
    """The place of each id of one length in the space ``alphabets`` spell (as ``_radix_digits`` reads
    it, uint64); ids not of that form, which are never drawn, are left out."""
    ids = ids[ids.str.len() == len(alphabets)]
    value, fits, scale = np.zeros(len(ids), dtype=np.uint64), np.ones(len(ids), dtype=bool), 1
    for place, alphabet in enumerate(alphabets):
        code = ids.str[place].map({c: i for i, c in enumerate(alphabet)})
        fits &= code.notna().to_numpy()
        value += code.fillna(0).to_numpy(dtype=np.uint64) * np.uint64(scale)
        scale *= len(alphabet)
    return value[fits]


def _packed(bits: np.ndarray) -> str:
    """A bitmap as text for a model file."""
    return base64.b64encode(np.packbits(bits).tobytes()).decode("ascii")


def _unpacked(text: str, size: int) -> np.ndarray:
    """The ``size`` bits ``_packed`` wrote."""
    return np.unpackbits(np.frombuffer(base64.b64decode(text), dtype=np.uint8), count=size).astype(bool)


def _hash_bits(ids: np.ndarray, key: int, size: int) -> np.ndarray:
    """Each id's bit among ``size``: a hash of its text salted with the column's key (siphash, pandas')."""
    hashed = pd.util.hash_array(np.asarray(ids, dtype=object), hash_key=f"{key:016x}"[:16], categorize=False)
    return (hashed % np.uint64(size)).astype(np.int64)


def _joined(characters: np.ndarray) -> np.ndarray:
    """Rows of single characters ("" past a row's end) joined into one string per row."""
    width = max(characters.shape[1], 1)
    if not characters.shape[1]:
        return np.full(characters.shape[0], "", dtype=object)
    return np.ascontiguousarray(characters.astype("<U1")).view(f"<U{width}").ravel().astype(object)


def _growth(alphabets: list[str]) -> tuple[int, str]:
    """Where ids of one length grow once their form is used up, and what the added positions draw: after
    the last position that varies, from its characters ("K10" to "K99": "K" and three digits); where none
    varies ("X1" in every row), after the last one whose class does, from its class; else digits at the
    end."""
    for at in range(len(alphabets) - 1, -1, -1):
        if len(alphabets[at]) > 1:
            return at, alphabets[at]
    for at in range(len(alphabets) - 1, -1, -1):
        if len(wide := _character_class(set(alphabets[at]))) > 1:
            return at, wide
    return len(alphabets) - 1, _DIGITS


def _grown(alphabets: list[str], extra: int) -> list[str]:
    """The form of ids of one length ``extra`` positions longer (``_growth``)."""
    at, alphabet = _growth(alphabets)
    return [*alphabets[: at + 1], *[alphabet] * extra, *alphabets[at + 1 :]]


def _spelled_growths(real: pd.Series, alphabets: list[str]) -> list[int]:
    """How many positions longer than ``alphabets`` some real ids spell the form grown (``_grown``), in
    order: ids mostly of one length can have a few longer ones, and ids past the form's room skip those
    lengths, so that no longer id drawn is a real one (real ids two positions longer but none one: once
    the one longer were used up, rows drew ids real ones may be)."""
    lengths = real.str.len()
    spelled = []
    # past ``MAX_ID_RUN`` positions no id is drawn (a model file may not ask for more)
    grown = (lengths > len(alphabets)) & (lengths <= len(alphabets) + MAX_ID_RUN)
    for length in sorted(set(lengths[grown].tolist())):
        extra = int(length) - len(alphabets)
        form = "".join(f"[{''.join(map(re.escape, alphabet))}]" for alphabet in _grown(alphabets, extra))
        if real[(lengths == length).to_numpy()].str.fullmatch(form).any():
            spelled.append(extra)
    return spelled


def _form_digits(alphabets: list[str], numbers: np.ndarray, keys: np.ndarray) -> list[np.ndarray]:
    """The digits (``_radix_digits``) of the ids of one length that ``numbers`` give (``_spell``)."""
    return _spell(numbers, [np.full(numbers.shape, len(a), dtype=np.uint64) for a in alphabets], keys)[0]


def _spelled(alphabets: list[str], digits: list[np.ndarray], rows: int) -> np.ndarray:
    """``rows`` ids of one length from their digits, one array per position (``_radix_digits``)."""
    characters = np.empty((rows, len(alphabets)), dtype=object)
    for j, (alphabet, digit) in enumerate(zip(alphabets, digits, strict=True)):
        characters[:, j] = np.array(list(alphabet), dtype=object)[digit]
    return _joined(characters)


def _run_spelling(
    slot: dict[str, Any], case: np.ndarray, length: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's base and place in the slot's characters (the third array: digits, then its letters in
    lower and upper case) per character of a run drawn at random: (rows, width) arrays, base 1 and start
    -1 past the row's length (a row of a kept run: length 0)."""
    lower, upper = _slot_letters(slot)
    n = len(lower)
    cased = upper != lower  # a script without case (Chinese, Arabic) writes every case alike
    spelling = {  # per case: (base, start) of the first character and of the rest
        "digits": ((10, 0), (10, 0)),
        "lower": ((n, 10), (n, 10)),
        "upper": ((n, 10 + n * cased), (n, 10 + n * cased)),
        "title": ((n, 10 + n * cased), (n, 10)),
        "mixed": ((n * (1 + cased), 10), (n * (1 + cased), 10)),
    }
    width = int(length.max()) if length.size else 0
    base = np.ones((length.size, width), dtype=np.int64)
    start = np.zeros((length.size, width), dtype=np.int64)
    for code, name in enumerate(slot["cases"]):
        rows = case == code
        first, rest = spelling[name]
        if name == "digits" and not slot["leading_zero"]:
            first = (9, 1)  # no leading zero: "1" to "9"
        base[rows], start[rows] = rest
        base[rows, :1], start[rows, :1] = first
    characters = _DIGITS + lower + upper * cased
    # runs of a length whose positions follow a rule (``_run_positions``) draw each character from its
    # position's letters, listed after the others
    for run_length, alphabets in slot.get("positions", {}).items():
        rows = length == int(run_length)
        for j, alphabet in enumerate(alphabets if rows.any() else ()):
            base[rows, j], start[rows, j] = len(alphabet), len(characters)
            characters += alphabet
    past_end = np.arange(width) >= length[:, None]
    base[past_end], start[past_end] = 1, -1
    return base, start, np.array(list(characters), dtype=object)


class _Listing:
    """The ids of one variant of ids by shape that no real id's hash marks (``_taken``), in the order of
    the variant's keyed permutation, listed only as far as its rows have reached and kept (per model, id
    seed and variant): row n of the variant takes the n-th, so its ids stay unique in every chunk. Listing a
    whole variant of millions of ids for its first rows took minutes."""

    def __init__(self, key: int, size: int) -> None:
        self.key, self.size, self.scanned = key, size, 0
        self.free = np.zeros(0, dtype=np.uint64)

    def first(self, count: int, unusable: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """The variant's first ``count`` usable values (all of them where it holds fewer), ``unusable``
        telling of values as ``_radix_digits`` reads them whether their ids are marked or foreign."""
        while self.free.size < count and self.scanned < self.size:
            # twice the ids still missing, as about 61% are unmarked: one block mostly
            step = min(self.size - self.scanned, max(LISTING_BLOCK, 2 * (count - self.free.size)))
            index = np.arange(self.scanned, self.scanned + step, dtype=np.uint64)
            values = _permute(
                index, np.full(step, self.size, dtype=np.uint64), np.full(step, self.key, dtype=np.uint64)
            )
            self.free = np.concatenate([self.free, values[~unusable(values)]])
            self.scanned += step
        return self.free


def _foreign(
    slots: list[dict[str, Any]],
    kept_runs: list[set[str]],
    kept: np.ndarray,
    case: np.ndarray,
    texts: dict[int, np.ndarray],
) -> np.ndarray:
    """Whether each id (a row of ``kept``: its kept runs, "" where drawn; ``case``: each slot's case's
    place; ``texts``: each slot's random run) is one another variant of its shape spells too: a random run
    spelling a run some combination keeps in that slot ("ana" drawn where other ids keep "ana"), or
    written in a case an earlier of the slot's cases writes too ("C" is upper case and title case, "abc"
    lower and mixed case). Such ids are left to the variant that owns them, so that ids of different
    variants never meet: drawn again per chunk when they met, they met ids of other chunks instead."""
    foreign = np.zeros(kept.shape[0], dtype=bool)
    for i, text in texts.items():
        drawn = kept[:, i] == ""
        if not drawn.any():
            continue
        runs = pd.Series(text[drawn], dtype=object)
        clash = runs.isin(kept_runs[i]).to_numpy()
        names = list(slots[i]["cases"])
        if len(names) > 1 and _cased(slots[i]):
            writes = {
                "lower": runs == runs.str.lower(),
                "upper": runs == runs.str.upper(),
                "title": runs == runs.str.title(),
                "mixed": pd.Series(True, index=runs.index),
                "digits": pd.Series(True, index=runs.index),
            }
            order = [name for name in _RUN_CASES if name in names]
            owner = np.select([writes[name].to_numpy() for name in order], order, default="")
            # one letter is one case's only (``_cases_overlap``): a variant of title or mixed case left with
            # none would be listed whole for nothing
            longer = runs.str.len().to_numpy() > 1
            clash |= longer & (owner != np.array(names, dtype=object)[case[drawn, i]])
        foreign[np.flatnonzero(drawn)[clash]] = True
    return foreign


def _cased(slot: dict[str, Any]) -> bool:
    """Whether a run slot's letters have cases (Chinese, Arabic do not: each case writes the same)."""
    lower = slot.get("letters", _LOWER)
    return any(c.upper() != c and len(c.upper()) == 1 for c in lower)


def _cases_overlap(shapes: list[dict[str, Any]]) -> bool:
    """Whether two cases of a random letter run can write the same run where ``_foreign`` does not keep
    them apart: one letter ("C" in upper and title case) or letters without case. Ids of such variants
    can meet; one draw draws them again (``IdentifierEncoder._draw_repeats_again``), draws of other
    chunks or parts do not see them."""
    for slot in (slot for shape in shapes for slot in shape["slots"] if "literal" not in slot):
        cases = set(slot["cases"]) - {"digits"}
        if len(cases) > 1 and (not _cased(slot) or ("1" in slot["lengths"] and cases & {"title", "mixed"})):
            return True
    return False


def _shape_ids(
    shape: dict[str, Any],
    numbers: np.ndarray,
    blocks: np.ndarray,
    keys: np.ndarray,
    marked: Callable[[np.ndarray], np.ndarray] | None = None,
    listings: dict[tuple[int, int], _Listing] | None = None,
) -> np.ndarray:
    """The ids of one shape for rows with distinct ``numbers`` (``_deal``) among those of their key: the
    kept runs' combination, and each random run's length and case, dealt; the random characters spelled.

    A variant of up to ``MAX_LISTED_IDS`` ids gives row n of its rows its n-th id that no real id's hash
    marks (``marked``; ``_Listing``, kept in ``listings``). Rows past them pass on to the ids with the
    row's last random run one character longer than that run's longest length, and on again past those
    (``grow``): "CUST-100" to "CUST-999", 401 of them real, run out after about 500 rows and their next
    rows draw "CUST-" and six digits, numbered so that the rows passed on from each length stay apart,
    the same in every chunk (drawn again at random per chunk, they met other chunks' ids). A larger
    variant draws a marked id again from the row's own ids (``_stripe``), up to ``ID_REDRAWS`` times, and
    passes on the rows past those it has ids for; without ``marked``, no id is marked."""
    slots = shape["slots"]
    shape_combos = list(shape["combos"])
    combos = [combo.split(_ID_JOIN) for combo in shape_combos]
    weights = np.array(list(shape["combos"].values()), dtype=float)
    combo_of, numbers, blocks = _deal(numbers, blocks, keys, weights)
    keys = _salted(keys, combo_of)
    kept = np.array(combos, dtype=object).reshape(len(combos), -1)[combo_of]
    run_slots = [i for i, slot in enumerate(slots) if "literal" not in slot]
    # per row and slot, the random run's length (0: a kept run) and case; per row, its last random run,
    # the lengths' choice (``pick``, of ``dealt``) and the key before it, which a row passed on to a longer
    # run changes
    length = np.zeros((numbers.size, len(slots)), dtype=np.int64)
    case = np.zeros((numbers.size, len(slots)), dtype=np.int64)
    last, pick, before = np.full(numbers.size, -1), np.zeros(numbers.size, dtype=np.int64), keys.copy()
    dealt = np.zeros(numbers.size, dtype=np.int64)
    joint = shape.get("run_lengths")  # files written before: each run's length dealt alone
    for i in run_slots:
        drawn = kept[:, i] == ""
        last[drawn], before[drawn] = i, keys[drawn]
        choice = {}
        for part in ("cases",) if joint is not None else ("lengths", "cases"):
            weights = np.array(list(slots[i][part].values()), dtype=float)
            choice[part], numbers[drawn], blocks[drawn] = _deal(
                numbers[drawn], blocks[drawn], keys[drawn], weights
            )
            keys[drawn] = _salted(keys[drawn], choice[part])
        case[drawn, i] = choice["cases"]
        if joint is None:
            length[drawn, i] = np.array([int(k) for k in slots[i]["lengths"]])[choice["lengths"]]
            pick[drawn], dealt[drawn] = choice["lengths"], len(slots[i]["lengths"])
    longest = np.array([max(map(int, slot.get("lengths", [0]))) for slot in slots], dtype=np.int64)
    if joint is not None:
        before = keys.copy()  # every choice but the lengths
        for c in np.unique(combo_of):
            at = np.flatnonzero(combo_of == c)
            table = _joint_lengths(joint[shape_combos[c]], len(slots))
            longest = np.maximum(longest, table.max(axis=0))
            if last[at[0]] < 0:  # no random run
                continue
            counts = np.array(list(joint[shape_combos[c]].values()), dtype=float)
            pick[at], numbers[at], blocks[at] = _deal(numbers[at], blocks[at], keys[at], counts)
            keys[at] = _salted(keys[at], pick[at])
            length[at] = table[pick[at]]
            dealt[at] = counts.size
    kept_runs = [{combo[i] for combo in combos} - {""} for i in range(len(slots))]

    def spelling(at: np.ndarray) -> tuple[dict[int, tuple[np.ndarray, ...]], list[np.ndarray]]:
        """Rows ``at``'s random runs (``_run_spelling``: bases, starts, characters) and their bases, one
        array per random character."""
        runs = {i: _run_spelling(slots[i], case[at, i], length[at, i]) for i in run_slots}
        return runs, [base[:, j] for base, _, _ in runs.values() for j in range(base.shape[1])]

    def written(
        at: np.ndarray, values: np.ndarray | None = None, attempt: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The ids of rows ``at``: of ``values`` in their variants (as ``_radix_digits`` reads them), or
        those ``_spell`` gives their numbers at ``attempt``; and whether each is unusable: marked by a real
        id's hash (``marked``) or one another variant spells too (``_foreign``)."""
        runs, bases = spelling(at)
        if values is None:
            places = [i * MAX_ID_RUN + j for i, (base, _, _) in runs.items() for j in range(base.shape[1])]
            digits = iter(_spell(numbers[at], bases, keys[at], places, attempt)[0])
        else:
            digits = iter(_radix_digits(values, bases))
        out, texts = np.full(at.size, "", dtype=object), {}
        for i, slot in enumerate(slots):
            if "literal" in slot:
                out += slot["literal"]
                continue
            base, start, spelled = runs[i]
            characters = np.empty(base.shape, dtype=object)
            for j in range(base.shape[1]):
                characters[:, j] = spelled[start[:, j] + next(digits)]
            characters[start < 0] = ""  # past the run's end (a position of one letter has base 1 too)
            texts[i] = _joined(characters)
            out += np.where(kept[at, i] == "", texts[i], kept[at, i])
        unusable = _foreign(slots, kept_runs, kept[at], case[at], texts)
        return out, unusable | (marked(out) if marked is not None else False)

    def grow(rows: np.ndarray) -> np.ndarray:
        """Pass ``rows`` (numbered past their variant's ids) on to their last random run one character
        longer, past the lengths the run is dealt: rows from the k dealt lengths (the run's, or the runs'
        together) are numbered o * k + their lengths' place, so none meet. Returns the rows that cannot
        grow (no random run)."""
        stuck = (last[rows] < 0) | (length[rows, last[rows]] >= MAX_ID_RUN)
        rows, slot = rows[~stuck], last[rows[~stuck]]
        options = dealt[rows]
        first = pick[rows] < options
        numbers[rows[first]] = numbers[rows[first]] * options[first].astype(np.uint64) + pick[
            rows[first]
        ].astype(np.uint64)
        pick[rows] = np.where(first, options, pick[rows] + 1)
        length[rows, slot] = longest[slot] + 1 + pick[rows] - options
        keys[rows] = _salted(_salted(before[rows], pick[rows]), case[rows, slot])
        return stuck

    out = np.full(numbers.size, "", dtype=object)
    listings = {} if listings is None else listings
    todo, large = np.arange(numbers.size), []
    while todo.size:
        sizes = np.prod(np.array(spelling(todo)[1], dtype=float).reshape(-1, todo.size), axis=0)
        listed = sizes <= MAX_LISTED_IDS
        # a larger variant holds as many rows as have ``ID_ATTEMPTS`` ids each (``_stripe``; one spelled
        # from a hash, any number of rows): the rest pass on, as past a listing's end
        room = np.where(sizes < MAX_PERMUTED_IDS, sizes // ID_ATTEMPTS, np.inf)[~listed]
        full = numbers[todo[~listed]] >= room
        large.append(todo[~listed][~full])
        numbers[todo[~listed][full]] -= room[full].astype(np.uint64)
        passed = [todo[~listed][full]]
        todo = todo[listed]
        by_variant = pd.Series(todo).groupby([keys[todo], sizes[listed].astype(np.int64)]).indices
        for (key, size), where in by_variant.items():
            at = todo[where]
            listing = listings.setdefault((int(key), int(size)), _Listing(int(key), int(size)))
            free = listing.first(
                int(numbers[at].max()) + 1,
                lambda values, row=at[0]: written(np.full(values.size, row), values)[1],
            )
            fits = numbers[at] < free.size
            out[at[fits]] = written(at[fits], free[numbers[at[fits]]])[0]
            numbers[at[~fits]] -= np.uint64(free.size)
            passed.append(at[~fits])
        todo = np.concatenate(passed) if passed else todo[:0]
        stuck = grow(todo)
        large.append(todo[stuck])
        todo = todo[~stuck]
    rows = np.concatenate(large)
    for attempt in range(ID_ATTEMPTS):
        out[rows], unusable = written(rows, attempt=attempt)
        rows = rows[unusable]
        if not rows.size:
            break
    return out


def _joint_lengths(options: dict[str, int], n_slots: int) -> np.ndarray:
    """A combination's ``run_lengths`` options as an (options, slots) array of lengths, 0 where a run is
    kept or a separator."""
    table = np.zeros((len(options), n_slots), dtype=np.int64)
    for row, lengths in enumerate(options):
        table[row] = [int(run) if run else 0 for run in lengths.split(_ID_JOIN)]
    return table


def _template_alphabets(template: str) -> list[str]:
    """The alphabets of a model file written before they were learned: each character's class."""
    return [
        _DIGITS if c.isdigit() else _UPPER if c.isupper() else _LOWER if c.isalpha() else c for c in template
    ]


class IdentifierEncoder(ColumnEncoder):
    """Row identifiers are regenerated, never learned: new ids of the same form, not taken from real rows.

    Numeric ids count on past the largest real id while the column's integers have room, then down from
    the smallest (``_rooms``). Text ids of one length (``FIXED_LENGTH_SHARE``) have it
    and, position by position, what the real ids hold there (``_id_alphabets``): a character they all share
    ("TX-", a UUID's dashes) is kept, other positions take the characters seen there or their class
    (digits, hex, letters), so "TX-00A3F2" becomes e.g. "TX-7B01E9". Ids of many lengths (e-mail addresses)
    are drawn by shape (``_id_shapes``): "mary.chen12@gmail.com" is letters "." letters digits "@" letters
    "." letters, and a shape's runs are drawn with their real lengths and case, runs many ids share
    ("gmail", "com") as they are. Row k of every output drawn with one id seed gets the same id (``ids``),
    so that an output drawn in parts holds each id once. No drawn id is a real one (``_taken``: the model
    keeps which parts of the ids' space hold real ids, not the ids); numeric ids count past them. Where
    real ids repeat (an entity's key, ``account_id`` in transactions, declared identifier), each new id
    holds a run of adjacent rows, the runs as long as real ids' rows (``_entities``).
    """

    type_name = "identifier"

    def __init__(self, name: str, spec: ColumnSpec) -> None:
        self.name, self.spec, self.spans = name, spec, []
        # the unmarked ids of small variants of ids by shape, by key and size, listed once (``_Listing``)
        self._listings: dict[tuple[int, int], _Listing] = {}
        self.per_id: dict[str, int] | None = None  # rows per real id, where ids repeat (``_rows_per_id``)

    def fit(self, series: pd.Series, rng: np.random.Generator) -> IdentifierEncoder:
        present = series.dropna()
        self.dtype = dtype_name(series.dtype)
        self.start, self.down, self.alphabets, self.shapes, self.key = 0, None, None, None, 0
        self.longer = 1
        # growths past ``longer`` that real ids spell, skipped by ids past the form's room (``_fixed_ids``)
        self.skipped: list[int] = []
        self.taken: dict[str, Any] | None = None
        self._listings = {}  # listed under the marks of an earlier fit
        self.missing_share = float(series.isna().mean()) if len(series) else 0.0
        self._set_missing_span(bool(series.isna().any()))
        self.per_id = _rows_per_id(present)
        if pd.api.types.is_numeric_dtype(series):
            if pd.api.types.is_float_dtype(series) and _whole_numbers(present):
                # integer ids with gaps read from a CSV ("1,2,,4") are floats: drawn as such, they were
                # written "1002.0"; pandas' nullable integers keep them whole and the gaps missing
                self.dtype = "Int64"
            if len(present):
                self.start, self.down = int(present.max()) + 1, int(present.min()) - 1
                self._check_room_at_fit(len(present))
            return self
        real = present.astype(str)
        # a uniform sample: a file sorted by id would show only its first ids; an empty id has no shape
        text = real.iloc[np.sort(rng.permutation(len(real))[:ID_SCAN_ROWS])]
        text = text[(text.str.len() > 0) & (text.str.len() <= MAX_ID_RUN)]
        self.key = int(rng.integers(2**63))
        if text.empty:
            self.alphabets = []
            return self
        lengths = text.str.len()
        modal = lengths == int(lengths.mode().iloc[0])
        if modal.mean() >= FIXED_LENGTH_SHARE:
            self.alphabets = _id_alphabets(text[modal], len(present))
        # ids of several lengths whose common one leaves too little room ("CUST-1" to "CUST-100": 100 ids
        # "CUST-dd", 90 of them real, so 1,000 rows held 900 real ones) are drawn by shape, their digit runs
        # longer (``_widen_digits``); ids all of one length keep it ("P00412")
        if self.alphabets is None or not (modal.all() or _roomy(self.alphabets, len(present))):
            self.alphabets, self.shapes = None, _id_shapes(text, len(present))
        real = real.drop_duplicates()
        self.taken = self._taken(real)
        if self.alphabets is not None:
            spelled = _spelled_growths(real, self.alphabets)
            self.longer = next(extra for extra in itertools.count(1) if extra not in spelled)
            self.skipped = [extra for extra in spelled if extra > self.longer]
        return self

    def _taken(self, real: pd.Series) -> dict[str, Any] | None:
        """Which parts of the ids' space hold real ids (every real id, not only those the form was learned
        from), as a model file keeps it: ids of one length, ``part`` ids in order per bit; ids by shape, a
        salted hash onto ``size`` bits. None where drawn ids cannot be real ones: a space too large to
        number (hashed, ``MAX_PERMUTED_IDS``), or no real id of the form."""
        if self.shapes is not None:
            size = max(TAKEN_HASH_BITS * len(real), 8)
            bits = np.zeros(size, dtype=bool)
            bits[_hash_bits(real.to_numpy(), self.key, size)] = True
            return {"size": size, "bits": _packed(bits)}
        space = math.prod(len(alphabet) for alphabet in self.alphabets)
        values = _id_values(real, self.alphabets) if space < MAX_PERMUTED_IDS >> 1 else None
        if values is None or not values.size:
            return None
        part = -(-space // values.size)
        size = -(-space // part)
        bits = np.zeros(size, dtype=bool)
        bits[(values // np.uint64(part)).astype(np.int64)] = True
        bits[-1] |= space % part != 0  # a last part cut short by the space's end: counted as taken
        return {"part": part, "size": size, "bits": _packed(bits)}

    def _rooms(self) -> tuple[int, int]:
        """How many new numeric ids fit in the ids' integers counting up from ``start`` and down from
        ``down``, keeping the real ids' sign: to 0 at most where no real id is negative, to -1 at most
        where none is positive or 0, whatever the integers hold past that."""
        limits = _id_limits(self.dtype)
        ceiling = -1 if self._negative() else int(limits.max)
        above = max(ceiling - self.start + 1, 0)
        if self.down is None:
            return above, 0
        floor = 0 if self.down + 1 >= 0 else int(limits.min)
        return above, max(self.down - floor + 1, 0)

    def _negative(self) -> bool:
        """Whether every real numeric id is negative: new ones count down past the smallest first, then up
        from the largest to -1 (counted up first, -5000 to -1 came back 0 to 4999)."""
        return self.down is not None and self.start <= 0

    def _check_room_at_fit(self, n_real: int) -> None:
        """Refuse ids that leave no room for new ones (a sample would fail); warn where fewer fit than
        there are real ids."""
        room, fix = sum(self._rooms()), _NO_ROOM_FIX
        if room < 2:
            raise DataError(
                f"column {self.name!r}: no new id fits in {self.dtype} above the largest real id or below "
                f"the smallest (down to 0 where every real id is positive, up to -1 where every one is "
                f"negative); {fix}"
            )
        if room < n_real:
            warnings.warn(
                f"column {self.name!r}: only {room:,} new ids fit in {self.dtype} beside the real ones, "
                f"fewer than the {n_real:,} real rows, so a larger sample fails; {fix}",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )

    def check_room(self, rows: int) -> None:
        """Refuse an output of ``rows`` rows where their numeric ids would not fit (they would wrap round to
        real ids or overflow), before any is drawn. Text ids are drawn for any output: ids of one length
        repeat past the ``fixed_room`` new ids their form holds (``ids`` says how many rows), ids by shape
        pass on to longer runs."""
        above, below = self._rooms()
        if self.alphabets is None and self.shapes is None and rows > above + below:
            raise DataError(
                f"column {self.name!r}: only {above + below:,} new ids fit in {self.dtype} beside the real "
                f"ones ({above:,} above the largest, {below:,} below the smallest, keeping their sign), "
                f"and {rows:,} are asked for; {_NO_ROOM_FIX}"
            )

    def _set_missing_span(self, has_missing: bool) -> None:
        """Give ids with missing values a present/missing indicator, as numbers have (``missing_span``):
        the ids themselves are drawn anew, but whether a row holds one is data, learned with the other
        columns (guests' ids missing exactly on web orders came back missing in 47% of store and web
        rows alike, drawn apart from the row) and seen by conditions on them."""
        self.has_missing = has_missing
        self.spans = missing_span(has_missing, 0, self.name)

    def transform(self, series: pd.Series) -> np.ndarray:
        if self.has_missing:
            return missing_block(series.isna().to_numpy())
        return np.zeros((len(series), 0), dtype=np.float32)

    def inverse(
        self, block: np.ndarray, rng: np.random.Generator, first_row: int | None = 0, id_seed: int = 0
    ) -> pd.Series:
        """The ids of output rows ``first_row`` onwards, missing where the model's indicator says so
        (``first_row=None``: one placeholder id in every row, for rows drawn to be chosen among and
        numbered once chosen; a rejection sampler draws more rows than there may be new ids)."""
        n = block.shape[0]
        if first_row is None:
            ids = pd.Series(self.ids(0, 1, id_seed).iloc[0], index=range(n), name=self.name)
            ids = ids.astype(self.dtype) if self.alphabets is None and self.shapes is None else ids
        else:
            ids = self.ids(first_row, n, id_seed)
        if self.has_missing:
            ids = ids.where(row_argmax(block) == 0)
        elif self.missing_share:  # model files written before the indicator: drawn apart from the row
            ids = ids.where(rng.random(n) >= self.missing_share)
        if self.dtype.startswith("string"):  # pandas' text dtype ("string[pyarrow]"), not objects
            ids = ids.astype(self.dtype)
        return ids

    def ids(self, first_row: int, n: int, id_seed: int = 0) -> pd.Series:
        """The ids of output rows ``first_row`` to ``first_row + n - 1`` of an output drawn with ``id_seed``:
        the same rows and seed, the same ids (numeric ids count on whatever the seed). Where real ids repeat
        (``per_id``), rows share a new id as real rows share theirs (``_entities``)."""
        if self.per_id is None or not n:
            return self._numbered(first_row, n, id_seed)
        rows = np.arange(first_row, first_row + n, dtype=np.uint64)
        entities = self._entities(rows, id_seed)
        # entity numbers rise with the rows and never pass them (each new id holds a row at least), so the
        # ids numbered over their range fit wherever the rows' ids did
        first = int(entities[0])
        numbered = self._numbered(first, int(entities[-1]) - first + 1, id_seed, warn=False)
        if self.shapes is None and self.alphabets is not None:
            # told in ids, not rows, and once: in the draw holding the output's first row whose id is past
            # the room (the entity a chunk starts in may have begun in the chunk before)
            room = self.fixed_room()
            if int(entities[-1]) >= room and (
                first_row == 0
                or int(self._entities(np.array([first_row - 1], dtype=np.uint64), id_seed)[0]) < room
            ):
                self._warn_of_growth(room, per_row=False, stacklevel=caller_stacklevel())
        return pd.Series(
            numbered.to_numpy()[(entities - np.uint64(first)).astype(np.int64)],
            name=self.name,
            dtype=numbered.dtype,
        )

    def _entities(self, rows: np.ndarray, id_seed: int) -> np.ndarray:
        """The number of the new id each of ``rows`` (sorted uint64) holds, where real ids repeat: rows are
        cut into blocks of ``_entity_block`` rows, and each block into runs whose lengths are drawn from the
        real rows per id (``per_id``) under a key of the model, the id seed and the block, so that a row's
        id depends on its place in the output only, as ``_numbered``'s do, and an output drawn in chunks or
        parts gives each id its whole run. Run j of block b is entity ``b * block + j``: at most its first
        row's number, so numbered ids fit wherever rows' ids would. A run is the rows of one id, adjacent
        in the output; only the output's last run, and runs longer than a block, are cut short."""
        sizes = np.array([int(size) for size in self.per_id], dtype=np.int64)
        cumulative = np.cumsum([float(count) for count in self.per_id.values()])
        block = self._entity_block()
        base = _salted(np.array([self.key], dtype=np.uint64), _ENTITY_SALT ^ id_seed % 2**64)
        out = np.empty(rows.size, dtype=np.uint64)
        blocks = rows // np.uint64(block)
        for number in np.unique(blocks):
            here = blocks == number
            key = _salted(base, int(number))
            draws = _salted(np.repeat(key, block), np.arange(block, dtype=np.uint64))
            uniform = (draws >> np.uint64(11)).astype(np.float64) / 2.0**53 * cumulative[-1]
            ends = np.cumsum(sizes[np.searchsorted(cumulative, uniform, side="right")])
            offsets = (rows[here] - number * np.uint64(block)).astype(np.int64)
            runs = np.searchsorted(ends, offsets, side="right").astype(np.uint64)
            out[here] = number * np.uint64(block) + runs
        return out

    def _entity_block(self) -> int:
        """Rows per block of ``_entities``: ``ENTITY_BLOCK_RUNS`` of the longest real run at least, so that
        few runs are cut at a block's end, and ``MAX_ENTITY_BLOCK`` at most."""
        longest = max(int(size) for size in self.per_id)
        return min(max(MIN_ENTITY_BLOCK, ENTITY_BLOCK_RUNS * longest), MAX_ENTITY_BLOCK)

    def _numbered(self, first_row: int, n: int, id_seed: int = 0, warn: bool = True) -> pd.Series:
        """The new ids numbered ``first_row`` to ``first_row + n - 1`` (one per row where ids are unique;
        ``warn`` false where the numbers are entities', whose room ``ids`` tells)."""
        rows = np.arange(first_row, first_row + n, dtype=np.uint64)
        if self.alphabets is None and self.shapes is None:
            # counted in the ids' own integers: a uint64 card number past int64's range is one too
            self.check_room(first_row + n)
            # up past the largest real id while the integers have room, then down from the smallest; the
            # other way round where every real id is negative, so that new ids keep their sign
            whole = np.uint64 if _id_limits(self.dtype).min == 0 else np.int64  # no mixing through floats
            above, below = self._rooms()
            down_first = self._negative()
            first_room = np.uint64(min(below if down_first else above, 2**64 - 1))
            first = rows < first_room
            later = rows[~first] - first_room
            counted = np.empty(rows.size, dtype=whole)
            # ``start`` (``down``) itself may lie past the integers where none fits above (below)
            if first.any():
                counted[first] = (
                    whole(self.down) - rows[first].astype(whole)
                    if down_first
                    else whole(self.start) + rows[first].astype(whole)
                )
            if later.size:
                counted[~first] = (
                    whole(self.start) + later.astype(whole)
                    if down_first
                    else whole(self.down) - later.astype(whole)
                )
            return pd.Series(counted, name=self.name).astype(self.dtype)
        keys = np.full(rows.shape, self.key, dtype=np.uint64)
        keys = _salted(keys, id_seed) if id_seed else keys
        if self.shapes is None:
            drawn = self._fixed_ids(rows, keys)
            room = self.fixed_room()
            # once per output, in the draw holding its first row past the room (a draw in chunks or parts
            # warned in every later chunk, counting that chunk's rows)
            if warn and first_row <= room < first_row + n:
                self._warn_of_growth(room, per_row=True, stacklevel=caller_stacklevel())
            repeats = False
        else:
            drawn = self._shaped_ids(rows, keys)
            repeats = self._draw_repeats_again(drawn, rows, keys)
        if repeats:
            warnings.warn(
                f"column {self.name!r}: the output has more rows than new ids of the real ids' form; some "
                "ids repeat",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        elif self.shapes is not None and first_row > 0 and _cases_overlap(self.shapes):
            warnings.warn(
                f"column {self.name!r}: ids of one letter, or of letters without case, can be drawn in two "
                "cases alike; an output drawn in chunks or parts may repeat a few ids",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        return pd.Series(drawn, name=self.name, dtype=object)

    def _warn_of_growth(self, room: int, per_row: bool, stacklevel: int) -> None:
        """Say that the real ids' form holds ``room`` new ids and those past them are longer: from which
        row where each row has its own id (``per_row``), else in ids (rows share an id: ``per_id``).
        ``stacklevel``: the caller's, as ``warnings.warn`` counts it."""
        longer = f"{self.longer} character{'s' * (self.longer > 1)} longer"
        if not room:
            where = f"holds no new id (the real ids fill it), so the output draws ids {longer}"
        elif per_row:
            where = f"holds {room:,} new ids, so rows {room + 1:,} onward of the output draw ids {longer}"
        else:
            where = f"holds {room:,} new ids; ids past them are drawn {longer}"
        warnings.warn(
            f"column {self.name!r}: the real ids' form {where} (then longer again), of a length no real id "
            "of the form has",
            DataWarning,
            stacklevel=stacklevel + 1,
        )

    def _draw_repeats_again(self, drawn: np.ndarray, rows: np.ndarray, keys: np.ndarray) -> bool:
        """Draw again, in place and under new keys, the ids this draw holds twice (a run drawn at random can
        spell one that other ids keep as it is) and those whose hash a real id's marks (``_taken``: where
        ``_shape_ids`` found no usable one among a row's ids in a large variant, or an id with no random
        run ran out); whether some still repeat. Marked ones are looked for among those drawn again only,
        repeats in the whole draw."""
        before, salt = len(drawn), 0  # each round draws under a salt of its own
        check = np.arange(len(drawn))  # the ids not yet looked at against the real ones' marks
        for repeat_round in range(ID_REDRAWS + 1):
            for _ in range(ID_REDRAWS):
                check = check[self._marked(drawn[check])]
                if not check.size:
                    break
                salt += 1
                drawn[check] = self._shaped_ids(rows[check], _salted(keys[check], salt))
            again = np.flatnonzero(pd.Series(drawn).duplicated().to_numpy())  # the later of two
            # done, or the form's ids ran out (a round that draws most of them again helps no more; one id
            # that meets another again is chance, not a form used up)
            if not again.size or repeat_round == ID_REDRAWS or again.size > 0.9 * before + 1:
                return bool(again.size)
            salt += 1
            drawn[again] = self._shaped_ids(rows[again], _salted(keys[again], salt))
            before, check = again.size, again
        return True

    def _marked(self, ids: np.ndarray) -> np.ndarray:
        """Whether each id of a shape's hash is marked by a real id's (``_taken``)."""
        if self.taken is None:
            return np.zeros(len(ids), dtype=bool)
        marks = _unpacked(self.taken["bits"], self.taken["size"])
        return marks[_hash_bits(ids, self.key, marks.size)]

    def fixed_room(self) -> int:
        """How many new ids text ids of one length hold: the space's ids in parts no real id marks (none
        where every part is marked; all of them where no real id is numbered), before rows pass on to
        longer ids (``_fixed_ids``)."""
        free = self._free_parts()
        if free is not None:
            return int(free.size) * int(self.taken["part"])
        return math.prod(len(alphabet) for alphabet in self.alphabets)

    def _free_parts(self) -> np.ndarray | None:
        """The parts of the space of ids of one length that no real id marks (``_taken``), or None."""
        return (
            None if self.taken is None else np.flatnonzero(~_unpacked(self.taken["bits"], self.taken["size"]))
        )

    def _fixed_ids(self, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Ids of one length for ``rows``: the form's free ids first, then ids ``longer`` positions longer
        (``_grown``), then longer again past the ``skipped`` lengths, none a real id's form, each length used
        up before the next."""
        room = np.uint64(min(self.fixed_room(), 2**64 - 1))
        out = np.empty(rows.size, dtype=object)
        inside = rows < room
        free = self._free_parts()
        if inside.any() and free is not None:
            # the rows count over the free parts' ids only, permuted there as over the whole space
            part = np.uint64(self.taken["part"])
            size = np.full(int(inside.sum()), free.size * part, dtype=np.uint64)
            index = _permute(rows[inside], size, keys[inside])
            sizes = [np.full(size.shape, len(alphabet), dtype=np.uint64) for alphabet in self.alphabets]
            value = free[index // part].astype(np.uint64) * part + index % part
            out[inside] = _spelled(self.alphabets, _radix_digits(value, sizes), size.size)
        elif inside.any():  # no real id in the space's numbered ids (or a model file without them)
            digits = _form_digits(self.alphabets, rows[inside], keys[inside])
            out[inside] = _spelled(self.alphabets, digits, int(inside.sum()))
        # rows the form has no id left for pass on to longer ids: every part marked (90 real ids "K10" to
        # "K99" mark all 50 parts of 100 ids) drew the whole form, real ids included, 9 rows in 10
        past, extra, skipped = np.flatnonzero(~inside), self.longer, set(self.skipped)
        numbers = rows[past] - room
        while past.size:
            alphabets = _grown(self.alphabets, extra)
            size = math.prod(len(alphabet) for alphabet in alphabets)
            here = numbers < np.uint64(min(size, 2**64 - 1))
            digits = _form_digits(alphabets, numbers[here], _salted(keys[past[here]], extra))
            out[past[here]] = _spelled(alphabets, digits, int(here.sum()))
            past, numbers = past[~here], numbers[~here] - np.uint64(min(size, 2**64 - 1))
            extra += 1
            while extra in skipped:
                extra += 1
        return out

    def _shaped_ids(self, rows: np.ndarray, keys: np.ndarray) -> np.ndarray:
        weights = np.array([shape["weight"] for shape in self.shapes], dtype=float)
        first = np.full(rows.shape, FIRST_BLOCK, dtype=np.uint64)
        shape_of, numbers, blocks = _deal(rows, first, keys, weights)
        out = np.full(rows.size, "", dtype=object)
        for index, shape in enumerate(self.shapes):
            at = np.flatnonzero(shape_of == index)
            if at.size:
                out[at] = _shape_ids(
                    shape,
                    numbers[at],
                    blocks[at],
                    _salted(keys[at], index),
                    None if self.taken is None else self._marked,
                    self._listings,
                )
        return out

    def state(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "down": self.down,
            "alphabets": self.alphabets,
            "shapes": self.shapes,
            "missing_share": self.missing_share,
            "has_missing": self.has_missing,
            "dtype": self.dtype,
            "key": str(self.key),
            "taken": self.taken,
            "longer": self.longer,
            "skipped": self.skipped,
            "per_id": self.per_id,
        }

    @classmethod
    def from_state(cls, name: str, spec: ColumnSpec, state: dict[str, Any]) -> IdentifierEncoder:
        encoder = cls(name, spec)
        encoder.dtype = state["dtype"]
        encoder.start, encoder.down = state["start"], state.get("down")  # files written before: one way
        if int(state.get("step", 1)) < 0:  # files written when ids counted down only, from ``start``
            encoder.start, encoder.down = int(_id_limits(encoder.dtype).max) + 1, state["start"]
        template = state.get("template")
        encoder.alphabets = state.get(
            "alphabets", None if template is None else _template_alphabets(template)
        )
        encoder.shapes = state.get("shapes")  # files written before: every text id at one length
        encoder.missing_share = float(state.get("missing_share", 0.0))  # before: no missing ids
        # files written before the indicator: the model holds no column for it, and missing ids are drawn
        # apart from the row, in the real share
        encoder._set_missing_span(bool(state.get("has_missing", False)))
        # files written before ids had a key: one from the column's name, so that two columns differ
        encoder.key = int(state["key"]) % 2**64 if "key" in state else _name_key(name)
        encoder.taken = state.get("taken")  # files written before: drawn ids not kept off real ones
        # files written before: rows past the form's room repeated its ids, real ones too where every part
        # was marked; their longer ids start one position longer (real ids of that length were not looked at)
        encoder.longer = int(state.get("longer", 1))
        if encoder.alphabets is not None and not 1 <= encoder.longer <= MAX_ID_RUN:
            raise ValueError("an id form grown by too many positions")
        # files written before: every length past ``longer`` drawn (real ids past it not looked at)
        encoder.skipped = state.get("skipped", [])
        if not isinstance(encoder.skipped, list) or not all(
            type(extra) is int and encoder.longer < extra <= MAX_ID_RUN for extra in encoder.skipped
        ):
            raise ValueError("id form growths to skip out of range")
        if encoder.shapes is not None:
            _check_shapes(encoder.shapes)
        encoder.per_id = state.get("per_id")  # files written before: one new id per row
        if encoder.per_id is not None and not _valid_rows_per_id(encoder.per_id):
            raise ValueError("rows per id out of range")
        return encoder


def _valid_rows_per_id(per_id: Any) -> bool:
    """Whether a model file's ``per_id`` is what ``_rows_per_id`` writes: a mapping, not empty (runs are
    drawn from it), of whole run lengths up to ``MAX_ENTITY_BLOCK`` to positive counts of ids."""
    if not isinstance(per_id, dict) or not per_id:
        return False
    try:
        return all(0 < int(size) <= MAX_ENTITY_BLOCK and float(count) > 0 for size, count in per_id.items())
    except (TypeError, ValueError):  # a length or count that is no number
        return False


def _rows_per_id(present: pd.Series) -> dict[str, int] | None:
    """How many real ids hold each number of rows ("6" -> 512 ids of 6 rows), as JSON keys; None where
    ids do not repeat as an entity's key does (``repeats_as_keys``). An entity's key in a table of its
    events (``account_id`` in transactions) repeats: drawn one per row, its new ids lost that every
    account has several transactions."""
    if present.empty:
        return None
    counts = key_counts(present)
    # a few ids on many rows (one "X1" on every row, 20 stores' ids on 200,000: a new id would hold a
    # whole output), or a few ids entered twice, are drawn one per row as ever
    if not repeats_as_keys(counts):
        return None
    counts = counts.clip(upper=MAX_ENTITY_BLOCK)  # longer runs are cut at a block's end anyway
    return {str(size): int(ids) for size, ids in counts.value_counts().sort_index().items()}


# what to do about numeric ids that leave too little room for new ones
_NO_ROOM_FIX = "declare the column's kind 'categorical' or give it as text"


def _whole_numbers(values: pd.Series) -> bool:
    """Whether float ``values`` are all whole numbers that int64 holds (none: true, as any id fits)."""
    numbers = values.to_numpy(dtype=float)
    limit = float(np.iinfo(np.int64).max)
    return bool(np.all(np.isfinite(numbers) & (numbers == np.round(numbers)) & (np.abs(numbers) < limit)))


def _id_limits(dtype: str) -> np.iinfo:
    """The range of a numeric id column's integers (int64's for floats): uint8 ids stop at 255."""
    kind = pd.api.types.pandas_dtype(dtype)
    kind = getattr(kind, "numpy_dtype", kind)  # UInt8, Int64: pandas' nullable integers
    return np.iinfo(kind if kind.kind in "iu" else np.int64)


def _name_key(name: str) -> int:
    """A key from a column's name (the same on every machine, unlike ``hash``)."""
    return int.from_bytes(hashlib.sha256(str(name).encode()).digest()[:8], "little")


def _check_shapes(shapes: list[dict[str, Any]]) -> None:
    """Refuse id shapes a damaged model file could hold: runs too long to draw, combinations that do not
    fit their shape (a ``ValueError``, which loading reports as a damaged file)."""
    for shape in shapes:
        slots = shape["slots"]
        runs = [slot for slot in slots if "literal" not in slot]
        if any(int(length) > MAX_ID_RUN for slot in runs for length in slot["lengths"]):
            raise ValueError(f"an id run longer than {MAX_ID_RUN} characters")
        if any(case not in _RUN_CASES for slot in runs for case in slot["cases"]):
            raise ValueError("an id run of an unknown case")
        if any(not 0 < len(str(slot.get("letters", _LOWER))) <= MAX_ID_RUN for slot in runs):
            raise ValueError("an id run's letters are empty or too many")
        if any(len(combo.split(_ID_JOIN)) != len(slots) for combo in shape["combos"]):
            raise ValueError("an id combination that does not fit its shape")
        if any(
            not 0 < int(length) == len(alphabets) <= MAX_ID_RUN
            or not all(0 < len(str(alphabet)) <= MAX_ID_RUN for alphabet in alphabets)
            for slot in runs
            for length, alphabets in slot.get("positions", {}).items()
        ):
            raise ValueError("an id run's letters per position do not fit its length")
        if "run_lengths" in shape:
            _check_run_lengths(shape)


def _check_run_lengths(shape: dict[str, Any]) -> None:
    """Refuse a shape's ``run_lengths`` that do not fit it: a combination it lacks, or a length given
    where the combination keeps its run (or none where it draws one), not a whole number up to
    ``MAX_ID_RUN``, or a count that is not positive."""
    joint, slots = shape["run_lengths"], shape["slots"]
    if set(joint) != set(shape["combos"]):
        raise ValueError("id run lengths for combinations their shape does not hold")
    for combo, options in joint.items():
        drawn = [
            "literal" not in slot and run == ""
            for slot, run in zip(slots, combo.split(_ID_JOIN), strict=True)
        ]
        if not options or any(float(count) <= 0 for count in options.values()):
            raise ValueError("id run lengths with no option or a count that is not positive")
        for lengths in options:
            runs = lengths.split(_ID_JOIN)
            if len(runs) != len(slots) or any(
                (run != "") != random or (random and not (run.isdigit() and 0 < int(run) <= MAX_ID_RUN))
                for run, random in zip(runs, drawn, strict=True)
            ):
                raise ValueError("id run lengths that do not fit their combination")
