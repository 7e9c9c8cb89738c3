"""Data-parallel training on torch.distributed, as launched by ``torchrun``.

Under ``torchrun --nproc-per-node N`` (environment variables ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
``MASTER_ADDR``...) every process runs the same ``fit``. This module holds all that differs:

- ``process_group``: joins the group for the length of a fit (gloo on CPU, nccl on CUDA), unless the
  caller already did; without torchrun it does nothing and training is the single-process one;
- ``shard``: each rank trains on every N-th row (rank r takes rows r, r+N, ...), all ranks as many;
- ``broadcast_object``: rank 0 learns the transformer, the others receive its JSON state;
- ``data_parallel``: around the training loop, each rank draws its own batches and noise, gradients are
  averaged before every optimiser step (one flat all-reduce per step) so every rank takes the same
  step, and rank 0's buffers (BatchNorm statistics) are copied to all at the end;
- ``is_main_process``: only rank 0 shows progress and writes the model file.

Determinism: networks start from the same seed on every rank; each rank then draws its batches and noise
from a stream seeded by ``(seed, rank)``, so a run is repeatable for a given seed and world size.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from typing import Any

import torch
import torch.distributed as dist

from synthloom.errors import ConfigError
from synthloom.training.optim import FlatAdam
from synthloom.training.settings import child_seed


def _launched() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def is_distributed() -> bool:
    """True inside a process group of more than one process."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's rank (0 without a group; ``RANK`` from torchrun before the group exists)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return int(os.environ.get("RANK", "0"))


def world_size() -> int:
    return dist.get_world_size() if is_distributed() else 1


def is_main_process() -> bool:
    """Rank 0, or the only process: the one that logs and writes files."""
    return rank() == 0


def rank_device(device: torch.device) -> torch.device:
    """Each rank on its own GPU (``LOCAL_RANK``) when training on CUDA under torchrun."""
    if device.type == "cuda" and is_distributed():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return device


@contextlib.contextmanager
def process_group(device: torch.device) -> Iterator[None]:
    """Join torchrun's process group for the block (gloo on CPU, nccl on CUDA), then leave it.

    Does nothing without torchrun, or when the caller already initialised a group (it stays theirs).
    """
    if not _launched() or not dist.is_available() or dist.is_initialized():
        yield
        return
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group(backend)
    try:
        yield
        dist.barrier()  # nobody leaves while another rank still needs the group
    finally:
        dist.destroy_process_group()


def check_supported(model: Any) -> None:
    """Refuse settings whose decisions would differ between ranks (and leave the others waiting)."""
    if not is_distributed():
        return
    if getattr(model, "early_stopping", False):
        raise ConfigError("early_stopping is not available under torchrun; set a number of epochs instead")
    if model.max_minutes is not None:
        raise ConfigError("max_minutes is not available under torchrun; set a number of epochs instead")


def shard(rows: Any) -> Any:
    """This rank's rows: every ``world_size``-th row from ``rank`` (all rows without a group; None stays).

    Every rank gets ``len(rows) // world_size`` rows (the last few rows may be left out), so every rank
    takes the same number of steps.
    """
    if rows is None or not is_distributed():
        return rows
    size = world_size()
    return rows[rank() : len(rows) // size * size : size]


def broadcast_object(value: Any) -> Any:
    """Rank 0's ``value`` on every rank (plain JSON-like data: no code is sent)."""
    if not is_distributed():
        return value
    holder = [value]
    dist.broadcast_object_list(holder, src=0)
    return holder[0]


def sum_over_ranks(tensor: torch.Tensor) -> torch.Tensor:
    """Element-wise sum over the ranks (e.g. category counts of each rank's shard)."""
    if is_distributed():
        tensor = tensor.clone()
        dist.all_reduce(tensor)
    return tensor


def broadcast_buffers(modules: Iterable[torch.nn.Module]) -> None:
    """Rank 0's buffers (e.g. BatchNorm running statistics, which each rank tracks on its own batches)
    on every rank, so every rank holds the model rank 0 saves."""
    if not is_distributed():
        return
    for module in modules:
        for buffer in module.buffers():
            dist.broadcast(buffer, src=0)


def rank_seed(seed: int) -> int:
    """The seed of this rank's batch and noise stream: different per rank, fixed per (seed, rank)."""
    if not is_distributed():
        return seed
    return child_seed(seed, rank())


def optimizers_of(model: Any) -> list[FlatAdam]:
    """The optimisers a model holds as attributes (what ``data_parallel`` synchronises)."""
    return [value for value in vars(model).values() if isinstance(value, FlatAdam)]


@contextlib.contextmanager
def data_parallel(seed: int, model: Any, modules: Iterable[torch.nn.Module]) -> Iterator[None]:
    """Wrap a training loop (networks built, all ranks with the same initial weights) for DDP.

    Inside: this rank's own random stream (seeded by ``(seed, rank)``) and gradients averaged before
    every step of the model's optimisers. On leaving: rank 0's buffers on every rank. Without a group:
    nothing changes.
    """
    if not is_distributed():
        yield
        return
    torch.manual_seed(rank_seed(seed))
    with average_gradients(optimizers_of(model)):
        yield
    broadcast_buffers(modules)


@contextlib.contextmanager
def average_gradients(optimizers: Iterable[FlatAdam]) -> Iterator[None]:
    """Within the block, every ``optimizer.step()`` first averages the gradients over the ranks.

    A step hook instead of wrapping modules in DistributedDataParallel: the models keep their plain
    modules (and their saved names), and gradient penalties (``autograd.grad``) need no special care.
    An optimiser keeps all its gradients in one flat tensor: one message per step.
    """
    if not is_distributed():
        yield
        return
    size = world_size()

    def hook(optimizer: FlatAdam) -> None:
        dist.all_reduce(optimizer.grad)
        optimizer.grad /= size

    removers = [optimizer.add_step_hook(hook) for optimizer in optimizers]
    try:
        yield
    finally:
        for remove in removers:
            remove()
