"""Checking residents' photos by their content, not their name, and removing metadata
(EXIF can carry the GPS position of the resident's home)."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from safeharbor.core.errors import ActionError

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp"),
           "GIF": ("image/gif", ".gif")}
LONG_SIDE = 2560  # photos are shrunk to this; enough to see a leak or a number plate


def clean_photos(files, *, field: str = "photos") -> list[SimpleUploadedFile]:
    files = [f for f in files or () if f]
    if len(files) > MAX_PHOTOS:
        raise ActionError(_("At most %(n)d photos, please.") % {"n": MAX_PHOTOS}, extra={"field": field})
    return [clean_photo(f, field=field) for f in files]


def clean_photo(upload, *, field: str = "photos") -> SimpleUploadedFile:
    name = Path(upload.name or "photo").name[:80]
    if upload.size > MAX_PHOTO_BYTES:
        raise ActionError(
            _("The photo “%(name)s” is too large (%(size).1f MB); at most %(max)d MB.")
            % {"name": name, "size": upload.size / 1024 / 1024, "max": MAX_PHOTO_BYTES // 1024 // 1024},
            extra={"field": field},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            kind = probe.format
            width, height = probe.size
            if width * height > MAX_PIXELS:  # a decompression bomb, told by its header
                raise Image.DecompressionBombError(f"{width}x{height}")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ActionError(
            _("“%(name)s” is not a photo we can read. Please send a JPEG or PNG picture.") % {"name": name},
            extra={"field": field},
        ) from exc
    if kind not in FORMATS:
        raise ActionError(
            _("“%(name)s” is a %(kind)s file. Please send a JPEG or PNG picture.") % {"name": name, "kind": kind},
            extra={"field": field},
        )
    # Re-encode: drops EXIF (GPS, device) and anything hidden after the image data. The
    # EXIF orientation is applied first, or phone photos would come out lying on their side.
    if kind != "GIF":
        image = ImageOps.exif_transpose(image)
        image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    elif kind == "WEBP":
        image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB").save(
            out, "WEBP", quality=85
        )
    else:
        image.save(out, kind)
    content_type, suffix = FORMATS[kind]
    return SimpleUploadedFile(Path(name).stem[:60] + suffix, out.getvalue(), content_type=content_type)
