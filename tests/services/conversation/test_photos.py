"""Photos are decoded, shrunk and re-encoded with no metadata; anything else is refused."""

import io

import pytest
from PIL import Image

from floorapp.errors import InvalidInput
from floorapp.services.conversation import photos
from tests.photo_files import (
    SVG_WITH_SCRIPT,
    TEXT_AS_JPEG,
    has_gps,
    jpeg_with_gps,
    png_of_size,
    truncated_jpeg,
)


def test_a_phone_jpeg_loses_its_gps_and_every_other_metadata_and_is_shrunk():
    raw = jpeg_with_gps((2400, 1800))
    assert has_gps(raw)
    photo = photos.reencode(raw)
    assert not has_gps(photo.data)
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.format == "JPEG" and image.size == (1600, 1200)
        assert not image.getexif() and "icc_profile" not in image.info
    assert (photo.width, photo.height, photo.content_type) == (1600, 1200, "image/jpeg")


@pytest.mark.parametrize("kind", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_as_jpeg(kind):
    out = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 255, 128)).save(out, format=kind)
    photo = photos.reencode(out.getvalue())
    assert photo.data.startswith(b"\xff\xd8") and (photo.width, photo.height) == (300, 200)


def test_heic_is_accepted():
    from pillow_heif import from_pillow

    out = io.BytesIO()
    from_pillow(Image.new("RGB", (320, 240), (10, 200, 10))).save(out, format="HEIF")
    assert photos.reencode(out.getvalue()).width == 320


@pytest.mark.parametrize("raw", [TEXT_AS_JPEG, SVG_WITH_SCRIPT, b"", png_of_size(20_000, 20_000),
                                 png_of_size(7_000, 7_000)],
                         ids=["text", "svg", "empty", "bomb-20000", "over-the-pixel-cap"])
def test_what_is_not_a_photo_we_can_decode_is_refused(raw):
    with pytest.raises(InvalidInput):
        photos.reencode(raw)


def test_a_truncated_jpeg_is_refused():
    with pytest.raises(InvalidInput, match="could not be read"):
        photos.reencode(truncated_jpeg())


def test_an_upload_over_the_cap_is_refused_before_decoding():
    with pytest.raises(InvalidInput, match="at most 8 MB"):
        photos.reencode(b"\xff\xd8" + b"\x00" * photos.MAX_BYTES)
