"""The face sets (scikit-image's LFW subset) and the generated coloured shapes."""

from __future__ import annotations

import numpy as np
import pytest

from synthloom import datasets
from synthloom.datasets import _files
from synthloom.datasets._shapes import PALETTE, coloured_shapes
from synthloom.errors import MissingDependencyError


def test_faces_are_100_grey_32x32_images_of_one_class() -> None:
    images, labels = datasets.load_images("faces")
    assert images.shape == (100, 32, 32) and images.dtype == np.float32
    assert 0.0 <= images.min() < 0.05 and 0.95 < images.max() <= 1.0
    assert images.std(axis=(1, 2)).min() > 0.05  # every one a picture, not a flat square
    assert labels.dtype == np.int64 and (labels == 0).all()


def test_lfw_holds_the_faces_then_the_backgrounds() -> None:
    faces, _ = datasets.load_images("faces")
    images, labels = datasets.load_images("lfw")
    assert images.shape == (200, 32, 32)
    np.testing.assert_array_equal(images[:100], faces)
    assert np.bincount(labels).tolist() == [100, 100] and (labels[100:] == 1).all()


def test_faces_without_scikit_image_name_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_files.importlib.util, "find_spec", lambda module: None)
    with pytest.raises(MissingDependencyError, match=r"scikit-image.*pip install 'synthloom\[images\]'"):
        datasets.load_images("faces")


def test_shapes_are_seeded_rgb_images() -> None:
    images, labels = coloured_shapes(24, size=32, seed=5)
    assert images.shape == (24, 3, 32, 32) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() <= 1.0 and labels.dtype == np.int64
    again, again_labels = coloured_shapes(24, size=32, seed=5)
    np.testing.assert_array_equal(images, again)
    np.testing.assert_array_equal(labels, again_labels)
    other, _ = coloured_shapes(24, size=32, seed=6)
    assert not np.array_equal(images, other)


def _fill_and_colour(image: np.ndarray) -> tuple[float, np.ndarray]:
    """Share of its bounding box that the shape fills, and the shape's colour (its brightest pixel)."""
    brightness = image.max(axis=0)  # (H, W): shape colours are brighter than any background
    mask = brightness > 0.35
    rows, cols = np.nonzero(mask)
    box = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
    return mask.sum() / box, image[:, rows[0], cols[0]]


def test_shape_labels_say_which_shape_is_drawn() -> None:
    images, labels = coloured_shapes(60, size=64, seed=0)
    assert set(labels.tolist()) == {0, 1, 2}
    expected = {0: np.pi / 4, 1: 1.0, 2: 0.5}  # disc, square, triangle: share of the bounding box
    for image, label in zip(images, labels, strict=True):
        fill, colour = _fill_and_colour(image)
        assert fill == pytest.approx(expected[int(label)], abs=0.08)
        # the colour is a palette colour up to brightness: its direction matches one palette row
        cosine = PALETTE @ colour / (np.linalg.norm(PALETTE, axis=1) * np.linalg.norm(colour))
        assert cosine.max() > 0.999


def test_shapes_frame_names_channel_row_and_column() -> None:
    info = datasets.info("shapes")
    assert info.image_shape == (64, 64)
    frame = datasets.load("shapes")
    assert frame.shape == (info.rows, info.columns)
    assert frame.columns[0] == "pixel_0_0_0" and frame.columns[-2] == "pixel_2_63_63"
    images, _ = datasets.load_images("shapes")
    assert frame.iloc[7, 64 * 64 + 3] == images[7, 1, 0, 3]
