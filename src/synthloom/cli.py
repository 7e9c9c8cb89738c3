"""The ``synthloom`` command line: fit, sample, datasets, demo (also ``python -m synthloom``).

Exit codes: 0 success, 2 user error (one line on stderr says what to do), 1 a bug (with traceback),
130 interrupted by Ctrl-C, 143 stopped by SIGTERM (outputs are written atomically, so nothing is left
half-written), 141 when the reader of ``sample -o -`` (standard output) stopped early.
"""

from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from synthloom.augment_cli import AUGMENT_EXAMPLES, augment_command
from synthloom.bench_cli import BENCH_EXAMPLES, bench_command
from synthloom.cli_support import (
    FULL_DISK,
    ConstraintsOption,
    DeviceOption,
    EncodingOption,
    EpochsOption,
    MaxMinutesOption,
    MetadataOption,
    NoKeepOrdersOption,
    OneLineUsageErrors,
    SeedOption,
    bundled_kind,
    bundled_table,
    check_device,
    check_holdout,
    console,
    err_console,
    examples,
    fitted_state,
    holdout_record,
    interrupt_code,
    learned_kinds,
    load_input,
    main_process_speaks,
    numbered_as_in_file,
    save_fitted,
    say_column_kinds,
    say_if_time_cut,
    say_kept_orders,
    say_warning,
    stop_on_sigterm,
    to_devnull,
    training_length,
    user_errors,
)
from synthloom.detect_cli import detect_app
from synthloom.errors import ConfigError, DataError, ModelFileError
from synthloom.image_cli import image_app

app = typer.Typer(
    name="synthloom",
    cls=OneLineUsageErrors,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(image_app, name="image")
app.add_typer(detect_app, name="detect")
app.command("bench", epilog=BENCH_EXAMPLES)(bench_command)
app.command("augment", epilog=AUGMENT_EXAMPLES)(augment_command)


def _print_version(asked: bool) -> None:
    """``synthloom --version``: the installed version, for bug reports and pinned scripts."""
    if asked:
        from synthloom import __version__

        console.print(f"synthloom {__version__}", highlight=False)
        raise typer.Exit()


@app.callback(
    epilog=examples(
        "synthloom demo --model copula",
        "synthloom fit data.csv -o m.synthloom",
        "synthloom sample m.synthloom -n 1000 -o fake.csv",
        "synthloom evaluate real.csv fake.csv --report report.html",
    )
)
def root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
) -> None:
    """Learn a generator from real data, sample synthetic data, and prove its quality."""


@app.command("datasets", epilog=examples("synthloom datasets"))
@user_errors
def datasets_command() -> None:
    """List the bundled real data sets (they load offline, from installed packages)."""
    from synthloom import datasets

    table = Table(title="Bundled real data sets")
    for column in ("name", "area", "rows", "columns", "target", "source"):
        table.add_column(column)
    for info in datasets.list():
        table.add_row(
            info.name, info.area, f"{info.rows:,}", str(info.columns), str(info.target), info.source
        )
    console.print(table)


STREAM_ABOVE_BYTES = 2**30


def _streams(source: str, asked: bool, generator_class: type) -> bool:
    """Whether to read the training file in chunks: asked for, or a file over 1 GiB and a model that can."""
    can = hasattr(generator_class, "fit_file")
    if asked and bundled_kind(source) is not None:  # loaded from its package whole: no file to read in chunks
        raise ConfigError(
            f"{source}: --stream reads a file; a bundled data set is loaded whole: drop --stream"
        )
    if asked and not can:
        raise ConfigError(f"model {generator_class.model_name!r} cannot read a file in chunks; drop --stream")
    if asked and not Path(source).exists():  # before "fitting ... read in chunks" is printed
        raise DataError(f"{source}: file not found; check the path")
    big = Path(source).is_file() and Path(source).stat().st_size > STREAM_ABOVE_BYTES
    return asked or (big and can)


