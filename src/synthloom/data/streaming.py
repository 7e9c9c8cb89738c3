"""Tables larger than memory: a seeded uniform sample and a stream of chunks, read with pyarrow datasets.

``TableStream`` opens a CSV file, a Parquet file or a folder of Parquet or CSV parts without loading it.
Memory stays bounded by the sample size and the chunk size, whatever the size of the file:

- ``sample(k, rng)`` draws k rows uniformly in one pass (bottom-k of random keys: a reservoir), which is
  what the transformer and the metadata are learned from;
- ``chunks()`` yields the table in order as DataFrames of about ``chunk_rows`` rows, what training reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from synthloom.data.io import (
    DATA_ROW,
    PANDAS_NA_TEXT,
    check_encoding,
    csv_header,
    cut_text,
    exact_integers,
    first_line,
    first_undecodable,
    parquet_schema,
    part_files,
    parts_in_one_encoding,
    rows_named,
    table_format,
    undecodable,
    wants_byte_order_mark,
    warn_of_absent_columns,
    whole_numbers,
)
from synthloom.data.metadata import (
    CSV_BOM,
    CSV_DELIMITER,
    FLOAT_EXACT_LIMIT,
    check_column_names,
    has_leading_zeros,
)
from synthloom.data.number_text import to_numbers
from synthloom.errors import DataError

CHUNK_ROWS = 100_000  # rows per training chunk: ~1 GB at the peak of reading and encoding a 43-column one
SAMPLE_ROWS = 100_000  # rows the transformer learns from (its mixtures use 5,000 of them)
_READ_ROWS = 65_536  # rows per record batch read from disk


class TableStream:
    """A CSV/Parquet file (or a folder of Parquet or CSV parts) read in batches, never whole.

    Args:
        path: the file or folder.
        chunk_rows: rows per chunk yielded by ``chunks()``.
        encoding: text encoding of a CSV file.

    Raises:
        DataError: missing path, unreadable file, duplicate column names, no rows.

    Example:
        >>> stream = TableStream("big.parquet")
        >>> sample = stream.sample(100_000, np.random.default_rng(0))
        >>> for chunk in stream.chunks(): ...
    """

    def __init__(self, path: str | Path, chunk_rows: int = CHUNK_ROWS, encoding: str = "utf-8") -> None:
        self.path = Path(path)
        self.chunk_rows = chunk_rows
        if not self.path.exists():
            raise DataError(f"{self.path}: file not found; check the path")
        fmt = part_files(self.path)[0] if self.path.is_dir() else table_format(self.path)
        check_encoding(encoding)
        self.encoding = encoding
        self.delimiter, self.names = ",", []
        self._headers: dict[Path, tuple[str, list[str]]] = {}  # each CSV part's delimiter and names
        self._rows: int | None = None  # counted by the first pass over the rows
        if fmt == "csv":  # the names read_table gives (pyarrow refuses two empty ones)
            files = part_files(self.path)[1] if self.path.is_dir() else [self.path]
            self._headers = _csv_headers(files, encoding)
            self.delimiter = next(iter(self._headers.values()))[0]
            self.names = list(dict.fromkeys(name for _, names in self._headers.values() for name in names))
        schema = parquet_schema(self.path) if fmt == "parquet" else None  # its errors name the part
        try:
            self.dataset = ds.dataset(self.path, format=self._format(fmt), schema=schema)
            names = self.dataset.schema.names
        except (pa.ArrowException, OSError, ValueError) as exc:
            _refuse_uneven_row(self.path, exc)
            raise DataError(f"{self.path}: not a readable {fmt} table ({first_line(exc)})") from None
        check_column_names(names, source=str(self.path))
        # pyarrow reads CSV text that is not valid in the encoding as raw bytes instead of failing
        undecoded = [field.name for field in self.dataset.schema if pa.types.is_binary(field.type)]
        if fmt == "csv" and undecoded:  # found in the first part, which the dataset learns its columns from
            first = next(iter(self._headers))
            where = ", ".join(filter(None, [f"column {undecoded[0]!r}", first_undecodable(first, encoding)]))
            raise undecodable(first, where, self.encoding)
        self.is_csv = fmt == "csv"
        self._csv_kinds: dict[str, str] | None = None  # a CSV column's type, decided on the first rows read
        if self.is_csv:
            # read as text, typed afterwards: pyarrow would type each column from the file's first block
            # and fail on a later "2.5" in whole numbers, or numbers after an empty start: pandas reads those.
            # Every part's columns, not the first part's alone: a column a later part adds is read, as
            # read_table reads it, where pyarrow would drop it without a word
            every = [*names, *(name for name in self.names if name not in names)]
            schema = pa.schema([(name, pa.string()) for name in every])
            self.dataset = ds.dataset(self.path, format=self._format("csv", every), schema=schema)

    def _format(self, fmt: str, text_columns: Sequence[str] = ()) -> str | ds.FileFormat:
        if fmt != "csv":
            return fmt
        return ds.CsvFileFormat(
            parse_options=_parse_options(self.delimiter),
            # the first part's header: the dataset learns the columns from it alone
            read_options=self._read_options(next(iter(self._headers.values()))[1]),
            convert_options=self._convert_options(text_columns),
        )

    def _convert_options(
        self, text_columns: Sequence[str], **options: bool | list[str]
    ) -> pacsv.ConvertOptions:
        # an empty field (or "NA", "null", ...) is a missing value in a text column too, as pandas reads it
        return pacsv.ConvertOptions(
            null_values=PANDAS_NA_TEXT,
            strings_can_be_null=True,
            column_types={name: pa.string() for name in text_columns},
            **options,
        )

    def _read_options(self, names: list[str]) -> pacsv.ReadOptions:
        """Read options of a CSV file whose header holds ``names``: its own header names its columns,
        except where it has empty names, which pyarrow refuses: those are named as pandas names them."""
        if not any(name.startswith("Unnamed: ") for name in names):
            return pacsv.ReadOptions(encoding=self.encoding)
        return pacsv.ReadOptions(encoding=self.encoding, column_names=names, skip_rows=1)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        """The table's record batches in file order (the sample and the chunks are the same on every run),
        each file read only as fast as the batches are taken, in the dataset's columns and types.

        Not the dataset's own scanner: it decodes a whole file ahead of a slow reader (training), so a
        streamed fit's memory grew with the file (by 100 MB for a 150 MB CSV file).
        """
        files = part_files(self.path)[1] if self.path.is_dir() else [self.path]
        for file in files:
            try:
                for batch in self._file_batches(file):
                    yield _conformed(batch, self.dataset.schema)
            except UnicodeDecodeError as exc:
                where = first_undecodable(file, self.encoding) or f"byte {exc.start}"
                raise self._undecodable(file, where, files) from None
            except (pa.ArrowException, OSError) as exc:
                if "UTF8" in str(exc):  # text read as text: bytes the encoding cannot decode
                    where = first_undecodable(file, self.encoding) or "a later row"
                    raise self._undecodable(file, where, files) from None
                _refuse_uneven_row(file, exc)
                raise DataError(f"{file}: could not be read ({first_line(exc)})") from None

    def _undecodable(self, file: Path, where: str, files: list[Path]) -> DataError:
        return parts_in_one_encoding(undecodable(file, where, self.encoding), file, files, self.encoding)

    def _file_batches(self, file: Path) -> Iterator[pa.RecordBatch]:
        if not self.is_csv:
            # not pre-buffered: that reads every row group of the file at once
            yield from pq.ParquetFile(file, pre_buffer=False).iter_batches(batch_size=_READ_ROWS)
            return
        # every column of the folder, as text, in its order: one a part lacks is read as missing values;
        # each part by its own delimiter and header (parts may order their columns differently)
        delimiter, names = self._headers[file]
        every = self.dataset.schema.names
        options = self._convert_options(every, include_columns=every, include_missing_columns=True)
        read = self._read_options(names)
        read.use_threads = False  # read in one thread, pyarrow numbers the row a parse error is in
        yield from pacsv.open_csv(file, read, _parse_options(delimiter), options)

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A CSV's text columns typed as pandas types them (numbers, True/False, codes with leading zeros
        kept as text), each column's type decided once, on the first rows typed: the uniform sample."""
        if not self.is_csv:
            return frame
        if self._csv_kinds is None:
            self._csv_kinds = {name: _csv_kind(frame[name]) for name in frame.columns}
        for name, kind in self._csv_kinds.items():
            frame[name] = _as_kind(frame[name], kind)
        return frame

    def count_rows(self) -> int:
        """Number of rows (from Parquet footers without reading data; for CSV, counted by ``sample``'s
        pass, or else a pass of its own)."""
        if not self.is_csv:
            return int(self.dataset.count_rows())
        if self._rows is None:
            self._rows = sum(batch.num_rows for batch in self._batches())
        return self._rows

    def sample(self, k: int, rng: np.random.Generator) -> pd.DataFrame:
        """``k`` rows drawn uniformly without replacement (all rows if there are fewer), in file order,
        numbered as the file's data rows (from 1 below the header; a folder's parts counted in order): a
        rule's warning names the rows breaking it, which numbered 0 to k - 1 were places in the sample."""
        # the keys from a stream of their own: ``rng``'s own draws are those a table made with numpy on the
        # same seed took its values from (``rng.choice(..., p=...)``), and the rows with the smallest keys
        # held its first category alone (all 20,000 of a sample, where 30% of the rows hold it)
        rng = np.random.default_rng(rng.integers(2**63))
        kept: pa.Table | None = None
        keys, rows, seen = np.empty(0), np.empty(0, dtype=np.int64), 0
        for batch in self._batches():
            table = pa.Table.from_batches([batch])
            kept = table if kept is None else pa.concat_tables([kept, table])
            keys = np.concatenate([keys, rng.random(batch.num_rows)])
            rows = np.concatenate([rows, np.arange(seen, seen + batch.num_rows)])
            seen += batch.num_rows
            if len(keys) > k:  # keep the rows with the k smallest keys: a uniform sample of all so far
                chosen = np.sort(np.argpartition(keys, k)[:k])
                kept, keys, rows = kept.take(chosen), keys[chosen], rows[chosen]
        self._rows = seen
        if kept is None or kept.num_rows == 0:
            raise DataError(f"{self.path}: has no data rows; give at least one data row")
        sample = self._typed(kept.to_pandas()).set_axis(pd.Index(rows + 1, name=DATA_ROW))
        if self.is_csv:  # as read_table notes them: the metadata learned from the sample keeps them
            sample.attrs[CSV_DELIMITER] = self.delimiter
            sample.attrs[CSV_BOM] = any(wants_byte_order_mark(file, self.encoding) for file in self._headers)
        return sample

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The whole table in order, as DataFrames of ``chunk_rows`` rows (the last one fewer)."""
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in self._batches():
            pending.append(batch)
            rows += batch.num_rows
            while rows >= self.chunk_rows:
                table = pa.Table.from_batches(pending)
                # split blocks: no consolidating copy
                frame = table.slice(0, self.chunk_rows).to_pandas(split_blocks=True)
                rest = table.slice(self.chunk_rows)
                pending, rows = rest.to_batches(), rest.num_rows
                del table, rest  # while the caller trains on this chunk, nothing else is held
                yield self._typed(frame)
                del frame
        if rows:
            yield self._typed(pa.Table.from_batches(pending).to_pandas(split_blocks=True))


def _conformed(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """``batch`` in ``schema``'s columns and types: a column its part lacks as missing values, one the
    part holds empty (null) or as categories in the type the folder's parts agree on."""
    if batch.schema.equals(schema):
        return batch
    columns = [
        batch.column(field.name).cast(field.type)
        if field.name in batch.schema.names
        else pa.nulls(batch.num_rows, field.type)
        for field in schema
    ]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


