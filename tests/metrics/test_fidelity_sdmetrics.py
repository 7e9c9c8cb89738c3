"""Our fidelity scores equal SDMetrics' QualityReport on real data, to 1e-6 (the issue's agreement test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthloom.data.metadata import Metadata
from synthloom.metrics import column_pair_trends, column_shapes, prepare, quality_scores
from synthloom.metrics.fidelity import to_sdmetrics_metadata

pytest.importorskip("sdmetrics")

pytestmark = pytest.mark.filterwarnings(
    "ignore::FutureWarning", "ignore::UserWarning", "ignore::RuntimeWarning"
)


def _default_pair(default_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ISLR Default and a noisy copy: jittered numbers, flipped categories, a bootstrap of the rows."""
    rng = np.random.default_rng(3)
    synthetic = default_frame.sample(frac=1.0, replace=True, random_state=4).reset_index(drop=True)
    synthetic["balance"] += rng.normal(0, 150, len(synthetic))
    synthetic["income"] *= rng.lognormal(0, 0.2, len(synthetic))
    flip = rng.random(len(synthetic)) < 0.15
    synthetic.loc[flip, "student"] = np.where(synthetic.loc[flip, "student"] == "Yes", "No", "Yes")
    return default_frame, synthetic


def _mixed_pair(mixed_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every column kind with missing values, plus a synthetic-only category and a few NaT."""
    rng = np.random.default_rng(5)
    real = mixed_frame.copy()
    real["visits_x2"] = real["visits"] * 2 + rng.poisson(1, len(real))  # a strongly correlated pair
    synthetic = real.sample(frac=1.0, replace=True, random_state=6).reset_index(drop=True)
    synthetic["bimodal"] = synthetic["bimodal"] + rng.normal(0, 1.5, len(synthetic))
    synthetic.loc[:7, "city"] = "Marseille"
    synthetic.loc[10:20, "opened"] = pd.NaT
    synthetic["visits_x2"] = synthetic["visits_x2"].to_numpy()[rng.permutation(len(synthetic))]
    return real, synthetic


def _sdmetrics_report(real: pd.DataFrame, synthetic: pd.DataFrame):
    from sdmetrics.reports.single_table import QualityReport

    report = QualityReport()
    report.generate(real, synthetic, to_sdmetrics_metadata(Metadata.infer(real)), verbose=False)
    return report


@pytest.fixture(params=["default", "mixed"])
def pair(request, default_frame, mixed_frame):
    if request.param == "default":
        return _default_pair(default_frame)
    return _mixed_pair(mixed_frame)


def test_property_and_overall_scores_equal_sdmetrics(pair):
    real, synthetic = pair
    ours = quality_scores(prepare(real, synthetic))
    theirs = _sdmetrics_report(real, synthetic)
    properties = theirs.get_properties().set_index("Property")["Score"]
    assert ours["column_shapes"] == pytest.approx(properties["Column Shapes"], abs=1e-6)
    assert ours["column_pair_trends"] == pytest.approx(properties["Column Pair Trends"], abs=1e-6)
    assert ours["overall"] == pytest.approx(theirs.get_score(), abs=1e-6)
    assert 0.5 < ours["overall"] < 0.999  # a noisy copy: neither trivial nor broken


def test_per_column_and_per_pair_scores_equal_sdmetrics(pair):
    real, synthetic = pair
    tables = prepare(real, synthetic)
    theirs = _sdmetrics_report(real, synthetic)

    shapes = theirs.get_details("Column Shapes").merge(
        column_shapes(tables), left_on="Column", right_on="column"
    )
    assert len(shapes) == len(tables.columns)
    assert np.allclose(shapes["Score"], shapes["score"], atol=1e-6, equal_nan=True)

    pairs = theirs.get_details("Column Pair Trends").merge(
        column_pair_trends(tables), left_on=["Column 1", "Column 2"], right_on=["column_1", "column_2"]
    )
    counted = pairs["Meets Threshold?"].fillna(False).astype(bool)
    assert counted.any()
    assert (counted == pairs["meets_threshold"]).all()
    assert np.allclose(pairs.loc[counted, "Score"], pairs.loc[counted, "score"], atol=1e-6)
