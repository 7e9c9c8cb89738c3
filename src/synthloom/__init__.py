"""synthloom: synthetic training data from real data, with proof of its quality."""

__version__ = "0.1.0"

from synthloom import datasets
from synthloom.data.metadata import Metadata
from synthloom.models.base import load
from synthloom.registry import get_model, list_models

__all__ = ["Metadata", "__version__", "datasets", "evaluate", "get_model", "list_models", "load"]
