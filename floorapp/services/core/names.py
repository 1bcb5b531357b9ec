"""Names people read on screens, printouts and the audit log: one normal form, nothing hidden.

Users' names, hold labels, store, zone and sign names are shown to other people (on a
shared handheld, a printed sign, a manager's audit page). A name is NFKC-normalised
(full-width letters, ligatures and composed accents take one form, so "Ｋｉｄｓ" and
"Kids" are one zone) and its runs of white space become one space. Control (Cc) and
format (Cf) characters are refused: bidirectional overrides and isolates reorder what
a reader sees ("Ann\\u202egnaM" shows as "AnnMang"), zero-width characters make two
names that look the same differ, and escapes rewrite a terminal showing the CLI's output.

Zero-width joiner and non-joiner are format characters too, and are refused except
right after a virama, the one place Indic scripts need them to choose a conjunct's
written form (the rule IDNA uses, RFC 5892 appendix A.1/A.2). Elsewhere they only join
emoji or split a Latin name invisibly. The cost: a Persian name typed with a ZWNJ
between two letters must be typed without it (it still reads, joined).
"""

import unicodedata

from floorapp.errors import InvalidInput

JOINERS = frozenset("\u200c\u200d")
VIRAMA = 9  # canonical combining class of every script's virama
SPACES = frozenset("\t\n\r")  # typed or pasted line breaks count as a space


def clean_name(text: str | None, *, field: str, max_length: int) -> str:
    """Return `text` NFKC-normalised with its spaces tidied, or raise InvalidInput.

    `field` names the name in the messages ("store name"); an empty name is refused.
    """
    normal = unicodedata.normalize("NFKC", text or "")
    _refuse_hidden(normal, field)
    tidy = " ".join(normal.split())
    if not tidy:
        raise InvalidInput(f"A {field} is required (at most {max_length} characters).")
    if len(tidy) > max_length:
        raise InvalidInput(f"A {field} is at most {max_length} characters.")
    return tidy


def _refuse_hidden(text: str, field: str) -> None:
    previous = ""
    for char in text:
        if _hidden(char, previous):
            raise InvalidInput(
                f"The {field} contains an invisible or control character "
                f"(U+{ord(char):04X}); type it again without it.")
        previous = char


def _hidden(char: str, previous: str) -> bool:
    if char in SPACES:
        return False
    if char in JOINERS:
        return not (previous and unicodedata.combining(previous) == VIRAMA)
    return unicodedata.category(char) in ("Cc", "Cf")
