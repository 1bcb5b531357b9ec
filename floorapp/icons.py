"""The app's icons, drawn in code and encoded as PNG with the standard library only.

A navy tile with a raised hand in white and an amber "someone needs help" dot. The
maskable variant keeps the drawing inside the central safe zone (80% of the tile).
"""

import functools
import math
import struct
import zlib

NAVY = (28, 36, 48, 255)
WHITE = (255, 255, 255, 255)
AMBER = (255, 191, 71, 255)
CLEAR = (0, 0, 0, 0)


@functools.cache
def icon_png(size: int, *, maskable: bool = False) -> bytes:
    """Return the icon as PNG bytes, `size` pixels square."""
    scale = 0.8 if maskable else 1.0
    rows = []
    for y in range(size):
        row = bytearray([0])  # PNG filter type 0 for this row
        for x in range(size):
            row.extend(_pixel((x + 0.5) / size, (y + 0.5) / size, scale, maskable))
        rows.append(bytes(row))
    return _encode_png(size, size, b"".join(rows))


def _pixel(u: float, v: float, scale: float, maskable: bool) -> tuple[int, int, int, int]:
    if not maskable and not _inside_rounded_square(u, v, radius=0.18):
        return CLEAR
    # map into the drawing's own square, shrunk for the maskable safe zone
    x, y = (u - 0.5) / scale + 0.5, (v - 0.5) / scale + 0.5
    if 0.2 <= x <= 0.84 and 0.15 <= y <= 0.88:  # only there is anything drawn
        if math.hypot(x - 0.74, y - 0.26) < 0.09:
            return AMBER
        if _in_hand(x, y):
            return WHITE
    return NAVY


def _inside_rounded_square(u: float, v: float, *, radius: float) -> bool:
    dx, dy = max(radius - u, 0, u - (1 - radius)), max(radius - v, 0, v - (1 - radius))
    return dx * dx + dy * dy <= radius * radius


def _in_hand(x: float, y: float) -> bool:
    fingers = ((0.375, 0.27), (0.455, 0.2), (0.535, 0.22), (0.61, 0.3))
    if any(_near_segment(x, y, (cx, top), (cx, 0.55), 0.038) for cx, top in fingers):
        return True
    if _near_segment(x, y, (0.36, 0.66), (0.25, 0.47), 0.04):  # the thumb
        return True
    palm = 0.337 <= x <= 0.648 and 0.45 <= y <= 0.72
    return palm or math.hypot(x - 0.4925, y - 0.72) < 0.1555


def _near_segment(x: float, y: float, start: tuple[float, float], end: tuple[float, float],
                  radius: float) -> bool:
    """Tell whether (x, y) lies within `radius` of the segment: a capsule shape."""
    (ax, ay), (bx, by) = start, end
    length_sq = (bx - ax) ** 2 + (by - ay) ** 2
    t = max(0.0, min(1.0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / length_sq))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))) <= radius


def _encode_png(width: int, height: int, raw_rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw_rows, 9)) + chunk(b"IEND", b""))
