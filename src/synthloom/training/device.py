"""Device choice: ``"auto"`` takes CUDA, then Apple's MPS, then the CPU. Nothing assumes a GPU."""

from __future__ import annotations

import torch

from synthloom.errors import ConfigError


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """The torch device for a setting ("auto", "cpu", "cuda", "cuda:1", "mps").

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError):
        raise ConfigError(f"unknown device {device!r}; use auto, cpu, cuda or mps") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device 'cuda' asked for, but no CUDA GPU is available; use --device auto or cpu")
    return resolved


def loading_device(device: str) -> torch.device:
    """Where a loaded model's networks go: its ``device`` setting when this machine has that device, else
    the "auto" choice, so a model fitted on a GPU samples on a machine without one."""
    try:
        resolved = resolve_device(device)
    except ConfigError:
        return resolve_device("auto")
    mps = getattr(torch.backends, "mps", None)
    missing = (resolved.type == "mps" and (mps is None or not mps.is_available())) or (
        resolved.type == "cuda" and resolved.index is not None and resolved.index >= torch.cuda.device_count()
    )
    return resolve_device("auto") if missing else resolved
