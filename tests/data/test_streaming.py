"""Tables read in batches: a uniform seeded sample, chunks in order, and fitting from a file in chunks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from synthloom import get_model, load
from synthloom.data.io import read_table
from synthloom.data.metadata import Metadata
from synthloom.data.streaming import TableStream
from synthloom.errors import DataError
from synthloom.models.copula import GaussianCopula


@pytest.fixture(scope="module")
def files(tmp_path_factory, default_frame):
    root = tmp_path_factory.mktemp("stream")
    frame = default_frame.reset_index(drop=True)
    frame.to_parquet(root / "real.parquet", row_group_size=128)
    frame.to_csv(root / "real.csv", index=False)
    (root / "parts").mkdir()
    for i, start in enumerate(range(0, len(frame), 300)):
        frame.iloc[start : start + 300].to_parquet(root / "parts" / f"part-{i:05d}.parquet")
    return root, frame


@pytest.mark.parametrize("name", ["real.parquet", "real.csv", "parts"])
def test_chunks_give_back_the_table_in_order(files, name):
    root, frame = files
    stream = TableStream(root / name, chunk_rows=350)
    chunks = list(stream.chunks())
    assert [len(c) for c in chunks] == [350, 350, 300] and stream.count_rows() == len(frame)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), frame, check_dtype=False)


def test_sample_is_uniform_seeded_and_bounded(files):
    root, frame = files
    stream = TableStream(root / "real.parquet")
    first = stream.sample(200, np.random.default_rng(0))
    assert len(first) == 200 and first.equals(stream.sample(200, np.random.default_rng(0)))
    assert not first.equals(stream.sample(200, np.random.default_rng(1)))
    # drawn from the whole file, not its head: positions spread over all row groups
    positions = frame.reset_index().merge(first, on=list(frame.columns))["index"]
    assert positions.min() < 150 and positions.max() > 850
    assert len(stream.sample(5_000, np.random.default_rng(0))) == len(frame)  # fewer rows: all of them


def test_the_sample_is_uniform_for_a_table_drawn_with_numpy_on_the_same_seed(tmp_path):
    """Categories drawn with ``default_rng(0).choice(..., p=...)``, sampled with keys from ``default_rng(0)``:
    the rows with the smallest keys were those whose value came from the smallest draws, all of them the
    first category (30% of the rows): `fit --stream` learned one level, or two, of eight."""
    rng = np.random.default_rng(0)
    shares = [0.3, 0.15, 0.15, 0.05, 0.05, 0.1, 0.15, 0.05]
    pd.DataFrame({"cat": rng.choice(list("ABCDEFGH"), 30_000, p=shares)}).to_csv(
        tmp_path / "t.csv", index=False
    )
    sample = TableStream(tmp_path / "t.csv", chunk_rows=5_000).sample(3_000, np.random.default_rng(0))
    found = sample["cat"].value_counts(normalize=True).reindex(list("ABCDEFGH"))
    assert np.abs(found.to_numpy() - shares).max() < 0.03, found.to_dict()


def test_unreadable_inputs_are_user_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        TableStream(tmp_path / "none.parquet")
    (tmp_path / "bad.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match=r"bad\.parquet"):
        TableStream(tmp_path / "bad.parquet")
    pd.DataFrame({"a": []}).to_parquet(tmp_path / "empty.parquet")
    with pytest.raises(DataError, match="no data rows"):
        TableStream(tmp_path / "empty.parquet").sample(10, np.random.default_rng(0))


def test_fit_file_trains_chunk_by_chunk(files, monkeypatch):
    from synthloom import get_model
    from synthloom.data.constraints import ConstraintSet
    from synthloom.models.neural import NeuralGenerator

    root, frame = files
    seen = []
    use_rows = NeuralGenerator._use_rows
    monkeypatch.setattr(
        NeuralGenerator, "_use_rows", lambda self, rows: (seen.append(len(rows)), use_rows(self, rows))
    )
    ruled = []
    rules = ConstraintSet.transform
    monkeypatch.setattr(
        ConstraintSet, "transform", lambda self, data: (ruled.append(len(data)), rules(self, data))[1]
    )
    model = get_model("tvae", epochs=2, batch_size=100, device="cpu", random_state=0)
    model.fit_file(root / "real.parquet", chunk_rows=400, sample_rows=500)
    assert seen == [400, 400, 200, 400, 400, 200]  # two passes over the file, one chunk in memory at a time
    # the rules re-encode the sample and each chunk once (the first pass applied them twice, the second
    # time for the warning of values the sample lacks)
    assert ruled == [500, 400, 400, 200, 400, 400, 200]
    assert model.n_training_rows_ == len(frame) and len(model.loss_history_) == 2
    fake = model.sample(200, random_state=0)
    assert list(fake.columns) == list(frame.columns) and set(fake["default"]) <= {"Yes", "No"}
    again = get_model("tvae", epochs=2, batch_size=100, device="cpu", random_state=0)
    assert fake.equals(
        again.fit_file(root / "real.parquet", chunk_rows=400, sample_rows=500).sample(200, random_state=0)
    )


def test_cli_stream_flag(files, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from synthloom.cli import app

    root, _ = files
    run = lambda *a: CliRunner().invoke(app, ["fit", str(root / "real.parquet"), *map(str, a)])  # noqa: E731
    result = run(
        "--stream", "-m", "ctgan", "--epochs", "1", "--device", "cpu", "-o", tmp_path / "m.synthloom"
    )
    assert result.exit_code == 0, result.output
    assert "read in chunks" in " ".join(result.output.split()) and (tmp_path / "m.synthloom").exists()
    # the copula learns from the file's uniform sample (it was refused: read whole, a 1.1 GB file took
    # 7.4 GB of memory); a model of another's making without fit_file is refused
    copula = run("--stream", "-m", "copula", "--sample-rows", "300", "-o", tmp_path / "c.synthloom")
    assert copula.exit_code == 0, copula.output
    assert load(tmp_path / "c.synthloom").n_training_rows_ == len(pd.read_parquet(root / "real.parquet"))
    monkeypatch.delattr(GaussianCopula, "fit_file")
    refused = run("--stream", "-m", "copula", "-o", tmp_path / "r.synthloom")
    assert refused.exit_code == 2 and "cannot read a file in chunks" in refused.output


def test_the_copula_fitted_on_a_files_uniform_sample_is_the_copula_of_those_rows(files):
    """A sample holding every row gives the model a whole read gives; a smaller one counts every row."""
    root, frame = files
    whole = get_model("copula", random_state=0).fit(read_table(root / "real.parquet"))
    streamed = get_model("copula", random_state=0).fit_file(root / "real.parquet", sample_rows=10**6)
    np.testing.assert_allclose(streamed.correlation_, whole.correlation_, atol=1e-12)
    assert streamed.sample(300, random_state=1).equals(whole.sample(300, random_state=1))
    part = get_model("copula", random_state=0).fit_file(root / "real.parquet", sample_rows=500)
    assert part.n_training_rows_ == len(frame) > 500


def test_cli_sample_rows_sets_the_streamed_sample(files, tmp_path, monkeypatch):
    """The warning of values the sample lacked pointed to a larger sample, which only Python could set."""
    from typer.testing import CliRunner

    from synthloom.cli import app

    root, _ = files
    asked = []
    sample = TableStream.sample
    monkeypatch.setattr(
        TableStream, "sample", lambda self, k, rng: (asked.append(k), sample(self, k, rng))[1]
    )
    run = lambda *a: CliRunner().invoke(app, ["fit", str(root / "real.csv"), *map(str, a)])  # noqa: E731
    out = tmp_path / "m.synthloom"
    result = run(
        "--stream", "--sample-rows", 300, "-m", "tvae", "--epochs", "1", "--device", "cpu", "-o", out
    )
    assert result.exit_code == 0, result.output
    assert asked == [300]
    whole = run("--sample-rows", 300, "-m", "tvae", "--epochs", "1", "-o", tmp_path / "w.synthloom")
    assert whole.exit_code == 2 and "--sample-rows is for a file read in chunks" in " ".join(
        whole.output.split()
    )


def test_csv_text_reads_as_pandas_reads_it_missing_values_and_encoding(tmp_path):
    from synthloom.data.io import read_table
    from synthloom.errors import ConfigError

    frame = pd.DataFrame({"x": np.arange(60.0), "city": ["Léon", None, "Nîmes"] * 20})
    path = tmp_path / "latin.csv"
    frame.to_csv(path, index=False, encoding="latin-1")
    with path.open("a", encoding="latin-1") as handle:  # texts pandas reads as missing, too
        handle.write("60.0,None\n61.0,<NA>\n")
    streamed = pd.concat(TableStream(path, chunk_rows=25, encoding="latin-1").chunks(), ignore_index=True)
    whole = read_table(path, encoding="latin-1")
    assert streamed["city"].isna().sum() == whole["city"].isna().sum() == 22  # missing, not "" or "None"
    assert streamed["city"].dropna().tolist() == whole["city"].dropna().tolist()
    # where, in the file: the whole read said "byte 3" for a bad byte at 175 (its offset in a block)
    bad = path.read_bytes().index("é".encode("latin-1"))
    at = rf"line 2, byte {bad:,}"
    with pytest.raises(DataError, match=rf"column 'city', {at} is not valid utf-8 text; .* --encoding"):
        TableStream(path)
    with pytest.raises(DataError, match=rf"latin.csv: {at} is not valid utf-8 text"):
        read_table(path)
    with pytest.raises(ConfigError, match="unknown text encoding 'nope'"):
        TableStream(path, encoding="nope")


def test_whole_numbers_past_2_to_53_with_gaps_stream_exactly(tmp_path):
    """pyarrow's text went through pandas' floats where a column had gaps (and past int64 without them):
    account numbers lost their last digits, which a --stream fit learned and sampled as 4.611686018427388e+18.
    They read as read_table reads them (Int64 / UInt64 / uint64), every digit kept."""
    from typer.testing import CliRunner

    from synthloom.cli import app
    from synthloom.data.io import read_table

    n = 200
    path = tmp_path / "accounts.csv"
    pd.DataFrame(
        {
            "acct": [None if i % 9 == 0 else str(2**62 + 7 * i + 1) for i in range(n)],  # unique: ids
            "branch": [None if i % 11 == 0 else str(2**60 + 1 + i % 5) for i in range(n)],  # categories
            "card": [str(2**63 + 3 * i + 1) for i in range(n)],  # past int64, no gaps
            "age": np.arange(n) % 60 + 18,
        }
    ).to_csv(path, index=False)
    whole = read_table(path)
    streamed = pd.concat(TableStream(path, chunk_rows=64).chunks(), ignore_index=True)
    pd.testing.assert_frame_equal(streamed, whole)
    sample = TableStream(path).sample(50, np.random.default_rng(0))
    assert sample.dtypes.equals(whole.dtypes)

    model, fake = tmp_path / "m.synthloom", tmp_path / "fake.csv"
    for args in (
        ["fit", path, "--stream", "-m", "ctgan", "--epochs", "1", "--device", "cpu", "-o", model],
        ["sample", model, "-n", "40", "-o", fake],
    ):
        result = CliRunner().invoke(app, list(map(str, args)))
        assert result.exit_code == 0, result.output
    written = pd.read_csv(fake, dtype=str)
    assert written["acct"].dropna().str.fullmatch(r"46116860184\d{8}").all()  # new ids, every digit
    assert set(written["branch"].dropna()) <= set(whole["branch"].dropna().astype(str))


def test_codes_with_leading_zeros_stream_as_text(tmp_path):
    codes = ["02134", "02139", "10001", "00501"] * 50
    pd.DataFrame({"zip": codes, "amount": range(200)}).to_csv(tmp_path / "z.csv", index=False)
    stream = TableStream(tmp_path / "z.csv", chunk_rows=64)
    streamed = pd.concat(list(stream.chunks()), ignore_index=True)
    assert streamed["zip"].tolist() == codes  # as read_table reads them, not 2134, 501
    assert pd.api.types.is_integer_dtype(streamed["amount"])
    assert set(stream.sample(20, np.random.default_rng(0))["zip"]) <= set(codes)


def test_booleans_come_back_spelt_as_the_file_spells_them(tmp_path):
    """pandas reads "true" / "FALSE" as booleans, which were written back "True" / "False"."""
    from synthloom import get_model
    from synthloom.data.io import read_table
    from synthloom.data.metadata import ColumnKind

    rng = np.random.default_rng(0)
    lower = rng.choice(["true", "false"], 200).astype(object)
    lower[:7] = None
    frame = pd.DataFrame(
        {
            "lower": lower,
            "upper": rng.choice(["TRUE", "FALSE"], 200),
            "python": rng.choice([True, False], 200),
        }
    )
    path = tmp_path / "flags.csv"
    frame.assign(x=rng.normal(size=200)).to_csv(path, index=False)
    whole = read_table(path)
    streamed = pd.concat(TableStream(path, chunk_rows=64).chunks(), ignore_index=True)
    for read in (whole, streamed):
        assert read["lower"].fillna("-").tolist() == frame["lower"].fillna("-").tolist()
        assert read["upper"].tolist() == frame["upper"].tolist()
        assert read["python"].dtype == bool  # "True" / "False": booleans, as before
    model = get_model("copula", random_state=0).fit(whole)
    assert {model.metadata_.columns[c].kind for c in ("lower", "upper", "python")} == {ColumnKind.BOOLEAN}
    fake = model.sample(300, random_state=0)
    assert set(fake["lower"].dropna()) == {"true", "false"} and fake["lower"].isna().any()
    assert set(fake["upper"]) == {"TRUE", "FALSE"} and fake["python"].dtype == bool
    assert model.sample(5, conditions={"upper": True}, random_state=0)["upper"].eq("TRUE").all()


def test_csv_columns_whose_later_rows_differ_stream_as_pandas_reads_them(tmp_path):
    from synthloom.data.io import read_table

    n = 80_000  # past pyarrow's first 1 MB block, from which it would type every column
    late = np.where(np.arange(n) < 60_000, np.nan, 94.2)
    whole_numbers = np.arange(n).astype(object)
    whole_numbers[-10] = 2.5
    path = tmp_path / "late.csv"
    pd.DataFrame({"late": late, "count": whole_numbers, "flag": ["True", "False"] * (n // 2)}).to_csv(
        path, index=False
    )
    stream = TableStream(path, chunk_rows=30_000)
    sample = stream.sample(1_000, np.random.default_rng(0))
    streamed = pd.concat(list(stream.chunks()), ignore_index=True)
    whole = read_table(path)
    assert streamed["late"].isna().sum() == 60_000 and streamed["late"].dropna().eq(94.2).all()
    assert streamed["count"].astype(float).tolist() == whole["count"].tolist()  # was: "conversion error"
    assert streamed["flag"].dtype == bool and streamed["flag"].tolist() == whole["flag"].tolist()
    assert pd.api.types.is_numeric_dtype(sample["count"]) and sample["flag"].dtype == bool


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_csv_split_by_semicolons_or_tabs_is_read_column_by_column(tmp_path, sep):
    from synthloom.data.io import read_table

    frame = pd.DataFrame(
        {"name": ["Müller", "Zoë, Jr", "Ann"] * 20, "price": np.arange(60) / 4, "qty": range(60)}
    )
    path = tmp_path / "semi.csv"
    frame.to_csv(path, sep=sep, index=False)
    whole = read_table(path)
    streamed = pd.concat(list(TableStream(path, chunk_rows=25).chunks()), ignore_index=True)
    for read in (whole, streamed):  # was one column named "name;price;qty"
        assert list(read.columns) == ["name", "price", "qty"]
        assert (
            read["price"].tolist() == frame["price"].tolist()
            and read["name"].tolist() == frame["name"].tolist()
        )
    # the sample fit --stream learns the metadata from keeps the delimiter, as read_table's frame does
    sample = TableStream(path).sample(10, np.random.default_rng(0))
    assert Metadata.infer(sample).csv_delimiter == Metadata.infer(whole).csv_delimiter == sep


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_short_row_among_the_first_rows_does_not_change_the_delimiter(tmp_path, sep):
    """A comma file with a short row was split at ";" (which splits no line, so "agreed" with every row)
    and learned as one column named "a,b,c"; pandas reads the short row's last field as missing."""
    from synthloom.data.io import read_table

    path = tmp_path / "short.csv"
    path.write_text(sep.join("abc") + "\n" + "\n".join(sep.join(row) for row in ["123", "45", "678"]) + "\n")
    read = read_table(path)
    assert list(read.columns) == ["a", "b", "c"]
    assert read["c"].isna().tolist() == [False, True, False]


