"""The HTML and JSON reports: self-contained, complete, explained, and never half-written."""

from __future__ import annotations

import dataclasses
import datetime
import html
import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from matplotlib import dates as mdates
from rich.console import Console

from synthloom.demo import summary_table
from synthloom.errors import DataError
from synthloom.metrics import evaluate
from synthloom.metrics.fidelity import missing_shift
from synthloom.metrics.result import FamilyResult, Score
from synthloom.report import check_loss_history, plots
from synthloom.report import html as report_html


class _Page(HTMLParser):
    """Collects the tags the assertions look at."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.figures = 0
        self.captions_with_verdict = 0
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.figures += tag == "figure"
        if tag == "figcaption":
            self._in_caption = True
        if tag == "span" and self._in_caption and "badge" in (dict(attrs).get("class") or ""):
            self.captions_with_verdict += 1
            self._in_caption = False

    def attrs_of(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_page_is_self_contained(mixed_html):
    page = _parse(mixed_html)
    assert not page.attrs_of("script") and not page.attrs_of("link")
    images = page.attrs_of("img")
    assert images and all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert "http://" not in mixed_html and "https://" not in mixed_html


def test_every_column_has_a_marginal_and_every_figure_a_verdict(mixed_html, mixed_report):
    page = _parse(mixed_html)
    alts = [img["alt"] for img in page.attrs_of("img")]
    assert sorted(
        a.removeprefix("distribution of ") for a in alts if a.startswith("distribution of ")
    ) == sorted(mixed_report.metadata.columns)
    assert page.figures == len(alts) == page.captions_with_verdict
    assert "training loss curves" in alts and "histograms of distances to the closest record" in alts


def test_summary_has_one_card_per_family(mixed_html):
    cards = [
        attrs for attrs in _parse(mixed_html).attrs_of("div") if "card" in (attrs.get("class") or "").split()
    ]
    assert len(cards) == 5


def test_missing_inputs_are_marked_not_computed_in_the_page(mixed_frame, tmp_path):
    report = evaluate(mixed_frame.iloc[250:], mixed_frame.iloc[:250])
    page = report.to_html(tmp_path / "bare.html").read_text(encoding="utf-8")
    assert "Not computed, because no training rows were given" in page
    assert "Not computed, because no target column was given" in page
    assert "training loss curves" not in page


def test_marginals_are_capped_with_a_note_and_the_worst_columns_drawn(mixed_report, monkeypatch):
    """The cap drew the first columns in table order: a poor column past it had no figure at all."""
    monkeypatch.setattr(report_html, "MAX_MARGINALS", 2)
    page = report_html.render(mixed_report)
    drawn = [img["alt"].removeprefix("distribution of ") for img in _parse(page).attrs_of("img")]
    drawn = [name for name in drawn if name in mixed_report.metadata.columns]
    shapes = mixed_report.families["fidelity"].tables["column_shapes"]
    worst = list(shapes.sort_values("score", kind="stable")["column"][:2])
    assert worst != list(shapes["column"][:2])  # the fixture's worst columns are not its first ones
    assert drawn == worst
    assert f"The 2 of {len(mixed_report.metadata.columns)} columns with the lowest shape scores" in page


def test_a_failed_render_leaves_the_old_file_untouched(mixed_report, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("previous report", encoding="utf-8")

    def broken(report):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(report_html, "render", broken)
    with pytest.raises(RuntimeError):
        mixed_report.to_html(target)
    assert target.read_text(encoding="utf-8") == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left behind


def test_json_is_strict_and_lists_warnings(mixed_report, tmp_path):
    payload = json.loads(mixed_report.to_json(tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert set(payload["families"]) == {"fidelity", "detection", "diversity", "utility", "privacy"}
    assert payload["loss_history"][0] == {"epoch": 1.0, "loss_g": 1.0, "loss_d": -0.49}
    assert any("identifier" in note for note in payload["info"]["notes"])


def test_loss_history_is_checked():
    assert check_loss_history([{"epoch": 1, "loss": float("nan")}]) == [{"epoch": 1.0, "loss": None}]
    for bad in ({"loss": 1.0}, "loss", [3.0]):
        with pytest.raises(DataError, match="loss_history"):
            check_loss_history(bad)


def test_summary_cards_and_json_show_the_familys_verdict_and_each_number_its_own(mixed_report, tmp_path):
    """A poor score behind a good headline makes the card, the text summary and the JSON say poor; the
    card wrote "0.500 poor" beside a headline its own table calls good: one number, two verdicts."""
    good = Score("closer_to_train", "Closer to training rows", 0.5, "No closer than unseen rows.", "good")
    poor = Score("exact_copies", "Exact copies of training rows", 0.06, "6% copy a training row.", "poor")
    families = {**mixed_report.families, "privacy": FamilyResult("privacy", scores=[good, poor])}
    report = dataclasses.replace(mixed_report, families=families)
    summary = report_html._summary(report)
    card = summary[summary.index('<div class="card poor"><h3>Privacy</h3>') :].split("</div></div>")[0]
    assert '<div class="value">0.500</div><span class="badge good">good</span>' in card
    assert "Set by Exact copies of training rows 0.060: 6% copy" in card
    assert report_html._scores_table([good]).count('<span class="badge good">') == 1  # as the table says
    # "Overall quality 0.877 (good) ... poor overall" read as one number with two verdicts
    assert (
        "privacy    Closer to training rows 0.500 (good); family verdict poor, set by Exact copies of "
        "training rows 0.060 (poor)" in report.summary()
    )
    table = Console(width=200, record=True)
    table.print(summary_table(report, "t"))
    (row,) = [line for line in table.export_text().splitlines() if "privacy" in line]
    assert re.search(r"0\.500 \(good\)\s+│ poor, set by Exact copies of training rows", row)
    payload = json.loads(report.to_json(tmp_path / "r.json").read_text())
    assert payload["families"]["privacy"]["verdict"] == "poor"
    assert payload["families"]["fidelity"]["verdict"] == mixed_report.families["fidelity"].verdict


def test_a_summary_card_says_its_familys_verdict_in_words_and_what_set_it(mixed_report):
    """loans' fidelity card showed "0.811 fair Overall quality" and "poor Column pair trends": the family's
    verdict, poor, was told only by the colour of the card's top stripe, which the page never explained."""
    good = Score("closer_to_train", "Closer to training rows", 0.5, "No closer than unseen rows.", "good")
    poor = Score("exact_copies", "Exact copies of training rows", 0.06, "6% copy a training row.", "poor")
    families = {**mixed_report.families, "privacy": FamilyResult("privacy", scores=[good, poor])}
    report = dataclasses.replace(mixed_report, families=families)
    summary = html.unescape(report_html._summary(report))
    assert "<strong>Privacy: poor</strong> — set by Exact copies of training rows</p>" in summary
    fidelity = report.families["fidelity"]
    named = f"<strong>Fidelity: {fidelity.verdict}</strong>"
    assert named + (f" — set by {fidelity.concern.label}</p>" if fidelity.concern else "</p>") in summary
    legend = html.unescape(report_html._header(report))
    assert "names its family's verdict in its first line (and in the colour of its top stripe)" in legend


def test_a_summary_cards_sentence_under_its_number_is_that_numbers_and_the_familys_sits_by_its_cause(
    mixed_report,
):
    """tvae's fidelity card read "0.976 good Overall quality" over "Columns or their relationships differ
    clearly from the real data. The average ... is 98%": the family's poor verdict in words, set by the
    hour-of-day score, sat under the good number as if it described it."""
    good = Score("closer_to_train", "Closer to training rows", 0.5, "No closer than unseen rows.", "good")
    poor = Score("exact_copies", "Exact copies of training rows", 0.06, "6% copy a training row.", "poor")
    families = {**mixed_report.families, "privacy": FamilyResult("privacy", scores=[good, poor])}
    summary = report_html._summary(dataclasses.replace(mixed_report, families=families))
    card = html.unescape(summary[summary.index("<h3>Privacy</h3>") :].split("</div></div>")[0])
    under_number = card[card.index('<div class="value">') :].split("</p>")[0]
    assert "<strong>Closer to training rows on its own is good.</strong> No closer than unseen rows." in card
    assert report_html.VERDICT_WORDS["privacy"]["poor"] not in under_number
    assert (
        '<span class="badge poor">poor</span> <strong>Synthetic rows reveal training rows; do not share this '
        "data as private.</strong> Set by Exact copies of training rows 0.060: 6% copy a training row.</p>"
    ) in card
    alone = FamilyResult("privacy", scores=[good])  # nothing behind it: the number's words are the family's
    summary = report_html._summary(dataclasses.replace(mixed_report, families={"privacy": alone}))
    assert f"<strong>{report_html.VERDICT_WORDS['privacy']['good']}</strong> No closer" in summary


