"""The receiving side of Web Push cryptography, written from the RFCs.

A browser decrypts push messages (RFC 8188 + RFC 8291) and a push service checks
VAPID tokens (RFC 8292). Tests need both done by code that does not share a line
with the sender (pywebpush, http_ece, py_vapid), or a bug on the sending side
would be mirrored here and pass unseen; so this module uses only `cryptography`.
"""

import base64
import hashlib
import hmac
import json
import struct
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

TAG_LENGTH = 16
HEADER_FIXED_LENGTH = 21  # salt(16) + rs(4) + idlen(1), RFC 8188 section 2.1
MAX_VAPID_LIFETIME = 24 * 60 * 60  # RFC 8292 section 2: exp at most 24 hours ahead


class DecryptError(ValueError):
    """The body is not a well-formed aes128gcm message for this subscription."""


class VapidError(ValueError):
    """The request's VAPID authorization is missing or invalid; carries the status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def b64url_encode(data: bytes) -> str:
    """Encode without padding, as browsers and VAPID headers do."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url; refuse the standard alphabet to stay strict."""
    if any(c in text for c in "+/="):
        raise ValueError("not base64url without padding")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_bytes(key: ec.EllipticCurvePublicKey) -> bytes:
    """Return the 65-byte uncompressed P-256 point used everywhere in Web Push."""
    return key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869) for one output block, which is all Web Push needs."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def _parse_header(body: bytes) -> tuple[bytes, int, bytes, bytes]:
    """Split salt, record size, key id and the records (RFC 8188 section 2.1)."""
    if len(body) < HEADER_FIXED_LENGTH:
        raise DecryptError("body shorter than the aes128gcm header")
    salt = body[:16]
    (rs,) = struct.unpack("!L", body[16:20])
    idlen = body[20]
    keyid = body[HEADER_FIXED_LENGTH : HEADER_FIXED_LENGTH + idlen]
    if rs < 18:
        raise DecryptError("record size below 18")
    if idlen != 65 or len(keyid) != 65:
        raise DecryptError("keyid must be the sender's 65-byte public key (RFC 8291)")
    return salt, rs, keyid, body[HEADER_FIXED_LENGTH + idlen :]


def _derive(
    salt: bytes, as_public: bytes, ua_private: ec.EllipticCurvePrivateKey, auth: bytes
) -> tuple[bytes, bytes]:
    """Return (CEK, base nonce) per RFC 8291 section 3.4 and RFC 8188 section 2.2."""
    try:
        sender = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), as_public)
    except ValueError as exc:
        raise DecryptError("keyid is not a P-256 point") from exc
    ecdh_secret = ua_private.exchange(ec.ECDH(), sender)
    ua_public = public_bytes(ua_private.public_key())
    key_info = b"WebPush: info\x00" + ua_public + as_public
    ikm = _hkdf(auth, ecdh_secret, key_info, 32)
    cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
    return cek, nonce


def _unpad(plain: bytes, last: bool) -> bytes:
    """Strip padding; the delimiter says whether the record may be the last one."""
    stripped = plain.rstrip(b"\x00")
    if not stripped:
        raise DecryptError("record has no padding delimiter")
    expected = 2 if last else 1
    if stripped[-1] != expected:
        raise DecryptError(f"padding delimiter {stripped[-1]:#04x}, expected {expected:#04x}")
    return stripped[:-1]


def decrypt_aes128gcm(
    body: bytes,
    ua_private: ec.EllipticCurvePrivateKey,
    auth_secret: bytes,
    *,
    single_record: bool = True,
) -> bytes:
    """Decrypt an RFC 8291 push message as the user agent would.

    RFC 8291 section 4 makes a push message a single record; `single_record=False`
    accepts the general RFC 8188 multi-record form, to test against http_ece.
    """
    salt, rs, as_public, records = _parse_header(body)
    cek, base_nonce = _derive(salt, as_public, ua_private, auth_secret)
    chunks = [records[i : i + rs] for i in range(0, len(records), rs)]
    if not chunks:
        raise DecryptError("no records")
    if single_record and len(chunks) > 1:
        raise DecryptError("a push message must be a single record (RFC 8291 section 4)")
    aead = AESGCM(cek)
    out = []
    for counter, chunk in enumerate(chunks):
        if len(chunk) <= TAG_LENGTH:
            raise DecryptError("record too short for its tag")
        nonce = (int.from_bytes(base_nonce, "big") ^ counter).to_bytes(12, "big")
        try:
            plain = aead.decrypt(nonce, chunk, None)
        except InvalidTag as exc:
            raise DecryptError("authentication tag mismatch") from exc
        out.append(_unpad(plain, last=counter == len(chunks) - 1))
    return b"".join(out)


@dataclass(frozen=True)
class VapidAuth:
    """What a valid VAPID header proved: who signed and what they claimed."""

    public_key: str
    claims: dict


def _parse_authorization(header: str | None) -> tuple[str, str]:
    """Return (t, k) from `vapid t=..., k=...` (RFC 8292 sections 3 and 3.2)."""
    if not header:
        raise VapidError(401, "missing Authorization header")
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "vapid":
        raise VapidError(401, f"authorization scheme {scheme!r} is not 'vapid'")
    params = {}
    for part in rest.split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    if not params.get("t") or not params.get("k"):
        raise VapidError(401, "vapid authorization needs both t and k")
    return params["t"], params["k"]


def _verify_signature(token: str, key_text: str) -> dict:
    """Check the ES256 JWS and return its claims (RFC 7515, RFC 7518 section 3.4)."""
    try:
        head_b64, claims_b64, sig_b64 = token.split(".")
        head = json.loads(b64url_decode(head_b64))
        claims = json.loads(b64url_decode(claims_b64))
        sig = b64url_decode(sig_b64)
        key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), b64url_decode(key_text)
        )
    except ValueError as exc:  # bad base64, JSON, point, or part count
        raise VapidError(401, f"malformed VAPID token or key: {exc}") from exc
    if not isinstance(head, dict) or head.get("alg") != "ES256":
        raise VapidError(401, "JWT alg must be ES256")
    if len(sig) != 64 or not isinstance(claims, dict):
        raise VapidError(401, "ES256 signature must be 64 bytes r||s over a claims object")
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise VapidError(401, "JWT signature does not verify with key k") from exc
    return claims


def _check_claims(claims: dict, origin: str, now: float) -> None:
    """Apply RFC 8292 section 2: aud is our origin, exp soon, sub a contact."""
    if claims.get("aud") != origin:
        raise VapidError(401, f"aud {claims.get('aud')!r} is not {origin!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or isinstance(exp, bool):
        raise VapidError(401, "exp must be an integer")
    if exp <= now:
        raise VapidError(401, "JWT has expired")
    if exp > now + MAX_VAPID_LIFETIME:
        raise VapidError(401, "exp is more than 24 hours ahead")
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.startswith(("mailto:", "https:")):
        raise VapidError(401, "sub must be a mailto: or https: contact")


def verify_vapid(
    header: str | None, origin: str, *, expected_key: str | None = None
) -> VapidAuth:
    """Verify a VAPID Authorization header as a push service must.

    `expected_key` is the applicationServerKey the subscription was made with;
    a valid token from another key is a 403, not a 401 (RFC 8292 section 4.2).
    """
    token, key_text = _parse_authorization(header)
    claims = _verify_signature(token, key_text)
    _check_claims(claims, origin, time.time())
    if expected_key is not None and b64url_decode(key_text) != b64url_decode(expected_key):
        raise VapidError(403, "k is not the applicationServerKey of this subscription")
    return VapidAuth(public_key=key_text, claims=claims)
