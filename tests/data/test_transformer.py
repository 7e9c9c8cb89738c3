import datetime
import decimal
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthloom import get_model, load
from synthloom.data.encoders import epoch_seconds, row_argmax, to_float
from synthloom.data.metadata import Metadata
from synthloom.data.transformer import TableTransformer
from synthloom.errors import ConditionError, DataError, DataWarning, NotFittedError


def assert_same_table(real: pd.DataFrame, back: pd.DataFrame, regenerated: tuple[str, ...] = ()) -> None:
    """Equal up to float32 precision on continuous values; exact everywhere else but regenerated ids."""
    assert list(back.columns) == list(real.columns)
    for name in real.columns.drop(list(regenerated)):
        a, b = real[name], back[name]
        assert a.isna().tolist() == b.isna().tolist(), name
        if pd.api.types.is_float_dtype(a):
            span = float(np.nanmax(a) - np.nanmin(a)) if a.notna().any() else 0.0
            np.testing.assert_allclose(
                b.to_numpy(float), a.to_numpy(float), atol=1e-5 * span + 1e-9, err_msg=name
            )
        else:
            assert a.dtype == b.dtype, name
            assert a.dropna().tolist() == b.dropna().tolist(), name


@st.composite
def tables(draw):
    n = draw(st.integers(12, 60))
    floats = st.floats(-1e4, 1e4, allow_nan=False).map(lambda v: round(v, 2))
    values = draw(st.lists(st.one_of(floats, st.just(np.nan)), min_size=n, max_size=n))
    ints = draw(st.lists(st.integers(-50, 10_000), min_size=n, max_size=n))
    cats = draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    flags = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    frame = pd.DataFrame({"x": values, "k": ints, "c": pd.Series(cats, dtype=object), "f": flags})
    return frame


@pytest.mark.parametrize("numeric", ["gmm", "quantile", "spikes"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=tables())
def test_round_trip_is_exact(numeric, frame):
    transformer = TableTransformer(numeric=numeric, random_state=0).fit(frame)
    matrix = transformer.transform(frame)
    assert matrix.dtype == np.float32 and matrix.shape == (len(frame), transformer.output_dim)
    assert_same_table(frame, transformer.inverse_transform(matrix))


@pytest.mark.parametrize("numeric", ["gmm", "quantile", "spikes"])
def test_round_trip_every_kind(mixed_frame, numeric):
    transformer = TableTransformer(numeric=numeric).fit(mixed_frame)
    back = transformer.inverse_transform(transformer.transform(mixed_frame))
    assert_same_table(mixed_frame, back, regenerated=("customer_id",))


def test_round_trip_real_data(default_frame):
    transformer = TableTransformer().fit(default_frame)
    assert_same_table(default_frame, transformer.inverse_transform(transformer.transform(default_frame)))


def test_spikes_give_frequent_exact_values_a_category_of_their_own():
    rng = np.random.default_rng(0)
    n = 4_000
    gain = np.where(rng.random(n) < 0.9, 0.0, rng.lognormal(8, 1, n).round())
    gain[:100] = 7_688.0  # 2.5% of the rows hold this exact amount
    gain[100:110] = 1_234.0  # 10 rows: too few to be a spike
    frame = pd.DataFrame({"gain": gain})
    transformer = TableTransformer(numeric="spikes").fit(frame)
    value, spike = transformer.spans
    assert (value.role, spike.role, spike.width) == ("value", "spike", 3)  # 0, 7,688, none of them
    matrix = transformer.transform(frame)
    named = matrix[:, spike.start : spike.stop].argmax(axis=1)
    np.testing.assert_array_equal(named, np.select([gain == 0, gain == 7_688], [0, 1], 2))
    assert (matrix[named < 2, value.start] == 0).all()  # the score is left to the other rows
    assert_same_table(frame, transformer.inverse_transform(matrix))
    # a row whose group names a spike decodes to it exactly, whatever its score says
    matrix[:, value.start] = 3.0
    back = transformer.inverse_transform(matrix)["gain"].to_numpy()
    np.testing.assert_array_equal(back[named < 2], gain[named < 2])
    assert (back[named == 2] > 7_688).all()
    # the score's scale is that of the other values: its low end is their minimum, not the zero spike
    matrix[:, value.start] = -6.0
    low = transformer.inverse_transform(matrix)["gain"].to_numpy()[named == 2]
    np.testing.assert_array_equal(low, gain[named == 2].min())


@pytest.mark.parametrize("numeric", ["gmm", "quantile", "spikes"])
def test_a_column_with_one_present_value_and_the_rest_missing(numeric):
    # found by hypothesis: the mixture refused to fit a single value
    frame = pd.DataFrame({"x": [np.nan, 2.0, *[np.nan] * 10], "c": ["a", "b"] * 6})
    transformer = TableTransformer(numeric=numeric, random_state=0).fit(frame)
    assert_same_table(frame, transformer.inverse_transform(transformer.transform(frame)))


def test_mixture_modes_on_one_exact_value_stay_exact_when_decoded():
    rng = np.random.default_rng(0)
    n = 4_000
    loss = np.where(rng.random(n) < 0.95, 0.0, rng.normal(1_900, 300, n).round())  # adult's capital-loss
    frame = pd.DataFrame({"loss": loss})
    transformer = TableTransformer(numeric="gmm").fit(frame)
    value, modes = transformer.spans
    matrix = transformer.transform(frame)
    zero_mode = matrix[loss == 0, modes.start : modes.stop].argmax(axis=1)
    assert (zero_mode == zero_mode[0]).all()
    # whatever value the generator gives within the zero mode (tanh: -1 to 1), it decodes to 0, not to a
    # band around it (the mixture's own estimate of that mode's spread was several units wide)
    for scaled in (-1.0, -0.3, 0.4, 1.0):
        matrix[loss == 0, value.start] = scaled
        back = transformer.inverse_transform(matrix)["loss"].to_numpy()
        np.testing.assert_array_equal(back[loss == 0], 0.0)
    # a spike with a few other values in its mode: the spike stays exact, and the others get a mode of
    # their own within the generator's tanh range (not pushed out to the edge of a far-off mode)
    small = rng.random(n) < 0.03
    mixed = np.where(small, rng.integers(1, 6, n), loss)
    transformer = TableTransformer(numeric="gmm").fit(pd.DataFrame({"loss": mixed}))
    value, modes = transformer.spans
    matrix = transformer.transform(pd.DataFrame({"loss": mixed}))
    assert (np.abs(matrix[small, value.start]) <= 1).all()
    matrix[mixed == 0, value.start] = 1.0
    back = transformer.inverse_transform(matrix)["loss"].to_numpy()
    np.testing.assert_array_equal(back[mixed == 0], 0.0)
    # a continuous column's overlapping modes keep the mixture's spread: no mode narrowed to a sliver
    income = rng.lognormal(10, 0.5, n)
    (encoder,) = TableTransformer(numeric="gmm").fit(pd.DataFrame({"income": income})).encoders_
    assert min(encoder.stds) > 0.05 * income.std()


@pytest.mark.parametrize(("zeros", "others"), [(6_990, 10), (20_000, 3)])
def test_a_spikes_few_other_values_get_a_mode_within_tanh_range(zeros, others):
    """Like loans' late fees (35 values of 15 - 53 beside 6,965 zeros): 10 such values weigh too little for a
    mixture mode, and 3 among 20,000 can be missed by the mixture's 5,000-row subsample altogether."""
    rng = np.random.default_rng(1)
    fees = np.concatenate([np.zeros(zeros), rng.uniform(15, 53, others).round(2)])
    frame = pd.DataFrame({"fee": rng.permutation(fees)})
    transformer = TableTransformer(numeric="gmm", random_state=0).fit(frame)
    value, modes = transformer.spans
    matrix = transformer.transform(frame)
    assert np.abs(matrix[:, value.start]).max() <= 1.0  # the floor would scale them to ~10^5
    nonzero = frame["fee"].to_numpy() > 0
    assert set(matrix[nonzero, modes.start : modes.stop].argmax(axis=1)).isdisjoint(
        matrix[~nonzero, modes.start : modes.stop].argmax(axis=1)
    )
    assert_same_table(frame, transformer.inverse_transform(matrix))


def test_spikes_with_missing_values_datetimes_and_a_state_round_trip():
    import json

    rng = np.random.default_rng(1)
    n = 3_000
    amount = np.where(rng.random(n) < 0.5, 0, rng.integers(100, 100_000, n))  # int64, half exact zeros
    opened = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 3_000, n), unit="D"))
    opened = opened.where(rng.random(n) > 0.2, pd.Timestamp("1900-01-01"))  # a placeholder date
    fee = np.where(rng.random(n) < 0.3, 25.0, rng.normal(50, 10, n).round(2))
    fee[rng.random(n) < 0.1] = np.nan
    frame = pd.DataFrame({"amount": amount, "opened": opened, "fee": fee})
    transformer = TableTransformer(numeric="spikes").fit(frame)
    roles = {(s.column, s.role) for s in transformer.spans}
    assert {("amount", "spike"), ("opened", "spike"), ("fee", "spike"), ("fee", "missing")} <= roles
    again = TableTransformer.from_state(json.loads(json.dumps(transformer.to_state())))
    matrix = again.transform(frame)
    np.testing.assert_array_equal(matrix, transformer.transform(frame))
    assert_same_table(frame, again.inverse_transform(matrix))


