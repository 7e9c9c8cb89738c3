"""``synthloom detect ...``: learn an anomaly detector (GANomaly) from normal data, score new data.

Mounted on the main app as ``synthloom detect``; errors and exit codes follow ``synthloom.cli_support``.
Tables come from a .csv / .parquet file or a bundled table; images from a bundled set (mnist, digits), an
.npz file or a folder per class, with the same fixed hold-out split as ``synthloom image``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer

from synthloom.cli_support import (
    EncodingOption,
    MaxMinutesOption,
    NetworkDeviceOption,
    NetworkEpochsOption,
    SeedOption,
    bundled_kind,
    check_device,
    check_holdout,
    console,
    examples,
    fitted_state,
    given_settings,
    holdout_record,
    last_epoch,
    load_input,
    read_image_source,
    save_fitted,
    say_if_time_cut,
    say_warning,
    user_errors,
)
from synthloom.errors import ConfigError, DataError, DataWarning, caller_stacklevel
from synthloom.image_cli import DEFAULT_HOLDOUT

detect_app = typer.Typer(
    name="detect",
    help="Anomaly detection learnt from normal data only (GANomaly), for tables and images.",
    epilog=examples(
        "synthloom detect fit shuttle -o det.synthloom",
        "synthloom detect score det.synthloom shuttle --labels anomaly -o scores.csv",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataArgument = Annotated[
    str,
    typer.Argument(
        help="A .csv/.parquet table, a bundled data set (shuttle, mnist, digits), an .npz or a class folder."
    ),
]
LabelsOption = Annotated[
    str | None,
    typer.Option("--labels", help="Tables: column of true labels, 1/true = anomaly (never a model input)."),
]
NormalOption = Annotated[
    list[str] | None,  # a list, to refuse it given twice (--normal-classes 0,1 --normal-digits 2 kept "2")
    typer.Option(
        "--normal-classes",
        "--normal-digits",
        help="Images: comma-separated classes that are normal (class folder names, or numbers for numbered "
        "images), e.g. 0,1,2; the others are anomalies. A class folder's whole name is taken whole.",
        metavar="TEXT",
    ),
]


ANOMALY_LABEL = "anomaly"  # the label column of the bundled detection sets: 1 = anomaly


@dataclass
class Samples:
    """Data to fit or score: a table or images, with 0/1 labels (1 = anomaly) when known, and the option
    they came from (``labelled_by``, for errors)."""

    data: pd.DataFrame | np.ndarray
    labels: np.ndarray | None
    labelled_by: str = ""
    files: list[str] | None = None  # images read from a folder: the file of each
    index: np.ndarray | None = None  # images read from an .npz or a bundled set: the position of each
    split: dict[str, Any] | None = None  # images read to fit on: their split (``holdout_record``)
    normal_classes: list[Any] | None = None  # the classes --normal-classes named

    def require(self, source: str, label: int, why: str) -> None:
        """Refuse labels with no sample of ``label`` (0 = normal, 1 = anomaly), naming the file and the
        option, so the command stops before it fits or writes anything."""
        if self.labels is not None and not (self.labels == label).any():
            unit = "rows" if isinstance(self.data, pd.DataFrame) else "images"
            kind = "anomalous (1)" if label else "normal (0)"
            raise DataError(f"{source}: no {unit} labelled {kind} {self.labelled_by}; {why}")


def _is_table(source: str) -> bool:
    from synthloom.data.io import TABLE_SUFFIXES

    path = Path(source)
    if path.suffix.lower() in TABLE_SUFFIXES:
        return True
    if path.is_dir():  # a folder of table parts (what `synthloom sample -o folder/` writes), or of images
        return any(path.glob("part-*.parquet")) or any(path.glob("part-*.csv"))
    return bundled_kind(source) == "table"


def _check_readable(source: str) -> None:
    """Refuse a source that is neither a table nor images, offering both: read as images (what ``_is_table``
    leaves it to), it would be refused naming images only, though a detector learns tables too."""
    from synthloom.datasets._registry import names

    path = Path(source)
    if path.is_file() and path.suffix.lower() != ".npz":
        why = "neither a table (.csv, .parquet) nor images (.npz, a folder)"
    elif not path.exists() and not path.suffix and len(path.parts) == 1 and bundled_kind(source) is None:
        why = "no such file or folder, and no bundled data set of that name"
    else:
        return
    raise DataError(
        f"{source}: {why}; give a .csv or .parquet table, an .npz file, a folder of images (or one per "
        f"class), or a bundled data set: {', '.join(names())}"
    )


def _read_table_samples(source: str, labels: str | None, encoding: str) -> Samples:
    # images get here only as the data of `detect score` with a table detector
    frame = load_input(source, encoding, "a detector fitted on a table")
    if labels is None and bundled_kind(source) == "table" and ANOMALY_LABEL in frame.columns:
        # a bundled detection set (shuttle): its label column would otherwise be learned as an input, and
        # its anomalies as normal
        labels = ANOMALY_LABEL
        console.print(f"labels: the bundled set's {labels!r} column (1 = anomaly)", highlight=False)
    if labels is None:
        return Samples(frame, None)
    if labels not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise DataError(f"{source}: no column {labels!r} for --labels (columns: {columns})")
    values = frame[labels]
    if not set(pd.unique(values.dropna()).tolist()) <= {0, 1}:  # True == 1, False == 0
        raise DataError(
            f"{source}: --labels column {labels!r} must hold only 0/1 or false/true (1 = anomaly)"
        )
    blank = np.flatnonzero(values.isna().to_numpy()) + 1  # numbered as people count rows of data
    if len(blank):  # 0/1 with gaps: "must hold only 0/1" sent people looking for a stray value
        shown = ", ".join(map(str, blank[:5])) + (", ..." if len(blank) > 5 else "")
        raise DataError(
            f"{source}: {len(blank):,} row(s) have no label in the --labels column {labels!r} (rows "
            f"{shown}; the first row of data is 1); fill in 0/1 for them or drop those rows"
        )
    labelled_by = f"in the --labels column {labels!r}"
    return Samples(frame.drop(columns=[labels]), values.astype(np.int64).to_numpy(), labelled_by)


def _normal_classes(text: str, data: Any) -> list[Any]:
    """The classes ``--normal-classes`` names, as ``data`` labels its images: folder names, or numbers;
    a class ``data`` has no image of is refused.

    A text that is a class name as a whole is that class, so a folder named with a comma can be given.
    """
    if data.class_names is not None and text.strip() in data.class_names:
        return [text.strip()]
    parts = sorted({part.strip() for part in text.split(",") if part.strip()})
    if not parts:
        raise ConfigError("--normal-classes names no class; give e.g. 0,1,2")
    if data.class_names is not None:
        unknown = sorted(set(parts) - set(data.class_names))
        if unknown:
            raise ConfigError(
                f"--normal-classes: no class {', '.join(unknown[:5])}; the images have "
                f"{', '.join(data.class_names[:10])}"
            )
        return parts
    try:
        numbers = [int(part) for part in parts]
    except ValueError:
        raise ConfigError(
            f"--normal-classes must be whole numbers separated by commas, not {text!r}"
        ) from None
    # a class no image has would be taken in silence: a typo (1,99) fits on fewer classes than meant
    known = np.unique(data.labels).tolist()
    unknown = sorted(set(numbers) - set(known))
    if unknown:
        raise ConfigError(
            f"--normal-classes: no class {', '.join(map(str, unknown[:5]))}; the images have "
            f"{', '.join(map(str, known[:10]))}"
        )
    return numbers


def _read_image_samples(
    source: str, normal: str | None, holdout: float | None, part: str, detector: Any = None
) -> Samples:
    """The ``part`` ("train" or "test") of the fixed hold-out split, with anomaly labels from ``normal``;
    the test part of the images ``detector`` was fitted on is the share its fit held out (``holdout``
    None: see ``_scored_holdout``), listed by file (or position in the source)."""
    from synthloom.data.io import first_named
    from synthloom.data.split import holdout_indices
    from synthloom.models.ganomaly import MIN_SAMPLES
    from synthloom.models.image_base import check_image_shape

    data = read_image_source(source)
    check_image_shape(data.images.shape, source)  # the detector's own refusal would not name the source
    fitted_normal = None
    if part == "test":
        holdout, fitted_normal = _scored_holdout(detector, source, holdout, data)
    train, test = holdout_indices(len(data.images), holdout or 0.0)
    if part == "train" or not holdout:
        index = train if part == "train" else np.arange(len(data.images))
    else:
        if fitted_normal is not None:  # images of the classes fit left out were never trained on either
            left_out = ~np.isin(data.subset(train).named_labels().astype(str), fitted_normal)
            test = np.concatenate([test, train[left_out]])
        index = np.sort(test)  # scores listed in the source's order, not in the split's shuffle
    found = data.subset(index)
    if not len(index):
        left = "train on; lower --holdout" if part == "train" else "score; raise --holdout"
        raise DataError(f"{source}: a hold-out share of {holdout} leaves no image to {left}")
    if part == "train" and holdout and len(index) < MIN_SAMPLES:
        fix = "lower --holdout" if len(data.images) >= MIN_SAMPLES else "give more images"
        raise DataError(
            f"{source}: a hold-out share of {holdout} leaves {len(index)} of {len(data.images)} images to "
            f"train on, and the detector needs {MIN_SAMPLES}; {fix}"
        )
    position = index if data.files is None else None  # a file names its image; else its place in the source
    split = (
        holdout_record(source, holdout or 0.0, data.fingerprint(), images=len(data.images))
        if part == "train"
        else None
    )
    if normal is None:
        classes = None if found.labels is None else np.unique(found.named_labels().astype(str))
        if part == "train" and classes is not None and len(classes) > 1:
            # a class folder of good/ and worn/ was learned whole, anomalies as normal, without a word
            warnings.warn(
                f"{source}: its images are of {len(classes)} classes ({first_named(list(classes), 10)}), and "
                "every one is learned as "
                "normal; give --normal-classes to leave the anomalous ones out of training",
                DataWarning,
                stacklevel=caller_stacklevel(),
            )
        return Samples(found.images, None, files=found.files, index=position, split=split)
    if found.labels is None:
        raise DataError(
            f"{source}: the images have no classes, so --normal-classes cannot select normal ones"
        )
    classes = _normal_classes(normal, data)  # every class of the source, wherever the split put its images
    anomalous = ~np.isin(found.named_labels(), classes)
    labelled_by = f"by --normal-classes {normal}"
    return Samples(
        found.images, anomalous.astype(np.int64), labelled_by, found.files, position, split, classes
    )


def _read_samples(
    source: str,
    table: bool,
    labels: str | None,
    normal_options: list[str] | None,
    holdout: float | None,
    part: str,
    encoding: str = "utf-8",
    detector: Any = None,
) -> Samples:
    """A table or the ``part`` of an image set, refusing the other kind's labelling option: ignored, a
    table's label column would become a model input (and ``--holdout`` when scoring a table, which is
    scored whole)."""
    if normal_options is not None and len(normal_options) > 1:
        raise ConfigError(
            f"--normal-classes (or --normal-digits) is given {len(normal_options)} times "
            f"({' and '.join(normal_options)}); give it once, with every normal class: e.g. 0,1,2"
        )
    normal = normal_options[0] if normal_options else None
    if table:
        if normal is not None:
            raise ConfigError("--normal-classes is for images; use --labels for tables")
        if holdout is not None:
            raise ConfigError("--holdout is for images; a table is fitted on and scored whole")
        return _read_table_samples(source, labels, encoding)
    if labels is not None:
        raise ConfigError("--labels is for tables; use --normal-classes for images")
    return _read_image_samples(source, normal, holdout, part, detector)


@detect_app.command(
    "fit",
    epilog=examples(
        "synthloom detect fit shuttle -o det.synthloom",
        "synthloom detect fit parts/ --normal-classes good -o parts.synthloom",
    ),
)
@user_errors
def fit_command(
    data: DataArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Detector file to write (.synthloom).")],
    labels: LabelsOption = None,
    normal_classes: NormalOption = None,
    epochs: NetworkEpochsOption = None,
    members: Annotated[
        int, typer.Option("--members", help="Networks trained from different seeds, scores averaged.", min=1)
    ] = 1,
    device: NetworkDeviceOption = "auto",
    max_minutes: MaxMinutesOption = None,
    holdout: Annotated[
        float | None,
        typer.Option(
            "--holdout", help="Images: share kept out of training, scored by `detect score`. Default: 0.15."
        ),
    ] = None,
    encoding: EncodingOption = "utf-8",
    seed: SeedOption = 0,
) -> None:
    """Learn what normal looks like (rows labelled anomalous, or classes not named normal, are left out)."""
    from synthloom.data.io import check_outputs
    from synthloom.models.ganomaly import GANomaly

    check_holdout(holdout)
    check_device(device)
    check_outputs(model=output, inputs=(data,))  # refused before minutes of fitting, not after
    table = _is_table(data)
    if not table:
        _check_readable(data)
    if not table and holdout is None:
        holdout = DEFAULT_HOLDOUT
    samples = _read_samples(data, table, labels, normal_classes, holdout, "train", encoding)
    samples.require(data, 0, "the detector learns what normal looks like from them")
    normal = samples.data if samples.labels is None else samples.data[samples.labels == 0]
    _check_normal_count(len(normal), samples, data, holdout)
    params: dict[str, Any] = {"random_state": seed, "device": device, "members": members, "verbose": True}
    params.update(given_settings(epochs=epochs, max_minutes=max_minutes))
    console.print(f"fitting ganomaly on {len(normal):,} normal samples")
    try:
        detector = GANomaly(**params).fit(normal)
    except DataError as exc:  # the detector is handed a frame: it cannot name the data it refuses
        raise DataError(f"{data}: {exc}") from None
    if samples.split is not None:  # `detect score` of these images scores the same hold-out
        classes = None if samples.normal_classes is None else [str(c) for c in samples.normal_classes]
        detector.training_split_ = {**samples.split, "normal": classes}
    save_fitted(detector, output)
    console.print(f"saved detector to {output} (last epoch: {last_epoch(detector.loss_history_)})")
    say_if_time_cut(max_minutes, detector.loss_history_, detector.epochs)


def _check_normal_count(count: int, samples: Samples, source: str, holdout: float | None) -> None:
    """Refuse fewer normal samples than the detector needs, naming the data, the option that selected
    them and what to do; the detector's own refusal names neither the data nor a remedy."""
    from synthloom.models.ganomaly import MIN_SAMPLES

    if count >= MIN_SAMPLES:
        return
    unit = "rows" if isinstance(samples.data, pd.DataFrame) else "images"
    normal = "" if samples.labels is None else " normal"
    selected = "" if samples.labels is None else f" ({samples.labelled_by})"
    lower = " or a lower --holdout" if holdout else ""
    raise DataError(
        f"{source}: {count}{normal} {unit} to train on{selected}, and the detector needs {MIN_SAMPLES}; "
        f"give more{normal} {unit}{lower}"
    )


