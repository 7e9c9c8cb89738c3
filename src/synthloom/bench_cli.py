"""``synthloom bench``: generators x data sets, one resumable table (terminal, CSV, HTML).

Registered on the main app as ``synthloom bench``; errors and exit codes follow ``synthloom.cli_support``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synthloom.bench_defaults import DEFAULT_EPOCHS
from synthloom.cli_support import EncodingOption, SeedOption, console, examples, user_errors
from synthloom.errors import ConfigError

_DEFAULTS = "default per generator: " + ", ".join(f"{name} {count}" for name, count in DEFAULT_EPOCHS.items())


def _names(text: str, what: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise ConfigError(f"--{what} needs at least one name (comma-separated)")
    return names


BENCH_EXAMPLES = examples(
    "synthloom bench --models copula,ddpm --datasets claims.csv --target fraud --rows 0 -o bench_out"
)


@user_errors
def bench_command(
    models: Annotated[
        str, typer.Option("--models", "-m", help="Generators, comma-separated (see `synthloom models`).")
    ] = "ctgan,tvae,ddpm",
    datasets: Annotated[
        str,
        typer.Option(
            "--datasets", "-d", help="Bundled data set names and/or .csv/.parquet paths, comma-separated."
        ),
    ] = "adult,default,loans",
    target: Annotated[
        str | None,
        typer.Option(
            "--target", "-t", help="Target column of the files (bundled sets use their own); no TSTR without."
        ),
    ] = None,
    epochs: Annotated[
        int | None, typer.Option("--epochs", help=f"Epochs of every deep generator ({_DEFAULTS}).", min=1)
    ] = None,
    max_minutes: Annotated[
        float,
        typer.Option(
            "--max-minutes",
            help="Training limit per run; the run is killed at 2x this + 2 minutes.",
            min=0.01,
        ),
    ] = 4.0,
    rows: Annotated[
        int,
        typer.Option("--rows", help="Real rows kept per data set before the 70/30 split (0 = all).", min=0),
    ] = 10_000,
    out: Annotated[
        Path,
        typer.Option("--output", "--out", "-o", help="Folder for results.jsonl, results.csv and bench.html."),
    ] = Path("bench_out"),
    peers: Annotated[
        str | None,
        typer.Option("--peers", help="Add peer generators: sdv (SDV's CTGAN, TVAE, GaussianCopula)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Run again the runs already recorded in --output.")
    ] = False,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Run again the recorded runs that failed.")
    ] = False,
    seed: SeedOption = 0,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Benchmark generators on data sets: fit/sample time, peak memory, quality, detection, TSTR/TRTR, DCR.

    Finished runs are kept in OUTPUT/results.jsonl: a second call skips them, so an interrupted benchmark
    resumes where it stopped. Exit code 1 when any run of the call failed (the others are still recorded).
    """
    from synthloom import bench
    from synthloom.data.io import check_writable

    check_writable(out, folder=True)  # before the runs, not after them
    runs = bench.plan_runs(
        _names(models, "models"),
        _names(datasets, "datasets"),
        epochs=epochs,
        max_minutes=max_minutes,
        rows=rows,
        seed=seed,
        target=target,
        peers=_names(peers, "peers") if peers else (),
        encoding=encoding,
    )
    results = bench.run_benchmark(runs, out, force=force, retry_failed=retry_failed, console=console)
    title = f"synthloom bench ({out / bench.RESULTS_FILE})"
    console.print(bench.results_table(results, title, width=console.width))
    for error in bench.run_errors(results):
        console.print(f"[red]{error}[/]", highlight=False)
    for note in bench.utility_notes(results) + bench.task_notes(results):
        console.print(note, highlight=False)
    console.print(
        "DCR share: synthetic rows closer to a train row than to a test row (in brackets: the test rows' own "
        "share, the level without memorisation). TSTR / TRTR: gradient boosting's ROC-AUC (AUC), or R² for a "
        "target predicted as a number, on the test rows, trained on synthetic / real rows."
    )
    console.print(f"wrote {out / 'results.csv'}, {out / 'bench.html'}")
    recorded = bench.ResultStore(out / bench.RESULTS_FILE).records()
    failed = sum(1 for run in runs if recorded.get(run.key, {}).get("error"))
    if failed:  # a script that runs the benchmark must see it did not measure everything
        console.print(
            f"[red]{failed} of {len(runs)} runs failed[/]: their errors are under the table and in "
            f"{out / 'results.csv'}; --retry-failed runs them again"
        )
        raise typer.Exit(1)