@pytest.mark.parametrize("numeric", ["gmm", "quantile", "spikes"])
def test_scored_rows_are_those_whose_normal_score_holds_their_value(numeric):
    rng = np.random.default_rng(2)
    fee = np.where(rng.random(2_000) < 0.3, 25.0, rng.normal(50, 10, 2_000).round(2))
    fee[rng.random(2_000) < 0.1] = np.nan
    frame = pd.DataFrame({"group": rng.choice(["a", "b"], 2_000), "fee": fee})
    transformer = TableTransformer(numeric=numeric).fit(frame)
    scored = transformer.scored_rows(transformer.transform(frame))
    if numeric == "gmm":  # a mode's scaled value is no normal score
        assert scored == {}
        return
    ((column, rows),) = scored.items()
    assert column == next(s.start for s in transformer.spans if s.column == "fee")
    spike = fee == 25.0 if numeric == "spikes" else np.zeros_like(fee, dtype=bool)
    np.testing.assert_array_equal(rows, ~np.isnan(fee) & ~spike)


def test_spans_tile_the_matrix(mixed_frame):
    transformer = TableTransformer().fit(mixed_frame)
    position = 0
    for span in transformer.spans:
        assert span.start == position and span.width > 0
        assert span.activation in {"tanh", "softmax", "linear"}
        position = span.stop
    assert position == transformer.output_dim
    roles = {(s.column, s.role) for s in transformer.spans}
    assert ("amount", "missing") in roles and ("bimodal", "mode") in roles
    assert not any(s.column in {"customer_id", "country", "empty"} for s in transformer.spans)
    # the bimodal column needs (at least) two mixture modes
    assert next(s for s in transformer.spans if s.column == "bimodal" and s.role == "mode").width >= 2


def test_decoding_clips_to_the_real_range_and_regenerates_ids(mixed_frame):
    transformer = TableTransformer().fit(mixed_frame)
    wild = np.random.default_rng(1).normal(0, 5, (50, transformer.output_dim)).astype(np.float32)
    back = transformer.inverse_transform(wild)
    for name in ("bimodal", "amount", "visits"):
        assert back[name].min() >= mixed_frame[name].min() and back[name].max() <= mixed_frame[name].max()
    assert back["visits"].dtype == mixed_frame["visits"].dtype
    assert set(back["city"].dropna()) <= set(mixed_frame["city"].dropna())
    assert not set(back["customer_id"]) & set(mixed_frame["customer_id"])
    assert back["country"].eq("FR").all() and back["empty"].isna().all()


def test_high_cardinality_is_bucketed_without_blowing_up():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"merchant": [f"m{v}" for v in rng.zipf(1.3, 30_000) % 20_000], "x": rng.normal(size=30_000)}
    )
    transformer = TableTransformer(max_categories=200).fit(frame)
    assert transformer.output_dim < 220
    back = transformer.inverse_transform(transformer.transform(frame))
    assert back["merchant"].isin(set(frame["merchant"])).all()
    top = frame["merchant"].value_counts().index[:50]
    assert (back["merchant"].isin(top) == frame["merchant"].isin(top)).all()


def test_state_round_trip_is_json_and_equivalent(mixed_frame):
    import json

    transformer = TableTransformer().fit(mixed_frame)
    again = TableTransformer.from_state(json.loads(json.dumps(transformer.to_state())))
    np.testing.assert_array_equal(again.transform(mixed_frame), transformer.transform(mixed_frame))
    assert again.spans == transformer.spans


def test_category_position_and_bad_conditions(mixed_frame):
    transformer = TableTransformer().fit(mixed_frame)
    span, index = transformer.category_position("city", "Paris")
    assert span.column == "city" and 0 <= index < span.width
    with pytest.raises(ConditionError, match="never takes the value 'Rome'"):
        transformer.category_position("city", "Rome")
    with pytest.raises(ConditionError, match="not categorical"):
        transformer.category_position("amount", 3.0)


def test_inf_and_stray_strings_become_missing_with_a_warning():
    frame = pd.DataFrame(
        {"v": [1.0, 2.0, np.inf, 4.0] * 5, "w": ["1", "2", "3", "4"] * 4 + ["5", "6", "x", "8"]}
    )
    meta = Metadata.infer(frame)
    with pytest.warns(UserWarning) as caught:
        transformer = TableTransformer().fit(frame, meta)
        back = transformer.inverse_transform(transformer.transform(frame))
    messages = " ".join(str(w.message) for w in caught)
    assert "infinite" in messages and "'x'" in messages
    assert back["v"].isna().sum() == 5 and back["w"].isna().sum() == 1
    assert messages.count("infinite") == 1


def test_unfitted_transformer_refuses():
    with pytest.raises(NotFittedError):
        TableTransformer().transform(pd.DataFrame({"a": [1]}))


def test_row_argmax_is_numpys_argmax_on_strided_blocks_with_ties_and_nans():
    matrix = np.random.default_rng(0).random((500, 12)).astype(np.float32)
    matrix[:20, 3:7] = 1.0  # ties: the first wins
    matrix[20, 5] = np.nan  # a NaN wins, as in numpy
    matrix[21] = 0.0
    for start, stop in [(0, 12), (3, 7), (5, 6), (7, 12)]:
        block = matrix[:, start:stop]  # a strided view, as decoding reads the groups
        np.testing.assert_array_equal(row_argmax(block), block.argmax(axis=1))


@pytest.mark.parametrize("model", ["copula", "tvae"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris"])
def test_zone_aware_datetimes_are_sampled_in_their_zone_also_by_a_saved_model(tmp_path, model, zone):
    # hourly across Paris' change to summer time: evenly spaced instants, a wall clock that skips an hour
    stamps = pd.date_range("2024-03-30", periods=100, freq="h", tz=zone)
    frame = pd.DataFrame({"x": np.arange(100.0), "ts": stamps})
    options = {"epochs": 1, "batch_size": 100, "embedding_dim": 16} if model == "tvae" else {}
    fitted = get_model(model, random_state=0, **options).fit(frame)
    sample = fitted.sample(50, random_state=1)
    assert sample["ts"].dtype == frame["ts"].dtype
    assert sample["ts"].between(stamps.min(), stamps.max()).all()
    fitted.save(tmp_path / "m.synthloom")
    pd.testing.assert_frame_equal(load(tmp_path / "m.synthloom").sample(50, random_state=1), sample)


@pytest.mark.parametrize("numeric", ["gmm", "quantile"])
def test_zone_aware_datetimes_round_trip_through_a_json_state(numeric):
    winter_to_summer = pd.date_range("2024-03-30", periods=60, freq="h", tz="Europe/Paris")
    frame = pd.DataFrame(
        {
            "paris": pd.Series(winter_to_summer).where(np.arange(60) % 7 > 0),  # some missing
            "utc_us": pd.Series(winter_to_summer.tz_convert("UTC")).astype("datetime64[us, UTC]"),
        }
    )
    transformer = TableTransformer(numeric=numeric).fit(frame)
    again = TableTransformer.from_state(json.loads(json.dumps(transformer.to_state())))
    assert_same_table(frame, again.inverse_transform(again.transform(frame)))


def test_a_fixed_offset_zone_survives_a_json_state():
    # pyarrow reads a Parquet column stamped "+01:00" with pytz's fixed offset, whose name pandas cannot read
    frame = pd.DataFrame({"ts": pd.date_range("2024-01-01", periods=30, freq="D", tz=pytz.FixedOffset(60))})
    transformer = TableTransformer().fit(frame)
    again = TableTransformer.from_state(json.loads(json.dumps(transformer.to_state())))
    back = again.inverse_transform(again.transform(frame))["ts"]
    assert back.dt.tz.utcoffset(None) == pd.Timedelta(hours=1)
    assert back.tolist() == frame["ts"].tolist()


@pytest.mark.parametrize(
    "fmt",
    [
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%M:%S.%f",
        "%Y-%m-%d %H:%M:%S+00:00",
        "%d/%m/%Y %H:%M",
    ],
)
def test_timestamp_text_decodes_to_timestamps_in_its_own_format(fmt):
    frame = pd.DataFrame({"when": pd.date_range("2020-01-01 00:37", periods=60, freq="17h").strftime(fmt)})
    transformer = TableTransformer(random_state=0).fit(frame)
    assert transformer.metadata_.columns["when"].datetime_format == fmt
    assert_same_table(frame, transformer.inverse_transform(transformer.transform(frame)))
    wild = np.random.default_rng(1).normal(0, 2, (200, transformer.output_dim)).astype(np.float32)
    drawn = transformer.inverse_transform(wild)["when"]
    parsed, real = pd.to_datetime(drawn, format=fmt), pd.to_datetime(frame["when"], format=fmt)
    assert (parsed.dt.strftime(fmt) == drawn).all()  # written as the real values are
    assert parsed.between(real.min(), real.max()).all() and parsed.nunique() > 10


def test_fractions_of_a_second_keep_their_resolution_and_text_width():
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**9, 300), unit="ms")
    frame = pd.DataFrame(
        {
            "stamp": stamps,  # milliseconds, as a sensor log or a card transaction has them
            "short": stamps.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3],  # "...:04.225"
            "long": stamps.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),  # "...:04.225000Z"
        }
    )
    transformer = TableTransformer(random_state=0).fit(frame)
    back = transformer.inverse_transform(transformer.transform(frame))
    # float32 codes hold an instant in an 11-day span to a few milliseconds
    assert ((back["stamp"] - frame["stamp"]).abs() < pd.Timedelta("50ms")).all()
    wild = np.random.default_rng(1).normal(0, 2, (200, transformer.output_dim)).astype(np.float32)
    drawn = transformer.inverse_transform(wild)
    milliseconds = drawn["stamp"].dt.microsecond
    assert (milliseconds % 1000 == 0).all() and milliseconds.nunique() > 50  # not whole seconds
    assert drawn["short"].str.fullmatch(r"\S+ \d\d:\d\d:\d\d\.\d{3}").all()
    assert drawn["long"].str.fullmatch(r"\S+T\d\d:\d\d:\d\d\.\d{3}000Z").all()
    state = transformer.to_state()  # a file written before the width was learned: six digits, as then
    for column in state["encoders"]:
        column["state"].pop("fraction_width", None)
    old = TableTransformer.from_state(json.loads(json.dumps(state)))
    assert old.inverse_transform(wild)["short"].str.fullmatch(r"\S+ \S+\.\d{6}").all()


