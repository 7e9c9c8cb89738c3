import pytest

from synthloom.errors import ConfigError
from synthloom.sampling import parse_condition_options, parse_row_count


def test_row_counts_from_text():
    assert (
        parse_row_count("1_000") == 1000 and parse_row_count("1e6") == 1_000_000 and parse_row_count("0") == 0
    )
    for bad in ("-1", "2.5", "lots", ""):
        with pytest.raises(ConfigError, match="row count"):
            parse_row_count(bad)


def test_condition_options():
    assert parse_condition_options(["income=>50K", " age = 30..40", "city=New=York"]) == {
        "income": ">50K",
        "age": (" 30", "40"),
        "city": "New=York",
    }
    for bad in ("income", "=x"):
        with pytest.raises(ConfigError, match="COLUMN=VALUE"):
            parse_condition_options([bad])
