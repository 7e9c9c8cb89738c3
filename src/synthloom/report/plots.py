"""The report's figures, drawn with matplotlib's Agg canvas and returned as base64 PNG text.

Figures are built with ``matplotlib.figure.Figure`` directly (no pyplot): no global state, no display, and
the same output whatever backend the user's session has selected. Real data is always blue, synthetic
data orange.
"""

from __future__ import annotations

import base64
import calendar
import io
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, LogLocator, MaxNLocator, NullFormatter, PercentFormatter

from synthloom.data.encoders import value_text, wall_seconds
from synthloom.data.metadata import as_labels
from synthloom.data.number_text import to_numbers
from synthloom.metrics.encoding import bin_edges
from synthloom.metrics.fidelity import missing_shift
from synthloom.metrics.result import decimal_text

REAL, SYNTHETIC, HOLDOUT = "#1f5f99", "#e07b39", "#6a9a3a"
REAL_ALPHA, SYNTHETIC_LINE = 0.45, 1.6  # a histogram's real values are filled pale, its synthetic outlined
VERDICT_COLORS = {"good": "#2e7d32", "fair": "#c28a00", "poor": "#c62828"}
DPI = 90
MAX_BARS = 12  # categories drawn per column; the rest are summed into "other"
MAX_LABEL = 24  # characters of a category's name drawn beside its bars ("Married-spouse-absent")
LABEL_PAD = 12  # pixels between a category label and the figure's left edge, beside its tick
MAX_TITLE = 38  # characters of a column's name that fit above its figure, beside category labels
_SECONDS_PER_DAY = 86_400.0  # matplotlib dates count days since 1970-01-01
MARGINAL_BINS = 40
TICK_LINE = 7 * 1.2 / 72  # inches: one line of the marginals' 7-point tick labels
TICK_DIGITS = (1e-4, 1e15)  # tick values of this size are written as digits, "k" to "T"; beyond, 2.5e15
TICK_NOISE = 1e-9  # ... and one this near 0 beside the largest as 0
CENTRAL_SHARE = 0.99  # a heavy-tailed column's histogram is drawn over this central share of its values
HEAVY_TAIL = 3.0  # ... when all its values span more than this many times that central range
OUTLIERS = 0.02  # a bulk of values this share of them or fewer lie far beyond is drawn without them instead,
FAR_OUT = 3.0  # ... far: this many interquartile ranges beyond the quartiles (Tukey's far-out fences),
SYMMETRIC = 0.1  # ... where the median is this near the quartiles' midpoint, in interquartile ranges
SPIKE_SHARE = 0.3  # one numeric value held by this share of the real values or more ...
SPIKE_DWARFS = 10.0  # ... whose bar would stand this many times above every other is stated, not drawn
MISSING_PANEL = (0.86, 0.17, 0.11, 0.67)  # left, bottom, width, height of a marginal's missing-share panel
LOG_RATIO = 10.0  # skewed positive values spanning this many times their least are drawn on a log axis
LOG_CROWDED = (
    0.2  # ... when their lower half fills this share of an even axis or less, and more of a log one,
)
LOG_LEFT_OUT = 0.02  # ... and this share of them at most is below 0, which a log axis cannot hold,
LOG_ZEROS = 0.5  # ... and this share at most is 0 or below (counted in the caption, or stated as a ``spike``)
MAX_DECIMALS = 3  # values on a grid of 1, 0.1, 0.01 or 0.001 are binned along it (``_grid``)
GRID_TOLERANCE = 1e-9  # ... where each is that near a grid point, relative to its size
# columns drawn in the heat maps, with labels; beyond it, those whose relationships differ most
MAX_HEATMAP = 30
HEATMAP_WIDTH = 12.2  # inches: 1,098 pixels, what the page gives a figure (1,180 less margins)
UNDEFINED = "#dddddd"  # heat-map cells of pairs with no statistic (a column with one value or none)
_CALENDAR = {  # month and weekday names, long and short, and their place in the year or week
    name.lower(): i % 12
    for names in (calendar.month_name[1:], calendar.month_abbr[1:], calendar.day_name, calendar.day_abbr)
    for i, name in enumerate(names)
}
MAX_IMPORTANCE_BARS = 15  # columns drawn in the detection figure, those the detector relies on most


class CentralRange(NamedTuple):
    """The range a heavy-tailed column's histogram is cut to, and how many values lie beyond it."""

    low: float
    high: float
    real_beyond: int  # real values below ``low`` or above ``high`` (missing ones are neither)
    synthetic_beyond: int
    outliers: bool = False  # cut to a bulk of values a few far outliers lie beyond, not to the central 99%


class Spike(NamedTuple):
    """One value held by so many of a numeric column's rows that its bar would flatten the rest."""

    value: float
    real_share: float  # of the real values that are not missing
    synthetic_share: float


class LogAxis(NamedTuple):
    """A numeric marginal drawn on a log axis (``log_axis``), and its values that such an axis cannot hold."""

    real_left_out: int  # real values of 0 or below (missing ones are neither)
    synthetic_left_out: int


class NumericView(NamedTuple):
    """What a numeric marginal draws, worked out once for its figure and its caption (``numeric_view``)."""

    peak: Spike | None  # the value left out of the histograms, its shares stated instead
    real: np.ndarray  # the values drawn: not missing, not the peak's, above 0 on a log axis
    synthetic: np.ndarray
    cut: CentralRange | None  # the central range of the values drawn, where they are heavy-tailed
    log: LogAxis | None = None  # None on an even axis


class Other(NamedTuple):
    """The categories a categorical marginal does not name, summed into "(other)"."""

    categories: int  # distinct real and synthetic categories it sums
    real_share: float
    synthetic_share: float
    drawn: bool  # False when it is stated under the axis instead of drawn as a bar (``category_bars``)


class CategoryBars(NamedTuple):
    """What a categorical marginal draws: the real data's most common categories' shares, and the rest."""

    categories: list[object]
    real: list[float]
    synthetic: list[float]
    other: Other | None  # None when every real and synthetic category is named
    # every category's share of the rows, named or not, "(missing)" among them: counted once, for the
    # caption's note of the score's gap among the categories not named too
    real_shares: pd.Series
    synthetic_shares: pd.Series