@pytest.mark.parametrize("seed", range(8))
def test_the_first_and_last_stamps_come_back_on_their_own_days(seed):
    # float32 codes hold a time of day to about 10 ms: the last real stamp came back a millisecond past
    # the column's end, and was moved a day inward (a day early), in 21 of 30 such tables
    rng = np.random.default_rng(seed)
    stamps = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**9, 300), unit="ms")
    frame = pd.DataFrame({"stamp": stamps})
    transformer = TableTransformer(random_state=seed).fit(frame)
    back = transformer.inverse_transform(transformer.transform(frame))["stamp"]
    assert (back - frame["stamp"]).abs().max() < pd.Timedelta("50ms")


def test_timestamp_text_with_changing_offsets_decodes_in_their_zone_with_each_offset():
    """Stamps written with a zone's winter and summer offsets came back in UTC ("+00:00"), an offset the
    real file never has: they are shown in a zone that gives those offsets, each with its own."""
    stamps = pd.date_range("2024-03-25", periods=100, freq="5h", tz="Europe/Paris")
    frame = pd.DataFrame({"when": stamps.strftime("%Y-%m-%dT%H:%M:%S%z")})
    transformer = TableTransformer(random_state=0).fit(frame)
    assert transformer.encoders_[0].text_zone in ("Europe/Berlin", "Europe/Paris")  # the same offsets
    wild = np.random.default_rng(1).normal(0, 2, (200, transformer.output_dim)).astype(np.float32)
    drawn = transformer.inverse_transform(wild)["when"]
    parsed = pd.to_datetime(drawn, utc=True)
    assert parsed.between(stamps.min(), stamps.max()).all()
    # each in Paris' offset of its instant, written as the real ones are ("+0200")
    assert drawn.tolist() == parsed.dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m-%dT%H:%M:%S%z").tolist()
    assert drawn.str.endswith("+0100").any() and drawn.str.endswith("+0200").any()
    # written with a colon ("+01:00", "+02:00"): the same, in that style
    colons = pd.DataFrame({"when": frame["when"].str.replace(r"(\d\d)$", r":\1", regex=True)})
    in_colons = TableTransformer(random_state=0).fit(colons).inverse_transform(wild)["when"]
    assert in_colons.tolist() == drawn.str.replace(r"(\d\d)$", r":\1", regex=True).tolist()
    # a file written before the zone was learned (nor the day and time of day): UTC in the real ones'
    # style, as then
    state = one_number_state(transformer, stamps)
    state["encoders"][0]["state"].pop("text_zone")
    before = TableTransformer.from_state(json.loads(json.dumps(state)))
    old = before.inverse_transform(before.transform(frame))["when"]
    assert old.str.endswith("+0000").all() and pd.to_datetime(old, utc=True).tolist() == stamps.tolist()
    # stamps of several zones (Paris and Kolkata) have no one zone: UTC
    kolkata = stamps.tz_convert("Asia/Kolkata").strftime("%Y-%m-%dT%H:%M:%S%z")
    mixed = pd.DataFrame({"when": np.where(np.arange(100) % 2, frame["when"], kolkata)})
    assert TableTransformer(random_state=0).fit(mixed).encoders_[0].text_zone is None


def test_a_kind_the_values_cannot_have_is_refused_in_one_line():
    from synthloom.errors import DataError

    frame = pd.DataFrame({"city": ["Lyon", "Nice"] * 20, "x": np.arange(40.0)})
    for kind, what in (("continuous", "number"), ("datetime", "datetime value")):
        meta = Metadata.from_dict({"columns": {"city": {"kind": kind}, "x": {"kind": "continuous"}}})
        with pytest.raises(
            DataError, match=f"'city' holds no {what} \\(e.g. 'Lyon', 'Nice'\\); (declare|fix|write) "
        ):
            TableTransformer().fit(frame, meta)


def test_nullable_integers_come_back_nullable_with_their_gaps():
    rng = np.random.default_rng(0)
    counts = pd.array(np.where(rng.random(300) < 0.2, None, rng.integers(0, 50, 300)), dtype="Int64")
    frame = pd.DataFrame({"count": counts, "x": rng.normal(size=300)})
    fake = get_model("copula", random_state=0).fit(frame).sample(400)
    assert fake["count"].dtype == "Int64" and 0 < fake["count"].isna().mean() < 0.5
    assert fake["count"].dropna().between(0, 49).all()


def test_a_date_range_condition_reads_day_first_text_dates_as_the_column_does():
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 360, 300), unit="D")
    frame = pd.DataFrame({"when": stamps.strftime("%d/%m/%Y"), "x": rng.normal(size=300)})
    model = get_model("copula", random_state=0).fit(frame)
    assert model.metadata_.columns["when"].datetime_format == "%d/%m/%Y"
    for seed in range(6):  # pandas' own guess read 3 August as 8 March on some seeds
        rows = model.sample(50, conditions={"when": ("2020-02-01", "2020-05-01")}, random_state=seed)
        read = pd.to_datetime(rows["when"], format="%d/%m/%Y")
        assert read.between("2020-02-01", "2020-05-01").all()


@pytest.mark.parametrize("offset", ["-0500", "+05:30"])
def test_text_with_an_offset_other_than_utc_is_read_as_the_instants_it_names(offset):
    stamps = pd.date_range("2020-01-01 00:37", periods=60, freq="17h", tz=offset)
    frame = pd.DataFrame({"when": stamps.strftime("%Y-%m-%dT%H:%M:%S") + offset})
    transformer = TableTransformer(random_state=0).fit(frame)
    assert transformer.metadata_.columns["when"].datetime_format == "%Y-%m-%dT%H:%M:%S%z"
    back = transformer.inverse_transform(transformer.transform(frame))["when"]
    assert back.tolist() == frame["when"].tolist()  # the same instants, shown in the same offset
    # a file written before the offset was learned (nor the day and time of day): UTC, as then
    state = one_number_state(transformer, stamps)
    state["encoders"][0]["state"].pop("offset")
    before = TableTransformer.from_state(json.loads(json.dumps(state)))
    old = before.inverse_transform(before.transform(frame))
    assert old["when"].str.endswith("+0000").all()
    assert pd.to_datetime(old["when"], utc=True).tolist() == stamps.tz_convert("UTC").tolist()


def test_a_date_range_on_a_zone_aware_column_is_read_in_its_zone():
    stamps = pd.Series(pd.date_range("2024-03-01", periods=400, freq="97min", tz="Europe/Berlin"))
    frame = pd.DataFrame({"ts": stamps, "x": np.random.default_rng(0).normal(size=400)})
    model = get_model("copula", random_state=0).fit(frame)
    fake = model.sample(200, conditions={"ts": ("2024-03-10", "2024-03-11")})
    day = fake["ts"].dt.tz_convert("Europe/Berlin")
    assert (day >= pd.Timestamp("2024-03-10", tz="Europe/Berlin")).all()  # Berlin's day, not UTC's
    assert (day < pd.Timestamp("2024-03-12", tz="Europe/Berlin")).all()  # the range's last day whole
    assert (day.dt.hour == 0).any()  # the first hour of the day is asked for too
    skipped = model.sample(5, conditions={"ts": ("2024-03-20", "2024-03-31 02:30")})  # a time DST skips
    assert (skipped["ts"] >= pd.Timestamp("2024-03-20", tz="Europe/Berlin")).all()
    with pytest.raises(
        ConditionError, match=r"range \[2024-03-01 00:00:00\+01:00, 2024-03-27 21:03:00\+01:00\]"
    ):
        model.sample(5, conditions={"ts": ("2025-03-10", "2025-03-11")})


def test_a_pandas_categorical_keeps_its_categories_and_order_also_in_a_saved_model(tmp_path):
    sizes = ["XS", "S", "M", "L", "XL"]
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            # "XL" is declared but never used: it stays in the dtype and is never sampled
            "size": pd.Categorical(rng.choice(sizes[:4], 300), categories=sizes, ordered=True),
            "x": rng.normal(size=300),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    fake = model.sample(200, random_state=1)
    assert fake["size"].dtype == real["size"].dtype  # the same categories, in the same order, ordered
    assert fake["size"].cat.categories.tolist() == sizes and fake["size"].cat.ordered
    assert set(fake["size"]) <= set(sizes[:4])
    assert pd.concat([real, fake])["size"].dtype == real["size"].dtype
    model.save(tmp_path / "m.synthloom")
    pd.testing.assert_frame_equal(load(tmp_path / "m.synthloom").sample(200, random_state=1), fake)


