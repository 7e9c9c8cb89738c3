"""Diversity: PRDC and alpha/beta on known cases, and the mode-collapse warning."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from synthloom.data.metadata import Metadata
from synthloom.metrics import alpha_precision_beta_recall, diversity, prdc, prepare
from synthloom.metrics.diversity import numeric_modes


def test_identical_sets_have_full_precision_recall_coverage():
    points = np.random.default_rng(0).normal(size=(300, 4))
    scores = prdc(points, points.copy())
    assert scores["precision"] == scores["recall"] == scores["coverage"] == 1.0
    assert scores["density"] == pytest.approx(1.0, abs=0.3)


def test_a_far_away_set_has_no_precision_or_coverage():
    rng = np.random.default_rng(1)
    scores = prdc(rng.normal(size=(200, 3)), rng.normal(loc=10.0, size=(200, 3)))
    assert scores == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_alpha_precision_prefers_the_same_distribution():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(400, 3))
    same = alpha_precision_beta_recall(real, rng.normal(size=(400, 3)))
    squeezed = alpha_precision_beta_recall(real, 0.2 * rng.normal(size=(400, 3)))
    assert same["alpha_precision"] > 0.85 > squeezed["alpha_precision"]
    assert same["beta_recall"] > squeezed["beta_recall"]


def test_collapsed_synthetic_data_triggers_the_mode_collapse_warning(related_train, related_test):
    fair = diversity(prepare(related_test, related_train))
    collapsed_rows = related_train[related_train["segment"] == "high"]
    collapsed = diversity(
        prepare(related_test, collapsed_rows.sample(len(related_train), replace=True, random_state=0))
    )
    assert not any("Mode collapse" in w for w in fair.warnings)
    assert any("Mode collapse" in w and "segment: " in w for w in collapsed.warnings)
    assert collapsed.score("coverage").value < fair.score("coverage").value - 0.3
    assert collapsed.score("category_coverage").value < 1.0
    assert collapsed.score("distinct_rows").value < 0.5
    missing = collapsed.tables["category_coverage"].set_index("column").loc["segment", "missing"]
    assert set(missing.split(", ")) == {"low", "mid"}


def test_embedding_has_two_coordinates_per_row_of_equal_size_samples(related_train, related_test):
    points = diversity(prepare(related_test, related_train)).extras["embedding"]
    rows = min(len(related_test), len(related_train))  # both tables are subsampled to one size
    assert points["real"].shape == points["synthetic"].shape == (rows, 2)


def test_rare_categories_a_small_table_misses_by_chance_are_not_mode_collapse(make_related):
    rng = np.random.default_rng(5)
    real, synthetic = make_related(100, seed=3), make_related(100, seed=4)
    # 3 rows of 100 (3%): a faithful 100-row sample lacks such a category 5% of the time
    real["code"] = np.where(np.arange(100) < 3, "rare", rng.choice(["a", "b"], 100))
    synthetic["code"] = rng.choice(["a", "b"], 100)
    small = diversity(prepare(real, synthetic))
    assert not any("Mode collapse" in w for w in small.warnings)
    assert small.score("category_coverage").value == 1.0
    large = diversity(prepare(pd.concat([real] * 30), pd.concat([synthetic] * 30)))  # 3,000 rows: not chance
    assert any("code: rare" in w for w in large.warnings)


def test_a_category_an_honest_small_sample_lacks_by_chance_is_not_mode_collapse(make_related):
    """8 of 150 real rows (5.3%) were taken as an exact share, so 150 synthetic rows lacking the category
    read as a collapse; two honest draws of 150 rows leave all 8 to one side one time in 256."""
    rng = np.random.default_rng(6)
    real, synthetic = make_related(150, seed=3), make_related(150, seed=4)
    real["code"] = np.where(np.arange(150) < 8, "rare", rng.choice(["a", "b"], 150))
    synthetic["code"] = rng.choice(["a", "b"], 150)
    assert not any("Mode collapse" in w for w in diversity(prepare(real, synthetic)).warnings)
    real["code"] = np.where(np.arange(150) < 30, "rare", rng.choice(["a", "b"], 150))  # 30 of 150: no chance
    assert any("code: rare" in w for w in diversity(prepare(real, synthetic)).warnings)


def test_one_row_repeated_for_half_the_table_is_mode_collapse(related_train, related_test):
    half = len(related_train) // 2
    repeated = pd.concat([related_train.iloc[:half], related_train.iloc[[0] * half]], ignore_index=True)
    result = diversity(prepare(related_test, repeated))
    assert any("one row makes up 50% of the synthetic rows" in w for w in result.warnings)
    assert not any("one row" in w for w in diversity(prepare(related_test, related_train)).warnings)


def test_a_key_column_whose_synthetic_ids_repeat_is_warned_of():
    # evaluate left ids out, so 100 repeated ids in 600 synthetic rows went unsaid (SDMetrics' KeyUniqueness
    # flags them); a column whose real ids repeat (a customer on several orders) is no key
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"order": [f"O{i:05d}" for i in range(600)], "x": rng.normal(size=600)})
    fake = real.assign(x=rng.normal(size=600))
    assert not any("Repeated keys" in w for w in diversity(prepare(real, fake)).warnings)
    fake.loc[:99, "order"] = fake.loc[100:199, "order"].to_numpy()
    said = [w for w in diversity(prepare(real, fake)).warnings if "Repeated keys" in w]
    assert said == [
        "Repeated keys: column 'order' holds 500 ids over 600 synthetic rows (200 rows share an id with "
        "another), where every real row's id is its own; a key that repeats joins no other table reliably."
    ]
    customers = real.assign(order=[f"C{i % 300:04d}" for i in range(600)])
    declared = {"columns": {"order": {"kind": "identifier"}}}
    tables = prepare(customers, fake, metadata=Metadata.from_dict(declared))
    assert not any("Repeated keys" in w for w in diversity(tables).warnings)


def test_a_small_faithful_sample_is_not_called_collapsed():
    """20 rows drawn from the real ones were "collapsed": each row is 5% of them, and ranges holding 5 -
    10% of the real rows get none by chance."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {"x": np.r_[rng.normal(0, 1, 700), rng.normal(8, 1, 300)], "y": rng.normal(size=1000)}
    )
    small = diversity(prepare(real, real.sample(20, random_state=1)))
    assert not any("Mode collapse" in w for w in small.warnings)
    one_mode = real[real["x"] < 4].sample(2_000, replace=True, random_state=1)
    one_mode["y"] = rng.normal(size=2_000)  # no repeated rows: the missing range alone is collapse
    collapsed = diversity(prepare(real, one_mode))
    assert any("Mode collapse" in w and "x: " in w for w in collapsed.warnings)
    assert not any("one row" in w for w in collapsed.warnings)