def figure(width: float, height: float, constrained: bool = True) -> Figure:
    """A new figure on the Agg canvas; ``constrained=False`` skips the layout pass (one draw less)."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure) -> str:
    """The figure as base64-encoded PNG (for a ``data:`` URI)."""
    buffer = io.BytesIO()
    # an axis reaching float64's largest values (1.8e308) overflows in matplotlib's tick arithmetic, which
    # it survives; numpy's warning of it says nothing to a user
    with _no_glyph_warnings(), np.errstate(over="ignore", invalid="ignore"):
        fig.savefig(buffer, format="png", dpi=DPI)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@contextmanager
def _no_glyph_warnings() -> Iterator[None]:
    """Labels in scripts the font lacks (CJK) are drawn as boxes: one warning per glyph says nothing more."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def marginal(
    real: pd.Series,
    synthetic: pd.Series,
    numeric: bool,
    dates: bool = False,
    bars: CategoryBars | None = None,
    clock: bool = False,
    view: NumericView | None = None,
    zone: Any = None,
) -> str:
    """Real vs synthetic distribution of one column: histograms (numbers: ``view``) or category shares
    (``bars``), each worked out here unless the caller has done so already, for its caption; ``clock`` for
    dates that are times of day (read on 1 January 1900), whose axis shows the time only; ``zone`` the
    clock dates are read on (``Report.zones``; None: as they are), named beside the axis."""
    # drawn once per column: fixed margins instead of a layout pass keep 60 columns to a few seconds
    fig = figure(4.2, 2.7, constrained=False)
    # a histogram has no place for missing values: where their shares differ, a panel beside it draws them
    missing = missing_shift(real, synthetic) if numeric else None
    right = 0.97 if missing is None else MISSING_PANEL[0] - 0.05
    fig.subplots_adjust(left=0.06, right=right, top=0.84, bottom=0.17)  # categories: see _discrete_marginal
    ax = fig.add_subplot()
    if numeric:
        view = view or numeric_view(real.to_numpy(dtype=float), synthetic.to_numpy(dtype=float), dates)
        _numeric_marginal(ax, view, dates, clock, zone)
        if missing is not None:
            _missing_panel(fig, missing)
    else:
        _discrete_marginal(ax, bars or category_bars(real, synthetic))
    # a title wider than the figure is cut at both edges; the figure's caption names the column in full.
    # It is centred on the figure (which holds MAX_TITLE characters), wherever the labels put the axes. The
    # legend goes in a row of its own above the axes, under the title: inside them it covered bars wherever
    # it was put. Text from the data is drawn as written (``parse_math=False``): between two "$" matplotlib
    # reads math, and drew "$1k-$5k" as an italic "1k−5k"
    middle = (0.5 - fig.subplotpars.left) / (fig.subplotpars.right - fig.subplotpars.left)
    ax.set_title(_short(real.name, MAX_TITLE), fontsize=10, pad=13, x=middle, parse_math=False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(
            fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0
        )
    return to_png(fig)


def _missing_panel(fig: Figure, shares: tuple[float, float]) -> None:
    """Two bars beside a histogram: the real and the synthetic share of missing values."""
    ax = fig.add_axes(MISSING_PANEL)
    # drawn as the histograms are, and named: a dark blue bar beside a pale blue histogram read as a third
    ax.bar(0, shares[0], color=REAL, alpha=REAL_ALPHA, width=0.8)
    ax.bar(1, shares[1], fill=False, edgecolor=SYNTHETIC, linewidth=SYNTHETIC_LINE, width=0.8)
    for x, share in enumerate(shares):  # the shares written: the bars alone read 68% and 72% alike
        ax.text(x, share, share_text(share), ha="center", va="bottom", fontsize=6)
    ax.set_ylim(0, 1.15)
    ax.set_xticks([0, 1], ["real", "syn."], fontsize=6)
    ax.tick_params(axis="x", length=0, pad=2)
    ax.set_yticks([])
    ax.set_title("missing", fontsize=8)


def central_range(real: np.ndarray, synthetic: np.ndarray, logarithmic: bool = False) -> CentralRange | None:
    """The range a numeric marginal is cut to when the column is heavy-tailed, or None when it is drawn whole.

    A column whose values are mostly small and a few huge (transaction amounts, capital gains) put nearly
    every row into one or two of the 40 bins, so its figure showed nothing. When all the values (real and
    synthetic together) span more than ``HEAVY_TAIL`` times their central 99% (the 0.5% to 99.5% quantiles),
    which would leave that 99% a third of the bins or less, the bins cover the central 99% only and the
    caption counts the values beyond it. Skewed positive values go on a log axis first (``log_axis``), where
    the spans compared are ratios (``logarithmic``): there a tail that squeezed an even axis may fit whole.
    Quantiles are values of the data (no interpolation, which overflows between values near +-1.8e308).

    A near-symmetric bulk with a sliver of far outliers (``_bulk``) is cut to the bulk instead, on an even
    axis: 1% of outliers on one side left half of them inside the central 99%, which still squeezed the
    bulk, and on a log axis too.

    Example:
        >>> central_range(np.r_[np.arange(1000.0) ** 2, 1e12], np.arange(1000.0) ** 2)
        CentralRange(low=25.0, high=990025.0, real_beyond=10, synthetic_beyond=9, outliers=False)
        >>> central_range(np.r_[np.arange(1000.0), 1e6], np.arange(1000.0))
        CentralRange(low=0.0, high=999.0, real_beyond=1, synthetic_beyond=0, outliers=True)
    """
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    both = np.concatenate([real, synthetic])
    if not both.size:
        return None
    tail = (1.0 - CENTRAL_SHARE) / 2
    quantiles = np.quantile(both, [tail, 0.25, 0.5, 0.75, 1.0 - tail], method="inverted_cdf")
    bulk = None if logarithmic else _bulk(both, *quantiles[1:4])
    # the bulk without its outliers where they squeeze it, else the central 99% where its tails do
    cuts = [(*bulk, True)] if bulk is not None else []
    for low, high, outliers in [*cuts, (*quantiles[[0, -1]], False)]:
        if _squeezed(low, high, both, logarithmic):
            beyond = [int(np.count_nonzero((values < low) | (values > high))) for values in (real, synthetic)]
            return CentralRange(float(low), float(high), *beyond, outliers=outliers)
    return None


def _squeezed(low: float, high: float, values: np.ndarray, logarithmic: bool) -> bool:
    """Whether ``values`` span more than ``HEAVY_TAIL`` times ``low`` to ``high``, as ratios where
    ``logarithmic`` (values all above 0: ``numeric_view``)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if logarithmic:
            central, spread = np.log(high / low), np.log(values.max() / values.min())
        else:
            central, spread = high - low, np.ptp(values)
        # a central range of one value (most rows 0) would draw that value alone; the whole range shows more
        return bool(np.isfinite(central) and central > 0 and spread > HEAVY_TAIL * central)


def _bulk(values: np.ndarray, lower: float, median: float, upper: float) -> tuple[float, float] | None:
    """The least and the largest of ``values`` within Tukey's far-out fences (``FAR_OUT`` interquartile
    ranges beyond the ``lower`` and ``upper`` quartiles), where the quartiles lie near-symmetric about the
    ``median`` (``SYMMETRIC``) and no more than ``OUTLIERS`` of the values lie beyond; else None.

    Skewed values (incomes, loan amounts) put a long tail beyond such fences, and keep the central 99% and
    the log axis (``log_axis``); a symmetric bulk has next to nothing beyond them but outliers.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        spread = upper - lower
        if not (np.isfinite(spread) and spread > 0) or abs(upper + lower - 2 * median) > SYMMETRIC * spread:
            return None
        inside = values[(values >= lower - FAR_OUT * spread) & (values <= upper + FAR_OUT * spread)]
    if inside.size == values.size or values.size - inside.size > OUTLIERS * values.size:
        return None
    return float(inside.min()), float(inside.max())


