"""Generators, one file each; importing this package registers them all."""

from synthloom.models import copula, ctgan, ddpm, tvae  # noqa: F401  (each registers its generator)
