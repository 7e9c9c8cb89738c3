"""Conditions on the rare levels a column beyond ``max_categories`` keeps in its shared "other" slot."""

import datetime
import decimal
import warnings

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model
from synthloom.errors import ConditionError, DataWarning

TINY = {
    "copula": {},
    "ctgan": {"epochs": 1, "batch_size": 100, "embedding_dim": 16, "generator_width": 32, "critic_width": 32},
    "tvae": {"epochs": 1, "batch_size": 100, "embedding_dim": 16, "hidden_width": 32},
    "ddpm": {"epochs": 1, "batch_size": 100, "hidden_width": 32, "sample_steps": 5},
    # a ddpm conditioned on another column meets a condition on the city by rejection
    "ddpm_target": {"epochs": 1, "batch_size": 100, "hidden_width": 32, "sample_steps": 5, "target": "k"},
}


@pytest.fixture(scope="module")
def many_cities() -> pd.DataFrame:
    """20 frequent cities and 600 seen once: 620 levels, past the 500 a column keeps apart."""
    rng = np.random.default_rng(0)
    frequent = rng.choice([f"big_{i}" for i in range(20)], 400)
    city = np.concatenate([frequent, [f"city_{i}" for i in range(600)]])
    return pd.DataFrame({"city": city, "k": rng.choice(["a", "b"], 1000), "x": rng.normal(size=1000)})


@pytest.mark.parametrize("name", sorted(TINY))
def test_a_rare_level_can_be_conditioned_on_by_every_model(name, many_cities):
    model = get_model(name.removesuffix("_target"), random_state=0, **TINY[name]).fit(many_cities)
    encoder = model.transformer_.encoder("city")
    rare = encoder.rare_levels[7]
    assert rare not in encoder.levels  # the condition asks for the shared "other" slot
    assert model.sample(30, conditions={"city": rare})["city"].eq(rare).all()
    both = model.sample(10, conditions={"city": rare, "k": "b"})
    assert both["city"].eq(rare).all() and both["k"].eq("b").all()
    per_row = pd.DataFrame(
        {"city": [rare, "big_3", None, encoder.rare_levels[0]], "k": [None, "a", "b", None]}
    )
    rows = model.sample(4, conditions=per_row)
    assert rows["city"].iloc[[0, 1, 3]].tolist() == [rare, "big_3", encoder.rare_levels[0]]
    assert rows["k"].iloc[[1, 2]].tolist() == ["a", "b"]
    with pytest.raises(ConditionError, match="never takes the value 'nowhere'"):
        model.sample(5, conditions={"city": "nowhere"})


def test_rare_levels_keep_a_categorical_dtype_and_missing_values_can_be_rare():
    rng = np.random.default_rng(0)
    names = [f"big_{i}" for i in range(20)] + [f"city_{i}" for i in range(600)]
    city = [*rng.choice(names[:20], 400), *names[20:], None]  # one missing value: a rare level too
    real = pd.DataFrame(
        {"city": pd.Categorical(city, categories=[*names, "never"]), "x": rng.normal(size=1001)}
    )
    model = get_model("copula", random_state=0).fit(real)
    encoder = model.transformer_.encoder("city")
    assert None in encoder.rare_levels and encoder.missing_code is None
    rare = model.sample(20, conditions={"city": encoder.rare_levels[3]})
    assert rare["city"].dtype == real["city"].dtype and rare["city"].eq(encoder.rare_levels[3]).all()
    assert model.sample(20, conditions={"city": None})["city"].isna().all()


@pytest.fixture(scope="module")
def dated() -> tuple[pd.DataFrame, object]:
    """Whole-number ratings, day dates over two years, and a code column whose values hold '..'."""
    rng = np.random.default_rng(1)
    n = 2000
    real = pd.DataFrame(
        {
            "rating": rng.integers(1, 6, n),
            "age": rng.integers(18, 90, n),
            "when": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D"),
            "band": rng.choice(["1..5", "6..10"], n),
        }
    )
    return real, get_model("copula", random_state=0).fit(real)


def test_an_integer_column_is_asked_for_whole_numbers_at_once(dated):
    _, model = dated
    for impossible in (3.5, (3.2, 3.8)):
        with pytest.raises(ConditionError, match="'rating' holds whole numbers"):
            model.sample(10, conditions={"rating": impossible})
    assert model.sample(10, conditions={"rating": "4"})["rating"].eq(4).all()