# pyarrow's words for a CSV row with another number of fields than the header
_UNEVEN_ROW = re.compile(r"Row #(\d+): Expected (\d+) columns, got (\d+): (.*)", re.DOTALL)
_CSV_SOURCE = re.compile(r"CSV input source '([^']+)'")


def _refuse_uneven_row(path: Path, exc: BaseException) -> None:
    """Raise the one-line error of a CSV row with more or fewer fields than the header, where ``exc`` is
    pyarrow's (which spoke of a "schema" it could not read); read whole, a short row's last fields read as
    missing instead, but a stream cannot pad a row. pyarrow's own message is read, not a row handler's
    note: a Python handler called from pyarrow's reading threads could abort the process as it exited."""
    found = _UNEVEN_ROW.search(str(exc))
    if found is None:
        return
    line, expected, actual, text = found.groups()
    source = _CSV_SOURCE.search(str(exc))  # a folder's part, where pyarrow names it
    why = (
        "a cut line, or a delimiter inside an unquoted value"
        if int(actual) < int(expected)
        else "a delimiter inside an unquoted value, or one ending every line"
    )
    row = rows_named(pd.Index([int(line) - 1], name=DATA_ROW))  # pyarrow counts the header as row 1
    raise DataError(
        f"{source.group(1) if source else path}: {row} has {actual} field(s) where the header has {expected} "
        f"({cut_text(text)!r}); read in chunks, the file needs every row whole: fix that row ({why})"
    )


