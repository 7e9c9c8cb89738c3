import codecs
import io
import re

import numpy as np
import pandas as pd
import pytest

from synthloom.errors import ConfigError
from synthloom.sampling import parse_condition_options, parse_row_count


def test_row_counts_from_text():
    assert (
        parse_row_count("1_000") == 1000 and parse_row_count("1e6") == 1_000_000 and parse_row_count("0") == 0
    )
    for bad in ("-1", "2.5", "lots", ""):
        with pytest.raises(ConfigError, match="row count"):
            parse_row_count(bad)
    with pytest.raises(ConfigError, match="--part-rows must be a whole number >= 1, not '0'"):
        parse_row_count("0", "--part-rows", minimum=1)
    from synthloom.sampling import chunk_seeds

    assert len(chunk_seeds(0, 250_001, 100_000)) == 3
    with pytest.raises(ConfigError, match="more than 100,000,000"):  # not a numpy MemoryError
        chunk_seeds(0, parse_row_count("1e13"), 1_000)


def test_condition_options():
    assert parse_condition_options(["income=>50K", " age = 30..40", "city=New=York", "zip="]) == {
        "income": ">50K",
        "age": (" 30", "40"),
        "city": "New=York",
        "zip": None,  # a missing value, as in an empty CSV field
    }
    for bad in ("income", "=x"):
        with pytest.raises(ConfigError, match="COLUMN=VALUE"):
            parse_condition_options([bad])
    with pytest.raises(ConfigError, match="'city' has two conditions"):  # not the last one silently
        parse_condition_options(["city=Paris", "city =Lyon"])
    # with the table's names, a name holding "=" or spaces is read whole (it was cut at the first "=" and
    # stripped: "column 'x' is not in the data")
    columns = ["x=y", " sp ", "x"]
    assert parse_condition_options(["x=y=p", " sp =0..1", "x=1"], columns=columns) == {
        "x=y": "p",
        " sp ": ("0", "1"),
        "x": "1",
    }


def test_conditions_on_several_columns_in_one_option_are_refused_with_the_options_to_give():
    # "-c 'income=>50K,sex=Female'" asked for an income category named ">50K,sex=Female": the refusal
    # listed the real incomes, without saying that one option holds one condition
    columns = ["income", "sex", "age", "city"]
    message = "on 3 columns; give each its own option: -c 'income=>50K' -c 'sex=Female' -c 'age=30..40'"
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_condition_options(["income=>50K,sex=Female,age=30..40"], columns=columns)
    # a comma before no column's name belongs to the value
    assert parse_condition_options(["city=Paris,Texas"], columns=columns) == {"city": "Paris,Texas"}


# -- files and folders of parts ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def copula(default_frame):
    from synthloom import get_model

    return get_model("copula", random_state=0).fit(default_frame)


class Interrupt:
    """Wraps ``model.sample``: counts calls and raises KeyboardInterrupt on call ``fail_at`` (if given)."""

    def __init__(self, model, fail_at=None):
        self.model, self.fail_at, self.calls = model, fail_at, 0
        self.original = model.sample

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.fail_at:
            raise KeyboardInterrupt
        return self.original(*args, **kwargs)


def test_parts_equal_one_file_and_form_one_dataset(copula, tmp_path):
    import json

    import pandas as pd
    import pyarrow.dataset as ds

    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file, sample_to_parts

    out = sample_to_parts(copula, 2_500, tmp_path / "out", seed=4, part_rows=1_000, chunk_rows=500)
    names = sorted(p.name for p in out.iterdir())
    assert names == ["_SUCCESS", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"]
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert [p["rows"] for p in manifest["parts"]] == [1_000, 1_000, 500] and manifest["seed"] == 4
    single = pd.read_parquet(sample_to_file(copula, 2_500, tmp_path / "one.parquet", seed=4, chunk_rows=500))
    # the folder is one table to Dask/Spark-style readers (pyarrow.dataset skips "_" files)
    table = ds.dataset(out, format="parquet").to_table().to_pandas()
    pd.testing.assert_frame_equal(table, single)
    pd.testing.assert_frame_equal(read_table(out), single)  # and to synthloom evaluate / fit
    assert not single.iloc[:500].equals(single.iloc[500:1000].reset_index(drop=True))  # chunks differ


@pytest.mark.parametrize("part_rows", [300, 700, 500])
def test_parts_of_any_size_hold_the_rows_of_the_single_file(copula, tmp_path, monkeypatch, part_rows):
    import pandas as pd

    from synthloom.sampling import sample_to_file, sample_to_parts

    settings = {"seed": 3, "chunk_rows": 500}
    single = pd.read_parquet(sample_to_file(copula, 1_600, tmp_path / "one.parquet", **settings))
    counting = Interrupt(copula)
    monkeypatch.setattr(copula, "sample", counting)
    out = sample_to_parts(copula, 1_600, tmp_path / "parts", part_rows=part_rows, **settings)
    assert counting.calls == 4  # each chunk drawn once, however many parts share it
    sizes = [len(pd.read_parquet(part)) for part in sorted(out.glob("part-*.parquet"))]
    assert sum(sizes) == 1_600 and set(sizes[:-1]) == {part_rows}
    pd.testing.assert_frame_equal(pd.read_parquet(out), single)  # the seed decides the rows, not the layout


def test_csv_parts_are_read_back_as_one_table(copula, tmp_path):
    import pandas as pd

    from synthloom.data.io import read_table
    from synthloom.data.streaming import TableStream
    from synthloom.errors import DataError
    from synthloom.sampling import sample_to_file, sample_to_parts

    settings = {"seed": 4, "chunk_rows": 500}
    out = sample_to_parts(copula, 2_500, tmp_path / "out", fmt="csv", part_rows=1_000, **settings)
    single = read_table(sample_to_file(copula, 2_500, tmp_path / "one.csv", **settings))
    pd.testing.assert_frame_equal(read_table(out), single)  # evaluate and fit read what sample wrote
    assert sum(len(chunk) for chunk in TableStream(out, chunk_rows=700).chunks()) == 2_500  # fit --stream
    (out / "part-00003.parquet").write_bytes(b"")
    with pytest.raises(DataError, match="both Parquet and CSV parts"):
        read_table(out)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"no \.parquet or \.csv parts"):
        read_table(tmp_path / "empty")


def test_parts_past_100000_are_named_in_row_order():
    from synthloom.sampling import _part_files

    parts = _part_files(200_001, 2, "csv")
    # was part-99999, part-100000: readers order parts by name, and read part-100000 before part-10001
    assert len(parts) == 100_001 and list(parts) == sorted(parts)
    assert list(parts)[:2] == ["part-000000.csv", "part-000001.csv"]
    assert parts["part-100000.csv"] == (200_000, 200_001)
    assert list(_part_files(10, 3, "parquet")) == [f"part-{i:05d}.parquet" for i in range(4)]  # as before
    assert _part_files(0, 5, "csv") == {"part-00000.csv": (0, 0)}  # n = 0: one part, for the header