def test_a_stamp_between_a_columns_whole_days_or_hours_is_refused_before_drawing():
    """``admission=2020-03-01T12:34:56`` on a column of dates drew 2 million rows for none (every sampled
    stamp is a whole day) and ended in "relax the conditions", without saying why."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01")
    for unit, held in (("D", "whole days"), ("h", "whole hours")):
        stamps = start + pd.to_timedelta(rng.integers(0, 4_000, 500), unit=unit)
        model = get_model("copula", random_state=0).fit(
            pd.DataFrame({"t": stamps, "x": rng.normal(size=500)})
        )
        for between in ("2020-03-01T12:34:56", ("2020-03-01T12:01", "2020-03-01T12:59")):
            with pytest.raises(ConditionError, match=rf"'t' holds stamps on {held}, and .* holds none"):
                model.sample(5, conditions={"t": between})
        met = model.sample(5, conditions={"t": ("2020-03-01T11:30", "2020-03-02T12:30")}, random_state=0)
        assert met["t"].between("2020-03-01T11:30", "2020-03-02T12:30").all()
    assert (
        model.sample(5, conditions={"t": "2020-03-01T12:00"}, random_state=0)["t"]
        .eq("2020-03-01 12:00")
        .all()
    )


def test_one_number_asks_a_continuous_column_for_a_value_it_repeats():
    """``amount=0`` (30% of the amounts are 0) was refused: "give it as a range (low, high)"."""
    rng = np.random.default_rng(0)
    amounts = np.where(rng.random(400) < 0.3, 0.0, rng.gamma(2, 40, 400).round(2))
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"amount": amounts}))
    assert model.sample(20, conditions={"amount": 0}, random_state=0)["amount"].eq(0).all()
    assert model.sample(20, conditions={"amount": "0"}, random_state=0)["amount"].eq(0).all()
    # more decimals than the column holds: refused at once (searched through 20,000 draws, then "rare")
    for asked in (3.14159, (100.0001, 100.0002)):
        with pytest.raises(
            ConditionError, match=r"'amount' holds values to 2 decimal\(s\), and .* holds none"
        ):
            model.sample(5, conditions={"amount": asked})
    # one number outside the real values was called "range [-5, -5]"
    with pytest.raises(ConditionError, match=r"value -5 for column 'amount' lies outside .*; ask for a"):
        model.sample(5, conditions={"amount": -5})
    # a model that meets a number by rejection, on amounts of every decimal, says why a value is not met
    precise = pd.DataFrame({"amount": rng.gamma(2, 40, 400)})
    tvae = get_model("tvae", **TINY["tvae"], random_state=0).fit(precise)
    with pytest.raises(ConditionError, match=r"amount=3.14159 asks for exactly that value.*amount=LOW..HIGH"):
        tvae.sample(5, conditions={"amount": 3.14159})  # no real row repeats it
    # said as asked (1234.5678 was said as 1234.57), and no fewer rows would be met when none is
    with pytest.raises(ConditionError, match=r"relax the conditions; amount=123.4567 asks") as refused:
        tvae.sample(5, conditions={"amount": 123.4567})
    assert "fewer rows" not in str(refused.value)
    # none met, stopped early: no rate to project from, so a bound ("at that rate" named a rate of 0)
    with pytest.raises(ConditionError, match=r"none of 1,000 .*; at under 1 in [\d,]+ draws, 1,000 rows"):
        tvae.sample(1000, conditions={"amount": (100.0001, 100.0002)})


def test_an_open_ended_date_range_outside_the_data_is_refused_in_one_line(dated):
    """``-c ts=2030-01-01..`` crashed writing the refusal (an infinite end shown as a stamp)."""
    _, model = dated
    with pytest.raises(ConditionError, match=r"\[.*, inf\] for column 'when' lies outside"):
        model.sample(5, conditions={"when": ("2999-01-01", None)})


def test_open_ended_ranges_and_a_date_naming_its_day(dated):
    from synthloom.sampling import parse_condition_options

    _, model = dated
    older = model.sample(50, conditions=parse_condition_options(["age=60.."]), random_state=0)
    younger = model.sample(50, conditions={"age": (None, 30)}, random_state=0)
    assert older["age"].ge(60).all() and younger["age"].le(30).all()
    upto = model.sample(20, conditions=parse_condition_options(["when=..2020-02-01"]), random_state=0)
    assert upto["when"].le(pd.Timestamp("2020-02-01")).all()
    month = model.sample(20, conditions={"when": "2020-03"}, random_state=0)  # a month names its days
    assert month["when"].dt.to_period("M").eq(pd.Period("2020-03")).all()


@pytest.mark.parametrize("written", ["March", "14:00", "1st March"])
def test_a_date_without_its_year_is_refused_as_a_condition_and_a_rule_bound(dated, written):
    """pandas reads "March" as March of year 1 (a condition met by no row, a rule bound every row keeps)
    and "14:00" as 14:00 on the day it is read: a rule fitted today and a week later differed."""
    from synthloom.data.constraints import Range
    from synthloom.errors import ConfigError

    real, model = dated
    with pytest.raises(ConditionError, match=rf"with the year \(2020-03 for March 2020\), not '{written}'"):
        model.sample(5, conditions={"when": written})
    with pytest.raises(ConfigError, match=rf"bound '{written}' is not a date"):
        get_model("copula", random_state=0).fit(real, constraints=[Range("when", low=written)])


def test_a_date_range_ends_with_the_whole_of_its_last_day():
    from synthloom.sampling import parse_condition_options

    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86_400, 2000), unit="s")
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"t": stamps, "x": rng.normal(size=2000)}))
    one_day = model.sample(30, conditions={"t": ("2023-06-30", "2023-06-30")}, random_state=0)
    assert one_day["t"].dt.date.eq(pd.Timestamp("2023-06-30").date()).all()  # was: no row at all
    two_days = model.sample(
        200, conditions=parse_condition_options(["t=2023-06-29..2023-06-30"]), random_state=0
    )
    assert two_days["t"].dt.day.isin([29, 30]).all() and two_days["t"].dt.day.eq(30).mean() > 0.3
    instant = model.sample(30, conditions={"t": (pd.Timestamp("2023-06-01"), pd.Timestamp("2023-06-30"))})
    assert instant["t"].le(pd.Timestamp("2023-06-30")).all()  # a Timestamp is the instant it is


def test_a_category_holding_two_dots_is_asked_for_whole(dated):
    from synthloom.sampling import parse_condition_options

    _, model = dated
    rows = model.sample(10, conditions=parse_condition_options(["band=1..5"]), random_state=0)
    assert rows["band"].eq("1..5").all()


def test_a_time_of_day_condition_is_read_on_the_columns_day():
    """ "10:00".."12:00" on a column of times of day was read as today's times: outside the data, refused."""
    rng = np.random.default_rng(0)
    times = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 86_400, 300), unit="s")
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"at": times.strftime("%H:%M:%S")}))
    assert (
        model.sample(20, conditions={"at": ("10:00:00", "12:00")})["at"].between("10:00:00", "12:00:59").all()
    )
    assert model.sample(5, conditions={"at": "10:15"})["at"].str.startswith("10:15:").all()
    import datetime

    assert model.sample(5, conditions={"at": datetime.time(10, 15)})["at"].str.startswith("10:15:").all()


