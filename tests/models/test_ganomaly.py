"""GANomaly: tables and images through one training step, scores, thresholds, reproducibility, files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import roc_auc_score

from synthloom import datasets, load
from synthloom.errors import (
    ConfigError,
    DataError,
    DataWarning,
    ModelFileError,
    NotFittedError,
    TrainingDivergedError,
)
from synthloom.models.ganomaly import (
    GANomaly,
    LossWeights,
    Trainer,
    image_networks,
    load_detector,
    table_networks,
)
from synthloom.nn.spans import SpanLayout
from synthloom.training.optim import FlatAdam

torch.set_num_threads(1)
TINY = {"epochs": 3, "batch_size": 64, "hidden_width": 32, "device": "cpu"}


@pytest.fixture(scope="module")
def shuttle() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(normal training rows, mixed test rows, test labels): a small sample of the real shuttle data."""
    data = datasets.load("shuttle")
    normal = data[data["anomaly"] == 0].sample(900, random_state=0)
    anomalous = data[data["anomaly"] == 1].sample(60, random_state=0)
    test = pd.concat([normal.iloc[600:], anomalous])
    return normal.iloc[:600].drop(columns="anomaly"), test.drop(columns="anomaly"), test["anomaly"].to_numpy()


@pytest.fixture(scope="module")
def fitted(shuttle) -> GANomaly:
    return GANomaly(random_state=0, **TINY).fit(shuttle[0])


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    images, labels = datasets.load_images("digits")
    return images[:400], labels[:400]


def test_table_scores_rank_anomalies_above_normal_rows(fitted, shuttle) -> None:
    _, test, labels = shuttle
    scores = fitted.score(test)
    assert scores.shape == (len(test),) and scores.dtype == np.float64
    assert roc_auc_score(labels, scores) > 0.9
    assert scores[labels == 1].mean() > scores[labels == 0].mean() + 1.0


def test_scores_are_standardised_on_held_out_normal_rows(fitted, shuttle) -> None:
    normal_scores = fitted.score(shuttle[1][shuttle[2] == 0])
    assert abs(np.median(normal_scores)) < 1.0  # 0 = a typical normal row
    assert fitted.loss_history_ and {"adversarial", "contextual", "latent"} <= set(fitted.loss_history_[-1])


def test_same_seed_same_scores_and_another_seed_differs(fitted, shuttle) -> None:
    again = GANomaly(random_state=0, **TINY).fit(shuttle[0])
    np.testing.assert_array_equal(fitted.score(shuttle[1]), again.score(shuttle[1]))
    other = GANomaly(random_state=1, **TINY).fit(shuttle[0])
    assert not np.array_equal(fitted.score(shuttle[1]), other.score(shuttle[1]))


def test_predict_by_fpr_contamination_or_threshold(fitted, shuttle) -> None:
    _, test, labels = shuttle
    flags = fitted.predict(test, fpr=0.05)
    assert flags.dtype == bool and flags.shape == (len(test),)
    assert flags[labels == 1].mean() > flags[labels == 0].mean()
    assert fitted.predict(test, contamination=0.1).sum() == pytest.approx(0.1 * len(test), abs=2)
    assert not fitted.predict(test, threshold=np.inf).any()
    assert fitted.threshold(0.01) > fitted.threshold(0.2)


def test_reconstruct_gives_a_table_like_the_input(fitted, shuttle) -> None:
    rows = shuttle[1].head(7)
    back = fitted.reconstruct(rows)
    assert list(back.columns) == list(rows.columns) and len(back) == 7


def test_save_load_round_trip_gives_the_same_scores(fitted, shuttle, tmp_path) -> None:
    path = fitted.save(tmp_path / "det.synthloom")
    loaded = GANomaly.load(path)
    np.testing.assert_array_equal(loaded.score(shuttle[1]), fitted.score(shuttle[1]))
    assert loaded.get_params() == fitted.get_params()
    np.testing.assert_array_equal(loaded.predict(shuttle[1]), fitted.predict(shuttle[1]))

    np.testing.assert_array_equal(load(path).score(shuttle[1]), fitted.score(shuttle[1]))


def test_categories_never_seen_in_training_are_warned_about(mixed_frame) -> None:
    from synthloom.errors import DataWarning

    detector = GANomaly(epochs=1, device="cpu", random_state=0).fit(mixed_frame)
    odd = mixed_frame.head(10).assign(city=["Paris"] * 7 + ["Berlin"] * 3)
    with pytest.warns(DataWarning, match=r"column 'city': 3 value\(s\) never seen in training \('Berlin'\)"):
        detector.score(odd)


