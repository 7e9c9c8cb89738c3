"""``synthloom augment``: writing real + synthetic rows, the evaluation and its report, user errors."""

from __future__ import annotations

import inspect

import pandas as pd
import pytest
import torch
from typer.testing import CliRunner

from synthloom.augment_cli import augment_command, parse_rows_per_class
from synthloom.augmentation import DEFAULT_MODEL
from synthloom.cli import app
from synthloom.errors import ConfigError

torch.set_num_threads(1)
runner = CliRunner()


@pytest.fixture
def real_csv(tmp_path, default_frame):
    path = tmp_path / "real.csv"
    default_frame.to_csv(path, index=False)
    return path


def augmented_lines(tmp_path, header: str, rows: list[str]) -> list[str]:
    """The lines ``augment`` writes to aug.csv from a real.csv of ``header`` and ``rows`` (250 of class "a"
    in column y, then 50 of "b"), checked to start with the real file's lines, unchanged."""
    real, augmented = tmp_path / "real.csv", tmp_path / "aug.csv"
    real.write_text(header + "\n" + "\n".join(rows) + "\n")
    result = runner.invoke(app, ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(augmented)])
    assert result.exit_code == 0, result.output
    lines = augmented.read_text().splitlines()
    assert lines[: len(rows) + 1] == real.read_text().splitlines() and len(lines) == 1 + 250 + 250
    return lines


def test_writes_real_then_marked_synthetic_rows(tmp_path, real_csv, default_frame) -> None:
    out = tmp_path / "out.csv"
    args = ["augment", str(real_csv), "-t", "default", "-m", "copula", "--ratio", "0.2", "-o", str(out)]
    result = runner.invoke(app, [*args, "--mark-synthetic"])
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    fake = written[written["is_synthetic"]]
    assert len(written) == len(default_frame) + len(fake) and len(fake) > 0
    assert (fake["default"] == "Yes").all()
    assert f"{len(fake):,} synthetic rows" in result.output
    # the copula is fitted per class, on that class's rows (it said it fitted on the whole table)
    rare = int((default_frame["default"] == "Yes").sum())
    assert f"fitting copula per class: Yes ({rare:,} rows)" in result.output


def test_whole_numbers_are_written_whole_as_sample_writes_them(tmp_path) -> None:
    """A whole-number column pandas holds as floats (written "2.0") came out "4.0" from ``augment``, where
    ``sample`` of a model fitted on the same file writes "4"; a float column stays floats."""
    import numpy as np

    rng = np.random.default_rng(0)
    real = tmp_path / "real.csv"
    pd.DataFrame(
        {
            "kids": rng.integers(0, 5, 60).astype(float),
            "amount": rng.normal(size=60).round(2) + 0.001,
            "y": ["a"] * 40 + ["b"] * 20,
        }
    ).to_csv(real, index=False)
    assert "2.0" in real.read_text()
    augmented, model, sampled = tmp_path / "aug.csv", tmp_path / "m.synthloom", tmp_path / "fake.csv"
    steps = [
        ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(augmented)],
        ["fit", str(real), "-m", "copula", "-o", str(model)],
        ["sample", str(model), "-n", "20", "-o", str(sampled)],
    ]
    for args in steps:
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    for path in (augmented, sampled):
        text = pd.read_csv(path, dtype=str)
        assert text["kids"].str.fullmatch(r"\d").all(), path.name  # real rows and synthetic ones
        assert not text["amount"].str.fullmatch(r"-?\d+").all(), path.name


def test_the_real_rows_pass_through_augment_unchanged(tmp_path) -> None:
    """pandas' default float parser read one value in six a unit off in its last digit, and augment wrote
    the real rows back so (64042.265044328204 -> 64042.26504432821)."""
    import numpy as np

    rng = np.random.default_rng(0)
    real = tmp_path / "real.csv"
    values = [repr(float(v)) for v in rng.uniform(0, 2e5, 300)]
    labels = ["a"] * 250 + ["b"] * 50
    real.write_text("v,y\n" + "".join(f"{v},{y}\n" for v, y in zip(values, labels, strict=True)))
    augmented = tmp_path / "aug.csv"
    result = runner.invoke(app, ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(augmented)])
    assert result.exit_code == 0, result.output
    assert augmented.read_text().splitlines()[: len(values) + 1] == real.read_text().splitlines()


