"""The epoch loop shared by neural generators: progress bar with losses, time budget, early stopping.

Where no terminal shows the bar (a job's log, ``2>&1 | tee``), a verbose loop writes a plain line to stderr
now and then instead (``synthloom.progress.PlainLines``): minutes of training must not look like a hang.

The loop knows nothing of how networks learn: it calls ``step()`` (one optimisation step returning its
losses), averages the losses per epoch into the history, and asks ``validate()`` for a score now and then.
A loss that turns NaN or infinite stops it at once: every later step would only spread the NaN. The last
step's update is seen by no loss, so the networks' weights are checked once when the loop ends.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from synthloom.errors import TrainingDivergedError
from synthloom.progress import PlainLines, plain_lines_for

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
    training = _EpochSteps(step, steps_per_epoch, description, advice, _deadline(max_minutes))
    best = _BestSoFar(early_stopping)
    history: list[dict[str, float]] = []
    progress = _progress_bar(verbose)
    lines = plain_lines_for(progress, verbose)
    with progress:
        task = progress.add_task(description, total=epochs, losses="")
        for epoch in range(1, epochs + 1):
            # an epoch of a large table can take minutes: the bar and the plain lines move within it too
            within = partial(_show_steps, progress, task, lines, training, epoch, epochs)
            record, steps = training.run(epoch, within)
            best.validate(epoch, record)
            history.append(record)
            shown = _fitted(progress, task, _shown(record))
            progress.update(task, completed=record["epoch"], losses=shown)
            lines.report(partial(training.line, lines, epoch, epochs, steps, record))
            if best.out_of_patience() or training.out_of_time():
                break
    best.restore()
    training.check_last_step(networks or {})
    return history


def nonfinite_tensors(tensors: Mapping[str, torch.Tensor]) -> list[str]:
    """The names of the floating-point tensors holding a NaN or infinite value."""
    return [name for name, t in tensors.items() if t.is_floating_point() and not torch.isfinite(t).all()]


def _deadline(max_minutes: float | None) -> float | None:
    return None if max_minutes is None else time.monotonic() + 60 * max_minutes


@dataclass(frozen=True)
class _EpochSteps:
    """What every epoch of one run repeats: its steps, the time budget, and what a divergence says."""

    step: Callable[[], dict[str, float]]
    steps_per_epoch: int
    description: str
    advice: str
    deadline: float | None  # time.monotonic() at which the budget runs out (None: no budget)

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline

    def reached(self, epoch: int, steps: int) -> float:
        """How far training is ``steps`` steps into ``epoch``, in epochs (2.4: 40% into the third)."""
        return float(epoch - 1 + steps / self.steps_per_epoch)

    def line(
        self, lines: PlainLines, epoch: int, epochs: int, steps: int, record: dict[str, float] | None = None
    ) -> str:
        """The plain progress line ``steps`` steps into ``epoch`` of ``epochs``: "training tvae: epoch 37
        of 300, 41 s, about 4 min left, reconstruction=1.23 kl=0.045" after an epoch, with its losses
        (``record``) last; "training tvae: epoch 1 of 5 (step 120 of 600), 41 s, about 3 min left" within
        one. Cut where the line would pass ``PLAIN_WIDTH``. The time left is the pace so far, or the time
        budget's rest where that is less."""
        budget = None if self.deadline is None else self.deadline - time.monotonic()
        what = f"{self.description}: epoch {epoch} of {epochs}"
        if steps < self.steps_per_epoch:
            what += f" (step {steps:,} of {self.steps_per_epoch:,})"
        text = lines.line(what, self.reached(epoch, steps), epochs, budget)
        losses = _shown(record or {}).split()
        whole = ", ".join(part for part in (text, " ".join(losses)) if part)
        if len(whole) <= PLAIN_WIDTH:
            return whole
        # losses that do not fit are left out whole: a cut inside one read "multinomial=0.…"
        while losses and len(f"{text}, {' '.join(losses)} …") > PLAIN_WIDTH:
            losses.pop()
        if losses:
            return f"{text}, {' '.join(losses)} …"
        return f"{text} …" if len(text) < PLAIN_WIDTH - 1 else text[: PLAIN_WIDTH - 1] + "…"

    def run(self, epoch: int, within: Callable[[int], None]) -> tuple[dict[str, float], int]:
        """Epoch ``epoch``'s record and the steps it took. The record holds its mean losses and how far
        training got: ``epoch`` after a whole epoch, less where time ran out within it (2.4 is 40% of the
        third epoch's steps). ``within(steps)`` is called every ``WITHIN_EVERY_S`` seconds."""
        totals: dict[str, float] = {}
        steps = 0
        shown = time.monotonic()
        # the budget is checked every step: one epoch of a large data set can outlast it alone
        while steps < self.steps_per_epoch and not self.out_of_time():
            losses = self.step()
            steps += 1
            self._check_finite(losses, steps, epoch)
            for name, value in losses.items():
                totals[name] = totals.get(name, 0.0) + value
            if steps < self.steps_per_epoch and time.monotonic() - shown >= WITHIN_EVERY_S:
                within(steps)  # the epoch's end is shown by the caller, with its losses
                shown = time.monotonic()
        means = {name: total / max(steps, 1) for name, total in totals.items()}
        return {"epoch": self.reached(epoch, steps), **means}, steps

    def check_last_step(self, networks: Mapping[str, torch.nn.Module]) -> None:
        """Raise if the last step turned a weight of ``networks`` NaN or infinite: every other step's
        update is checked by the next step's loss, the last one's only here, once."""
        damaged = [name for name, network in networks.items() if nonfinite_tensors(network.state_dict())]
        if damaged:
            raise TrainingDivergedError(
                f"{self.description} diverged in its last step: the weights of {', '.join(damaged)} became "
                f"NaN or infinite; {self.advice}"
            )

    def _check_finite(self, losses: dict[str, float], steps: int, epoch: int) -> None:
        bad = [name for name, value in losses.items() if not math.isfinite(value)]
        if bad:
            raise TrainingDivergedError(
                f"{self.description} diverged at step {steps} of epoch {epoch}: {', '.join(bad)} became "
                f"{losses[bad[0]]}; {self.advice}"
            )