def test_number_and_one_value_categoricals_keep_their_dtype():
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "grade": pd.Categorical(rng.choice([1, 2, 3], 300), categories=[1, 2, 3, 4], ordered=True),
            "one": pd.Categorical(["a"] * 300, categories=["a", "b"]),  # one value used: a constant
            "x": rng.normal(size=300),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    assert model.metadata_.kinds()["grade"] == "categorical"  # declared so: not learned as integers
    fake = model.sample(50)
    assert fake["grade"].dtype == real["grade"].dtype and fake["one"].dtype == real["one"].dtype
    assert set(fake["grade"]) <= {1, 2, 3} and (fake["one"] == "a").all()


def test_pyarrow_text_columns_come_back_in_pyarrow_storage(tmp_path):
    """``string[pyarrow]`` categories came back as ``string[python]`` (and text ids as objects), while
    ``int64[pyarrow]`` numbers kept their storage."""
    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "plan": pd.Series(rng.choice(["basic", "pro", None], 300), dtype="string[pyarrow]"),
            "note": pd.Series(rng.choice(["u", "v"], 300), dtype="string[python]"),
            "ref": pd.Series([f"R{i:04d}" for i in range(300)], dtype="string[pyarrow]"),
            "x": rng.normal(size=300),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    fake = model.sample(50, random_state=0)
    assert fake.dtypes.to_dict() == real.dtypes.to_dict()
    assert fake["plan"].isna().any() and fake["ref"].str.fullmatch(r"R\d{4}").all()
    model.save(tmp_path / "m.synthloom")
    pd.testing.assert_frame_equal(load(tmp_path / "m.synthloom").sample(50, random_state=0), fake)


def test_categorical_dtypes_survive_a_json_state_and_states_without_them_load_as_before():
    codes = pd.Index([3, 1, 2, 7], dtype="int32")  # int32 categories are another dtype than int64 ones
    frame = pd.DataFrame({"n": pd.Categorical(np.tile([3, 1, 2], 20), categories=codes)})
    transformer = TableTransformer().fit(frame, Metadata.infer(frame).set_kind("n", "categorical"))
    state = json.loads(json.dumps(transformer.to_state()))
    back = TableTransformer.from_state(state).inverse_transform(transformer.transform(frame))
    assert back["n"].dtype == frame["n"].dtype and back["n"].tolist() == frame["n"].tolist()
    del state["encoders"][0]["state"]["categories"]  # a file saved before the categories were kept
    old = TableTransformer.from_state(state).inverse_transform(transformer.transform(frame))
    assert old["n"].cat.categories.tolist() == [1, 2, 3] and old["n"].tolist() == frame["n"].tolist()


def test_values_near_the_float_limit_are_learned_by_the_mixture():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"big": rng.lognormal(0, 1, 300) * 1e153, "x": rng.normal(size=300)})
    transformer = TableTransformer(random_state=0).fit(frame)  # the "gmm" encoding of ctgan / tvae
    back = transformer.inverse_transform(transformer.transform(frame))["big"]
    assert np.isfinite(back).all()
    np.testing.assert_allclose(back, frame["big"], rtol=1e-3)


def test_categories_a_model_file_cannot_store_are_refused_at_fit():
    from synthloom.errors import DataError

    rng = np.random.default_rng(0)
    binned = pd.DataFrame({"band": pd.cut(rng.normal(size=300), 4), "x": rng.normal(size=300)})
    with pytest.raises(DataError, match=r"'band' holds Interval values .* convert the column to text"):
        get_model("copula", random_state=0).fit(binned)  # not a JSON error at save, after the fit


def test_fraction_width_follows_the_formats_separator():
    from synthloom.data.encoders import _fraction_width

    dotted = pd.Series(["31.12.2020 23:59:58,25", "01.01.2021 00:00:01,50"])
    assert _fraction_width(dotted, "%d.%m.%Y %H:%M:%S,%f") == 2  # not the "12" of the date
    assert _fraction_width(pd.Series(["2020-12-31T23:59:58.125Z"]), "%Y-%m-%dT%H:%M:%S.%fZ") == 3
    assert _fraction_width(pd.Series(["2020-12-31 23:59"]), "%Y-%m-%d %H:%M") == 0


def test_a_date_asked_of_text_stamps_with_an_offset_is_that_offset_s_day():
    stamps = pd.Series(pd.date_range("2024-03-20", periods=300, freq="7h", tz="+05:30"))
    frame = pd.DataFrame({"t": stamps.dt.strftime("%Y-%m-%d %H:%M:%S") + "+05:30", "x": np.arange(300.0)})
    model = get_model("copula", random_state=0).fit(frame)
    rows = model.sample(100, conditions={"t": "2024-04-02"})
    assert rows["t"].str.startswith("2024-04-02").all()  # the day as written, not UTC's day
    with pytest.raises(ConditionError, match=r"\[2024-03-20 00:00:00\+05:30, "):
        model.sample(5, conditions={"t": "2025-01-01"})


def test_a_mixture_mode_on_one_exact_value_decodes_to_that_value():
    rng = np.random.default_rng(0)
    amount = np.round(rng.lognormal(8, 0.5, 2000), 2)
    amount[rng.random(2000) < 0.4] = 0.0
    transformer = TableTransformer(random_state=0).fit(pd.DataFrame({"amount": amount}))
    encoded = transformer.transform(pd.DataFrame({"amount": amount}))
    encoded[:, 0] += rng.normal(0, 0.3, len(encoded)).astype(np.float32)  # a model's value is never exact
    drawn = transformer.inverse_transform(encoded)["amount"]
    assert drawn[amount == 0].eq(0).all()  # was 0.01 - 0.04: the spike mode's floor spread, scaled