def test_on_a_rare_class_the_utility_section_shows_the_graded_minority_pr_auc(mixed_report):
    """On 4.2% readmitted, the gap's text said "minority PR-AUC ... is [graded]", but the page showed no
    PR-AUC verdict: they were in the JSON only."""
    from synthloom.metrics.utility import _utility_scores

    cells = {"trained_on": "rows", "roc_auc": 0.8, "macro_f1": 0.5, "accuracy": 0.96, "note": ""}
    rows = [
        {"setting": setting, "model": model, "pr_auc": 0.3 if setting == "TSTR" else 0.5, **cells}
        for model in ("gradient_boosting", "logistic")
        for setting in ("TRTR", "TSTR", "augmented")
    ]
    table = pd.DataFrame(rows)
    scores = _utility_scores(table, "classification", (-0.01, 0.01), "", imbalanced=True)
    section = html.unescape(
        report_html._utility(FamilyResult("utility", scores, tables={"tstr_trtr": table}), mixed_report)
    )
    summary = section[: section.index("</table>")]
    for model in ("gradient boosting", "logistic regression"):
        assert f'<td>TSTR {model} minority PR-AUC</td><td class="num">0.300</td><td>' in summary
        assert f"<td>augmented {model} minority PR-AUC</td>" in summary
    assert summary.count('<span class="badge poor">poor</span>') == 2  # the TSTR cells, 0.3 against 0.5
    assert "TRTR gradient boosting" not in summary and "accuracy" not in summary  # baselines, ungraded


def test_a_one_column_page_draws_no_relationship_and_cjk_labels_warn_nothing(tmp_path, recwarn):
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"城市": rng.choice(["北京", "上海", "广州"], 60)})
    synthetic = pd.DataFrame({"城市": rng.choice(["北京", "上海", "广州"], 60)})
    page = evaluate(real, synthetic).to_html(tmp_path / "one.html").read_text(encoding="utf-8")
    assert "Relationships between columns" not in page and "distribution of 城市" in page
    assert not [w for w in recwarn if "missing from font" in str(w.message)]


def test_a_page_plots_dates_that_end_on_the_last_day_matplotlib_knows(tmp_path):
    """An open end written 31/12/9999 crashed the page: the axis margin went past matplotlib's year 9999."""
    rng = np.random.default_rng(0)
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900, 200), unit="D")
    ends = np.where(np.arange(200) % 8 == 0, "31/12/9999", days.strftime("%d/%m/%Y"))
    real = pd.DataFrame({"end": ends, "x": rng.normal(size=200)})
    report = evaluate(real, real.sample(frac=1, random_state=1).reset_index(drop=True))
    report.to_html(tmp_path / "far.html")
    assert "end" in (tmp_path / "far.html").read_text()


def _drawn_figure(monkeypatch, draw):
    """The matplotlib figure a ``plots`` function draws, laid out as its PNG is."""
    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    draw()
    (fig,) = figures
    fig.canvas.draw()
    return fig


@pytest.mark.parametrize("numeric", [True, False])
def test_a_long_column_name_fits_its_figure_title(monkeypatch, numeric):
    """A 70-character name was drawn whole as the title, cut off at both edges of the figure."""
    name = "skewed_income_amount_in_dollars_for_the_household_last_year_reported"
    values = pd.Series(np.arange(50.0) if numeric else list("ab") * 25, name=name)
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=numeric))
    title = fig.axes[0].title
    box = title.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
    assert title.get_text().startswith("skewed_income") and title.get_text().endswith("…")


def test_the_page_says_when_and_by_what_it_was_written(mixed_html):
    """The page named no date: a reader could not tell an old report from a new one."""
    header = mixed_html[mixed_html.index("<header>") : mixed_html.index("</header>")]
    assert re.search(r"Written \d{4}-\d\d-\d\d \d\d:\d\d UTC by synthloom \S+; random_state 0\.", header)


def test_the_demos_page_and_json_name_the_data_set_and_model(tmp_path, monkeypatch):
    """The demo's page did not say which data set or generator made the rows it judged."""
    from rich.console import Console

    from synthloom import demo

    small = demo.datasets.load("default").head(300)
    monkeypatch.setattr(demo.datasets, "load", lambda name: small)
    demo.run_demo("default", "copula", tmp_path, seed=0, console=Console(quiet=True))
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "made by copula, fitted on the data set “default”" in html.unescape(page)
    info = json.loads((tmp_path / "scores.json").read_text())["info"]
    assert (info["dataset"], info["model"]) == ("default", "copula")


def test_a_column_that_lost_its_missing_values_draws_both_shares_and_warns(monkeypatch):
    """Shape scores leave missing values out (SDMetrics' definition): a synthetic column with none of the
    real 30% (lab_value: 70% against 0%) scored about 1 and looked identical, with no warning and only the
    caption's fine print to show the difference."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"amount": rng.normal(size=400), "colour": rng.choice(list("abcdefghijklmn"), 400)})
    synthetic = real.sample(frac=1, random_state=1).reset_index(drop=True)
    real.loc[real.index[:120], "amount"] = np.nan
    synthetic.loc[synthetic.index[:100], "colour"] = np.nan
    report = evaluate(real, synthetic)
    shapes = report.families["fidelity"].tables["column_shapes"]["score"]
    assert shapes.min() > 0.9  # the scores stay SDMetrics'
    assert any(
        "share of missing values differs" in w and "amount (30% of real, 0% of synthetic rows)" in w
        for w in report.warnings
    )
    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    page = html.unescape(report_html.render(report))
    change = "a change the shape score does not see."
    assert (
        page.count(
            f"Missing values, drawn in the “missing” panel but not scored: 30% of real rows, 0% of synthetic "
            f"rows: {change}"
        )
        == 1
    )
    # none in the real rows, so not among their 12 most common categories: drawn all the same
    assert (
        page.count(
            f"Missing values, drawn as “(missing)” but not scored: 0% of real rows, 25% of synthetic rows: "
            f"{change}"
        )
        == 1
    )
    (amount,) = [fig for fig in figures if fig.axes[0].get_title() == "amount"]
    panel = amount.axes[1]
    assert panel.get_title() == "missing"
    assert [round(bar.get_height(), 2) for bar in panel.patches] == [0.3, 0.0]
    (colour,) = [fig for fig in figures if fig.axes[0].get_title() == "colour"]
    assert "(missing)" in [tick.get_text() for tick in colour.axes[0].get_yticklabels()]


def test_the_missing_panel_draws_and_names_real_and_synthetic_as_the_histogram_does(monkeypatch):
    """The panel's real bar was dark blue beside a pale blue histogram, and nothing named either bar."""
    rng = np.random.default_rng(0)
    real = pd.Series(np.where(rng.random(1000) < 0.7, np.nan, rng.normal(size=1000)), name="lab")
    synthetic = pd.Series(rng.normal(size=1000), name="lab")
    histogram, panel = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True)).axes
    filled, outlined = histogram.patches[:2]  # the real histogram, then the synthetic one
    assert panel.patches[0].get_facecolor() == filled.get_facecolor()
    assert not panel.patches[1].get_fill() and panel.patches[1].get_edgecolor() == outlined.get_edgecolor()
    assert [tick.get_text() for tick in panel.get_xticklabels()] == ["real", "syn."]


def test_missing_shares_that_differ_by_chance_only_are_not_a_change():
    rng = np.random.default_rng(0)
    real = pd.Series(np.where(rng.random(150) < 0.3, np.nan, 1.0))
    synthetic = pd.Series(np.where(rng.random(300) < 0.36, np.nan, 1.0))
    assert missing_shift(real, synthetic) is None
    assert missing_shift(real, synthetic.fillna(1.0)) == (real.isna().mean(), 0.0)


