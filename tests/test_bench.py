"""The benchmark: isolated runs, resumable results, failures recorded without losing other runs, outputs."""

from __future__ import annotations

import dataclasses
import html
import json
import os
import re
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthloom import bench
from synthloom.cli import app
from synthloom.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def table_csv(tmp_path_factory) -> Path:
    """600 rows: a number, a category and a rare binary target that depends on both."""
    rng = np.random.default_rng(0)
    n = 600
    x = rng.normal(0, 1, n)
    group = rng.choice(["a", "b", "c"], n, p=[0.6, 0.3, 0.1])
    target = np.where(x + (group == "c") * 1.5 + rng.normal(0, 0.5, n) > 1.6, "yes", "no")
    path = tmp_path_factory.mktemp("bench_data") / "table.csv"
    pd.DataFrame({"x": x, "group": group, "y": target}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory, table_csv) -> tuple[Path, list[bench.BenchRun], pd.DataFrame]:
    """copula and ctgan (1 epoch) plus a run that fails, benchmarked once."""
    out = tmp_path_factory.mktemp("bench_out")
    runs = bench.plan_runs(["copula", "ctgan"], [str(table_csv)], epochs=1, rows=None, target="y")
    broken = bench.BenchRun("no-such-model", str(table_csv), "y", None, 1.0, None, 0)
    results = bench.run_benchmark([runs[0], broken, runs[1]], out)
    return out, runs, results


def test_every_run_is_recorded_with_its_measures(finished) -> None:
    _, _, results = finished
    assert list(results["model"]) == ["copula", "no-such-model", "ctgan"]
    ok = results[results["error"].isna()]
    assert len(ok) == 2
    assert (ok["train_rows"] == 420).all() and (ok["test_rows"] == 180).all()
    for column in ("quality", "dcr_share", "dcr_share_holdout", "tstr", "trtr"):
        assert ok[column].between(0, 1).all(), column
    assert ok["detection_auc"].between(0, 1).all()
    assert (ok["fit_s"] >= 0).all() and (ok["peak_mb"] > 10).all()
    assert ok.set_index("model").loc["ctgan", "epochs_run"] == 1
    assert (ok["utility_metric"] == "roc_auc").all()


def test_a_failed_run_keeps_its_error_and_the_others(finished) -> None:
    out, _, results = finished
    failed = results[results["error"].notna()]
    assert list(failed["model"]) == ["no-such-model"]
    assert "unknown model" in failed["error"].iloc[0]
    records = [json.loads(line) for line in (out / bench.RESULTS_FILE).read_text().splitlines()]
    assert "ConfigError" in records[1]["traceback"]


def test_outputs_are_written(finished) -> None:
    out, _, results = finished
    page = (out / "bench.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<img") >= 2
    assert "no-such-model" in page  # the failure is listed
    assert len(pd.read_csv(out / "results.csv")) == len(results)


def test_a_second_call_skips_finished_runs_and_force_reruns_them(finished, monkeypatch) -> None:
    out, runs, _ = finished
    lines = (out / bench.RESULTS_FILE).read_text().count("\n")

    def must_not_run(*args, **kwargs):
        raise AssertionError("a recorded run was run again")

    monkeypatch.setattr(bench, "run_isolated", must_not_run)
    again = bench.run_benchmark(runs, out)
    assert (out / bench.RESULTS_FILE).read_text().count("\n") == lines
    assert len(again) == 3

    monkeypatch.setattr(bench, "run_isolated", lambda *a, **k: {"error": "stand-in"})
    forced = bench.run_benchmark(runs[:1], out, force=True)
    assert (out / bench.RESULTS_FILE).read_text().count("\n") == lines + 1
    assert forced.set_index("model").loc["copula", "error"] == "stand-in"  # the last record wins