def test_dates_written_day_first_are_asked_for_in_that_form():
    """A column written "31/03/2020 14:34" read the condition "03/02/2020" month first: every row drawn
    was of 2 March, and a range or a rule's bound in that form was another range, with no warning."""
    from synthloom.data.constraints import Range

    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 120 * 1440, 1500), unit="min")
    real = pd.DataFrame({"when": stamps.strftime("%d/%m/%Y %H:%M"), "x": rng.normal(size=1500)})
    model = get_model("copula", random_state=0).fit(real)
    read = lambda frame: pd.to_datetime(frame["when"], format="%d/%m/%Y %H:%M")  # noqa: E731
    day = read(model.sample(40, conditions={"when": "03/02/2020"}, random_state=0))
    assert day.dt.date.eq(pd.Timestamp("2020-02-03").date()).all()
    days = read(model.sample(100, conditions={"when": ("01/02/2020", "10/02/2020")}, random_state=0))
    assert days.between("2020-02-01", "2020-02-10 23:59").all() and days.dt.day.eq(10).any()
    stamp = read(model.sample(20, conditions={"when": pd.Timestamp("2020-02-03")}, random_state=0))
    assert stamp.dt.date.eq(pd.Timestamp("2020-02-03").date()).all()  # a midnight names its day
    assert read(model.sample(20, conditions={"when": "2020-02-03"}, random_state=0)).dt.day.eq(3).all()
    with pytest.raises(ConditionError, match=r"written as the column writes them: '%d/%m/%Y %H:%M'"):
        model.sample(5, conditions={"when": "02-03-2020"})  # neither the column's form nor ISO
    month = read(model.sample(20, conditions={"when": "Feb 2020"}, random_state=0))  # words: no doubt
    assert month.dt.month.eq(2).all()
    from synthloom.data.encoders import read_period

    start, end = read_period(pd.Timestamp("2020-02-03 14:00"))  # its minute, as the text "14:00" names
    assert (start, end) == (pd.Timestamp("2020-02-03 14:00"), pd.Timestamp("2020-02-03 14:00:59.999999"))
    ruled = get_model("copula", random_state=0).fit(
        real, constraints=[Range("when", "01/02/2020", "10/03/2020")]
    )
    kept = read(ruled.sample(500, random_state=0))
    assert kept.between("2020-02-01", "2020-03-10 23:59").all() and kept.gt("2020-03-10").any()  # to its end


def test_missing_values_may_be_asked_for_as_nat_or_na():
    rng = np.random.default_rng(0)
    when = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 400, 600), unit="D"))
    real = pd.DataFrame({"when": when.where(rng.random(600) > 0.2), "x": rng.normal(size=600)})
    model = get_model("copula", random_state=0).fit(real)
    for missing in (pd.NaT, pd.NA, np.datetime64("NaT"), None):
        assert model.sample(10, conditions={"when": missing}, random_state=0)["when"].isna().all()


