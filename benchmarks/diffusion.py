"""Tabular diffusion against the other deep generators: synthloom ddpm, tvae, ctgan and SDV's TVAE, one run.

On adult, default and loans at their bundled sizes (32,561 / 10,000 / 10,000 rows; leaky columns and
loans' free-text job title dropped; ``--rows N`` subsamples for a quicker run), the real rows are shuffled
and split 70/30 into train and hold-out. Every generator fits the train rows under the epoch budget in
``BUDGETS`` (with ``max_minutes`` as a safety cap for the synthloom models), then samples as many rows as
the train split. ddpm is conditioned on the data set's target (``target=``, as TabDDPM conditions on the
class); the other generators have no such setting.
Printed per data set and generator:

- fit seconds (wall clock, ``--threads`` torch / OpenMP threads, default 1: the machine may be shared),
- SDMetrics QualityReport score, computed by sdmetrics (up to 3,000 train vs 3,000 synthetic rows),
- TSTR / TRTR: macro-F1 on the hold-out of a HistGradientBoosting classifier of the data set's target,
  trained on the synthetic rows / on the real train rows; TSTR is the mean over ``--draws`` synthetic
  draws from the one fitted model (with their standard deviation),
- DCR share: the share of synthetic rows closer to a train row than to a hold-out row, with the train
  rows subsampled to the hold-out's size so that 50% means "no closer to what it saw" (one-hot +
  standardised encoding, sklearn NearestNeighbors), mean over the draws.

Every generator sees the same column kinds (synthloom's inferred metadata, translated for SDV and
SDMetrics), so SDV does not anonymise columns it would guess to be personal data.

    .venv/bin/python benchmarks/diffusion.py [--rows 0] [--datasets adult default loans] [--threads 2]
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from rich.console import Console
from rich.table import Table
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from synthloom import datasets, get_model
from synthloom.data.metadata import Metadata
from synthloom.registry import model_class, target_params

# Epochs per generator. ddpm gets its default (20,000 steps of 256 rows: 225 epochs on adult's 22,792
# train rows, 741 on the 7,000 of default and loans); both TVAEs get 200 epochs (of their 300 default) and
# ctgan 40 (of 300): ctgan's 300 epochs alone would take ~30 minutes on adult. The synthloom models also
# stop at MAX_MINUTES (the table shows the epochs actually run); SDV has no time limit.
BUDGETS: dict[str, dict] = {
    "ddpm": {},
    "tvae": {"epochs": 200},  # batch 500
    "ctgan": {"epochs": 40},  # batch 500, one critic step per generator step
    "sdv-tvae": {"epochs": 200},  # batch 500
    "copula": {},
}
MAX_MINUTES = 8.0
# loans' emp_title is free text with ~4,700 distinct values: SDV one-hot encodes every one of them, which
# alone took SDV's TVAE ~7 minutes; it is dropped for every generator.
DROP = {"loans": ["emp_title"]}
QUALITY_ROWS = 3_000
DCR_ROWS = 3_000
_SDTYPES = {"continuous": "numerical", "integer": "numerical", "datetime": "datetime", "identifier": "id"}


@dataclass
class Split:
    name: str
    target: str
    train: pd.DataFrame
    holdout: pd.DataFrame
    sdtypes: dict[str, str]


def load_split(name: str, rows: int, seed: int = 0) -> Split:
    info = datasets.info(name)
    real = datasets.load(name).drop(columns=[*info.leaky_columns, *DROP.get(name, [])])
    keep = min(rows, len(real)) if rows > 0 else len(real)
    real = real.sample(keep, random_state=seed).reset_index(drop=True)
    cut = int(0.7 * len(real))
    kinds = Metadata.infer(real).kinds()
    sdtypes = {column: _SDTYPES.get(kind, "categorical") for column, kind in kinds.items()}
    return Split(
        name,
        info.target,
        real.iloc[:cut].reset_index(drop=True),
        real.iloc[cut:].reset_index(drop=True),
        sdtypes,
    )


# -- generators ----------------------------------------------------------------------------------------
def fit_synthloom(model: str) -> Callable[[Split], tuple[Callable[[int], pd.DataFrame], int]]:
    def fit(split: Split) -> tuple[Callable[[int], pd.DataFrame], int]:
        params = {**BUDGETS[model], "random_state": 0}
        if "max_minutes" in model_class(model).param_names():  # the copula fits in seconds, uncapped
            params["max_minutes"] = MAX_MINUTES
        params.update(target_params(model, split.train, split.target))  # ddpm: TabDDPM's class conditioning
        fitted = get_model(model, **params).fit(split.train)
        # successive draws differ and repeat from run to run (the model's own seeded sequence)
        return fitted.sample, len(fitted.loss_history_)

    return fit


def fit_sdv_tvae(split: Split) -> tuple[Callable[[int], pd.DataFrame], int]:
    from sdv.metadata import Metadata as SDVMetadata
    from sdv.single_table import TVAESynthesizer

    columns = {column: {"sdtype": sdtype} for column, sdtype in split.sdtypes.items()}
    metadata = SDVMetadata.load_from_dict({"tables": {"table": {"columns": columns}}})
    synthesizer = TVAESynthesizer(metadata, enable_gpu=False, **BUDGETS["sdv-tvae"])
    synthesizer.fit({"table": split.train})

    def sample(n: int) -> pd.DataFrame:
        out = synthesizer.sample(n)
        return out["table"] if isinstance(out, dict) else out

    return sample, BUDGETS["sdv-tvae"]["epochs"]


GENERATORS = {
    "ddpm": fit_synthloom("ddpm"),
    "tvae": fit_synthloom("tvae"),
    "ctgan": fit_synthloom("ctgan"),
    "sdv-tvae": fit_sdv_tvae,
    "copula": fit_synthloom("copula"),  # issue 8 asks ddpm to lead every synthloom generator, this one too
}


# -- measures ------------------------------------------------------------------------------------------
def quality(split: Split, synthetic: pd.DataFrame) -> float:
    from sdmetrics.reports.single_table import QualityReport

    metadata = {"columns": {c: {"sdtype": t} for c, t in split.sdtypes.items() if t != "id"}}
    real = split.train.sample(min(QUALITY_ROWS, len(split.train)), random_state=0)
    fake = synthetic.sample(min(QUALITY_ROWS, len(synthetic)), random_state=0)
    report = QualityReport()
    report.generate(real, fake[real.columns], metadata, verbose=False)
    return float(report.get_score())


def _features(frames: list[pd.DataFrame], split: Split) -> list[pd.DataFrame]:
    """Ordinal codes shared by all frames for discrete columns; numbers stay numbers (NaN allowed)."""
    out = [frame.drop(columns=[split.target]).copy() for frame in frames]
    for column in out[0].columns:
        if split.sdtypes[column] == "categorical":
            levels = pd.concat([f[column] for f in out]).astype(str).unique()
            for frame in out:
                frame[column] = pd.Categorical(frame[column].astype(str), categories=levels).codes
        else:
            for frame in out:
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return out


def utility(split: Split, synthetic: pd.DataFrame) -> float:
    """Macro-F1 on the hold-out of gradient boosting trained on ``synthetic``."""
    train, test = _features([synthetic, split.holdout], split)
    categorical = [
        split.sdtypes[c] == "categorical" and pd.concat([train[c], test[c]]).max() < 255 for c in train
    ]
    model = HistGradientBoostingClassifier(categorical_features=categorical, random_state=0)
    model.fit(train, synthetic[split.target].astype(str))
    return float(f1_score(split.holdout[split.target].astype(str), model.predict(test), average="macro"))


def _encode_for_distance(frames: list[pd.DataFrame], split: Split) -> list[np.ndarray]:
    """One-hot (top 50 levels per column) for discrete columns, standardised numbers, missing flags."""
    reference = frames[0]
    blocks: list[list[np.ndarray]] = [[] for _ in frames]
    for column in reference.columns:
        if split.sdtypes[column] == "categorical":
            levels = reference[column].astype(str).value_counts().index[:50]
            for block, frame in zip(blocks, frames, strict=True):
                block.append(
                    (frame[column].astype(str).to_numpy()[:, None] == levels.to_numpy()).astype(float)
                )
        elif split.sdtypes[column] != "id":
            values = [pd.to_numeric(f[column], errors="coerce").astype(float).to_numpy() for f in frames]
            mean, std = np.nanmean(values[0]), np.nanstd(values[0]) or 1.0
            for block, v in zip(blocks, values, strict=True):
                block += [np.nan_to_num((v - mean) / std)[:, None], np.isnan(v)[:, None].astype(float)]
    return [np.hstack(block) for block in blocks]


def dcr_share(split: Split, synthetic: pd.DataFrame) -> float:
    """Share of synthetic rows nearer a train row than any hold-out row (ties count half)."""
    rows = min(DCR_ROWS, len(split.holdout))
    train, holdout, fake = (
        frame.sample(min(rows, len(frame)), random_state=0)
        for frame in (split.train, split.holdout, synthetic[split.train.columns])
    )
    train_x, holdout_x, fake_x = _encode_for_distance([train, holdout, fake], split)
    to_train = NearestNeighbors(n_neighbors=1).fit(train_x).kneighbors(fake_x)[0][:, 0]
    to_holdout = NearestNeighbors(n_neighbors=1).fit(holdout_x).kneighbors(fake_x)[0][:, 0]
    return float((to_train < to_holdout).mean() + 0.5 * (to_train == to_holdout).mean())


# -- the run -------------------------------------------------------------------------------------------
def run_one(split: Split, name: str, draws: int) -> dict[str, float | str]:
    """Fit once; quality on the first draw, TSTR and DCR averaged over ``draws`` draws of the train size.

    On loans, three draws from one ddpm model gave TSTR ROC-AUC 0.62 - 0.85 (``synthloom bench``'s
    scoring; the rare grades have a few test rows each), so one draw says little: the spread is printed.
    """
    start = time.perf_counter()
    sample, epochs = GENERATORS[name](split)
    fit_seconds = time.perf_counter() - start
    synthetic = [sample(len(split.train)) for _ in range(draws)]
    tstr = [utility(split, frame) for frame in synthetic]
    return {
        "generator": name,
        "epochs": epochs,
        "fit_s": fit_seconds,
        "quality": quality(split, synthetic[0]),
        "tstr": float(np.mean(tstr)),
        "tstr_sd": float(np.std(tstr, ddof=1)) if draws > 1 else float("nan"),
        "dcr": float(np.mean([dcr_share(split, frame) for frame in synthetic])),
    }


def show(console: Console, split: Split, results: list[dict], trtr: float) -> None:
    table = Table(
        title=f"{split.name}: {len(split.train):,} train / {len(split.holdout):,} hold-out rows, "
        f"target {split.target!r}, TRTR macro-F1 {trtr:.3f}"
    )
    columns = ("generator", "epochs", "fit s", "SDMetrics quality", "TSTR F1 (sd)", "TSTR/TRTR", "DCR share")
    for column in columns:
        table.add_column(column, justify="left" if column == "generator" else "right")
    for r in results:
        table.add_row(
            str(r["generator"]),
            str(r["epochs"]),
            f"{r['fit_s']:.0f}",
            f"{r['quality']:.3f}",
            f"{r['tstr']:.3f} ({r['tstr_sd']:.3f})",
            f"{r['tstr'] / trtr:.3f}",
            f"{r['dcr']:.1%}",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=0, help="rows per data set, 0: all (70%% train)")
    parser.add_argument("--datasets", nargs="+", default=["adult", "default", "loans"])
    parser.add_argument("--generators", nargs="+", default=list(GENERATORS), choices=list(GENERATORS))
    parser.add_argument("--draws", type=int, default=5, help="synthetic draws TSTR is averaged over")
    parser.add_argument("--threads", type=int, default=1, help="torch / OpenMP threads (1 on shared cores)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")  # SDV / SDMetrics deprecation chatter
    console, start = Console(), time.perf_counter()
    with threadpool_limits(args.threads):
        for name in args.datasets:
            split = load_split(name, args.rows)
            trtr = utility(split, split.train)
            results = []
            for generator in args.generators:
                results.append(run_one(split, generator, args.draws))
                console.log(f"{name} {generator} done")
            show(console, split, results, trtr)
    console.print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
