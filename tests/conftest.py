"""Shared fixtures: small real data (ISLR Default, shipped in an installed package) and a mixed-type frame."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings

# `make test` and CI give the same verdict on every run: hypothesis derives its examples from each
# test's name. `pytest --hypothesis-profile explore` draws fresh ones, to hunt for new failing inputs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("repeatable")


@pytest.fixture(scope="session")
def default_frame() -> pd.DataFrame:
    """1,000 rows of the real credit-default data (balance, income, student, default)."""
    from synthloom import datasets

    return datasets.load("default").sample(1_000, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="session")
def mixed_frame() -> pd.DataFrame:
    """Every column kind the data layer handles: skewed, bimodal, integer, datetime, missing, rare levels."""
    rng = np.random.default_rng(0)
    n = 400
    bimodal = np.where(rng.random(n) < 0.4, rng.normal(-5, 1, n), rng.normal(10, 2, n))
    amount = np.round(rng.lognormal(3, 1, n), 2)
    amount[rng.random(n) < 0.1] = np.nan
    city = rng.choice(["Paris", "Lyon", "Nice", "Lille"], n, p=[0.5, 0.3, 0.15, 0.05]).astype(object)
    city[rng.random(n) < 0.05] = None
    return pd.DataFrame(
        {
            "customer_id": np.arange(1000, 1000 + n),
            "bimodal": bimodal,
            "amount": amount,
            "visits": rng.poisson(3, n),
            "city": city,
            "vip": rng.random(n) < 0.2,
            "opened": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"),
            "country": ["FR"] * n,
            "empty": [np.nan] * n,
        }
    )


@pytest.fixture(scope="session")
def loosely_related_frame() -> pd.DataFrame:
    """3,000 rows: categories a and b, c and d, e and f loosely related (Cramér's V about 0.35), x on its
    own. Shuffled column by column it scores as adult did: quality good over pair trends fair. Three
    related pairs, as the share of them lost judges no fewer."""
    rng = np.random.default_rng(0)
    first = rng.integers(0, 4, 3000)
    second = np.where(rng.random(3000) < 0.35, first, rng.integers(0, 4, 3000))
    frame = pd.DataFrame(
        {"a": np.array(list("pqrs"))[first], "b": np.array(list("PQRS"))[second], "x": rng.normal(size=3000)}
    )
    for one, other in ("cd", "ef"):
        first = rng.integers(0, 4, 3000)
        second = np.where(rng.random(3000) < 0.35, first, rng.integers(0, 4, 3000))
        frame[one], frame[other] = np.array(list("pqrs"))[first], np.array(list("PQRS"))[second]
    return frame


class MajorityInDisguise:
    """A 'generator' that did not learn the class: asked for rows of a class, it returns rows of the
    majority labelled as that class (a conditional generator that ignores its condition)."""

    def get_params(self, deep: bool = True) -> dict:
        return {}

    def set_params(self, **params) -> MajorityInDisguise:
        return self

    def fit(self, data: pd.DataFrame, metadata=None, constraints=None) -> MajorityInDisguise:
        from synthloom.data.metadata import learned_metadata

        self.data_, self.metadata_ = data, learned_metadata(data, metadata)
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "data_")

    def sample(self, n: int, conditions: dict, random_state: int | None = None) -> pd.DataFrame:
        ((target, label),) = conditions.items()
        majority = self.data_[self.data_[target] == self.data_[target].mode()[0]]
        return majority.sample(n, replace=True, random_state=random_state).assign(**{target: label})


@pytest.fixture(scope="session")
def majority_in_disguise() -> type[MajorityInDisguise]:
    """The generator class whose rows of a class are the majority's (``MajorityInDisguise``)."""
    return MajorityInDisguise


# Share of rows in each hour of the day: few at night, most by day, as card payments
DAILY_CYCLE = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 6, 6, 5, 4, 3, 2, 1.5])


def stamps_of_days(n: int, seed: int, flat: bool = False) -> pd.DataFrame:
    """``n`` rows of a 90-day stamp column with a daily cycle (``flat``: its hours drawn evenly, the cycle
    lost), a date-only column and an amount."""
    rng = np.random.default_rng(seed)
    weights = np.ones(24) if flat else DAILY_CYCLE
    hours = rng.choice(24, n, p=weights / weights.sum())
    days = pd.to_timedelta(rng.integers(0, 90, n), "D")
    stamp = pd.Timestamp("2024-01-01") + days + pd.to_timedelta(hours * 3600 + rng.integers(0, 3600, n), "s")
    return pd.DataFrame(
        {
            "stamp": stamp,
            "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
            "amount": rng.lognormal(3, 1, n).round(2),
        }
    )


@pytest.fixture(scope="session")
def daily_stamps() -> Callable[..., pd.DataFrame]:
    """``stamps_of_days``, for tests to draw real and synthetic stamps with and without the daily cycle."""
    return stamps_of_days


def _edited_model(model_path: Path, out: Path, edit: Callable[[dict], object]) -> Path:
    """A copy of a model file whose JSON description went through ``edit`` (as a hand or a tool might)."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(model_path), framework="pt") as handle:
        description = json.loads(handle.metadata()["synthloom"])
        tensors = {k: handle.get_tensor(k) for k in handle.keys()}  # noqa: SIM118
    edit(description)
    save_file(tensors, str(out), metadata={"synthloom": json.dumps(description)})
    return out


@pytest.fixture
def edited_model() -> Callable[[Path, Path, Callable[[dict], object]], Path]:
    """``_edited_model``: copies a model file with its description edited."""
    return _edited_model