def test_interrupted_parts_resume_to_the_same_rows(copula, tmp_path, monkeypatch):
    import json

    import pandas as pd
    from rich.console import Console

    from synthloom.data.io import read_table
    from synthloom.data.streaming import TableStream
    from synthloom.errors import ConfigError, DataError
    from synthloom.sampling import JOB_FILE, sample_to_parts

    settings = {"seed": 1, "part_rows": 1_000, "chunk_rows": 500}
    whole = pd.read_parquet(sample_to_parts(copula, 2_500, tmp_path / "whole", **settings))
    interrupt = Interrupt(copula, fail_at=5)  # chunks 1-4 fill parts 0 and 1; chunk 5 (part 2) is cut
    monkeypatch.setattr(copula, "sample", interrupt)
    with pytest.raises(KeyboardInterrupt):
        sample_to_parts(copula, 2_500, tmp_path / "cut", **settings)
    left = sorted(p.name for p in (tmp_path / "cut").iterdir())
    assert left == [JOB_FILE, "part-00000.parquet", "part-00001.parquet"]  # no temp file, no _SUCCESS
    with pytest.raises(DataError, match="unfinished `synthloom sample` run"):
        read_table(tmp_path / "cut")  # not two parts of three read as if they were the sample
    with pytest.raises(DataError, match="unfinished `synthloom sample` run"):
        TableStream(tmp_path / "cut")  # nor streamed by fit --stream
    with pytest.raises(ConfigError, match=r"other settings \(seed\)"):
        sample_to_parts(copula, 2_500, tmp_path / "cut", **{**settings, "seed": 2})
    job = json.loads((tmp_path / "cut" / JOB_FILE).read_text())
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / JOB_FILE).write_text(json.dumps({**job, "chunk_rows": 250}))  # an earlier version's
    with pytest.raises(ConfigError, match="drew in chunks of 250 rows, whose rows this version cannot"):
        sample_to_parts(copula, 2_500, tmp_path / "old", **settings)
    resumed = Interrupt(copula)
    monkeypatch.setattr(copula, "sample", resumed)
    said = Console(file=io.StringIO(), width=200)
    out = sample_to_parts(copula, 2_500, tmp_path / "cut", **settings, console=said)
    assert resumed.calls == 1  # only the missing part's one chunk was drawn
    assert f"resuming {out}: 2 of 3 parts (2,000 rows) are written already and kept" in said.file.getvalue()
    pd.testing.assert_frame_equal(pd.read_parquet(out), whole)
    sample_to_parts(copula, 2_500, out, **settings)  # finished: nothing to do
    assert resumed.calls == 1 and not (out / JOB_FILE).exists()


def test_a_parts_run_that_fails_before_its_first_part_leaves_the_folder_free(copula, tmp_path, monkeypatch):
    """An impossible condition (or any failure before a part was written) left the job file, so the same
    folder then refused the corrected command as an unfinished sample "with other settings"."""
    from synthloom.errors import ConditionError
    from synthloom.sampling import JOB_FILE, sample_to_parts

    with pytest.raises(ConditionError, match="never takes the value 'Maybe'"):
        sample_to_parts(copula, 100, tmp_path / "out", conditions={"student": "Maybe"})
    assert not (tmp_path / "out").exists()  # refused before the folder was made
    (tmp_path / "mine").mkdir()
    monkeypatch.setattr(copula, "sample", Interrupt(copula, fail_at=1))
    with pytest.raises(KeyboardInterrupt):
        sample_to_parts(copula, 100, tmp_path / "mine", conditions={"student": "Yes"})
    assert (tmp_path / "mine").is_dir() and not list((tmp_path / "mine").iterdir())  # the user's folder kept
    monkeypatch.undo()
    out = sample_to_parts(copula, 100, tmp_path / "mine", conditions={"student": "No"})
    assert (pd.read_parquet(out)["student"] == "No").all() and not (out / JOB_FILE).exists()


def test_parts_refuse_foreign_folders_and_bad_sizes(copula, tmp_path):
    from synthloom.errors import ConfigError
    from synthloom.sampling import sample_to_parts

    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not empty"):
        sample_to_parts(copula, 10, tmp_path / "busy")
    with pytest.raises(ConfigError, match=r"notes\.txt: is a file, not a folder for parts"):
        sample_to_parts(copula, 10, tmp_path / "busy" / "notes.txt")
    with pytest.raises(ConfigError, match="must be at least 1"):
        sample_to_parts(copula, 10, tmp_path / "new", part_rows=0)
    with pytest.raises(ConfigError, match="format"):
        sample_to_parts(copula, 10, tmp_path / "new", fmt="json")
    # --part-rows 1 for 10 million rows planned ten million files in memory before writing the first
    said = (
        r"10,000,000 rows in parts of 1 make 10,000,000 files, more than 1,000,000; "
        r"give a part size \(--part-rows\) of 10 or more"
    )
    with pytest.raises(ConfigError, match=said):
        sample_to_parts(copula, 10_000_000, tmp_path / "many", part_rows=1)
    assert not (tmp_path / "many").exists()


