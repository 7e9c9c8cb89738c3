"""``synthloom image ...``: fit an image generator, sample images, evaluate them.

Mounted on the main app as ``synthloom image``; errors and exit codes follow ``synthloom.cli_support``.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from synthloom.cli_support import (
    MaxMinutesOption,
    NetworkDeviceOption,
    NetworkEpochsOption,
    SeedOption,
    check_device,
    check_holdout,
    console,
    examples,
    fitted_state,
    given_settings,
    holdout_record,
    last_epoch,
    main_process_speaks,
    read_image_source,
    save_fitted,
    say_if_time_cut,
    say_warning,
    user_errors,
)
from synthloom.errors import ConfigError, DataError, DataWarning, caller_stacklevel

image_app = typer.Typer(
    name="image",
    help="Image generators: DCGAN, conditional DCGAN, convolutional VAE.",
    epilog=examples(
        "synthloom image fit digits --model cdcgan --epochs 20 -o digits.synthloom",
        "synthloom image sample digits.synthloom -n 100 --label 7 -o out/sevens/",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

FEW_HELD_OUT = 100  # below this many held-out images the distribution scores are mostly noise
# float32 copies of the images alive at once while they are generated, cropped, clamped and made pixels
SAMPLE_COPIES = 4

DataArgument = Annotated[
    str,
    typer.Argument(
        help="Images: a bundled name (digits, mnist, faces, shapes), an .npz file, or a folder per class."
    ),
]
DEFAULT_HOLDOUT = 0.15  # share of images fit keeps out, and evaluate / detect score judge on
HoldoutOption = Annotated[
    float,
    typer.Option(
        "--holdout",
        help="Share of images kept out of training; the model file records the split, and `image evaluate` "
        "scores against the images held out.",
    ),
]


def _image_model_class(name: str) -> Any:
    from synthloom.models.image_base import ImageGenerator, register_image_models
    from synthloom.registry import list_models, model_class

    register_image_models()

    image_models = [n for n in list_models() if issubclass(model_class(n), ImageGenerator)]
    if name not in image_models:
        kind = "a table generator" if name in list_models() else "no image generator"
        raise ConfigError(f"{name!r} is {kind}; image generators: {', '.join(image_models)}")
    return model_class(name)


@image_app.command(
    "fit", epilog=examples("synthloom image fit digits --model cdcgan --epochs 20 -o digits.synthloom")
)
@user_errors
def fit_command(
    data: DataArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.synthloom).")],
    model: Annotated[str, typer.Option("--model", "-m", help="dcgan, cdcgan, vae or cvae.")] = "cdcgan",
    epochs: NetworkEpochsOption = None,
    width: Annotated[
        int | None,
        typer.Option(
            "--width",
            help="Channels of the outermost convolution (default 32); 16 trains about 2x faster.",
            min=1,
        ),
    ] = None,
    device: NetworkDeviceOption = "auto",
    max_minutes: MaxMinutesOption = None,
    holdout: HoldoutOption = DEFAULT_HOLDOUT,
    seed: SeedOption = 0,
) -> None:
    """Learn an image generator and save it (safetensors + JSON; no pickle).

    Under `torchrun --nproc-per-node N -m synthloom image fit ...` the generator trains data-parallel;
    rank 0 prints and writes the model file.
    """
    from synthloom.data.io import check_outputs

    main_process_speaks()
    check_holdout(holdout)
    check_device(device)
    check_outputs(model=output, inputs=(data,))  # refused before minutes of training, not after
    cls = _image_model_class(model)
    params: dict[str, Any] = {"random_state": seed, "device": device, "verbose": True}
    params.update(given_settings(epochs=epochs, width=width, max_minutes=max_minutes))
    generator = cls(**params)
    found, split = _training_images(data, holdout, generator)
    labels = found.named_labels() if generator.conditional else None  # a folder's classes keep their names
    console.print(f"fitting {model} on {len(found.images):,} images of shape {found.images.shape[1:]}")
    generator.fit(found.images, labels)
    generator.training_split_ = split
    save_fitted(generator, output)
    console.print(f"saved {model} model to {output} (last epoch: {last_epoch(generator.loss_history_)})")
    say_if_time_cut(max_minutes, generator.loss_history_, generator.epochs)


def _training_images(source: str, holdout: float, generator: Any) -> tuple[Any, dict[str, Any]]:
    """The images ``image fit`` trains ``generator`` on: those of ``source`` it does not hold out, checked
    before the fit starts; and the split (``holdout_record``), so `image evaluate` judges the model on the
    images it never saw."""
    from synthloom.data.images import holdout_split
    from synthloom.models.image_base import check_image_shape

    real = read_image_source(source)
    check_image_shape(real.images.shape, source)
    train, test = holdout_split(real, holdout)
    if len(train.images) < generator.min_images:
        raise DataError(
            f"{source}: {generator.model_name} needs at least {generator.min_images} training images; "
            f"{len(train.images)} given, {len(test.images)} held out for evaluation (--holdout {holdout:g})"
        )
    return train, holdout_record(source, holdout, real.fingerprint(), images=len(real.images))


@image_app.command(
    "sample",
    epilog=examples(
        "synthloom image sample digits.synthloom -n 100 --label 7 -o out/sevens/",
        "synthloom image sample digits.synthloom -n 64 -o grid.png",
    ),
)
@user_errors
def sample_command(
    model_file: Annotated[Path, typer.Argument(help="Model file written by `synthloom image fit`.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="A folder (PNGs, a sub-folder per class), an .npz, or a .png grid."
        ),
    ],
    rows: Annotated[
        str, typer.Option("--rows", "-n", metavar="ROWS", help="Number of images: 100, 1_000, 1,000 or 1e3.")
    ] = "100",
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            help="Class of every image (conditional models), as the model names its classes: a class "
            "folder's name (or an .npz's text label), or a number for numbered classes.",
        ),
    ] = None,
    grid: Annotated[
        Path | None, typer.Option("--grid", help="Also write a PNG grid of the images here.")
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Generate images from a saved model as a data set (folder or .npz) or a PNG grid."""
    from synthloom.data.images import write_grid, write_image_dataset
    from synthloom.models.image_base import load_image_model
    from synthloom.sampling import parse_row_count

    n = parse_row_count(rows, "-n/--rows", minimum=1)  # written as `sample -n` takes it ("1e3", "1,000")
    _check_image_output(output, "-o", folder=True)
    if grid is not None:
        _check_image_output(grid, "--grid", folder=False)
        if output.suffix.lower() not in (".png", ".npz") and grid.resolve().is_relative_to(output.resolve()):
            # read back, the grid would be one more image: of another size, or beside the class folders
            raise ConfigError(
                f"--grid {grid}: inside the data set folder {output}, where it would be read as an image; "
                "write the grid outside it"
            )
    generator = load_image_model(model_file)
    _check_memory(generator, n)
    wanted = None if label is None else _model_label(generator, label)
    images, labels = generator.sample(n, labels=wanted, random_state=seed, return_labels=True)
    if output.suffix.lower() == ".png":
        write_grid(images, output, scale=_grid_scale(images))
    else:
        write_image_dataset(images, labels if generator.conditional else None, output)
    if grid is not None:
        write_grid(images, grid, scale=_grid_scale(images))
    console.print(f"wrote {n:,} images to {output}" + (f" and a grid to {grid}" if grid else ""))


