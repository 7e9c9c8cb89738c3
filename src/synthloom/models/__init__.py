"""Generators, one file each; ``registry`` imports their modules, which registers them.

Importing this package imports no generator: ``synthloom.models.conditions``, which the data layer's rules
use, would otherwise import every model, and through ``models.base`` the rules themselves, half-loaded.
"""

TABLE_MODULES = ("copula", "ctgan", "ddpm", "tvae")
IMAGE_MODULES = ("dcgan", "image_vae")
