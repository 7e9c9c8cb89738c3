"""The benchmark's HTML page: the results table, quality against fit time, and one bar chart per measure.

Self-contained like the evaluation report (inline CSS and PNG figures, no script, no network). It takes the
plain results table of ``synthloom.bench`` (one row per run), so it knows nothing of models or processes.
Several runs of one model on one data set (another seed, epochs, row count ...) are told apart everywhere by
the labels of ``synthloom.bench.run_labels``: "copula (seed 1)".
"""

from __future__ import annotations

import html
import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib import colormaps

from synthloom.bench import run_labels, task_notes, utility_notes
from synthloom.report.html import page
from synthloom.report.plots import figure, to_png

# (column, axis label, one sentence on how to read it); TSTR / TRTR is computed from two columns
MEASURES = (
    ("quality", "SDMetrics quality", "1 = columns and column pairs distributed as in the real test rows."),
    ("detection_auc", "detection ROC-AUC", "0.5 = a classifier cannot tell synthetic rows from real ones."),
    ("utility_ratio", "TSTR / TRTR", "1 = a model trained on synthetic rows does as well as on real rows."),
    (
        "dcr_share",
        "DCR share",
        "Share closer to a train row than to a test row; the dashes: the same share for the run's test rows.",
    ),
    ("fit_s", "fit seconds", "Wall-clock training time (the machine may have been shared)."),
    ("peak_mb", "peak memory MB", "Peak resident memory of the run's process while fitting and sampling."),
)
COLUMNS = {
    "dataset": "data set",
    "label": "model",
    "epochs_run": "epochs",
    "train_rows": "train rows",
    "fit_s": "fit s",
    "sample_s": "sample s",
    "peak_mb": "peak MB",
    "quality": "quality",
    "detection_auc": "detection AUC",
    "tstr": "TSTR",
    "trtr": "TRTR",
    "utility_metric": "metric",
    "dcr_share": "DCR share",
    "dcr_share_holdout": "DCR share, test rows",
    "wall_s": "wall s",
}


def render(results: pd.DataFrame) -> str:
    """The whole page for the benchmark's results table (``synthloom.bench.run_benchmark``'s return).

    Example:
        >>> page = render(run_benchmark(plan_runs(["copula"], ["default"]), Path("out")))
        >>> page.startswith("<!DOCTYPE html>")
        True
    """
    ok, failed = _split(results)
    body = [
        "<h1>synthloom bench</h1>",
        f'<p class="lead">{len(results)} runs ({len(failed)} failed), written '
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Each run fits one generator on the train part of one data "
        "set (70%, seeded and stratified on the target), samples as many rows, and is scored against the "
        "held-back 30% with synthloom's metrics. Each run has a process of its own.</p>",
        _settings(results),
        "<h2>Results</h2>",
        _table(ok),
        *(f"<p>{html.escape(note)}</p>" for note in utility_notes(results) + task_notes(results)),
        _failures(failed),
    ]
    if not ok.empty:
        body += [
            "<h2>Quality against training time</h2>",
            _image(_quality_vs_time(ok), "quality against fit time per data set"),
            "<h2>Each measure</h2>",
        ]
        body += [
            _image(_bars(ok, column, label), label) + f"<p>{html.escape(meaning)}</p>"
            for column, label, meaning in MEASURES
        ]
    return page("synthloom bench", body)


def _split(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    results = results.copy()
    results["label"] = run_labels(results)  # before the paths become names: it tells apart equal names
    results["dataset"] = [Path(str(d)).name for d in results["dataset"]]
    failed = results["error"].notna() if "error" in results else pd.Series(False, index=results.index)
    ok = results[~failed].copy()
    if not ok.empty:
        ok["utility_ratio"] = pd.to_numeric(ok["tstr"], errors="coerce") / pd.to_numeric(
            ok["trtr"], errors="coerce"
        )
    return ok.sort_values(["dataset", "model"], kind="stable"), results[failed]


def _settings(results: pd.DataFrame) -> str:
    parts = []
    for column, label in (
        ("rows", "rows kept per data set, at most"),
        ("max_minutes", "training limit, minutes"),
    ):
        if column in results:
            values = sorted({"all" if _blank(v) else f"{v:g}" for v in results[column]})
            parts.append(f"{label}: {', '.join(values)}")
    if "seed" in results:
        parts.append(f"seed: {', '.join(str(int(v)) for v in sorted(set(results['seed'].dropna())))}")
    return f"<p>{html.escape('; '.join(parts))}</p>" if parts else ""


def _table(ok: pd.DataFrame) -> str:
    shown = [c for c in COLUMNS if c in ok]
    head = "".join(f"<th>{html.escape(COLUMNS[c])}</th>" for c in shown)
    rows = "".join(
        "<tr>" + "".join(_cell(record[c], c) for c in shown) + "</tr>" for record in ok.to_dict("records")
    )
    return f"<table><tr>{head}</tr>{rows}</table>"


def _cell(value: object, column: str) -> str:
    if isinstance(value, str):
        return f"<td>{html.escape(value)}</td>"
    if _blank(value):
        return '<td class="num">-</td>'
    if column.startswith("dcr"):
        text = f"{value:.1%}"
    elif column in ("fit_s", "sample_s", "wall_s"):
        text = f"{value:.1f}"
    elif column in ("peak_mb", "epochs_run", "train_rows"):
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3f}"
    return f'<td class="num">{text}</td>'


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _failures(failed: pd.DataFrame) -> str:
    if failed.empty:
        return ""
    items = "".join(
        f"<li><b>{html.escape(str(r['label']))}</b> on {html.escape(str(r['dataset']))}: "
        f"{html.escape(str(r['error']))}</li>"
        for r in failed.to_dict("records")
    )
    return f'<h3>Failed runs</h3><div class="warnings"><ul>{items}</ul></div>'