def _check_image_output(path: Path, option: str, folder: bool) -> None:
    """Refuse an output name the command would write as something else than it says: a grid is a PNG,
    a data set an .npz or a folder (a new folder's name has no suffix; an existing one may, if empty)."""
    from synthloom.data.images import check_new_folder
    from synthloom.data.io import check_writable

    suffix = path.suffix.lower()
    if suffix in (".png", ".npz") and (folder or suffix == ".png"):
        check_writable(path)
        return
    if folder and (path.is_dir() or not (suffix or path.exists())):
        check_writable(path, folder=path.is_dir())
        check_new_folder(path)  # a full folder is refused before the images are generated, not after
        return
    wanted = "a folder, an .npz file or a .png grid" if folder else "a .png file"
    if suffix:
        reason = f"cannot write {suffix} here"
    else:  # /dev/null, or a file without a suffix: a data set folder would replace it
        reason = "exists and is not a folder" if folder else "not a .png path"
    raise ConfigError(f"{option} {path}: {reason}; give {wanted}")


def _check_memory(generator: Any, n: int) -> None:
    """Refuse ``n`` images that would not fit in memory at once, before drawing them ends in a crash."""
    available = _available_memory()
    per_image = SAMPLE_COPIES * 4 * generator.channels_ * generator.size_**2  # float32, padded side
    if available is None or n * per_image <= available:
        return
    side = generator.side_
    raise ConfigError(
        f"-n {n:,}: {n:,} images of {side}x{side} need about {n * per_image / 2**30:,.1f} GiB of memory, "
        f"and {available / 2**30:,.1f} GiB is free; ask for at most {available // per_image:,} at a time "
        "(more files: run sample again with another --seed)"
    )


