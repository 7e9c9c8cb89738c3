"""Errors raised to users.

Every ``SynthloomError`` is a user error: its message names the file, column or value at fault and says
what to do. The CLI prints it on one line and exits with code 2; anything else is a bug (exit code 1).
"""

from __future__ import annotations


class SynthloomError(Exception):
    """Base class of every error caused by input, settings or environment (not by a bug)."""


class DataError(SynthloomError, ValueError):
    """The data given cannot be used as it is (empty, malformed, too small, bad column)."""


class ConfigError(SynthloomError, ValueError):
    """A setting is out of range or unknown (model name, row count, option)."""


class ModelFileError(SynthloomError):
    """A model file is missing, corrupt, or written by an incompatible version."""


class NotFittedError(SynthloomError, AttributeError):
    """A model was used before ``fit`` was called."""


class MissingDependencyError(SynthloomError, ImportError):
    """An optional package is needed; the message names the extra to install."""


class TrainingDivergedError(SynthloomError):
    """Training produced NaN or infinite losses; the message says which settings to change."""


class ConditionError(SynthloomError, ValueError):
    """A sampling condition can never be met (unknown category, range outside the data)."""


class DataWarning(UserWarning):
    """The data was usable but something was changed or is worth knowing (the message says what)."""
