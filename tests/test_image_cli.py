"""``synthloom image fit / sample``: end to end on tiny settings, outputs and user errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import typer
from PIL import Image
from typer.testing import CliRunner

import synthloom.models.dcgan  # noqa: F401  (registers dcgan / cdcgan)
from synthloom.cli import app
from synthloom.data.images import read_images
from synthloom.image_cli import image_app
from synthloom.models.image_base import load_image_model

torch.set_num_threads(1)
runner = CliRunner()


def _fit_tiny(tmp_path, data) -> object:
    model = tmp_path / "m.synthloom"
    result = runner.invoke(
        image_app,
        ["fit", str(data), "--model", "cdcgan", "--epochs", "1", "--device", "cpu", "-o", str(model)],
    )
    assert result.exit_code == 0, result.output
    return model


def _npz(tmp_path) -> object:
    rng = np.random.default_rng(0)
    path = tmp_path / "real.npz"
    np.savez(path, images=rng.integers(0, 256, (24, 8, 8), dtype=np.uint8), labels=np.arange(24) % 3)
    return path


def test_fit_then_sample_a_labelled_folder(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    out, grid = tmp_path / "out", tmp_path / "grid.png"
    args = ["sample", str(model), "-n", "12", "--label", "2", "-o", str(out), "--grid", str(grid)]
    result = runner.invoke(image_app, args)
    assert result.exit_code == 0, result.output
    files = sorted((out / "2").iterdir())
    assert [p.name for p in out.iterdir()] == ["2"] and len(files) == 12
    assert Image.open(files[0]).size == (8, 8)
    assert Image.open(grid).size[0] > 8 * 3  # a grid, enlarged


def test_a_fit_cut_short_by_the_time_limit_says_at_which_epoch(tmp_path) -> None:
    """Only the progress bar (gone from a log) showed that --max-minutes had stopped training early."""
    options = ["--epochs", "100000", "--max-minutes", "0.01", "--device", "cpu"]
    args = ["fit", str(_npz(tmp_path)), *options, "-o", str(tmp_path / "m.synthloom")]
    result = runner.invoke(image_app, args)
    assert result.exit_code == 0, result.output
    reached = len(load_image_model(tmp_path / "m.synthloom").loss_history_)
    text = " ".join(result.output.split())
    # "at epoch 12 of" after whole epochs, "40% into epoch 13 of" where the limit cut the last one
    said = rf"time limit \(--max-minutes 0.01\) stopped training (at|\d+% into) epoch {reached} of 100000;"
    assert re.search(said, text)


def test_the_image_count_is_written_as_samples_row_count_is(tmp_path) -> None:
    """``image sample -n`` took plain whole numbers only ("1e1" was "not a valid integer"), where ``sample
    -n`` takes 1e3, 1,000 and 1_000; a count below one is refused naming --rows."""
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    out = tmp_path / "out.npz"
    result = runner.invoke(image_app, ["sample", str(model), "-n", "1e1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(np.load(out)["images"]) == 10
    refused = runner.invoke(image_app, ["sample", str(model), "-n", "0", "-o", str(tmp_path / "none.npz")])
    assert refused.exit_code == 2 and "-n/--rows must be a whole number >= 1, not '0'" in refused.output
    assert not (tmp_path / "none.npz").exists()


def test_a_grid_inside_the_data_set_folder_is_refused_before_anything_is_written(tmp_path) -> None:
    """A grid written into the -o folder became one more image of it: read back, a bigger picture among
    the samples (or one beside the class folders)."""
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    out = tmp_path / "out"
    args = ["sample", str(model), "-n", "4", "-o", str(out), "--grid", str(out / "grid.png")]
    result = runner.invoke(image_app, args)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert "inside the data set folder" in result.output and "write the grid outside it" in result.output
    assert not out.exists()


def test_class_folders_keep_their_names_from_fit_to_sample_and_evaluate(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    for index in range(30):
        name = ("circle", "square")[index % 2]
        (tmp_path / "real" / name).mkdir(parents=True, exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(
            tmp_path / "real" / name / f"{index}.png"
        )
    model = _fit_tiny(tmp_path, tmp_path / "real")
    out = tmp_path / "out"
    result = runner.invoke(image_app, ["sample", str(model), "-n", "4", "--label", "square", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["square"] and len(list((out / "square").iterdir())) == 4
    result = runner.invoke(image_app, ["sample", str(model), "-n", "20", "-o", str(tmp_path / "both")])
    assert result.exit_code == 0, result.output
    assert read_images(tmp_path / "both").class_names == [
        "circle",
        "square",
    ]  # trains anything real data does
    result = runner.invoke(image_app, ["evaluate", str(model), str(tmp_path / "real"), "-n", "20"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(image_app, ["evaluate", str(model), "digits", "-n", "20"])
    assert result.exit_code == 2 and "names its classes, but digits numbers them" in result.output


def test_image_outputs_are_what_their_names_say(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    for args, message in [
        (["-o", str(tmp_path / "x.jpg")], "-o " + str(tmp_path / "x.jpg") + ": cannot write .jpg here"),
        (["-o", str(tmp_path / "x.txt")], "give a folder, an .npz file or a .png grid"),
        (["-o", str(tmp_path / "a.npz"), "--grid", str(tmp_path / "g.npz")], "give a .png file"),
    ]:
        result = runner.invoke(image_app, ["sample", str(model), "-n", "2", *args])
        assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.synthloom", "real.npz"]


def test_an_unlabelled_folder_is_evaluated_as_one_class(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    rng = np.random.default_rng(0)
    (tmp_path / "flat").mkdir()
    for index in range(30):
        Image.fromarray(rng.integers(0, 256, (8, 8), dtype=np.uint8)).save(tmp_path / "flat" / f"{index}.png")
    model = tmp_path / "flat.synthloom"
    fit = [
        "fit",
        str(tmp_path / "flat"),
        "--model",
        "dcgan",
        "--epochs",
        "1",
        "--device",
        "cpu",
        "-o",
        str(model),
    ]
    assert runner.invoke(image_app, fit).exit_code == 0
    alone = runner.invoke(image_app, ["evaluate", str(model), str(tmp_path / "flat"), "-n", "10"])
    assert alone.exit_code == 2 and "has one class (or none)" in alone.output
    args = ["evaluate", str(model), str(tmp_path / "flat"), "-n", "10", "--features", "digits"]
    result = runner.invoke(image_app, [*args, "--holdout", "0.3"])
    assert result.exit_code == 0, result.output
    assert "label_agreement" in result.output
    said = " ".join(result.output.split())
    # a larger --holdout now would score images it trained on (as warned): the share fit keeps out is raised
    assert "only 9 held-out real images" in said and "(fit again with a larger --holdout, or" in said
    (tmp_path / "other").mkdir()  # images the model never saw: all of them may be held out
    for index in range(30):
        pixels = rng.integers(0, 256, (8, 8), dtype=np.uint8)
        Image.fromarray(pixels).save(tmp_path / "other" / f"{index}.png")
    other = runner.invoke(image_app, ["evaluate", str(model), str(tmp_path / "other"), *args[3:]])
    assert other.exit_code == 0, other.output
    assert "only 4 held-out real images" in _said(other) and "(raise --holdout, or" in _said(other)
    no_holdout = runner.invoke(image_app, [*args, "--holdout", "0"])
    assert no_holdout.exit_code == 2 and "give --holdout above 0" in no_holdout.output


def test_an_anomaly_detector_file_is_pointed_at_detect_score(tmp_path) -> None:
    from synthloom.models.ganomaly import GANomaly

    images = np.random.default_rng(0).random((32, 8, 8), dtype=np.float32)
    path = GANomaly(epochs=1, device="cpu", random_state=0).fit(images).save(tmp_path / "det.synthloom")
    result = runner.invoke(image_app, ["sample", str(path), "-n", "2", "-o", str(tmp_path / "x.npz")])
    assert result.exit_code == 2 and "an anomaly detector, not a generator; use `synthloom detect score`" in (
        " ".join(result.output.split())
    )


def test_sample_to_npz_is_reproducible_with_a_seed(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    for name in ("a.npz", "b.npz"):
        result = runner.invoke(image_app, ["sample", str(model), "-n", "5", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    a, b = np.load(tmp_path / "a.npz"), np.load(tmp_path / "b.npz")
    assert a["images"].shape == (5, 8, 8) and a["images"].dtype == np.uint8
    np.testing.assert_array_equal(a["images"], b["images"])


def test_user_errors_exit_2_with_one_line(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    result = runner.invoke(
        image_app, ["sample", str(model), "-n", "3", "--label", "9", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "unknown labels" in result.output
    result = runner.invoke(
        image_app, ["sample", str(model), "-n", "3", "--label", "cat", "-o", str(tmp_path / "x")]
    )
    assert result.exit_code == 2 and "this model's classes are numbers ([0, 1, 2])" in result.output
    out = str(tmp_path / "m2.synthloom")
    result = runner.invoke(image_app, ["fit", "nowhere.npz", "-o", out])
    assert result.exit_code == 2 and "nowhere.npz: no such file or folder" in result.output
    result = runner.invoke(image_app, ["fit", "digits", "--model", "gan", "-o", out])
    assert result.exit_code == 2 and "'gan' is no image generator; image generators: cdcgan" in result.output
    assert "ctgan" not in result.output  # table generators are not offered for images
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    result = runner.invoke(image_app, ["sample", str(model), "-n", "3", "-o", str(tmp_path / "full")])
    assert result.exit_code == 2 and "not an empty folder" in result.output
    result = runner.invoke(app, ["sample", str(model), "-n", "3", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "not a table generator; use `synthloom image sample`" in result.output
    small = tmp_path / "small.npz"
    np.savez(small, images=np.zeros((24, 6, 6), dtype=np.uint8), labels=np.arange(24) % 3)
    result = runner.invoke(image_app, ["evaluate", str(model), str(small), "-n", "10"])
    assert result.exit_code == 2 and "makes images shaped (8, 8), but" in result.output


def test_evaluate_prints_scores_and_writes_a_page(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    model = _fit_tiny(tmp_path, "digits")
    page = tmp_path / "page.html"
    args = ["evaluate", str(model), "digits", "-n", "100", "--report", str(page)]
    result = runner.invoke(image_app, args)
    assert result.exit_code == 0, result.output
    assert "real_accuracy" in result.output and "cas" in result.output
    assert "held-out real images:" not in result.output  # 270 digits: enough
    text = page.read_text()
    assert text.count("<figure>") == 10 and "data:image/png;base64," in text
    # each score beside uniform noise's, and the page says what was compared (it showed scores alone)
    assert "uniform noise" in result.output and "noise_precision" not in result.output
    assert "100 synthetic images against 270 held-out real ones (--holdout 0.15)" in text
    assert "<th>uniform noise</th>" in text


def test_evaluate_writes_the_scores_as_json(tmp_path, monkeypatch) -> None:
    """`image evaluate` printed its scores and could draw a page, but had no --json as `evaluate` has: a
    script comparing image generators had to parse the printed table."""
    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    model = _fit_tiny(tmp_path, "digits")
    scores = tmp_path / "scores.json"
    result = runner.invoke(image_app, ["evaluate", str(model), "digits", "-n", "40", "--json", str(scores)])
    assert result.exit_code == 0, result.output
    written = json.loads(scores.read_text())
    assert written["info"]["model"] == "cdcgan" and written["info"]["synthetic_images"] == 40
    assert written["info"]["held_out_images"] == 270 and written["info"]["holdout"] == 0.15
    by_name = {row["name"]: row for row in written["scores"]}
    assert {"fid", "precision", "coverage", "cas", "real_accuracy"} <= set(by_name)
    assert 0 <= by_name["coverage"]["value"] <= 1 and by_name["fid"]["uniform_noise"] > 0
    assert by_name["precision"]["meaning"].startswith("share of synthetic images")
    assert not any(name.startswith("noise_") for name in by_name)  # noise sits beside its score
    # the warnings as printed, as `evaluate --json` writes its own (they had the page's "Warning: " and ".")
    small = _fit_tiny(tmp_path, _npz(tmp_path))
    warned = tmp_path / "warned.json"
    args = ["evaluate", str(small), str(_npz(tmp_path)), "-n", "8", "--json", str(warned)]
    assert runner.invoke(image_app, args).exit_code == 0
    warnings = json.loads(warned.read_text())["warnings"]  # a tiny model's also says it is below noise
    assert any(warning.startswith("only 4 held-out real images") for warning in warnings)
    assert not any(warning.endswith(".") for warning in warnings)
    # a misnamed file is refused before the scoring, as `evaluate --json` refuses it
    refused = runner.invoke(image_app, ["evaluate", str(model), "digits", "--json", str(tmp_path / "s.txt")])
    assert refused.exit_code == 2 and "writes JSON; give a file name ending in .json" in _said(refused)
    assert "real_accuracy" not in refused.output


def test_faces_fit_sample_grid_and_evaluate_against_backgrounds(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    model, grid = tmp_path / "faces.synthloom", tmp_path / "grid.png"
    fit = ["fit", "faces", "--model", "dcgan", "--epochs", "1", "--device", "cpu", "-o", str(model)]
    result = runner.invoke(image_app, fit)
    assert result.exit_code == 0, result.output
    assert "85 images of shape (32, 32)" in result.output  # 100 faces less the 15% held out
    result = runner.invoke(image_app, ["sample", str(model), "-n", "16", "-o", str(grid)])
    assert result.exit_code == 0, result.output
    assert Image.open(grid).size == (2 * (4 * 33 - 1),) * 2  # 4x4 faces, 1-pixel gaps, shown 2x
    labelled = runner.invoke(image_app, ["sample", str(model), "--label", "face", "-o", str(grid)])
    assert labelled.exit_code == 2 and "dcgan is not conditional" in labelled.output
    result = runner.invoke(image_app, ["evaluate", str(model), "faces", "-n", "40"])
    assert result.exit_code == 2 and "--features lfw" in result.output  # one class: no features alone
    result = runner.invoke(image_app, ["evaluate", str(model), "faces", "-n", "40", "--features", "lfw"])
    assert result.exit_code == 0, result.output
    assert "label_agreement" in result.output and "cas" not in result.output


def test_a_fresh_process_finds_the_image_models() -> None:
    # this module imports dcgan itself; a user's `synthloom image fit` process does not
    code = (
        "from synthloom.image_cli import _image_model_class; from synthloom.registry import list_models; "
        "print(_image_model_class('cvae').__name__, 'dcgan' in list_models())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["ConditionalImageVAE", "True"]


def test_a_models_labels_become_the_datas_class_codes() -> None:
    from synthloom.data.images import ImageData
    from synthloom.errors import ConfigError
    from synthloom.image_cli import _data_codes

    named = ImageData(np.zeros((2, 4, 4)), np.array([0, 1]), ["cat", "dog"])
    numbered = ImageData(np.zeros((2, 4, 4)), np.array([0, 1]))
    assert _data_codes(np.array(["dog", "cat"]), named, "m", "pets").tolist() == [1, 0]
    assert _data_codes(np.array(["7", "0"]), numbered, "m", "digits").tolist() == [7, 0]  # folders "0".."9"
    assert _data_codes(np.array([3, 1]), numbered, "m", "digits").tolist() == [3, 1]
    # a model of class folders saved before names were kept has numbered classes: the folders' positions
    assert _data_codes(np.array([1, 0]), named, "m", "pets").tolist() == [1, 0]
    with pytest.raises(ConfigError, match=r"makes classes \['cow'\] that pets does not have \(cat, dog\)"):
        _data_codes(np.array(["cow"]), named, "m", "pets")


def _said(result) -> str:
    """A command's output on one line (rich wraps long lines)."""
    return " ".join(result.output.split())


