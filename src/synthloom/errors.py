"""Errors raised to users.

Every ``SynthloomError`` is a user error: its message names the file, column or value at fault and says
what to do. The CLI prints it on one line and exits with code 2; anything else is a bug (exit code 1).

``NotFittedError`` (a model used before ``fit``) is also scikit-learn's ``NotFittedError``, so
``except sklearn.exceptions.NotFittedError`` catches it; it is imported on first use (see ``__getattr__``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers; at run time ``__getattr__`` gives it
    from synthloom._sklearn_errors import NotFittedError as NotFittedError


class SynthloomError(Exception):
    """Base class of every error caused by input, settings or environment (not by a bug)."""


class DataError(SynthloomError, ValueError):
    """The data given cannot be used as it is (empty, malformed, too small, bad column)."""


class ConfigError(SynthloomError, ValueError):
    """A setting is out of range or unknown (model name, row count, option)."""


class ModelFileError(SynthloomError):
    """A model file is missing, corrupt, or written by an incompatible version."""


class NotAModelFileError(ModelFileError):
    """A data or text file was given where a model file goes (the arguments swapped)."""


class MissingDependencyError(SynthloomError, ImportError):
    """An optional package is needed; the message names the extra to install."""


class TrainingDivergedError(SynthloomError):
    """Training produced NaN or infinite losses; the message says which settings to change."""


class ConditionError(SynthloomError, ValueError):
    """A sampling condition can never be met (unknown category, range outside the data)."""


class DataWarning(UserWarning):
    """The data was usable but something was changed or is worth knowing (the message says what)."""


class RareConditionsWarning(DataWarning):
    """Sampling conditions the model is expected to meet in few draws: the message says how many draws the
    rows asked need, before any is drawn."""


def __getattr__(name: str) -> type:
    # NotFittedError subclasses scikit-learn's, whose import (0.75 s) every command line start, --help
    # included, would pay: the CLI imports this module for the other errors. Its own module is imported once
    # (by the import lock), so every importer gets the one class.
    if name == "NotFittedError":
        from synthloom._sklearn_errors import NotFittedError

        return NotFittedError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # lists NotFittedError before its first use too (help(), tab completion)
    return sorted([*globals(), "NotFittedError"])


# synthloom's own files, spelt as their frames' file names are (this file's as imported, not resolved)
_PACKAGE_DIR = os.path.join(os.path.dirname(__file__), "")
# the standard library's wrapper of functions decorated by a context manager (a neural model's ``fit``):
# a warning pointed at it named contextlib.py, line 81, instead of the user's line
_WRAPPER_FILE = contextlib.__file__


def caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning its caller raises at the first frame outside synthloom
    (the user's ``fit``, ``save`` or ``Metadata.infer``): inference's and the rules' warnings are reached at
    several depths (through ``fit``, ``infer``, a declared column, a generator's own ``_learn_encoding``), so
    that no one number is right for them all."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE_DIR) or frame.f_code.co_filename == _WRAPPER_FILE
    ):
        level, frame = level + 1, frame.f_back
    return level