def test_loading_a_generator_file_or_garbage_is_refused(tmp_path, mixed_frame) -> None:
    from synthloom import get_model

    generator = get_model("copula", random_state=0).fit(mixed_frame).save(tmp_path / "gen.synthloom")
    with pytest.raises(ModelFileError, match="not an anomaly detector"):
        load_detector(generator)
    (tmp_path / "junk.synthloom").write_bytes(b"not a model")
    with pytest.raises(ModelFileError):
        load_detector(tmp_path / "junk.synthloom")


def test_images_fit_score_reconstruct_and_round_trip(digits, tmp_path) -> None:
    images, labels = digits
    normal = images[labels != 0]
    detector = GANomaly(epochs=2, width=8, latent_dim=16, device="cpu", random_state=0).fit(normal)
    scores = detector.score(images)
    assert scores.shape == (len(images),) and np.isfinite(scores).all()
    back = detector.reconstruct(images[:5])
    assert back.shape == (5, 8, 8) and back.min() >= 0 and back.max() <= 1
    loaded = load_detector(detector.save(tmp_path / "digits.synthloom"))
    np.testing.assert_array_equal(loaded.score(images), scores)
    again = GANomaly(epochs=2, width=8, latent_dim=16, device="cpu", random_state=0).fit(normal)
    np.testing.assert_array_equal(again.score(images), scores)  # same seed, same scores


def test_colour_images_of_a_non_power_of_two_side() -> None:
    rng = np.random.default_rng(0)
    images = rng.random((40, 3, 12, 12)).astype(np.float32)
    detector = GANomaly(epochs=1, width=4, latent_dim=8, device="cpu", random_state=0).fit(images)
    assert detector.size_ == 16
    assert detector.reconstruct(images[:3]).shape == (3, 3, 12, 12)
    last = GANomaly(epochs=1, width=4, latent_dim=8, device="cpu", random_state=0).fit(
        images.transpose(0, 2, 3, 1)
    )
    assert last.reconstruct(images[:3]).shape == (3, 12, 12, 3)  # the layout it was fitted on
    with pytest.raises(DataError, match="3 x 12 x 12"):
        detector.score(rng.random((4, 3, 16, 16)))


def test_one_training_step_serves_tables_and_images() -> None:
    from synthloom.data.encoders import Span

    layout = SpanLayout([Span("a", 0, 1, "linear", "value"), Span("b", 1, 3, "softmax", "category")])
    networks = {
        "table": (table_networks(layout, 16, 2), torch.randn(8, 4)),
        "image": (image_networks(1, 8, 4, 6), torch.rand(8, 1, 8, 8) * 2 - 1),
    }
    for (generator, discriminator), x in networks.values():
        trainer = Trainer(generator, discriminator, LossWeights(), 1e-3, torch.device("cpu"))
        losses = trainer.step(x)
        assert set(losses) == {"g_loss", "d_loss", "adversarial", "contextual", "latent"}
        assert all(np.isfinite(v) for v in losses.values())


def test_user_errors(fitted, shuttle) -> None:
    with pytest.raises(NotFittedError):
        GANomaly().score(shuttle[1])
    with pytest.raises(ConfigError, match="scoring"):
        GANomaly(scoring="mean").fit(shuttle[0])
    with pytest.raises(ConfigError, match="epochs"):
        GANomaly(epochs=0).fit(shuttle[0])
    with pytest.raises(ConfigError, match="ema_decay"):
        GANomaly(ema_decay=1.0).fit(shuttle[0])
    with pytest.raises(DataError, match="f3"):
        fitted.score(shuttle[1].drop(columns="f3"))
    with pytest.raises(DataError, match="DataFrame"):
        fitted.score(np.zeros((3, 9)))
    with pytest.raises(DataError, match="at least"):
        GANomaly(device="cpu").fit(shuttle[0].head(5))
    with pytest.raises(DataError, match="needs at least 20 normal samples, got 0"):  # was "no column"
        GANomaly(device="cpu").fit(shuttle[0].head(0))
    with pytest.raises(ConfigError, match="fpr"):
        fitted.threshold(1.5)