@dataclass
class _BestSoFar:
    """Early stopping's state across the epochs (a run without early stopping never checks)."""

    early_stopping: EarlyStopping | None
    best: float = -float("inf")
    checks_since_best: int = 0

    def validate(self, epoch: int, record: dict[str, float]) -> None:
        """On a checking epoch, score the model into ``record`` and checkpoint it if it is the best yet."""
        stopping = self.early_stopping
        if stopping is None or epoch % stopping.every != 0:
            return
        record["validation"] = score = stopping.validate()
        if score > self.best + stopping.min_delta:
            self.best, self.checks_since_best = score, 0
            stopping.checkpoint()
        else:
            self.checks_since_best += 1

    def out_of_patience(self) -> bool:
        return self.early_stopping is not None and self.checks_since_best >= self.early_stopping.patience

    def restore(self) -> None:
        """Put the best checkpoint back (where a check made one)."""
        if self.early_stopping is not None and self.best > -float("inf"):
            self.early_stopping.restore()


# the longest plain progress line: a log's line stays readable in a 100-column window
PLAIN_WIDTH = 100

# the bar's widest (rich's default) and narrowest: it gives way first where a line has no room
BAR_WIDTHS = (10, 40)


def _progress_bar(verbose: bool, console: Console | None = None) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=BAR_WIDTHS[1]),
        MofNCompleteColumn(),
        TextColumn("epochs"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[losses]}"),
        disable=not verbose,
        transient=False,
        console=console,
    )


# seconds between two looks at a running epoch's progress (the bar's, and the plain lines' own interval)
WITHIN_EVERY_S = 1.0


def _show_steps(
    progress: Progress,
    task: TaskID,
    lines: PlainLines,
    training: _EpochSteps,
    epoch: int,
    epochs: int,
    steps: int,
) -> None:
    """Move the bar ``steps`` steps into ``epoch``, and write the plain line where one is due."""
    progress.update(task, completed=training.reached(epoch, steps))
    lines.report(partial(training.line, lines, epoch, epochs, steps))


def _fitted(progress: Progress, task: TaskID, losses: str) -> str:
    """``losses`` cut to the room the bar's other columns leave on the console's line, the bar narrowed
    first: left to rich, a line too long for 80 columns cut every column ("596… epochs 0:0…")."""
    state = next(shown for shown in progress.tasks if shown.id == task)
    total = str(int(state.total or 0))
    elapsed = str(datetime.timedelta(seconds=int(state.elapsed or 0)))
    # the description, "596/600", "epochs" and the time, and a space between each two of the six columns
    fixed = len(state.description) + 2 * len(total) + 1 + len("epochs") + len(elapsed) + 5
    room = max(0, progress.console.width - fixed)
    bar = next(column for column in progress.columns if isinstance(column, BarColumn))
    bar.bar_width = min(BAR_WIDTHS[1], max(BAR_WIDTHS[0], room - len(losses)), room)
    room -= bar.bar_width
    return losses if len(losses) <= room else losses[: max(0, room - 1)] + "…" if room else ""


def _shown(record: dict[str, float]) -> str:
    """The progress bar's text: an epoch's losses (and validation score), short enough for two to fit
    beside the bar at 80 columns: without the "loss_" most names start with, to three
    significant digits ("reconstruction=4.65 kl=0.0123"; "loss_reconstruction=4.654  loss_k…" showed one).
    The history keeps the full names and values.

    Example:
        >>> _shown({"epoch": 3.0, "loss_reconstruction": 4.6543, "loss_kl": 0.012345, "validation": 0.8})
        'reconstruction=4.65 kl=0.0123 validation=0.8'
    """
    return " ".join(f"{k.removeprefix('loss_')}={v:.3g}" for k, v in record.items() if k != "epoch")