def test_parts_go_into_a_folder_holding_only_system_files(copula, tmp_path):
    """A folder holding only a Finder's .DS_Store (or macOS's ._ files) was refused as "not empty", though
    ``image sample -o`` takes it as empty; the system files stay, and the folder reads as the sample."""
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file, sample_to_parts

    out = tmp_path / "out"
    out.mkdir()
    (out / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (out / "._part-00000.csv").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    sample_to_parts(copula, 30, out, fmt="csv", part_rows=20, seed=2)
    names = {p.name for p in out.iterdir()}
    assert names == {".DS_Store", "._part-00000.csv", "_SUCCESS", "part-00000.csv", "part-00001.csv"}
    single = read_table(sample_to_file(copula, 30, tmp_path / "one.csv", seed=2))
    pd.testing.assert_frame_equal(read_table(out), single)


def test_one_file_and_a_stream_refuse_bad_sizes_like_parts(copula, tmp_path):
    """A chunk size of 0 failed with ZeroDivisionError in sample_to_file and sample_to_stream."""
    import io

    from synthloom.sampling import sample_to_file, sample_to_stream

    with pytest.raises(ConfigError, match=r"rows per chunk \(0\) must be at least 1"):
        sample_to_file(copula, 10, tmp_path / "o.csv", chunk_rows=0)
    with pytest.raises(ConfigError, match="row count must be a whole number >= 0, not -1"):
        sample_to_file(copula, -1, tmp_path / "o.csv")
    with pytest.raises(ConfigError, match=r"rows per chunk \(0\)"):
        sample_to_stream(copula, 10, io.StringIO(), chunk_rows=0)
    assert not list(tmp_path.iterdir())


def test_cli_writes_csv_parts_and_checks_format(copula, tmp_path):
    import pandas as pd
    from typer.testing import CliRunner

    from synthloom.cli import app

    model = copula.save(tmp_path / "m.synthloom")
    run = lambda *args: CliRunner().invoke(app, ["sample", str(model), *map(str, args)])  # noqa: E731
    result = run("-n", "250", "-o", tmp_path / "out", "--format", "csv", "--part-rows", "100")
    assert result.exit_code == 0, result.output
    parts = sorted((tmp_path / "out").glob("part-*.csv"))
    assert [len(pd.read_csv(p)) for p in parts] == [100, 100, 50]
    mismatch = run("-n", "5", "-o", tmp_path / "f.csv", "--format", "parquet")
    assert mismatch.exit_code == 2 and "does not match" in mismatch.output


def test_rows_per_second_column():
    from types import SimpleNamespace

    from synthloom.sampling import RowsPerSecondColumn

    column = RowsPerSecondColumn()
    assert str(column.render(SimpleNamespace(speed=12_345.6))) == "12,346 rows/s"
    assert str(column.render(SimpleNamespace(speed=None))) == ""


@pytest.mark.parametrize("finished", [True, False])
def test_cli_interrupted_parts_say_how_to_resume(copula, tmp_path, monkeypatch, finished):
    """Interrupted before its first part was finished, a run said its finished parts were kept in a folder
    it had taken away again."""
    from typer.testing import CliRunner

    import synthloom.sampling
    from synthloom.cli import app

    out = tmp_path / "out"

    def interrupted(*args, **kwargs):
        if finished:
            out.mkdir()
            (out / "part-00000.parquet").write_bytes(b"")
        raise KeyboardInterrupt

    model = copula.save(tmp_path / "m.synthloom")
    monkeypatch.setattr(synthloom.sampling, "sample_to_parts", interrupted)
    result = CliRunner().invoke(app, ["sample", str(model), "-n", "10", "-o", str(out)])
    said = " ".join(result.output.split())
    assert result.exit_code == 130
    assert ("run again to resume" in said) == finished
    assert ("nothing was written" in said) == (not finished)


def test_ids_of_a_variant_that_runs_out_stay_unique_across_chunks(default_frame, tmp_path):
    """Of the 900 ids "CUST-100" to "CUST-999", 401 are real and left out: the rows drawn with three digits
    ran out of them after about 500 rows and the rest were drawn again at random in each chunk, so 40,000
    rows drawn 5,000 at a time held 2,079 repeated ids (0 before real ids were left out). They pass on to
    longer ids, numbered as in every chunk: no repeat, no real id, the same ids in parts as in one file."""
    import pyarrow.dataset as ds

    from synthloom import get_model
    from synthloom.sampling import sample_to_file, sample_to_parts

    real = default_frame.head(500).assign(customer=[f"CUST-{i}" for i in range(1, 501)])
    model = get_model("copula", random_state=0).fit(real)
    one_file = sample_to_file(model, 40_000, tmp_path / "one.csv", seed=1, chunk_rows=5_000)
    ids = pd.read_csv(one_file)["customer"]
    assert ids.is_unique and not ids.isin(real["customer"]).any()
    assert ids.str.fullmatch(r"CUST-[1-9]\d{2,5}").all() and (ids.str.len() == len("CUST-100")).any()
    out = sample_to_parts(model, 40_000, tmp_path / "out", seed=1, part_rows=15_000, chunk_rows=5_000)
    assert ds.dataset(out, format="parquet").to_table().to_pandas()["customer"].equals(ids)


def test_ids_stay_unique_across_chunks_parts_and_conditions(default_frame, tmp_path):
    """Each chunk is a draw of its own: numeric ids counted on from the chunk's first row, but text ids were
    drawn at random per chunk ("CUST-7" to "CUST-500": 1,800 repeats in 20,000 rows, "TX-00A3F2": 26,000 in
    a million), and numeric ids repeated under per-row conditions or a range (rows drawn in rounds)."""
    import pyarrow.dataset as ds

    from synthloom import get_model
    from synthloom.sampling import sample_to_file, sample_to_parts

    rng = np.random.default_rng(0)
    real = default_frame.head(500).assign(
        customer_id=range(1000, 1500),
        customer=[f"CUST-{i}" for i in rng.permutation(500) + 1],
        tx=[f"TX-{v:04X}" for v in rng.choice(65536, 500, replace=False)],
    )
    model = get_model("copula", random_state=0).fit(real)
    out = sample_to_parts(model, 20_000, tmp_path / "out", seed=1, part_rows=7_000, chunk_rows=2_000)
    ids = ds.dataset(out, format="parquet").to_table().to_pandas()[["customer_id", "customer", "tx"]]
    assert all(ids[name].is_unique for name in ids) and ids["customer_id"].min() >= 1500
    assert not ids["customer"].isin(real["customer"]).any() and not ids["tx"].isin(real["tx"]).any()
    assert (
        ids["customer"].str.fullmatch(r"CUST-[1-9]\d*").all()
        and ids["tx"].str.fullmatch(r"TX-[0-9A-F]{4}").all()
    )
    one_file = sample_to_file(model, 20_000, tmp_path / "one.csv", seed=1, chunk_rows=3_000)
    assert pd.read_csv(one_file)[list(ids)].equals(ids)  # the same ids, whatever the chunks
    # rows drawn in rounds (a range) or per group (per-row conditions) hold every id once too
    ranged = model.sample(3_000, conditions={"balance": (500, 1_500)}, random_state=0)
    per_row = model.sample(400, conditions=pd.DataFrame({"student": ["Yes", "No"] * 200}), random_state=0)
    for frame in (ranged, per_row):
        assert all(frame[name].is_unique for name in ("customer_id", "customer", "tx"))
    # ids follow the row: a draw that starts at row 5 has the ids rows 5 onwards have under its id seed
    later = model.sample(10, random_state=7, first_row=5, id_seed=3)
    assert later[list(ids)].equals(
        model.sample(15, random_state=3)[list(ids)].iloc[5:].reset_index(drop=True)
    )
    with pytest.raises(ConfigError, match="id_seed must be an integer or None, not 'x'"):
        model.sample(5, id_seed="x")
    other = model.sample(15, random_state=4)  # another seed, other text ids (joined files keep unique keys)
    assert not other["customer"].isin(model.sample(15, random_state=3)["customer"]).any()


def test_a_command_stopped_by_sigterm_cleans_up_like_ctrl_c(copula, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    model = copula.save(tmp_path / "m.synthloom")
    out = tmp_path / "fake.csv"
    command = [sys.executable, "-m", "synthloom", "sample", str(model), "-n", "1e9", "-o", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".fake.csv.*.part")) and time.monotonic() < deadline:
        time.sleep(0.1)  # until rows are being written
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "nothing half-written was kept" in stderr and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.synthloom"]  # no temporary file left


def test_row_counts_are_read_exactly_and_bounded():
    assert parse_row_count("1e12") == 10**12 and parse_row_count("2.0") == 2
    for text in ("1e30", "1e100000"):  # one line, not a float's digits or Python's digit limit
        with pytest.raises(ConfigError, match=rf"at most 10,000,000,000,000 \(1e13\), not '{text}'"):
            parse_row_count(text, "--rows")


def test_the_api_refuses_a_row_count_too_large_to_print(copula):
    with pytest.raises(ConfigError, match=r"row count must be at most 10,000,000,000,000"):
        copula.sample(10**5000)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_part_damaged_before_a_resume_is_drawn_again(copula, tmp_path, monkeypatch, fmt):
    from synthloom.errors import DataWarning
    from synthloom.sampling import sample_to_parts

    settings = {"fmt": fmt, "seed": 1, "part_rows": 1_000, "chunk_rows": 500}
    whole = read_parts(sample_to_parts(copula, 5_000, tmp_path / "whole", **settings), fmt)
    interrupt = Interrupt(copula, fail_at=9)  # parts 0 - 3 written, part 4 cut
    monkeypatch.setattr(copula, "sample", interrupt)
    with pytest.raises(KeyboardInterrupt):
        sample_to_parts(copula, 5_000, tmp_path / "cut", **settings)
    monkeypatch.undo()
    cut, short, renamed = (tmp_path / "cut" / f"part-0000{i}.{fmt}" for i in (0, 1, 2))
    cut.write_bytes(cut.read_bytes()[:1000])  # a copy cut short: unreadable
    whole.iloc[:10].pipe(write_like, short, fmt)  # readable, 10 rows
    whole.iloc[:1000].rename(columns={"income": "pay"}).pipe(write_like, renamed, fmt)  # another table
    with pytest.warns(DataWarning, match="drawn again") as caught:
        resumed = read_parts(sample_to_parts(copula, 5_000, tmp_path / "cut", **settings), fmt)
    # was: a traceback, or parts of other rows and columns kept under a _SUCCESS; part 3 is kept as it is
    redrawn = sorted(str(w.message).split(": ")[0].rsplit("/", 1)[-1] for w in caught)
    assert redrawn == sorted(p.name for p in (cut, short, renamed))
    pd.testing.assert_frame_equal(resumed, whole)


def read_parts(folder, fmt):
    parts = sorted(folder.glob(f"part-*.{fmt}"))
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    return pd.concat([read(p) for p in parts], ignore_index=True)


def write_like(frame, path, fmt):
    return frame.to_parquet(path, index=False) if fmt == "parquet" else frame.to_csv(path, index=False)


def test_whole_numbers_with_gaps_are_written_to_csv_without_a_decimal_point(tmp_path):
    import numpy as np

    from synthloom import get_model
    from synthloom.sampling import sample_to_file, sample_to_parts

    rng = np.random.default_rng(0)
    counts = np.where(rng.random(300) < 0.3, np.nan, rng.integers(0, 99, 300))  # pandas holds them as floats
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"n": counts, "x": rng.normal(size=300)}))
    text = pd.read_csv(sample_to_file(model, 200, tmp_path / "f.csv"), dtype=str)["n"].dropna()
    assert len(text) > 100 and text.str.fullmatch(r"\d+").all()  # "85", was "85.0"
    # also where a sample or a part has no gap (a condition on a value, few rows): it wrote "85.0" there
    asked = sample_to_file(model, 20, tmp_path / "asked.csv", conditions={"n": 85})
    assert pd.read_csv(asked, dtype=str)["n"].eq("85").all()
    parts = sample_to_parts(model, 60, tmp_path / "parts", part_rows=3, fmt="csv")
    written = pd.concat([pd.read_csv(p, dtype=str) for p in sorted(parts.glob("*.csv"))])["n"].dropna()
    assert written.str.fullmatch(r"\d+").all()