def test_a_rare_but_possible_condition_draws_as_many_rows_as_its_rate_needs():
    """One day of a year is met by 0.27% of rows: 100 such rows need about 37,000 draws, past the 20,000
    the budget allowed ("only 55 of 100 rows met the conditions")."""
    rng = np.random.default_rng(0)
    when = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365 * 1440, 2000), unit="min")
    frame = pd.DataFrame({"when": when, "x": rng.normal(size=2000), "y": rng.normal(size=2000)})
    model = get_model("copula", random_state=0).fit(frame)
    rows = model.sample(100, conditions={"when": "2021-06-01"}, random_state=0)
    assert len(rows) == 100 and rows["when"].dt.date.eq(pd.Timestamp("2021-06-01").date()).all()
    # the copula draws within x's range (0.07% of rows), and the day by rejection
    rows = model.sample(100, conditions={"when": "2021-06-01", "x": (2.9, 2.95)}, random_state=0)
    assert rows["x"].between(2.9, 2.95).all()
    with pytest.raises(ConditionError, match="none of 100 rows"):  # impossible: stops at the budget
        model.sample(100, conditions={"when": "2021-06-01", "x": (2.9, 2.95), "y": (2.9, 2.95)})
    # a category rarer than any range is the one asked of the model: the refusal names it apart
    frame["k"] = np.where(np.arange(2000) == 0, "rare", "common")
    model = get_model("copula", random_state=0).fit(frame)
    with pytest.raises(ConditionError, match=r"on when, x \(among rows drawn with k=rare\)"):
        model.sample(100, conditions={"k": "rare", "when": "2021-06-01", "x": (2.5, 3.0)})


def test_stamps_with_an_offset_are_the_instants_they_name_and_a_repeated_hour_is_kept():
    """ "2024-06-01T10:00:00Z" on a Berlin column was read as Berlin's 10:00; rounding to the quarter hour
    moved the hour the autumn clock change repeats onto its first pass (none left at 01:00 UTC)."""
    from synthloom.data.constraints import Range

    rng = np.random.default_rng(0)
    stamps = pd.date_range("2024-10-26 22:00", "2024-10-27 02:45", freq="15min", tz="UTC")
    berlin = pd.DataFrame({"at": stamps[rng.integers(0, len(stamps), 800)].tz_convert("Europe/Berlin")})
    fake = get_model("copula", random_state=0).fit(berlin).sample(2000, random_state=0)["at"]
    hours = fake.dt.tz_convert("UTC").dt.hour.value_counts(normalize=True)
    assert hours.get(1, 0) > 0.1 and hours.get(0, 0) < 0.3  # was 0% and 39%
    asked = (
        get_model("copula", random_state=0)
        .fit(berlin)
        .sample(5, conditions={"at": "2024-10-27T01:30:00Z"}, random_state=0)["at"]
    )
    assert asked.dt.tz_convert("UTC").eq(pd.Timestamp("2024-10-27 01:30", tz="UTC")).all()
    ruled = get_model("copula", random_state=0).fit(
        berlin, constraints=[Range("at", low="2024-10-27T00:00:00Z")]
    )
    assert ruled.sample(500, random_state=0)["at"].min() >= pd.Timestamp("2024-10-27 00:00", tz="UTC")


def test_a_category_column_of_times_or_dates_takes_a_range_of_them():
    """Shifts "06:00", "14:00", "22:00" (too few to be learned as times: a category): `-c
    shift=05:00..07:00` was refused as a label the column never takes."""
    from synthloom.models.conditions import CategoryCondition, TextRange, parse_conditions

    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "shift": rng.choice(["06:00", "14:00", "22:00"], 300),
            "month": rng.choice(["2024-01-01", "2024-02-01", "2024-03-01"], 300),
            "x": rng.normal(size=300),
        }
    )
    # months of three dates are learned as dates unless declared categories
    model = get_model("copula", random_state=0).fit(
        real, metadata={"columns": {"month": {"kind": "categorical"}}}
    )
    # one level inside: asked as that category, exactly
    (one,) = parse_conditions(model.transformer_, {"shift": TextRange("05:00..07:00")})
    assert isinstance(one, CategoryCondition) and one.value == "06:00"
    assert set(
        model.sample(40, conditions={"shift": TextRange("05:00..07:00")}, random_state=0)["shift"]
    ) == {"06:00"}
    both = model.sample(80, conditions={"shift": ("05:00", "15:00")}, random_state=0)["shift"]
    assert set(both) == {"06:00", "14:00"}
    dated = model.sample(40, conditions={"month": TextRange("2024-01-15..2024-03-01")}, random_state=0)
    assert set(dated["month"]) <= {"2024-02-01", "2024-03-01"}
    with pytest.raises(ConditionError, match=r"'shift' never takes a value in '07:00..08:00'; seen values"):
        model.sample(5, conditions={"shift": TextRange("07:00..08:00")})


