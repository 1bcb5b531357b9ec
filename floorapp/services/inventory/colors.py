"""Colour names the catalog uses, and the swatch drawn for a product without a picture.

The lookup's silhouette is filled with the product's colour so an associate can tell two
styles apart at a glance; a colour not listed here is drawn grey.
"""

SWATCHES = {"Black": "#1f1f1f", "White": "#f4f4f2", "Navy": "#1d2f5c", "Tan": "#b48a5a",
            "Red": "#b3261e", "Olive": "#5b6b2f", "Grey": "#8a8f96", "Blush": "#e3a5a0",
            "Cobalt": "#1f5fbf", "Forest": "#235b3a", "Mustard": "#c99a1a",
            "Burgundy": "#6d1a2c"}
UNKNOWN_SWATCH = "#8a8f96"


def swatch(color: str | None) -> str:
    """Return the fill of a product's silhouette for its colour name."""
    return SWATCHES.get(color or "", UNKNOWN_SWATCH)
