"""Uploads: every accepted format, a crafted bad file for every refusal, and properties of the
conversion helpers."""

import io
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from aelib.images import to_unit_images
from aelib.data.uploads import UploadLimits, load_upload
from tests.support.bounded import measure

RNG = np.random.default_rng(0)
DIGITS = RNG.integers(0, 256, (20, 28, 28), dtype=np.uint8)
LABELS = np.arange(20) % 4


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def png(array, fmt="PNG"):
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return buffer.getvalue()


def archive(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def csv_text(rows, header=None):
    lines = ([",".join(header)] if header else []) + [",".join(map(str, r)) for r in rows]
    return "\n".join(lines).encode()


# --- what is accepted -------------------------------------------------------------------------

def test_npz_with_x_and_y():
    data = load_upload("mine.npz", npz(x=DIGITS, y=LABELS))
    assert data.x_train.shape[1:] == (28, 28, 1) and len(data.x_train) + len(data.x_test) == 20
    assert data.has_labels and set(np.concatenate([data.y_train, data.y_test])) == {0, 1, 2, 3}
    assert data.name == "upload:mine.npz" and "your upload 'mine.npz'" == data.source
    assert "divided uint8 pixels by 255" in data.notes


def test_npz_first_two_arrays_and_rgb_of_another_size_keep_their_size_and_colour():
    rgb = RNG.integers(0, 256, (10, 32, 40, 3), dtype=np.uint8)
    data = load_upload("colour.npz", npz(images=rgb, classes=np.arange(10) % 2))
    assert data.x_train.shape[1:] == (32, 40, 3) and data.has_labels
    everything = np.concatenate([data.x_train, data.x_test])
    assert sorted(np.round(everything * 255).astype(np.uint8).ravel()) == sorted(rgb.ravel())


def test_resize_is_an_option_and_rgba_loses_its_alpha():
    rgba = RNG.integers(0, 256, (6, 100, 80, 4), dtype=np.uint8)
    data = load_upload("photos.npz", npz(x=rgba), resize=(32, 24))
    assert data.x_train.shape[1:] == (32, 24, 3)
    assert "dropped the alpha channel of RGBA images" in data.notes
    assert "resized 100x80 to 32x24" in data.notes
    with pytest.raises(ValueError, match="outside the limit of 8 to 64 pixels per side"):
        load_upload("photos.npz", npz(x=rgba))  # too large without resizing


def test_csv_with_a_label_header():
    rows = [[label, *image.ravel()] for label, image in zip(LABELS, DIGITS)]
    data = load_upload("d.csv", csv_text(rows, ["label"] + [f"p{i}" for i in range(784)]))
    assert data.has_labels and data.x_train.shape[1:] == (28, 28, 1)
    assert data.x_train.max() <= 1  # 0-255 floats from text were min-max scaled


def test_csv_without_header_finds_a_label_column_and_square_rows():
    rows = [[label, *image.ravel()] for label, image in zip(LABELS, DIGITS)]
    with_labels = load_upload("a.csv", csv_text(rows))
    assert with_labels.has_labels
    plain = load_upload("b.csv", csv_text([i.ravel() for i in DIGITS]))
    assert not plain.has_labels and plain.x_train.shape[1:] == (28, 28, 1)


def test_zip_of_pngs_in_label_folders():
    members = {f"{'cat' if i % 2 else 'dog'}/{i}.png": png(image) for i, image in
               enumerate(DIGITS[:10])}
    members["__MACOSX/._junk"] = b"\0\1"
    data = load_upload("pets.zip", archive(members))
    assert data.has_labels and len(data.x_train) + len(data.x_test) == 10
    assert "labels from folders: 0 = cat, 1 = dog" in data.notes


def test_zip_of_jpegs_of_mixed_sizes_without_labels():
    members = {"a.jpg": png(RNG.integers(0, 256, (40, 40), dtype=np.uint8), "JPEG"),
               "b.jpeg": png(RNG.integers(0, 256, (28, 28), dtype=np.uint8), "JPEG"),
               "c.png": png(RNG.integers(0, 256, (20, 30), dtype=np.uint8)),
               "d.png": png(RNG.integers(0, 256, (28, 28), dtype=np.uint8))}
    data = load_upload("mixed.zip", archive(members))
    assert not data.has_labels and data.x_test.shape[1:] == (28, 28, 1)  # the most common size
    assert any("resized images of different sizes to 28x28" in note for note in data.notes)
    resized = load_upload("mixed.zip", archive(members), resize=(16, 16))
    assert resized.x_test.shape[1:] == (16, 16, 1)


def test_a_colour_zip_keeps_its_size_and_colour():
    # Pure red, green and blue 24x36 PNGs, one folder per colour.
    colours = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255)}
    members = {f"{name}/{i}.png": png(np.full((24, 36, 3), rgb, np.uint8))
               for name, rgb in colours.items() for i in range(4)}
    data = load_upload("colours.zip", archive(members))
    assert data.x_train.shape[1:] == (24, 36, 3) and data.x_train.dtype == np.float32
    images = np.concatenate([data.x_train, data.x_test])
    labels = np.concatenate([data.y_train, data.y_test])
    # labels are the sorted folder names: 0 blue, 1 green, 2 red; each its own channel, full
    for label, channel in ((0, 2), (1, 1), (2, 0)):
        means = images[labels == label].mean(axis=(0, 1, 2))
        assert means[channel] == 1.0 and means.sum() == 1.0


