"""The image generator contract: public ``fit`` / ``sample`` / ``save`` with the shared work done once.

Images skip the table transformer: ``fit`` takes float images in [0, 1] or uint8 / uint16 pixels (read on
their full range), shaped (N, H, W), (N, C, H, W) or (N, H, W, C) with C = 1 or 3, plus optional labels
(whole numbers or class names); ``sample`` gives images back in [0, 1] in the fitted layout. Here they
become a tensor in [-1, 1], padded to the next power-of-two side >= 8 (28x28 MNIST trains at 32x32, and
samples are cropped back), so every network is built for sizes it handles exactly. A subclass builds its
networks in ``_build``, implements one optimisation step in ``_train_step`` and generation in
``_generate``.

Model files use the tabular format of ``synthloom.models.base`` (one safetensors file, JSON description in
the header) with ``"kind": "image"`` and the image geometry instead of a transformer state.
"""

from __future__ import annotations

import contextlib
import math
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np
import torch
import torch.nn.functional as F

from synthloom.data.images import array_layout, channels_first, in_layout, unit_pixels, whole_labels
from synthloom.errors import ConfigError, DataError, ModelFileError, NotFittedError, caller_stacklevel
from synthloom.models.base import (
    HyperParameters,
    SeededSampling,
    build_to_fit,
    check_row_count,
    fitting,
    load_module_tensors,
    model_file_errors,
    module_tensors,
    read_model_file,
    resolve_seed,
    write_model_file,
)
from synthloom.models.neural import seeded
from synthloom.training import distributed
from synthloom.training.device import loading_device, resolve_device
from synthloom.training.loop import run_epochs
from synthloom.training.settings import autocast, check_training_params, evaluating, flush_denormals

IMAGE_KIND = "image"
MIN_SIDE = 8  # the smallest padded side: one stride-2 layer from the 4x4 base map
UNLABELLED = -1  # the one "class" of an unconditional model: what ``return_labels`` gives for its images
SAMPLE_BATCH = 512  # images per forward pass when sampling