@app.command(
    "fit",
    epilog=examples(
        "synthloom fit default -o m.synthloom",
        "synthloom fit data.csv --model tvae --epochs 300 --metadata kinds.json -o m.synthloom",
        "synthloom fit adult --holdout 0.3 -o m.synthloom",
    ),
)
@user_errors
def fit_command(
    data: Annotated[str, typer.Argument(help="Real data: a .csv/.parquet file or a bundled data set name.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.synthloom).")],
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            help="Generator name (see `synthloom models`). The default, copula, is the fast baseline "
            "(seconds); auto (ddpm, what `synthloom demo` fits) has the best quality and takes minutes.",
        ),
    ] = "copula",
    epochs: EpochsOption = None,
    metadata: MetadataOption = None,
    constraints: ConstraintsOption = None,
    encoding: EncodingOption = "utf-8",
    device: DeviceOption = "auto",
    precision: Annotated[
        str,
        typer.Option(
            "--precision",
            help="auto (bf16 matrix products on CUDA, and when sampling on a CPU with AMX or AVX512-BF16) "
            "or float32.",
        ),
    ] = "auto",
    max_minutes: MaxMinutesOption = None,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Read the file (or folder of parts) in chunks instead of whole (ctgan, tvae, ddpm); "
            "automatic above 1 GiB. A bundled data set is loaded whole.",
        ),
    ] = False,
    sample_rows: Annotated[
        int | None,
        typer.Option(
            "--sample-rows",
            min=1,
            help="Read in chunks: the rows, drawn uniformly, that column kinds and encodings are learned "
            "from (default 100,000); values only other rows hold are learned as unseen ones.",
        ),
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help="ddpm: a discrete column (the label to learn later) every row is conditioned on.",
        ),
    ] = None,
    no_keep_orders: NoKeepOrdersOption = False,
    holdout: Annotated[
        float,
        typer.Option(
            "--holdout",
            help="Share of rows kept out of training (0: every row trains); the model file records the "
            "split, and `evaluate DATA FAKE --model MODEL` scores against the rows held out.",
        ),
    ] = 0.0,
    seed: SeedOption = 0,
) -> None:
    """Learn a generator from real data and save it (safetensors + JSON; no pickle).

    Under `torchrun --nproc-per-node N -m synthloom fit ...` the deep generators train data-parallel;
    rank 0 prints and writes the model file.
    """
    from synthloom.data.constraints import check_rule_columns, load_constraints
    from synthloom.data.io import check_outputs
    from synthloom.data.metadata import Metadata
    from synthloom.registry import table_model_class
    from synthloom.training.settings import check_precision

    main_process_speaks()
    check_precision(precision)  # before the data is read
    check_holdout(holdout)
    check_outputs(model=output, inputs=(data, metadata, constraints))  # before minutes of fitting

    generator_class = table_model_class(model)
    accepted = generator_class.param_names()
    params: dict[str, Any] = {"random_state": seed, **training_length(generator_class, epochs, max_minutes)}
    if "device" in accepted:
        check_device(device)
        params.update(device=device, verbose=True)
    elif device not in ("auto", "cpu"):
        raise ConfigError(f"model {model!r} runs on the CPU only; drop --device")
    if "precision" in accepted:
        params["precision"] = precision
    elif precision != "auto":
        raise ConfigError(f"model {model!r} has no precision setting; drop --precision")
    if target is not None:
        if "target" not in accepted:
            raise ConfigError(f"model {model!r} does not condition on a target; drop --target")
        params["target"] = target
    meta = Metadata.load(metadata) if metadata is not None else None
    rules = load_constraints(constraints) if constraints is not None else None
    split = None
    if _streams(data, stream, generator_class):
        if holdout:  # refused before "fitting ... read in chunks" is printed
            why = "--stream reads it in chunks" if stream else "a file over 1 GiB is read in chunks"
            raise ConfigError(
                f"{data}: --holdout splits a table read whole, and {why}; split the file yourself and give "
                "`evaluate --train`, or drop --holdout"
            )
        console.print(f"fitting {model} on {data}, read in chunks")
        sizes = {} if sample_rows is None else {"sample_rows": sample_rows}
        generator = generator_class(**params).fit_file(
            data, meta, constraints=rules, encoding=encoding, keep_orders=not no_keep_orders, **sizes
        )
    else:
        if sample_rows is not None:  # read whole, every row is learned from
            raise ConfigError(f"{data}: --sample-rows is for a file read in chunks (--stream); drop it")
        frame = numbered_as_in_file(load_input(data, encoding))
        if rules:  # a typo in the rules file is said before "fitting", not after
            check_rule_columns(rules, list(frame.columns))
        if holdout:
            frame, split = _training_rows(data, holdout, frame, generator_class.min_rows, encoding)
        console.print(f"fitting {model} on {len(frame):,} rows x {frame.shape[1]} columns")
        generator = generator_class(**params).fit(
            frame, meta, constraints=rules, keep_orders=not no_keep_orders
        )
    say_column_kinds(learned_kinds(generator))
    say_kept_orders(generator.learned_orders_)
    generator.training_split_ = split  # after the fit, which starts every fit without one
    save_fitted(generator, output)
    console.print(f"saved {model} model to {output}")
    if max_minutes is not None:  # only a model trained in epochs takes --max-minutes
        say_if_time_cut(max_minutes, generator.loss_history_, generator.epochs_planned_)


