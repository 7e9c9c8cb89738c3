"""What every metric family returns: named scores, each with one sentence of meaning and a verdict.

A family either computes its scores or says, in one sentence, why it could not ("not computed, because
..."); the report renders both the same way, so a missing input never breaks the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import pandas as pd

GOOD, FAIR, POOR = "good", "fair", "poor"
INFO = "info"  # a number worth knowing that is neither good nor bad on its own
NOT_COMPUTED = "not computed"


def grade(value: float | None, good: float, fair: float, higher_is_better: bool = True) -> str:
    """Verdict of ``value`` against two thresholds.

    Example:
        >>> grade(0.9, good=0.85, fair=0.7)
        'good'
        >>> grade(0.62, good=0.55, fair=0.6, higher_is_better=False)
        'poor'
    """
    if value is None or not math.isfinite(value):
        return NOT_COMPUTED
    if higher_is_better:
        return GOOD if value >= good else FAIR if value >= fair else POOR
    return GOOD if value <= good else FAIR if value <= fair else POOR


_RANKS = {GOOD: 0, FAIR: 1, POOR: 2}


def _rank(score: Score) -> int:
    """How bad a score's verdict is; info and not computed rank below good, as they judge nothing."""
    return _RANKS.get(score.verdict, -1)


def worst(verdicts: Iterable[str]) -> str:
    """The worst of good / fair / poor verdicts (info and not computed judge nothing, so rank below good).

    Example:
        >>> worst(["good", "fair"])
        'fair'
    """
    return max(verdicts, key=lambda verdict: _RANKS.get(verdict, -1))


def best(verdicts: Iterable[str]) -> str:
    """The best of good / fair / poor verdicts (info and not computed judge nothing, so never win).

    Example:
        >>> best(["fair", "good"])
        'good'
    """
    return min(verdicts, key=lambda verdict: _RANKS.get(verdict, len(_RANKS)))


def telling_decimals(pairs: Iterable[tuple[float, float]], least: int = 3, most: int = 6) -> int:
    """The fewest decimals (``least`` to ``most``) at which each pair of different numbers reads differently,
    so that a claim made of their order shows in the text: a mean that clears its interval by a hair read
    "+0.028 (±0.028)" at three decimals, a bound above 0 read "+0.000".

    Example:
        >>> telling_decimals([(0.0284, 0.0281)])
        4
    """
    pairs = [(a, b) for a, b in pairs if a != b]
    for places in range(least, most):
        if all(round(a, places) != round(b, places) for a, b in pairs):
            return places
    return most


def decimal_text(value: float, places: int, signed: bool = False) -> str:
    """``value`` to ``places`` decimals, with ``signed`` a "+" before one that is not negative; one that
    rounds to 0 is written without a minus: "-0.00" read as a loss (or a negative correlation) of nothing.

    Example:
        >>> decimal_text(-0.001, 2), decimal_text(-0.001, 3, signed=True), decimal_text(-0.25, 1)
        ('0.00', '-0.001', '-0.2')
        >>> decimal_text(-0.0004, 3, signed=True), decimal_text(float("nan"), 2)
        ('+0.000', 'nan')
    """
    if round(value, places) == 0:
        value = 0.0
    return f"{value:{'+' if signed else ''}.{places}f}"


def finite_or_none(value: float | None) -> float | None:
    """``value`` as a plain float, or None when it is missing or not finite (JSON has no NaN)."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Score:
    """One named number with its plain-language meaning.

    Attributes:
        name: key inside its family, e.g. ``"column_shapes"``; ``Report.scores`` prefixes the family.
        label: short human title, e.g. ``"Column shapes"``.
        value: the number, or None when it could not be computed.
        meaning: one sentence saying what this value means for this data.
        verdict: ``good`` / ``fair`` / ``poor`` / ``info`` / ``not computed``.
    """

    name: str
    label: str
    value: float | None
    meaning: str
    verdict: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", finite_or_none(self.value))


class Measure(NamedTuple):
    """How one score is named, explained and judged; ``score(values)`` turns it into a ``Score``.

    Example:
        >>> Measure("coverage", "Coverage", "{coverage:.0%} of real rows are reached.",
        ...         lambda v: grade(v["coverage"], 0.9, 0.7)).score({"coverage": 0.95}).meaning
        '95% of real rows are reached.'
    """

    name: str
    label: str
    text: str  # the meaning, formatted with all the family's values
    verdict: Callable[[Mapping[str, float]], str]

    def score(self, values: Mapping[str, float]) -> Score:
        value = values[self.name]
        if value is None or not math.isfinite(value):
            reason = "Not computed, because this data has nothing this measure applies to."
            return Score(self.name, self.label, None, reason, NOT_COMPUTED)
        return Score(self.name, self.label, value, self.text.format(**values), self.verdict(values))


def measured(measures: Sequence[Measure], values: Mapping[str, float]) -> list[Score]:
    """Each of a family's measures scored on its values, in the measures' order (the headline first)."""
    return [measure.score(values) for measure in measures]


@dataclass
class FamilyResult:
    """Outcome of one metric family (fidelity, detection, diversity, utility, privacy).

    Attributes:
        family: the family's name.
        scores: its scores, the headline first.
        tables: details as DataFrames (written to JSON as records, shown in the HTML report).
        warnings: plain-language findings that need the reader's attention.
        not_computed: why the family was skipped, or None when it ran.
        extras: arrays the report's figures are drawn from; never written to JSON.
        parts: names of the scores the family is judged no better than: those the headline averages (an
            average can be good while a part is not: fidelity's quality over its pair trends), and those
            no headline outweighs (privacy's exact copies of training rows and training identifiers reused: a
            copied row is a real record, a real id names a real person).
    """

    family: str
    scores: list[Score] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_computed: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    parts: tuple[str, ...] = ()

    @classmethod
    def skipped(cls, family: str, reason: str) -> FamilyResult:
        """A family that did not run; ``reason`` completes "not computed, because ..."."""
        return cls(family, not_computed=reason)

    @property
    def headline(self) -> Score | None:
        """The score the summary card shows."""
        return self.scores[0] if self.scores else None

    @property
    def concern(self) -> Score | None:
        """The score that makes the family worse than its headline, or None.

        The first poor score behind a headline that is not poor (exact copies behind a good DCR share);
        else the worst of ``parts`` below the headline (pair trends fair behind a good quality).
        """
        if self.headline is None:
            return None
        judged = [score for score in self.scores if score.verdict == POOR or score.name in self.parts]
        gravest = max(judged, key=_rank, default=None)  # max keeps the first of equals
        # a good part never speaks for a headline that could not be computed
        bar = max(_rank(self.headline), _RANKS[GOOD])
        return gravest if gravest is not None and _rank(gravest) > bar else None

    @property
    def verdict(self) -> str:
        """The family's verdict: the headline's, but never better than its ``concern``.

        A summary must not call data good that one of its own measures finds a problem with.
        """
        if self.not_computed or self.headline is None:
            return NOT_COMPUTED
        concern = self.concern
        return concern.verdict if concern is not None else self.headline.verdict

    @property
    def summary_meaning(self) -> str:
        """The headline's meaning, followed by its concern's when there is one."""
        if self.headline is None:
            return ""
        concern = self.concern
        if concern is None:
            return self.headline.meaning
        return f"{self.headline.meaning} {concern.label}, {concern.verdict}: {concern.meaning}"

    def score(self, name: str) -> Score:
        """The score called ``name``; a KeyError names the ones that exist."""
        for score in self.scores:
            if score.name == name:
                return score
        raise KeyError(f"{self.family} has no score {name!r}; it has {[s.name for s in self.scores]}")