def test_stamps_on_a_clock_grid_are_drawn_on_it():
    """Stamps to the minute or every quarter hour came back with seconds ("10:30:39")."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2021-01-01")
    frame = pd.DataFrame(
        {
            "minute": start + pd.to_timedelta(rng.integers(0, 100_000, 400), unit="min"),
            "quarter": (start + pd.to_timedelta(rng.integers(0, 9_000, 400) * 15, unit="min")).tz_localize(
                "Asia/Kolkata"
            ),
            "second": start + pd.to_timedelta(rng.integers(0, 10**7, 400), unit="s"),
        }
    )
    fake = get_model("copula", random_state=0).fit(frame).sample(500)
    assert fake["minute"].dt.second.eq(0).all() and fake["quarter"].dt.minute.isin([0, 15, 30, 45]).all()
    assert fake["quarter"].dt.second.eq(0).all() and fake["second"].dt.second.ne(0).mean() > 0.9
    # an inequality's high side, rebuilt as low + gap, keeps the grid too
    from synthloom.data.constraints import Inequality

    ends = frame.assign(end=frame["minute"] + pd.to_timedelta(rng.integers(0, 600, 400), unit="min"))
    ruled = get_model("copula", random_state=0).fit(ends, constraints=[Inequality("minute", "end")])
    assert ruled.sample(300)["end"].dt.second.eq(0).all()
    # the zone's clock: Kolkata's whole hours (UTC's half hours), Berlin's midnights (UTC's 22:00 or 23:00)
    from synthloom.data.constraints import Range

    zoned = pd.DataFrame(
        {
            "hour": (start + pd.to_timedelta(rng.integers(0, 5_000, 400), unit="h")).tz_localize(
                "Asia/Kolkata"
            ),
            "day": (start + pd.to_timedelta(rng.integers(0, 700, 400), unit="D")).tz_localize(
                "Europe/Berlin"
            ),
        }
    )
    kept = get_model("copula", random_state=0).fit(zoned, constraints=[Range("day", high="2022-06-30")])
    fake = kept.sample(500, random_state=0)
    assert fake["hour"].dt.minute.eq(0).all() and fake["day"].dt.hour.eq(0).all()  # were 47% / 45% off
    # Berlin's 30 June is the last day kept: those past it are mirrored back onto the days before it
    last_day = pd.Timestamp("2022-06-30", tz="Europe/Berlin")
    assert last_day - pd.Timedelta(days=5) <= fake["day"].max() <= last_day


def test_stamps_on_a_grid_of_seconds_are_drawn_on_it():
    """A logger every 10 s, 15 s or 20 s came back on its grid 10% / 6% of the time ("10:39:53"), where
    minute grids were kept; stamps to the millisecond and irregular seconds stay free."""
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2024-03-01 08:00:00")
    frame = pd.DataFrame(
        {
            **{f"every_{step}": pd.date_range(start, periods=300, freq=f"{step}s") for step in (10, 15, 20)},
            "second": start + pd.to_timedelta(rng.integers(0, 10**6, 300), unit="s"),
            "milli": start + pd.to_timedelta(rng.integers(0, 10**9, 300), unit="ms"),
        }
    )
    fake = get_model("copula", random_state=0).fit(frame).sample(400)
    for step in (10, 15, 20):
        assert (fake[f"every_{step}"] - start).dt.total_seconds().mod(step).eq(0).all()
    assert fake["second"].dt.second.mod(10).ne(0).mean() > 0.8
    assert fake["milli"].dt.microsecond.ne(0).mean() > 0.9


@pytest.mark.parametrize("source", ["parquet timestamps", "parquet dates", "text"])
def test_an_open_end_past_2262_is_kept(tmp_path, source):
    # "2300-01-01" for "no end yet": past pandas' nanoseconds, once wrapped to 1715 or read as missing
    import pyarrow as pa
    import pyarrow.parquet as pq

    from synthloom.data.io import read_table
    from synthloom.metrics.encoding import prepare

    rng = np.random.default_rng(0)
    starts = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 900 * 86_400, 400), unit="s")
    ends = [pd.Timestamp("2300-01-01")] * 50 + list(starts[50:])
    if source == "text":
        path = tmp_path / "far.csv"
        pd.DataFrame({"end": [e.strftime("%d/%m/%Y %H:%M:%S") for e in ends]}).to_csv(path, index=False)
    else:
        kind = pa.date32() if source == "parquet dates" else pa.timestamp("us")
        values = [e.date() if source == "parquet dates" else e.to_pydatetime() for e in ends]
        path = tmp_path / "far.parquet"
        pq.write_table(pa.table({"end": pa.array(values, kind)}), path)
    real = read_table(path)
    real["x"] = rng.normal(size=400)
    model = get_model("copula", random_state=0).fit(real)
    assert model.metadata_.columns["end"].kind == "datetime"
    fake = model.sample(400, random_state=0)
    years = pd.Series([int(str(v)[6:10]) if source == "text" else v.year for v in fake["end"]])
    assert 0.05 < (years == 2300).mean() < 0.2 and years.isin([2024, 2025, 2026, 2300]).all()
    if source != "text":
        assert fake["end"].dtype == real["end"].dtype
    asked = model.sample(20, conditions={"end": "2300-01-01"}, random_state=0)["end"]
    assert asked.astype(str).str.contains("2300").all()
    shapes = prepare(real, fake).real["end"]  # evaluation reads them as the generator did
    assert shapes.notna().all() and shapes.max() > pd.Timestamp("2299-12-31").timestamp()


def test_dates_beside_an_open_end_keep_their_spread_in_the_mixture():
    """End dates of a few years beside 30% written 9999-12-31 ("no end"): the mixture's priors (the whole
    column's mean and variance) gave the dates a mode of 116 years' spread, and TVAE put 14% of its rows
    on the first real end date and most of the others between the last one and 9999."""
    rng = np.random.default_rng(0)
    n = 2_000
    start = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1_000, n), unit="D")
    end = (start + pd.to_timedelta(rng.integers(0, 401, n), unit="D")).strftime("%Y-%m-%d").to_numpy()
    is_open = rng.random(n) < 0.3
    frame = pd.DataFrame({"end": np.where(is_open, "9999-12-31", end), "x": rng.normal(size=n)})
    closed = frame.loc[~is_open, "end"]
    transformer = TableTransformer(numeric="gmm", random_state=0).fit(frame)
    encoder = transformer.encoders_[0]
    year = 365.25 * 86_400
    assert sorted(encoder.stds)[-1] < 2 * year  # the open end's mode is exact; the dates' spread ~1 year
    matrix = transformer.transform(frame)
    matrix[:, 0] += rng.normal(0, 0.05, n).astype(np.float32)  # a model's value is never exact
    back = transformer.inverse_transform(matrix)["end"]
    assert (back[is_open] == "9999-12-31").all()
    assert (back[~is_open] == closed.min()).mean() < 0.01 and back[~is_open].max() < "2025"
    fake = get_model("tvae", epochs=20, random_state=0).fit(frame).sample(n, random_state=0)["end"]
    assert abs((fake == "9999-12-31").mean() - is_open.mean()) < 0.05
    dates = fake[fake != "9999-12-31"]
    assert (dates == closed.min()).mean() < 0.01 and dates.max() < "2025"  # were 20% and "9xxx"


def test_readings_of_a_billionth_keep_their_spread_in_the_mixture():
    """Leak rates near 1e-9 all came back as the column's minimum or maximum: the mixture's variance floor
    (a spread of 0.001) swallowed them."""
    rng = np.random.default_rng(6)
    tiny = rng.normal(3e-9, 1e-9, 1500)
    frame = pd.DataFrame({"leak": tiny, "leak_nl": tiny * 1e9})
    transformer = TableTransformer(numeric="gmm", random_state=0).fit(frame)
    back = transformer.inverse_transform(transformer.transform(frame))
    np.testing.assert_allclose(back["leak"], tiny, rtol=0, atol=1e-13)
    mine = transformer.encoders_[0]
    assert max(mine.stds) < 1e-8 and mine._spread_floor() < 1e-13


def test_decimals_of_large_values_are_learned_to_their_float_precision():
    """934784726703.3452 was taken for a whole number: every synthetic value came back whole."""
    from synthloom.data.encoders import _learn_decimals

    rng = np.random.default_rng(0)
    assert _learn_decimals(rng.normal(1e12, 2e11, 500).round(3)) == 3
    assert _learn_decimals(np.array([0.1 + 0.2, 1.5])) == 1  # float noise is no decimal
    assert _learn_decimals(np.array([19.99, 5.0, 1e6])) == 2


def test_nearly_unique_categories_are_warned_of_as_copied():
    """599 zip codes in 600 rows were learned as categories without a word: every synthetic zip is real.
    A column declared categorical (metadata, or a pandas category dtype) is the user's choice: no warning."""
    from synthloom.errors import DataWarning

    rng = np.random.default_rng(0)
    codes = [f"{v:05d}" for v in rng.choice(99_999, 600, replace=False)]
    codes[1] = codes[0]
    frame = pd.DataFrame({"zip": codes, "city": rng.choice(["Lyon", "Nice"], 600)})
    with pytest.warns(DataWarning, match=r"'zip': 599 distinct values in 600 rows .* 'identifier'"):
        get_model("copula", random_state=0).fit(frame)
    declared = Metadata.from_dict({"columns": {"zip": {"kind": "categorical"}}})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        get_model("copula", random_state=0).fit(frame, metadata=declared)
        get_model("copula", random_state=0).fit(frame.astype({"zip": "category"}))
        get_model("copula", random_state=0).fit(frame[["city"]])


def test_a_date_asked_of_stamps_written_in_a_zones_offsets_is_that_zones_day():
    """On a Berlin column written "+01:00" / "+02:00", "2024-04-02" was read as UTC's day (02:00 to 01:45
    the next day, Berlin time)."""
    stamps = pd.date_range("2024-03-20", "2024-04-10", freq="15min", tz="Europe/Berlin")
    frame = pd.DataFrame({"ts": [t.isoformat() for t in stamps], "x": np.arange(len(stamps), dtype=float)})
    model = get_model("copula", random_state=0).fit(frame)
    day = model.sample(200, conditions={"ts": "2024-04-02"}, random_state=0)["ts"]
    assert day.str.startswith("2024-04-02T").all() and day.str.endswith("+02:00").all()
    assert (day.str[11:13] == "00").any()  # its first hour too
    assert model.sample(5, conditions={"ts": "2024-04-02T10:00"})["ts"].eq("2024-04-02T10:00:00+02:00").all()


def test_stamps_of_several_zones_come_back_zoned_in_utc():
    """Timestamps of Berlin and New York in one column (objects to pandas) came back naive: the UTC instants
    with their zone lost."""
    rng = np.random.default_rng(0)
    zones = ["Europe/Berlin", "US/Eastern"]
    stamps = [
        pd.Timestamp("2020-06-01", tz=zones[i % 2]) + pd.Timedelta(hours=int(h))
        for i, h in enumerate(rng.integers(0, 5000, 100))
    ]
    real = pd.DataFrame({"at": pd.Series(stamps, dtype=object), "x": rng.normal(size=100)})
    fake = get_model("copula", random_state=0).fit(real).sample(200, random_state=0)
    assert str(fake["at"].dtype) == "datetime64[us, UTC]"
    instants = pd.Series([s.tz_convert("UTC") for s in stamps])
    assert fake["at"].between(instants.min(), instants.max()).all()
    # stamps of one zone held as objects come back in that zone, as a column of that zone's dtype does
    berlin = real.assign(at=pd.Series([s.tz_convert("Europe/Berlin") for s in stamps], dtype=object))
    fake = get_model("copula", random_state=0).fit(berlin).sample(5, random_state=0)
    assert str(fake["at"].dtype) == "datetime64[us, Europe/Berlin]"


def test_stamps_with_and_without_a_zone_in_one_column_warn_that_the_naive_ones_are_read_as_utc():
    """Berlin stamps beside naive ones (objects to pandas) came back in UTC without a word: the naive
    stamps were read as UTC, whatever zone they were meant in."""
    stamps = [pd.Timestamp("2024-01-01 12:00") + pd.Timedelta(hours=7 * i) for i in range(60)]
    mixed = [s.tz_localize("Europe/Berlin") if i % 2 else s for i, s in enumerate(stamps)]
    real = pd.DataFrame({"at": pd.Series(mixed, dtype=object), "x": np.arange(60.0)})
    with pytest.warns(DataWarning, match=r"column 'at' mixes stamps with a time zone and stamps without "):
        model = get_model("copula", random_state=0).fit(real)
    assert str(model.sample(5, random_state=0)["at"].dtype) == "datetime64[us, UTC]"
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)  # stamps all naive, or all zoned: nothing to say
        get_model("copula", random_state=0).fit(real.assign(at=pd.Series(stamps, dtype=object)))
        zoned = [s.tz_localize("Europe/Berlin") for s in stamps]
        get_model("copula", random_state=0).fit(real.assign(at=pd.Series(zoned, dtype=object)))


