"""Pieces the benchmark scripts share: data splits, peer metadata, quality, TSTR, peak memory.

Every generator under test runs in its own spawned process (``synthloom.bench.run_isolated``, which
``synthloom bench`` uses too), so each one's peak memory is its own and no run warms another's caches.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from synthloom import bench, datasets
from synthloom.bench import peak_rss_mb, run_isolated
from synthloom.data.metadata import Metadata
from synthloom.metrics.fidelity import to_sdmetrics_metadata

__all__ = [
    "column_metadata",
    "load_split",
    "peak_rss_mb",
    "quality_score",
    "ratio",
    "run_isolated",
    "tstr_auc",
]


def load_split(name: str, max_rows: int | None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(train 70%, test 30%, target) of a bundled data set: ``synthloom bench``'s split (leaky columns
    dropped, rows capped, both seeded and stratified on the target)."""
    target = str(datasets.info(name).target)
    train, test = bench.load_split(name, target, max_rows, seed)
    return train, test, target


def column_metadata(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """SDV / SDMetrics column metadata from synthloom's inferred kinds (the same for every generator)."""
    return to_sdmetrics_metadata(Metadata.infer(frame))["columns"]


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


def ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator or np.isnan(numerator) or np.isnan(denominator):
        return "-"
    return f"{numerator / denominator:.1f}x"
