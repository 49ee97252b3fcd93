"""A person's own images, from an uploaded file: `.npz`, `.csv` or a `.zip` of PNG/JPEG.

`load_upload(filename, data)` turns the bytes of an upload into a `Dataset` of images in [0, 1]
at their own size and colour (grey or RGB), or raises a `ValueError` saying what is wrong and how
to fix it. `resize=(height, width)` resizes them, e.g. photos larger than the limit of
`aelib.images.LIMITS`. Everything happens in memory: nothing in an upload is executed
(`allow_pickle=False` always), written to disk or kept beyond the `Dataset` returned. Archives
are checked before anything is unpacked: member names, count, unpacked size and compression ratio
(zip bombs), and each image's pixel count from its header before it is decoded (decompression
bombs). The images then go through the one image validator, `Dataset.from_arrays`.

- `.npz`: arrays `x` and optional `y`, or else the first two arrays; images shaped (n, h, w),
  (n, h, w, channels) or (n, pixels) with a square number of pixels.
- `.csv` (grey images): one image per row, numbers only; a header row may name a `label` (or
  `y`, `class`) column; without a header, a first column is taken as labels when the other
  columns make a square image and it holds whole numbers.
- `.zip`: PNG or JPEG files, optionally one folder per label (`3/img1.png`). Images of
  different sizes are resized to the most common size (or to `resize`); grey images among
  colour ones get three equal channels.
`Dataset.notes` says what was done.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

import numpy as np
from PIL import Image

from aelib.data.datasets import Dataset
from aelib.images import ImageLimits, require_numbers, resize_images

IMAGE_FORMATS = {"PNG", "JPEG"}
GREY_MODES = {"1", "L", "LA", "I", "I;16", "F"}  # Pillow's modes without colour
LABEL_COLUMNS = ("label", "y", "class", "target")


@dataclass(frozen=True)
class UploadLimits(ImageLimits):
    """What an upload may hold: the limits every image set has (`aelib.images.ImageLimits`:
    images, sides, values, pixels before resizing), and the file's own. Stated in the README;
    change them here.

    Args:
        max_bytes: size of the uploaded file.
        max_unpacked_bytes: total size of an archive's members once unpacked.
        max_compression_ratio: unpacked / packed size of any archive member.
        max_members: files in an archive.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_compression_ratio: int = 200
    max_members: int = 20_000


LIMITS = UploadLimits()


def _square_rows(x) -> tuple[np.ndarray, list[str]]:
    """(n, pixels) rows with a square number of pixels as (n, side, side) images; other
    arrays unchanged."""
    x = require_numbers(x)
    if x.ndim != 2:
        return x, []
    side = math.isqrt(x.shape[1])
    if side * side != x.shape[1] or side == 0:
        raise ValueError(f"Rows of {x.shape[1]} values are not square images; expected "
                         "a square number of pixels per row such as 784 (28x28).")
    return x.reshape(len(x), side, side), [f"read rows of {side * side} values as "
                                           f"{side}x{side} images"]