def test_shares_that_are_not_none_or_all_never_read_0_or_100_percent():
    """9 missing values of 2,000 were "0% of real rows" beside "Missing values" (loans' debt_to_income), and
    late fees of 0 in all but 2 rows "100% of real" beside "the histograms show the other values"."""
    rng = np.random.default_rng(0)
    fee = np.where(np.arange(2000) < 2, rng.uniform(10, 100, 2000), 0.0)
    real = pd.DataFrame({"ratio": rng.normal(size=2000), "fee": fee})
    real.loc[real.index[:9], "ratio"] = np.nan
    page = html.unescape(report_html.render(evaluate(real, real.sample(frac=1, random_state=1))))
    assert page.count("Missing values, not drawn or scored: <1% of real rows, <1% of synthetic rows.") == 1
    assert "The value 0 holds >99% of real and >99% of synthetic values" in page
    captions = [c for c in re.findall(r"</span> (.*?)</figcaption>", page) if c.startswith(("ratio", "fee"))]
    assert len(captions) == 2 and not re.search(r"\b(0|100)% of (real|synthetic)", " ".join(captions))


def test_a_time_of_day_column_is_drawn_and_captioned_in_times_not_on_1_january_1900(monkeypatch):
    """Python times of day are learned as instants of 1 January 1900: the axis read "1900-Jan-01" beside its
    hours and a common start time was captioned "The value 1900-01-01 09:00:00"."""
    rng = np.random.default_rng(0)
    hours, minutes = rng.integers(6, 20, 600), rng.integers(0, 60, 600)
    times = [datetime.time(int(h), int(m)) for h, m in zip(hours, minutes, strict=True)]
    real = pd.DataFrame({"start": np.where(rng.random(600) < 0.6, datetime.time(9, 0), times)})
    report = evaluate(real.iloc[:300], real.iloc[300:].reset_index(drop=True))
    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    page = html.unescape(report_html.render(report))
    assert "The value 09:00:00 holds" in page and "1900" not in page
    (ax,) = [ax for fig in figures for ax in fig.axes if ax.get_title() == "start"]
    ax.figure.canvas.draw()
    ticks = [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]
    assert ticks and all(re.fullmatch(r"\d\d:\d\d", tick) for tick in ticks)
    assert ax.xaxis.get_offset_text().get_text() == ""
    assert ax.get_xlabel().startswith("09:00:00 not drawn: ")


def _transaction_amounts(n: int, seed: int) -> np.ndarray:
    """Mostly tens of dollars, 0.3% of them hundreds of thousands: the tail a histogram's range follows."""
    rng = np.random.default_rng(seed)
    amounts = np.round(rng.lognormal(3, 1, n), 2)
    amounts[rng.choice(n, size=n * 3 // 1000, replace=False)] = rng.uniform(1e5, 1e6, n * 3 // 1000)
    return amounts


def _drawn_histograms(
    monkeypatch, real: pd.Series, synthetic: pd.Series
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (values, bin edges) each ``hist`` call of a numeric marginal is given."""
    calls = []
    original = plots.Axes.hist

    def spy(ax, x, *args, **kwargs):
        calls.append((np.asarray(x, dtype=float), np.asarray(kwargs["bins"], dtype=float)))
        return original(ax, x, *args, **kwargs)

    monkeypatch.setattr(plots.Axes, "hist", spy)
    plots.marginal(real, synthetic, numeric=True)
    return calls


def test_a_heavy_tailed_column_fills_its_histogram(monkeypatch):
    """Amounts where a few rows are huge put nearly every row into the first of the 40 bins (spanning 0 to
    the largest amount), so the figure showed one bar and nothing of the shape."""
    real = pd.Series(_transaction_amounts(2000, 0), name="amount")
    synthetic = pd.Series(_transaction_amounts(2000, 1), name="amount")
    (values, edges), _ = _drawn_histograms(monkeypatch, real, synthetic)
    shares = np.histogram(values, edges)[0] / len(values)
    assert np.count_nonzero(shares >= 0.01) >= 8  # 11 bins; 1 on the whole range


def test_a_column_without_a_heavy_tail_is_drawn_over_all_its_values(monkeypatch):
    rng = np.random.default_rng(0)
    real, synthetic = pd.Series(rng.normal(size=5000)), pd.Series(rng.exponential(size=5000))
    for _, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert np.array_equal(edges, np.histogram_bin_edges(np.r_[real, synthetic], 40))


def test_the_caption_counts_what_a_heavy_tailed_figure_leaves_out_and_names_a_log_axis():
    """Cutting the axis to the central values must say so, and how many values lie beyond it; amounts drawn
    on a log axis (ticks 10^0, 10^1) said nothing of it, and still that the axis showed their central 99%."""
    rng = np.random.default_rng(0)
    real, synthetic = (
        pd.DataFrame(
            {
                # balances below 0 too, which no log axis holds: cut to their central range
                "balance": _transaction_amounts(2000, seed) - 20,
                "amount": _transaction_amounts(2000, seed),
                "height": rng.normal(170, 10, 2000),
            }
        )
        for seed in (0, 1)
    )
    page = html.unescape(report_html.render(evaluate(real, synthetic)))
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", page)
    (balance,) = [c for c in captions if "balance: histograms" in c]
    counts = re.search(
        r"the axis shows the central 99% of values; beyond it, not drawn but scored: (\d+) of 2,000 real and "
        r"(\d+) of 2,000 synthetic values\.",
        balance,
    )
    assert counts and all(
        6 <= int(count) <= 20 for count in counts.groups()
    )  # the 6 huge ones, and 1% at most
    assert "logarithmic" not in balance
    (amount,) = [c for c in captions if "amount: histograms" in c]
    assert "The axis is logarithmic" in amount and "central" not in amount
    (height,) = [c for c in captions if "height: histograms" in c]
    assert "central" not in height and "logarithmic" not in height


def _late_fees(n: int, seed: int) -> np.ndarray:
    """0 in 90% of rows, else tens to thousands: the one bar at 0 left the fees themselves a flat line."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random(n) < 0.9, 0.0, np.round(rng.lognormal(4, 1, n), 2))


def _hours(n: int, seed: int) -> np.ndarray:
    """40 in 47% of rows, 50 in 9%, the rest around them (adult's hours-per-week): a spike the other bars
    stand beside at a fifth of its height."""
    rng = np.random.default_rng(seed)
    draw, spread = rng.random(n), np.clip(np.round(rng.normal(42, 12, n)), 1, 99)
    return np.where(draw < 0.47, 40.0, np.where(draw < 0.56, 50.0, spread))


def _contract_ends(n: int, seed: int) -> pd.Series:
    """Dates of 2020-2022, 60% of them the open end 31/12/9999, as the seconds a report holds."""
    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    seconds = days.to_numpy().astype("datetime64[s]").astype(float)
    far = np.datetime64("9999-12-31", "s").astype(float)
    return pd.Series(np.where(rng.random(n) < 0.6, far, seconds), name="contract_end")


def test_a_column_mostly_one_value_draws_its_other_values(monkeypatch):
    """Late fees of 0 in 90% of rows drew one bar at 0 and every fee a pixel high: nothing of their shape."""
    real, synthetic = pd.Series(_late_fees(3000, 0), name="fee"), pd.Series(_late_fees(3000, 1), name="fee")
    for values, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert not np.any(values == 0)
        shares = np.histogram(values, edges)[0] / len(values)
        assert np.count_nonzero(shares >= 0.02) >= 8  # 1 with the zeros drawn
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True))
    label = fig.axes[0].xaxis.label
    shares = re.fullmatch(r"0 not drawn: (\d+)% of real, (\d+)% of synthetic values", label.get_text())
    assert shares and all(89 <= int(share) <= 91 for share in shares.groups())
    assert label.get_window_extent().x1 <= fig.bbox.width


def test_dates_mostly_one_far_open_end_draw_the_other_dates(monkeypatch):
    """60% of contract ends on 31/12/9999 stretched the axis over 8,000 years: the real dates, 2020 to 2022,
    were one bar at its left end."""
    real, synthetic = _contract_ends(2000, 0), _contract_ends(2000, 1)
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True, dates=True))
    ax = fig.axes[0]
    assert re.fullmatch(r"9999-12-31 not drawn: 6\d% of real, 6\d% of synthetic values", ax.get_xlabel())
    assert ax.get_xlim()[1] < float(mdates.date2num(pd.Timestamp("2023-01-01")))


