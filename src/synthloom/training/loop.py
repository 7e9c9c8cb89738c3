"""The epoch loop shared by neural generators: progress bar with losses, time budget, early stopping.

The loop knows nothing of how networks learn: it calls ``step()`` (one optimisation step returning its
losses), averages the losses per epoch into the history, and asks ``validate()`` for a score now and then.
A loss that turns NaN or infinite stops it at once: every later step would only spread the NaN. The last
step's update is seen by no loss, so the networks' weights are checked once when the loop ends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import torch
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from synthloom.errors import TrainingDivergedError

DIVERGED_ADVICE = "lower the learning rate, or look for a column with extreme values"


@dataclass
class EarlyStopping:
    """Stop when the validation score has not improved for ``patience`` checks, keeping the best state.

    Attributes:
        validate: returns a score, higher is better.
        checkpoint: remembers the current state as the best so far.
        restore: puts the best state back.
        every: check every this many epochs.
        patience: checks without improvement before stopping.
        min_delta: how much a score must beat the best so far to count as an improvement.
    """

    validate: Callable[[], float]
    checkpoint: Callable[[], None]
    restore: Callable[[], None]
    every: int = 5
    patience: int = 4
    min_delta: float = 1e-3


def run_epochs(
    step: Callable[[], dict[str, float]],
    epochs: int,
    steps_per_epoch: int,
    description: str,
    max_minutes: float | None = None,
    early_stopping: EarlyStopping | None = None,
    verbose: bool = False,
    advice: str = DIVERGED_ADVICE,
    networks: Mapping[str, torch.nn.Module] | None = None,
) -> list[dict[str, float]]:
    """Run up to ``epochs`` epochs of ``steps_per_epoch`` steps; returns one dict of mean losses per epoch.

    ``networks`` (by name) are the ones the steps train, checked for NaN weights when training ends.

    Raises:
        TrainingDivergedError: a loss became NaN or infinite, or a weight of ``networks`` did in the last
            step; the message ends with ``advice``.

    Example:
        >>> history = run_epochs(model_step, epochs=300, steps_per_epoch=14, description="ctgan")
    """
    deadline = None if max_minutes is None else time.monotonic() + 60 * max_minutes
    history: list[dict[str, float]] = []
    best, checks_since_best = -float("inf"), 0
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("epochs"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[losses]}"),
        disable=not verbose,
        transient=False,
    )
    with progress:
        task = progress.add_task(description, total=epochs, losses="")
        for epoch in range(1, epochs + 1):
            totals: dict[str, float] = {}
            steps = 0
            # the budget is checked every step: one epoch of a large data set can outlast it alone
            while steps < steps_per_epoch and not (deadline is not None and time.monotonic() > deadline):
                losses = step()
                steps += 1
                bad = [name for name, value in losses.items() if not math.isfinite(value)]
                if bad:
                    raise TrainingDivergedError(
                        f"{description} diverged at step {steps} of epoch {epoch}: {', '.join(bad)} became "
                        f"{losses[bad[0]]}; {advice}"
                    )
                for name, value in losses.items():
                    totals[name] = totals.get(name, 0.0) + value
            record = {"epoch": float(epoch), **{k: v / max(steps, 1) for k, v in totals.items()}}
            if early_stopping is not None and epoch % early_stopping.every == 0:
                record["validation"] = score = early_stopping.validate()
                if score > best + early_stopping.min_delta:
                    best, checks_since_best = score, 0
                    early_stopping.checkpoint()
                else:
                    checks_since_best += 1
            history.append(record)
            shown = "  ".join(f"{k}={v:.3f}" for k, v in record.items() if k != "epoch")
            progress.update(task, advance=1, losses=shown)
            if early_stopping is not None and checks_since_best >= early_stopping.patience:
                break
            if deadline is not None and time.monotonic() > deadline:
                break
    if early_stopping is not None and best > -float("inf"):
        early_stopping.restore()
    # every other step's update is checked by the next step's loss; the last one's by its weights, once
    damaged = [name for name, network in (networks or {}).items() if nonfinite_tensors(network.state_dict())]
    if damaged:
        raise TrainingDivergedError(
            f"{description} diverged in its last step: the weights of {', '.join(damaged)} became NaN or "
            f"infinite; {advice}"
        )
    return history


def nonfinite_tensors(tensors: Mapping[str, torch.Tensor]) -> list[str]:
    """The names of the floating-point tensors holding a NaN or infinite value."""
    return [name for name, t in tensors.items() if t.is_floating_point() and not torch.isfinite(t).all()]
