"""Residents' photos are checked by their content, not their name, and leave without
metadata: real images made with Pillow, and the files people (or scripts) really send."""

import io
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safeharbor.core.errors import ActionError
from safeharbor.intake import uploads
from safeharbor.intake.uploads import clean_photo, clean_photos


def image_bytes(fmt="JPEG", size=(64, 48), color=(200, 30, 30), exif=None, **save) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB" if fmt != "GIF" else "P", size, color if fmt != "GIF" else 1)
    if exif is not None:
        save["exif"] = exif
    image.save(out, fmt, **save)
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    gps = {1: "N", 2: (39.0, 30.0, 12.5), 3: "E", 4: (106.0, 42.0, 3.25)}  # the resident's home
    exif[0x8825] = gps
    return exif


def test_a_jpeg_comes_back_as_a_jpeg_with_the_same_picture():
    cleaned = clean_photo(upload(image_bytes("JPEG", size=(320, 240))))
    assert cleaned.content_type == "image/jpeg" and cleaned.name == "photo.jpg"
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.format == "JPEG" and image.size == (320, 240)


def test_exif_with_the_gps_position_is_removed():
    original = image_bytes("JPEG", exif=gps_exif())
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(0x8825)  # the test image really carries a position
    cleaned = clean_photo(upload(original)).read()
    with Image.open(io.BytesIO(cleaned)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x010F not in exif and 0x0110 not in exif
        assert "exif" not in image.info
    assert b"PhoneMaker" not in cleaned


def test_png_webp_and_gif_are_accepted_and_keep_their_type():
    for fmt, content_type, suffix in (("PNG", "image/png", ".png"), ("WEBP", "image/webp", ".webp"),
                                      ("GIF", "image/gif", ".gif")):
        cleaned = clean_photo(upload(image_bytes(fmt), name=f"x{suffix}", content_type="application/octet-stream"))
        assert cleaned.content_type == content_type
        assert cleaned.name == f"x{suffix}"
        with Image.open(io.BytesIO(cleaned.read())) as image:
            assert image.format == fmt


def test_the_name_follows_the_content_not_the_extension():
    cleaned = clean_photo(upload(image_bytes("PNG"), name="IMG_0001.jpg"))
    assert cleaned.name == "IMG_0001.png" and cleaned.content_type == "image/png"


def test_an_exe_renamed_jpg_is_refused_with_a_clear_message():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    with pytest.raises(ActionError) as error:
        clean_photo(upload(exe, name="holiday.jpg"))
    assert "holiday.jpg" in str(error.value.message)
    assert error.value.extra["field"] == "photos"


def test_a_photo_over_8_mb_is_refused_before_it_is_decoded():
    big = upload(b"\xff\xd8\xff" + b"\x00" * (uploads.MAX_PHOTO_BYTES + 1), name="big.jpg")
    with pytest.raises(ActionError) as error:
        clean_photo(big)
    assert "big.jpg" in str(error.value.message) and "8" in str(error.value.message)


def test_a_truncated_jpeg_is_refused():
    data = image_bytes("JPEG", size=(400, 300), color=(10, 120, 200))
    with pytest.raises(ActionError):
        clean_photo(upload(data[: len(data) // 2], name="cut.jpg"))


def test_a_decompression_bomb_is_refused():
    # A tiny PNG that claims 50,000 x 50,000 pixels (2.5 gigapixels): refused from its header,
    # without allocating the image.
    png = io.BytesIO()
    Image.new("1", (1, 1)).save(png, "PNG")
    data = bytearray(png.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4: ihdr + 12] = struct.pack(">II", 50_000, 50_000)
    import zlib

    data[ihdr + 17: ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr: ihdr + 17])))
    with pytest.raises(ActionError):
        clean_photo(upload(bytes(data), name="bomb.png"))


def test_a_large_photo_is_shrunk_to_a_long_side_of_2560():
    cleaned = clean_photo(upload(image_bytes("JPEG", size=(4000, 3000), quality=50)))
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert max(image.size) == uploads.LONG_SIDE


def test_bytes_after_the_image_are_dropped():
    hidden = image_bytes("JPEG") + b"<?php system($_GET['c']); ?>"
    assert b"<?php" not in clean_photo(upload(hidden)).read()


def test_four_photos_are_too_many_and_empty_entries_are_ignored():
    photos = [upload(image_bytes("JPEG"), name=f"{i}.jpg") for i in range(4)]
    with pytest.raises(ActionError) as error:
        clean_photos(photos)
    assert "3" in str(error.value.message)
    assert len(clean_photos([None, *photos[:3], None])) == 3
    assert clean_photos(()) == []


def test_a_photo_over_the_pixel_limit_is_refused_even_below_pillows_own_bomb_limit():
    # 7,000 x 6,000 = 42 Mpx: over MAX_PIXELS (40 Mpx), under Pillow's error threshold (80 Mpx).
    png = io.BytesIO()
    Image.new("1", (7000, 6000)).save(png, "PNG", optimize=True)
    with pytest.raises(ActionError):
        clean_photo(upload(png.getvalue(), name="huge.png"))


def test_the_exif_orientation_is_applied_before_the_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view (how phones store portrait photos)
    cleaned = clean_photo(upload(image_bytes("JPEG", size=(300, 200), exif=exif)))
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.size == (200, 300)
        assert 0x0112 not in image.getexif()
