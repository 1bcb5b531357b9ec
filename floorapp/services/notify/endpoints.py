"""Which push endpoints the server will POST to: the SSRF door of Web Push, kept shut.

A browser hands the server a URL, and the server later POSTs to it. Only URLs under
one of `PUSH_ENDPOINT_ALLOW`'s prefixes are accepted (the browsers' https push
services by default; a host may start with "*." for any subdomain). Anything else
(another host, plain http, credentials, an IP literal not listed) is refused at
subscription time, and checked again before each send.
"""

from urllib.parse import urlsplit

from flask import current_app

MAX_ENDPOINT_LENGTH = 1024


def endpoint_problem(url: object, prefixes: tuple[str, ...] | None = None) -> str | None:
    """Return why `url` may not be pushed to, or None when it is allowed."""
    if not isinstance(url, str) or not url:
        return "endpoint must be a URL"
    if len(url) > MAX_ENDPOINT_LENGTH:
        return f"endpoint is longer than {MAX_ENDPOINT_LENGTH} characters"
    if any(ord(c) <= 0x20 or ord(c) >= 0x7F for c in url):
        return "endpoint has spaces, control or non-ASCII characters"
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None or parts.fragment:
        return "endpoint must carry no user, password or fragment"
    if prefixes is None:
        prefixes = current_app.config["PUSH_ENDPOINT_ALLOW"]
    if not any(_matches(url, parts, prefix) for prefix in prefixes):
        return "endpoint is not on a push service this server sends to"
    return None


def _matches(url: str, parts, prefix: str) -> bool:
    """Match one allowed prefix; "*." in its host admits any subdomain, not the bare host."""
    allowed = urlsplit(prefix)
    wildcard = (allowed.hostname or "").startswith("*.")
    if not wildcard:
        return url.startswith(prefix)
    suffix = allowed.hostname[1:]  # ".push.apple.com"
    host = parts.hostname or ""
    if parts.scheme != allowed.scheme or parts.port != allowed.port or not (
            host.endswith(suffix) and len(host) > len(suffix)):
        return False
    path_prefix = prefix[len(f"{allowed.scheme}://{allowed.netloc}"):]
    return url[len(f"{parts.scheme}://{parts.netloc}"):].startswith(path_prefix)
