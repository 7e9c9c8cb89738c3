"""One self-contained HTML page for anomaly scores: histograms, ROC curve, the most anomalous samples.

Inline CSS and inline PNGs only: no script, no network. The page takes plain data (scores, labels,
samples, their reconstructions, loss history), so it knows nothing of models. Images are shown side by
side with what the detector reconstructs from them: an anomaly's reconstruction looks like a normal
sample, which is why it scores high.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from synthloom.data.images import image_grid
from synthloom.data.io import DATA_ROW
from synthloom.metrics.anomaly import MEANINGS, roc_curve
from synthloom.report.html import _frame_table
from synthloom.report.html import page as html_page
from synthloom.report.images import _png
from synthloom.report.plots import REAL, SYNTHETIC, figure, loss_curves, to_png

TOP = 24  # most anomalous samples shown
NORMAL_COLOR, ANOMALY_COLOR = REAL, SYNTHETIC


def most_anomalous(scores: np.ndarray, count: int = TOP) -> np.ndarray:
    """Positions of the ``count`` highest scores, highest first (ties keep their order)."""
    return np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")[:count]


@dataclass
class AnomalyPage:
    """What the page shows.

    Attributes:
        title: page heading.
        scores: (N,) anomaly scores, higher = more anomalous.
        threshold: scores above it are flagged.
        labels: (N,) 0/1 true labels (1 = anomaly), if known: adds the ROC curve and the split histogram.
        metrics: named measures (ROC-AUC, PR-AUC, F1, ...) to list in a table.
        top: positions of the samples to show (``most_anomalous(scores)``).
        samples: those samples: a DataFrame of rows, or images (T, H, W) / (T, 3, H, W) in [0, 1].
        reconstructions: the detector's reconstruction of ``samples``, same kind and order.
        history: the training loss history.
        warning: a caution shown beside the measures (that some samples trained the detector), if any.
    """

    title: str
    scores: np.ndarray
    threshold: float
    labels: np.ndarray | None = None
    metrics: Mapping[str, float] = field(default_factory=dict)
    top: np.ndarray | None = None
    samples: pd.DataFrame | np.ndarray | None = None
    reconstructions: pd.DataFrame | np.ndarray | None = None
    history: Sequence[Mapping[str, float]] = ()
    warning: str = ""


def score_histograms(scores: np.ndarray, labels: np.ndarray | None, threshold: float) -> str:
    """Histogram of scores, normal and anomalous apart when labels are known, with the threshold line."""
    fig = figure(6.5, 3.2)
    ax = fig.add_subplot()
    low, high = np.quantile(scores, [0.0, 0.995]) if scores.size else (0.0, 1.0)
    edges = np.linspace(low, max(high, threshold, low + 1e-9), 50)
    clipped = np.clip(scores, edges[0], edges[-1])  # the far tail piles up in the last bin, still counted
    if labels is None:
        ax.hist(clipped, bins=edges, color=NORMAL_COLOR, alpha=0.6, label="all samples")
    else:
        for value, name, color in ((0, "normal", NORMAL_COLOR), (1, "anomalous", ANOMALY_COLOR)):
            if not (labels == value).any():  # labels of one kind: no empty histogram to normalise
                continue
            ax.hist(clipped[labels == value], bins=edges, color=color, alpha=0.55, density=True, label=name)
    ax.axvline(threshold, color="#333333", linestyle="--", linewidth=1.2, label="threshold")
    label = "anomaly score (0 = typical normal sample)"
    if scores.size and scores.max() > edges[-1]:
        label += f"; scores above {edges[-1]:.3g} (up to {scores.max():.3g}) are counted in the last bar"
    ax.set_xlabel(label, fontsize=8)
    ax.set_ylabel("density" if labels is not None else "samples", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7)
    return to_png(fig)


def roc_plot(labels: np.ndarray, scores: np.ndarray) -> str:
    """The ROC curve with the diagonal of guessing."""
    curve = roc_curve(labels, scores)
    fig = figure(4.0, 3.6)
    ax = fig.add_subplot()
    ax.plot(curve.fpr, curve.tpr, color=ANOMALY_COLOR, linewidth=1.8, label=f"ROC-AUC {curve.auc:.3f}")
    ax.plot([0, 1], [0, 1], color="#999999", linestyle=":", linewidth=1)
    ax.set_xlabel("false-positive rate (normal samples flagged)", fontsize=8)
    ax.set_ylabel("true-positive rate (anomalies flagged)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=8, loc="lower right")
    return to_png(fig)


def anomaly_report_html(page: AnomalyPage) -> str:
    """The page as one string.

    Example:
        >>> text = anomaly_report_html(AnomalyPage("shuttle", scores, threshold=2.0, labels=y))
        >>> text.startswith("<!DOCTYPE html>")
        True
    """
    scores = np.asarray(page.scores, dtype=np.float64)
    labels = None if page.labels is None else np.asarray(page.labels).astype(np.int64)
    flagged = int((scores > page.threshold).sum())
    lead = (
        f"{len(scores):,} samples scored; {flagged:,} ({flagged / max(len(scores), 1):.1%}) lie above the "
        f"threshold {page.threshold:.3g}. Scores are standardised on held-out normal data: 0 is a typical "
        "normal sample, higher is more anomalous."
    )
    body = [
        f"<h1>{_e(page.title)}</h1>",
        f'<p class="lead">{_e(lead)}</p>',
        _metrics_table(page.metrics, labels),
    ]
    if page.warning:
        body.append(f"<p><strong>Warning:</strong> {_e(page.warning)}</p>")
    body.append(
        "<h2>Scores</h2>" + _img(score_histograms(scores, labels, page.threshold), "score histograms")
    )
    if labels is not None and 0 < labels.sum() < len(labels):
        body.append(_img(roc_plot(labels, scores), "ROC curve"))
    body.append(_most_anomalous(page, scores, labels))
    if page.history:
        body.append("<h2>Training</h2>" + _img(loss_curves(page.history), "training loss curves"))
    return html_page(page.title, body)


def _e(text: object) -> str:
    return html.escape(str(text))


def _img(png: str, alt: str) -> str:
    return f'<figure><img src="data:image/png;base64,{png}" alt="{_e(alt)}"></figure>'


def _metrics_table(metrics: Mapping[str, float], labels: np.ndarray | None) -> str:
    if not metrics and labels is not None:
        return "<p>Every sample has the same label, so no ROC-AUC / PR-AUC / F1: they need both kinds.</p>"
    if not metrics:
        return "<p>No labels were given, so no ROC-AUC / PR-AUC / F1.</p>"
    rows = "".join(
        f'<tr><td>{_e(name)}</td><td class="num">{value:.4f}</td><td>{_e(MEANINGS.get(name, ""))}</td></tr>'
        for name, value in metrics.items()
    )
    return f"<table><tr><th>measure</th><th>value</th><th>what it means</th></tr>{rows}</table>"


def _most_anomalous(page: AnomalyPage, scores: np.ndarray, labels: np.ndarray | None) -> str:
    if page.top is None or page.samples is None or not len(page.top):
        return ""
    top = np.asarray(page.top)
    head = f"<h2>The {len(top)} most anomalous samples</h2>"
    if isinstance(page.samples, np.ndarray):
        return head + _image_pairs(page.samples, page.reconstructions, scores[top])
    table = page.samples.reset_index(drop=True)
    # counted from 1, as the file's data rows are (and as the labels' and the rules' messages count them)
    table.insert(0, DATA_ROW, top + 1)
    table.insert(1, "score", scores[top])
    if labels is not None:
        table.insert(2, "label", labels[top])
    parts = [head, "<p>Rows as given, most anomalous first:</p>", _frame_table(table)]
    if isinstance(page.reconstructions, pd.DataFrame):
        normal = page.reconstructions.reset_index(drop=True)
        normal.insert(0, DATA_ROW, top + 1)
        parts += [
            "<p>The detector's reconstruction of each row: what it takes the normal version of the row to "
            "be, in the columns it sees (a datetime as its hour of the day and day of the week). A value "
            "far from the row's own is what made the row odd.</p>"
        ]
        parts.append(_frame_table(normal))
    return "".join(parts)


def _image_pairs(images: np.ndarray, reconstructions: object, scores: np.ndarray) -> str:
    if isinstance(reconstructions, np.ndarray):
        pairs = np.stack([images, reconstructions], axis=1)  # (T, 2, ...): sample then reconstruction
        shown = pairs.reshape(-1, *images.shape[1:])
        caption = (
            "Each pair: the sample (left) and the detector's reconstruction (right), most anomalous first."
        )
    else:
        shown, caption = images, "Most anomalous first."
    grid = image_grid(shown, columns=8)
    scale = max(1, 48 // images.shape[-1])
    caption += " Scores: " + ", ".join(f"{value:.2f}" for value in scores)
    return (
        f'<figure><img src="data:image/png;base64,{_png(grid, scale)}" alt="most anomalous images">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )
