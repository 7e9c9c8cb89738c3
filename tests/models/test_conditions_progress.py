"""Rejection sampling that takes long: progress where no terminal shows a bar, an early stop where the
acceptance seen makes the request hopeless, a warning up front where the values are rarely seen together."""

import numpy as np
import pandas as pd

from synthloom import progress
from synthloom.models.conditions import RangeCondition, sample_with_rejection


def uniform_draws(seed: int = 0):
    """``draw(size)``: ``size`` rows of x uniform on [0, 1], seeded per call, counting the rows drawn."""
    calls = iter(range(10**6))

    def draw(size: int) -> pd.DataFrame:
        draw.rows += size
        return pd.DataFrame({"x": np.random.default_rng([seed, next(calls)]).random(size)})

    draw.rows = 0
    return draw


def test_without_a_terminal_rejection_reports_progress_in_plain_lines(monkeypatch, capsys):
    """Piped, the bar was invisible: 9 min 44 s without a line until "wrote 200"."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)  # a line every round
    rows = sample_with_rejection(uniform_draws(), [RangeCondition("x", 0.0, 0.01)], 200, verbose=True)
    assert len(rows) == 200 and rows["x"].le(0.01).all()
    lines = capsys.readouterr().err.splitlines()
    assert lines and all(line.startswith("sampling with conditions: ") for line in lines)
    assert "of 200 rows after" in lines[-1] and "match)" in lines[-1] and "left" in lines[-1]


def test_without_verbose_rejection_stays_quiet(monkeypatch, capsys):
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0, raising=False)
    sample_with_rejection(uniform_draws(), [RangeCondition("x", 0.0, 0.01)], 50)
    assert capsys.readouterr().err == ""