def test_a_constant_column_of_python_dates_or_times_is_saved_and_comes_back_as_dates_or_times(tmp_path):
    # one date in every row (a Parquet date32 column of an extract's day): the model file's JSON could not
    # hold the date object, and save failed with "Object of type date is not JSON serializable"
    rows = 30
    real = pd.DataFrame(
        {
            "x": np.random.default_rng(0).normal(size=rows),
            "extracted": [datetime.date(2024, 3, 1)] * rows,
            "opens": [datetime.time(9, 30)] * rows,
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    back = load(model.save(tmp_path / "m.synthloom")).sample(5, random_state=0)
    assert back["extracted"].tolist() == [datetime.date(2024, 3, 1)] * 5
    assert back["opens"].tolist() == [datetime.time(9, 30)] * 5  # as a column of varying times does


@pytest.mark.parametrize("numeric", ["quantile", "spikes", "gmm"])
def test_a_number_column_of_a_few_levels_decodes_to_those_levels_only(numeric):
    # a generator's values are never exact: between two levels' quantiles the normal scores gave a value
    # between them (a term of 48), and 15 loan sizes got 10 mixture modes, which spread over several sizes
    rng = np.random.default_rng(0)
    rows = 5000
    real = pd.DataFrame(
        {
            "limit": rng.choice([500, 1000, 5000], rows),
            "term": rng.choice([36, 60], rows),
            "size": rng.choice(np.arange(1, 16) * 1000, rows),
            "income": rng.lognormal(10, 0.5, rows).round(2),
        }
    )
    transformer = TableTransformer(numeric=numeric, random_state=0).fit(real)
    matrix = transformer.transform(real)
    values = [span.start for span in transformer.spans if span.role == "value"]
    matrix[:, values] += rng.normal(0, 0.3, (rows, len(values))).astype(np.float32)
    if numeric == "gmm":
        matrix[:, values] = np.clip(matrix[:, values], -1, 1)  # tanh's range
    back = transformer.inverse_transform(matrix)
    for name in ("limit", "term", "size"):
        assert back[name].isin(real[name].unique()).all(), name
    assert (~back["income"].isin(real["income"])).mean() > 0.9  # a scale keeps its in-between values


def test_a_model_file_saved_before_a_columns_levels_were_kept_decodes_as_it_did():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"term": rng.choice([36, 60], 2000), "x": rng.normal(size=2000)})
    transformer = TableTransformer(numeric="quantile", random_state=0).fit(real)
    state = transformer.to_state()
    assert state["encoders"][0]["state"]["distinct_values"] == [36.0, 60.0]
    assert state["encoders"][1]["state"]["distinct_values"] is None  # a scale keeps none
    state["encoders"][0]["state"].pop("distinct_values")
    old = TableTransformer.from_state(json.loads(json.dumps(state)))
    scores = np.repeat(np.linspace(-3, 3, 2001, dtype=np.float32)[:, None], 2, axis=1)
    assert old.inverse_transform(scores)["term"].between(37, 59).any()  # values between, as then
    assert transformer.inverse_transform(scores)["term"].isin([36, 60]).all()


def test_python_times_of_day_are_learned_as_numbers_and_come_back_as_times(tmp_path):
    # a shift's start as datetime.time objects (a database's TIME column) came back as text ("06:15:00");
    # with fractions of a second in some rows only it was refused, learned as one category per time
    rng = np.random.default_rng(0)
    rows = 400
    hours, quarters = rng.integers(5, 23, rows), rng.choice([0, 15, 30, 45], rows)
    starts = [datetime.time(int(h), int(m)) for h, m in zip(hours, quarters, strict=True)]
    logged = [datetime.time(int(h), 7, 0, 250_000 * (i % 2)) for i, h in enumerate(hours)]
    real = pd.DataFrame({"start": starts, "logged": logged, "x": hours + rng.normal(size=rows)})
    real.loc[::25, "start"] = None
    model = get_model("copula", random_state=0).fit(real)
    assert model.metadata_.kinds()["start"] == model.metadata_.kinds()["logged"] == "datetime"
    fake = load(model.save(tmp_path / "m.synthloom")).sample(300, random_state=0)
    start = fake["start"].dropna()
    assert start.map(type).eq(datetime.time).all() and fake["start"].isna().any()
    assert start.map(lambda time: time.minute).isin([0, 15, 30, 45]).all()  # the real quarter hours
    assert fake["start"].map(lambda t: t is None or t.second == 0).all()
    assert fake["logged"].map(type).eq(datetime.time).all()
    assert np.corrcoef(start.map(lambda time: time.hour), fake.loc[start.index, "x"])[0, 1] > 0.8
    # conditions read times as those of text columns are read
    early = model.sample(20, conditions={"start": (datetime.time(5), "08:00")}, random_state=0)
    assert all(datetime.time(5) <= time <= datetime.time(8, 0, 59) for time in early["start"])


def test_decimals_are_learned_as_numbers_and_come_back_as_decimals_with_the_columns_places(tmp_path):
    # a database driver's NUMERIC(10, 2) money came back as float64; a column of two fees was refused
    rng = np.random.default_rng(0)
    rows = 300
    amounts = rng.gamma(2, 50, rows)
    real = pd.DataFrame(
        {
            "amount": [decimal.Decimal(f"{amount:.2f}") for amount in amounts],
            "fee": [decimal.Decimal("26.00") if a > 80 else decimal.Decimal("15.50") for a in amounts],
            "paid": [decimal.Decimal(int(a > 100)) for a in amounts],  # 0 / 1, as numbers
        }
    )
    real.loc[::20, "amount"] = None
    model = get_model("copula", random_state=0).fit(real)
    assert model.metadata_.kinds() == {"amount": "continuous", "fee": "continuous", "paid": "integer"}
    fake = load(model.save(tmp_path / "m.synthloom")).sample(200, random_state=0)
    amount = fake["amount"].dropna()
    assert amount.map(type).eq(decimal.Decimal).all() and fake["amount"].isna().any()
    assert amount.map(lambda value: value.as_tuple().exponent).eq(-2).all()  # "26.00", not "26"
    assert not amount.isin(real["amount"].dropna()).all()  # numbers: new amounts, not the real ones
    assert set(fake["fee"].map(str)) <= {"26.00", "15.50"}
    assert set(fake["paid"].map(str)) <= {"0", "1"}
    cheap = model.sample(20, conditions={"amount": (decimal.Decimal("10"), "50")}, random_state=0)
    assert cheap["amount"].map(lambda value: decimal.Decimal("10") <= value <= 50).all()


def test_whole_number_decimals_past_2_53_are_codes_that_come_back_exact(tmp_path):
    # NUMERIC(20) account numbers were learned as numbers: past int64 the sampling failed ("cannot safely
    # cast non-equivalent float64 to int64"), and between 2**53 and 2**63 they came back rounded
    from synthloom.data.encoders import as_decimals
    from synthloom.data.metadata import ColumnKind

    rng = np.random.default_rng(0)
    unique = pd.DataFrame({"a": [decimal.Decimal(10**20 + i) for i in range(100)], "x": rng.normal(size=100)})
    model = get_model("copula", random_state=0).fit(unique)
    assert model.metadata_.kinds()["a"] == "identifier" and len(model.sample(3)) == 3
    codes = [decimal.Decimal(2**60 + i % 5) for i in range(100)]
    real = pd.DataFrame({"a": codes, "x": rng.normal(size=100)})
    model = get_model("copula", random_state=0).fit(real)
    assert model.metadata_.kinds()["a"] == "categorical"
    fake = load(model.save(tmp_path / "m.synthloom")).sample(50, random_state=0)["a"]
    assert fake.map(type).eq(decimal.Decimal).all() and set(fake) <= set(codes) and fake.nunique() > 1
    back = as_decimals(pd.Series([1e20, np.nan]), ColumnKind.INTEGER, None)
    assert back.tolist() == [decimal.Decimal(10**20), None]


def test_decimals_of_differing_places_come_back_at_one_scale(tmp_path):
    # Decimals of 0 to 3 places came back with 13 to 21 places of float noise (str(float)), and a Parquet
    # chunk with more places than the first failed the write ("Rescaling Decimal value would cause data loss")
    import pyarrow as pa

    from synthloom.data.io import arrow_schema

    rng = np.random.default_rng(0)
    places = rng.integers(0, 4, 200)
    amounts = [
        decimal.Decimal(str(round(a, int(p)))) for a, p in zip(rng.normal(50, 10, 200), places, strict=True)
    ]
    real = pd.DataFrame({"amount": amounts, "x": rng.normal(size=200)})
    fake = load(get_model("copula", random_state=0).fit(real).save(tmp_path / "m.synthloom")).sample(300)
    assert fake["amount"].map(lambda value: value.as_tuple().exponent).eq(-3).all()
    schema = arrow_schema(fake.iloc[:5])
    assert len(pa.Table.from_pandas(fake.iloc[5:], schema=schema, preserve_index=False)) == 295


