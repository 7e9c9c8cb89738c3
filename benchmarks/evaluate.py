"""Benchmark: synthloom's evaluation vs SDMetrics' QualityReport on adult, 32,561 real vs 32,561 synthetic.

The generator learns from ``adult_test`` (16,281 rows, the training rows); its 32,561 synthetic rows are
compared with ``adult`` (32,561 rows it never saw). Printed: our full evaluation time (every family, plus
writing the HTML and JSON reports; target under 60 s on 2 cores), our fidelity time and SDMetrics'
QualityReport time on the same tables (target: ours at least 3x faster), and the scores side by side.

Run:
    .venv/bin/python benchmarks/evaluate.py                      # synthetic rows from the Gaussian copula
    .venv/bin/python benchmarks/evaluate.py --synthetic resample # a cheap stand-in, no generator needed
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

import synthloom
from synthloom.data.metadata import Metadata
from synthloom.metrics import evaluate, prepare, quality_scores
from synthloom.metrics.fidelity import to_sdmetrics_metadata

REPEATS = 3  # fidelity timings: best of 3, for ours and for SDMetrics alike


def stand_in(train: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    """Columns resampled independently from the training rows, numbers jittered: a cheap fake."""
    rng = np.random.default_rng(seed)
    fake = pd.DataFrame({c: train[c].to_numpy()[rng.integers(0, len(train), rows)] for c in train.columns})
    for column in fake.select_dtypes("number").columns:
        jitter = rng.normal(0.0, 0.05 * fake[column].std(), rows)
        fake[column] = np.round(fake[column] + jitter).astype(train[column].dtype)
    return fake


def synthesize(kind: str, train: pd.DataFrame, rows: int, seed: int) -> pd.DataFrame:
    if kind == "resample":
        return stand_in(train, rows, seed)
    return synthloom.get_model("copula", random_state=seed).fit(train).sample(rows)


def best_time(run: Callable[[], object]) -> tuple[float, object]:
    """Fastest of ``REPEATS`` runs, and the last result."""
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def sdmetrics_quality(real: pd.DataFrame, synthetic: pd.DataFrame, metadata: Metadata) -> dict[str, float]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation notice for the single-table report
        from sdmetrics.reports.single_table import QualityReport

        report = QualityReport()
        report.generate(real, synthetic, to_sdmetrics_metadata(metadata), verbose=False)
    properties = report.get_properties().set_index("Property")["Score"]
    return {
        "column_shapes": float(properties["Column Shapes"]),
        "column_pair_trends": float(properties["Column Pair Trends"]),
        "overall": float(report.get_score()),
    }


def full_evaluation(real: pd.DataFrame, synthetic: pd.DataFrame, train: pd.DataFrame, out: Path) -> dict:
    start = time.perf_counter()
    report = evaluate(real, synthetic, train=train, target="income", random_state=0)
    evaluated = time.perf_counter()
    report.to_html(out / "adult_report.html")
    report.to_json(out / "adult_scores.json")
    written = time.perf_counter()
    return {
        "report": report,
        "evaluate": evaluated - start,
        "write": written - evaluated,
        "total": written - start,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", choices=["copula", "resample"], default="copula")
    parser.add_argument("--out", type=Path, default=None, help="folder for the HTML and JSON reports")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="synthloom-bench-"))
    out.mkdir(parents=True, exist_ok=True)

    real, train = synthloom.datasets.load("adult"), synthloom.datasets.load("adult_test")
    synthetic = synthesize(args.synthetic, train, len(real), seed=0)
    print(
        f"adult: {len(real):,} real rows vs {len(synthetic):,} synthetic rows ({args.synthetic}); "
        f"generator trained on {len(train):,} rows of adult_test"
    )

    # both tools get the same column kinds, inferred once: SDMetrics needs them as input anyway
    metadata = Metadata.infer(real)
    ours_s, ours = best_time(lambda: quality_scores(prepare(real, synthetic, metadata=metadata)))
    theirs_s, theirs = best_time(lambda: sdmetrics_quality(real, synthetic, metadata))
    full = full_evaluation(real, synthetic, train, out)

    print(
        f"\nfull evaluation, all 5 families: {full['evaluate']:6.2f} s  "
        f"(+ HTML and JSON {full['write']:.2f} s = {full['total']:.2f} s; target < 60 s)"
    )
    for family, seconds in full["report"].timings.items():
        print(f"  {family:<10} {seconds:6.2f} s")
    print(f"fidelity, ours (checks + QualityReport scores):  {ours_s:6.3f} s")
    print(f"SDMetrics QualityReport:                         {theirs_s:6.3f} s")
    print(f"ratio: ours is {theirs_s / ours_s:.1f}x faster (target >= 3x)")
    print(f"\n{'score':<20}{'synthloom':>12}{'SDMetrics':>12}{'difference':>13}")
    for name in ("column_shapes", "column_pair_trends", "overall"):
        print(f"{name:<20}{ours[name]:>12.6f}{theirs[name]:>12.6f}{ours[name] - theirs[name]:>13.2e}")
    print("\n" + full["report"].summary())
    print(f"\nreports: {out / 'adult_report.html'}  {out / 'adult_scores.json'}")


if __name__ == "__main__":
    main()