def _csv_headers(files: list[Path], encoding: str) -> dict[Path, tuple[str, list[str]]]:
    """Each CSV file's delimiter and column names; a part lacking some of the others' columns is named in
    a warning, as ``read_table`` names it.

    Raises:
        DataError: an empty file (no header), or one with a column name twice.
    """
    headers = {}
    for file in files:
        if file.stat().st_size == 0:  # pyarrow's error would say only that it cannot count the columns
            raise DataError(f"{file}: file is empty; give it a header row")
        try:
            delimiter, names = csv_header(file, encoding)
        except DataError as error:
            raise parts_in_one_encoding(error, file, files, encoding) from None
        check_column_names(names, source=str(file))
        headers[file] = (delimiter, names)
    warn_of_absent_columns(files, [names for _, names in headers.values()])
    return headers


def _parse_options(delimiter: str) -> pacsv.ParseOptions:
    # a quoted value may hold line breaks (a note, an address): pyarrow's block reader would split a row
    # there and fail ("CSV parser got out of sync with chunker") past its first block; as fast on a plain file
    return pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)


def _csv_kind(text: pd.Series) -> str:
    """How pandas would type a CSV column holding ``text``: "number", "boolean" or "text"."""
    present = text.dropna()
    if present.empty or (to_numbers(present).notna().all() and not has_leading_zeros(present)):
        return "number"  # an empty column too: pandas reads it as float NaN
    if present.isin(["True", "False"]).all():  # other spellings stay as written ("true"): booleans too
        return "boolean"
    return "text"