def _training_rows(
    source: str, holdout: float, table: Any, min_rows: int, encoding: str
) -> tuple[Any, dict[str, Any]]:
    """The rows ``fit --holdout`` trains on: those of ``table`` (read from ``source`` in ``encoding``) it
    does not hold out, checked before the fit starts; and the split (``holdout_record``, with the encoding
    where it is not UTF-8), so that `evaluate --model` judges the model on the rows it never saw, reading
    them as the fit did."""
    from synthloom.data.split import holdout_rows, table_fingerprint

    train, test = holdout_rows(table, holdout, keep_index=True)  # the file's data rows named as it numbers
    if not len(test):
        raise DataError(f"{source}: --holdout {holdout:g} of {len(table):,} rows holds none out; raise it")
    if len(train) < min_rows:
        raise DataError(
            f"{source}: --holdout {holdout:g} leaves {len(train):,} of {len(table):,} rows to train on, and "
            f"the model needs {min_rows}; lower --holdout or give more rows"
        )
    console.print(
        f"holding out {len(test):,} of {len(table):,} rows (--holdout {holdout:g}) for "
        "`synthloom evaluate --model`"
    )
    split = holdout_record(source, holdout, table_fingerprint(table), rows=len(table))
    return train, split if codecs.lookup(encoding).name == "utf-8" else {**split, "encoding": encoding}


def _fitted_encoding(split: dict[str, Any] | None, encoding: str | None) -> str:
    """The encoding `evaluate` reads its CSV files in: ``encoding`` (``--encoding``) where given, else the
    one `fit` read the table split as ``split`` says in (none recorded, or no split: UTF-8)."""
    return encoding or (split or {}).get("encoding", "utf-8")


