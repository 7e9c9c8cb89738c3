"""``synthloom.errors.NotFittedError``, kept apart so that importing ``synthloom.errors`` (as the CLI does
to start) does not import scikit-learn."""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from synthloom.errors import SynthloomError


class NotFittedError(SynthloomError, SklearnNotFittedError):
    """A model was used before ``fit`` was called.

    It is scikit-learn's ``NotFittedError`` too (so a ``ValueError`` and an ``AttributeError``): code that
    catches scikit-learn's, as a pipeline mixing both libraries does, catches it; the CLI reports it on one
    line as every ``SynthloomError``.
    """

    __module__ = "synthloom.errors"  # its public home, in tracebacks and pickles
