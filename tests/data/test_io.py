"""Reading tables: a reader's error without a message still gives a one-line DataError."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthloom.data.io import first_line, read_table, write_table
from synthloom.errors import ConfigError, DataError


def test_a_csv_error_without_a_message_names_its_type(tmp_path, monkeypatch):
    """A ParserError with an empty message raised IndexError from splitlines()[0]."""
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n")

    def fails(*args, **kwargs):
        raise pd.errors.ParserError()

    monkeypatch.setattr(pd, "read_csv", fails)
    with pytest.raises(DataError, match=r"not a well-formed CSV \(ParserError\)"):
        read_table(path)


def test_a_parquet_error_without_a_message_names_its_type(tmp_path, monkeypatch):
    path = tmp_path / "t.parquet"
    pd.DataFrame({"a": [1, 2], "b": [3, 4]}).to_parquet(path)

    def fails(*args, **kwargs):
        raise pa.ArrowInvalid("")

    monkeypatch.setattr(pq, "read_table", fails)
    with pytest.raises(DataError, match=r"not a readable Parquet file \(ArrowInvalid\)"):
        read_table(path)


def test_first_line_skips_blank_lines():
    assert first_line(ValueError("\n  bad row 3  \ndetails")) == "bad row 3"
    assert first_line(ValueError()) == "ValueError"


def test_read_table_notes_how_a_csv_writes_its_numbers_and_write_table_writes_them_so(tmp_path):
    """A float column every value of which a CSV writes with two decimals ("26.00") was written back
    "26.0", and one written with its sign ("+1.26") without it; missing values count for nothing in the
    form, and are written as most of them are ("NA", where more are so than empty); a column whose
    decimals differ, or which pandas writes as it reads, has no form."""
    from synthloom.data.metadata import NumberText, csv_texts_read

    text = (
        "price,change,ratio,tenth,qty,flag\n26.00,+1.26,0.5,1.5,3,True\n15.50,-0.40,0.25,2.0,+4,False\n"
        ",NA,0.125,,-5,True\n9.99,+0.00,1.0,3.5,6,False\n"
    )
    (tmp_path / "real.csv").write_text(text)
    frame = read_table(tmp_path / "real.csv")
    assert frame["price"].dtype == "float64" and frame["change"].tolist()[:2] == [1.26, -0.4]  # numbers
    assert csv_texts_read(frame) == {"price": NumberText(2), "change": NumberText(2, plus=True, missing="NA")}
    out = write_table(frame, tmp_path / "out.csv", texts=csv_texts_read(frame))
    assert out.read_text() == text.replace("+4", "4")
    assert "26.0," in write_table(frame, tmp_path / "plain.csv").read_text()  # without texts: as pandas


def test_csv_parts_keep_a_numbers_form_only_where_every_part_writes_it(tmp_path):
    from synthloom.data.metadata import NumberText, csv_texts_read

    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "part-0.csv").write_text("price,fee,qty\n26.00,1.50,1\n15.50,2.00,2\n")
    (tmp_path / "parts" / "part-1.csv").write_text("price,fee\n9.90,1.5\n")
    (tmp_path / "parts" / "part-2.csv").write_text("price,fee\n,1.5\n,2.5\n")  # no price to say otherwise
    frame = read_table(tmp_path / "parts")
    assert csv_texts_read(frame) == {"price": NumberText(2)}  # "1.5" beside "1.50": no form of the table's


def test_outputs_take_their_suffixes_and_the_advice_names_a_file_that_takes_one(tmp_path):
    from synthloom.data.io import check_outputs

    check_outputs(report=tmp_path / "r.htm", model=tmp_path / "m.SYNTHLOOM")  # .htm is HTML too
    with pytest.raises(ConfigError, match=r"\(e\.g\. -o .*/x\.synthloom\)$"):
        check_outputs(model=tmp_path / "x.synthloom.bak")


@pytest.mark.parametrize("numbers", [True, False])
def test_rows_with_fewer_fields_than_the_header_are_said_and_kept(tmp_path, numbers):
    """pandas reads a short row's last fields as missing without a word: a cut line, or a row whose
    fields were split elsewhere, passed silently into training."""
    import warnings

    from synthloom.errors import DataWarning

    value = "4" if numbers else "x"
    path = tmp_path / "t.csv"
    path.write_text(f"a,b,c\n{value},5,6\n{value},5\n{value},\n{value},5,6\n")
    said = r"t.csv: 2 row\(s\) have fewer fields than the header's 3 \(data rows 2, 3 \(counted from 1 below"
    with pytest.warns(DataWarning, match=said + r" the header\); the first, with 2: '.,5'\)"):
        frame = read_table(path)
    assert len(frame) == 4 and frame["c"].isna().tolist() == [False, True, True, False]
    # numbered as pandas numbers the rows: a blank line skipped, a quoted value over two lines one row
    path.write_text(f'a,b,c\n{value},"5\n5",6\n\n{value},5\n')
    with pytest.warns(DataWarning, match=r"\(data row 2 \(counted from 1 below the header\); the first"):
        assert len(read_table(path)) == 2
    whole = tmp_path / "whole.csv"
    whole.write_text(f'a,b,c\n{value},"5,5",6\n{value},,\n')  # a quoted delimiter and blank fields are whole
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        assert len(read_table(whole)) == 2


def test_a_row_with_more_fields_than_the_header_is_named_in_our_words(tmp_path):
    """The error quoted pandas' tokenizer: "Error tokenizing data. C error: Expected 3 fields in line 3"; then
    it named "row 3 (the header being row 1)" where other messages name data rows."""
    path = tmp_path / "t.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6,7\n")
    with pytest.raises(DataError, match=r"t.csv: data row 2 \(counted from 1 below the header\) has 4 field"):
        read_table(path)
    # every row one field wider (a delimiter ending every line): pandas took column a for row labels
    path.write_text("a,b,c\n1,2,3,\n4,5,6,\n")
    with pytest.raises(DataError, match=r"2 row\(s\) have more fields than the header's 3 \(the first, with"):
        read_table(path)


def test_a_temporary_file_a_killed_write_left_is_removed_by_the_next_write(tmp_path):
    """`sample` killed outright (SIGKILL, the out-of-memory killer) left a 21 MB `.k.csv.*.part`, which no
    later run removed; one of a live writer (another run) is kept, as are other outputs' files."""
    import os
    import subprocess

    from synthloom.data.io import atomic_path

    finished = subprocess.Popen(["true"])
    finished.wait()
    stale = tmp_path / f".out.csv.{finished.pid}.k2x9a_1q.part"
    live = tmp_path / f".out.csv.{os.getpid()}.w8e0c3rt.part"
    other = tmp_path / f".other.csv.{finished.pid}.p0b5m2zz.part"
    for path in (stale, live, other):
        path.write_text("half")
    with atomic_path(tmp_path / "out.csv") as tmp:
        tmp.write_text("a\n1\n")
    assert (tmp_path / "out.csv").read_text() == "a\n1\n"
    assert not stale.exists() and live.exists() and other.exists()


