"""Numbers written as text ("$1,638.23", "12.5%", "1,200 kg"): told from codes, learned as numbers, written
back in their format by every path that reads or writes a column (encoders, rules, conditions, evaluation)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model, load
from synthloom.data.constraints import Inequality
from synthloom.data.metadata import ColumnKind, Metadata
from synthloom.data.number_text import NumberFormat, looks_like_numbers, writes_decimal_commas
from synthloom.errors import ConfigError, DataWarning
from synthloom.metrics.encoding import prepare


def dollars(values: np.ndarray) -> list[str]:
    return [f"${v:,.2f}" for v in values]


@pytest.fixture(scope="module")
def payments() -> pd.DataFrame:
    """Amounts in dollars whose size depends on the kind of payment, a fee in percent, '?' for missing."""
    rng = np.random.default_rng(0)
    n = 600
    kind = rng.choice(["grocery", "rent"], n, p=[0.7, 0.3])
    amount = np.round(np.where(kind == "rent", rng.normal(1500, 80, n), rng.lognormal(3.5, 0.5, n)), 2)
    text = np.array(dollars(amount), dtype=object)
    text[rng.random(n) < 0.05] = "?"
    return pd.DataFrame({"kind": kind, "amount": text, "fee": [f"{v:.1f}%" for v in rng.uniform(0, 3, n)]})


def as_numbers(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.replace(r"[$,%]", "", regex=True), errors="coerce")


@pytest.mark.parametrize(
    ("pattern", "values", "written"),
    [
        (
            "$#,##0.00",
            [1638.234, -5.0, 1234567.891, -0.001],
            ["$1,638.23", "-$5.00", "$1,234,567.89", "$0.00"],
        ),
        ("0.##%", [12.5, 3.0, 7.257], ["12.5%", "3%", "7.26%"]),
        ("#,##0 kg", [1200.0, 5.0], ["1,200 kg", "5 kg"]),
        ("EUR 0.0", [3.25], ["EUR 3.2"]),
        ("#.##0,00 €", [1638.234, -5.0], ["1.638,23 €", "-5,00 €"]),  # a decimal comma
        ("0,###", [0.4781, 12.0], ["0,478", "12"]),
    ],
)
def test_patterns_write_and_read_back(pattern, values, written):
    number_format = NumberFormat.parse(pattern)
    assert str(number_format) == pattern
    text = number_format.write(np.array(values), "x")
    assert text.tolist() == written
    decimals = number_format.decimals
    assert np.allclose(number_format.read(text), np.round(values, decimals) + 0.0)


def test_reading_takes_either_minus_and_leaves_other_text_missing():
    read = NumberFormat.parse("$#,##0.00").read(
        pd.Series(["-$5.00", "$-5.00", "12", None, "abc", "€3", "$1,2"])
    )
    assert read.iloc[:3].tolist() == [-5.0, -5.0, 12.0]
    assert read.iloc[3:].isna().all()


@pytest.mark.parametrize("pattern", ["$#,##0.0.0", "abc", "", "0." + "0" * 16])
def test_a_malformed_pattern_is_refused(pattern):
    with pytest.raises(ConfigError, match="number_format"):
        NumberFormat.parse(pattern)


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        (["$1,638.23", "$12.00", "-$3.50"], "$#,##0.00"),
        (["12.5%", "3%", "7.25%"], "0.##%"),
        (["1,200 kg", "85 kg", "930 kg"], "#,##0 kg"),
        (["US$ 5.00", "US$ 17.25", "US$ 1.10"], "US$ 0.00"),
        (["EUR 5", "EUR 17", "EUR 1"], "EUR 0"),
        (["1,200", "85,000", "930"], "#,##0"),
        (["37.5°C", "36.9°C", "38.1°C"], "0.0°C"),
        (["$5.00", "7.25", "$1,000.00"], "$#,##0.00"),  # some written plainly
        (["$ 5.00", "$5.00", "$ 7.25", "$ 9.10"], "$ 0.00"),  # spaces differ: the most common form
        (["$5", "$5.50", "$7.25"], "$0.00"),  # whole dollars among cents
        (["$1,234.56", "($5.00)", "$7.25"], "$#,##0.00;($#,##0.00)"),  # accounting negatives
    ],
)
def test_formats_are_recognised(values, pattern):
    assert str(NumberFormat.guess(pd.Series(values))) == pattern


@pytest.mark.parametrize(
    ("values", "commas", "pattern"),
    [
        (["104,70", "99,05", "7,00"], True, "0,00"),
        (["1.234,56 €", "12,00 €"], True, "#.##0,00 €"),
        (["0,478", "1,5", "1,234"], True, "0,0##"),  # "1,234" among them is no thousand
        (["1.500", "3,25"], True, "#.##0,00"),  # "1.500" among them is fifteen hundred
        (["1,234", "5,678"], False, None),  # a decimal point's thousands: pandas-style grouping
        (["1,5", "2.5"], False, None),  # as many of each: a decimal point's (a format needs 90% of values)
        (["1,5", "2,25", "3.5"], True, "0,0#"),  # "3.5" a stray, read as no number
    ],
)
def test_decimal_commas_are_told_apart_and_recognised(values, commas, pattern):
    """Numbers with a decimal comma were not read (a category per value); they are a format now, where
    some value is a number only with a decimal comma and none only with a point."""
    values = pd.Series(values)
    assert writes_decimal_commas(values) is commas
    if commas:  # the format of the values that are numbers so (as the metadata guesses it)
        numbers = values[looks_like_numbers(values, decimal_comma=True)]
        assert str(NumberFormat.guess(numbers, decimal_comma=True)) == pattern


@pytest.mark.parametrize(
    "values",
    [
        ["INV-1001", "INV-1002", "INV-1003"],  # a code with a dash, not negative numbers
        ["#12", "#13", "#9"],
        ["A12", "B13", "C9"],
        ["Customer 12", "Customer 13", "Customer 9"],
        ["$007", "$12", "$9"],  # a leading zero: a code
        ["$5", "€7", "$9"],  # two currencies
        ["1st", "2nd", "3rd"],
        ["12", "13.5", "9"],  # plain numbers: pandas reads them itself
        ["3,5", "2,25", "1,0"],  # a decimal comma is not read
        ["0,478", "0,512", "0,613"],  # ... nor taken for thousands
        ["($5.00", "$7.25", "$1.00"],  # a parenthesis not closed
        ["$5", "7%", "$9"],  # two forms, though each value writes one affix
    ],
)
def test_codes_and_other_text_are_not_numbers(values):
    assert NumberFormat.guess(pd.Series(values)) is None


def test_parentheses_write_negative_amounts_as_the_real_ones():
    number_format = NumberFormat.parse("$#,##0.00;($#,##0.00)")
    assert number_format.write(np.array([-1234.5, 7.0]), "x").tolist() == ["($1,234.50)", "$7.00"]
    assert number_format.read(pd.Series(["($1,234.50)", "$7.00"])).tolist() == [-1234.5, 7.0]


def test_thousands_separators_on_a_few_values_are_read_not_lost():
    """Under 10% of values over 999 ("1,725" among "85"): read as plain numbers, every one became missing."""
    rng = np.random.default_rng(0)
    quantity = np.round(rng.lognormal(5, 0.8, 1000)).astype(int)
    frame = pd.DataFrame({"qty": [f"{q:,}" for q in quantity], "empty": [""] * 10 + ["5", "7", "9"] * 330})
    meta = Metadata.infer(frame)
    assert meta.columns["qty"].number_format == "#,##0" and meta.columns["qty"].kind == ColumnKind.INTEGER
    assert meta.columns["empty"].kind == ColumnKind.INTEGER  # "" is a missing value, as in a CSV
    fake = get_model("copula", random_state=0).fit(frame).sample(2000)
    assert as_numbers(fake["qty"]).max() > 1000


def test_a_few_values_that_are_no_amounts_become_missing():
    """One "$1,23" or a few "TBD" among amounts made the whole column an id of random digits."""
    values = dollars(np.linspace(5, 5000, 300))
    values[7], values[9:14] = "$1,23", ["TBD"] * 5
    meta = Metadata.infer(pd.DataFrame({"amount": values}))
    assert meta.columns["amount"].number_format == "$#,##0.00"


def test_labels_strays_and_decimal_commas_are_not_taken_for_amounts():
    """Regressions the first version had: "36 months" labels drew "38 months"; one "$5" among plain numbers
    put a "$" on every value; "1,590" in a decimal-comma column (beside "0,514") read as 1590 (it is read
    with its decimal comma now, 1.59)."""
    rng = np.random.default_rng(0)
    weights = [f"{w:.3f}".replace(".", ",") for w in rng.uniform(0.3, 9.9, 300)]
    frame = pd.DataFrame(
        {
            "term": rng.choice(["12 months", "36 months", "60 months"], 300),
            "decade": rng.choice(["1970s", "1980s", "1990s"], 300),
            "score": ["$5"] + [str(v) for v in rng.integers(1, 100, 299)],
            "weight": weights,
        }
    )
    meta = Metadata.infer(frame)
    formats = {name: spec.number_format for name, spec in meta.columns.items()}
    assert formats == {**dict.fromkeys(frame.columns), "weight": "0,000"}
    read = NumberFormat.parse("0,000").read(frame["weight"])
    assert read.between(0.3, 9.9).all()  # none taken for thousands
    assert (
        meta.columns["term"].kind == ColumnKind.CATEGORICAL
        and meta.columns["score"].kind == ColumnKind.INTEGER
    )
    declared = Metadata.from_dict({"columns": {"term": {"kind": "integer"}}}).completed(frame)
    assert declared.columns["term"].number_format == "0 months"  # declared numbers: 36 months is 36


def test_a_declared_format_writing_an_affix_no_value_has_is_warned_of():
    """A typo in a declared number_format ("0.0O" for "0.00") read the values (an affix may be left out)
    and wrote "$6.1O" on every synthetic value without a word."""
    frame = pd.DataFrame({"price": [f"${v:.2f}" for v in np.random.default_rng(0).uniform(1, 100, 50)]})
    typo = Metadata.from_dict({"columns": {"price": {"kind": "continuous", "number_format": "$#,##0.0O"}}})
    with pytest.warns(DataWarning, match=r"'price': number_format '\$#,##0.0O' writes 'O', which no real"):
        typo.completed(frame)
    right = Metadata.from_dict({"columns": {"price": {"kind": "continuous", "number_format": "$#,##0.00"}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        assert right.completed(frame).columns["price"].number_format == "$#,##0.00"


def test_amounts_in_two_forms_are_learned_as_text_with_a_warning_showing_each_form():
    values = [f"${v}.00" if v % 3 else f"€{v}.00" for v in range(100)]
    with pytest.warns(
        DataWarning, match=r"'price' holds amounts written in more than one form \('€0.00', '\$1.00'\)"
    ):
        assert Metadata.infer(pd.DataFrame({"price": values})).columns["price"].number_format is None


def test_an_amount_in_another_form_among_many_is_a_stray_read_as_missing():
    """One "€12.00" among 800 dollar amounts made the column text, its synthetic amounts drawn digit by
    digit (mean $4,073 against $2,071 real), and the warning quoted three dollar amounts only."""
    rng = np.random.default_rng(0)
    amounts = rng.lognormal(7, 1, 800)
    values = [f"${v:,.2f}" if i else "€12.00" for i, v in enumerate(amounts)]
    frame = pd.DataFrame({"amount": values, "k": rng.choice(["a", "b"], 800)})
    assert Metadata.infer(frame).columns["amount"].number_format == "$#,##0.00"
    with pytest.warns(
        DataWarning, match=r"'amount': 1 value\(s\) that are not numbers written as '\$#,##0.00' \('€12"
    ):
        model = get_model("copula", random_state=0).fit(frame)
    fake = model.sample(2_000, random_state=0)["amount"]
    numbers = fake.str.replace(r"[$,]", "", regex=True).astype(float)
    assert abs(numbers.mean() / amounts[1:].mean() - 1) < 0.15


def test_a_number_kind_given_without_a_format_keeps_the_inferred_one(payments):
    given = Metadata.from_dict({"columns": {"amount": {"kind": "continuous"}}})
    assert given.completed(payments).columns["amount"].number_format == "$#,##0.00"


def test_metadata_learns_formatted_columns_and_keeps_the_format_in_json(payments):
    frame = payments.assign(invoice=[f"INV-{1000 + i}" for i in range(len(payments))])
    meta = Metadata.infer(frame)
    assert meta.columns["amount"].kind == ColumnKind.CONTINUOUS
    assert meta.columns["amount"].number_format == "$#,##0.00"  # the "?" marks are missing values
    assert meta.columns["fee"].number_format == "0.0%"
    assert meta.columns["invoice"].kind == ColumnKind.IDENTIFIER
    assert Metadata.from_dict(meta.to_dict()).columns == meta.columns


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"kind": "continuous", "number_format": "12"}, "not a number pattern"),
        ({"kind": "categorical", "number_format": "$0"}, "needs a number kind"),
    ],
)
def test_metadata_json_with_a_bad_number_format_is_refused(tmp_path, spec, fragment):
    with pytest.raises(ConfigError, match=fragment):
        Metadata.from_dict({"columns": {"amount": spec}})
    path = tmp_path / "kinds.json"
    path.write_text(json.dumps({"columns": {"amount": spec}}))
    with pytest.raises(ConfigError, match=rf"^{tmp_path}/kinds.json: .*{fragment}"):  # the file named
        Metadata.load(path)


@pytest.mark.parametrize("name", ["copula", "tvae"])
def test_models_learn_amounts_and_write_them_in_their_format(tmp_path, payments, name):
    settings = {"epochs": 300} if name == "tvae" else {}
    model = get_model(name, random_state=0, **settings).fit(payments)
    fake = model.sample(2000)
    present = fake["amount"][fake["amount"] != "?"]
    assert present.str.fullmatch(r"\$\d{1,3}(,\d{3})*\.\d\d").all()
    assert fake["fee"].str.fullmatch(r"\d\.\d%").all()
    assert 0.01 < (fake["amount"] == "?").mean() < 0.1  # the "?" rows come back as "?"
    real, synthetic = as_numbers(payments["amount"]), as_numbers(fake["amount"])
    assert real.min() <= synthetic.min() and synthetic.max() <= real.max()
    # amounts are numbers the model ties to the kind of payment: rent is the large amounts
    rent = synthetic[fake["kind"] == "rent"].median()
    grocery = synthetic[fake["kind"] == "grocery"].median()
    assert rent > 10 * grocery
    model.save(tmp_path / "m.synthloom")
    assert load(tmp_path / "m.synthloom").sample(50, random_state=1).equals(model.sample(50, random_state=1))


def test_a_range_condition_may_be_written_in_the_columns_format(payments):
    model = get_model("copula", random_state=0).fit(payments)
    fake = model.sample(40, conditions={"amount": ("$1,000.00", "$1,400")})
    assert as_numbers(fake["amount"]).between(1000, 1400).all()


def test_evaluation_compares_formatted_columns_as_numbers(payments):
    tables = prepare(payments, payments.iloc[::-1].reset_index(drop=True))
    assert "amount" in tables.numeric and "fee" in tables.numeric
    assert tables.real["amount"].max() == as_numbers(payments["amount"]).max()


def test_an_inequality_keeps_a_high_side_with_few_values_to_those_values():
    """Limits of $500, $1,000, $2,000 or $5,000 rebuilt as balance + gap gave 1,297 distinct limits."""
    rng = np.random.default_rng(0)
    limit = rng.choice([500, 1000, 2000, 5000], 800)
    frame = pd.DataFrame(
        {"balance": dollars(np.round(limit * rng.uniform(0, 1, 800), 2)), "limit": dollars(limit)}
    )
    model = get_model("copula", random_state=0).fit(frame, constraints=[Inequality("balance", "limit")])
    fake = model.sample(3000)
    assert set(fake["limit"]) == {"$500.00", "$1,000.00", "$2,000.00", "$5,000.00"}
    assert (as_numbers(fake["balance"]) <= as_numbers(fake["limit"])).all()


def test_an_inequality_keeps_the_high_side_in_its_range_and_on_its_grid():
    """A limit rebuilt as balance + gap went over the real maximum (6% of rows) and off whole hundreds."""
    rng = np.random.default_rng(0)
    limit = np.round(rng.uniform(1000, 5000, 800), -2)
    frame = pd.DataFrame(
        {"balance": dollars(np.round(limit * rng.uniform(0, 1, 800), 2)), "limit": dollars(limit)}
    )
    model = get_model("copula", random_state=0).fit(frame, constraints=[Inequality("balance", "limit")])
    fake = model.sample(3000)
    balance, high = as_numbers(fake["balance"]), as_numbers(fake["limit"])
    assert (balance <= high).all()
    assert high.max() <= limit.max() and high.min() >= limit.min()
    assert fake["limit"].str.fullmatch(r"\$\d{1,3}(,\d{3})*\.00").all()  # whole dollars, as the real limits


def test_signs_are_written_where_the_real_values_write_them():
    """ "+5.2%" came back "5.2%", and "$-7.08" as "-$7.08"."""
    rng = np.random.default_rng(0)
    changes = rng.normal(0, 3, 400)
    frame = pd.DataFrame(
        {
            "change": [f"{v:+.1f}%" for v in changes],
            "amount": [f"${v:.2f}" if v >= 0 else f"$-{-v:.2f}" for v in rng.normal(20, 40, 400)],
        }
    )
    model = get_model("copula", random_state=0).fit(frame)
    assert model.metadata_.columns["change"].number_format == "+0.0%;-0.0%"
    assert model.metadata_.columns["amount"].number_format == "$0.00;$-0.00"
    fake = model.sample(500, random_state=0)
    assert (
        fake["change"].str.fullmatch(r"[+-]\d+\.\d%").all()  # "+0.0%" as "%+.1f" writes a zero, not "0.0%"
        and fake["change"].str.startswith("+").mean() > 0.3
    )
    assert NumberFormat.parse("+0.0%;-0.0%").write(np.array([0.0, -0.01]), "change").tolist() == ["+0.0%"] * 2
    assert fake["amount"].str.fullmatch(r"\$-?\d+\.\d\d").all() and fake["amount"].str.startswith("$-").any()
    for pattern in ("+0.0%;-0.0%", "$0.00;$-0.00", "$#,##0.00;($#,##0.00)", "0;-0"):
        assert str(NumberFormat.parse(pattern)) == ("0" if pattern == "0;-0" else pattern)
    with pytest.raises(ConfigError, match=r"'-0\.0%' is not a number pattern"):  # wrote 6.2 as "-6.2%"
        NumberFormat.parse("-0.0%")


def test_fixed_decimals_and_signs_are_read_from_arrow_text_as_from_a_column():
    """A CSV's number columns are checked as pyarrow text (nulls: missing values), without a Python string
    per value: the same answers as for a column of text."""
    import pyarrow as pa

    from synthloom.data.number_text import fixed_text_decimals, writes_plus

    cases = [
        (["+1.26", " -0.40", "+0.00", None], 2, True),
        (["1.26", "+0.40"], 2, False),  # one positive value without "+": as pandas writes numbers
        (["-1.26", "-0.40"], 2, False),  # no value to write a "+" on
        (["+3", "-2"], None, True),
        (["1.5", "2.25"], None, False),
        (["1e-05", "2.00"], None, False),
        ([None, None], None, False),
    ]
    for texts, decimals, plus in cases:
        for given in (pd.Series(texts, dtype=object), pa.array(texts, type=pa.string())):
            assert (fixed_text_decimals(given), writes_plus(given)) == (decimals, plus), texts
    assert fixed_text_decimals(pa.array([None, None])) is None  # an empty column comes typed null


def test_text_with_a_huge_exponent_is_read_without_crashing_the_process():
    """One 12-character hex id in about 300 reads as a number with an exponent past 2**31
    ("1e2147483648"), on which pandas' parser crashed the process (exit code 139: `synthloom fit` on 1,000
    hex ids) or misread it ("1e4294967296" as 1.0). Inferred apart, so that a crash fails this test only."""
    import subprocess
    import sys

    from synthloom.data.number_text import to_numbers

    huge = ["1e2147483648", "-1e2147483648", "1e4294967296", "1e-2147483648"]
    assert to_numbers(pd.Series(huge)).tolist() == [np.inf, -np.inf, np.inf, 0.0]
    code = (
        "import pandas as pd; from synthloom.data.metadata import Metadata; "
        f"ids = pd.Series({huge!r} + [f'{{i:012x}}' for i in range(996)]); "
        "print(Metadata.infer(pd.DataFrame({'id': ids})).kinds())"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "'id': 'identifier'" in run.stdout
