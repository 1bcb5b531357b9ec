"""The Spanish catalog is complete, and the committed .mo matches the .po."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parents[1] / "floorapp" / "translations" / "es" / "LC_MESSAGES"


def _plain(value):
    """Return a message id or string comparably (plural forms come as lists or tuples)."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_every_customer_text_has_a_spanish_translation_compiled():
    with (CATALOG / "messages.po").open("rb") as handle:
        source = read_po(handle)
    with (CATALOG / "messages.mo").open("rb") as handle:
        compiled = read_mo(handle)
    entries = [m for m in source if m.id]
    assert entries and all(m.string and "fuzzy" not in m.flags for m in entries)
    assert {_plain(m.id) for m in entries} == {_plain(m.id) for m in compiled if m.id}
    for message in entries:
        assert _plain(compiled[message.id].string) == _plain(message.string)
