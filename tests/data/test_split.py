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