def _dates(start: str, end: str, n: int, seed: int = 0) -> pd.Series:
    """Dates spread evenly from ``start`` to ``end``, as the seconds a report holds."""
    low, high = (pd.Timestamp(stamp).value / 1e9 for stamp in (start, end))
    return pd.Series(np.random.default_rng(seed).uniform(low, high, n), name="when")


@pytest.mark.parametrize(
    "start, end",
    [
        ("2020-02-01", "2021-03-31"),  # months of two years
        ("2019-11-01", "2021-12-31"),
        ("2020-12-10", "2021-01-20"),  # days, over a new year
        ("2020-12-31 12:00", "2021-01-01 12:00"),  # hours, over a new year
        ("2021-05-03 06:00", "2021-05-03 18:00"),  # hours of a day
        ("2021-05-03", "2021-05-20"),  # days of a month
        ("2021-03-01", "2021-08-31"),  # months of one year
        ("2012-06-01", "2021-03-31"),  # years
    ],
)
def test_a_date_axis_names_the_year_of_every_part_of_it(monkeypatch, start, end):
    """Dates of February 2020 to March 2021 were ticked "Mar, May ... Nov, 2021, Mar", 2020 nowhere, and
    days of 10 December to 20 January "13 ... 29, Jan, 05" beside "2021-Jan". One year is named once, on a
    tick or beside the axis; over several, the first tick and each where the year changes name it."""
    values = _dates(start, end, 500)
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=True, dates=True)).axes[0]
    low, high = ax.get_xlim()
    ticks = [
        (mdates.num2date(tick.get_position()[0]).year, tick.get_text())
        for tick in ax.get_xticklabels()
        if tick.get_text() and low <= tick.get_position()[0] <= high
    ]
    years, offset = [year for year, _ in ticks], ax.xaxis.get_offset_text().get_text()
    if len(set(years)) == 1:
        assert str(years[0]) in ticks[0][1] + offset
    else:  # named where each year starts, and nowhere else: the ticks keep their room
        assert offset == ""
        for at, (year, text) in enumerate(ticks):
            assert (str(year) in text) == (at == 0 or year != years[at - 1]), ticks


def test_a_spikes_label_stays_on_the_figure_under_ticks_that_name_years(monkeypatch):
    """The year on a second line of ticks pushed the label of a date held by most rows off the figure."""
    rng = np.random.default_rng(0)
    far = np.datetime64("9999-12-31", "s").astype(float)
    values = _dates("2020-02-01", "2021-03-31", 2000).where(rng.random(2000) >= 0.6, far)
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=True, dates=True))
    ax = fig.axes[0]
    assert "\n2020" in ax.get_xticklabels()[0].get_text() and ax.get_xlabel().startswith("9999-12-31")
    assert ax.xaxis.label.get_window_extent().y0 >= 0


@pytest.mark.parametrize(
    "values",
    [_hours, lambda n, seed: (np.random.default_rng(seed).random(n) < 0.3).astype(float)],
    ids=["hours", "binary"],
)
def test_a_common_value_that_leaves_the_rest_readable_is_drawn_as_before(monkeypatch, values):
    real, synthetic = pd.Series(values(3000, 0)), pd.Series(values(3000, 1))
    drawn = _drawn_histograms(monkeypatch, real, synthetic)
    assert [len(x) for x, _ in drawn] == [3000, 3000]
    both = np.r_[real, synthetic]
    for _, edges in drawn:  # whole numbers, whole bins over all of them
        assert edges[0] == both.min() - 0.5 and edges[-1] >= both.max() + 0.5
    assert (
        _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True)).axes[0].get_xlabel()
        == ""
    )


@pytest.mark.parametrize("low, high, per_bin", [(17, 90, 2), (1, 5, 1), (0, 999, 25)])
def test_whole_numbers_are_binned_a_whole_number_of_them_per_bin(monkeypatch, low, high, per_bin):
    """Ages 17 to 90 in 40 equal-width bins held one age in some bins and two in others: the histogram
    was a comb of tall and short bars that the ages do not have."""
    rng = np.random.default_rng(0)
    real, synthetic = (pd.Series(rng.integers(low, high + 1, 3000).astype(float)) for _ in range(2))
    for _, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert edges[0] == low - 0.5 and edges[-1] >= high + 0.5
        assert np.allclose(np.diff(edges), per_bin)  # every bin the same count of whole numbers


def _product_codes(n: int, seed: int) -> pd.Series:
    """400 product codes, the most common in 6% of rows and a long tail: three quarters beyond the top 12."""
    rng = np.random.default_rng(seed)
    weights = 1 / np.arange(1, 401) ** 0.7
    return pd.Series(
        rng.choice([f"P{i:03d}" for i in range(400)], n, p=weights / weights.sum()), name="product"
    )


def test_a_category_column_with_a_long_tail_keeps_its_named_categories_readable(monkeypatch):
    """The 388 categories beyond the 12 drawn, summed into one "(other)" bar of 75%, ran the axis to 0.75
    and left the named ones, 6% and less, as slivers."""
    real, synthetic = _product_codes(5000, 0), _product_codes(5000, 1)
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=False))
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert len(labels) == plots.MAX_BARS and "(other)" not in labels
    longest = max(bar.get_width() for bar in ax.patches)
    assert longest < 0.1 and ax.get_xlim()[1] < 1.1 * longest
    shares = re.fullmatch(
        r"share of rows; 388 more not drawn: (\d+)% of real, (\d+)% of synthetic", ax.get_xlabel()
    )
    assert shares and all(70 <= int(share) <= 80 for share in shares.groups())
    box = ax.xaxis.label.get_window_extent()
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width


@pytest.mark.parametrize(
    "real, synthetic",
    [
        # 15 categories, 3 of them rare: the "(other)" they are summed into is shorter than the 12 drawn
        (list("abcdefghijkl") * 20 + list("mno"), list("abcdefghijkl") * 20 + list("mno")),
        (list("abc") * 100, list("abc") * 40 + list("xyz") * 60),  # categories the real data lacks: 60%
    ],
    ids=["few-categories", "invented-categories"],
)
def test_an_other_bar_is_drawn_where_the_real_data_has_no_long_tail(monkeypatch, real, synthetic):
    real, synthetic = pd.Series(real), pd.Series(synthetic)
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=False)).axes[0]
    assert [tick.get_text() for tick in ax.get_yticklabels()][-1] == "(other)"
    assert ax.get_xlabel() == "share of rows"


def test_the_captions_state_a_spikes_and_a_long_tails_shares():
    """What the figures leave out (a value held by most rows, the categories beyond the 12 drawn) is
    written under them; columns drawn whole say nothing of it."""
    rng = np.random.default_rng(0)
    real, synthetic = (
        pd.DataFrame(
            {
                "fee": _late_fees(3000, seed),
                "hours": _hours(3000, seed),
                "product": _product_codes(3000, seed),
                "city": rng.choice(["Paris", "Lyon", "Nice"], 3000),
            }
        )
        for seed in (0, 1)
    )
    page = html.unescape(report_html.render(evaluate(real, synthetic)))
    captions = {c.split(":")[0]: c for c in re.findall(r"</span> (.*?)</figcaption>", page)}
    fee = re.search(r"The value 0 holds (\d+)% of real and (\d+)% of synthetic values", captions["fee"])
    assert fee and all(89 <= int(share) <= 91 for share in fee.groups())
    product = re.search(
        r"The other 388 categories hold (\d+)% of real and (\d+)% of synthetic rows", captions["product"]
    )
    assert product and all(70 <= int(share) <= 80 for share in product.groups())
    assert not any(
        word in captions[name] for name in ("hours", "city") for word in ("The value", "The other")
    )


