"""Reading a browser's `PushSubscription.toJSON()`: the endpoint, its keys and a label.

The server will later POST to the endpoint and encrypt to the keys (RFC 8291), so each
part is checked before anything is stored: the endpoint against the allow-list (the
SSRF door, services/notify/endpoints.py), the P-256 key as a point that is really on
the curve (a bad point would only fail later, at every send), the auth secret as
exactly 16 bytes. A refusal is a 400 that names the part and stores nothing.
"""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from floorapp.errors import InvalidInput
from floorapp.services.notify.endpoints import endpoint_problem
from floorapp.services.notify.vapid import b64url_decode, b64url_encode

MAX_LABEL = 80
P256_POINT_BYTES = 65  # 0x04, then x and y of 32 bytes each (uncompressed)
AUTH_BYTES = 16


@dataclass(frozen=True)
class SubscriptionInput:
    """A checked subscription: where to push, the keys to encrypt to, what to call it."""

    endpoint: str
    p256dh: str
    auth: str
    label: str


def parse_subscription(data: dict[str, Any], *, user_agent: str = "") -> SubscriptionInput:
    """Check a `PushSubscription.toJSON()` body (and an optional label) or raise InvalidInput."""
    problem = endpoint_problem(data.get("endpoint"))
    if problem:
        raise InvalidInput(f"This push subscription cannot be used: {problem}.",
                           code="endpoint_refused")
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise InvalidInput("keys must be an object with p256dh and auth.", code="invalid_keys")
    return SubscriptionInput(endpoint=data["endpoint"], p256dh=_p256dh(keys.get("p256dh")),
                             auth=_auth(keys.get("auth")),
                             label=_label(data.get("label")) or device_label(user_agent))


def _decoded(value: object, name: str) -> bytes:
    if not isinstance(value, str) or len(value) > 200:
        raise InvalidInput(f"keys.{name} must be base64url text.", code="invalid_keys")
    try:
        return b64url_decode(value)
    except ValueError:
        raise InvalidInput(f"keys.{name} must be base64url text.", code="invalid_keys") from None


def _p256dh(value: object) -> str:
    raw = _decoded(value, "p256dh")
    try:
        if len(raw) != P256_POINT_BYTES or raw[0] != 4:
            raise ValueError("not an uncompressed point")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise InvalidInput("keys.p256dh must be an uncompressed P-256 point (65 bytes) on the "
                           "curve.", code="invalid_keys") from None
    return b64url_encode(raw)


def _auth(value: object) -> str:
    raw = _decoded(value, "auth")
    if len(raw) != AUTH_BYTES:
        raise InvalidInput("keys.auth must be 16 bytes.", code="invalid_keys")
    return b64url_encode(raw)


def _label(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("The label must be text.", code="invalid_label")
    label = " ".join(unicodedata.normalize("NFKC", value).split())
    if len(label) > MAX_LABEL or not label.isprintable():
        raise InvalidInput(f"The label is at most {MAX_LABEL} printable characters.",
                           code="invalid_label")
    return label


# Checked in order: Edge and Samsung's browser also say "Chrome"; Chrome also says "Safari".
_BROWSERS = (("Edg", "Edge"), ("SamsungBrowser", "Samsung Internet"), ("Firefox", "Firefox"),
             ("FxiOS", "Firefox"), ("CriOS", "Chrome"), ("Chrome", "Chrome"),
             ("Safari", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("CrOS", "ChromeOS"), ("Windows", "Windows"), ("Mac OS X", "macOS"),
            ("Linux", "Linux"))
_MODEL = re.compile(r"Android [\d.]+; ([^;)]+?)(?: Build/[^;)]*)?[;)]")


def device_label(user_agent: str) -> str:
    """Name a device as its owner would: "Chrome on Android", "Firefox on Windows"."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    model = _MODEL.search(user_agent)
    if model and model.group(1).strip() not in ("K", "wv"):  # Chrome's reduced UA says "K"
        system = model.group(1).strip()[:40]
    return f"{browser} on {system}" if system else browser
