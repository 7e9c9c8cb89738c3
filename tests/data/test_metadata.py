import datetime
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model
from synthloom.data.constraints import Inequality
from synthloom.data.metadata import NEARLY_UNIQUE_SHARE, ColumnKind, ColumnSpec, Metadata
from synthloom.data.number_text import NumberFormat
from synthloom.errors import ConfigError, DataError, DataWarning


def test_infers_each_kind(mixed_frame):
    kinds = Metadata.infer(mixed_frame).kinds()
    assert kinds["customer_id"] == "identifier"
    assert kinds["bimodal"] == "continuous"
    assert kinds["amount"] == "continuous"
    assert kinds["visits"] == "integer"
    assert kinds["city"] == "categorical"
    assert kinds["vip"] == "boolean"
    assert kinds["opened"] == "datetime"


def test_text_dates_and_numbers_with_stray_strings():
    frame = pd.DataFrame(
        {
            "when": [f"2021-03-{d:02d}" for d in range(1, 29)],
            "price": [str(v) for v in range(27)] + ["n/a"],
            "zero_one": [0, 1] * 14,
        }
    )
    meta = Metadata.infer(frame)
    assert meta.columns["when"].kind == ColumnKind.DATETIME
    assert meta.columns["when"].datetime_format == "%Y-%m-%d"
    assert meta.columns["price"].kind == ColumnKind.INTEGER and meta.columns["price"].numeric_coerced
    assert meta.columns["zero_one"].kind == ColumnKind.BOOLEAN


def test_override_and_json_round_trip(tmp_path, mixed_frame):
    meta = Metadata.infer(mixed_frame).set_kind("visits", "categorical")
    meta.save(tmp_path / "meta.json")
    again = Metadata.load(tmp_path / "meta.json")
    assert again.kinds() == meta.kinds()
    assert again.kinds()["visits"] == "categorical"


def test_bad_overrides_are_refused(mixed_frame):
    meta = Metadata.infer(mixed_frame)
    with pytest.raises(ConfigError, match="nope"):
        meta.set_kind("nope", "categorical")
    with pytest.raises(ConfigError, match="unknown column kind"):
        meta.set_kind("city", "colour")
    with pytest.raises(
        ConfigError,
        match=r"column 'city' has an unknown kind 'cat'; did you mean .categorical.\? the kinds",
    ):
        Metadata.from_dict({"columns": {"city": {"kind": "cat"}}})


def test_duplicate_column_names_refused():
    frame = pd.DataFrame(np.zeros((3, 2)), columns=["a", "a"])
    with pytest.raises(DataError, match="duplicate column"):
        Metadata.infer(frame)


STAMPS = pd.date_range("2020-01-01 00:37", periods=60, freq="17h")  # days past 12: day-first is visible


@pytest.mark.parametrize(
    "fmt",
    [
        "%Y-%m-%dT%H:%M:%SZ",  # ISO 8601 in UTC
        "%Y-%m-%dT%H:%M:%S.%f",  # fractional seconds
        "%Y-%m-%d %H:%M:%S.%f",
        "%Y-%m-%dT%H:%M:%S.%fZ",
        "%Y-%m-%d %H:%M:%S+00:00",  # UTC throughout: kept as written, colon and all (others: %z)
        "%d/%m/%Y %H:%M",
        "%m/%d/%Y %H:%M:%S",
    ],
)
def test_timestamp_text_formats_are_inferred_as_datetimes(fmt):
    meta = Metadata.infer(pd.DataFrame({"when": STAMPS.strftime(fmt)}))
    assert meta.columns["when"].kind == ColumnKind.DATETIME
    assert meta.columns["when"].datetime_format == fmt


def test_slash_dates_are_day_first_unless_a_second_field_is_over_12():
    days = pd.date_range("2020-01-01 08:15", periods=12, freq="D")  # day and month both <= 12
    for fmt in ("%d/%m/%Y", "%d/%m/%Y %H:%M"):
        ambiguous = list(days.strftime(fmt))
        assert Metadata.infer(pd.DataFrame({"when": ambiguous})).columns["when"].datetime_format == fmt
        month_first = [*ambiguous, pd.Timestamp("2020-01-13 08:15").strftime(fmt.replace("%d/%m", "%m/%d"))]
        inferred = Metadata.infer(pd.DataFrame({"when": month_first})).columns["when"].datetime_format
        assert inferred == fmt.replace("%d/%m", "%m/%d")


def _stamps_with_strays(strays: int, n: int = 1000) -> pd.Series:
    """``n`` minute stamps written ISO, the first ``strays`` of them day first: a merged extract, sorted by
    source."""
    stamps = pd.Series(pd.date_range("2024-01-01 08:00", periods=n, freq="127min"))
    text = stamps.dt.strftime("%Y-%m-%d %H:%M")
    text[:strays] = stamps[:strays].dt.strftime("%d/%m/%Y %H:%M")
    return text


def test_a_few_stamps_in_another_form_leave_a_column_datetimes_in_the_form_most_use():
    """57 day-first discharges among 4,841 ISO ones, first in the file: the column was learned as categories
    (every synthetic stamp a real patient's); declared datetime, it was read in the strays' form."""
    mixed = pd.DataFrame({"at": _stamps_with_strays(15)})
    declared = Metadata.from_dict({"columns": {"at": {"kind": "datetime"}}})
    for metadata in (Metadata.infer(mixed), declared.completed(mixed)):
        spec = metadata.columns["at"]
        assert (spec.kind, spec.datetime_format) == (ColumnKind.DATETIME, "%Y-%m-%d %H:%M")
    # declared, the form most values take however many strays; inferred, more than a few are no one form
    many = pd.DataFrame({"at": _stamps_with_strays(300)})
    assert declared.completed(many).columns["at"].datetime_format == "%Y-%m-%d %H:%M"
    assert Metadata.infer(many).kinds() == {"at": "categorical"}  # real stamps (drawn by shape: no dates)
    # text that merely holds some dates stays text
    notes = mixed["at"].where(np.arange(len(mixed)) % 3 == 0, "called back")
    assert Metadata.infer(pd.DataFrame({"note": notes})).kinds() == {"note": "categorical"}


