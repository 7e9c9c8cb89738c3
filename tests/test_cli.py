"""The command line: bad input is refused with exit code 2, one line, no traceback, no partial output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import synthloom
from synthloom import load
from synthloom.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def real_csv(tmp_path_factory, default_frame) -> Path:
    path = tmp_path_factory.mktemp("real") / "real.csv"
    default_frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, real_csv) -> Path:
    path = tmp_path_factory.mktemp("model") / "m.synthloom"
    result = invoke("fit", real_csv, "-o", path, "--seed", "1")
    assert result.exit_code == 0, result.output
    return path


def assert_user_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = " ".join(result.output.split())
    for fragment in fragments:
        assert fragment in text, text


@pytest.mark.parametrize("seed", ["-1", str(2**32)])
def test_a_seed_out_of_numpys_range_is_refused_naming_the_option(model_file, real_csv, tmp_path, seed):
    """`--seed -1` ended `sample` and `evaluate` in numpy's traceback ("expected non-negative integer"),
    `--seed 4294967296` ended `evaluate` in scikit-learn's, both with exit code 1."""
    for args in (
        ("sample", model_file, "-n", "5", "-o", tmp_path / "s.csv"),
        ("evaluate", real_csv, real_csv, "--json", tmp_path / "e.json"),
    ):
        result = invoke(*args, "--seed", seed)
        assert_user_error(result, "Invalid value for '--seed'")
        assert not (tmp_path / "s.csv").exists() and not (tmp_path / "e.json").exists()


def test_fit_then_sample_csv_and_parquet(model_file, tmp_path, default_frame):
    for name in ("fake.csv", "fake.parquet"):
        out = tmp_path / name
        result = invoke("sample", model_file, "-n", "1500", "-o", out, "--seed", "3")
        assert result.exit_code == 0, result.output
        fake = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
        assert fake.shape == (1500, 4) and list(fake.columns) == list(default_frame.columns)
    again = tmp_path / "again.csv"
    invoke("sample", model_file, "-n", "1500", "-o", again, "--seed", "3")
    assert again.read_bytes() == (tmp_path / "fake.csv").read_bytes()


def test_sample_with_conditions(model_file, tmp_path):
    out = tmp_path / "rich.csv"
    result = invoke(
        "sample", model_file, "-n", "300", "-o", out, "-c", "student=Yes", "-c", "balance=500..1500"
    )
    assert result.exit_code == 0, result.output
    fake = pd.read_csv(out)
    assert len(fake) == 300 and fake["student"].eq("Yes").all() and fake["balance"].between(500, 1500).all()
    impossible = invoke("sample", model_file, "-n", "5", "-o", tmp_path / "x.csv", "-c", "student=Maybe")
    assert_user_error(impossible, "never takes the value 'Maybe'")
    assert_user_error(invoke("sample", model_file, "-n", "5", "-o", out, "-c", "student"), "COLUMN=VALUE")


def test_chunked_sampling_is_whole(model_file, tmp_path):
    from synthloom import load
    from synthloom.sampling import sample_to_file

    out = sample_to_file(load(model_file), 2_500, tmp_path / "chunks.parquet", chunk_rows=1_000)
    assert len(pd.read_parquet(out)) == 2_500
    assert not list(tmp_path.glob(".*part"))


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"", ["bad.csv", "is empty"]),
        (b"a,b\n", ["bad.csv", "header but no data rows"]),
        (b"a,b\n1,\xff\xfe\n", ["bad.csv", "not valid utf-8", "--encoding"]),
        (b"a,a,b\n1,2,3\n", ["bad.csv", "duplicate column", "'a'"]),
        (b"a,b\n1,2\n3,4\n", ["needs at least 10 rows"]),
        # a ';'-delimited file read as one column of unique values
        (
            b"id;name\n" + b"".join(b"C%d;p%d\n" % (i, i) for i in range(60)),
            ["nothing to learn", "delimiter"],
        ),
    ],
    ids=["empty", "header-only", "bad-bytes", "duplicate-columns", "too-few-rows", "identifiers-only"],
)
def test_bad_training_files(tmp_path, content, fragments):
    data = tmp_path / "bad.csv"
    data.write_bytes(content)
    out = tmp_path / "m.synthloom"
    assert_user_error(invoke("fit", data, "-o", out), *fragments)
    assert not out.exists() and not list(tmp_path.glob(".*part"))


def test_outputs_that_cannot_be_written_are_refused_in_one_line(tmp_path, real_csv, model_file):
    folder = tmp_path / "folder"
    folder.mkdir()
    assert_user_error(invoke("fit", real_csv, "-o", folder), "folder: is a folder")
    assert_user_error(
        invoke("fit", real_csv, "-o", real_csv / "m.synthloom"), "real.csv is a file, not a folder"
    )
    for name in ("out.xlsx", model_file):  # an unknown suffix is neither a table nor a folder of parts
        assert_user_error(invoke("sample", model_file, "-n", "5", "-o", name), "unknown output format")
    dotted = tmp_path / "runs" / "v1.2"  # ... unless --format says it is a new folder of parts
    assert invoke("sample", model_file, "-n", "5", "-o", dotted, "--format", "csv").exit_code == 0
    assert (dotted / "part-00000.csv").exists()
    assert_user_error(invoke("demo", "--model", "copula", "--out", real_csv), "real.csv: is a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder", "runs"] and not list(folder.iterdir())


def test_sample_to_standard_output_writes_the_csv_rows_and_nothing_else(tmp_path, model_file):
    """``-o -`` made a folder of parts named "-"; it writes the CSV a .csv file gets, progress and the
    closing line on stderr, and a reader that stops early (``| head``) stops it quietly."""
    command = [sys.executable, "-m", "synthloom", "sample", str(model_file), "-n"]
    piped = subprocess.run([*command, "50", "-o", "-", "--seed", "3"], capture_output=True, cwd=tmp_path)
    assert piped.returncode == 0, piped.stderr
    assert invoke("sample", model_file, "-n", "50", "-o", tmp_path / "f.csv", "--seed", "3").exit_code == 0
    assert piped.stdout == (tmp_path / "f.csv").read_bytes()
    assert b"wrote 50 synthetic rows to standard output" in piped.stderr
    reader = subprocess.Popen(
        [*command, "300000", "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path
    )
    assert reader.stdout.readline() == b"default,student,balance,income\n"
    reader.stdout.close()  # as `| head -1` does
    errors = reader.stderr.read()
    assert reader.wait(timeout=300) == 141 and b"Traceback" not in errors, errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.csv"]
    # a reader of the messages that stops early (`2>&1 >rows.csv | head -c 0`) leaves the rows whole and
    # the exit 0: it was 1, the code of a bug, once the closing line met the closed pipe
    with (tmp_path / "rows.csv").open("wb") as rows:
        quiet = subprocess.Popen(
            [*command, "50", "-o", "-", "--seed", "3"], stdout=rows, stderr=subprocess.PIPE
        )
        quiet.stderr.close()
        assert quiet.wait(timeout=300) == 0
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "f.csv").read_bytes()


def test_a_reader_that_stops_early_does_not_stop_a_fit_and_a_full_disk_is_one_line(
    tmp_path, real_csv, monkeypatch
):
    """`fit ... | head -c 10` ended with exit 1, in silence, and no model: the closed pipe failed the
    message printed before the save. A full disk gave a traceback (safetensors' own error) and exit 1."""
    command = [sys.executable, "-m", "synthloom", "fit", str(real_csv), "-m", "copula", "-o", "m.synthloom"]
    reader = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
    reader.stdout.close()  # as `| head -c 0` does: every message meets a closed pipe
    errors = reader.stderr.read()
    assert reader.wait(timeout=300) == 0 and b"Traceback" not in errors, errors
    assert load(tmp_path / "m.synthloom").metadata_.columns
    import errno

    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    result = invoke("fit", real_csv, "-m", "copula", "-o", tmp_path / "n.synthloom")
    assert_user_error(result, "no space left on the device writing ", ", nor in the temporary folder ")
    assert not (tmp_path / "n.synthloom").exists()