def test_runs_recorded_with_an_older_scoring_are_run_again(finished, tmp_path, monkeypatch) -> None:
    out, runs, _ = finished
    old = tmp_path / "old"
    old.mkdir()
    records = [json.loads(line) for line in (out / bench.RESULTS_FILE).read_text().splitlines()]
    for record in records:
        record.pop("scoring")  # as written before scorings were versioned
    (old / bench.RESULTS_FILE).write_text("".join(json.dumps(r) + "\n" for r in records))
    monkeypatch.setattr(bench, "run_isolated", lambda *a, **k: {"error": "stand-in"})
    again = bench.run_benchmark(runs, old)
    assert (again.set_index("model").loc[["copula", "ctgan"], "error"] == "stand-in").all()
    assert "scoring" not in again.columns


def test_runs_of_a_data_file_that_has_changed_are_run_again(finished, tmp_path, monkeypatch) -> None:
    out, runs, _ = finished
    assert all(
        len(r["data_fingerprint"]) == 64
        for r in bench.ResultStore(out / bench.RESULTS_FILE).records().values()
    )
    old = tmp_path / "old"
    old.mkdir()
    records = [json.loads(line) for line in (out / bench.RESULTS_FILE).read_text().splitlines()]
    for record in records:
        record["data_fingerprint"] = "0" * 64  # as if the file had other bytes then
    (old / bench.RESULTS_FILE).write_text("".join(json.dumps(r) + "\n" for r in records))
    monkeypatch.setattr(bench, "run_isolated", lambda *a, **k: {"error": "stand-in"})
    again = bench.run_benchmark(runs, old)
    assert (again.set_index("model").loc[["copula", "ctgan"], "error"] == "stand-in").all()


def test_a_second_benchmark_with_other_settings_adds_its_runs(table_csv, tmp_path, monkeypatch) -> None:
    # two runs of one model on one data set once crashed the report (and every later bench into the folder)
    measures = {"train_rows": 420, "test_rows": 180, "epochs_run": None, "fit_s": 0.1, "sample_s": 0.1}
    measures |= {"peak_mb": 300.0, "quality": 0.8, "detection_auc": 0.6, "dcr_share": 0.5}
    measures |= {"dcr_share_holdout": 0.5, "tstr": 0.7, "trtr": 0.8, "utility_metric": "roc_auc"}
    monkeypatch.setattr(bench, "run_isolated", lambda *a, **k: dict(measures))
    for seed in (0, 1):
        runs = bench.plan_runs(["copula"], [str(table_csv)], rows=None, seed=seed, target="y")
        results = bench.run_benchmark(runs, tmp_path)
    assert list(results["seed"]) == [0, 1]
    assert list(bench.run_labels(results)) == ["copula (seed 0)", "copula (seed 1)"]
    page = (tmp_path / "bench.html").read_text()
    assert page.count("<td>copula (seed 0)</td>") == page.count("<td>copula (seed 1)</td>") == 1


def test_labels_name_the_settings_that_tell_a_models_runs_apart() -> None:
    def run(model: str, dataset: str, target: str, epochs: int | None = None) -> dict:
        return dataclasses.asdict(bench.BenchRun(model, dataset, target, epochs, 4.0, None, 0))

    frame = pd.DataFrame(
        [
            run("copula", "a/table.csv", "y"),
            run("copula", "b/table.csv", "y"),  # same file name: the path tells it apart
            run("copula", "other.csv", "z"),  # another data set has another target: nothing to tell apart
            run("ctgan", "other.csv", "z", epochs=10),
            run("ctgan", "other.csv", "z", epochs=20),
            run("ctgan", "a/table.csv", "y", epochs=10),  # named like its twin on other.csv
        ]
    )
    assert list(bench.run_labels(frame)) == [
        "copula (data set a/table.csv)",
        "copula (data set b/table.csv)",
        "copula",
        "ctgan (epochs 10)",
        "ctgan (epochs 20)",
        "ctgan (epochs 10)",
    ]


