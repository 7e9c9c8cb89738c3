"""The one entry point: evaluate synthetic data against real data, every family, one report."""

from __future__ import annotations

import codecs
import importlib.metadata
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from synthloom.data.io import read_table
from synthloom.data.metadata import Metadata
from synthloom.errors import DataError
from synthloom.metrics.detection import MAX_ROWS_PER_SIDE, detection
from synthloom.metrics.diversity import MAX_ROWS as DIVERSITY_ROWS
from synthloom.metrics.diversity import diversity
from synthloom.metrics.encoding import Tables, prepare
from synthloom.metrics.fidelity import fidelity
from synthloom.metrics.privacy import QUERY_ROWS, REFERENCE_ROWS, privacy
from synthloom.metrics.result import FamilyResult
from synthloom.metrics.utility import MAX_TEST_ROWS, MAX_TRAIN_ROWS, utility

if TYPE_CHECKING:
    from synthloom.report.report import Report


def evaluate(
    real_test: pd.DataFrame,
    synthetic: pd.DataFrame,
    train: pd.DataFrame | None = None,
    target: str | None = None,
    metadata: Metadata | None = None,
    loss_history: Sequence[Mapping[str, Any]] | None = None,
    random_state: int = 0,
    names: Mapping[str, str] | None = None,
) -> Report:
    """Measure fidelity, detection, diversity, utility and privacy of synthetic data in one report.

    Args:
        real_test: real rows the generator did not see; everything is compared with them.
        synthetic: synthetic rows, with the same columns.
        train: real rows the generator was trained on. Privacy needs them (its scores and the rules that
            judge them: ``synthloom.metrics.privacy``, and the README's "Privacy scores"); without them
            utility's real baseline trains on half of ``real_test``.
        target: column to predict for utility: as classes for categories and for whole numbers on a few
            levels (codes 0/1/2, a grade 1-7: ``metadata.is_class_target``, the classes ``augment``
            balances), else as a number; utility is "not computed" without it.
        metadata: column kinds; inferred from the real (and training) rows when None.
        loss_history: the fitted model's losses per epoch, e.g. ``[{"epoch": 1, "loss_g": 0.3}, ...]``;
            the report draws every key except "epoch" as a curve.
        random_state: seed of every subsample, split and model: same seed, same report.
        names: where the tables came from ("real", "synthetic", "train" -> e.g. a file's path), for
            errors to name them.

    Returns:
        A ``Report``: ``.scores`` (flat dict), ``.to_json(path)``, ``.to_html(path)``, ``.summary()``.

    Raises:
        DataError: the tables cannot be compared (different columns, under 10 rows, text in a numeric
            column), ``target`` is not a column, or ``loss_history`` is malformed.

    Example:
        >>> import synthloom as sl
        >>> report = sl.evaluate(real_test, fake, train=real_train, target="income")
        >>> report.scores["utility.gap"]
        0.021
        >>> report.to_html("report.html")
    """
    from synthloom.report.report import Report, check_loss_history  # report imports metrics: import late

    history = check_loss_history(loss_history)
    tables = prepare(real_test, synthetic, train, metadata, names)
    if target is not None and str(target) not in real_test.columns.map(str):
        raise DataError(
            f"target column {target!r} is not in the real data; its columns are {list(tables.real.columns)}"
        )
    families, timings = {}, {}
    for name, compute in _family_steps(tables, target, random_state).items():
        start = time.perf_counter()
        families[name] = compute()
        timings[name] = time.perf_counter() - start
    info = {
        "real_rows": len(tables.real),
        "synthetic_rows": len(tables.synthetic),
        "train_rows": None if tables.train is None else len(tables.train),
        "target": target,
        "columns": tables.metadata.kinds(),
        "notes": tables.notes,
        "sampled": sampled_rows(tables, target),
        "random_state": random_state,
        "synthloom_version": _version(),
    }
    return Report(
        families, tables.real, tables.synthetic, tables.metadata, info, history, timings, tables.zones
    )