def test_iso_dates_beside_as_many_iso_stamps_with_a_time_keep_the_times():
    """Half "2024-01-12", half "2023-11-08T21:30:10": the dates' format read both (ISO stamps are read in
    any spelling) and wrote every synthetic stamp without its time of day."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 10**6, 200), unit="min")
    days = stamps.strftime("%Y-%m-%d")
    text = np.where(np.arange(200) % 2 == 0, stamps.strftime("%Y-%m-%dT%H:%M:%S"), days)
    frame = pd.DataFrame({"at": text, "x": rng.normal(size=200)})
    assert Metadata.infer(frame).columns["at"].datetime_format == "%Y-%m-%dT%H:%M:%S"
    fake = get_model("copula", random_state=0).fit(frame).sample(200, random_state=0)["at"]
    times = pd.to_datetime(fake, format="%Y-%m-%dT%H:%M:%S")
    assert 0.3 < (times.dt.hour != 0).mean() < 0.7  # midnight for the half that were dates, as real
    # a few stamps with a time among dates are strays of the dates' form
    few = pd.DataFrame({"at": np.where(np.arange(200) < 5, text, days)})
    assert Metadata.infer(few).columns["at"].datetime_format == "%Y-%m-%d"


def test_a_datetime_kind_declared_without_a_format_keeps_the_inferred_one():
    """Declared {"kind": "datetime"}, "2024-06-16 11:38" was read by pandas' guess and came back with
    seconds ("2024-06-16 11:38:00")."""
    frame = pd.DataFrame(
        {"at": _stamps_with_strays(0, n=300), "day": [f"05/{d % 28 + 1:02d}/2024" for d in range(300)]}
    )
    declared = Metadata.from_dict({"columns": {"at": {"kind": "datetime"}, "day": {"kind": "datetime"}}})
    formats = {name: spec.datetime_format for name, spec in declared.completed(frame).columns.items()}
    assert formats == {"at": "%Y-%m-%d %H:%M", "day": "%m/%d/%Y"}


def test_offsets_that_change_are_read_as_offsets():
    # a zone's winter and summer time; the change comes after the first 200 values
    stamps = pd.date_range("2020-02-01", "2020-04-30", freq="6h", tz="Europe/Paris")
    assert stamps[:200].strftime("%z").nunique() == 1
    meta = Metadata.infer(pd.DataFrame({"when": stamps.strftime("%Y-%m-%dT%H:%M:%S%z")}))
    assert meta.columns["when"].kind == ColumnKind.DATETIME
    assert meta.columns["when"].datetime_format == "%Y-%m-%dT%H:%M:%S%z"


def test_complex_numbers_are_refused_naming_the_column():
    import warnings

    from synthloom.data.transformer import TableTransformer
    from synthloom.errors import DataError

    frame = pd.DataFrame({"z": np.arange(30) * (1 + 2j), "x": np.arange(30.0)})
    with pytest.raises(DataError, match="column 'z' holds complex numbers; split it"):
        Metadata.infer(frame)
    declared = Metadata.from_dict({"columns": {"z": {"kind": "continuous"}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not numpy's ComplexWarning and a silent loss
        with pytest.raises(DataError, match="column 'z' holds complex numbers"):
            TableTransformer().fit(frame, declared)


def test_codes_with_leading_zeros_stay_text_from_a_csv_to_the_samples(tmp_path):
    from synthloom import get_model
    from synthloom.data.io import read_table

    codes = ["02134", "02139", "10001", "00501"] * 50
    pd.DataFrame({"zip": codes, "amount": range(200), "ratio": [0.5] * 200}).to_csv(
        tmp_path / "z.csv", index=False
    )
    frame = read_table(tmp_path / "z.csv")
    assert frame["zip"].tolist() == codes  # pandas alone reads 2134, 501
    assert frame["amount"].dtype == np.int64 and frame["ratio"].dtype == np.float64  # numbers stay numbers
    assert Metadata.infer(frame).kinds()["zip"] == "categorical"
    fake = get_model("copula", random_state=0).fit(frame).sample(50)
    assert set(fake["zip"]) <= set(codes)
    # declared a number, the codes lose their zeros: said (it came back 2134 without a word)
    declared = Metadata.infer(frame)
    declared.set_kind("zip", ColumnKind.INTEGER)
    with pytest.warns(
        DataWarning, match=r"column 'zip': 150 value\(s\) are written with leading zeros \('02134'\)"
    ):
        get_model("copula", random_state=0).fit(frame, metadata=declared)
    texts = frame.assign(ratio=frame["ratio"].astype(str), amount=frame["amount"].astype(str))  # "0.5", "0"
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        get_model("copula", random_state=0).fit(texts.drop(columns="zip"))
    assert not [warning for warning in said if "leading zeros" in str(warning.message)]


def test_csv_parts_agree_on_which_columns_are_codes(tmp_path):
    from synthloom.data.io import read_table

    (tmp_path / "parts").mkdir()
    pd.DataFrame({"zip": ["02134", "12345"], "n": [1, 2]}).to_csv(
        tmp_path / "parts" / "part-00000.csv", index=False
    )
    pd.DataFrame({"zip": ["54321", "12345"], "n": [3, 4]}).to_csv(
        tmp_path / "parts" / "part-00001.csv", index=False
    )
    frame = read_table(tmp_path / "parts")
    assert frame["zip"].tolist() == ["02134", "12345", "54321", "12345"]  # text in every part, not 54321
    assert frame["n"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize("mark", ["?", "-", "unknown"])
def test_numbers_with_a_missing_value_mark_stay_numbers_at_any_share_of_marks(mark):
    rng = np.random.default_rng(0)
    values = rng.normal(50, 10, 500).round(2).astype(object)
    values[rng.random(500) < 0.4] = mark  # was categorical past 10%: every synthetic value a real one
    meta = Metadata.infer(pd.DataFrame({"v": values}))
    assert meta.columns["v"].kind == "continuous" and meta.columns["v"].numeric_coerced
    grades = pd.DataFrame({"grade": rng.choice(["A", "B", "C", "-"], 500)})
    assert Metadata.infer(grades).columns["grade"].kind == "categorical"  # no numbers: marks change nothing


def test_a_code_with_a_leading_zero_far_down_a_csv_keeps_the_column_text(tmp_path):
    from synthloom.data.io import read_table

    rng = np.random.default_rng(0)
    codes = [str(code) for code in rng.integers(10_000, 99_999, 20_000)]
    codes[12_000] = "02134"  # past the first 10,000 rows, which were all that was looked at
    path = tmp_path / "codes.csv"
    pd.DataFrame({"code": codes, "x": rng.normal(size=20_000)}).to_csv(path, index=False)
    read = read_table(path)
    assert read["code"].tolist() == codes and pd.api.types.is_float_dtype(read["x"])


def test_dates_with_month_names_and_times_of_day_are_datetimes():
    """ "Mar 05, 2020" was unique text drawn by shape ("Kfl 46, 2020"); "14:19:28" came out "97:57:75"."""
    stamps = pd.Timestamp("2020-01-01") + pd.to_timedelta(
        np.arange(0, 300 * 86_400 * 3, 86_400 * 3 + 61), unit="s"
    )
    frame = pd.DataFrame(
        {
            "visit": stamps.strftime("%b %d, %Y"),
            "born": stamps.strftime("%d %B %Y"),
            "at": stamps.strftime("%H:%M:%S"),
        }
    )
    formats = {name: spec.datetime_format for name, spec in Metadata.infer(frame).columns.items()}
    assert formats == {"visit": "%b %d, %Y", "born": "%d %B %Y", "at": "%H:%M:%S"}


@pytest.mark.parametrize(
    "fmt",
    [
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%Y/%m/%d %H:%M",
        "%b %d, %Y %H:%M",
        "%b %d %Y %I:%M %p",
        "%a, %d %b %Y %H:%M:%S GMT",
        "%d/%m/%y",
        "%m/%d/%y",
        "%d-%b-%Y",
        "%d-%b-%y",
    ],
)
def test_stamps_in_common_export_forms_are_datetimes_written_back_in_their_form(fmt):
    """ "03/15/2020 01:23:00 AM", "2020/03/15 01:23" or "Sun, 15 Mar 2020 01:23:00 GMT" were unique text,
    drawn character by character: "61/10/2080 29:23:00 DM", with no warning; "08/11/23" and "08-Nov-2023"
    (with repeats) were categories, each synthetic date a real one, with no warning either."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.choice(10**6, 200, replace=False), unit="min")
    frame = pd.DataFrame({"created": stamps.strftime(fmt), "x": rng.normal(size=200)})
    assert Metadata.infer(frame).columns["created"].datetime_format == fmt
    fake = get_model("copula", random_state=0).fit(frame).sample(100, random_state=0)
    parsed = pd.to_datetime(fake["created"], format=fmt, errors="coerce")
    assert parsed.notna().all() and parsed.between(stamps.min(), stamps.max()).all()
    assert (parsed.dt.strftime(fmt) == fake["created"]).all()  # the weekday too


def test_two_digit_years_no_one_century_holds_are_not_read_as_dates():
    """Birth dates of 1950 - 2004 written "08/11/55" were read as 1969 - 2068 (Python's century pivot): a
    condition on 1955 was outside the data, and draws fell in 2012 - 2042, years no row holds."""
    rng = np.random.default_rng(0)
    born = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 55 * 365, 300), unit="D")
    frame = pd.DataFrame({"born": born.strftime("%d/%m/%y"), "x": rng.normal(size=300)})
    assert Metadata.infer(frame).columns["born"].kind == ColumnKind.CATEGORICAL
    said = r"'born' holds dates with two-digit years .* more than 50 years apart"
    with pytest.warns(DataWarning, match=said):
        get_model("copula", random_state=0).fit(frame)
    later = pd.DataFrame({"at": born[born.year >= 1975].strftime("%d/%m/%y")})  # 1975 - 2004: one century
    assert Metadata.infer(later).columns["at"].datetime_format == "%d/%m/%y"


