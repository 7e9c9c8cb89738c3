"""The restricted unpickler loads numpy arrays and refuses anything that could run code."""

from __future__ import annotations

import gzip
import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from synthloom.datasets.safe_pickle import load_numpy_pickle
from synthloom.errors import DataError


def _write(path: Path, obj: object, protocol: int = pickle.DEFAULT_PROTOCOL) -> Path:
    data = pickle.dumps(obj, protocol=protocol)
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


@pytest.mark.parametrize("protocol", [3, 4, 5])
@pytest.mark.parametrize("name", ["arrays.pkl", "arrays.pkl.gz"])
def test_numpy_arrays_in_containers_load(tmp_path: Path, protocol: int, name: str) -> None:
    images = np.random.default_rng(0).random((4, 3, 3), dtype=np.float32)
    labels = np.arange(4, dtype=np.int64)
    obj = ((images, labels), [labels.T], {"fortran": np.asfortranarray(images[0])})
    loaded = load_numpy_pickle(_write(tmp_path / name, obj, protocol))
    np.testing.assert_array_equal(loaded[0][0], images)
    assert loaded[0][0].dtype == np.float32 and loaded[0][1].dtype == np.int64
    np.testing.assert_array_equal(loaded[2]["fortran"], images[0])


class _RunsAShellCommand:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_a_pickle_that_calls_os_system_is_refused_before_running(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = _write(tmp_path / "evil.pkl", (np.zeros(2), _RunsAShellCommand(marker)))
    with pytest.raises(DataError, match=r"refusing to unpickle GLOBAL \w+\.system from .*evil\.pkl"):
        load_numpy_pickle(path)
    assert not marker.exists()
    # The same file does run the command through plain pickle: the test really exercises an attack.
    pickle.loads(path.read_bytes())
    assert marker.exists()


@pytest.mark.parametrize("protocol", [0, 2, 4])
def test_builtins_eval_is_refused(tmp_path: Path, protocol: int) -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return eval, ("1 + 1",)

    path = _write(tmp_path / "eval.pkl", [Evil()], protocol)
    with pytest.raises(DataError, match=r"GLOBAL (__builtin__|builtins)\.eval"):
        load_numpy_pickle(path)


def test_object_arrays_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "objects.pkl", {"x": np.array([1, "a"], dtype=object)})
    with pytest.raises(DataError, match="dtype object"):
        load_numpy_pickle(path)


@pytest.mark.parametrize("content", [b"not a pickle at all", pickle.dumps(np.zeros(100))[:50]])
def test_garbage_and_truncated_files_raise_data_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pkl"
    path.write_bytes(content)
    with pytest.raises(DataError, match=r"bad\.pkl"):
        load_numpy_pickle(path)


def test_a_file_that_is_not_gzip_raises_data_error(tmp_path: Path) -> None:
    path = tmp_path / "plain.pkl.gz"
    path.write_bytes(pickle.dumps(np.zeros(3)))
    with pytest.raises(DataError, match="not a valid numpy pickle"):
        load_numpy_pickle(path)