def test_grey_pngs_among_colour_ones_get_three_channels():
    members = {"a.png": png(DIGITS[0]), "b.png": png(np.dstack([DIGITS[1]] * 2 + [DIGITS[2]]))}
    data = load_upload("both.zip", archive(members))
    assert data.x_train.shape[1:] == (28, 28, 3)


def test_rgb_images_whose_channels_are_equal_come_out_grey():
    data = load_upload("grey.npz", npz(x=np.repeat(DIGITS[..., None], 3, axis=3)))
    assert data.x_train.shape[1:] == (28, 28, 1)
    assert "kept one channel: red, green and blue are equal" in data.notes


# --- what is refused: one crafted file per reason ------------------------------------------

def pickled_npz():
    buffer = io.BytesIO()
    np.savez(buffer, x=np.array([{"a": 1}, None], dtype=object))
    return buffer.getvalue()


def zip_bomb():
    return archive({"bomb.png": b"\0" * (60 * 1024 * 1024)})


def decompression_bomb():
    image = Image.new("L", (5000, 5000))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return archive({"big.png": buffer.getvalue()})


BAD_FILES = [
    ("x.txt", b"hello", "not a supported upload"),
    ("x.npz", pickled_npz(), "object .pickled. arrays, which are never loaded"),
    ("x.npz", b"garbage", "not a valid .npz archive"),
    ("x.csv", csv_text([[1, 2, "a", 4]] * 3), "not a number"),
    ("x.csv", csv_text([[1, 2, 3, 4], [1, 2]]), "different lengths"),
    ("x.npz", npz(x=np.full((5, 8, 8), np.nan)), "NaN or infinite"),
    ("x.npz", npz(x=np.r_[1.0, np.inf, np.arange(62.0)].reshape(1, 64)
                  .repeat(3, 0)), "NaN or infinite"),
    ("x.npz", npz(x=np.zeros((2, 2, 2, 2, 2))), "got 5 dimensions"),
    ("x.npz", npz(x=np.zeros((0, 28, 28))), "zero rows"),
    ("x.npz", npz(x=np.full((5, 28, 28), 3)), "same value"),
    ("x.npz", npz(x=DIGITS, y=np.arange(7)), "one label per image"),
    ("x.npz", npz(x=np.zeros((5, 3000, 3000), np.uint8)), "larger than the limit"),
    ("x.npz", npz(x=DIGITS[:, :1, :1]), "outside the limit of 8 to 64 pixels per side"),
    ("x.npz", npz(x=np.zeros((5, 28, 28, 5))), "5 channels are not supported: the limit is 1"),
    ("x.npz", npz(x=np.zeros((60_001, 8, 8), np.uint8)), "more than the limit of 60,000"),
    ("x.zip", archive({"notes.txt": b"hello", "a.png": png(DIGITS[0])}),
     "'notes.txt' is not a readable PNG or JPEG"),
    ("x.zip", archive({"a.png": b"GIF89a-truncated"}), "'a.png' is not a readable PNG or JPEG"),
    ("x.zip", decompression_bomb(), "decompression bomb"),
    ("x.zip", zip_bomb(), "zip bomb"),
    ("x.zip", archive({"../../etc/evil.png": png(DIGITS[0])}), "absolute path or '..'"),
    ("x.zip", archive({"/abs/evil.png": png(DIGITS[0])}), "absolute path or '..'"),
    ("x.zip", archive({}), "no PNG or JPEG images"),
]


