"""synthloom's CTGAN and TVAE against SDV's: same data, same run, same or chosen epochs.

Per data set (70/30 split of real rows; the 30% is the real test set) and per family, each generator
runs in its own process and reports: fit seconds, seconds to sample 100k rows, peak memory, SDMetrics'
QualityReport score (computed by sdmetrics against the real training rows) and TSTR ROC-AUC (gradient
boosting trained on synthetic rows, tested on the real test rows) next to TRTR (trained on real rows).
A last case fits CTGAN on a table with a 20,000-level categorical column and reports its peak memory.

    .venv/bin/python benchmarks/tabular.py --epochs 100 --datasets default adult loans --threads 2
    # time to quality: SDV at its default 300 epochs against synthloom at several epoch counts (0: default)
    .venv/bin/python benchmarks/tabular.py --epochs 0 50 100 --sdv-epochs 300 --max-rows 10000
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from common import load_split, peak_rss_mb, quality_score, ratio, run_isolated, tstr_auc

SAMPLE_ROWS = 100_000
SAMPLE_REPEATS = 3


def fit_and_measure(
    impl: str, family: str, dataset: str, epochs: int, max_rows: int | None, threads: int
) -> dict[str, Any]:
    """Child process: fit one generator, sample 100k rows (best time of three draws), score them.

    Quality is the mean over the three draws (the first ``len(train)`` rows of each): one draw's score moves
    by about +-0.004 (CTGAN on adult), as much as some gaps between generators. TSTR uses the last draw.
    """
    import torch

    torch.set_num_threads(threads)
    train, test, target = load_split(dataset, max_rows)
    start = time.perf_counter()
    sampler = (
        _fit_synthloom(family, train, epochs) if impl == "synthloom" else _fit_sdv(family, train, epochs)
    )
    fit_seconds = time.perf_counter() - start
    sample_seconds, heads = [], []
    for _ in range(SAMPLE_REPEATS):  # a 100k draw takes well under a second: the best of a few is stable
        start = time.perf_counter()
        synthetic = sampler(SAMPLE_ROWS)
        sample_seconds.append(time.perf_counter() - start)
        heads.append(synthetic.iloc[: len(train)].copy())  # a copy: the 100k rows can go
        del synthetic
    return {
        "fit_s": fit_seconds,
        "sample_s": min(sample_seconds),
        "peak_mb": peak_rss_mb(),
        "quality": float(np.mean([quality_score(train, head) for head in heads])),
        "tstr": tstr_auc(heads[-1], test, target),
    }


def _fit_synthloom(family: str, train: pd.DataFrame, epochs: int) -> Any:
    import synthloom as sl

    settings = {"epochs": epochs} if epochs else {}  # 0: the model's default
    model = sl.get_model(family, random_state=0, **settings).fit(train)
    return model.sample


def _fit_sdv(family: str, train: pd.DataFrame, epochs: int) -> Any:
    from synthloom.bench import fit_sdv

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_sdv(f"sdv-{family}", train, epochs, seed=0)


def high_cardinality_memory(threads: int) -> dict[str, Any]:
    """Child process: CTGAN (1 epoch) on 50k rows with a 20,000-level categorical column."""
    import torch

    import synthloom as sl

    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    levels = np.concatenate([np.arange(20_000), rng.zipf(1.5, 30_000) % 20_000])
    frame = pd.DataFrame({"merchant": [f"m{v:05d}" for v in levels], "amount": rng.lognormal(3, 1, 50_000)})
    start = time.perf_counter()
    model = sl.get_model("ctgan", epochs=1, random_state=0).fit(frame)
    fake = model.sample(10_000)
    return {
        "levels": frame["merchant"].nunique(),
        "fit_s": time.perf_counter() - start,
        "peak_mb": peak_rss_mb(),
        "sampled_levels": fake["merchant"].nunique(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--epochs", type=int, nargs="+", default=[100], help="synthloom's epochs, one run each (0: default)"
    )
    parser.add_argument("--sdv-epochs", type=int, default=None, help="SDV's epochs (default: --epochs)")
    parser.add_argument("--datasets", nargs="+", default=["default", "adult", "loans"])
    parser.add_argument("--families", nargs="+", default=["ctgan", "tvae"])
    parser.add_argument("--max-rows", type=int, default=None, help="cap real rows per data set")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for every run")
    args = parser.parse_args()
    sdv_epochs = args.epochs[0] if args.sdv_epochs is None else args.sdv_epochs
    if not sdv_epochs:
        parser.error("give SDV a number of epochs (--sdv-epochs) when --epochs starts with 0")
    console = Console(width=150)
    for dataset in args.datasets:
        train, test, target = load_split(dataset, args.max_rows)
        trtr = tstr_auc(train, test, target)
        table = Table(
            title=f"{dataset}: {len(train):,} train rows, SDV {sdv_epochs} epochs, target {target!r}, "
            f"TRTR ROC-AUC {trtr:.3f}"
        )
        for column in (
            "generator",
            "fit s",
            "fit speed-up",
            "sample 100k s",
            "sample speed-up",
            "peak MB",
            "quality",
            "TSTR AUC",
            "TSTR/TRTR",
        ):
            table.add_column(column)
        for family in args.families:
            peer = run_isolated(
                fit_and_measure, "sdv", family, dataset, sdv_epochs, args.max_rows, args.threads
            )
            table.add_row(*_row(f"SDV {family}", peer, None, trtr))
            for epochs in args.epochs:
                ours = run_isolated(
                    fit_and_measure, "synthloom", family, dataset, epochs, args.max_rows, args.threads
                )
                table.add_row(*_row(f"synthloom {family} {epochs or 'default'} ep", ours, peer, trtr))
        console.print(table)
    memory = run_isolated(high_cardinality_memory, args.threads)
    console.print(f"20,000-level column: {memory}")


def _row(name: str, result: dict[str, Any], peer: dict[str, Any] | None, trtr: float) -> list[str]:
    if "error" in result:
        return [name, result["error"], *["-"] * 7]
    fit_gain = ratio(peer.get("fit_s"), result["fit_s"]) if peer else "1.0x"
    sample_gain = ratio(peer.get("sample_s"), result["sample_s"]) if peer else "1.0x"
    return [
        name,
        f"{result['fit_s']:.1f}",
        fit_gain,
        f"{result['sample_s']:.2f}",
        sample_gain,
        f"{result['peak_mb']:.0f}",
        f"{result['quality']:.3f}",
        f"{result['tstr']:.3f}",
        f"{result['tstr'] / trtr:.3f}",
    ]


if __name__ == "__main__":
    main()
