"""Image data in and out: bundled sets, ``.npz`` arrays, class folders; PNG grids and PNG/``.npz`` data sets.

Images travel as float32 arrays in [0, 1], (N, H, W) for grayscale or (N, 3, H, W) for colour, with int64
label codes and, where the source named its classes (folders, text labels), the names. A data set written
as a folder has the layout it is read from (one sub-folder per class, as torchvision's ImageFolder), so
synthetic images train anything real ones do. Every writer is atomic: a grid or ``.npz`` goes through
``atomic_path``; a data set folder is written under a temporary name beside the target and renamed only
when complete.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from synthloom.data.io import atomic_path, holds_user_files, system_file, usual_permissions
from synthloom.data.split import SPLIT_SEED, holdout_indices
from synthloom.errors import ConfigError, DataError, DataWarning, caller_stacklevel

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
# 16-bit grayscale as PIL opens it ("I": 32-bit integers, as older PIL opens 16-bit PNGs): PIL's RGB
# conversion clips these at 255, which turns the whole image white
WIDE_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")


@dataclass
class ImageData:
    """Images in [0, 1] with labels; ``class_names[label]`` names a class when the source had names."""

    images: np.ndarray  # (N, H, W) or (N, 3, H, W) float32
    labels: np.ndarray | None  # (N,) int64
    class_names: list[str] | None = None
    files: list[str] | None = None  # a folder's image files, relative to it: what a score belongs to

    def named_labels(self) -> np.ndarray | None:
        """The labels as the source gave them: class names where it had them, else the numbers."""
        if self.labels is None or self.class_names is None:
            return self.labels
        return np.asarray(self.class_names)[self.labels]

    def fingerprint(self) -> str:
        """A digest of the images (pixels and shape): the same images, wherever they are read from."""
        import hashlib

        digest = hashlib.sha256(str(self.images.shape).encode())
        digest.update(np.ascontiguousarray(self.images).data)  # the buffer itself: no copy of the pixels
        return digest.hexdigest()

    def subset(self, index: np.ndarray) -> ImageData:
        """The images at ``index``, in that order, with their labels and files."""
        labels = None if self.labels is None else self.labels[index]
        files = None if self.files is None else [self.files[i] for i in index]
        return ImageData(self.images[index], labels, self.class_names, files)


def read_images(source: str | Path) -> ImageData:
    """Read images from a bundled data set name, an ``.npz`` file, or a folder: one sub-folder per class
    (the sub-folder names are the class names; images beside them are ignored, with a ``DataWarning``), or
    images only (unlabelled; sub-folders without images are no classes).

    An ``.npz`` holds ``images`` (uint8 0..255, uint16 0..65535 or floats in [0, 1]) and optionally
    ``labels`` (whole numbers, or text: class names). A folder's ``IMAGE_SUFFIXES`` files are read, 16-bit
    ones on their full range and transparent ones put on white (with a ``DataWarning``); hidden files are
    the system's and skipped, other files skipped with a ``DataWarning``.

    Raises:
        DataError: missing or unreadable source, no images, mixed sizes, float pixels outside [0, 1].

    Example:
        >>> data = read_images("digits")
        >>> data.images.shape, data.labels[:3]
        ((1797, 8, 8), array([0, 1, 2]))
    """
    from synthloom import datasets
    from synthloom.datasets._registry import names

    path = Path(source)
    if not path.exists():
        if path.suffix or len(path.parts) > 1:  # a path, not a misspelt bundled name
            raise DataError(f"{source}: no such file or folder; check the path")
        images, labels = datasets.load_images(str(source))
        return ImageData(images, labels)
    if path.suffix.lower() == ".npz":
        return _read_npz(path)
    if path.is_dir():
        return _read_class_folders(path)
    raise DataError(
        f"{path}: not an .npz file or a folder; give a bundled name ({', '.join(names('images'))}), an .npz "
        "file or a folder"
    )


def holdout_split(data: ImageData, fraction: float, seed: int = SPLIT_SEED) -> tuple[ImageData, ImageData]:
    """Split into (train, test) with a fixed seeded shuffle, so every command holds out the same images
    (``seed``: the one a model file recorded, for a split made by another version).

    Example:
        >>> train, test = holdout_split(read_images("digits"), 0.15)
        >>> len(train.images), len(test.images)
        (1527, 270)
    """
    train, test = holdout_indices(len(data.images), fraction, seed)
    return data.subset(train), data.subset(test)


def unit_pixels(images: np.ndarray) -> np.ndarray:
    """uint8 or uint16 pixels as float32 on [0, 1], their full range; other arrays as they are."""
    if images.dtype in (np.uint8, np.uint16):
        return images.astype(np.float32) / np.iinfo(images.dtype).max
    return images


def _channels_last(images: np.ndarray) -> bool:
    return images.ndim == 4 and images.shape[-1] in (1, 3) and images.shape[1] not in (1, 3)


def channels_first(images: np.ndarray) -> np.ndarray:
    """(N, H, W, C) images with C = 1 or 3, as PIL, Keras and most arrays have them, as (N, C, H, W);
    other arrays as they are."""
    return images.transpose(0, 3, 1, 2) if _channels_last(images) else images


def as_nchw(images: np.ndarray) -> np.ndarray:
    """(N, H, W), (N, H, W, C) or (N, C, H, W) images as (N, C, H, W)."""
    images = channels_first(images)
    return images[:, None] if images.ndim == 3 else images


def array_layout(images: np.ndarray) -> str:
    """The layout of an image array as ``channels_first`` reads it: "NHW", "NHWC" or "NCHW"."""
    if images.ndim == 3:
        return "NHW"
    return "NHWC" if _channels_last(images) else "NCHW"


def in_layout(images: np.ndarray, layout: str) -> np.ndarray:
    """(N, C, H, W) images in ``layout`` (one of ``array_layout``'s): what a model fitted on it gives back."""
    if layout == "NHW":
        return images[:, 0]
    if layout == "NHWC":
        return np.ascontiguousarray(images.transpose(0, 2, 3, 1))
    return images


def whole_labels(labels: np.ndarray) -> np.ndarray:
    """Labels written as booleans or whole floats (0.0 / 1.0, as a pandas column holds them) as int64;
    others as they are."""
    if labels.dtype == bool or (
        labels.dtype.kind == "f" and np.isfinite(labels).all() and np.all(np.mod(labels, 1) == 0)
    ):
        return labels.astype(np.int64)
    return labels


# float pixels this far past 0 or 1 are rounding (x / 255 * 255 / 255 ...), clipped rather than refused
UNIT_SLACK = 1e-5


def _scaled(images: np.ndarray, source: Path) -> np.ndarray:
    if images.dtype in (np.uint8, np.uint16):
        return unit_pixels(images)
    if not np.issubdtype(images.dtype, np.floating):
        raise DataError(
            f"{source}: images must be uint8 (0..255), uint16 (0..65535) or floats in [0, 1], "
            f"not {images.dtype}"
        )
    images = images.astype(np.float32)
    if images.size:
        # floats on another scale (0..255) or NaN would be learned as they are: the generator's outputs
        # are clamped to [0, 1], so every score would compare unlike pictures (an FID in the thousands)
        low, high = float(images.min()), float(images.max())  # NaN in either when any pixel is NaN
        if not (math.isfinite(low) and math.isfinite(high)):
            raise DataError(
                f"{source}: the images hold NaN or infinite values; give floats in [0, 1] or uint8 (0..255)"
            )
        if low < -UNIT_SLACK or high > 1 + UNIT_SLACK:
            raise DataError(
                f"{source}: float images must lie in [0, 1], these span {low:.7g}..{high:.7g}; scale them "
                "to [0, 1] (0..255 values: divide by 255) or give uint8 pixels (0..255)"
            )
        images = np.clip(images, 0.0, 1.0)  # a rounding step past an end (1.0000001 from a division)
    return images


def _read_npz(path: Path) -> ImageData:
    if not path.is_file():
        raise DataError(f"{path}: file not found; check the path")
    try:
        with np.load(path, allow_pickle=False) as arrays:  # no pickle: loading never runs code
            if "images" not in arrays:
                found = ", ".join(arrays.files) or "no arrays"
                raise DataError(f"{path} has no 'images' array (found: {found}); name the array 'images'")
            images = _scaled(arrays["images"], path)
            labels = arrays.get("labels")
    except DataError:
        raise  # already names the file; a DataError is a ValueError too
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable .npz file ({exc})") from None
    images = channels_first(images)
    if labels is not None and labels.shape != (len(images),):
        raise DataError(
            f"{path}: {len(images)} images but labels shaped {labels.shape}; give one label per image"
        )
    labels = None if labels is None else whole_labels(labels)
    if labels is None or np.issubdtype(labels.dtype, np.integer):
        return ImageData(images, None if labels is None else labels.astype(np.int64))
    if labels.dtype.kind != "U":
        raise DataError(f"{path}: labels must be whole numbers or text, not {labels.dtype}")
    names, codes = np.unique(labels, return_inverse=True)
    return ImageData(images, codes.astype(np.int64), [str(name) for name in names])


def _read_class_folders(root: Path) -> ImageData:
    from PIL import Image, UnidentifiedImageError

    # hidden folders (.ipynb_checkpoints, .thumbnails) are tools' copies, not classes
    folders = sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    skipped: list[Path] = []
    found = {folder: _image_files(folder, skipped) for folder in folders}
    classes = [folder for folder in folders if found[folder]]
    if len(classes) < len(folders) and classes:  # a class without images would be one the model never saw
        empty = ", ".join(folder.name for folder in folders if not found[folder])
        warnings.warn(
            f"{root}: class folders without images are left out: {empty}", stacklevel=caller_stacklevel()
        )
    files = [(f, label) for label, c in enumerate(classes) for f in found[c]]
    # a class is one folder of images: images further down (cat/indoor/1.png) are not read, which is said
    nested = [
        sub for c in classes for sub in sorted(c.iterdir()) if sub.is_dir() and not sub.name.startswith(".")
    ]
    if nested:
        names = ", ".join(sub.relative_to(root).as_posix() for sub in nested[:3])
        warnings.warn(
            f"{root}: {len(nested)} folders inside class folders were not read ({names}); a class is one "
            "folder of images: move their images up into the class folder, or make them classes",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    # labelled or not is told by the class folders that hold images: empty ones (or ones holding no
    # image) beside images at the top do not turn them into "no images found"
    beside: list[Path] = []  # the top's other files: its own when the images are there, else not read
    top = _image_files(root, skipped if not classes else beside)
    if not classes:  # images only, no classes (what an unconditional model's sample writes)
        files = [(f, 0) for f in top]
    elif top:  # they belong to no class: learning them as one would invent a class
        warnings.warn(
            f"{root}: {len(top)} images beside the class folders belong to no class and were ignored; "
            "move them into a class folder to use them",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    if skipped:
        kinds = ", ".join(sorted({f.suffix.lower() or "no extension" for f in skipped}))
        warnings.warn(
            f"{root}: {len(skipped)} files that are not images were skipped ({kinds}); images are read from "
            f"{', '.join(IMAGE_SUFFIXES)} files",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    if not files:
        raise DataError(
            f"{root}: no images found; put them in one sub-folder per class (e.g. {root}/cat/1.png)"
        )
    pictures, transparent, unturned = [], 0, 0
    for file, _ in files:
        try:
            with Image.open(file) as picture:
                unturned += not _turn_upright(picture)
                pixels, composited = _pixels(picture, file)
        except (OSError, UnidentifiedImageError):
            raise DataError(f"{file}: not a readable image") from None
        pictures.append(pixels)
        transparent += composited
    if unturned:
        warnings.warn(
            f"{root}: {unturned} images have an unreadable EXIF block, so whether they are to be shown "
            "turned is not known; they were read as stored",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    if transparent:
        warnings.warn(
            f"{root}: {transparent} images have transparent pixels; they were put on a white background "
            "(the colours hidden under transparent pixels are not learned)",
            DataWarning,
            stacklevel=caller_stacklevel(),
        )
    _check_one_size(root, [file for file, _ in files], pictures)
    if any(p.dtype == np.uint16 for p in pictures):  # 8-bit images join 16-bit ones on their scale
        pictures = [p.astype(np.uint16) * 257 if p.dtype == np.uint8 else p for p in pictures]
    pixels = np.stack(pictures)  # (N, H, W, 3)
    gray = bool((pixels == pixels[..., :1]).all())  # grayscale files saved as RGB stay one channel
    images = _scaled(pixels[..., 0] if gray else pixels.transpose(0, 3, 1, 2), root)
    names = [file.relative_to(root).as_posix() for file, _ in files]
    if not classes:
        return ImageData(images, None, files=names)
    labels = np.array([label for _, label in files], dtype=np.int64)
    return ImageData(images, labels, [c.name for c in classes], names)


def _turn_upright(picture: Any) -> bool:
    """Turn ``picture`` (in place) as its EXIF orientation says; False when its EXIF cannot be read.

    A camera stores a photo as shot and an EXIF tag says how to turn it upright; viewers (and the user)
    see it turned, so it is learned turned, not lying on its side. A broken EXIF block leaves the picture
    as stored: its pixels are readable, and Pillow's notice about the block names no file.
    """
    from PIL import ImageOps

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # Pillow's "Corrupt EXIF data", once per image
        try:
            ImageOps.exif_transpose(picture, in_place=True)
        except SyntaxError:  # what Pillow raises for an EXIF block without a TIFF header
            return False
    return True


def _check_one_size(root: Path, files: list[Path], pictures: list[np.ndarray]) -> None:
    """Refuse pictures of different sizes, naming a file of an odd size: among thousands of images the
    sizes alone do not say which file to resize."""
    sizes = [f"{p.shape[1]}x{p.shape[0]}" for p in pictures]  # width x height, as PIL and viewers give sizes
    counts = Counter(sizes)
    if len(counts) == 1:
        return
    usual = counts.most_common(1)[0][0]
    odd = [(file, size) for file, size in zip(files, sizes, strict=True) if size != usual]
    more = f" ({len(odd)} images are not {usual})" if len(odd) > 1 else ""
    raise DataError(
        f"{root}: images have different sizes: {counts[usual]} are {usual}, but "
        f"{odd[0][0].relative_to(root).as_posix()} is {odd[0][1]}{more}; resize them to one size"
    )


def _image_files(folder: Path, skipped: list[Path]) -> list[Path]:
    """The image files in ``folder``, sorted; its other files are added to ``skipped``, system files
    (``system_file``) to neither."""
    images = []
    for file in sorted(folder.iterdir()):
        if file.is_file() and not system_file(file):
            (images if file.suffix.lower() in IMAGE_SUFFIXES else skipped).append(file)
    return images


def _pixels(picture: Any, file: Path) -> tuple[np.ndarray, bool]:
    """A picture's pixels (H, W, 3), uint8 or uint16 (16-bit or float grayscale), and whether it had
    transparent pixels, which are put on a white background: otherwise the colours under them would be
    learned."""
    from PIL import Image

    if picture.mode in WIDE_MODES:
        values = np.asarray(picture)
        if values.min() < 0 or values.max() > np.iinfo(np.uint16).max:
            span = f"{values.min()}..{values.max()}"
            raise DataError(f"{file}: pixel values span {span}; save the image with 8 or 16 bits")
        return np.repeat(values.astype(np.uint16)[..., None], 3, axis=2), False
    if picture.mode == "F":  # 32-bit float grayscale (TIFF): PIL's RGB conversion makes [0, 1] all black
        return _float_pixels(np.asarray(picture), file), False
    if picture.has_transparency_data:  # RGBA, LA, PA, or a palette or colour marked transparent
        rgba = picture.convert("RGBA")
        if rgba.getchannel("A").getextrema()[0] < 255:
            white = Image.new("RGBA", rgba.size, "white")
            return np.asarray(Image.alpha_composite(white, rgba).convert("RGB")), True
    return np.asarray(picture.convert("RGB")), False


def _float_pixels(values: np.ndarray, file: Path) -> np.ndarray:
    """Float grayscale values in [0, 1] as (H, W, 3) uint16 pixels: 16 bits keep their detail, and the
    folder's other images join them on that scale. Values on another scale are refused: which one is
    meant (0..255, 0..65535, any) cannot be told from the file."""
    low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
    if not (math.isfinite(low) and math.isfinite(high)) or low < 0 or high > 1:
        raise DataError(
            f"{file}: 32-bit float pixel values span {low:g}..{high:g}; save the image with values in "
            "[0, 1], or with 8 or 16 bits"
        )
    pixels = np.rint(values * np.iinfo(np.uint16).max).astype(np.uint16)
    return np.repeat(pixels[..., None], 3, axis=2)


def _to_uint8(images: np.ndarray) -> np.ndarray:
    """[0, 1] floats -> uint8 pixels, same layout."""
    return np.clip(np.rint(np.asarray(images) * 255), 0, 255).astype(np.uint8)


def _for_pil(images: np.ndarray) -> np.ndarray:
    """(N, H, W), (N, C, H, W) or (N, H, W, C) in [0, 1] -> (N, H, W) or (N, H, W, 3) uint8, as PIL wants
    them."""
    images = np.asarray(images)
    if images.dtype == np.uint8:  # pixels already
        pixels = channels_first(images)
    else:  # uint16 pixels on [0, 1] first, as they are read
        pixels = _to_uint8(unit_pixels(channels_first(images)))
    if pixels.ndim == 4 and pixels.shape[1] == 1:  # PIL has no (H, W, 1) image: one channel is L mode
        return pixels[:, 0]
    return pixels.transpose(0, 2, 3, 1) if pixels.ndim == 4 else pixels


def image_grid(images: np.ndarray, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """Tile images into one uint8 picture with ``gap`` white pixels between them.

    Example:
        >>> image_grid(np.zeros((10, 8, 8))).shape
        (26, 35)
    """
    pixels = _for_pil(images)
    n, h, w = pixels.shape[:3]
    if n == 0:
        raise ConfigError("no images to put in a grid")
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap, *pixels.shape[3:]), 255, np.uint8)
    for index, picture in enumerate(pixels):
        top, left = (index // columns) * (h + gap), (index % columns) * (w + gap)
        grid[top : top + h, left : left + w] = picture
    return grid


def write_grid(images: np.ndarray, path: str | Path, columns: int | None = None, scale: int = 1) -> Path:
    """Write a PNG grid of images (for looking at), atomically; ``scale`` enlarges small images."""
    from PIL import Image

    picture = Image.fromarray(image_grid(images, columns))
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.NEAREST)
    path = Path(path)
    with atomic_path(path) as tmp:
        picture.save(tmp, format="PNG")
    return path


def write_image_dataset(images: np.ndarray, labels: np.ndarray | None, out: str | Path) -> Path:
    """Write images as a data set ready for training, one that ``read_images`` reads back: ``.npz``
    (uint8 pixels, and the labels as given: numbers or class names), or a folder of PNGs, in one
    sub-folder per class (named by the label) when there are labels.

    Raises:
        ConfigError: the output folder exists and is not empty (system files such as .DS_Store aside).

    Example:
        >>> write_image_dataset(fake, fake_labels, "out/")  # out/cat/000000.png, out/dog/000001.png ...
    """
    out = Path(out)
    if out.suffix.lower() == ".npz":
        arrays = {"images": _to_uint8(images)}
        if labels is not None:
            labels = np.asarray(labels)
            arrays["labels"] = labels.astype(str if labels.dtype.kind in "OU" else np.int64)
        with atomic_path(out) as tmp, tmp.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
        return out
    check_new_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    try:
        _write_png_folder(images, labels, staging)
        usual_permissions(staging)
        if out.exists():  # empty, or holding system files only: they stay, beside the images
            for file in out.iterdir():
                file.rename(staging / file.name)
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def check_new_folder(out: Path) -> None:
    """Refuse a data set folder that exists and is not empty: its files would be mixed with the images
    (or replace them). System files (a Finder's .DS_Store) do not count: a folder holding only them is
    empty to its user. Commands call it before they generate, so the refusal costs nothing."""
    if out.exists() and (not out.is_dir() or holds_user_files(out)):
        raise ConfigError(f"{out}: exists and is not an empty folder; choose a new output folder")


def _write_png_folder(images: np.ndarray, labels: np.ndarray | None, folder: Path) -> None:
    from PIL import Image

    classes = [None] * len(images) if labels is None else [str(label) for label in np.asarray(labels)]
    for name in set(classes) - {None}:
        if name in ("", ".", "..") or "/" in name or "\\" in name:
            raise ConfigError(f"class {name!r} cannot name a folder; write an .npz instead")
        (folder / name).mkdir()
    for index, (picture, name) in enumerate(zip(_for_pil(images), classes, strict=True)):
        place = folder if name is None else folder / name
        Image.fromarray(picture).save(place / f"{index:06d}.png", format="PNG")