def test_neighbours_score_is_the_image_default_and_measures_distance_to_normal(digits) -> None:
    from synthloom.models.ganomaly import MEMORY_SIZE, _neighbour_distance

    images, labels = digits
    detector = GANomaly(epochs=1, width=8, latent_dim=16, device="cpu", random_state=0).fit(
        images[labels != 0]
    )
    assert detector._resolved_scoring() == "neighbours"
    n = detector.n_training_samples_
    assert detector.memory_codes_.shape[1] == min(MEMORY_SIZE, n - round(0.1 * n))  # the training split
    memory = detector.memory_features_[0]
    assert _neighbour_distance(memory[:1], memory[:1]).abs().max() < 1e-3  # itself: distance 0
    assert (_neighbour_distance(-memory[:1], memory[:1]) > 1.9).all()  # opposite: distance 2
    scores = detector.score(images)
    detector.scoring = "combined"
    assert not np.array_equal(detector.score(images), scores)
    del detector.memory_codes_, detector.memory_features_, detector.memory_inputs_  # as in an old file
    detector.scoring = None
    with pytest.raises(ConfigError, match="refit"):
        detector.score(images[:5])


def test_tables_default_to_the_combined_reconstruction_score(shuttle) -> None:
    assert GANomaly(epochs=1, random_state=0).fit(shuttle[0])._resolved_scoring() == "combined"


def test_members_average_several_networks_and_round_trip(digits, tmp_path) -> None:
    images, labels = digits
    normal = images[labels != 0]
    settings = {"epochs": 1, "width": 8, "latent_dim": 16, "device": "cpu", "random_state": 0}
    single = GANomaly(**settings).fit(normal)
    pair = GANomaly(members=2, **settings).fit(normal)
    assert len(pair.trainers_) == 2 and len(pair.loss_history_) == 2 * len(single.loss_history_)
    assert pair.memory_codes_.shape[0] == 2 and pair.memory_features_.shape[0] == 2
    # the first member is the single detector's network: same weights, hence the same codes
    torch.testing.assert_close(pair.memory_codes_[0], single.memory_codes_[0])
    assert not torch.equal(pair.memory_codes_[1], pair.memory_codes_[0])
    assert not np.array_equal(pair.score(images), single.score(images))
    loaded = load_detector(pair.save(tmp_path / "pair.synthloom"))
    np.testing.assert_array_equal(loaded.score(images), pair.score(images))
    assert loaded.reconstruct(images[:3]).shape == (3, 8, 8)
    with pytest.raises(ConfigError, match="members"):
        GANomaly(members=0).fit(normal)


def test_a_last_step_that_turns_the_weights_nan_fails_the_fit(shuttle, monkeypatch) -> None:
    """An update that turns the weights NaN after finite losses went unseen on the last step."""
    adam_step = FlatAdam.step

    def poisoned(self):  # the update itself: the moving average takes in its NaN
        adam_step(self)
        self.weights[0] = float("nan")

    detector = GANomaly(random_state=0, **{**TINY, "epochs": 1, "batch_size": len(shuttle[0])})
    monkeypatch.setattr(FlatAdam, "step", poisoned)  # one epoch of one step: the last step
    with pytest.raises(TrainingDivergedError, match="in its last step: the weights of generator, discrim"):
        detector.fit(shuttle[0])
    with pytest.raises(NotFittedError):
        detector.score(shuttle[1])


def test_image_neighbours_include_the_input_view(digits) -> None:
    from synthloom.models.ganomaly import _input_view

    images, labels = digits
    detector = GANomaly(epochs=1, width=8, latent_dim=16, device="cpu", random_state=0).fit(
        images[labels != 0]
    )
    assert {"code_distance", "feature_distance", "input_distance"} <= set(detector.score_stats_)
    x = detector._to_tensor(images[:3])
    view = _input_view(x)
    assert view.shape == (3, 8 * 8) and view.min() >= 0  # padded to 8 x 8, black background at 0
    big = torch.zeros(2, 1, 128, 128)
    assert _input_view(big).shape == (2, 32 * 32)  # pooled: the memory stays small for large images
    scores = detector.score(images)
    del detector.memory_inputs_  # a file written before the input view: the two learnt views only
    assert not np.array_equal(detector.score(images), scores)


def test_a_detector_fitted_on_a_device_this_machine_lacks_loads_where_it_can(fitted, shuttle, tmp_path):
    setting = fitted.device
    fitted.device = "cuda:7"
    try:
        path = fitted.save(tmp_path / "gpu.synthloom")
    finally:
        fitted.device = setting
    loaded = load(path)
    assert loaded.device_.type in {"cpu", "cuda", "mps"} and str(loaded.device_) != "cuda:7"
    np.testing.assert_array_equal(loaded.score(shuttle[1]), fitted.score(shuttle[1]))


