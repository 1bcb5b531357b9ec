"""QR signs: the opaque token printed on a sign leads a customer to their store and zone."""

import secrets

from sqlalchemy import select

from floorapp.errors import DomainError, NotFound
from floorapp.extensions import db
from floorapp.models import RetiredSignToken, Sign

TOKEN_BYTES = 24  # 32 URL-safe characters: not guessable, short enough for a dense QR code


class SignRetired(DomainError):
    """The code was printed on a sign once, but the sign now uses another (or none)."""

    status = 410
    code = "sign_retired"


def new_sign_token() -> str:
    """Return a fresh random sign token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def resolve_sign_token(token: str) -> Sign:
    """Return the active sign for a token printed on a QR code.

    Raises SignRetired for a rotated token or a deactivated sign, so the customer
    is told the code is no longer in use, and NotFound for anything else.
    """
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise NotFound("This help code is not one of ours.")
    sign = db.session.scalar(select(Sign).where(Sign.token == token))
    if sign is not None and sign.active and sign.zone.active and sign.zone.store.active:
        return sign
    retired = sign is not None or db.session.scalar(
        select(RetiredSignToken.id).where(RetiredSignToken.token == token)) is not None
    if retired:
        raise SignRetired("This code is no longer in use. Please ask at the nearest register.")
    raise NotFound("This help code is not one of ours.")
