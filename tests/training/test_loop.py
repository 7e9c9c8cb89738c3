import io
import re
import time

import numpy as np
import pandas as pd
import pytest
import torch
from rich.console import Console

from synthloom.errors import ConfigError, TrainingDivergedError
from synthloom.training import loop
from synthloom.training.device import resolve_device
from synthloom.training.loop import EarlyStopping, run_epochs


def test_history_averages_losses_per_epoch():
    values = iter(range(100))
    history = run_epochs(lambda: {"loss": float(next(values))}, epochs=3, steps_per_epoch=2, description="t")
    assert [h["loss"] for h in history] == [0.5, 2.5, 4.5]
    assert [h["epoch"] for h in history] == [1.0, 2.0, 3.0]


def test_early_stopping_stops_and_restores_the_best_state():
    scores = iter([0.5, 0.8, 0.7, 0.6, 0.6, 0.6, 0.6, 0.6])
    state = {"current": 0, "best": None, "restored": False}

    def step():
        state["current"] += 1
        return {"loss": 0.0}

    stopper = EarlyStopping(
        validate=lambda: next(scores),
        checkpoint=lambda: state.update(best=state["current"]),
        restore=lambda: state.update(restored=True),
        every=1,
        patience=2,
    )
    history = run_epochs(step, epochs=50, steps_per_epoch=1, description="t", early_stopping=stopper)
    assert len(history) == 4 and state["best"] == 2 and state["restored"]
    assert [h["validation"] for h in history] == [0.5, 0.8, 0.7, 0.6]


def test_time_budget_ends_training():
    def slow_step():
        time.sleep(0.02)
        return {"loss": 1.0}

    start = time.monotonic()
    history = run_epochs(slow_step, epochs=10_000, steps_per_epoch=1, description="t", max_minutes=0.2 / 60)
    assert time.monotonic() - start < 2 and 1 <= len(history) < 100
    one_long_epoch = run_epochs(
        slow_step, epochs=3, steps_per_epoch=10_000, description="t", max_minutes=0.2 / 60
    )
    assert len(one_long_epoch) == 1, "the budget must end training inside an epoch"
    # the record says how far into the epoch training got: it had said epoch 1, as after a whole one
    assert 0 < one_long_epoch[0]["epoch"] < 0.1


def test_a_long_epoch_reports_its_steps_in_plain_lines(monkeypatch, capsys):
    """A streamed epoch of 3 million rows wrote nothing for 2 minutes: lines come within an epoch too."""
    from synthloom import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    monkeypatch.setattr(loop, "WITHIN_EVERY_S", 0.0)  # a look after every step
    run_epochs(lambda: {"loss": 1.0}, epochs=2, steps_per_epoch=3, description="training x", verbose=True)
    lines = [line.split(",")[0] for line in capsys.readouterr().err.splitlines()]
    within = [f"training x: epoch {e} of 2 (step {s} of 3)" for e in (1, 2) for s in (1, 2)]
    assert lines == [*within[:2], "training x: epoch 1 of 2", *within[2:], "training x: epoch 2 of 2"]


def test_device_resolution():
    assert resolve_device("auto").type in {"cpu", "cuda", "mps"}
    assert resolve_device("cpu").type == "cpu"
    with pytest.raises(ConfigError):
        resolve_device("tpu")


def test_a_loss_that_turns_nan_stops_training_with_advice():
    losses = iter([{"loss": 1.0}, {"loss": 0.5}, {"loss": float("nan")}])
    with pytest.raises(
        TrainingDivergedError, match=r"training x diverged at step 1 of epoch 2: loss became nan; lower"
    ):
        run_epochs(lambda: next(losses), epochs=3, steps_per_epoch=2, description="training x")


def test_weights_that_the_last_step_turns_nan_stop_training_with_advice():
    """The last step's update is followed by no loss: the networks' weights are checked when the loop ends."""
    network = torch.nn.Linear(2, 1)

    def step() -> dict[str, float]:
        network.weight.data.fill_(float("nan"))  # the update, after a finite loss
        return {"loss": 1.0}

    with pytest.raises(
        TrainingDivergedError, match=r"training x diverged in its last step: the weights of net became NaN or"
    ):
        run_epochs(step, epochs=2, steps_per_epoch=1, description="training x", networks={"net": network})