def test_the_detection_section_names_the_columns_that_give_the_synthetic_rows_away(monkeypatch):
    """The detection section gave two AUCs and nothing on where the synthetic rows differ."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {"a": rng.normal(size=600), "b": rng.normal(size=600), "colour": rng.choice(["red", "blue"], 600)}
    )
    synthetic = real.sample(frac=1, random_state=1).reset_index(drop=True).assign(b=rng.normal(2, 1, 600))
    figures = []
    draw = plots.to_png
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or draw(fig))
    page = html.unescape(report_html.render(evaluate(real, synthetic)))
    detection = page[page.index('<section id="detection">') :]
    detection = detection[: detection.index("</section>")]
    assert "What gives the synthetic rows away" in detection
    assert "Most telling here: “b” (ROC-AUC falls by" in detection
    (bars,) = [fig for fig in figures if "shuffled" in fig.axes[0].get_xlabel()]
    assert bars.axes[0].get_yticklabels()[0].get_text() == "b"


def test_relations_lost_behind_a_good_quality_are_not_called_close(loosely_related_frame, tmp_path):
    """Every column shuffled: the card said "Columns and their relationships closely match", then (fair)
    "roughly match"; the worst pairs' table said meets_threshold "yes" on every row, with unnamed "real" /
    "synthetic"."""
    real = loosely_related_frame
    rng = np.random.default_rng(0)
    synthetic = real.apply(lambda column: rng.permutation(column.to_numpy()))  # each column on its own
    page = evaluate(real, synthetic).to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    card = page[page.index("<h3>Fidelity</h3>") :].split('<div class="card')[0]
    assert "closely match" not in card and "roughly match" not in card and "differ clearly" in card
    assert html.escape("Column pair trends 0.7") in card and 'class="badge poor"' in card
    table = page[page.index("reproduced least well") :].split("</table>")[0]
    assert "meets_threshold" not in table and "<td>yes</td>" not in table
    assert "<th>strength measured by</th><th>real strength</th><th>synthetic strength</th>" in table
    assert "<td>Cramér&#x27;s V</td>" in table
    assert "<th>pair score</th><th>score with no relation</th>" in table


def test_a_long_tail_of_levels_is_named_as_what_lowers_the_shape_score(tmp_path):
    """loans' emp_title (3,685 levels) scored 0.380 poor while its bars, "(other)" 79% / 79% included,
    looked identical: the caption did not say the differences lie among the levels not drawn."""
    rng = np.random.default_rng(0)
    common = rng.choice(["nurse", "teacher", "driver"], 600)
    real = pd.DataFrame({"title": np.where(np.arange(600) < 300, common, [f"r{i}" for i in range(600)])})
    synthetic = pd.DataFrame({"title": np.where(np.arange(600) < 300, common, [f"s{i}" for i in range(600)])})
    page = evaluate(real, synthetic).to_html(tmp_path / "tail.html").read_text(encoding="utf-8")
    caption = page[page.index("title: category shares") :].split("</figcaption>")[0]
    assert "shape score 0.500" in caption
    assert re.search(
        r"score&#x27;s gap to 1 \(0\.50\), 0\.4\d lies among the 59\d categories not named", caption
    )
    assert "reads like free text or an identifier" in caption
    alike = evaluate(real, real.sample(frac=1, random_state=0)).to_html(tmp_path / "same.html")
    assert "categories not named" not in alike.read_text(encoding="utf-8")


def test_the_distance_figure_explains_every_curve_its_sample_and_its_overflow_bin(monkeypatch):
    """The caption described the orange and blue curves, not the green dashed one (which piles near 0 in
    tables of few categories, the pattern the caption warned of); 2,000 of 3,500 synthetic rows were drawn
    without a word; and the last bin, holding every distance beyond the 99% quantile, spiked unexplained."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=600), "y": rng.exponential(size=600)})
    train, holdout = real.iloc[:300], real.iloc[300:].reset_index(drop=True)
    synthetic = pd.DataFrame({"x": rng.normal(size=2500), "y": rng.exponential(size=2500)})
    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    report = evaluate(holdout, synthetic, train=train)
    page = html.unescape(report_html.render(report))
    (caption,) = [c for c in re.findall(r"</span> (.*?)</figcaption>", page) if "Green, dashed" in c]
    assert "hold-out row's distance to its closest training row" in caption
    assert (
        "The curves count 2,000 of the 2,500 synthetic rows (picked at random) and all 300 hold-out rows."
        in caption
    )
    last = plots.dcr_edges(report.families["privacy"].extras["dcr"])[-2]
    assert f"The shaded last bin holds every distance of {last:.2f} or more" in caption
    (fig,) = [f for f in figures if f.axes[0].get_xlabel().startswith("distance to the closest record")]
    assert [t.get_text() for t in fig.axes[0].texts] == [f"≥{last:.2f}"]


def test_skewed_positive_amounts_without_a_far_tail_are_drawn_on_a_log_axis(monkeypatch):
    """Amounts of 2 to 1,100, half of them under 40 and none far enough out for the central-range cut,
    filled the first two of 40 bins on a linear axis."""
    real, synthetic = (
        pd.Series(np.round(np.random.default_rng(seed).lognormal(3, 1, 3000).clip(2, 1100), 2), name="amount")
        for seed in (0, 1)
    )
    for values, edges in _drawn_histograms(monkeypatch, real, synthetic):
        shares = np.histogram(values, edges)[0] / len(values)
        assert np.count_nonzero(shares >= 0.01) >= 20  # 13 on a linear axis
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True)).axes[0]
    assert ax.get_xscale() == "log"


def _tick_labels(ax) -> list[str]:
    return [tick.get_text() for tick in ax.get_xticklabels() if tick.get_text()]


def test_skewed_amounts_with_a_few_zeros_go_on_a_log_axis_and_ticks_read_as_plain_numbers(monkeypatch):
    """Loans' credit limits and payments (1% of them 0) stayed on an even axis, every row in its first bins;
    a log axis was ticked 10^0, 10^1, an even one 0.2 to 1.0 with "1e6" beside it."""
    rng = np.random.default_rng(0)
    real, synthetic = (
        pd.Series(np.where(rng.random(5000) < 0.01, 0.0, np.round(rng.lognormal(10, 1, 5000))), name="limit")
        for _ in range(2)
    )
    view = plots.numeric_view(real.to_numpy(), synthetic.to_numpy())
    assert view.log == (np.count_nonzero(real == 0), np.count_nonzero(synthetic == 0))
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(real, synthetic, numeric=True)).axes[0]
    assert ax.get_xscale() == "log"
    assert {"1000", "10k", "100k"} <= set(_tick_labels(ax))
    page = html.unescape(report_html.render(evaluate(real.to_frame(), synthetic.to_frame())))
    assert "The axis is logarithmic" in page and "Values of 0 or below, which a log axis cannot hold" in page
    incomes = pd.Series(rng.uniform(2e5, 1.2e6, 3000), name="income")
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(incomes, incomes, numeric=True)).axes[0]
    assert ax.get_xscale() == "linear" and ax.xaxis.get_offset_text().get_text() == ""
    assert all(re.fullmatch(r"0|\d+(\.\d+)?[kM]", tick) for tick in _tick_labels(ax))


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng: rng.uniform(2e14, 2.2e15, 2000),
        lambda rng: np.exp(rng.uniform(np.log(1e12), np.log(1e18), 2000)),
        lambda rng: rng.uniform(0, 1.2e-4, 2000),
        lambda rng: rng.lognormal(np.log(1e-4), 1.5, 2000),
    ],
    ids=["large", "large-log", "small", "small-log"],
)
def test_ticks_of_very_large_or_small_numbers_are_written_in_one_style(monkeypatch, draw):
    """ "250T, 500T, 750T" stood beside "1e+15, 1.25e+15", and "1e-05" beside "0.0001": two styles on one
    axis. Every tick there is a power of ten ("5e14", "1e15", "1e-5"), or 0."""
    values = pd.Series(draw(np.random.default_rng(0)), name="v")
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=True)).axes[0]
    low, high = sorted(ax.get_xlim())
    ticks = [
        t.get_text() for t in ax.get_xticklabels() if t.get_text() and low <= t.get_position()[0] <= high
    ]
    assert len(ticks) >= 3 and all(re.fullmatch(r"0|-?\d(\.\d+)?e-?\d+", tick) for tick in ticks), ticks


@pytest.mark.parametrize("decimals", [1, 2])
def test_values_on_a_grid_of_decimals_are_binned_along_it(monkeypatch, decimals):
    """Lab values of one decimal in 40 equal-width bins held two values in some bins and one in others: a
    comb of tall and short bars that the values do not have."""
    step = 10.0**-decimals
    scale = 10.0 ** (decimals - 1)  # lab values 2.3 to 9.8; 0.23 to 0.98
    real, synthetic = (
        pd.Series(np.round(np.random.default_rng(seed).normal(5.5, 1.2, 3000) * scale, decimals))
        for seed in (0, 1)
    )
    both = np.r_[real, synthetic]
    for _, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert np.isclose(edges[0], both.min() - step / 2) and edges[-1] >= both.max()
        points = np.diff(edges) / step  # grid points per bin: whole, and the same in every bin
        assert np.allclose(points, np.round(points)) and np.allclose(points, points[0])


