"""The benchmark's default epochs, apart from ``synthloom.bench``: the command line shows them in its
help, and importing the benchmark itself (scikit-learn, the data sets) would slow every command's start."""

from __future__ import annotations

# Epochs when --epochs is not given. With 10,000 rows per data set (7,000 to train) the nine runs of the
# default models x data sets took 823 s in all (one thread per run, 2 shared cores; loans' ctgan and ddpm
# 3 minutes each, every other run under 1.5), inside the 30-minute target with room for slower machines.
# Each runs shorter than its default (ctgan and tvae: 300 epochs; ddpm: 20,000 steps, 741 epochs here).
DEFAULT_EPOCHS = {"ctgan": 50, "tvae": 100, "ddpm": 200, "sdv-ctgan": 50, "sdv-tvae": 100}
