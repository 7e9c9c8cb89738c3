"""Checks and contexts every trained generator (tabular or image) shares."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import sys
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import torch

from synthloom.errors import ConfigError


def child_seed(seed: int, index: int) -> int:
    """A seed for the ``index``-th independent stream derived from ``seed``: fixed per (seed, index)."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def check_whole(name: str, value: Any, least: int = 1) -> None:
    """Refuse a setting that is not a whole number >= ``least``.

    Only a Python int passes: True is not a count, 2.0 hides a typo, and a numpy integer would fail later
    when the settings are written to the model file as JSON.

    Example:
        >>> check_whole("epochs", 0)
        Traceback (most recent call last):
        synthloom.errors.ConfigError: epochs must be a whole number >= 1, not 0
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ConfigError(f"{name} must be a whole number >= {least}, not {value!r}")


def check_number(
    name: str,
    value: Any,
    low: float = 0.0,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> None:
    """Refuse a setting that is not a number from ``low`` to ``high`` (None: no upper end).

    ``low_open`` / ``high_open`` leave that end out. Text ("0.001") and True are refused here with a
    message naming the setting, rather than as a TypeError (or a silent 1) deep inside training; NaN is
    in no range.

    Example:
        >>> check_number("dropout", 1.0, 0, 1, high_open=True)
        Traceback (most recent call last):
        synthloom.errors.ConfigError: dropout must be a number in [0, 1), not 1.0
    """
    if high is None:
        wanted = f"{'>' if low_open else '>='} {low:g}"
    else:
        wanted = f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if not (
        number
        and (value > low if low_open else value >= low)
        and (high is None or (value < high if high_open else value <= high))
    ):
        raise ConfigError(f"{name} must be a number {wanted}, not {value!r}")


def check_flag(name: str, value: Any) -> None:
    """Refuse an on/off setting that is not True or False (1 and 0 pass, as scikit-learn's ``verbose=0``).

    Any object is truthy to Python, so ``early_stopping="no"`` would turn early stopping on without a word;
    a numpy bool would fail later, when the settings are written to the model file as JSON.

    Example:
        >>> check_flag("verbose", "no")
        Traceback (most recent call last):
        synthloom.errors.ConfigError: verbose must be True or False, not 'no'
    """
    if not (isinstance(value, bool) or (isinstance(value, int) and value in (0, 1))):
        raise ConfigError(f"{name} must be True or False, not {value!r}")


def check_training_params(model: Any, epochs_may_be_none: bool = False) -> None:
    """Refuse epochs / batch_size that are not whole numbers >= 1, a max_minutes that is not a number > 0,
    and a verbose that is not True or False.

    ``epochs_may_be_none``: the model chooses its own number of epochs when ``epochs`` is None.
    """
    if not (model.epochs is None and epochs_may_be_none):
        check_whole("epochs", model.epochs)
    check_whole("batch_size", model.batch_size)
    if model.max_minutes is not None:  # text ("5") failed inside training; True was a one-minute limit
        check_number("max_minutes", model.max_minutes, 0, low_open=True)
    check_flag("verbose", model.verbose)


@contextlib.contextmanager
def evaluating(modules: Iterable[torch.nn.Module]) -> Iterator[None]:
    """Run a block with ``modules`` in eval mode (batch-norm statistics fixed, no dropout).

    Every submodule gets its previous mode back afterwards, also when the block raises: a draw that
    fails (an out-of-memory error, a bad condition) must not leave a model's next training steps or
    draws in the wrong mode.
    """
    previous = [(part, part.training) for module in modules for part in module.modules()]
    for part, _ in previous:
        part.eval()
    try:
        yield
    finally:
        for part, training in previous:
            part.train(training)


_flushing = threading.local()  # nesting depth of ``flush_denormals`` in this thread


@contextlib.contextmanager
def flush_denormals() -> Iterator[None]:
    """Run a block with subnormal floats (below 1.2e-38) read and written as zero on CPU.

    Subnormals turn up late in long runs (in TVAE's encoder weights and Adam moments), and every
    operation on one costs an x86 CPU a slow microcode assist: TVAE's 100 epochs on adult's 22,792 rows
    took 75.6 s with them and 42.4 s without, with the same losses. The flag is per thread: torch's worker
    threads started inside the block keep it, and the calling thread gets torch's default (off) back at
    the end of the outermost block.
    """
    depth = getattr(_flushing, "depth", 0)
    if depth == 0:
        torch.set_flush_denormal(True)
    _flushing.depth = depth + 1
    try:
        yield
    finally:
        _flushing.depth = depth
        if depth == 0:
            torch.set_flush_denormal(False)


def _set_up_vector_math() -> None:
    """Have MKL's vector math (behind torch's exp, log, tanh on CPU) set itself up on this thread alone.

    Where its first call was also the first of torch's worker threads' work, the process computed exp and
    the like on one of the two threads' halves a last bit apart, for its whole life; about a third of
    fresh processes did, so a same-seed TVAE fit gave other weights about one run in ten (3 of 30). Done
    at import, before any fit or draw, 30 of 30 agreed.
    """
    torch.log(torch.ones(16))  # under torch's parallel grain: on this thread, no worker started


_set_up_vector_math()


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_FROM_BYTES = 32 * 2**20
_TRIM_FROM_BYTES = 64 * 2**20


@functools.cache
def keep_freed_memory() -> bool:
    """Have glibc's malloc keep up to 64 MB of freed memory for reuse (once a process; True if it could).

    A draw's torch temporaries are a few MB each (8,192 rows by the table's width). glibc handed such
    blocks back to the system as they were freed, and the next ones were mapped and zeroed again, page by
    page: the softmax over adult's one-hot groups took 5.9 ms per 8,192 rows that way and 2.3 ms once
    blocks under 32 MB come from the heap and up to 64 MB of its free top is kept; a TVAE's 100,000 rows,
    drawn chunk by chunk into one output, 0.42 against 0.29 s (medians of 15 draws, 2 threads). That is
    where glibc's own adaptive thresholds end at their cap; the process holds at most 64 MB more than it
    would. Other C libraries (macOS, musl) are left as they are.
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None)
    if not hasattr(libc, "gnu_get_libc_version"):  # not glibc: its mallopt numbers may mean other things
        return False
    mmap_set = libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_FROM_BYTES)
    trim_set = libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_FROM_BYTES)
    return bool(mmap_set and trim_set)


