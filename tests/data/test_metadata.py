import numpy as np
import pandas as pd
import pytest

from synthloom.data.metadata import ColumnKind, Metadata
from synthloom.errors import ConfigError, DataError


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


def test_duplicate_column_names_refused():
    frame = pd.DataFrame(np.zeros((3, 2)), columns=["a", "a"])
    with pytest.raises(DataError, match="duplicate column"):
        Metadata.infer(frame)
