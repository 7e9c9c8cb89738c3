"""A generated colour image set: seeded discs, squares and triangles in saturated colours.

It proves the RGB path of the image generators (3 channels, 64x64) on a task whose answer is easy to
see in a grid: each image holds one shape (the label) in one of six colours on a dark, tinted
background, at a random place and size.
"""

from __future__ import annotations

import numpy as np

SHAPE_NAMES = ("disc", "square", "triangle")  # label 0, 1, 2
PALETTE = np.array(
    [[0.95, 0.15, 0.1], [0.1, 0.8, 0.2], [0.15, 0.35, 0.95], [0.95, 0.85, 0.1], [0.85, 0.2, 0.85],
     [0.1, 0.85, 0.9]],
    dtype=np.float32,
)  # red, green, blue, yellow, magenta, cyan  # fmt: skip
SHAPES_N = 2_000  # the registered set: 2,000 x 3 x 64 x 64 float32 is 98 MB
SHAPES_SIDE = 64


def coloured_shapes(
    n: int = SHAPES_N, size: int = SHAPES_SIDE, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (N, 3, size, size) float32 in [0, 1] and their shape labels (N,) int64.

    Same ``seed``, same images. Label 0 is a disc, 1 a square, 2 an upward triangle; the shape's
    colour is one of ``PALETTE`` (brightness jittered), the background a dark tint.

    Example:
        >>> images, labels = coloured_shapes(10, size=32, seed=1)
        >>> images.shape, sorted(set(labels.tolist())) <= [0, 1, 2]
        ((10, 3, 32, 32), True)
    """
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] / size  # (size, size) in [0, 1)
    labels = rng.integers(0, len(SHAPE_NAMES), n)
    images = np.empty((n, 3, size, size), np.float32)
    for index, label in enumerate(labels):
        cy, cx = rng.uniform(0.3, 0.7, 2)
        r = rng.uniform(0.15, 0.28)  # half the side of the square, radius of the disc
        dy, dx = rows - cy, cols - cx
        mask = (
            dy**2 + dx**2 < r**2,
            (np.abs(dy) < r) & (np.abs(dx) < r),
            (dy < r) & (dy > 2 * np.abs(dx) - r),  # apex at the top, base 2r wide at the bottom
        )[label]
        colour = PALETTE[rng.integers(len(PALETTE))] * rng.uniform(0.75, 1.0)
        background = rng.uniform(0.05, 0.3, 3).astype(np.float32)
        images[index] = np.where(mask, colour[:, None, None], background[:, None, None])
    return images, labels.astype(np.int64)
