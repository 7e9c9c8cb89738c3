"""One self-contained HTML page for a ``Report``: inline CSS, inline PNG figures, no script, no network.

Written for a reader who did not run the evaluation: a summary card per family with a plain-language
verdict, then one section per family whose every figure carries one sentence of meaning and a verdict.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from synthloom.data.encoders import value_text
from synthloom.data.metadata import NUMERIC_KINDS, ColumnKind, is_time_of_day
from synthloom.metrics.evaluate import sampled_text
from synthloom.metrics.fidelity import (
    ASSOCIATION_THRESHOLD,
    CORRELATION_THRESHOLD,
    STRENGTH,
    missing_shift,
    quality_verdict,
)
from synthloom.metrics.privacy import MAX_LISTED_COPIES
from synthloom.metrics.result import INFO, NOT_COMPUTED, FamilyResult, Score, decimal_text
from synthloom.report import plots
from synthloom.report.report import Report

MAX_MARGINALS = 60  # beyond this the page gets too heavy to read; the cap is stated on the page
MAX_TABLE_ROWS = 60
HIDDEN_GAP = 0.05  # a shape gap among unnamed categories worth stating: 5 points of the score
FREE_TEXT_SHARE = 0.5  # distinct values per real row above which a category column reads like free text
PERFECT_AUC = 0.99  # a detector this sure tells the rows apart: one column may be all it needs
NOTABLE_DROP = 0.02  # a column's fall in detection ROC-AUC worth naming: seeds move it by up to about this

TITLES = {
    "fidelity": "Fidelity",
    "detection": "Detection",
    "diversity": "Diversity",
    "utility": "Utility",
    "privacy": "Privacy",
}
INTROS = {
    "fidelity": (
        "Does each column, and each pair of columns, look like the real data? Scores use the definitions "
        "of SDMetrics' QualityReport; 1 means identical distributions."
    ),
    "detection": (
        "Can a classifier tell a real row from a synthetic one? If it cannot (ROC-AUC near 0.5), the "
        "synthetic rows are realistic as whole rows, not only column by column."
    ),
    "diversity": (
        "Does the synthetic data reach all of the real data (every common category, every typical kind of "
        "row) and stay where real data lives?"
    ),
    "utility": (
        "Would a model trained on synthetic rows work on real data? Models trained on real rows (TRTR, the "
        "baseline) and on synthetic rows (TSTR) are tested on the same real rows."
    ),
    "privacy": (
        "Do synthetic rows give away the rows the generator was trained on? Every check compares them "
        "with real rows the generator never saw."
    ),
}
VERDICT_WORDS = {
    "fidelity": {
        "good": "Columns and their relationships closely match the real data.",
        "fair": "Columns roughly match the real data; some shapes or relationships drift.",
        "poor": "Columns or their relationships differ clearly from the real data.",
    },
    "detection": {
        "good": "Synthetic rows are hard to tell from real ones.",
        "fair": "A classifier can often tell synthetic rows from real ones.",
        "poor": "A classifier easily tells synthetic rows from real ones.",
    },
    "diversity": {
        "good": "The synthetic data covers the real data well.",
        "fair": "The synthetic data misses part of the real data.",
        "poor": "The synthetic data covers only part of the real data (possible mode collapse).",
    },
    "utility": {
        "good": "Models trained on synthetic data do about as well as models trained on real data.",
        "fair": "Models trained on synthetic data lose some accuracy on real data.",
        "poor": "Models trained on synthetic data do clearly worse on real data.",
    },
    "privacy": {
        "good": "Synthetic rows are no closer to the training rows than to unseen rows.",
        "fair": "Synthetic rows lean towards the training rows; check before sharing.",
        "poor": "Synthetic rows reveal training rows; do not share this data as private.",
    },
}
# fidelity's words where no pair of columns is related in the real data: the quality is the column shapes
# alone, so the card must not speak of relationships no score measured
SHAPES_ONLY_WORDS = {
    "good": "Columns closely match the real data (no two columns are related there to compare).",
    "fair": "Columns roughly match the real data; some shapes drift (no two columns are related there).",
    "poor": "Columns differ clearly from the real data (no two columns are related there to compare).",
}
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
  background:#f4f5f7;color:#1d2330}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:1.7rem;margin:0 0 6px}
h2{margin:38px 0 8px;border-bottom:2px solid #d7dbe3;padding-bottom:4px}
h3{margin:22px 0 6px;font-size:1.05rem}
p{line-height:1.5;margin:6px 0}
.lead{color:#444b5a}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:14px;margin:16px 0}
.card{background:#fff;border-radius:10px;padding:14px 16px;border-top:6px solid #9aa1ad;
  box-shadow:0 1px 3px #0002}
.card.good{border-color:#2e7d32}
.card.fair{border-color:#c28a00}
.card.poor{border-color:#c62828}
.card h3{margin:0;font-size:1rem}
.card .value{font-size:1.9rem;font-weight:650;margin:4px 0}
.card p{font-size:.88rem;color:#39404d}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.78rem;font-weight:600;
  color:#fff;background:#8a909c}
.badge.good{background:#2e7d32}
.badge.fair{background:#b07d00}
.badge.poor{background:#c62828}
table{border-collapse:collapse;background:#fff;margin:8px 0 14px;font-size:.86rem;box-shadow:0 1px 2px #0001}
th,td{padding:5px 9px;border-bottom:1px solid #e4e7ec;text-align:left;vertical-align:top}
th{background:#eef0f4}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{background:#fff;margin:12px 0;padding:10px;border-radius:8px;box-shadow:0 1px 2px #0001}
figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:.86rem;margin-top:6px;color:#39404d}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}
.grid figure{margin:0}
.warnings{background:#fff6e0;border-left:5px solid #c28a00;padding:8px 16px;border-radius:6px}
.skipped{background:#eceef2;padding:10px 14px;border-radius:6px;color:#39404d}
.legend span{margin-right:12px}
"""