def test_a_compressed_csv_is_refused_saying_how_to_read_it(tmp_path):
    """`fit data.csv.gz` said "unknown table format '.gz'", as if the file were no table at all."""
    import gzip

    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n1,2\n"))
    with pytest.raises(
        ConfigError, match=r"data\.csv\.gz: a compressed table, .* \(e\.g\. `gunzip data\.csv\.gz`\)"
    ):
        read_table(path)


def test_an_encoding_the_bytes_show_to_be_wrong_is_refused_naming_the_right_one(tmp_path):
    """Read as the error's advice had it (latin-1), a German Excel export (cp1252) had its euro signs turned
    into control characters; a UTF-8 file read as latin-1 had "Ã¼" for "ü" and "ï»¿" in its first name; a
    UTF-16 file named utf-8 or latin-1 read as none of its text, and utf-16 on a UTF-8 file was a traceback
    (UnicodeError). Each read without a word or with Python's error; now each is refused in one line."""
    frame = pd.DataFrame({"Name": ["Müller", "Weiß", "Schön"], "Betrag": ["1.147,76 €", "12,00 €", "3,50 €"]})
    cp1252, utf8, marked, utf16 = (tmp_path / f"{n}.csv" for n in ("cp1252", "utf8", "marked", "utf16"))
    frame.to_csv(cp1252, sep=";", index=False, encoding="cp1252")
    frame.to_csv(utf8, sep=";", index=False)
    frame.to_csv(marked, sep=";", index=False, encoding="utf-8-sig")
    frame.to_csv(utf16, sep="\t", index=False, encoding="utf-16")
    with pytest.raises(DataError, match=r"not valid utf-8 text; .* \(e\.g\. cp1252, as Windows and Excel"):
        read_table(cp1252)
    with pytest.raises(DataError, match=r"cp1252.csv: line 2, byte \d+ \(0x80\) is a control character in "):
        read_table(cp1252, encoding="latin-1")
    with pytest.raises(DataError, match=r"\(0x80\) is a control character in iso-8859-15 text"):
        read_table(cp1252, encoding="iso-8859-15")
    pd.testing.assert_frame_equal(read_table(cp1252, encoding="cp1252"), read_table(utf8), check_like=True)
    with pytest.raises(DataError, match=r"utf-8 text, not latin-1 \(line 2 holds 'ü', which latin-1 reads"):
        read_table(utf8, encoding="latin-1")
    with pytest.raises(DataError, match=r"utf-8 text \(it starts with utf-8's byte-order mark\), not cp1252"):
        read_table(marked, encoding="cp1252")
    with pytest.raises(DataError, match=r"is utf-16 text .*; pass --encoding utf-16$"):
        read_table(utf16)
    assert read_table(utf16, encoding="utf-16")["Name"].tolist() == ["Müller", "Weiß", "Schön"]
    with pytest.raises(DataError, match=r"does not start with a byte-order mark, which utf-16 text"):
        read_table(utf8, encoding="utf-16")
    assert read_table(marked)["Name"].tolist() == ["Müller", "Weiß", "Schön"]
    # UTF-16 without its mark read as UTF-8 gave one column of names with zeros between their letters
    bare = tmp_path / "bare.csv"
    frame.to_csv(bare, sep=";", index=False, encoding="utf-16-be")
    with pytest.raises(
        DataError, match=r"is utf-16 text without a byte-order mark .*; pass --encoding utf-16-be$"
    ):
        read_table(bare)
    assert read_table(bare, encoding="utf-16-be")["Name"].tolist() == ["Müller", "Weiß", "Schön"]


