"""prepare() refuses tables that cannot be compared; the shared encoding and neighbour search are right."""

from __future__ import annotations

import datetime
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import NearestNeighbors

from synthloom.data.metadata import ColumnKind, ColumnSpec, Metadata
from synthloom.errors import DataError, DataWarning
from synthloom.metrics import TableEncoder, prepare
from synthloom.metrics.encoding import nearest_neighbours


def test_mismatched_columns_are_named(related_test):
    synthetic = related_test.drop(columns="x").assign(extra=1)
    with pytest.raises(DataError, match=r"lacks \['x'\] and has extra \['extra'\]"):
        prepare(related_test, synthetic)


def test_fewer_than_ten_rows_is_refused(related_test):
    with pytest.raises(DataError, match="synthetic data has 9 row"):
        prepare(related_test, related_test.head(9))


def test_text_in_a_numeric_column_is_refused_with_examples(related_test):
    synthetic = related_test.astype({"x": object})
    synthetic.loc[3, "x"] = "n/a"
    with pytest.raises(
        DataError, match=r"column 'x' is continuous but holds non-numeric values such as \['n/a'\]"
    ):
        prepare(related_test, synthetic)


def test_a_frame_that_is_not_a_dataframe_is_refused(related_test):
    with pytest.raises(DataError, match="must be a pandas DataFrame"):
        prepare(related_test, related_test.to_numpy())


def test_identifier_and_empty_columns_are_left_out_with_a_note(mixed_frame):
    tables = prepare(mixed_frame, mixed_frame)
    assert "customer_id" not in tables.columns and "empty" not in tables.columns
    assert any("'empty' is empty in the real data" in note for note in tables.notes)
    assert tables.real["opened"].dtype == float  # datetimes compared as seconds
    # training rows that are the real rows too: their ids once, still an identifier's (given twice, they
    # repeated and were compared as data)
    assert "customer_id" not in prepare(mixed_frame, mixed_frame, train=mixed_frame).columns


def test_metadata_overrides_the_columns_it_names_and_the_others_are_inferred(related_test):
    partial = Metadata({"count": ColumnSpec(ColumnKind.CATEGORICAL)})
    tables = prepare(related_test, related_test, metadata=partial)
    inferred = prepare(related_test, related_test)
    assert tables.columns == inferred.columns and "count" in inferred.numeric
    assert "count" in tables.discrete and tables.numeric == [c for c in inferred.numeric if c != "count"]
    with pytest.raises(DataError, match=r"lacks column\(s\) \['nope'\]"):
        prepare(related_test, related_test, metadata=Metadata({"nope": ColumnSpec(ColumnKind.CATEGORICAL)}))


def test_encoding_puts_ranks_in_unit_range_and_categories_one_apart(related_test):
    tables = prepare(related_test, related_test)
    encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real)
    matrix = encoder.transform(tables.real)
    # a rank per numeric column; per discrete column a slot per category and one "other" (no value missing)
    width = len(tables.numeric) + sum(tables.real[name].nunique() + 1 for name in tables.discrete)
    assert matrix.shape == (len(related_test), width)
    assert matrix.min() >= 0 and matrix.max() <= 1
    one_segment = TableEncoder([], ["segment"]).fit(tables.real)
    low, high = one_segment.transform(pd.DataFrame({"segment": ["low", "high"]}))
    assert np.linalg.norm(low - high) == pytest.approx(1.0)
    unseen = one_segment.transform(pd.DataFrame({"segment": ["never seen"]}))
    assert unseen[0, -1] > 0  # the "other" slot
    gaps = tables.real.head(1).assign(x=np.nan, segment=None)
    for others, width in (((), 1 + 3 + 1), ((gaps,), 2 + 3 + 2)):  # a gap anywhere adds a missing slot
        encoder = TableEncoder(["x"], ["segment"]).fit(tables.real, *others)
        assert encoder.transform(tables.real).shape == (len(tables.real), width)


def test_nearest_neighbours_match_sklearn():
    rng = np.random.default_rng(0)
    reference, queries = rng.normal(size=(300, 5)), rng.normal(size=(120, 5))
    distances, positions = nearest_neighbours(queries, reference, k=3)
    expected_distances, expected_positions = (
        NearestNeighbors(n_neighbors=3).fit(reference).kneighbors(queries)
    )
    assert np.allclose(distances, expected_distances)
    assert (positions == expected_positions).all()
    own, _ = nearest_neighbours(reference, reference, k=1, exclude_self=True)
    expected_own = NearestNeighbors(n_neighbors=2).fit(reference).kneighbors(reference)[0][:, 1]
    assert np.allclose(own[:, 0], expected_own)


def test_a_boolean_column_is_one_level_per_value_whatever_its_spelling():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"flag": rng.random(40) < 0.3, "x": rng.normal(size=40)})
    as_numbers = real.assign(flag=real["flag"].astype(int))  # a CSV or another tool wrote it as 0/1
    as_text = real.assign(flag=real["flag"].map({True: "true", False: "false"}))
    for synthetic in (as_numbers, as_text):
        tables = prepare(real, synthetic)
        assert tables.synthetic["flag"].tolist() == real["flag"].tolist()
        encoder = TableEncoder(tables.numeric, tables.discrete).fit(tables.real)
        np.testing.assert_array_equal(encoder.transform(tables.synthetic), encoder.transform(tables.real))


