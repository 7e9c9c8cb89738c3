"""One contract over every registered tabular generator, with tiny settings so it stays fast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model, list_models, load

# Tiny settings per generator: every registered model must appear here, so none escapes the contract.
TINY: dict[str, dict] = {
    "copula": {},
    "ctgan": {"epochs": 30, "batch_size": 200, "embedding_dim": 32, "generator_width": 64, "critic_width": 64},
    "tvae": {"epochs": 40, "batch_size": 200, "embedding_dim": 32, "hidden_width": 64},
}


def test_every_generator_has_tiny_settings():
    assert set(list_models()) <= set(TINY), "add the new generator to TINY"


@pytest.fixture(scope="module", params=sorted(TINY))
def fitted(request, mixed_frame):
    return request.param, get_model(request.param, random_state=0, **TINY[request.param]).fit(mixed_frame)


def test_sample_has_real_columns_and_dtypes(fitted, mixed_frame):
    _, model = fitted
    fake = model.sample(300)
    assert list(fake.columns) == list(mixed_frame.columns) and len(fake) == 300
    for name in mixed_frame.columns:
        assert fake[name].dtype == mixed_frame[name].dtype, name


def test_values_stay_in_range_and_categories_seen(fitted, mixed_frame):
    _, model = fitted
    fake = model.sample(300)
    for name in ("bimodal", "amount", "visits", "opened"):
        assert fake[name].min() >= mixed_frame[name].min() and fake[name].max() <= mixed_frame[name].max()
    assert set(fake["city"].dropna()) <= set(mixed_frame["city"].dropna())
    assert fake["country"].eq("FR").all() and fake["empty"].isna().all()


def test_missing_values_kept_where_the_data_had_them(fitted):
    _, model = fitted
    fake = model.sample(500)
    assert 0.02 < fake["amount"].isna().mean() < 0.3
    assert fake["city"].isna().any()
    assert not fake[["bimodal", "visits", "vip", "opened"]].isna().any().any()


def test_save_load_round_trip_gives_identical_samples(fitted, tmp_path):
    name, model = fitted
    path = model.save(tmp_path / f"{name}.synthloom")
    again = load(path)
    assert type(again) is type(model) and again.get_params() == model.get_params()
    pd.testing.assert_frame_equal(again.sample(200, random_state=7), model.sample(200, random_state=7))
    model.reset_sampling()
    pd.testing.assert_frame_equal(again.sample(50), model.sample(50))


def test_same_seed_same_output(fitted, mixed_frame):
    name, model = fitted
    twin = get_model(name, random_state=0, **TINY[name]).fit(mixed_frame)
    pd.testing.assert_frame_equal(twin.sample(100, random_state=3), model.sample(100, random_state=3))
    model.reset_sampling()
    first, second = model.sample(100), model.sample(100)
    assert not first.equals(second), "successive draws should differ"


def test_learns_real_data(fitted, default_frame):
    """On real data the generator keeps each marginal roughly and the balance/default dependence."""
    name, _ = fitted
    model = get_model(name, random_state=0, **TINY[name]).fit(default_frame)
    fake = model.sample(2_000)
    real_rate = (default_frame["default"] == "Yes").mean()
    assert abs((fake["default"] == "Yes").mean() - real_rate) < 0.03
    assert (
        abs(fake["balance"].median() - default_frame["balance"].median())
        < 0.25 * default_frame["balance"].std()
    )
    def gap(f):
        return (
            f.loc[f["default"] == "Yes", "balance"].mean() - f.loc[f["default"] == "No", "balance"].mean()
        )
    assert gap(fake) > 0.15 * gap(default_frame)  # an independent generator would give about 0


def test_zero_rows_and_bad_counts(fitted):
    from synthloom.errors import ConfigError

    _, model = fitted
    assert len(model.sample(0)) == 0
    for bad in (-1, 2.5, True, "10"):
        with pytest.raises(ConfigError):
            model.sample(bad)
    assert np.isfinite(model.sample(5)["bimodal"]).all()