def _as_kind(text: pd.Series, kind: str) -> pd.Series:
    """A chunk's text column as ``kind``; values that do not fit (a later "A12" among numbers) leave the
    chunk's column as text, which the encoders read as the column's kind, with their warning. Among
    booleans, only those values stay text: the encoder's levels are True and False, which "True" and
    "False" as text would not meet (one "maybe" sent a whole chunk's flags to one level)."""
    if text.dtype != object or kind == "text":
        return text
    present = text.notna()
    if kind == "boolean":
        flags = text.map({"True": True, "False": False})
        stray = present & flags.isna()
        if stray.any():
            return flags.astype(object).where(~stray, text)
        return flags.astype(bool) if present.all() else flags.astype(object)
    numbers = to_numbers(text)
    if numbers[present].isna().any():
        return text
    if not whole_numbers(numbers):
        return numbers.astype(float)
    if pd.api.types.is_integer_dtype(numbers):  # read exactly, uint64 past int64's range too
        return numbers
    if numbers.abs().max() >= FLOAT_EXACT_LIMIT:
        # whole numbers with gaps, which to_numeric gives as floats, past 2**53 (account numbers): every
        # digit, as read_table reads them (Int64 / UInt64)
        return exact_integers(text, numbers)
    return numbers.astype(np.int64) if present.all() else numbers
