"""The customer's side of a help request: submitting from a sign, cancelling, rating.

Customers have no account: a sign's token names the store and zone, and the request's
long random public token is the only key to its status page, its cancel button and its
rating.
"""

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select

from floorapp.errors import Conflict, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import EventKind, Feedback, HelpRequest, Need, Sign, Status, Store, Zone
from floorapp.models.types import utcnow
from floorapp.services.conversation import recovery
from floorapp.services.core import idempotency
from floorapp.services.core.event_log import record_event
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.help import intake_write, moves, product_match, wait_estimate
from floorapp.services.notify import plan
from floorapp.services.org.signs import resolve_sign_token

MAX_NOTE = 280
MAX_PRODUCT = 120
MAX_SIZE = 24
MAX_SKU = 40
MAX_COMMENT = 500
LANGUAGES = ("en", "es")
PUBLIC_TOKEN_BYTES = 24


@dataclass(frozen=True)
class Submission:
    """What the customer filled in on the sign's page, checked."""

    need: Need
    product_query: str
    size_label: str
    note: str
    language: str
    product_id: int | None = None  # the suggestion the customer chose (JavaScript, API)
    sku: str = ""  # the API's other way to name the product, and the size with it

    def body(self) -> dict[str, object]:
        """Return the fields that make two submissions the same (for idempotency)."""
        body: dict[str, object] = {"need": self.need.value, "product": self.product_query,
                                   "size": self.size_label, "note": self.note}
        if self.product_id is not None or self.sku:  # absent: the same fingerprint as before
            body |= {"product_id": self.product_id, "sku": self.sku}
        return body

    def match(self, store_id: int) -> product_match.Match:
        """Return the catalog's product and size this submission names in the store.

        A chosen product must be this store's (InvalidInput otherwise); typed text that
        matches nothing is kept as it is.
        """
        if self.product_id is not None or self.sku:
            return product_match.check_chosen(store_id, self.product_id, self.sku,
                                              self.size_label)
        return product_match.match_typed(store_id, self.product_query, self.size_label)


def parse_submission(form: dict[str, Any]) -> Submission:
    """Check the customer's fields: a known need, and short optional texts."""
    try:
        need = Need(str(form.get("need") or "").strip())
    except ValueError:
        raise InvalidInput("Please choose what you need help with.", code="invalid_need") from None
    language = str(form.get("language") or "en")[:8]
    return Submission(
        need=need,
        product_query=_text(form.get("product"), MAX_PRODUCT, "The product name"),
        size_label=_text(form.get("size"), MAX_SIZE, "The size"),
        note=_text(form.get("note"), MAX_NOTE, "The note"),
        language=language if language in LANGUAGES else "en",
        product_id=product_match.parse_product_id(form.get("product_id")),
        sku=_text(form.get("sku"), MAX_SKU, "The SKU").replace(" ", ""))


def _text(value: object, limit: int, label: str) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.")
    if value and "\x00" in value:  # PostgreSQL cannot store it: refuse rather than fail
        raise InvalidInput(f"{label} contains a character we cannot keep.")
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise InvalidInput(f"{label} is too long (at most {limit} characters).", code="too_long")
    return text


@dataclass(frozen=True)
class Submitted:
    """A submitted request as its customer needs it next: where its status page is."""

    id: int
    public_token: str
    status: Status


@rolls_back
def submit(sign_token: str, submission: Submission, *, idempotency_key: str | None = None,
           open_token: str | None = None, now: datetime | None = None
           ) -> tuple[Submitted, bool]:
    """Create a waiting request from a sign; return it and whether it is new.

    The same idempotency key with the same fields returns the first request (a double
    tap or a resent form makes one request); with other fields it raises KeyReused.
    Then `open_token`, the request this device already has (its cookie, the API's
    `open_request`), is returned while open at this sign: one phone, one place. The
    product and size are matched to the catalog first, so the associate's card can
    answer; a chosen product this store does not carry raises InvalidInput. This is the
    public hot path and it holds the store's write lock from the replay check to the
    commit, so what it can it reads before the lock, and on PostgreSQL it writes in one
    statement (services/help/intake_write.py).
    """
    now = now or utcnow()
    key = idempotency.check_key(idempotency_key)
    place = _place(sign_token, reserve_id=True)
    found = submission.match(place.store_id)  # reads only: a refused product writes nothing
    covered = wait_estimate.covered(place.store_id, place.zone_id)  # read before the lock
    public_token = secrets.token_urlsafe(PUBLIC_TOKEN_BYTES)
    prepared = intake_write.prepare(place, submission, found, public_token, now)
    begin_write(place.store_id)
    scope = idempotency.scope("submit", place.sign_id)
    body = idempotency.fingerprint(submission.body())
    record = idempotency.replay(scope, key, body, now)
    existing = (_submitted(record.response["id"]) if record is not None
                else _open_at_sign(open_token, place.sign_id))
    if existing is not None:  # the key's request, or the one this device has open here
        db.session.commit()
        return existing, False
    if prepared is not None:
        remembered = None if key is None else {
            "scope": scope, "key": key, "fingerprint": body, "status_code": 201,
            "response": {"id": prepared.request["id"]}}
        intake_write.write(prepared, remembered, covered=covered, now=now)
        request_id = prepared.request["id"]
    else:
        request_id = intake_write.write_in_turn(place, submission, found, public_token, now,
                                                covered=covered)
        idempotency.remember(scope, key, body, status_code=201, response={"id": request_id},
                             now=now)
    db.session.commit()
    return Submitted(request_id, public_token, Status.WAITING), True


def _submitted(request_id: int) -> Submitted:
    row = db.session.execute(select(HelpRequest.public_token, HelpRequest.status)
                             .where(HelpRequest.id == request_id)).one()
    return Submitted(request_id, row.public_token, row.status)