def test_errors_and_notes_name_runs_as_the_table_does() -> None:
    """``run_errors`` and ``utility_notes`` take their labels from one computation over all the runs (a
    failed run is named by the settings that set it apart from the runs that did not fail)."""

    def run(seed: int, **outcome: Any) -> dict:
        return dataclasses.asdict(bench.BenchRun("copula", "t.csv", "y", None, 4.0, None, seed)) | outcome

    frame = pd.DataFrame(
        [
            run(0, error="ValueError: broken", utility_note=None),
            run(1, error=None, utility_note="no target column"),
            run(2, error=None, utility_note=None),
        ]
    )
    assert bench.run_errors(frame) == ["copula (seed 0) on t.csv failed: ValueError: broken"]
    noted = "TSTR / TRTR not computed on t.csv (copula (seed 1)): no target column"
    assert bench.utility_notes(frame) == [noted]


def test_a_hung_or_dead_process_is_reported() -> None:
    start = time.perf_counter()
    assert "killed after" in bench.run_isolated(time.sleep, 60, timeout_s=1)["error"]
    assert time.perf_counter() - start < 30
    assert "exit code 3" in bench.run_isolated(os._exit, 3, timeout_s=30)["error"]


def test_split_is_seeded_stratified_and_capped(table_csv) -> None:
    train, test = bench.load_split(str(table_csv), "y", rows=300, seed=1)
    assert (len(train), len(test)) == (210, 90)
    share = (pd.read_csv(table_csv)["y"] == "yes").mean()
    assert abs((test["y"] == "yes").mean() - share) < 0.02
    again, _ = bench.load_split(str(table_csv), "y", rows=300, seed=1)
    pd.testing.assert_frame_equal(train, again)


def test_plan_checks_names_and_settings(table_csv) -> None:
    runs = bench.plan_runs(["copula", "tvae"], ["default", str(table_csv)])
    assert {(r.model, r.dataset, r.target, r.epochs) for r in runs} == {
        ("copula", "default", "default", None),
        ("tvae", "default", "default", bench.DEFAULT_EPOCHS["tvae"]),
        ("copula", str(table_csv), None, None),
        ("tvae", str(table_csv), None, bench.DEFAULT_EPOCHS["tvae"]),
    }
    with pytest.raises(
        ConfigError, match=r"unknown model 'nope'; choose one of: auto, copula, ctgan, ddpm, tvae$"
    ):
        bench.plan_runs(["nope"], ["default"])
    with pytest.raises(ConfigError, match="peer"):
        bench.plan_runs(["copula"], ["default"], peers=["h2o"])
    with pytest.raises(DataError, match="'income'"):
        bench.plan_runs(["copula"], [str(table_csv)], target="income")
    sdv = bench.plan_runs(["copula"], ["default"], peers=["sdv"])
    assert [r.model for r in sdv] == ["copula", "sdv-ctgan", "sdv-tvae", "sdv-copula"]


def test_a_data_set_named_twice_is_run_once_and_a_file_of_another_format_is_named(table_csv, tmp_path):
    """`--datasets t.csv,t.csv` fitted and scored the same run twice (models named twice ran once); a
    `claims.txt` was refused as "unknown data set", listing the bundled names."""
    runs = bench.plan_runs(["copula", "copula"], [str(table_csv), "default", str(table_csv)], target="y")
    assert [(r.model, r.dataset) for r in runs] == [("copula", str(table_csv)), ("copula", "default")]
    text = tmp_path / "claims.txt"
    text.write_text("a,b\n1,2\n")
    with pytest.raises(ConfigError, match=r"claims.txt: unknown table format '.txt'; use a .csv, .tsv or"):
        bench.plan_runs(["copula"], [str(text)])


def test_an_image_generator_is_refused_in_the_registrys_words() -> None:
    """The benchmark said "is an image generator; the benchmark runs table generators", in other words than
    fit and augment; every refusal is now the registry's one."""
    image_fit = "'dcgan' generates images; use `synthloom image fit DATA --model dcgan`"
    with pytest.raises(ConfigError, match=f"^{re.escape(image_fit)}$"):
        bench.plan_runs(["dcgan"], ["default"])


