"""A customer's photo: decoded by Pillow, re-encoded as JPEG with no metadata at all.

Only what Pillow decodes as JPEG, PNG, WebP or HEIC (pillow-heif) is accepted; anything
else (an SVG, a text file named .jpg, a truncated file) is InvalidInput and nothing is
kept. Against decompression bombs the header's size is checked before any pixel is
decoded (MAX_PIXELS), and the upload itself is capped (MAX_BYTES, and the request body
in web/wire.py). The photo is then drawn afresh into a new image at most MAX_SIDE on its
long side and saved without `exif`, ICC or XMP: the GPS position of an iPhone photo
never reaches the database.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from floorapp.errors import InvalidInput

try:  # HEIC (iPhones' default); without the plugin HEIC is refused like any other format
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pyproject.toml depends on it
    pass

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 48 MP phone photo is ~8,000 × 6,000: this refuses bigger
MAX_SIDE = 1600
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
QUALITY = 82


@dataclass(frozen=True)
class Photo:
    """A photo as stored: JPEG bytes and its size in pixels."""

    data: bytes
    width: int
    height: int
    content_type: str = "image/jpeg"


def _refused(message: str = "That photo could not be read. Please send a JPEG, PNG, WebP "
                            "or HEIC photo.") -> InvalidInput:
    return InvalidInput(message, code="invalid_photo")


def reencode(raw: bytes) -> Photo:
    """Return the photo re-encoded, or raise InvalidInput (a clear 400, nothing kept)."""
    if not raw:
        raise _refused("The photo was empty.")
    if len(raw) > MAX_BYTES:
        raise InvalidInput(f"A photo may be at most {MAX_BYTES // (1024 * 1024)} MB.",
                           code="photo_too_large")
    try:
        with Image.open(io.BytesIO(raw), formats=FORMATS) as image:
            if image.width * image.height > MAX_PIXELS:  # read from the header, not decoded
                raise InvalidInput("That photo has too many pixels.", code="photo_too_large")
            image.load()
            return _drawn_afresh(image)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError,
            Image.DecompressionBombError):
        raise _refused() from None


def _drawn_afresh(image: Image.Image) -> Photo:
    """Turn the photo upright, shrink it, and save it into a new JPEG with no metadata."""
    upright = ImageOps.exif_transpose(image)
    pixels = upright.convert("RGB")
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)  # a new image: no info, exif, icc_profile or xmp carried over
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return Photo(out.getvalue(), clean.width, clean.height)
