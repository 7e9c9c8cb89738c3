"""Reading and writing tables with clear errors and no half-written files.

Every writer goes through ``atomic_path``: output lands in a temporary file beside the target and is renamed
over it only when complete, so an interrupted or failed run never leaves a truncated file behind.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import glob
import io
import itertools
import json
import os
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from synthloom.data.metadata import (
    CSV_BOM,
    CSV_DELIMITER,
    CSV_DELIMITERS,
    CSV_MISSING,
    CSV_TEXT,
    FLOAT_EXACT_LIMIT,
    LEADING_ZERO,
    ColumnKind,
    NumberText,
    check_column_names,
    column_fingerprint,
    most_used_mark,
    numbers_as_text,
)
from synthloom.data.number_text import holds_numbers
from synthloom.errors import ConfigError, DataError, DataWarning, caller_stacklevel

if TYPE_CHECKING:
    import pyarrow as pa

JOB_FILE = "_synthloom_job.json"  # in a folder of parts while `synthloom sample` is writing it

TABLE_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq")
# the texts pandas.read_csv reads as missing (its default na_values), so a CSV read another way reads alike
PANDAS_NA_TEXT = [
    *("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>"),
    *("N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"),
]


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it onto ``target`` only if the block succeeds.

    Example:
        >>> with atomic_path("out/data.csv") as tmp:
        ...     frame.to_csv(tmp, index=False)
    """
    target = check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphaned_parts(target)
        # the process's id in the name: a later run can tell a temporary file whose writer was killed
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent
        )
    except OSError as exc:  # a parent that is a file, no permission, a read-only place
        raise ConfigError(f"{target}: cannot write here ({exc.strerror}); choose another path") from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        usual_permissions(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_orphaned_parts(target: Path) -> None:
    """Remove the temporary files of earlier writes of ``target`` whose process is gone: one killed outright
    (SIGKILL, the out-of-memory killer) leaves its file (21 MB of a stopped sample), which no run removed.
    Only on POSIX, where a signal 0 asks whether a process lives (on Windows it would end it)."""
    if os.name != "posix":
        return
    prefix = f".{target.name}."
    for path in target.parent.glob(f"{glob.escape(prefix)}*.part"):
        pid = path.name[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _process_alive(int(pid)):
            with contextlib.suppress(OSError):
                path.unlink()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):  # gone, or no such id at all
        return False
    except PermissionError:  # another user's: alive
        pass
    return True


def usual_permissions(path: Path) -> None:
    """Give a file or folder made by mkstemp / mkdtemp (private: 0600 / 0700) the permissions a plain
    open() or mkdir() would, before it is renamed into place."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def system_file(path: Path) -> bool:
    """Whether ``path`` is a hidden file (.DS_Store, macOS's ._ copies of every file): the system's, not a
    file of the user's, so a folder holding only such files is empty to a command writing into it."""
    return path.name.startswith(".") and path.is_file()


def holds_user_files(folder: Path) -> bool:
    """Whether ``folder`` holds anything but ``system_file``s: a folder holding only a .DS_Store is empty
    to a command writing into it."""
    return not all(system_file(path) for path in folder.iterdir())


def check_writable(target: str | Path, folder: bool = False) -> Path:
    """``target`` as a Path, or a ``ConfigError`` when it cannot be written: a folder where a file is
    wanted (or a file where a ``folder`` is), or a path under a file. Commands check every output before
    the first is written, so a bad one leaves nothing behind. "-" is refused: it asks for standard output,
    which only ``synthloom sample -o -`` writes (a file or folder named "-" is a mistake).
    """
    target = Path(target)
    if str(target) == "-":
        raise ConfigError(
            "-: standard output takes only the CSV rows of `synthloom sample -o -`; give a file or folder "
            "name"
        )
    if target.exists() and target.is_dir() != folder:
        wanted = "a folder" if folder else "the path of a file"
        raise ConfigError(f"{target}: is {'a file' if folder else 'a folder'}; give {wanted} to write")
    above = next(parent for parent in target.parents if parent.exists())
    if not above.is_dir():
        raise ConfigError(f"{target}: {above} is a file, not a folder; choose another path")
    place = target if target.is_dir() else above  # where the first temporary file will be made
    try:  # a file made and removed at once: permissions, a read-only or special file system (/proc)
        with tempfile.TemporaryFile(dir=place):
            pass
    except OSError as exc:
        reason = exc.strerror or "not writable"
        raise ConfigError(f"{target}: cannot write in {place} ({reason}); choose another path") from None
    return target


# the files a command writes besides tables: the option that names one, what it is, and the suffixes it takes
_OUTPUT_FILES = {
    "model": ("-o", "a model file (safetensors + JSON)", ".synthloom"),
    "report": ("--report", "an HTML page", ".html", ".htm"),
    "json_file": ("--json", "JSON", ".json"),
}


def check_outputs(
    table: Path | None = None,
    *,
    model: Path | None = None,
    report: Path | None = None,
    json_file: Path | None = None,
    inputs: Sequence[str | Path | None] = (),
) -> None:
    """Check a command's outputs before its first is written: ``table`` (a data table, so its suffix must
    name a format), ``model`` (``-o``), ``report`` (``--report``) and ``json_file`` (``--json``), each of
    which must end in its suffix (``_OUTPUT_FILES``: a model file named x.pkl, or HTML written into r.pdf,
    would be mistaken for what its name says); None stands for an output not asked for. No two outputs
    may be one file (the second would replace the first), and none may be one of the command's ``inputs``.
    """
    files = {"model": model, "report": report, "json_file": json_file}
    asked: dict[Path, Path] = {}
    for path in (table, *files.values()):
        if path is not None:
            if Path(path).resolve() in asked:
                raise ConfigError(f"{path} is given for two outputs; give each output its own file")
            asked[Path(path).resolve()] = path
    for source in inputs:
        if source is not None and Path(source).resolve() in asked:
            raise ConfigError(f"{source} is an input of this command; write the output to another file")
    if table is not None:
        table_format(check_writable(table))
    for kind, path in files.items():
        if path is not None:
            _check_suffix(check_writable(path), *_OUTPUT_FILES[kind])


def _check_suffix(path: Path, option: str, what: str, *suffixes: str) -> None:
    if path.suffix.lower() not in suffixes:
        # x.synthloom.bak -> x.synthloom; x.pkl, x -> x.synthloom
        stem_ok = Path(path.stem).suffix.lower() in suffixes
        example = path.with_name(path.stem) if stem_ok else path.with_suffix(suffixes[0])
        raise ConfigError(
            f"{option} {path}: writes {what}; give a file name ending in {suffixes[0]} "
            f"(e.g. {option} {example})"
        )


def atomic_write_text(target: str | Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_json_file(path: Path, what: str) -> Any:
    """The JSON a file the user wrote holds (``what``: "metadata", "constraints"; the messages name it).

    A byte-order mark is skipped: Windows' Notepad and Excel write one before UTF-8 text.

    Raises:
        ConfigError: a missing file, a folder, a file that cannot be read, or one that is not JSON (with
            the line and column where it is not).
    """
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: {what} file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path} is a folder; give the {what} JSON file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a JSON {what} file ({exc})") from None
    except OSError as exc:  # no permission to read it
        raise ConfigError(f"{path}: cannot read the {what} file ({exc.strerror})") from None


def table_format(path: Path) -> str:
    """The format a table file's suffix names: "csv" (.csv, and .tsv: split at tabs) or "parquet".

    Raises:
        ConfigError: another suffix, or none (the format of a name without one is unknown).
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if not suffix:  # "'(none)'" read as if the format were called that
        raise ConfigError(
            f"{path}: a name without a .csv or .parquet suffix, so its table format is unknown; give a "
            ".csv or .parquet file"
        )
    if suffix in _COMPRESSED and Path(path.stem).suffix.lower() in TABLE_SUFFIXES:
        raise ConfigError(
            f"{path}: a compressed table, which synthloom does not read or write; decompress it (e.g. "
            f"`{_COMPRESSED[suffix]} {path.name}`) and give the {Path(path.stem).suffix.lower()} file"
        )
    raise ConfigError(f"{path}: unknown table format {suffix!r}; use a .csv, .tsv or .parquet file")


_COMPRESSED = {".gz": "gunzip", ".bz2": "bunzip2", ".xz": "unxz", ".zst": "unzstd", ".zip": "unzip"}


def read_table(path: str | Path, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a CSV or Parquet file, or a folder of parts, refusing input that cannot be a usable table.

    Raises:
        DataError: missing, empty or header-only file, undecodable bytes, duplicate column names.

    Example:
        >>> real = read_table("transactions.csv")
        >>> fake = read_table("out/")  # the parts written by ``synthloom sample -o out/``
    """
    path = Path(path)
    if path.is_dir():
        fmt, parts = part_files(path)
        # pyarrow skips the "_" and "." files beside Parquet parts
        frame = _read_parquet(path) if fmt == "parquet" else _read_csv_parts(parts, encoding)
    else:
        fmt = table_format(path)
        if not path.is_file():
            raise DataError(f"{path}: file not found; check the path")
        if path.stat().st_size == 0:
            raise DataError(f"{path}: file is empty; give a table with a header row and data rows")
        _refuse_model_file(path)
        frame = _read_parquet(path) if fmt == "parquet" else _read_csv(path, encoding)
    check_column_names(frame.columns, source=str(path))
    if frame.empty:
        raise DataError(f"{path}: has a header but no data rows; give at least one data row")
    return frame


def _refuse_model_file(path: Path) -> None:
    """Refuse a model file (safetensors: its header's 8-byte length, then the header's JSON) under a table's
    name: read as CSV it was "not valid utf-8 text", and with ``--encoding latin-1`` its JSON became 79 KB of
    column names."""
    with path.open("rb") as handle:
        head = handle.read(9)
    if len(head) == 9 and head[8:9] == b"{" and 0 < int.from_bytes(head[:8], "little") < 2**32:
        raise DataError(f"{path}: a model file (safetensors), not a table; give a data file here")


def part_files(folder: Path) -> tuple[str, list[Path]]:
    """The format ("parquet" or "csv") and the files of a folder of parts, in name order (the files whose
    names start with "_" or "." are not parts).

    Raises:
        DataError: a ``synthloom sample`` run that has not finished (some parts are missing), no parts, or
            parts of both formats.
    """
    if (folder / JOB_FILE).exists():
        raise DataError(
            f"{folder}: an unfinished `synthloom sample` run (some parts are missing); run the same "
            "command again to finish it, then read the folder"
        )
    found = {
        fmt: sorted(p for p in folder.glob(f"*.{fmt}") if not p.name.startswith(("_", ".")))
        for fmt in ("parquet", "csv")
    }
    formats = [fmt for fmt, files in found.items() if files]
    if len(formats) != 1:
        what = "both Parquet and CSV parts" if formats else "no .parquet or .csv parts"
        raise DataError(f"{folder}: a folder with {what}; give a .csv or .parquet file, or a folder of parts")
    return formats[0], found[formats[0]]


def check_encoding(encoding: str) -> None:
    """Refuse a text encoding Python does not know, before any file is read."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ConfigError(f"unknown text encoding {encoding!r}; use e.g. utf-8 or cp1252") from None


def first_line(exc: BaseException) -> str:
    """The first non-blank line of ``exc``'s message, for a one-line error; its type's name when the
    message is empty (a bare ``ParserError()`` has none to take a line from)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def first_undecodable(path: Path, encoding: str) -> str | None:
    """Where the first bytes of ``path`` that are not valid ``encoding`` text are, as an error names them
    ("line 120,001, byte 9,294,611"); None where the whole file decodes. A reader's own offset counts from
    the block it was decoding ("byte 3" for a bad byte at 175). Lines, not rows: a quoted value may hold
    line breaks, and this pass reads no quotes."""
    decoder = codecs.getincrementaldecoder(encoding)()

    def bad_byte(block: bytes) -> int | None:
        pending = decoder.getstate()[0]  # the last block's unfinished character, decoded with this one
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            return exc.start - len(pending)
        return None

    found = _first_position(path, bad_byte)
    return None if found is None else f"line {found[0]:,}, byte {found[1]:,}"


def _first_position(path: Path, find: Callable[[bytes], int | None]) -> tuple[int, int] | None:
    """The line and byte offset of the first place in ``path`` that ``find`` reports, given the file's
    blocks in turn (an offset into its block; negative: in the block before, on the same line)."""
    offset, lines = 0, 1
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            at = find(block)
            if at is not None:
                return lines + block[: max(at, 0)].count(b"\n"), offset + at
            offset += len(block)
            lines += block.count(b"\n")
    return None


def undecodable(path: Path, what: str, encoding: str) -> DataError:
    """The error for text that is not valid in ``encoding``; ``what`` says where (a byte, a column)."""
    return DataError(
        f"{path}: {what} is not valid {encoding} text; re-save the file as {encoding} or pass --encoding "
        "(e.g. cp1252, as Windows and Excel write text)"
    )


_BYTE_ORDER_MARKS = {codecs.BOM_UTF8: "utf-8", codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16"}
# latin-1 (and every ISO 8859 part) reads every byte, those from 0x80 to 0x9f as control characters no text
# holds: they are cp1252's letters and signs (0x80 the euro sign), which it would have written into the data
# without a word
_ISO_8859_CONTROLS = re.compile(rb"[\x80-\x9f]")
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def wants_byte_order_mark(path: Path, encoding: str) -> bool:
    """Whether a CSV of rows like those of ``path`` (read in ``encoding``) should start with UTF-8's
    byte-order mark (``Metadata.csv_bom``): it has one, or is in another encoding than UTF-8 (a Windows
    code page, UTF-16), as files made for Excel are."""
    with path.open("rb") as handle:
        marked = handle.read(3) == codecs.BOM_UTF8
    return marked or codecs.lookup(encoding).name != "utf-8"


def check_text_encoding(path: Path, encoding: str) -> None:
    """Refuse reading ``path`` in an ``encoding`` its bytes show to be wrong: a byte-order mark names
    another (a UTF-8 file read as latin-1 had "ï»¿" in its first column's name, a UTF-16 one none of its
    text), UTF-16 named without the mark that says its byte order, UTF-8 text named as another, and latin-1
    on cp1252 text (its euro signs read as control characters)."""
    with path.open("rb") as handle:
        start = handle.read(_SNIFF_BYTES)
    name = codecs.lookup(encoding).name
    marked = next((enc for mark, enc in _BYTE_ORDER_MARKS.items() if start.startswith(mark)), None)
    if start.startswith(codecs.BOM_UTF32_LE):  # UTF-32's mark starts with UTF-16's
        marked = "utf-32"
    if marked is not None and not name.startswith(marked):
        said = "leave out --encoding" if marked == "utf-8" else f"pass --encoding {marked}"
        raise DataError(
            f"{path}: is {marked} text (it starts with {marked}'s byte-order mark), not {encoding}; {said}"
        )
    if name in ("utf-16", "utf-32") and marked is None:
        raise DataError(
            f"{path}: does not start with a byte-order mark, which {encoding} text starts with; leave out "
            f"--encoding if it is utf-8, or name the byte order ({name}-le, {name}-be)"
        )
    # UTF-16 without the mark: ASCII text with a zero byte after (or before) each letter, which another
    # encoding reads as text with zeros between its letters (one column of "\x00" names, no error)
    zeros = start[1::2].count(0), start[::2].count(0)
    if not name.startswith(("utf-16", "utf-32")) and max(zeros) > 0.4 * len(start) / 2:
        order = "le" if zeros[0] > zeros[1] else "be"
        raise DataError(
            f"{path}: is utf-16 text without a byte-order mark (a zero byte beside each letter), not "
            f"{encoding}; pass --encoding utf-16-{order}"
        )
    if not name.startswith("utf"):
        _refuse_utf8_text(path, encoding)
    if name.startswith("iso8859-"):  # latin-1, latin-9 (iso-8859-15) and the other ISO 8859 parts
        found = _first_position(path, _first_match(_ISO_8859_CONTROLS))
        if found is not None:
            line, byte = found
            with path.open("rb") as handle:
                handle.seek(byte)
                value = handle.read(1)
            raise DataError(
                f"{path}: line {line:,}, byte {byte:,} (0x{value.hex()}) is a control character in "
                f"{encoding} text, and {value.decode('cp1252', errors='replace')!r} in cp1252 text, as "
                "Windows and Excel write it; pass --encoding cp1252"
            )


def _refuse_utf8_text(path: Path, encoding: str) -> None:
    """Refuse UTF-8 text to be read in another ``encoding``, which would read each letter beyond ASCII as
    others ("ü" as "Ã¼" in latin-1) without a word. Text in an 8-bit encoding with such letters is nearly
    never valid UTF-8 by chance."""
    found = _first_position(path, _first_match(_NON_ASCII))
    if found is None or first_undecodable(path, "utf-8") is not None:
        return
    line, byte = found
    with path.open("rb") as handle:
        handle.seek(byte)
        letter = handle.read(4).decode("utf-8", errors="ignore")[:1]
    misread = letter.encode("utf-8").decode(encoding, errors="replace")
    raise DataError(
        f"{path}: is utf-8 text, not {encoding} (line {line:,} holds {letter!r}, which {encoding} reads as "
        f"{misread!r}); leave out --encoding"
    )


def _not_in(path: Path, encoding: str) -> bool:
    """Whether ``path``'s bytes show it is not ``encoding`` text (``check_text_encoding``), or do not
    decode in it."""
    try:
        check_text_encoding(path, encoding)
    except DataError:
        return True
    return first_undecodable(path, encoding) is not None


def parts_in_one_encoding(error: DataError, part: Path, parts: list[Path], encoding: str) -> DataError:
    """``error``, met reading ``part`` of a folder of ``parts`` in ``encoding``, said as parts in several
    encodings where ``part`` is not ``encoding`` text and another part is: their own errors advised "pass
    --encoding", then "leave out --encoding", and never that the parts differ."""
    if len(parts) < 2 or not _not_in(part, encoding):
        return error
    other = next((p for p in parts if p != part and not _not_in(p, encoding)), None)
    if other is None:
        return error
    return DataError(
        f"{part}: not {encoding} text, while {other} is: a folder's parts are read in one encoding "
        "(--encoding), and these are in more than one; re-save them all in one"
    )


def _first_match(pattern: re.Pattern[bytes]) -> Callable[[bytes], int | None]:
    """``_first_position``'s finder of ``pattern`` in a block: where it first matches."""

    def find(block: bytes) -> int | None:
        match = pattern.search(block)
        return None if match is None else match.start()

    return find


def pandas_names(header: Sequence[str]) -> list[str]:
    """A CSV header's names as pandas gives them: an empty one (a spreadsheet's trailing ",,") becomes
    "Unnamed: <position>"."""
    return [name if name.strip() else f"Unnamed: {i}" for i, name in enumerate(header)]


_SNIFF_BYTES = 65_536  # the start of a CSV file its delimiter is chosen from
_SNIFF_ROWS = 20


def csv_header(path: Path, encoding: str) -> tuple[str, list[str]]:
    """A CSV file's delimiter and column names (``pandas_names``).

    The delimiter is the one of ``CSV_DELIMITERS`` that splits the header and the first rows into as many
    fields as each other, and the header into the most names (spreadsheets in many locales write ";",
    others export tabs); where none splits the header and agrees with the rows (a short row), the one that
    splits the header into the most names. One that does not split the header is no delimiter: it agrees
    with every row of a comma file.
    """
    check_text_encoding(path, encoding)  # every CSV read starts here
    with path.open("rb") as handle:  # the first rows: a bad byte further on is reported by the reader
        first, more = handle.readline(), handle.read(_SNIFF_BYTES)  # a wide table's header: whole
    if len(more) == _SNIFF_BYTES:
        more = more[: more.rfind(b"\n") + 1]  # the last row may be cut short
    text = (first + more).decode(encoding, errors="replace").removeprefix("\ufeff")
    rows = {sep: _first_rows(text, sep) for sep in CSV_DELIMITERS}

    def fit(sep: str) -> tuple[bool, int]:
        header, *data = rows[sep] or [[]]
        agrees = len(header) > 1 and all(len(row) == len(header) for row in data if row)
        return agrees, len(header)

    delimiter = max(CSV_DELIMITERS, key=fit)
    return delimiter, pandas_names((rows[delimiter] or [[]])[0])


def _first_rows(text: str, sep: str) -> list[list[str]]:
    """The first rows of ``text`` split at ``sep``; none where ``sep`` leaves a field too long for the csv
    module (a wide table's header, not split at all)."""
    try:
        return list(itertools.islice(csv.reader(io.StringIO(text), delimiter=sep), _SNIFF_ROWS))
    except csv.Error:
        return []


def _read_csv(path: Path, encoding: str, text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """A CSV as pandas reads it (split at the delimiter ``csv_header`` finds), except codes with leading
    zeros ("02134", which pandas reads as 2134): a whole-number column holding one anywhere is kept as
    text, as are ``text_columns``; and booleans not spelt "True" / "False" ("true", "FALSE"), kept as the
    file writes them (the metadata still reads them as booleans). How the file writes the number columns
    where pandas would write them otherwise ("26.00", "+1.26": a ``NumberText``) is in the frame's
    ``attrs[CSV_TEXT]``, and the delimiter in ``attrs[CSV_DELIMITER]``, for a model to learn and a CSV of
    its rows to write."""
    check_encoding(encoding)
    try:
        sep, names = csv_header(path, encoding)
        check_column_names(names, str(path))
        # round_trip: pandas' default parser reads about one float in six a unit off in its last place
        # (64042.265044328204 as 64042.26504432821), which augment then wrote into the real rows
        frame = pd.read_csv(path, sep=sep, encoding=encoding, low_memory=False, float_precision="round_trip")
        whole = [name for name in frame.columns if whole_numbers(frame[name])]
        flags = [name for name in frame.columns if _read_as_booleans(frame[name])]
        numbers = [name for name in frame.columns if holds_numbers(frame[name])]
        number_texts = _column_texts(path, sep, encoding, numbers, names)
        codes = [*text_columns, *_code_columns(number_texts, whole)]
        # whole numbers with gaps past 2**53 (account numbers), which pandas reads as floats: every digit
        # past a float's lost
        wide = [n for n in whole if frame[n].dtype.kind == "f" and frame[n].abs().max() >= FLOAT_EXACT_LIMIT]
        wide += [n for n in frame.columns if frame[n].dtype == object and _digits_past_int64(frame[n])]
        if codes or flags or wide:
            read = list(dict.fromkeys([*codes, *flags, *wide]))
            text = pd.read_csv(path, sep=sep, encoding=encoding, usecols=read, dtype=str, low_memory=False)
            for name in read:
                if name in codes:
                    frame[name] = text[name]
                elif name in wide:
                    frame[name] = exact_integers(text[name], frame[name])
                elif not set(text[name].dropna()) <= {"True", "False"}:
                    frame[name] = text[name]
        # of the columns read as numbers that stay numbers (not codes, which are text now)
        gaps = [name for name in frame.columns if frame[name].isna().any()]
        spelt = _missing_spellings(path, sep, encoding, gaps)
        forms = {
            n: _spelt_missing(NumberText.learn(number_texts[n]), frame[n], spelt.get(n, {}))
            for n in number_texts.column_names
            if holds_numbers(frame[n])
        }
        # a text column's missing values too, as the file spells them: categories missing as "N/A" or
        # "null" (which pandas reads as missing) came back empty
        forms.update(
            (n, _spelt_missing(None, frame[n], counts))
            for n, counts in spelt.items()
            if n not in forms and not holds_numbers(frame[n])
        )
        found = {name: asdict(form) for name, form in forms.items() if form is not None}
        frame.attrs[CSV_TEXT] = _noted(found, frame)
        frame.attrs[CSV_MISSING] = _noted({name: {"spellings": c} for name, c in spelt.items()}, frame)
        frame.attrs[CSV_DELIMITER] = sep  # a model learns it, and a CSV of its rows is split so too
        frame.attrs[CSV_BOM] = wants_byte_order_mark(path, encoding)
        return frame
    except UnicodeDecodeError as exc:
        raise undecodable(path, first_undecodable(path, encoding) or f"byte {exc.start}", encoding) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: no columns found; give a table with a header row") from None
    except pd.errors.ParserError as exc:
        wide = _WIDE_ROW.search(str(exc))
        if wide is not None:
            expected, line, actual = wide.groups()
            # pandas counts the header as line 1: named as every other message names rows
            row = rows_named(pd.Index([int(line) - 1], name=DATA_ROW))
            raise DataError(
                f"{path}: {row} has {actual} fields where the header has {expected}; fix that row (a "
                "delimiter inside an unquoted value, or one too many)"
            ) from None
        raise DataError(f"{path}: not a well-formed CSV ({first_line(exc)})") from None


# pandas' words for a CSV row with more fields than the header ("C error: Expected 5 fields in line 7, saw
# 6"): its "line" counts rows, a quoted value over two lines being one
_WIDE_ROW = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def exact_integers(text: pd.Series, read: pd.Series) -> pd.Series:
    """Whole numbers written as ``text`` as pandas' nullable integers (``UInt64`` past int64's range),
    exact; ``read`` (pandas' floats) where some value is not written as a whole number."""
    try:
        values = [None if pd.isna(v) or not str(v).strip() else int(v) for v in text]
    except ValueError:  # "1e19": not digits
        return read
    widest = max((abs(v) for v in values if v is not None), default=0)
    dtype = "UInt64" if widest > np.iinfo(np.int64).max else "Int64"
    try:
        return pd.Series(pd.array(values, dtype=dtype), index=text.index, name=text.name)
    except (OverflowError, TypeError, ValueError):  # negative and past int64, or past 2**64
        return read


def _digits_past_int64(column: pd.Series) -> bool:
    """Whether a column pandas left as text holds whole numbers past int64 (uint64 account numbers, which
    with a gap it reads as text), without a leading zero (a code, kept as text)."""
    present = column.dropna().astype(str).str.strip()
    present = present[present != ""]
    digits = present.str.fullmatch(r"[1-9]\d{18,19}")
    return bool(len(present)) and bool(digits.all())


def _column_texts(path: Path, sep: str, encoding: str, names: list[str], header: list[str]) -> Any:
    """The text of the columns ``names`` as the file writes it, a ``pyarrow.Table`` of strings (null: the
    texts pandas reads as missing), read by pyarrow, several times faster than pandas.

    Rows with fewer fields than the header are said (``_warn_of_short_rows``): pandas reads their last
    fields as missing without a word, and a row cut short or split at a stray delimiter reads so. Rows
    with more are refused: where every row has them (a delimiter ending every line), pandas took the
    first column for row labels without a word, and the rest shifted one column to the left.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    short: list[Any] = []
    wide: list[Any] = []

    def note_uneven(row: Any) -> str:
        (short if row.actual_columns < row.expected_columns else wide).append(row)
        return "skip"  # said once the read is done: raised here, it would end pyarrow's reading threads

    read = names or header[:1]  # no number column: one column (of the file's ``header``), for the check
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, invalid_row_handler=note_uneven
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=read,
                column_types=dict.fromkeys(read, pa.string()),
                null_values=PANDAS_NA_TEXT,
                strings_can_be_null=True,
            ),
        )
    except pa.ArrowException:  # what pandas reads and pyarrow does not: pandas, slower
        table = None
    if wide:
        first = wide[0]
        raise DataError(
            f"{path}: {len(wide):,} row(s) have more fields than the header's {first.expected_columns} (the "
            f"first, with {first.actual_columns}: {cut_text(first.text)!r}); fix those rows or the header (a "
            "delimiter ending every line adds a field)"
        )
    if short:
        _warn_of_short_rows(path, short, sep, encoding)
    if not names:
        return pa.table({})
    if table is None or short:  # pyarrow skipped the short rows, which pandas keeps
        return pa.Table.from_pandas(pd.read_csv(path, sep=sep, encoding=encoding, usecols=names, dtype=str))
    return table


def _spelt_missing(form: NumberText | None, column: pd.Series, spelt: Mapping[str, int]) -> NumberText | None:
    """``form`` with the text most of ``column``'s missing values are written as (``spelt``: how often
    each way pandas reads as missing), where more are written so than left empty (``most_used_mark``, the
    rule a text column's mark follows): a number column missing as "NA" throughout (R's write.csv) came
    back blank."""
    mark = most_used_mark(pd.Series(spelt, dtype=float), column, spelt)
    return form if mark is None else replace(form or NumberText(), missing=mark)


def _missing_spellings(path: Path, sep: str, encoding: str, names: list[str]) -> dict[str, dict[str, int]]:
    """How often the file spells a missing value of each of the columns ``names`` in each way pandas reads
    as missing ("NA", "null"; empty cells left out), where it spells some so: they tell the text a number
    column's missing values are written as (``_spelt_missing``) and, beside the marks pandas keeps as text
    ("?"), the mark a text column writes most (``metadata.csv_missing_read``). Nothing where pyarrow cannot
    read the file (``_column_texts`` says why)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    if not names:
        return {}
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, invalid_row_handler=lambda _: "skip"
            ),
            convert_options=pacsv.ConvertOptions(
                include_columns=names, column_types=dict.fromkeys(names, pa.string()), null_values=[""]
            ),
        )
    except pa.ArrowException:
        return {}
    spellings = pa.array([text for text in PANDAS_NA_TEXT if text])
    found = {}
    for name in names:
        marks = pc.filter(table[name], pc.is_in(table[name], value_set=spellings))
        if len(marks):
            found[name] = {row["values"]: row["counts"] for row in pc.value_counts(marks).to_pylist()}
    return found


def _warn_of_short_rows(path: Path, short: list[Any], sep: str, encoding: str) -> None:
    """Say how many rows (pyarrow's ``InvalidRow``) have fewer fields than the header, which they are, and
    show the first.

    pyarrow numbers no row where values may hold line breaks: the rows are found again with the csv
    module (only where some are short), numbered as ``numbered_as_in_file`` numbers them, blank lines
    skipped as pandas skips them.
    """
    try:
        with path.open(newline="", encoding=encoding) as handle:
            records = (row for row in csv.reader(handle, delimiter=sep) if row)
            width = len(next(records, []))
            numbers = [number for number, row in enumerate(records, 1) if len(row) < width]
    except (csv.Error, UnicodeError, OSError):  # a field past the csv module's limit: the count alone
        numbers = []
    first = short[0]
    where = f"{rows_named(pd.Index(numbers, name=DATA_ROW))}; " if len(numbers) == len(short) else ""
    warnings.warn(
        f"{path}: {len(short):,} row(s) have fewer fields than the header's {first.expected_columns} "
        f"({where}the first, with {first.actual_columns}: {cut_text(first.text)!r}); their last fields read "
        "as missing. Check those rows for a cut line or a delimiter inside an unquoted value",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )


# How many rows a message that names rows lists by number.
SHOWN_ROWS = 5
# The name of a table's index whose labels are its rows' places in the file it was read from, counted from 1
# below the header (``fit`` numbers its rows so): a message then says data rows
DATA_ROW = "data row"


def rows_named(labels: pd.Index) -> str:
    """The first ``SHOWN_ROWS`` of ``labels`` (rows of a table), saying what they count: "rows 5, 17, 40"
    read as 0-based places to a user who opens the file at those numbers and finds other rows there.

    Example:
        >>> rows_named(pd.Index([5, 17], name=DATA_ROW))
        'data rows 5, 17 (counted from 1 below the header)'
        >>> rows_named(pd.Index([5], name=DATA_ROW))
        'data row 5 (counted from 1 below the header)'
        >>> rows_named(pd.Index([5, 17]))
        'rows with index labels 5, 17'
    """
    more = ", ..." if len(labels) > SHOWN_ROWS else ""
    shown = labels[:SHOWN_ROWS]

    def listed(values: Iterable[object]) -> str:
        return ", ".join(str(value) for value in values) + more

    if labels.name == DATA_ROW:
        shown = labels.sort_values()[:SHOWN_ROWS]  # the first in the file: `fit --holdout` shuffles the rows
        # not file lines: blank lines, quoted cells over several lines and a folder of parts shift those
        return f"data row{'s' if len(labels) > 1 else ''} {listed(shown)} (counted from 1 below the header)"
    # a DataFrame given in Python: its labels are what ``data.loc`` finds the rows by, whatever their places
    return f"rows with {labels.name or 'index labels'} {listed(shown)}"


def first_named(names: Sequence[str], shown: int) -> str:
    """The first ``shown`` of ``names``, the rest counted: a message's list of columns or classes.

    Example:
        >>> first_named(["age", "income", "city"], 2)
        'age, income and 1 more'
    """
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def cut_text(text: str, width: int = 60) -> str:
    """``text`` stripped, and cut with "…" where longer than ``width``: a row quoted in a message."""
    text = text.strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _code_columns(texts: Any, whole: list[str]) -> list[str]:
    """Which of the ``whole``-number columns write some value with a leading zero, anywhere in the file (a
    code may first appear in the millionth row); ``texts``: their text (``_column_texts``)."""
    import pyarrow.compute as pc

    leading_zero = LEADING_ZERO.pattern
    return [name for name in whole if pc.any(pc.match_substring_regex(texts[name], leading_zero)).as_py()]


def _read_as_booleans(series: pd.Series) -> bool:
    """Whether pandas read a CSV column as booleans (with missing values: objects, all True / False)."""
    if pd.api.types.is_bool_dtype(series):
        return True
    present = series.dropna()
    return series.dtype == object and len(present) > 0 and present.map(type).eq(bool).all()


def whole_numbers(series: pd.Series) -> bool:
    """Whether a column holds numbers that are all whole (codes read as numbers can only be these)."""
    if pd.api.types.is_integer_dtype(series):
        return True
    if not pd.api.types.is_float_dtype(series):
        return False
    present = series.dropna().to_numpy()
    return bool(present.size) and bool(np.all(np.mod(present, 1) == 0))


def _read_csv_parts(parts: list[Path], encoding: str) -> pd.DataFrame:
    """CSV parts as one table; a column one part keeps as text (codes) is text in every part."""
    frames = []
    for part in parts:
        try:
            frames.append(_read_csv(part, encoding))
        except DataError as error:
            raise parts_in_one_encoding(error, part, parts, encoding) from None
    warn_of_absent_columns(parts, [list(frame.columns) for frame in frames])
    text = {name for frame in frames for name in frame.columns if frame[name].dtype == object}
    mixed = [
        name for name in text if any(pd.api.types.is_numeric_dtype(f[name]) for f in frames if name in f)
    ]
    if mixed:
        frames = [
            _read_csv(part, encoding, [n for n in mixed if n in f])
            for part, f in zip(parts, frames, strict=True)
        ]
    frame = pd.concat(frames, ignore_index=True)
    frame.attrs[CSV_TEXT] = _noted(_shared_csv_texts(frames), frame)
    spelt: dict[str, Counter] = {}
    for part in frames:
        for name, noted in part.attrs[CSV_MISSING].items():
            spelt.setdefault(name, Counter()).update(noted["spellings"])
    frame.attrs[CSV_MISSING] = _noted({name: {"spellings": dict(c)} for name, c in spelt.items()}, frame)
    frame.attrs[CSV_BOM] = any(part.attrs[CSV_BOM] for part in frames)
    delimiters = {part.attrs[CSV_DELIMITER] for part in frames}
    if len(delimiters) == 1:  # parts split at different ones have none of the table's
        frame.attrs[CSV_DELIMITER] = delimiters.pop()
    return frame


def _shared_csv_texts(frames: list[pd.DataFrame]) -> dict[str, Any]:
    """The forms (``NumberText``) of the columns every part holding values of them writes alike (one part's
    "26.0" beside another's "26.00" is no fixed form of the table's; a part where the column is empty
    writes no form, and says nothing against one)."""
    shared = {}
    for name in dict.fromkeys(name for frame in frames for name in frame.attrs[CSV_TEXT]):
        first, *others = [
            {key: value for key, value in frame.attrs[CSV_TEXT].get(name, {}).items() if key != "of"}
            for frame in frames
            if name in frame.columns and frame[name].notna().any()
        ]
        if all(other == first for other in others):
            shared[name] = first
    return shared


def _noted(forms: dict[str, dict[str, Any]], frame: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """``forms`` by column, each with the fingerprint of its column as read (``csv_texts_read`` checks it)."""
    return {name: {**form, "of": column_fingerprint(frame[name])} for name, form in forms.items()}


def parquet_schema(path: Path) -> Any:
    """One ``pyarrow.Schema`` for a folder of Parquet parts (None for one file): a column a part holds
    empty (typed null, as pandas writes an all-missing column) takes the type the other parts give it,
    where the first part's schema would decide alone and fail on the others; a column some parts hold as
    pandas categories and others as plain values is read as the values.

    Raises:
        DataError: a part that is no Parquet file, or two parts holding a column as types no one type holds
            (numbers in one, text in another), naming them.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not path.is_dir():
        return None
    parts = part_files(path)[1]
    schemas = []
    for part in parts:
        try:
            schemas.append(pq.read_schema(part))
        except (pa.ArrowException, OSError) as exc:  # named: one bad part among hundreds
            raise DataError(f"{part}: not a readable Parquet file ({first_line(exc)})") from None
    warn_of_absent_columns(parts, [schema.names for schema in schemas])
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    # a column one export wrote as pandas categories (a dictionary) and another as plain values: read as
    # the values in every part
    plain = [
        pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in schema])
        for schema in schemas
    ]
    try:
        return pa.unify_schemas(plain, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        raise _type_clash(parts, plain) from None


def _type_clash(parts: list[Path], schemas: list[Any]) -> DataError:
    """The error naming the first column two Parquet parts hold as types no one type holds, and the parts."""
    import pyarrow as pa

    seen: dict[str, tuple[Path, Any]] = {}
    for part, schema in zip(parts, schemas, strict=True):
        for field in schema:
            first, kind = seen.setdefault(field.name, (part, field.type))
            try:
                pa.unify_schemas(
                    [pa.schema([(field.name, kind)]), pa.schema([field])], promote_options="permissive"
                )
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return DataError(
                    f"{part}: column {field.name!r} is {field.type}, where {first.name} holds it as {kind}; "
                    "write every part with one type for it"
                )
    return DataError(f"{parts[0].parent}: the parts' column types cannot be read as one table")


def warn_of_absent_columns(parts: list[Path], names: list[list[str]]) -> None:
    """Say which parts lack columns other parts have (their rows read as missing there): a part written by
    another export is easy to miss in a folder of hundreds."""
    every = list(dict.fromkeys(name for part_names in names for name in part_names))
    for part, part_names in zip(parts, names, strict=True):
        absent = [name for name in every if name not in part_names]
        if absent:
            warnings.warn(
                f"{part}: lacks column(s) {absent[:5]} that other parts have; its rows are missing there",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )


def _read_parquet(path: Path) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(path)  # its errors name the part: not wrapped as this folder's
    try:
        return pq.read_table(path, schema=schema).to_pandas()
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable Parquet file ({first_line(exc)})") from None


def csv_ready(
    frame: pd.DataFrame, integers: Sequence[str] | None = None, texts: Mapping[str, NumberText] | None = None
) -> pd.DataFrame:
    """``frame`` as it should read in a CSV: whole numbers that pandas holds as floats (an integer column
    with gaps, or one a float column grew into) written "85", not "85.0". ``integers``: the columns known to
    hold whole numbers (a model's integer columns, the real table's whole-number columns), each written so
    where its values are exact whole floats; without, the float columns holding whole numbers and gaps (a
    float column without gaps stays written as floats, so a sample asked for ``amount=0..0`` reads as
    floats). ``texts``: how the real CSV writes number columns (``Metadata.csv_texts``, or
    ``csv_texts_read`` of the frame read from it), each written so where it holds numbers ("26.00",
    "+1.26"). An empty column pandas named for an empty header ("Unnamed: 6", from a separator at the end
    of every line) is written with its header empty again, as the real file has it.
    """
    if integers is None:
        whole = _gapped_whole_columns(frame)
    else:
        whole = [name for name in integers if exact_whole_floats(frame[name])]
    ready = frame.astype(dict.fromkeys(whole, "Int64")) if whole else frame
    written = {
        name: _as_written(ready[name], text)
        for name, text in (texts or {}).items()
        if name in ready and (holds_numbers(ready[name]) or text.missing is not None)
    }
    ready = ready.assign(**written) if written else ready
    names = [
        "" if name == f"Unnamed: {i}" and ready[name].isna().all() else name for i, name in enumerate(ready)
    ]
    return ready.set_axis(names, axis=1) if names != list(ready.columns) else ready


def _as_written(column: pd.Series, text: NumberText) -> pd.Series:
    """A column as its CSV writes it (``text``): its numbers so, and its missing values as the text most are
    written as."""
    if holds_numbers(column):
        column = numbers_as_text(column, _number_kind(column), text.decimals, text.plus)
    return column if text.missing is None else column.astype(object).fillna(text.missing)


def _number_kind(column: pd.Series) -> ColumnKind:
    """How ``numbers_as_text`` writes a column of numbers: an integer one's without ".0"."""
    return ColumnKind.INTEGER if pd.api.types.is_integer_dtype(column) else ColumnKind.CONTINUOUS


def _gapped_whole_columns(frame: pd.DataFrame) -> list[str]:
    """The float columns of ``frame`` holding whole numbers and missing values (see ``csv_ready``)."""
    return [name for name in frame.columns if exact_whole_floats(frame[name]) and frame[name].isna().any()]


def exact_whole_floats(column: pd.Series) -> bool:
    """Whether a float column's values can be written as integers: whole, and exact in a float (beyond
    2**53 a float is not one whole number)."""
    if not (pd.api.types.is_float_dtype(column) and whole_numbers(column)):
        return False
    return bool(column.abs().max() < FLOAT_EXACT_LIMIT)


def arrow_schema(frame: pd.DataFrame) -> pa.Schema:
    """The Parquet schema of ``frame``, fixed for every later chunk and part of a sampled file, and the one
    every Parquet file synthloom writes has (``write_table``: an augmented table types its Decimals as a
    sample does).

    A text column that happens to be all missing in the first chunk would be typed ``null`` and clash
    with later chunks, so such columns are typed as strings. A column of Decimals is typed with the digits
    of the first chunk's largest one (``decimal128(4, 2)`` for 87.12), which a later chunk's 100.00 did
    not fit (the write failed), so it holds the most digits a ``decimal128`` holds, at the chunk's places.
    """
    import pyarrow as pa

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    fields = [
        f.with_type(pa.string())
        if pa.types.is_null(f.type)
        else f.with_type(pa.decimal128(38, f.type.scale))
        if pa.types.is_decimal128(f.type)
        else f
        for f in schema
    ]
    return pa.schema(fields, metadata=schema.metadata)


def delimiter_for(path: Path, learned: str) -> str:
    """The delimiter of a CSV written to ``path``: a tab in a .tsv file, else ``learned`` (the real CSV's)."""
    return "\t" if path.suffix.lower() == ".tsv" else learned


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    integers: Sequence[str] | None = None,
    sep: str = ",",
    texts: Mapping[str, NumberText] | None = None,
    bom: bool = False,
) -> Path:
    """Write ``frame`` as CSV (split at ``sep``) or Parquet (by extension), atomically; a CSV writes
    ``integers`` (columns known to hold whole numbers) "85", not "85.0", where pandas holds them as floats,
    and number columns as their ``texts`` say ("26.00", "+1.26"; ``csv_ready``), in UTF-8, after its
    byte-order mark with ``bom`` (``Metadata.csv_bom``). Parquet columns are typed as a sampled file's are
    (``arrow_schema``).

    An empty column pandas named for an empty CSV header ("Unnamed: 6", from a separator at the end of
    every line) is kept in both formats, as the table has it: a CSV writes its header empty again; Parquet,
    whose columns need distinct names (two empty ones could not be told apart), keeps pandas' name for it,
    the name reading the CSV gives it. Either file then reads back (``read_table``) as the same table, with
    the columns of the real table and of a model learned from it (dropped, a Parquet sample would lack a
    column its CSV twin and the real table have).
    """
    path = Path(path)
    fmt = table_format(path)
    with atomic_path(path) as tmp:
        if fmt == "csv":
            encoding = "utf-8-sig" if bom else "utf-8"
            ready = csv_ready(frame, integers, texts)
            ready.to_csv(tmp, index=False, sep=delimiter_for(path, sep), encoding=encoding)
        else:
            frame.to_parquet(tmp, index=False, schema=arrow_schema(frame))
    return path
