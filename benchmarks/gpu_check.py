"""GPU check: every trained generator and the GANomaly detector, briefly, on CUDA (bf16 mixed
precision) and on the CPU, side by side.

    .venv/bin/python benchmarks/gpu_check.py [--seconds 12] [--rows 20000]

Per generator and device: fit for ``--seconds`` seconds (``max_minutes``; same data, same settings), then
sample. Prints training steps/s and sampled rows (or images)/s on CUDA next to the CPU figures, and the
ratio. CUDA runs use the models' own mixed precision (bf16 autocast, ``training.settings.autocast``) and
their whole training set on the GPU. The default settings finish within 5 minutes. Without a CUDA GPU
the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import torch
from rich.console import Console
from rich.table import Table

console = Console()
TABULAR = ("ctgan", "tvae", "ddpm")
IMAGE = ("dcgan", "vae")
CONDITIONAL_IMAGE = ("cdcgan", "cvae")


def _counting(owner: Any, attribute: str, counter: dict[str, float]) -> None:
    """Count optimisation steps and time them, by wrapping ``owner.<attribute>`` (a generator's
    ``_train_step``, a detector trainer's ``step``); the time runs from the first step to the last, so
    data encoding is not counted."""
    step = getattr(owner, attribute)

    def counted(*args: Any) -> dict[str, float]:
        counter["first"] = counter["first"] or time.perf_counter()
        losses = step(*args)
        counter["steps"] += 1
        counter["last"] = time.perf_counter()
        return losses

    setattr(owner, attribute, counted)


def _steps_per_s(counter: dict[str, float]) -> float:
    return (counter["steps"] - 1) / max(counter["last"] - counter["first"], 1e-9)


def _synchronise(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def measure(name: str, device: str, data: Any, seconds: float, n_sample: int) -> dict[str, float]:
    """Fit ``name`` on ``device`` for about ``seconds`` seconds, then sample ``n_sample`` rows/images."""
    from synthloom import get_model
    from synthloom.registry import model_class

    params = {"epochs": 10_000, "max_minutes": seconds / 60, "device": device, "random_state": 0}
    model = get_model(name, **params) if name in TABULAR else model_class(name)(**params)
    counter = {"steps": 0, "first": 0.0, "last": 0.0}
    _counting(model, "_train_step", counter)
    model.fit(*data)
    _synchronise(device)
    start = time.perf_counter()
    model.sample(n_sample, random_state=0)
    _synchronise(device)
    return {"steps_per_s": _steps_per_s(counter), "sample_per_s": n_sample / (time.perf_counter() - start)}


def measure_detector(device: str, images: Any, seconds: float) -> dict[str, float]:
    """Fit GANomaly on ``images`` for about ``seconds`` seconds, then score them all (scored/s)."""
    from synthloom.models.ganomaly import GANomaly, Trainer

    model = GANomaly(epochs=10_000, max_minutes=seconds / 60, device=device, random_state=0)
    counter = {"steps": 0, "first": 0.0, "last": 0.0}
    build = model._build

    def build_counted() -> Trainer:  # the trainer exists only once fit has built the networks
        trainer = build()
        _counting(trainer, "step", counter)
        return trainer

    model._build = build_counted
    model.fit(images)
    _synchronise(device)
    start = time.perf_counter()
    model.score(images)
    _synchronise(device)
    return {"steps_per_s": _steps_per_s(counter), "sample_per_s": len(images) / (time.perf_counter() - start)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=12.0, help="training time per generator and device")
    parser.add_argument("--rows", type=int, default=20_000, help="adult rows to train on; rows sampled")
    args = parser.parse_args()
    if not torch.cuda.is_available():
        console.print("no CUDA GPU on this machine: nothing to check (run this script on a GPU machine)")
        return 0
    import synthloom.models.dcgan
    import synthloom.models.image_vae  # noqa: F401  (registers the image generators)
    from synthloom import datasets

    console.print(f"GPU: {torch.cuda.get_device_name(0)}; CPU threads: {torch.get_num_threads()}")
    table_data = (datasets.load("adult").sample(args.rows, random_state=0),)
    images, labels = datasets.load_images("digits")
    cases = [(name, table_data, args.rows, "rows") for name in TABULAR]
    cases += [(name, (images,), 1_000, "images") for name in IMAGE]
    cases += [(name, (images, labels), 1_000, "images") for name in CONDITIONAL_IMAGE]
    cases += [("ganomaly", (images,), len(images), "scored")]
    table = Table(title=f"CUDA (bf16 autocast) vs CPU, {args.seconds:.0f} s of training each")
    for column in ("generator", "steps/s CUDA", "steps/s CPU", "x", "sampled/s CUDA", "sampled/s CPU", "x"):
        table.add_column(column, justify="right")
    for name, data, n_sample, unit in cases:
        if name == "ganomaly":
            gpu, cpu = (measure_detector(device, images, args.seconds) for device in ("cuda", "cpu"))
        else:
            gpu, cpu = (measure(name, device, data, args.seconds, n_sample) for device in ("cuda", "cpu"))
        console.print(f"{name}: cuda {gpu} cpu {cpu} ({unit})")
        table.add_row(
            name,
            f"{gpu['steps_per_s']:.1f}",
            f"{cpu['steps_per_s']:.1f}",
            f"{gpu['steps_per_s'] / cpu['steps_per_s']:.1f}",
            f"{gpu['sample_per_s']:,.0f} {unit}",
            f"{cpu['sample_per_s']:,.0f} {unit}",
            f"{gpu['sample_per_s'] / cpu['sample_per_s']:.1f}",
        )
    console.print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
