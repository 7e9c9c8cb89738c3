"""Layers the tabular generators share."""

from __future__ import annotations

import torch
from torch import nn


class MaskDropout(nn.Module):
    """Dropout with its mask drawn by ``torch.rand``: on CPU about 3x cheaper per element than the
    ``bernoulli_`` draw of ``nn.Dropout``, whose masks took a tenth of a CTGAN training step (profiler).
    With ``p = 0`` it draws nothing, like ``nn.Dropout``."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        return x * (torch.rand_like(x) >= self.p) * (1 / (1 - self.p))