def render(report: Report) -> str:
    """The whole page as one string.

    Example:
        >>> page = render(sl.evaluate(real_test, fake))
        >>> page.startswith("<!DOCTYPE html>")
        True
    """
    sections = {
        "fidelity": _fidelity,
        "detection": _detection,
        "diversity": _diversity,
        "utility": _utility,
        "privacy": _privacy,
    }
    body = [_header(report), _summary(report), _warnings(report)]
    body += [_section(name, report, draw) for name, draw in sections.items() if name in report.families]
    body += [_training(report), _data(report)]
    return page("Synthetic data quality report", body)


def page(title: str, body: list[str]) -> str:
    """One self-contained HTML page (inline CSS, no script) around ``body``'s sections, in order."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body><main>"
        + "".join(body)
        + "</main></body></html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text))


def _value(value: float | None) -> str:
    if value is None:
        return "n/a"
    return decimal_text(value, 3) if abs(value) < 1000 else f"{value:,.0f}"


def _badge(verdict: str) -> str:
    return f'<span class="badge {_e(verdict)}">{_e(verdict)}</span>'


def _figure(png: str, alt: str, verdict: str, sentence: str) -> str:
    return (
        f'<figure><img src="data:image/png;base64,{png}" alt="{_e(alt)}">'
        f"<figcaption>{_badge(verdict)} {_e(sentence)}</figcaption></figure>"
    )


def _header(report: Report) -> str:
    info = report.info
    parts = [
        f"{info.get('synthetic_rows', len(report.synthetic)):,} synthetic rows were compared with "
        f"{info.get('real_rows', len(report.real)):,} real rows the generator did not see"
    ]
    if info.get("train_rows"):
        parts.append(f"and {info['train_rows']:,} real rows it was trained on")
    sentence = " ".join(parts) + f", over {len(report.metadata.columns)} columns"
    if info.get("target"):
        sentence += f"; utility predicts the column “{info['target']}”"
    sources = info.get("sources") or {}
    files = "; ".join(f"{k}: {v}" for k, v in sources.items())
    model, dataset = info.get("model"), info.get("dataset")  # the demo knows what made the rows
    made = f"The synthetic rows were made by {model}, fitted on the data set “{dataset}”. " if model else ""
    # the time goes on the page only: the JSON stays the same for the same inputs and seed
    written = (
        f"{made}Written {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by synthloom "
        f"{info.get('synthloom_version', 'unknown')}; random_state {info.get('random_state', '')}."
    )
    return (
        "<header><h1>Synthetic data quality report</h1>"
        f'<p class="lead">{_e(sentence)}.</p>'
        + (f'<p class="lead">Files — {_e(files)}</p>' if files else "")
        + f'<p class="lead">{_e(written)}</p>'
        + '<p class="legend">Verdicts: <span>'
        + _badge("good")
        + " no problem found by these measures</span><span>"
        + _badge("fair")
        + " usable with care</span><span>"
        + _badge("poor")
        + " a real problem</span><span>"
        + _badge(INFO)
        + " context, not judged</span></p>"
        + '<p class="legend">Each summary card names its family\'s verdict in its first line (and in the '
        "colour of its top stripe): the verdict of the number shown, or, when a part of it is worse (pair "
        "trends behind the overall quality) or any measure of the family is poor, that measure's, which the "
        "line names. A fair measure beside a good number (one model's score among those a gap averages) "
        "leaves the card as it is; the family's table grades each.</p></header>"
    )


def _summary(report: Report) -> str:
    cards = []
    for name, result in report.families.items():
        headline = result.headline
        if result.not_computed or headline is None:
            cards.append(
                f'<div class="card"><h3>{_e(TITLES[name])}</h3><div class="value">—</div>'
                f"{_badge(NOT_COMPUTED)}<p>Not computed, because {_e(result.not_computed)}.</p></div>"
            )
            continue
        # the number beside its own verdict (as in the family's table), and the sentence under it that
        # verdict's too: the family's words under a good number read "differ clearly ... is 98%". Where a
        # score behind the number makes the family worse, the family's words go beside that score instead
        verdict, concern = result.verdict, result.concern
        shapes_only = name == "fidelity" and result.score("column_pair_trends").verdict == NOT_COMPUTED
        words = (SHAPES_ONLY_WORDS if shapes_only else VERDICT_WORDS[name]).get(verdict, "")
        if concern:
            # the headline's own words would overclaim ("relationships closely match" over poor pair trends)
            said = f"{headline.label} on its own is {headline.verdict}."
            behind = (
                f"<p>{_badge(concern.verdict)} <strong>{_e(words)}</strong> Set by {_e(concern.label)} "
                f"{_value(concern.value)}: {_e(concern.meaning)}</p>"
            )
        else:
            said, behind = words, ""
        # the family's verdict in words: the stripe's colour alone said it, and the badge beside the
        # number is the headline's own, which a concern can make better than the family's
        set_by = f" — set by {concern.label}" if concern else ""
        cards.append(
            f'<div class="card {_e(verdict)}"><h3>{_e(TITLES[name])}</h3>'
            f'<p class="family-verdict"><strong>{_e(TITLES[name])}: {_e(verdict)}</strong>{_e(set_by)}</p>'
            f'<div class="value">{_value(headline.value)}</div>{_badge(headline.verdict)} '
            f"<small>{_e(headline.label)}</small>"
            f"<p><strong>{_e(said)}</strong> {_e(headline.meaning)}</p>{behind}</div>"
        )
    return '<section id="summary"><h2>Summary</h2><div class="cards">' + "".join(cards) + "</div></section>"


def _warnings(report: Report) -> str:
    found = report.warnings
    if not found:
        return ""
    items = "".join(f"<li>{_e(text)}</li>" for text in found)
    heading = '<section id="warnings"><h2>Findings to check</h2>'
    return f'{heading}<div class="warnings"><ul>{items}</ul></div></section>'


def _section(name: str, report: Report, draw: Callable[[FamilyResult, Report], str]) -> str:
    result = report.families[name]
    head = f'<section id="{name}"><h2>{_e(TITLES[name])}</h2><p>{_e(INTROS[name])}</p>'
    if result.not_computed:
        return head + f'<p class="skipped">Not computed, because {_e(result.not_computed)}.</p></section>'
    return head + draw(result, report) + "</section>"


def _scores_table(scores: Iterable[Score]) -> str:
    rows = "".join(
        f'<tr><td>{_e(s.label)}</td><td class="num">{_value(s.value)}</td><td>{_badge(s.verdict)}</td>'
        f"<td>{_e(s.meaning)}</td></tr>"
        for s in scores
    )
    return (
        f"<table><tr><th>Measure</th><th>Value</th><th>Verdict</th><th>What it means</th></tr>{rows}</table>"
    )


def _frame_table(frame: pd.DataFrame, limit: int = MAX_TABLE_ROWS) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(limit).itertuples(index=False):
        cells = "".join(_cell(v) for v in record)
        rows.append(f"<tr>{cells}</tr>")
    more = (
        f"<p>Showing {limit} of {len(frame)} rows; the JSON output has all.</p>" if len(frame) > limit else ""
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def _cell(value: object) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, (float, np.floating)):
        return f'<td class="num">{_value(float(value)) if np.isfinite(value) else "n/a"}</td>'
    if isinstance(value, (int, np.integer)):
        return f'<td class="num">{value}</td>'
    return f"<td>{_e(value)}</td>"


def _fidelity(result: FamilyResult, report: Report) -> str:
    shapes = result.tables["column_shapes"]
    verdicts = [quality_verdict(s) for s in shapes["score"]]
    shape_score, trends = result.score("column_shapes"), result.score("column_pair_trends")
    # worst first, as the figures below: in table order the short bars hid among the long ones
    worst = shapes.assign(verdict=verdicts).sort_values("score", kind="stable", na_position="last")
    parts = [
        _scores_table(result.scores),
        "<h3>Column shapes</h3>",
        _figure(
            plots.column_scores(list(worst["column"]), list(worst["score"]), list(worst["verdict"])),
            "bar chart of per-column shape scores",
            shape_score.verdict,
            shape_score.meaning + " Each bar is one column, worst first; short or red bars are the columns "
            "to look at.",
        ),
    ]
    parts.append(_marginals(report, shapes, verdicts))
    parts.append(_hours_of_day(result, report))
    association = result.extras["association"]
    columns = len(association["real"].columns)
    if columns > 1:  # one column has no relationship to draw
        shown = len(plots.heatmap_columns(association["real"], association["synthetic"]))
        which = (
            f" The {shown} of {columns} columns whose relationships differ most are drawn; the JSON output "
            "has every pair."
            if shown < columns
            else ""
        )
        parts += [
            "<h3>Relationships between columns</h3>",
            _figure(
                plots.heatmaps(association["real"], association["synthetic"]),
                "heat maps of column associations: real, synthetic, difference",
                trends.verdict,
                trends.meaning + " Left: real data, middle: synthetic data (Pearson r for two numeric "
                "columns, Cramér's V otherwise); right: the absolute difference, pale = relationship kept. "
                "Columns are numbered on every axis and named beside the left map's rows. "
                "Grey: no statistic, as one of the two columns holds a single value, or none, in that table."
                + which,
            ),
        ]
    pairs = result.tables["column_pair_trends"]
    # only the pairs the score counts (meets_threshold), so that column would say "yes" on every row
    weakest = pairs[pairs["meets_threshold"]].sort_values("score").head(15)
    if len(weakest):
        shown = pd.DataFrame(
            {
                "column 1": weakest["column_1"],
                "column 2": weakest["column_2"],
                "pair score": weakest["score"],
                "score with no relation": weakest["independent"],
                "strength measured by": weakest["metric"].map(STRENGTH),
                "real strength": weakest["real"],
                "synthetic strength": weakest["synthetic"],
            }
        )
        parts += [
            f"<p>Related pairs (|Pearson r| above {CORRELATION_THRESHOLD} or Cramér's V above "
            f"{ASSOCIATION_THRESHOLD} in the real data: the pairs column pair trends averages) whose "
            "relationship is reproduced least well. Pair score: 1 - |r real - r synthetic| / 2 for two "
            "numeric columns, else 1 - the total variation distance of the pair's joint frequencies "
            "(1 = identical). Score with no relation: the pair's score where its real columns are drawn "
            "apart, as many rows as the synthetic table (a pair scoring near it kept little of its "
            "relation; columns of many levels score low even so, too sparse for that many rows to fill "
            "their cells as the real rows do). Real and synthetic strength: how strongly the two columns "
            "are related in each table, by the measure named.</p>",
            _frame_table(shown),
        ]
    invalid = result.tables["validity"].query("score < 1")
    parts.append("<h3>Validity</h3>")
    parts.append(
        _frame_table(invalid)
        if len(invalid)
        else "<p>Every synthetic value lies inside the real range or is a category the real data has.</p>"
    )
    parts.append(_kept_orders(result.tables.get("orders")))
    return "".join(parts)


REPORTED_ORDERS = 15  # the most broken orders the report lists; the JSON output has all


def _kept_orders(orders: pd.DataFrame | None) -> str:
    """The orders between columns the real rows keep, the most broken first; "" where there is none."""
    if orders is None or not len(orders):
        return ""
    table = pd.DataFrame(
        {
            "order": orders["low"] + " <= " + orders["high"],
            # a tenth of a point: whole points blur the 1% and 5% the verdicts turn at
            "real rows breaking it": orders["real_broken"].map("{:.1%}".format),
            "synthetic rows breaking it": orders["synthetic_broken"].map("{:.1%}".format, na_action="ignore"),
            "verdict": orders["verdict"],
        }
    )
    return (
        "<h3>Kept orders</h3><p>Orders between two number columns, or two datetime columns, that the real "
        "rows keep and that their values paired at random would break (an admission before its discharge), "
        "with the share of the synthetic rows holding both that break each: good up to 1%, fair up to 5%. "
        "synthloom's generators learn and keep them (unless fitted with <code>--no-keep-orders</code>); "
        "any generator keeps one given it as an inequality rule (<code>--constraints</code>).</p>"
        + _frame_table(table, limit=REPORTED_ORDERS)
    )


def _hours_of_day(result: FamilyResult, report: Report) -> str:
    """One figure per datetime column with a daily cycle: its shares of rows by hour of day and weekday; ""
    where no column has one (dates alone, a table without stamps)."""
    table = result.tables.get("hour_of_day")
    if table is None or not len(table):
        return ""
    figures = []
    for row in table.itertuples():
        zone = report.zones.get(row.column)
        png = plots.hour_of_day(row.column, result.extras["hour_of_day"][row.column], zone)
        sentence = (
            f"{row.column}: share of rows in each hour of the day (left, on the column's own clock) and on "
            "each weekday (right), real (blue, filled) and synthetic (orange, outlined). Its column shape "
            "compares whole stamps, where a lost daily cycle hides in the dates; here the hours alone are "
            f"compared: hour-of-day shape {_value(row.score)} (1 - the total variation distance of the 24 "
            f"hours' shares), where real samples of the synthetic table's size reach {_value(row.natural)}. "
            f"Most apart: {row.hours}, {plots.share_text(row.real_share)} of real and "
            f"{plots.share_text(row.synthetic_share)} of synthetic rows. Weekdays are drawn, not scored."
        )
        figures.append(_figure(png, f"hour-of-day shares of {row.column}", row.verdict, sentence))
    return "<h3>Hour of day</h3>" + "".join(figures)


def _marginals(report: Report, shapes: pd.DataFrame, verdicts: list[str]) -> str:
    # worst first, so that the cap never hides the columns the reader has to look at (the first 60 in
    # table order left a poor 61st column undrawn); columns that score alike keep the table's order
    ranked = shapes.assign(verdict=verdicts).sort_values("score", kind="stable", na_position="last")
    shown = ranked.head(MAX_MARGINALS)
    note = (
        f"<p>The {MAX_MARGINALS} of {len(shapes)} columns with the lowest shape scores are drawn; the JSON "
        "output scores all.</p>"
        if len(shapes) > MAX_MARGINALS
        else ""
    )
    figures = []
    for row in shown.itertuples():
        verdict = row.verdict
        spec = report.metadata.columns[row.column]
        kind, dates = spec.kind, spec.kind == ColumnKind.DATETIME
        clock = dates and is_time_of_day(spec.datetime_format)  # times of day, read on 1 January 1900
        real, synthetic = report.real[row.column], report.synthetic[row.column]
        # counted once, for the figure and for its caption's note of what the figure does not draw
        if kind in NUMERIC_KINDS:
            real_values, synthetic_values = real.to_numpy(dtype=float), synthetic.to_numpy(dtype=float)
            bars, view = None, plots.numeric_view(real_values, synthetic_values, dates)
        else:
            bars, view = plots.category_bars(real, synthetic), None
        zone = report.zones.get(row.column)
        png = plots.marginal(
            real,
            synthetic,
            numeric=kind in NUMERIC_KINDS,
            dates=dates,
            bars=bars,
            clock=clock,
            view=view,
            zone=zone,
        )
        what = "histograms" if kind in NUMERIC_KINDS else "category shares"
        sentence = (
            f"{row.column}: {what} of real (blue) and synthetic (orange) data; shape score "
            f"{_value(row.score if np.isfinite(row.score) else None)} (1 = identical)."
        )
        # the shape score and the figure leave missing values out (SDMetrics' definition), so a synthetic
        # column that lost them all looked perfect: the caption gives both shares
        real_missing, synthetic_missing = real.isna().mean(), synthetic.isna().mean()
        if real_missing or synthetic_missing:
            # a category figure draws them as a bar of their own when they are among its most common or
            # their shares differ; a histogram, in a panel beside it when their shares differ
            shifted = missing_shift(real, synthetic) is not None
            if bars is not None and "(missing)" in bars.categories:
                how = "drawn as “(missing)” but not"
            else:
                how = "drawn in the “missing” panel but not" if shifted else "not drawn or"
            sentence += (
                f" Missing values, {how} scored: {plots.share_text(real_missing)} of real rows, "
                f"{plots.share_text(synthetic_missing)} of synthetic rows"
                + (": a change the shape score does not see." if shifted else ".")
            )
        if view is not None:
            sentence += _numeric_note(view, dates, clock, zone)
        else:
            sentence += _other_note(bars.other) + _tail_note(real, bars, row.score)
        figures.append(_figure(png, f"distribution of {row.column}", verdict, sentence))
    heading = "<h3>Every column, real vs synthetic, worst first</h3>"
    return heading + note + '<div class="grid">' + "".join(figures) + "</div>"


def _numeric_note(view: plots.NumericView, dates: bool, clock: bool = False, zone: Any = None) -> str:
    """What a numeric column's figure leaves out (a date on ``zone``'s clock, as the figure reads it): one
    value holding most rows (``plots.spike``), the values
    a log axis cannot hold (``plots.log_axis``), then the heavy tail or the far outliers
    (``plots.central_range``) of the values drawn; "" when it is drawn whole on an even axis."""
    note, other = "", ""
    peak, cut, log = view.peak, view.cut, view.log
    if peak is not None:  # the tail is cut, and counted, among the values drawn: those other than the spike
        value = value_text(peak.value, dates, clock, zone=zone)
        shares = plots.share_text(peak.real_share), plots.share_text(peak.synthetic_share)
        note = (
            f" The value {value} holds {shares[0]} of real and {shares[1]} of synthetic values; drawn, it "
            "would flatten or squeeze all the others, so it is not drawn but scored (its shares are under "
            "the axis), and the histograms show the other values."
        )
        other = " other"
    if log is not None:
        note += (
            " The axis is logarithmic: most values are small beside the largest, and on an even axis they "
            "would fill the first few bins; each bin spans the same ratio, and its bar is its share of the "
            "values."
        )
        if log.real_left_out or log.synthetic_left_out:
            note += (
                f" Values of 0 or below, which a log axis cannot hold, are not drawn but scored: "
                f"{log.real_left_out:,} real and {log.synthetic_left_out:,} synthetic values ("
                f"{_left_out_share(log.real_left_out, view.real.size)} and "
                f"{_left_out_share(log.synthetic_left_out, view.synthetic.size)} of the{other} values)."
            )
        other += " positive"
    if cut is None:
        return note
    why = (
        " A few far outliers would squeeze the other values into a few bins, so the axis shows those others"
        if cut.outliers
        else f" A long tail would squeeze most rows into a few bins, so the axis shows the central "
        f"{plots.CENTRAL_SHARE:.0%} of values"
    )
    return note + (
        f"{why}; beyond it, not drawn but scored: {cut.real_beyond:,} of {view.real.size:,}{other} real and "
        f"{cut.synthetic_beyond:,} of {view.synthetic.size:,}{other} synthetic values."
    )


def _left_out_share(left_out: int, drawn: int) -> str:
    """The share of a column's values (less its spike) that a log axis leaves out: up to half of them can
    be 0 (``plots.LOG_ZEROS``), which a count alone does not tell."""
    return plots.share_text(left_out / max(left_out + drawn, 1))


def _other_note(other: plots.Other | None) -> str:
    """The shares of the categories a categorical figure neither names nor draws (``plots.category_bars``);
    "" when they are drawn as the "(other)" bar, or there are none."""
    if other is None or other.drawn:
        return ""
    real, synthetic = plots.share_text(other.real_share), plots.share_text(other.synthetic_share)
    return (
        f" The other {other.categories:,} categories hold {real} of real and {synthetic} of synthetic rows; "
        f"summed into one bar they would squeeze the {plots.MAX_BARS} most common ones drawn, so their "
        "shares are under the axis instead."
    )


def _tail_note(real: pd.Series, bars: plots.CategoryBars, score: float) -> str:
    """How much of a categorical column's shape gap lies among the categories the figure does not name.

    The shape score compares every category on its own; "(other)" sums them. A free-text-like column
    (loans' emp_title, 3,685 levels) scored 0.38 over an "(other)" of 79% / 79%: the bars looked alike
    while the tail's levels differed. "" when the unnamed categories hold too little of the gap to matter.
    """
    if bars.other is None or not np.isfinite(score):
        return ""
    real_share, synthetic_share = _scored(bars.real_shares), _scored(bars.synthetic_shares)
    gaps = real_share.sub(synthetic_share, fill_value=0.0).abs()
    hidden = 0.5 * float(gaps[~gaps.index.isin(bars.categories)].sum())
    if hidden < HIDDEN_GAP:
        return ""
    note = (
        f" Of the shape score's gap to 1 ({1 - score:.2f}), {hidden:.2f} lies among the "
        f"{bars.other.categories:,} categories not named: the score compares each of them on its own, so "
        "their shares differ more than their sum shows."
    )
    levels = real.nunique()
    if levels > FREE_TEXT_SHARE * real.notna().sum():
        note += (
            f" With {levels:,} distinct values in {real.notna().sum():,} real rows, this column reads like "
            "free text or an identifier, whose values are mostly unique and whose shape score says little; "
            "its rare values also inflate Cramér's V, so its pairs count as related and score low."
        )
    return note


def _scored(shares: pd.Series) -> pd.Series:
    """A category figure's shares (``plots.category_bars``) as the shape score takes them: of the values
    that are not missing."""
    present = shares.drop("(missing)", errors="ignore")
    return present / present.sum()


def _detection(result: FamilyResult, report: Report) -> str:
    parts = [
        _scores_table(result.scores),
        "<p>Each classifier is trained, with 3-fold cross-validation, to label rows real or synthetic on "
        "equal-size samples of both. A score near 1 means it fails, which is what good synthetic data "
        "wants.</p>",
    ]
    importance = result.tables.get("column_importance")
    if importance is not None and len(importance):
        shown = importance.head(plots.MAX_IMPORTANCE_BARS)
        which = (
            f"the {len(shown)} of {len(importance)} columns it relies on most"
            if len(importance) > len(shown)
            else "every column"
        )
        top = shown.iloc[0]
        named = (
            f" Most telling here: “{top['column']}” (ROC-AUC falls by {top['auc_drop']:.2f})."
            if top["auc_drop"] >= NOTABLE_DROP
            else ""
        )
        boosting = result.score("gradient_boosting_auc")
        if boosting.value is not None and boosting.value >= PERFECT_AUC:
            # shuffling one column of several that each give the rows away leaves the others to do it
            near_zero = (
                f" bars near 0 are not columns it does not need: it tells the rows apart (ROC-AUC "
                f"{boosting.value:.2f}), and where one column already does so alone, shuffling another "
                "leaves it as sure, so differences in the other columns hide behind it (their figures under "
                "Fidelity show them)."
            )
        else:
            near_zero = " bars near 0, columns it does not need."
        below = (
            " Bars below 0: shuffling the column left the detector no worse, by chance."
            if (shown["auc_drop"] < 0).any()
            else ""
        )
        parts += [
            "<h3>What gives the synthetic rows away</h3>",
            _figure(
                plots.column_importance(list(shown["column"]), list(shown["auc_drop"])),
                "bar chart of the columns the detector relies on most",
                boosting.verdict,
                f"How far gradient boosting's ROC-AUC falls when a column's values are shuffled among the "
                f"held-out rows, for {which}: long bars are the columns whose values, or relationships with "
                f"other columns, give the synthetic rows away;{near_zero}{below}{named}",
            ),
        ]
    return "".join(parts)


def _diversity(result: FamilyResult, report: Report) -> str:
    points = result.extras["embedding"]
    coverage = result.score("coverage")
    parts = [
        _scores_table(result.scores),
        "<h3>Where the rows lie</h3>",
        _figure(
            plots.embedding(points["real"], points["synthetic"], points["explained"]),
            "scatter plot of real and synthetic rows on two principal components",
            coverage.verdict,
            coverage.meaning + " Real (blue) and synthetic (orange) rows on the real data's two main "
            "directions: orange should overlap blue everywhere, with no blue region left bare.",
        ),
    ]
    categories = result.tables["category_coverage"]
    if len(categories):
        parts += [
            "<h3>Categories</h3><p>Categories holding at least 1% of real rows, and those missing from the "
            "synthetic data.</p>",
            _frame_table(categories),
        ]
    modes = result.tables["numeric_modes"]
    if len(modes):
        parts += [
            "<h3>Value ranges</h3><p>Value ranges holding at least 5% of real rows (modes), and those the "
            "synthetic data neglects.</p>",
            _frame_table(modes),
        ]
    return "".join(parts)


def _utility(result: FamilyResult, report: Report) -> str:
    table = result.tables["tstr_trtr"]
    metric = "roc_auc" if "roc_auc" in table.columns else "r2"
    label = "ROC-AUC" if metric == "roc_auc" else "R²"
    gap = result.score("gap")
    summary = [s for s in result.scores if s.name in ("gap", "augmentation_gain") or _graded_pr_auc(s)]
    return "".join(
        [
            _scores_table(summary),
            "<h3>Train on synthetic, test on real</h3>",
            _figure(
                plots.utility_bars(table, metric, label),
                f"bar chart of {label} per model and training data",
                gap.verdict,
                gap.meaning + " Bars: models trained on real rows (TRTR), synthetic rows (TSTR), "
                "and both (augmented), all tested on the same real rows; each stands on the dashed line of "
                f"chance ({label} {'0.5' if metric == 'roc_auc' else '0: predicting the mean'}), so a model "
                "worse than chance hangs below it.",
            ),
            _frame_table(table),
        ]
    )


def _graded_pr_auc(score: Score) -> bool:
    """Whether ``score`` is a minority PR-AUC cell with a verdict: on a rare class the gap's text says
    minority PR-AUC is graded, and its verdicts were in the JSON only, so the page said so and showed none.
    """
    return score.name.endswith(".pr_auc") and score.verdict not in (INFO, NOT_COMPUTED)


def _privacy(result: FamilyResult, report: Report) -> str:
    closer = result.score("closer_to_train")
    dcr = result.extras["dcr"]
    edges = plots.dcr_edges(dcr)
    synthetic, holdout = len(dcr["synthetic_to_train"]), len(dcr["holdout_to_train"])
    return (
        _scores_table(result.scores)
        + "<h3>Distance to the closest record</h3>"
        + _figure(
            plots.dcr_histograms(dcr),
            "histograms of distances to the closest record",
            closer.verdict,
            closer.meaning + " Each synthetic row's distance to its closest training row (orange) and to "
            "its closest hold-out row (blue): the two should overlap; orange piled up near 0 above blue "
            "means copied training rows. Green, dashed: each hold-out row's distance to its closest "
            "training row, how close real rows the generator never saw lie to the training rows (tables of "
            "few categories have many real twins, at 0): synthetic rows nearer than green are closer than "
            "nature. "
            f"The curves count {_sampled(synthetic, len(report.synthetic), 'synthetic')} and "
            f"{_sampled(holdout, len(report.real), 'hold-out')}. The shaded last bin holds every distance "
            f"of {edges[-2]:.2f} or more, so it can stand taller than its neighbours.",
        )
        + _copied_rows(result.tables.get("copied_rows"))
    )


def _copied_rows(copied: pd.DataFrame | None) -> str:
    """The synthetic rows equal to a training row, by position (reports written before they were listed
    have none)."""
    if copied is None or copied.empty:
        return ""
    return (
        "<h3>Synthetic rows equal to a training row</h3><p>Positions from 0 in each table, as pandas' "
        "iloc counts them (a CSV file's first data row is 0); a row a hold-out row holds too is a "
        f"combination real rows share by nature. {len(copied):,} listed (at most the first "
        f"{MAX_LISTED_COPIES:,}).</p>" + _frame_table(copied, limit=MAX_LISTED_COPIES)
    )


def _sampled(count: int, rows: int, which: str) -> str:
    """How many of a table's rows a figure counts: all, or a random sample of them."""
    if count >= rows:
        return f"all {rows:,} {which} rows"
    return f"{count:,} of the {rows:,} {which} rows (picked at random)"


def _training(report: Report) -> str:
    history = report.loss_history
    if not history or not any(key != "epoch" for entry in history for key in entry):
        return ""
    return (
        '<section id="training"><h2>Training</h2>'
        + _figure(
            plots.loss_curves(history),
            "training loss curves",
            INFO,
            "Each panel is one quantity the model logged per epoch; curves that level off show that training "
            "settled, curves still moving suggest more epochs, wild swings an unstable run.",
        )
        + "</section>"
    )


def _data(report: Report) -> str:
    kinds = pd.DataFrame(
        {"column": list(report.metadata.columns), "kind": list(report.metadata.kinds().values())}
    )
    notes = list(report.info.get("notes") or [])
    if report.info.get("sampled"):  # reports written before it was kept have none
        notes.append(sampled_text(report.info["sampled"]))
    listed = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return (
        '<section id="data"><h2>Data</h2><p>Columns compared and how each was treated.</p>'
        + _frame_table(kinds, limit=10_000)
        + (f"<ul>{listed}</ul>" if listed else "")
        + "</section>"
    )