def _image(png: str, alt: str) -> str:
    return f'<figure><img src="data:image/png;base64,{png}" alt="{html.escape(alt)}"></figure>'


def _colours(labels: list[str]) -> dict[str, tuple]:
    palette = colormaps["tab10" if len(labels) <= 10 else "tab20"]
    return {label: palette(i % palette.N) for i, label in enumerate(labels)}


def _series(ok: pd.DataFrame) -> list[str]:
    """Run labels in legend order: by model, then in the order the runs were recorded."""
    return list(dict.fromkeys(ok.sort_values("model", kind="stable")["label"]))


def _quality_vs_time(ok: pd.DataFrame) -> str:
    """One panel per data set: SDMetrics quality (y) against fit seconds (x), one point per run."""
    names = list(dict.fromkeys(ok["dataset"]))
    colours = _colours(_series(ok))
    fig = figure(3.6 * len(names) + 0.4, 3.4)
    axes = np.atleast_1d(fig.subplots(1, len(names), squeeze=False)).ravel()
    for ax, name in zip(axes, names, strict=True):
        part = ok[ok["dataset"] == name]
        for record in part.to_dict("records"):
            ax.scatter(record["fit_s"], record["quality"], s=40, color=colours[record["label"]])
            ax.annotate(
                record["label"],
                (record["fit_s"], record["quality"]),
                fontsize=7,
                xytext=(4, 3),
                textcoords="offset points",
            )
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("fit seconds", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.margins(0.2)
    axes[0].set_ylabel("SDMetrics quality", fontsize=8)
    return to_png(fig)


def _bars(ok: pd.DataFrame, column: str, label: str) -> str:
    """Grouped bars: one group per data set, one bar per run label (missing values drawn as no bar)."""
    names = list(dict.fromkeys(ok["dataset"]))
    series = _series(ok)
    colours = _colours(series)
    width = 0.8 / len(series)
    fig_width = max(5.0, 1.4 * len(names) * max(1, len(series) / 3))
    fig = figure(fig_width, 3.0)
    ax = fig.add_subplot()
    by_run = ok.set_index(["dataset", "label"])
    for i, run in enumerate(series):
        positions = np.arange(len(names)) - 0.4 + width * (i + 0.5)
        ax.bar(positions, _heights(by_run[column], names, run), width=width, color=colours[run], label=run)
        if column == "dcr_share":  # the run's level without memorisation (its own split: seed and rows)
            holdout = _heights(by_run["dcr_share_holdout"], names, run)
            ax.hlines(holdout, positions - width / 2, positions + width / 2, colors="black", linestyles="--")
    ax.set_xticks(np.arange(len(names)), names, fontsize=8)
    ax.set_ylabel(label, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    # as many legend columns as fit the figure's width: labels with settings ("ctgan (epochs 50, seed 1)")
    # in one row would run past its edges (an entry takes about 0.06 inch per character at size 7)
    entry_in = 0.4 + 0.06 * max(len(run) for run in series)
    ncols = max(1, min(len(series), 6, int(fig_width / entry_in)))
    ax.legend(fontsize=7, ncols=ncols, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return to_png(fig)


def _heights(values: pd.Series, names: list[str], run: str) -> list[float]:
    """One run's values (indexed by data set and label) on each data set; NaN where it has none."""
    return [pd.to_numeric(values.get((name, run), np.nan), errors="coerce") for name in names]
