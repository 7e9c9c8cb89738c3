"""``synthloom image ...``: fit an image generator, sample images, evaluate them.

Mounted on the main app as ``synthloom image``; errors and exit codes follow ``synthloom.cli``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from synthloom.cli import SeedOption, console, user_errors
from synthloom.errors import ConfigError

image_app = typer.Typer(
    name="image",
    help="Image generators: DCGAN, conditional DCGAN, convolutional VAE.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DataArgument = Annotated[
    str, typer.Argument(help="Images: a bundled name (digits, mnist), an .npz file, or a folder per class.")
]


def _image_model_class(name: str) -> Any:
    from synthloom.models.image_base import ImageGenerator
    from synthloom.registry import list_models, model_class

    cls = model_class(name)
    if not issubclass(cls, ImageGenerator):
        image_models = [n for n in list_models() if issubclass(model_class(n), ImageGenerator)]
        raise ConfigError(f"{name!r} is a table generator; image generators: {', '.join(image_models)}")
    return cls


@image_app.command("fit")
@user_errors
def fit_command(
    data: DataArgument,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.synthloom).")],
    model: Annotated[str, typer.Option("--model", "-m", help="dcgan, cdcgan, vae or cvae.")] = "cdcgan",
    epochs: Annotated[int | None, typer.Option("--epochs", help="Training epochs.", min=1)] = None,
    device: Annotated[
        str, typer.Option("--device", help="auto (CUDA, then MPS, then CPU), cpu, cuda.")
    ] = "auto",
    max_minutes: Annotated[
        float | None, typer.Option("--max-minutes", help="Stop training after this many minutes.", min=0.01)
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Learn an image generator and save it (safetensors + JSON; no pickle)."""
    from synthloom.data.images import read_images

    cls = _image_model_class(model)
    params: dict[str, Any] = {"random_state": seed, "device": device, "verbose": True}
    if epochs is not None:
        params["epochs"] = epochs
    if max_minutes is not None:
        params["max_minutes"] = max_minutes
    generator = cls(**params)
    found = read_images(data)
    labels = found.labels if generator.conditional else None
    console.print(f"fitting {model} on {len(found.images):,} images of shape {found.images.shape[1:]}")
    generator.fit(found.images, labels)
    generator.save(output)
    last = generator.loss_history_[-1]
    shown = "  ".join(f"{k}={v:.3f}" for k, v in last.items() if k != "epoch")
    console.print(f"saved {model} model to {output} (last epoch: {shown})")


@image_app.command("sample")
@user_errors
def sample_command(
    model_file: Annotated[Path, typer.Argument(help="Model file written by `synthloom image fit`.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="A folder (PNGs + labels.csv), an .npz, or a .png grid.")
    ],
    n: Annotated[int, typer.Option("--rows", "-n", help="Number of images.", min=1)] = 100,
    label: Annotated[
        int | None, typer.Option("--label", help="Class of every image (conditional models).")
    ] = None,
    grid: Annotated[
        Path | None, typer.Option("--grid", help="Also write a PNG grid of the images here.")
    ] = None,
    seed: SeedOption = 0,
) -> None:
    """Generate images from a saved model as a data set (folder or .npz) or a PNG grid."""
    from synthloom.data.images import write_grid, write_image_dataset
    from synthloom.models.image_base import load_image_model

    generator = load_image_model(model_file)
    images, labels = generator.sample(n, labels=label, random_state=seed, return_labels=True)
    if output.suffix.lower() == ".png":
        write_grid(images, output, scale=_grid_scale(images))
    else:
        write_image_dataset(images, labels if generator.conditional else None, output)
    if grid is not None:
        write_grid(images, grid, scale=_grid_scale(images))
    console.print(f"wrote {n:,} images to {output}" + (f" and a grid to {grid}" if grid else ""))


def _grid_scale(images: Any) -> int:
    """Enlarge small images (8x8 digits) so a grid is readable: about 64 pixels a side."""
    return max(1, 64 // images.shape[-1])
