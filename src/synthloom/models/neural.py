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
import itertools
import warnings
from abc import abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
import torch

from synthloom.data.constraints import ConstraintSet
from synthloom.data.encoders import Span
from synthloom.data.io import cut_text
from synthloom.data.metadata import Metadata, as_metadata
from synthloom.data.streaming import CHUNK_ROWS, SAMPLE_ROWS, TableStream
from synthloom.errors import DataWarning, caller_stacklevel
from synthloom.models.base import (
    BaseGenerator,
    build_to_fit,
    fitting,
    load_module_tensors,
    module_tensors,
    resolve_seed,
)
from synthloom.nn.conditional import ConditionalSampler
from synthloom.nn.spans import SpanLayout
from synthloom.progress import drawing
from synthloom.training import distributed
from synthloom.training.device import loading_device, resolve_device
from synthloom.training.loop import EarlyStopping, run_epochs
from synthloom.training.settings import (
    autocast,
    check_flag,
    check_precision,
    check_training_params,
    check_whole,
    evaluating,
    flush_denormals,
    keep_freed_memory,
    sampling_autocast,
)
from synthloom.training.validation import marginal_similarity

SAMPLE_BATCH = 8_192  # rows per forward pass when sampling: small enough to stay in cache
VALIDATION_ROWS = 2_000


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Run a block of torch work on global generators seeded with ``seed``, restoring them afterwards.

    Every fit and draw of a synthloom network runs in such a block, so it also flushes subnormal floats
    (``flush_denormals``; fits enter that from their first line, so that the worker threads torch starts
    during a fit inherit the flag) and has freed memory kept for reuse (``keep_freed_memory``).
    """
    devices = [device.index or 0] if device.type == "cuda" else []
    keep_freed_memory()
    with flush_denormals(), torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class NeuralGenerator(BaseGenerator):
    """Base for generators trained with PyTorch on the transformer's matrix.

    Subclasses list every hyper-parameter in their own ``__init__`` (as scikit-learn does) and pass the
    common ones here.

    Besides the base's fitted state: ``epochs_planned_``, the epochs the fit set out to run (``epochs``,
    or the model's own choice where it may choose); ``max_minutes`` and early stopping can end it sooner,
    which ``loss_history_`` then shows.
    """

    supports_category_conditions = True
    # True where ``epochs=None`` lets the model choose its training length (``_planned_epochs``)
    epochs_may_be_none = False

    def __init__(
        self,
        epochs: int,
        batch_size: int,
        device: str,
        max_minutes: float | None,
        early_stopping: bool,
        verbose: bool,
        random_state: int | None,
        precision: str = "auto",
    ) -> None:
        super().__init__(random_state=random_state)
        self.epochs = epochs
        self.batch_size = batch_size
        self.device = device
        self.max_minutes = max_minutes
        self.early_stopping = early_stopping
        self.verbose = verbose
        self.precision = precision

    def _check_params(self) -> None:
        check_training_params(self, epochs_may_be_none=self.epochs_may_be_none)
        check_flag("early_stopping", self.early_stopping)
        check_precision(self.precision)

    def _autocast(self) -> contextlib.AbstractContextManager:
        return autocast(self.device_, self.precision)

    # -- fitting --------------------------------------------------------------------------------------------
    @flush_denormals()  # from the start: torch's worker threads are created before training proper
    def fit(
        self,
        data: pd.DataFrame,
        metadata: Metadata | Mapping[str, Any] | None = None,
        constraints: Sequence[Any | Mapping[str, Any]] | None = None,
        keep_orders: bool = True,
    ) -> Self:
        """Learn from a real table; under ``torchrun`` every process trains on its shard (DDP).

        See ``BaseGenerator.fit``; ``synthloom.training.distributed`` describes the distributed run.
        """
        self._check_params()  # before any state is set: a refused fit leaves the model as it was
        with distributed.process_group(resolve_device(self.device)):
            distributed.check_supported(self)
            return super().fit(data, metadata, constraints, keep_orders)

    @flush_denormals()
    def fit_file(
        self,
        path: str | Path,
        metadata: Metadata | Mapping[str, Any] | None = None,
        constraints: Sequence[Any | Mapping[str, Any]] | None = None,
        chunk_rows: int = CHUNK_ROWS,
        sample_rows: int = SAMPLE_ROWS,
        encoding: str = "utf-8",
        keep_orders: bool = True,
    ) -> Self:
        """Learn from a CSV/Parquet file (or folder of parts) larger than memory, read in chunks.

        Metadata, rules and transformer are learned from a uniform sample of ``sample_rows`` rows (one
        pass over the file). Training then reads the file ``chunk_rows`` rows at a time: each chunk is
        encoded, trained on for its share of an epoch's steps, and dropped, so memory depends on the
        chunk size, not on the file size. An epoch is still one pass over every row. Values and
        categories missing from the sample are treated as unseen ones (so are the orders ``keep_orders``
        learns: those the sample keeps). ``encoding`` is a CSV file's text encoding.

        Example:
            >>> model = get_model("ctgan", epochs=5).fit_file("transactions.parquet")
        """
        sizes = (("chunk_rows", chunk_rows, 1), ("sample_rows", sample_rows, self.min_rows))
        for name, value, least in sizes:
            # a numpy count is as good here: these sizes are not written to the model file
            check_whole(name, int(value) if isinstance(value, np.integer) else value, least)
        check_flag("keep_orders", keep_orders)
        self._check_params()  # before any state is set: a refused fit leaves the model as it was
        with distributed.process_group(resolve_device(self.device)):
            distributed.check_supported(self)
            with fitting(self):
                rules = ConstraintSet(constraints, keep_orders)
                self._fit_stream(TableStream(path, chunk_rows, encoding), metadata, rules, sample_rows)
        return self

    def _fit_stream(
        self,
        stream: TableStream,
        metadata: Metadata | Mapping[str, Any] | None,
        rules: ConstraintSet,
        sample_rows: int,
    ) -> None:
        """``fit_file``'s work on an opened ``stream``: the encoding from a uniform sample, then training."""
        self.seed_ = resolve_seed(self.random_state)
        rng = np.random.default_rng(self.seed_)
        sample = stream.sample(sample_rows, rng)
        self._validate_training_data(sample)
        matrix = self._learn_encoding(sample, as_metadata(metadata), rules)
        self.loss_history_ = []
        self.n_training_rows_ = stream.count_rows()
        self.training_split_ = None  # every row of the file: `fit --holdout` reads a table whole
        self._samples_drawn = 0
        _, validation = self._split_validation(matrix, rng)
        self._note_real_rows(matrix)  # the file's uniform sample: its chunks come in the file's order
        # sampling follows the category frequencies of the uniform sample
        frequencies = ConditionalSampler.from_matrix(torch.from_numpy(matrix), self.transformer_.spans)
        counts = frequencies.counts if frequencies.spans else None
        sampled = len(sample)
        del sample, matrix, frequencies  # only one chunk at a time from here on
        chunks = self._encoded_chunks(stream, sampled)
        self._train(next(chunks), self.n_training_rows_, validation, chunks, counts)

    def _encoded_chunks(self, stream: TableStream, sample_rows: int) -> Iterator[np.ndarray]:
        """The file's chunks encoded, pass after pass (no reference kept to a chunk once handed over); the
        first pass warns of values the sample lacked, once a column."""
        said: set[str] = set()
        for passes in itertools.count():
            first = 0
            for frame in stream.chunks():
                ruled = self.constraints_.transform(frame)  # the rules once, for the warning and the matrix
                del frame
                if passes == 0:
                    self._warn_of_unlearned(ruled, stream.path, first, sample_rows, said)
                first += len(ruled)
                matrix = self.transformer_.transform(ruled)
                del ruled
                yield matrix
                del matrix

    def _warn_of_unlearned(
        self, frame: pd.DataFrame, path: Path, first: int, sample_rows: int, said: set[str]
    ) -> None:
        """Warn of values in ``frame`` (a chunk from data row ``first`` + 1, with the rules' columns already
        re-encoded) that the transformer, learned from a ``sample_rows``-row sample, did not learn: they were
        encoded as other values without a word."""
        found = self.transformer_.unlearned(frame)
        new = {name: values for name, values in found.items() if name not in said}
        if not new:
            return
        said.update(new)
        columns = "; ".join(
            f"{name!r} in {len(values):,} row(s), e.g. "
            + ", ".join(repr(cut_text(str(v))) for v in values.drop_duplicates().head(3))
            for name, values in new.items()
        )
        warnings.warn(
            f"{path}: data rows {first + 1:,} - {first + len(frame):,} hold values the {sample_rows:,}-row "
            f"sample the columns were learned from lacks: {columns}; a category it lacks is learned as "
            "another level, text in a number column as missing: fit without --stream, or with more "
            "--sample-rows (sample_rows)",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )

    def _learn_encoding(
        self, data: pd.DataFrame, metadata: Metadata | None, rules: ConstraintSet
    ) -> np.ndarray:
        # under DDP rank 0 learns the encoding and the other ranks receive it: one transformer for all
        if not distributed.is_distributed():
            return super()._learn_encoding(data, metadata, rules)
        matrix = super()._learn_encoding(data, metadata, rules) if distributed.rank() == 0 else None
        state = distributed.broadcast_object(self._encoding_state() if matrix is not None else None)
        if matrix is not None:
            return matrix
        self._set_encoding(state)
        return self._encode(data)

    def _fit(self, matrix: np.ndarray, rng: np.random.Generator) -> None:
        train, validation = self._split_validation(matrix, rng)
        self._note_real_rows(train)
        self._train(train, len(train), validation)

    def _note_real_rows(self, rows: np.ndarray) -> None:
        """Keep what a subclass needs of the real rows (encoded) it is fitted on, before training, and for
        a streamed file from its uniform sample; nothing by default."""

    def _after_training(self) -> None:
        """Work on the trained networks before the fit ends (seeded, sampling counts set); none by default."""

    def _train(
        self,
        first: np.ndarray,
        n_rows: int,
        validation: np.ndarray,
        chunks: Iterator[np.ndarray] | None = None,
        counts: torch.Tensor | None = None,
    ) -> None:
        """Train on ``first`` (all rows, or the first chunk of ``chunks``), ``n_rows`` rows per epoch.

        ``counts`` are the category counts sampling will follow (default: those of the rows trained on).
        """
        self.device_ = distributed.rank_device(resolve_device(self.device))
        with seeded(self.seed_, self.device_):
            self.layout_ = SpanLayout(self.transformer_.spans, self.device_)
            self._use_rows(first)
            del first  # a streamed first chunk is dropped with the others
            self._build()  # the same initial weights on every rank
            self.loss_history_ = self._run_epochs(n_rows, validation, chunks)
            self._set_sampling_counts(counts)
            self._after_training()
        del self.data_  # training rows are not kept on the model (nor in its file)

    def _run_epochs(
        self, n_rows: int, validation: np.ndarray, chunks: Iterator[np.ndarray] | None
    ) -> list[dict[str, float]]:
        """The training epochs (with their time budget and early stopping); returns the loss history."""
        # an epoch is one pass over every row, whatever the chunks and the number of processes
        self._steps_per_epoch = max(1, n_rows // distributed.world_size() // self._batch_rows())
        self.epochs_planned_ = self._planned_epochs()  # kept: a run cut by ``max_minutes`` shows against it
        # a diverged run raises: the fit (`fitting`) leaves no NaN weights to sample or save
        with distributed.data_parallel(self.seed_, self, self._modules().values()):
            return run_epochs(
                self._step_function(chunks),
                epochs=self.epochs_planned_,
                steps_per_epoch=self._steps_per_epoch,
                description=f"training {self.model_name}",
                max_minutes=self.max_minutes,
                early_stopping=self._early_stopping(validation),
                verbose=self.verbose and distributed.is_main_process(),
                networks=self._modules(),
            )

    def _set_sampling_counts(self, counts: torch.Tensor | None) -> None:
        """Have sampling follow ``counts``, or else the category counts of every row trained on.

        The sampler of the rows trained on last already counts them all, unless they were one streamed
        chunk (the fit passes ``counts`` from the file's sample) or one rank's shard (the ranks' counts
        are summed).
        """
        if counts is None and not distributed.is_distributed():
            return
        if counts is None and self.sampler_.spans:
            counts = distributed.sum_over_ranks(self.sampler_.counts)  # every rank's shard counted
        self.sampler_ = ConditionalSampler(
            counts, self.transformer_.spans, self.device_, self._conditioning_target()
        )

    def _conditioning_target(self) -> str | None:
        """The discrete column every conditional vector names (None: a column drawn per row)."""
        return None

    def _conditions_directly(self, span: Span) -> bool:
        # a vector naming another column than the target is never seen in training
        target = self._conditioning_target()
        return target is None or span.column == target

    def _category_shares(self, span: Span) -> np.ndarray | None:
        # the conditional sampler keeps every discrete column's category counts (sampling follows them)
        sampler = self.sampler_
        if span not in sampler.spans or getattr(sampler, "counts", None) is None:
            return None
        counts = sampler.counts[sampler.spans.index(span), : span.width].double().cpu().numpy()
        return counts / max(counts.sum(), 1.0)

    def _planned_epochs(self) -> int:
        """Epochs this fit runs (at most: ``max_minutes`` and early stopping can end it sooner)."""
        return self.epochs

    def _use_rows(self, rows: np.ndarray) -> None:
        """Train on ``rows`` (this rank's shard of them) from now on, with their own conditional sampler."""
        data = torch.from_numpy(distributed.shard(rows))  # shares the encoded matrix (ours): no copy
        tanh = self.layout_.tanh_index.cpu()
        if tanh.numel():
            # a tanh output cannot pass +-1: a value beyond MODE_SCALE spreads of its mode (a far tail, or
            # in a streamed chunk a value the encoder never saw beside an exact-value mode, which would be
            # scaled by the floor) is learned as the edge instead of pulling the losses toward it
            data[:, tanh] = data[:, tanh].clamp(-1.0, 1.0)
        if self.device_.type == "cuda":  # page-locked rows copy to the GPU directly, without a staging copy
            data = data.pin_memory()
        self.data_ = data.to(self.device_)
        self.sampler_ = ConditionalSampler.from_matrix(
            self.data_, self.transformer_.spans, self._conditioning_target()
        )
        self._chunk_steps = max(1, len(rows) // distributed.world_size() // self._batch_rows())

    def _step_function(self, chunks: Iterator[np.ndarray] | None) -> Callable[[], dict[str, float]]:
        """``_train_step``, moving on to the next chunk once the current one has had its share of steps."""
        if chunks is None:
            return self._train_step
        remaining = self._chunk_steps

        def step() -> dict[str, float]:
            nonlocal remaining
            if remaining == 0:
                del self.data_, self.sampler_  # freed before the next chunk is read: one in memory
                self._use_rows(next(chunks))
                remaining = self._chunk_steps
            remaining -= 1
            return self._train_step()

        return step

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
                fake = self._generate_matrix(len(validation), None, cpu_bf16=False)
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
        check_precision(self.precision)  # it may have been set after fitting
        with seeded(int(rng.integers(2**63 - 1)), self.device_):
            return self._generate_matrix(n, category)

    @torch.no_grad()
    def _generate_matrix(
        self, n: int, category: tuple[Span, int] | None, cpu_bf16: bool = True
    ) -> np.ndarray:
        # early stopping's validation draws pass cpu_bf16=False: training on a CPU stays in float32, so
        # where a fit stops does not depend on whether the CPU has fast bf16
        precision = self.precision if cpu_bf16 else "float32"
        # each chunk is copied into the output as it comes: holding every chunk for one concatenation at
        # the end kept twice the output alive, and the chunks freed at once (64 MB for 100,000 rows of
        # adult) passed what the allocator keeps for reuse, so the next draw mapped them again
        out = torch.empty((n, self.transformer_.output_dim))
        with evaluating(self._modules().values()):
            for start in range(0, n, SAMPLE_BATCH):
                size = min(SAMPLE_BATCH, n - start)
                if category is None:
                    cond = self.sampler_.sampling_vectors(size)
                else:
                    codes = torch.full((size,), category[1], dtype=torch.long, device=self.device_)
                    cond = self.sampler_.fixed_vectors(category[0], codes)
                with sampling_autocast(self.device_, precision):
                    out[start : start + size] = self.sampler_.impose_target(self._generate(size, cond), cond)
                drawing()  # `sample`'s plain progress lines go on within a long chunk
        return out.numpy()

    # -- persistence ----------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the model file (under torchrun only rank 0 writes; every rank returns the path)."""
        if not distributed.is_main_process():
            return Path(path)
        return super().save(path)

    def _tensors(self) -> dict[str, torch.Tensor]:
        tensors = module_tensors(self._modules())
        if self.sampler_.spans:
            tensors["sampler.counts"] = self.sampler_.counts
        return tensors

    def _extra_state(self) -> dict[str, Any]:
        return {"epochs_planned": self.epochs_planned_}

    def _restore(self, tensors: dict[str, torch.Tensor], extra: dict[str, Any]) -> None:
        self.epochs_planned_: int | None = extra.get("epochs_planned")  # None: a file from before it was kept
        self.device_ = loading_device(self.device)
        self.layout_ = SpanLayout(self.transformer_.spans, self.device_)
        self.sampler_ = ConditionalSampler(
            tensors.get("sampler.counts"), self.transformer_.spans, self.device_, self._conditioning_target()
        )
        build_to_fit(self, self._build, tensors)
        load_module_tensors(self._modules(), tensors, self.device_)