def test_a_collapsed_column_is_found_in_a_small_sample_and_all_its_lost_ranges_named():
    """50 rows all at one value had no warning once ranges were judged one at a time against chance."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"a": rng.normal(50, 10, 1000), "b": rng.normal(size=1000)})
    collapsed = real.sample(50, random_state=1).assign(a=50.0)
    modes = diversity(prepare(real, collapsed)).tables["numeric_modes"].set_index("column")
    assert modes.loc["a", "missing"] and modes.loc["a", "covered"] <= 1 and not modes.loc["b", "missing"]


def test_a_lost_range_of_whole_numbers_is_written_in_whole_numbers():
    """'age: 17 to 20.65; education-num: 9 to 9.7' named bins of integer columns by their float edges."""
    rng = np.random.default_rng(0)
    young, years = np.r_[rng.integers(17, 25, 600), rng.integers(25, 91, 401)], rng.integers(1, 17, 501)
    real = pd.DataFrame({"age": young, "years": np.r_[np.full(500, 9), years]})
    real["score"] = np.where(real.index % 3 == 0, 100, real.index % 90)  # the last range holds 100
    old = real[(real["age"] > 40) & (real["years"] != 9) & (real["score"] < 95)]
    modes = diversity(prepare(real, old.sample(2_000, replace=True, random_state=1))).tables["numeric_modes"]
    missing = modes.set_index("column")["missing"].to_dict()  # bins of 17 + 3.65k, 1 + 0.75k, 1 + 4.95k
    # two adjacent lost ranges are one: "17 to 20, 21 to 24" read as two gaps
    assert missing == {"age": "17 to 24", "years": "9", "score": "96 to 100"}


def test_a_lost_range_of_stamps_is_on_the_columns_clock_and_to_the_minute_within_a_day():
    """Stamps written at -04:00 from 20:49 on 31 May lost a range named "2024-06-01 to 2024-06-02": UTC's
    dates, and no hours, for a log of three days."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2024-06-01 00:49", tz="UTC")
    stamps = (start + pd.to_timedelta(np.sort(rng.integers(0, 3 * 86_400, 1_000)), unit="s")).tz_convert(
        "America/New_York"
    )
    text = pd.Series(stamps.strftime("%Y-%m-%d %H:%M:%S%z")).str.replace(r"(\d\d)$", r":\1", regex=True)
    real = pd.DataFrame({"ts": text})
    late = real.iloc[300:].sample(1_000, replace=True, random_state=1)  # the first 21.6 hours are lost
    missing = diversity(prepare(real, late)).tables["numeric_modes"].set_index("column").loc["ts", "missing"]
    ends = re.findall(r"(\d{4}-\d\d-\d\d \d\d:\d\d) to (\d{4}-\d\d-\d\d \d\d:\d\d)", missing)
    assert ends and ", ".join(f"{a} to {b}" for a, b in ends) == missing, missing
    # on New York's clock: inside the lost rows' span there (in UTC, 4 hours later)
    lost = pd.to_datetime(stamps[:300].tz_localize(None).strftime("%Y-%m-%d %H:%M"))
    for end in pd.to_datetime([end for pair in ends for end in pair]):
        assert lost.min() - pd.Timedelta("1min") <= end <= lost.max() + pd.Timedelta("1min"), missing


