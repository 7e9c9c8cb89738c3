"""``synthloom detect fit / score``: tables and images end to end on tiny settings, reports, user errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from synthloom import datasets
from synthloom.cli import app
from synthloom.errors import DataError, DataWarning
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


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> object:
    """A folder with a 60-row table (two numbers, a 0/1 ``label``: every tenth row an anomaly) and a
    detector fitted on it for one epoch."""
    folder = tmp_path_factory.mktemp("tiny")
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    rows["label"] = (np.arange(60) % 10 == 0).astype(int)
    rows.to_csv(folder / "det.csv", index=False)
    options = ("--labels", "label", "--epochs", "1", "--device", "cpu", "-o", folder / "d.synthloom")
    fit = _invoke("fit", folder / "det.csv", *options)
    assert fit.exit_code == 0, fit.output
    return folder


def _invoke(*args: object) -> object:
    return runner.invoke(app, ["detect", *map(str, args)])


def _assert_user_error(result: object, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "Traceback" not in text and all(fragment in text for fragment in fragments), text


def test_table_fit_then_score_with_labels_and_report(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    fit = _invoke("fit", shuttle_csv, "--labels", "anomaly", "--epochs", "2", "--device", "cpu", "-o", model)
    assert fit.exit_code == 0, fit.output
    scores, page = tmp_path / "scores.csv", tmp_path / "page.html"
    result = _invoke("score", model, shuttle_csv, "--labels", "anomaly", "-o", scores, "--report", page)
    assert result.exit_code == 0, result.output
    assert "roc_auc" in result.output and "pr_auc" in result.output and "f1" in result.output
    table = pd.read_csv(scores)
    assert list(table.columns) == ["data row", "score", "flagged", "label"] and len(table) == 440
    assert table["data row"].tolist() == list(range(1, 441))  # which row of the file each score is
    assert table.loc[table["label"] == 1, "score"].mean() > table.loc[table["label"] == 0, "score"].mean()
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and text.count("data:image/png;base64") >= 2
    assert "most anomalous" in text and "reconstruction of each row" in text
    # rows are named as the file's data rows are, from 1 (the labels' and the rules' messages count so)
    worst = int(table["score"].to_numpy().argmax())
    assert "<th>data row</th>" in text and f'<td class="num">{worst + 1}</td>' in text


def test_scoring_without_labels_prints_no_metrics(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    fit = _invoke("fit", shuttle_csv, "--labels", "anomaly", "--epochs", "1", "--device", "cpu", "-o", model)
    assert fit.exit_code == 0, fit.output
    unlabelled = tmp_path / "rows.csv"
    pd.read_csv(shuttle_csv).drop(columns="anomaly").to_csv(unlabelled, index=False)
    result = _invoke("score", model, unlabelled, "-o", tmp_path / "s.parquet")
    assert result.exit_code == 0, result.output
    assert "roc_auc" not in result.output
    assert list(pd.read_parquet(tmp_path / "s.parquet").columns) == ["data row", "score", "flagged"]


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
    digit = datasets.load_images("digits")[1]
    assert table["label"].sum() == (digit == 0).sum()  # every 0: fit left them out of training
    assert (table["label"] == 0).sum() < round(0.15 * 1797)  # of the normal digits, the held-out share
    assert "roc_auc" in result.output and "reconstruction" in page.read_text()


def test_user_errors_exit_2_with_one_line(shuttle_csv, tmp_path) -> None:
    model = tmp_path / "det.synthloom"
    missing = _invoke("fit", shuttle_csv, "--labels", "nope", "-o", model)
    assert missing.exit_code == 2 and "nope" in missing.output and "Traceback" not in missing.output
    not_a_file = _invoke("score", tmp_path / "none.synthloom", shuttle_csv, "-o", tmp_path / "s.csv")
    assert not_a_file.exit_code == 2 and "not found" in not_a_file.output
    assert _invoke("fit", shuttle_csv, "--epochs", "1", "--device", "cpu", "-o", model).exit_code == 0
    wrong_kind = _invoke("score", model, "digits", "-o", tmp_path / "s.csv")
    assert wrong_kind.exit_code == 2 and "a detector fitted on a table needs a table" in wrong_kind.output
    bad_digits = _invoke("fit", "digits", "--normal-digits", "one", "-o", model)
    assert bad_digits.exit_code == 2 and "whole numbers" in bad_digits.output


def test_a_source_neither_table_nor_images_is_offered_both(tmp_path) -> None:
    (tmp_path / "fake.txt").write_text("x")
    takes = "give a .csv or .parquet table, an .npz file, a folder of images (or one per class), or a bundled"
    for source, why in [
        (tmp_path / "fake.txt", "neither a table (.csv, .parquet) nor images (.npz, a folder)"),
        ("digts", "no such file or folder, and no bundled data set of that name"),
    ]:
        refused = _invoke("fit", source, "-o", tmp_path / "d.synthloom")
        _assert_user_error(refused, f"{why}; {takes} data set: adult,", "shuttle", "digits")


def test_the_normal_classes_option_is_named_as_the_readme_spells_it(tmp_path) -> None:
    for option in ("--normal-classes", "--normal-digits"):  # either spelling: the errors name the first
        bad = _invoke("fit", "digits", option, "one", "-o", tmp_path / "d.synthloom")
        _assert_user_error(bad, "--normal-classes must be whole numbers separated by commas, not 'one'")
    folders = tmp_path / "parts"
    for index, name in enumerate(["good", "worn"] * 15):
        (folders / name).mkdir(parents=True, exist_ok=True)
        Image.new("L", (8, 8), color=index * 10).save(folders / name / f"{index}.png")
    unknown = _invoke("fit", folders, "--normal-classes", "goood", "-o", tmp_path / "d.synthloom")
    _assert_user_error(unknown, "--normal-classes: no class goood; the images have good, worn")
    assert "--normal-classes" in _invoke("fit", "--help").output  # listed first: whole at 80 columns
    # both spellings at once kept the last without a word ("0,1" dropped for "2")
    model = tmp_path / "d.synthloom"
    twice = _invoke("fit", "digits", "--normal-classes", "0,1", "--normal-digits", "2", "-o", model)
    _assert_user_error(twice, "--normal-classes (or --normal-digits) is given 2 times (0,1 and 2); give it")
    # without the option every class was learned as normal in silence, the worn parts too
    whole = _invoke("fit", folders, "--epochs", "1", "--device", "cpu", "-o", model)
    assert whole.exit_code == 0, whole.output
    said = " ".join(whole.output.split())
    assert "its images are of 2 classes (good, worn), and every one is learned as normal; give" in said


def test_numbered_normal_classes_that_no_image_has_are_refused(tmp_path) -> None:
    """Numbered classes were taken as given: --normal-classes 1,99 fitted on class 1 in silence."""
    labels = np.arange(40) % 2
    np.savez(tmp_path / "parts.npz", images=np.zeros((40, 8, 8), np.uint8), labels=labels)
    model = tmp_path / "d.synthloom"
    fit = _invoke("fit", tmp_path / "parts.npz", "--normal-classes", "1,99", "--epochs", "1", "-o", model)
    _assert_user_error(fit, "--normal-classes: no class 99; the images have 0, 1")
    assert not model.exists()


def test_too_few_or_no_samples_to_learn_from_are_refused_naming_the_data_and_what_to_do(tmp_path) -> None:
    """The detector's own refusal ("GANomaly needs at least 20 normal samples, got 9") named neither the
    data nor the option that left so few, nor a remedy."""
    labels = np.array(["good"] * 10 + ["worn"] * 30)
    np.savez(tmp_path / "parts.npz", images=np.zeros((40, 8, 8), np.uint8), labels=labels)
    model = tmp_path / "d.synthloom"
    fit = _invoke("fit", tmp_path / "parts.npz", "--normal-classes", "good", "--epochs", "1", "-o", model)
    _assert_user_error(
        fit,
        "parts.npz: 9 normal images to train on (by --normal-classes good), and the detector needs 20; "
        "give more normal images or a lower --holdout",
    )
    pd.DataFrame({"a": np.arange(5.0)}).to_csv(tmp_path / "few.csv", index=False)
    table = _invoke("fit", tmp_path / "few.csv", "--epochs", "1", "-o", model)
    _assert_user_error(table, "few.csv: 5 rows to train on, and the detector needs 20; give more rows")
    # QA: a shift log of ids and one shift start named neither the file nor a remedy
    rows = pd.DataFrame({"id": [f"T{i}" for i in range(30)], "shift": ["06:00:00"] * 30})
    rows.to_csv(tmp_path / "log.csv", index=False)
    constant = _invoke("fit", tmp_path / "log.csv", "--epochs", "1", "--device", "cpu", "-o", model)
    _assert_user_error(
        constant,
        "log.csv: the table has no column GANomaly can learn from (all constant or identifiers); give it "
        "columns whose values vary",
    )
    assert not model.exists()


def test_data_the_detector_cannot_take_is_refused_naming_the_data(tiny, tmp_path) -> None:
    """Non-square images, images shaped unlike the training ones and a table without a fitted column were
    refused without naming the file or folder (the detector is handed arrays)."""
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "gray.npz", images=rng.integers(0, 256, (30, 8, 8), dtype=np.uint8))
    np.savez(tmp_path / "rgb.npz", images=rng.integers(0, 256, (30, 3, 8, 8), dtype=np.uint8))
    np.savez(tmp_path / "wide.npz", images=rng.integers(0, 256, (30, 8, 12), dtype=np.uint8))
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    fit = _invoke("fit", tmp_path / "wide.npz", "--holdout", "0", "--epochs", "1", "-o", model)
    _assert_user_error(fit, "wide.npz: images are 12x8 (width x height); the image models need square images")
    fit = _invoke(
        "fit", tmp_path / "gray.npz", "--holdout", "0", "--epochs", "1", "--device", "cpu", "-o", model
    )
    assert fit.exit_code == 0, fit.output
    rgb = _invoke("score", model, tmp_path / "rgb.npz", "-o", scores)
    _assert_user_error(
        rgb,
        "rgb.npz: images must be 1 x 8 x 8 like the training images, not 3 x 8 x 8; score images like the "
        "ones it was fitted on",
    )
    wide = _invoke("score", model, tmp_path / "wide.npz", "-o", scores)
    _assert_user_error(wide, "wide.npz: images are 12x8 (width x height)")
    pd.DataFrame({"a": [0.1, 0.2]}).to_csv(tmp_path / "no_b.csv", index=False)
    table = _invoke("score", tiny / "d.synthloom", tmp_path / "no_b.csv", "-o", scores)
    _assert_user_error(
        table, "no_b.csv: the data lacks the column(s) b the detector was fitted on; score data"
    )
    assert not scores.exists()


def test_a_bad_report_path_leaves_no_scores_behind(tiny, tmp_path) -> None:
    model, scores = tiny / "d.synthloom", tmp_path / "s.csv"
    (tmp_path / "afile").write_text("x")
    labelled = (tiny / "det.csv", "--labels", "label", "-o", scores)
    bad_report = _invoke("score", model, *labelled, "--report", tmp_path / "afile" / "r.html")
    _assert_user_error(bad_report, "afile is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_one_class_labels_get_scores_and_a_warning_without_metrics(tiny, tmp_path) -> None:
    model, scores, page = tiny / "d.synthloom", tmp_path / "s.csv", tmp_path / "p.html"
    normal_only = tmp_path / "normal.csv"
    pd.read_csv(tiny / "det.csv").query("label == 0").to_csv(normal_only, index=False)
    one_class = _invoke("score", model, normal_only, "--labels", "label", "-o", scores, "--report", page)
    assert one_class.exit_code == 0, one_class.output
    text = " ".join(one_class.output.split())
    assert "every sample is labelled normal (0) in the --labels column 'label'" in text
    assert "roc_auc" not in text and "invalid value" not in text
    assert "Every sample has the same label" in page.read_text()
    table = pd.read_csv(scores)
    assert len(table) == 54 and (table["label"] == 0).all() and table["score"].notna().all()


def test_the_other_kinds_labelling_option_and_no_normal_rows_are_refused(tiny, tmp_path) -> None:
    model = tmp_path / "y.synthloom"
    digits_on_a_table = _invoke("fit", tiny / "det.csv", "--normal-digits", "0,1", "-o", model)
    _assert_user_error(digits_on_a_table, "--normal-classes is for images; use --labels for tables")
    labels_on_images = _invoke("fit", "digits", "--labels", "label", "-o", model)
    _assert_user_error(labels_on_images, "--labels is for tables; use --normal-classes for images")
    anomalies = tmp_path / "anomalies.csv"
    pd.read_csv(tiny / "det.csv").assign(label=1).to_csv(anomalies, index=False)
    no_normal = _invoke("fit", anomalies, "--labels", "label", "--device", "cpu", "-o", model)
    _assert_user_error(no_normal, "anomalies.csv: no rows labelled normal (0) in the --labels column 'label'")
    assert "fitting" not in no_normal.output and not model.exists()


def test_text_and_unseen_missing_values_are_scored_with_a_warning(tiny, tmp_path) -> None:
    rows = pd.read_csv(tiny / "det.csv").head(20)
    rows["a"] = rows["a"].astype(object)
    rows.loc[:9, "a"], rows.loc[:4, "b"] = "hello", np.nan
    rows.to_csv(tmp_path / "odd.csv", index=False)
    result = _invoke("score", tiny / "d.synthloom", tmp_path / "odd.csv", "-o", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "column 'a': 10 value(s) that are not numbers ('hello')" in text
    assert "column 'b': 5 missing or unreadable value(s), where the training data had none" in text
    with pytest.warns(DataWarning, match="column 'b': 5 missing or unreadable value"):  # the API too
        load_detector(tiny / "d.synthloom").score(rows.drop(columns=["a"]).assign(a=0.0))


def test_a_column_none_of_whose_values_can_be_read_is_refused_and_nothing_written(tiny, tmp_path) -> None:
    """QA: a number column of text ("high") scored with only a warning, every value as a missing one."""
    rows = pd.read_csv(tiny / "det.csv").head(20).assign(a="high")
    rows.to_csv(tmp_path / "words.csv", index=False)
    result = _invoke("score", tiny / "d.synthloom", tmp_path / "words.csv", "-o", tmp_path / "s.csv")
    _assert_user_error(
        result, "words.csv: column 'a' holds no number (e.g. 'high'); write them as the training data does"
    )
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "s.csv").exists()


def test_class_folders_are_selected_by_name(tmp_path) -> None:
    from PIL import Image

    from synthloom.detect_cli import _read_image_samples
    from synthloom.errors import ConfigError

    for index, name in enumerate(["circle", "square", "square"]):
        (tmp_path / name).mkdir(exist_ok=True)
        Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(tmp_path / name / f"{index}.png")
    samples = _read_image_samples(str(tmp_path), "circle", 0.0, "train")
    assert sorted(samples.labels.tolist()) == [0, 1, 1]  # circle normal, the two squares anomalous
    with pytest.raises(ConfigError, match="no class triangle; the images have circle, square"):
        _read_image_samples(str(tmp_path), "circle,triangle", 0.0, "train")
    (tmp_path / "round, small").mkdir()
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(tmp_path / "round, small" / "3.png")
    with_comma = _read_image_samples(str(tmp_path), "round, small", 0.0, "train")
    assert sorted(with_comma.labels.tolist()) == [0, 1, 1, 1]  # the folder whose name holds the comma


def test_new_images_in_a_folder_are_all_scored_by_file(tmp_path) -> None:
    from PIL import Image

    rng = np.random.default_rng(0)
    for folder, count in (("train", 40), ("new", 7)):
        (tmp_path / folder / "cat").mkdir(parents=True)
        for index in range(count):
            pixels = rng.integers(0, 256, (8, 8), dtype=np.uint8)
            Image.fromarray(pixels).save(tmp_path / folder / "cat" / f"{index}.png")
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    fit = _invoke("fit", tmp_path / "train", "--epochs", "1", "--device", "cpu", "-o", model)
    assert fit.exit_code == 0, fit.output
    result = _invoke("score", model, tmp_path / "new", "-o", scores)
    assert result.exit_code == 0, result.output
    table = pd.read_csv(scores)
    assert table["file"].tolist() == sorted(f"cat/{index}.png" for index in range(7))  # each, in file order
    held_out = _invoke("score", model, tmp_path / "new", "-o", scores, "--holdout", "0.3")
    assert held_out.exit_code == 0 and len(pd.read_csv(scores)) == 2  # only fit's held-out share, if asked
    nothing = _invoke("score", model, tmp_path / "new", "-o", tmp_path / "none.csv", "--holdout", "0.01")
    _assert_user_error(nothing, "a hold-out share of 0.01 leaves no image to score")
    assert not (tmp_path / "none.csv").exists()
    # the folder it was fitted on: only the share fit held out (all 40, its training images too, before)
    split = tmp_path / "split.synthloom"
    assert (
        _invoke(
            "fit", tmp_path / "train", "--epochs", "1", "--device", "cpu", "--holdout", "0.25", "-o", split
        ).exit_code
        == 0
    )
    same = _invoke("score", split, tmp_path / "train", "-o", scores)
    assert same.exit_code == 0 and len(pd.read_csv(scores)) == 10, same.output
    wider = _invoke("score", split, tmp_path / "train", "-o", scores, "--holdout", "0.5")
    fitted_on = "10 of the 20 scored images (50.0%) are images the detector was fitted on"
    assert wider.exit_code == 0 and fitted_on in " ".join(wider.output.split())
    assert len(pd.read_csv(scores)) == 20
    every = _invoke("score", split, tmp_path / "train", "-o", scores, "--holdout", "0")
    assert "30 of the 40 scored images" in " ".join(every.output.split()) and len(pd.read_csv(scores)) == 40
    outside = _invoke("score", split, tmp_path / "train", "-o", scores, "--holdout", "1.5")
    _assert_user_error(outside, "holdout must be in [0, 1), not 1.5")
    assert "trained on" not in outside.output
    # the same images copied elsewhere are known by their pixels; a folder changed since is said to be
    import shutil

    shutil.copytree(tmp_path / "train", tmp_path / "copy")
    assert _invoke("score", split, tmp_path / "copy", "-o", scores).exit_code == 0
    assert len(pd.read_csv(scores)) == 10
    for index in range(40, 44):
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(
            tmp_path / "copy" / "cat" / f"{index}.png"
        )
    changed = _invoke("score", split, tmp_path / "copy", "-o", scores)
    assert "changed since `detect fit` read it (40 images then, 44 now)" not in changed.output  # other path
    assert "30 of the 44 scored images" in " ".join(changed.output.split())  # its training images counted
    assert len(pd.read_csv(scores)) == 44
    for index in range(40, 44):
        shutil.copy(tmp_path / "copy" / "cat" / f"{index}.png", tmp_path / "train" / "cat" / f"{index}.png")
    changed = _invoke("score", split, tmp_path / "train", "-o", scores)
    assert "changed since `detect fit` read it (40 images then, 44 now)" in " ".join(changed.output.split())
    assert len(pd.read_csv(scores)) == 44
    bad = _invoke("score", split, tmp_path / "train", "-o", tmp_path / "bad.csv", "--fpr", "2")
    _assert_user_error(bad, "fpr must be in (0, 1), not 2")
    assert "scoring" not in bad.output and not (tmp_path / "bad.csv").exists()


def test_a_folder_of_table_parts_is_a_table(tiny, tmp_path) -> None:
    (tmp_path / "parts").mkdir()
    pd.read_csv(tiny / "det.csv").to_parquet(tmp_path / "parts" / "part-00000.parquet")
    model = tmp_path / "p.synthloom"
    fit = _invoke(
        "fit", tmp_path / "parts", "--labels", "label", "--epochs", "1", "--device", "cpu", "-o", model
    )
    assert fit.exit_code == 0, fit.output
    assert load_detector(model).data_kind_ == "table"


def test_an_interruption_while_the_page_is_drawn_leaves_no_scores(tiny, tmp_path, monkeypatch) -> None:
    from synthloom import detect_cli

    def interrupted(*args: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(detect_cli, "_report_page", interrupted)
    scores, page = tmp_path / "s.csv", tmp_path / "p.html"
    result = _invoke(
        "score", tiny / "d.synthloom", tiny / "det.csv", "--labels", "label", "-o", scores, "--report", page
    )
    assert result.exit_code == 130 and "nothing half-written was kept" in result.output
    assert not scores.exists() and not page.exists()


def test_the_bundled_detection_set_brings_its_labels(tiny) -> None:
    from synthloom.detect_cli import _read_table_samples

    samples = _read_table_samples("shuttle", None, "utf-8")
    assert "anomaly" not in samples.data.columns  # never a model input
    assert samples.labels.mean() == pytest.approx(3511 / 49097)  # the 7.2% anomalies are known as such
    with pytest.raises(DataError, match="columns: a, b, label"):  # every column, not the first eight
        _read_table_samples(str(tiny / "det.csv"), "labell", "utf-8")


def test_table_scores_carry_the_rows_ids_and_rows_may_come_without_them(tmp_path) -> None:
    rng = np.random.default_rng(0)
    rows = pd.DataFrame({"reading_id": [f"R-{i:04d}" for i in range(80)], "v": rng.normal(size=80)})
    rows.to_csv(tmp_path / "rows.csv", index=False)
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    assert (
        _invoke("fit", tmp_path / "rows.csv", "--epochs", "1", "--device", "cpu", "-o", model).exit_code == 0
    )
    assert _invoke("score", model, tmp_path / "rows.csv", "-o", scores).exit_code == 0
    table = pd.read_csv(scores)
    assert list(table.columns) == ["reading_id", "score", "flagged"] and table["reading_id"].is_unique
    rows.drop(columns="reading_id").to_csv(tmp_path / "bare.csv", index=False)
    bare = _invoke("score", model, tmp_path / "bare.csv", "-o", scores)  # "lacks the column reading_id"
    assert bare.exit_code == 0, bare.output
    assert list(pd.read_csv(scores).columns) == ["data row", "score", "flagged"]  # the rows by their place


def test_npz_scores_name_each_image_by_its_place_and_tables_take_no_holdout(tiny, tmp_path) -> None:
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "parts.npz", images=rng.integers(0, 256, (40, 8, 8), dtype=np.uint8))
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    fit = _invoke(
        "fit", tmp_path / "parts.npz", "--epochs", "1", "--device", "cpu", "--holdout", "0.25", "-o", model
    )
    assert fit.exit_code == 0, fit.output
    assert _invoke("score", model, tmp_path / "parts.npz", "-o", scores).exit_code == 0
    index = pd.read_csv(scores)["index"]  # the held-out images, by their place in the file
    assert len(index) == 10 and index.is_monotonic_increasing and index.between(0, 39).all()
    table = _invoke("score", tiny / "d.synthloom", tiny / "det.csv", "-o", scores, "--holdout", "0.3")
    _assert_user_error(table, "--holdout is for images; a table is fitted on and scored whole")
    fit_table = _invoke("fit", tiny / "det.csv", "--holdout", "0.2", "-o", tmp_path / "t.synthloom")
    _assert_user_error(fit_table, "--holdout is for images")


def test_scoring_the_folder_fit_read_scores_every_image_of_the_classes_it_left_out(tmp_path) -> None:
    """Scoring the folder fit read kept only the hold-out share: 2 of the 10 anomalies were scored."""
    from PIL import Image

    rng = np.random.default_rng(0)
    for folder, count in (("good", 60), ("bad", 10)):
        (tmp_path / "imgs" / folder).mkdir(parents=True)
        for index in range(count):
            Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(
                tmp_path / "imgs" / folder / f"{index}.png"
            )
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    fit = _invoke(
        "fit", tmp_path / "imgs", "--normal-classes", "good", "--epochs", "1", "--device", "cpu", "-o", model
    )
    assert fit.exit_code == 0, fit.output
    assert _invoke("score", model, tmp_path / "imgs", "-o", scores).exit_code == 0
    files = pd.read_csv(scores)["file"]
    assert files.str.startswith("bad/").sum() == 10 and files.str.startswith("good/").sum() == 9  # 15% of 60


def test_a_holdout_that_leaves_no_training_image_asks_for_a_lower_one(tmp_path) -> None:
    np.savez(tmp_path / "few.npz", images=np.zeros((20, 8, 8), np.uint8))
    model = tmp_path / "d.synthloom"
    fit = _invoke("fit", tmp_path / "few.npz", "--holdout", "0.9999", "--device", "cpu", "-o", model)
    _assert_user_error(fit, "leaves no image to train on; lower --holdout")
    assert not model.exists()
    # a few left: the detector's minimum, with the same advice (it said "needs at least 20", no more)
    fit = _invoke("fit", tmp_path / "few.npz", "--holdout", "0.5", "--device", "cpu", "-o", model)
    _assert_user_error(fit, "leaves 10 of 20 images to train on, and the detector needs 20; lower --holdout")
    np.savez(tmp_path / "fewer.npz", images=np.zeros((19, 8, 8), np.uint8))  # no share helps: more images
    fit = _invoke("fit", tmp_path / "fewer.npz", "--device", "cpu", "-o", model)
    _assert_user_error(fit, "leaves 16 of 19 images to train on, and the detector needs 20; give more images")


def test_a_holdout_outside_its_range_is_named_as_the_option(tmp_path) -> None:
    fit = _invoke("fit", tmp_path / "never-read.npz", "--holdout", "2", "-o", tmp_path / "d.synthloom")
    _assert_user_error(fit, "--holdout must be in [0, 1), not 2;")


def test_scoring_the_rows_a_detector_was_fitted_on_says_how_many_trained_it(tiny, tmp_path) -> None:
    """The README's shuttle example scored the rows fit learnt from and printed their quality as if held
    out; now how many of the scored rows trained the detector is said, on the console and in the page."""
    scores, page = tmp_path / "s.csv", tmp_path / "p.html"
    result = _invoke(
        "score", tiny / "d.synthloom", tiny / "det.csv", "--labels", "label", "-o", scores, "--report", page
    )
    assert result.exit_code == 0, result.output
    said = "54 of the 60 scored rows (90.0%) are rows the detector was fitted on"  # its normal rows
    assert said in " ".join(result.output.split()) and "optimistic" in result.output
    assert said in page.read_text()
    rng = np.random.default_rng(1)
    pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30)}).to_parquet(tmp_path / "new.parquet")
    fresh = _invoke("score", tiny / "d.synthloom", tmp_path / "new.parquet", "-o", scores)
    assert fresh.exit_code == 0 and "fitted on" not in fresh.output, fresh.output
    # the same rows as another file type are still the training rows: counted as the networks see them
    pd.read_csv(tiny / "det.csv").head(20).to_parquet(tmp_path / "again.parquet")
    again = _invoke("score", tiny / "d.synthloom", tmp_path / "again.parquet", "-o", scores)
    assert "of the 20 scored rows" in " ".join(again.output.split()), again.output


def test_a_copy_of_the_image_folder_changed_since_fit_counts_its_training_images(tmp_path) -> None:
    """An image added, removed or edited in a copy of the folder made every image scored, the 30 training
    ones too, without a word (the check knew only the same folder or an identical copy)."""
    import shutil

    rng = np.random.default_rng(0)
    (tmp_path / "imgs" / "cat").mkdir(parents=True)
    for index in range(40):
        pixels = rng.integers(0, 256, (8, 8), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / "imgs" / "cat" / f"{index}.png")
    model, scores = tmp_path / "d.synthloom", tmp_path / "s.csv"
    options = ("--epochs", "1", "--device", "cpu", "--holdout", "0.25", "-o", model)
    assert _invoke("fit", tmp_path / "imgs", *options).exit_code == 0
    same = _invoke("score", model, tmp_path / "imgs", "-o", scores)
    assert same.exit_code == 0 and "fitted on" not in same.output  # the held-out share: no training image
    held_out = set(pd.read_csv(scores)["file"])
    trained = sorted(f"cat/{index}.png" for index in range(40) if f"cat/{index}.png" not in held_out)
    added, removed, edited = (tmp_path / name for name in ("added", "removed", "edited"))
    for copy in (added, removed, edited):
        shutil.copytree(tmp_path / "imgs", copy)
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(added / "cat" / "new.png")
    (removed / trained[0]).unlink()
    pixels = np.array(Image.open(edited / trained[0]))
    pixels[0, 0] ^= 1
    Image.fromarray(pixels).save(edited / trained[0])
    for copy, count, total in ((added, 30, 41), (removed, 29, 39), (edited, 29, 40)):
        result = _invoke("score", model, copy, "-o", scores)
        text = " ".join(result.output.split())
        assert result.exit_code == 0 and len(pd.read_csv(scores)) == total, text
        assert f"warning: {copy}: {count} of the {total} scored images" in text and "--holdout" in text


def test_blank_labels_are_counted_and_named_by_row(tiny, tmp_path) -> None:
    """A 0/1 label column with blank cells was refused as if it held another value."""
    rows = pd.read_csv(tiny / "det.csv").astype({"label": float})
    rows.loc[[0, 1, 2, 3, 4, 9], "label"] = np.nan
    rows.to_csv(tmp_path / "gaps.csv", index=False)
    scored = ("--labels", "label", "-o", tmp_path / "s.csv")
    result = _invoke("score", tiny / "d.synthloom", tmp_path / "gaps.csv", *scored)
    said = "6 row(s) have no label in the --labels column 'label' (rows 1, 2, 3, 4, 5, ...;"
    _assert_user_error(result, said, "drop those rows")
    assert not (tmp_path / "s.csv").exists()
    rows.fillna({"label": 2}).to_csv(tmp_path / "twos.csv", index=False)  # another value: as before
    other = _invoke("score", tiny / "d.synthloom", tmp_path / "twos.csv", *scored)
    _assert_user_error(other, "must hold only 0/1 or false/true")


def test_a_data_file_given_as_the_detector_says_the_detector_comes_first(tiny, tmp_path) -> None:
    """The arguments swapped gave "not a readable synthloom model file (... header too large)"."""
    swapped = _invoke("score", tiny / "det.csv", tiny / "d.synthloom", "-o", tmp_path / "s.csv")
    _assert_user_error(
        swapped,
        "a data file, not a detector file; the detector file comes first:",
        f"synthloom detect score {tiny / 'd.synthloom'} {tiny / 'det.csv'}",
    )
    (tmp_path / "junk.synthloom").write_text("not a model")  # a damaged model file stays one
    junk = _invoke("score", tmp_path / "junk.synthloom", tiny / "det.csv", "-o", tmp_path / "s.csv")
    _assert_user_error(junk, "not a readable synthloom model file")


def test_a_fit_cut_short_by_the_time_limit_says_at_which_epoch(tiny, tmp_path) -> None:
    """Only the progress bar showed that --max-minutes had stopped training early."""
    from synthloom.cli_support import epochs_reached

    model = tmp_path / "d.synthloom"
    options = ("--epochs", "100000", "--max-minutes", "0.01", "--device", "cpu", "-o", model)
    result = _invoke("fit", tiny / "det.csv", "--labels", "label", *options)
    assert result.exit_code == 0, result.output
    assert "the time limit (--max-minutes 0.01) stopped training at epoch" in result.output
    assert "of 100000" in result.output
    options = ("--epochs", "1", "--max-minutes", "5", "--device", "cpu", "-o", model)
    whole = _invoke("fit", tiny / "det.csv", "--labels", "label", *options)
    assert whole.exit_code == 0 and "time limit" not in whole.output
    members = [{"epoch": 1.0}, {"epoch": 2.0}, {"epoch": 3.0}, {"epoch": 1.0}, {"epoch": 2.0}]
    assert epochs_reached(members) == 2  # two members, the second stopped first
    # a member cut within its first epoch starts below 1
    assert epochs_reached([{"epoch": 1.0}, {"epoch": 2.0}, {"epoch": 0.5}]) == 0.5
    assert epochs_reached([{"epoch": 0.5}, {"epoch": 1.0}, {"epoch": 2.0}]) == 0.5  # the first member's


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        # an edited setting scored into a KeyError traceback (exit 1)
        (lambda d: d["params"].update(scoring="bogus"), "scoring must be one of"),
        # another model's name loaded and scored as if it were a detector of synthloom's
        (lambda d: d.update(model="nosuch"), "unknown detector 'nosuch'"),
    ],
)
def test_an_edited_detector_file_is_refused_in_one_line(tiny, tmp_path, edited_model, edit, said) -> None:
    broken = edited_model(tiny / "d.synthloom", tmp_path / "broken.synthloom", edit)
    out = tmp_path / "s.csv"
    refused = _invoke("score", broken, tiny / "det.csv", "-o", out)
    _assert_user_error(refused, "detector file is corrupt", said)
    assert not out.exists()
