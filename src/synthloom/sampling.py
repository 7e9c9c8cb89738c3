"""Sampling to files in chunks: memory stays flat for any row count, output appears whole or not at all.

Two shapes of output:

- one file (``fake.csv`` / ``fake.parquet``), written beside the target and renamed into place when whole;
- a folder of parts (``out/part-00000.parquet``, ...) for very large outputs, the layout Spark, Dask,
  DuckDB and pyarrow read as one table. Each part is written atomically, so a part that is present is
  complete: an interrupted run started again with the same settings keeps the finished parts and writes
  only the rest. ``_SUCCESS`` (a JSON manifest) is written last.

Rows are drawn in chunks; chunk ``i`` uses a seed derived from ``(seed, i)``. The output therefore depends
only on the model, the seed and the chunk size: the same whether written as one file or as parts of any
size (a part smaller than a chunk takes its share of the chunk's rows), in one run or resumed after an
interruption.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TextIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from rich.console import Console
from rich.progress import BarColumn, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from synthloom import __version__
from synthloom.data.encoders import CategoricalEncoder
from synthloom.data.io import (
    JOB_FILE,
    arrow_schema,
    atomic_path,
    atomic_write_text,
    csv_ready,
    delimiter_for,
    holds_user_files,
    table_format,
)
from synthloom.data.metadata import ColumnKind, parquet_values
from synthloom.errors import (
    ConditionError,
    ConfigError,
    DataWarning,
    RareConditionsWarning,
    caller_stacklevel,
)
from synthloom.models.base import MAX_ROWS, BaseGenerator, check_row_count, run_id_seed
from synthloom.models.conditions import TextRange
from synthloom.progress import (
    plain_lines_for,
    searches_shown_on,
    searching_part,
    transient_progress,
    while_drawing,
)

CHUNK_ROWS = 100_000
MAX_CHUNKS = 100_000_000  # 400 MB of chunk seeds
# a folder of more files than this is a typo in --part-rows (1 for 1e6): its plan alone took gigabytes, and
# file systems, Spark and DuckDB slow down long before it is full
MAX_PARTS = 1_000_000
PART_ROWS = 1_000_000  # ~10-50 MB parts: large enough for Spark and DuckDB, small enough to redo
PART_FORMATS = ("parquet", "csv")
SUCCESS_FILE = "_SUCCESS"  # written last; readers skip names starting with "_" or "."


def parse_row_count(text: str, option: str = "row count", minimum: int = 0) -> int:
    """A row count from the command line ("1000", "1_000", "1e6"); an error naming ``option`` otherwise."""
    cleaned = text.strip().replace("_", "").replace(",", "")
    try:
        value = Decimal(cleaned)  # exact: "1e30" is 10**30, not the float nearest it
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value() or value < minimum:
        raise ConfigError(f"{option} must be a whole number >= {minimum}, not {text!r}")
    if value > MAX_ROWS:
        raise ConfigError(f"{option} must be at most {MAX_ROWS:,} (1e13), not {text!r}")
    return int(value)


def parse_condition_options(options: list[str], columns: Sequence[str] = ()) -> dict[str, Any]:
    """``["income=>50K", "age=30..40", "zip="]`` -> ``{"income": ">50K", "age": ("30", "40"), "zip": None}``.

    ``age=60..`` is open above, ``age=..30`` below; a category column takes ``1..5`` as its whole text.
    Values stay text; the model reads them as the column's type when it checks the conditions. Nothing
    after ``=`` asks for a missing value, as an empty CSV field holds one. Given the table's ``columns``, an
    option names the longest of them it starts with before an ``=`` (a name may hold ``=`` or spaces).
    """
    conditions: dict[str, Any] = {}
    for option in options:
        named = [name for name in columns if option.startswith(f"{name}=")]
        if named:
            column = max(named, key=len)
            sep, value = "=", option[len(column) + 1 :]
        else:
            column, sep, value = option.partition("=")
            column = column.strip()
        if not sep or not column:
            raise ConfigError(f"condition {option!r} must look like COLUMN=VALUE or COLUMN=LOW..HIGH")
        if column in conditions:
            raise ConfigError(f"column {column!r} has two conditions; give one value or range per column")
        # "-c 'income=>50K,sex=Female'" would ask for one category with a comma in it
        cuts = sorted({value.find(f",{name}=") for name in columns if f",{name}=" in value})
        if cuts:
            ends = [*cuts[1:], len(value)]
            pieces = [f"{column}={value[: cuts[0]]}"]
            pieces += [value[start + 1 : end] for start, end in zip(cuts, ends, strict=True)]
            raise ConfigError(
                f"condition {option!r} holds conditions on {len(pieces)} columns; give each its own "
                f"option: {' '.join(f'-c {piece!r}' for piece in pieces)}"
            )
        conditions[column] = TextRange(value) if ".." in value else (value or None)
    return conditions


# -- progress ------------------------------------------------------------------------------------------
class RowsPerSecondColumn(ProgressColumn):
    """Throughput of the rows written in this run (rows already on disk from an earlier run excluded)."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:,.0f} rows/s")