@pytest.fixture(scope="module")
def sensors() -> pd.DataFrame:
    """A week of readings every 10 minutes: a stamp, a temperature, an alarm flag that never fired, an id."""
    rng = np.random.default_rng(7)
    n = 1_008
    return pd.DataFrame(
        {
            "at": pd.date_range("2024-03-04", periods=n, freq="10min").strftime("%Y-%m-%d %H:%M"),
            "temp": rng.normal(60, 2, n).round(2),
            "alarm": 0,
            "site": rng.choice(["north", "south"], n),
            "reading_id": [f"R-{i:05d}" for i in range(n)],
        }
    )


def test_rows_after_the_training_period_score_as_their_hours_and_weekdays(sensors, tmp_path) -> None:
    """A datetime column was a model input: every row from the week after training scored as an anomaly."""
    detector = GANomaly(random_state=0, **TINY).fit(sensors)
    later = sensors.assign(
        at=(pd.to_datetime(sensors["at"]) + pd.Timedelta(days=28)).dt.strftime("%Y-%m-%d %H:%M")
    )
    scores, threshold = detector.score(later), detector.threshold(0.01)
    assert (scores > threshold).mean() < 0.05  # was every row
    np.testing.assert_allclose(scores, detector.score(sensors))  # four weeks later: the same hours and days
    loaded = load_detector(detector.save(tmp_path / "sensors.synthloom"))
    np.testing.assert_array_equal(loaded.score(later), scores)


def test_what_the_encoding_hides_still_scores(sensors) -> None:
    """Numbers past the training range scored as the range's end (1e9 as 65.1, -1e9 under the threshold);
    a constant column and new categories were not looked at; an identifier column was required."""
    from synthloom.errors import DataWarning

    detector = GANomaly(random_state=0, **TINY).fit(sensors)
    row = sensors.iloc[[100]]
    far = [detector.score(row.assign(temp=value))[0] for value in (70, 1e3, 1e9)]
    assert far[0] > detector.threshold(0.01) and far[0] < far[1] < far[2]
    assert detector.score(row.assign(temp=-1e9))[0] > far[1]
    rows = sensors.iloc[200:210]
    base = detector.score(rows)
    np.testing.assert_allclose(detector.score(rows.assign(alarm=1)), base + 5)
    np.testing.assert_allclose(detector.score(rows.assign(alarm=0.0)), base)  # as read beside a gap: 0
    with pytest.warns(DataWarning, match="never seen in training"):
        east = detector.score(rows.assign(site="east"))  # read as a seen site by the networks, then + 5
    assert (east > detector.threshold(0.01)).all() and (east - base).mean() > 4
    np.testing.assert_array_equal(detector.score(rows.drop(columns="reading_id")), base)  # no model input
    assert detector.reconstruct(rows)["reading_id"].tolist() == rows["reading_id"].tolist()  # not drawn ids


def test_never_seen_values_count_once_per_column_and_stamps_keep_their_written_clock(sensors) -> None:
    """QA: a changed or missing constant, a value in a column empty in training, infinities; a missing
    stamp counted twice (its hour and its weekday); "09:30+02:00" read as 07:30 UTC."""
    from synthloom.errors import DataWarning

    clock = pd.to_datetime(sensors["at"])
    offset = sensors.assign(at=clock.dt.strftime("%Y-%m-%dT%H:%M") + "+01:00", note=np.nan)
    detector = GANomaly(random_state=0, **TINY).fit(offset)
    # four weeks on, in summer time: the same days and times on the clock, an hour earlier in UTC
    summer = offset.assign(at=(clock + pd.Timedelta(days=28)).dt.strftime("%Y-%m-%dT%H:%M") + "+02:00")
    np.testing.assert_allclose(detector.score(summer), detector.score(offset))
    rows = offset.iloc[200:210]
    base = detector.score(rows)
    with pytest.warns(DataWarning, match=r"column 'note': 10 value\(s\) in a column that held no value"):
        np.testing.assert_allclose(detector.score(rows.assign(note="x")), base + 5)
    with pytest.warns(DataWarning, match=r"column 'alarm': 10 value\(s\) in a column that held only 0"):
        np.testing.assert_allclose(detector.score(rows.assign(alarm=np.nan)), base + 5)
    novelty = detector._novelty(detector._feature_frame(rows.assign(at=None)))
    np.testing.assert_array_equal(novelty, 5.0)  # once for the stamp, not for its hour and its weekday
    with pytest.warns(DataWarning) as caught:
        detector.score(rows.assign(at=None))
    assert sum("column 'at'" in str(w.message) for w in caught) == 1
    with pytest.warns(
        DataWarning, match=r"column 'temp': 10 infinite value\(s\); each scores infinitely odd"
    ):
        assert np.isposinf(detector.score(rows.assign(temp=np.inf))).all()