def test_a_fit_whose_output_device_is_full_is_saved_to_the_temporary_folder(tmp_path, real_csv, monkeypatch):
    """A full disk at the save threw the whole fit away (an hour's, maybe) with "free some space"."""
    import errno
    import shutil

    full = tmp_path / "full"
    real_write = Path.write_bytes

    def write(self: Path, data: bytes) -> int:
        if self.is_relative_to(full):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write)
    result = invoke("fit", real_csv, "-m", "copula", "-o", full / "m.synthloom")
    assert_user_error(result, "no space left on the device writing ", "the fitted model was saved to ")
    rescued = Path(re.search(r"saved to (\S+m\.synthloom) instead", " ".join(result.output.split())).group(1))
    try:
        assert load(rescued).metadata_.columns and not (full / "m.synthloom").exists()
    finally:
        shutil.rmtree(rescued.parent)


def test_a_full_disk_while_writing_parts_says_the_run_resumes(tmp_path, model_file, monkeypatch):
    """Parts finished before the disk filled are kept, as after Ctrl-C, but the message said "nothing
    half-written was kept", and not that the run resumes from them: a user might delete the folder."""
    import errno

    from synthloom import sampling

    real_write, writes = sampling._TableWriter.write, []

    def write(self: sampling._TableWriter, frame: pd.DataFrame) -> None:
        writes.append(len(frame))
        if len(writes) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, frame)

    monkeypatch.setattr(sampling._TableWriter, "write", write)
    out = tmp_path / "parts"
    result = invoke("sample", model_file, "-n", "500", "--part-rows", "100", "-o", out)
    assert_user_error(result, f"no space left on the device; finished parts are kept in {out}: free some")
    monkeypatch.setattr(sampling._TableWriter, "write", real_write)
    resumed = invoke("sample", model_file, "-n", "500", "--part-rows", "100", "-o", out)
    assert resumed.exit_code == 0 and "2 of 5 parts" in resumed.output, resumed.output


def test_standard_output_is_refused_where_it_takes_no_csv_rows(tmp_path, real_csv, model_file, monkeypatch):
    """Every other output named "-" made a file or folder "-": one line instead, before any work."""
    monkeypatch.chdir(tmp_path)
    assert_user_error(
        invoke("sample", model_file, "-n", "5", "-o", "-", "--format", "parquet"), "give a .parquet file"
    )
    for args in (
        ["fit", real_csv, "-m", "copula", "-o", "-"],
        ["augment", real_csv, "-t", "default", "-m", "copula", "-o", "-"],
        ["evaluate", real_csv, real_csv, "--report", "-"],
        ["image", "sample", model_file, "-o", "-"],
        ["image", "fit", tmp_path, "-o", "-"],
        ["demo", "--model", "copula", "--out", "-"],
    ):
        assert_user_error(
            invoke(*args), "-: standard output takes only the CSV rows of `synthloom sample -o -`"
        )
    assert not list(tmp_path.iterdir())


def test_an_output_named_as_another_format_is_refused_before_any_work(tmp_path, real_csv, model_file):
    """A model file named x.pkl, HTML written into r.pdf and JSON into s.txt were written as asked, under
    names that say something else: one line asks for the option's suffix instead."""
    model_help = "writes a model file (safetensors + JSON); give a file name ending in .synthloom"
    html_help = "writes an HTML page; give a file name ending in .html"
    for args, said in (
        (["fit", real_csv, "-o", tmp_path / "x.pkl"], f"-o {tmp_path / 'x.pkl'}: {model_help}"),
        (["fit", real_csv, "-o", tmp_path / "m"], f"{model_help} (e.g. -o {tmp_path / 'm.synthloom'})"),
        (["image", "fit", "digits", "-o", tmp_path / "pets.pkl"], model_help),
        (["detect", "fit", real_csv, "-o", tmp_path / "d.safetensors"], model_help),
        (["evaluate", real_csv, real_csv, "--report", tmp_path / "r.pdf"], f"--report {tmp_path / 'r.pdf'}"),
        (
            ["evaluate", real_csv, real_csv, "--json", tmp_path / "s.txt"],
            "writes JSON; give a file name ending in .json",
        ),
        (["augment", real_csv, "-t", "default", "--evaluate", "--report", tmp_path / "a.xml"], html_help),
        (["image", "evaluate", model_file, "digits", "--report", tmp_path / "i.txt"], html_help),
        (
            ["detect", "score", model_file, real_csv, "-o", tmp_path / "s.csv", "--report", tmp_path / "d"],
            html_help,
        ),
    ):
        assert_user_error(invoke(*args), said)
    assert not list(tmp_path.iterdir())


def test_evaluate_checks_every_output_before_writing_the_first(tmp_path, real_csv):
    (tmp_path / "afile").write_text("x")
    outputs = ("--json", tmp_path / "ev.json", "--report", tmp_path / "afile" / "r.html")
    result = invoke("evaluate", real_csv, real_csv, *outputs)
    assert_user_error(result, "afile is a file, not a folder")
    assert not (tmp_path / "ev.json").exists()


def test_evaluate_names_the_file_whose_table_cannot_be_compared(tmp_path, real_csv, default_frame):
    """The errors said "synthetic data" and "training data", leaving the user to work out which file."""
    default_frame.drop(columns="student").to_csv(tmp_path / "fewer.csv", index=False)
    default_frame.assign(balance="abc").to_csv(tmp_path / "text.csv", index=False)
    lacking = invoke("evaluate", real_csv, tmp_path / "fewer.csv")
    assert_user_error(lacking, "fewer.csv (synthetic data) does not have the real data's columns: it lacks")
    as_train = invoke("evaluate", real_csv, real_csv, "--train", tmp_path / "fewer.csv")
    assert_user_error(as_train, "fewer.csv (training data) does not have the real data's columns")
    assert_user_error(
        invoke("evaluate", real_csv, tmp_path / "text.csv"), "text.csv (synthetic data): column"
    )


def test_an_output_is_never_another_output_or_an_input(tmp_path, real_csv):
    same = tmp_path / "same.out"
    twice = invoke("evaluate", real_csv, real_csv, "--json", same, "--report", same)
    assert_user_error(twice, "same.out is given for two outputs")
    assert not same.exists()
    before = real_csv.read_bytes()
    over_input = invoke("evaluate", real_csv, real_csv, "--report", real_csv)
    assert_user_error(over_input, "real.csv is an input of this command")
    assert_user_error(invoke("fit", real_csv, "-o", real_csv), "real.csv is an input of this command")
    assert real_csv.read_bytes() == before


def test_evaluate_reads_csv_files_in_the_given_encoding(tmp_path, default_frame):
    frame = default_frame.head(200).assign(student=lambda f: f["student"].map({"Yes": "Oui-é", "No": "Non"}))
    latin = tmp_path / "latin.csv"
    frame.to_csv(latin, index=False, encoding="latin-1")
    assert_user_error(invoke("evaluate", latin, latin), "not valid utf-8", "--encoding")
    result = invoke("evaluate", latin, latin, "--encoding", "latin-1", "--json", tmp_path / "e.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "e.json").read_text())["scores"]["fidelity.column_shapes"] == 1.0
    utf8 = tmp_path / "synthetic.csv"  # what `synthloom sample` writes, whatever the real file's encoding
    frame.to_csv(utf8, index=False)
    result = invoke("evaluate", latin, utf8, "--encoding", "latin-1", "--json", tmp_path / "e2.json")
    assert result.exit_code == 0, result.output  # was: synthetic data lacks ['student'] values "Oui-Ã©"
    assert json.loads((tmp_path / "e2.json").read_text())["scores"]["fidelity.column_shapes"] == 1.0


def test_evaluate_with_a_model_reads_the_table_in_the_encoding_fit_read_it_in(tmp_path, default_frame):
    """`evaluate --model` on the cp1252 file `fit --encoding cp1252 --holdout` read had refused it as "not
    valid utf-8": the encoding had to be given again, to every command."""
    frame = default_frame.head(300).assign(student=lambda f: f["student"].map({"Yes": "Oui-é", "No": "Non"}))
    real = tmp_path / "real.csv"
    frame.to_csv(real, index=False, encoding="cp1252")
    model, fake = tmp_path / "m.synthloom", tmp_path / "fake.csv"
    fitted = invoke("fit", real, "--model", "copula", "--holdout", "0.2", "--encoding", "cp1252", "-o", model)
    assert fitted.exit_code == 0, fitted.output
    assert invoke("sample", model, "-n", "200", "-o", fake).exit_code == 0
    result = invoke("evaluate", real, fake, "--model", model, "--json", tmp_path / "e.json")
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "e.json").read_text())["info"]["real_rows"] == 60
    # an encoding given now still wins
    assert_user_error(
        invoke("evaluate", real, fake, "--model", model, "--encoding", "utf-8"), "not valid utf-8"
    )


