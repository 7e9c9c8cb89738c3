"""Benchmark generators on data sets: speed, memory, quality, detection, utility and privacy, one table.

Every run (one generator on one data set) goes through the same steps, in a spawned process of its own so
that its peak memory is its own, a crash or a hang cannot take the others down, and it can be killed at a
hard time limit:

1. load the real rows (a bundled data set without its leaky columns, or a CSV / Parquet file), keep at
   most ``rows`` of them (seeded, stratified on the target), and split them into train and a held-back
   30% test part (seeded, stratified on the target);
2. fit the generator on the train rows (``max_minutes`` is passed to generators that take it), sample as
   many rows as the train part has;
3. score the synthetic rows with ``synthloom.metrics``: SDMetrics quality against the test rows, the
   detection AUC of the more successful real-vs-synthetic classifier, TSTR next to TRTR (gradient
   boosting, the target's main metric: ROC-AUC or R²), and the DCR share (synthetic rows closer to a train
   row than to any test row, next to the same share for the test rows themselves).

Results are appended to ``results.jsonl`` in the output folder one run at a time (the file is rewritten
atomically), so an interrupted benchmark resumes where it stopped: a run whose key (model, data set,
target, epochs, time limit, rows, seed) is already recorded is skipped unless ``force`` is set, or unless
it was recorded by a version of synthloom that scored runs otherwise (``SCORING_VERSION``) or from a data
file whose bytes have changed since.

Example:
    >>> runs = plan_runs(["copula", "ctgan"], ["default"], rows=2_000)
    >>> results = run_benchmark(runs, Path("bench_out"))
    >>> results[["model", "dataset", "quality", "tstr", "trtr"]]
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.util
import itertools
import json
import math
import multiprocessing
import os
import resource
import signal
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from sklearn.model_selection import train_test_split

from synthloom import datasets
from synthloom.bench_defaults import DEFAULT_EPOCHS
from synthloom.data.io import TABLE_SUFFIXES, atomic_write_text, read_table, table_format, write_table
from synthloom.data.metadata import Metadata, as_labels, holds_classes
from synthloom.datasets._registry import table_info
from synthloom.errors import ConfigError, DataError, MissingDependencyError
from synthloom.metrics.encoding import MIN_ROWS
from synthloom.metrics.result import decimal_text
from synthloom.metrics.utility import METRIC_LABELS
from synthloom.registry import model_class, table_model_class, target_params

DEFAULT_MODELS = ("ctgan", "tvae", "ddpm")
DEFAULT_DATASETS = ("adult", "default", "loans")
DEFAULT_ROWS = 10_000  # real rows kept per data set (train + test); None or 0 keeps every row
DEFAULT_MAX_MINUTES = 4.0
TEST_SHARE = 0.3
# The run's process is killed at twice the training limit plus this margin (loading, sampling, scoring).
HARD_LIMIT_MARGIN_S = 120.0
RESULTS_FILE = "results.jsonl"
# raised when a recorded score would now be computed otherwise (2: the detection AUC of the more
# successful classifier, not the mean; 3: no TSTR / TRTR where boosting's TRTR is at chance): records of
# an older scoring are run again, not mixed in
SCORING_VERSION = 3
PEERS = {"sdv": ("sdv-ctgan", "sdv-tvae", "sdv-copula")}
_SDV_CLASSES = {
    "sdv-ctgan": "CTGANSynthesizer",
    "sdv-tvae": "TVAESynthesizer",
    "sdv-copula": "GaussianCopulaSynthesizer",
}


# -- one run's settings ----------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class BenchRun:
    """Everything that defines one run; two runs with equal settings have the same ``key``.

    Attributes:
        model: a registered generator name, or an SDV peer (``sdv-ctgan``, ``sdv-tvae``, ``sdv-copula``).
        dataset: a bundled data set name or the path of a CSV / Parquet file.
        target: the column TSTR / TRTR predict; None skips utility.
        epochs: training epochs (None: the generator has none, or keeps its default).
        max_minutes: training time limit passed to the generator; the process is killed at twice that
            plus ``HARD_LIMIT_MARGIN_S``.
        rows: real rows kept before the split (None: all).
        seed: seed of the subsample, the split, the generator and the metrics.
        encoding: a CSV file's text encoding.
    """

    model: str
    dataset: str
    target: str | None
    epochs: int | None
    max_minutes: float
    rows: int | None
    seed: int
    encoding: str = "utf-8"

    @property
    def key(self) -> str:
        """The settings as canonical JSON: what ``run_benchmark`` matches finished runs on (a UTF-8 file's
        without its encoding, as runs were recorded before it was a setting)."""
        settings = dataclasses.asdict(self)
        if settings["encoding"] == "utf-8":
            del settings["encoding"]
        return json.dumps(settings, sort_keys=True)

    @property
    def hard_limit_s(self) -> float:
        return 2 * 60 * self.max_minutes + HARD_LIMIT_MARGIN_S


def plan_runs(
    models: Sequence[str] = DEFAULT_MODELS,
    datasets: Sequence[str] = DEFAULT_DATASETS,
    epochs: int | None = None,
    max_minutes: float = DEFAULT_MAX_MINUTES,
    rows: int | None = DEFAULT_ROWS,
    seed: int = 0,
    target: str | None = None,
    peers: Sequence[str] = (),
    encoding: str = "utf-8",
) -> list[BenchRun]:
    """Check the names and build one ``BenchRun`` per data set x generator.

    Args:
        models: generator names (see ``synthloom models``) and/or SDV peers (``sdv-ctgan`` ...).
        datasets: bundled table names or CSV / Parquet paths.
        epochs: epochs for every generator that trains in epochs; None: ``DEFAULT_EPOCHS``.
        max_minutes: training time limit per run.
        rows: real rows kept per data set; None or 0 keeps every row.
        seed: seed of every run.
        target: the target column of the files (bundled data sets use their own).
        peers: peer families to add, e.g. ``["sdv"]``.
        encoding: the text encoding of CSV files.

    Raises:
        ConfigError: an unknown generator, peer or data set, or a bad number.
        DataError: a file cannot be read, or ``target`` is not one of its columns.
        MissingDependencyError: SDV peers were asked for and SDV is not installed.
    """
    if max_minutes <= 0:
        raise ConfigError(f"max_minutes must be above 0, not {max_minutes}")
    if epochs is not None and epochs < 1:
        raise ConfigError(f"epochs must be at least 1, not {epochs}")
    if rows is not None and rows < 0:
        raise ConfigError(f"rows must be 0 (every row) or more, not {rows}")
    names = list(dict.fromkeys([*models, *_peer_models(peers)]))
    for name in names:
        _check_model(name)
    # a data set named twice is one run per model, as a model named twice is (not the same run fitted twice)
    targets = {dataset: _check_dataset(dataset, target, rows or None, encoding) for dataset in datasets}
    if target is not None and not any(map(_is_file, targets)):
        for dataset, column in targets.items():
            if column != target:  # ignored without a word, the runs would predict another column
                raise ConfigError(
                    f"--target {target!r}: the bundled data set {dataset} is scored on its own target "
                    f"{column!r} (--target names the column of a .csv or .parquet file); drop --target"
                )
    return [
        BenchRun(model, dataset, column, _epochs(model, epochs), max_minutes, rows or None, seed, encoding)
        for dataset, column in targets.items()
        for model in names
    ]


def _peer_models(peers: Sequence[str]) -> list[str]:
    found = []
    for peer in peers:
        if peer not in PEERS:
            raise ConfigError(f"unknown peer family {peer!r}; choose one of: {', '.join(PEERS)}")
        found += PEERS[peer]
    return found


def _check_model(name: str) -> None:
    if name in _SDV_CLASSES:
        if importlib.util.find_spec("sdv") is None:
            raise MissingDependencyError(
                f"the SDV peer {name!r} needs SDV: pip install 'synthloom[bench]' (or drop --peers sdv)"
            )
        return
    table_model_class(name)  # an unknown name, or an image generator, refused as every command refuses it


def _epochs(model: str, epochs: int | None) -> int | None:
    if model in _SDV_CLASSES:
        return None if model == "sdv-copula" else epochs or DEFAULT_EPOCHS[model]
    if "epochs" not in model_class(model).param_names():
        return None
    return epochs or DEFAULT_EPOCHS.get(model)


def _is_file(dataset: str) -> bool:
    return Path(dataset).suffix.lower() in TABLE_SUFFIXES


def data_fingerprint(dataset: str) -> str | None:
    """SHA-256 of a data file's bytes (None for a bundled set): a recorded run of a file that has changed
    since is stale."""
    if not _is_file(dataset) or not Path(dataset).is_file():
        return None
    digest = hashlib.sha256()
    with Path(dataset).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_dataset(dataset: str, target: str | None, rows: int | None, encoding: str) -> str | None:
    """The run's target column, after checking the data set can be read and has rows enough to split."""
    if Path(dataset).suffix and not _is_file(dataset):
        table_format(Path(dataset))  # no bundled name has a suffix: `claims.xlsx` is refused as a file
    if not _is_file(dataset):
        info = table_info(dataset, "the benchmark")  # a ConfigError naming the choices otherwise
        _check_rows(dataset, info.rows, rows)
        return info.target
    table = read_table(dataset, encoding)
    columns = table.columns.map(str)
    if target is not None and target not in columns:
        raise DataError(
            f"{dataset}: no column {target!r} to use as --target; its columns are {list(columns)}"
        )
    _check_rows(dataset, len(table), rows)
    return target