def test_stamps_with_a_zone_name_are_dates_written_back_with_it():
    """ "2024-01-05 13:12:00 PST" was learned as text, unique, so drawn digit by digit: "2024-02-34 22:33:55
    PST". The zone's name is now a literal of the format, and dotted day-first dates are read too."""
    stamps = pd.Timestamp("2019-01-01") + pd.to_timedelta(np.arange(60) * 997, unit="min")
    frame = pd.DataFrame({"at": stamps.strftime("%Y-%m-%d %H:%M:%S PST"), "day": stamps.strftime("%d.%m.%Y")})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        meta = Metadata.infer(frame)
    assert meta.columns["at"].datetime_format == "%Y-%m-%d %H:%M:%S PST"
    assert meta.columns["day"].datetime_format == "%d.%m.%Y"
    fake = get_model("copula", random_state=0).fit(frame).sample(200, random_state=0)
    parsed = pd.to_datetime(fake["at"], format="%Y-%m-%d %H:%M:%S PST", errors="coerce")
    assert parsed.notna().all() and parsed.between(stamps.min(), stamps.max()).all()
    # a zone's name that changes (summer time) is no literal; AM / PM are no zone
    mixed = np.where(np.arange(60) < 30, " PST", " PDT")
    assert Metadata.infer(pd.DataFrame({"at": stamps.strftime("%Y-%m-%d %H:%M") + mixed})).columns[
        "at"
    ].kind != (ColumnKind.DATETIME)
    assert Metadata.infer(pd.DataFrame({"at": stamps.strftime("%m/%d/%Y %I:%M %p")})).columns[
        "at"
    ].datetime_format == ("%m/%d/%Y %I:%M %p")


def test_unique_dates_in_several_forms_are_dates_or_real_ones_never_drawn_digit_by_digit():
    """Stamps half "%m/%d/%Y %H:%M", half ISO were learned as ids, drawn character by character: "02/84/2024
    66:79", 97% of them no date. They are now dates in the form ISO stamps are read beside; with a
    sixth in a form read beside no other, categories (each a real stamp), with a warning that names the
    forms and how to have them learned as dates."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.choice(10**6, 300, replace=False), unit="min")
    iso = rng.random(300) < 0.5
    halves = pd.DataFrame(
        {"drawn_at": np.where(iso, stamps.strftime("%Y-%m-%d %H:%M:%S"), stamps.strftime("%m/%d/%Y %H:%M"))}
    )
    assert Metadata.infer(halves).columns["drawn_at"].datetime_format == "%m/%d/%Y %H:%M"
    fake = get_model("copula", random_state=0).fit(halves).sample(300, random_state=0)
    assert pd.to_datetime(fake["drawn_at"], format="%m/%d/%Y %H:%M", errors="coerce").notna().all()

    text = np.where(
        rng.random(300) < 0.85, stamps.strftime("%Y-%m-%d %H:%M:%S"), stamps.strftime("%d.%m.%Y %H:%M")
    )
    frame = pd.DataFrame({"drawn_at": text, "v": rng.normal(size=300)})
    assert Metadata.infer(frame).columns["drawn_at"].kind == ColumnKind.CATEGORICAL
    with pytest.warns(
        DataWarning,
        match=r"column 'drawn_at' holds dates in more than one form \(\d+% of those sampled as '%Y-%m-%d "
        r"%H:%M:%S'.*'\d\d\.\d\d\.20\d\d .*; to learn dates, write them in one form",
    ) as said:
        fake = get_model("copula", random_state=0).fit(frame).sample(300, random_state=0)
    assert said[0].filename == __file__  # the user's call, not a line of synthloom
    assert fake["drawn_at"].isin(text).all()


def test_repeated_dates_not_read_warn_that_they_are_categories():
    """A quarter of 400 dates written dd/mm/yyyy beside ISO ones, 337 distinct, and dates in a form
    synthloom does not list ("2024.01.05"), 36 distinct: learned as categories (each synthetic date a real
    one, no order to other columns) without a word, as only nearly unique columns were warned of. Three
    distinct dates (loans' issue months, "Mar-2018") serve as categories without a word."""
    rng = np.random.default_rng(0)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, 400), unit="D")
    text = np.where(np.arange(400) < 300, days.strftime("%Y-%m-%d"), days.strftime("%d/%m/%Y"))
    frame = pd.DataFrame({"d": text, "x": rng.normal(size=400)})
    assert frame["d"].nunique() < NEARLY_UNIQUE_SHARE * len(frame)
    with pytest.warns(DataWarning, match=r"^column 'd' holds dates in more than one form \(7\d% of those"):
        get_model("copula", random_state=0).fit(frame)
    months = pd.date_range("2022-01-05", periods=36, freq="MS").strftime("%Y.%m.%d")
    frame = pd.DataFrame({"d": rng.choice(months, 400), "x": rng.normal(size=400)})
    with pytest.warns(DataWarning, match=r"^column 'd' holds dates in a form synthloom does not read"):
        get_model("copula", random_state=0).fit(frame)
    frame["d"] = rng.choice(["Mar-2018", "Apr-2018", "May-2018"], 400)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        get_model("copula", random_state=0).fit(frame)


def test_dates_with_missing_value_marks_are_dates():
    dates = [f"2021-03-{d:02d}" for d in range(1, 29)] * 3
    dates[4] = dates[40] = "?"
    meta = Metadata.infer(pd.DataFrame({"when": dates}))
    assert meta.columns["when"].kind == ColumnKind.DATETIME  # was categorical: real dates copied


def test_the_mark_most_missing_values_are_written_with_is_learned_and_kept_in_the_metadata_file(tmp_path):
    rng = np.random.default_rng(0)
    ages = rng.integers(20, 80, 300).astype(object)
    ages[:30], ages[30:35] = "?", None  # "?" writes most missing values: UCI's files
    sparse = rng.normal(size=300).astype(object)
    sparse[:5], sparse[5:30] = "?", None  # most are empty: empty they stay
    meta = Metadata.infer(pd.DataFrame({"age": ages, "sparse": sparse, "n": rng.normal(size=300)}))
    assert [spec.missing_mark for spec in meta.columns.values()] == ["?", None, None]
    meta.save(tmp_path / "kinds.json")
    assert Metadata.load(tmp_path / "kinds.json").columns["age"].missing_mark == "?"
    declared = Metadata.from_dict({"columns": {"age": {"kind": "integer"}}}).completed(
        pd.DataFrame({"age": ages})
    )
    assert declared.columns["age"].missing_mark == "?"
    with pytest.raises(ConfigError, match=r"missing_mark 5 .* needs text"):
        Metadata.from_dict({"columns": {"age": {"kind": "integer", "missing_mark": 5}}})
    for number in ("0", "1e3"):  # missing ages would be written as real ones
        with pytest.raises(ConfigError, match=f"missing_mark '{number}' reads as a number"):
            Metadata.from_dict({"columns": {"age": {"kind": "integer", "missing_mark": number}}})
    with pytest.raises(ConfigError, match=r"missing_mark '\?' is given for a categorical column"):
        Metadata.from_dict({"columns": {"sex": {"kind": "categorical", "missing_mark": "?"}}})


def test_unique_text_with_empty_strings_is_an_identifier():
    """ "" for a missing address made the column categories (the empty strings repeat): every value copied."""
    addresses = pd.Series([f"user{i}@mail.org" for i in range(300)])
    addresses[5:9] = ""
    assert Metadata.infer(pd.DataFrame({"email": addresses})).kinds() == {"email": "identifier"}


def test_numpy_text_is_read_like_python_text():
    """Values taken from a numpy array (numpy.str_) crashed the date check: "Expected str, got numpy.str_"."""
    dates = pd.Series(list(np.array([f"2021-03-{d:02d}" for d in range(1, 29)] * 3)))
    assert Metadata.infer(pd.DataFrame({"when": dates})).kinds() == {"when": "datetime"}


def test_unique_values_are_ids_words_or_not():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "plate": [f"AB {n} AA{n % 7}" for n in rng.permutation(900)[:300] + 100],
            "customer": [f"Customer {n}" for n in rng.permutation(9000)[:300]],
            "note": [f"the {a} parcel came {b}" for a in "abcdefghijklmnopqrst" for b in "uvwxyzABCDEFGHI"],
        }
    )
    kinds = {name: spec.kind for name, spec in Metadata.infer(frame).columns.items()}
    # ids were "text", and unique notes (or names) still were: every synthetic value a real one
    assert kinds == {"plate": "identifier", "customer": "identifier", "note": "identifier"}


