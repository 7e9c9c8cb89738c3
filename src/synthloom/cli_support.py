"""What every command shares: consoles, the seed option, and the user-error guard.

Exit codes: 0 success, 2 user error (one line on stderr says what to do), 1 a bug (with traceback),
130 interrupted by Ctrl-C, 143 stopped by SIGTERM (outputs are written atomically, so nothing is left
half-written).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import math
import os
import shutil
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

try:  # typer 0.26+ carries its own copy of click
    from typer._click.core import Context as ClickContext
    from typer._click.exceptions import ClickException
except ImportError:  # an older typer (the dependency range starts at 0.12) runs on click itself
    from click.core import Context as ClickContext  # type: ignore[assignment]
    from click.exceptions import ClickException  # type: ignore[no-redef]

from synthloom.errors import ConfigError, DataError, SynthloomError

F = TypeVar("F", bound=Callable[..., Any])


class _MessagesOut:
    """Standard output or error (``stream``: "stdout", "stderr") as the commands' messages write to it,
    looked up at each write (a test's captured one too). A reader that stopped early (`fit ... | head -1`,
    `sample -o - 2>&1 >out.csv | head`) does not stop the command: a closed pipe ended `fit` with exit 1,
    in silence, before the model was saved, and `sample` with exit 1 after its rows were all written; the
    messages after it are dropped."""

    def __init__(self, stream: str) -> None:
        self.stream = stream
        self.closed_pipe = False

    def write(self, text: str) -> int:
        if not self.closed_pipe:
            try:
                getattr(sys, self.stream).write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.closed_pipe:
            try:
                getattr(sys, self.stream).flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self.closed_pipe = True
        to_devnull(getattr(sys, self.stream))

    def __getattr__(self, name: str) -> Any:  # isatty, encoding, fileno: the real stream's
        return getattr(getattr(sys, self.stream), name)


def to_devnull(stream: Any) -> None:
    """Point a standard stream at /dev/null once its reader has gone (a closed pipe), so that Python's
    flush at exit does not fail on the pipe again; a test's captured stream, which has no descriptor, is
    left."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


_messages_out, _errors_out = _MessagesOut("stdout"), _MessagesOut("stderr")
console = Console(file=_messages_out)  # type: ignore[arg-type]
# soft wrap: a log (cron, Airflow: no terminal, 80 columns) holds each warning on one line, which grep finds
err_console = Console(file=_errors_out, soft_wrap=True)  # type: ignore[arg-type]

# numpy's seeds, and scikit-learn's inside `evaluate`, are whole numbers from 0 to 2^32 - 1: a seed out of
# that range ended `sample`, `evaluate` and `augment` in a traceback ("expected non-negative integer")
SeedOption = Annotated[
    int,
    typer.Option("--seed", help="Random seed: the same seed gives the same output.", min=0, max=2**32 - 1),
]
EncodingOption = Annotated[
    str, typer.Option("--encoding", help="Text encoding of CSV files (e.g. cp1252, as Excel writes; utf-16).")
]
EpochsOption = Annotated[
    int | None, typer.Option("--epochs", help="Training epochs (deep generators only).", min=1)
]
# `image` and `detect` train networks only: their options name no kind of model
NetworkEpochsOption = Annotated[
    int | None, typer.Option("--epochs", help="Training epochs (default: the model's own).", min=1)
]
MetadataOption = Annotated[
    Path | None, typer.Option("--metadata", help="JSON column kinds, overriding inference.")
]
ConstraintsOption = Annotated[
    Path | None,
    typer.Option("--constraints", help="JSON business rules every sampled row keeps (see README)."),
]
NoKeepOrdersOption = Annotated[
    bool,
    typer.Option(
        "--no-keep-orders",
        help="Do not learn the orders the real rows keep between two number or two datetime columns that no "
        "--constraints rule names (an admission before its discharge, a balance within its loan), which "
        "sampled rows otherwise keep.",
    ),
]
SHOWN_ORDERS = 5  # the learned orders a command names; it counts the rest
SHOWN_COLUMNS = 6  # the columns of each kind ``fit`` names; it counts the rest
MaxMinutesOption = Annotated[
    float | None, typer.Option("--max-minutes", help="Stop training after this many minutes.", min=0.01)
]
DEVICES = "auto (CUDA, then MPS, then CPU), cpu, cuda"
DeviceOption = Annotated[str, typer.Option("--device", help=f"{DEVICES} (deep generators).")]
NetworkDeviceOption = Annotated[str, typer.Option("--device", help=f"{DEVICES}.")]