def test_whole_numbers_of_a_small_range_are_ticked_at_whole_numbers(monkeypatch):
    """A count of 1 to 3 was ticked -0.5, 0.5, 1.0, 1.5: halves that name no value."""
    values = pd.Series(np.random.default_rng(0).integers(1, 4, 500).astype(float), name="count")
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=True)).axes[0]
    assert _tick_labels(ax) and all(re.fullmatch(r"\d+", tick) for tick in _tick_labels(ax))


@pytest.mark.parametrize("numeric", [True, False])
def test_a_marginals_legend_covers_no_data_and_its_category_labels_are_whole(monkeypatch, numeric):
    """The legend sat inside the axes, over bars and dates (issue_month, time_of_day, tx_date), and a fixed
    left margin cut category labels off on the left ("Amer-Indian-Eskimo", "...arried-spouse-ab...")."""
    names = ["Married-spouse-absent", "Amer-Indian-Eskimo", "5. Advanced Degree", "White"]
    rng = np.random.default_rng(0)
    values = pd.Series(rng.uniform(size=500) if numeric else rng.choice(names, 500), name="column")
    fig = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=numeric))
    ax = fig.axes[0]
    legend, axes = ax.get_legend().get_window_extent(), ax.get_window_extent()
    assert legend.y0 >= axes.y1 and not legend.overlaps(ax.title.get_window_extent())
    if not numeric:
        labels = ax.get_yticklabels()
        assert sorted(label.get_text() for label in labels) == sorted(names)
        assert min(label.get_window_extent().x0 for label in labels) >= 0


def test_utility_bars_stand_on_chance_and_span_their_values(monkeypatch):
    """Bars from 0 drew a 0.053 gap in ROC-AUC (poor) as equal bars, and a TSTR model below chance (0.49)
    like any other."""
    table = pd.DataFrame(
        {
            "setting": ["TRTR", "TSTR", "augmented"] * 2,
            "model": ["gradient_boosting"] * 3 + ["logistic"] * 3,
            "roc_auc": [0.92, 0.867, 0.915, 0.65, 0.49, 0.63],
        }
    )
    ax = _drawn_figure(monkeypatch, lambda: plots.utility_bars(table, "roc_auc", "ROC-AUC")).axes[0]
    assert 0.4 < ax.get_ylim()[0] < 0.49 and ax.get_ylim()[1] < 1.0
    heights = sorted(round(bar.get_y() + bar.get_height(), 3) for bar in ax.patches)
    assert heights == sorted(table["roc_auc"]) and min(bar.get_height() for bar in ax.patches) < 0
    assert [line.get_ydata()[0] for line in ax.get_lines()] == [0.5]
    labels = [text.get_text() for text in ax.texts]
    assert "chance" in labels and "0.867" in labels and "0.490" in labels


def test_numbers_that_round_to_zero_are_written_without_a_minus(monkeypatch):
    """A TSTR model's R² of -0.0004 was labelled "-0.000", and a pair's correlation of -0.003 "-0.00": a
    minus on nothing, read as a loss (or an inverse relation) that is not there."""
    table = pd.DataFrame(
        {"setting": ["TRTR", "TSTR", "augmented"], "model": ["ridge"] * 3, "r2": [0.61, -0.0004, 0.6]}
    )
    ax = _drawn_figure(monkeypatch, lambda: plots.utility_bars(table, "r2", "R²")).axes[0]
    assert {"0.610", "0.000", "0.600"} <= {text.get_text() for text in ax.texts}
    assert report_html._value(-0.0004) == "0.000" and report_html._value(-0.25) == "-0.250"


def test_heat_maps_of_many_columns_label_those_that_differ_most_and_explain_grey(monkeypatch):
    """53 columns drew three unlabelled matrices with grey stripes nobody explained."""
    rng = np.random.default_rng(0)
    names = [f"column_{i:02d}" for i in range(45)]
    real = pd.DataFrame(np.clip(rng.normal(0, 0.2, (45, 45)), -1, 1), index=names, columns=names)
    synthetic = real.copy()
    synthetic.iloc[40, :] = synthetic.iloc[:, 40] = 0.9  # column_40's relationships all changed
    synthetic.iloc[41, :] = synthetic.iloc[:, 41] = np.nan  # column_41 constant in the synthetic rows
    shown = plots.heatmap_columns(real, synthetic)
    assert len(shown) == plots.MAX_HEATMAP and "column_40" in shown and shown == sorted(shown)
    fig = _drawn_figure(monkeypatch, lambda: plots.heatmaps(real, synthetic))
    numbers = [str(i) for i in range(1, len(shown) + 1)]
    assert [tick.get_text() for tick in fig.axes[0].get_yticklabels()] == [
        f"{name}  {number}" for name, number in zip(shown, numbers, strict=True)
    ]
    for ax in fig.axes[:3]:  # the three maps, then their colour bars
        assert [tick.get_text() for tick in ax.get_xticklabels()] == numbers
    for ax in fig.axes[1:3]:
        assert [tick.get_text() for tick in ax.get_yticklabels()] == numbers
    assert fig.get_size_inches()[0] * plots.DPI <= 1104  # the page's width: never scaled down
    data = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    page = html.unescape(report_html.render(evaluate(data, data.assign(b=1.0))))
    assert "Grey: no statistic, as one of the two columns holds a single value, or none" in page


def test_heat_map_labels_are_readable_and_tell_names_that_start_alike_apart(monkeypatch):
    """Adult's 15 columns were labelled at 6 points in a figure the page scaled down (5 pixels); loans'
    names were cut at 14 characters, "months_since..." twice and "total_credit..." three times."""
    names = ["age", "months_since_last_delinq", "months_since_90d_late", "total_credit_limit"]
    names += ["total_credit_utilized", "total_credit_lines", "months_since_last_credit_inquiry"]
    matrix = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    fig = _drawn_figure(monkeypatch, lambda: plots.heatmaps(matrix, matrix * 0.5))
    labels = fig.axes[0].get_yticklabels()
    texts = [label.get_text() for label in labels]
    assert len(set(texts)) == len(names) and texts[1] == "months_since_last_delinq  2"
    assert texts[-1].endswith("edit_inquiry  7") and len(texts[-1]) <= plots.MAX_LABEL + 3
    assert min(label.get_fontsize() for ax in fig.axes[:3] for label in ax.get_yticklabels()) >= 7
    assert fig.get_size_inches()[0] * plots.DPI <= 1104


def test_a_shape_score_of_0_is_written_and_months_and_ranks_come_in_their_order(monkeypatch):
    """tx_date scored 0 and drew no bar, first in the worst-first chart; issue_month read Mar, Jan, Feb (by
    count), education "2. HS Grad" before "1. < HS Grad"."""
    ax = _drawn_figure(
        monkeypatch, lambda: plots.column_scores(["tx_date", "amount"], [0.0, 0.9], ["poor", "good"])
    ).axes[0]
    assert [text.get_text() for text in ax.texts] == ["0.00", "0.90"]
    months = pd.Series(["Mar-2018"] * 5 + ["Jan-2018"] * 4 + ["Feb-2018"] * 3)
    assert plots.category_bars(months, months).categories == ["Jan-2018", "Feb-2018", "Mar-2018"]
    ranks = pd.Series(["2. HS Grad"] * 5 + ["1. < HS Grad"] * 3 + ["3. Some College"] * 4)
    assert plots.category_bars(ranks, ranks).categories == ["1. < HS Grad", "2. HS Grad", "3. Some College"]
    days = pd.Series(["Friday"] * 5 + ["Monday"] * 3 + [None] * 4)
    assert plots.category_bars(days, days).categories == ["Monday", "Friday", "(missing)"]
    cities = pd.Series(["Paris"] * 5 + ["Lyon"] * 3)
    assert plots.category_bars(cities, cities).categories == ["Paris", "Lyon"]