def test_missing_values_are_written_with_the_mark_the_real_file_uses(tmp_path):
    """UCI's files write "?" for a missing number or date: synthetic files wrote it empty."""
    from synthloom import evaluate, get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_parts

    rng = np.random.default_rng(0)
    n = 400
    age, chol = rng.integers(20, 80, n).astype(object), rng.normal(240, 40, n).round(1).astype(object)
    day = pd.Series(pd.date_range("2020-01-01", periods=n).strftime("%Y-%m-%d"), dtype=object)
    age[rng.random(n) < 0.2], chol[rng.random(n) < 0.1], day[rng.random(n) < 0.1] = "?", "?", "?"
    path = tmp_path / "heart.csv"
    pd.DataFrame({"age": age, "chol": chol, "day": day, "sex": rng.choice(["M", "F"], n)}).to_csv(
        path, index=False
    )
    real = read_table(path)
    with pytest.warns(match="'\\?'"):  # counted when learned, as before
        model = get_model("copula", random_state=0).fit(real)
    fake = model.sample(2_000, random_state=1)
    assert (fake["age"] == "?").mean() == pytest.approx(0.2, abs=0.04) and not fake["age"].isna().any()
    assert fake["age"][fake["age"] != "?"].str.fullmatch(r"\d+").all()  # whole numbers stay whole
    assert pd.to_numeric(fake["chol"][fake["chol"] != "?"]).between(50, 450).all()
    assert (fake["day"] == "?").any() and (fake["sex"] != "?").all()
    assert model.sample(3, conditions={"age": (30, 40)})["age"].map(int).between(30, 40).all()
    assert model.sample(4, conditions={"age": "?"})["age"].eq("?").all()  # the mark asks for it (was refused)
    # every part has the same column types, missing values or not (parts of one Parquet data set): numbers,
    # the marked ones missing, as a Parquet sample of a CSV holds them
    parts = sample_to_parts(model, 2_000, tmp_path / "out", seed=0, part_rows=1, chunk_rows=1)
    ages = read_table(parts)["age"]
    assert ages.dtype == "Int64" and ages.isna().mean() == pytest.approx(0.2, abs=0.04)
    assert evaluate(real, fake).scores["fidelity.quality"] > 0.8  # "?" dates in the real file were an error


def test_a_float_column_sampled_all_whole_is_still_written_as_floats(tmp_path):
    """A condition ``amount=0..0`` wrote "0", and the synthetic file read as integers."""
    import numpy as np

    from synthloom import get_model
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    amounts = np.where(rng.random(300) < 0.3, 0.0, rng.gamma(2, 50, 300).round(2))
    model = get_model("copula", random_state=0).fit(pd.DataFrame({"amount": amounts}))
    path = sample_to_file(model, 50, tmp_path / "f.csv", conditions={"amount": (0, 0)})
    assert pd.read_csv(path)["amount"].dtype == "float64"
    assert pd.read_csv(path, dtype=str)["amount"].eq("0.0").all()