@contextmanager
def _progress(console: Console | None, n: int, kept: int = 0) -> Iterator[Callable[[int], None]]:
    """Progress of ``n`` rows (``kept`` of them on disk from an earlier run) on ``console`` (None: none);
    yields ``advance(rows)``, called as rows are written.

    Where no terminal shows the bar (``> job.log 2>&1``), a plain line on stderr every ``PLAIN_EVERY_S``
    seconds instead: never on stdout, which carries the rows with ``-o -``.
    """
    progress = transient_progress(
        TextColumn("sampling"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} rows"),
        RowsPerSecondColumn(),
        TimeRemainingColumn(),
        console=console,
        shown=console is not None,
    )
    lines = plain_lines_for(progress, console is not None)
    written = kept

    def line() -> str:
        # the pace is this run's: rows kept from an earlier run took no time now
        return lines.line(f"sampling: {written:,} of {n:,} rows", written - kept, n - kept)

    def advance(rows: int) -> None:
        nonlocal written
        written += rows
        progress.advance(task, rows)
        lines.report(line)

    # a chunk's search for rows meeting conditions shows its own progress beside, whatever the model; a
    # long draw of a chunk writes its plain lines as it goes
    with progress, searches_shown_on(console), while_drawing(partial(lines.report, line)):
        task = progress.add_task("sample", total=n, completed=kept)
        yield advance


