"""One evaluated report of the shared mixed-type frame (every column kind), rendered once per session."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthloom.metrics import evaluate

LOSSES = [{"epoch": e, "loss_g": 1.0 / e, "loss_d": -0.5 + 0.01 * e} for e in range(1, 21)]


@pytest.fixture(scope="session")
def mixed_report(mixed_frame: pd.DataFrame):
    """Train on 250 rows, compare with 150 unseen ones; the synthetic rows are a jittered bootstrap."""
    train, real_test = mixed_frame.iloc[:250], mixed_frame.iloc[250:]
    rng = np.random.default_rng(0)
    synthetic = train.sample(n=300, replace=True, random_state=1).reset_index(drop=True)
    synthetic["bimodal"] += rng.normal(0, 1, len(synthetic))
    return evaluate(real_test, synthetic, train=train, target="vip", loss_history=LOSSES)


@pytest.fixture(scope="session")
def mixed_html(mixed_report, tmp_path_factory) -> str:
    path = mixed_report.to_html(tmp_path_factory.mktemp("report") / "report.html")
    return path.read_text(encoding="utf-8")
