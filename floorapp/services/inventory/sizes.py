"""Sizes in their natural order: kids' shoes, adult shoes, numeric and letter apparel.

`size_sort_key("9.5")` gives an integer that sorts sizes the way a shoe wall is
laid out: toddler/little-kid sizes (4C … 13.5C), big-kid sizes (1Y … 7Y), adult
shoe sizes (4 … 16, halves included), then apparel letters (XXS … XXXL). Widths
(N, M, W, XW) and lengths (S, R, L) are a second axis, ordered by `width_sort_key`.
"""

import re

from floorapp.errors import InvalidInput

LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL")
WIDTHS = ("", "N", "M", "W", "XW", "S", "R", "L")
_NUMBER = re.compile(r"^(\d{1,2})(\.5)?([CY]?)$")
KIDS_C, KIDS_Y, ADULT, LETTERS, ONE_SIZE = 10_000, 20_000, 30_000, 40_000, 50_000


def size_sort_key(label: str) -> int:
    """Return the natural sort key of a size label, or raise InvalidInput."""
    label = normalize_size(label)
    if label in LETTER_SIZES:
        return LETTERS + LETTER_SIZES.index(label) * 10
    if label == "OS":
        return ONE_SIZE
    match = _NUMBER.match(label)
    if match is None:
        raise InvalidInput(f"Unknown size {label!r}: use e.g. 9, 9.5, 10C, 4Y, XS … XXL or OS.")
    whole, half, kind = int(match[1]), bool(match[2]), match[3]
    base = {"C": KIDS_C, "Y": KIDS_Y, "": ADULT}[kind]
    limit = {"C": 13, "Y": 7, "": 20}[kind]
    if whole > limit or (kind == "" and whole < 0):
        raise InvalidInput(f"Unknown size {label!r}: out of the usual range.")
    return base + whole * 10 + (5 if half else 0)


def normalize_size(label: str) -> str:
    """Return a size label trimmed and in upper case ("9.0" becomes "9")."""
    label = (label or "").strip().upper().replace(",", ".")
    return re.sub(r"^(\d{1,2})\.0([CY]?)$", r"\1\2", label)


def normalize_width(width: str) -> str:
    """Return a known width/length code, or raise InvalidInput."""
    width = (width or "").strip().upper()
    if width not in WIDTHS:
        raise InvalidInput(f"Unknown width {width!r}: use N, M, W, XW (or S, R, L lengths).")
    return width


def width_sort_key(width: str) -> int:
    """Return the order of a width or length in the grid's second axis."""
    return WIDTHS.index(width) if width in WIDTHS else len(WIDTHS)