def held_out_rows(rows: int) -> int:
    """Real rows ``load_split`` holds back for testing out of ``rows`` (as ``train_test_split`` would)."""
    return math.ceil(TEST_SHARE * rows)


def _check_rows(dataset: str, available: int, rows: int | None) -> None:
    """Refuse, before any fit, a data set whose split leaves fewer than ``MIN_ROWS`` test or training rows:
    every run would fit its generator and then fail scoring ("real data has 9 row(s)")."""
    needed = next(
        n for n in itertools.count(MIN_ROWS) if min(held_out_rows(n), n - held_out_rows(n)) >= MIN_ROWS
    )
    kept = available if rows is None else min(rows, available)
    if kept >= needed:
        return
    split = (
        f"the benchmark holds back {TEST_SHARE:.0%} of the rows for testing and needs at least {MIN_ROWS} "
        f"rows to train on and {MIN_ROWS} to test on, so at least {needed} rows"
    )
    if kept < available:
        raise ConfigError(
            f"--rows {rows} keeps {kept} rows of {dataset}: {split}; give --rows {needed} or more"
        )
    raise DataError(f"{dataset}: has {available} rows; {split}")


# -- data ------------------------------------------------------------------------------------------------
def load_split(
    dataset: str, target: str | None, rows: int | None, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(train, test) real rows of a data set: at most ``rows`` rows, 30% held back, both seeded.

    Both steps are stratified on the target when it holds classes and every class has at least 2 rows, so
    rare classes are in both parts; a step one of whose parts has fewer rows than there are classes
    (``rows`` one short of the file's length) cannot hold every class in each, and draws unstratified.

    Example:
        >>> train, test = load_split("default", "default", rows=2_000, seed=0)
        >>> len(train), len(test)
        (1400, 600)
    """
    return _split_real(_real_rows(dataset), target, rows, seed)


def _real_rows(dataset: str, encoding: str = "utf-8") -> pd.DataFrame:
    """Every real row of a data set: a CSV / Parquet file (a CSV in ``encoding``), or a bundled data set
    without its leaky columns."""
    if _is_file(dataset):
        return read_table(dataset, encoding)
    leaky = list(datasets.info(dataset).leaky_columns)
    return datasets.load(dataset).drop(columns=leaky, errors="ignore")


def _split_real(
    real: pd.DataFrame, target: str | None, rows: int | None, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``load_split``'s (train, test) of rows already read."""
    if rows is not None and len(real) > rows:
        real, _ = _seeded_split(real, target, rows, seed)
    # as many test rows as train_test_split(test_size=TEST_SHARE) holds back, so seeds split as they did
    train, test = _seeded_split(real, target, len(real) - held_out_rows(len(real)), seed)
    return train.reset_index(drop=True), test.reset_index(drop=True)


def _seeded_split(
    frame: pd.DataFrame, target: str | None, keep: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``keep`` rows of ``frame`` and the others, stratified on the target where each part can hold one row
    of every class (scikit-learn refuses a stratified part smaller than the number of classes)."""
    strata = _strata(frame, target)
    if strata is not None and min(keep, len(frame) - keep) < strata.nunique():
        strata = None
    kept, rest = train_test_split(frame, train_size=keep, random_state=seed, stratify=strata)
    return kept, rest


def _strata(frame: pd.DataFrame, target: str | None) -> pd.Series | None:
    """Labels to stratify on, or None when the target is a quantity (``is_class_target``: utility predicts
    it as a number), missing or has a class of one row."""
    if target is None:
        return None
    if not holds_classes(frame, target):
        return None
    labels = as_labels(frame[target])
    return labels if labels.value_counts().min() >= 2 else None


# -- one run, in its own process -------------------------------------------------------------------------
def run_one(run: BenchRun) -> dict[str, Any]:
    """Fit, sample and score one run; what the isolated process returns (plain numbers and text)."""
    warnings.simplefilter("ignore")  # SDV / sklearn chatter would drown the progress bars
    real = _real_rows(run.dataset, run.encoding)
    train, test = _split_real(real, run.target, run.rows, run.seed)
    start = time.perf_counter()
    sample, epochs_run = _fit(run, train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = sample(len(train))
    sample_s = time.perf_counter() - start
    peak_mb = peak_rss_mb()  # of fitting and sampling, before scoring adds its own
    start = time.perf_counter()
    rows_left_out = run.rows is not None and len(real) > run.rows
    scores = score_synthetic(train, test, synthetic, run.target, run.seed, rows_left_out)
    return {
        "train_rows": len(train),
        "test_rows": len(test),
        "epochs_run": epochs_run,
        "fit_s": fit_s,
        "sample_s": sample_s,
        "peak_mb": peak_mb,
        **scores,
        "score_s": time.perf_counter() - start,
    }


def _fit(run: BenchRun, train: pd.DataFrame) -> tuple[Callable[[int], pd.DataFrame], int | None]:
    if run.model in _SDV_CLASSES:
        return fit_sdv(run.model, train, run.epochs, run.seed), run.epochs
    generator_class = model_class(run.model)
    accepted = generator_class.param_names()
    wanted = {"random_state": run.seed, "epochs": run.epochs, "max_minutes": run.max_minutes, "verbose": True}
    params = {k: v for k, v in wanted.items() if k in accepted and v is not None}
    params.update(target_params(run.model, train, run.target))
    generator = generator_class(**params).fit(train)
    epochs_run = len(generator.loss_history_) if "epochs" in accepted else None
    return (lambda n: generator.sample(n, random_state=run.seed + 1)), epochs_run


def fit_sdv(model: str, train: pd.DataFrame, epochs: int | None, seed: int) -> Callable[[int], pd.DataFrame]:
    """Fit an SDV 2 synthesizer (``sdv-ctgan``, ``sdv-tvae``, ``sdv-copula``); returns its sampler.

    SDV sees synthloom's inferred column kinds, so every generator works on the same columns (and SDV does
    not anonymise columns it would guess to be personal data). SDV draws from the global numpy and torch
    generators: they are seeded here, which is harmless in the run's own process.

    Example:
        >>> sample = fit_sdv("sdv-tvae", train, epochs=100, seed=0)
        >>> fake = sample(1_000)
    """
    if importlib.util.find_spec("sdv") is None:
        raise MissingDependencyError(f"{model!r} needs SDV: pip install 'synthloom[bench]'")
    import numpy as np
    import sdv.single_table
    import torch
    from sdv.metadata import Metadata as SDVMetadata

    from synthloom.metrics.fidelity import to_sdmetrics_metadata

    columns = to_sdmetrics_metadata(Metadata.infer(train))["columns"]
    for name, column in columns.items():
        # SDV's boolean columns take True / False only; a 0/1 (or all-0) number column is a category to it
        if column["sdtype"] == "boolean" and not pd.api.types.is_bool_dtype(train[name]):
            columns[name] = {"sdtype": "categorical"}
    metadata = SDVMetadata.load_from_dict({"tables": {"table": {"columns": columns}}})
    synthesizer_class = getattr(sdv.single_table, _SDV_CLASSES[model])
    params = {} if model == "sdv-copula" else {"epochs": epochs or DEFAULT_EPOCHS[model], "enable_gpu": False}
    np.random.seed(seed)  # SDV offers no seed of its own
    torch.manual_seed(seed)
    synthesizer = synthesizer_class(metadata, **params)
    synthesizer.fit({"table": train})  # SDV 2 takes {table name: DataFrame}

    def sample(n: int) -> pd.DataFrame:
        out = synthesizer.sample(n)
        return out["table"] if isinstance(out, dict) else out

    return sample


def score_synthetic(
    train: pd.DataFrame,
    test: pd.DataFrame,
    synthetic: pd.DataFrame,
    target: str | None,
    seed: int = 0,
    rows_left_out: bool = True,
) -> dict[str, Any]:
    """The benchmark's scores of synthetic rows, all from ``synthloom.metrics``; ``rows_left_out``: whether
    the data set has rows the run left out (``--rows``), which a note may then ask for.

    Returns:
        ``quality`` (SDMetrics QualityReport score against the test rows), ``detection_auc`` (ROC-AUC of
        the classifier that best tells real from synthetic rows, 0.5 = cannot), ``tstr`` / ``trtr`` and
        ``utility_metric`` (gradient boosting trained on synthetic / real train rows, scored on the test
        rows; None with ``utility_note`` when not computed), ``utility_task`` (how a number target is
        predicted, ``utility.task_text``, as evaluate says it; None for categories), ``dcr_share``
        (synthetic rows closer to a train row than to any test row) and ``dcr_share_holdout`` (the same
        share for test rows: the level without memorisation).
    """
    from synthloom.metrics import detection, prepare, privacy, quality_scores, utility
    from synthloom.metrics.utility import at_chance, task_text

    tables = prepare(test, synthetic, train)
    aucs = [s.value for s in detection(tables, seed).scores if s.name.endswith("_auc")]
    kept = privacy(tables, seed)
    scores: dict[str, Any] = {
        "quality": quality_scores(tables)["overall"],
        "detection_auc": max(aucs),  # the more successful classifier, as the detection score reads it
        # None where privacy is not computed (test rows that are training rows)
        "dcr_share": None if kept.not_computed else kept.score("closer_to_train").value,
        "dcr_share_holdout": None if kept.not_computed else kept.score("closer_to_train_holdout").value,
        "tstr": None,
        "trtr": None,
        "utility_metric": None,
        "utility_note": "no target column",
        "utility_task": None,
    }
    if target is not None:
        result = utility(tables, target, seed)
        if result.not_computed:
            scores["utility_note"] = result.not_computed
        else:
            table = result.tables["tstr_trtr"]
            metric = "roc_auc" if "roc_auc" in table.columns else "r2"
            by = table[table["model"] == "gradient_boosting"].set_index("setting")[metric]
            # utility judges chance on the mean of its two model families; the table shows boosting alone,
            # whose TRTR can be at chance beside a linear model that predicts (R² -0.502 with 28 rows)
            chance = at_chance(by["TRTR"], metric)
            if chance is None:
                scores.update(tstr=by["TSTR"], trtr=by["TRTR"], utility_metric=metric, utility_note=None)
                # a grade coded 1 to 7 is scored by ROC-AUC: the table's "AUC" alone does not say why
                scores["utility_task"] = task_text(tables, target) or None
            else:
                more = "give more rows (--rows) or " if rows_left_out else "give "  # --rows 0 used them all
                scores["utility_note"] = (
                    f"gradient boosting trained on the real rows does {chance}, so TSTR has nothing to be "
                    f"compared with: {more}a target the other columns predict"
                )
    return {k: float(v) if isinstance(v, float) else v for k, v in scores.items()}


# -- process isolation -----------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB.

    On Linux this is ``VmHWM`` of the process's own memory map: a spawned child's ``ru_maxrss`` would also
    count the parent's memory at the moment of the fork that preceded its ``exec``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def _child_main(sender: Connection, function: Callable[..., dict[str, Any]], args: tuple) -> None:
    if hasattr(os, "setpgrp"):
        # a process group of its own: the parent can end every process the run started (SDV's joblib
        # workers idle on for 5 minutes otherwise, holding memory and the terminal)
        os.setpgrp()
    try:
        result = function(*args)
    except Exception as exc:  # recorded for the parent: one failed run never stops the others
        result = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    sender.send(result)
    sender.close()


def run_isolated(
    function: Callable[..., dict[str, Any]], *args: Any, timeout_s: float | None = None
) -> dict[str, Any]:
    """Run ``function(*args)`` in a fresh spawned process and return its dict.

    A failure becomes ``{"error": ..., "traceback": ...}``; a process still running after ``timeout_s``
    seconds is killed and gives ``{"error": "killed after ..."}``; a process that dies (out of memory, a
    crash) gives ``{"error": "the process died ..."}``. ``function`` must be importable by name.

    Example:
        >>> run_isolated(run_one, run, timeout_s=600)["fit_s"]
        41.7
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, function, args))
    process.start()
    sender.close()  # only the child writes: the parent sees EOF when the child dies
    try:
        if not receiver.poll(timeout_s):
            return {"error": f"killed after {timeout_s:.0f} s (the run's hard time limit)"}
        try:
            return receiver.recv()
        except EOFError:
            process.join()
            return {"error": f"the process died without a result (exit code {process.exitcode})"}
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
        _end_group(process.pid)