def _fit(tmp_path, data, *options: str, name: str = "m.synthloom") -> tuple[object, object]:
    model = tmp_path / name
    args = ["fit", str(data), "--epochs", "1", "--device", "cpu", "-o", str(model), *options]
    return model, runner.invoke(image_app, args)


def test_one_channel_arrays_are_sampled_as_gray_pngs(tmp_path) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (24, 8, 8, 1), dtype=np.uint8)  # (N, H, W, 1)
    np.savez(tmp_path / "gray.npz", images=pixels, labels=np.arange(24) % 3)
    model = _fit_tiny(tmp_path, tmp_path / "gray.npz")
    for out in (tmp_path / "out", tmp_path / "grid.png"):
        result = runner.invoke(image_app, ["sample", str(model), "-n", "6", "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert Image.open(tmp_path / "grid.png").mode == "L"
    assert read_images(tmp_path / "out").images.shape == (6, 8, 8)


def test_evaluate_judges_on_the_split_fit_made(tmp_path, monkeypatch) -> None:
    from synthloom.data.images import SPLIT_SEED

    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    data = _npz(tmp_path)
    everything, result = _fit(tmp_path, data, "--holdout", "0", name="all.synthloom")
    assert result.exit_code == 0, result.output
    scored = ["evaluate", str(everything), str(data), "-n", "10"]
    result = runner.invoke(image_app, scored)
    assert result.exit_code == 2, result.output  # it would score its own training images
    assert "all.synthloom was fitted with --holdout 0: it trained on every image of" in result.output
    split = load_image_model(everything).training_split_
    assert split["holdout"] == 0 and split["seed"] == SPLIT_SEED and split["images"] == 24
    result = runner.invoke(image_app, [*scored, "--holdout", "0.25"])
    assert result.exit_code == 0, result.output
    assert "fitted with --holdout 0, not 0.25: it trained on every image" in _said(result)
    model, result = _fit(tmp_path, data, "--holdout", "0.25")
    assert result.exit_code == 0, result.output
    result = runner.invoke(image_app, ["evaluate", str(model), str(data), "-n", "10"])
    assert result.exit_code == 0 and "warning: only 6 held-out" in result.output  # 0.15 would hold out 4
    assert "was fitted with" not in result.output
    result = runner.invoke(image_app, ["evaluate", str(model), str(data), "-n", "10", "--holdout", "0.5"])
    assert result.exit_code == 0
    assert "fitted with --holdout 0.25, not 0.5: 6 of the images scored now were trained on" in _said(result)
    np.savez(data, images=np.zeros((30, 8, 8), np.uint8), labels=np.arange(30) % 3)  # other images now
    result = runner.invoke(image_app, ["evaluate", str(model), str(data), "-n", "10"])
    assert result.exit_code == 0, result.output
    assert "changed since `image fit` read it (24 images then, 30 now)" in _said(result)


def test_a_model_saved_before_the_split_was_kept_is_evaluated_as_before(tmp_path) -> None:
    from synthloom.image_cli import DEFAULT_HOLDOUT, _evaluated_holdout

    model = load_image_model(_fit_tiny(tmp_path, _npz(tmp_path)))
    real = read_images(tmp_path / "real.npz")
    model.training_split_ = None  # as loaded from a file without one
    assert _evaluated_holdout(model, "m", "real.npz", None, real)[0] == DEFAULT_HOLDOUT
    assert _evaluated_holdout(model, "m", "real.npz", 0.5, real)[0] == 0.5


def test_sample_refuses_more_images_than_fit_in_memory(tmp_path, monkeypatch) -> None:
    from synthloom import image_cli

    model = _fit_tiny(tmp_path, _npz(tmp_path))
    monkeypatch.setattr(image_cli, "_available_memory", lambda: 1_000_000, raising=False)
    out = tmp_path / "out"
    result = runner.invoke(image_app, ["sample", str(model), "-n", "5000", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "-n 5,000: 5,000 images of 8x8 need about" in result.output
    assert "at most 976 at a time" in _said(result)
    assert not out.exists() and "Traceback" not in result.output
    assert image_cli._available_memory() is None or image_cli._available_memory() > 0


def test_fit_refuses_non_square_images_before_it_starts(tmp_path) -> None:
    rng = np.random.default_rng(0)
    for index in range(20):
        (tmp_path / "nonsq" / "ab"[index % 2]).mkdir(parents=True, exist_ok=True)
        picture = rng.integers(0, 256, (50, 30, 3), dtype=np.uint8)  # 30 wide, 50 high
        Image.fromarray(picture).save(tmp_path / "nonsq" / "ab"[index % 2] / f"{index}.png")
    _, result = _fit(tmp_path, tmp_path / "nonsq")
    assert result.exit_code == 2 and "fitting" not in result.output
    message = "nonsq: images are 30x50 (width x height); the image models need square images: crop or resize"
    assert message in _said(result)


def test_a_named_class_is_asked_for_by_its_name(tmp_path) -> None:
    rng = np.random.default_rng(0)
    np.savez(
        tmp_path / "named.npz",
        images=rng.integers(0, 256, (24, 8, 8), dtype=np.uint8),
        labels=np.array(["circle", "square"] * 12),
    )
    model = _fit_tiny(tmp_path, tmp_path / "named.npz")
    args = ["sample", str(model), "-n", "3", "--label", "1", "-o", str(tmp_path / "x")]
    result = runner.invoke(image_app, args)
    assert result.exit_code == 2, result.output
    assert "--label '1': this model's classes are named (circle, square); give one of them" in _said(result)
    sample = typer.main.get_command(image_app).commands["sample"]
    (help_text,) = [option.help for option in sample.params if option.name == "label"]
    assert "as the model names its classes" in help_text and "or a number for numbered classes" in help_text


def test_dcgan_shows_no_mode_seeking_loss(tmp_path) -> None:
    _, result = _fit(tmp_path, _npz(tmp_path), "--model", "dcgan")
    assert result.exit_code == 0, result.output
    assert "d_loss=" in result.output and "mode_seeking" not in result.output
    _, result = _fit(tmp_path, _npz(tmp_path), "--model", "cdcgan", name="c.synthloom")
    assert "mode_seeking=" in result.output  # where it applies, it is shown


def test_an_output_that_is_a_file_without_a_suffix_is_refused(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    plain = tmp_path / "plain"
    plain.write_text("keep")
    targets = [plain] + ([Path("/dev/null")] if Path("/dev/null").exists() else [])
    for target in targets:
        result = runner.invoke(image_app, ["sample", str(model), "-n", "2", "-o", str(target)])
        assert result.exit_code == 2, result.output
        refused = f"-o {target}: exists and is not a folder; give a folder, an .npz file or a .png grid"
        assert refused in _said(result)
    assert plain.read_text() == "keep"


def test_too_few_training_images_say_how_many_were_held_out(tmp_path) -> None:
    few = tmp_path / "few.npz"
    np.savez(few, images=np.zeros((9, 8, 8), np.uint8), labels=np.arange(9) % 3)
    _, result = _fit(tmp_path, few)
    assert result.exit_code == 2 and "fitting" not in result.output
    needs = "few.npz: cdcgan needs at least 16 training images; 8 given, 1 held out for evaluation"
    assert f"{needs} (--holdout 0.15)" in _said(result)


def test_a_missing_path_is_named_as_such(tmp_path) -> None:
    _, result = _fit(tmp_path, "data/nonexist")
    assert result.exit_code == 2 and "data/nonexist: no such file or folder" in result.output
    assert "unknown data set" not in result.output


@pytest.mark.parametrize("name", ["digts", "nosuch/"])
def test_a_misspelt_name_is_offered_the_image_data_sets(tmp_path, name) -> None:
    # "nosuch/" (a folder that is not there) was refused as "unknown data set 'nosuch/'"
    _, result = _fit(tmp_path, name)
    assert result.exit_code == 2
    said = _said(result)
    assert f"{name}: no such file or folder, and no bundled data set of that name; give an .npz" in said
    assert "or one of: digits, mnist, faces, lfw, shapes" in said
    assert "adult" not in result.output  # a table is no choice for an image command


def test_a_model_fitted_on_channels_last_arrays_samples_and_evaluates(tmp_path, monkeypatch) -> None:
    """A model fitted in Python on (N, H, W, 1) arrays samples them so; the CLI writes and judges it."""
    from synthloom.datasets import load_images
    from synthloom.models.dcgan import ConditionalDCGAN

    monkeypatch.setenv("SYNTHLOOM_CACHE", str(tmp_path / "cache"))
    images, labels = load_images("digits")
    model = ConditionalDCGAN(width=4, latent_dim=8, epochs=1, device="cpu", random_state=0)
    path = model.fit(images[..., None], labels).save(tmp_path / "nhwc.synthloom")
    for out in (tmp_path / "out.npz", tmp_path / "grid.png"):
        result = runner.invoke(image_app, ["sample", str(path), "-n", "6", "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert read_images(tmp_path / "out.npz").images.shape == (6, 1, 8, 8)  # as any (N, H, W, 1) .npz
    result = runner.invoke(image_app, ["evaluate", str(path), "digits", "-n", "20"])
    assert result.exit_code == 0, result.output


def test_evaluate_checks_its_report_before_scoring(tmp_path) -> None:
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    before = model.read_bytes()
    result = runner.invoke(image_app, ["evaluate", str(model), str(_npz(tmp_path)), "--report", str(model)])
    assert result.exit_code == 2 and "is an input of this command" in _said(result)
    assert model.read_bytes() == before  # the model is not replaced by a page
    (tmp_path / "plain").write_text("x")
    page = tmp_path / "plain" / "page.html"  # under a file: cannot be written
    result = runner.invoke(image_app, ["evaluate", str(model), str(_npz(tmp_path)), "--report", str(page)])
    assert result.exit_code == 2 and "is a file, not a folder" in _said(result)
    assert "score" not in result.output  # refused before the scores were computed and shown


def test_sample_refuses_a_full_folder_before_generating(tmp_path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    missing = tmp_path / "never-read.synthloom"  # the folder is refused before the model is even read
    result = runner.invoke(image_app, ["sample", str(missing), "-n", "3", "-o", str(tmp_path / "full")])
    assert result.exit_code == 2 and "full: exists and is not an empty folder" in _said(result)
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]


def test_sample_writes_into_a_folder_holding_only_system_files(tmp_path) -> None:
    """`-o` naming a folder that holds only a Finder's .DS_Store was refused as "not an empty folder"."""
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    (out / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    result = runner.invoke(image_app, ["sample", str(model), "-n", "3", "--label", "1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [".DS_Store", "1"]


def test_a_bundled_table_is_refused_with_the_command_that_learns_it(tmp_path) -> None:
    _, result = _fit(tmp_path, "adult")
    refused = "'adult' is a table, not images (`synthloom fit adult` learns it)"
    assert result.exit_code == 2 and refused in _said(result)
    assert "load(" not in result.output  # Python advice means nothing at a shell prompt


def test_a_holdout_outside_its_range_is_named_as_the_option_before_reading(tmp_path) -> None:
    _, result = _fit(tmp_path, tmp_path / "never-read.npz", "--holdout", "1")
    assert result.exit_code == 2 and "--holdout must be in [0, 1), not 1;" in _said(result)
    model = _fit_tiny(tmp_path, _npz(tmp_path))
    result = runner.invoke(image_app, ["evaluate", str(model), str(_npz(tmp_path)), "--holdout", "-0.5"])
    assert result.exit_code == 2 and "--holdout must be in [0, 1), not -0.5" in _said(result)