@pytest.mark.parametrize(
    "description, done, epochs, losses",
    [
        ("ddpm", 596, 600, "loss=0.512  validation=0.734"),
        ("ctgan", 150, 3000, "loss_g=-1.234  loss_d=0.567  validation=0.812"),
    ],
)
def test_the_training_bar_fits_80_columns_whole_where_it_counts(description, done, epochs, losses):
    """At 80 columns rich cut every column of a line too long: "596… epochs 0:0…". The bar narrows, then
    the losses' end gives way; the epochs and the time are written whole."""
    out = io.StringIO()
    console = Console(width=80, file=out, force_terminal=True, color_system=None)
    progress = loop._progress_bar(True, console=console)
    task = progress.add_task(description, total=epochs, losses="")
    progress.update(task, completed=done, losses=loop._fitted(progress, task, losses))
    console.print(progress.make_tasks_table(progress.tasks))
    (line,) = out.getvalue().splitlines()
    assert len(line) <= 80 and f"{done}/{epochs} epochs 0:00:00 " in line
    assert losses[:20] in line


@pytest.mark.parametrize(
    "description, record, shown",
    [
        (
            "training tvae",
            {"loss_reconstruction": 4.654321, "loss_kl": 0.123456},
            "reconstruction=4.65 kl=0.123",
        ),
        (
            "training ddpm",
            {"loss_gaussian": 0.51234, "loss_multinomial": 1.23456},
            "gaussian=0.512 multinomial=1.23",
        ),
    ],
)
def test_two_losses_fit_the_training_bar_at_80_columns(description, record, shown):
    """At 80 columns the bar showed "loss_reconstruction=4.654  loss_k…": the second loss never. Without
    the "loss_" prefix and to three significant digits, both fit; the history keeps their full names."""
    out = io.StringIO()
    console = Console(width=80, file=out, force_terminal=True, color_system=None)
    progress = loop._progress_bar(True, console=console)
    task = progress.add_task(description, total=300, losses="")
    losses = loop._shown({"epoch": 150.0, **record})
    progress.update(task, completed=150, losses=loop._fitted(progress, task, losses))
    console.print(progress.make_tasks_table(progress.tasks))
    (line,) = out.getvalue().splitlines()
    assert len(line) <= 80 and line.endswith(shown), line


def test_without_a_terminal_training_reports_its_epochs_in_plain_lines(monkeypatch, capsys):
    """Piped or sent to a log, rich drew no bar while training ran: a tvae fit of many minutes wrote
    nothing until its last line, as if it hung. A verbose fit now writes its epochs to stderr."""
    from synthloom import get_model, progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)  # a line after every epoch
    frame = pd.DataFrame({"x": np.arange(60.0), "c": ["a", "b", "c"] * 20})
    get_model("tvae", epochs=3, batch_size=30, verbose=True, random_state=0).fit(frame)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"training tvae: epoch {e} of 3" for e in (1, 2, 3)]
    assert "about" in lines[0] and "left" in lines[0] and "reconstruction=" in lines[0] and "kl=" in lines[0]
    assert all(len(line) <= loop.PLAIN_WIDTH for line in lines)
    assert "training tvae: epoch" not in captured.out  # stdout may carry data: lines go to stderr only


def test_plain_lines_come_only_where_asked_for_and_no_bar_shows(monkeypatch, capsys):
    from synthloom import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    run_epochs(lambda: {"loss": 1.0}, epochs=2, steps_per_epoch=1, description="quiet")
    assert capsys.readouterr().err == ""  # not verbose
    terminal = Console(file=io.StringIO(), force_terminal=True)
    assert progress.plain_lines_for(loop._progress_bar(True, console=terminal), True).shown is False
    piped = Console(file=io.StringIO())
    assert progress.plain_lines_for(loop._progress_bar(True, console=piped), True).shown is True


def test_plain_lines_wait_their_interval_and_cut_long_losses():
    """One line per ``PLAIN_EVERY_S`` however fast the epochs; a line of many losses is cut at 100."""
    from synthloom import progress

    now = [0.0]
    out = io.StringIO()
    lines = progress.PlainLines(True, stream=out, clock=lambda: now[0])
    for second in range(25):  # 25 epochs of a second each: lines at 10 s and 20 s
        now[0] = float(second + 1)
        lines.report(lambda: f"at {now[0]:.0f} s")
    assert out.getvalue().splitlines() == ["at 10 s", "at 20 s"]
    assert (
        lines.line("training x: epoch 5 of 25", 5, 25) == "training x: epoch 5 of 25, 25 s, about 2 min left"
    )
    assert lines.time_left(5, 25, budget=30.0) == "at most 30 s left (time budget)"
    steps = loop._EpochSteps(lambda: {}, 1, "training ctgan", "", None)
    record = {f"loss_{name}": 1.23456 for name in ("generator", "discriminator", "penalty", "entropy", "x")}
    line = steps.line(lines, 5, 25, 1, {"epoch": 5.0, **record})
    assert len(line) <= loop.PLAIN_WIDTH and line.endswith(" …") and "generator=1.23" in line
    # the losses that fit are whole: none is cut inside its number ("penalty=1.…")
    assert all(re.fullmatch(r"\w+=1\.23", loss) for loss in line.split(", ")[-1].split()[:-1])
    assert "x=1.23" not in line  # the last one did not fit
