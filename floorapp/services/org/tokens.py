"""API tokens: made once and shown once, stored as a SHA-256, scoped, revocable.

A token is 32 random bytes, URL-safe, prefixed `fa_` so it is recognisable in a
leaked log. Only its hash is kept, so the database cannot give it back.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, select, update

from floorapp.errors import Conflict, InvalidInput, NotFound, Unauthorized
from floorapp.extensions import db
from floorapp.models import ApiToken, Store, User
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import check_text, has_control_characters, valid_id
from floorapp.services.core.transactions import rolls_back, start_write, writes

SCOPES = ("catalog:read", "stock:write", "holds:write")
PREFIX = "fa_"
# last_used_at is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    """Return the hex SHA-256 of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def parse_scopes(scopes: list[str] | str) -> list[str]:
    """Return known scopes without duplicates, or raise InvalidInput."""
    if isinstance(scopes, str):
        scopes = scopes.replace(",", " ").split()
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise InvalidInput(f"Choose scopes among {', '.join(SCOPES)}.")
    return sorted(set(scopes), key=SCOPES.index)


@writes
def create_token(*, name: str, store: Store | None, scopes: list[str] | str,
                 created_by: User | None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret (shown this once, never stored)."""
    name = " ".join(check_text(name or "", "token name").split())
    if not name or len(name) > 80:
        raise InvalidInput("Name the token after what uses it (at most 80 characters).")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, store_id=store.id if store else None,
                     scopes=" ".join(parse_scopes(scopes)), token_hash=hash_token(raw),
                     prefix=raw[:10], created_by_id=created_by.id if created_by else None)
    db.session.add(token)
    audit.record(created_by, "token.create", target=name, store=store,
                 scopes=token.scopes, prefix=token.prefix)
    db.session.commit()
    return token, raw


def authenticate(raw: str) -> ApiToken:
    """Return the live token for a bearer secret, noting its use; raise Unauthorized."""
    if not raw or len(raw) > 200 or has_control_characters(raw):
        raise Unauthorized("Send a valid API token: Authorization: Bearer <token>.")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        raise Unauthorized("This API token is unknown or revoked.")
    now = datetime.now(UTC)
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token_id = token.id
        start_write()  # a conditional UPDATE first: concurrent calls write it once
        db.session.execute(update(ApiToken).where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None),
                ApiToken.last_used_at < now - LAST_USED_RESOLUTION)).values(last_used_at=now))
        db.session.commit()
        token = db.session.get(ApiToken, token_id)
    return token


def list_tokens(store: Store | None) -> list[ApiToken]:
    """Return a store's tokens (or, for None, every token), newest first."""
    statement = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if store is not None:
        statement = statement.where(ApiToken.store_id == store.id)
    return list(db.session.scalars(statement))


@rolls_back
def revoke_token(token_id: int, *, store: Store | None, actor: User | None = None) -> ApiToken:
    """Revoke a token (of `store`, when given); a revoked token answers 401 at once."""
    token = db.session.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None or (store is not None and token.store_id != store.id):
        raise NotFound(f"No API token with the id {token_id}.")
    start_write()
    revoked = db.session.execute(update(ApiToken).where(
        ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(
        revoked_at=datetime.now(UTC)))
    if revoked.rowcount != 1:
        db.session.rollback()
        raise Conflict("This token was revoked already.")
    audit.record(actor, "token.revoke", target=token.name, store=store, prefix=token.prefix)
    db.session.commit()
    db.session.refresh(token)
    return token