def test_numbers_with_a_decimal_comma_are_learned_as_numbers_in_their_form():
    """ "104,70" became a category of 374 levels, every synthetic value a real one; then it was said to stay
    text. Numbers written so (as spreadsheets in much of Europe write them) are numbers."""
    rng = np.random.default_rng(0)
    weights = pd.Series([f"{v:.2f}".replace(".", ",") for v in rng.normal(100, 20, 300)], name="weight")
    grouped = pd.Series(
        [f"{v:,.2f} €".translate(str.maketrans(".,", ",.")) for v in rng.uniform(0, 5000, 300)]
    )
    ratings = pd.Series(rng.choice(["3,5", "4", "4,5", "5"], 300))  # few levels: still numbers, as "3.5"
    frame = pd.DataFrame({"weight": weights, "amount": grouped, "rating": ratings})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        specs = Metadata.infer(frame).columns
    assert {name: (spec.kind, spec.number_format) for name, spec in specs.items()} == {
        "weight": (ColumnKind.CONTINUOUS, "0,00"),
        "amount": (ColumnKind.CONTINUOUS, "#.##0,00 €"),
        "rating": (ColumnKind.CONTINUOUS, "0,0"),  # "4" among "4,5" written "4,0", as "$5" among "$5.50"
    }
    # "1.234,56 €" read as 1234.56, and written back so
    number_format = NumberFormat.parse(specs["amount"].number_format)
    assert number_format.read(grouped).round(2).tolist() == [
        float(v.replace(".", "").replace(",", ".").removesuffix(" €")) for v in grouped
    ]
    assert number_format.write(np.array([1234.561, -7.0]), "amount").tolist() == ["1.234,56 €", "-7,00 €"]
    codes = pd.Series(rng.choice(["1,2", "3,4,5", "7", "8,9"], 300), name="codes")
    mixed = pd.Series(rng.choice(["1,5", "2.5", "3,25", "4.75"], 300), name="mixed")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        kinds = Metadata.infer(pd.DataFrame({"codes": codes, "mixed": mixed})).kinds()
    # lists of codes are no numbers; nor are numbers written both ways (which mark is the decimal one?)
    assert kinds == {"codes": "categorical", "mixed": "categorical"}


def test_a_declared_kind_the_values_cannot_have_is_refused_with_what_to_do():
    """A boolean declared on ages was learned as 71 categories; a wrong datetime_format said the column
    held "no datetime value" without naming the format."""
    # days written "01.01.2021": neither the declared format nor ISO 8601 (which is read whatever the format)
    days = pd.date_range("2021-01-01", periods=71).strftime("%d.%m.%Y")
    frame = pd.DataFrame({"age": np.arange(18, 89), "day": days})
    with pytest.raises(
        DataError, match=r"'age' is declared boolean but holds 71 values \(18, 19, 20, \.\.\.\)"
    ):
        get_model("copula").fit(frame, Metadata.from_dict({"columns": {"age": {"kind": "boolean"}}}))
    flags = pd.DataFrame({"ok": ["true", "False", "1", None, "?"] * 10, "x": np.arange(50)})  # "?": missing
    get_model("copula").fit(flags, Metadata.from_dict({"columns": {"ok": {"kind": "boolean"}}}))
    wrong = {"columns": {"day": {"kind": "datetime", "datetime_format": "%d/%m/%Y"}}}
    with pytest.raises(
        DataError,
        match=r"'day' holds no datetime written as '%d/%m/%Y' .*declare the datetime_format they take",
    ):
        get_model("copula").fit(frame, Metadata.from_dict(wrong))


def test_iso_stamps_to_the_minute_with_a_t_are_dates():
    """ "2024-03-04T10:20" (ISO 8601 without seconds) was unique text: an identifier drawn by shape."""
    stamps = pd.Series(pd.date_range("2024-03-04", periods=300, freq="10min").strftime("%Y-%m-%dT%H:%M"))
    for text, expected in ((stamps, "%Y-%m-%dT%H:%M"), (stamps + "+01:00", "%Y-%m-%dT%H:%M%z")):
        spec = Metadata.infer(pd.DataFrame({"at": text})).columns["at"]
        assert (spec.kind, spec.datetime_format) == (ColumnKind.DATETIME, expected)


def test_a_column_mixing_dates_and_datetimes_keeps_its_times():
    """One date among datetimes made the whole column dates: every time of day lost (a datetime is a date)."""
    import datetime

    for dates in (1, 3, 24):  # 2 - 5 dates made the column an identifier, more made it categories: fit failed
        stamps = [datetime.datetime(2024, 3, 4) + datetime.timedelta(hours=h) for h in range(240)]
        stamps[:dates] = [stamp.date() for stamp in stamps[:dates]]
        drawn = get_model("copula", random_state=0).fit(pd.DataFrame({"at": stamps})).sample(50)["at"]
        assert pd.to_datetime(drawn).dt.hour.nunique() > 5
    days = [datetime.date(2024, 3, day) for day in range(1, 29)] * 10 + [None]
    assert Metadata.infer(pd.DataFrame({"at": days})).kinds()["at"] == "datetime"


def test_dates_after_a_separator_space_are_dates():
    """A file split at ", " (UCI's) gives " 2024-01-05": the column was categories, each date a copied one."""
    days = pd.Series(pd.date_range("2024-01-01", periods=300).strftime(" %Y-%m-%d"))
    assert Metadata.infer(pd.DataFrame({"day": days})).kinds() == {"day": "datetime"}
    drawn = get_model("copula", random_state=0).fit(pd.DataFrame({"day": days})).sample(50)["day"]
    assert pd.to_datetime(drawn).between("2024-01-01", "2024-10-26").all() and drawn.nunique() > 30


def test_times_of_day_to_the_minute_are_times_and_scores_are_not():
    """ "09:30" was a category (or an identifier drawn by shape as "80:97") and could not be asked for as a
    range; "3:1" (a score) stays a category."""
    rng = np.random.default_rng(0)
    hours, minutes = rng.integers(6, 20, 300), rng.choice([0, 15, 30, 45], 300)
    goals = rng.integers(0, 5, 600)
    times = [f"{h:02d}:{m:02d}" for h, m in zip(hours, minutes, strict=True)]
    scores = [f"{a}:{b}" for a, b in zip(goals[:300], goals[300:], strict=True)]
    frame = pd.DataFrame({"start": times, "score": scores, "x": rng.normal(size=300)})
    kinds = Metadata.infer(frame).columns
    assert (kinds["start"].kind, kinds["start"].datetime_format) == ("datetime", "%H:%M")
    assert kinds["score"].kind == "categorical"
    ratios = pd.DataFrame({"screen": rng.choice(["16:09", "04:03", "21:09", "16:10"], 300)})
    assert Metadata.infer(ratios).columns["screen"].kind == "categorical"  # a few values: no clock
    model = get_model("copula", random_state=0).fit(frame)
    asked = model.sample(30, conditions={"start": ("10:00", "12:00")}, random_state=0)["start"]
    assert asked.str.fullmatch(r"1[01]:\d\d|12:00").all()


def test_fit_takes_the_metadata_as_its_json_dict():
    """``fit(data, metadata={"columns": ...})`` failed on a plain dict ('dict' has no attribute ...)."""
    frame = pd.DataFrame({"zip": [f"{i:05d}" for i in np.arange(100) % 30], "x": np.arange(100.0)})
    kinds = {"columns": {"zip": {"kind": "identifier"}}}
    model = get_model("copula", random_state=0).fit(frame, metadata=kinds)
    assert model.metadata_.columns["zip"].kind == ColumnKind.IDENTIFIER


def test_dates_all_before_1677_are_dates():
    """Birth dates of the 1600s (all before pandas' nanosecond range) were identifiers drawn by shape
    ("9098-22-47")."""
    rng = np.random.default_rng(0)
    years, months, days = rng.integers(0, 70, 300), rng.integers(1, 13, 300), rng.integers(1, 29, 300)
    born = [f"16{y:02d}-{m:02d}-{d:02d}" for y, m, d in zip(years, months, days, strict=True)]
    frame = pd.DataFrame({"born": born, "x": rng.normal(size=300)})
    assert Metadata.infer(frame).columns["born"].datetime_format == "%Y-%m-%d"
    drawn = get_model("copula", random_state=0).fit(frame).sample(50, random_state=0)["born"]
    assert pd.to_datetime(drawn, format="%Y-%m-%d", errors="coerce").isna().all()  # past pandas' range...
    assert drawn.str.fullmatch(r"16[0-6]\d-(0[1-9]|1[0-2])-\d\d").all()  # ...but real dates of the 1600s


