"""Sampling to files in chunks: memory stays flat for millions of rows, output appears whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from synthloom.data.io import atomic_path, table_format
from synthloom.errors import ConfigError
from synthloom.models.base import BaseGenerator, check_row_count

CHUNK_ROWS = 100_000


def parse_row_count(text: str) -> int:
    """A row count from the command line ("1000", "1_000", "1e6"); a clear error for anything else."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        raise ConfigError(f"row count must be a whole number >= 0, not {text!r}") from None
    if not value.is_integer():
        raise ConfigError(f"row count must be a whole number >= 0, not {text!r}")
    return check_row_count(int(value))


def parse_condition_options(options: list[str]) -> dict[str, Any]:
    """``["income=>50K", "age=30..40"]`` -> ``{"income": ">50K", "age": ("30", "40")}``.

    Values stay text; the model reads them as the column's type when it checks the conditions.
    """
    conditions: dict[str, Any] = {}
    for option in options:
        column, sep, value = option.partition("=")
        if not sep or not column.strip():
            raise ConfigError(f"condition {option!r} must look like COLUMN=VALUE or COLUMN=LOW..HIGH")
        low, dots, high = value.partition("..")
        conditions[column.strip()] = (low, high) if dots else value
    return conditions


def sample_to_file(
    model: BaseGenerator,
    n: int,
    path: str | Path,
    seed: int = 0,
    conditions: dict[str, Any] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    console: Console | None = None,
) -> Path:
    """Sample ``n`` rows into a CSV or Parquet file, ``chunk_rows`` at a time, with a progress bar.

    Chunk ``i`` is drawn with a seed derived from ``(seed, i)``, so the file is the same for a given seed
    whatever the machine. The file is renamed into place only once complete.

    Example:
        >>> sample_to_file(model, 1_000_000, "synthetic.parquet", seed=0)
    """
    path = Path(path)
    fmt = table_format(path)
    seeds = np.random.SeedSequence(seed).generate_state(max(1, -(-n // chunk_rows)))
    progress = Progress(
        TextColumn("sampling"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} rows"),
        TimeRemainingColumn(),
        console=console,
        disable=console is None,
        transient=True,
    )
    with atomic_path(path) as tmp, progress:
        task = progress.add_task("sample", total=n)
        writer: Any = None
        for index, start in enumerate(range(0, max(n, 1), chunk_rows)):
            size = min(chunk_rows, n - start)
            chunk = model.sample(size, conditions=conditions or None, random_state=int(seeds[index]))
            if fmt == "csv":
                chunk.to_csv(tmp, mode="a", header=index == 0, index=False)
            else:
                table = pa.Table.from_pandas(
                    chunk, preserve_index=False, schema=writer.schema if writer else None
                )
                writer = writer or pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
            progress.advance(task, len(chunk))
        if writer is not None:
            writer.close()
    return path
