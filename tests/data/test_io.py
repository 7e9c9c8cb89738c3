"""Reading tables: a reader's error without a message still gives a one-line DataError."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthloom.data.io import first_line, read_table
from synthloom.errors import DataError


def test_a_csv_error_without_a_message_names_its_type(tmp_path, monkeypatch):
    """A ParserError with an empty message raised IndexError from splitlines()[0]."""
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")

    def fails(*args, **kwargs):
        raise pd.errors.ParserError()

    monkeypatch.setattr(pd, "read_csv", fails)
    with pytest.raises(DataError, match=r"not a well-formed CSV \(ParserError\)"):
        read_table(path)


def test_a_parquet_error_without_a_message_names_its_type(tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_parquet(path)

    def fails(*args, **kwargs):
        raise pa.ArrowInvalid("")

    monkeypatch.setattr(pq, "read_table", fails)
    with pytest.raises(DataError, match=r"not a readable Parquet file \(ArrowInvalid\)"):
        read_table(path)


def test_first_line_skips_blank_lines():
    assert first_line(ValueError("\n  bad row 3  \ndetails")) == "bad row 3"
    assert first_line(ValueError()) == "ValueError"
