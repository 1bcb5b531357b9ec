"""Logs that name routes, not tokens: a status or sign token in a log line is a key to it.

A customer's status token (`/h/<public_token>`) lets anyone holding it cancel or rate
that request, and a sign token lets anyone submit as if standing at that sign. Access
logs are kept for weeks and read by more people than the database, so every line gets
the route pattern instead: `GET /h/<public_token> HTTP/1.1`.

`redact` is plain Python and `RouteLogger` gunicorn's own logger class. This module
imports nothing of floorapp, so gunicorn.conf.py can load it by its path in the master
without importing Flask and SQLAlchemy before gevent patches the workers.
"""

import logging
import re

from gunicorn import glogging

SLASH = r"(?:/|%2[Ff])"  # a path inside a query string (?next=%2Fh%2F…) is percent-encoded
TOKEN_ROUTES = {"s": "<sign_token>", "h": "<public_token>",
                "api/v1/signs": "<sign_token>", "api/v1/help-requests": "<public_token>"}
_ROUTE = "|".join(re.escape(prefix).replace("/", SLASH) for prefix in TOKEN_ROUTES)
# A token route starts a path: after a space or quote (a request line), a `=` (a query
# parameter) or a host (a Referer or Location). Tokens are URL-safe base64.
TOKEN_IN_PATH = re.compile(
    rf"""(?P<head>(?:^|[\s"'=]|//[^/\s"'?#]*){SLASH}(?P<route>{_ROUTE}){SLASH})[A-Za-z0-9_-]+""")
# One cheap search first: most atoms of a log line (addresses, agents, static paths) hold
# no token, and skipping the two substitutions for them keeps a line near 15 µs.
MAYBE_TOKEN = re.compile(r"/[sh]/|/api/|%2f|token", re.IGNORECASE)
TOKEN_IN_QUERY = re.compile(r"(?P<name>[?&;][^=&;\s#]*token[^=&;\s#]*=)[^&;\s#\"']*",
                            re.IGNORECASE)


def redact(text: str) -> str:
    """Return `text` with each token in a path or a `…token…=` parameter replaced by its name."""
    if not MAYBE_TOKEN.search(text):
        return text
    text = TOKEN_IN_PATH.sub(_pattern, text)
    return TOKEN_IN_QUERY.sub(r"\g<name><token>", text)


def _pattern(match: re.Match) -> str:
    route = re.sub(SLASH, "/", match.group("route"))
    return match.group("head") + TOKEN_ROUTES[route]


class RedactFilter(logging.Filter):
    """Redact a record's message once it is formatted (gunicorn's error log names URIs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the message by its redacted text; never drop the record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RouteLogger(glogging.Logger):
    """gunicorn's logger with every token in an access or error line replaced by its route."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.error_log.addFilter(RedactFilter())

    def atoms(self, resp, req, environ, request_time):
        """Return gunicorn's atoms with tokens redacted in the request line, query,
        Referer, Location and every other header or environ value."""
        atoms = super().atoms(resp, req, environ, request_time)
        for key, value in atoms.items():
            if isinstance(value, str) and value:
                atoms[key] = redact(value)
        return atoms