def test_as_metadata_reads_the_json_form_and_refuses_other_types():
    from synthloom.data.metadata import as_metadata
    from synthloom.errors import ConfigError

    given = Metadata.from_dict({"columns": {"zip": {"kind": "categorical"}}})
    assert as_metadata(None) is None and as_metadata(given) is given
    assert as_metadata({"columns": {"zip": {"kind": "categorical"}}}) == given
    with pytest.raises(ConfigError, match="metadata names 'zip' outside \"columns\""):
        as_metadata({"zip": "categorical"})
    with pytest.raises(ConfigError, match=r"not str; read a file with Metadata\.load"):
        as_metadata("meta.json")
    # SDV's object of the same name was refused as "must be a Metadata ..., not Metadata"
    sdv_metadata = type("Metadata", (), {"__module__": "sdv.metadata.metadata"})()
    with pytest.raises(ConfigError, match="metadata is SDV's Metadata object, not synthloom's; give "):
        as_metadata(sdv_metadata)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (pd.to_timedelta(np.arange(40) * 60 + 3600, unit="s"), r"holds durations; .*\.dt\.total_seconds\(\)"),
        (pd.to_timedelta(np.arange(40) % 3 * 60, unit="s"), r"holds durations"),
        (pd.arrays.IntervalArray.from_breaks(np.arange(41)), r"holds intervals; give them as text"),
        (pd.period_range("2020-01", periods=40, freq="M"), r"holds periods; give them as dates"),
        ([[1, 2], [3]] * 20, r"holds list values \(e\.g\. \[1, 2\]\); .*split it into columns"),
        ([{"a": 1}, None] * 20, r"holds dict values"),
    ],
)
def test_values_no_kind_learns_are_refused_naming_the_column(values, message):
    """Unique durations were drawn as ids ("6 days 75:71:17"), and so were intervals ("(98, 78]"); lists
    (a nested Parquet column) failed with "unhashable type"."""
    frame = pd.DataFrame({"wait": values, "x": np.arange(40.0)})
    with pytest.raises(DataError, match=rf"column 'wait' {message}"):
        get_model("copula", random_state=0).fit(frame)
    with pytest.raises(DataError, match=rf"column 'wait' {message}"):
        get_model("copula", random_state=0).fit(
            frame, metadata={"columns": {"wait": {"kind": "categorical"}}}
        )


def test_numbers_declared_dates_are_refused_with_what_to_do():
    """Unix seconds declared datetime were read as nanoseconds: every synthetic stamp 1970-01-01 00:00:01."""
    frame = pd.DataFrame(
        {"ts": np.arange(1_579_481_838, 1_579_481_838 + 40 * 3600, 3600), "x": np.arange(40.0)}
    )
    kinds = {"columns": {"ts": {"kind": "datetime"}}}
    with pytest.raises(DataError, match=r"column 'ts' holds numbers, not dates; .*unit='s'"):
        get_model("copula", random_state=0).fit(frame, metadata=kinds)


def test_durations_written_as_text_are_refused_like_durations(tmp_path):
    """A Timedelta column saved to CSV ("0 days 23:42:34") was unique text drawn as ids: "5 days 42:57:28"."""
    from synthloom.data.io import read_table

    rng = np.random.default_rng(0)
    waits = pd.to_timedelta(rng.permutation(100) * 997 + 3600, unit="s")
    pd.DataFrame({"wait": waits, "x": rng.normal(size=100)}).to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(DataError, match=r"column 'wait' holds durations written as text \('0 days"):
        get_model("copula", random_state=0).fit(read_table(tmp_path / "d.csv"))


def test_durations_in_hours_past_a_day_are_refused_like_durations():
    """ "252:20:06" (hours past a day's 24) was unique text drawn as ids: "672:79:84"."""
    rng = np.random.default_rng(0)
    hours = [
        f"{h}:{m:02d}:{s:02d}"
        for h, m, s in zip(
            rng.permutation(100) + 20, rng.integers(0, 60, 100), rng.integers(0, 60, 100), strict=True
        )
    ]
    with pytest.raises(DataError, match=r"column 'wait' holds durations written as text \('"):
        Metadata.infer(pd.DataFrame({"wait": hours}))
    # times of day with fractions of a second are times (they were refused as durations, before that ids)
    times = [
        f"{h % 24:02d}:{m:02d}:{s:02d}.{h:03d}"
        for h, m, s in zip(
            rng.permutation(100), rng.integers(0, 60, 100), rng.integers(0, 60, 100), strict=True
        )
    ]
    assert Metadata.infer(pd.DataFrame({"at": times})).columns["at"].datetime_format == "%H:%M:%S.%f"


def test_how_a_csv_writes_numbers_is_learned_where_the_values_still_fit_it(tmp_path):
    """The ``NumberText`` read_table notes ("26.00", "+1.26") reaches the metadata, JSON and back, for the
    columns still as read (new values with more decimals would be cut to the old ones), and a category
    column is written as its categories."""
    from synthloom.data.io import read_table
    from synthloom.data.metadata import NumberText

    rows = [
        f"{p:.2f},{c:+.2f},{p:.2f},{p:.2f}"
        for p, c in zip([26.0, 15.5, 9.99, 7.25] * 10, np.arange(40) - 20, strict=True)
    ]
    (tmp_path / "p.csv").write_text("price,change,net,size\n" + "\n".join(rows) + "\n")
    frame = read_table(tmp_path / "p.csv")
    frame["net"] = frame["net"] / 3  # 8.666666666666666: two decimals would cut it
    inferred = Metadata.infer(frame)
    assert inferred.csv_texts() == {
        "price": NumberText(2),
        "change": NumberText(2, True),
        "size": NumberText(2),
    }
    assert Metadata.from_dict(json.loads(json.dumps(inferred.to_dict()))).columns == inferred.columns
    declared = Metadata.from_dict({"columns": {"size": {"kind": "categorical"}}}).completed(frame)
    assert declared.csv_texts() == {"price": NumberText(2), "change": NumberText(2, True)}
    own = Metadata.from_dict({"columns": {"price": {"kind": "continuous", "csv_text": {"decimals": 3}}}})
    assert own.completed(frame).columns["price"].csv_text == NumberText(3)  # a declared form is kept
    assert Metadata.from_dict({"columns": {"price": {"kind": "continuous"}}}).csv_texts() == {}  # older files


def test_a_column_changed_since_its_csv_was_read_is_not_written_in_the_old_form(tmp_path):
    """A frame keeps its attrs through edits: prices rounded to whole numbers were written "24.00", and a new
    column given the name of an old one inherited its "+" and decimals ("+118.000")."""
    from synthloom.data.io import read_table
    from synthloom.data.metadata import NumberText

    rows = [f"{p:.2f},{c:+.3f}" for p, c in zip([26.0, 15.5, 9.99] * 5, np.arange(15) / 7 - 1, strict=True)]
    (tmp_path / "p.csv").write_text("price,change\n" + "\n".join(rows) + "\n")
    frame = read_table(tmp_path / "p.csv")
    assert Metadata.infer(frame).csv_texts() == {"price": NumberText(2), "change": NumberText(3, True)}
    frame["price"] = frame["price"].round().astype("Int64")
    frame = frame.rename(columns={"change": "delta"})
    frame["change"] = np.arange(len(frame))
    assert Metadata.infer(frame).csv_texts() == {}  # renamed, it loses its form too (attrs keep old names)


@pytest.mark.parametrize(
    ("kind", "form"),
    [
        ("categorical", {"decimals": 2}),
        ("continuous", {"decimals": 16}),
        ("continuous", {"decimals": "2"}),
        ("continuous", {"plus": "yes"}),
        ("continuous", {"digits": 2}),
        ("continuous", "0.00"),
    ],
)
def test_a_csv_text_that_is_no_number_form_is_refused(kind, form):
    with pytest.raises(ConfigError, match=r"csv_text .* is not how a CSV writes a number column"):
        Metadata.from_dict({"columns": {"a": {"kind": kind, "csv_text": form}}})