@detect_app.command(
    "score",
    epilog=examples(
        "synthloom detect score det.synthloom shuttle --labels anomaly -o scores.csv --fpr 0.01 "
        "--report det.html"
    ),
)
@user_errors
def score_command(
    model_file: Annotated[Path, typer.Argument(help="Detector file written by `synthloom detect fit`.")],
    data: DataArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Scores to write (.csv or .parquet).")],
    labels: LabelsOption = None,
    normal_classes: NormalOption = None,
    fpr: Annotated[
        float,
        typer.Option("--fpr", help="Flag samples above the score that flags this share of normal ones."),
    ] = 0.05,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML page here.")] = None,
    holdout: Annotated[
        float | None,
        typer.Option(
            "--holdout",
            help="Images: the share of the split `detect fit --holdout` made to score. Default: for the "
            "images the detector was fitted on (the same pixels, wherever read from), the share fit held "
            "out; for other images, every one.",
        ),
    ] = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Score samples (higher = more anomalous) and flag them; with true labels, print ROC-AUC/PR-AUC/F1."""
    from synthloom.data.io import DATA_ROW, atomic_write_text, check_outputs, write_table
    from synthloom.metrics.anomaly import anomaly_scores, check_fpr

    # every output and the labels are checked before the first output is written: an error leaves nothing
    check_outputs(output, report=report, inputs=(model_file, data))
    check_holdout(holdout)
    check_fpr(fpr)  # before the detector is read and the data scored, not after
    detector = _load_detector(model_file, data)
    kind_is_table = detector.data_kind_ == "table"
    samples = _read_samples(data, kind_is_table, labels, normal_classes, holdout, "test", encoding, detector)
    with console.status(f"scoring {len(samples.data):,} samples"):
        try:
            scores = detector.score(samples.data)
        except DataError as exc:  # the detector is handed arrays: it cannot name the data it refuses
            raise DataError(f"{data}: {exc}") from None
        training_note = _training_warning(detector, samples, data)
    threshold = detector.threshold(fpr)  # its warning (too few held-out samples) beside the scores
    both = samples.labels is not None and len(np.unique(samples.labels)) == 2
    metrics = anomaly_scores(samples.labels, scores, threshold) if both else {}
    table = pd.DataFrame({"score": scores, "flagged": scores > threshold})
    if samples.files is not None:
        table.insert(0, "file", samples.files)
    if samples.index is not None:
        table.insert(0, "index", samples.index)
    identifiers = _identifier_columns(detector, samples.data)
    for name in identifiers:  # which row each score belongs to
        table.insert(0, name, samples.data[name].to_numpy())
    if kind_is_table and not identifiers:  # else a sensor log's flagged readings could not be found
        table.insert(0, DATA_ROW, np.arange(1, len(table) + 1))
    if samples.labels is not None:
        table["label"] = samples.labels
    # the page is drawn before either file is written: an interruption while drawing leaves neither
    page = (
        None
        if report is None
        else _report_page(detector, samples, scores, threshold, metrics, data, training_note)
    )
    write_table(table, output)
    console.print(f"wrote {len(table):,} scores to {output}; {int(table['flagged'].sum()):,} flagged")
    if training_note:
        say_warning(training_note)
    if metrics:
        _print_metrics(metrics)
    elif samples.labels is not None:
        kind = "anomalous (1)" if samples.labels[0] else "normal (0)"
        say_warning(
            f"{data}: every sample is labelled {kind} {samples.labelled_by}; ROC-AUC, PR-AUC and F1 need "
            "both kinds, so only the scores were written"
        )
    if page is not None:
        atomic_write_text(report, page)
        console.print(f"wrote {report}")


def _load_detector(model_file: Path, data: str) -> Any:
    """``load_detector(model_file)``, saying which file comes first where ``model_file`` is a data file (the
    arguments swapped)."""
    from synthloom.errors import ModelFileError, NotAModelFileError
    from synthloom.models.ganomaly import load_detector

    try:
        return load_detector(model_file)
    except NotAModelFileError:
        detector = data if Path(data).suffix.lower() == ".synthloom" else "DETECTOR.synthloom"
        raise ModelFileError(
            f"{model_file}: a data file, not a detector file; the detector file comes first: "
            f"synthloom detect score {detector} {model_file if detector == data else data} ..."
        ) from None


def _training_warning(detector: Any, samples: Samples, data: str) -> str:
    """What to say of the scored samples that are the detector's training samples (as
    ``count_training_samples`` counts them): how many, why that flatters the measures, what to score
    instead; "" where none is, or where the file keeps no digests to tell (saved before it would)."""
    from synthloom.models.ganomaly import MAX_DIGESTS

    count = detector.count_training_samples(samples.data)
    if not count:
        return ""
    table, total = isinstance(samples.data, pd.DataFrame), len(samples.data)
    unit = "rows" if table else "images"
    about = "about " if detector.n_training_samples_ > MAX_DIGESTS else ""  # estimated from a subset
    instead = (
        "score rows `detect fit` did not read"
        if table
        else "score images `detect fit` did not read, or its folder unchanged without --holdout (the share "
        "fit held out),"
    )
    return (
        f"{data}: {about}{count:,} of the {total:,} scored {unit} ({count / total:.1%}) are {unit} the "
        f"detector was fitted on (or equal to one as it reads them), which score as more normal than new "
        f"ones: the flags and quality measures are optimistic; {instead} for held-out numbers"
    )


def _identifier_columns(detector: Any, data: Any) -> list[str]:
    """The identifier columns (no model input) of the table scored, in reverse column order."""
    if not isinstance(data, pd.DataFrame):
        return []
    kinds = detector.metadata_.kinds()
    return [name for name in reversed(data.columns) if kinds.get(str(name)) == "identifier"]


def _scored_holdout(
    detector: Any, data: str, holdout: float | None, images: Any
) -> tuple[float, list[str] | None]:
    """The share of ``images`` (read from ``data``) to score, and the classes fit trained on when these are
    its images (their other classes are scored whole: fit left them out). For the images the detector was
    fitted on (the same pixels, wherever they are read from): the share fit held out; for a bundled set
    fitted before the split was kept, fit's default; else every image. A share that holds training images
    (a larger one, or 0: every image) is scored with a warning, as is a source changed since fit."""
    split = getattr(detector, "training_split_", None)
    if split is None:
        if holdout is not None:
            return holdout, None
        return (DEFAULT_HOLDOUT if bundled_kind(data) is not None else 0.0), None
    # a detector that keeps its training images' digests counts those scored, after the scoring
    # (``_training_warning``); for one saved before, the split says whether any may be among them
    counted = getattr(detector, "training_digests_", None) is not None
    state = fitted_state(split, data, images.fingerprint)
    if state == "changed":
        count = split.get("images")
        trained = "" if counted else ": training images among them score as more normal"
        say_warning(
            f"{data}: changed since `detect fit` read it ({count} images then, {len(images.images)} now); "
            f"its hold-out share is another one, and every image is scored unless --holdout is given{trained}"
        )
    if state != "same":
        return (0.0 if holdout is None else holdout), None
    scored = float(split["holdout"]) if holdout is None else holdout
    if not counted and (scored == 0 or scored > split["holdout"]):
        say_warning(
            f"{data}: the detector was fitted with --holdout {split['holdout']:g}; a hold-out of {scored:g} "
            "includes images it trained on, which score as more normal"
        )
    return scored, split.get("normal")


def _print_metrics(metrics: dict[str, float]) -> None:
    from rich.table import Table

    from synthloom.metrics.anomaly import MEANINGS

    table = Table(title="detection quality")
    for column in ("measure", "value", "meaning"):
        table.add_column(column)
    for name, value in metrics.items():
        table.add_row(name, f"{value:.4f}", MEANINGS.get(name, ""))
    console.print(table)


def _report_page(
    detector: Any,
    samples: Samples,
    scores: np.ndarray,
    threshold: float,
    metrics: dict[str, float],
    data: str,
    training_note: str = "",
) -> str:
    """The HTML page of the scores: the most anomalous samples beside their reconstructions, and
    ``training_note`` (``_training_warning``) beside the measures."""
    from synthloom.report.anomaly import AnomalyPage, anomaly_report_html, most_anomalous

    top = most_anomalous(scores)
    shown = samples.data.iloc[top] if isinstance(samples.data, pd.DataFrame) else samples.data[top]
    page = AnomalyPage(
        title=f"anomalies in {data}",
        scores=scores,
        threshold=threshold,
        labels=samples.labels,
        metrics=metrics,
        top=top,
        samples=shown,
        reconstructions=detector.reconstruct(shown),
        history=detector.loss_history_,
        warning=training_note,
    )
    return anomaly_report_html(page)