def test_grades_and_numbers_written_as_text_come_in_their_order():
    """loans' grades read B, C, A, D (by count), limits declared categorical 5000, 500, 1000; two single
    letters (sex) keep the count's order."""
    grades = pd.Series(["B"] * 5 + ["C"] * 4 + ["A"] * 3 + ["D"] * 2)
    assert plots.category_bars(grades, grades).categories == ["A", "B", "C", "D"]
    limits = pd.Series(["5000"] * 5 + ["500"] * 4 + ["1000"] * 3 + ["10"] * 1)
    assert plots.category_bars(limits, limits).categories == ["10", "500", "1000", "5000"]
    sex = pd.Series(["M"] * 5 + ["F"] * 4)
    assert plots.category_bars(sex, sex).categories == ["M", "F"]


def test_the_detection_caption_says_when_one_column_masks_the_others():
    """A date column that gives every synthetic row away left amount (x100) and merchant (3 of 40 levels)
    bars of 0, captioned "columns it does not need"; negative bars went unexplained."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"a": rng.normal(size=600), "day": rng.integers(0, 100, 600).astype(float)})
    synthetic = pd.DataFrame(
        {"a": rng.normal(size=600) * 100, "day": rng.integers(500, 600, 600).astype(float)}
    )
    page = html.unescape(report_html.render(evaluate(real, synthetic)))
    assert "bars near 0 are not columns it does not need: it tells the rows apart (ROC-AUC 1.00)" in page
    report = evaluate(real, real.sample(frac=1, random_state=1).reset_index(drop=True))
    page = html.unescape(report_html.render(report))
    assert "bars near 0, columns it does not need." in page
    assert report.families["detection"].tables["column_importance"]["auc_drop"].min() < 0
    assert "Bars below 0: shuffling the column left the detector no worse, by chance." in page


def test_loss_curves_tick_whole_epochs_and_shape_scores_are_drawn_worst_first(monkeypatch, mixed_report):
    """Twenty epochs were ticked 2.5, 5.0, 7.5; the shape-score bars came in table order."""
    history = [{"epoch": e, "loss": 1.0 / e} for e in range(1, 21)]
    fig = _drawn_figure(monkeypatch, lambda: plots.loss_curves(history))
    ticks = fig.axes[0].get_xticks()
    assert np.array_equal(ticks, np.round(ticks))
    figures = []
    monkeypatch.setattr(plots, "to_png", lambda fig: figures.append(fig) or "")
    report_html.render(mixed_report)
    (bars,) = [f for f in figures if f.axes[0].get_xlabel().startswith("shape score")]
    widths = [bar.get_width() for bar in bars.axes[0].patches]
    assert widths == sorted(widths) and widths != list(
        mixed_report.families["fidelity"].tables["column_shapes"]["score"]
    )


def test_a_loss_history_of_one_point_draws_the_point(monkeypatch):
    """A fit the time limit cut within its first epoch logs one record: its panels were empty axes."""
    fig = _drawn_figure(monkeypatch, lambda: plots.loss_curves([{"epoch": 0.38, "loss_g": 1.5}]))
    (line,) = fig.axes[0].get_lines()
    assert line.get_marker() == "o" and list(line.get_ydata()) == [1.5]


@pytest.mark.parametrize("size", [1e-9, 1e-7, 1e-6])
def test_very_small_numbers_are_binned_over_their_range_not_as_whole_numbers(monkeypatch, size):
    """Values of about 1e-7 and below were taken for whole numbers (0, within 1e-6 of it) and drawn as one
    bar from -0.5 to 0.5."""
    real, synthetic = (
        pd.Series(np.random.default_rng(seed).lognormal(np.log(size), 0.5, 1500), name="tiny")
        for seed in (0, 1)
    )
    both = np.r_[real, synthetic]
    for _, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert len(edges) > 20 and edges[0] >= both.min() * 0.5 and edges[-1] <= both.max() * 2
    assert plots._grid(np.array([0.3, 1.7, 2.0])) == 0.1 and plots._grid(np.array([1e-9, 2e-9])) is None


def _drawn_as_written(text) -> bool:
    """Whether matplotlib draws a text as its characters, not as math between two "$"."""
    return text._preprocess_math(text.get_text()) == (text.get_text(), False)


def test_dollar_signs_in_labels_and_names_are_drawn_as_written(monkeypatch):
    """Between two "$" matplotlib reads math text: "$1k-$5k" was drawn as an italic "1k−5k"."""
    labels = ["$1k-$5k", "$5k-$10k", "over $10k"]
    values = pd.Series(np.random.default_rng(0).choice(labels, 300), name="$ spent in $")
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(values, values, numeric=False)).axes[0]
    assert sorted(t.get_text() for t in ax.get_yticklabels()) == sorted(labels)
    assert all(_drawn_as_written(t) for t in [*ax.get_yticklabels(), ax.title])
    frame = pd.DataFrame(np.eye(2), index=["$a$", "$b$"], columns=["$a$", "$b$"])
    fig = _drawn_figure(monkeypatch, lambda: plots.heatmaps(frame, frame))
    assert all(_drawn_as_written(t) for t in fig.axes[0].get_yticklabels())
    fig = _drawn_figure(monkeypatch, lambda: plots.column_scores(["$a$"], [0.5], ["fair"]))
    assert all(_drawn_as_written(t) for t in fig.axes[0].get_yticklabels())


def _axis_scale(monkeypatch, real: np.ndarray, synthetic: np.ndarray) -> str:
    draw = lambda: plots.marginal(pd.Series(real, name="v"), pd.Series(synthetic, name="v"), numeric=True)  # noqa: E731
    return _drawn_figure(monkeypatch, draw).axes[0].get_xscale()


def test_the_log_axis_is_weighed_against_the_even_axis_as_it_would_be_drawn(monkeypatch):
    """Capital gains (92% 0, the rest 114 to 99,999 with 6% of them top-coded at 99,999) went back to an
    even axis: the top code put their 95% quantile at its end. Amounts 5% to 45% of them 0 stayed on an
    even axis, squeezed into its first bins. Debt-to-income ratios of 5 to 40 with a few of 400, read best
    on an even axis cut to its central range, and counts of 1 to 52 went on a log one."""
    rng = np.random.default_rng(0)

    def gains(n):
        values = np.where(rng.random(n) < 0.92, 0.0, np.round(rng.lognormal(8.8, 0.8, n).clip(114, 99_999)))
        return np.where((values > 0) & (rng.random(n) < 0.06), 99_999.0, values)

    assert _axis_scale(monkeypatch, gains(20_000), gains(20_000)) == "log"
    for zeros in (0.05, 0.15, 0.45):
        real, synthetic = (np.where(rng.random(3000) < zeros, 0.0, rng.lognormal(6, 1.5, 3000)) for _ in "ab")
        assert _axis_scale(monkeypatch, real, synthetic) == "log"
    ratios = [np.r_[rng.gamma(6, 3, 3000), rng.uniform(100, 470, 10)] for _ in "ab"]
    assert _axis_scale(monkeypatch, *ratios) == "linear"
    counts = [np.r_[rng.geometric(0.6, 3000), 52.0].astype(float) for _ in "ab"]
    assert _axis_scale(monkeypatch, *counts) == "linear"


def _with_outliers(n: int, seed: int) -> np.ndarray:
    """Weights of about 1,000 (symmetric about it), 1% of them 50 to 500 times as large."""
    rng = np.random.default_rng(seed)
    values = rng.normal(1000, 100, n)
    values[rng.choice(n, n // 100, replace=False)] = rng.uniform(5e4, 5e5, n // 100)
    return values


def test_a_symmetric_bulk_with_a_sliver_of_far_outliers_is_drawn_on_an_even_axis_without_them(monkeypatch):
    """1% of far outliers left half of them inside the central 99%, so the even axis stayed squeezed and
    the bulk went on a log axis, a narrow hump at its left end. Skewed incomes stay on a log axis."""
    real, synthetic = (pd.Series(_with_outliers(3000, seed), name="weight") for seed in (0, 1))
    assert _axis_scale(monkeypatch, real.to_numpy(), synthetic.to_numpy()) == "linear"
    for values, edges in _drawn_histograms(monkeypatch, real, synthetic):
        assert edges[-1] < 2000 and np.count_nonzero(values <= edges[-1]) >= 0.99 * len(values) - 1
    page = html.unescape(report_html.render(evaluate(real.to_frame(), synthetic.to_frame())))
    counts = re.search(
        r"A few far outliers would squeeze the other values into a few bins, so the axis shows those "
        r"others; beyond it, not drawn but scored: (\d+) of 3,000 real and (\d+) of 3,000 synthetic",
        page,
    )
    assert counts and counts.groups() == ("30", "30")
    incomes = [np.random.default_rng(seed).lognormal(10.5, 0.8, 3000) for seed in (0, 1)]
    assert _axis_scale(monkeypatch, *incomes) == "log"


def test_the_caption_gives_the_share_of_zeros_a_log_axis_leaves_out():
    """Up to half the values may be 0 beside a log axis: a count ("1,347 real") did not say how many."""
    rng = np.random.default_rng(0)
    real, synthetic = (
        pd.DataFrame(
            {"spent": np.where(rng.random(2000) < 0.3, 0.0, np.round(rng.lognormal(6, 1.5, 2000), 2))}
        )
        for _ in "ab"
    )
    page = html.unescape(report_html.render(evaluate(real, synthetic)))
    shares = re.search(
        r"not drawn but scored: [\d,]+ real and [\d,]+ synthetic values \((\d+)% and (\d+)%", page
    )
    assert shares and all(25 <= int(share) <= 35 for share in shares.groups())


@pytest.mark.parametrize("size", [1e-9, 1e5])
def test_a_log_axis_names_three_values_or_more(monkeypatch, size):
    """Joint incomes of 20k to 1.1M were ticked "100k" and "1M" only; values about 1e-9 at "1e-09" alone."""
    real, synthetic = (np.random.default_rng(seed).lognormal(np.log(size), 0.8, 3000) for seed in (0, 1))
    draw = lambda: plots.marginal(pd.Series(real, name="v"), pd.Series(synthetic, name="v"), numeric=True)  # noqa: E731
    ax = _drawn_figure(monkeypatch, draw).axes[0]
    low, high = ax.get_xlim()
    ticks = [
        t.get_text() for t in ax.get_xticklabels() if t.get_text() and low <= t.get_position()[0] <= high
    ]
    assert ax.get_xscale() == "log" and len(ticks) >= 3


def test_a_card_speaks_of_no_relationship_where_none_was_measured(tmp_path):
    """Two unrelated columns: the quality is the column shapes alone ("Column shapes alone (...) is
    96%"), and the card said "Columns and their relationships closely match the real data"."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300)})
    page = evaluate(real, real.sample(frac=1, random_state=1)).to_html(tmp_path / "r.html")
    text = page.read_text(encoding="utf-8")
    card = text[text.index("<h3>Fidelity</h3>") :].split('<div class="card')[0]
    assert "Columns closely match the real data (no two columns are related there to compare)." in card
    assert "relationships" not in card