# -- chunks --------------------------------------------------------------------------------------------
def chunk_seeds(seed: int, n: int, chunk_rows: int) -> np.ndarray:
    """One seed per chunk of ``chunk_rows`` rows; seed ``i`` depends only on ``(seed, i)``, not on ``n``."""
    chunks = max(1, -(-n // chunk_rows))
    if chunks > MAX_CHUNKS:  # the seeds alone would not fit in memory
        raise ConfigError(
            f"{n:,} rows in chunks of {chunk_rows:,} make {chunks:,} chunks, more than {MAX_CHUNKS:,}; "
            "ask for fewer rows"
        )
    return np.random.SeedSequence(seed).generate_state(chunks)


def integer_columns(model: BaseGenerator) -> list[str]:
    """The columns ``model`` learned as whole numbers: a CSV writes them "85" whether or not a part has gaps
    (with gaps pandas holds them as floats, which it writes "85.0"). So are category columns of whole
    numbers with gaps (limits of 500, 1000, 5000 declared categorical), which pandas read as floats."""
    integers = [name for name, spec in model.metadata_.columns.items() if spec.kind == ColumnKind.INTEGER]
    return integers + [
        encoder.name
        for encoder in model.transformer_.encoders_
        if isinstance(encoder, CategoricalEncoder) and encoder.whole_numbers_with_gaps
    ]


class _TableWriter:
    """Appends frames of ``model``'s rows to one CSV or Parquet file, or CSV to an open text stream (Parquet:
    one row group per frame, one fixed schema)."""

    def __init__(
        self,
        path: Path | TextIO,
        fmt: str,
        schema: pa.Schema | None,
        model: BaseGenerator,
        bom: bool = False,
        sep: str | None = None,
    ) -> None:
        self.path, self.fmt, self.schema = path, fmt, schema
        self.integers = integer_columns(model)  # whole numbers in every part, gaps or none
        self.texts = model.metadata_.csv_texts()  # "26.00" as the real CSV writes it, not "26.0"
        self.sep = sep or model.metadata_.csv_sep  # ";" where the real CSV is split so
        self.encoding = "utf-8-sig" if bom else "utf-8"
        self.metadata = model.metadata_
        self._parquet: pq.ParquetWriter | None = None
        self._header = True

    def write(self, frame: pd.DataFrame) -> None:
        if self.fmt == "csv":
            # the byte-order mark before the header only: a later chunk is appended
            mode, encoding = ("w", self.encoding) if self._header else ("a", "utf-8")
            ready = csv_ready(frame, self.integers, self.texts)
            ready.to_csv(
                self.path,
                mode=mode,
                header=self._header,
                index=False,
                sep=self.sep,
                encoding=encoding,
            )
            self._header = False
            return
        frame = parquet_values(frame, self.metadata)  # a CSV's "$1,638.23" as a number
        self.schema = self.schema or arrow_schema(frame)
        table = pa.Table.from_pandas(frame, schema=self.schema, preserve_index=False)
        self._parquet = self._parquet or pq.ParquetWriter(self.path, self.schema)
        self._parquet.write_table(table)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()


class Chunk(NamedTuple):
    """One ``model.sample`` call of a chunked run: its seed, its first row in the whole output, its size."""

    seed: int
    first_row: int
    rows: int


class _ChunkDrawer:
    """Draws a chunk's rows, keeping the last chunk drawn: consecutive parts smaller than a chunk take
    their rows from one draw of it."""

    def __init__(
        self, model: BaseGenerator, conditions: dict[str, Any] | None, seed: int, total: int
    ) -> None:
        self.model, self.conditions, self.seed, self.total = model, conditions or None, seed, total
        self.id_seed = run_id_seed(seed, self.conditions)  # the run's, not each chunk's seed
        self._last: tuple[Chunk, pd.DataFrame] | None = None
        self._said: set[tuple[type[Warning], str]] = set()

    def __call__(self, chunk: Chunk) -> pd.DataFrame:
        if self._last is None or self._last[0] != chunk:
            part = f"{_rows(chunk)} of {self.total:,}" if chunk.rows != self.total else None
            try:
                with warnings.catch_warnings(), searching_part(part):
                    # each warning passes on as it is given (a search's is given before its draws), its
                    # wording fitted to the chunk; catch_warnings puts the hook back
                    warnings.showwarning = partial(self._say, warnings.showwarning, chunk)
                    frame = self.model.sample(
                        chunk.rows,
                        conditions=self.conditions,
                        random_state=chunk.seed,
                        first_row=chunk.first_row,
                        id_seed=self.id_seed,  # the run's: ids unique across its chunks and parts
                    )
            except ConditionError as error:
                if chunk.rows == self.total:
                    raise
                # the refusal counts one chunk's rows and draws: 200,000 rows asked, it spoke of 100,000
                raise ConditionError(
                    f"{self.total:,} rows are drawn in chunks; of {_rows(chunk)}: {error}"
                ) from None
            self._last = (chunk, frame)
        return self._last[1]

    def _say(
        self,
        show: Callable[..., None],
        chunk: Chunk,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        """``warnings.showwarning`` while ``chunk`` is drawn: ``show`` each warning once a run (every chunk's
        draw gives the same), a search's said to count one chunk's rows and draws, as the refusal is."""
        text = str(message)
        if issubclass(category, RareConditionsWarning) and chunk.rows != self.total:
            text = f"{self.total:,} rows are drawn in chunks, each searched alone; of {_rows(chunk)}: {text}"
            key = (category, "")  # its rows differ from chunk to chunk
        else:
            key = (category, text)
        if key not in self._said:
            self._said.add(key)
            show(category(text), category, filename, lineno, file, line)


def _check_request(model: BaseGenerator, n: int, conditions: dict[str, Any] | None) -> None:
    """Refuse, before any chunk is drawn, ``n`` rows the identifier columns have no room for, and
    conditions that can never be met (a chunk's refusal of them would name its rows: "of rows 1 -
    100,000: column 'a' never takes the value 'A9'")."""
    model.transformer_.check_identifier_room(n)
    if conditions:
        model.constraints_.parse_conditions(model.transformer_, conditions)


def _rows(chunk: Chunk) -> str:
    """The rows of the output ``chunk`` holds, as a message names them: "rows 100,001 - 200,000"."""
    return f"rows {chunk.first_row + 1:,} - {chunk.first_row + chunk.rows:,}"


def _write_rows(writer: _TableWriter, frames: Iterator[pd.DataFrame], advance: Callable[[int], None]) -> None:
    """Append each of ``frames`` (drawn as the iterator is advanced, in this thread) to ``writer``.

    Writing frame i (Arrow conversion, Parquet encoding and compression, which release the GIL) runs in a
    second thread while frame i + 1 is drawn; at most two chunks are in memory at once.
    """
    writing: Future[None] | None = None
    written = 0  # rows of the write in flight

    def finish_writing() -> None:
        if writing is not None:
            writing.result()  # in order, and an error of that write surfaces here
            advance(written)

    with ThreadPoolExecutor(max_workers=1) as pool:
        for frame in frames:
            finish_writing()
            writing, written = pool.submit(writer.write, frame), len(frame)
        finish_writing()
    writer.close()


def _part_rows(
    plan: list[Chunk], chunk_rows: int, start: int, stop: int, draw: _ChunkDrawer
) -> Iterator[pd.DataFrame]:
    """Rows ``start`` to ``stop`` of the whole output: the share of each chunk that lies in them."""
    if start == stop:  # n = 0: the one empty chunk, for the header
        yield draw(plan[0])
        return
    for chunk in plan[start // chunk_rows : (stop - 1) // chunk_rows + 1]:
        frame = draw(chunk)
        # the rows of the chunk that lie in [start, stop), counted from the chunk's first row
        first = max(start, chunk.first_row) - chunk.first_row
        end = min(stop, chunk.first_row + chunk.rows) - chunk.first_row
        yield frame if (first, end) == (0, len(frame)) else frame.iloc[first:end]


def _chunk_plan(seed: int, n: int, chunk_rows: int) -> list[Chunk]:
    """Every chunk, in order (one empty chunk for ``n == 0``, to write the header)."""
    seeds = chunk_seeds(seed, n, chunk_rows)
    return [
        Chunk(int(seeds[i]), start, min(chunk_rows, n - start))
        for i, start in enumerate(range(0, max(n, 1), chunk_rows))
    ]


def _check_sizes(n: int, chunk_rows: int, part_rows: int | None = None) -> int:
    """``n`` as an int; a row count, chunk size or part size that cannot be drawn is refused in one line,
    before any file."""
    if chunk_rows < 1 or (part_rows is not None and part_rows < 1):
        sizes = "rows per chunk" if part_rows is None else f"rows per part ({part_rows:,}) and per chunk"
        raise ConfigError(f"{sizes} ({chunk_rows:,}) must be at least 1")
    n = check_row_count(n)
    if part_rows is not None and -(-n // part_rows) > MAX_PARTS:
        raise ConfigError(
            f"{n:,} rows in parts of {part_rows:,} make {-(-n // part_rows):,} files, more than "
            f"{MAX_PARTS:,}; give a part size (--part-rows) of {-(-n // MAX_PARTS):,} or more"
        )
    return n


def _sample_rows(
    model: BaseGenerator,
    n: int,
    target: Path | TextIO,
    fmt: str,
    seed: int,
    conditions: dict[str, Any] | None,
    chunk_rows: int,
    console: Console | None,
    sep: str | None = None,
) -> None:
    """Draw ``n`` rows ``chunk_rows`` at a time into ``target`` (a file, or an open text stream for CSV),
    with a progress bar on ``console``; a CSV split at ``sep`` (default: the real CSV's delimiter)."""
    n = _check_sizes(n, chunk_rows)
    _check_request(model, n, conditions)  # before the first row: a stream cannot take rows back
    with _progress(console, n) as advance:
        draw = _ChunkDrawer(model, conditions, seed, n)
        frames = (draw(chunk) for chunk in _chunk_plan(seed, n, chunk_rows))
        # a file starts with a byte-order mark where the real CSV asks for one (Excel reads it); a stream
        # (a pipe into other tools) never does, nor do parts (read by Spark, DuckDB)
        bom = model.metadata_.csv_bom and isinstance(target, Path)
        writer = _TableWriter(target, fmt, None, model, bom, sep)
        _write_rows(writer, frames, advance)


def sample_to_file(
    model: BaseGenerator,
    n: int,
    path: str | Path,
    seed: int = 0,
    conditions: dict[str, Any] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    console: Console | None = None,
) -> Path:
    """Sample ``n`` rows into one CSV or Parquet file, ``chunk_rows`` at a time, with a progress bar.

    The file is renamed into place only once complete. For outputs too large to redo after an
    interruption, write a folder of parts with ``sample_to_parts``. Columns are written as ``write_table``
    writes them: the model's integer columns as whole numbers in a CSV, its number columns as the real CSV
    wrote them ("26.00", "+1.26"; ``ColumnSpec.csv_text``), split at the real CSV's delimiter
    (``Metadata.csv_delimiter``; tabs in a .tsv file); an empty column of an empty CSV
    header with its header empty in a CSV, named "Unnamed: N" (pandas' name) in Parquet.

    Example:
        >>> sample_to_file(model, 1_000_000, "synthetic.parquet", seed=0)
    """
    path = Path(path)
    fmt = table_format(path)
    sep = delimiter_for(path, model.metadata_.csv_sep)  # a .tsv file's tabs
    with atomic_path(path) as tmp:
        _sample_rows(model, n, tmp, fmt, seed, conditions, chunk_rows, console, sep)
    return path


def sample_to_stream(
    model: BaseGenerator,
    n: int,
    stream: TextIO,
    seed: int = 0,
    conditions: dict[str, Any] | None = None,
    chunk_rows: int = CHUNK_ROWS,
    console: Console | None = None,
) -> None:
    """Sample ``n`` rows as CSV into an open text ``stream`` (standard output: ``synthloom sample -o -``),
    ``chunk_rows`` at a time: the rows ``sample_to_file`` writes to a .csv with the same seed. Give a
    ``console`` on another stream for the progress bar.

    Example:
        >>> sample_to_stream(model, 1_000, sys.stdout, seed=0)
    """
    _sample_rows(model, n, stream, "csv", seed, conditions, chunk_rows, console)


# -- a folder of parts ---------------------------------------------------------------------------------
def model_fingerprint(model: BaseGenerator) -> str:
    """A short hash of a fitted model (settings, transformer, weights): what parts on disk came from."""
    digest = hashlib.sha256()
    description = {
        "model": model.model_name,
        "params": model.get_params(),
        "seed": model.seed_,
        **model._encoding_state(),  # transformer and business rules
    }
    digest.update(json.dumps(description, sort_keys=True, default=str).encode())
    for name, tensor in sorted(model._tensors().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()[:16]


def _job(
    model: BaseGenerator,
    n: int,
    seed: int,
    fmt: str,
    conditions: dict[str, Any] | None,
    part_rows: int,
    chunk_rows: int,
) -> dict[str, Any]:
    job = {
        "rows": n,
        "seed": seed,
        "format": fmt,
        "conditions": conditions or {},
        "part_rows": part_rows,
        "chunk_rows": chunk_rows,
        "model": model_fingerprint(model),
    }
    return json.loads(json.dumps(job, default=str))  # tuples -> lists: compares equal to a reloaded job


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _differences(found: dict[str, Any] | None, job: dict[str, Any]) -> list[str]:
    if found is None:
        return ["unreadable settings file"]
    # the model's fingerprint covers its weights and its settings, --precision among them
    named = {"model": "model or its --precision"}
    return [named.get(key, key) for key in job if found.get(key) != job[key]]


def _start_or_resume(directory: Path, job: dict[str, Any]) -> bool:
    """Check the folder can take this run; returns True if the same run already finished there."""
    if directory.exists() and not directory.is_dir():
        raise ConfigError(
            f"{directory}: is a file, not a folder for parts; give a .csv or .parquet file name to write "
            "one file, or a new folder"
        )
    success = directory / SUCCESS_FILE
    if success.exists():
        differ = _differences(_read_json(success), job)
        if differ:
            raise ConfigError(
                f"{directory}: already holds a finished sample with other settings ({', '.join(differ)}); "
                "choose another folder or delete it"
            )
        return True
    job_file = directory / JOB_FILE
    if job_file.exists():
        found = _read_json(job_file)
        differ = _differences(found, job)
        if differ == ["chunk_rows"]:  # parts under 100,000 rows were drawn in chunks of their own size
            raise ConfigError(
                f"{directory}: holds an unfinished sample that an earlier synthloom drew in chunks of "
                f"{found['chunk_rows']:,} rows, whose rows this version cannot continue; delete the folder "
                "and run again"
            )
        if differ:
            raise ConfigError(
                f"{directory}: holds an unfinished sample with other settings ({', '.join(differ)}); "
                "rerun with the same settings to resume it, or choose another folder"
            )
    elif directory.exists() and holds_user_files(directory):
        # a Finder's .DS_Store leaves the folder empty, as for `image sample`; readers skip "." files
        raise ConfigError(f"{directory}: folder is not empty; give a new or empty folder for the parts")
    for stale in directory.glob(".part-*.part"):  # temporary files of a run that was killed outright
        stale.unlink()
    atomic_write_text(job_file, json.dumps(job, indent=2))
    return False


def _existing_schema(directory: Path, names: list[str], fmt: str) -> pa.Schema | None:
    """Schema of a part written by an earlier run, so resumed parts match it exactly."""
    if fmt != "parquet":
        return None
    present = next((directory / name for name in names if (directory / name).exists()), None)
    return pq.read_schema(present) if present is not None else None


def _complete_part(path: Path, fmt: str, rows: int, columns: list[str], sep: str = ",") -> bool:
    """Whether a part an earlier run left is there, readable, whole and with the sample's columns; a damaged
    one is removed, to be drawn again (parts are written atomically, so it was changed afterwards: a copy
    cut short, another file copied over it, a disk). ``sep``: the delimiter a CSV part is split at."""
    if not path.exists():
        return False
    try:
        if fmt == "parquet":
            metadata = pq.ParquetFile(path).metadata
            found, names = metadata.num_rows, metadata.schema.to_arrow_schema().names
        else:
            # rows, not values
            chunks = pd.read_csv(path, sep=sep, chunksize=CHUNK_ROWS, dtype=str, usecols=[0])
            found = sum(len(chunk) for chunk in chunks)
            names = list(pd.read_csv(path, sep=sep, nrows=0).columns)
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError):
        found, names = None, []
    if found == rows and names == columns:
        return True
    problem = (
        "unreadable"
        if found is None
        else f"{found:,} rows instead of {rows:,}"
        if found != rows
        else "other columns than the sample's"
    )
    warnings.warn(f"{path}: {problem}; drawn again", DataWarning, stacklevel=caller_stacklevel())
    path.unlink()
    return False


def _part_files(n: int, part_rows: int, fmt: str) -> dict[str, tuple[int, int]]:
    """Each part's file name and its rows ``(start, stop)`` in the output, in order.

    Numbers take as many digits as the last one (5 at least): readers order the parts by name, and
    ``part-100000`` would sort before ``part-10001``, its rows read back out of order.
    """
    starts = range(0, max(n, 1), part_rows)
    digits = max(5, len(str(len(starts) - 1)))
    names = (f"part-{i:0{digits}d}.{fmt}" for i in range(len(starts)))
    return {name: (start, min(n, start + part_rows)) for name, start in zip(names, starts, strict=True)}


def sample_to_parts(
    model: BaseGenerator,
    n: int,
    directory: str | Path,
    fmt: str = "parquet",
    seed: int = 0,
    conditions: dict[str, Any] | None = None,
    part_rows: int = PART_ROWS,
    chunk_rows: int = CHUNK_ROWS,
    console: Console | None = None,
) -> Path:
    """Sample ``n`` rows into a folder of parts (``part-00000.parquet``, ...), resumable, memory flat.

    Parts hold ``part_rows`` rows each (the last one fewer); rows are drawn ``chunk_rows`` at a time
    whatever the part size. Each part is written atomically, so after an interruption the same call keeps
    the finished parts (once each is read back whole: a damaged one is drawn again, with a warning)
    and writes only the missing ones; the rows are the same as in an uninterrupted run,
    and the same as ``sample_to_file`` with the same seed and chunk size. ``_SUCCESS`` (JSON: settings,
    parts, row counts) is written last. Spark (``spark.read.parquet("out")``), Dask, DuckDB
    (``read_parquet('out/*.parquet')``) and pyarrow read the folder as one table.

    Raises:
        ConfigError: unknown format, a part or chunk size below 1, more than ``MAX_PARTS`` parts, or a
            folder holding other files or a run with other settings.

    Example:
        >>> sample_to_parts(model, 100_000_000, "out/", seed=0)
    """
    if fmt not in PART_FORMATS:
        raise ConfigError(f"part format must be one of {PART_FORMATS}, not {fmt!r}")
    n = _check_sizes(n, chunk_rows, part_rows)
    directory = Path(directory)
    # before the job file, which would hold the folder for these settings: a run that cannot start
    _check_request(model, n, conditions)
    job = _job(model, n, seed, fmt, conditions, part_rows, chunk_rows)
    created = not directory.exists()
    if _start_or_resume(directory, job):
        return directory
    plan = _chunk_plan(seed, n, chunk_rows)
    parts = _part_files(n, part_rows, fmt)
    columns = list(model.metadata_.columns)
    done = {
        name
        for name, (start, stop) in parts.items()
        if _complete_part(directory / name, fmt, stop - start, columns, model.metadata_.csv_sep)
    }
    schema = _existing_schema(directory, list(parts), fmt)
    draw = _ChunkDrawer(model, conditions, seed, n)
    resumable = bool(done)
    try:
        kept = sum(parts[name][1] - parts[name][0] for name in done)
        if done and console is not None:  # a resumed run had said nothing of the parts it kept
            console.print(
                f"resuming {directory}: {len(done)} of {len(parts)} parts ({kept:,} rows) are written "
                "already and kept; drawing the rest",
                highlight=False,
                soft_wrap=True,
            )
        with _progress(console, n, kept) as advance:
            for name, (start, stop) in parts.items():
                if name in done:
                    continue
                with atomic_path(directory / name) as tmp:
                    writer = _TableWriter(tmp, fmt, schema, model)
                    frames = _part_rows(plan, chunk_rows, start, stop, draw)
                    _write_rows(writer, frames, advance)
                    schema = writer.schema
                resumable = True
    except BaseException:
        if not resumable:  # no part to keep: the folder is free for other settings again
            (directory / JOB_FILE).unlink(missing_ok=True)
            if created and not any(directory.iterdir()):
                directory.rmdir()
        raise
    manifest = {
        **job,
        "parts": [{"file": name, "rows": stop - start} for name, (start, stop) in parts.items()],
        "synthloom_version": __version__,
    }
    atomic_write_text(directory / SUCCESS_FILE, json.dumps(manifest, indent=2))
    (directory / JOB_FILE).unlink(missing_ok=True)
    return directory