def test_a_header_with_empty_names_is_written_back_with_them(tmp_path):
    """A separator at the end of every line ("a,b,c,,") came back with "Unnamed: 3" headers."""
    import numpy as np

    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    real = tmp_path / "real.csv"
    real.write_text("a,b,c,,\n" + "".join(f"{i},x{i % 3},{rng.normal():.3f},,\n" for i in range(100)))
    model = get_model("copula", random_state=0).fit(read_table(real))
    fake = sample_to_file(model, 20, tmp_path / "fake.csv")
    lines = fake.read_text().splitlines()
    assert lines[0] == "a,b,c,," and all(line.endswith(",,") for line in lines)
    assert list(read_table(fake).columns) == list(read_table(real).columns)
    # a header written "Unnamed: 0" (a file that went through pandas twice) over values is kept as it is
    named = pd.DataFrame({"Unnamed: 0": range(100), "x": rng.normal(size=100)})
    again = sample_to_file(get_model("copula", random_state=0).fit(named), 5, tmp_path / "named.csv")
    assert again.read_text().splitlines()[0] == "Unnamed: 0,x"


def test_parquet_keeps_the_empty_columns_of_empty_headers_under_pandas_name(tmp_path):
    """Parquet cannot hold two empty names, so the empty columns a CSV writes with empty headers keep
    pandas' "Unnamed: N" there: CSV and Parquet outputs, sampled or written, read back as one table."""
    import numpy as np
    import pyarrow.parquet as pq

    from synthloom import get_model
    from synthloom.data.io import read_table, write_table
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    path = tmp_path / "real.csv"
    path.write_text("a,b,,\n" + "".join(f"{i},{rng.normal():.3f},,\n" for i in range(100)))
    real = read_table(path)
    model = get_model("copula", random_state=0).fit(real)
    for write in (
        lambda out: write_table(real, out),
        lambda out: sample_to_file(model, 20, out, seed=1),
    ):
        as_csv, as_parquet = write(tmp_path / "t.csv"), write(tmp_path / "t.parquet")
        assert as_csv.read_text().splitlines()[0] == "a,b,,"
        assert pq.read_schema(as_parquet).names == ["a", "b", "Unnamed: 2", "Unnamed: 3"]
        pd.testing.assert_frame_equal(read_table(as_parquet), read_table(as_csv))


def test_an_output_whose_ids_do_not_fit_is_refused_before_any_file_or_row(tmp_path):
    """A folder of parts refused at the id limit kept its job file (a rerun with fewer rows was refused
    as "other settings"), and standard output had its header and rows written before the refusal."""
    import io

    from synthloom import get_model
    from synthloom.errors import DataError
    from synthloom.sampling import sample_to_parts, sample_to_stream

    ids = np.concatenate([np.arange(100, 400), 2**63 - 1 - np.arange(50)]).astype(np.int64)
    real = pd.DataFrame({"id": ids, "amount": np.linspace(1.0, 50.0, len(ids))})
    with pytest.warns(match="only 100 new ids fit"):
        model = get_model("copula", random_state=0).fit(
            real, metadata={"columns": {"id": {"kind": "identifier"}}}
        )
    with pytest.raises(DataError, match=r"only 100 new ids fit .* and 101 are asked for"):
        sample_to_parts(model, 101, tmp_path / "parts", part_rows=50)
    assert not (tmp_path / "parts").exists()
    assert len(pd.read_parquet(sample_to_parts(model, 100, tmp_path / "parts", part_rows=50))) == 100
    stream = io.StringIO()
    with pytest.raises(DataError, match="and 101 are asked for"):
        sample_to_stream(model, 101, stream, chunk_rows=20)
    assert stream.getvalue() == ""


def test_numbers_a_table_holds_as_text_come_back_as_text(tmp_path):
    """A Parquet string column of prices ("15.98") and counts ("49") came back as float64 (49.0): the
    synthetic file's schema was not the real one's. A frame read with dtype=str, likewise."""
    from synthloom import get_model
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "price": [f"{v:.2f}" for v in rng.gamma(2.0, 10.0, 300)],
            "count": [str(v) for v in rng.integers(0, 50, 300)],
            "plan": rng.choice(["a", "b"], 300),
        }
    )
    real.loc[[3, 5], "count"] = None
    model = get_model("copula", random_state=0).fit(real)
    fake = model.sample(200, random_state=0)
    assert (fake.dtypes == "object").all()
    assert fake["price"].str.fullmatch(r"\d+\.\d{1,2}").all()
    assert fake["count"].dropna().str.fullmatch(r"\d+").all() and fake["count"].isna().any()
    assert pd.to_numeric(fake["price"]).between(0, 200).all()
    written = pd.read_parquet(sample_to_file(model, 200, tmp_path / "fake.parquet", seed=0))
    assert (written.dtypes == "object").all() and written["count"].dropna().str.fullmatch(r"\d+").all()


def test_a_flag_of_zeros_and_ones_with_blanks_is_written_as_the_file_writes_it(tmp_path):
    """A 0/1 column with blanks (floats to pandas, a boolean to synthloom) was written "0.0" / "1.0"."""
    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    lines = [f"{rng.normal():.3f},{'' if i % 7 == 0 else rng.integers(0, 2)}" for i in range(100)]
    (tmp_path / "flags.csv").write_text("amount,churned\n" + "\n".join(lines) + "\n")
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "flags.csv"))
    written = sample_to_file(model, 200, tmp_path / "fake.csv", seed=0).read_text().splitlines()
    assert {line.split(",")[1] for line in written[1:]} == {"", "0", "1"}


def test_numbers_held_as_text_under_a_rule_come_back_as_text():
    """The high side of an inequality over text numbers came back as floats (2644.0) beside text columns."""
    from synthloom import get_model
    from synthloom.data.constraints import Inequality

    rng = np.random.default_rng(0)
    limit = np.round(rng.uniform(1000, 5000, 300), -1)
    real = pd.DataFrame({"balance": np.round(limit * rng.uniform(0, 1, 300), 2), "limit": limit.astype(int)})
    model = get_model("copula", random_state=0).fit(
        real.astype(str), constraints=[Inequality("balance", "limit")]
    )
    fake = model.sample(100, random_state=0)
    assert fake["limit"].str.fullmatch(r"\d+").all() and fake["balance"].map(type).eq(str).all()
    assert (pd.to_numeric(fake["balance"]) <= pd.to_numeric(fake["limit"])).all()


