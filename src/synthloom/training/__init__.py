"""Shared training machinery: device choice, the epoch loop with progress and early stopping."""
