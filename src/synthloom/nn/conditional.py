"""Conditional vectors over discrete columns, and training-by-sampling (Xu et al., 2019).

A conditional vector is the concatenation of one one-hot group per discrete column, with exactly one
column's group switched on. During training the column is drawn uniformly and its category in
proportion to log(frequency + 1), so rare categories are seen often enough to be learned; real rows are
drawn among those that have that category. At sampling time categories follow their real frequencies,
or the user's condition. Everything is a batched tensor operation: no Python loop per row.

A sampler can also be given a ``target``: one discrete column that every row's own vector and every
unconditional sampling vector names (TabDDPM's class conditioning), so a generator learns the other
columns given the target from every row.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from synthloom.data.encoders import Span
from synthloom.errors import ConfigError


def with_condition(rows: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
    """``rows`` with their conditional vectors appended (as every conditioned network reads its input),
    or as they are where the table has no discrete column to condition on."""
    return rows if cond is None else torch.cat([rows, cond], dim=1)


class ConditionalSampler:
    """Draws conditional vectors (and, when built from training data, real rows matching them).

    Args:
        counts: (n_discrete_columns, max_width) count of each category in the training data, or None
            when the table has no discrete column.
        spans: the transformer's span list.
        device: where vectors are built.
        target: a discrete column that ``own_vectors`` and ``sampling_vectors`` always name (None: a
            column drawn uniformly per row).

    Raises:
        ConfigError: ``target`` is not a discrete column of ``spans``.
    """

    def __init__(
        self,
        counts: torch.Tensor | None,
        spans: Sequence[Span],
        device: torch.device,
        target: str | None = None,
    ) -> None:
        self.spans = [s for s in spans if s.is_discrete_column]
        self.target = None if target is None else _discrete_index(self.spans, spans, target)
        self.widths = torch.tensor([s.width for s in self.spans], dtype=torch.long, device=device)
        self.offsets = torch.cumsum(self.widths, 0) - self.widths
        self.dim = int(self.widths.sum())
        # output-matrix column of each conditional-vector entry, and the discrete column it belongs to
        self.columns = torch.tensor(
            [c for s in self.spans for c in range(s.start, s.stop)], dtype=torch.long, device=device
        )
        self.group = torch.repeat_interleave(torch.arange(len(self.spans), device=device), self.widths)
        self.order: torch.Tensor | None = None
        if not self.spans or counts is None:
            return
        self.counts = counts.to(device)
        self.starts = torch.cumsum(self.counts, 1) - self.counts
        self.train_cdf = _padded_cdf(torch.log1p(self.counts.double()))
        self.sample_cdf = _padded_cdf(self.counts.double())

    @classmethod
    def from_matrix(
        cls, matrix: torch.Tensor, spans: Sequence[Span], target: str | None = None
    ) -> ConditionalSampler:
        """Count categories in the training matrix and index its rows by category, for training batches."""
        discrete = [s for s in spans if s.is_discrete_column]
        if not discrete:
            sampler = cls(None, spans, matrix.device, target)
        else:
            codes = torch.stack(
                [matrix[:, s.start : s.stop].argmax(dim=1) for s in discrete], dim=1
            )  # (N, C)
            counts = torch.zeros(
                (len(discrete), max(s.width for s in discrete)), dtype=torch.long, device=matrix.device
            )
            counts.scatter_add_(1, codes.T.contiguous(), torch.ones_like(codes.T))
            sampler = cls(counts, spans, matrix.device, target)
            sampler.order = torch.argsort(codes.T, dim=1, stable=True)  # rows grouped by category, per column
        sampler.n_rows = matrix.shape[0]
        return sampler

    def _columns(self, n: int) -> torch.Tensor:
        """(n,) the discrete column each vector names: the target, or one drawn uniformly."""
        if self.target is not None:
            return torch.full((n,), self.target, dtype=torch.long, device=self.widths.device)
        return self._any_columns(n)

    def _any_columns(self, n: int) -> torch.Tensor:
        return torch.randint(len(self.spans), (n,), device=self.widths.device)

    def _draw(self, n: int, cdf: torch.Tensor, column: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        device = self.widths.device
        category = (cdf[column] < torch.rand(n, 1, device=device, dtype=cdf.dtype)).sum(dim=1)
        return column, torch.minimum(category, self.widths[column] - 1)

    def vector(self, column: torch.Tensor, category: torch.Tensor) -> torch.Tensor:
        """(n, dim) conditional vectors switching on ``category`` of discrete column ``column``."""
        cond = torch.zeros((column.shape[0], self.dim), device=self.widths.device)
        cond[torch.arange(column.shape[0], device=cond.device), self.offsets[column] + category] = 1.0
        return cond

    def training_batch(self, n: int) -> tuple[torch.Tensor | None, torch.Tensor]:
        """Conditional vectors (or None without discrete columns) and indices of real rows matching them."""
        if not self.spans or self.order is None:
            return None, torch.randint(self.n_rows, (n,), device=self.widths.device)
        # training by sampling covers every column, target or not (CTGAN's critic needs matching real rows)
        column, category = self._draw(n, self.train_cdf, self._any_columns(n))
        count = self.counts[column, category]
        pick = (torch.rand(n, device=count.device) * count).long().clamp(max=count - 1)
        rows = self.order[column, self.starts[column, category] + pick]
        return self.vector(column, category), rows

    def own_vectors(self, rows: torch.Tensor) -> torch.Tensor | None:
        """Each row's own category in the target column, or in one drawn per row, as a conditional vector."""
        if not self.spans:
            return None
        return rows[:, self.columns] * (self.group == self._columns(rows.shape[0])[:, None])

    def sampling_vectors(self, n: int) -> torch.Tensor | None:
        """Conditional vectors with categories at their real frequencies (unconditional sampling)."""
        if not self.spans:
            return None
        return self.vector(*self._draw(n, self.sample_cdf, self._columns(n)))

    def impose_target(self, rows: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        """``rows`` (generated output) whose vector names a category of the target column, holding that
        category there, as TabDDPM draws the class and generates the rest given it. The generator's own
        draw of the class need not agree with its vector: on a wide sensor table a 2.6% fault class came
        back as 1.5%, half of the rows asked for a fault drawing none."""
        if self.target is None or cond is None:
            return rows
        span, offset = self.spans[self.target], int(self.offsets[self.target])
        asked = cond[:, offset : offset + span.width]
        named = asked.sum(dim=1) > 0
        rows[named, span.start : span.stop] = asked[named].to(rows.dtype)
        return rows

    def fixed_vectors(self, span: Span, codes: torch.Tensor) -> torch.Tensor:
        """Conditional vectors asking for category ``codes[i]`` of the column of ``span`` in row i."""
        column = torch.full_like(codes, self.spans.index(span))
        return self.vector(column, codes)


def _discrete_index(discrete: list[Span], spans: Sequence[Span], target: str) -> int:
    """Position of ``target`` among the discrete columns, or a ConfigError saying what it is instead."""
    names = [s.column for s in discrete]
    if target in names:
        return names.index(target)
    if any(s.column == target for s in spans):
        raise ConfigError(
            f"target {target!r} holds numbers or dates; the target must be a discrete column (a category "
            f"or a flag): name one of {names}, or declare it categorical in the metadata"
        )
    raise ConfigError(f"target {target!r} is not a discrete column of the data; those are {names}")


def _padded_cdf(weights: torch.Tensor) -> torch.Tensor:
    """Row-wise cumulative distribution of non-negative ``weights`` (C, W); padding stays at 1."""
    cdf = torch.cumsum(weights / weights.sum(dim=1, keepdim=True), dim=1)
    return cdf.clamp(max=1.0)