def load_upload(filename: str, data: bytes, limits: UploadLimits = LIMITS,
                resize: tuple[int, int] | None = None) -> Dataset:
    """A `Dataset` from an uploaded `.npz`, `.csv` or `.zip` of PNG/JPEG images.

    Args:
        filename: the upload's name; its extension picks the format.
        data: the file's bytes.
        limits: what an upload may hold.
        resize: (height, width) to resize every image to; None keeps their size (images of
            different sizes in a zip then take the most common one).

    Raises:
        ValueError: an unsupported format, images outside the limits (naming the limit), or
            any other problem with the content, in words.
    """
    if len(data) > limits.max_bytes:
        raise ValueError(f"The file is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
    suffix = PurePosixPath(filename.lower()).suffix
    readers = {".npz": _read_npz, ".csv": _read_csv, ".zip": _read_zip}
    if suffix not in readers:
        raise ValueError(f"'{filename}' is not a supported upload: use .npz (arrays x and y), "
                         ".csv (one image per row) or .zip (PNG/JPEG images).")
    x, y, notes = readers[suffix](data, limits, resize)
    x, conversion = _square_rows(x)
    name = PurePosixPath(filename).name
    dataset = Dataset.from_arrays(x, y, name=f"upload:{name}", source=f"your upload '{name}'",
                                  limits=limits, resize=resize)
    return replace(dataset, notes=(*notes, *conversion, *dataset.notes))


def _check_archive(archive: zipfile.ZipFile, limits: UploadLimits) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ValueError(f"The archive holds {len(members):,} files; the limit is "
                         f"{limits.max_members:,}.")
    total = 0
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in member.filename:
            raise ValueError(f"The archive member '{member.filename}' has an absolute path or "
                             "'..'; such archives are refused.")
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > limits.max_compression_ratio and member.file_size > 1024 * 1024:
            raise ValueError(f"'{member.filename}' unpacks {ratio:,.0f} times larger than it is "
                             "packed: refused as a zip bomb.")
    if total > limits.max_unpacked_bytes:
        raise ValueError(f"The archive unpacks to {total:,} bytes; the limit is "
                         f"{limits.max_unpacked_bytes:,} (refused as a possible zip bomb).")
    return members


def _open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ValueError(f"The file is not a valid {kind} archive ({error}).") from error


def _read_npz(data: bytes, limits: UploadLimits, resize=None):
    with _open_zip(data, ".npz") as archive:
        _check_archive(archive, limits)
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            names = list(arrays.files)
            if not names:
                raise ValueError("The .npz file holds no arrays.")
            x_name = "x" if "x" in names else names[0]
            y_name = "y" if "y" in names else (names[1] if len(names) > 1 and "x" not in names
                                                else None)
            x = arrays[x_name]
            y = arrays[y_name] if y_name else None
    except ValueError as error:
        if "allow_pickle" in str(error) or "Object arrays" in str(error):
            raise ValueError("The .npz file holds object (pickled) arrays, which are never "
                             "loaded; save plain numeric arrays, e.g. np.savez(f, x=x, y=y)."
                             ) from error
        raise
    except (OSError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise ValueError(f"The .npz file could not be read ({error}).") from error
    notes = [f"read array '{x_name}'" + (f" and labels '{y_name}'" if y_name else "")]
    return x, y, notes


def _read_csv(data: bytes, limits: UploadLimits, resize=None):
    """Rows of numbers, parsed one row at a time into one array whose size is checked against
    the limit on values first (a list of text cells would take ~50 bytes per value)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError("The .csv file is not UTF-8 text.") from error
    rows = (row for row in csv.reader(io.StringIO(text)) if row)
    try:
        first = next(rows, None)
        header = None
        if first is not None and not _numeric(first[0]) and first[0].strip() != "":
            header, first = [cell.strip().lower() for cell in first], next(rows, None)
        if first is None:
            raise ValueError("The .csv file has no rows of pixel values.")
        # Lines with something on them: at least as many as the rows (a quoted field may
        # span lines), counted without a list of them.
        most_rows = sum(1 for _ in re.finditer(r"^[^\S\n]*\S", text, re.MULTILINE))
        most_rows = min(most_rows, limits.max_images + 1)
        width = len(first)
        if (width - 1) * most_rows > limits.max_values:  # one column may hold the labels
            raise ValueError(f"The .csv file's {most_rows:,} rows of {width:,} values are more "
                             f"than the limit of {limits.max_values:,} values.")
        values = np.empty((most_rows, width), np.float64)
        count = 0
        for row in itertools.chain([first], rows):
            if count == len(values):
                raise ValueError(f"The .csv file has more than {limits.max_images:,} rows; the "
                                 f"limit is {limits.max_images:,} images.")
            if len(row) != width:
                raise ValueError(f"Rows of the .csv file have different lengths ({width} and "
                                 f"{len(row)}); every row must be one whole image.")
            try:
                values[count] = row
            except ValueError as error:
                raise ValueError(f"The .csv file has a value that is not a number in row "
                                 f"{count + 1} ({error}).") from error
            count += 1
    except csv.Error as error:  # a field past the csv module's limit, a stray NUL, ...
        raise ValueError(f"The .csv file could not be read as CSV ({error}).") from error
    values = values[:count]
    label_column = _label_column(header, values)
    if label_column is None:
        return values, None, [f"read {len(values)} rows"]
    labels = values[:, label_column]
    pixels = np.delete(values, label_column, axis=1)
    return pixels, labels, [f"read {len(values)} rows, labels from column {label_column + 1}"]


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _label_column(header, values) -> int | None:
    if header is not None:
        named = [i for i, name in enumerate(header) if name in LABEL_COLUMNS]
        return named[0] if named else None
    side = math.isqrt(values.shape[1] - 1)
    first = values[:, 0]
    if side * side == values.shape[1] - 1 and np.all(first == np.round(first)) \
            and math.isqrt(values.shape[1]) ** 2 != values.shape[1]:
        return 0
    return None


def _read_zip(data: bytes, limits: UploadLimits, resize: tuple[int, int] | None = None):
    """The images of a zip, decoded one at a time into one array sized from their headers
    first, so that the limit on values is checked before any image is decoded."""
    with _open_zip(data, ".zip") as archive:
        members = [member for member in _check_archive(archive, limits)
                   if not _skipped(member)]
        if not members:
            raise ValueError("The .zip file holds no PNG or JPEG images.")
        if len(members) > limits.max_images:
            raise ValueError(f"The archive holds {len(members):,} images; the limit is "
                             f"{limits.max_images:,}.")
        headers = [_image_header(archive, member, limits) for member in members]
        sizes = Counter(header[:2] for header in headers)
        size = tuple(resize) if resize else sizes.most_common(1)[0][0]
        channels = max(header[2] for header in headers)
        values = len(members) * size[0] * size[1] * channels
        if values > limits.max_values:
            raise ValueError(f"The archive's {len(members):,} images make {values:,} values "
                             f"at {size[0]}x{size[1]}x{channels}; the limit is "
                             f"{limits.max_values:,}. Upload fewer or smaller images.")
        resizing = set(sizes) != {size}
        images = np.empty((len(members), *size, channels), np.float32 if resizing else np.uint8)
        for i, member in enumerate(members):
            pixels = _read_image(_member_bytes(archive, member), member.filename, limits)
            if pixels.shape[2] != channels:
                pixels = np.repeat(pixels, channels, axis=2)
            if pixels.shape[:2] != size:
                images[i] = resize_images(pixels[None] / np.float32(255), size, limits)[0]
            else:
                images[i] = pixels / np.float32(255) if resizing else pixels
    folders = [PurePosixPath(member.filename).parent.as_posix()
               if len(PurePosixPath(member.filename).parts) > 1 else "" for member in members]
    notes = [f"read {len(images)} images"]
    if any(header[2] != channels for header in headers):
        notes.append("gave the grey images three equal channels, as the others are in colour")
    if resizing:
        notes.append("divided uint8 pixels by 255, " + (
            f"resized images of different sizes to {size[0]}x{size[1]}" if len(sizes) > 1 else
            f"resized {headers[0][0]}x{headers[0][1]} to {size[0]}x{size[1]}"))
    labels = None
    if all(folders) and len(set(folders)) > 1:
        names = sorted(set(folders))
        labels = np.array([names.index(folder) for folder in folders])
        notes.append("labels from folders: " + ", ".join(f"{i} = {name}"
                                                         for i, name in enumerate(names)))
    return images, labels, notes


def _skipped(member: zipfile.ZipInfo) -> bool:
    """Folders, and the metadata macOS adds to archives."""
    path = PurePosixPath(member.filename)
    return member.is_dir() or path.parts[0] == "__MACOSX" or path.name.startswith(".")


def _member_bytes(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """A member's bytes; an encrypted, damaged or oddly compressed member in words."""
    try:
        return archive.read(member)
    except NotImplementedError as error:  # before RuntimeError, its base class
        raise ValueError(f"'{member.filename}' is compressed with a method this lab cannot "
                         "read; use a plain zip (deflate).") from error
    except RuntimeError as error:  # zipfile's word for an encrypted member
        raise ValueError(f"'{member.filename}' in the archive is encrypted; upload an archive "
                         "without a password.") from error
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as error:
        raise ValueError(f"'{member.filename}' in the archive is damaged ({error}).") from error


def _image_header(archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                  limits: UploadLimits) -> tuple[int, int, int]:
    """(height, width, channels) of a member image from its header, not decoded."""
    with _open_image(_member_bytes(archive, member), member.filename, limits) as image:
        width, height = image.size
        return height, width, 1 if image.mode in GREY_MODES else 3


def _open_image(payload: bytes, name: str, limits: UploadLimits) -> Image.Image:
    """A PNG or JPEG with its header read and checked (format, pixels), not yet decoded."""
    try:
        image = Image.open(io.BytesIO(payload))
    except Exception as error:  # Pillow raises many types for a file that is not an image
        raise ValueError(f"'{name}' is not a readable PNG or JPEG image "
                         f"({type(error).__name__}).") from error
    if image.format not in IMAGE_FORMATS:
        raise ValueError(f"'{name}' is a {image.format or 'unknown'} file; only PNG and JPEG "
                         "images are accepted.")
    width, height = image.size
    if width * height > limits.max_source_pixels:
        raise ValueError(f"'{name}' is {width}x{height} pixels, more than the limit of "
                         f"{limits.max_source_pixels:,}: refused (a decompression bomb or "
                         "simply too large).")
    return image


def _read_image(payload: bytes, name: str, limits: UploadLimits) -> np.ndarray:
    """One PNG or JPEG as uint8 (h, w, 1) grey or (h, w, 3) RGB."""
    with _open_image(payload, name, limits) as image:
        try:
            pixels = np.asarray(image.convert("L" if image.mode in GREY_MODES else "RGB"),
                                dtype=np.uint8)
        except Exception as error:  # a truncated or corrupt body fails only when decoded
            raise ValueError(f"'{name}' is not a readable PNG or JPEG image "
                             f"({type(error).__name__}).") from error
    return pixels[..., None] if pixels.ndim == 2 else pixels
