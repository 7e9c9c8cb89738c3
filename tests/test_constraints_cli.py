"""``synthloom fit --constraints rules.json``: the rules reach the model file and every sampled row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from synthloom import load
from synthloom.cli import app

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def real_csv(tmp_path_factory, default_frame) -> Path:
    """The real credit data with a limit column above each balance (two rows break it)."""
    frame = default_frame.assign(limit=(default_frame["balance"] * 1.5 + 500).round(2))
    frame.loc[[5, 9], "limit"] = frame.loc[[5, 9], "balance"] - 1
    path = tmp_path_factory.mktemp("real") / "real.csv"
    frame.to_csv(path, index=False)
    return path


def write_rules(folder: Path, rules: object) -> Path:
    path = folder / "rules.json"
    path.write_text(json.dumps(rules))
    return path


def test_real_rows_breaking_a_rule_are_named_as_the_file_numbers_them_with_a_holdout(real_csv, tmp_path):
    """The warning said "rows 5, 9", 0-based: the user opening the CSV at row 5 found another row there.
    With --holdout they were places among the training rows, which no file numbers."""
    rules = write_rules(tmp_path, [{"type": "inequality", "low": "balance", "high": "limit"}])
    model = tmp_path / "m.synthloom"
    fitted = invoke("fit", real_csv, "-o", model, "--constraints", rules, "--holdout", "0.3")
    assert fitted.exit_code == 0, fitted.output
    text = " ".join(fitted.output.split())
    # --holdout 0.3 leaves both rows to train on, at other places among the training rows
    assert "(data rows 6, 10 (counted from 1 below the header))" in text


def test_fit_with_constraints_then_sample_keeps_them(real_csv, tmp_path):
    rules = write_rules(
        tmp_path,
        [
            {"type": "inequality", "low": "balance", "high": "limit"},
            {"type": "range", "column": "income", "low": 10000, "high": 60000},
            {"type": "fixed_combinations", "columns": ["default", "student"]},
        ],
    )
    model = tmp_path / "m.synthloom"
    fitted = invoke("fit", real_csv, "-o", model, "--constraints", rules, "--seed", "1")
    assert fitted.exit_code == 0, fitted.output
    text = " ".join(fitted.output.split())
    broken = "constraint 'balance <= limit' is broken by 2 real row(s)"
    assert f"{broken} (data rows 6, 10 (counted from 1 below the header))" in text
    out = tmp_path / "fake.csv"
    sampled = invoke("sample", model, "-n", "800", "-o", out, "--seed", "2", "-c", "student=Yes")
    assert sampled.exit_code == 0, sampled.output
    fake = pd.read_csv(out)
    assert len(fake) == 800 and (fake["student"] == "Yes").all()
    assert (fake["limit"] >= fake["balance"]).all()
    assert fake["income"].between(10000, 60000).all()


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ([{"type": "inequality", "low": "balance", "high": "ceiling"}], "names column 'ceiling'"),
        ([{"type": "predicate", "name": "x"}], "cannot be declared in JSON"),
        ("not a list", "expected a list of rules"),
    ],
)
def test_bad_constraints_file_is_a_one_line_user_error(real_csv, tmp_path, rules, fragment):
    model = tmp_path / "m.synthloom"
    result = invoke("fit", real_csv, "-o", model, "--constraints", write_rules(tmp_path, rules))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and fragment in " ".join(result.output.split())
    assert not model.exists()


def test_missing_constraints_file(real_csv, tmp_path):
    result = invoke("fit", real_csv, "-o", tmp_path / "m.synthloom", "--constraints", tmp_path / "none.json")
    assert result.exit_code == 2 and "constraints file not found" in " ".join(result.output.split())


def test_fit_keeps_the_orders_the_real_rows_keep_unless_told_not_to(default_frame, tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "real.csv"
    default_frame.assign(limit=(default_frame["balance"] + rng.uniform(0, 800, 1_000)).round(2)).to_csv(
        path, index=False
    )
    model = tmp_path / "m.synthloom"
    fitted = invoke("fit", path, "-o", model)
    assert fitted.exit_code == 0, fitted.output
    said = "sampled rows keep 1 order(s) found in the real rows: balance <= limit (--no-keep-orders turns"
    assert said in " ".join(fitted.output.split())
    assert load(model).learned_orders_ == ["balance <= limit"]
    plain = invoke("fit", path, "-o", model, "--no-keep-orders")
    assert plain.exit_code == 0, plain.output
    assert "order(s)" not in plain.output and load(model).learned_orders_ == []


def test_fit_names_the_first_orders_it_keeps_and_counts_the_rest(tmp_path):
    rng = np.random.default_rng(0)
    totals = pd.DataFrame(np.cumsum(rng.uniform(1, 10, (500, 8)), axis=1).round(2), columns=list("abcdefgh"))
    totals.to_csv(tmp_path / "totals.csv", index=False)
    fitted = invoke("fit", tmp_path / "totals.csv", "-o", tmp_path / "m.synthloom")
    assert fitted.exit_code == 0, fitted.output
    said = " ".join(fitted.output.split())
    orders = load(tmp_path / "m.synthloom").learned_orders_
    assert len(orders) > 5
    first = ", ".join(orders[:5])
    assert (
        f"sampled rows keep {len(orders)} order(s) found in the real rows: {first} and {len(orders) - 5} more"
        in said
    )


def test_real_rows_breaking_a_rule_are_named_as_the_file_numbers_them_when_read_in_chunks(real_csv, tmp_path):
    """A fit read in chunks learns its rules from the file's uniform sample, whose rows were numbered 0 to
    k - 1: the warning named places in the sample, not the file's rows."""
    rules = write_rules(tmp_path, [{"type": "inequality", "low": "balance", "high": "limit"}])
    model = tmp_path / "m.synthloom"
    args = ("-m", "tvae", "--epochs", "1", "--stream", "--constraints", rules)
    fitted = invoke("fit", real_csv, "-o", model, *args)
    assert fitted.exit_code == 0, fitted.output
    assert "(data rows 6, 10 (counted from 1 below the header))" in " ".join(fitted.output.split())


def test_a_sample_of_a_file_read_in_chunks_is_numbered_as_its_data_rows(tmp_path):

    from synthloom.data.io import DATA_ROW
    from synthloom.data.streaming import TableStream

    path = tmp_path / "rows.csv"
    pd.DataFrame({"row": np.arange(1, 150_001)}).to_csv(path, index=False)  # past one read's 65,536 rows
    sample = TableStream(path).sample(1_000, np.random.default_rng(0))
    assert sample.index.name == DATA_ROW and sample.index.is_monotonic_increasing
    assert (sample.index == sample["row"]).all() and sample.index.max() > 65_536


def test_a_rule_naming_no_column_is_refused_before_fitting_is_announced(real_csv, tmp_path):
    """fit printed "fitting copula on 1,000 rows x 5 columns", then refused the rules file's typo."""
    rules = write_rules(tmp_path, [{"type": "inequality", "low": "balance", "high": "limt"}])
    model = tmp_path / "m.synthloom"
    result = invoke("fit", real_csv, "-m", "copula", "-o", model, "--constraints", rules)
    assert result.exit_code == 2 and not model.exists()
    assert "rule 'balance <= limt' names column 'limt', which is not in the data" in result.output
    assert "fitting" not in result.output