def test_numbers_held_as_text_keep_the_decimals_every_real_value_writes():
    """Prices every real row writes with two decimals ("26.00", "15.70") came back as pandas writes numbers,
    9% of them with one ("26.0", "15.7"), the encoded column and a rule's rebuilt high side alike."""
    from synthloom import get_model
    from synthloom.data.constraints import Inequality
    from synthloom.data.encoders import NumericEncoder

    rng = np.random.default_rng(0)
    balance = np.round(rng.gamma(2.0, 10.0, 300), 1)  # many values end in 0: "15.70"
    real = pd.DataFrame({"balance": balance, "limit": np.round(balance + rng.uniform(0, 20, 300))})
    text = real.map(lambda v: f"{v:.2f}")
    model = get_model("copula", random_state=0).fit(text, constraints=[Inequality("balance", "limit")])
    fake = model.sample(300, random_state=0)
    for name in ("balance", "limit"):
        assert fake[name].str.fullmatch(r"\d+\.\d\d").all(), name
    assert (pd.to_numeric(fake["balance"]) <= pd.to_numeric(fake["limit"])).all()
    # decimals that differ between real values, and encoders of older files, write as pandas does
    mixed = text.assign(balance=text["balance"].str.rstrip("0"))
    fake = get_model("copula", random_state=0).fit(mixed).sample(300, random_state=0)
    assert not fake["balance"].str.fullmatch(r"\d+\.\d\d").all()
    encoder = next(e for e in model.transformer_.encoders_ if e.name == "balance")
    assert isinstance(encoder, NumericEncoder) and encoder.state()["text_decimals"] == 2
    older = NumericEncoder.from_state("balance", encoder.spec, {**encoder.state(), "text_decimals": None})
    del older.text_decimals
    assert older._restore_dtype(np.array([26.0])).tolist() == ["26.0"]


def test_csv_parts_and_standard_output_keep_the_sign_the_real_csv_writes(tmp_path):
    """Changes every real row writes with its sign ("+1.26", "-0.40", "+0.00") lost the "+" ("1.26"); a
    column where one positive value goes without it is written as pandas writes numbers."""
    import io

    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_parts, sample_to_stream

    rng = np.random.default_rng(0)
    changes = np.round(rng.normal(0, 1, 100), 2)
    lines = [f"{c:+.2f},{c:+.1f},{abs(c):.2f}" for c in changes]
    lines[5] = f"{changes[5]:+.2f},{abs(changes[5]) + 0.1:.1f},{abs(changes[5]):.2f}"  # "pct" once unsigned
    (tmp_path / "real.csv").write_text("change,pct,size\n" + "\n".join(lines) + "\n")
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv"))
    stream = io.StringIO()
    sample_to_stream(model, 200, stream, seed=0)
    parts = sample_to_parts(model, 200, tmp_path / "out", fmt="csv", part_rows=80, chunk_rows=50)
    written = [pd.read_csv(part, dtype=str) for part in sorted(parts.glob("part-*.csv"))]
    for fake in (pd.read_csv(io.StringIO(stream.getvalue()), dtype=str), pd.concat(written)):
        assert (
            fake["change"].str.fullmatch(r"[+-]\d\.\d\d").all() and fake["change"].str.startswith("+").any()
        )
        assert not fake["pct"].str.startswith("+").any()  # one real value unsigned: no sign
        assert not fake["size"].str.startswith("+").any()