def examples(*commands: str) -> str:
    """The epilog of a command's ``--help``: the commands a new user would copy, one paragraph each (help
    text joins single lines into one), with rich's markup escaped (``[--seed 0]`` would vanish as a tag)."""
    return "Examples:\n\n" + "\n\n".join(f"  {escape(command)}" for command in commands)


def given_settings(**settings: Any) -> dict[str, Any]:
    """The settings whose option was given: None is an option left out, and the model's default stands
    (passing None would replace it)."""
    return {name: value for name, value in settings.items() if value is not None}


def training_length(generator_class: type, epochs: int | None, max_minutes: float | None) -> dict[str, Any]:
    """``--epochs`` / ``--max-minutes`` as settings of a generator, refused for one that has no epochs."""
    accepted, model = generator_class.param_names(), generator_class.model_name
    settings: dict[str, Any] = {}
    for name, value, flag in (("epochs", epochs, "--epochs"), ("max_minutes", max_minutes, "--max-minutes")):
        if value is not None:
            if name not in accepted:
                raise ConfigError(f"model {model!r} does not train in epochs; drop {flag}")
            settings[name] = value
    return settings


def last_epoch(history: list[dict[str, float]]) -> str:
    """The last epoch's losses of a fit's ``loss_history_``, as ``name=value`` pairs for the closing line."""
    return "  ".join(f"{name}={value:.3f}" for name, value in history[-1].items() if name != "epoch")


def learned_kinds(generator: Any) -> dict[str, str]:
    """Each column's kind as ``generator`` learned it; a column of one value is "constant" and one of no
    value "empty": nothing is learned from either, and each is sampled as it was (an empty sensor column
    had been named among the continuous ones)."""
    from synthloom.data.encoders import ConstantEncoder

    kinds = {name: spec.kind.value for name, spec in generator.metadata_.columns.items()}
    for encoder in getattr(getattr(generator, "transformer_", None), "encoders_", []):
        if isinstance(encoder, ConstantEncoder):
            kinds[encoder.name] = "empty" if encoder.value is None else "constant"
    return kinds


def say_column_kinds(kinds: dict[str, str]) -> None:
    """Name the kind each column was learned as (column -> kind, as the model's metadata holds them): an
    inferred kind decides how a column is learned (a term of 36 / 60 months as a number or a category,
    an id made anew), and ``--metadata`` is how to change it."""
    from synthloom.data.io import first_named

    by_kind: dict[str, list[str]] = {}
    for column, kind in kinds.items():
        by_kind.setdefault(kind, []).append(column)
    parts = [f"{kind} ({first_named(columns, SHOWN_COLUMNS)})" for kind, columns in by_kind.items()]
    console.print(
        f"columns learned as {'; '.join(parts)}; --metadata kinds.json changes a kind "
        '(e.g. {"columns": {"term": {"kind": "categorical"}}})',
        soft_wrap=True,
        highlight=False,
        markup=False,
    )


def say_kept_orders(orders: list[str]) -> None:
    """Name the orders found in the real rows that sampled rows keep (``fit(keep_orders=True)``): they
    change what is sampled, and ``--no-keep-orders`` undoes them."""
    from synthloom.data.io import first_named

    if orders:
        console.print(
            f"sampled rows keep {len(orders)} order(s) found in the real rows: "
            f"{first_named(orders, SHOWN_ORDERS)} (--no-keep-orders turns this off)",
            soft_wrap=True,  # one line in a log, as warnings are: wrapped at 80 columns, "low\n<= high"
        )


def say_if_time_cut(max_minutes: float | None, history: list[dict[str, float]], planned: int) -> None:
    """Say when ``--max-minutes`` ended training before its ``planned`` epochs (within the last one too):
    only the progress bar (gone from a log) had shown it, and a cut fit samples worse than a whole one."""
    reached = epochs_reached(history)
    if max_minutes is None or reached >= planned:
        return
    whole = math.floor(reached)
    # 12.4 epochs: the 13th was cut 40% of the way through its steps (never said as 0% or 100%)
    part = min(max(reached - whole, 0.01), 0.99)
    where = f"at epoch {whole}" if reached == whole else f"{part:.0%} into epoch {whole + 1}"
    console.print(
        f"the time limit (--max-minutes {max_minutes:g}) stopped training {where} of {planned}; give more "
        "minutes for a full fit",
        highlight=False,
        soft_wrap=True,
    )