def _available_memory() -> int | None:
    """Bytes of memory this process can still use: Linux's MemAvailable (free memory and the cache it can
    reclaim), else the machine's memory; None where neither is known."""
    try:
        with open("/proc/meminfo") as info:
            for line in info:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # given in kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf (Windows), or the names unknown here
        return None


def _model_label(generator: Any, label: str) -> int | str:
    """``--label`` as the model knows its classes: a name, or a number (an unconditional model refuses it
    when sampling). A named class is never taken by its position: classes named "1", "2" (folders a sampled
    data set has) would be ambiguous."""
    if not generator.conditional:
        return label
    if all(isinstance(c, str) for c in generator.classes_):
        if label not in generator.classes_:
            raise ConfigError(
                f"--label {label!r}: this model's classes are named ({', '.join(generator.classes_[:10])}); "
                "give one of them"
            )
        return label
    try:
        return int(label)
    except ValueError:
        raise ConfigError(
            f"--label {label!r}: this model's classes are numbers ({generator.classes_}); give one of them"
        ) from None


def _grid_scale(images: Any) -> int:
    """Enlarge small images (8x8 digits) so a grid is readable: about 64 pixels a side."""
    return max(1, 64 // images.shape[-1])


@image_app.command(
    "evaluate", epilog=examples("synthloom image evaluate digits.synthloom digits --report images.html")
)
@user_errors
def evaluate_command(
    model_file: Annotated[Path, typer.Argument(help="Model file written by `synthloom image fit`.")],
    data: DataArgument,
    rows: Annotated[
        str,
        typer.Option("--rows", "-n", metavar="ROWS", help="Synthetic images to draw and score (2,000, 2e3)."),
    ] = "2000",
    holdout: Annotated[
        float | None,
        typer.Option(
            "--holdout",
            help="Share of the images held out to score against. Default: for the images the model was "
            "fitted on, the share fit held out (a larger one scores training images too: warned); else "
            f"{DEFAULT_HOLDOUT}.",
        ),
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Write an HTML page here.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the scores as JSON here.")] = None,
    features: Annotated[
        str | None,
        typer.Option(
            "--features",
            help="Labelled images to train the feature classifier on (default: the real training images); "
            "a one-class set needs a contrast: --features lfw for faces.",
        ),
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Score a model against the held-out real images: FID/KID, precision/recall, CAS, coverage, copies."""
    import numpy as np
    from rich.table import Table

    from synthloom.data.images import ImageData, array_layout, as_nchw, holdout_split, in_layout
    from synthloom.data.io import atomic_write_text, check_outputs
    from synthloom.metrics.images import MAX_SCORED, RealImages, evaluate_images
    from synthloom.models.image_base import load_image_model
    from synthloom.report.images import NOISE_NOTE, below_noise, image_report_html, score_rows, scores_json
    from synthloom.sampling import parse_row_count

    n = parse_row_count(rows, "-n/--rows", minimum=2)  # written as `sample -n` takes it ("2e3", "2,000")
    # the page is refused before the scoring, not after it, and never written over the model or the data
    check_outputs(report=report, json_file=json_path, inputs=(model_file, data, features))
    check_holdout(holdout)
    generator = load_image_model(model_file)
    _check_memory(generator, n)
    real = read_image_source(data)
    holdout, split_seed, fitted_on = _evaluated_holdout(generator, model_file, data, holdout, real)
    train, test = holdout_split(real, holdout, split_seed)
    del real  # the two parts are copies: the whole set need not stay in memory
    if not len(test.images):
        raise ConfigError("evaluation compares with held-out real images: give --holdout above 0")
    if train.labels is None:  # unlabelled images are one class, as the faces are
        train, test = (ImageData(part.images, np.zeros(len(part.images), np.int64)) for part in (train, test))
    one_class = len(set(train.labels.tolist())) == 1
    if one_class and features is None:
        raise ConfigError(
            f"{data} has one class (or none), so its feature classifier needs contrasting labelled images: "
            "add --features (for faces: --features lfw)"
        )
    # data is read (N, H, W) or (N, C, H, W); a model fitted in Python on channels-last arrays samples
    # those, so shapes are compared, and images scored, channels-first
    made = generator.sample(1, random_state=seed).shape[1:]
    if _channels_first_shape(made) != _channels_first_shape(train.images.shape[1:]):
        raise ConfigError(
            f"{model_file} makes images shaped {made}, but {data} holds images shaped "
            f"{train.images.shape[1:]}: evaluate the model against data like the data it learned"
        )
    images, labels = generator.sample(n, random_state=seed, return_labels=True)
    images = in_layout(as_nchw(images), array_layout(train.images))
    fake_labels = _data_codes(labels, train, model_file, data) if generator.conditional else None
    if one_class:  # faces: label_agreement becomes the share of outputs seen as that class
        fake_labels = np.full(len(images), train.labels[0])
    real = RealImages(train.images, train.labels, test.images, test.labels)
    feature_set = None if features is None else _feature_set(features, holdout, train.images.shape[1:])
    with console.status("evaluating: training the feature classifier (cached), scoring"):
        scores = evaluate_images(real, images, fake_labels, random_state=seed, feature_set=feature_set)
    held_out, scored = len(test.images), min(n, len(test.images), MAX_SCORED)
    heading = (
        f"{n:,} synthetic images against {held_out:,} held-out real ones (--holdout {holdout:g}); "
        f"distribution scores on {scored:,} of each"
    )
    table = Table(title=f"{generator.model_name}: {heading}")
    for column in ("score", "value", "uniform noise", "meaning"):
        table.add_column(column)
    for name, value, noise, meaning in score_rows(scores):
        table.add_row(name, f"{value:.4g}", "" if noise is None else f"{noise:.4g}", meaning)
    console.print(table)
    console.print(NOISE_NOTE, highlight=False)
    notes, said = [heading + "."], []  # the page's notes; the warnings as printed, for --json
    found = [below_noise(scores)]
    if len(test.images) < FEW_HELD_OUT:
        # a larger share of the images the model was fitted on would score images it trained on
        more = "fit again with a larger --holdout" if fitted_on else "raise --holdout"
        found.append(
            f"only {len(test.images)} held-out real images: FID, precision, recall and coverage need a few "
            f"hundred to mean much ({more}, or evaluate on more images)"
        )
    for warning in filter(None, found):
        say_warning(warning)
        notes.append(f"Warning: {warning}.")
        said.append(warning)
    if report is not None:
        title = f"{generator.model_name} on {data}"
        shown = labels if generator.conditional else None  # the report names the classes as the model does
        page = image_report_html(title, scores, images, shown, generator.loss_history_, notes)
        atomic_write_text(report, page)
        console.print(f"wrote {report}")
    if json_path is not None:
        info = {
            "model": generator.model_name,
            "model_file": str(model_file),
            "data": str(data),
            "synthetic_images": n,
            "held_out_images": held_out,
            "scored_images": scored,
            "holdout": holdout,
            "seed": seed,
        }
        atomic_write_text(json_path, scores_json(scores, info, said))
        console.print(f"wrote {json_path}")


def _channels_first_shape(shape: tuple[int, ...]) -> tuple[int, ...]:
    """One image's shape, (H, W), (H, W, C) or (C, H, W), as (C, H, W)."""
    import numpy as np

    from synthloom.data.images import as_nchw

    return as_nchw(np.broadcast_to(np.uint8(0), (1, *shape))).shape[1:]  # no memory


def _evaluated_holdout(
    generator: Any, model_file: Path, source: str, holdout: float | None, real: Any
) -> tuple[float, int, bool]:
    """The share of ``real`` (read from ``source``) held out to judge ``generator`` on, the seed of the
    split, and whether these are the images the model was fitted on (the same pixels, wherever read from).
    For those: by default the split fit made; another share is warned about, as is a model that held nothing
    out. Other images, and models saved before the split was kept: ``holdout``, by default fit's default."""
    from synthloom.data.split import SPLIT_SEED, holdout_indices

    split = getattr(generator, "training_split_", None)
    state = fitted_state(split, source, real.fingerprint)
    if state == "changed":
        warnings.warn(
            f"{source}: changed since `image fit` read it ({split['images']} images then, "
            f"{len(real.images)} now), so the images {model_file} was trained on are not known: some of "
            "those held out now may be among them, which flatters the scores",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    if state != "same":
        return (DEFAULT_HOLDOUT if holdout is None else holdout), SPLIT_SEED, False
    fitted, seed, count = float(split["holdout"]), int(split["seed"]), len(real.images)
    if fitted == 0 and holdout is None:
        raise ConfigError(
            f"{model_file} was fitted with --holdout 0: it trained on every image of {source}, so none is "
            f"left to judge it on; fit it again with --holdout {DEFAULT_HOLDOUT} (or give --holdout here "
            "to score it against its own training images)"
        )
    scored = fitted if holdout is None else holdout
    if scored in (fitted, 0):  # 0: nothing to score, which the caller refuses
        return scored, seed, True
    then, now = (len(holdout_indices(count, share, seed)[1]) for share in (fitted, scored))
    advice = "leave --holdout out to score against the images fit held out"
    if fitted == 0:
        why = f"it trained on every image of {source}, so the scores flatter it"
        advice = f"fit it with --holdout {DEFAULT_HOLDOUT} to judge it"
    elif now > then:  # the split's order is fixed: a larger share adds training images to the held-out ones
        why = f"{now - then} of the images scored now were trained on, which flatters the scores"
    else:
        why = f"only {now} of the {then} images it held out are scored now"
    warnings.warn(
        f"{source}: {model_file} was fitted with --holdout {fitted:g}, not {scored:g}: {why}; {advice}",
        DataWarning,
        stacklevel=caller_stacklevel(),
    )
    return scored, seed, True


def _data_codes(labels: Any, data: Any, model_file: Path, source: str) -> Any:
    """A model's labels (numbers or names) as the codes ``data`` numbers its classes with."""
    import numpy as np

    if labels.dtype.kind != "U":
        # numbers are the data's codes: numbered images, or class folders learned by a model saved before
        # class names were kept (its classes are the folders' positions)
        return labels
    if data.class_names is None:
        if all(label.isdigit() for label in labels):  # folders "0", "1", ... against numbered images
            return labels.astype(np.int64)
        raise ConfigError(
            f"{model_file} names its classes, but {source} numbers them: evaluate against the data "
            "the model learned"
        )
    codes = {name: code for code, name in enumerate(data.class_names)}
    unknown = sorted({str(label) for label in labels} - codes.keys())
    if unknown:
        raise ConfigError(
            f"{model_file} makes classes {unknown[:5]} that {source} does not have "
            f"({', '.join(data.class_names[:10])}): evaluate against the data the model learned"
        )
    return np.array([codes[str(label)] for label in labels], dtype=np.int64)


def _feature_set(source: str, holdout: float, shape: tuple[int, ...]) -> tuple[Any, Any]:
    """The training part of ``--features`` images, checked to be labelled and shaped like the data."""
    from synthloom.data.images import holdout_split

    contrast, _ = holdout_split(read_image_source(source), holdout)
    if contrast.labels is None or contrast.images.shape[1:] != shape:
        raise ConfigError(
            f"--features {source}: needs labelled images shaped {shape}, "
            f"not {'unlabelled' if contrast.labels is None else contrast.images.shape[1:]}"
        )
    return contrast.images, contrast.labels
