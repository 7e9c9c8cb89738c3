"""Read pickles that hold only numpy arrays, without letting the file run code.

A pickle names the callables it wants invoked; ``pickle.load`` imports and calls any of them, so a
crafted file runs arbitrary code. ``load_numpy_pickle`` resolves names from a fixed table holding the
few callables numpy's own array pickling emits, and refuses every other name before anything runs.
"""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path
from typing import IO, Any

import numpy as np

from synthloom.errors import DataError

# Taken from numpy's own reduce output, so the table is right for numpy 1.x (numpy.core) and 2.x
# (numpy._core) alike, and nothing is imported by name from the file.
# _reconstruct serves protocols 3 and 4. Python 3 writes an array's bytes at protocols 0-2 through
# _codecs.encode, which is not in the table, so such pickles are refused; Python 2's (the classic
# mnist.pkl.gz, protocol 2) hold the bytes as str and load.
_RECONSTRUCT = np.array(0).__reduce__()[0]
_FROMBUFFER = np.array(0).__reduce_ex__(5)[0]  # protocol 5
_ALLOWED: dict[tuple[str, str], Any] = {
    ("numpy.core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy._core.multiarray", "_reconstruct"): _RECONSTRUCT,
    ("numpy.core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy._core.numeric", "_frombuffer"): _FROMBUFFER,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """An unpickler whose globals come only from ``_ALLOWED``."""

    def __init__(self, file: IO[bytes], source: str) -> None:
        # latin1: Python 2 pickles (like the classic mnist.pkl.gz) store array bytes as str.
        super().__init__(file, encoding="latin1")
        self._source = source

    def find_class(self, module: str, name: str) -> Any:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise DataError(
                f"refusing to unpickle GLOBAL {module}.{name} from {self._source}: "
                "only numpy arrays are allowed"
            ) from None


def load_numpy_pickle(path: str | os.PathLike[str]) -> Any:
    """Unpickle a file made of numpy arrays in tuples, lists and dicts; refuse anything else.

    Files ending in ``.gz`` are decompressed. Arrays of dtype ``object`` are refused too: they could
    smuggle in arbitrary Python objects. Out-of-band buffers (protocol 5) are not supported, nor are
    arrays Python 3 pickled at protocols 0-2 (their bytes go through ``_codecs.encode``); Python 2's
    protocol-2 pickles load.

    Args:
        path: the pickle file.

    Returns:
        The unpickled object.

    Raises:
        DataError: the file references something other than numpy array reconstruction, holds an
            object array, or is not a valid pickle.

    Example:
        >>> train, valid, test = load_numpy_pickle("mnist.pkl.gz")  # doctest: +SKIP
        >>> train[0].shape, train[0].dtype  # doctest: +SKIP
        ((50000, 784), dtype('float32'))
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        try:
            obj = _NumpyOnlyUnpickler(f, str(path)).load()
        except DataError:  # a refused global: already says what and where
            raise
        except (pickle.UnpicklingError, gzip.BadGzipFile, EOFError, ValueError, TypeError) as exc:
            raise DataError(f"{path} is not a valid numpy pickle: {exc}") from exc
    _refuse_object_arrays(obj, path)
    return obj


def _refuse_object_arrays(obj: Any, path: Path) -> None:
    """Walk containers; raise ``DataError`` on an ``object`` array."""
    if isinstance(obj, np.ndarray):
        if obj.dtype.hasobject:
            raise DataError(f"refusing {path}: it holds an array of dtype object; only numeric arrays")
    elif isinstance(obj, tuple | list):
        for item in obj:
            _refuse_object_arrays(item, path)
    elif isinstance(obj, dict):
        for item in obj.values():
            _refuse_object_arrays(item, path)