def test_a_decimal_encoder_saved_without_its_places_samples_as_before():
    # model files saved before the places were learned hold text_decimals None: numbers as pandas writes them
    from synthloom.data.encoders import NumericEncoder
    from synthloom.data.metadata import ColumnKind, ColumnSpec

    real = pd.Series([decimal.Decimal("1.5"), decimal.Decimal("3"), decimal.Decimal("2.25")] * 20, name="a")
    spec = ColumnSpec(ColumnKind.CONTINUOUS)
    encoder = NumericEncoder("a", spec, "quantile").fit(real, np.random.default_rng(0))
    state = {**encoder.state(), "text_decimals": None}
    old = NumericEncoder.from_state("a", spec, state)
    back = old.inverse(old.transform(real), np.random.default_rng(0))
    assert back.map(type).eq(decimal.Decimal).all() and back.map(float).tolist() == real.map(float).tolist()


def test_reading_a_column_as_numbers_never_writes_into_it() -> None:
    """A float column's numbers were its own array, so a caller filling their gaps filled the caller's
    frame too (augment's added rows lost every missing value to its class check's imputation)."""
    column = pd.Series([1.5, np.nan, 4.0], name="x")
    values = to_float(column, "x")
    values[1] = 0.0
    assert np.isnan(column[1])


@pytest.mark.parametrize("declared", [False, True])
def test_text_stamps_with_and_without_an_offset_are_read_as_one_datetime_column(declared):
    """Half the stamps "2024-01-01 00:50:50", half "...+00:00": declared datetime, the zone-less half was
    read and 50.8% of synthetic stamps came back empty, in silence; inferred, the column was categories
    (every synthetic stamp a real one). Those without an offset are read as UTC, with a warning counting
    each form, and synthetic stamps are written in the form most real ones use."""
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.sort(rng.integers(0, 10**7, 120)), "s")
    text = stamps.strftime("%Y-%m-%d %H:%M:%S").to_series(index=range(120))
    aware = np.arange(120) % 5 < 3  # 72 with an offset, 48 without
    frame = pd.DataFrame({"ts": text.where(~aware, text + "+00:00"), "x": rng.normal(size=120)})
    meta = Metadata.from_dict({"columns": {"ts": {"kind": "datetime"}}}) if declared else None
    with pytest.warns(DataWarning, match=r"column 'ts' mixes 48 stamps without a UTC offset and 72 with one"):
        model = get_model("copula", random_state=0).fit(frame, meta)
    assert model.metadata_.columns["ts"].datetime_format == "%Y-%m-%d %H:%M:%S%z"
    fake = model.sample(300, random_state=0)["ts"]
    assert fake.notna().all() and fake.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00").all()
    assert not fake.isin(frame["ts"]).all()
    read = pd.to_datetime(fake, utc=True)
    assert read.between(stamps.min(), stamps.max()).all()
    # most without an offset: written without one, on UTC's clock
    mostly_naive = frame.assign(ts=text.where(aware, text + "+00:00"))
    with pytest.warns(DataWarning, match="72 stamps without a UTC offset and 48 with one"):
        fake = get_model("copula", random_state=0).fit(mostly_naive, meta).sample(300, random_state=0)["ts"]
    assert fake.str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert pd.to_datetime(fake, utc=True).between(stamps.min(), stamps.max()).all()


def test_stamps_half_with_an_offset_are_not_called_most():
    """60 stamps with an offset and 60 without were written with one, "as most real ones are"."""
    stamps = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.arange(120) * 3607, "s")
    text = stamps.strftime("%Y-%m-%d %H:%M:%S").to_series(index=range(120))
    frame = pd.DataFrame({"ts": text.where(np.arange(120) % 2 == 0, text + "+00:00"), "x": np.arange(120.0)})
    with pytest.warns(DataWarning, match="written with an offset, as half the real ones are"):
        get_model("copula", random_state=0).fit(frame)


def test_a_declared_datetime_column_warns_of_the_values_it_cannot_read():
    """Values of a declared datetime column that are not stamps in its format became missing in silence."""
    days = pd.date_range("2024-01-01", periods=60, freq="D").strftime("%Y-%m-%d").tolist()
    frame = pd.DataFrame({"day": [*days[:57], "soon", "later", "soon"], "x": np.arange(60.0)})
    meta = Metadata.from_dict({"columns": {"day": {"kind": "datetime", "datetime_format": "%Y-%m-%d"}}})
    match = r"column 'day': 3 value\(s\) that are not datetimes written as '%Y-%m-%d' \('soon', 'later'\)"
    with pytest.warns(DataWarning, match=match):
        TableTransformer(random_state=0).fit(frame, meta)


def test_a_declared_datetime_format_that_reads_under_half_the_values_is_refused_naming_theirs():
    """US dates declared "%d/%m/%Y": 229 of 400 became missing with a warning, and the rest were read with
    day and month swapped (04/05 as 4 May)."""
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(np.random.default_rng(0).integers(0, 300, 400), "D")
    frame = pd.DataFrame({"day": days.strftime("%m/%d/%Y"), "x": np.arange(400.0)})
    meta = Metadata.from_dict({"columns": {"day": {"kind": "datetime", "datetime_format": "%d/%m/%Y"}}})
    with pytest.raises(
        DataError, match=r"values are not datetimes written as '%d/%m/%Y' .*; they read as '%m/%d/%Y'"
    ):
        TableTransformer(random_state=0).fit(frame, meta)


def test_nearly_unique_dates_learned_as_categories_are_advised_to_be_declared_datetime():
    """Dates in a form synthloom does not guess, nearly one per row, were advised to be declared
    'identifier', which draws text in their shape ("2024-13-45"), not dates."""
    times = pd.date_range("2020-03-01", periods=95, freq="37h")
    stamps = (times.strftime("%Y-%m-%d %H:%M ") + np.where(times.month < 5, "PST", "PDT")).tolist()
    frame = pd.DataFrame({"at": stamps + stamps[:5], "x": np.arange(100.0)})
    with pytest.warns(
        DataWarning,
        match=r"column .at. holds dates in a form synthloom does not read .*: 95 distinct values in 100 rows "
        r"are learned as categories, .*; to learn dates, declare its kind .datetime. in the metadata, with",
    ):
        get_model("copula", random_state=0).fit(frame)


def test_stamps_in_z_and_a_zones_offsets_are_written_in_the_spelling_most_use():
    """ "...Z" stamps beside Berlin's "+01:00" / "+02:00" came back "+0000", a form the input never used:
    they come back in Berlin's offsets, with a colon, where those are most stamps' spelling, else in "Z"."""
    stamps = pd.Series(pd.date_range("2024-03-20", periods=200, freq="3h", tz="Europe/Berlin"))
    berlin = stamps.map(lambda stamp: stamp.isoformat())
    utc = stamps.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    for most_berlin, form in ((True, r"\+0[12]:00"), (False, "Z")):
        zulu = np.arange(200) % 5 < (2 if most_berlin else 3)
        frame = pd.DataFrame({"ts": berlin.where(~zulu, utc)})
        transformer = TableTransformer(random_state=0).fit(frame)
        drawn = transformer.inverse_transform(
            np.random.default_rng(1).normal(0, 1, (300, transformer.output_dim)).astype(np.float32)
        )["ts"]
        assert drawn.str.fullmatch(rf"\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d{form}").all(), form
        read = pd.to_datetime(drawn, utc=True)
        assert read.between(stamps.min(), stamps.max()).all()
        if most_berlin:  # each in Berlin's offset of its instant
            shown = read.dt.tz_convert("Europe/Berlin").map(lambda stamp: stamp.isoformat())
            assert drawn.tolist() == shown.tolist()
            assert drawn.str.endswith("+01:00").any() and drawn.str.endswith("+02:00").any()


def one_number_state(transformer: TableTransformer, stamps: pd.Series | pd.DatetimeIndex) -> dict:
    """The state of ``transformer``, fitted on one column of ``stamps``, as a file written before stamps
    were learned as a day and a time of day holds it: their seconds one number (a mixture of one mode, or
    their deciles)."""
    state = json.loads(json.dumps(transformer.to_state()))
    learned = state["encoders"][0]["state"]
    learned.pop("cycle", None)  # none in files of then (nor in a transformer of then)
    seconds = epoch_seconds(pd.Series(stamps).dropna())
    if learned["method"] == "gmm":
        learned.update(means=[seconds.mean()], stds=[seconds.std()], weights=[1.0])
    else:
        learned.update(quantiles=np.quantile(seconds, np.linspace(0, 1, 11)).tolist())
    return state


def _office_hours(n: int = 3_000, days: int = 60) -> pd.DataFrame:
    """Stamps to the second, only between 08:00 and 18:00, on many days, and an amount."""
    rng = np.random.default_rng(0)
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    at = day + pd.to_timedelta(rng.integers(8 * 3600, 18 * 3600, n), unit="s")
    return pd.DataFrame({"at": at, "amount": rng.gamma(2.0, 50.0, n).round(2)})