def test_real_and_synthetic_rows_write_numbers_as_the_real_csv_does(tmp_path) -> None:
    """Prices written with two decimals ("26.00") and changes with their sign ("+1.26") came back "26.0"
    and "1.26", in the real rows written back as well as in the synthetic ones."""
    import numpy as np

    rng = np.random.default_rng(0)
    changes = rng.integers(-300, 300, 300) / 100  # "+0.00" for none, no "-0.00" (which is written "+0.00")
    rows = [
        f"{rng.choice([26.0, 15.5, 9.99]):.2f},{c:+.2f},{'a' if i < 250 else 'b'}"
        for i, c in enumerate(changes)
    ]
    augmented_lines(tmp_path, "price,change,y", rows)
    written = pd.read_csv(tmp_path / "aug.csv", dtype=str)
    assert written["price"].str.fullmatch(r"\d+\.\d\d").all()
    assert written["change"].str.fullmatch(r"[+-]\d\.\d\d").all()


def test_augment_writes_numbers_in_the_form_the_metadata_declares_as_sample_does(tmp_path) -> None:
    """A ``csv_text`` declared in --metadata was ignored by augment (written as the file has it) though
    ``sample`` of a model fitted with it writes it."""
    real, augmented, kinds = tmp_path / "real.csv", tmp_path / "aug.csv", tmp_path / "kinds.json"
    rows = "".join(f"{10 + i % 7:.2f},{'a' if i < 250 else 'b'}\n" for i in range(300))
    real.write_text("price,y\n" + rows)
    kinds.write_text('{"columns": {"price": {"kind": "continuous", "csv_text": {"decimals": 3}}}}')
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--metadata", str(kinds), "-o", str(augmented)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert pd.read_csv(augmented, dtype=str)["price"].str.fullmatch(r"\d+\.\d{3}").all()


def test_a_semicolon_file_is_augmented_into_a_semicolon_file(tmp_path) -> None:
    """A CSV split by semicolons came back split by commas: the real rows no longer read as the file did
    in the tools that gave it (a spreadsheet in a decimal-comma locale)."""
    rows = [f"{i % 7};{'a' if i < 250 else 'b'};x y" for i in range(300)]
    assert all(line.count(";") == 2 for line in augmented_lines(tmp_path, "n;y;note", rows))