def log_axis(real: np.ndarray, synthetic: np.ndarray, cut: CentralRange | None = None) -> LogAxis | None:
    """A log axis for positive values skewed right (none missing), or None where an even axis draws them
    better: the even axis over all the values or over ``cut``, their central range (``central_range``).

    Amounts of 2 to 1,100 dollars, half of them under 40, filled the first two of 40 equal-width bins and
    left the rest a flat line; loans' credit limits and payments did so too, kept off the log axis by a few
    zeros among ten thousand values. A log axis is drawn where the values above 0 span ``LOG_RATIO`` times
    their least, the half of them below their median fills ``LOG_CROWDED`` of an even axis or less and more
    of a log one (each cut to its central range where it would be), and no more than ``LOG_LEFT_OUT`` of all
    the values are below 0 and ``LOG_ZEROS`` are 0 or below: those are left out, and counted.

    The axis each would draw: ratios of 5 to 40 with a few of 400 fill an even axis cut to its central range
    (their median a fifth along it) as well as a log one. Not the middle 90%: capital gains top-coded at
    99,999 (6% of those above 0) put the 95% quantile near the even axis' end while half the values filled
    its first fourteenth. Zeros beside skewed amounts (5% to 45% of them) are common, and left an even axis
    squeezed; values below 0 are of another kind. Whole numbers of a few dozen (counts of 1 to 52, most of
    them 1) get a bar each on an even axis.

    Example:
        >>> log_axis(np.r_[0.0, 1.5 ** np.arange(30.0)], 1.5 ** np.arange(30.0))
        LogAxis(real_left_out=1, synthetic_left_out=0)
    """
    both = np.concatenate([real, synthetic])  # not missing (``numeric_view``): a pass less of 300,000 rows
    positive = both[both > 0]
    if not positive.size or both.size - positive.size > LOG_ZEROS * both.size:
        return None
    if np.count_nonzero(both < 0) > LOG_LEFT_OUT * both.size:
        return None
    low, high = positive.min(), positive.max()
    start, end = (cut.low, cut.high) if cut is not None else (both.min(), high)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if not (np.isfinite(high) and high >= LOG_RATIO * low):
            return None
        middle = np.quantile(positive, 0.5, method="inverted_cdf")
        even = (middle - start) / (end - start)
        logged = central_range(positive, positive[:0], logarithmic=True)  # the log axis as it would be cut
        if logged is not None:
            low, high = logged.low, logged.high
        if not (
            np.isfinite(even) and even <= LOG_CROWDED and np.log(middle / low) / np.log(high / low) > even
        ):
            return None
    if high <= MARGINAL_BINS and _grid(positive) == 1.0:
        return None
    return LogAxis(int(np.count_nonzero(real <= 0)), int(np.count_nonzero(synthetic <= 0)))


def spike(real: np.ndarray, synthetic: np.ndarray, dates: bool = False) -> Spike | None:
    """The value a numeric marginal leaves out of its histograms and states the shares of, or None.

    A column that is mostly one value (capital gains 0 in 92% of rows, late fees mostly 0) drew that value's
    bar to the top of the axis and every other bar a pixel or two high: the figure showed nothing of the
    other values, which are the ones a generator gets wrong. The real data's most common value is left out
    when it holds ``SPIKE_SHARE`` of the real values or more and, in the histogram drawn whole, either its
    bar would stand ``SPIKE_DWARFS`` times above every other real bar, or it would stretch the axis so far
    that the other values (of more than one value) span a ``HEAVY_TAIL``-th of it or less (open ends
    written 31/12/9999 beside dates of a few years). The histograms then show the other values (cut to
    their central range when heavy-tailed) and the axis label gives its shares. Not the share alone: a
    common value that leaves the rest readable (adult's hours-per-week, 47% at 40 with the next bar a fifth
    as tall; a 0/1 column 70% zeros) is part of the shape and is drawn as before. A column with no other
    real value (a constant one) is drawn whole too: there would be no real histogram left.

    Example:
        >>> spike(np.r_[np.zeros(900), np.arange(1.0, 101.0)], np.zeros(10))
        Spike(value=0.0, real_share=0.9, synthetic_share=1.0)
    """
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    if not real.size:
        return None
    values, counts = np.unique(real, return_counts=True)
    top = int(np.argmax(counts))
    value = values[top]
    if not SPIKE_SHARE * real.size <= counts[top] < real.size:
        return None
    whole = _scaled(NumericView(None, real, synthetic, None), dates)
    if whole.log is not None and value <= 0:  # left out of a log axis already, and counted in the caption
        return None
    bins = _edges(whole.real, whole.synthetic, whole.cut, dates, whole.log is not None)
    if bins is None:
        return None
    edges = bins[0]
    heights = np.histogram(whole.real, edges)[0]  # as drawn: bins of equal width or, on a log axis, ratio
    # the last bin is closed on the right, so a value on the last edge is in it
    at = min(int(np.searchsorted(edges, value, side="right")) - 1, heights.size - 1)
    dwarfs = SPIKE_DWARFS * np.delete(heights, at).max(initial=0) <= heights[at]
    others = np.concatenate([real[real != value], synthetic[synthetic != value]])
    with np.errstate(over="ignore", invalid="ignore"):
        rest = np.ptp(others) if others.size else 0.0
        squeezes = 0 < HEAVY_TAIL * rest < edges[-1] - edges[0]
    if not (dwarfs or squeezes):
        return None
    synthetic_share = float(np.mean(synthetic == value)) if synthetic.size else 0.0
    return Spike(float(value), float(counts[top] / real.size), synthetic_share)


def numeric_view(real: np.ndarray, synthetic: np.ndarray, dates: bool = False) -> NumericView:
    """The peak (``spike``) a numeric marginal leaves out, its axis (``log_axis``; never for ``dates``), the
    values it draws and their cut (``central_range``); a caption and its figure share one: each sorted and
    ranked every column's values again (the page of 13 columns of 300,000 rows: 1.60 - 1.62 s of CPU to
    draw, 1.34 - 1.41 s with one)."""
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    peak = spike(real, synthetic, dates)
    if peak is not None:
        real, synthetic = real[real != peak.value], synthetic[synthetic != peak.value]
    return _scaled(NumericView(peak, real, synthetic, None), dates)


def _scaled(view: NumericView, dates: bool) -> NumericView:
    """``view`` with its axis and its cut: its values above 0 on a log axis, cut to their central range
    where heavy-tailed on the axis drawn (``central_range``); the log axis is weighed against the even one
    as it would be cut."""
    cut = central_range(view.real, view.synthetic)
    log = None if dates else log_axis(view.real, view.synthetic, cut)
    if log is None:
        return view._replace(cut=cut, log=None)
    real, synthetic = view.real[view.real > 0], view.synthetic[view.synthetic > 0]
    return view._replace(real=real, synthetic=synthetic, cut=central_range(real, synthetic, True), log=log)