@pytest.mark.parametrize("name, data, message", BAD_FILES,
                         ids=[f"{i}-{case[2][:20]}" for i, case in enumerate(BAD_FILES)])
def test_bad_uploads_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ValueError, match=message):
        load_upload(name, data)


def test_a_gif_in_a_zip_is_refused_as_not_png_or_jpeg():
    buffer = io.BytesIO()
    Image.fromarray(DIGITS[0]).save(buffer, format="GIF")
    with pytest.raises(ValueError, match="'a.gif' is a GIF file; only PNG and JPEG"):
        load_upload("x.zip", archive({"a.gif": buffer.getvalue()}))


def test_too_many_rows_and_too_large_files_are_refused():
    small = UploadLimits(max_images=10, max_bytes=10_000_000)
    with pytest.raises(ValueError, match="20 images is more than the limit of 10"):
        load_upload("x.npz", npz(x=DIGITS), small)
    with pytest.raises(ValueError, match="the limit is 100"):
        load_upload("x.npz", npz(x=DIGITS), UploadLimits(max_bytes=100))
    with pytest.raises(ValueError, match="15,680 values, more than the limit of 1,000"):
        load_upload("x.npz", npz(x=DIGITS), UploadLimits(max_values=1000))
    many = archive({f"{i}.png": png(DIGITS[0]) for i in range(12)})
    with pytest.raises(ValueError, match="more than 10 images|holds 12 files; the limit is 10"):
        load_upload("x.zip", many, UploadLimits(max_images=10, max_members=10))


# --- properties of the conversion -----------------------------------------------------------

SHAPES = st.tuples(st.integers(2, 6), st.integers(2, 40), st.integers(2, 40))
finite_images = st.one_of(
    hnp.arrays(np.uint8, SHAPES),
    hnp.arrays(np.int32, SHAPES, elements=st.integers(-10**6, 10**6)),
    hnp.arrays(np.float32, SHAPES, elements=st.floats(-1e6, 1e6, width=32)),
    hnp.arrays(np.float64, SHAPES, elements=st.floats(-1e6, 1e6)),
)


@settings(max_examples=60, deadline=None)
@given(finite_images)
def test_any_finite_non_constant_images_come_out_float32_at_their_size_in_unit_range(x):
    if min(x.shape[1:]) < 8:
        with pytest.raises(ValueError, match="outside the limit of 8 to 64 pixels per side"):
            to_unit_images(x)
        return
    if x.min() == x.max():
        with pytest.raises(ValueError, match="same value"):
            to_unit_images(x)
        return
    images, notes = to_unit_images(x)
    assert images.dtype == np.float32 and images.shape == (*x.shape, 1)
    assert images.min() >= 0.0 and images.max() <= 1.0
    assert isinstance(notes, list)


@settings(max_examples=40, deadline=None)
@given(finite_images, st.sampled_from([np.nan, np.inf, -np.inf]), st.data())
def test_non_finite_values_always_raise(x, bad, data):
    x = x.astype(np.float64)
    index = tuple(data.draw(st.integers(0, n - 1)) for n in x.shape)
    x[index] = bad
    if min(x.shape[1:]) >= 8:
        with pytest.raises(ValueError, match="NaN or infinite"):
            to_unit_images(x)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 300).filter(lambda n: int(n ** 0.5) ** 2 != n))
def test_flat_rows_that_are_not_square_images_raise(n, width):
    with pytest.raises(ValueError, match="not square images"):
        load_upload("rows.npz", npz(x=np.ones((n, width))))


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 5), st.sampled_from([2, 5, 6]))
def test_unsupported_channel_counts_raise(n, channels):
    with pytest.raises(ValueError, match=f"{channels} channels are not supported"):
        to_unit_images(np.ones((n, 8, 8, channels)))


# --- hostile uploads cost little: every bound is checked before the cost is paid -------------

MANY_SMALL_PNGS = """
import io, zipfile
from PIL import Image
from aelib.data.uploads import load_upload
page = io.BytesIO()
Image.new("RGB", (512, 512), (200, 30, 30)).save(page, format="PNG")  # ~1.5 KB packed
packed = io.BytesIO()
with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as out:
    for i in range(1000):
        out.writestr(f"{i}.png", page.getvalue())
data = packed.getvalue()
"""