def test_parquet_parts_whose_first_part_holds_a_column_empty_are_read(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from synthloom.data.io import read_table

    folder = tmp_path / "parts"
    folder.mkdir()
    for i, late in enumerate(
        [pa.nulls(40), pa.array(np.linspace(0, 1, 40))]
    ):  # pandas writes null for all-None
        pq.write_table(pa.table({"late": late, "x": pa.array(range(40))}), folder / f"part-{i:05d}.parquet")
    whole = read_table(folder)  # was "Unsupported cast from double to null"
    streamed = pd.concat(list(TableStream(folder, chunk_rows=30).chunks()), ignore_index=True)
    for read in (whole, streamed):
        assert read["late"].dtype == float and read["late"].isna().sum() == 40 and read["late"].max() == 1.0


def test_parquet_parts_holding_a_column_as_categories_in_one_and_text_in_another_are_read(tmp_path):
    from synthloom.data.io import read_table

    folder = tmp_path / "parts"
    folder.mkdir()
    pd.DataFrame({"x": range(30), "y": ["b", "c"] * 15}).to_parquet(folder / "part-00000.parquet")
    categories = pd.DataFrame({"x": range(30), "y": pd.Categorical(["a"] * 30)})  # another export's dtype
    categories.to_parquet(folder / "part-00001.parquet")
    # was "Unable to merge: Field y has incompatible types: string vs dictionary<...>", whole or streamed
    streamed = pd.concat(list(TableStream(folder, chunk_rows=25).chunks()), ignore_index=True)
    for frame in (streamed, read_table(folder)):
        assert frame["y"].astype(str).value_counts().to_dict() == {"a": 30, "b": 15, "c": 15}


def test_parquet_parts_that_cannot_be_read_as_one_table_are_named(tmp_path):
    from synthloom.data.io import read_table

    folder = tmp_path / "parts"
    folder.mkdir()
    pd.DataFrame({"x": range(30), "y": 1.5}).to_parquet(folder / "part-00000.parquet")
    pd.DataFrame({"x": [f"v{i}" for i in range(30)], "y": 2.5}).to_parquet(folder / "part-00001.parquet")
    # was the folder's "Unable to merge: Field x has incompatible types: int64 vs string": which part of many?
    second = folder / "part-00001.parquet"
    clash = rf"^{second}: column 'x' is string, where part-00000.parquet holds it as int64"
    for read in (TableStream, read_table):
        with pytest.raises(DataError, match=clash):
            read(folder)
    second.write_bytes(b"junk")
    for read in (TableStream, read_table):
        with pytest.raises(DataError, match=rf"^{second}: not a readable Parquet file"):
            read(folder)


def test_fit_file_refuses_chunk_and_sample_sizes_it_cannot_use(files):
    from synthloom import get_model
    from synthloom.errors import ConfigError

    root, _ = files
    model = get_model("tvae", epochs=1)
    for settings, fragment in (
        ({"chunk_rows": 0}, "chunk_rows must be a whole number >= 1, not 0"),  # was ZeroDivisionError
        ({"chunk_rows": -5}, "chunk_rows must be"),  # was an IndexError from pyarrow
        ({"sample_rows": 1}, "sample_rows must be a whole number >= 10, not 1"),  # was "the data has 1"
    ):
        with pytest.raises(ConfigError, match=fragment):
            model.fit_file(root / "real.csv", **settings)


def test_empty_header_names_are_named_as_pandas_names_them_whole_or_streamed(tmp_path):
    from synthloom.data.io import read_table

    path = tmp_path / "export.csv"
    path.write_text("a,b,,\n" + "".join(f"{i},x{i % 3},,\n" for i in range(50)))  # a spreadsheet's ",,"
    names = ["a", "b", "Unnamed: 2", "Unnamed: 3"]
    assert list(read_table(path).columns) == names  # was "duplicate column name(s) ['']"
    assert list(next(TableStream(path, chunk_rows=20).chunks()).columns) == names


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_part_lacking_a_column_is_named_in_a_warning(tmp_path, fmt):
    from synthloom.data.io import read_table
    from synthloom.errors import DataWarning

    folder = tmp_path / "parts"
    folder.mkdir()
    frames = [pd.DataFrame({"x": range(20), "y": 1.5}), pd.DataFrame({"x": range(20)})]
    for i, frame in enumerate(frames):
        path = folder / f"part-{i:05d}.{fmt}"
        frame.to_parquet(path) if fmt == "parquet" else frame.to_csv(path, index=False)
    with pytest.warns(DataWarning, match=r"part-00001\.\w+: lacks column\(s\) \['y'\]"):
        whole = read_table(folder)
    assert whole["y"].isna().sum() == 20  # read as missing, as before, but no longer silently


def test_csv_parts_with_other_columns_stream_every_column_as_read_table_reads_them(tmp_path):
    from synthloom.data.io import read_table
    from synthloom.errors import DataWarning

    folder = tmp_path / "parts"
    folder.mkdir()
    frames = [
        pd.DataFrame({"x": range(20), "y": 1.5}),
        pd.DataFrame({"x": range(20)}),
        pd.DataFrame({"x": range(20), "y": 2.5, "z": "a"}),  # a column only a later export has
    ]
    for i, frame in enumerate(frames):
        frame.to_csv(folder / f"part-{i:05d}.csv", index=False)
    with pytest.warns(DataWarning) as caught:
        stream = TableStream(folder, chunk_rows=25)
    lacking = [str(warning.message).split(": ")[0][-14:] for warning in caught]
    assert lacking == ["part-00000.csv", "part-00001.csv"]
    assert "lacks column(s) ['y', 'z']" in str(caught[1].message)
    streamed = pd.concat(list(stream.chunks()), ignore_index=True)
    with pytest.warns(DataWarning):
        whole = read_table(folder)
    # was: z dropped without a word (the first part's columns alone), and no warning for part 1's y
    assert list(streamed.columns) == list(whole.columns) == ["x", "y", "z"]
    assert streamed["y"].isna().sum() == 20 and streamed["z"].isna().sum() == 40


@pytest.mark.parametrize("empty", ["part-00001.csv", "part-00000.csv"])
def test_an_empty_csv_part_is_refused_naming_it_when_streamed(tmp_path, empty):
    folder = tmp_path / "parts"
    folder.mkdir()
    for name in ("part-00000.csv", "part-00001.csv"):
        pd.DataFrame({"x": range(20)}).to_csv(folder / name, index=False)
    (folder / empty).write_text("")
    # was pyarrow's "Empty CSV file or block: cannot infer number of columns", or for the first part, "not a
    # readable csv table (Error creating dataset. ...)"
    with pytest.raises(DataError, match=rf"^{folder / empty}: file is empty; give it a header row$"):
        TableStream(folder).sample(10, np.random.default_rng(0))


def test_csv_parts_are_lined_up_by_column_name_when_streamed(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    first = pd.DataFrame({"a": np.arange(30) + 100.5, "b": ["x", "y", "z"] * 10, "c": np.arange(30) % 5})
    first.to_csv(folder / "part-00000.csv", index=False)
    first[["c", "b", "a"]].to_csv(folder / "part-00001.csv", index=False)  # another export's order
    streamed = pd.concat(list(TableStream(folder, chunk_rows=25).chunks()), ignore_index=True)
    assert streamed["a"].ge(100).all() and streamed["c"].le(4).all()  # was: a and c swapped in part 2


def test_a_wide_csv_whose_header_is_longer_than_the_delimiter_sample_is_read(tmp_path):
    from synthloom.data.io import read_table

    names = [f"pixel_row_{i // 100:03d}_col_{i % 100:03d}" for i in range(6_000)]  # a 150 KB header
    path = tmp_path / "wide.csv"
    pd.DataFrame(np.arange(18_000).reshape(3, 6_000), columns=names).to_csv(path, index=False)
    assert list(read_table(path).columns) == names
    assert list(next(TableStream(path).chunks()).columns) == names


def test_parquet_dates_are_learned_as_dates_and_written_back_as_date32(tmp_path):
    """A Parquet date32 column was learned as text and written back as strings, then (read as datetime64)
    written back as timestamps: a schema real and synthetic files could not be joined under. Dates are
    read as pandas reads them (Python dates), whole and streamed, and come back as dates, in a Parquet
    file as date32."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from synthloom import get_model
    from synthloom.data.io import read_table, write_table
    from synthloom.data.metadata import Metadata

    rng = np.random.default_rng(0)
    days = [datetime.date(2020, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 300, 200)]
    days[:10] = [None] * 10
    path = tmp_path / "dates.parquet"
    pq.write_table(pa.table({"day": pa.array(days, pa.date32()), "v": rng.normal(size=200)}), path)
    whole = read_table(path)
    streamed = pd.concat(list(TableStream(path, chunk_rows=64).chunks()), ignore_index=True)
    for read in (whole, streamed):
        assert read["day"].tolist() == days
    assert Metadata.infer(pd.read_parquet(path)).kinds()["day"] == "datetime"  # pandas' own reading too
    model = get_model("copula", random_state=0).fit(whole)
    fake = model.sample(300)
    present = fake["day"].dropna()
    assert present.map(type).eq(datetime.date).all() and 0 < fake["day"].isna().sum() < 40
    assert min(days[10:]) <= present.min() and present.max() <= max(days[10:])
    assert model.sample(5, conditions={"day": "2020-03-05"})["day"].eq(datetime.date(2020, 3, 5)).all()
    assert pq.read_schema(write_table(fake, tmp_path / "fake.parquet")).field("day").type == pa.date32()
    # a rule rebuilding a side writes dates too (it wrote timestamps among them)
    from synthloom.data.constraints import Inequality

    stay = pd.DataFrame({"start": days[10:], "end": [d + datetime.timedelta(days=3) for d in days[10:]]})
    rows = get_model("copula", random_state=0).fit(stay, constraints=[Inequality("start", "end")]).sample(50)
    assert rows["end"].map(type).eq(datetime.date).all() and (rows["end"] >= rows["start"]).all()


def test_fit_file_reads_metadata_as_a_json_dict(files):
    """fit took the JSON form of the metadata, fit_file crashed on it with AttributeError."""
    from synthloom import get_model

    root, _ = files
    model = get_model("tvae", epochs=1, batch_size=100, device="cpu", random_state=0)
    model.fit_file(root / "real.parquet", metadata={"columns": {"student": {"kind": "boolean"}}})
    assert model.metadata_.kinds()["student"] == "boolean"


def test_a_row_of_other_width_read_in_chunks_is_refused_naming_it(tmp_path):
    """Read whole, a short row's last fields read as missing; pyarrow's stream cannot pad it, and refused
    the file as a "schema" it could not read (or, further in, as a parse error)."""
    path = tmp_path / "short.csv"
    rows = [f"{i},x{i % 3},{i * 7}" for i in range(1, 80_000)]
    for at, row, fields in (
        (5, "5,x1", 2),
        (len(rows), "5,x1", 2),
        (5, "5,x1,3,4", 4),
    ):  # short in the first block read, short past it, wide
        path.write_text("a,b,c\n" + "\n".join([*rows[:at], row, *rows[at:]]) + "\n")
        said = rf"short.csv: data row {at + 1} \(counted from 1 below the header\) has {fields} field\(s\)"
        said += " where"
        why = "or one ending every line" if fields > 3 else "a cut line"
        with pytest.raises(DataError, match=said + rf" the header has 3 \('{row}'\).* that row \(.*{why}"):
            TableStream(path).sample(10, np.random.default_rng(0))


def test_a_stream_reads_no_further_ahead_than_its_reader(tmp_path):
    import time

    import pyarrow as pa

    # pyarrow's dataset scanner decoded the whole file ahead of a reader that had taken one 10,000-row
    # chunk, so a slow reader (training) held all of it: 112 MB of this 96 MB CSV file, 25 MB of the
    # Parquet one; the file readers hold about 35 MB (the CSV reader's read-ahead) and 1 MB
    csv = tmp_path / "big.csv"
    csv.write_bytes(b"code,x\n" + b"abcdefghij,0.123456789\n" * 4_000_000)
    parquet = tmp_path / "big.parquet"
    rng = np.random.default_rng(0)
    codes = rng.choice([f"c{i}" for i in range(500)], 1_000_000)
    pd.DataFrame({"code": codes, "x": rng.random(1_000_000)}).to_parquet(parquet, row_group_size=20_000)
    for path, bound in ((csv, 60_000_000), (parquet, 5_000_000)):
        chunks = TableStream(path, chunk_rows=10_000).chunks()
        before = pa.total_allocated_bytes()
        assert len(next(chunks)) == 10_000
        time.sleep(0.5)  # time enough for a read-ahead to run through the file
        assert pa.total_allocated_bytes() - before < bound, path.name
        chunks.close()


def test_csv_parts_are_read_each_by_its_own_header_and_delimiter(tmp_path):
    """With an empty header name, every part was read by the folder's column list, so a part ordering
    its columns otherwise had its ages read as cities; a part written with ";" beside "," parts had every
    value missing. Both without a word; a whole read had them right."""
    for name, texts in {
        "swapped": ("age,,city\n30,a,Paris\n41,b,Rome\n", "city,,age\nOslo,c,52\nLima,d,63\n"),
        "delimiters": ("age;city\n30;Paris\n41;Rome\n", "age,city\n52,Oslo\n63,Lima\n"),
    }.items():
        (tmp_path / name).mkdir()
        for i, text in enumerate(texts):
            (tmp_path / name / f"part-{i}.csv").write_text(text)
        stream = TableStream(tmp_path / name)
        rows = pd.concat(list(stream.chunks()), ignore_index=True)
        assert rows["age"].tolist() == [30, 41, 52, 63] and rows["city"].tolist() == [
            "Paris",
            "Rome",
            "Oslo",
            "Lima",
        ]
        assert stream.count_rows() == 4


def test_line_breaks_in_quoted_values_past_the_first_block_are_read(tmp_path):
    """A 12 MB file of notes with line breaks failed past pyarrow's first 1 MB block: "CSV parser got out
    of sync with chunker"; read whole it was fine."""
    path = tmp_path / "notes.csv"
    path.write_text("id,note\n" + "".join(f'{i},"line one\nline two of {i}"\n' for i in range(100_000)))
    stream = TableStream(path, chunk_rows=30_000)
    rows = pd.concat(list(stream.chunks()), ignore_index=True)
    assert len(rows) == stream.count_rows() == 100_000
    assert rows["note"].iloc[-1] == "line one\nline two of 99999"


def test_values_the_sample_lacks_are_warned_of_in_a_streamed_fit(tmp_path):
    """A category and a text in a number column found only in rows outside the sample were learned as
    another level and as missing, without a word. A "maybe" among True / False left its whole chunk's
    flags as text, which no learned level met: all 2,000 were learned as one level."""
    from synthloom import get_model
    from synthloom.errors import DataWarning

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "kind": rng.choice(["a", "b"], 10_000),
            "amount": rng.normal(size=10_000).round(3),
            "flag": rng.choice(["True", "False"], 10_000).astype(object),
        }
    )
    frame.loc[9_997:, "kind"] = "zzz"
    frame.loc[9_999:, "flag"] = "maybe"
    frame = frame.astype({"amount": object})
    frame.loc[9_998:, "amount"] = "unknown"
    path = tmp_path / "late.csv"
    frame.to_csv(path, index=False)
    model = get_model("tvae", epochs=1, batch_size=100, random_state=0)
    with pytest.warns(DataWarning) as said:
        model.fit_file(path, chunk_rows=4_000, sample_rows=50)
    (warning,) = [str(w.message) for w in said if "sample the columns were learned from" in str(w.message)]
    assert "data rows 8,001 - 10,000 hold values the 50-row sample" in warning
    assert "'kind' in 3 row(s), e.g. 'zzz'" in warning and "'amount' in 2 row(s), e.g. 'unknown'" in warning
    assert "'flag' in 1 row(s), e.g. 'maybe'" in warning