def sampled_rows(tables: Tables, target: str | None) -> dict[str, str]:
    """The families that scored seeded samples of a table too large for them, and what they took, by
    family: another seed draws other rows and moves their scores (detection AUC 0.948 against 0.999 on
    300,000 real rows and a million synthetic ones), which nothing said."""
    real, synthetic = len(tables.real), len(tables.synthetic)
    train = 0 if tables.train is None else len(tables.train)
    sampled = {}
    for family, limit in (("detection", MAX_ROWS_PER_SIDE), ("diversity", DIVERSITY_ROWS)):
        if max(real, synthetic) > limit:
            sampled[family] = f"{min(real, synthetic, limit):,} rows of each table"
    if target is not None and (max(train, synthetic) > MAX_TRAIN_ROWS or real > MAX_TEST_ROWS):
        sampled["utility"] = (
            f"at most {MAX_TRAIN_ROWS:,} rows of each table a model trains on, {MAX_TEST_ROWS:,} tested on"
        )
    if train and max(train, real, synthetic) > QUERY_ROWS:
        sampled["privacy"] = f"{QUERY_ROWS:,} rows of each table, their neighbours among {REFERENCE_ROWS:,}"
    return sampled


def sampled_text(sampled: Mapping[str, str]) -> str:
    """``sampled_rows`` as one line."""
    listed = "; ".join(f"{family} {what}" for family, what in sampled.items())
    return f"scored on seeded samples of the large tables (another --seed draws others): {listed}"


def _family_steps(
    tables: Tables, target: str | None, random_state: int
) -> dict[str, Callable[[], FamilyResult]]:
    def utility_step() -> FamilyResult:
        if target is None:
            return FamilyResult.skipped(
                "utility", "no target column was given (--target, or target=..., names the column to predict)"
            )
        return utility(tables, str(target), random_state)

    return {
        "fidelity": lambda: fidelity(tables, random_state),
        "detection": lambda: detection(tables, random_state),
        "diversity": lambda: diversity(tables, random_state),
        "utility": utility_step,
        "privacy": lambda: privacy(tables, random_state),
    }


def _version() -> str:
    try:
        return importlib.metadata.version("synthloom")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def evaluate_files(
    real: str | Path | pd.DataFrame,
    synthetic: str | Path,
    *,
    train: str | Path | pd.DataFrame | None = None,
    target: str | None = None,
    metadata: str | Path | Metadata | None = None,
    html_path: str | Path | None = None,
    json_path: str | Path | None = None,
    random_state: int = 0,
    encoding: str = "utf-8",
    sources: Mapping[str, str] | None = None,
    loss_history: Sequence[Mapping[str, Any]] | None = None,
) -> Report:
    """``evaluate`` on CSV / Parquet files, writing the HTML and JSON reports (what the CLI runs).

    ``encoding`` is the real files'; the synthetic file is read as UTF-8 (what ``synthloom sample`` writes,
    whatever the real data's encoding) unless it is not valid UTF-8. Every number is computed before
    anything is written, and each file is written atomically, so a failure
    never leaves a half-written report.

    ``real`` and ``train`` may also be tables already read (``evaluate --model`` splits one table into
    both); ``sources`` then says where they came from, as the reports name each table (by default: the
    paths given). ``metadata``: a JSON file of column kinds, or a ``Metadata`` already made (the one a
    model was fitted with). ``loss_history``: that model's, drawn as training curves (``evaluate``'s).

    Example:
        >>> report = evaluate_files("real.csv", "synthetic.csv", target="income", html_path="report.html")
        >>> print(report.summary())
    """
    tables = {"real": _read_real(real, encoding), "synthetic": _read_synthetic(synthetic, encoding)}
    if train is not None:
        tables["train"] = _read_real(train, encoding)
    meta = Metadata.load(metadata) if isinstance(metadata, str | Path) else metadata
    named = dict(sources or {})
    files = {
        name: named.get(name, str(path))
        for name, path in (("real", real), ("synthetic", synthetic), ("train", train))
        if path is not None and (name in named or not isinstance(path, pd.DataFrame))
    }
    report = evaluate(
        tables["real"],
        tables["synthetic"],
        tables.get("train"),
        target,
        meta,
        loss_history=loss_history,
        random_state=random_state,
        names=files,
    )
    report.info["sources"] = files
    # the page first: drawing it takes seconds, writing the JSON next to none, so an interruption
    # almost never leaves one without the other
    if html_path is not None:
        report.to_html(html_path)
    if json_path is not None:
        report.to_json(json_path)
    return report


def _read_real(source: str | Path | pd.DataFrame, encoding: str) -> pd.DataFrame:
    return source if isinstance(source, pd.DataFrame) else read_table(source, encoding)


def _read_synthetic(path: str | Path, encoding: str) -> pd.DataFrame:
    try:  # a Latin-1 real file beside synthloom's UTF-8 output: each in its own encoding
        return read_table(path, "utf-8")
    except DataError:
        if codecs.lookup(encoding).name == "utf-8":
            raise
        return read_table(path, encoding)
