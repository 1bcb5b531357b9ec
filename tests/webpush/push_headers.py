"""The header rules a push service applies before it looks at the body (RFC 8030, 8291).

Kept apart from the server so the rules read as one list, each with its section.
"""

import re

MAX_BODY = 4096  # RFC 8030 section 7.2: services must take at least 4096 octets
URGENCIES = {"very-low", "low", "normal", "high"}  # RFC 8030 section 5.3
TOPIC_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")  # RFC 8030 section 5.4


def header_problem(lower: dict, body_length: int) -> tuple[int, str] | None:
    """Return (status, reason) for the first rule broken, or None if all hold.

    `lower` maps lower-cased header names to values.
    """
    ttl = lower.get("ttl")
    if ttl is None or not ttl.isdigit():
        return 400, "TTL header must be a non-negative integer (RFC 8030 5.2)"
    if lower.get("content-encoding") != "aes128gcm":
        return 400, "Content-Encoding must be aes128gcm (RFC 8291)"
    if lower.get("urgency", "normal") not in URGENCIES:
        return 400, "Urgency must be very-low, low, normal or high (RFC 8030 5.3)"
    topic = lower.get("topic")
    if topic is not None and not TOPIC_RE.fullmatch(topic):
        return 400, "Topic must be 1-32 base64url characters (RFC 8030 5.4)"
    if body_length > MAX_BODY:
        return 413, f"body over {MAX_BODY} octets"
    return None
