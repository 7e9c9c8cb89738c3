"""GANomaly against the detectors a user would try first, on tables (shuttle) and images (MNIST).

shuttle: the bundled Statlog Shuttle sensors. Normal rows (``anomaly == 0``, the original class 1) are
split 80/20 with a fixed seed; every detector trains on the same 80% and is tested on the held-back 20%
plus every anomalous row. Baselines in the same run: IsolationForest, LocalOutlierFactor (novelty mode,
on standardised columns) and a plain autoencoder's reconstruction error (same standardised columns).

mnist: the GANomaly paper's protocol: each digit in turn is the anomaly; detectors train on the other
nine digits (MNIST's first 60,000 images, subsampled to ``--train-size``) and are tested on MNIST's last
10,000 images (subsampled to ``--test-size``), padded from 28x28 to 32x32. Every seed sees the same
images; only the networks' initial weights and batches change, so the spread is the method's own.
Baselines: a plain convolutional autoencoder (GANomaly's encoder and decoder, trained on pixel MSE), and
nearest neighbours in pixel space (mean cosine distance to the 5 nearest training images: what
GANomaly's input view computes alone; it has no randomness, so its spread is 0).
``--repeat-check`` fits the first digit's first seed once more and reports the largest score difference.

    .venv/bin/python benchmarks/anomaly.py shuttle --seeds 0 1 2 --epochs 15
    # the CPU-sized MNIST run in the README (all ten digits: 32 minutes on 2 cores):
    .venv/bin/python benchmarks/anomaly.py mnist --seeds 0 1 2 --train-size 2000 --test-size 1000 \
        --epochs 3 --width 16 --members 3 --threads 2 --repeat-check
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from rich.console import Console
from rich.table import Table
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler
from torch import nn

from synthloom import datasets
from synthloom.metrics.anomaly import anomaly_scores
from synthloom.models.ganomaly import GANomaly, ImageDecoder, ImageEncoder, _neighbour_distance, _unit
from synthloom.models.neural import seeded

console = Console(width=150)
MNIST_TRAIN = 60_000  # MNIST's own train / test boundary in load_images("mnist")
DATA_SEED = 0  # which rows / images are used: fixed, so seeds only change the models


# -- the plain autoencoder baseline ----------------------------------------------------------------------
def autoencoder_scores(
    train: np.ndarray,
    test: np.ndarray,
    seed: int,
    epochs: int,
    width: int = 32,
    latent: int = 100,
    device: str = "cpu",
) -> np.ndarray:
    """Per-sample reconstruction MSE of an autoencoder trained on ``train`` (rows, or images in [-1, 1])."""
    images = train.ndim == 4
    with seeded(seed, torch.device(device)):
        if images:
            size = train.shape[-1]
            net = nn.Sequential(ImageEncoder(1, size, width, latent), ImageDecoder(1, size, width, latent))
        else:
            d = train.shape[1]
            hidden, code = 64, max(2, d // 3)
            net = nn.Sequential(
                nn.Linear(d, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, code), nn.LeakyReLU(0.2),
                nn.Linear(code, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, d),
            )  # fmt: skip
        net = net.to(device)
        optimizer = torch.optim.Adam(net.parameters(), 1e-3)
        x = torch.from_numpy(train).float().to(device)
        batch = 64
        for _ in range(epochs * max(1, len(x) // batch)):
            part = x[torch.randint(len(x), (batch,), device=device)]
            loss = (net(part) - part).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        net.eval()
        with torch.no_grad():
            test_x = torch.from_numpy(test).float().to(device)
            out = [(net(p) - p).pow(2).flatten(1).mean(1) for p in test_x.split(1024)]
    return torch.cat(out).double().cpu().numpy()


# -- shuttle -----------------------------------------------------------------------------------------------
def shuttle_split() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """(normal training rows, test rows, test labels 1 = anomaly)."""
    data = datasets.load("shuttle")
    normal = data[data["anomaly"] == 0].sample(frac=1.0, random_state=DATA_SEED)
    n_test = round(0.2 * len(normal))
    test = pd.concat([normal.iloc[:n_test], data[data["anomaly"] == 1]])
    labels = test["anomaly"].to_numpy()
    return normal.iloc[n_test:].drop(columns="anomaly"), test.drop(columns="anomaly"), labels


def run_shuttle(args: argparse.Namespace) -> list[dict]:
    train, test, labels = shuttle_split()
    console.print(
        f"shuttle: {len(train):,} normal training rows; test {len(test):,} rows, "
        f"{labels.mean():.1%} anomalous"
    )
    scaler = StandardScaler().fit(train)
    train_z, test_z = scaler.transform(train).astype(np.float32), scaler.transform(test).astype(np.float32)
    baselines = {
        "isolation forest": lambda s: -IsolationForest(random_state=s).fit(train).score_samples(test),
        "local outlier factor": lambda s: (
            -LocalOutlierFactor(novelty=True).fit(train_z).score_samples(test_z)
        ),
        "autoencoder": lambda s: autoencoder_scores(train_z, test_z, s, args.ae_epochs, device=args.device),
    }
    results = []
    for seed in args.seeds:
        start = time.perf_counter()
        model = _ganomaly(args, seed).fit(train)
        results.append(_row("ganomaly", seed, labels, model.score(test), time.perf_counter() - start))
        model.scoring = "latent"  # the paper's score, from the same fit
        results.append(
            _row("ganomaly, latent score", seed, labels, model.score(test), results[-1]["seconds"])
        )
        for name, fit_score in baselines.items():
            start = time.perf_counter()
            scores = fit_score(seed)
            results.append(_row(name, seed, labels, scores, time.perf_counter() - start))
    return results


def _ganomaly(args: argparse.Namespace, seed: int, **extra: object) -> GANomaly:
    return GANomaly(
        epochs=args.epochs,
        batch_size=args.batch_size,
        width=args.width,
        members=args.members,
        device=args.device,
        random_state=seed,
        **extra,
    )


def _row(name: str, seed: int, labels: np.ndarray, scores: np.ndarray, seconds: float) -> dict:
    found = anomaly_scores(labels, scores)
    return {
        "detector": name,
        "seed": seed,
        "roc_auc": found["roc_auc"],
        "pr_auc": found["pr_auc"],
        "seconds": seconds,
    }


# -- mnist -------------------------------------------------------------------------------------------------
def mnist_split(digit: int, train_size: int, test_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(normal training images (N, 28, 28), test images, test labels 1 = the anomalous digit)."""
    images, digits = datasets.load_images("mnist")
    rng = np.random.default_rng(DATA_SEED + digit)
    normal = np.flatnonzero(digits[:MNIST_TRAIN] != digit)
    train = rng.permutation(normal)[:train_size]
    test = MNIST_TRAIN + rng.permutation(len(images) - MNIST_TRAIN)[:test_size]
    return images[train], images[test], (digits[test] == digit).astype(np.int64)


