"""Registry of generators by name: feeds ``get_model``, the CLI and the contract tests."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from synthloom.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T", bound=type)

_MODELS: dict[str, type] = {}

# What get_model("auto") builds: in benchmarks/diffusion.py the diffusion model had the best SDMetrics quality
# on adult, default and loans and the best train-on-synthetic score of synthloom's generators, fitting 7,000
# to 22,792 rows in 1.5 - 2.5 minutes on 2 cores (TVAE: under a minute, at lower quality; the README's
# Benchmarks section has the table).
AUTO_MODEL = "ddpm"


def register(name: str) -> Callable[[T], T]:
    """Class decorator that makes a generator available as ``get_model(name)``."""

    def decorate(cls: T) -> T:
        if name in _MODELS and _MODELS[name] is not cls:
            raise RuntimeError(f"model name {name!r} registered twice")
        cls.model_name = name
        _MODELS[name] = cls
        return cls

    return decorate


def _load_builtin_models() -> None:
    # Importing the package's model modules runs their @register decorators: image generators too, so
    # get_model("cdcgan") works in any process and `synthloom models` lists every generator
    from synthloom.models import IMAGE_MODULES, TABLE_MODULES

    for module in (*TABLE_MODULES, *IMAGE_MODULES):
        importlib.import_module(f"synthloom.models.{module}")


def list_models() -> list[str]:
    """Names of every registered generator, sorted."""
    _load_builtin_models()
    return sorted(_MODELS)


def _names_of(kind: str) -> list[str]:
    """The names a ``kind`` ("table" or "image") of generator is asked for by, sorted; "auto" for tables."""
    found = [name for name in list_models() if getattr(_MODELS[name], "kind", "table") == kind]
    return ["auto", *found] if kind == "table" else found


def model_class(name: str, kind: str | None = None) -> type:
    """The class registered under ``name``; a ``ConfigError`` naming the choices otherwise: those of ``kind``
    ("table" or "image": what the caller fits) if given, else every name, by kind."""
    _load_builtin_models()
    try:
        return _MODELS[AUTO_MODEL if name == "auto" else name]
    except KeyError:
        if kind is None:
            tables, images = ", ".join(_names_of("table")), ", ".join(_names_of("image"))
            choices = f"{tables} (tables); {images} (images)"
        else:
            choices = ", ".join(_names_of(kind))
        folded = str(name).lower().replace("_", "").replace("-", "")
        # "TVAE" is synthloom's own name in another case: named as "did you mean"
        own = next((known for known in _MODELS if known.replace("_", "") == folded), None)
        peer = _PEER_NAMES.get(folded)
        meant = f" (did you mean {own!r}?)" if own else f" (synthloom calls it {peer!r})" if peer else ""
        raise ConfigError(f"unknown model {name!r}{meant}; choose one of: {choices}") from None


# what SDV and synthcity call the generators synthloom has, folded to lower case without _ and -
_PEER_NAMES = {
    "gaussiancopula": "copula",
    "gaussiancopulasynthesizer": "copula",
    "ctgansynthesizer": "ctgan",
    "tvaesynthesizer": "tvae",
    "tabddpm": "ddpm",
    "ddpmsynthesizer": "ddpm",
}


def table_model_class(name: str) -> type:
    """The table generator registered under ``name``: an unknown name is refused naming the table
    generators, an image generator naming the command that fits it (on a table it would fail later, on the
    shape of the rows, saying nothing about why)."""
    cls = model_class(name, "table")
    if getattr(cls, "kind", "table") == "image":
        raise ConfigError(f"{name!r} generates images; use `synthloom image fit DATA --model {name}`")
    return cls


def get_model(name: str, **params: Any) -> Any:
    """Build an unfitted generator by name.

    Args:
        name: a table generator, "copula" (Gaussian copula), "ctgan", "tvae", "ddpm" (diffusion) or "auto"
            (the one the benchmarks favour, ddpm), fitted with ``fit(df)``; or an image generator, "dcgan",
            "cdcgan", "vae" or "cvae", fitted with ``fit(images, labels)``. ``list_models()`` names them all.
        **params: the model's hyper-parameters (its class's docstring lists them, e.g.
            ``help(type(get_model("ctgan")))``); the others keep their defaults. Their values are checked by
            ``fit``, which refuses one out of range in one line naming it.

    Returns:
        The unfitted model: ``fit`` it, then ``sample(n)`` and ``save(path)``; ``get_params``,
        ``set_params`` and ``sklearn.base.clone`` work as for scikit-learn's estimators.

    Example:
        >>> model = get_model("copula", random_state=0)

    Raises:
        ConfigError: an unknown name, or a setting the model does not take (naming the ones it does).
    """
    from synthloom.models.base import check_param_names

    cls = model_class(name)
    check_param_names(cls, params)
    return cls(**params)


def target_params(name: str, data: pd.DataFrame, target: str | None) -> dict[str, str]:
    """``{"target": target}`` for a generator that conditions on a target (ddpm), when ``target`` holds
    classes in ``data`` (``metadata.is_class_target``: categories, and whole numbers on a few levels);
    ``{}`` otherwise (a quantity, or a model without the setting).

    Example:
        >>> model = get_model("ddpm", **target_params("ddpm", real, "income")).fit(real)
    """
    from synthloom.data.metadata import holds_classes

    if target is None or "target" not in model_class(name)().get_params() or target not in data.columns:
        return {}
    return {"target": target} if holds_classes(data, target) else {}