def test_a_category_column_of_numbers_takes_a_range_and_is_written_whole(tmp_path):
    """Limits of 500, 1000 and 5000 with blanks, declared categorical: `-c limit=1000..6000` was refused as a
    value the column never takes, and the CSV wrote "5000.0" where the real file writes "5000"."""
    from synthloom.models.conditions import TextRange
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    limits = np.where(rng.random(300) < 0.1, np.nan, rng.choice([500, 1000, 5000], 300))
    real = pd.DataFrame({"limit": limits, "x": rng.normal(size=300)})
    kinds = {"columns": {"limit": {"kind": "categorical"}}}
    model = get_model("copula", random_state=0).fit(real, metadata=kinds)
    for asked in ((1000, 6000), TextRange("1000..6000"), TextRange("..600")):
        low, high = (float(end) if str(end) else -np.inf for end in asked)
        assert model.sample(30, conditions={"limit": asked}, random_state=0)["limit"].between(low, high).all()
    assert set(model.sample(30, conditions={"limit": 5000}, random_state=0)["limit"]) == {5000.0}
    with pytest.raises(ConditionError, match=r"'limit' never takes a value in '2000..3000'; seen values"):
        model.sample(5, conditions={"limit": TextRange("2000..3000")})
    # one value shows the levels as the file writes them too (it showed 5000.0, 1000.0, 500.0, None)
    with pytest.raises(ConditionError, match=r"seen values include (\d+, ){3}\(missing\)$"):
        model.sample(5, conditions={"limit": "7"})
    written = sample_to_file(model, 200, tmp_path / "fake.csv", seed=0).read_text().splitlines()
    values = {line.split(",")[0] for line in written[1:]}
    assert values == {"", "500", "1000", "5000"}


@pytest.mark.parametrize("dtype", ["boolean", "string"])
def test_a_nullable_column_with_missing_values_is_met_by_rejection(dtype):
    # the condition on "k" goes to the model; the one on "flag" is checked on drawn rows, whose <NA>
    # cells once made the mask unusable (pandas: "Cannot mask with non-boolean array containing NA")
    rng = np.random.default_rng(0)
    flag = pd.Series(rng.random(200) > 0.5).astype(dtype)
    flag[::7] = pd.NA
    real = pd.DataFrame({"k": rng.choice(["a", "b"], 200), "flag": flag, "x": rng.normal(size=200)})
    model = get_model("copula", random_state=0).fit(real)
    wanted = flag.dropna().iloc[0]
    rows = model.sample(20, conditions={"k": "a", "flag": wanted}, random_state=0)
    assert rows["k"].eq("a").all() and rows["flag"].eq(wanted).all()
    assert rows["flag"].dtype == real["flag"].dtype
    per_row = pd.DataFrame({"k": ["a", None, "b"], "flag": [wanted, wanted, None]})
    rows = model.sample(3, conditions=per_row, random_state=0)
    assert rows["flag"].iloc[:2].eq(wanted).all() and rows["k"].iloc[[0, 2]].tolist() == ["a", "b"]


def test_blank_cells_of_conditions_copied_from_real_rows_say_they_ask_for_nothing():
    """Conditions copied from real rows with a missing workclass gave rows with a workclass, silently."""
    rng = np.random.default_rng(0)
    work = rng.choice(["gov", "private"], 300).astype(object)
    work[::10] = None
    real = pd.DataFrame({"work": work, "sex": rng.choice(["F", "M"], 300), "x": rng.normal(size=300)})
    model = get_model("copula", random_state=0).fit(real)
    copied = real.iloc[:20][["work", "sex"]]
    with pytest.warns(
        DataWarning,
        match=r"the 2 blank cell\(s\) of 'work' set no condition .*"
        r"conditions=\{'work': None\}",
    ) as said:
        rows = model.sample(conditions=copied, random_state=0)
    assert said[0].filename == __file__
    assert rows["sex"].tolist() == copied["sex"].tolist()
    assert model.sample(5, conditions={"work": None}, random_state=0)["work"].isna().all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a blank of a column without missing values can only mean nothing
        model.sample(conditions=pd.DataFrame({"sex": ["F", None, "M"]}), random_state=0)


def test_a_constant_column_meets_a_condition_on_its_own_value_and_refuses_another():
    # conditions copied from real rows ask a constant column for its value: every row meets it, where
    # it once was refused as "constant or an identifier" with advice to declare it categorical
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "k": rng.choice(["a", "b"], 60),
            "source": "web",
            "rate": 5,
            "day": pd.Timestamp("2024-03-01"),
            "empty": np.nan,
            "x": rng.normal(size=60),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    asked = {"k": "a", "source": "web", "rate": "5", "day": "2024-03", "empty": None}
    rows = model.sample(5, conditions=asked, random_state=0)
    assert rows["k"].eq("a").all() and rows["source"].eq("web").all() and rows["rate"].eq(5).all()
    per_row = real[["k", "source", "rate", "day", "empty"]].iloc[:4]
    assert model.sample(4, conditions=per_row, random_state=0)["k"].tolist() == per_row["k"].tolist()
    assert model.sample(3, conditions={"rate": (4, 6)}, random_state=0)["rate"].eq(5).all()
    with pytest.raises(ConditionError, match="column 'source' is 'web' in every real row"):
        model.sample(5, conditions={"source": "shop"})
    with pytest.raises(ConditionError, match="column 'day' is"):
        model.sample(5, conditions={"day": "2024-04-01"})


