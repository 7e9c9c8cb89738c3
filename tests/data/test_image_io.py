"""Image data in and out: class folders, .npz, bundled sets, grids, data sets written atomically."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from PIL import Image

from synthloom.data.images import image_grid, read_images, write_grid, write_image_dataset
from synthloom.errors import ConfigError, DataError, DataWarning


def test_folder_round_trip_keeps_pixels_and_class_names(tmp_path) -> None:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 5, 5)).astype(np.float32) / 255
    labels = np.array(["cat", "dog", "cat", "dog", "dog", "cat"])
    out = write_image_dataset(images, labels, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["cat", "dog"]  # the layout read_images reads
    back = read_images(out)
    assert back.class_names == ["cat", "dog"] and back.images.shape == (6, 5, 5)
    order = np.argsort(labels, kind="stable")
    np.testing.assert_allclose(back.images, images[order], atol=1e-6)
    assert back.named_labels().tolist() == labels[order].tolist()


def test_unlabelled_folder_round_trip(tmp_path) -> None:
    images = np.random.default_rng(1).random((3, 3, 4, 4)).astype(np.float32)
    out = write_image_dataset(images, None, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == ["000000.png", "000001.png", "000002.png"]
    back = read_images(out)
    assert back.labels is None and back.named_labels() is None
    np.testing.assert_allclose(back.images, images, atol=1 / 255)


def test_npz_keeps_class_names_and_refuses_other_labels(tmp_path) -> None:
    path = write_image_dataset(np.zeros((3, 4, 4)), np.array(["b", "a", "b"]), tmp_path / "x.npz")
    back = read_images(path)
    assert back.class_names == ["a", "b"] and back.labels.tolist() == [1, 0, 1]
    np.savez(tmp_path / "f.npz", images=np.zeros((2, 4, 4)), labels=np.array([0.5, 1.5]))
    with pytest.raises(DataError, match="labels must be whole numbers or text"):
        read_images(tmp_path / "f.npz")


def test_a_class_that_cannot_name_a_folder_leaves_nothing(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot name a folder"):
        write_image_dataset(np.zeros((2, 4, 4)), np.array(["a/b", "c"]), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_rgb_npz_round_trip(tmp_path) -> None:
    images = np.random.default_rng(0).random((4, 3, 6, 6)).astype(np.float32)
    path = write_image_dataset(images, np.arange(4), tmp_path / "x.npz")
    back = read_images(path)
    assert back.images.shape == (4, 3, 6, 6) and back.labels.tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(back.images, images, atol=1 / 255)


def test_bundled_digits() -> None:
    data = read_images("digits")
    assert data.images.shape == (1797, 8, 8) and data.labels.shape == (1797,)


def test_grid_layout_and_png(tmp_path) -> None:
    assert image_grid(np.ones((10, 8, 8))).shape == (26, 35)  # 3 rows x 4 columns
    assert image_grid(np.ones((3, 3, 4, 4)), columns=3).shape == (4, 14, 3)
    path = write_grid(np.zeros((4, 8, 8)), tmp_path / "g.png", scale=2)
    assert Image.open(path).size == (34, 34)


def test_refusals(tmp_path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no images found"):
        read_images(tmp_path / "empty")
    np.savez(tmp_path / "bad.npz", pixels=np.zeros(3))
    with pytest.raises(DataError, match="no 'images' array"):
        read_images(tmp_path / "bad.npz")
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "a").write_text("x")
    with pytest.raises(ConfigError, match="not an empty folder"):
        write_image_dataset(np.zeros((2, 4, 4)), None, tmp_path / "used")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_folder_holding_only_system_files_counts_as_empty(tmp_path) -> None:
    """A folder holding only a Finder's .DS_Store was refused as "not an empty folder"; the system files
    now stay, beside the images."""
    out = tmp_path / "out"
    out.mkdir()
    (out / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (out / "._cat").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")
    images = np.random.default_rng(2).random((4, 4, 4)).astype(np.float32)
    write_image_dataset(images, np.array(["cat", "dog", "cat", "dog"]), out)
    assert {p.name for p in out.iterdir()} == {".DS_Store", "._cat", "cat", "dog"}
    assert (out / ".DS_Store").read_bytes() == b"\x00\x00\x00\x01Bud1"
    assert read_images(out).files == ["cat/000000.png", "cat/000002.png", "dog/000001.png", "dog/000003.png"]


def test_npz_labels_must_match_and_channels_last_is_read(tmp_path) -> None:
    np.savez(tmp_path / "short.npz", images=np.zeros((40, 8, 8), np.uint8), labels=np.arange(20))
    with pytest.raises(DataError, match="40 images but labels shaped \\(20,\\); give one label per image"):
        read_images(tmp_path / "short.npz")
    pixels = np.random.default_rng(0).integers(0, 256, (4, 6, 6, 3), dtype=np.uint8)  # (N, H, W, 3)
    np.savez(tmp_path / "last.npz", images=pixels)
    back = read_images(tmp_path / "last.npz")
    assert back.images.shape == (4, 3, 6, 6)
    np.testing.assert_allclose(back.images, pixels.transpose(0, 3, 1, 2) / 255, atol=1e-6)
    np.savez(tmp_path / "gray.npz", images=pixels[..., :1])  # (N, H, W, 1), as Keras keeps gray images
    assert read_images(tmp_path / "gray.npz").images.shape == (4, 1, 6, 6)


def test_a_written_folder_has_the_usual_permissions(tmp_path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        out = write_image_dataset(np.zeros((2, 4, 4)), np.array([0, 1]), tmp_path / "out")
    finally:
        os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o755


def test_empty_and_hidden_class_folders_are_not_classes(tmp_path) -> None:
    images = np.random.default_rng(2).random((4, 4, 4)).astype(np.float32)
    out = write_image_dataset(images, np.array(["cat", "dog", "cat", "dog"]), tmp_path / "out")
    (out / "bird").mkdir()  # made for images that never came
    (out / ".ipynb_checkpoints").mkdir()
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(out / ".ipynb_checkpoints" / "copy.png")
    with pytest.warns(UserWarning, match="without images are left out: bird"):
        back = read_images(out)
    assert back.class_names == ["cat", "dog"] and len(back.images) == 4
    assert set(back.labels.tolist()) == {0, 1}


def test_sixteen_bit_images_are_read_on_their_full_range(tmp_path) -> None:
    wide = np.array([[0, 1000], [32768, 65535]], dtype=np.uint16)
    (tmp_path / "a").mkdir()
    Image.fromarray(wide).save(tmp_path / "a" / "0.png")  # mode I;16, a 16-bit PNG
    Image.fromarray(wide.astype(np.int32)).save(tmp_path / "a" / "1.tif")  # mode I, 32-bit integers
    Image.fromarray(np.array([[0, 51], [102, 255]], np.uint8)).save(tmp_path / "a" / "2.png")  # 8-bit
    back = read_images(tmp_path)
    np.testing.assert_allclose(back.images[0], wide / 65535, atol=1e-6)  # not 0 and 1 (white): clipped
    np.testing.assert_allclose(back.images[1], wide / 65535, atol=1e-6)
    np.testing.assert_allclose(back.images[2], [[0, 0.2], [0.4, 1]], atol=1e-6)  # 8 bits: the same scale


def test_one_channel_images_are_written_as_gray_pngs(tmp_path) -> None:
    images = np.random.default_rng(3).random((4, 1, 6, 6)).astype(np.float32)  # (N, 1, H, W)
    out = write_image_dataset(images, np.array([0, 1, 0, 1]), tmp_path / "out")
    assert Image.open(out / "0" / "000000.png").mode == "L"
    np.testing.assert_allclose(read_images(out).images, images[[0, 2, 1, 3], 0], atol=1 / 255)
    grid = write_grid(images, tmp_path / "g.png")
    assert Image.open(grid).mode == "L" and Image.open(grid).size == (13, 13)


def test_tiff_and_webp_are_read_and_other_files_are_named_once(tmp_path) -> None:
    pixels = np.random.default_rng(4).integers(0, 256, (2, 4, 4), dtype=np.uint8)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    Image.fromarray(pixels[0]).save(tmp_path / "a" / "0.tif")
    Image.fromarray(pixels[1]).save(tmp_path / "b" / "1.TIFF")
    Image.fromarray(pixels[0]).save(tmp_path / "b" / "2.webp", lossless=True)
    for name in ("a/notes.txt", "b/logo.svg", "b/labels.txt", "b/README"):
        (tmp_path / name).write_text("x")
    with pytest.warns(DataWarning, match=r"4 files that are not images were skipped \(.svg, .txt, no exte"):
        back = read_images(tmp_path)
    assert back.files == ["a/0.tif", "b/1.TIFF", "b/2.webp"]
    np.testing.assert_allclose(back.images * 255, pixels[[0, 1, 0]], atol=1e-4)
    only_tiffs = tmp_path / "b"  # a folder of images alone
    for name in ("logo.svg", "labels.txt", "README"):
        (only_tiffs / name).unlink()
    assert len(read_images(only_tiffs).images) == 2


def test_hidden_files_in_class_folders_are_not_images(tmp_path) -> None:
    images = np.random.default_rng(5).random((4, 4, 4)).astype(np.float32)
    out = write_image_dataset(images, np.array(["cat", "dog", "cat", "dog"]), tmp_path / "out")
    (out / "cat" / "._000000.png").write_bytes(b"\x00\x05\x16\x07 macOS resource fork")  # AppleDouble
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(out / "dog" / ".hidden.png")
    (out / "dog" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no file is skipped with a warning: they are the system's
        back = read_images(out)
    assert back.files == ["cat/000000.png", "cat/000002.png", "dog/000001.png", "dog/000003.png"]


def test_transparent_pixels_are_put_on_white_with_one_warning(tmp_path) -> None:
    (tmp_path / "a").mkdir()
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[..., 0] = 200  # red hidden under the transparent pixels
    rgba[0, 0, 3], rgba[0, 1, 3] = 255, 128  # one opaque pixel, one half transparent, two transparent
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a" / "0.png")
    la = np.zeros((2, 2, 2), np.uint8)
    la[..., 0], la[..., 1] = 50, [[0, 255], [255, 255]]
    Image.fromarray(la, "LA").save(tmp_path / "a" / "1.png")
    palette = Image.fromarray(np.array([[0, 1], [1, 1]], np.uint8), "P")
    palette.putpalette([0, 0, 0, 200, 0, 0])
    palette.save(tmp_path / "a" / "2.png", transparency=0)  # colour 0 (black) is transparent
    opaque = np.full((2, 2, 4), 255, np.uint8)
    Image.fromarray(opaque, "RGBA").save(tmp_path / "a" / "3.png")  # an alpha channel, but opaque
    with pytest.warns(DataWarning, match="3 images have transparent pixels; they were put on a white back"):
        back = read_images(tmp_path)
    red = back.images[:, 0] * 255
    np.testing.assert_allclose(red[0], [[200, 228], [255, 255]], atol=1)  # 200 over white, half: 227.5
    np.testing.assert_allclose(back.images[1] * 255, [[[255, 50], [50, 50]]] * 3, atol=0.5)
    np.testing.assert_allclose(back.images[2, :, 0, 0] * 255, [255, 255, 255], atol=0.5)
    np.testing.assert_allclose(back.images[3], 1.0)


def test_a_missing_path_is_not_taken_for_a_data_set_name(tmp_path) -> None:
    with pytest.raises(DataError, match=r"^data/nonexist: no such file or folder"):
        read_images("data/nonexist")
    with pytest.raises(DataError, match=r"^nowhere\.npz: no such file or folder"):
        read_images("nowhere.npz")
    with pytest.raises(ConfigError, match="unknown data set 'nonexist'"):  # a bare name: a bundled set's
        read_images("nonexist")
    (tmp_path / "fake.txt").write_text("x")
    with pytest.raises(DataError, match=re.escape("bundled name (digits, mnist, faces, lfw, shapes), an")):
        read_images(tmp_path / "fake.txt")  # every image set is offered


def test_an_npz_without_images_names_the_file_once(tmp_path) -> None:
    np.savez(tmp_path / "wrongkey.npz", imgs=np.zeros((3, 4, 4)))
    with pytest.raises(DataError) as refused:
        read_images(tmp_path / "wrongkey.npz")
    path = tmp_path / "wrongkey.npz"
    assert str(refused.value) == f"{path} has no 'images' array (found: imgs); name the array 'images'"


def test_whole_float_labels_and_channels_last_images_are_taken_everywhere(tmp_path):
    """An .npz with labels 0.0 / 1.0 was refused by `image fit` (the Python fit took it), and the Python
    writers failed on the (N, H, W, 1) arrays fit accepts."""
    from synthloom.data.images import read_images, write_grid, write_image_dataset

    images = np.random.default_rng(0).random((6, 8, 8, 1))
    np.savez(tmp_path / "f.npz", images=(images[..., 0] * 255).astype(np.uint8), labels=np.arange(6.0) % 2)
    assert read_images(tmp_path / "f.npz").labels.tolist() == [0, 1, 0, 1, 0, 1]
    write_grid(images, tmp_path / "grid.png")
    back = read_images(write_image_dataset(images, np.arange(6) % 2, tmp_path / "out"))
    by_class = np.concatenate([images[0::2], images[1::2]])[..., 0]  # read back class by class
    np.testing.assert_allclose(back.images, by_class, atol=1 / 255)
    # uint8 pixels, as PIL and Keras give them, are written as they are (they were scaled by 255 again)
    pixels = (images * 255).round().astype(np.uint8)
    again = read_images(write_image_dataset(pixels, np.arange(6) % 2, tmp_path / "pixels"))
    np.testing.assert_allclose(again.images, by_class, atol=1 / 255)


def test_float_images_outside_unit_range_or_not_finite_are_refused(tmp_path) -> None:
    np.savez(tmp_path / "f255.npz", images=np.full((3, 4, 4), 200.0))
    with pytest.raises(DataError, match=r"f255\.npz: float images must lie in \[0, 1\], these span 200..200"):
        read_images(tmp_path / "f255.npz")
    pixels = np.full((3, 4, 4), 0.5)
    pixels[1, 2, 2] = np.nan
    np.savez(tmp_path / "nan.npz", images=pixels)
    with pytest.raises(DataError, match=r"nan\.npz: the images hold NaN or infinite values"):
        read_images(tmp_path / "nan.npz")
    np.savez(tmp_path / "ok.npz", images=np.linspace(0, 1, 48).reshape(3, 4, 4))  # both ends included
    assert read_images(tmp_path / "ok.npz").images.dtype == np.float32
    # a rounding step past 1 (it was refused as "these span 0..1") is clipped; a real excess still refused
    rounded = np.linspace(0, 1, 48, dtype=np.float32).reshape(3, 4, 4)
    rounded[0, 0, 0] = np.nextafter(np.float32(1), np.float32(2))
    np.savez(tmp_path / "rounded.npz", images=rounded)
    assert read_images(tmp_path / "rounded.npz").images.max() == 1.0
    np.savez(tmp_path / "over.npz", images=rounded * 1.01)
    with pytest.raises(DataError, match=r"these span 0\.0\d+\.\.1\.01; scale"):
        read_images(tmp_path / "over.npz")


def test_float_tiffs_are_read_on_their_values(tmp_path) -> None:
    values = np.linspace(0, 1, 16, dtype=np.float32).reshape(4, 4)
    (tmp_path / "a").mkdir()
    for index in range(2):
        Image.fromarray(values, mode="F").save(tmp_path / "a" / f"{index}.tif")
    back = read_images(tmp_path)
    assert back.images.shape == (2, 4, 4)
    np.testing.assert_allclose(back.images[0], values, atol=1e-4)  # not all zeros
    Image.fromarray(values * 255, mode="F").save(tmp_path / "a" / "2.tif")
    with pytest.raises(DataError, match=r"2\.tif: 32-bit float pixel values span 0..255"):
        read_images(tmp_path)


def test_images_beside_class_folders_are_warned_about_and_empty_folders_ignored(tmp_path) -> None:
    picture = Image.fromarray(np.zeros((4, 4), np.uint8))
    (tmp_path / "mix" / "cls").mkdir(parents=True)
    for place in ("mix", "mix/cls"):
        for index in range(2):
            picture.save(tmp_path / place / f"{index}.png")
    with pytest.warns(DataWarning, match="2 images beside the class folders belong to no class"):
        mixed = read_images(tmp_path / "mix")
    assert mixed.class_names == ["cls"] and len(mixed.images) == 2
    (tmp_path / "top" / "empty").mkdir(parents=True)
    for index in range(3):
        picture.save(tmp_path / "top" / f"{index}.png")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        top = read_images(tmp_path / "top")  # an empty sub-folder holds no class: the images are unlabelled
    assert top.labels is None and len(top.images) == 3


def test_images_with_an_exif_orientation_are_read_upright(tmp_path) -> None:
    """A phone photo stored as shot with an EXIF tag to turn it (as every viewer shows it) was read lying on
    its side: the models learned, and sampled, turned images."""
    stored = np.zeros((4, 4), np.uint8)
    stored[0] = 255  # a white top row, as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to show it
    Image.fromarray(stored).save(tmp_path / "photo.png", exif=exif)
    Image.fromarray(stored).save(tmp_path / "plain.png")
    back = read_images(tmp_path)
    np.testing.assert_array_equal(back.images[0], np.rot90(stored, -1) / 255)  # the white row on the right
    np.testing.assert_array_equal(back.images[1], stored / 255)


def test_images_of_different_sizes_are_refused_naming_a_file_of_the_odd_size(tmp_path) -> None:
    """The refusal listed the sizes only: among many images it did not say which file to resize."""
    (tmp_path / "cat").mkdir()
    for index in range(3):
        Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "cat" / f"{index}.png")
    Image.fromarray(np.zeros((16, 12), np.uint8)).save(tmp_path / "cat" / "big.png")
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / "cat" / "small.png")
    with pytest.raises(DataError) as refused:
        read_images(tmp_path)
    assert str(refused.value) == (
        f"{tmp_path}: images have different sizes: 3 are 8x8, but cat/big.png is 12x16 (2 images are not "
        "8x8); resize them to one size"
    )


def test_an_unreadable_exif_block_leaves_the_image_as_stored_with_one_warning(tmp_path) -> None:
    stored = np.arange(16, dtype=np.uint8).reshape(4, 4)
    Image.fromarray(stored).save(tmp_path / "a.png", exif=b"garbage")  # no TIFF header: Pillow can't parse
    Image.fromarray(stored).save(tmp_path / "b.png", exif=b"garbage")
    with pytest.warns(DataWarning, match="2 images have an unreadable EXIF block") as caught:
        back = read_images(tmp_path)
    assert len(caught) == 1
    np.testing.assert_allclose(back.images, np.stack([stored, stored]) / 255, atol=1e-6)


def test_folders_inside_class_folders_are_named_as_not_read(tmp_path) -> None:
    """Images in pets/cat/indoor/ were left out without a word, while every other file left out is named."""
    for folder in ("cat", "cat/indoor", "dog"):
        (tmp_path / folder).mkdir()
        Image.fromarray(np.zeros((4, 4), np.uint8)).save(tmp_path / folder / "1.png")
    with pytest.warns(DataWarning, match=r"1 folders inside class folders were not read \(cat/indoor\)"):
        back = read_images(tmp_path)
    assert back.class_names == ["cat", "dog"] and len(back.images) == 2
