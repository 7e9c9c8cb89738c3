"""Scale: sampling millions of rows to Parquet parts, training on a table larger than memory, 2-process DDP.

Each measurement runs in its own spawned process, so its peak memory (ru_maxrss) is its own.

    .venv/bin/python benchmarks/scale.py sample [--rows 1e6 1e7] [--threads 2]
    .venv/bin/python benchmarks/scale.py stream [--rows 3e6] [--epochs 1]
    .venv/bin/python benchmarks/scale.py distributed [--epochs 30]

``sample``: CTGAN fitted briefly on adult (``--fit-epochs``), then ``sample_to_parts`` for each row count;
prints rows/min, seconds and peak RSS against the targets (>= 3M rows/min, 1M rows within 20 s, peak
under 1.5 GB for 10M rows).

``stream``: the bundled census data (299k x 43) repeated to ``--rows`` rows in a temporary Parquet file;
``fit_file`` on it (TVAE, ``--epochs`` passes at most, batch ``--batch``, ``--max-minutes`` of training):
seconds, chunks and rows read, peak RSS (target < 4 GB). The same rows as one DataFrame would take about
2 GB per million rows before encoding.

``distributed``: CTGAN on the default data set (70% train), one process against two gloo processes
under torchrun with the same global batch (so the same number of steps); quality (synthloom's
column shapes + pair trends score against the real training rows) per seed, and the means.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from common import peak_rss_mb, run_isolated

console = Console()


def _threads(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


def fit_adult_ctgan(path: str, epochs: int, threads: int) -> dict[str, Any]:
    """Child process: CTGAN on adult for a few epochs, saved to ``path``."""
    from synthloom import datasets, get_model

    _threads(threads)
    start = time.perf_counter()
    model = get_model("ctgan", epochs=epochs, device="cpu", random_state=0).fit(datasets.load("adult"))
    model.save(path)
    return {"fit_s": time.perf_counter() - start}


def sample_parts(model_path: str, rows: int, out: str, threads: int) -> dict[str, Any]:
    """Child process: load the model and write ``rows`` rows as Parquet parts into ``out``."""
    from synthloom import load
    from synthloom.sampling import sample_to_parts

    _threads(threads)
    model = load(model_path)
    start = time.perf_counter()
    sample_to_parts(model, rows, out, seed=0)
    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in Path(out).glob("part-*.parquet"))
    return {"seconds": seconds, "peak_mb": peak_rss_mb(), "disk_mb": size / 2**20}


def run_sample(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="synthloom-scale-"))
    try:
        model_path = str(work / "adult-ctgan.synthloom")
        fitted = run_isolated(fit_adult_ctgan, model_path, args.fit_epochs, args.threads)
        if "error" in fitted:
            raise SystemExit(fitted["error"])
        console.print(f"ctgan fitted on adult in {fitted['fit_s']:.0f} s ({args.fit_epochs} epochs)")
        table = Table(title=f"CTGAN (adult) sampled to Parquet parts, {args.threads} threads")
        for column in ("rows", "seconds", "rows/min", "peak RSS MB", "on disk MB"):
            table.add_column(column, justify="right")
        for rows in (int(float(r)) for r in args.rows):
            out = work / f"out-{rows}"
            result = run_isolated(sample_parts, model_path, rows, str(out), args.threads)
            shutil.rmtree(out, ignore_errors=True)
            if "error" in result:
                table.add_row(f"{rows:,}", result["error"], "", "", "")
                continue
            per_minute = rows / result["seconds"] * 60
            table.add_row(
                f"{rows:,}",
                f"{result['seconds']:.1f}",
                f"{per_minute / 1e6:.2f}M",
                f"{result['peak_mb']:.0f}",
                f"{result['disk_mb']:.0f}",
            )
            console.print(
                f"sample rows={rows:,} seconds={result['seconds']:.1f} rows_per_min={per_minute:,.0f} "
                f"peak_rss_mb={result['peak_mb']:.0f}"
            )
        console.print(table)
        console.print("targets: >= 3M rows/min; 1M rows within 20 s; peak < 1.5 GB for 10M rows")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- big inputs --------------------------------------------------------------------------------------
def write_census_copies(path: Path, rows: int) -> int:
    """Census repeated until ``rows`` rows, written batch by batch (never the whole table in memory)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from synthloom import datasets

    table = pa.Table.from_pandas(datasets.load("census"), preserve_index=False)
    written = 0
    with pq.ParquetWriter(path, table.schema) as writer:
        while written < rows:
            part = table.slice(0, rows - written)
            writer.write_table(part, row_group_size=100_000)
            written += part.num_rows
    return written


