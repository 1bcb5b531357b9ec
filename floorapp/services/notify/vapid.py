"""The server's VAPID key pair (RFC 8292): what browsers subscribe with and pushes are signed by.

The private key is `VAPID_PRIVATE_KEY` (PEM, or the raw 32-byte scalar in base64url as
other tools print it), or the one config.py generates into the instance folder on
first run, so every worker of a host signs with the same key.
"""

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import current_app

from floorapp.config import ConfigError

_CACHE_KEY = "floorapp_vapid_key"


def private_key() -> ec.EllipticCurvePrivateKey:
    """Return the app's VAPID private key, parsed once per app."""
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None:
        cached = load_private_key(str(current_app.config["VAPID_PRIVATE_KEY"]))
        current_app.extensions[_CACHE_KEY] = cached
    return cached


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """Parse a P-256 private key from PEM or from a base64url raw scalar."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) != 32:  # "junk" decodes to 3 bytes: a valid but guessable scalar
                raise ValueError("a raw P-256 key is 32 bytes")
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    except ValueError:
        raise ConfigError("FLOORAPP_VAPID_PRIVATE_KEY is not a P-256 private key "
                          "(PEM, or 32 bytes in base64url)") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError("FLOORAPP_VAPID_PRIVATE_KEY must be a P-256 (prime256v1) key")
    return key


def application_server_key() -> str:
    """Return the public key as browsers take it (`applicationServerKey`): the uncompressed
    point, base64url without padding."""
    point = private_key().public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return b64url_encode(point)


def b64url_encode(data: bytes) -> str:
    """Encode as base64url without padding (the Push API's encoding)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; ValueError on anything else."""
    if not text or any(c not in _B64URL for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