def test_table_metadata_as_a_json_dict_is_read() -> None:
    """A plain dict worked in a generator's fit but crashed GANomaly.fit with AttributeError."""
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x": rng.normal(size=60), "code": rng.integers(0, 3, 60)})
    detector = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu")
    detector.fit(table, metadata={"columns": {"code": {"kind": "categorical"}}})
    assert detector.metadata_.kinds() == {"x": "continuous", "code": "categorical"}
    assert detector.score(table.head(3)).shape == (3,)


def test_a_refit_starts_from_a_clean_slate() -> None:
    """A table fit after an image fit kept the images' input memory (memory_inputs_) and scoring the
    table failed (adaptive_avg_pool2d of a table); a table's metadata outlived a later image fit."""
    rng = np.random.default_rng(0)
    images = rng.random((40, 8, 8)).astype(np.float32)
    table = pd.DataFrame({"x": rng.normal(size=60), "c": rng.choice(list("abc"), 60)})
    settings = {"epochs": 1, "width": 4, "hidden_width": 8, "device": "cpu", "random_state": 0}
    fresh = GANomaly(**settings).fit(table)
    detector = GANomaly(**settings).fit(images)
    detector.training_split_ = {"source": "digits", "holdout": 0.2}  # as `detect fit` sets it
    detector.fit(table)
    assert not {"memory_inputs_", "channels_", "side_", "layout_", "training_split_"} & set(vars(detector))
    np.testing.assert_allclose(detector.score(table.head(5)), fresh.score(table.head(5)))
    detector.fit(images)
    assert not {"metadata_", "transformer_", "clocks_", "spreads_"} & set(vars(detector))


def test_detector_and_generator_files_open_with_one_shared_header(fitted, tmp_path) -> None:
    """GANomaly.save built the file header and the atomic write as a copy of BaseGenerator.save's; both
    now go through base.write_model_file, and the files keep their layout (kind only for detectors)."""
    import json

    from safetensors import safe_open

    from synthloom import get_model
    from synthloom.models.base import FILE_FORMAT, write_model_file

    table = pd.DataFrame({"x": np.arange(30.0), "c": list("ab") * 15})
    written = [
        fitted.save(tmp_path / "detector.synthloom"),
        get_model("copula", random_state=0).fit(table).save(tmp_path / "copula.synthloom"),
        write_model_file(tmp_path / "bare.synthloom", fitted, {"extra": 1}, {"w": torch.ones(2)}, "x"),
    ]
    heads = []
    for path in written:
        with safe_open(str(path), framework="pt") as handle:
            heads.append(json.loads(handle.metadata()["synthloom"]))
    common = ["format", "format_version", "synthloom_version", "model", "params", "seed"]
    assert list(heads[0])[:7] == [*common[:2], "kind", *common[2:]] and heads[0]["kind"] == "detector"
    assert list(heads[1])[:6] == common and "kind" not in heads[1]
    assert heads[2]["format"] == FILE_FORMAT and heads[2]["extra"] == 1 and heads[2]["seed"] == fitted.seed_
    assert load_detector(written[0]).n_training_samples_ == fitted.n_training_samples_
    assert load(written[1]).n_training_rows_ == 30


def test_reconstruct_gives_datetimes_as_the_features_the_docstring_names() -> None:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01")
    table = pd.DataFrame(
        {
            "x": rng.normal(size=40),
            "at": start + pd.to_timedelta(rng.integers(0, 9_000, 40), unit="h"),
            "day": start + pd.to_timedelta(rng.integers(0, 900, 40), unit="D"),
        }
    )
    detector = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu").fit(table)
    rebuilt = detector.reconstruct(table.head(4))
    assert list(rebuilt.columns) == ["x", "at hour", "at weekday", "day weekday"] and len(rebuilt) == 4
    assert rebuilt["at hour"].between(0, 24).all() and rebuilt["day weekday"].str.endswith("day").all()
    doc = GANomaly.reconstruct.__doc__
    assert '"c hour"' in doc and '"c weekday"' in doc and "like ``data``" not in doc.split("Tables")[1]


