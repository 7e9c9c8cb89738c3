"""The HTML page of an augmentation evaluation: verdict, scores per method with their spread, paired gains.

Same look as the quality report (its CSS and page helpers), one self-contained file, no script.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from synthloom.data.io import atomic_write_text
from synthloom.metrics.result import decimal_text
from synthloom.report import plots
from synthloom.report.html import _badge, _e, _figure, _frame_table, page

if TYPE_CHECKING:
    from synthloom.augmentation import AugmentationEvaluation

METHOD_COLORS = {
    "none": plots.REAL,
    "random": "#8a909c",
    "smote": plots.HOLDOUT,
    "synthloom": plots.SYNTHETIC,
}


def metric_bars(result: AugmentationEvaluation) -> str:
    """One panel per metric: mean over seeds per method (a point), error bars one standard deviation."""
    from synthloom.augmentation import METHOD_LABELS, METRIC_LABELS, METRICS

    summary = result.summary()
    fig = plots.figure(3.0 * len(METRICS), 3.0)
    axes = fig.subplots(1, len(METRICS))
    positions = np.arange(len(summary))
    colors = [METHOD_COLORS.get(m, "#999999") for m in summary["method"]]
    for ax, metric in zip(axes, METRICS, strict=True):
        means, spreads = summary[f"{metric}_mean"], summary[f"{metric}_std"]
        # points, not bars: the axis is zoomed on the values, and a bar's length would then mislead
        for x, mean, spread, color in zip(positions, means, spreads, colors, strict=True):
            shown = None if np.isnan(spread) else spread  # one seed: a point, no whisker
            ax.errorbar(x, mean, yerr=shown, fmt="o", color=color, capsize=5, markersize=7, linewidth=1.4)
        ax.set_xlim(-0.6, len(positions) - 0.4)
        ax.grid(axis="y", alpha=0.3)
        # named as the table above names them: "none" there read "real rows only" here
        ax.set_xticks(
            positions, [METHOD_LABELS[m] for m in summary["method"]], fontsize=8, rotation=20, ha="right"
        )
        ax.set_title(f"minority {METRIC_LABELS[metric]}", fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
    return plots.to_png(fig)


def render(result: AugmentationEvaluation) -> str:
    """The whole page as one string."""
    sections = [
        _header(result),
        _scores(result),
        _gains(result),
        _recognition(result),
        _per_seed(result),
        _method(result),
    ]
    return page("Augmentation report", sections)


def write_augmentation_report(result: AugmentationEvaluation, path: str | Path) -> Path:
    """Write the page to ``path`` atomically; returns the path."""
    path = Path(path)
    atomic_write_text(path, render(result))
    return path


def _header(result: AugmentationEvaluation) -> str:
    from synthloom.augmentation import class_text

    info = result.info
    classes = ", ".join(class_text(c) for c in result.rare_classes)
    counts = ", ".join(f"{k}: {v:,}" for k, v in info.get("real_counts", {}).items())
    verdict = result.grade
    return (
        "<header><h1>Class balancing: do synthetic rows help?</h1>"
        f'<p class="lead">Target “{_e(result.target)}” ({_e(counts)} real rows); rare classes scored: '
        f"{_e(classes)}. Strategy: {_e(info.get('strategy', ''))}. Generator: {_e(result.model)}"
        f"{_e(_params(info))}; {info.get('seeds')} seeds, {info.get('test_share', 0):.0%} of real rows held "
        "back for testing in each.</p></header>"
        f'<section id="verdict"><h2>Verdict</h2><div class="card {verdict}">{_badge(verdict)}'
        f"<p><strong>{_e(result.verdict)}</strong></p></div></section>"
    )


def _params(info: dict) -> str:
    params = info.get("model_params") or {}
    text = " (" + ", ".join(f"{k}={v}" for k, v in params.items()) + ")" if params else ""
    return text + (", one fitted per rare class" if info.get("per_class") else ", conditional on the class")


def _scores(result: AugmentationEvaluation) -> str:
    from synthloom.augmentation import METHOD_LABELS, METRIC_LABELS, METRICS, mean_and_spread

    summary = result.summary()
    table = pd.DataFrame({"method": [METHOD_LABELS[m] for m in summary["method"]]})
    for metric in METRICS:
        table[METRIC_LABELS[metric]] = [
            mean_and_spread(mean, std)
            for mean, std in zip(summary[f"{metric}_mean"], summary[f"{metric}_std"], strict=True)
        ]
    return (
        '<section id="scores"><h2>Scores on held-back real rows</h2>'
        "<p>Mean ± standard deviation over seeds of each rare-class score; higher is better.</p>"
        + _frame_table(table)
        + _figure(
            metric_bars(result),
            "bar charts of each minority-class metric per method with error bars",
            result.grade,
            "Each panel is one metric: points are the mean over seeds, whiskers one standard deviation. "
            "Overlapping whiskers do not tell methods apart; the paired gains below do better.",
        )
        + "</section>"
    )


def _gains(result: AugmentationEvaluation) -> str:
    from synthloom.augmentation import METHOD_LABELS, METRIC_LABELS, METRICS

    rows = []
    for baseline in (m for m in ("none", "random", "smote") if m in result.methods):
        if "synthloom" not in result.methods:
            break
        row = {"synthloom rows against": METHOD_LABELS[baseline]}
        for metric in METRICS:
            mean, half = result.gain("synthloom", baseline, metric)
            row[METRIC_LABELS[metric]] = (
                f"{decimal_text(mean, 3, True)} ± {half:.3f}"
                if math.isfinite(half)
                else decimal_text(mean, 3, True)
            )
        rows.append(row)
    if not rows:
        return ""
    return (
        '<section id="gains"><h2>Paired gains of synthloom rows</h2>'
        "<p>Per seed every method trains on the same split, so differences are taken seed by seed: mean "
        "difference ± half-width of its 95% interval (Student's t). An interval holding 0 means no clear "
        "difference.</p>" + _frame_table(pd.DataFrame(rows)) + "</section>"
    )


def _recognition(result: AugmentationEvaluation) -> str:
    """Per rare class: how often a classifier trained on real rows recognises its synthloom rows as the
    class, beside how often it recognises held-back real rows of it."""
    from synthloom.augmentation import RECOGNITION_RATIO, class_text

    if result.recognition.empty:
        return ""
    table = pd.DataFrame(
        {
            "class": [class_text(label) for label in result.recognition["class"]],
            "real rows held back": result.recognition["real_rows"],
            "of them recognised": [f"{share:.0%}" for share in result.recognition["real_recognised"]],
            "synthloom rows": result.recognition["synthetic_rows"],
            "synthloom recognised": [f"{share:.0%}" for share in result.recognition["synthetic_recognised"]],
            "finding": ["do not look like the class" if d else "" for d in result.recognition["doubtful"]],
        }
    )
    return (
        '<section id="recognition"><h2>Do the synthloom rows look like their class?</h2>'
        "<p>Per seed, gradient boosting (balanced class weights) learns the classes from the real training "
        "rows and predicts the class of the held-back real rows and of the synthloom rows; counts over all "
        "seeds. Synthloom rows recognised as their class less than "
        f"{RECOGNITION_RATIO:.0%} as often as real rows of it (beyond chance) do not look like the class: "
        "they teach a classifier what the class is not.</p>" + _frame_table(table) + "</section>"
    )


def _per_seed(result: AugmentationEvaluation) -> str:
    from synthloom.augmentation import METHOD_LABELS

    scores = result.scores.assign(method=result.scores["method"].map(METHOD_LABELS))
    return '<section id="seeds"><h2>Every seed</h2>' + _frame_table(scores, limit=len(scores)) + "</section>"


def _method(result: AugmentationEvaluation) -> str:
    return (
        '<section id="method"><h2>How this was measured</h2><p>Each seed splits the real rows again, '
        "stratified on the target, and seeds the generator, the oversamplers and the classifier. The "
        "generator learns from the training rows only. Every method adds the same number of rows per rare "
        "class to the same training rows: random copies of real rows (random oversampling), SMOTE "
        "interpolations (SMOTENC with categorical columns; imbalanced-learn), or synthloom rows "
        + (
            "from a generator fitted on that class's training rows alone. "
            if result.info.get("per_class")
            else "sampled conditionally on the class from one generator fitted on all training rows. "
        )
        + "One classifier (gradient boosting with native categories unless "
        "another was given) is trained per method and scored on the held-back real rows.</p>"
        "<p>PR-AUC is average precision of the rare class against the rest; with several rare classes "
        "every score is the mean over them (one-vs-rest). F1 and recall use the classifier's most likely "
        "class, so oversampling, which moves that decision towards rare classes, tends to raise recall at "
        "the cost of precision; PR-AUC and ROC-AUC rank rows and do not depend on a threshold.</p></section>"
    )
