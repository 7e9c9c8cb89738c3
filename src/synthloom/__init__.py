"""synthloom: synthetic training data from real data, with proof of its quality."""

__version__ = "0.1.0"

from synthloom import datasets
from synthloom.augment import augment, evaluate_augmentation  # the function shadows its module
from synthloom.data.metadata import Metadata
from synthloom.metrics import evaluate
from synthloom.models.base import load
from synthloom.registry import get_model, list_models

__all__ = [
    "Metadata",
    "__version__",
    "augment",
    "datasets",
    "evaluate",
    "evaluate_augmentation",
    "get_model",
    "list_models",
    "load",
]
