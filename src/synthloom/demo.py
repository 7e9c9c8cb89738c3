"""``synthloom demo``: the whole job on a bundled real data set, end to end.

Split the real rows 70/30, learn the generator on the 70%, sample as many synthetic rows, evaluate them
against the held-back 30% (fidelity, detection, diversity, utility on the data set's target, privacy),
write ``synthetic.csv``, ``report.html``, ``scores.json`` and the model file, and print a summary.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from synthloom import datasets
from synthloom.cli_support import say_warning
from synthloom.data.io import check_writable, write_table
from synthloom.datasets._registry import table_info
from synthloom.metrics.evaluate import evaluate
from synthloom.metrics.result import decimal_text
from synthloom.registry import table_model_class, target_params
from synthloom.report.report import Report

VERDICT_STYLE = {"good": "green", "fair": "yellow", "poor": "red"}


def split_rows(frame: pd.DataFrame, test_share: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shuffle and split into (train, test) with ``test_share`` of the rows held back."""
    shuffled = frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    n_test = round(len(shuffled) * test_share)
    return shuffled.iloc[n_test:].reset_index(drop=True), shuffled.iloc[:n_test].reset_index(drop=True)


def run_demo(
    dataset: str,
    model: str,
    out: Path,
    seed: int,
    console: Console,
    settings: Mapping[str, Any] | None = None,
) -> Report:
    """Fit, sample, evaluate and write every output; returns the report. ``settings`` go to the model
    (``{"epochs": 20}``), on top of the seed and the data set's target.

    Example:
        >>> run_demo("default", "copula", Path("out"), seed=0, console=Console())
    """
    info = table_info(dataset, "the demo")
    generator_class = table_model_class(model)  # an image generator is refused before the data is read
    check_writable(out, folder=True)  # refused before minutes of fitting, not after
    real = datasets.load(dataset).drop(columns=list(info.leaky_columns), errors="ignore")
    train, test = split_rows(real, test_share=0.3, seed=seed)
    console.print(f"[bold]{info.name}[/]: {info.description} ({len(real):,} rows, target {info.target!r})")
    params: dict[str, Any] = {
        "random_state": seed,
        **target_params(model, train, info.target),
        **(settings or {}),
    }
    if "verbose" in generator_class().get_params():
        params["verbose"] = True
    start = time.perf_counter()
    with console.status(f"fitting {model} on {len(train):,} training rows"):
        generator = generator_class(**params).fit(train)
    fit_seconds = time.perf_counter() - start
    synthetic = generator.sample(len(train))
    with console.status("evaluating: fidelity, detection, diversity, utility, privacy"):
        report = evaluate(
            test,
            synthetic,
            train=train,
            target=info.target,
            loss_history=generator.loss_history_ or None,
            random_state=seed,
        )
    report.info |= {"dataset": info.name, "model": generator.model_name}  # the page says what made the rows
    out.mkdir(parents=True, exist_ok=True)
    write_table(synthetic, out / "synthetic.csv")
    generator.save(out / "model.synthloom")
    report.to_json(out / "scores.json")
    report.to_html(out / "report.html")
    console.print(
        summary_table(report, f"{generator.model_name} on {info.name}: fitted in {fit_seconds:.1f} s")
    )
    for warning in report.warnings:
        say_warning(warning, console)
    console.print(
        f"wrote {out / 'synthetic.csv'}, {out / 'report.html'}, {out / 'scores.json'}, "
        f"{out / 'model.synthloom'}"
    )
    return report


def summary_table(report: Report, title: str) -> Table:
    """One row per metric family: headline score, verdict and what it means."""
    table = Table(title=title, show_lines=False)
    for column in ("family", "score", "value", "family verdict", "meaning"):
        table.add_column(column, overflow="fold")
    for name, result in report.families.items():
        headline = result.headline
        if result.not_computed or headline is None:
            table.add_row(name, "-", "-", "not computed", f"because {result.not_computed}")
            continue
        value = "n/a" if headline.value is None else decimal_text(headline.value, 3)
        if headline.verdict != result.verdict:  # the number keeps its own verdict; the meaning says why
            value += f" ({headline.verdict})"
        style = VERDICT_STYLE.get(result.verdict, "")
        verdict = f"[{style}]{result.verdict}[/]" if style else result.verdict
        if result.concern is not None:  # "0.877 (good)" beside "poor": the score that made it poor, named
            verdict += f", set by {result.concern.label}"
        table.add_row(name, headline.label, value, verdict, result.summary_meaning)
    return table
