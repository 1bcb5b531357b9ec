"""Photos for the conversation's tests: a real JPEG with GPS, and files that must be refused."""

import io
import struct
import zlib

from PIL import ExifTags, Image

GPS_IFD = ExifTags.IFD.GPSInfo


def jpeg_with_gps(size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A real JPEG whose EXIF carries a GPS position and a camera model."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = image.getexif()
    exif[ExifTags.Base.Model] = "iPhone 15"
    gps = exif.get_ifd(GPS_IFD)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (40.0, 26.0, 46.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (79.0, 58.0, 56.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=80)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    """Tell whether an image's EXIF still names a GPS position."""
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(GPS_IFD))


def png_of_size(width: int, height: int) -> bytes:
    """A valid PNG header claiming width × height, with a tiny body (a decompression bomb)."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


TEXT_AS_JPEG = b"these are not the pixels you are looking for\n" * 20
SVG_WITH_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   b'<script>alert(document.cookie)</script></svg>')


def truncated_jpeg() -> bytes:
    """The first third of a real JPEG."""
    data = jpeg_with_gps((800, 600))
    return data[: len(data) // 3]