PRECISIONS = ("auto", "float32")


def check_precision(precision: str) -> None:
    """Refuse a ``precision`` setting other than "auto" (bf16 where it is fast) and "float32"."""
    if precision not in PRECISIONS:
        raise ConfigError(f"precision must be 'auto' or 'float32', not {precision!r}")


@functools.cache
def cpu_has_fast_bf16() -> bool:
    """Whether this CPU multiplies bf16 in hardware: Intel AMX-BF16 tiles or AVX512-BF16 dot products.

    A bf16 product of 8,192 rows by a few hundred columns (2 threads) took a quarter to a sixth of the
    float32 time with AMX, and 0.42 - 0.45 of it with AVX512-BF16 (an AMD EPYC). Without either, bf16
    products are emulated and no faster than float32, so they are not used.
    """
    capabilities = torch.cpu.get_capabilities()
    return bool(capabilities.get("amx_bf16", False) or capabilities.get("avx512_bf16", False))


def autocast(device: torch.device, precision: str = "auto") -> contextlib.AbstractContextManager:
    """bf16 mixed precision for forward passes on CUDA, unless ``precision`` is "float32"."""
    if device.type == "cuda" and precision == "auto":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def sampling_autocast(device: torch.device, precision: str = "auto") -> contextlib.AbstractContextManager:
    """For sampling: ``autocast``, and bf16 matrix products on a CPU with fast bf16 too (precision "auto").

    Training steps on a CPU stay in float32: at batches of a few hundred rows bf16 saved little (CTGAN:
    21.4 against 23.7 ms a step), while a draw multiplies thousands of rows at once.
    """
    if device.type == "cpu" and precision == "auto" and cpu_has_fast_bf16():
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return autocast(device, precision)


@torch.no_grad()
def update_weight_average(
    average: list[torch.Tensor], live: list[torch.Tensor], decay: float, step: int
) -> None:
    """Move an exponential moving average of weights towards the live ones after optimiser step ``step``.

    The weight of the past is capped at ``(1 + step) / (10 + step)`` early on, so a short run does not end
    with an average still close to the initial weights.
    """
    torch._foreach_lerp_(average, [p.detach() for p in live], 1 - min(decay, (1 + step) / (10 + step)))
