"""Shared base of the neural tabular generators (GAN, VAE, diffusion): device, seeding, epochs, batches.

A subclass builds its networks in ``_build``, implements one optimisation step in ``_train_step``
(returning its losses) and generation in ``_generate``; this class runs the epochs with a progress bar,
the time budget and early stopping, and keeps every random draw on a seeded torch stream.

Reproducibility: fitting and sampling run inside ``torch.random.fork_rng`` seeded from the model's
``random_state``, so dropout, noise and batch draws repeat exactly on CPU without touching the caller's
global random state.
"""

from __future__ import annotations

import contextlib
import copy
from abc import abstractmethod
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch

from synthloom.data.encoders import Span
from synthloom.models.base import BaseGenerator
from synthloom.nn.conditional import ConditionalSampler
from synthloom.nn.spans import SpanLayout
from synthloom.training.device import resolve_device
from synthloom.training.loop import EarlyStopping, run_epochs
from synthloom.training.settings import autocast, check_training_params
from synthloom.training.validation import marginal_similarity

SAMPLE_BATCH = 8_192  # rows per forward pass when sampling: small enough to stay in cache
VALIDATION_ROWS = 2_000


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Run a block on torch's global generators seeded with ``seed``, restoring them afterwards."""
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class NeuralGenerator(BaseGenerator):
    """Base for generators trained with PyTorch on the transformer's matrix.

    Subclasses list every hyper-parameter in their own ``__init__`` (as scikit-learn does) and pass the
    common ones here.
    """

    supports_category_conditions = True

    def __init__(
        self,
        epochs: int,
        batch_size: int,
        device: str,
        max_minutes: float | None,
        early_stopping: bool,
        verbose: bool,
        random_state: int | None,
    ) -> None:
        super().__init__(random_state=random_state)
        self.epochs = epochs
        self.batch_size = batch_size
        self.device = device
        self.max_minutes = max_minutes
        self.early_stopping = early_stopping
        self.verbose = verbose

    def _check_params(self) -> None:
        check_training_params(self)

    def _autocast(self) -> contextlib.AbstractContextManager:
        return autocast(self.device_)

    # -- fitting --------------------------------------------------------------------------------------------
    def _fit(self, matrix: np.ndarray, rng: np.random.Generator) -> None:
        self._check_params()
        self.device_ = resolve_device(self.device)
        train, validation = self._split_validation(matrix, rng)
        with seeded(self.seed_, self.device_):
            self.data_ = torch.from_numpy(train).to(self.device_)
            self.layout_ = SpanLayout(self.transformer_.spans, self.device_)
            self.sampler_ = ConditionalSampler.from_matrix(self.data_, self.transformer_.spans)
            self._build()
            self.loss_history_ = run_epochs(
                self._train_step,
                epochs=self.epochs,
                steps_per_epoch=max(1, len(train) // self._batch_rows()),
                description=f"training {self.model_name}",
                max_minutes=self.max_minutes,
                early_stopping=self._early_stopping(validation),
                verbose=self.verbose,
            )
        del self.data_  # training rows are not kept on the model (nor in its file)

    def _batch_rows(self) -> int:
        return min(self.batch_size, len(self.data_))

    def _split_validation(
        self, matrix: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        if not self.early_stopping:
            return matrix, matrix[:0]
        n_valid = min(VALIDATION_ROWS, len(matrix) // 10)
        order = rng.permutation(len(matrix))
        return matrix[order[n_valid:]], matrix[order[:n_valid]]

    def _early_stopping(self, validation: np.ndarray) -> EarlyStopping | None:
        if not len(validation):
            return None
        best: dict[str, Any] = {}

        def validate() -> float:
            with torch.random.fork_rng(devices=[]):
                fake = self._generate_matrix(len(validation), None)
            return marginal_similarity(validation, fake, self.transformer_.spans)

        def checkpoint() -> None:
            best.update({name: copy.deepcopy(m.state_dict()) for name, m in self._modules().items()})

        def restore() -> None:
            for name, module in self._modules().items():
                module.load_state_dict(best[name])

        return EarlyStopping(validate, checkpoint, restore)

    def _modules(self) -> dict[str, torch.nn.Module]:
        """The networks that make up the model, by attribute name (saved, restored, checkpointed)."""
        return {name: getattr(self, name) for name in self._module_names()}

    @abstractmethod
    def _module_names(self) -> list[str]:
        """Attribute names of the networks needed to sample."""

    @abstractmethod
    def _build(self) -> None:
        """Create networks and optimisers (``self.layout_``, ``self.sampler_`` and data are ready)."""

    @abstractmethod
    def _train_step(self) -> dict[str, float]:
        """One optimisation step on one batch; returns the losses by name."""

    # -- sampling -------------------------------------------------------------------------------------------
    @abstractmethod
    def _generate(self, n: int, cond: torch.Tensor | None) -> torch.Tensor:
        """(n, output_dim) activated rows, given conditional vectors (or None)."""

    def _sample(
        self, n: int, rng: np.random.Generator, category: tuple[Span, int] | None = None
    ) -> np.ndarray:
        with seeded(int(rng.integers(2**63 - 1)), self.device_):
            return self._generate_matrix(n, category)

    @torch.no_grad()
    def _generate_matrix(self, n: int, category: tuple[Span, int] | None) -> np.ndarray:
        for module in self._modules().values():
            module.eval()
        chunks = []
        for start in range(0, n, SAMPLE_BATCH):
            size = min(SAMPLE_BATCH, n - start)
            if category is None:
                cond = self.sampler_.sampling_vectors(size)
            else:
                codes = torch.full((size,), category[1], dtype=torch.long, device=self.device_)
                cond = self.sampler_.fixed_vectors(category[0], codes)
            chunks.append(self._generate(size, cond).float().cpu())
        for module in self._modules().values():
            module.train()
        out = torch.cat(chunks) if chunks else torch.zeros((0, self.transformer_.output_dim))
        return out.numpy()

    # -- persistence ----------------------------------------------------------------------------------------
    def _tensors(self) -> dict[str, torch.Tensor]:
        tensors = {}
        for name, module in self._modules().items():
            for key, value in module.state_dict().items():
                tensors[f"{name}.{key}"] = value
        if self.sampler_.spans:
            tensors["sampler.counts"] = self.sampler_.counts
        return tensors

    def _extra_state(self) -> dict[str, Any]:
        return {}

    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        self.device_ = resolve_device(self.device)
        self.layout_ = SpanLayout(self.transformer_.spans, self.device_)
        self.sampler_ = ConditionalSampler(
            tensors.get("sampler.counts"), self.transformer_.spans, self.device_
        )
        self._build()
        for name, module in self._modules().items():
            prefix = f"{name}."
            state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
            module.load_state_dict(state)
            module.to(self.device_)