def spike_label(peak: Spike, dates: bool = False, clock: bool = False, zone: Any = None) -> str:
    """The axis label of a histogram that leaves ``peak`` out: the value (a date on ``zone``'s clock) and
    its two shares."""
    return (
        f"{value_text(peak.value, dates, clock, zone=zone)} not drawn: {share_text(peak.real_share)} of "
        f"real, {share_text(peak.synthetic_share)} of synthetic values"
    )


def share_text(share: float) -> str:
    """A share as a whole percentage, "<1%" or ">99%" where rounding would write "0%" or "100%" of a share
    that is not none or all (9 missing values of 2,000; a value in all but one of 2,000 rows).

    Example:
        >>> share_text(0.0045), share_text(0.9995), share_text(1.0), share_text(0.3)
        ('<1%', '>99%', '100%', '30%')
    """
    if 0 < share < 0.005:
        return "<1%"
    if 0.995 <= share < 1:
        return ">99%"
    return f"{share:.0%}"


def _edges(
    real: np.ndarray, synthetic: np.ndarray, cut: CentralRange | None, dates: bool, logarithmic: bool
) -> tuple[np.ndarray, float | None] | None:
    """The bins of a numeric marginal (non-missing values), and the grid of values they align to (``_grid``):
    ``MARGINAL_BINS`` over all the values, or over ``cut``, their central range (``central_range``) when
    they are heavy-tailed; bins of equal ratio on a ``logarithmic`` axis (``log_axis``), and values on a grid
    binned along it (not ``dates``: half a day past 31/12/9999 is past matplotlib's dates); None when their
    range is more than an axis holds."""
    both = np.concatenate([real, synthetic])
    if cut is not None:  # heavy-tailed: values beyond the central range are not drawn; the caption says so
        both = both[(both >= cut.low) & (both <= cut.high)]
    with np.errstate(over="ignore"):
        spread = np.ptp(both) if both.size else 0.0
    if not np.isfinite(spread):  # values from -1.8e308 to 1.8e308
        return None
    step = None if dates else _grid(both)
    if logarithmic:
        edges = np.geomspace(both.min(), both.max(), MARGINAL_BINS + 1)
        if step is not None:  # bins of equal ratio narrower than the grid held no value: a comb
            grid = np.floor(edges / step)
            return np.unique(np.r_[grid[0] - 0.5, grid + 0.5]) * step, step
        return edges, None
    if step is not None:
        return _grid_edges(both, step), step
    return bin_edges(both if both.size else np.zeros(1), MARGINAL_BINS), None


def _grid(values: np.ndarray) -> float | None:
    """The grid the values lie on, 1, 0.1, 0.01 or 0.001 (``MAX_DECIMALS``), or None for any other values.

    Ages 17 to 90 in 40 equal-width bins put two whole numbers in some bins and one in others, and a bin
    of two stood twice as tall: a comb that is not in the data; lab values of one decimal did so too.

    Example:
        >>> _grid(np.array([5.3, 4.1, 6.0])), _grid(np.array([17.0, 90.0])), _grid(np.array([0.12345]))
        (0.1, 1.0, None)
    """
    if not values.size:
        return None
    for decimals in range(MAX_DECIMALS + 1):
        scale = 10.0**decimals
        # beyond 2**53 float64 holds no fractions, and "whole" says nothing of how the values were made;
        # a few values first: most columns off any grid are told so without a pass over all their rows
        if np.abs(values).max() * scale >= 2.0**53:
            return None
        if all(_on_grid(part, scale) for part in (values[:100], values)):
            return 1.0 / scale
    return None


def _on_grid(values: np.ndarray, scale: float) -> bool:
    # 5.3 * 10 is 53.000000000000007: a value is on the grid within float64's rounding of its own size, not
    # within a fixed distance, which took values of 1e-7 for 0 and drew them all as one bar from -0.5 to 0.5
    scaled = values * scale
    return bool((np.abs(scaled - np.round(scaled)) <= GRID_TOLERANCE * np.abs(scaled)).all())


def _grid_edges(values: np.ndarray, step: float) -> np.ndarray:
    """Bins along the values' grid of ``step``, each holding the same count of its points, edges half-way
    between them, and no more than ``MARGINAL_BINS`` of them.

    Example:
        >>> _grid_edges(np.array([17.0, 90.0]), 1.0)[[0, 1, -1]]
        array([16.5, 18.5, 90.5])
    """
    low, high = np.round(values.min() / step), np.round(values.max() / step)
    per_bin = max(1.0, np.ceil((high - low + 1.0) / MARGINAL_BINS))
    count = int(np.ceil((high - low + 1.0) / per_bin))
    return (low - 0.5 + per_bin * np.arange(count + 1)) * step


def _numeric_marginal(ax: Axes, view: NumericView, dates: bool, clock: bool, zone: Any = None) -> None:
    real, synthetic, cut = view.real, view.synthetic, view.cut
    if view.peak is not None:  # one value would flatten every other bar: its shares are written, not drawn
        ax.set_xlabel(spike_label(view.peak, dates, clock, zone), fontsize=7, parse_math=False)
    if dates:  # the view is in seconds, as the caption's; matplotlib counts days
        # drawn on the column's own clock, as its stamps are written (UTC seconds put 21:00+01:00 at
        # 20:00); as wall-clock seconds, not with matplotlib's zone, whose ticks bunch up where the
        # clocks change ("Mar-31" and "01:00" one on the other)
        real, synthetic = (
            wall_seconds(real, zone) / _SECONDS_PER_DAY,
            wall_seconds(synthetic, zone) / _SECONDS_PER_DAY,
        )
        if cut is not None:
            low, high = wall_seconds(np.array([cut.low, cut.high]), zone) / _SECONDS_PER_DAY
            cut = cut._replace(low=low, high=high)
        ax.xaxis_date()
    logarithmic = view.log is not None
    bins = _edges(real, synthetic, cut, dates, logarithmic)
    if bins is None:  # no axis can be drawn over the values
        ax.text(0.5, 0.5, "values span more than an axis can hold", ha="center", transform=ax.transAxes)
        return
    edges, step = bins
    if logarithmic:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # 2 to 9 of each decade labelled where it spans few

    def heights(values: np.ndarray) -> dict[str, object]:
        # a density divides by bins' widths, which on a log axis grow tenfold a decade: bars would fall
        # with the value where the values do not; each bin of equal ratio draws its share of them instead
        return (
            {"weights": np.full(values.size, 1.0 / max(values.size, 1))} if logarithmic else {"density": True}
        )

    ax.hist(
        real, bins=edges, histtype="stepfilled", color=REAL, alpha=REAL_ALPHA, label="real", **heights(real)
    )
    if synthetic.size:
        ax.hist(
            synthetic,
            bins=edges,
            **heights(synthetic),
            histtype="step",
            linewidth=SYNTHETIC_LINE,
            color=SYNTHETIC,
            label="synthetic",
        )
    if logarithmic:  # a span of a decade or two ticked at its powers of ten only named one or two values
        low, high = ax.get_xlim()
        if (
            np.count_nonzero((ax.xaxis.get_majorticklocs() >= low) & (ax.xaxis.get_majorticklocs() <= high))
            < 3
        ):
            ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    if dates:
        # no margin beyond the bins: an open end on 9999-12-31 would put the axis past matplotlib's dates
        ax.set_xlim(edges[0], edges[-1])
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        if clock:  # every tick a time, and no "1900-Jan-01" offset: the day is only where times are read on
            times = ["%H:%M"] * 5 + ["%H:%M:%S"]
            formatter = mdates.ConciseDateFormatter(
                locator, formats=times, zero_formats=times, show_offset=False
            )
        else:
            formatter = _YearDates(locator)
            # a zone-aware column is drawn on its clock (stamps in several offsets, or written in UTC, on
            # UTC's), which the axis names: a reader would take the hours for their own clock's
            formatter.clock_name = _clock_name(zone)
        ax.xaxis.set_major_formatter(formatter)
        # a year on a second line of ticks pushed a spike's label below the figure's foot: one line more
        if view.peak is not None and any("\n" in label for label in formatter.format_ticks(locator())):
            fig = ax.get_figure()
            fig.subplots_adjust(bottom=fig.subplotpars.bottom + TICK_LINE / fig.get_figheight())
    else:
        if step == 1.0 and not logarithmic:  # whole numbers: a tick at 0.5 names no value
            # one tick is enough: with fewer than two whole numbers in range the locator would drop
            # ``integer`` (a column of one value, 7, ticked 6.45 to 7.65)
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        ax.xaxis.set_major_formatter(_TickText())
    ax.set_yticks([])
    ax.tick_params(labelsize=7)