def _end_group(pgid: int | None) -> None:
    """Kill what is left of the run's process group (workers the run started); nothing if it is empty."""
    if pgid is None or not hasattr(os, "killpg"):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already empty
        os.killpg(pgid, signal.SIGKILL)


# -- resumable results -----------------------------------------------------------------------------------
class ResultStore:
    """``results.jsonl``: one JSON record per finished run; the last record of a key wins.

    Each ``append`` rewrites the file atomically, so an interruption leaves every earlier run intact.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def records(self) -> dict[str, dict[str, Any]]:
        """Latest record per run key, in the order the keys were first recorded."""
        if not self.path.exists():
            return {}
        latest: dict[str, dict[str, Any]] = {}
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                key = record["key"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise DataError(
                    f"{self.path}, line {number}: not a benchmark record; fix or delete the line"
                ) from None
            latest[key] = record
        return latest

    def append(self, record: dict[str, Any]) -> None:
        old = self.path.read_text(encoding="utf-8") if self.path.exists() else ""
        clean = {k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in record.items()}
        atomic_write_text(self.path, old + json.dumps(clean, allow_nan=False) + "\n")

    def frame(self) -> pd.DataFrame:
        """Every latest record as a table (no key, scoring version, data fingerprint or traceback columns)."""
        records = list(self.records().values())
        frame = pd.DataFrame.from_records(records) if records else pd.DataFrame(columns=["model", "dataset"])
        return frame.drop(columns=["key", "scoring", "data_fingerprint", "traceback"], errors="ignore")


# -- the benchmark ---------------------------------------------------------------------------------------
def run_benchmark(
    runs: Sequence[BenchRun],
    out: Path,
    force: bool = False,
    retry_failed: bool = False,
    console: Console | None = None,
) -> pd.DataFrame:
    """Run every run not yet recorded in ``out``, then write ``results.csv`` and ``bench.html`` there.

    Args:
        runs: from ``plan_runs``.
        out: output folder; ``results.jsonl`` in it keeps finished runs between calls.
        force: run again even the runs already recorded.
        retry_failed: run again the recorded runs that failed (killed, crashed or raised).
        console: where progress lines go (each run also shows its training progress bar).

    Returns:
        One row per recorded run in ``out`` (this call's and earlier ones): settings, times, peak memory,
        scores, and ``error`` for failed runs.
    """
    console = console or Console()
    out = Path(out)
    store = ResultStore(out / RESULTS_FILE)
    recorded = store.records()
    fingerprints = {
        dataset: data_fingerprint(dataset) for dataset in {run.dataset for run in runs}
    }  # read once
    for number, run in enumerate(runs, 1):
        label = f"[{number}/{len(runs)}] {run.model} on {run.dataset}"
        previous = recorded.get(run.key)
        fingerprint = fingerprints[run.dataset]
        current = previous is not None and previous.get("scoring", 1) == SCORING_VERSION
        same_data = previous is not None and previous.get("data_fingerprint") == fingerprint
        if current and same_data and not force and not (retry_failed and previous.get("error")):
            console.log(f"{label}: already recorded in {store.path}, skipped (--force runs it again)")
            continue
        if previous is not None and not current:
            console.log(f"{label}: recorded by an older synthloom that scored otherwise: run again")
        elif previous is not None and not same_data:
            console.log(f"{label}: {run.dataset} has changed since it was recorded: run again")
        console.log(f"{label}: running (killed after {run.hard_limit_s:.0f} s)")
        start = time.perf_counter()
        result = run_isolated(run_one, run, timeout_s=run.hard_limit_s)
        record = {
            "key": run.key,
            "scoring": SCORING_VERSION,
            "data_fingerprint": fingerprint,
            **dataclasses.asdict(run),
            "error": None,
            **result,
            "wall_s": time.perf_counter() - start,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        store.append(record)
        outcome = f"failed: {record['error']}" if record["error"] else f"done in {record['wall_s']:.0f} s"
        console.log(f"{label}: {outcome}", highlight=False)
    return write_outputs(store, out)


def write_outputs(store: ResultStore, out: Path) -> pd.DataFrame:
    """``results.csv`` and ``bench.html`` from every recorded run; returns the table."""
    from synthloom.report.bench import render  # the report imports plotting: only when writing

    frame = store.frame()
    write_table(frame, out / "results.csv")
    atomic_write_text(out / "bench.html", render(frame))
    return frame


# what a label calls each setting of BenchRun's key (its model is the label's start)
_LABELLED_SETTINGS = {
    field.name: {"dataset": "data set", "max_minutes": "max minutes"}.get(field.name, field.name)
    for field in dataclasses.fields(BenchRun)
    if field.name != "model"
}


def run_labels(frame: pd.DataFrame) -> pd.Series:
    """Each run's model name, followed by the settings that set it apart from other runs of that model.

    A setting is named when the model's runs differ in it: the data set's path and the target only among
    runs on data sets of one file name (they differ from one data set to the next anyway), the others
    among all the model's runs, so that a run keeps its label from one data set to the next. So two runs
    on data sets of one name never share a label: their keys differ in a setting, and that one is named.

    Example:
        >>> run_labels(results)  # copula with seeds 0 and 1, ctgan once, each on one data set
        0    copula (seed 0)
        1    copula (seed 1)
        2    ctgan
        dtype: object
    """
    names = frame["dataset"].map(lambda dataset: Path(str(dataset)).name)
    texts = {
        field: frame[field].map(lambda value, field=field: _setting_text(field, value))
        for field in _LABELLED_SETTINGS
        if field in frame
    }
    named = {
        field: text.groupby([names, frame["model"]] if field in ("dataset", "target") else frame["model"])
        .transform("nunique")
        .gt(1)
        for field, text in texts.items()
    }
    labels = []
    for row, model in frame["model"].items():
        parts = [f"{_LABELLED_SETTINGS[field]} {texts[field][row]}" for field in texts if named[field][row]]
        labels.append(f"{model} ({', '.join(parts)})" if parts else str(model))
    return pd.Series(labels, index=frame.index, dtype=object)


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each run's ``run_labels`` in a "label" column: the table, the errors and the notes
    name a run alike, from one computation of the labels over all the runs (a run's label depends on the
    others, so it is computed before any are left out)."""
    return frame.assign(label=run_labels(frame))


def _setting_text(field: str, value: Any) -> str:
    if _missing(value):  # no rows setting keeps every row; runs recorded before the encoding read UTF-8
        return {"rows": "all", "encoding": "utf-8"}.get(field, "none")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # epochs, rows and seeds come back as floats from a column with gaps
    return str(value)


TABLE_COLUMNS = (
    "data set", "model", "epochs", "fit s", "sample s", "peak MB", "quality", "detection AUC", "TSTR / TRTR",
    "DCR share",
)  # fmt: skip
NARROW_LEAVES_OUT = ("sample s", "peak MB")  # results.csv and bench.html keep them
# each score is one fit on one split: differences within a seed's spread read as rankings otherwise
ONE_DRAW = "one draw per run (one split, one seed): rerun with --seed to see the spread"
_NAMES = ("data set", "model")


def results_table(frame: pd.DataFrame, title: str = "synthloom bench", width: int | None = None) -> Table:
    """The terminal table: one row per run (see ``run_labels`` for several runs of a model on a data set); a
    failed run reads "failed", its error is in ``run_errors``.

    Wider than ``width`` (a terminal's columns), it leaves out ``NARROW_LEAVES_OUT`` and its grid lines and
    stacks each measure's words and values ("0.755 /" over "0.922"), so that the names keep the room left:
    rich would otherwise cut every cell ("defa…") to fit.
    """
    records = _labelled(frame).sort_values(["dataset", "model"], kind="stable").to_dict("records")
    metrics = {row["utility_metric"] for row in records if utility_text(row) != "-"}
    # one metric is named once, in the header; data sets of both kinds name it in each cell
    rows = [_cells(row, named_metric=len(metrics) > 1) for row in records]
    headers = {"TSTR / TRTR": METRIC_LABELS[metrics.pop()]} if len(metrics) == 1 else {}
    table = _terminal_table(title, rows, headers, narrow=False)
    if width is not None and Console(width=2**16).measure(table).maximum > width:
        return _terminal_table(title, rows, headers, narrow=True)
    return table


def _terminal_table(title: str, rows: list[dict[str, str]], headers: dict[str, str], narrow: bool) -> Table:
    """The table of ``rows`` (``_cells``), whole or ``narrow`` (see ``results_table``); ``headers``: the
    metric a column's values are in, by column."""
    left_out = f"; {' and '.join(NARROW_LEAVES_OUT)}: in results.csv and bench.html" if narrow else ""
    options = {"box": None, "pad_edge": False} if narrow else {}
    table = Table(title=title, caption=ONE_DRAW + left_out, **options)
    columns = [column for column in TABLE_COLUMNS if not (narrow and column in NARROW_LEAVES_OUT)]

    def shown(column: str, text: str) -> str:  # a long measure's words and values on two lines, when narrow
        stacked = narrow and column not in _NAMES and len(text) > len("quality")
        return "\n".join(text.rsplit(" ", 1)) if stacked else text

    for column in columns:
        named = column in _NAMES  # a long name is folded, never cut
        justify = "left" if named else "right"
        header = shown(column, column)
        if column in headers:  # what the column is measured in, on a line of its own when narrow
            header += f"\n{headers[column]}" if narrow else f" ({headers[column]})"
        table.add_column(header, justify=justify, overflow="fold" if named else "ellipsis")
    for cells in rows:
        table.add_row(*(shown(column, cells.get(column, "")) for column in columns))
    return table


def _cells(row: dict[str, Any], named_metric: bool) -> dict[str, str]:
    """One run's cells of the terminal table, by column."""
    named = {"data set": Path(row["dataset"]).name, "model": row["label"]}
    if isinstance(row.get("error"), str):
        return {**named, "epochs": "[red]failed[/]"}
    dcr = row.get("dcr_share")
    return {
        **named,
        "epochs": "-" if _missing(row.get("epochs_run")) else f"{row['epochs_run']:.0f}",
        "fit s": f"{row['fit_s']:.1f}",
        "sample s": f"{row['sample_s']:.1f}",
        "peak MB": f"{row['peak_mb']:.0f}",
        "quality": f"{row['quality']:.3f}",
        "detection AUC": f"{row['detection_auc']:.3f}",
        "TSTR / TRTR": utility_text(row, named_metric),
        "DCR share": "-" if _missing(dcr) else f"{dcr:.1%} ({row['dcr_share_holdout']:.1%})",
    }


def run_errors(frame: pd.DataFrame) -> list[str]:
    """Each failed run's error, one line each, named as the table names the run."""
    if "error" not in frame:
        return []
    failed = _labelled(frame)[frame["error"].notna()]
    return [
        f"{r['label']} on {Path(str(r['dataset'])).name} failed: {r['error']}"
        for r in failed.to_dict("records")
    ]


def utility_notes(frame: pd.DataFrame) -> list[str]:
    """Why TSTR / TRTR reads "-" (the runs' ``utility_note``): one line per data set and reason, naming the
    runs when others on that data set have another reason, or scores.

    Example:
        >>> utility_notes(results)  # copula and ddpm on a file whose target nothing predicts
        ['TSTR / TRTR not computed on claims.csv: models trained on the real rows do no better than ...']
    """
    if "utility_note" not in frame:
        return []
    done = _labelled(frame)
    if "error" in done:
        done = done[done["error"].isna()]
    lines = []
    for (dataset, note), runs in done.groupby(["dataset", "utility_note"], sort=False):
        some = len(runs) < (done["dataset"] == dataset).sum()
        which = f" ({', '.join(runs['label'])})" if some else ""
        lines.append(f"TSTR / TRTR not computed on {Path(str(dataset)).name}{which}: {note}")
    return lines


def task_notes(frame: pd.DataFrame) -> list[str]:
    """How each data set's number target is predicted (the runs' ``utility_task``), one line per data set:
    a target of whole numbers on a few levels is scored as classes, as ``evaluate`` says.

    Example:
        >>> task_notes(results)
        ["TSTR / TRTR on grade.csv: 'y' holds whole numbers on 7 levels, predicted as classes (...)"]
    """
    if "utility_task" not in frame:  # results recorded before runs said it
        return []
    said = frame.dropna(subset=["utility_task"]).drop_duplicates(["dataset", "utility_task"])
    return [f"TSTR / TRTR on {Path(str(r.dataset)).name}: {r.utility_task}" for r in said.itertuples()]


def utility_text(row: dict[str, Any], named_metric: bool = False) -> str:
    """``0.851 / 0.903`` (TSTR / TRTR), after its metric when ``named_metric`` (``R² 0.851 / 0.903``), or
    "-" when utility was not computed."""
    if _missing(row.get("tstr")) or _missing(row.get("trtr")):
        return "-"
    scores = f"{decimal_text(row['tstr'], 3)} / {decimal_text(row['trtr'], 3)}"
    return f"{_SHORT_METRICS[row['utility_metric']]} {scores}" if named_metric else scores


_SHORT_METRICS = {"roc_auc": "AUC", "r2": "R²"}  # in every cell of a table that mixes them: kept short


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
