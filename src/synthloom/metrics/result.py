"""What every metric family returns: named scores, each with one sentence of meaning and a verdict.

A family either computes its scores or says, in one sentence, why it could not ("not computed, because
..."); the report renders both the same way, so a missing input never breaks the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
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
    """

    family: str
    scores: list[Score] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    not_computed: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)

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
        """The first poor score behind a headline that is not poor (exact copies behind a good DCR share)."""
        if self.headline is None or self.headline.verdict == POOR:
            return None
        return next((score for score in self.scores if score.verdict == POOR), None)

    @property
    def verdict(self) -> str:
        """The family's verdict: the headline's, but poor when any of its scores is poor.

        A summary must not call data good that one of its own measures finds a real problem with.
        """
        if self.not_computed or self.headline is None:
            return NOT_COMPUTED
        return POOR if self.concern is not None else self.headline.verdict

    @property
    def summary_meaning(self) -> str:
        """The headline's meaning, followed by the poor score's when there is one."""
        if self.headline is None:
            return ""
        concern = self.concern
        if concern is None:
            return self.headline.meaning
        return f"{self.headline.meaning} {concern.label}, poor: {concern.meaning}"

    def score(self, name: str) -> Score:
        """The score called ``name``; a KeyError names the ones that exist."""
        for score in self.scores:
            if score.name == name:
                return score
        raise KeyError(f"{self.family} has no score {name!r}; it has {[s.name for s in self.scores]}")