def test_the_csv_delimiter_is_learned_kept_in_json_and_may_be_declared(tmp_path):
    """A model kept no delimiter, so its samples were split at commas whatever the real CSV used; metadata
    saved before it was kept loads as a comma."""
    from synthloom.data.io import read_table

    real = tmp_path / "real.csv"
    real.write_text("a;b\n1;x\n2;y\n")
    learned = Metadata.infer(read_table(real))
    assert learned.csv_delimiter == ";" and learned.csv_sep == ";"
    assert Metadata.from_dict(learned.to_dict()).csv_delimiter == ";"
    older = Metadata.from_dict({"columns": {"a": {"kind": "integer"}}})
    assert older.csv_delimiter is None and older.csv_sep == "," and "csv_delimiter" not in older.to_dict()
    declared = Metadata.from_dict({"columns": {}, "csv_delimiter": "\t"})
    assert declared.completed(read_table(real)).csv_delimiter == "\t"  # a declared one wins
    with pytest.raises(ConfigError, match="csv_delimiter ':' is not a CSV delimiter synthloom reads"):
        Metadata.from_dict({"columns": {}, "csv_delimiter": ":"})


@pytest.mark.parametrize("marks", [[""], ["?"], ["", "n/a"]])
def test_text_of_missing_marks_only_is_learned_as_it_is(marks):
    # every value a missing mark ("" throughout, as a Parquet string column may hold): once they were set
    # aside, no value was left to guess a date format from, and inference failed inside pandas
    rows = 40
    real = pd.DataFrame(
        {"x": np.arange(rows, dtype=float), "note": pd.Series((marks * rows)[:rows], dtype="string")}
    )
    assert Metadata.infer(real).kinds()["note"] == "categorical"
    fake = get_model("copula", random_state=0).fit(real).sample(10, random_state=0)
    assert fake["note"].dtype == real["note"].dtype and fake["note"].isin(marks).all()


def test_pyarrow_backed_stamps_dates_decimals_and_dictionaries_are_learned_as_pandas_holds_them():
    # as pd.read_parquet(path, dtype_backend="pyarrow") gives them: stamps were learned as text and came
    # back as ISO strings, decimals failed inside pandas
    pa = pytest.importorskip("pyarrow")
    import decimal

    rows = 60
    hours = pd.date_range("2024-03-01", periods=rows, freq="h", tz="Europe/Berlin")
    real = pd.DataFrame(
        {
            "at": pd.array(list(hours), dtype=pd.ArrowDtype(pa.timestamp("us", tz="Europe/Berlin"))),
            "day": pd.array(list(hours.date), dtype=pd.ArrowDtype(pa.date32())),
            "price": pd.array(
                [decimal.Decimal(f"{i}.25") for i in range(rows)], dtype=pd.ArrowDtype(pa.decimal128(8, 2))
            ),
            "shop": pd.arrays.ArrowExtensionArray(
                pa.array(["north", "south", "east"] * 20).dictionary_encode()
            ),
        }
    )
    fake = get_model("copula", random_state=0).fit(real).sample(50, random_state=0)
    assert str(fake["at"].dtype) == "datetime64[us, Europe/Berlin]"
    assert fake["at"].between(hours[0], hours[-1]).all()
    assert fake["day"].map(type).eq(datetime.date).all()
    # Decimals, as the column holds them (each with the column's two places), not floats
    assert fake["price"].map(type).eq(decimal.Decimal).all()
    assert fake["price"].map(lambda price: price.as_tuple().exponent).eq(-2).all()
    assert fake["price"].astype(float).between(0.25, rows - 0.75).all()
    assert (
        isinstance(fake["shop"].dtype, pd.CategoricalDtype)
        and fake["shop"].isin(["north", "south", "east"]).all()
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        # a key misspelt or cased otherwise was left out without a word: the column learned as inferred
        (
            {"columns": {"zip": {"Kind": "categorical"}}},
            "column 'zip' has an unknown key 'Kind'; did you mean \"kind\"?",
        ),
        (
            {"columns": {"fee": {"kind": "continuous", "number_fromat": "$0.00"}}},
            "column 'fee' has an unknown key 'number_fromat'; did you mean \"number_format\"?",
        ),
        (
            {"columns": {"zip": {"kind": "categorical", "pii": True}}},
            "column 'zip' has an unknown key 'pii'; its keys",
        ),
        ({"columns": {"zip": {"kind": "categorical"}}, "primary_key": "zip"}, "unknown key 'primary_key'"),
        # a kind misspelt or named as another tool names it: the column and the kind meant are named
        (
            {"columns": {"zip": {"kind": "categorial"}}},
            "column 'zip' has an unknown kind 'categorial'; did you mean \"categorical\"?",
        ),
        (
            {"columns": {"fee": {"kind": "float"}}},
            "column 'fee' has an unknown kind 'float'; did you mean \"continuous\"?",
        ),
        ({"columns": {"day": {"kind": "date"}}}, 'did you mean "datetime"?'),
        ({"columns": {"n": {"kind": "int"}}}, 'did you mean "integer"?'),
        # SDV's metadata, pasted in: the form synthloom reads, and SDV's sdtypes in its kinds
        ({"columns": {"age": {"sdtype": "numerical"}}}, "this is SDV's metadata; synthloom reads"),
        ({"METADATA_SPEC_VERSION": "V1", "tables": {"t": {"columns": {}}}}, "this is SDV's metadata"),
        # another shape: Python's KeyError and TypeError texts ("malformed metadata ('kind')") were shown
        ([{"name": "zip", "kind": "categorical"}], "metadata is a JSON list, not an object"),
        ({"zip": {"kind": "categorical"}}, "metadata names 'zip' outside \"columns\""),
        ({"columns": {"zip": "categorical"}}, "column 'zip' is given as 'categorical'; give an object"),
        ({"columns": {"zip": {}}}, "column 'zip' has no \"kind\""),
        ({"columns": [{"zip": "categorical"}]}, 'metadata has no "columns" object'),
        # a datetime_format that is no pattern ended a fit in pandas' TypeError, or was left unused
        (
            {"columns": {"day": {"kind": "datetime", "datetime_format": 5}}},
            "column 'day': datetime_format 5 is not a strftime pattern",
        ),
        (
            {"columns": {"day": {"kind": "datetime", "datetime_format": "YYYY-MM-DD"}}},
            "'%Y-%m-%d' for 2024-03-15",
        ),
        ({"columns": {"zip": {"kind": "categorical", "datetime_format": "%Y"}}}, "it needs kind datetime"),
        (
            {"columns": {"zip": {"kind": "categorical", "numeric_coerced": "no"}}},
            "numeric_coerced 'no' is not true or false",
        ),
    ],
)
def test_a_malformed_metadata_file_names_the_column_and_key(tmp_path, payload, message):
    """A hand-written metadata file's mistake is told in one line naming the file, the column and the key
    (and what was meant), not ignored nor shown as Python's exception text."""
    path = tmp_path / "kinds.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(ConfigError) as caught:
        Metadata.load(path)
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_metadata_file_with_a_byte_order_mark_is_read(tmp_path):
    """Windows' Notepad and Excel write a UTF-8 file with a byte-order mark: it was refused as no JSON."""
    path = tmp_path / "kinds.json"
    path.write_bytes(b'\xef\xbb\xbf{"columns": {"zip": {"kind": "categorical"}}}')
    assert Metadata.load(path).kinds() == {"zip": "categorical"}


def test_a_folder_given_as_the_metadata_file_is_refused_in_one_line(tmp_path):
    """`--metadata some_folder` ended in an IsADirectoryError traceback."""
    with pytest.raises(ConfigError, match=r"is a folder; give the metadata JSON file"):
        Metadata.load(tmp_path)


def test_a_metadata_column_the_data_lacks_names_the_one_meant():
    """A column misspelt or cased otherwise in the metadata names the data's column it most resembles."""
    frame = pd.DataFrame({"zip": ["02134", "10001"], "age": [31, 45]})
    with pytest.raises(
        DataError, match=r"lacks column\(s\) \['Zip'\] named in the metadata; did you mean 'zip'\?"
    ):
        Metadata.from_dict({"columns": {"Zip": {"kind": "categorical"}}}).completed(frame)
    with pytest.raises(
        DataError, match=r"\['postcode'\] named in the metadata; its columns are \['zip', 'age'\]"
    ):
        Metadata.from_dict({"columns": {"postcode": {"kind": "categorical"}}}).completed(frame)


def test_text_declared_integer_comes_back_as_whole_numbers_in_text():
    """Codes read as text ("02134") declared integer came back as floats in a text column ("2134.0"): they
    are written as the text of whole numbers, as text inferred to be numbers is."""
    frame = pd.DataFrame({"zip": ["02134", "10001", "00501"] * 10, "n": range(30)})
    model = get_model("copula", random_state=0).fit(frame, metadata={"columns": {"zip": {"kind": "integer"}}})
    drawn = model.sample(20)["zip"]
    assert drawn.map(type).eq(str).all() and drawn.str.fullmatch(r"\d+").all(), drawn.tolist()