def _open_at_sign(open_token: str | None, sign_id: int) -> Submitted | None:
    """Return the device's request if it is still open at this sign (one indexed read)."""
    if not open_token or len(open_token) > 64:
        return None
    row = db.session.connection().execute(_open_statement(), {
        "token": open_token, "sign_id": sign_id}).first()
    return None if row is None else Submitted(row.id, open_token, row.status)


@functools.cache
def _open_statement():
    table = HelpRequest.__table__
    return select(table.c.id, table.c.status).where(
        table.c.public_token == bindparam("token"), table.c.sign_id == bindparam("sign_id"),
        table.c.status.in_([Status.WAITING, Status.CLAIMED, Status.HELPING]))


def sign_for(sign_token: str):
    """Return the active sign of a token (SignRetired, NotFound), refusing unprintable input."""
    if not (sign_token or "").isprintable():
        raise NotFound("This help code is not one of ours.")
    return resolve_sign_token(sign_token)


@dataclass(frozen=True)
class SignPlace:
    """Where a sign hangs: the ids and names a new request needs."""

    sign_id: int
    zone_id: int
    store_id: int
    store_code: str
    zone_name: str
    new_id: int | None = None  # a help request id drawn for a submission (PostgreSQL)


def _place(sign_token: str, *, reserve_id: bool = False) -> SignPlace:
    """Return an active sign's place in one statement (the public submit is a hot path).

    With `reserve_id` on PostgreSQL the same statement draws the new request's id from
    its sequence (services/help/intake_write.py). Anything but an active sign in an
    active zone of an active store goes through `sign_for`, which tells a retired code
    (410) from an unknown one (404).
    """
    token = (sign_token or "").strip()
    if token.isprintable() and 0 < len(token) <= 64:
        connection = db.session.connection()
        reserve = reserve_id and connection.dialect.name == "postgresql"
        row = connection.execute(_place_statement(reserve), {"token": token}).first()
        if row is not None:
            return SignPlace(*row)
    sign = sign_for(sign_token)
    return SignPlace(sign.id, sign.zone_id, sign.zone.store_id, sign.zone.store.code,
                     sign.zone.name)


@functools.cache
def _place_statement(reserve: bool):
    columns = [Sign.id, Sign.zone_id, Zone.store_id, Store.code, Zone.name]
    if reserve:
        columns.append(func.nextval(func.pg_get_serial_sequence("help_requests", "id")))
    return (select(*columns).join(Zone, Zone.id == Sign.zone_id)
            .join(Store, Store.id == Zone.store_id)
            .where(Sign.token == bindparam("token"), Sign.active.is_(True),
                   Zone.active.is_(True), Store.active.is_(True)))


def sign_store_id(sign_token: str) -> int:
    """Return the store of an active sign (SignRetired, NotFound), for its public reads."""
    return _place(sign_token).store_id


def sign_store(sign_token: str) -> Store:
    """Return the store of an active sign (SignRetired, NotFound) in one statement, for
    a customer's read that needs the store alone (the price check's API)."""
    token = (sign_token or "").strip()
    if token.isprintable() and 0 < len(token) <= 64:
        store = db.session.scalar(
            select(Store).join(Zone, Zone.store_id == Store.id)
            .join(Sign, Sign.zone_id == Zone.id)
            .where(Sign.token == token, Sign.active.is_(True), Zone.active.is_(True),
                   Store.active.is_(True)))
        if store is not None:
            return store
    return sign_for(sign_token).zone.store


def by_public_token(public_token: str) -> HelpRequest:
    """Return the request behind a customer's status link, or raise NotFound."""
    token = (public_token or "").strip()
    help_request = None
    if 0 < len(token) <= 64 and token.isprintable():
        help_request = db.session.scalar(
            select(HelpRequest).where(HelpRequest.public_token == token))
    if help_request is None:
        raise NotFound("We can't find that help request. The link may be incomplete.")
    return help_request


@rolls_back
def cancel_by_customer(public_token: str, *, now: datetime | None = None) -> HelpRequest:
    """Cancel the customer's own request ("I don't need help any more")."""
    help_request = by_public_token(public_token)
    return moves.cancel(help_request.store_id, help_request.id, now=now)


@rolls_back
def rate(public_token: str, rating: object, comment: object = "", *,
         now: datetime | None = None) -> Feedback:
    """Record the customer's rating (1–5, once, only after being helped)."""
    now = now or utcnow()
    score = _rating(rating)
    text = _text(comment, MAX_COMMENT, "The comment")
    found = by_public_token(public_token)
    help_request = moves.load_for_write(found.store_id, found.id)
    if help_request.status is not Status.RESOLVED:
        raise Conflict("You can rate the help once it is finished.", code="wrong_state")
    if db.session.scalar(select(Feedback.id).where(Feedback.request_id == help_request.id)):
        raise Conflict("Thank you, you have rated this help already.", code="already_rated")
    feedback = Feedback(request_id=help_request.id, rating=score, comment=text, created_at=now)
    db.session.add(feedback)
    record_event(store_id=help_request.store_id, request_id=help_request.id,
                 kind=EventKind.RATED, at=now, from_status=help_request.status.value,
                 to_status=help_request.status.value, data={"rating": score})
    if recovery.needs_answer(score, text):
        plan.rating_to_answer(help_request, score, text)
    db.session.commit()
    return feedback


def _rating(value: object) -> int:
    text = str(value if value is not None else "").strip()
    if text not in {"1", "2", "3", "4", "5"}:
        raise InvalidInput("A rating is a whole number from 1 to 5.", code="invalid_rating")
    return int(text)