@app.command(
    "sample",
    epilog=examples(
        "synthloom sample m.synthloom -n 1000000 -o fake.parquet --seed 0",
        "synthloom sample m.synthloom -n 1000 -c income='>50K' -c age=30..40 -o - | head",
    ),
)
@user_errors
def sample_command(
    model_file: Annotated[Path, typer.Argument(help="Model file written by `synthloom fit`.")],
    rows: Annotated[
        str,
        typer.Option(
            "--rows", "-n", metavar="ROWS", help="Number of rows to generate: 1000, 1_000, 1,000 or 1e3."
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="A .csv or .parquet file, a folder for parts (see --format), or - for CSV on stdout.",
        ),
    ],
    condition: Annotated[
        list[str] | None,
        typer.Option(
            "--condition",
            "-c",
            metavar="COLUMN=VALUE",
            help="COLUMN=VALUE for a category (COLUMN= for a missing value), COLUMN=LOW..HIGH for a numeric "
            "range; repeat for several columns.",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="parquet or csv. With a folder as --output (default parquet), rows go to part files "
            "of --part-rows rows; a rerun after an interruption keeps finished parts.",
        ),
    ] = None,
    part_rows: Annotated[
        str,
        typer.Option(
            "--part-rows",
            metavar="ROWS",
            show_default=False,
            help="Rows per part file (folders), written as --rows is; default 1,000,000.",
        ),
    ] = "1e6",
    precision: Annotated[
        str | None,
        typer.Option("--precision", help="auto or float32 (deep generators); default: the model's own."),
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Generate synthetic rows from a saved model, streamed to CSV or Parquet in chunks."""
    from synthloom.data.io import TABLE_SUFFIXES, table_format
    from synthloom.models.base import BaseGenerator, load
    from synthloom.sampling import (
        SUCCESS_FILE,
        parse_condition_options,
        parse_row_count,
        sample_to_file,
        sample_to_parts,
        sample_to_stream,
    )
    from synthloom.training.settings import check_precision

    n = parse_row_count(rows, "-n/--rows")
    conditions = parse_condition_options(condition or [])
    if precision is not None:
        check_precision(precision)  # before the model is read, like the other options
    to_stdout = str(output) == "-"  # CSV rows for a pipe; everything else then goes to stderr
    if to_stdout and output_format not in (None, "csv"):
        raise ConfigError("-o - writes CSV rows to standard output; give a .parquet file name for Parquet")
    single_file = output.suffix.lower() in TABLE_SUFFIXES
    if not single_file and output.suffix and not output.is_dir() and output_format is None:
        raise ConfigError(
            f"{output}: unknown output format {output.suffix!r}; give a .csv or .parquet file, or a folder "
            "for parts (a name without a suffix, an existing folder, or any name with --format)"
        )
    if single_file and output_format is not None and output_format != table_format(output):
        raise ConfigError(f"--format {output_format} does not match the file name {output.name}")
    generator = load(model_file)
    if not isinstance(generator, BaseGenerator):
        other = "image sample" if getattr(generator, "kind", None) == "image" else "detect score"
        raise ModelFileError(f"{model_file}: not a table generator; use `synthloom {other}` with it")
    # read again against the table's names, which may hold "=" or spaces
    conditions = parse_condition_options(condition or [], columns=list(generator.metadata_.columns))
    if precision is not None:
        if "precision" not in generator.get_params():
            raise ConfigError(f"{model_file}: this model has no precision setting; drop --precision")
        generator.precision = precision  # part files record it through the model's fingerprint
    if to_stdout:
        try:
            sample_to_stream(generator, n, sys.stdout, seed=seed, conditions=conditions, console=err_console)
        except BrokenPipeError:
            # the reader stopped early (`| head`): stop quietly with 141 (128 + SIGPIPE), as `yes | head` does
            to_devnull(sys.stdout)
            raise typer.Exit(141) from None
        except KeyboardInterrupt as interrupt:  # "nothing half-written was kept" is no truth for a stream
            err_console.print(
                "interrupted: standard output holds only the rows written so far, fewer than -n"
            )
            raise typer.Exit(interrupt_code(interrupt)) from None
        err_console.print(f"wrote {n:,} synthetic rows to standard output")
        return
    if single_file:
        sample_to_file(generator, n, output, seed=seed, conditions=conditions, console=console)
    else:
        fmt, per_part = output_format or "parquet", parse_row_count(part_rows, "--part-rows", minimum=1)
        finished = (output / SUCCESS_FILE).exists()  # by this run's settings, or refused below
        try:
            sample_to_parts(generator, n, output, fmt, seed, conditions, per_part, console=console)
        except OSError as exc:
            if exc.errno not in FULL_DISK or not (output.is_dir() and any(output.glob("part-*"))):
                raise  # said by `user_errors`
            # said as an interruption is: the parts written are kept, and the run resumes from them
            err_console.print(
                f"[bold red]error:[/] no space left on the device; finished parts are kept in {output}: free "
                "some space and run again to resume",
                highlight=False,
            )
            raise typer.Exit(2) from None
        except KeyboardInterrupt as interrupt:
            if output.is_dir() and any(output.glob("part-*")):
                err_console.print(f"interrupted: finished parts are kept in {output}; run again to resume")
            else:  # before the first part was finished, the run takes its folder away again
                err_console.print(
                    f"interrupted before the first part was finished: nothing was written to {output}"
                )
            raise typer.Exit(interrupt_code(interrupt)) from None
        if finished:  # it said "wrote" as if it had drawn them again
            console.print(f"{output} holds this sample already ({n:,} rows, finished): nothing was drawn")
            return
    console.print(f"wrote {n:,} synthetic rows to {output}")


@app.command(
    "evaluate",
    epilog=examples(
        "synthloom evaluate real.csv fake.csv --train train.csv --target income --report report.html "
        "--json scores.json",
        "synthloom evaluate adult fake.csv --model m.synthloom --target income --report r.html",
    ),
)
@user_errors
def evaluate_command(
    real: Annotated[
        str,
        typer.Argument(
            help="Real rows the generator did not see (.csv/.parquet); with --model, the table it was "
            "fitted on (its file or bundled name), split as `fit --holdout` split it."
        ),
    ],
    synthetic: Annotated[
        Path, typer.Argument(help="Synthetic rows (.csv/.parquet, or a folder of parts `sample` wrote).")
    ],
    train: Annotated[
        Path | None,
        typer.Option(
            "--train",
            help="Real rows the generator was trained on, for privacy: synthetic rows are set against them "
            "and against the real rows (kept out of training); the README's 'Privacy scores' gives each "
            "score's rule.",
        ),
    ] = None,
    model_file: Annotated[
        Path | None,
        typer.Option(
            "--model",
            "-m",
            help="Model file written by `fit --holdout`: REAL is split as that fit split it, its held-out "
            "rows scored against and its training rows taking the place of --train; columns are compared "
            "as the model was fitted with them, unless --metadata is given.",
        ),
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="Column to predict, for utility.")
    ] = None,
    metadata: MetadataOption = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write the HTML report here.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Text encoding of CSV files (e.g. cp1252, as Excel writes; utf-16). Default: utf-8; with "
            "--model, the one `fit` read REAL in.",
            show_default=False,
        ),
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Measure fidelity, detection, diversity, utility and privacy; print a summary, write the report."""
    from synthloom.data.io import check_outputs
    from synthloom.demo import summary_table
    from synthloom.metrics.evaluate import evaluate_files, sampled_text

    # both checked before the evaluation writes the first
    check_outputs(report=report, json_file=json_path, inputs=(real, synthetic, train, metadata, model_file))
    # with --model, the tables the model file's split makes of REAL, else the paths evaluate_files reads
    real_rows: Any = real
    train_rows: Any = train
    sources, held_out, history, split = None, None, None, None
    kinds: Any = metadata  # a file, or with --model and none given, the model's own Metadata
    if model_file is None:
        for given, name in (("", real), ("--train ", train)):
            if name is not None:
                _refuse_bundled_file(given, str(name))
    else:
        if train is not None:
            raise ConfigError(
                "--train and --model both give the training rows (--model splits REAL as fit did); "
                "drop --train, or drop --model and give the rows kept out of training as REAL"
            )
        real_rows, train_rows, held_out, generator = _held_out_rows(model_file, real, encoding)
        split = generator.training_split_  # the encoding fit read REAL in, too
        # the column kinds the model was fitted with (an identifier declared at fit is no category here);
        # a --metadata given now still wins
        kinds = generator.metadata_ if metadata is None else metadata
        history = generator.loss_history_ or None  # the report draws its training curves
        sources = {
            "real": f"{real}: the {len(real_rows):,} rows {model_file} held out ({held_out})",
            "train": f"{real}: the {len(train_rows):,} rows {model_file} was trained on",
        }
    with console.status("evaluating: fidelity, detection, diversity, utility, privacy"):
        result = evaluate_files(
            real_rows,
            synthetic,
            train=train_rows,
            target=target,
            metadata=kinds,
            html_path=report,
            json_path=json_path,
            random_state=seed,
            encoding=_fitted_encoding(split, encoding),
            sources=sources,
            loss_history=history,
        )
    title = f"{synthetic} against {real}"
    if held_out is not None:
        title = (
            f"{result.info['synthetic_rows']:,} synthetic rows against {len(real_rows):,} held-out real "
            f"rows of {real} ({held_out})"
        )
    console.print(summary_table(result, title))
    if result.info["sampled"]:
        console.print(sampled_text(result.info["sampled"]), highlight=False, soft_wrap=True)
    for warning in result.warnings:  # one line each, also in a log of 80 columns
        say_warning(warning)
    for path in (report, json_path):
        if path is not None:
            console.print(f"wrote {path}")


def _refuse_bundled_file(option: str, name: str) -> None:
    """Refuse a bundled table's name where ``evaluate`` (without --model) reads a file: which of its rows
    a model did not see is known only to a fit that held some out. ``option``: "" for REAL, "--train "."""
    if bundled_table(name, "`synthloom evaluate`") is not None:  # an image set is refused as such
        raise ConfigError(
            f"{option}{name} is a bundled data set, not a file: to score a model on its rows the model did "
            f"not see, fit it with `synthloom fit {name} --holdout 0.2 -o m.synthloom` and evaluate with "
            f"`synthloom evaluate {name} FAKE --model m.synthloom` (or give .csv/.parquet files)"
        )


def _held_out_rows(model_file: Path, source: str, encoding: str | None) -> tuple[Any, Any, str, Any]:
    """The (held-out, training) rows of ``source`` as the fit that wrote ``model_file`` split them, that
    split's share as an option (``--holdout 0.3``), and the model (its ``metadata_``: the kinds it was given,
    the others as it inferred them; its ``loss_history_``). Refused: a model that held nothing out, and a
    table other than the one fitted (its content's digest differs), whose held-out rows are not known."""
    from synthloom.data.split import holdout_rows, table_fingerprint
    from synthloom.models.base import BaseGenerator, load

    generator = load(model_file)  # before the table is read: its refusals cost nothing
    if not isinstance(generator, BaseGenerator):
        other = "image evaluate" if getattr(generator, "kind", None) == "image" else "detect score"
        raise ModelFileError(f"{model_file}: not a table generator; use `synthloom {other}` with it")
    split = generator.training_split_
    if split is None or not float(split.get("holdout", 0)):
        raise ConfigError(
            f"{model_file} was fitted with --holdout 0 (the default): it trained on every row it was given, "
            "so none is left to judge it on; fit it again with --holdout 0.2, or give the real rows it did "
            "not see and --train files without --model"
        )
    table = load_input(source, _fitted_encoding(split, encoding), "`synthloom evaluate`")
    state = fitted_state(split, source, lambda: table_fingerprint(table))
    if state != "same":
        then, now = int(split["rows"]), len(table)
        # the same count says nothing of which differs: then it is the values
        sizes = f"the same {now:,} rows, other values" if then == now else None
        why = (
            f"changed since `fit` read it ({sizes or f'{then:,} rows then, {now:,} now'})"
            if state == "changed"
            else f"not the table {model_file} was fitted on ({split['source']}: "
            f"{sizes or f'{then:,} rows; {now:,} here'})"
        )
        raise DataError(
            f"{source}: {why}, so the rows it held out are not known; give the table it was fitted on, or "
            "real rows and --train files without --model"
        )
    holdout = float(split["holdout"])
    train, test = holdout_rows(table, holdout, int(split["seed"]))
    return test, train, f"--holdout {holdout:g}", generator


@app.command("models", epilog=examples("synthloom models"))
@user_errors
def models_command() -> None:
    """List the available generators."""
    from synthloom.registry import list_models, model_class

    table = Table(title="Generators")
    table.add_column("name")
    table.add_column("data")
    table.add_column("what it is")
    for name in list_models():
        cls = model_class(name)
        summary = (cls.__doc__ or "").strip().split("\n\n")[0]  # the first paragraph, whole
        doc = " ".join(summary.split()).replace("``", "")
        kind = getattr(cls, "kind", "table")
        table.add_row(name, "images (synthloom image fit)" if kind == "image" else "tables", doc)
    table.add_row("auto", "tables", "ddpm: the best quality in the benchmark (what `synthloom demo` fits)")
    console.print(table)


@app.command("demo", epilog=examples("synthloom demo --dataset adult --model copula -o out"))
@user_errors
def demo_command(
    dataset: Annotated[str, typer.Option("--dataset", help="Bundled data set to learn from.")] = "default",
    model: Annotated[
        str,
        typer.Option("--model", "-m", help="Generator name (auto: ddpm, the best quality in the benchmark)."),
    ] = "auto",
    out: Annotated[
        Path,
        typer.Option(
            "--output",
            "--out",
            "-o",
            help="Folder for synthetic.csv, report.html, scores.json, model.synthloom.",
        ),
    ] = Path("out"),
    epochs: EpochsOption = None,
    max_minutes: MaxMinutesOption = None,
    seed: SeedOption = 0,
) -> None:
    """End to end on bundled real data: fit, sample, evaluate, write outputs, print a summary."""
    from synthloom.demo import run_demo
    from synthloom.registry import table_model_class

    settings = training_length(table_model_class(model), epochs, max_minutes)
    run_demo(dataset=dataset, model=model, out=out, seed=seed, console=console, settings=settings)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    stop_on_sigterm()
    app(args=argv if argv is not None else sys.argv[1:], prog_name="synthloom")