def test_a_constant_column_of_python_times_or_decimals_meets_a_condition_on_its_own_value():
    # a constant time of day was read as today's (never the real rows' day), and a constant Decimal's text
    # "12.50" was compared as text, so conditions copied from real rows were refused
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "start": [datetime.time(9, 30)] * 60,
            "fee": [decimal.Decimal("12.50")] * 60,
            "x": rng.normal(size=60),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    for asked in ("09:30", "09:30:00", datetime.time(9, 30), ("09:00", "10:00")):
        assert (
            model.sample(3, conditions={"start": asked}, random_state=0)["start"].eq(real["start"][0]).all()
        )
    for asked in ("12.5", "12.500", decimal.Decimal("12.5"), (12, 13)):
        assert model.sample(3, conditions={"fee": asked}, random_state=0)["fee"].eq(real["fee"][0]).all()
    assert len(model.sample(4, conditions=real[["start", "fee"]].iloc[:4], random_state=0)) == 4
    with pytest.raises(ConditionError, match="column 'start' is '09:30:00' in every real row"):
        model.sample(3, conditions={"start": "10:00"})
    with pytest.raises(ConditionError, match=r"column 'fee' is '12\.50' in every real row"):
        model.sample(3, conditions={"fee": "13"})


def test_a_category_column_of_decimals_takes_its_levels_as_numbers_and_writes_them_as_decimals():
    # its levels are kept as text ("50.00"): a Decimal or a number asking for one was refused, and a rare
    # level (in the shared "other" slot) was written into the rows as that text, not as a Decimal
    from synthloom.data.metadata import Metadata
    from synthloom.data.transformer import TableTransformer
    from synthloom.models.conditions import parse_conditions

    rng = np.random.default_rng(0)
    fees = rng.choice(["10.00", "20.00", "50.00", "70.00"], 400, p=[0.5, 0.3, 0.1, 0.1])
    real = pd.DataFrame({"fee": [decimal.Decimal(fee) for fee in fees], "x": rng.normal(size=400)})
    meta = {"columns": {"fee": {"kind": "categorical"}}}
    model = get_model("copula", random_state=0).fit(real, metadata=meta)
    for asked in (decimal.Decimal("50.00"), decimal.Decimal("50"), 50, "50.0"):
        fees = model.sample(3, conditions={"fee": asked}, random_state=0)["fee"]
        assert fees.tolist() == [decimal.Decimal("50.00")] * 3
    with pytest.raises(ConditionError, match="never takes the value Decimal"):
        model.sample(3, conditions={"fee": decimal.Decimal("30")})
    transformer = TableTransformer(max_categories=2).fit(real, Metadata.from_dict(meta))
    for asked in (decimal.Decimal("70"), "70.00"):
        [rare] = parse_conditions(transformer, {"fee": asked})
        written = rare.write_level(real.head(2))["fee"].tolist()
        assert written == [decimal.Decimal("70.00")] * 2 and all(
            isinstance(fee, decimal.Decimal) for fee in written
        )


def test_a_refused_condition_on_times_of_day_names_times_not_instants_of_1900():
    # a time-of-day column's values are instants of 1 January 1900 inside; the message showed them so
    # ("1900-01-01 06:00:00"), a date the user's column never had
    rng = np.random.default_rng(0)
    starts = rng.choice([datetime.time(6), datetime.time(14), datetime.time(22)], 120)
    real = pd.DataFrame({"start": starts, "x": rng.normal(size=120)})
    model = get_model("copula", random_state=0).fit(real)
    with pytest.raises(ConditionError) as refused:
        model.sample(3, conditions={"start": "10:00"})
    assert "(06:00:00, 14:00:00, 22:00:00), none in [10:00:00, " in str(refused.value)
    with pytest.raises(ConditionError, match=r"real data's range \[06:00:00, 22:00:00\]"):
        model.sample(3, conditions={"start": "23:00"})


def test_python_times_declared_datetime_are_times_of_day_to_conditions():
    # declared {"kind": "datetime"} without a format, a column of times was learned as times but conditions
    # ("06:00..08:00") and a constant column's own value were not read as times of day
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "start": [datetime.time(int(h), 15) for h in rng.integers(4, 12, 120)],
            "opens": [datetime.time(9, 30)] * 120,
            "x": rng.normal(size=120),
        }
    )
    declared = {"columns": {"start": {"kind": "datetime"}, "opens": {"kind": "datetime"}}}
    model = get_model("copula", random_state=0).fit(real, metadata=declared)
    assert model.metadata_.columns["start"].datetime_format == "%H:%M:%S"
    early = model.sample(10, conditions={"start": ("06:00", "08:00")}, random_state=0)["start"]
    assert early.map(lambda time: datetime.time(6) <= time <= datetime.time(8)).all()
    assert (
        model.sample(3, conditions={"opens": "09:30"}, random_state=0)["opens"].eq(datetime.time(9, 30)).all()
    )


