"""Image generators side by side: training time, FID/KID, precision/recall, CAS against real accuracy.

Each model trains on the same held-out split (``holdout_split``, the split the CLI uses) for a time
budget, then draws labelled samples in the training class proportions; scores come from
``synthloom.metrics.images`` in the feature space of a small CNN trained on the real training images.
Sample grids land in ``--out``.

    .venv/bin/python benchmarks/images.py --dataset digits --epochs 60 --threads 1
    .venv/bin/python benchmarks/images.py --dataset mnist --models cdcgan --max-minutes 15 --threads 2
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from synthloom.data.images import ImageData, holdout_split, read_images, write_grid
from synthloom.metrics.images import RealImages, evaluate_images
from synthloom.models import dcgan, image_vae  # noqa: F401  (register dcgan, cdcgan, vae, cvae)
from synthloom.registry import get_model

SHOWN = ("fid", "kid", "precision", "recall", "coverage", "cas", "real_accuracy", "label_agreement")
SHOWN += ("classes_covered", "memorised_share")


def coloured_shapes(n: int, size: int = 64, seed: int = 0) -> ImageData:
    """RGB test set for the colour path: a random-coloured disc (0), square (1) or triangle (2) on black."""
    rng = np.random.default_rng(seed)
    rows, cols = np.mgrid[0:size, 0:size] / size  # (size, size) in [0, 1)
    labels = rng.integers(0, 3, n)
    images = np.zeros((n, 3, size, size), np.float32)
    for index, label in enumerate(labels):
        cy, cx, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.12, 0.25)
        masks = (
            (rows - cy) ** 2 + (cols - cx) ** 2 < r**2,
            (np.abs(rows - cy) < r) & (np.abs(cols - cx) < r),
            (rows - cy < r) & (rows - cy > 2 * np.abs(cols - cx) - r),
        )
        images[index] = masks[label] * rng.uniform(0.3, 1.0, 3)[:, None, None]
    return ImageData(images, labels.astype(np.int64))


def run_one(name: str, args: argparse.Namespace, real: RealImages) -> dict[str, float]:
    """Fit one model within the budget, sample, score; returns the scores plus fit seconds."""
    model = get_model(
        name,
        epochs=args.epochs,
        max_minutes=args.max_minutes,
        batch_size=args.batch_size,
        width=args.width,
        device=args.device,
        verbose=True,
        random_state=args.seed,
    )
    start = time.perf_counter()
    model.fit(real.train, real.train_labels if model.conditional else None)
    seconds = time.perf_counter() - start
    images, labels = model.sample(args.samples, random_state=args.seed, return_labels=True)
    write_grid(images[:100], Path(args.out) / f"{args.dataset}_{name}.png", columns=10, scale=2)
    fake_labels = labels if model.conditional else None
    scores = evaluate_images(real, images, fake_labels, classifier_epochs=3, random_state=args.seed)
    return {"fit_s": seconds, "epochs": float(len(model.loss_history_)), **scores}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dataset", default="digits", help="digits, mnist, shapes (RGB 64x64), an .npz or a class folder"
    )
    parser.add_argument("--models", nargs="+", default=["cdcgan", "cvae", "dcgan"])
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--max-minutes", type=float, default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=32, help="channels of the outermost convolution")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--holdout", type=float, default=0.15)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N training images only")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/out")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    found = coloured_shapes(3000) if args.dataset == "shapes" else read_images(args.dataset)
    train, test = holdout_split(found, args.holdout)
    real = RealImages(train.images[: args.limit], train.labels[: args.limit], test.images, test.labels)
    console = Console(width=200)  # the table has 14 columns; never squeeze numbers into ellipses
    console.print(f"{args.dataset}: {len(real.train):,} training and {len(test.images):,} test images")
    results = {name: run_one(name, args, real) for name in args.models}
    table = Table(title=f"image generators on {args.dataset} ({args.threads} CPU thread(s), {args.device})")
    table.add_column("model")
    for column in ("fit_s", "epochs", *SHOWN, "cas/real"):
        table.add_column(column, justify="right")
    for name, scores in results.items():
        ratio = scores["cas"] / scores["real_accuracy"] if "cas" in scores else float("nan")
        cells = [f"{scores.get(c, float('nan')):.4g}" for c in ("fit_s", "epochs", *SHOWN)]
        table.add_row(name, *cells, f"{ratio:.3f}")
    console.print(table)
    path = Path(args.out) / f"{args.dataset}_scores.json"
    path.write_text(json.dumps({"settings": vars(args), "results": results}, indent=2))
    console.print(f"scores and settings in {path}; sample grids beside it")


if __name__ == "__main__":
    main()