def pixel_neighbour_scores(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Mean cosine distance of each test image to its 5 nearest training images, on raw pixels."""
    memory = _unit(torch.from_numpy(train).flatten(1))
    return _neighbour_distance(torch.from_numpy(test).flatten(1).float(), memory).double().numpy()


def _padded(images: np.ndarray) -> np.ndarray:
    """(N, 28, 28) in [0, 1] -> (N, 1, 32, 32) in [-1, 1] with a black border: the autoencoder's input."""
    return np.pad(images * 2 - 1, ((0, 0), (2, 2), (2, 2)), constant_values=-1.0)[:, None].astype(np.float32)


def run_mnist(args: argparse.Namespace) -> list[dict]:
    results, first_scores = [], None
    for digit in args.digits:
        train, test, labels = mnist_split(digit, args.train_size, args.test_size)
        start = time.perf_counter()
        pixels = pixel_neighbour_scores(train, test)
        pixel_seconds = time.perf_counter() - start
        for seed in args.seeds:
            start = time.perf_counter()
            scores = _ganomaly(args, seed).fit(train).score(test)
            first_scores = scores if first_scores is None else first_scores
            results.append(
                {"digit": digit, **_row("ganomaly", seed, labels, scores, time.perf_counter() - start)}
            )
            start = time.perf_counter()
            latent = args.latent_dim or 100  # GANomaly's own default for images
            scores = autoencoder_scores(
                _padded(train), _padded(test), seed, args.ae_epochs, args.width, latent, args.device
            )
            results.append(
                {"digit": digit, **_row("autoencoder", seed, labels, scores, time.perf_counter() - start)}
            )
            console.print(results[-2], results[-1])
            results.append({"digit": digit, **_row("pixel neighbours", seed, labels, pixels, pixel_seconds)})
    if args.repeat_check:  # the first fit once more: same seed, same data
        train, test, _ = mnist_split(args.digits[0], args.train_size, args.test_size)
        again = _ganomaly(args, args.seeds[0]).fit(train).score(test)
        gap, same = np.abs(first_scores - again).max(), np.array_equal(first_scores, again)
        console.print(
            f"repeat check (digit {args.digits[0]}, seed {args.seeds[0]}): "
            f"largest score difference {gap:.3g}; identical: {same}"
        )
    return results


# -- reporting ---------------------------------------------------------------------------------------------
def summarise(results: list[dict], by: list[str]) -> pd.DataFrame:
    """Mean, standard deviation and range (max - min) over seeds."""
    frame = pd.DataFrame(results)
    grouped = frame.groupby(by, sort=False)
    summary = grouped[["roc_auc", "pr_auc", "seconds"]].mean()
    summary["roc_auc_std"] = grouped["roc_auc"].std(ddof=0)
    summary["roc_auc_range"] = grouped["roc_auc"].max() - grouped["roc_auc"].min()
    summary["seeds"] = grouped["seed"].count()
    return summary.reset_index()


def show(summary: pd.DataFrame, title: str) -> None:
    table = Table(title=title)
    for column in summary.columns:
        table.add_column(column)
    for record in summary.itertuples(index=False):
        table.add_row(*[f"{v:.4f}" if isinstance(v, float) else str(v) for v in record])
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["shuttle", "mnist"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--digits", type=int, nargs="+", default=list(range(10)))
    parser.add_argument("--epochs", type=int, default=None, help="GANomaly epochs (shuttle 15, mnist 15)")
    parser.add_argument("--ae-epochs", type=int, default=None, help="autoencoder epochs (default: --epochs)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--width", type=int, default=32, help="images: outermost convolution channels")
    parser.add_argument("--members", type=int, default=1, help="GANomaly networks averaged (ensemble)")
    parser.add_argument("--latent-dim", type=int, default=None, help="GANomaly's code size (default: auto)")
    parser.add_argument("--train-size", type=int, default=54_000, help="mnist: normal training images")
    parser.add_argument("--test-size", type=int, default=10_000, help="mnist: test images")
    parser.add_argument("--repeat-check", action="store_true", help="mnist: fit one setting twice, compare")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu or cuda (GANomaly and the autoencoder)")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.epochs = args.epochs or 15
    args.ae_epochs = args.ae_epochs or args.epochs
    start = time.perf_counter()
    results = run_shuttle(args) if args.task == "shuttle" else run_mnist(args)
    summary = summarise(results, ["detector"] if args.task == "shuttle" else ["digit", "detector"])
    show(summary, f"{args.task}: ROC-AUC / PR-AUC over seeds {args.seeds}")
    if args.task == "mnist":
        show(summarise(results, ["detector"]), "mnist: over the digits run")
    settings = {k: v for k, v in vars(args).items() if k != "out"}
    console.print(f"settings: {settings}; wall {time.perf_counter() - start:.0f} s")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = f"anomaly_{args.task}_{'_'.join(map(str, args.digits)) if args.task == 'mnist' else 'all'}.json"
    (out / name).write_text(json.dumps({"settings": settings, "results": results}, indent=1))


if __name__ == "__main__":
    main()
