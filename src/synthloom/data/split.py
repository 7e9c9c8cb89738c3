"""Hold-out splits a fit and a later evaluation agree on, for images and tables alike.

``synthloom image fit --holdout`` and ``synthloom fit --holdout`` keep a seeded share of the data out of
training and record the split in the model file (with ``fingerprint``-style digests of the data), so that
``image evaluate`` and ``evaluate --model`` score against exactly the items the model never saw.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from synthloom.errors import ConfigError

SPLIT_SEED = 20_240_601  # fixed, not the user's seed: fit and evaluate must agree on the held-out items


def holdout_indices(count: int, fraction: float, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the (train, test) parts of a seeded split of ``count`` items, ``fraction`` of them
    held out (``seed``: the one a model file recorded, for a split made by another version).

    Raises:
        ConfigError: ``fraction`` outside [0, 1).

    Example:
        >>> train, test = holdout_indices(10, 0.3)
        >>> len(train), len(test)
        (7, 3)
    """
    if not 0 <= fraction < 1:
        raise ConfigError(f"holdout must be in [0, 1), not {fraction!r}")
    order = np.random.default_rng(seed).permutation(count)
    n_test = round(fraction * count)
    return order[n_test:], order[:n_test]


def holdout_rows(
    table: pd.DataFrame, fraction: float, seed: int = SPLIT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a table's rows into (train, test) as ``holdout_indices`` does, each part numbered from 0.

    Example:
        >>> train, test = holdout_rows(datasets.load("default"), 0.3)
        >>> len(train), len(test)
        (7000, 3000)
    """
    train, test = holdout_indices(len(table), fraction, seed)
    return table.iloc[train].reset_index(drop=True), table.iloc[test].reset_index(drop=True)


def table_fingerprint(table: pd.DataFrame) -> str:
    """A digest of a table's content (column names and every value, not its index or dtypes): the same
    rows, wherever and however they are read from, so a split recorded at fit is known again later."""
    digest = hashlib.sha256(json.dumps([str(name) for name in table.columns]).encode())
    digest.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    return digest.hexdigest()