def test_a_balanced_table_gets_no_rows_and_no_empty_per_class_line(tmp_path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("v,y\n" + "".join(f"{i * 0.5},{'ab'[i % 2]}\n" for i in range(80)))
    args = ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(tmp_path / "a.csv")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "already meets the ratio" in result.output and "per class:" not in result.output
    assert "fitting" not in result.output  # nothing is fitted, and it no longer says so


def test_added_rows_keep_the_rules_and_kinds_given_as_files(tmp_path, real_csv, default_frame) -> None:
    """``augment`` took no rules: added rows broke what ``fit --constraints`` keeps (balances over 1,500)."""
    import json

    rules, kinds = tmp_path / "rules.json", tmp_path / "kinds.json"
    rules.write_text(json.dumps([{"type": "range", "column": "balance", "low": 0, "high": 1500}]))
    kinds.write_text(json.dumps({"columns": {"student": {"kind": "categorical"}}}))
    out = tmp_path / "out.csv"
    args = ["augment", str(real_csv), "-t", "default", "-m", "copula", "--ratio", "1", "-o", str(out)]
    result = runner.invoke(app, [*args, "--constraints", str(rules), "--metadata", str(kinds)])
    assert result.exit_code == 0, result.output
    added = pd.read_csv(out).iloc[len(default_frame) :]
    assert len(added) > 500 and added["balance"].le(1500).all()
    with_rules = runner.invoke(app, [*args, "--constraints", str(tmp_path / "none.json")])
    assert with_rules.exit_code == 2 and "none.json" in with_rules.output


def test_rows_per_class_on_a_bundled_data_set_uses_its_target(tmp_path) -> None:
    out = tmp_path / "out.parquet"
    args = ["augment", "default", "-m", "copula", "--rows-per-class", "Yes=40", "-o", str(out), "--seed", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    written = pd.read_parquet(out)
    assert len(written) == 10_040 and "is_synthetic" not in written
    assert (written["default"].iloc[-40:] == "Yes").all()


def test_a_parquet_decimal_column_is_written_as_sample_writes_it(tmp_path) -> None:
    """A decimal128(10, 2) column came out of ``augment`` typed with the digits of its largest value
    (decimal128(5, 2)), where ``sample`` types it decimal128(38, 2)."""
    from decimal import Decimal

    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    amounts = [Decimal(f"{value:.2f}") for value in rng.uniform(10, 500, 300)]
    real, out = tmp_path / "real.parquet", tmp_path / "out.parquet"
    table = {"amount": pa.array(amounts, pa.decimal128(10, 2)), "y": ["a"] * 250 + ["b"] * 50}
    pq.write_table(pa.table(table), real)
    result = runner.invoke(app, ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert pq.read_schema(out).field("amount").type == pa.decimal128(38, 2)


def test_evaluate_prints_the_table_and_verdict_and_writes_the_report(tmp_path, real_csv) -> None:
    report = tmp_path / "augment.html"
    args = ["augment", str(real_csv), "-t", "default", "-m", "copula", "--ratio", "0.3"]
    result = runner.invoke(app, [*args, "--evaluate", "--seeds", "2", "--report", str(report)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())  # the 80-column test terminal wraps lines
    recognised = "recognised as their class by a classifier of real rows: class Yes:"
    for text in ("PR-AUC", "+ SMOTE", "+ synthloom", "real rows alone", "over 2 seeds", recognised):
        assert text in output
    assert "<h1>Class balancing" in report.read_text()


def test_the_class_check_warns_once_when_the_table_is_written_and_evaluated(
    tmp_path, real_csv, majority_in_disguise, monkeypatch
) -> None:
    """With -o and --evaluate, rows of "Yes" that look like "No" were warned about twice, once for the
    written rows (6% recognised) and once for the evaluation's (the verdict says that one too)."""
    from synthloom import augmentation

    monkeypatch.setattr(augmentation, "build_generator", lambda *args: majority_in_disguise())
    args = ["-t", "default", "-m", "ddpm", "--ratio", "0.1", "-o", str(tmp_path / "a.csv")]
    result = runner.invoke(app, ["augment", str(real_csv), *args, "--evaluate", "--seeds", "2"])
    assert result.exit_code == 0, result.output
    said = "warning: the augmented table's synthetic rows of 'default' = 'Yes' do not look like"
    assert result.output.count(said) == 1
    assert "The synthloom rows of class Yes do not look like their class" in " ".join(result.output.split())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-t", "nope", "-o", "x.csv"], "target column 'nope' is not in the data"),
        (["-t", "default"], "nothing to do"),
        (["-t", "default", "-o", "x.csv", "--rows-per-class", "Yes"], "CLASS=N"),
        (["-t", "default", "-o", "x.csv", "--epochs", "3"], "model 'copula' does not train in epochs; drop"),
        (["-t", "default", "-o", "x.csv", "--max-minutes", "1"], "epochs; drop --max-minutes"),
        (["-t", "default", "-o", "x.csv", "-m", "dcgan"], "'dcgan' generates images"),
        (["-t", "default", "-o", "x.csv", "-m", "gpt"], "choose one of: auto, copula, ctgan, ddpm, tvae"),
        (["-t", "default", "-o", "x.csv", "--ratio", "2"], "ratio must be a number in (0, 1]"),
        (["-t", "default", "-o", "x.csv", "--ratio", "0.5", "--rows-per-class", "Yes=9"], "not both"),
        (["-t", "default", "--report", "r.html", "-o", "x.csv"], "add --evaluate"),
        (
            ["-t", "default", "--seeds", "3", "-o", "x.csv"],
            "--seeds sets how many splits the evaluation runs",
        ),
    ],
)
def test_user_errors_exit_2_with_one_line(tmp_path, real_csv, extra, message) -> None:
    result = runner.invoke(app, ["augment", str(real_csv), "-m", "copula", *extra])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert "fitting" not in result.output  # refused before any work is announced
    assert not (tmp_path / "x.csv").exists()


def test_a_target_of_decimals_is_refused_in_one_line(tmp_path) -> None:
    """A target of 0.5 / 1.5 / 2.5, a quantity to evaluate, was balanced as three classes."""
    real = tmp_path / "real.csv"
    real.write_text("v,y\n" + "".join(f"{i},{0.5 + i % 3}\n" for i in range(60)))
    out = tmp_path / "a.csv"
    result = runner.invoke(app, ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(out)])
    assert result.exit_code == 2 and not out.exists() and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "'y' holds continuous numbers on 3 levels: a quantity" in lines[0]


def test_every_output_is_checked_before_the_table_is_written(tmp_path, real_csv) -> None:
    (tmp_path / "afile").write_text("x")
    out, report = tmp_path / "out.csv", tmp_path / "afile" / "x.html"
    args = ["-t", "default", "-m", "copula", "--evaluate", "--seeds", "1", "-o", str(out), "--report"]
    result = runner.invoke(app, ["augment", str(real_csv), *args, str(report)])
    assert result.exit_code == 2 and "afile is a file, not a folder" in " ".join(result.output.split())
    assert not out.exists() and "fitting" not in result.output
    unknown = runner.invoke(app, ["augment", str(real_csv), "-t", "default", "-o", str(tmp_path / "a.txt")])
    assert unknown.exit_code == 2 and "unknown table format" in unknown.output
    assert "fitting" not in unknown.output


def test_a_file_needs_a_target(tmp_path, real_csv) -> None:
    result = runner.invoke(app, ["augment", str(real_csv), "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "--target" in result.output


def test_parse_rows_per_class_and_the_default_model() -> None:
    assert parse_rows_per_class(["Yes=5", "a=b=2"]) == {"Yes": 5, "a=b": 2}
    with pytest.raises(ConfigError, match="whole number"):
        parse_rows_per_class(["Yes=many"])
    assert inspect.signature(augment_command).parameters["model"].default == DEFAULT_MODEL


def test_evaluating_a_strategy_that_adds_nothing_is_refused_before_writing(tmp_path) -> None:
    """The augmented table was written, and then the command failed with exit 2 ("nothing to evaluate")."""
    real = tmp_path / "real.csv"
    real.write_text("v,y\n" + "".join(f"{i * 0.5},{'ab'[i % 2]}\n" for i in range(80)))
    out = tmp_path / "a.csv"
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--ratio", "0.5", "--evaluate", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "nothing to evaluate" in result.output and not out.exists()


def test_augment_writes_the_delimiter_the_metadata_declares_as_sample_does(tmp_path) -> None:
    """A ``csv_delimiter`` declared in --metadata is the one ``sample`` of a model fitted with it writes;
    augment takes it from the same metadata, so a comma file declared ";" is written so by both."""
    real, augmented, kinds = tmp_path / "real.csv", tmp_path / "aug.csv", tmp_path / "kinds.json"
    real.write_text("n,y\n" + "".join(f"{i % 7},{'a' if i < 250 else 'b'}\n" for i in range(300)))
    kinds.write_text('{"columns": {}, "csv_delimiter": ";"}')
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--metadata", str(kinds), "-o", str(augmented)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert all(line.count(";") == 1 for line in augmented.read_text().splitlines())


def test_evaluating_a_class_the_hold_out_leaves_too_small_is_refused_before_writing(tmp_path) -> None:
    """A class of 12 rows keeps 8 to learn from once the evaluation holds back 30%: the table was written,
    then the command failed naming 8 real rows."""
    real = tmp_path / "real.csv"
    real.write_text("v,y\n" + "".join(f"{i * 0.5},{'b' if i < 12 else 'a'}\n" for i in range(120)))
    out = tmp_path / "a.csv"
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--evaluate", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and not out.exists()
    assert "class 'b' of 'y' has 12 real rows" in " ".join(result.output.split())


def test_whole_number_classes_beside_blanks_are_named_as_the_file_writes_them(tmp_path) -> None:
    """A class column of 0/1 with blanks: ``--rows-per-class 1=20`` was refused, the classes listed as 0.0
    and 1.0, and the fit announced as "1.0 (25 rows)"."""
    real, out = tmp_path / "real.csv", tmp_path / "a.csv"
    labels = ["1"] * 25 + [""] * 10 + ["0"] * 265
    real.write_text("v,y\n" + "".join(f"{i * 0.5},{label}\n" for i, label in enumerate(labels)))
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--rows-per-class", "1=20", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "per class: 1 (25 rows)" in result.output and "synthetic rows per class: 1: 20" in result.output
    assert out.read_text().splitlines()[-1].endswith(",1")


def test_rows_without_a_class_are_counted_once_with_what_happens_to_them(tmp_path) -> None:
    """Rows with a blank target were left out of --evaluate and kept, not grown, in the output, silently."""
    real, out = tmp_path / "real.csv", tmp_path / "a.csv"
    labels = ["a"] * 250 + [""] * 10 + ["b"] * 40
    real.write_text("v,y\n" + "".join(f"{i % 17 * 0.5},{label}\n" for i, label in enumerate(labels)))
    args = ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(out), "--evaluate", "--seeds", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    told = (
        "warning: 10 row(s) have no value in 'y': the augmented table keeps them as they are, with no rows "
        "added like them; the evaluation leaves them out"
    )
    assert said.count(told) == 1 and said.count("no value in") == 1
    written = pd.read_csv(out)
    assert written["y"].isna().sum() == 10 and len(written) == 300 + 210


def test_max_minutes_bounds_each_fit_of_a_deep_generator(tmp_path, real_csv) -> None:
    """augment took --epochs but no --max-minutes, which fit and demo take."""
    out = tmp_path / "out.csv"
    args = ["augment", str(real_csv), "-t", "default", "-m", "tvae", "--epochs", "100000", "--max-minutes"]
    result = runner.invoke(app, [*args, "0.02", "--ratio", "0.2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists()


def test_a_warning_of_every_fit_is_printed_once(tmp_path) -> None:
    """`augment --evaluate --seeds 2` fits 4 times and printed fit's warning about account_id 4 times."""
    import numpy as np

    rng = np.random.default_rng(0)
    real, out = tmp_path / "real.csv", tmp_path / "aug.csv"
    pd.DataFrame(
        {
            "account_id": rng.choice([f"AC{n}" for n in range(90)], 300),  # an id name, values repeated
            "amount": rng.gamma(2.0, 50.0, 300).round(2),
            "y": ["a"] * 250 + ["b"] * 50,
        }
    ).to_csv(real, index=False)
    args = ["augment", str(real), "-t", "y", "-m", "copula", "-o", str(out), "--evaluate", "--seeds", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.output.count("column 'account_id' is named like an identifier") == 1


def test_augment_names_the_orders_its_rows_keep_and_no_keep_orders_drops_them(tmp_path) -> None:
    """augment kept the orders found in the real rows without a word, and without a way to turn it off."""
    import numpy as np

    rng = np.random.default_rng(5)
    amount = rng.lognormal(8, 0.7, 600).round(2)
    real = tmp_path / "real.csv"
    pd.DataFrame(
        {
            "amount": amount,
            "balance": (amount * rng.uniform(0, 1, 600)).round(2),
            "label": np.where(np.arange(600) < 100, "rare", "common"),
        }
    ).to_csv(real, index=False)
    broken = {}
    for flag in ((), ("--no-keep-orders",)):
        out = tmp_path / "aug.csv"
        result = runner.invoke(
            app, ["augment", str(real), "-t", "label", "-m", "copula", "-o", str(out), *flag]
        )
        assert result.exit_code == 0, result.output
        said = "sampled rows keep 1 order(s) found in the real rows: balance <= amount" in result.output
        assert said is not bool(flag), result.output
        rows = pd.read_csv(out).iloc[600:]
        broken[bool(flag)] = (rows["balance"] > rows["amount"]).mean()
    assert broken[False] == 0 and broken[True] > 0.01


def test_a_rule_is_checked_once_on_every_row_with_a_generator_per_class(tmp_path) -> None:
    """With one copula per class, each class's fit warned of its own rows breaking a rule (37 of 1,400,
    named 0, 1, 2), and a rule naming no column was refused as a problem of "the 40 rows of class 'yes'"."""
    real, rules, out = tmp_path / "real.csv", tmp_path / "rules.json", tmp_path / "aug.csv"
    lines = [
        f"{i % 50},{i % 50 + (-1 if i in (3, 250) else 1)},{'rare' if i < 40 else 'common'}"
        for i in range(300)
    ]
    real.write_text("low,high,y\n" + "\n".join(lines) + "\n")
    rules.write_text('[{"type": "inequality", "low": "low", "high": "high"}]')
    args = ["augment", str(real), "-t", "y", "-m", "copula", "--per-class", "-o", str(out)]
    result = runner.invoke(app, [*args, "--constraints", str(rules)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "broken by 2 real row(s) (data rows 4, 251 (counted from 1 below the header))" in text
    assert text.count("broken by") == 1
    rules.write_text('[{"type": "inequality", "low": "zz", "high": "high"}]')
    refused = runner.invoke(app, [*args, "--constraints", str(rules)])
    assert (
        refused.exit_code == 2
        and "rule 'zz <= high' names column 'zz', which is not in the data" in refused.output
    )
    assert "class" not in refused.output.split("error:")[1] and "order(s)" not in refused.output
    assert "fitting" not in refused.output  # said before any work is announced


def test_the_input_is_read_before_the_target_is_asked_for_and_the_marker_checked_before_fitting(
    tmp_path, real_csv
) -> None:
    # a misspelt name or a model file was answered "give the class column with --target"; a marker column
    # the data held was refused after "fitting ...", with advice no option could follow
    out = tmp_path / "out.csv"
    misspelt = runner.invoke(app, ["augment", "defualt", "-m", "copula", "-o", str(out)])
    assert misspelt.exit_code == 2 and "defualt: no such file or folder" in misspelt.output
    model = tmp_path / "m.synthloom"
    assert runner.invoke(app, ["fit", str(real_csv), "-o", str(model)]).exit_code == 0
    as_csv = tmp_path / "model.csv"
    as_csv.write_bytes(model.read_bytes())
    given = runner.invoke(app, ["augment", str(as_csv), "-t", "default", "-m", "copula", "-o", str(out)])
    assert given.exit_code == 2
    assert (
        given.output.strip()
        == f"error: {as_csv}: a model file (safetensors), not a table; give a data file here"
    )
    marked = tmp_path / "marked.csv"
    pd.read_csv(real_csv).assign(is_synthetic=False).to_csv(marked, index=False)
    args = ["augment", str(marked), "-t", "default", "-m", "copula", "-o", str(out), "--mark-synthetic"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "fitting" not in result.output
    assert (
        "already has a column 'is_synthetic', the synthetic rows' marker; rename or drop it" in result.output
    )
    assert not out.exists()