def test_missing_file_and_unknown_model(tmp_path, real_csv):
    out = tmp_path / "m.synthloom"
    assert_user_error(invoke("fit", tmp_path / "nope.csv", "-o", out), "nope.csv", "not found")
    misspelt = invoke("fit", "adultt", "-o", out)
    assert_user_error(misspelt, "adultt: no such file or folder, and no bundled", "adult, adult_test")
    assert_user_error(
        invoke("fit", real_csv, "-o", out, "--model", "gpt"),
        "unknown model 'gpt'; choose one of: auto, copula, ctgan, ddpm, tvae",
    )
    assert "dcgan" not in invoke("demo", "--model", "gpt").output  # a table command offers table models


def test_sample_from_missing_or_corrupt_model(tmp_path):
    out = tmp_path / "fake.csv"
    assert_user_error(
        invoke("sample", tmp_path / "none.synthloom", "-n", "5", "-o", out), "none.synthloom", "not found"
    )
    corrupt = tmp_path / "corrupt.synthloom"
    corrupt.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json")
    assert_user_error(invoke("sample", corrupt, "-n", "5", "-o", out), "corrupt.synthloom", "not a readable")
    assert_user_error(invoke("sample", tmp_path, "-n", "5", "-o", out), "a folder, not a model file")
    assert not out.exists()


def test_a_data_file_given_as_the_model_is_named_so(tmp_path, real_csv, model_file):
    """``sample data.csv`` and ``evaluate --model data.csv`` said "corrupt or another format: header too
    large"."""
    out = tmp_path / "fake.csv"
    swapped = invoke("sample", real_csv, "-n", "5", "-o", out)
    assert_user_error(swapped, "real.csv: a data file, not a model file; give the .synthloom file")
    judged = invoke("evaluate", real_csv, real_csv, "--model", real_csv, "--json", tmp_path / "r.json")
    assert_user_error(judged, "real.csv: a data file, not a model file")
    text = tmp_path / "rows.dat"
    text.write_text("a,b\n1,2\n")  # text under any other suffix than .synthloom
    assert_user_error(invoke("sample", text, "-n", "5", "-o", out), "rows.dat: a text file, not a model file")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(128, 228)))  # no zero byte, and no text
    assert_user_error(
        invoke("sample", junk, "-n", "5", "-o", out), "junk.bin: not a readable synthloom model"
    )
    assert not out.exists()


def test_a_pickled_model_is_named_a_pickle_never_loaded(tmp_path):
    """SDV's saved synthesizer was "not a readable synthloom model file (... header too large)"."""
    import pickle

    out = tmp_path / "fake.csv"
    for name in ("sdv_model.pkl", "renamed.synthloom"):  # by suffix, and by pickle's opening bytes
        pickled = tmp_path / name
        pickled.write_bytes(pickle.dumps({"synthesizer": "GaussianCopulaSynthesizer"}, protocol=4))
        said = invoke("sample", pickled, "-n", "5", "-o", out)
        assert_user_error(said, f"{name}: a pickle file (SDV saves models so; synthloom never loads one")
    assert not out.exists()


def test_a_peers_name_for_a_model_is_told_ours():
    from synthloom import get_model
    from synthloom.errors import ConfigError

    for peer, ours in (("gaussian_copula", "copula"), ("CTGANSynthesizer", "ctgan"), ("TabDDPM", "ddpm")):
        with pytest.raises(ConfigError, match=f"unknown model '{peer}' \\(synthloom calls it '{ours}'\\)"):
            get_model(peer)
    for other_case, ours in (("TVAE", "tvae"), ("Copula", "copula")):  # had no suggestion
        with pytest.raises(ConfigError, match=f"unknown model '{other_case}' \\(did you mean '{ours}'\\?\\)"):
            get_model(other_case)


def test_model_from_a_newer_format_is_refused(tmp_path, model_file, edited_model):
    newer = edited_model(model_file, tmp_path / "newer.synthloom", lambda d: d.update(format_version=99))
    assert_user_error(invoke("sample", newer, "-n", "5", "-o", tmp_path / "f.csv"), "format 99", "upgrade")
    # a format version written as text was told to upgrade to the synthloom reading it
    text = edited_model(model_file, tmp_path / "text.synthloom", lambda d: d.update(format_version="1"))
    refused = invoke("sample", text, "-n", "5", "-o", tmp_path / "f.csv")
    assert_user_error(refused, "format_version is '1', not a whole number")


@pytest.mark.parametrize("rows", ["-5", "2.5", "ten"])
def test_bad_row_counts(model_file, tmp_path, rows):
    # named as the user may have typed it: "--rows" alone read as an option the user never gave
    out = tmp_path / "fake.csv"
    assert_user_error(
        invoke("sample", model_file, "-n", rows, "-o", out), "-n/--rows must be a whole number >= 0", rows
    )
    assert not out.exists()