def epochs_reached(history: list[dict[str, float]]) -> float:
    """The epochs a fit's ``loss_history_`` reached (12.4: 40% into the 13th); of several members (each
    one's history starts again from its first epoch), those of the member that trained fewest."""
    ends = [
        record["epoch"]
        for record, after in itertools.zip_longest(history, history[1:])
        if after is None or after["epoch"] <= 1  # a member's first epoch (below 1 where the limit cut it)
    ]
    return min(ends)


def check_device(device: str) -> None:
    """Refuse an unknown ``--device`` (or ``cuda`` where there is none) under the option's name, before any
    data is read: the model finds out only when its fit starts, after the reading and "fitting ..."."""
    from synthloom.training.device import resolve_device

    try:
        resolve_device(device)
    except ConfigError as exc:
        raise ConfigError(f"--device {device}: {exc}") from None


def check_holdout(holdout: float | None) -> None:
    """Refuse a ``--holdout`` share outside [0, 1) under the option's name, before any data is read (the
    library's own refusal names its ``holdout`` argument, and comes after the reading)."""
    if holdout is not None and not 0 <= holdout < 1:
        raise ConfigError(f"--holdout must be in [0, 1), not {holdout:g}; e.g. --holdout 0.15")


def main_process_speaks() -> None:
    """Under ``torchrun``, only rank 0 prints: N processes repeating every line help nobody."""
    from synthloom.training.distributed import is_main_process

    console.quiet = not is_main_process()


def source_name(data: str) -> str:
    """How a data argument names its data: a bundled set's name, else the resolved path."""
    return data if bundled_kind(data) is not None else str(Path(data).resolve())


def holdout_record(source: str, holdout: float, fingerprint: str, **count: int) -> dict[str, Any]:
    """What a fit's hold-out split of the data read from ``source`` is, as a model file keeps it: the
    share, the split's seed, and which data (``fingerprint``, a digest of its content; its size, ``count``
    as ``images=`` or ``rows=``; where it was read), so that scoring the same data later scores the part
    held out. Image models, detectors and table generators all record this one form."""
    from synthloom.data.split import SPLIT_SEED

    return {
        "source": source_name(source),
        "holdout": holdout,
        "seed": SPLIT_SEED,
        "fingerprint": fingerprint,
        **count,
    }


def fitted_state(split: dict[str, Any] | None, source: str, fingerprint: Callable[[], str]) -> str:
    """Whether the data read from ``source`` (``fingerprint`` computes its digest) is what a fit with
    ``split`` (``holdout_record``) read: "same" (the same content, wherever read from), "changed" (read from
    the same place, but other content now), or "other" (other data, or no split kept). The digest is
    computed only when there is a split to compare it with: hashing a large set takes a while."""
    if split is None:
        return "other"
    if split.get("fingerprint", "") == fingerprint():
        return "same"
    return "changed" if split["source"] == source_name(source) else "other"


def bundled_kind(source: str) -> str | None:
    """ "table" or "images" when ``source`` names a bundled data set (a name without a file extension that
    is no path here), None for a file or folder."""
    from synthloom import datasets

    if Path(source).suffix or Path(source).exists():
        return None
    return {info.name: info.kind for info in datasets.list()}.get(source)


def read_image_source(source: str) -> Any:
    """``read_images(source)``, with a bundled table refused in the command line's words: the library's
    refusal advises ``load(name)``, a Python call that means nothing at a shell prompt."""
    from synthloom.data.images import read_images
    from synthloom.datasets._registry import names

    if bundled_kind(source) == "table":
        raise ConfigError(
            f"{source!r} is a table, not images (`synthloom fit {source}` learns it); image data sets: "
            f"{', '.join(names('images'))}"
        )
    if not Path(source).suffix and not Path(source).exists() and bundled_kind(source) is None:  # "nosuch/"
        raise DataError(
            f"{source}: no such file or folder, and no bundled data set of that name; give an .npz file, a "
            f"folder of images (or one per class), or one of: {', '.join(names('images'))}"
        )
    return read_images(source)