class _YearDates(mdates.ConciseDateFormatter):
    """Matplotlib's concise date ticks, which also name the year on the first tick and on each tick whose
    year is not its predecessor's, where the ticks span more than one year.

    The concise ticks name a year only on its January tick or beside the axis, and leave that offset out
    where a January tick names a year: dates of February 2020 to March 2021 read "Mar, May ... Nov, 2021,
    Mar", 2020 nowhere, and days of 10 December to 20 January read "13 ... 29, Jan, 05" beside "2021-Jan".
    The year goes on a second line, so a tick grows no wider and its neighbours keep their room.
    """

    _years_on_ticks = False
    clock_name = ""  # the clock the ticks read, named after the offset text ("UTC"); "" for none

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """The tick labels of ``values`` (matplotlib's days), each year named where it starts on the axis."""
        labels = super().format_ticks(values)
        years = [mdates.num2date(value, tz=self._tz).year for value in values]
        # one year: the offset beside the axis names it, or the January tick that is the first
        self._years_on_ticks = len(set(years)) > 1
        if self._years_on_ticks:
            for at, year in enumerate(years):
                if (at == 0 or year != years[at - 1]) and str(year) not in labels[at]:
                    labels[at] += f"\n{year}"
        return labels

    def get_offset(self) -> str:
        """The text beside the axis, with ``clock_name``: no date where the ticks name the years. It named
        the last tick's year (and month), as the ticks now do, and a second line of ticks pushed it off
        the figure's foot."""
        date = "" if self._years_on_ticks else super().get_offset()
        return " ".join(part for part in (date, self.clock_name) if part)


def _clock_name(zone: Any) -> str:
    """The name of ``zone``'s clock beside a date axis: "UTC" where it is UTC's winter and summer, else the
    zone's ("Europe/Berlin", "UTC+01:00" for a fixed offset); "" for naive stamps (None), read as written.

    Example:
        >>> import datetime
        >>> one_hour = datetime.timezone(datetime.timedelta(hours=1))
        >>> [_clock_name(zone) for zone in (None, "UTC", "Europe/Berlin", one_hour)]
        ['', 'UTC', 'Europe/Berlin', 'UTC+01:00']
    """
    if zone is None:
        return ""
    utc = all(
        pd.Timestamp(day, tz=zone).utcoffset() == pd.Timedelta(0) for day in ("2000-01-01", "2000-07-01")
    )
    return "UTC" if utc else str(zone)


def tick_text(value: float, position: int | None = None) -> str:
    """A number on an axis as plain text, from 10,000 on in thousands, millions, billions (B, as amounts
    are written; SI's "G" reads as giga, not as money) and trillions: matplotlib wrote 0.2 to 1.0 and "1e6"
    beside the axis, 10^1 on a log one (``position``: the tick's, unused). Below 10,000 the digits, as years
    are written ("1962", not "1.962k" or "1,962"); beyond the suffixes (1e15 on) and below 0.0001, a power
    of ten (``TICK_DIGITS``).

    Example:
        >>> [tick_text(v) for v in (0.0, 0.25, 1962.0, 12_500.0, 250_000.0, 1_500_000.0)]
        ['0', '0.25', '1962', '12.5k', '250k', '1.5M']
        >>> [tick_text(v) for v in (1e10, 2.5e12)]
        ['10B', '2.5T']
        >>> [tick_text(v) for v in (2.5e15, -1e-5, 1e300)]
        ['2.5e15', '-1e-5', '1e300']
    """
    if value and not TICK_DIGITS[0] <= abs(value) < TICK_DIGITS[1]:
        return _power_text(value)
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= max(scale, 1e4):
            return f"{value / scale:.4g}{suffix}"
    return f"{value:.6g}"


def tick_texts(values: Sequence[float]) -> list[str]:
    """The ticks of one axis as text in one style: ``tick_text``'s, or where any tick needs a power of ten,
    every one as such ("5e14, 1e15", "1e-5, 1e-4"), where "500T" stood beside "1e+15" and "0.0001" beside
    "1e-05". A tick within float noise of 0 beside the others (5.6e-17 in steps of 0.1) is written "0".

    Example:
        >>> tick_texts([0.0, 5e14, 1e15]), tick_texts([1e-5, 1e-4, 1e-3]), tick_texts([5.6e-17, 0.1, 0.2])
        (['0', '5e14', '1e15'], ['1e-5', '1e-4', '1e-3'], ['0', '0.1', '0.2'])
    """
    numbers = np.asarray(values, dtype=float)
    sizes = np.abs(numbers)
    numbers = np.where(sizes <= TICK_NOISE * sizes.max(initial=0.0), 0.0, numbers)
    sizes = np.abs(numbers[numbers != 0])
    if sizes.size and (sizes.min() < TICK_DIGITS[0] or sizes.max() >= TICK_DIGITS[1]):
        return [_power_text(number) if number else "0" for number in numbers]
    return [tick_text(number) for number in numbers]


def _power_text(value: float) -> str:
    """``value`` as a power of ten, four digits at most: "2.5e15", "-1e-5"."""
    digits, power = f"{value:.3e}".split("e")
    return f"{float(digits):g}e{int(power)}"