def test_a_zip_of_many_small_images_is_refused_from_their_headers_before_decoding():
    # Each image is within the per-image limit, the whole within the file and ratio limits;
    # decoded they would be 1000 x 512 x 512 x 3 = 786 MB before the limit on values.
    measured = measure(MANY_SMALL_PNGS, 'load_upload("many.zip", data)')
    assert measured["outcome"].startswith("ValueError: The archive's 1,000 images make "
                                          "786,432,000 values at 512x512x3; the limit is")
    assert measured["grew_mib"] < 50


def test_a_zip_of_many_images_resized_as_it_is_read_holds_only_the_result():
    measured = measure(MANY_SMALL_PNGS, 'load_upload("many.zip", data, resize=(32, 32))')
    assert measured["outcome"] == "accepted"
    assert measured["grew_mib"] < 100  # the 1000 x 32 x 32 x 3 images, not 786 MB of sources


def test_a_csv_within_every_limit_is_read_in_memory_bounded_by_its_values():
    # 20,000 rows of 784 values: 31 MB of text, 15.7M values (125 MB as float64); 138 MB more
    # at the peak, measured. Read as a list of text cells first, it took 252 MB more.
    setup = ('from aelib.data.uploads import load_upload\n'
             'data = ("\\n".join(",".join(["0"] * 783 + ["1"]) for _ in range(20_000))).encode()')
    measured = measure(setup, 'load_upload("big.csv", data)')
    assert measured["outcome"] == "accepted"
    assert measured["grew_mib"] < 190


def test_a_csv_of_more_values_than_the_limit_is_refused_before_it_is_parsed():
    limits = UploadLimits(max_values=1000)
    data = csv_text([[0] * 783 + [1]] * 3)
    with pytest.raises(ValueError, match="3 rows of 784 values are more than the limit of 1,000"):
        load_upload("wide.csv", data, limits)


@pytest.mark.parametrize("name, data, message", [
    ("long.csv", b"1," + b"9" * 200_000 + b"\n", "could not be read as CSV"),
    ("nul.csv", b"1,2\x00,3\n", "could not be read as CSV|not a number"),
    ("ragged.csv", b"1,2,3,4\n1,2,3\n", "different lengths \\(4 and 3\\)"),
    ("text.csv", b"1,2,3,4\n1,2,x,4\n", "not a number in row 2"),
], ids=["field-too-long", "nul-byte", "ragged", "text"])
def test_a_csv_the_csv_module_cannot_read_is_refused_in_words(name, data, message):
    with pytest.raises(ValueError, match=message):
        load_upload(name, data)


def zip_member(data: bytes, **fields) -> bytes:
    """A one-member zip (`a.png` holding `data`) with header fields overwritten, as a hostile
    tool writes them."""
    packed = bytearray(archive({"a.png": data}, zipfile.ZIP_STORED))
    if "flag_bits" in fields:  # bit 0: encrypted, in the local and the central header
        for offset in (6, packed.rindex(b"PK\x01\x02") + 8):
            packed[offset] |= fields["flag_bits"]
    if "method" in fields:
        for offset in (8, packed.rindex(b"PK\x01\x02") + 10):
            packed[offset:offset + 2] = fields["method"].to_bytes(2, "little")
    if "damage" in fields:
        packed[40] ^= 0xFF  # inside the member's bytes: its CRC no longer matches
    return bytes(packed)


@pytest.mark.parametrize("fields, message", [
    ({"flag_bits": 1}, "is encrypted"),
    ({"method": 6}, "compressed with a method this lab cannot read"),  # implode
    ({"damage": True}, "is damaged"),
], ids=["encrypted", "unknown-method", "bad-crc"])
def test_an_unreadable_archive_member_is_refused_in_words(fields, message):
    with pytest.raises(ValueError, match=message):
        load_upload("odd.zip", zip_member(png(DIGITS[0]), **fields))


def test_values_so_wide_their_range_overflows_are_scaled_not_turned_to_nan():
    x = np.zeros((10, 8, 8))
    x[0, 0, 0], x[1, 0, 0] = -1e308, 1e308
    data = load_upload("wide.npz", npz(x=x))
    images = np.concatenate([data.x_train, data.x_test])
    assert np.isfinite(images).all() and images.min() == 0 and images.max() == 1
