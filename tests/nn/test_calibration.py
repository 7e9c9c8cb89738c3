"""Marginal calibration: drawn scores carried onto the real ones' quantiles, ranks kept."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.stats import ks_2samp

from synthloom.nn.calibration import KNOTS, MIN_ROWS, MarginalCalibration, real_quantiles


def _learned(real: np.ndarray, drawn: np.ndarray, columns: list[int]) -> MarginalCalibration | None:
    """The calibration of ``drawn`` onto ``real`` over every row of ``columns``."""
    every = np.ones(len(real), dtype=bool)
    return MarginalCalibration.learn(
        real_quantiles(real, dict.fromkeys(columns, every)),
        drawn,
        dict.fromkeys(columns, np.ones(len(drawn), dtype=bool)),
    )


def test_biased_draws_come_out_with_the_real_distribution_and_their_ranks():
    rng = np.random.default_rng(0)
    real = rng.normal(0.0, 1.0, (5_000, 2)).astype(np.float32)
    drawn = np.column_stack([rng.normal(0.5, 2.0, 5_000), rng.gamma(2.0, 1.0, 5_000)]).astype(np.float32)
    calibration = _learned(real, drawn, [0, 1])
    fresh = torch.from_numpy(np.column_stack([rng.normal(0.5, 2.0, 5_000), rng.gamma(2.0, 1.0, 5_000)]))
    fresh = fresh.float()
    mapped = calibration.apply(fresh.clone())
    for column in (0, 1):
        before = ks_2samp(real[:, column], fresh[:, column].numpy()).statistic
        after = ks_2samp(real[:, column], mapped[:, column].numpy()).statistic
        assert before > 0.15 and after < 0.04
        # non-decreasing: no two rows swap order within the column
        order = fresh[:, column].argsort()
        assert (mapped[order, column].diff() >= 0).all()
    # beyond the drawn range: the real range's ends, never past them
    ends = calibration.apply(torch.tensor([[-100.0, -100.0], [100.0, 100.0]]))
    np.testing.assert_allclose(ends[:, 0].numpy(), [real[:, 0].min(), real[:, 0].max()], rtol=1e-6)


def test_only_the_rows_holding_a_value_are_counted_and_sparse_columns_are_left_alone():
    rng = np.random.default_rng(1)
    real = rng.normal(0.0, 1.0, (2_000, 3)).astype(np.float32)
    real[:1_000, 0] = 0.0  # rows whose score is not a value (a spike's, a missing value's): ignored
    drawn = rng.normal(2.0, 1.0, (2_000, 3)).astype(np.float32)
    holds = np.arange(2_000) >= 1_000
    few = np.arange(2_000) < MIN_ROWS - 1
    every = np.ones(2_000, dtype=bool)
    quantiles = real_quantiles(real, {0: holds, 2: few})
    assert list(quantiles) == [0]  # too few rows hold a value in column 2
    calibration = MarginalCalibration.learn(quantiles, drawn, {0: every, 2: few})
    assert calibration.columns.tolist() == [0] and calibration.real.shape == (1, KNOTS)
    ends = [real[holds, 0].min(), real[holds, 0].max()]
    np.testing.assert_allclose(calibration.real[0, [0, -1]].numpy(), ends)
    x = torch.from_numpy(drawn[:10].copy())
    mapped = calibration.apply(x.clone())
    torch.testing.assert_close(mapped[:, 1:], x[:, 1:])  # other columns untouched
    assert MarginalCalibration.learn(quantiles, drawn, {0: few, 2: few}) is None  # too few drawn


def test_a_point_mass_in_the_draws_maps_without_nan():
    real = np.linspace(-2, 2, 1_000, dtype=np.float32)[:, None]
    drawn = np.where(np.arange(1_000) < 600, 5.5, np.linspace(-1, 1, 1_000)).astype(np.float32)[:, None]
    calibration = _learned(real, drawn, [0])
    mapped = calibration.apply(torch.tensor([[5.5], [0.0], [7.0]]))
    assert torch.isfinite(mapped).all() and mapped[2, 0] == pytest.approx(2.0)


def test_tensors_round_trip_and_damaged_ones_are_refused():
    rng = np.random.default_rng(2)
    real, drawn = rng.normal(size=(500, 2)).astype(np.float32), rng.normal(size=(500, 2)).astype(np.float32)
    calibration = _learned(real, drawn, [0, 1])
    tensors = calibration.tensors()
    again = MarginalCalibration.from_tensors(tensors, width=2)
    x = torch.from_numpy(drawn[:20].copy())
    torch.testing.assert_close(again.apply(x.clone()), calibration.apply(x.clone()))
    assert MarginalCalibration.from_tensors({}, width=2) is None
    damaged = [
        {**tensors, "calibration.columns": torch.tensor([0, 5])},  # outside the matrix
        {**tensors, "calibration.drawn": tensors["calibration.drawn"].flip(1)},  # descending
        {**tensors, "calibration.real": tensors["calibration.real"][:1]},  # one row short
        {**tensors, "calibration.drawn": tensors["calibration.drawn"].clone().fill_(float("nan"))},
        {**tensors, "calibration.columns": torch.tensor([1, 1])},  # a column twice
    ]
    for bad in damaged:
        with pytest.raises(ValueError, match="calibration"):
            MarginalCalibration.from_tensors(bad, width=2)