def bundled_table(source: str, needed_by: str = "this command") -> Any:
    """The ``DatasetInfo`` of the bundled table ``source`` names; None for a file or folder. A bundled image
    data set is refused, as ``synthloom demo`` refuses it, saying that ``needed_by`` needs a table."""
    from synthloom.datasets._registry import table_info

    return table_info(source, needed_by) if bundled_kind(source) is not None else None


def bundled_target(source: str) -> str | None:
    """The target column of the bundled table ``source`` names; None for a file or folder."""
    info = bundled_table(source)
    return None if info is None else info.target


def load_input(source: str, encoding: str = "utf-8", needed_by: str = "this command") -> Any:
    """A CSV/Parquet path, or the name of a bundled table (a name without a file extension); a bundled image
    data set is refused, saying that ``needed_by`` needs a table."""
    from synthloom import datasets
    from synthloom.data.io import read_table
    from synthloom.datasets._registry import names

    if bundled_table(source, needed_by) is not None:
        return datasets.load(source)
    if not Path(source).suffix and not Path(source).exists():  # a misspelt bundled name, most likely
        raise DataError(
            f"{source}: no such file or folder, and no bundled data set of that name; give a .csv or "
            f".parquet file, or one of: {', '.join(names('table'))}"
        )
    return read_table(source, encoding=encoding)


def numbered_as_in_file(table: Any) -> Any:
    """``table`` with its rows numbered as its file's data rows, from 1 below the header (``DATA_ROW``): a
    warning naming real rows (those breaking a rule) named them 0-based, and the user opening the file at
    "row 5" found another row there."""
    import pandas as pd

    from synthloom.data.io import DATA_ROW

    return table.set_axis(pd.RangeIndex(1, len(table) + 1, name=DATA_ROW))


NUMPY_FLOAT_NOTICE = r"(overflow|underflow|invalid value|divide by zero) encountered in"


def say_warning(text: str, on: Console | None = None) -> None:
    """A command's warning, on one line however narrow the terminal or log (``on``: the console of the
    output it is about; stdout's by default): wrapped at 80 columns, a warning in a cron or Airflow log was
    split over up to six lines, half of which a grep found."""
    (on or console).print(f"[yellow]warning:[/] {text}", highlight=False, soft_wrap=True)


def _warning_display() -> Callable[..., None]:
    """``warnings.showwarning`` for one command: each distinct warning (its category and text) printed
    once. Python's own once-per-place rule does not hold within a command: every ``catch_warnings`` or
    filter change (a fit, an evaluation, ``augment``'s own filters) forgets what was shown, so ``augment
    --evaluate --seeds 2``, fitting 4 times, said the same thing about a column 4 times."""
    shown: set[tuple[type[Warning], str]] = set()

    def show(message: Any, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        key = (category, str(message))
        if key not in shown:
            shown.add(key)
            say_warning(str(message), err_console)

    return show


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a scheduler stopping a job), raised as Ctrl-C is, so that the same clean-up runs:
    by default Python dies at once and leaves the temporary files beside the outputs."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def stop_on_sigterm() -> None:
    """From now on, SIGTERM stops the command as Ctrl-C does (exit code 143 instead of 130)."""
    signal.signal(signal.SIGTERM, _raise_terminated)


def interrupt_code(interrupt: KeyboardInterrupt) -> int:
    """The shell's exit code for a command stopped by Ctrl-C (130) or SIGTERM (143)."""
    return 128 + (signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)


FULL_DISK = (errno.ENOSPC, errno.EDQUOT)  # the errors of a device, or a user's quota, with no space left


class Saves(Protocol):
    """A fitted model, detector or image generator: what a command saves after its fit."""

    def save(self, path: str | Path) -> Path: ...


def save_fitted(model: Saves, output: Path) -> None:
    """Save a model a command has just fitted to ``output``; where its device is full, to the temporary
    folder instead, which the one-line error names: an hour's fit had been lost to a full disk, though the
    space was checked for nothing before it (nothing is half-written either way)."""
    try:
        model.save(output)
    except OSError as exc:
        if exc.errno not in FULL_DISK:
            raise
        folder = Path(tempfile.mkdtemp(prefix="synthloom-"))
        try:
            rescued = model.save(folder / output.name)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            raise SynthloomError(
                f"no space left on the device writing {output}, nor in the temporary folder "
                f"{folder.parent}: the fitted model could not be kept; free some space and fit again"
            ) from None
        raise SynthloomError(
            f"no space left on the device writing {output}; the fitted model was saved to {rescued} "
            f"instead: move it to {output} once some space is free"
        ) from None