def test_awkward_columns_are_handled(tmp_path):
    rng = np.random.default_rng(0)
    n = 60
    frame = pd.DataFrame(
        {
            "all_null": [np.nan] * n,
            "constant": ["same"] * n,
            "with_inf": np.where(rng.random(n) < 0.1, np.inf, rng.normal(size=n)),
            "stray": [str(v) for v in rng.integers(0, 100, n - 1)] + ["unknown"],
        }
    )
    data, out, fake = tmp_path / "awkward.csv", tmp_path / "m.synthloom", tmp_path / "fake.csv"
    frame.to_csv(data, index=False)
    result = invoke("fit", data, "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "infinite value(s) treated as missing" in text and "'unknown'" in text
    assert invoke("sample", out, "-n", "100", "-o", fake).exit_code == 0
    synthetic = pd.read_csv(fake)
    assert synthetic["all_null"].isna().all() and synthetic["constant"].eq("same").all()
    assert np.isfinite(synthetic["with_inf"].dropna()).all() and synthetic["with_inf"].isna().any()


def test_declared_datetimes_without_a_format_come_back_in_the_form_most_real_ones_have(tmp_path):
    """Declared {"kind": "datetime"}: 57 day-first stamps first among 4,841 ISO ones were taken for the
    column's form (99.5% of the synthetic column missing), and clean ones came back with seconds."""
    stamps = pd.Series(pd.date_range("2024-01-01 08:00", periods=400, freq="127min"))
    mixed = stamps.dt.strftime("%Y-%m-%d %H:%M")
    mixed[:6] = stamps[:6].dt.strftime("%d/%m/%Y %H:%M")
    frame = pd.DataFrame(
        {
            "clean": stamps.dt.strftime("%Y-%m-%d %H:%M"),
            "mixed": mixed,
            "x": np.random.default_rng(0).normal(size=400),
        }
    )
    data, kinds = tmp_path / "stays.csv", tmp_path / "kinds.json"
    out, fake = tmp_path / "m.synthloom", tmp_path / "fake.csv"
    frame.to_csv(data, index=False)
    kinds.write_text(json.dumps({"columns": {"clean": {"kind": "datetime"}, "mixed": {"kind": "datetime"}}}))
    result = invoke("fit", data, "-o", out, "--metadata", kinds, "--model", "copula")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "'mixed': 6 value(s) that are not datetimes written as '%Y-%m-%d %H:%M'" in text
    assert invoke("sample", out, "-n", "200", "-o", fake).exit_code == 0
    synthetic = pd.read_csv(fake, dtype=str)
    for name in ("clean", "mixed"):
        assert synthetic[name].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d").all(), synthetic[name].head()


def test_module_entry_point_and_help():
    result = subprocess.run(
        [sys.executable, "-m", "synthloom", "fit", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    for option in ("--output", "--model", "--epochs", "--seed", "--metadata"):
        assert option in result.stdout


def test_the_command_line_starts_without_torch_or_scikit_learn():
    """``--help`` answers without their imports: the CLI imports ``synthloom.errors``, whose
    ``NotFittedError`` (scikit-learn's subclass) is imported on first use."""
    code = "import sys, synthloom.cli; print(sorted({'torch', 'sklearn'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_user_error_from_a_real_process_has_no_traceback(tmp_path):
    out = str(tmp_path / "m.synthloom")
    result = subprocess.run(
        [sys.executable, "-m", "synthloom", "fit", str(tmp_path / "x.csv"), "-o", out],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr
    assert "x.csv" in result.stderr


def test_precision_is_checked_before_the_data_is_read(tmp_path, real_csv):
    out = tmp_path / "m.synthloom"
    assert_user_error(invoke("fit", tmp_path / "missing.csv", "--precision", "half", "-o", out), "precision")
    result = invoke("fit", real_csv, "--model", "copula", "--precision", "float32", "-o", out)
    assert_user_error(result, "no precision setting")
    assert not out.exists()


def test_sample_precision_overrides_the_models_own(tmp_path, real_csv):
    model = tmp_path / "tvae.synthloom"
    assert invoke("fit", real_csv, "-m", "tvae", "--epochs", "1", "-o", model).exit_code == 0
    for precision in ("float32", "auto"):
        out = tmp_path / f"{precision}.csv"
        result = invoke("sample", model, "-n", "50", "-o", out, "--precision", precision)
        assert result.exit_code == 0, result.output
    result = invoke("sample", model, "-n", "5", "-o", tmp_path / "x.csv", "--precision", "half")
    assert_user_error(result, "half")
    copula = tmp_path / "copula.synthloom"
    assert invoke("fit", real_csv, "-m", "copula", "-o", copula).exit_code == 0
    result = invoke("sample", copula, "-n", "5", "-o", tmp_path / "y.csv", "--precision", "float32")
    assert_user_error(result, "no precision setting")
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "y.csv").exists()


def test_fit_target_conditions_ddpm_and_is_refused_elsewhere(tmp_path, real_csv):
    model = tmp_path / "ddpm.synthloom"
    result = invoke("fit", real_csv, "-m", "ddpm", "--epochs", "1", "--target", "default", "-o", model)
    assert result.exit_code == 0, result.output
    assert load(model).target == "default"
    for args, fragment in (
        (("-m", "ddpm", "--target", "balance"), "'balance' holds numbers or dates"),
        (("-m", "ddpm", "--target", "nope"), "'nope' is not a column of the data"),
        (("-m", "tvae", "--target", "default"), "does not condition on a target; drop --target"),
    ):
        out = tmp_path / "refused.synthloom"
        assert_user_error(invoke("fit", real_csv, "--epochs", "1", *args, "-o", out), fragment)
        assert not out.exists()


def test_a_fit_cut_short_by_the_time_limit_says_at_which_epoch(tmp_path, real_csv):
    """Only the progress bar (gone from a log) showed that --max-minutes had stopped training early."""
    from synthloom.models.ddpm import MAX_DEFAULT_EPOCHS  # 1,000 rows: its 20,000 steps pass this cap

    model = tmp_path / "m.synthloom"
    options = ("--max-minutes", "0.01", "--device", "cpu", "-o", model)
    cut = invoke("fit", real_csv, "-m", "tvae", "--epochs", "100000", *options)
    assert cut.exit_code == 0, cut.output
    text = " ".join(cut.output.split())
    # "at epoch 12 of" after whole epochs, "40% into epoch 13 of" where the limit cut the last one
    said = r"the time limit \(--max-minutes 0.01\) stopped training (at|\d+% into) epoch {} of {};"
    assert re.search(said.format(len(load(model).loss_history_), 100000), text)
    planned = invoke("fit", real_csv, "-m", "ddpm", *options)  # ddpm plans its own epochs
    assert planned.exit_code == 0, planned.output
    reached = len(load(model).loss_history_)
    assert re.search(said.format(reached, MAX_DEFAULT_EPOCHS), " ".join(planned.output.split()))
    whole = invoke("fit", real_csv, "-m", "tvae", "--epochs", "1", "--max-minutes", "5", "-o", model)
    assert whole.exit_code == 0 and "time limit" not in whole.output


def test_a_time_limit_that_cuts_the_only_epoch_is_said(capsys):
    """`fit --epochs 1 --max-minutes 0.1` on 300,000 rows stopped 6 s into a 9 s epoch without a word: the
    history said epoch 1 of 1, as after a whole one."""
    from synthloom.cli_support import say_if_time_cut

    say_if_time_cut(0.1, [{"epoch": 0.43}], 1)
    say_if_time_cut(0.1, [{"epoch": 1.0}, {"epoch": 1.999}], 5)
    say_if_time_cut(0.1, [{"epoch": 1.0}], 1)  # whole: nothing to say
    said = " ".join(capsys.readouterr().out.split())
    assert "stopped training 43% into epoch 1 of 1;" in said
    assert "stopped training 99% into epoch 2 of 5;" in said  # never "100% into"
    assert said.count("time limit") == 2


def test_an_output_where_nothing_can_be_written_is_refused_before_any_work(tmp_path):
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("/proc is Linux's")
    from synthloom.data.io import check_writable
    from synthloom.errors import ConfigError

    with pytest.raises(ConfigError, match="cannot write in /proc"):  # root may write anywhere else
        check_writable("/proc/report.html")
    assert check_writable(tmp_path / "new" / "r.html") == tmp_path / "new" / "r.html"


def test_device_on_a_cpu_only_model_is_refused(tmp_path, real_csv):
    result = invoke("fit", real_csv, "--model", "copula", "--device", "cuda", "-o", tmp_path / "m.synthloom")
    assert_user_error(result, "model 'copula' runs on the CPU only; drop --device")
    result = invoke("fit", real_csv, "--model", "copula", "--device", "cpu", "-o", tmp_path / "m.synthloom")
    assert result.exit_code == 0, result.output  # a loop over models with --device cpu keeps working


def test_a_model_with_nan_weights_is_refused_as_damaged(tmp_path, model_file):
    from safetensors import safe_open
    from safetensors.torch import save_file

    with safe_open(str(model_file), framework="pt") as handle:
        metadata = handle.metadata()
        tensors = {k: handle.get_tensor(k).clone() for k in handle.keys()}  # noqa: SIM118
    name = next(k for k, t in tensors.items() if t.is_floating_point())
    tensors[name].view(-1)[0] = float("nan")
    damaged = tmp_path / "damaged.synthloom"
    save_file(tensors, str(damaged), metadata=metadata)
    out = tmp_path / "f.csv"
    assert_user_error(invoke("sample", damaged, "-n", "5", "-o", out), "damaged", name, "NaN or infinite")
    assert not out.exists()


def test_an_edited_description_that_breaks_sampling_is_refused_at_load(tmp_path, model_file, edited_model):
    def huge_decimals(d):
        numeric = next(e for e in d["transformer"]["encoders"] if "decimals" in e["state"])
        numeric["state"]["decimals"] = 10**12

    def rules_not_a_mapping(d):
        d["constraints"] = [1]

    for number, edit in enumerate((huge_decimals, rules_not_a_mapping)):
        broken = edited_model(model_file, tmp_path / f"broken{number}.synthloom", edit)
        out = tmp_path / "f.csv"
        refused = invoke("sample", broken, "-n", "5", "-o", out)
        assert_user_error(refused, "corrupt or does not fit its weights")
        assert not out.exists()


def test_a_description_asking_for_huge_networks_is_refused_before_they_are_built(
    tmp_path, real_csv, edited_model
):
    import time

    path = tmp_path / "t.synthloom"
    result = invoke("fit", real_csv, "--model", "tvae", "--epochs", "1", "-o", path)
    assert result.exit_code == 0, result.output
    for key, value, fragment in (
        ("hidden_depth", 10**6, "far more weights than the"),  # a million layers: minutes and gigabytes
        ("hidden_width", 10**6, "of shape (1000000,"),  # a 10^6 x 10^6 layer: terabytes
    ):
        broken = edited_model(
            path, tmp_path / f"{key}.synthloom", lambda d, k=key, v=value: d["params"].update({k: v})
        )
        start = time.monotonic()
        assert_user_error(invoke("sample", broken, "-n", "5", "-o", tmp_path / "f.csv"), fragment)
        assert time.monotonic() - start < 20


def test_demo_takes_a_training_length(tmp_path):
    from synthloom import load

    result = invoke("demo", "--model", "tvae", "--epochs", "1", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert load(tmp_path / "out" / "model.synthloom").get_params()["epochs"] == 1
    assert (tmp_path / "out" / "scores.json").exists()
    refused = invoke("demo", "--model", "copula", "--epochs", "3", "--out", tmp_path / "other")
    assert_user_error(refused, "model 'copula' does not train in epochs; drop --epochs")
    assert not (tmp_path / "other").exists()


def test_every_generator_is_listed_and_built_by_name_in_a_fresh_process() -> None:
    """get_model("cdcgan") (the image models' own docstring) failed unless the image CLI had run first, and
    `synthloom models` listed the table generators only."""
    code = "import synthloom as sl; print(type(sl.get_model('cdcgan', epochs=1)).__name__, sl.list_models())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("ConditionalDCGAN") and "'vae'" in done.stdout and "'tvae'" in done.stdout
    listed = subprocess.run(
        [sys.executable, "-m", "synthloom", "models"], capture_output=True, text=True, check=True
    ).stdout
    assert "cdcgan" in listed and "images (synthloom image fit)" in listed and "tables" in listed
    assert "``" not in listed and "both networks" in listed  # a first paragraph, whole, without markup


def test_values_near_the_largest_float_pass_without_numpy_warnings(tmp_path):
    """1.7976931348623157e308 in a column printed numpy's "overflow encountered in multiply" at fit and
    evaluate, and "... in scalar add" while drawing the report; +-1.8e308 beside 5e-324 steps crashed
    evaluate ("Too many bins for data range") and the report's histogram."""
    rng = np.random.default_rng(0)
    big = rng.choice(["1.7976931348623157e308", "-1.7976931348623157e308", "1.5", "-0"], 200)
    tiny = [repr(5e-324 * k) for k in rng.integers(0, 9, 200)]
    lines = [f"{v},{w},{'ab'[i % 2]}\n" for i, (v, w) in enumerate(zip(big, tiny, strict=True))]
    real, fake, model = tmp_path / "real.csv", tmp_path / "fake.csv", tmp_path / "m.synthloom"
    real.write_text("v,w,y\n" + "".join(lines))
    for args in (
        ["fit", str(real), "-m", "copula", "-o", str(model)],
        ["sample", str(model), "-n", "200", "-o", str(fake)],
        ["evaluate", str(real), str(fake), "--report", str(tmp_path / "r.html")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args[0], result.output, result.exception)
        assert "encountered" not in result.output, args[0]


def test_stream_of_a_bundled_data_set_is_refused_as_such(tmp_path):
    result = invoke("fit", "default", "--stream", "-m", "ctgan", "-o", tmp_path / "m.synthloom")
    refused = "default: --stream reads a file; a bundled data set is loaded whole: drop --stream"
    assert_user_error(result, refused)
    assert "file not found" not in result.output and not (tmp_path / "m.synthloom").exists()
    # a missing file is said to be missing before "fitting ... read in chunks" is printed
    result = invoke("fit", tmp_path / "none.csv", "--stream", "-m", "ctgan", "-o", tmp_path / "m.synthloom")
    assert_user_error(result, "none.csv: file not found; check the path")
    assert "fitting" not in result.output


def test_demo_refuses_an_image_generator_as_fit_does(tmp_path):
    for command in (["demo", "--out", tmp_path / "out"], ["fit", "default", "-o", tmp_path / "m.synthloom"]):
        result = invoke(*command, "--model", "dcgan")
        assert_user_error(result, "'dcgan' generates images; use `synthloom image fit DATA --model dcgan`")
    assert not (tmp_path / "out").exists() and not (tmp_path / "m.synthloom").exists()


def test_every_command_that_reads_tables_refuses_an_image_data_set_as_the_demo_does(tmp_path):
    """`fit digits` learned the 65-column pixel table as rows (exit 0), and `augment digits` asked for a
    --target: each says what the demo and the benchmark say, and lists the tables."""
    for args in (
        ["fit", "digits", "-o", tmp_path / "m.synthloom"],
        ["augment", "digits", "--evaluate"],
        ["augment", "digits", "-t", "label", "-m", "copula", "-o", tmp_path / "a.csv"],
        ["demo", "--dataset", "digits", "--out", tmp_path / "out"],
        ["bench", "-d", "digits", "-m", "copula", "-o", tmp_path / "bench"],
    ):
        result = invoke(*args)
        assert_user_error(result, "'digits' is an image data set;", "needs a table: adult, adult_test")
        assert "mnist" not in result.output
    assert not list(tmp_path.iterdir())


def test_sample_writes_numbers_as_the_real_csv_writes_them(tmp_path):
    """Prices every real row writes with two decimals ("26.00") came back as pandas writes floats ("26.0"),
    and changes written with their sign ("+1.26") lost it; the model file keeps how the CSV writes them."""
    rng = np.random.default_rng(0)
    lines = ["price,change,whole,qty,ratio"]
    for i in range(80):
        price, change = rng.choice([26.0, 15.5, 9.99, 40.0]), rng.normal(0, 1)
        lines.append(
            f"{price:.2f},{change:+.2f},{i % 5 * 10:.2f},{rng.integers(1, 9)},{rng.uniform():.{i % 4 + 1}f}"
        )
    real = tmp_path / "real.csv"
    real.write_text("\n".join(lines) + "\n")
    model = tmp_path / "m.synthloom"
    assert invoke("fit", real, "-o", model).exit_code == 0
    out = tmp_path / "fake.csv"
    result = invoke("sample", model, "-n", "300", "-o", out, "--seed", "1")
    assert result.exit_code == 0, result.output
    fake = pd.read_csv(out, dtype=str)
    assert fake["price"].str.fullmatch(r"\d+\.\d\d").all()  # "26.00", not "26.0"
    assert fake["whole"].str.fullmatch(r"\d+\.00").all()  # whole numbers too: the file writes "20.00"
    assert fake["change"].str.fullmatch(r"[+-]\d\.\d\d").all() and fake["change"].str.startswith("+").any()
    assert fake["qty"].str.fullmatch(r"\d").all()  # integers as they were
    assert not fake["ratio"].str.fullmatch(r"0\.\d{4}").all()  # decimals that differ: as pandas writes them
    parquet = tmp_path / "fake.parquet"
    assert invoke("sample", model, "-n", "300", "-o", parquet, "--seed", "1").exit_code == 0
    numbers = pd.read_parquet(parquet)  # the numbers themselves are unchanged, and numbers in Parquet
    assert (numbers.dtypes[["price", "change", "ratio"]] == "float64").all()
    pd.testing.assert_series_equal(numbers["price"], pd.read_csv(out)["price"])


def _help(*command: str) -> str:
    """A command's --help on one line, without the panels' borders."""
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


def test_help_texts_say_what_each_command_takes():
    for command in (("image", "fit"), ("detect", "fit")):  # every model there trains epochs, on a device
        said = _help(*command)
        assert "deep generators" not in said and "Training epochs (default: the model's own)" in said
    assert "Training epochs (deep generators only)" in _help("fit")  # copula has none
    sample = _help("sample")
    assert "--rows -n ROWS Number of rows to generate: 1000, 1_000, 1,000 or 1e3" in sample
    assert "--part-rows ROWS Rows per part file (folders), written as --rows is; default 1,000,000." in sample
    assert "1e6" not in sample
    augment = _help("augment")
    assert "or a bundled table (`synthloom datasets`), e.g. default, adult" in augment
    assert "(default, shuttle)" not in augment


def test_numbers_with_a_decimal_comma_are_learned_and_written_back_so(tmp_path):
    """A CSV from a decimal-comma locale ("84,60" split by ";") was learned as one category per amount
    (every synthetic amount a real one, with a warning to rewrite the file); its amounts are numbers now,
    drawn anew and written with a decimal comma."""
    rng = np.random.default_rng(0)
    amounts = [f"{v:.2f}".replace(".", ",") for v in rng.uniform(1, 100, 200)]
    real = tmp_path / "real.csv"
    real.write_text("amount;city\n" + "".join(f"{a};{rng.choice(['Köln', 'Lyon'])}\n" for a in amounts))
    model, out = tmp_path / "m.synthloom", tmp_path / "fake.csv"
    fitted = invoke("fit", real, "-o", model)
    assert fitted.exit_code == 0 and "decimal comma" not in fitted.output
    assert invoke("sample", model, "-n", "300", "-o", out, "--seed", "0").exit_code == 0
    written = [line.split(";")[0] for line in out.read_text().splitlines()[1:]]
    assert all(re.fullmatch(r"\d+,\d\d", amount) for amount in written)
    numbers = [float(amount.replace(",", ".")) for amount in written]
    assert min(numbers) >= 1 and max(numbers) <= 100
    assert len(set(written) - set(amounts)) > 200  # new amounts, not the real ones drawn again
    inside = invoke("sample", model, "-n", "50", "-o", "-", "-c", "amount=10,00..20,00", "--seed", "0")
    assert inside.exit_code == 0, inside.output
    asked = [float(line.split(";")[0].replace(",", ".")) for line in inside.stdout.splitlines()[1:]]
    assert len(asked) == 50 and all(10 <= v <= 20 for v in asked)


def test_sample_of_a_model_fitted_on_a_semicolon_csv_writes_semicolons(tmp_path):
    """A model fitted on a CSV split by ";" (a spreadsheet in a decimal-comma locale) was sampled into
    commas, though ``augment`` keeps the file's delimiter: one file, a folder of CSV parts
    and standard output are split at ";" now, as the model file keeps it."""
    real = tmp_path / "real.csv"
    real.write_text("n;price;y\n" + "".join(f"{i % 7};{10 + i % 5:.2f};{'ab'[i % 2]}\n" for i in range(60)))
    model = tmp_path / "m.synthloom"
    assert invoke("fit", real, "-o", model).exit_code == 0
    assert load(model).metadata_.csv_delimiter == ";"
    out, parts = tmp_path / "fake.csv", tmp_path / "parts"
    assert invoke("sample", model, "-n", "20", "-o", out, "--seed", "1").exit_code == 0
    args = ("sample", model, "-n", "20", "-o", parts, "--format", "csv", "--part-rows", "8", "--seed", "1")
    assert invoke(*args).exit_code == 0
    streamed = invoke("sample", model, "-n", "20", "-o", "-", "--seed", "1")
    assert streamed.exit_code == 0, streamed.output
    written = out.read_text()
    lines = written.splitlines()
    assert lines[0] == "n;price;y" and all(line.count(";") == 2 for line in lines)
    assert streamed.stdout == written
    assert (
        "".join(p.read_text().split("\n", 1)[1] for p in sorted(parts.glob("part-*.csv")))
        == (written.split("\n", 1)[1])
    )


# -- the command line as a whole --------------------------------------------------------------------------
def _commands(command=None, path=()):
    """Every command of the tree, with its words after ``synthloom`` (groups included)."""
    command = command or typer.main.get_command(app)
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _options(command) -> set[str]:
    return {name for param in command.params for name in (*param.opts, *param.secondary_opts)}


def test_version_prints_the_installed_version():
    """`synthloom --version` was refused ("No such option"), exit code 2."""
    result = invoke("--version")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"synthloom {synthloom.__version__}\n"
    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    assert synthloom.__version__ == project["version"]


def test_every_help_has_a_summary_and_examples_that_run_its_options():
    """No command's --help showed an example; each now ends with commands to copy, whose options exist."""
    for path, command in _commands():
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.output)
        assert command.get_short_help_str(limit=200), path
        assert "Examples:" in result.output, path
        example_lines = [line for line in command.epilog.split("\n") if line.strip().startswith("synthloom")]
        assert example_lines, path
        for line in example_lines:
            words = line.split("|")[0].split()
            assert tuple(words[1 : 1 + len(path)]) == path, line
            leaf = dict(_commands())[tuple(words[1:3]) if words[1] in ("image", "detect") else (words[1],)]
            flags = {word.split("=")[0] for word in words if word.startswith("-") and word != "-"}
            assert flags <= _options(leaf), (line, flags - _options(leaf))


def test_an_option_has_the_same_short_flag_in_every_command():
    """`--target` took `-t` in `augment` only (`fit -t y` was refused), `demo` wrote to `--out` with no
    `-o`, and `bench`'s folder was `--out` where the other commands' output is `--output`."""
    # bench's --rows is the real rows kept, not rows drawn: no -n there, on purpose
    exempt = {("--rows", ("bench",))}
    short: dict[str, set[tuple[str, ...]]] = {}
    where: dict[str, list[tuple[str, ...]]] = {}
    for path, command in _commands():
        for param in command.params:
            names = [*param.opts, *param.secondary_opts]
            for name in (n for n in names if n.startswith("--") and (n, path) not in exempt):
                short.setdefault(name, set()).add(tuple(sorted(n for n in names if not n.startswith("--"))))
                where.setdefault(name, []).append(path)
    mixed = {name: (flags, where[name]) for name, flags in short.items() if len(flags) > 1}
    assert not mixed, mixed
    for path in (("demo",), ("bench",)):
        assert {"--output", "--out", "-o"} <= _options(dict(_commands())[path])  # --out kept for scripts
    assert {"--target", "-t"} <= _options(dict(_commands())[("fit",)])


def test_list_options_name_the_form_they_take(model_file, tmp_path):
    """`--condition` and `--rows-per-class` were shown as `<list[str]>`, the form left to guess."""
    sample, augment = invoke("sample", "--help").output, invoke("augment", "--help").output
    assert "COLUMN=VALUE" in sample.split("--condition")[1].split("\n")[0]
    assert "CLASS=N" in augment.split("--rows-per-class")[1].split("\n")[0]
    for path, _ in _commands():
        assert "list[" not in invoke(*path, "--help").output, path


def test_piped_sample_output_has_no_stray_blank_line(model_file, tmp_path):
    """Piped or logged (no terminal), `sample` wrote an empty line before "wrote ...": rich ends a progress
    bar that never showed with one."""
    result = invoke("sample", model_file, "-n", "10", "-o", tmp_path / "fake.csv")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wrote 10 synthetic rows"), repr(result.output)
    streamed = invoke("sample", model_file, "-n", "10", "-o", "-")
    assert streamed.stderr == "wrote 10 synthetic rows to standard output\n"


@pytest.mark.parametrize("words", [("fit",), ("image", "fit"), ("detect", "fit")])
def test_an_unknown_device_is_refused_before_the_data_is_read(real_csv, tmp_path, words):
    """`--device tpu` was found out once the fit began: after the data was read and "fitting ..." printed,
    in words that named no option."""
    data = "digits" if words[0] == "image" else real_csv
    extra = ("--model", "tvae") if words == ("fit",) else ()
    result = invoke(*words, data, "-o", tmp_path / "m.synthloom", "--device", "tpu", *extra)
    assert_user_error(result, "--device tpu: unknown device 'tpu'")
    assert "fitting" not in result.output and not (tmp_path / "m.synthloom").exists()


def test_a_hand_written_metadata_file_s_mistakes_are_told_in_one_line(real_csv, tmp_path):
    """`--metadata` given a folder ended `fit` and `evaluate` in an IsADirectoryError traceback; a file
    with a byte-order mark (Notepad's UTF-8) was refused as no JSON; a misspelt key was left unused."""
    out = tmp_path / "m.synthloom"
    assert_user_error(invoke("fit", real_csv, "-o", out, "--metadata", tmp_path), "is a folder")
    assert_user_error(invoke("evaluate", real_csv, real_csv, "--metadata", tmp_path), "is a folder")
    assert_user_error(invoke("fit", real_csv, "-o", out, "--constraints", tmp_path), "is a folder")
    column = str(pd.read_csv(real_csv).columns[0])
    misspelt = tmp_path / "kinds.json"
    misspelt.write_text(json.dumps({"columns": {column: {"kind": "categorical", "Kind": "categorical"}}}))
    assert_user_error(
        invoke("fit", real_csv, "-o", out, "--metadata", misspelt),
        f"column {column!r} has an unknown key 'Kind'",
    )
    marked = tmp_path / "marked.json"
    marked.write_bytes(b"\xef\xbb\xbf" + json.dumps({"columns": {column: {"kind": "categorical"}}}).encode())
    result = invoke("fit", real_csv, "-o", out, "--model", "copula", "--metadata", marked)
    assert result.exit_code == 0, result.output
    assert load(out).metadata_.kinds()[column] == "categorical"


def test_evaluate_predicts_a_target_of_whole_number_codes_as_classes(tmp_path):
    """`evaluate --target` scored a grade coded 1 to 3, which `augment` balances as classes, by R²; it is a
    class to both now, and the report says how it was read and how to change it."""
    for name, seed in (("real", 0), ("fake", 1)):
        rng = np.random.default_rng(seed)
        x = rng.normal(size=300)
        frame = pd.DataFrame({"x": x, "z": rng.normal(size=300), "grade": np.digitize(x, [-0.5, 0.5]) + 1})
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    result = invoke(
        "evaluate", tmp_path / "real.csv", tmp_path / "fake.csv", "-t", "grade", "--json", tmp_path / "e.json"
    )
    assert result.exit_code == 0, result.output
    utility = json.loads((tmp_path / "e.json").read_text())["families"]["utility"]
    gap = utility["scores"][0]
    assert gap["label"] == "TRTR - TSTR ROC-AUC"
    assert "'grade' holds whole numbers on 3 levels, predicted as classes" in gap["meaning"]


@pytest.mark.parametrize(
    ("args", "named", "command"),
    [
        (["fit", "data.csv", "--epochs", "0"], "Invalid value for '--epochs'", "synthloom fit"),  # a range
        (
            ["fit", "data.csv", "--epoch", "5"],
            "No such option: --epoch (Possible options: --epochs)",
            "synthloom fit",
        ),
        (["fit", "data.csv", "--seed", "x"], "Invalid value for '--seed'", "synthloom fit"),  # not a number
        (["sample"], "Missing argument 'model_file'", "synthloom sample"),
        (["fitt"], "No such command 'fitt'. Did you mean 'fit'?", "synthloom"),  # a choice: no option has one
        (["--bogus"], "No such option: --bogus", "synthloom"),
        (["image", "fit", "digits", "--epochs", "0"], "Invalid value for '--epochs'", "synthloom image fit"),
        # an option without its value: the parser's error carried no context, and named the root's help
        (["fit", "x.csv", "--model"], "Option '--model' requires an argument", "synthloom fit"),
        (["evaluate", "a.csv", "b.csv", "--target"], "Option '--target' requires", "synthloom evaluate"),
        (["image", "fit", "x", "--epochs"], "Option '--epochs' requires", "synthloom image fit"),
    ],
)
def test_an_error_of_the_option_parser_is_one_line_naming_the_option_and_its_help(args, named, command):
    """typer drew these as a usage line, a hint, and the message in a box of five lines or more; they are
    one line now, as every other user error is, still with exit code 2."""
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert named in result.stderr and f"(see `{command} --help`)" in result.stderr, result.stderr


def test_an_error_of_the_option_parser_is_one_line_from_a_real_process():
    """What a user runs (``main``, here through ``python -m synthloom``) prints the same one line."""
    result = subprocess.run(
        [sys.executable, "-m", "synthloom", "fit", "data.csv", "--epochs", "0"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: Invalid value for '--epochs': Input should be greater than or equal to 1 "
        "(see `synthloom fit --help`)\n"
    )


@pytest.mark.parametrize("group", [[], ["image"], ["detect"]])
def test_a_group_without_a_command_still_shows_its_help(group):
    """Only the parser's errors became one line: a group run bare shows its help, as before (exit code 2)."""
    result = invoke(*group)
    assert result.exit_code == 2
    assert "Usage: synthloom" in result.stdout and "Commands" in result.stdout
    assert "error:" not in result.output
    assert invoke(*group, "--help").exit_code == 0


# -- fit --holdout, evaluate --model --------------------------------------------------------------------


def assert_one_line_error(result, *fragments: str) -> None:
    """``assert_user_error``, and the error is one line on stderr with nothing on stdout."""
    assert_user_error(result, *fragments)
    assert result.stdout == "" and result.stderr.count("\n") == 1, result.output


@pytest.fixture(scope="module")
def id_table(tmp_path_factory) -> Path:
    """200 rows, each with its own id, so that a row is known wherever a split puts it."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "row_id": np.arange(1_000, 1_200),
            "amount": rng.gamma(2.0, 50.0, 200).round(2),
            "kind": rng.choice(["a", "b", "c"], 200),
        }
    )
    path = tmp_path_factory.mktemp("ids") / "ids.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def held_out_model(tmp_path_factory, id_table) -> tuple[Path, Path, str]:
    """A copula fitted with --holdout 0.25 on ``id_table``, 100 rows sampled from it, and fit's output."""
    folder = tmp_path_factory.mktemp("held_out")
    model, fake = folder / "m.synthloom", folder / "fake.csv"
    fitted = invoke("fit", id_table, "--holdout", "0.25", "-o", model)
    assert fitted.exit_code == 0, fitted.output
    assert invoke("sample", model, "-n", "100", "-o", fake).exit_code == 0
    return model, fake, fitted.output


def test_fit_holdout_keeps_rows_out_and_records_the_split(held_out_model, id_table, model_file):
    """`fit` had no --holdout: a command-line user could not keep rows out to judge the model on."""
    from synthloom.models.base import read_model_file

    model, _, said = held_out_model
    assert "holding out 50 of 200 rows (--holdout 0.25)" in " ".join(said.split())
    assert "fitting copula on 150 rows" in said
    description, _ = read_model_file(model)
    split = description["training_split"]
    assert description["n_training_rows"] == 150
    assert {key: split[key] for key in ("source", "holdout", "seed", "rows")} == {
        "source": str(id_table.resolve()),
        "holdout": 0.25,
        "seed": 20_240_601,
        "rows": 200,
    }
    assert re.fullmatch("[0-9a-f]{64}", split["fingerprint"])
    assert load(model).training_split_ == split
    # without --holdout, every row trains and the file is what it was
    assert "training_split" not in read_model_file(model_file)[0] and load(model_file).training_split_ is None


def test_evaluate_model_scores_exactly_the_held_out_rows(held_out_model, id_table, tmp_path, monkeypatch):
    """`evaluate --model` did not exist: REAL and --train had to be split by hand."""
    import importlib

    evaluation = importlib.import_module("synthloom.metrics.evaluate")  # the package names the function so
    model, fake, _ = held_out_model
    seen: dict[str, pd.DataFrame] = {}
    scored = evaluation.evaluate

    def recorded(real_test, synthetic, train=None, *args, **kwargs):
        seen.update(real=real_test, train=train)
        return scored(real_test, synthetic, train, *args, **kwargs)

    monkeypatch.setattr(evaluation, "evaluate", recorded)
    result = invoke("evaluate", id_table, fake, "--model", model, "--json", tmp_path / "e.json")
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"100 synthetic rows against 50 held-out real rows of {id_table} (--holdout 0.25)" in said
    held, trained = set(seen["real"]["row_id"]), set(seen["train"]["row_id"])
    assert len(held) == 50 and len(trained) == 150 and not held & trained
    assert held | trained == set(range(1_000, 1_200))
    # the rows fit held out: the fixed seed's first quarter, whatever the user's --seed
    order = np.random.default_rng(20_240_601).permutation(200)
    assert held == set(1_000 + order[:50])
    info = json.loads((tmp_path / "e.json").read_text())["info"]
    assert (info["real_rows"], info["train_rows"]) == (50, 150)
    assert "the 50 rows" in info["sources"]["real"] and "the 150 rows" in info["sources"]["train"]
    # the same rows read from elsewhere (a Parquet copy) are the table the model was fitted on
    copy = tmp_path / "copy.parquet"
    pd.read_csv(id_table).to_parquet(copy, index=False)
    seen.clear()
    assert invoke("evaluate", copy, fake, "--model", model).exit_code == 0
    assert set(seen["real"]["row_id"]) == held


def test_evaluate_model_draws_the_models_training_curves(id_table, tmp_path):
    """`evaluate --model` passed the model's rows and kinds but not its losses: the report had no curves."""
    model, fake = tmp_path / "tvae.synthloom", tmp_path / "fake.csv"
    fitted = invoke("fit", id_table, "-m", "tvae", "--epochs", "2", "--holdout", "0.25", "-o", model)
    assert fitted.exit_code == 0, fitted.output
    assert invoke("sample", model, "-n", "100", "-o", fake).exit_code == 0
    page, scores = tmp_path / "e.html", tmp_path / "e.json"
    result = invoke("evaluate", id_table, fake, "--model", model, "--report", page, "--json", scores)
    assert result.exit_code == 0, result.output
    history = json.loads(scores.read_text())["loss_history"]
    assert [record["epoch"] for record in history] == [1.0, 2.0]
    assert history == load(model).loss_history_
    assert "training loss curves" in page.read_text().lower()


def test_evaluate_model_refuses_what_it_cannot_split_in_one_line(held_out_model, id_table, tmp_path):
    model, fake, _ = held_out_model
    out = tmp_path / "e.json"
    whole = tmp_path / "whole.synthloom"
    assert invoke("fit", id_table, "-o", whole).exit_code == 0
    cases = [
        (
            (id_table, fake, "--model", whole),
            ("whole.synthloom was fitted with --holdout 0", "fit it again with --holdout 0.2"),
        ),
        (
            (id_table, fake, "--model", model, "--train", id_table),
            ("--train and --model both give the training rows", "drop --train"),
        ),
        (
            ("default", fake, "--model", model),
            ("default: not the table", "fitted on", "the rows it held out are not known"),
        ),
    ]
    changed = tmp_path / "ids.csv"  # fitted, then edited in place
    changed.write_text(id_table.read_text())
    changed_model = tmp_path / "changed.synthloom"
    assert invoke("fit", changed, "--holdout", "0.25", "-o", changed_model).exit_code == 0
    pd.read_csv(changed).head(199).to_csv(changed, index=False)
    cases.append(
        ((changed, fake, "--model", changed_model), ("changed since `fit` read it (200 rows then, 199 now)",))
    )
    for args, fragments in cases:
        assert_one_line_error(invoke("evaluate", *args, "--json", out), *fragments)
        assert not out.exists()


def test_evaluate_model_knows_the_table_however_a_copy_types_its_values(tmp_path):
    """A Parquet copy of the fitted CSV (stamps as datetimes, None for NaN) was refused: "not the table
    m.synthloom was fitted on (tx.csv, 12,000 rows; 12,000 here)"."""
    rng = np.random.default_rng(1)
    stamps = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 10**7, 80), unit="s")
    frame = pd.DataFrame(
        {
            "row_id": np.arange(80),
            "at": stamps.astype(str),
            "kind": rng.choice(["a", "b", None], 80),
            "amount": rng.gamma(2.0, 50.0, 80).round(2),
        }
    )
    table, model, fake = tmp_path / "t.csv", tmp_path / "m.synthloom", tmp_path / "fake.csv"
    frame.to_csv(table, index=False)
    assert invoke("fit", table, "--holdout", "0.25", "-o", model).exit_code == 0
    assert invoke("sample", model, "-n", "40", "-o", fake).exit_code == 0
    copy = tmp_path / "copy.parquet"
    frame.assign(at=stamps).to_parquet(copy, index=False)
    out = tmp_path / "e.json"
    result = invoke("evaluate", copy, fake, "--model", model, "--json", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["info"]["real_rows"] == 20
    # the same count of rows with other values: the values differ, not the rows' count ("80 rows; 80 here")
    edited = tmp_path / "edited.csv"
    frame.assign(amount=frame["amount"] + 1).to_csv(edited, index=False)
    assert_one_line_error(
        invoke("evaluate", edited, fake, "--model", model), "not the table", "the same 80 rows, other values"
    )


def test_evaluate_model_compares_columns_as_the_model_was_fitted_with_them(tmp_path):
    """An account_id declared identifier at fit was compared as a category by `evaluate --model` (fidelity
    0.472 against 0.791 with --metadata), with fit's advice to declare it identifier repeated."""
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "account_id": rng.choice([f"AC{n}" for n in range(60)], 200),  # repeats: a category if inferred
            "amount": rng.gamma(2.0, 50.0, 200).round(2),
            "kind": rng.choice(["a", "b", "c"], 200),
        }
    )
    table, kinds, model = tmp_path / "t.csv", tmp_path / "kinds.json", tmp_path / "m.synthloom"
    frame.to_csv(table, index=False)
    kinds.write_text('{"columns": {"account_id": {"kind": "identifier"}}}')
    fake = tmp_path / "fake.csv"
    assert invoke("fit", table, "--metadata", kinds, "--holdout", "0.25", "-o", model).exit_code == 0
    assert invoke("sample", model, "-n", "100", "-o", fake).exit_code == 0
    out = tmp_path / "e.json"
    result = invoke("evaluate", table, fake, "--model", model, "--json", out)
    assert result.exit_code == 0, result.output
    assert "declare it identifier" not in " ".join(result.output.split())
    assert "account_id" not in json.loads(out.read_text())["info"]["columns"]  # ids are not compared
    # kinds given now win over the model's
    kinds.write_text('{"columns": {"account_id": {"kind": "categorical"}}}')
    result = invoke("evaluate", table, fake, "--model", model, "--metadata", kinds, "--json", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["info"]["columns"]["account_id"] == "categorical"


def test_a_bundled_name_without_model_points_to_fit_holdout(tmp_path, real_csv):
    """`evaluate adult fake.csv` said "adult: unknown table format '(none)'; use a .csv or .parquet file"."""
    out = tmp_path / "e.json"
    for args in (("default", real_csv), (real_csv, real_csv, "--train", "default")):
        result = invoke("evaluate", *args, "--json", out)
        assert_one_line_error(
            result,
            "default is a bundled data set, not a file",
            "`synthloom fit default --holdout 0.2 -o m.synthloom`",
            "--model m.synthloom",
        )
        assert "(none)" not in result.output
    result = invoke("evaluate", tmp_path / "noext", real_csv, "--json", out)
    assert_one_line_error(result, "noext: a name without a .csv or .parquet suffix")
    assert "(none)" not in result.output and not out.exists()


def test_fit_holdout_refuses_bad_shares_and_chunked_reading_before_fitting(tmp_path, real_csv):
    out = tmp_path / "m.synthloom"
    for args, fragments in (
        (("--holdout", "1"), ("--holdout must be in [0, 1), not 1",)),
        (("--holdout", "-0.1"), ("--holdout must be in [0, 1)",)),
        (("--holdout", "0.3", "--stream", "-m", "ctgan"), ("--holdout splits a table read whole", "drop")),
        (("--holdout", "0.0001"), ("--holdout 0.0001 of 1,000 rows holds none out",)),
        (("--holdout", "0.995"), ("leaves 5 of 1,000 rows to train on", "lower --holdout")),
    ):
        result = invoke("fit", real_csv, *args, "-o", out)
        assert_one_line_error(result, *fragments)
        assert "fitting" not in result.output and not out.exists()


def test_sample_to_standard_output_keeps_progress_lines_off_the_rows(model_file, monkeypatch):
    """Without a terminal, sampling's progress comes as plain lines: on stderr, never among the CSV rows
    that ``-o -`` writes to stdout."""
    from synthloom import progress

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    result = invoke("sample", model_file, "-n", "300000", "-o", "-")
    assert result.exit_code == 0, result.stderr
    rows = result.stdout.splitlines()
    assert rows[0] == "default,student,balance,income" and len(rows) == 300_001
    assert not any(row.startswith("sampling") for row in rows)
    errors = result.stderr.splitlines()
    assert [line.split(", ")[0] for line in errors[:3]] == [
        f"sampling: {k:,} of 300,000 rows" for k in (100_000, 200_000, 300_000)
    ]
    assert errors[-1] == "wrote 300,000 synthetic rows to standard output"


def test_fit_names_the_kind_each_column_was_learned_as(tmp_path):
    # the kinds a fit inferred were said nowhere: a term of 36 / 60 months learned as a number or as a
    # category, an id made anew, only showed in the sampled rows
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "customer": [f"C{i:05d}" for i in range(300)],
            "age": rng.integers(18, 80, 300),
            "income": rng.gamma(2, 20_000, 300).round(2),
            **{f"flag_{i}": rng.choice(["yes", "no"], 300) for i in range(8)},
        }
    )
    frame.to_csv(tmp_path / "real.csv", index=False)
    result = invoke("fit", tmp_path / "real.csv", "-o", tmp_path / "m.synthloom")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "columns learned as identifier (customer); integer (age); continuous (income); " in text
    assert "categorical (flag_0, flag_1, flag_2, flag_3, flag_4, flag_5 and 2 more); --metadata" in text


def test_fit_names_empty_and_constant_columns_apart_from_the_learned_ones(tmp_path):
    """An empty sensor column was named among the continuous ones (behind "and 32 more"), though nothing
    is learned from it and it is sampled empty."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "reading": rng.normal(size=200),
            "dead_sensor": np.nan,
            "unit": "kPa",
            "site": rng.choice(["a", "b"], 200),
        }
    )
    frame.to_csv(tmp_path / "real.csv", index=False)
    result = invoke("fit", tmp_path / "real.csv", "-o", tmp_path / "m.synthloom")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "continuous (reading); empty (dead_sensor); constant (unit); categorical (site);" in text


def test_a_warning_is_one_line_however_narrow_the_output():
    """In a log of 80 columns, `demo`, `image evaluate` and `detect score` split their warnings over up to
    six lines, half of which a grep found."""
    import io

    from rich.console import Console

    from synthloom.cli_support import say_warning

    out = io.StringIO()
    text = "shuttle: 45,586 of the 49,097 scored rows (92.8%) are rows the detector was fitted on " * 2
    say_warning(text.strip(), Console(file=out, width=40))
    assert out.getvalue() == f"warning: {text.strip()}\n"
