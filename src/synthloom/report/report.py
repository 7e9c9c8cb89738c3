"""The evaluation report: every family's scores with their meaning, written as JSON or one HTML file."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.io import atomic_write_text
from synthloom.data.metadata import Metadata
from synthloom.errors import DataError
from synthloom.metrics.result import NOT_COMPUTED, FamilyResult, Score, decimal_text, finite_or_none


@dataclass
class Report:
    """Outcome of ``synthloom.evaluate``: scores, their meaning, and what the figures are drawn from.

    Attributes:
        families: one ``FamilyResult`` per family: fidelity, detection, diversity, utility, privacy.
        real: the compared real rows, cleaned (figures are drawn from them).
        synthetic: the synthetic rows, cleaned.
        metadata: kinds of the evaluated columns.
        info: facts about the run (row counts, target, versions; the demo adds its data set and model)
            written with the scores.
        loss_history: per-epoch losses of the model that made the synthetic data, when given.
        timings: seconds each family took (not written to JSON, which stays reproducible).
        zones: each datetime column's zone, whose clock its figure is read on (None: naive stamps; see
            ``synthloom.data.encoders.written_zone``).

    Example:
        >>> report = sl.evaluate(real_test, fake, train=real_train, target="income")
        >>> report.scores["fidelity.quality"]
        0.87
        >>> report.to_html("report.html")
    """

    families: dict[str, FamilyResult]
    real: pd.DataFrame
    synthetic: pd.DataFrame
    metadata: Metadata
    info: dict[str, Any] = field(default_factory=dict)
    loss_history: list[dict[str, float | None]] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    zones: dict[str, Any] = field(default_factory=dict)

    @property
    def scores(self) -> dict[str, float | None]:
        """Every score as ``"family.name": value``; None where a value could not be computed."""
        return {
            f"{family}.{score.name}": score.value
            for family, result in self.families.items()
            for score in result.scores
        }

    @property
    def warnings(self) -> list[str]:
        """Every family's warnings, prefixed with the family."""
        return [f"{family}: {text}" for family, result in self.families.items() for text in result.warnings]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: info, flat scores, and per family its scores, verdicts, tables and warnings."""
        return {
            "info": self.info,
            "scores": self.scores,
            "families": {name: _family_dict(result) for name, result in self.families.items()},
            "loss_history": self.loss_history,
        }

    def to_json(self, path: str | Path) -> Path:
        """Write ``to_dict()`` as JSON (atomically: a failure leaves no partial file)."""
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False, default=_json_default)
        atomic_write_text(path, text + "\n")
        return Path(path)

    def to_html(self, path: str | Path) -> Path:
        """Write the self-contained HTML report (plots inline, no network), atomically."""
        from synthloom.report.html import render  # matplotlib is only needed when a page is drawn

        atomic_write_text(path, render(self))
        return Path(path)

    def summary(self) -> str:
        """Plain-text lines, one per family: headline score and verdict, or why it was not computed."""
        lines = []
        for name, result in self.families.items():
            headline = result.headline
            if result.not_computed or headline is None:
                lines.append(f"{name:<10} {NOT_COMPUTED}, because {result.not_computed}")
            else:
                # each number beside its own verdict, and the family's named as such with the score that
                # sets it: "Overall quality 0.877 (good) ... poor overall" read as one number, two verdicts
                concern = result.concern
                behind = f"; family verdict {result.verdict}, set by {_stated(concern)}" if concern else ""
                lines.append(f"{name:<10} {_stated(headline)}{behind}")
        return "\n".join(lines)


def _stated(score: Score) -> str:
    value = "n/a" if score.value is None else decimal_text(score.value, 3)
    return f"{score.label} {value} ({score.verdict})"


def _family_dict(result: FamilyResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict,  # the summary's: no better than its concern
        "not_computed": result.not_computed,
        "warnings": result.warnings,
        "scores": [
            {"name": s.name, "label": s.label, "value": s.value, "meaning": s.meaning, "verdict": s.verdict}
            for s in result.scores
        ],
        "tables": {
            name: json.loads(table.to_json(orient="records")) for name, table in result.tables.items()
        },
    }


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        item = value.item()
        return finite_or_none(item) if isinstance(item, float) else item
    return str(value)


def check_loss_history(history: Sequence[Mapping[str, Any]] | None) -> list[dict[str, float | None]] | None:
    """Validate a model's per-epoch losses: a list of ``{"epoch": 1, "loss_g": 0.3, ...}`` dicts.

    Raises:
        DataError: not a list of mappings from names to numbers.

    Example:
        >>> check_loss_history([{"epoch": 1, "loss_g": 0.3, "loss_d": -0.1}])
        [{'epoch': 1.0, 'loss_g': 0.3, 'loss_d': -0.1}]
    """
    if history is None:
        return None
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Sequence):
        raise DataError(
            "loss_history must be a list of dicts, one per epoch, e.g. [{'epoch': 1, 'loss_g': 0.3}]"
        )
    checked = []
    for position, entry in enumerate(history):
        if not isinstance(entry, Mapping):
            raise DataError(f"loss_history[{position}] is {type(entry).__name__}, not a dict of losses")
        checked.append({str(key): _loss_value(value, position, key) for key, value in entry.items()})
    return checked


def _loss_value(value: object, position: int, key: object) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"loss_history[{position}][{key!r}] is {value!r}, not a number") from None
    return number if math.isfinite(number) else None