# names that say id (camel case, "-", " " and "." like "_", an "id" prefix) and names that only end or start
# with those letters; "nid" is no id: "id" at the end of a lower-case word cannot be told from "squid"
ID_NAMES = (
    "id", "ID", "order_id", "CustomerID", "customerId", "user-id", "id_customer", "CustomerKey", "UserGUID",
    "patientID", "record id", "customer.id", "ID number", "userUuid", "SKU_ID", "IDNumber", "order_iD",
)  # fmt: skip
NOT_ID_NAMES = (
    "valid", "paid", "android", "squid", "monkey", "hockey", "Idaho", "idle", "identity_score", "grid",
    "fluid", "turkey", "width", "keyboard", "nid", "PAID", "isPaid", "key_metric", "kids", "avoid",
)  # fmt: skip


@pytest.mark.parametrize("name", ID_NAMES)
def test_unique_whole_numbers_under_an_id_name_are_identifiers(name):
    """Only ``..._id`` was an id name: unique ``CustomerID`` numbers were learned as integers, and 66.6% of
    a copula's synthetic ids were training ids."""
    frame = pd.DataFrame({name: np.arange(11000, 11030)[::-1], "x": np.arange(30.0)})
    assert Metadata.infer(frame).kinds()[name] == "identifier"
    repeated = frame.assign(**{name: np.arange(30) % 29})  # a repeat: no id, whatever the name says
    assert Metadata.infer(repeated).kinds()[name] == "integer"


@pytest.mark.parametrize("name", NOT_ID_NAMES)
def test_names_that_only_contain_id_letters_stay_numbers(name):
    frame = pd.DataFrame({name: np.arange(30), "x": np.arange(30.0)})
    assert Metadata.infer(frame).kinds()[name] == "integer"


def test_camel_case_ids_are_drawn_anew():
    frame = pd.DataFrame({"CustomerID": np.arange(10_000, 10_060), "amt": np.linspace(1.0, 90.0, 60)})
    synthetic = get_model("copula", random_state=0).fit(frame).sample(200, random_state=0)
    assert not synthetic["CustomerID"].isin(frame["CustomerID"]).any()
    assert synthetic["CustomerID"].is_unique


