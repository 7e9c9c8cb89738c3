"""Pieces the benchmark scripts share: data splits, peer metadata, quality, TSTR, peak memory.

Every generator under test runs in its own spawned process, so each one's peak memory is its own and
no run warms another's caches.
"""

from __future__ import annotations

import multiprocessing
import resource
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from synthloom import datasets
from synthloom.data.metadata import ColumnKind, Metadata
from synthloom.demo import split_rows

SDTYPES = {
    ColumnKind.CONTINUOUS: "numerical",
    ColumnKind.INTEGER: "numerical",
    ColumnKind.DATETIME: "datetime",
    ColumnKind.IDENTIFIER: "id",
}


def load_split(name: str, max_rows: int | None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(train 70%, test 30%, target) of a bundled data set, leaky columns dropped, rows capped."""
    info = datasets.info(name)
    real = datasets.load(name).drop(columns=list(info.leaky_columns), errors="ignore")
    if max_rows is not None and len(real) > max_rows:
        real = real.sample(max_rows, random_state=seed).reset_index(drop=True)
    train, test = split_rows(real, test_share=0.3, seed=seed)
    return train, test, str(info.target)


def column_metadata(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """SDV / SDMetrics column metadata from synthloom's inferred kinds (the same for every generator)."""
    columns = {}
    for name, spec in Metadata.infer(frame).columns.items():
        entry = {"sdtype": SDTYPES.get(spec.kind, "categorical")}
        if spec.kind == ColumnKind.DATETIME and spec.datetime_format:
            entry["datetime_format"] = spec.datetime_format
        columns[name] = entry
    return columns


def quality_score(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """SDMetrics' own QualityReport score."""
    from sdmetrics.reports.single_table import QualityReport

    report = QualityReport()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic[real.columns], {"columns": column_metadata(real)}, verbose=False)
    return float(report.get_score())


def _model_frame(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    features = frame.drop(columns=[target]).copy()
    for name in features.columns:
        if not pd.api.types.is_numeric_dtype(features[name]):
            features[name] = features[name].astype("category")
    return features, frame[target].astype(str)


def tstr_auc(train: pd.DataFrame, test: pd.DataFrame, target: str, seed: int = 0) -> float:
    """ROC-AUC on real test rows of gradient boosting trained on ``train`` (one-vs-rest for multiclass)."""
    x_train, y_train = _model_frame(train, target)
    x_test, y_test = _model_frame(test, target)
    # gradient boosting takes at most 255 categories per feature: free-text columns (loans' emp_title) go
    wide = [
        n for n in x_train.select_dtypes("category") if max(x_train[n].nunique(), x_test[n].nunique()) > 250
    ]
    x_train, x_test = x_train.drop(columns=wide), x_test.drop(columns=wide)
    categories = {n: x_test[n].cat.categories for n in x_test.select_dtypes("category")}
    for name, levels in categories.items():
        levels = levels.union(x_train[name].cat.categories)
        x_train[name] = x_train[name].cat.set_categories(levels)
        x_test[name] = x_test[name].cat.set_categories(levels)
    model = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    model.fit(x_train, y_train)
    proba = model.predict_proba(x_test)
    classes = list(model.classes_)
    if len(classes) == 2:
        return float(roc_auc_score(y_test == classes[1], proba[:, 1]))
    known = y_test.isin(classes).to_numpy()
    return float(roc_auc_score(y_test[known], proba[known], multi_class="ovr", labels=classes))


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_isolated(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``function(*args)`` in a fresh spawned process; returns its dict (or {"error": ...})."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        try:
            return pool.apply(function, args)
        except Exception as exc:  # a failed run is reported, never fatal to the others
            return {"error": f"{type(exc).__name__}: {exc}"}


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator or np.isnan(numerator) or np.isnan(denominator):
        return "-"
    return f"{numerator / denominator:.1f}x"
