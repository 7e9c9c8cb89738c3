"""Rejection sampling that takes long: progress where no terminal shows a bar, an early stop where the
acceptance seen makes the request hopeless, a warning up front where the values are rarely seen together."""

import numpy as np
import pandas as pd
import pytest

from synthloom import progress
from synthloom.errors import ConditionError
from synthloom.models import conditions
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


def test_a_hopeless_rate_stops_early_instead_of_drawing_to_the_cap():
    """5,000 rows met by 0.01% of draws need 50 million: every draw of the 1,000,000 the budget allowed
    was made before the error; the rate seen in the first rounds is enough to tell."""
    draw = uniform_draws()
    with pytest.raises(ConditionError, match=r"only \d+ of 5000 rows .* past the 2 million sampling makes"):
        sample_with_rejection(draw, [RangeCondition("x", 0.0, 0.0001)], 5000)
    assert draw.rows < 200_000


def test_a_rare_rate_within_the_cap_is_drawn_to_the_end():
    """200 rows met by 0.05% of draws need about 400,000 draws: within the cap, so not stopped early."""
    draw = uniform_draws(1)
    rows = sample_with_rejection(draw, [RangeCondition("x", 0.0, 0.0005)], 200)
    assert len(rows) == 200 and 200_000 < draw.rows <= conditions.MAX_DRAWS
