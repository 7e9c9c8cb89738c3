"""``synthloom augment``: balance classes with synthetic rows, and measure whether it helps.

Registered on the main app by ``cli.py``; errors and exit codes follow ``synthloom.cli_support``.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from synthloom.cli_support import (
    ConstraintsOption,
    EncodingOption,
    EpochsOption,
    MaxMinutesOption,
    MetadataOption,
    NoKeepOrdersOption,
    SeedOption,
    bundled_target,
    console,
    examples,
    load_input,
    numbered_as_in_file,
    say_kept_orders,
    training_length,
    user_errors,
)
from synthloom.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

    from synthloom.augmentation import AugmentationEvaluation


def parse_rows_per_class(options: list[str]) -> dict[str, int]:
    """``["Yes=500", "3=20"]`` -> ``{"Yes": 500, "3": 20}`` (classes match the target by their text)."""
    plan: dict[str, int] = {}
    for option in options:
        label, sep, count = option.rpartition("=")
        if not sep or not label:
            raise ConfigError(f"--rows-per-class takes CLASS=N, e.g. Yes=500; got {option!r}")
        try:
            plan[label] = int(count)
        except ValueError:
            raise ConfigError(f"--rows-per-class {option!r}: N must be a whole number") from None
    return plan


def _over_seeds(seeds: int) -> str:
    return f"mean ± std over {seeds} seeds" if seeds > 1 else "one seed: no spread measured"


def result_table(result: AugmentationEvaluation, title: str | None = None) -> Table:
    """Mean ± standard deviation over seeds of each metric, one row per method, best PR-AUC in bold."""
    from synthloom.augmentation import METRIC_LABELS, METRICS, class_text, mean_and_spread

    summary = result.summary()
    classes = ", ".join(class_text(c) for c in result.rare_classes)
    table = Table(
        title=title or f"Minority-class scores on held-back real rows ({result.target}: {classes})",
        caption=_over_seeds(result.scores["seed"].nunique())
        + f"; generator: {result.model}"
        + (", one per class" if result.info.get("per_class") else ", conditional on the class"),
    )
    table.add_column("method", no_wrap=True)
    for metric in METRICS:
        table.add_column(METRIC_LABELS[metric], justify="right")
    best = summary["pr_auc_mean"].idxmax()
    for index, row in summary.iterrows():
        cells = [mean_and_spread(row[f"{m}_mean"], row[f"{m}_std"]) for m in METRICS]
        if index == best:
            cells[0] = f"[bold]{cells[0]}[/]"
        table.add_row(SHORT_LABELS[row["method"]], *cells)
    return table


def recognition_line(recognition: pd.DataFrame) -> str:
    """The class check in a line (``AugmentationEvaluation.recognition``): classes apart by semicolons,
    since each class's two shares are apart by a comma.

    Example:
        >>> recognition_line(result.recognition)
        'recognised as their class by a classifier of real rows: class 1: 30% of synthetic rows, 50% of ...'
    """
    from synthloom.augmentation import class_text

    shares = "; ".join(
        f"class {class_text(row['class'])}: {row['synthetic_recognised']:.0%} of synthetic rows, "
        f"{row['real_recognised']:.0%} of real ones"
        for row in recognition.to_dict("records")
    )
    return f"recognised as their class by a classifier of real rows: {shares}"


SHORT_LABELS = {"none": "real only", "random": "+ random", "smote": "+ SMOTE", "synthloom": "+ synthloom"}
DataArgument = Annotated[
    str,
    typer.Argument(
        help="Real data: a .csv/.parquet file or a bundled table (`synthloom datasets`), e.g. default, adult."
    ),
]


AUGMENT_EXAMPLES = examples(
    "synthloom augment data.csv --target y --ratio 0.5 -o augmented.csv --mark-synthetic",
    "synthloom augment default --ratio 0.5 --evaluate --seeds 5 --report augment.html",
)


@user_errors
def augment_command(
    data: DataArgument,
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="Class column (a bundled data set's own by default).")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write real + synthetic rows here (.csv/.parquet).")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", "-m", help="Generator name (see `synthloom models`).")
    ] = "ddpm",
    ratio: Annotated[
        float | None,
        typer.Option(
            "--ratio", help="Bring each class below RATIO x the largest class up to it (default 1)."
        ),
    ] = None,
    rows_per_class: Annotated[
        list[str] | None,
        typer.Option(
            "--rows-per-class",
            metavar="CLASS=N",
            help="CLASS=N: add N synthetic rows of CLASS; repeat for several.",
        ),
    ] = None,
    mark_synthetic: Annotated[
        bool, typer.Option("--mark-synthetic", help="Add a boolean column 'is_synthetic'.")
    ] = False,
    per_class: Annotated[
        bool | None,
        typer.Option(
            "--per-class/--conditional",
            help="One generator per class grown, learned from its rows only; or one generator on all rows, "
            "sampled conditionally on the class. Default: per class for copula, conditional otherwise.",
        ),
    ] = None,
    evaluate: Annotated[
        bool,
        typer.Option("--evaluate", help="Measure the gain against no augmentation, random copies and SMOTE."),
    ] = False,
    seeds: Annotated[
        int | None, typer.Option("--seeds", help="Seeds (splits) to evaluate over (default 5).", min=1)
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write the HTML evaluation here.")] = None,
    epochs: EpochsOption = None,
    max_minutes: MaxMinutesOption = None,
    metadata: MetadataOption = None,
    constraints: ConstraintsOption = None,
    no_keep_orders: NoKeepOrdersOption = False,
    encoding: EncodingOption = "utf-8",
    seed: SeedOption = 0,
) -> None:
    """Add synthetic rows of rare classes with a conditional generator; optionally prove they help."""
    from synthloom.augmentation import (
        DEFAULT_SEEDS,
        KEPT_UNGROWN,
        LEFT_OUT,
        MissingTargetWarning,
        RecognitionWarning,
        augment,
        check_evaluable,
        check_splits,
        class_counts,
        class_text,
        evaluate_augmentation,
        fits_per_class,
        marker_name,
        missing_target_text,
        orders_kept,
        plan_rows,
        with_progress,
    )
    from synthloom.data.constraints import check_rule_columns, load_constraints
    from synthloom.data.io import check_outputs, table_format, whole_numbers, write_table
    from synthloom.data.metadata import Metadata, learned_metadata, parquet_values
    from synthloom.errors import DataWarning
    from synthloom.registry import table_model_class

    if output is None and not evaluate:
        raise ConfigError("nothing to do: give -o OUT for the augmented table, or --evaluate, or both")
    if report is not None and not evaluate:
        raise ConfigError("--report writes the evaluation: add --evaluate")
    if seeds is not None and not evaluate:
        raise ConfigError("--seeds sets how many splits the evaluation runs: add --evaluate")
    seeds = seeds or DEFAULT_SEEDS
    # both outputs are checked before the fit: the table is written before the evaluation's report
    check_outputs(output, report=report, inputs=(data, metadata, constraints))
    # an unknown model, an image generator, or --epochs / --max-minutes for one without epochs: refused
    # before any work; the budget is each fit's (one per class grown, per seed with --evaluate)
    params = training_length(table_model_class(model), epochs, max_minutes)
    # read before --target is asked for: a misspelt name or a model file was answered "give --target"
    frame = numbered_as_in_file(load_input(data, encoding))  # a rule's warning names rows as the file does
    target = target or bundled_target(data)
    if target is None:
        raise ConfigError("give the class column with --target")
    marker_name(frame, mark_synthetic)  # a marker column the data holds is refused before "fitting"
    per_class_rows = parse_rows_per_class(rows_per_class) if rows_per_class else None
    kinds = Metadata.load(metadata) if metadata is not None else None
    counts = class_counts(frame, target, kinds)
    plan = plan_rows(counts, ratio, per_class_rows, target)  # refused before any work
    if evaluate:  # before the table is written: the command would end in these errors
        check_evaluable(plan, target)
        check_splits(
            frame, target, ratio=ratio, rows_per_class=per_class_rows, seeds=seeds, random_state=seed
        )
    fates = [KEPT_UNGROWN] * (output is not None) + [LEFT_OUT] * evaluate
    missing = missing_target_text(frame, target, fates)
    if missing is not None:  # said once for both steps, here, in place of each step's own warning
        warnings.warn(missing, DataWarning, 1)
    warnings.simplefilter("ignore", MissingTargetWarning)  # user_errors restores the filters
    strategy: dict[str, Any] = {
        "ratio": ratio,
        "rows_per_class": per_class_rows,
        "per_class": per_class,
        "metadata": kinds,
        "constraints": load_constraints(constraints) if constraints is not None else None,
        "keep_orders": not no_keep_orders,
    }
    if strategy["constraints"]:  # a typo in the rules file is said before "fitting", not after
        check_rule_columns(strategy["constraints"], list(frame.columns))
    if output is not None:
        if plan:  # no class needing rows: nothing is fitted
            if fits_per_class(model, per_class):  # one model per class to grow, on that class's rows
                grown = ", ".join(f"{class_text(label)} ({counts[label]:,} rows)" for label in plan)
                console.print(f"fitting {model} per class: {grown}, {frame.shape[1]} columns")
            else:
                console.print(f"fitting {model} on {len(frame):,} rows x {frame.shape[1]} columns")
        both = augment(
            frame,
            target,
            model,
            **strategy,
            model_params=with_progress(model, params),
            mark_synthetic=mark_synthetic,
            random_state=seed,
        )
        if plan and not no_keep_orders:  # said after the fit, as `fit` says it: a bad rule is refused first
            orders = orders_kept(frame, target, kinds, strategy["constraints"])
            say_kept_orders([order.name for order in orders])
        # as `synthloom sample` writes a model's integer columns: the real table's whole numbers stay
        # whole ("4", not "4.0") where its synthetic rows are whole too; a CSV keeps the real file's delimiter
        # and its numbers' text ("26.00", not "26.0") as the model's metadata has them, as `sample` writes
        # them (a form or delimiter declared in --metadata wins; a flag column is written as its flags)
        integers = [name for name in frame.columns if whole_numbers(frame[name])]
        learned = learned_metadata(frame, strategy["metadata"])
        written = {"sep": learned.csv_sep, "texts": learned.csv_texts(), "bom": learned.csv_bom}
        if table_format(output) == "parquet":  # as `sample` writes Parquet: a CSV's "$1,638.23" as a number
            both = parquet_values(both, learned)
        write_table(both, output, integers=integers, **written)
        added = both.iloc[len(frame) :][target].value_counts()
        console.print(f"wrote {len(frame):,} real + {added.sum():,} synthetic rows to {output}")
        if len(added):
            grown = ", ".join(f"{class_text(label)}: {n:,}" for label, n in added.items())
            console.print(f"synthetic rows per class: {grown}")
    if evaluate:
        if output is not None:
            # the written rows' class check has warned already, and the verdict below names every class
            # whose rows the evaluation's check doubts: its own warning said the same a second time
            warnings.simplefilter("ignore", RecognitionWarning)
        result = evaluate_augmentation(
            frame,
            target,
            model,
            **strategy,
            seeds=seeds,
            model_params=params,
            random_state=seed,
            verbose=True,
        )
        console.print(result_table(result))
        console.print(result.verdict, highlight=False)
        if not result.recognition.empty:
            console.print(recognition_line(result.recognition), highlight=False)
        if report is not None:
            result.to_html(report)
            console.print(f"wrote {report}")