def test_csv_parts_split_at_semicolons_are_kept_when_a_run_resumes(tmp_path, monkeypatch):
    """Parts of a model fitted on a ";" file are split at ";": an interrupted run's finished parts must read
    back whole on resuming (read at ",", each looked like one column, and was drawn again with a warning)."""
    import warnings

    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_parts

    real = tmp_path / "real.csv"
    real.write_text("n;y\n" + "".join(f"{i % 7};{'ab'[i % 2]}\n" for i in range(60)))
    model = get_model("copula", random_state=0).fit(read_table(real))
    settings = {"fmt": "csv", "part_rows": 10, "chunk_rows": 10}
    interrupt = Interrupt(model, fail_at=3)
    monkeypatch.setattr(model, "sample", interrupt)
    with pytest.raises(KeyboardInterrupt):
        sample_to_parts(model, 30, tmp_path / "out", **settings)
    assert (tmp_path / "out" / "part-00000.csv").read_text().startswith("n;y\n")
    resumed = Interrupt(model)
    monkeypatch.setattr(model, "sample", resumed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "other columns than the sample's; drawn again"
        sample_to_parts(model, 30, tmp_path / "out", **settings)
    assert resumed.calls == 1  # only the part not written yet


def test_a_parquet_schema_of_decimals_holds_a_later_chunks_larger_amounts():
    # the first chunk's Decimals typed the column decimal128(4, 2) (87.12 at most): a later chunk's 100.00
    # failed the write ("precision 5 does not fit into precision ... 3")
    from decimal import Decimal

    import pyarrow as pa

    from synthloom.data.io import arrow_schema

    schema = arrow_schema(pd.DataFrame({"amount": [Decimal("87.12"), Decimal("1.50"), None]}))
    assert schema.field("amount").type == pa.decimal128(38, 2)
    later = pa.Table.from_pandas(pd.DataFrame({"amount": [Decimal("100.00")]}), schema=schema)
    assert later.column("amount").to_pylist() == [Decimal("100.00")]


def test_without_a_terminal_sampling_reports_rows_written_in_plain_lines(
    copula, tmp_path, monkeypatch, capsys
):
    """A bar on a console that is no terminal (``> job.log``) drew nothing: a long sample wrote no line until
    "wrote ... rows". Rows written now come as plain lines on stderr; a resumed run counts its kept parts."""
    import io

    from rich.console import Console

    from synthloom import progress
    from synthloom.sampling import sample_to_file, sample_to_parts

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    log = Console(file=io.StringIO())
    sample_to_file(copula, 250, tmp_path / "f.csv", chunk_rows=100, console=log)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == [f"sampling: {k} of 250 rows" for k in (100, 200, 250)]
    assert "left" in lines[0] and "left" not in lines[-1]
    sample_to_parts(copula, 250, tmp_path / "parts", part_rows=100, chunk_rows=100, console=log)
    assert capsys.readouterr().err.splitlines()[-1].startswith("sampling: 250 of 250 rows, ")
    sample_to_file(copula, 250, tmp_path / "g.csv", chunk_rows=100)  # no console: no progress asked for
    assert capsys.readouterr().err == "" and log.file.getvalue() == ""


def test_outputs_with_other_conditions_draw_other_text_ids(tmp_path):
    """Two files drawn with the default seed, the second of rare rows (`-c outcome=yes`), gave its rows the
    first file's text ids: 300 of 300 patients shared an id with another."""
    from synthloom import get_model
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    real = pd.DataFrame(
        {
            "patient": [f"P{v:06d}" for v in rng.choice(999_999, 600, replace=False)],
            "outcome": rng.choice(["yes", "no"], 600, p=[0.1, 0.9]),
            "age": rng.integers(18, 90, 600),
        }
    )
    model = get_model("copula", random_state=0).fit(real)
    plain = pd.read_csv(sample_to_file(model, 2_000, tmp_path / "all.csv", seed=0))
    rare = pd.read_csv(
        sample_to_file(model, 300, tmp_path / "rare.csv", seed=0, conditions={"outcome": "yes"})
    )
    again = pd.read_csv(
        sample_to_file(model, 300, tmp_path / "again.csv", seed=0, conditions={"outcome": "yes"})
    )
    assert rare["patient"].isin(plain["patient"]).mean() < 0.05 and rare.equals(again)
    # in Python too (it drew the unconditioned draw's ids), for per-row conditions as well
    drawn = model.sample(2_000, random_state=0)
    for conditions in ({"outcome": "yes"}, pd.DataFrame({"outcome": ["yes"] * 300})):
        rare_rows = model.sample(300, conditions=conditions, random_state=0)
        assert rare_rows["patient"].isin(drawn["patient"]).mean() < 0.05
        assert rare_rows.equals(model.sample(300, conditions=conditions, random_state=0))


def test_a_chunk_refused_for_its_conditions_says_it_is_one_chunk_of_the_rows_asked(default_frame, tmp_path):
    """200,000 rows asked were refused as "only 1 of 100000 rows met ... 100,000 rows need about 5000
    million draws": one chunk's numbers, with nothing to say that the rows are drawn in chunks."""
    from synthloom import get_model
    from synthloom.errors import ConditionError
    from synthloom.sampling import sample_to_file

    model = get_model("copula", random_state=0).fit(default_frame)
    # slivers of two real ranges: next to no row (the copula draws within one, rejection meets the other)
    narrow = {"student": "Yes", "balance": (1000.0, 1000.001), "income": (20000.0, 20000.001)}
    with pytest.raises(ConditionError) as refused:
        sample_to_file(model, 2_500, tmp_path / "out.csv", conditions=narrow, chunk_rows=1_000)
    assert str(refused.value).startswith("2,500 rows are drawn in chunks; of rows 1 - 1,000: ")
    assert " of 1,000 rows met the conditions on student, balance, income after " in str(refused.value)
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(ConditionError) as whole:  # one chunk: its numbers are the request's
        sample_to_file(model, 1_000, tmp_path / "out.csv", conditions=narrow, chunk_rows=1_000)
    assert str(whole.value).startswith(("only ", "none of"))
    with pytest.raises(ConditionError) as never:  # refused before any chunk: no chunk's rows to name
        sample_to_file(model, 2_500, tmp_path / "out.csv", conditions={"student": "Maybe"}, chunk_rows=1_000)
    assert "'Maybe'" in str(never.value) and "chunks" not in str(never.value)
    assert not (tmp_path / "out.csv").exists()


def test_missing_numbers_are_written_with_the_mark_most_real_ones_have_pandas_own_ones_included(tmp_path):
    """Creatinine missing as "NA" 103 times, "?" 68 and "null" 42: "?" alone was counted (pandas reads the
    others as missing itself), fewer than the cells read as missing, and the synthetic ones were blank."""
    import numpy as np

    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    values = rng.lognormal(0, 0.5, 400).round(2).astype(str).astype(object)
    values[:60], values[60:100], values[100:120], values[120:130] = "NA", "?", "null", ""
    real = tmp_path / "real.csv"
    pd.DataFrame({"creatinine": rng.permutation(values), "ward": rng.choice(["a", "b"], 400)}).to_csv(
        real, index=False
    )
    model = get_model("copula", random_state=0).fit(read_table(real))
    assert model.metadata_.columns["creatinine"].missing_mark == "NA"
    fake = pd.read_csv(sample_to_file(model, 1_000, tmp_path / "fake.csv", seed=0), keep_default_na=False)
    written = fake["creatinine"].astype(str)
    assert set(written[~written.str.match(r"\d")]) == {"NA"} and 0.2 < (written == "NA").mean() < 0.45


def test_a_stream_to_standard_output_stopped_says_its_rows_are_cut_short(copula, tmp_path):
    """`sample -o -` stopped midway said "nothing half-written was kept" after 32 MB had gone out."""
    import signal
    import subprocess
    import sys

    model = copula.save(tmp_path / "m.synthloom")
    command = [sys.executable, "-m", "synthloom", "sample", str(model), "-n", "1e9", "-o", "-"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline()  # the header: rows are being written
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert b"standard output holds only the rows written so far, fewer than -n" in stderr
    assert b"nothing half-written" not in stderr and b"Traceback" not in stderr


def test_a_rerun_into_its_finished_folder_says_nothing_was_drawn(copula, tmp_path):
    """It printed "wrote 1,000,000 synthetic rows" and rewrote nothing."""
    from typer.testing import CliRunner

    from synthloom.cli import app

    model, out = copula.save(tmp_path / "m.synthloom"), tmp_path / "out"
    args = ["sample", str(model), "-n", "300", "-o", str(out), "--part-rows", "100", "--seed", "1"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0 and "wrote 300 synthetic rows" in " ".join(first.output.split())
    written = {part: part.stat().st_mtime_ns for part in out.iterdir()}
    again = CliRunner().invoke(app, args)
    said = " ".join(again.output.split())
    assert (
        again.exit_code == 0 and "holds this sample already (300 rows, finished): nothing was drawn" in said
    )
    assert "wrote" not in said and {part: part.stat().st_mtime_ns for part in out.iterdir()} == written


def test_plain_progress_lines_go_on_while_a_network_draws_a_chunk(
    default_frame, tmp_path, monkeypatch, capsys
):
    """Lines came as chunks were written: a chunk of 100,000 ddpm rows drew for minutes without one, though
    the README promises a line every 10 seconds. Now each batch of a network's draw may write one."""
    import io

    from rich.console import Console

    from synthloom import get_model, progress
    from synthloom.sampling import sample_to_file

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    model = get_model("tvae", epochs=1, batch_size=100, embedding_dim=8, hidden_width=16, random_state=0)
    model.fit(default_frame.head(300))
    sample_to_file(model, 20_000, tmp_path / "fake.csv", seed=0, console=Console(file=io.StringIO()))
    lines = capsys.readouterr().err.splitlines()
    # 3 batches of 8,192 rows in the one chunk: a line after each, then the chunk's
    assert [line.split(", ")[0] for line in lines] == [
        *["sampling: 0 of 20,000 rows"] * 3,
        "sampling: 20,000 of 20,000 rows",
    ], lines


def test_a_number_column_missing_as_na_throughout_writes_na_in_a_csv_and_nulls_in_parquet(tmp_path):
    """R's write.csv writes every missing number "NA", which pandas reads as missing itself: a CSV sample
    wrote them blank. The CSV writes the text most missing values have; a Parquet file holds the numbers."""
    import numpy as np
    import pytest

    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.data.metadata import Metadata
    from synthloom.errors import ConfigError
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    values = rng.normal(size=300).round(3).astype(object)
    values[:50], values[50:55] = "NA", ""
    pd.DataFrame({"x": values, "y": rng.normal(size=300).round(2)}).to_csv(tmp_path / "real.csv", index=False)
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv"))
    assert model.metadata_.columns["x"].csv_text.missing == "NA"
    written = pd.read_csv(sample_to_file(model, 1_000, tmp_path / "f.csv", seed=0), keep_default_na=False)[
        "x"
    ]
    text = written.astype(str)
    assert set(text[~text.str.match(r"-?\d")]) == {"NA"} and (text == "NA").sum() > 100
    typed = pd.read_parquet(sample_to_file(model, 1_000, tmp_path / "f.parquet", seed=0))["x"]
    assert typed.dtype == "float64" and typed.isna().sum() == (text == "NA").sum()
    with pytest.raises(ConfigError, match=r"csv_text .* \"missing\": a text that is no number"):
        Metadata.from_dict({"columns": {"x": {"kind": "continuous", "csv_text": {"missing": "0"}}}})


def test_a_category_column_missing_as_na_or_null_writes_them_in_a_csv_and_nulls_in_parquet(tmp_path):
    """Categories written "N/A" or "null" where missing (which pandas reads as missing itself) came back as
    empty fields in a CSV sample, while number and date columns kept their spelling; a model file keeps the
    spelling through a save and load, and the DataFrame and a Parquet file hold missing values."""
    from synthloom import get_model, load
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file

    rng = np.random.default_rng(0)
    colour = rng.choice(["red", "blue", "green"], 400).astype(object)
    shade = rng.choice(["dark", "light"], 400).astype(object)
    colour[:60] = "N/A"
    shade[:40], shade[40:45] = "null", ""  # most missing shades written "null", a few left blank
    pd.DataFrame({"colour": colour, "shade": shade, "x": rng.normal(size=400)}).to_csv(
        tmp_path / "real.csv", index=False
    )
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv"))
    model.save(tmp_path / "m.synthloom")
    model = load(tmp_path / "m.synthloom")
    drawn = model.sample(1_000, random_state=0)
    assert drawn["colour"].isna().sum() > 50 and not drawn["colour"].isin(["N/A"]).any()
    written = pd.read_csv(sample_to_file(model, 1_000, tmp_path / "f.csv", seed=0), keep_default_na=False)
    assert set(written["colour"]) == {"red", "blue", "green", "N/A"}
    assert set(written["shade"]) == {"dark", "light", "null"}
    typed = pd.read_parquet(sample_to_file(model, 1_000, tmp_path / "f.parquet", seed=0))
    assert typed["colour"].isna().sum() == (written["colour"] == "N/A").sum()
    # asked for as the outputs write it ("never takes the value 'N/A'" before)
    assert model.sample(5, conditions={"colour": "N/A"}, random_state=0)["colour"].isna().all()


def test_a_csv_sample_starts_with_a_byte_order_mark_where_the_real_csv_was_made_for_excel(tmp_path):
    """A cp1252 export of a German spreadsheet (or a UTF-8 one with the mark) gave a sample without the
    mark, which Excel reads in the computer's code page: "Müller" showed as "MÃ¼ller". The mark starts a
    file once (not each chunk), never a stream or a folder's parts, nor a sample of a plain UTF-8 CSV."""
    from synthloom import get_model, load
    from synthloom.data.io import read_table
    from synthloom.data.metadata import Metadata
    from synthloom.sampling import sample_to_file, sample_to_parts, sample_to_stream

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"name": rng.choice(["Müller", "Weiß", "Schön"], 200), "x": rng.normal(size=200)})
    bom = codecs.BOM_UTF8
    for encoding, marked in [("cp1252", True), ("utf-8-sig", True), ("utf-8", False)]:
        frame.to_csv(tmp_path / "real.csv", sep=";", index=False, encoding=encoding)
        model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv", encoding=encoding))
        assert model.metadata_.csv_bom is marked
        model.save(tmp_path / "m.synthloom")
        path = sample_to_file(load(tmp_path / "m.synthloom"), 500, tmp_path / "f.csv", chunk_rows=100)
        written = path.read_bytes()
        assert written.startswith(bom) is marked and written.count(bom) == int(marked)
        assert set(read_table(path)["name"]) <= {"Müller", "Weiß", "Schön"}
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv", encoding="utf-8"))
    model.metadata_.csv_bom = True
    stream = io.StringIO()
    sample_to_stream(model, 50, stream)
    assert not stream.getvalue().startswith("\ufeff")
    parts = sample_to_parts(model, 50, tmp_path / "parts", fmt="csv")
    assert not any(part.read_bytes().startswith(bom) for part in parts.glob("*.csv"))
    with pytest.raises(ConfigError, match=r"^csv_bom 'yes': give true or false"):
        Metadata.from_dict({"columns": {}, "csv_bom": "yes"})


def test_a_parquet_sample_of_a_csv_holds_its_formatted_amounts_as_numbers(tmp_path):
    """A Parquet sample of a model fitted on a CSV of "2.652,28 €" amounts and counts missing as "?" held
    them as text no one could sum, where plain decimals came as numbers. They are numbers now (a CSV sample
    still writes them in their form), and a model fitted on a DataFrame of such text keeps it."""
    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.sampling import sample_to_file, sample_to_parts

    rng = np.random.default_rng(0)
    amounts = [
        f"{v:,.2f} €".replace(",", "_").replace(".", ",").replace("_", ".") for v in rng.uniform(5, 5000, 300)
    ]
    counts = rng.integers(0, 40, 300).astype(object)
    counts[:20] = "?"
    frame = pd.DataFrame({"Betrag": amounts, "Anzahl": counts, "k": rng.choice(["a", "b"], 300)})
    frame.to_csv(tmp_path / "real.csv", sep=";", index=False)
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv"))
    typed = pd.read_parquet(sample_to_file(model, 500, tmp_path / "f.parquet", chunk_rows=200))
    assert typed["Betrag"].dtype == "float64" and typed["Betrag"].between(5, 5000).all()
    assert typed["Anzahl"].dtype == "Int64" and 0 < typed["Anzahl"].isna().sum() < 100
    parts = sample_to_parts(model, 500, tmp_path / "parts", part_rows=200)
    assert pd.read_parquet(parts)["Betrag"].dtype == "float64"
    written = pd.read_csv(sample_to_file(model, 500, tmp_path / "f.csv"), sep=";", keep_default_na=False)
    assert written["Betrag"].str.fullmatch(r"[\d.]+,\d\d €").all() and (written["Anzahl"] == "?").any()
    text = get_model("copula", random_state=0).fit(frame)
    assert pd.read_parquet(sample_to_file(text, 100, tmp_path / "t.parquet"))["Betrag"].dtype == object
