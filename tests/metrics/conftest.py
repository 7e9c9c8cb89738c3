"""Small tables with known structure for the metric tests (the shared conftest adds default/mixed frames)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def related_frame(n: int, seed: int) -> pd.DataFrame:
    """Columns with strong, known relations: y follows x, the segment follows x, the label follows y."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 2 * x + rng.normal(scale=0.5, size=n)
    segment = np.where(x > 0.5, "high", np.where(x < -0.5, "low", "mid"))
    label = np.where(y + rng.normal(scale=0.8, size=n) > 0, "yes", "no")
    return pd.DataFrame({"x": x, "y": y, "segment": segment, "count": rng.poisson(4, n), "label": label})


def shuffled_columns(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Every column permuted on its own: marginals kept exactly, every relation between columns broken."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({c: frame[c].to_numpy()[rng.permutation(len(frame))] for c in frame.columns})


@pytest.fixture(scope="module")
def related_train() -> pd.DataFrame:
    return related_frame(500, seed=1)


@pytest.fixture(scope="module")
def related_test() -> pd.DataFrame:
    return related_frame(400, seed=2)


@pytest.fixture(scope="session")
def make_related():
    """The ``related_frame`` factory, for tests that need a fresh sample."""
    return related_frame


@pytest.fixture(scope="session")
def shuffle():
    """The ``shuffled_columns`` helper."""
    return shuffled_columns