def test_a_tsv_file_is_read_and_a_sample_written_to_one_is_split_at_tabs(tmp_path):
    """`.tsv` was an unknown table format, to read and to write, though tab-split text in a .csv was read."""
    from synthloom import get_model
    from synthloom.sampling import sample_to_file

    frame = pd.DataFrame({"name": ["a, b", "c", "d"] * 10, "x": range(30)})
    frame.to_csv(tmp_path / "real.tsv", sep="\t", index=False)
    pd.testing.assert_frame_equal(read_table(tmp_path / "real.tsv"), frame)
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.tsv"))
    assert model.metadata_.csv_sep == "\t"
    frame.to_csv(tmp_path / "real.csv", sep=";", index=False)
    model = get_model("copula", random_state=0).fit(read_table(tmp_path / "real.csv"))
    written = sample_to_file(model, 20, tmp_path / "fake.tsv").read_text().splitlines()
    assert all(line.count("\t") == 1 and ";" not in line for line in written)
    write_table(frame, tmp_path / "copy.tsv", sep=";")
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "copy.tsv", sep="\t"), frame)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_folder_of_parts_in_two_encodings_is_said_to_be_so(tmp_path, streamed):
    """A folder of a UTF-8 part and a cp1252 one was told "pass --encoding", then, given it, "leave out
    --encoding", and never that its parts differ."""
    from synthloom.data.streaming import TableStream

    folder = tmp_path / "parts"
    folder.mkdir()
    frame = pd.DataFrame({"name": ["Müller", "Weiß", "Schön"] * 20, "amount": range(60)})
    frame.iloc[:30].to_csv(folder / "part-0001.csv", index=False)
    frame.iloc[30:].to_csv(folder / "part-0002.csv", index=False, encoding="cp1252")

    def read(encoding: str) -> None:
        if streamed:
            list(TableStream(folder, encoding=encoding).chunks())
        else:
            read_table(folder, encoding)

    for encoding, bad, good in (("utf-8", "part-0002", "part-0001"), ("cp1252", "part-0001", "part-0002")):
        said = (
            rf"{bad}.csv: not {encoding} text, while .*{good}.csv is: .* in more than one; re-save them all"
        )
        with pytest.raises(DataError, match=said):
            read(encoding)
    (folder / "part-0002.csv").write_text(frame.iloc[30:].to_csv(index=False), encoding="utf-8")
    read("utf-8")