def test_cli_refuses_bad_input_in_one_line(tmp_path) -> None:
    result = CliRunner().invoke(app, ["bench", "--datasets", "nowhere", "--out", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.iterdir())
    (tmp_path / "small.csv").write_text("a\n1\n")
    a_file = CliRunner().invoke(app, ["bench", "--datasets", "default", "--out", str(tmp_path / "small.csv")])
    assert a_file.exit_code == 2 and "is a file; give a folder to write" in a_file.output  # before any run


def test_cli_defaults_match_the_library() -> None:
    from synthloom.bench_cli import bench_command

    defaults = bench_command.__wrapped__.__defaults__
    assert bench.DEFAULT_MAX_MINUTES in defaults and bench.DEFAULT_ROWS in defaults
    assert ",".join(bench.DEFAULT_MODELS) in defaults and ",".join(bench.DEFAULT_DATASETS) in defaults


def test_peak_memory_is_the_runs_own() -> None:
    ballast = np.ones(50_000_000)  # 400 MB in this process only
    child = bench.run_isolated(bench.peak_rss_mb, timeout_s=120)
    assert 10 < child < bench.peak_rss_mb() - 300
    del ballast


def test_sdv_peer_takes_number_columns_that_look_boolean():
    pytest.importorskip("sdv")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=200), "flag": rng.integers(0, 2, 200), "zeros": np.zeros(200, dtype=int)}
    )
    fake = bench.fit_sdv("sdv-copula", frame, None, seed=0)(50)
    assert len(fake) == 50 and set(fake["flag"].unique()) <= {0, 1}


