"""The app's one reading of untrusted text: control characters, ids, enums, dates, JSON depth.

Every form, query string and JSON body is checked here (by floorapp/web/wire.py,
before any handler or the CSRF check reads it), and every hand-written id parser
calls `parse_id`, `optional_id` or `whole_number`, so a new field cannot forget a rule.
A choice among an enum's values is read by `enum_value`, a calendar date by
`parse_date`. Names people read are tidied by services/core/names.py's `clean_name`.

Control characters: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F).
PostgreSQL refuses NUL in text outright (the same input would be stored on SQLite
and fail with a 500 on PostgreSQL); the others are never typed by a person, and
smuggle terminal escapes into logs and CSV exports. Tab, CR and LF are allowed only
in the multi-line fields (a note, a comment).

Ids: `str.isdigit` accepts '²' and '٣', which `int` refuses or reads as 3; only
ASCII digits are read here, at most as many as the maximum has, so `int` never
fails and never builds a huge number.

Dates: only YYYY-MM-DD in ASCII digits; `date.fromisoformat` alone would also take
week dates ("2026-W10-1") and "20260308".
"""

import enum
import re
from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from floorapp.errors import InvalidInput

E = TypeVar("E", bound=enum.Enum)

MAX_ID = 2**31 - 1  # the database's integer ids
# The deepest JSON body the API takes is an object holding a list of objects; 16
# levels is generous, and far below the depth where the parser would overflow.
MAX_JSON_DEPTH = 16
# Fields typed in a <textarea>, where a person may press Enter or paste a tab.
MULTI_LINE_FIELDS = frozenset({"note", "comment"})
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ASCII_DIGITS = re.compile("[0-9]+")
_SIGNED_ASCII_NUMBER = re.compile("-?[0-9]{1,12}")
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def has_control_characters(value: str, *, multi_line: bool = True) -> bool:
    """Tell whether text holds control characters (tab, CR, LF pass when multi_line)."""
    pattern = _CONTROL_BUT_LINE_BREAKS if multi_line else _CONTROL
    return pattern.search(value) is not None


def check_text(value: str, label: str, *, multi_line: bool = True) -> str:
    """Return `value`, or raise InvalidInput when it holds control characters."""
    if has_control_characters(value, multi_line=multi_line):
        raise control_error(label, value)
    return value


def check_field(name: str, value: str) -> None:
    """Refuse a form or query field whose name or value holds control characters."""
    check_text(name, "field name", multi_line=False)
    check_text(value, name or "field", multi_line=name in MULTI_LINE_FIELDS)


def control_error(label: str, value: str = "") -> InvalidInput:
    """The one refusal of a control character (NUL keeps its own code and wording)."""
    if "\x00" in value:
        return InvalidInput(f"The {label} contains a NUL character (a control character).",
                            code="nul_character")
    return InvalidInput(f"The {label} contains a control character.", code="control_character")


def check_json(data: Any, *, depth: int = 0, field: str = "") -> None:
    """Refuse a parsed JSON value nested deeper than MAX_JSON_DEPTH or holding controls.

    Object keys are checked too; a string under a multi-line key may hold line breaks.
    """
    if depth > MAX_JSON_DEPTH:
        raise json_too_deep()
    if isinstance(data, str):
        check_field(field, data)
    elif isinstance(data, dict):
        for key, value in data.items():
            check_text(key, "field name", multi_line=False)
            check_json(value, depth=depth + 1, field=key)
    elif isinstance(data, list):
        for value in data:
            check_json(value, depth=depth + 1, field=field)


def json_too_deep() -> InvalidInput:
    return InvalidInput(f"The JSON body is nested more than {MAX_JSON_DEPTH} levels deep.",
                        code="json_too_deep")


def whole_number(value: object, *, maximum: int = MAX_ID) -> int | None:
    """Return a whole number 0..maximum written in ASCII digits (or given as an int), or None.

    No sign, no spaces, no Unicode digits, no more digits than `maximum` has.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= maximum else None
    if not isinstance(value, str) or len(value) > len(str(maximum)):
        return None
    if not _ASCII_DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if number <= maximum else None


def bounded_number(value: object, *, minimum: int, maximum: int, not_a_number: str,
                   too_small: str, too_large: str | None = None) -> int:
    """Return a whole number minimum..maximum typed into a form, or raise InvalidInput.

    ASCII digits with an optional minus and surrounding spaces (what a person types in a
    number field); '²', '٣', '1_0' and '+5', which `int(str(...))` would take, are not.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = str(value).strip() if isinstance(value, str | int) else ""
        if not _SIGNED_ASCII_NUMBER.fullmatch(text):
            raise InvalidInput(not_a_number)
        number = int(text)
    if number < minimum:
        raise InvalidInput(too_small)
    if number > maximum:
        raise InvalidInput(too_large or too_small)
    return number


def id_or_none(value: object, *, maximum: int = MAX_ID) -> int | None:
    """Return a database id (1..maximum) from text or an int, or None when it is not one."""
    number = whole_number(value, maximum=maximum)
    return number if number else None


def parse_id(value: object, *, label: str = "id", maximum: int = MAX_ID,
             message: str | None = None) -> int:
    """Return a database id, or raise InvalidInput naming the field (or saying `message`)."""
    number = id_or_none(value, maximum=maximum)
    if number is None:
        raise InvalidInput(message or f"The {label} must be a whole-number id.",
                           code="invalid_id")
    return number


def optional_id(value: object, *, label: str = "id", maximum: int = MAX_ID) -> int | None:
    """Return None for a missing or empty field, else parse_id's answer."""
    if value is None or value == "":
        return None
    return parse_id(value, label=label, maximum=maximum)


def valid_id(value: int) -> bool:
    """Tell whether an id from a URL fits the database's integer ids."""
    return 0 < value <= MAX_ID


def enum_value(kind: type[E], value: object, label: str, *, allowed: Iterable[E] | None = None,
               message: str | None = None, code: str | None = None) -> E:
    """Return the member of `kind` whose value is `value` (one of `allowed`), or raise InvalidInput.

    The refusal names the choices ("Unknown role 'boss'; use one of associate, manager,
    admin.") unless a `message` is given.
    """
    choices = tuple(kind) if allowed is None else tuple(allowed)
    try:
        member = kind(value)
    except ValueError:
        member = None
    if member not in choices:
        names = ", ".join(str(choice.value) for choice in choices)
        raise InvalidInput(message or f"Unknown {label} {value!r}; use one of {names}.",
                           code=code)
    return member


def parse_date(value: str | None, label: str) -> date:
    """Return the date written YYYY-MM-DD, or raise InvalidInput naming the field."""
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"The '{label}' date is missing; use YYYY-MM-DD.")
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass  # shaped like a date but not one (2026-02-30)
    raise InvalidInput(f"The '{label}' date {value[:20]!r} is not a date like "
                       "2026-03-08 (YYYY-MM-DD).")