def test_unique_consecutive_numbers_under_another_name_warn():
    """A column of keys its name does not call ids (``nid``, ``num``) was learned as numbers with no word:
    its synthetic values were real keys."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"nid": rng.permutation(np.arange(5000, 5400)), "x": rng.normal(size=400)})
    with pytest.warns(
        DataWarning, match=r"^column 'nid' holds a different whole number on every row, like an"
    ):
        assert Metadata.infer(frame).kinds()["nid"] == "integer"
    tens = frame.assign(nid=frame["nid"] * 10 + 3)  # ids counted in tens fill their tens
    with pytest.warns(DataWarning, match="column 'nid' holds a different whole number"):
        Metadata.infer(tens)


def test_unique_measurements_and_small_tables_do_not_warn():
    rng = np.random.default_rng(0)
    epoch = np.sort(rng.choice(np.arange(1_600_000_000, 1_600_086_400), 1000, replace=False))  # one day
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        Metadata.infer(pd.DataFrame({"at": epoch}))  # unique, but a thin spread over their range
        Metadata.infer(pd.DataFrame({"n": np.arange(99)}))  # too few rows to tell
        Metadata.infer(pd.DataFrame({"n": np.r_[np.arange(200), 5]}))  # a repeat
        declared = Metadata({"n": ColumnSpec(ColumnKind.INTEGER)})
        declared.completed(pd.DataFrame({"n": [f"{v:,}" for v in range(1000, 1400)]}))  # declared a number


def test_identifiers_with_a_fraction_are_refused():
    """Amounts (34.05, repeats among them) declared identifier came back as counted ids 628.0, 629.0..."""
    frame = pd.DataFrame({"amt": np.round(np.linspace(1.0, 50.0, 40), 2), "x": np.arange(40.0)})
    with pytest.raises(
        DataError, match=r"^column 'amt' is declared identifier but holds numbers with a fracti"
    ):
        get_model("copula", random_state=0).fit(frame, metadata={"columns": {"amt": {"kind": "identifier"}}})


def test_whole_float_identifiers_with_gaps_stay_ids():
    ids = pd.Series(np.arange(1.0, 41.0)).where(lambda v: v % 7 != 0)  # "1,2,,4" read from a CSV: floats
    frame = pd.DataFrame({"rid": ids, "x": np.arange(40.0)})
    model = get_model("copula", random_state=0).fit(
        frame, metadata={"columns": {"rid": {"kind": "identifier"}}}
    )
    assert str(model.sample(10, random_state=0)["rid"].dtype) == "Int64"


def test_an_entity_key_learned_as_data_is_named_at_inference():
    """``account_id`` (2,000 accounts on 12,000 rows) was learned as a category without a word, and every
    synthetic value was a real account; a column named like an id whose values repeat is now named, with
    its options. Unique ids, a few store ids on many rows and a declared kind say nothing."""
    import warnings

    from synthloom.errors import DataWarning

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "transaction_id": [f"TX{i:08d}" for i in range(600)],
            "account_id": [f"AC{v:05d}" for v in rng.integers(0, 100, 600)],
            "customer_id": rng.integers(1, 100, 600),
            "store_id": rng.integers(0, 5, 600),
        }
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kinds = Metadata.infer(frame).kinds()
    said = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert kinds["transaction_id"] == "identifier" and kinds["account_id"] == "categorical"
    assert len(said) == 2, said
    assert said[0].startswith("column 'account_id' is named like an identifier and its ")
    assert "\n" not in said[0]
    assert "real values appear in synthetic rows; declare it identifier" in said[0]
    assert said[1].startswith("column 'customer_id'") and "learned as numbers" in said[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        given = {"account_id": {"kind": "categorical"}, "customer_id": {"kind": "integer"}}
        Metadata.from_dict({"columns": given}).completed(frame)


def test_stamps_with_and_without_offsets_read_on_a_repeated_index():
    """A table built by pd.concat repeats index labels: stamps without an offset beside ones with it were
    put back by label ("cannot reindex on an axis with duplicate labels"); they are put back by position."""
    from synthloom.data.encoders import text_zone
    from synthloom.data.metadata import read_stamps

    text = pd.Series(
        ["2024-01-01 10:00:00+01:00", "2024-01-02 10:00:00", "2300-01-01 00:00:00+00:00"], index=[0, 1, 1]
    )
    read = read_stamps(text, "%Y-%m-%d %H:%M:%S%z")
    assert read.index.tolist() == [0, 1, 1]
    assert [str(stamp) for stamp in read] == [
        "2024-01-01 09:00:00+00:00",
        "2024-01-02 10:00:00+00:00",
        "2300-01-01 00:00:00+00:00",
    ]
    # a zone's winter and summer offsets, some stamps without one, two tables' rows concatenated
    stamps = pd.date_range("2024-03-25", periods=60, freq="5h", tz="Europe/Paris")
    written = pd.Series(stamps.strftime("%Y-%m-%d %H:%M:%S%z")).str.replace(r"(\d\d)$", r":\1", regex=True)
    written[::7] = stamps[::7].tz_convert("UTC").strftime("%Y-%m-%d %H:%M:%S")
    half = pd.DataFrame({"when": written, "amount": np.arange(60.0)})
    frame = pd.concat([half.iloc[:30], half.iloc[30:].set_axis(range(30))])
    assert text_zone(frame["when"], "%Y-%m-%d %H:%M:%S%z") in ("Europe/Berlin", "Europe/Paris")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # stamps without an offset read as UTC: said so
        fake = get_model("copula", random_state=0).fit(frame).sample(50, random_state=0)
    drawn = pd.to_datetime(fake["when"], utc=True)
    assert drawn.notna().all() and drawn.between(stamps.min(), stamps.max()).all()


def test_inference_warnings_point_at_the_callers_line():
    """Inference's warnings were raised at a fixed depth (``stacklevel`` 5 or 6) though reached at several:
    through ``fit`` one pointed into synthloom, through ``Metadata.infer`` another past the caller. They
    point at the line that called synthloom, whichever way in."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "account_id": [f"AC{v:05d}" for v in rng.integers(0, 100, 600)],  # an entity's key
            "n": rng.permutation(600) * 10,  # whole numbers distinct on every row, like an id
            "x": rng.normal(size=600),
        }
    )
    for call in (lambda: Metadata.infer(frame), lambda: get_model("copula", random_state=0).fit(frame)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        said = [w for w in caught if issubclass(w.category, DataWarning)]
        assert len(said) == 2 and {w.filename for w in said} == {__file__}


def test_stamps_the_learned_format_misses_are_read_as_iso_8601():
    """QA: a detector learned "2026-10-18 23:03:18.804828053" ('%Y-%m-%d %H:%M:%S.%f'); the same stamps
    written "2026-10-18 23:03:18" or "2026-10-18T23:03:18.804828" were all read as missing, and every row
    was flagged. ISO 8601 text is read whatever the learned format; other text is still missing."""
    from synthloom.data.metadata import read_stamps

    text = pd.Series(
        [
            "2026-10-18 23:03:18.804828053",  # the learned format
            "2026-10-18 23:03:18",
            "2026-10-18T23:03:18.804828",
            "2026-10-18T23:03",
            "2026-10-18",
            "2300-01-01T00:00:00",  # an open end, past pandas' nanoseconds
            "18/10/2026 23:03:18",  # neither: missing
            "soon",
            "2026-10-18T23:03:18+02:00",  # an offset on a column whose stamps carry none: on no known clock
            None,
        ],
        index=[0, 1, 1, 2, 3, 4, 5, 6, 7, 8],  # a concatenated table's repeated labels
    )
    read = read_stamps(text, "%Y-%m-%d %H:%M:%S.%f")
    assert read.index.equals(text.index)
    assert [None if pd.isna(stamp) else str(stamp) for stamp in read] == [
        "2026-10-18 23:03:18.804828+00:00",  # read to the microsecond with the open end
        "2026-10-18 23:03:18+00:00",
        "2026-10-18 23:03:18.804828+00:00",
        "2026-10-18 23:03:00+00:00",
        "2026-10-18 00:00:00+00:00",
        "2300-01-01 00:00:00+00:00",
        None,
        None,
        None,
        None,
    ]
    # a column whose stamps carry an offset reads ISO offsets as the instants they name, and none as UTC
    zoned = read_stamps(
        pd.Series(
            ["2026-10-18 23:03:18+0200", "2026-10-18T23:03:18.5Z", "2026-10-18T23:03:18+02:00", "2026-10-18"]
        ),
        "%Y-%m-%d %H:%M:%S%z",
    )
    assert [str(stamp) for stamp in zoned] == [
        "2026-10-18 21:03:18+00:00",
        "2026-10-18 23:03:18.500000+00:00",
        "2026-10-18 21:03:18+00:00",
        "2026-10-18 00:00:00+00:00",
    ]
    # times of day alone: a dated stamp would be another day than theirs (1 January 1900)
    times = read_stamps(pd.Series(["06:00:00", "2026-10-18 06:00:00"]), "%H:%M:%S")
    assert times.isna().tolist() == [False, True]


def test_a_format_is_not_guessed_from_iso_stamps_it_does_not_read():
    """Guessing a column's format tries each on the text: the ISO reading must not make '%Y-%m-%d' seem to
    read stamps with times (their times would be lost when written back)."""
    stamps = pd.Series(pd.date_range("2024-03-04", periods=50, freq="7h").strftime("%Y-%m-%dT%H:%M:%S"))
    assert Metadata.infer(pd.DataFrame({"t": stamps})).columns["t"].datetime_format == "%Y-%m-%dT%H:%M:%S"


def test_iso_stamps_in_two_spellings_are_one_datetime_column():
    """A tenth of the stamps written with a "T" (or with seconds) made a column of ISO stamps text, and its
    synthetic values impossible dates ("2024-72-67 70:92"): the other spelling is read as ISO 8601."""
    stamps = pd.date_range("2024-05-01", periods=400, freq="97min")
    spaced = stamps.strftime("%Y-%m-%d %H:%M:%S").to_series(index=range(400))
    with_t = spaced.where(
        np.arange(400) % 10 != 3, stamps.strftime("%Y-%m-%dT%H:%M:%S").to_series(index=range(400))
    )
    minutes = stamps.strftime("%Y-%m-%d %H:%M").to_series(index=range(400))
    with_seconds = minutes.where(np.arange(400) % 10 != 3, spaced)
    for column in (with_t, with_seconds):
        spec = Metadata.infer(pd.DataFrame({"when": column})).columns["when"]
        assert spec.kind == ColumnKind.DATETIME


def test_stamps_read_without_a_format_leave_pandas_fallback_unsaid():
    """A declared datetime column of words was refused after pandas' own "Could not infer format ...
    falling back to dateutil" line."""
    from synthloom.data.metadata import read_stamps

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stamps = read_stamps(pd.Series(["soon", "later", "2024-01-05"]), None)
    assert stamps.isna().sum() >= 2


def test_warnings_point_at_the_users_call_not_at_a_line_of_synthloom():
    """A fit's warning of text in a number column named ``synthloom/data/encoders.py:1014 ... return
    column_numbers(`` as its place: every warning now names the first line outside synthloom."""
    rng = np.random.default_rng(0)
    crp = rng.lognormal(1, 1, 300).round(1).astype(object)
    crp[:20] = "<0.1"
    frame = pd.DataFrame({"crp": crp, "sex": rng.choice(["F", "M"], 300)})
    with pytest.warns(DataWarning) as said:
        get_model("copula", random_state=0).fit(frame).sample(10, random_state=0)
    # a value below a detection limit is no missing one: the warning says how to keep it
    assert any(
        "not numbers ('<0.1') treated as missing; a value past a limit ('<0.1') is no number: write the limit"
        in str(warning.message)
        for warning in said
    )
    assert {warning.filename for warning in said} == {__file__}


def test_the_index_pandas_wrote_under_an_empty_header_is_an_identifier():
    """``df.to_csv("x.csv")`` writes the index under an empty header, read back as "Unnamed: 0": it was
    learned as an integer feature, its synthetic values real row numbers, repeated."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"Unnamed: 0": range(300), "x": rng.normal(size=300), "Unnamed: 2": rng.integers(0, 9, 300)}
    )
    assert Metadata.infer(frame).kinds() == {
        "Unnamed: 0": "identifier",
        "x": "continuous",
        "Unnamed: 2": "integer",
    }
    fake = get_model("copula", random_state=0).fit(frame).sample(500, random_state=0)
    assert fake["Unnamed: 0"].is_unique and not fake["Unnamed: 0"].isin(frame["Unnamed: 0"]).any()


def test_us_dates_without_leading_zeros_come_back_without_them():
    """ "11/8/2023" and "1/5/2023 9:05 AM", as Excel writes US dates, came back "11/08/2023" and
    "01/05/2023 09:05 AM": every field padded, in a column whose real values never are."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.choice(525_600, 300, replace=False), unit="min")
    opened = [f"{t.month}/{t.day}/{t.year}" for t in stamps]
    closed = stamps + pd.Timedelta(days=3)
    frame = pd.DataFrame(
        {
            "opened": opened,
            "closed": [
                f"{t.month}/{t.day}/{t.year} {t.hour % 12 or 12}:{t.minute:02d} {t:%p}" for t in closed
            ],
        }
    )
    model = get_model("copula", random_state=0).fit(frame, constraints=[Inequality("opened", "closed")])
    fake = model.sample(200, conditions={"opened": ("1/1/2023", "6/30/2023")}, random_state=0)
    unpadded = r"[1-9]\d?/[1-9]\d?/2023"
    assert fake["opened"].str.fullmatch(unpadded).all()
    assert fake["closed"].str.fullmatch(unpadded + r" [1-9]\d?:\d\d [AP]M").all()
    assert fake["closed"].str.contains(r" \d:").any() and fake["closed"].str.contains(r" \d\d:").any()
    assert pd.to_datetime(fake["opened"], format="%m/%d/%Y").dt.month.le(6).all()
    # a column that pads them keeps them
    padded = pd.DataFrame({"opened": stamps.strftime("%m/%d/%Y"), "x": rng.normal(size=300)})
    fake = get_model("copula", random_state=0).fit(padded).sample(50, random_state=0)
    assert fake["opened"].str.fullmatch(r"\d\d/\d\d/2023").all()