def run_random_batches(
    train_step: Callable[[torch.Tensor], dict[str, float]],
    n_rows: int,
    model: Any,
    networks: dict[str, torch.nn.Module],
    advice: str,
    verbose: bool,
    time_share: float = 1.0,
) -> list[dict[str, float]]:
    """The epochs of ``model`` (its epochs, batch_size, max_minutes, device_, model_name) over random batches.

    ``train_step`` gets the row indices of one batch and trains ``networks``; a loss (or at the end a
    weight) that turns NaN or infinite stops training with a ``TrainingDivergedError`` that ends with
    ``advice``. ``time_share``: the share of ``max_minutes`` this run may use (when one fit trains several
    networks in turn).
    """
    batch = min(model.batch_size, n_rows)

    def step() -> dict[str, float]:
        return train_step(torch.randint(n_rows, (batch,), device=model.device_))

    return run_epochs(
        step,
        epochs=model.epochs,
        steps_per_epoch=max(1, n_rows // batch),
        description=f"training {model.model_name}",
        max_minutes=None if model.max_minutes is None else model.max_minutes * time_share,
        verbose=verbose,
        advice=advice,
        networks=networks,
    )


class CollapseWarning(UserWarning):
    """Training finished but looks collapsed (the discriminator wins outright); samples may be poor."""


def _padded_side(side: int) -> int:
    return max(MIN_SIDE, 2 ** math.ceil(math.log2(side)))


def check_image_shape(shape: tuple[int, ...], source: str | None = None) -> None:
    """Refuse images the models cannot learn: not (N, H, W) or (N, C, H, W) with C = 1 or 3, or not square.

    ``source`` (a file, folder or data set name) starts the message, so a command can check the images it
    read before it starts fitting.

    Raises:
        DataError: e.g. "photos: images are 30x50 (width x height); the image models need square images:
            crop or resize them".
    """
    where = f"{source}: " if source is not None else ""
    channels = 1 if len(shape) == 3 else shape[1] if len(shape) == 4 else None
    if channels not in (1, 3):
        raise DataError(
            f"{where}images must be shaped (N, H, W) or (N, C, H, W) with C = 1 or 3, not {shape}"
        )
    height, width = shape[-2:]
    if height != width:
        raise DataError(
            f"{where}images are {width}x{height} (width x height); the image models need square images: "
            "crop or resize them"
        )


def check_images(images: Any, labels: Any = None) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate images (N, H, W), (N, C, H, W) or (N, H, W, C) in [0, 1], or uint8 / uint16 pixels (read
    on their full range), and labels (N,): whole numbers or class names.

    Returns:
        ``(images as float32 (N, C, H, W), labels as int64 or str, or None)``.

    Example:
        >>> x, y = check_images(np.zeros((10, 8, 8)), np.arange(10) % 2)
        >>> x.shape
        (10, 1, 8, 8)
    """
    images = channels_first(unit_pixels(np.asarray(images)))  # as an .npz file's images are read
    check_image_shape(images.shape)
    if images.ndim == 3:
        images = images[:, None]
    if not np.issubdtype(images.dtype, np.number) or not np.isfinite(images).all():
        raise DataError("images must be finite numbers; scale them to [0, 1] (e.g. uint8 pixels / 255)")
    if images.size and (images.min() < 0 or images.max() > 1):
        raise DataError(
            f"image values span [{images.min():g}, {images.max():g}]; scale them to [0, 1] "
            "(e.g. uint8 pixels / 255)"
        )
    if labels is None:
        return images.astype(np.float32), None
    labels = np.asarray(labels)
    if labels.dtype == object and all(isinstance(label, str) for label in labels.ravel()):
        labels = labels.astype(str)
    labels = whole_labels(labels)  # 0.0 / 1.0 from a pandas column, or True / False: classes 0 and 1
    if labels.shape != (len(images),) or not (
        np.issubdtype(labels.dtype, np.integer) or labels.dtype.kind == "U"
    ):
        raise DataError(
            f"labels must be {len(images)} whole numbers or class names, one per image, "
            f"not {labels.shape} of {labels.dtype}"
        )
    return images.astype(np.float32), labels if labels.dtype.kind == "U" else labels.astype(np.int64)


class ImageGenerator(HyperParameters, SeededSampling, ABC):
    """Template for image generators: validation, padding, seeding, device, epochs, files.

    Example:
        >>> model = get_model("cdcgan", epochs=20, random_state=0).fit(images, labels)
        >>> sevens = model.sample(100, labels=7)
        >>> model.save("mnist.synthloom"); same = load("mnist.synthloom")
    """

    model_name: ClassVar[str]  # set by @register
    kind: ClassVar[str] = IMAGE_KIND
    min_images: ClassVar[int] = 16

    def __init__(
        self,
        conditional: bool,
        epochs: int,
        batch_size: int,
        device: str,
        max_minutes: float | None,
        verbose: bool,
        random_state: int | None,
    ) -> None:
        self.conditional = conditional
        self.epochs = epochs
        self.batch_size = batch_size
        self.device = device
        self.max_minutes = max_minutes
        self.verbose = verbose
        self.random_state = random_state

    def _check_params(self) -> None:
        check_training_params(self)

    def _autocast(self) -> contextlib.AbstractContextManager:
        return autocast(self.device_)

    # -- fitting ------------------------------------------------------------------------------------------
    @flush_denormals()
    def fit(self, images: Any, labels: Any = None) -> Self:
        """Learn from images (see ``check_images``: [0, 1] floats or uint8 / uint16 pixels, (N, H, W),
        (N, C, H, W) or (N, H, W, C)); ``labels`` are needed if conditional."""
        self._check_params()
        x, y = check_images(images, labels)
        if len(x) < self.min_images:
            raise DataError(f"{self.model_name} needs at least {self.min_images} images, got {len(x)}")
        if self.conditional and y is None:
            raise DataError(
                f"conditional {self.model_name} needs labels: fit(images, labels), or images in a "
                "sub-folder per class (or an .npz with labels)"
            )
        with fitting(self):  # a refit that fails (diverges) leaves the model as it was
            self.seed_ = resolve_seed(self.random_state)
            self.device_ = resolve_device(self.device)
            self.channels_, self.side_ = int(x.shape[1]), int(x.shape[2])
            self.layout_ = array_layout(np.asarray(images))  # sampling gives images back in it
            self.size_ = _padded_side(self.side_)
            codes = self._learn_classes(y if self.conditional else None)
            self.n_training_images_ = len(x)
            self.training_split_ = None  # set by `image fit`: the hold-out split these images came from
            self._samples_drawn = 0
            with distributed.process_group(self.device_):  # under torchrun: data-parallel, as tabular models
                distributed.check_supported(self)
                self.device_ = distributed.rank_device(self.device_)
                x, codes = distributed.shard(x), distributed.shard(codes)  # this rank's images
                with seeded(self.seed_, self.device_):
                    self._build()
                    with distributed.data_parallel(self.seed_, self, self._modules().values()):
                        self.loss_history_ = self._run(self._to_tensor(x), codes)
        message = self._collapse_message()
        if message is not None:
            warnings.warn(message, CollapseWarning, stacklevel=caller_stacklevel())
        return self

    def _learn_classes(self, y: np.ndarray | None) -> np.ndarray | None:
        """Set ``classes_`` and their training shares; returns class codes 0..K-1 (None if unlabelled)."""
        if y is None:
            self.classes_, self.class_weights_ = [UNLABELLED], [1.0]
            return None
        classes, codes = np.unique(y, return_inverse=True)
        self.classes_ = _class_list(classes)
        self.class_weights_ = [float(w) for w in np.bincount(codes) / len(codes)]
        return codes

    def _to_tensor(self, x: np.ndarray) -> torch.Tensor:
        pad = self.size_ - self.side_
        tensor = torch.from_numpy(x) * 2 - 1  # [0, 1] -> [-1, 1], the range of the tanh output
        # pad with -1 (black) so the border the network must learn is the constant background
        tensor = F.pad(tensor, (pad // 2, pad - pad // 2, pad // 2, pad - pad // 2), value=-1.0)
        return tensor.to(self.device_)  # (N, C, size, size)

    def _run(self, x: torch.Tensor, codes: np.ndarray | None) -> list[dict[str, float]]:
        y = torch.from_numpy(codes).to(self.device_) if codes is not None else None
        return run_random_batches(
            lambda index: self._train_step(x[index], None if y is None else y[index]),
            n_rows=len(x),
            model=self,
            networks=self._modules(),
            advice=self._divergence_advice(),
            verbose=self.verbose and distributed.is_main_process(),
        )

    def _divergence_advice(self) -> str:
        return "lower learning_rate or batch_size, or check the images for extreme values"

    def _collapse_message(self) -> str | None:
        """Why the finished training looks collapsed, or None (the default: no check)."""
        return None

    @abstractmethod
    def _build(self) -> None:
        """Create networks and optimisers (``channels_``, ``size_``, ``classes_``, ``device_`` are set)."""

    @abstractmethod
    def _train_step(self, x: torch.Tensor, y: torch.Tensor | None) -> dict[str, float]:
        """One optimisation step on a batch (B, C, size, size) in [-1, 1]; returns losses by name."""

    @abstractmethod
    def _modules(self) -> dict[str, torch.nn.Module]:
        """The networks that make up the model, by name (saved and restored)."""

    # -- sampling -----------------------------------------------------------------------------------------
    def sample(
        self,
        n: int,
        labels: int | Any | None = None,
        random_state: int | None = None,
        return_labels: bool = False,
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Draw ``n`` images in [0, 1], in the layout and size the model was fitted on.

        Args:
            n: number of images.
            labels: conditional models only: one class for all (``7``), or ``n`` classes; by default
                classes are drawn in their training proportions.
            random_state: seed for this draw; without it, successive calls give new images, and a
                loaded model repeats the sequence of the model that was saved.
            return_labels: also return the (N,) class of each image, as the labels given to ``fit``
                (numbers or names; -1 for an unconditional model).

        Example:
            >>> sevens = model.sample(100, labels=7)  # (100, 28, 28) float32
        """
        self._check_fitted()
        n = check_row_count(n)
        seed = self._next_sample_seed(random_state)
        with seeded(seed, self.device_):
            codes = self._label_codes(n, labels)
            images = self._generate_all(codes)
        classes = np.asarray(self.classes_)[codes.cpu().numpy()]
        return (images, classes) if return_labels else images

    def _label_codes(self, n: int, labels: Any) -> torch.Tensor:
        if labels is None:
            weights = torch.tensor(self.class_weights_, dtype=torch.float64)
            return torch.multinomial(weights, n, replacement=True) if n else torch.zeros(0, dtype=torch.long)
        if not self.conditional:
            raise ConfigError(
                f"{self.model_name} is not conditional, so it cannot be asked for labels; fit a conditional "
                "model (cdcgan, cvae) for that"
            )
        wanted = np.broadcast_to(np.asarray(labels), (n,)) if np.ndim(labels) == 0 else np.asarray(labels)
        if wanted.shape != (n,):
            raise ConfigError(f"labels must be one class or {n} classes, not shape {wanted.shape}")
        unknown = sorted(set(wanted.tolist()) - set(self.classes_))
        if unknown:
            raise ConfigError(f"unknown labels {unknown[:5]}; the model knows {self.classes_}")
        return torch.from_numpy(np.searchsorted(self.classes_, wanted)).long()

    @torch.no_grad()
    def _generate_all(self, codes: torch.Tensor) -> np.ndarray:
        with evaluating(self._modules().values()):
            parts = codes.split(SAMPLE_BATCH)
            chunks = [self._generate(part.to(self.device_)).float().cpu() for part in parts]
        empty = torch.zeros((0, self.channels_, self.size_, self.size_))
        out = torch.cat(chunks) if chunks else empty  # (N, C, size, size) in [-1, 1]
        start = (self.size_ - self.side_) // 2
        out = out[:, :, start : start + self.side_, start : start + self.side_]
        images = ((out.clamp(-1, 1) + 1) / 2).numpy()
        return in_layout(images, self.layout_)

    @abstractmethod
    def _generate(self, codes: torch.Tensor) -> torch.Tensor:
        """(N, C, size, size) images in [-1, 1] for class codes (N,) (ignored if not conditional)."""

    def _check_fitted(self) -> None:
        if not hasattr(self, "loss_history_"):
            raise NotFittedError(f"this {self.model_name} model is not fitted yet; call fit(images) first")
        self._check_settings_unchanged()

    # -- persistence --------------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted model to one safetensors file (atomically); read back with ``load``.

        Under torchrun only rank 0 writes; every rank returns the path.
        """
        self._check_fitted()
        if not distributed.is_main_process():
            return Path(path)
        description = {
            "n_training_images": self.n_training_images_,
            "image": {
                "channels": self.channels_,
                "side": self.side_,
                "layout": self.layout_,
                "classes": self.classes_,
                "class_weights": self.class_weights_,
            },
            "loss_history": self.loss_history_,
        }
        if getattr(self, "training_split_", None) is not None:  # `image evaluate` judges on the same split
            description["image"]["training_split"] = self.training_split_
        return write_model_file(path, self, description, module_tensors(self._modules()), kind=self.kind)

    @classmethod
    def from_file(cls, description: dict[str, Any], tensors: dict[str, torch.Tensor]) -> Self:
        """Rebuild a model from a file's description and tensors (called by ``load``)."""
        model = cls(**description["params"])
        image = description["image"]
        model.seed_ = int(description["seed"])
        model.n_training_images_ = int(description["n_training_images"])
        model.channels_, model.side_ = int(image["channels"]), int(image["side"])
        model.layout_ = str(image["layout"])
        model.size_ = _padded_side(model.side_)
        model.classes_ = _class_list(image["classes"])
        model.class_weights_ = [float(w) for w in image["class_weights"]]
        model.loss_history_ = list(description["loss_history"])
        model._remember_settings()
        model.training_split_ = image.get("training_split")  # None in files written before it was kept
        model._samples_drawn = 0
        model.device_ = loading_device(model.device)
        build_to_fit(model, model._build, tensors)
        load_module_tensors(model._modules(), tensors, model.device_)
        return model


def _class_list(classes: Any) -> list[int] | list[str]:
    """Classes as JSON keeps them: class names, or whole numbers."""
    values = list(classes)
    if all(isinstance(c, (str, np.str_)) for c in values):
        return [str(c) for c in values]
    return [int(c) for c in values]


def load_image_model(path: str | Path) -> ImageGenerator:
    """Load an image model written by ``ImageGenerator.save``; only JSON and raw tensors are read.

    Raises:
        ModelFileError: missing, corrupt, a tabular model, or from a newer format.

    Example:
        >>> model = load_image_model("mnist.synthloom")
    """
    path = Path(path)
    description, tensors = read_model_file(path)
    return image_model_from_file(path, description, tensors)


def register_image_models() -> None:
    """Import the image generator modules, so their names (dcgan, cdcgan, vae, cvae) are registered."""
    from synthloom.models import dcgan, image_vae  # noqa: F401


def image_model_from_file(
    path: Path, description: dict[str, Any], tensors: dict[str, torch.Tensor]
) -> ImageGenerator:
    """The ``load`` step for an image model file whose description is already read."""
    from synthloom.registry import model_class

    register_image_models()

    if description.get("kind") == "detector":
        raise ModelFileError(
            f"{path}: an anomaly detector, not a generator; use `synthloom detect score` with it"
        )
    if description.get("kind") != IMAGE_KIND:
        raise ModelFileError(f"{path}: a tabular model; use `synthloom sample` / synthloom.load for it")
    with model_file_errors(path):
        cls = model_class(description["model"])
        if not issubclass(cls, ImageGenerator):
            raise TypeError(f"{description['model']!r} is not an image generator")
        model = cls.from_file(description, tensors)
        model.sample(1, random_state=0)  # the description is checked against its weights once, now
    return model