def test_a_column_of_one_whole_number_is_ticked_at_it(monkeypatch):
    """A column holding 7 alone was ticked 6.45, 6.6 ... 7.65: below two whole numbers in range the
    whole-number locator gave up; one tick is enough."""
    column = pd.Series([7.0] * 50, name="x")
    ax = _drawn_figure(monkeypatch, lambda: plots.marginal(column, column, numeric=True)).axes[0]
    low, high = ax.get_xlim()
    assert [t for t in ax.get_xticks() if low <= t <= high] == [7.0]


@pytest.mark.parametrize(
    "zone, first, clock_name",
    [
        (None, "20:00", ""),  # naive stamps, as written
        (datetime.timezone(datetime.timedelta(hours=1)), "21:00", "UTC+01:00"),  # "+01:00" throughout
        ("Europe/Berlin", "21:00", "Europe/Berlin"),  # winter time on 30 March
        (datetime.UTC, "20:00", "UTC"),  # several offsets, or "Z": UTC's clock
    ],
)
def test_a_date_axis_reads_stamps_on_their_own_clock(monkeypatch, zone, first, clock_name):
    """Stamps written 21:00+01:00 to 09:29+01:00 were drawn 20:00 to 08:30, UTC's clock, on an axis
    that did not say so: a zone's or offset's column is drawn on its clock, and every zone-aware column's
    axis names it (only UTC's did: Berlin's hours read as the reader's own)."""
    values = _dates("2024-03-30 20:00", "2024-03-31 06:30", 500)
    fig = _drawn_figure(
        monkeypatch, lambda: plots.marginal(values, values, numeric=True, dates=True, zone=zone)
    )
    ax = fig.axes[0]
    low = mdates.num2date(ax.get_xlim()[0])
    assert f"{low:%H:%M}" == first
    offset = ax.xaxis.get_offset_text().get_text()
    assert offset.endswith(clock_name) and (clock_name in offset.split()) == bool(clock_name), offset


def test_shape_score_labels_stay_inside_the_frame(monkeypatch):
    """A bar of 0.96 wrote its value across the frame's right edge, where 1.0 ended the axis, clipped."""
    fig = _drawn_figure(
        monkeypatch, lambda: plots.column_scores(["a", "b", "c"], [0.96, 1.0, 0.5], ["good", "good", "fair"])
    )
    ax = fig.axes[0]
    labels = [text for text in ax.texts if text.get_text() in {"0.96", "1.00", "0.50"}]
    assert len(labels) == 3
    frame = ax.get_window_extent()
    assert all(label.get_window_extent().x1 <= frame.x1 for label in labels)
    assert max(ax.get_xticks()) == 1.0


def test_billions_on_an_axis_are_written_b_as_amounts_are():
    """Ticks of 1e10 read "10G", SI's giga, on amounts that a reader writes as 10B."""
    assert [plots.tick_text(value) for value in (2.5e9, 1e10, -3e11)] == ["2.5B", "10B", "-300B"]


def test_a_stamp_column_with_a_daily_cycle_gets_an_hour_of_day_figure_a_date_column_none(
    daily_stamps, tmp_path
):
    report = evaluate(daily_stamps(400, 0), daily_stamps(400, 1, flat=True), train=daily_stamps(400, 2))
    page = report.to_html(tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count('alt="hour-of-day shares of ') == 1
    assert 'alt="hour-of-day shares of stamp"' in page and "<h3>Hour of day</h3>" in page
    assert "share of rows in each hour of the day" in page
    assert 'alt="hour-of-day shares of day"' not in page


def test_a_page_lists_the_orders_the_synthetic_rows_break(tmp_path):
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 5_000, 600), unit="h")
    stay = pd.to_timedelta(rng.integers(1, 500, 600), unit="h")
    real = pd.DataFrame({"admitted": start, "discharged": start + stay})
    synthetic = pd.DataFrame(
        {"admitted": start, "discharged": np.where(rng.random(600) < 0.3, start - stay, start + stay)}
    )
    page = evaluate(real, synthetic).to_html(tmp_path / "orders.html").read_text(encoding="utf-8")
    assert "<h3>Kept orders</h3>" in page and "admitted &lt;= discharged" in page


def test_the_page_lists_the_most_broken_orders_and_counts_the_rest():
    from synthloom.report.html import REPORTED_ORDERS, _kept_orders

    n = REPORTED_ORDERS + 3
    orders = pd.DataFrame(
        {
            "low": [f"a{i}" for i in range(n)],
            "high": [f"b{i}" for i in range(n)],
            "real_broken": 0.0,
            "synthetic_broken": np.linspace(0.2, 0.0, n),
            "verdict": "poor",
        }
    )
    section = _kept_orders(orders)
    last = REPORTED_ORDERS - 1
    assert f"a{last} &lt;= b{last}" in section and f"a{REPORTED_ORDERS} " not in section
    assert f"Showing {REPORTED_ORDERS} of {n} rows; the JSON output has all." in section


def test_images_no_better_than_uniform_noise_are_warned_of():
    from synthloom.report.images import below_noise

    # a one-epoch conditional DCGAN on digits, as scored: worse than noise, and nothing said
    untrained = {"fid": 274.9, "noise_fid": 135.6, "recall": 0.0, "noise_recall": 0.256}
    untrained |= {"coverage": 0.056, "noise_coverage": 0.219, "density": 0.4, "noise_density": 0.3}
    said = below_noise(untrained)
    assert said is not None and said.startswith("the synthetic images score no better than uniform noise")
    assert "fid 274.9 against noise's 135.6" in said and "coverage 0.056" in said and "density" not in said
    trained = {"fid": 12.0, "noise_fid": 135.6, "recall": 0.5, "noise_recall": 0.256}
    assert below_noise(trained) is None
    assert below_noise(trained | {"recall": 0.1}) is None  # one score below the floor is no verdict
