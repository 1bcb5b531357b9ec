"""Where a page may send the browser next: only to a path on this site.

`safe_next` is the one check of a `next` target (the login form's, today). It runs
before anything is written, so a bad target cannot fail the redirect after a session
was created: a CR or LF in a Location header is refused by Werkzeug with a 500.
"""

from urllib.parse import urlsplit

from floorapp.services.core.input_parsing import has_control_characters

MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects).

    Refused: anything with a scheme or a host, a path not starting with one slash,
    `//` (a host to browsers), a backslash (browsers read it as a slash), control
    characters (browsers drop tabs and line breaks, so `/\\t/evil` is `//evil`) and
    a target longer than any of our pages' addresses.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if has_control_characters(target, multi_line=False) or "\\" in target:
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
