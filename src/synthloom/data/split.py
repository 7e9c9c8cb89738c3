"""Hold-out splits a fit and a later evaluation agree on.

``synthloom image fit --holdout`` keeps a seeded share of the images out of training and records the split
in the model file (with a digest of the images), so that ``image evaluate`` scores against exactly the
images the model never saw.
"""

from __future__ import annotations

import numpy as np

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
