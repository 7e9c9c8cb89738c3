"""Image data in and out: class folders, .npz, bundled sets, grids, data sets written atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from synthloom.data.images import image_grid, read_images, write_grid, write_image_dataset
from synthloom.errors import ConfigError, DataError


def test_folder_round_trip_keeps_pixels_and_labels(tmp_path) -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 5, 5)).astype(np.float32) / 255
    labels = np.array([0, 1, 0, 1, 1, 0])
    out = write_image_dataset(images, labels, tmp_path / "out")
    table = pd.read_csv(out / "labels.csv")
    assert table["label"].tolist() == labels.tolist()
    for name, label in zip(table["file"], table["label"], strict=True):  # to the class-folder layout
        (tmp_path / "classes" / f"c{label}").mkdir(parents=True, exist_ok=True)
        (out / name).rename(tmp_path / "classes" / f"c{label}" / name)
    back = read_images(tmp_path / "classes")
    assert back.class_names == ["c0", "c1"] and back.images.shape == (6, 5, 5)
    order = np.argsort(labels, kind="stable")
    np.testing.assert_allclose(back.images, images[order], atol=1e-6)
    assert back.labels.tolist() == labels[order].tolist()


def test_rgb_npz_round_trip(tmp_path) -> None:
    images = np.random.default_rng(0).random((4, 3, 6, 6)).astype(np.float32)
    path = write_image_dataset(images, np.arange(4), tmp_path / "x.npz")
    back = read_images(path)
    assert back.images.shape == (4, 3, 6, 6) and back.labels.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(back.images, images, atol=1 / 255)


def test_bundled_digits() -> None:
    data = read_images("digits")
    assert data.images.shape == (1797, 8, 8) and data.labels.shape == (1797,)


def test_grid_layout_and_png(tmp_path) -> None:
    assert image_grid(np.ones((10, 8, 8))).shape == (26, 35)  # 3 rows x 4 columns
    assert image_grid(np.ones((3, 3, 4, 4)), columns=3).shape == (4, 14, 3)
    path = write_grid(np.zeros((4, 8, 8)), tmp_path / "g.png", scale=2)
    assert Image.open(path).size == (34, 34)


def test_refusals(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no images found"):
        read_images(tmp_path / "empty")
    np.savez(tmp_path / "bad.npz", pixels=np.zeros(3))
    with pytest.raises(DataError, match="no 'images' array"):
        read_images(tmp_path / "bad.npz")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "a").write_text("x")
    with pytest.raises(ConfigError, match="not an empty folder"):
        write_image_dataset(np.zeros((2, 4, 4)), None, tmp_path / "used")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