def fit_streamed(path: str, epochs: int, batch: int, minutes: float, threads: int) -> dict[str, Any]:
    """Child process: TVAE fitted on the file, read in chunks; counts the rows of the chunks it read."""
    from synthloom import get_model

    _threads(threads)
    start = time.perf_counter()
    model = get_model(
        "tvae", epochs=epochs, batch_size=batch, max_minutes=minutes, device="cpu", random_state=0
    )
    read: list[int] = []
    use_rows = model._use_rows
    model._use_rows = lambda rows: (read.append(len(rows)), use_rows(rows))[1]
    model.fit_file(path, sample_rows=50_000)
    seconds = time.perf_counter() - start
    fake = model.sample(1_000, random_state=0)
    return {
        "seconds": seconds,
        "peak_mb": peak_rss_mb(),
        "rows": model.n_training_rows_,
        "rows_read": sum(read),
        "chunks": len(read),
        "cols": fake.shape[1],
    }


def run_stream(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="synthloom-scale-"))
    try:
        path = work / "census-big.parquet"
        rows = write_census_copies(path, int(float(args.rows)))
        console.print(f"census repeated to {rows:,} rows: {path.stat().st_size / 2**20:.0f} MB of Parquet")
        result = run_isolated(
            fit_streamed, str(path), args.epochs, args.batch, args.max_minutes, args.threads
        )
        if "error" in result:
            raise SystemExit(result["error"])
        console.print(
            f"stream rows={result['rows']:,} model=tvae epochs={args.epochs} batch={args.batch} "
            f"max_minutes={args.max_minutes} chunks_read={result['chunks']} "
            f"rows_trained_on={result['rows_read']:,} seconds={result['seconds']:.0f} "
            f"peak_rss_mb={result['peak_mb']:.0f} (target < 4096)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


# -- distributed -----------------------------------------------------------------------------------------
def ddp_worker(args: argparse.Namespace) -> None:
    """Run under torchrun: fit CTGAN on ``--data`` with the per-rank batch; rank 0 saves the model."""
    import pandas as pd

    from synthloom import get_model

    _threads(1)
    model = get_model(
        "ctgan", epochs=args.epochs, batch_size=args.batch, device="cpu", random_state=args.seed
    )
    model.fit(pd.read_csv(args.data)).save(args.model)


def quality_of(model_path: Path, train: Any, seed: int) -> float:
    from synthloom import load
    from synthloom.metrics.encoding import prepare
    from synthloom.metrics.fidelity import quality_scores

    fake = load(model_path).sample(len(train), random_state=seed)
    return quality_scores(prepare(train, fake))["overall"]


def run_distributed(args: argparse.Namespace) -> None:
    from common import load_split

    _threads(1)
    train, _, _ = load_split("default", None)
    work = Path(tempfile.mkdtemp(prefix="synthloom-ddp-"))
    scores: dict[str, list[float]] = {"1 process": [], "2 processes (gloo)": []}
    try:
        data = work / "train.csv"
        train.to_csv(data, index=False)
        for seed in args.seeds:
            for label, world in (("1 process", 1), ("2 processes (gloo)", 2)):
                model = work / f"m-{world}-{seed}.synthloom"
                launcher = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", str(world)]
                command = [*launcher, __file__, "ddp-worker", "--data", str(data), "--model", str(model)]
                command += ["--epochs", str(args.epochs), "--batch", str(args.batch // world)]
                start = time.perf_counter()
                subprocess.run(
                    [*command, "--seed", str(seed)], check=True, env={**os.environ, "OMP_NUM_THREADS": "1"}
                )
                seconds = time.perf_counter() - start
                scores[label].append(quality_of(model, train, seed))
                console.print(
                    f"distributed {label} seed={seed} quality={scores[label][-1]:.3f} fit_s={seconds:.0f}"
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for label, values in scores.items():
        console.print(
            f"distributed {label}: quality mean {np.mean(values):.3f} sd {np.std(values, ddof=1):.3f} "
            f"over seeds {args.seeds} (ctgan, {args.epochs} epochs, global batch {args.batch})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    sample = commands.add_parser("sample", help="sampling throughput and memory")
    sample.add_argument("--rows", nargs="+", default=["1e6", "1e7"])
    sample.add_argument("--fit-epochs", type=int, default=2)
    sample.add_argument("--threads", type=int, default=2)
    stream = commands.add_parser("stream", help="fit on census repeated to millions of rows")
    stream.add_argument("--rows", default="3e6")
    stream.add_argument("--epochs", type=int, default=1)
    stream.add_argument("--batch", type=int, default=10_000)
    stream.add_argument(
        "--max-minutes", type=float, default=3.0, help="training budget (one pass if it fits)"
    )
    stream.add_argument("--threads", type=int, default=2)
    ddp = commands.add_parser("distributed", help="2-process gloo against 1 process: quality")
    ddp.add_argument("--epochs", type=int, default=30)
    ddp.add_argument("--batch", type=int, default=500)
    ddp.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    worker = commands.add_parser("ddp-worker", help=argparse.SUPPRESS)
    for name in ("--data", "--model"):
        worker.add_argument(name, required=True)
    for name in ("--epochs", "--batch", "--seed"):
        worker.add_argument(name, type=int, required=True)
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", str(getattr(args, "threads", 1)))
    runs = {
        "sample": run_sample,
        "stream": run_stream,
        "distributed": run_distributed,
        "ddp-worker": ddp_worker,
    }
    runs[args.command](args)


if __name__ == "__main__":
    main()
