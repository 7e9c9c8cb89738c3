"""Transformer speed on adult: synthloom's TableTransformer vs SDV's rdt, same data, same run.

Both sides do the same job: mode-specific normalisation of numeric columns (a Bayesian Gaussian mixture
per column, at most 10 modes) and one-hot categoricals, then fit + transform + inverse. Prints times,
the ratio, and whether each round trip gives back the original table exactly.

    .venv/bin/python benchmarks/transformer.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from synthloom import datasets
from synthloom.data.metadata import NUMERIC_KINDS, Metadata
from synthloom.data.transformer import TableTransformer


def round_trip_exact(real: pd.DataFrame, back: pd.DataFrame) -> bool:
    for name in real.columns:
        a, b = real[name], back[name]
        if pd.api.types.is_numeric_dtype(a):
            if not np.allclose(a.to_numpy(float), b.to_numpy(float), rtol=0, atol=1e-6, equal_nan=True):
                return False
        elif not a.astype(object).where(a.notna(), None).equals(b.astype(object).where(b.notna(), None)):
            return False
    return True


def time_synthloom(real: pd.DataFrame, numeric: str) -> tuple[float, bool]:
    start = time.perf_counter()
    transformer = TableTransformer(numeric=numeric, random_state=0).fit(real)
    back = transformer.inverse_transform(transformer.transform(real))
    return time.perf_counter() - start, round_trip_exact(real, back)


def time_rdt(real: pd.DataFrame, numeric_columns: list[str]) -> tuple[float, bool]:
    from rdt import HyperTransformer
    from rdt.transformers import ClusterBasedNormalizer, OneHotEncoder

    start = time.perf_counter()
    hyper = HyperTransformer()
    hyper.detect_initial_config(real)
    hyper.update_transformers(
        {
            name: ClusterBasedNormalizer(max_clusters=10) if name in numeric_columns else OneHotEncoder()
            for name in real.columns
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hyper.fit(real)
        back = hyper.reverse_transform(hyper.transform(real))
    return time.perf_counter() - start, round_trip_exact(real, back[real.columns])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per side; the best time is kept")
    args = parser.parse_args()
    real = datasets.load("adult")
    numeric_columns = Metadata.infer(real).columns_of(*NUMERIC_KINDS)
    ours = [time_synthloom(real, "gmm") for _ in range(args.repeats)]
    quantile = [time_synthloom(real, "quantile") for _ in range(args.repeats)]
    peer = [time_rdt(real, numeric_columns) for _ in range(args.repeats)]
    best = {
        name: min(t for t, _ in runs)
        for name, runs in (("ours", ours), ("quantile", quantile), ("rdt", peer))
    }

    table = Table(title=f"fit + transform + inverse on adult ({len(real):,} rows x {real.shape[1]} columns)")
    for column in ("transformer", "best seconds", "exact round trip", "speed-up vs rdt"):
        table.add_column(column)
    table.add_row(
        "rdt (ClusterBasedNormalizer + OneHotEncoder)", f"{best['rdt']:.2f}", str(peer[0][1]), "1.0x"
    )
    table.add_row(
        "synthloom gmm (same job)",
        f"{best['ours']:.2f}",
        str(ours[0][1]),
        f"{best['rdt'] / best['ours']:.1f}x",
    )
    table.add_row(
        "synthloom quantile",
        f"{best['quantile']:.2f}",
        str(quantile[0][1]),
        f"{best['rdt'] / best['quantile']:.1f}x",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