def test_a_daily_cycle_is_drawn_within_its_hours():
    """Stamps were one number (seconds since the epoch), whose time of day no generator could see: rows
    only between 08:00 and 18:00 on 60 days came back at any hour (6.7% of the copula's outside them).
    Learned as a day and a time of day, they stay inside."""
    fake = get_model("copula", random_state=0).fit(_office_hours()).sample(2_000, random_state=0)
    hours = fake["at"].dt.hour
    assert hours.between(8, 17).all()
    assert fake["at"].dt.normalize().nunique() > 50  # the days still spread over the real ones
    assert fake["at"].dt.second.ne(0).mean() > 0.9  # to the second, as the real stamps are


def test_a_column_tied_to_the_hour_keeps_its_relation():
    """A night flag (hours 0-4) and the stamps: TVAE drew flagged rows at any hour (22% of them in hours
    0-4, 20% of unflagged ones); with the time of day a number of its own, 95% (and 3.5%)."""
    rng = np.random.default_rng(1)
    n = 4_000
    at = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90 * 86_400, n), unit="s")
    frame = pd.DataFrame({"at": at, "night": np.where(at.hour < 5, "yes", "no")})
    fake = get_model("tvae", random_state=0, epochs=30).fit(frame).sample(4_000, random_state=0)
    at_night = fake["at"].dt.hour < 5
    assert at_night[fake["night"] == "yes"].mean() > 0.8
    assert at_night[fake["night"] == "no"].mean() < 0.1


def second_pass(stamps: pd.Series) -> pd.Series:
    """Whether each Berlin stamp is in the second pass of the hour a clock change repeats."""
    wall = stamps.dt.tz_localize(None)
    return wall.dt.tz_localize("Europe/Berlin", ambiguous=np.ones(len(wall), dtype=bool)) != stamps


@pytest.mark.parametrize("numeric", ["gmm", "quantile", "spikes"])
def test_stamps_learned_as_day_and_time_round_trip_exactly(numeric):
    """Day and time of day decode to the same instants: on Berlin's clock across both clock changes, with
    missing values, naive and as text. The time of day is the wall clock's, which names the hour October
    repeats once: its second pass comes back as the first, an hour earlier, and only it."""
    rng = np.random.default_rng(2)
    n = 2_000
    start = pd.Timestamp("2024-03-01", tz="UTC")
    berlin = (start + pd.to_timedelta(rng.integers(0, 250 * 86_400, n), unit="s")).tz_convert("Europe/Berlin")
    repeated = pd.date_range("2024-10-25 12:00", periods=n, freq="127s", tz="UTC").tz_convert("Europe/Berlin")
    naive = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 30 * 8_640, n) * 10, unit="s")
    frame = pd.DataFrame(
        {
            "berlin": pd.Series(berlin).where(rng.random(n) > 0.1),
            "repeated": repeated,
            "naive": naive,
            "text": pd.Series(naive.strftime("%Y-%m-%d %H:%M:%S")).where(rng.random(n) > 0.1),
        }
    )
    transformer = TableTransformer(numeric=numeric).fit(frame)
    values = [span for span in transformer.spans if span.role == "value"]
    assert [span.column for span in values] == [name for name in frame.columns for _ in (0, 1)]
    again = TableTransformer.from_state(json.loads(json.dumps(transformer.to_state())))
    expected = frame.copy()
    for name in ("berlin", "repeated"):
        later = second_pass(frame[name]).fillna(False)
        expected.loc[later, name] -= pd.Timedelta(hours=1)
    assert second_pass(frame["repeated"]).sum() == 29  # the hour's 29 stamps 127 s apart
    assert_same_table(expected, again.inverse_transform(again.transform(frame)))


def _berlin_shifts(n: int = 3_000) -> pd.DataFrame:
    """Berlin shifts starting only in hours 9-16, on every day from March to November (both clock changes),
    a tenth missing."""
    rng = np.random.default_rng(7)
    day = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 275, n), unit="D")
    wall = day + pd.to_timedelta(rng.integers(9 * 360, 17 * 360, n) * 10, unit="s")
    start = pd.Series(wall.tz_localize("Europe/Berlin")).where(rng.random(n) > 0.1)
    return pd.DataFrame({"start": start, "v": rng.normal(size=n).round(2)})


def test_a_time_of_day_follows_the_wall_clock_on_clock_change_days():
    """Shifts in hours 9-16 only: learned as the seconds elapsed since the day's first instant, the copula
    drew them in hours 10-17 on the day March's change skips an hour and 8-15 on the day October's repeats
    one. As the wall clock's time of day, in hours 9-16 on those days too."""
    frame = _berlin_shifts()
    fake = get_model("copula", random_state=0).fit(frame).sample(40_000, random_state=0)
    start = fake["start"].dropna()
    for day in ("2024-03-31", "2024-10-27"):
        hours = start[start.dt.strftime("%Y-%m-%d") == day].dt.hour
        assert len(hours) > 50 and hours.between(9, 16).all(), (day, sorted(set(hours)))
    assert start.dt.hour.between(9, 16).all()


def _value_columns(transformer: TableTransformer) -> list[int]:
    """The matrix columns of the value spans: a day and time column's day, then its time of day."""
    return [span.start for span in transformer.spans if span.role == "value"]


def test_stamps_past_the_real_range_move_a_day_inward_rather_than_pile_on_its_ends():
    """Day and time instants past the first or the last real stamp were clipped onto it: the copula put 38
    of 100,000 rows on the last real stamp of shift_nm.csv, where none holds more than 4. Moved a whole day
    inward, they keep their time of day and pile nowhere."""
    frame = _office_hours()[["at"]]
    transformer = TableTransformer(numeric="quantile").fit(frame)
    matrix = transformer.transform(frame)
    day = _value_columns(transformer)[0]
    matrix[:, day] = np.where(np.arange(len(frame)) % 2, 6.0, -6.0)  # the first or the last real day
    back = transformer.inverse_transform(matrix)["at"]
    assert back.between(frame["at"].min(), frame["at"].max()).all()
    assert back.value_counts().max() <= 3
    assert back.dt.hour.between(8, 17).all()


def test_a_time_of_day_past_midnight_wraps_onto_the_next_or_previous_day():
    """A time of day drawn past the real ones was clipped to the first or the last: TVAE put 27 of 12,000
    rows at exactly 00:00:00 on transactions where 1 real one is. A day is a circle: such a time wraps
    around midnight, moving the day by one, and no time of day takes a pile."""
    rng = np.random.default_rng(4)
    n = 3_000
    day = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    at = day + pd.to_timedelta(rng.integers(-4 * 360, 4 * 360, n) * 10, unit="s")  # 20:00 to 04:00
    frame = pd.DataFrame({"at": pd.Series(at).where(rng.random(n) > 0.05)})
    frame.loc[0, "at"] = pd.Timestamp("2024-01-20")  # one at exactly midnight, as real files have
    transformer = TableTransformer(numeric="gmm").fit(frame)
    matrix = transformer.transform(frame)
    matrix[:, _value_columns(transformer)[1]] = rng.normal(0.0, 3.0, n)  # many times past the real ones
    back = transformer.inverse_transform(matrix)["at"]
    present = back.dropna()
    assert back.isna().equals(frame["at"].isna())
    assert present.between(frame["at"].min(), frame["at"].max()).all()
    assert (present.dt.strftime("%H:%M:%S") == "00:00:00").sum() <= 3
    assert present.dt.strftime("%H:%M:%S").value_counts().max() <= 5
    assert present.dt.second.mod(10).eq(0).all()  # on the real stamps' 10-s grid


def test_a_day_and_time_keeps_whole_hours_dates_and_the_zones_clock():
    """Whole hours on Berlin's clock stay whole across its clock changes (none drawn in the hour March
    skips); dates alone and a few stamps stay one number, as before."""
    rng = np.random.default_rng(3)
    n = 1_000
    start = pd.Timestamp("2024-01-01")
    frame = pd.DataFrame(
        {
            "hour": (start + pd.to_timedelta(rng.integers(0, 300 * 24, n), unit="h")).tz_localize(
                "Europe/Berlin", ambiguous=True, nonexistent="shift_forward"
            ),
            "date": start + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "shift": start + pd.to_timedelta(rng.choice([6, 14, 22], n), unit="h"),
        }
    )
    model = get_model("copula", random_state=0).fit(frame)
    widths = {name: len(model.transformer_.encoder(name).spans) for name in frame}
    assert widths == {"hour": 2, "date": 1, "shift": 1}
    fake = model.sample(3_000, random_state=0)
    assert fake["hour"].dt.minute.eq(0).all() and fake["hour"].dt.second.eq(0).all()
    assert fake["date"].dt.hour.eq(0).all() and set(fake["shift"]) <= set(frame["shift"])
    march = fake["hour"].dt.strftime("%Y-%m-%d %H") == "2024-03-31 02"
    assert not march.any() and fake["hour"].dt.tz == frame["hour"].dt.tz


def test_a_model_state_with_stamps_as_one_number_decodes_as_before():
    """A model file written before stamps were learned as a day and a time of day holds one number per
    datetime column: it loads, and decodes its matrix's one column as then."""
    frame = _office_hours(500)[["at"]]
    old = TableTransformer.from_state(one_number_state(TableTransformer("quantile").fit(frame), frame["at"]))
    assert old.output_dim == 1 and old.spans[0].role == "value"
    back = old.inverse_transform(old.transform(frame))
    assert back["at"].dtype == frame["at"].dtype
    assert (back["at"] - frame["at"]).abs().max() < pd.Timedelta(hours=12)  # ten quantiles: roughly