def test_cli_exits_1_when_a_run_failed(tmp_path, monkeypatch, table_csv) -> None:
    """The failure is in the table, but a script running the benchmark must not read it as a success."""

    def one_run_fails(runs, out, **_):
        store = bench.ResultStore(Path(out) / bench.RESULTS_FILE)
        store.append({"key": runs[0].key, **dataclasses.asdict(runs[0]), "error": "ValueError: broken"})
        return bench.write_outputs(store, Path(out))

    monkeypatch.setattr(bench, "run_benchmark", one_run_fails)
    args = [
        "bench",
        "--models",
        "copula",
        "--datasets",
        str(table_csv),
        "--target",
        "y",
        "--out",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "1 of 1 runs failed" in result.output and "--retry-failed" in result.output
    assert "copula on table.csv failed: ValueError: broken" in result.output  # under the table


NO_USE = "models trained on the real rows do no better than chance (ROC-AUC 0.448)"


def _recorded(run: bench.BenchRun, note: str | None) -> dict:
    """A finished run's record, as ``run_one`` returns it, with TSTR / TRTR unless ``note`` says why not."""
    scores = {"fit_s": 112.25, "sample_s": 0.3, "peak_mb": 520.0, "quality": 0.763, "detection_auc": 0.762}
    utility = (
        {"tstr": None, "trtr": None} if note else {"tstr": 0.755, "trtr": 0.922, "utility_metric": "roc_auc"}
    )
    privacy = {"dcr_share": 0.612, "dcr_share_holdout": 0.751, "epochs_run": run.epochs}
    return {"key": run.key, **dataclasses.asdict(run), **scores, **utility, **privacy, "utility_note": note}


def _bench_cli(tmp_path, monkeypatch, notes: dict[str, str | None]) -> object:
    """``synthloom bench`` of copula and ctgan on two files, its runs recorded as finished (no fitting), with
    each model's ``utility_note`` on claims.csv from ``notes``."""

    def recorded(runs, out, **_):
        store = bench.ResultStore(Path(out) / bench.RESULTS_FILE)
        for run in runs:
            store.append(_recorded(run, notes[run.model] if run.dataset.endswith("claims.csv") else None))
        return bench.write_outputs(store, Path(out))

    monkeypatch.setattr(bench, "run_benchmark", recorded)
    tmp_path.mkdir(exist_ok=True)
    for name in ("claims.csv", "default_rows.csv"):
        pd.DataFrame({"amount": [1.0, 2.0] * 20, "fraud": ["no", "yes"] * 20}).to_csv(tmp_path / name)
    files = f"{tmp_path / 'claims.csv'},{tmp_path / 'default_rows.csv'}"
    args = ["bench", "-m", "copula,ctgan", "-d", files, "--target", "fraud", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    return result


def test_why_tstr_was_not_computed_is_said_under_the_table_and_in_the_page(tmp_path, monkeypatch) -> None:
    result = _bench_cli(tmp_path, monkeypatch, {"copula": NO_USE, "ctgan": NO_USE})
    said = " ".join(result.output.split())
    assert f"TSTR / TRTR not computed on claims.csv: {NO_USE}" in said and "default_rows.csv:" not in said
    page = (tmp_path / "out" / "bench.html").read_text()
    assert f"<p>TSTR / TRTR not computed on claims.csv: {NO_USE}</p>" in page
    some = _bench_cli(tmp_path / "x", monkeypatch, {"copula": "no target column", "ctgan": None})
    assert "not computed on claims.csv (copula): no target column" in " ".join(some.output.split())


def test_the_table_reads_whole_at_80_columns(tmp_path, monkeypatch) -> None:
    from synthloom.cli_support import console

    monkeypatch.setattr(console, "width", 80)
    result = _bench_cli(tmp_path, monkeypatch, {"copula": None, "ctgan": None})
    lines = result.output.splitlines()
    assert "…" not in result.output and max(map(len, lines)) <= 80
    row = next(line for line in lines if "default_rows.csv" in line and "ctgan" in line)
    cells = ["default_rows.csv", "ctgan", "50", "112.2", "0.763", "0.762", "0.755", "/", "61.2%"]
    assert row.split() == cells
    said = " ".join(result.output.split())
    assert "sample s and peak MB: in results.csv and bench.html" in said  # the columns left out
    monkeypatch.setattr(console, "width", 200)  # room for every column, in a grid
    wide = _bench_cli(tmp_path / "wide", monkeypatch, {"copula": None, "ctgan": None})
    assert "│ default_rows.csv │ ctgan  │     50 │ 112.2 │      0.3 │     520 │" in wide.output


def test_split_when_fewer_rows_are_left_out_than_there_are_classes(tmp_path) -> None:
    """--rows one short of the file left 1 row out for 2 classes: train_test_split refused the stratified
    subsample (test_size = 1 should be >= the number of classes)."""
    path = tmp_path / "t.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.normal(size=101), "y": ["a"] * 60 + ["b"] * 41}).to_csv(path, index=False)
    train, test = bench.load_split(str(path), "y", rows=100, seed=0)
    assert (len(train), len(test)) == (70, 30)
    again, _ = bench.load_split(str(path), "y", rows=100, seed=0)
    pd.testing.assert_frame_equal(train, again)


def test_a_table_too_small_to_split_is_refused_before_any_fit(tmp_path, monkeypatch) -> None:
    """30 rows: every generator was fitted, then each run failed on its 9 test rows ("real data has 9
    row(s); give at least 10 rows") and the command exited 1, suggesting --retry-failed."""
    monkeypatch.setattr(bench, "run_isolated", lambda *a, **k: pytest.fail("a run was started"))
    path = tmp_path / "tiny.csv"
    pd.DataFrame({"x": np.arange(30.0), "y": ["a", "b"] * 15}).to_csv(path, index=False)
    split = "holds back 30% of the rows for testing and needs at least 10 rows to train on and 10 to test on"
    result = CliRunner().invoke(
        app, ["bench", "-m", "copula", "-d", str(path), "-t", "y", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"tiny.csv: has 30 rows; the benchmark {split}, so at least 31 rows" in said
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) <= 3
    with pytest.raises(ConfigError, match=r"^--rows 20 keeps 20 rows of default: .* give --rows 31 or more$"):
        bench.plan_runs(["copula"], ["default"], rows=20)
    path.write_text(path.read_text() + "30,a\n")  # 31 rows: 10 to test on
    assert bench.load_split(str(path), "y", None, 0)[1].shape[0] == 10
    assert bench.plan_runs(["copula"], [str(path)], target="y", rows=None)


def test_a_regression_target_boosting_cannot_learn_is_not_computed() -> None:
    """28 training rows: gradient boosting (20 rows a leaf) predicts the mean, TRTR R² -0.19, and the
    table showed "-0.150 / -0.191" as a comparison where a classification target at chance reads "-"."""
    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        a = rng.normal(size=n)
        return pd.DataFrame({"a": a, "b": rng.normal(size=n), "y": 2 * a + rng.normal(0, 0.3, n)})

    train, test = rows(28), rows(12)
    scores = bench.score_synthetic(train, test, train.copy(), "y", 0)
    assert scores["tstr"] is None and scores["trtr"] is None
    assert scores["utility_note"].startswith("gradient boosting trained on the real rows does no better than")
    assert "(R² -0.191)" in scores["utility_note"] and "--rows" in scores["utility_note"]
    # where the run kept every row (--rows 0, or a smaller file), more rows were asked for all the same
    every_row = bench.score_synthetic(train, test, train.copy(), "y", 0, rows_left_out=False)
    assert every_row["utility_note"].endswith("compared with: give a target the other columns predict")


def test_more_rows_are_asked_for_only_where_the_file_has_rows_the_run_left_out(tmp_path) -> None:
    """A file of exactly --rows rows was told "give more rows (--rows)", which could change nothing."""
    rng = np.random.default_rng(0)
    path = tmp_path / "t.csv"
    a = rng.normal(size=40)  # a linear model predicts y; boosting on 28 rows (20 a leaf) cannot
    pd.DataFrame({"a": a, "b": rng.normal(size=40), "y": 2 * a + rng.normal(0, 0.3, 40)}).to_csv(
        path, index=False
    )
    with warnings.catch_warnings():  # run_one silences warnings for good, as fits its own process
        notes = {
            rows: bench.run_one(bench.BenchRun("copula", str(path), "y", None, 4.0, rows, 0))["utility_note"]
            for rows in (40, 39)
        }
    assert "--rows" not in notes[40] and notes[40].endswith("give a target the other columns predict")
    assert "give more rows (--rows) or" in notes[39]


def test_a_target_given_beside_bundled_data_sets_only_is_refused() -> None:
    """`-d default -t nosuch` ran default on its own target, ignoring --target without a word."""
    with pytest.raises(ConfigError, match=r"^--target 'nosuch': the bundled data set default is scored on"):
        bench.plan_runs(["copula"], ["default"], target="nosuch")
    assert bench.plan_runs(["copula"], ["default"], target="default")[0].target == "default"


def test_the_table_names_its_utility_metric_and_that_each_run_is_one_draw(tmp_path, monkeypatch) -> None:
    """TSTR / TRTR read "0.755 / 0.922" without saying ROC-AUC or R² (only results.csv had utility_metric),
    nor that each number is one fit on one split."""
    from rich.console import Console

    from synthloom.cli_support import console

    monkeypatch.setattr(console, "width", 200)
    said = " ".join(_bench_cli(tmp_path, monkeypatch, {"copula": None, "ctgan": None}).output.split())
    assert "TSTR / TRTR (ROC-AUC)" in said
    assert "one draw per run (one split, one seed): rerun with --seed to see the spread" in said
    run = bench.BenchRun("copula", "a.csv", "y", None, 4.0, None, 0)
    both = pd.DataFrame(
        [
            {**_recorded(run, None), "dataset": "a.csv"},
            {**_recorded(run, None), "dataset": "b.csv", "utility_metric": "r2", "tstr": 0.5},
        ]
    )
    recording = Console(width=200, record=True)
    recording.print(bench.results_table(both, width=200))
    mixed = recording.export_text()
    assert "AUC 0.755 / 0.922" in mixed and "R² 0.500 / 0.922" in mixed and "(ROC-AUC)" not in mixed


def test_a_target_of_whole_number_codes_is_scored_and_split_as_classes(tmp_path) -> None:
    """A class coded 0 / 1 / 2 was scored by R² and split unstratified: bench now reads it as ``augment``
    and ``evaluate`` do (``metadata.is_class_target``), by ROC-AUC, its rare class in both parts."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=600)
    code = np.where(x > 1.5, 2, np.where(x > 0, 1, 0))  # 2 is rare: about 7% of rows
    frame = pd.DataFrame({"x": x, "noise": rng.normal(size=600), "code": code})
    path = tmp_path / "codes.csv"
    frame.to_csv(path, index=False)
    train, test = bench.load_split(str(path), "code", rows=None, seed=0)
    share = (frame["code"] == 2).mean()
    assert abs((test["code"] == 2).mean() - share) < 0.005
    scores = bench.score_synthetic(train, test, train.copy(), "code", 0)
    assert scores["utility_metric"] == "roc_auc"


def test_a_target_of_codes_is_said_to_be_predicted_as_classes() -> None:
    """A grade coded 1 to 7 was scored by ROC-AUC without a word, where evaluate says why and how to change
    it: the runs keep evaluate's sentence, and the console and bench.html give it once per data set."""
    from synthloom.report.bench import render

    rng = np.random.default_rng(0)

    def rows(n: int) -> pd.DataFrame:
        a = rng.normal(size=n)
        return pd.DataFrame({"a": a, "b": rng.normal(size=n), "y": np.digitize(a, [-0.5, 0.5]) + 1})

    scores = bench.score_synthetic(rows(300), rows(200), rows(300), "y", 0)
    sentence = "'y' holds whole numbers on 3 levels, predicted as classes (at most 20 levels are classes)"
    assert scores["utility_metric"] == "roc_auc" and scores["utility_task"].startswith(sentence)
    run = bench.BenchRun("copula", "d/grade.csv", "y", None, 4.0, None, 0)
    frame = pd.DataFrame(
        [
            {**_recorded(run, None), **scores, "model": model, "key": model}
            for model in ("copula", "ctgan")  # two runs on one data set: one line
        ]
    )
    assert bench.task_notes(frame) == [f"TSTR / TRTR on grade.csv: {scores['utility_task']}"]
    assert html.escape(sentence) in render(frame)
    labels = pd.DataFrame({"y": ["no", "yes"] * 100, "a": rng.normal(size=200)})
    assert bench.score_synthetic(labels, labels, labels, "y", 0)["utility_task"] is None


def test_a_csv_file_in_another_encoding_is_benchmarked_in_it(tmp_path) -> None:
    """A cp1252 file was refused with "pass --encoding", which `bench` did not take. A UTF-8 run's key
    stays the key runs were recorded with before the encoding was a setting, so they are not run again."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"city": rng.choice(["München", "Köln"], 200), "x": rng.normal(size=200)})
    frame["y"] = np.where(frame["x"] + rng.normal(0, 0.5, 200) > 0, "hoch", "tief")
    path = tmp_path / "cp.csv"
    frame.to_csv(path, index=False, encoding="cp1252")
    with pytest.raises(DataError, match="not valid utf-8"):
        bench.plan_runs(["copula"], [str(path)], target="y")
    (run,) = bench.plan_runs(["copula"], [str(path)], target="y", encoding="cp1252")
    assert run.encoding == "cp1252" and '"encoding": "cp1252"' in run.key
    with warnings.catch_warnings():  # run_one silences warnings for its own process, which this is not
        assert bench.run_one(run)["tstr"] > 0.7
    assert "encoding" not in dataclasses.replace(run, encoding="utf-8").key
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert "--encoding" in result.output