def test_a_range_of_times_of_day_may_run_past_midnight():
    """`-c shift=22:00..05:00` (a night shift) was refused as low > high, with the 1900-01-01 date times of
    day are read on inside; on other columns low > high is still refused, naming the range as given."""
    from synthloom.models.conditions import TextRange

    rng = np.random.default_rng(0)
    clock = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 86_400, 400), unit="s")
    real = pd.DataFrame(
        {
            "shift": rng.choice(["06:00", "14:00", "22:00"], 400),  # a category of times
            "at": clock.strftime("%H:%M:%S"),  # learned as times of day
            "start": [datetime.time(int(h)) for h in rng.integers(0, 24, 400)],  # Python times
            "x": rng.normal(size=400),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    night = model.sample(30, conditions={"shift": TextRange("13:00..05:00")}, random_state=0)["shift"]
    assert set(night) == {"14:00", "22:00"}
    late = model.sample(30, conditions={"at": TextRange("22:00..05:00")}, random_state=0)["at"]
    assert late.map(lambda t: t >= "22:00" or t <= "05:00:59").all()
    assert late.map(lambda t: t < "12:00").any() and late.map(lambda t: t >= "12:00").any()
    early = model.sample(20, conditions={"start": ("23:00", "01:00")}, random_state=0)["start"]
    assert early.map(lambda t: t >= datetime.time(23) or t <= datetime.time(1, 0, 59)).all()
    with pytest.raises(ConditionError, match=r"'x' has low > high: '5\.\.1'$"):
        model.sample(5, conditions={"x": TextRange("5..1")})
    dated = get_model("copula", random_state=0).fit(
        pd.DataFrame({"day": pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d")})
    )
    with pytest.raises(ConditionError, match=r"has low > high: '2024-02-01\.\.2024-01-01'$"):
        dated.sample(5, conditions={"day": ("2024-02-01", "2024-01-01")})


def test_a_month_or_a_year_names_its_dates_on_a_category_column_of_dates():
    """`-c month=2024-02` on months "2024-01-01", "2024-02-01"... declared categorical was refused as a
    value the column never takes, where the column learned as dates took it as February."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "month": rng.choice(["2024-01-01", "2024-02-01", "2024-03-01", "2025-01-01"], 300),
            "x": rng.normal(size=300),
        }
    )
    model = get_model("copula", random_state=0).fit(
        real, metadata={"columns": {"month": {"kind": "categorical"}}}
    )
    assert set(model.sample(20, conditions={"month": "2024-02"}, random_state=0)["month"]) == {"2024-02-01"}
    year = model.sample(60, conditions={"month": "2024"}, random_state=0)["month"]
    assert set(year) == {"2024-01-01", "2024-02-01", "2024-03-01"}
    with pytest.raises(ConditionError, match=r"'month' never takes the value '2024-06'; seen values"):
        model.sample(5, conditions={"month": "2024-06"})
    with pytest.raises(ConditionError, match=r"'month' never takes the value 'soon'; seen values"):
        model.sample(5, conditions={"month": "soon"})


def test_conditions_are_a_dict_or_a_data_frame_whose_rows_are_the_row_count():
    """SDV's habits: ``sample(5, conditions=[{"k": "a"}])`` failed with "dictionary update sequence element
    #0 has length 1; 2 is required", and ``sample(conditions=frame)`` asked for ``n``, which can only be the
    frame's row count."""
    from synthloom.errors import ConfigError

    rng = np.random.default_rng(0)
    model = get_model("copula", random_state=0).fit(
        pd.DataFrame({"k": rng.choice(["a", "b"], 300), "x": rng.normal(size=300)})
    )
    per_row = pd.DataFrame({"k": ["b", "a", "b"]})
    rows = model.sample(conditions=per_row, random_state=1)
    assert rows["k"].tolist() == ["b", "a", "b"]
    pd.testing.assert_frame_equal(rows, model.sample(3, conditions=per_row, random_state=1))
    with pytest.raises(ConfigError, match=r"^conditions is a dict \(e\.g\. \{'sex': 'F'\}.* not list$"):
        model.sample(5, conditions=[{"k": "a"}])
    with pytest.raises(ConfigError, match=r"^give n, the number of rows to draw"):
        model.sample(conditions={"k": "a"})


def test_a_column_of_per_row_conditions_may_mix_ranges_and_single_values():
    """``pd.DataFrame({"x": [(1.0, 2.0), 0.5]})`` failed inside pandas' hashing ("setting an array element
    with a sequence"), a traceback."""
    rng = np.random.default_rng(0)
    model = get_model("copula", random_state=0).fit(
        pd.DataFrame({"k": rng.choice(["a", "b"], 300), "x": rng.normal(size=300).round(2)})
    )
    rows = model.sample(conditions=pd.DataFrame({"x": [(1.0, 2.0), 0.5, None]}), random_state=0)
    assert 1.0 <= rows["x"][0] <= 2.0 and rows["x"][1] == 0.5 and len(rows) == 3


def test_sdv_method_names_are_answered_with_the_way_to_do_their_work():
    """``model.sample_from_conditions(...)`` and ``model.get_loss_values()`` met Python's bare "object has no
    attribute"; the answer's advice is followed here: a DataFrame of known values, a number cell's range."""
    rng = np.random.default_rng(0)
    model = get_model("copula", random_state=0).fit(
        pd.DataFrame({"k": rng.choice(["a", "b"], 300), "x": rng.normal(size=300)})
    )
    answer = r"'sample_remaining_columns' \(SDV's name\): .*sample\(conditions="
    with pytest.raises(AttributeError, match=answer):
        model.sample_remaining_columns(pd.DataFrame({"k": ["a"]}))
    with pytest.raises(AttributeError, match=r"\(SDV's name\): .*loss_history_"):
        model.get_loss_values()
    with pytest.raises(AttributeError, match=r"^'GaussianCopula' object has no attribute 'nosuch'$"):
        model.nosuch  # noqa: B018
    assert not hasattr(model, "get_metadata")
    known = pd.DataFrame({"k": ["b", "a"], "x": [(1.0, 2.0), (-2.0, -1.0)]})
    rows = model.sample(conditions=known, random_state=0)
    assert rows["k"].tolist() == ["b", "a"]
    assert 1.0 <= rows["x"][0] <= 2.0 and -2.0 <= rows["x"][1] <= -1.0


def test_an_unknown_value_differing_in_case_names_the_one_meant_and_a_missing_one_says_what_to_ask():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"sex": rng.choice(["Female", "Male"], 200), "x": rng.normal(size=200)})
    model = get_model("copula", random_state=0).fit(real)
    with pytest.raises(ConditionError, match=r"never takes the value 'female' \(did you mean 'Female'\?\)"):
        model.sample(5, conditions={"sex": "female"})
    with pytest.raises(ConditionError, match=r"never takes the value 'F'; seen values include"):
        model.sample(5, conditions={"sex": "F"})
    with pytest.raises(ConditionError, match=r"had no missing values in the real data; ask for one of its"):
        model.sample(5, conditions={"sex": None})


def test_conditions_a_rule_refuses_every_row_of_are_said_to_clash_with_the_rule():
    """age=20 under a rule "age >= 30" was told to "give a range around it" (the model draws rarely or never
    that exact value): it draws whole ages exactly, and the rule refused every one of them."""
    from synthloom.data.constraints import Predicate

    rng = np.random.default_rng(0)
    real = pd.DataFrame({"age": rng.integers(18, 80, 400), "income": rng.gamma(2, 20_000, 400).round()})
    over_30 = Predicate(lambda f: f["age"] >= 30, "over 30")
    with pytest.warns(DataWarning, match="broken by"):  # by the real rows under 30
        model = get_model("copula", random_state=0).fit(real, constraints=[over_30])
    for asked in (20, (18, 25)):
        with pytest.raises(
            ConditionError, match=r"[\d,]+ of them met the conditions, and rule 'over 30'"
        ) as refused:
            model.sample(5, conditions={"age": asked})
        assert "range around it" not in str(refused.value)
    assert model.sample(5, conditions={"age": (25, 31)}, random_state=0)["age"].between(30, 31).all()


def test_a_stamp_to_the_second_is_told_to_be_given_as_a_range():
    """A Timestamp with seconds (10:00:17, even one a real row holds) failed with "relax the conditions"
    only: the hint to give a range was for numbers alone."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2024-01-01", tz="Europe/Berlin")
    real = pd.DataFrame(
        {
            "amount": rng.normal(100, 20, 500).round(2),
            "ts": start + pd.to_timedelta(rng.integers(0, 86400 * 60, 500), unit="s"),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    said = r"the range on ts spans under a minute, asking for about one instant, .* \(ts=LOW..HIGH\)"
    with pytest.raises(ConditionError, match=said):
        model.sample(1, conditions={"ts": real["ts"].iloc[0]}, random_state=0)
    asked = (real["ts"].iloc[0] - pd.Timedelta(minutes=30), real["ts"].iloc[0] + pd.Timedelta(minutes=30))
    assert model.sample(3, conditions={"ts": asked}, random_state=0)["ts"].between(*asked).all()


def test_rows_drawn_for_a_dataframe_of_conditions_keep_its_index():
    """The rows came back numbered 0, 1, ...: they could not be joined back to the condition rows."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"c": rng.choice(["a", "b"], 300), "x": rng.normal(size=300)})
    model = get_model("copula", random_state=0).fit(real)
    asked = pd.DataFrame({"c": ["b", "a", "b"]}, index=pd.Index([10, 20, 30], name="order_id"))
    fake = model.sample(conditions=asked, random_state=0)
    pd.testing.assert_index_equal(fake.index, asked.index)
    assert asked.join(fake, rsuffix="_drawn").eval("c == c_drawn").all()
