"""Hold-out splits shared by image and table fits: seeded, disjoint, and known again by the data's digest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthloom.data.split import SPLIT_SEED, holdout_indices, holdout_rows, table_fingerprint
from synthloom.errors import ConfigError


def test_holdout_rows_is_a_disjoint_seeded_split_of_every_row() -> None:
    table = pd.DataFrame({"row_id": np.arange(100), "x": np.linspace(0, 1, 100)}, index=np.arange(100) * 3)
    train, test = holdout_rows(table, 0.2)
    assert (len(train), len(test)) == (80, 20)
    assert not set(train["row_id"]) & set(test["row_id"])
    assert set(train["row_id"]) | set(test["row_id"]) == set(range(100))
    assert list(test.index) == list(range(20))  # each part numbered from 0
    _, positions = holdout_indices(100, 0.2, SPLIT_SEED)
    assert list(test["row_id"]) == list(positions)  # the positions images are split by, too
    assert holdout_rows(table, 0.2)[1].equals(test)
    assert not holdout_rows(table, 0.2, seed=1)[1].equals(test)
    with pytest.raises(ConfigError, match=r"holdout must be in \[0, 1\)"):
        holdout_rows(table, 1.0)


def test_the_fingerprint_names_the_content_wherever_it_is_read_from(tmp_path) -> None:
    table = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", None], "c": [0.5, np.nan, 2.25]})
    path = tmp_path / "t.csv"
    table.to_csv(path, index=False)
    table.to_parquet(tmp_path / "t.parquet", index=False)
    digest = table_fingerprint(table)
    assert table_fingerprint(pd.read_csv(path)) == digest
    assert table_fingerprint(pd.read_parquet(tmp_path / "t.parquet")) == digest
    assert table_fingerprint(table.set_axis([7, 8, 9])) == digest  # the index is no content
    assert table_fingerprint(table.assign(a=[1, 2, 4])) != digest
    assert table_fingerprint(table.rename(columns={"a": "z"})) != digest
    assert table_fingerprint(table.head(2)) != digest


def test_the_fingerprint_reads_cells_as_the_model_does_not_as_the_file_typed_them(tmp_path) -> None:
    """A CSV's text stamps and NaN, and its Parquet copy's datetimes and None, were other content: `evaluate
    tx.parquet --model` refused the table fitted from tx.csv ("12,000 rows; 12,000 here")."""
    from synthloom.data.io import read_table

    table = pd.DataFrame(
        {
            "at": ["2024-01-01 00:30:46+00:00", "2024-03-31 23:59:59+00:00", "2024-07-04 12:00:00+00:00"],
            "country": ["DE", None, "FR"],
            "amount": [94.11, -0.0, 3.0],
            "paid": [True, False, True],
            "count": [1, 2, 3],
        }
    )
    table.to_csv(tmp_path / "t.csv", index=False)
    typed = table.assign(at=pd.to_datetime(table["at"], utc=True), amount=[94.11, 0.0, 3.0])
    typed.to_parquet(tmp_path / "t.parquet", index=False)
    text, stamps = read_table(tmp_path / "t.csv"), read_table(tmp_path / "t.parquet")
    assert text["at"].dtype == object and str(stamps["at"].dtype) == "datetime64[ns, UTC]"
    assert text["country"].iloc[1] is not stamps["country"].iloc[1]  # NaN against None
    digest = table_fingerprint(text)
    assert table_fingerprint(stamps) == digest
    assert table_fingerprint(stamps.assign(count=stamps["count"].astype(float))) == digest  # 1 is 1.0
    assert table_fingerprint(stamps.assign(at=stamps["at"].dt.tz_convert("Europe/Berlin"))) == digest
    # other values are still other content: a stamp a second later, a missing value filled, text changed
    later = stamps.assign(at=stamps["at"] + pd.Timedelta(seconds=1))
    for other in (later, stamps.fillna({"country": "NL"}), text.assign(country=["DE", "None", "FR"])):
        assert table_fingerprint(other) != digest
    # text that is not stamps throughout is text, not stamps with a gap
    assert table_fingerprint(text.assign(at=[*text["at"][:2], "soon"])) != digest


def test_the_fingerprint_tells_whole_numbers_past_float64_apart() -> None:
    """Numbers were hashed as float64, so integers past 2**53 that round to one float were one content
    (card numbers 2**60 and 2**60 + 1, int64, uint64 or Python ints); 1 and 1.0 still are one."""
    import decimal

    near = [2**60, 5]
    digest = table_fingerprint(pd.DataFrame({"card": np.array(near, dtype=np.int64)}))
    for dtype in (np.int64, np.uint64, object):
        assert table_fingerprint(pd.DataFrame({"card": np.array([2**60 + 1, 5], dtype=dtype)})) != digest
    assert table_fingerprint(pd.DataFrame({"card": np.array(near, dtype=np.uint64)})) == digest
    assert table_fingerprint(pd.DataFrame({"card": np.array(near, dtype=object)})) == digest
    assert table_fingerprint(pd.DataFrame({"card": [float(2**60), 5.0]})) == digest  # the same number
    top = pd.DataFrame({"card": np.array([2**64 - 1, 2**64 - 2], dtype=np.uint64)})
    assert table_fingerprint(top) != table_fingerprint(top.assign(card=top["card"][::-1].to_numpy()))
    huge = pd.DataFrame({"card": [decimal.Decimal(2**70 + 1), 3]})
    assert table_fingerprint(huge) != table_fingerprint(huge.assign(card=[decimal.Decimal(2**70), 3]))
    small = pd.DataFrame({"count": [1, 2, 3]})
    assert table_fingerprint(small) == table_fingerprint(small.astype(float))