def test_a_lost_range_of_times_of_day_is_written_as_times():
    """A "%H:%M" column's lost ranges read "1900-01-01 to 1900-01-01": the date times of day are read on;
    then "09:16:24 to 10:16:36", seconds its values do not have."""
    rng = np.random.default_rng(0)
    minutes = rng.integers(9 * 60, 17 * 60, 1000)
    real = pd.DataFrame({"at": [f"{m // 60:02d}:{m % 60:02d}" for m in minutes]})
    late = real[minutes >= 13 * 60].sample(1000, replace=True, random_state=1)
    result = diversity(prepare(real, late))
    missing = result.tables["numeric_modes"].set_index("column").loc["at", "missing"]
    assert re.fullmatch(r"(1[0-2]|09):\d\d to \d\d:\d\d(, \d\d:\d\d to \d\d:\d\d)*", missing), missing
    assert any(f"at: {missing}" in w for w in result.warnings)  # the CLI prints the same text


def test_precision_does_not_say_rows_stay_where_real_rows_live_when_values_leave_the_real_range():
    """Every date shifted 3 years past the real range kept precision 0.79, read as '79% of synthetic rows
    fall where real rows live', beside a validity finding every date outside the real range."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"day": rng.integers(0, 1000, 400) * 86_400.0, "x": rng.normal(size=400)})
    shifted = real.assign(day=real["day"] + 3 * 365 * 86_400.0)
    precision = diversity(prepare(real, shifted)).score("precision")
    assert precision.value > 0.5  # a rank beyond the real range is the real extreme's
    assert "where real rows live" not in precision.meaning
    assert "a value beyond the real range counts as the real extreme: Validity counts those" in (
        precision.meaning
    )


def test_one_value_synthetic_rows_pile_on_is_named():
    """18% of synthetic admissions on the first real day (0.1% of real rows), amounts clipped to their
    minimum, a fee behind the 30% of zeros real rows hold too: the value ranges were all covered, and
    evaluate said nothing of any."""
    rng = np.random.default_rng(0)

    def draw(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "admitted": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1_000, n), unit="D"),
                "amount": rng.lognormal(5, 1, n).round(2),
                # 30% on one value, as real rows have it: a pile may be the second most common value
                "fee": np.where(rng.random(n) < 0.3, 0.0, rng.uniform(10, 100, n).round(2)),
            }
        )

    real, fair = draw(2_000), draw(2_000)
    piled = fair.copy()
    piled.loc[rng.random(len(piled)) < 0.18, "admitted"] = real["admitted"].min()
    piled.loc[piled["amount"] < real["amount"].quantile(0.1), "amount"] = real["amount"].min()
    piled.loc[(piled["fee"] > 0) & (rng.random(len(piled)) < 0.15), "fee"] = 42.5
    assert not any("pile" in w for w in diversity(prepare(real, fair)).warnings)
    assert not any("pile" in w for w in diversity(prepare(real.iloc[:200], fair.iloc[:200])).warnings)
    (warning,) = [w for w in diversity(prepare(real, piled)).warnings if "pile" in w]
    day = real["admitted"].min().strftime("%Y-%m-%d")
    shares = r"holds 1[78]% of synthetic values, 0\.\d% of real ones"
    assert re.search(rf"admitted: {day} \(the real minimum\) {shares}", warning)
    assert re.search(r"amount: [\d.]+ \(the real minimum\) holds \d% of synthetic values", warning)
    assert re.search(r"fee: 42\.5 holds 1\d% of synthetic values, (no real one|0\.\d% of real ones)", warning)


def _binned(counts: dict[int, int]) -> pd.DataFrame:
    """150 rows of "x" on the centres of 20 bins of 0 to 100: ``counts`` rows in the bins it names, the
    rest spread over the others as evenly as they go, and the ends 0 and 100 held, so bins are as named."""
    rest = [k for k in range(20) if k not in counts]
    left = 150 - 2 - sum(counts.values())
    each = {k: left // len(rest) + (i < left % len(rest)) for i, k in enumerate(rest)}
    values = [2.5 + 5 * k for k, n in {**counts, **each}.items() for _ in range(n)]
    return pd.DataFrame({"x": [0.0, 100.0, *values]})


def test_a_range_a_small_honest_sample_holds_few_of_is_not_mode_collapse() -> None:
    """At 150 rows, 10 real rows in a range beside 1 synthetic row were mode collapse (the real 6.7% taken
    as exact): two draws of one generator were called collapsed 5 times in 40. Real rows all of whose
    range the synthetic ones miss are still named."""
    real = _binned({5: 10})
    honest = numeric_modes(prepare(real, _binned({5: 1})))
    assert honest.loc[0, "missing"] == ""
    with_train = numeric_modes(prepare(real, _binned({5: 1}), train=real))
    assert with_train.loc[0, "missing"] == ""
    lost = numeric_modes(prepare(_binned({5: 20}), _binned({5: 0})))
    assert lost.loc[0, "missing"] == "25 to 30"