class _TickText(Formatter):
    """``tick_texts`` as a matplotlib formatter: the ticks in view, in the style they need together."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        """One value as text, outside an axis' ticks (``tick_text``)."""
        return tick_text(x, pos)

    def format_ticks(self, values: Sequence[float]) -> list[str]:
        """The tick labels of ``values``: none for ticks beyond the view, which the locators add and which
        would set a style no drawn tick needs."""
        low, high = sorted(self.axis.get_view_interval())
        slack = TICK_NOISE * (high - low)
        shown = [low - slack <= value <= high + slack for value in values]
        texts = iter(tick_texts([value for value, drawn in zip(values, shown, strict=True) if drawn]))
        return [next(texts) if drawn else "" for drawn in shown]


def category_bars(real: pd.Series, synthetic: pd.Series) -> CategoryBars:
    """The shares a categorical marginal draws: the real data's ``MAX_BARS`` most common categories, the
    rest summed into "(other)".

    A column of hundreds of categories (400 product codes, a long tail) summed most of its rows into
    "(other)", whose bar ran to the end of the axis and squeezed every named category into a sliver. When
    the rest holds real categories beyond the named ones and is longer than every named bar, it is not
    drawn (``Other.drawn`` False) and its shares are written under the axis: one number carries it as well
    as a bar, and the named categories keep the axis. A column of few categories keeps its "(other)" bar
    (there only when the synthetic rows hold categories the real ones lack): that bar is the difference.
    """
    real_share = as_labels(real).value_counts(normalize=True)
    synthetic_share = as_labels(synthetic).value_counts(normalize=True)
    shown = list(real_share.index[:MAX_BARS])
    # missing values whose share changed are drawn, however rare in the real rows: the shape score skips them
    # (counted only where either table has some: looking for them in 300,000 texts takes 10 ms)
    some = "(missing)" in real_share.index or "(missing)" in synthetic_share.index
    if some and "(missing)" not in shown and missing_shift(real, synthetic) is not None:
        del shown[MAX_BARS - 1 :]
        shown.append("(missing)")
    shown = _in_order(shown)
    real_values = [float(real_share.get(c, 0.0)) for c in shown]
    synthetic_values = [float(synthetic_share.get(c, 0.0)) for c in shown]
    other = None
    if len(real_share) > MAX_BARS or not set(synthetic_share.index) <= set(shown):
        rest = (1.0 - sum(real_values), max(0.0, 1.0 - sum(synthetic_values)))
        categories = len(real_share.index.union(synthetic_share.index)) - len(shown)
        longest = max(real_values + synthetic_values, default=0.0)
        drawn = len(real_share) <= MAX_BARS or max(rest) <= longest
        other = Other(categories, *rest, drawn=drawn)
    return CategoryBars(shown, real_values, synthetic_values, other, real_share, synthetic_share)


def _in_order(categories: list[object]) -> list[object]:
    """Categories in the order their names give, where they give one, else as they come (most common
    first): as numbers ("500", "1000", "5000"), by a leading rank ("1. < HS Grad", "2. HS Grad"), as
    letters where three or more are single ones (grades "A" to "G"), as months or weekdays in the
    calendar, or as dates ("Jan-2018"); months ordered by their counts read Mar, Jan, Feb, grades B, C, A.
    "(missing)" stays last.

    Example:
        >>> _in_order(["Mar-2018", "Jan-2018", "Feb-2018"]), _in_order(["Tue", "mon", "(missing)"])
        (['Jan-2018', 'Feb-2018', 'Mar-2018'], ['mon', 'Tue', '(missing)'])
        >>> _in_order(["10", "2", "1.5"]), _in_order(["B", "C", "A"]), _in_order(["M", "F"])
        (['1.5', '2', '10'], ['A', 'B', 'C'], ['M', 'F'])
    """
    named = [c for c in categories if c != "(missing)"]
    texts = [str(c).strip().lower() for c in named]
    numbers = to_numbers(pd.Series(texts, dtype=object))
    ranks = [re.match(r"(\d+)\D", text) for text in texts]
    if numbers.notna().all():
        keys: list[object] = list(numbers)
    elif all(ranks):
        keys = [int(rank.group(1)) for rank in ranks]
    elif len(texts) >= 3 and all(len(text) == 1 and text.isalpha() for text in texts):
        keys = list(texts)
    elif all(text in _CALENDAR for text in texts):
        keys = [_CALENDAR[text] for text in texts]
    else:
        with warnings.catch_warnings():  # "could not infer format": the dates are then parsed one by one
            warnings.simplefilter("ignore")
            stamps = pd.to_datetime(pd.Series(texts, dtype=object), format="mixed", errors="coerce")
        if stamps.isna().any():
            return categories
        keys = list(stamps)
    ordered = [c for _, c in sorted(zip(keys, named, strict=True), key=lambda pair: pair[0])]
    return ordered + [c for c in categories if c == "(missing)"]


def other_label(other: Other) -> str:
    """The axis label of a categorical marginal whose "(other)" is written, not drawn."""
    return (
        f"share of rows; {other.categories:,} more not drawn: {share_text(other.real_share)} of real, "
        f"{share_text(other.synthetic_share)} of synthetic"
    )


def _discrete_marginal(ax: Axes, bars: CategoryBars) -> None:
    labels = [_short(c, MAX_LABEL) for c in bars.categories]
    real_values, synthetic_values = list(bars.real), list(bars.synthetic)
    if bars.other is not None and bars.other.drawn:
        labels.append("(other)")
        real_values.append(bars.other.real_share)
        synthetic_values.append(bars.other.synthetic_share)
    positions = np.arange(len(labels))
    ax.barh(positions - 0.2, real_values, height=0.4, color=REAL, label="real")
    ax.barh(positions + 0.2, synthetic_values, height=0.4, color=SYNTHETIC, label="synthetic")
    ax.set_yticks(positions, labels, fontsize=7, parse_math=False)
    # the left margin is as wide as the widest label, which a fixed one cut off ("Amer-Indian-Eskimo");
    # measured, not laid out: a layout pass per figure would double a page's drawing time
    fig = ax.get_figure()
    renderer = fig.canvas.get_renderer()
    with _no_glyph_warnings():
        widest = max((tick.get_window_extent(renderer).width for tick in ax.get_yticklabels()), default=0.0)
    fig.subplots_adjust(left=min(0.5, (widest + LABEL_PAD) / fig.bbox.width))
    ax.invert_yaxis()
    ax.tick_params(axis="x", labelsize=7)
    drawn = bars.other is None or bars.other.drawn
    if drawn:
        ax.set_xlabel("share of rows", fontsize=7)
    else:  # ended under the axis' right end, the longer label has the figure's left margin to run into
        ax.set_xlabel(other_label(bars.other), fontsize=7, loc="right")


def _short(value: object, width: int = 18) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


SCORE_LABEL_ROOM = 0.06  # of the shape-score axis, beyond 1, for a bar's value written at its end ("0.96")