@pytest.fixture(scope="module")
def shifts() -> pd.DataFrame:
    """Transactions as a database driver gives them: a Python time (shift start, 06:00 - 21:30), a Decimal
    amount, a Python date, a few-level line number, an id; a gap in every column."""
    import datetime
    import decimal

    rng = np.random.default_rng(0)
    n = 200
    table = pd.DataFrame(
        {
            "id": [f"T{i:04d}" for i in range(n)],
            "shift": [
                datetime.time(int(h), int(m))
                for h, m in zip(rng.integers(6, 22, n), rng.choice([0, 30], n), strict=True)
            ],
            "amount": [decimal.Decimal(f"{v:.2f}") for v in rng.normal(100, 10, n)],
            "day": [
                datetime.date(2024, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 60, n)
            ],
            "line": rng.choice([1.0, 2.0, 3.0], n),
        }
    )
    for column in ("shift", "amount", "day", "line"):
        table.loc[rng.choice(n, 4, replace=False), column] = None
    return table


def test_a_date_has_no_hour_of_the_day_and_a_time_of_day_no_weekday(shifts, tmp_path) -> None:
    """A missing date (NaT != NaT) made a column of dates one with times: an "hour" feature, constant 0,
    fed to the networks and named by reconstruct. Times of day alone (Python times, or their text in a CSV)
    are read on 1 January 1900: their "weekday" was Monday throughout, reconstructed as a missing day."""
    detector = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu").fit(shifts)
    assert detector.clocks_ == {"shift": True, "day": False}
    rebuilt = detector.reconstruct(shifts.head(2))
    assert list(rebuilt.columns) == ["id", "shift hour", "amount", "day weekday", "line"]
    loaded = load_detector(detector.save(tmp_path / "shifts.synthloom"))
    np.testing.assert_array_equal(loaded.score(shifts), detector.score(shifts))
    text = shifts.assign(shift=shifts["shift"].map(str, na_action="ignore"))  # "06:30:00", as a CSV holds it
    from_text = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu").fit(text)
    assert "shift weekday" not in from_text.reconstruct(text.head(2)).columns


def test_python_times_and_decimals_score_what_is_odd_and_unreadable_stamps_are_named(shifts) -> None:
    """QA: a stamp the column's format cannot read ("03:00" among "06:00:00" times) scored as a missing
    one, as normal as a gap, without a word; Decimal("Infinity") was a missing amount, not infinitely odd."""
    import datetime
    import decimal

    from synthloom.errors import DataWarning

    detector = GANomaly(random_state=0, **TINY).fit(shifts)
    rows = shifts.dropna().iloc[:10]
    base = detector.score(rows)
    night = detector.score(rows.assign(shift=datetime.time(3, 0)))
    costly = detector.score(rows.assign(amount=decimal.Decimal("10000.00")))
    assert (night > base).all() and (costly > detector.threshold(0.01)).all()
    some_unread = ["03:00"] * 4 + ["06:00:00"] * 6
    with pytest.warns(DataWarning, match=r"column 'shift': 4 value\(s\) that are not datetimes written as "):
        detector.score(rows.assign(shift=some_unread))
    with pytest.raises(
        DataError, match=r"column 'shift' holds no datetime written as '%H:%M:%S' \(e.g. '03:00'\)"
    ):
        detector.score(rows.assign(shift="03:00"))  # none read: refused, not every row scored as missing
    with pytest.warns(DataWarning, match=r"column 'amount': 10 infinite value\(s\); each scores infinitely"):
        assert np.isposinf(detector.score(rows.assign(amount=decimal.Decimal("-Infinity")))).all()