def user_errors(command: F) -> F:
    """Turn user errors into one line on stderr and exit code 2; Ctrl-C (or SIGTERM) into exit code 130
    (143)."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        warnings.showwarning = _warning_display()  # what an earlier command (a test's) showed is no matter
        _messages_out.closed_pipe = _errors_out.closed_pipe = False
        try:
            with warnings.catch_warnings():
                # numpy's floating-point notices (values near 1.8e308, inf) name no column and no fix:
                # a command handles such values where they matter and says so in its own words
                warnings.filterwarnings("ignore", NUMPY_FLOAT_NOTICE, RuntimeWarning)
                return command(*args, **kwargs)
        except SynthloomError as exc:
            err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            if exc.errno not in FULL_DISK:
                raise
            # a full disk is no bug: it gave a traceback and exit 1 (outputs are atomic, so none is kept)
            where = f" writing {exc.filename}" if exc.filename else ""
            err_console.print(
                f"[bold red]error:[/] no space left on the device{escape(where)}; free some space or write "
                "the output elsewhere (nothing half-written was kept)",
                highlight=False,
            )
            raise typer.Exit(2) from None
        except KeyboardInterrupt as interrupt:
            err_console.print(
                "interrupted: nothing half-written was kept (a file reported as written is complete)",
                highlight=False,
            )
            raise typer.Exit(interrupt_code(interrupt)) from None

    return guarded  # type: ignore[return-value]


@contextlib.contextmanager
def one_line_usage_errors(command_path: str) -> Iterator[None]:
    """Turn an error of the option parser (an unknown option, a value out of range or not a number, a
    missing argument, an unknown command) into one line on stderr naming the ``--help`` to read, with
    click's exit code (2): typer drew it as a usage line, a hint and a boxed message. ``command_path``
    names the command when the error knows none."""
    try:
        yield
    except ClickException as exc:
        # `synthloom` or `synthloom image` without a command has already printed its help: typer
        # raises this to exit with code 2, and prints nothing more for it
        if type(exc).__name__ == "NoArgsIsHelpError":
            raise
        ctx = getattr(exc, "ctx", None) or _parsing_context(exc)
        path = ctx.command_path if ctx is not None else command_path
        # a message may run over lines; its closing period would stand before the pointer to --help
        message = " ".join(exc.format_message().split()).removesuffix(".")
        err_console.print(
            f"[bold red]error:[/] {escape(message)} (see `{escape(path)} --help`)",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(exc.exit_code) from None


def _parsing_context(exc: ClickException) -> ClickContext | None:
    """The context of the command whose arguments were being parsed when ``exc`` was raised; None where
    none was. Click's option parser raises some errors (an option given without its value, ``fit x.csv
    --model``) with no context, and by the time they reach the root group, the subcommand's context is gone
    from click's stack: it lives on only in the frames that were parsing (``parse_args(self, ctx, args)``),
    the innermost of which is the command the user typed."""
    found = None
    trace = exc.__traceback__
    while trace is not None:
        ctx = trace.tb_frame.f_locals.get("ctx")
        if isinstance(ctx, ClickContext):  # click's own: typer.Context is a subclass it does not make
            found = ctx
        trace = trace.tb_next
    return found


class OneLineUsageErrors(TyperGroup):
    """The command line's root group: the option parser's errors, in any command under it, are one line
    (``one_line_usage_errors``). Both users (``main``) and tests (``CliRunner`` on the app) come through
    here, since typer builds the root group from this class."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: typer.Context | None = None, **extra: Any
    ) -> typer.Context:
        """Parse the root's own options (``synthloom --bogus`` fails here)."""
        with one_line_usage_errors(info_name or "synthloom"):
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: typer.Context) -> Any:
        """Resolve and run a command: its own options are parsed here (``synthloom fit --epoch 5``)."""
        with one_line_usage_errors(ctx.command_path):
            return super().invoke(ctx)