def column_scores(columns: Sequence[str], scores: Sequence[float], verdicts: Sequence[str]) -> str:
    """Horizontal bars of per-column shape scores, coloured by verdict."""
    fig = figure(7.5, 0.8 + 0.22 * len(columns))
    ax = fig.add_subplot()
    values = np.nan_to_num(np.asarray(scores, dtype=float))
    colors = [VERDICT_COLORS.get(v, "#999999") for v in verdicts]
    bars = ax.barh(np.arange(len(columns)), values, color=colors)
    # a score of 0 has no bar: each is written at its end, so the worst one shows
    labels = [f"{s:.2f}" if np.isfinite(s) else "n/a" for s in np.asarray(scores, dtype=float)]
    ax.bar_label(bars, labels=labels, fontsize=6, padding=2)
    ax.set_yticks(np.arange(len(columns)), [_short(c, 28) for c in columns], fontsize=7, parse_math=False)
    ax.invert_yaxis()
    # room beyond 1 for the labels of bars near it, which were drawn across the frame's right edge and
    # clipped there; the axis is ticked up to 1 only, and left open beyond it
    ax.set_xlim(0, 1 + SCORE_LABEL_ROOM)
    ax.set_xticks(np.linspace(0.0, 1.0, 6))
    ax.spines["right"].set_visible(False)
    ax.set_xlabel("shape score (1 = same distribution)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    return to_png(fig)


def hour_of_day(column: str, shares: Mapping[str, np.ndarray], zone: Any = None) -> str:
    """Real vs synthetic share of rows per hour of day and, beside it, per weekday, on ``zone``'s clock
    (``synthloom.metrics.fidelity.hour_of_day``'s shares); bars as the histograms draw them, real filled
    pale, synthetic outlined."""
    fig = figure(7.5, 2.6)
    hours, days = fig.subplots(1, 2, width_ratios=(3.4, 1))
    for ax, real, synthetic, labels in (
        (hours, shares["real"], shares["synthetic"], [str(h) for h in range(len(shares["real"]))]),
        (days, shares["real_weekdays"], shares["synthetic_weekdays"], [day[:2] for day in calendar.day_abbr]),
    ):
        positions = np.arange(len(real))
        ax.bar(positions, real, width=0.9, color=REAL, alpha=REAL_ALPHA, label="real")
        ax.bar(
            positions,
            synthetic,
            width=0.9,
            fill=False,
            edgecolor=SYNTHETIC,
            linewidth=SYNTHETIC_LINE,
            label="synthetic",
        )
        ax.set_xticks(positions, labels, fontsize=6)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    clock = _clock_name(zone)
    hours.set_xlabel("hour of day" + (f" ({clock})" if clock else ""), fontsize=8)
    hours.set_ylabel("share of rows", fontsize=8)
    days.set_xlabel("weekday", fontsize=8)
    hours.set_title(_short(column, MAX_TITLE), fontsize=10, loc="left", parse_math=False)
    hours.legend(fontsize=7, frameon=False, ncols=2, loc="lower right", bbox_to_anchor=(1.0, 1.0))
    return to_png(fig)


def column_importance(columns: Sequence[str], auc_drops: Sequence[float]) -> str:
    """Horizontal bars: how far the detector's ROC-AUC falls when each column is shuffled, largest on top."""
    fig = figure(7.5, 0.8 + 0.22 * len(columns))
    ax = fig.add_subplot()
    values = np.nan_to_num(np.asarray(auc_drops, dtype=float))
    ax.barh(np.arange(len(columns)), values, color=SYNTHETIC)
    ax.set_yticks(np.arange(len(columns)), [_short(c, 28) for c in columns], fontsize=7, parse_math=False)
    ax.invert_yaxis()
    ax.axvline(0.0, color="#555555", linewidth=0.8)
    ax.set_xlabel("fall in the detector's ROC-AUC when the column is shuffled", fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    return to_png(fig)


def heatmap_columns(real: pd.DataFrame, synthetic: pd.DataFrame) -> list[str]:
    """The columns the heat maps draw, in table order: all, or beyond ``MAX_HEATMAP`` those whose
    relationships differ most between real and synthetic data (largest absolute difference over their pairs).

    53 columns drew three unlabelled 53-by-53 matrices: labels at that size overlap into a block, so the
    figure named nothing. The columns with the largest differences are where a reader has to look.
    """
    names = list(real.columns)
    if len(names) <= MAX_HEATMAP:
        return names
    difference = np.nan_to_num(np.abs(real.to_numpy() - synthetic.to_numpy()))  # undefined pairs: none seen
    worst = set(np.argsort(-difference.max(axis=1), kind="stable")[:MAX_HEATMAP])
    return [name for i, name in enumerate(names) if i in worst]


def heatmaps(real: pd.DataFrame, synthetic: pd.DataFrame) -> str:
    """Three matrices: real associations, synthetic associations, absolute difference, over the columns
    ``heatmap_columns`` picks; as wide as the page, which scaled a wider figure's labels down to 5 pixels.

    Names beside all three maps, on both axes, left each 6-point label a few pixels and cut them at 14
    characters ("months_since..." twice): the columns are numbered on every axis, and named once, in full or
    cut in the middle, which keeps the end that tells "..._90d_late" from "..._last_delinq", beside the
    first map's rows."""
    shown = heatmap_columns(real, synthetic)
    real, synthetic = real.loc[shown, shown], synthetic.loc[shown, shown]
    size = min(3.7, 1.6 + 0.16 * len(real))
    fig = figure(HEATMAP_WIDTH, size + 0.4)
    axes = fig.subplots(1, 3)
    panels = [
        (real.to_numpy(), "real", "RdBu_r", -1.0),
        (synthetic.to_numpy(), "synthetic", "RdBu_r", -1.0),
        (np.abs(real.to_numpy() - synthetic.to_numpy()), "|real − synthetic|", "Reds", 0.0),
    ]
    numbers = [str(i) for i in range(1, len(shown) + 1)]
    named = [f"{_middle(name, MAX_LABEL)}  {number}" for name, number in zip(shown, numbers, strict=True)]
    for ax, (matrix, title, cmap, low) in zip(axes, panels, strict=True):
        colors = colormaps[cmap].with_extremes(bad=UNDEFINED)  # undefined pairs (constant columns) in grey
        image = ax.imshow(np.ma.masked_invalid(matrix), cmap=colors, vmin=low, vmax=1.0)
        ax.set_title(title, fontsize=10)
        # upright beside few columns; turned, and smaller, they fit cells of 9 pixels
        ax.set_xticks(
            range(len(shown)),
            numbers,
            **({"fontsize": 6, "rotation": 90} if len(shown) > 20 else {"fontsize": 7}),
        )
        ax.set_yticks(range(len(shown)), named if ax is axes[0] else numbers, fontsize=7, parse_math=False)
        if ax is not axes[0]:  # real and synthetic share a scale, and one bar: the maps get its width
            bar = fig.colorbar(image, ax=axes[:2] if ax is axes[1] else ax, shrink=0.75)
            bar.ax.tick_params(labelsize=7)
    return to_png(fig)


def _middle(value: object, width: int) -> str:
    """``value`` as text of ``width`` characters at most, cut in the middle: names that start alike
    ("total_credit_limit", "total_credit_utilized") differ at their ends."""
    text = str(value)
    if len(text) <= width:
        return text
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def embedding(real: np.ndarray, synthetic: np.ndarray, explained: np.ndarray) -> str:
    """Scatter of real and synthetic rows on the real data's first two principal components."""
    fig = figure(6.0, 4.4)
    ax = fig.add_subplot()
    real, synthetic = _two_columns(real), _two_columns(synthetic)
    ax.scatter(real[:, 0], real[:, 1], s=5, alpha=0.35, color=REAL, label="real", linewidths=0)
    ax.scatter(
        synthetic[:, 0], synthetic[:, 1], s=5, alpha=0.35, color=SYNTHETIC, label="synthetic", linewidths=0
    )
    shares = list(explained) + [0.0] * (2 - len(explained))
    ax.set_xlabel(f"component 1 ({shares[0]:.0%} of variance)", fontsize=8)
    ax.set_ylabel(f"component 2 ({shares[1]:.0%} of variance)", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=8, markerscale=3)
    return to_png(fig)


def _two_columns(points: np.ndarray) -> np.ndarray:
    """A one-column table has a 1-D embedding; draw it along the x axis."""
    return points if points.shape[1] >= 2 else np.column_stack([points[:, 0], np.zeros(len(points))])


def dcr_edges(dcr: Mapping[str, np.ndarray]) -> np.ndarray:
    """The bins of the distance-to-closest-record figure: ``MARGINAL_BINS`` up to the 99% quantile of every
    distance, the last of them holding every distance beyond it too (its caption says from where)."""
    everything = np.concatenate(list(dcr.values()))
    upper = float(np.quantile(everything, 0.99)) if everything.size else 1.0
    return np.linspace(0.0, upper if upper > 0 else 1.0, MARGINAL_BINS + 1)


def dcr_histograms(dcr: Mapping[str, np.ndarray]) -> str:
    """Distance to closest record: synthetic->train, synthetic->hold-out, and hold-out->train; the last bin,
    shaded, holds the farthest 1% of the distances and every one beyond, so it can stand taller than its
    neighbours."""
    fig = figure(6.5, 3.4)
    ax = fig.add_subplot()
    edges = dcr_edges(dcr)
    styles = {
        "synthetic_to_train": ("synthetic → closest training row", SYNTHETIC, "-"),
        "synthetic_to_holdout": ("synthetic → closest hold-out row", REAL, "-"),
        "holdout_to_train": ("hold-out → closest training row", HOLDOUT, "--"),
    }
    for key, (label, color, line) in styles.items():
        values = np.clip(dcr[key], 0.0, edges[-1])
        ax.hist(values, bins=edges, histtype="step", linewidth=1.6, color=color, linestyle=line, label=label)
    ax.axvspan(edges[-2], edges[-1], color="#000000", alpha=0.08, linewidth=0)
    ax.text(
        (edges[-2] + edges[-1]) / 2,
        1.0,
        f"≥{edges[-2]:.2f}",
        transform=ax.get_xaxis_transform(),
        fontsize=7,
        ha="center",
        va="bottom",
    )
    ax.set_xlabel("distance to the closest record (2 different categories = 1)", fontsize=8)
    ax.set_ylabel("rows", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=7)
    return to_png(fig)


def utility_bars(table: pd.DataFrame, metric: str, label: str) -> str:
    """Main utility metric per model: TRTR, TSTR and augmented side by side, each bar standing on chance
    (ROC-AUC 0.5, R² 0: predicting the mean) and labelled with its value.

    Bars from 0 on an axis to 1 drew ROC-AUCs of 0.92 and 0.87 (a gap rated poor) as equal, and a TSTR
    model below chance (0.49) as a bar like the others: from chance, a model no better than a coin has no
    bar, one worse hangs below the line, and the axis spans the values, not 0 to 1.
    """
    fig = figure(6.0, 3.2)
    ax = fig.add_subplot()
    chance = 0.5 if metric == "roc_auc" else 0.0
    models = list(dict.fromkeys(table["model"]))
    colors = {"TRTR": REAL, "TSTR": SYNTHETIC, "augmented": HOLDOUT}
    drawn = [chance]
    for offset, setting in zip((-0.27, 0.0, 0.27), colors, strict=True):
        rows = table[table["setting"] == setting].set_index("model")
        values = np.array([float(rows.loc[m, metric]) for m in models])
        bars = ax.bar(
            np.arange(len(models)) + offset,
            values - chance,
            bottom=chance,
            width=0.27,
            color=colors[setting],
            label=setting,
        )
        ax.bar_label(
            bars,
            labels=[decimal_text(v, 3) if np.isfinite(v) else "n/a" for v in values],
            fontsize=6,
            padding=1,
        )
        drawn += [v for v in values if np.isfinite(v)]
    ax.axhline(chance, color="#555555", linewidth=0.8, linestyle="--")
    ax.annotate(
        "chance", (1.0, chance), xycoords=("axes fraction", "data"), fontsize=7, ha="right", va="bottom"
    )
    low, high = min(drawn), max(drawn)
    margin = max(0.1 * (high - low), 0.02)
    ax.set_ylim(low - margin, high + margin)
    ax.set_xticks(np.arange(len(models)), [m.replace("_", " ") for m in models], fontsize=8, parse_math=False)
    ax.set_ylabel(label, fontsize=8)
    ax.tick_params(axis="y", labelsize=7)
    ax.legend(fontsize=7, ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False)
    return to_png(fig)


def loss_curves(history: Sequence[Mapping[str, float | None]]) -> str:
    """One small panel per logged quantity (every key except "epoch"), against the epoch."""
    keys = [k for k in dict.fromkeys(k for entry in history for k in entry) if k != "epoch"][:8]
    epochs = [entry.get("epoch") for entry in history]
    x = np.array([np.nan if e is None else e for e in epochs], dtype=float)
    if np.isnan(x).any():
        x = np.arange(1, len(history) + 1, dtype=float)
    columns = min(4, max(1, len(keys)))
    rows = -(-max(1, len(keys)) // columns)
    fig = figure(3.2 * columns, 2.4 * rows)
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    for ax, key in zip(axes, keys, strict=False):
        values = np.array([np.nan if e.get(key) is None else e[key] for e in history], dtype=float)
        # a fit cut within its first epoch logs one point, which a line alone does not draw
        ax.plot(x, values, color=REAL, linewidth=1.3, marker="o" if len(history) == 1 else None)
        ax.set_title(key, fontsize=9, parse_math=False)
        ax.set_xlabel("epoch", fontsize=7)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # epochs are whole: no 2.5
        ax.tick_params(labelsize=7)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    return to_png(fig)