def test_stamps_with_a_zone_against_stamps_without_are_pointed_out():
    from synthloom.errors import DataWarning

    stamps = pd.date_range("2024-01-01", periods=40, freq="h")
    real = pd.DataFrame({"ts": stamps.tz_localize("Europe/Berlin"), "x": np.arange(40.0)})
    naive = real.assign(ts=stamps)
    with pytest.warns(DataWarning, match="'ts': the real data has a time zone and the synthetic data none"):
        prepare(real, naive)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        prepare(real, real.copy())  # the same kind on both sides: nothing to say


def test_each_datetime_column_keeps_the_clock_its_stamps_are_written_on():
    """The cleaned tables hold UTC seconds: the zone each column is written in is kept for the report's
    figures, which drew 21:00+01:00 at 20:00 without saying whose clock that was."""
    utc = pd.date_range("2024-03-30 20:00", periods=40, freq="17min", tz="UTC")
    offsets = ["+02:00", "-04:00", "+05:30", "+01:00"] * 10
    real = pd.DataFrame(
        {
            "naive": utc.tz_localize(None),
            "cet": utc.tz_convert("+01:00").strftime("%Y-%m-%dT%H:%M:%S+01:00"),
            "berlin": utc.tz_convert("Europe/Berlin"),
            "berlin_text": [stamp.isoformat() for stamp in utc.tz_convert("Europe/Berlin")],
            "mixed": [stamp.tz_convert(at).isoformat() for stamp, at in zip(utc, offsets, strict=True)],
            "zulu": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
    )
    zones = prepare(real, real).zones
    assert zones["naive"] is None
    assert pd.Timestamp("2024-01-01", tz=zones["cet"]).utcoffset() == pd.Timedelta(hours=1)
    assert str(zones["berlin"]) == str(zones["berlin_text"]) == "Europe/Berlin"
    assert zones["mixed"] == zones["zulu"] == datetime.UTC


def test_synthetic_stamps_written_as_other_iso_text_are_read_as_stamps():
    """Real stamps written "2026-10-18 23:03:18.804828053" set the column's format; the same stamps written
    "2026-10-18T23:03:18.804828" in the synthetic rows were refused as not parsing with it."""
    stamps = pd.Series(pd.date_range("2026-10-18 00:00:00.804828", periods=30, freq="37min"))
    real = pd.DataFrame({"when": stamps.dt.strftime("%Y-%m-%d %H:%M:%S.%f") + "053", "x": np.arange(30.0)})
    synthetic = real.assign(when=stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%f"))
    tables = prepare(real, synthetic)
    np.testing.assert_array_equal(tables.synthetic["when"].to_numpy(), tables.real["when"].to_numpy())
    with pytest.raises(DataError, match=r"values such as \['soon'\] do not parse"):
        prepare(real, synthetic.assign(when=["soon"] * 3 + list(synthetic["when"].iloc[3:])))  # 10%: refused


def test_a_few_stamps_in_another_form_are_missing_values_as_fitting_reads_them():
    """`fit` learns a column whose stamps take one form but for up to 5% strays (read as missing, with a
    warning); `evaluate --model` refused that very table."""
    stamps = pd.Series(pd.date_range("2024-01-01", periods=200, freq="7h").strftime("%Y-%m-%d %H:%M"))
    real = pd.DataFrame({"when": stamps, "amount": np.arange(200.0)})
    strays = real.copy()
    strays.loc[:3, "when"] = ["01/05/2024 02:08", "02/05/2024 19:41", "03/05/2024 06:47", "04/05/2024 11:00"]
    with pytest.warns(DataWarning, match="4 value\\(s\\) that do not parse .* treated as missing"):
        tables = prepare(strays, real)
    assert tables.real["when"].isna().sum() == 4
    many = real.copy()
    many.loc[:29, "when"] = "01/05/2024 02:08"  # 15%: another form, not strays
    with pytest.raises(DataError, match="do not parse"):
        prepare(many, real, metadata=Metadata({"when": ColumnSpec(ColumnKind.DATETIME, "%Y-%m-%d %H:%M")}))


def test_amounts_written_in_one_format_are_read_beside_a_table_holding_them_as_numbers():
    """A model's CSV sample ("$1,134.78", "?" for a missing amount) beside its Parquet sample, which holds the
    amounts as numbers, was refused for its "$"; the other way round it was read."""
    rng = np.random.default_rng(0)
    amounts = rng.gamma(2, 500, 300).round(2)
    real = pd.DataFrame({"amt": amounts, "k": rng.choice(["a", "b"], 300)})
    written = real.assign(amt=[f"${v:,.2f}" for v in amounts]).astype({"amt": object})
    written.loc[:9, "amt"] = "?"
    tables = prepare(real, written)
    typed = prepare(real, real.assign(amt=np.where(np.arange(300) < 10, np.nan, amounts)))
    pd.testing.assert_frame_equal(tables.synthetic, typed.synthetic)
    stray = written.assign(amt=written["amt"].where(np.arange(300) != 20, "x"))  # in no one format
    with pytest.raises(DataError, match=r"column 'amt' is continuous but holds non-numeric values"):
        prepare(real, stray)
