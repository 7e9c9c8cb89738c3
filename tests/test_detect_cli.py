"""``synthloom detect fit / score``: tables and images end to end on tiny settings, reports, user errors."""

from __future__ import annotations

import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from synthloom import datasets
from synthloom.cli import app
from synthloom.models.ganomaly import load_detector

torch.set_num_threads(1)
runner = CliRunner()


@pytest.fixture(scope="module")
def shuttle_csv(tmp_path_factory) -> object:
    """A small real shuttle sample with its 0/1 ``anomaly`` column."""
    data = datasets.load("shuttle")
    rows = pd.concat([data[data["anomaly"] == 0].head(400), data[data["anomaly"] == 1].head(40)])
    path = tmp_path_factory.mktemp("shuttle") / "shuttle.csv"
    rows.to_csv(path, index=False)
    return path


def _invoke(*args: object) -> object:
    return runner.invoke(app, ["detect", *map(str, args)])


def test_table_fit_then_score_with_labels_and_report(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    fit = _invoke("fit", shuttle_csv, "--labels", "anomaly", "--epochs", "2", "--device", "cpu", "-o", model)
    assert fit.exit_code == 0, fit.output
    scores, page = tmp_path / "scores.csv", tmp_path / "page.html"
    result = _invoke("score", model, shuttle_csv, "--labels", "anomaly", "-o", scores, "--report", page)
    assert result.exit_code == 0, result.output
    assert "roc_auc" in result.output and "pr_auc" in result.output and "f1" in result.output
    table = pd.read_csv(scores)
    assert list(table.columns) == ["score", "flagged", "label"] and len(table) == 440
    assert table.loc[table["label"] == 1, "score"].mean() > table.loc[table["label"] == 0, "score"].mean()
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.count("data:image/png;base64") >= 2
    assert "most anomalous" in text and "reconstructs" in text


def test_scoring_without_labels_prints_no_metrics(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    fit = _invoke("fit", shuttle_csv, "--labels", "anomaly", "--epochs", "1", "--device", "cpu", "-o", model)
    assert fit.exit_code == 0, fit.output
    unlabelled = tmp_path / "rows.csv"
    pd.read_csv(shuttle_csv).drop(columns="anomaly").to_csv(unlabelled, index=False)
    result = _invoke("score", model, unlabelled, "-o", tmp_path / "s.parquet")
    assert result.exit_code == 0, result.output
    assert "roc_auc" not in result.output
    assert list(pd.read_parquet(tmp_path / "s.parquet").columns) == ["score", "flagged"]


def test_images_by_normal_digits_with_a_report(tmp_path) -> None:
    model, scores, page = tmp_path / "d.synthloom", tmp_path / "s.csv", tmp_path / "p.html"
    normal = "1,2,3,4,5,6,7,8,9"
    options = ("--epochs", "1", "--members", "2", "--device", "cpu", "-o", model)
    fit = _invoke("fit", "digits", "--normal-digits", normal, *options)
    assert fit.exit_code == 0, fit.output
    assert len(load_detector(model).trainers_) == 2
    result = _invoke("score", model, "digits", "--normal-digits", normal, "-o", scores, "--report", page)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(scores)
    assert len(table) == round(0.15 * 1797) and 0 < table["label"].mean() < 0.3  # the held-out images
    assert "roc_auc" in result.output and "reconstruction" in page.read_text()


def test_user_errors_exit_2_with_one_line(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    missing = _invoke("fit", shuttle_csv, "--labels", "nope", "-o", model)
    assert missing.exit_code == 2 and "nope" in missing.output and "Traceback" not in missing.output
    not_a_file = _invoke("score", tmp_path / "none.synthloom", shuttle_csv, "-o", tmp_path / "s.csv")
    assert not_a_file.exit_code == 2 and "not found" in not_a_file.output
    assert _invoke("fit", shuttle_csv, "--epochs", "1", "--device", "cpu", "-o", model).exit_code == 0
    wrong_kind = _invoke("score", model, "digits", "-o", tmp_path / "s.csv")
    assert wrong_kind.exit_code == 2 and "lacks the column" in wrong_kind.output
    bad_digits = _invoke("fit", "digits", "--normal-digits", "one", "-o", model)
    assert bad_digits.exit_code == 2 and "whole numbers" in bad_digits.output