def test_a_constant_decimal_column_read_from_a_csv_is_the_same_amount(shifts) -> None:
    """A constant Decimal is kept as its text ("2.50"), and the same amount read from the CSV of the same
    table (2.5) was compared as text: every row scored 5 higher, warned of as another value."""
    import decimal
    import io
    import warnings

    from synthloom.errors import DataWarning

    table = shifts.assign(fee=decimal.Decimal("2.50"))
    detector = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu").fit(table)
    read = pd.read_csv(io.StringIO(table.head(20).to_csv(index=False)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        np.testing.assert_allclose(detector.score(read), detector.score(table.head(20)))
    with pytest.warns(DataWarning, match="column 'fee': 20 value"):
        np.testing.assert_allclose(detector.score(read.assign(fee=2.6)), detector.score(read) + 5)


def test_a_column_of_midnights_still_sees_another_time() -> None:
    """Times of day that were all 00:00 had no hour feature (no time but midnight) and a weekday of Monday
    throughout: a cut-off at 03:00 scored as normal."""
    import datetime

    from synthloom.errors import DataWarning

    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x": rng.normal(size=60), "cut": [datetime.time(0, 0)] * 60})
    detector = GANomaly(random_state=0, epochs=1, hidden_width=8, device="cpu").fit(table)
    rows = table.head(3)
    with pytest.warns(DataWarning, match="column 'cut'"):
        np.testing.assert_allclose(
            detector.score(rows.assign(cut=datetime.time(3, 0))), detector.score(rows) + 5
        )


def _sensor_readings(n: int, rng: np.random.Generator, missing_share: float) -> pd.DataFrame:
    """Three sensors that follow one machine load, each reading missing in ``missing_share`` of the rows."""
    load = rng.uniform(0.3, 1.0, n)
    frame = pd.DataFrame(
        {
            "current": 10 + 20 * load + rng.normal(0, 0.5, n),
            "temperature": 40 + 30 * load + rng.normal(0, 0.8, n),
            "pressure": 5 + 3 * load + rng.normal(0, 0.1, n),
        }
    )
    for column in frame.columns:
        frame.loc[rng.random(n) < missing_share, column] = np.nan
    return frame


def test_a_missing_reading_training_saw_scores_as_a_normal_row() -> None:
    """QA: with one missing reading in 2% of the normal rows, the networks reconstructed the fill and the
    missing indicator as errors; such rows scored a median of about 2 and about half of them were flagged
    at fpr=0.01 (here: median 1.7 - 3.5, 45 - 100% flagged at fpr=0.05, for complete rows 0.2 - 2%)."""
    rng = np.random.default_rng(0)
    detector = GANomaly(epochs=10, device="cpu", random_state=0).fit(_sensor_readings(2_000, rng, 0.02))
    rows = _sensor_readings(3_000, rng, 0.05)
    gap = rows.isna().any(axis=1).to_numpy()
    scores = detector.score(rows)
    flagged = scores > detector.threshold(0.05)
    assert flagged[gap].mean() < 0.15 and flagged[~gap].mean() < 0.15  # 2 - 8% for both after the fix
    assert np.median(scores[gap]) < np.median(scores[~gap]) + 0.5
    # a missing reading is no value to reconstruct: it comes back missing, the others as numbers
    reconstructed = detector.reconstruct(rows)
    pd.testing.assert_frame_equal(reconstructed.isna(), rows.isna())


def test_the_detector_counts_the_scored_samples_it_was_fitted_on(fitted, shuttle, tmp_path) -> None:
    """Scoring training rows gave optimistic quality without a word: the detector now keeps a digest of
    each training sample, in its file too, and counts them among the scored ones."""
    train, test, _ = shuttle
    assert fitted.count_training_samples(train) == 600
    mixed = pd.concat([train.head(25), test.head(40)])
    expected = 25 + fitted.count_training_samples(test.head(40))  # shuttle repeats rows: equal ones count
    assert fitted.count_training_samples(mixed) == expected
    loaded = load_detector(fitted.save(tmp_path / "det.synthloom"))
    assert loaded.count_training_samples(mixed) == expected
    train.to_csv(tmp_path / "train.csv", index=False)  # the same rows read back from text: still known
    assert loaded.count_training_samples(pd.read_csv(tmp_path / "train.csv")) == 600


def test_above_max_digests_a_seeded_subset_estimates_the_count(shuttle, monkeypatch) -> None:
    from synthloom.models import ganomaly

    monkeypatch.setattr(ganomaly, "MAX_DIGESTS", 150)
    train = shuttle[0]
    detector = GANomaly(random_state=0, **{**TINY, "epochs": 1}).fit(train)
    assert detector.training_digests_.shape == (150,) and detector.training_digests_.dtype == np.int64
    assert detector.count_training_samples(train) == pytest.approx(600, abs=60)  # duplicates match too
    assert detector.count_training_samples(train.head(300)) == pytest.approx(300, abs=90)


def test_files_without_digests_load_and_damaged_digests_are_refused(fitted, shuttle, tmp_path) -> None:
    from safetensors import safe_open
    from safetensors.torch import save_file

    path = fitted.save(tmp_path / "det.synthloom")
    with safe_open(str(path), framework="pt") as handle:
        header, tensors = handle.metadata(), {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
    older = {name: tensor for name, tensor in tensors.items() if name != "training_digests"}
    save_file(older, str(tmp_path / "old.synthloom"), metadata=header)
    old = load_detector(tmp_path / "old.synthloom")  # a file saved before digests were kept: no count
    assert old.count_training_samples(shuttle[0]) is None
    np.testing.assert_array_equal(old.score(shuttle[1]), fitted.score(shuttle[1]))
    for damaged in (
        tensors["training_digests"].double(),
        tensors["training_digests"].reshape(-1, 2),
        torch.zeros(601, dtype=torch.int64),  # more digests than training samples
        torch.zeros(0, dtype=torch.int64),  # none: the count would divide by zero
    ):
        save_file({**older, "training_digests": damaged}, str(tmp_path / "bad.synthloom"), metadata=header)
        with pytest.raises(ModelFileError, match="training_digests must be 600 64-bit whole numbers"):
            load_detector(tmp_path / "bad.synthloom")


def test_image_digests_count_the_training_images_in_either_layout(digits) -> None:
    images, _ = digits
    detector = GANomaly(epochs=1, width=8, latent_dim=16, device="cpu", random_state=0).fit(images[:100])
    assert detector.count_training_samples(images[90:120]) == 10
    assert detector.count_training_samples(images[90:120, None]) == 10  # (N, 1, H, W): the same pixels


def test_iso_stamps_score_as_the_learned_ones_and_unreadable_columns_are_refused() -> None:
    """QA: a detector fitted on pandas' nanosecond stamps ("2026-10-18 23:03:18.804828053") read the same
    stamps written "2026-10-18 23:03:18" or with a "T" as missing, and flagged every row; a number column
    of text ("high") only warned, and a quarter of the rows were flagged."""
    import warnings

    from synthloom.errors import DataWarning

    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2026-10-18") + pd.to_timedelta(rng.uniform(0, 30 * 86_400, 300), unit="s")
    table = pd.DataFrame(
        {"timestamp": stamps.strftime("%Y-%m-%d %H:%M:%S.%f") + "053", "temperature": rng.normal(60, 2, 300)}
    )
    detector = GANomaly(random_state=0, **TINY).fit(table)
    assert detector.metadata_.columns["timestamp"].datetime_format == "%Y-%m-%d %H:%M:%S.%f"
    rows = table.iloc[:20]
    learned = detector.score(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        for iso in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S.%f"):
            written = rows.assign(timestamp=stamps[:20].strftime(iso))
            np.testing.assert_allclose(detector.score(written), learned, atol=0.05)
    with pytest.raises(DataError, match=r"column 'timestamp' holds no datetime written as .*\(e.g. 'soon'\)"):
        detector.score(rows.assign(timestamp="soon"))
    with pytest.raises(DataError, match=r"column 'temperature' holds no number \(e.g. 'high'\); write them"):
        detector.score(rows.assign(temperature="high"))
    partly = rows.assign(temperature=["high"] * 5 + list(rows["temperature"].iloc[5:]))
    with pytest.warns(
        DataWarning, match=r"column 'temperature': 5 value\(s\) that are not numbers \('high'\)"
    ):
        assert len(detector.score(partly)) == 20


def test_a_detector_saved_before_it_kept_missing_values_scores_as_it_was_calibrated(tmp_path):
    """A file written before ``MissingValues`` had its score statistics from reconstructions of missing
    values: read with the new forward pass its thresholds would no longer match."""
    import json

    from safetensors import safe_open
    from safetensors.torch import save_file

    rng = np.random.default_rng(1)
    detector = GANomaly(epochs=2, device="cpu", random_state=0).fit(_sensor_readings(300, rng, 0.05))
    path = detector.save(tmp_path / "det.synthloom")
    with safe_open(str(path), framework="pt") as handle:
        header, tensors = handle.metadata(), {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
    description = json.loads(header["synthloom"])
    del description["table"]["keeps_missing"]
    save_file(tensors, str(tmp_path / "old.synthloom"), metadata={"synthloom": json.dumps(description)})
    old, new = load_detector(tmp_path / "old.synthloom"), load_detector(path)
    assert old.trainers_[0].generator.keep is None and new.trainers_[0].generator.keep is not None
    rows = _sensor_readings(200, rng, 0.3)
    np.testing.assert_array_equal(new.score(rows), detector.score(rows))
    assert not np.array_equal(old.score(rows), new.score(rows))


def test_stamps_fit_cannot_read_are_advised_on_as_the_training_file():
    """At fit the file is the training data: "write them as the training data does" told nothing there."""
    stamps = pd.Series(pd.date_range("2024-01-01", periods=300, freq="5h").strftime("%Y-%m-%d %H:%M"))
    stamps[:3] = "01/05/2024 02:08"
    table = pd.DataFrame({"t": stamps, "x": np.random.default_rng(0).normal(size=300)})
    with pytest.warns(DataWarning, match="3 value.* treated as missing; write them in the column's format"):
        GANomaly(epochs=1, device="cpu", random_state=0).fit(table)
