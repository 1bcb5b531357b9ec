"""The thread of a help request: the customer and the store's staff post and read.

The customer posts by the request's public token while it is open and for
MESSAGE_WINDOW_MINUTES after it ended (a last "thanks", a photo of the other shoe);
then the thread is closed. Staff post on a request of a store they may see (another
store's is a 404, like a missing one). Each post writes a `message` event in its
transaction, so both sides' live streams carry it; the event holds the message's id
and author, never its text (events are kept for ever, customer text is not). A post
with an idempotency key is made once: the outbox's replay answers the first message.

Who answers (`may_answer`), as a busy Saturday expects: every associate of the store
sees the thread, but the customer hears from one person, the associate who holds the
request; a colleague who wants to answer a waiting request claims it (the claim itself
tells the customer who is coming), and one who holds nothing on it stays quiet rather
than send a second "On my way". The store's managers (and admins) may always answer:
they step in on a poor rating or a stuck request. Anyone else gets 403 and nothing is
written. The holder is read again under the store's lock, so a reply racing a hand-off
is judged against whoever holds the request when it is written; a replay of a reply
already written answers with it even after the request changed hands.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import insert, select

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import (
    MANAGING_ROLES,
    OPEN_STATUSES,
    Author,
    EventKind,
    HelpRequest,
    RequestMessage,
    RequestPhoto,
    Store,
    User,
)
from floorapp.models.types import utcnow
from floorapp.services.conversation import photos
from floorapp.services.core.event_log import record_event
from floorapp.services.core.idempotency import KeyedCall
from floorapp.services.core.times import iso
from floorapp.services.core.transactions import begin_write, rolls_back
from floorapp.services.help import intake, views
from floorapp.services.org import stores

MAX_BODY = 500
MAX_MESSAGES = 200  # a thread is a conversation on the floor, never longer


def N_(text: str) -> str:  # noqa: N802 - marks a text for the translations, as Babel reads it
    return text


# The associate's one-tap answers on the card, stored in English (the floor's language);
# the customer reads them in their own language (`shown_to_customer`).
QUICK_REPLIES = (N_("On my way"), N_("Bringing your size"), N_("Two minutes"),
                 N_("Sorry, we're out of that size — can I show you another?"))


def shown_to_customer(body: str) -> str:
    """Return a message's text in the customer's language when it is a quick reply."""
    from flask_babel import gettext

    return gettext(body) if body in QUICK_REPLIES else body


@dataclass(frozen=True)
class Posted:
    """A message as its poster gets it back, and whether it was a replay."""

    message: dict
    created: bool


def parse_body(value: object, *, photo: bool = False) -> str:
    """Check a message's text: text, at most MAX_BODY characters, not empty without a photo."""
    if value is not None and not isinstance(value, str):
        raise InvalidInput("The message must be text.", code="invalid_message")
    text = "\n".join(" ".join(line.split()) for line in (value or "").strip().splitlines())
    if "\x00" in text:
        raise InvalidInput("The message contains a character we cannot keep.")
    if len(text) > MAX_BODY:
        raise InvalidInput(f"The message is too long (at most {MAX_BODY} characters).",
                           code="too_long")
    if not text and not photo:
        raise InvalidInput("Please write a message.", code="empty_message")
    return text


def window() -> timedelta:
    """How long after a request ended its customer may still write (config)."""
    return timedelta(minutes=int(current_app.config["MESSAGE_WINDOW_MINUTES"]))


def is_open(help_request: HelpRequest, now: datetime | None = None) -> bool:
    """Tell whether the customer may still write on this request's thread."""
    if help_request.status in OPEN_STATUSES:
        return True
    ended = help_request.resolved_at or help_request.closed_at
    return ended is not None and (now or utcnow()) < ended + window()


def staff_request(user: User, request_id: int) -> HelpRequest:
    """Return a request of a store `user` may see, or raise NotFound (another store's too)."""
    store_id = views.store_id_of(request_id) if 0 < request_id < 2**31 else None
    store = stores.store_by_id(store_id) if store_id else None
    if store is None or not stores.can_see(user, store):
        raise NotFound("No such help request in this store.")
    return db.session.get(HelpRequest, request_id)


def may_answer(user: User, holder_id: int | None) -> bool:
    """Tell whether `user` (staff of the request's store) may answer its customer."""
    return user.role in MANAGING_ROLES or (holder_id is not None and holder_id == user.id)


def who_answers(holder_first_name: str) -> str:
    """Say who answers the customer, to a colleague who may not (page and 403 alike)."""
    if not holder_first_name:
        return "Claim this request to answer the customer."
    return f"{holder_first_name} holds this request and answers the customer."


def _require_answerer(user: User, help_request: HelpRequest) -> None:
    if not may_answer(user, help_request.claimed_by_id):
        holder = help_request.claimed_by
        raise Forbidden(who_answers(holder.first_name if holder else ""), code="not_holder")


def messages(request_id: int, *, photo_url=None) -> list[dict]:
    """Return a request's thread, oldest first, as both sides' pages and the API show it."""
    rows = db.session.execute(
        select(RequestMessage, User.name).outerjoin(
            User, User.id == RequestMessage.author_id)
        .where(RequestMessage.request_id == request_id)
        .order_by(RequestMessage.id).limit(MAX_MESSAGES)).all()
    return [_shown(message, name, photo_url) for message, name in rows]


def threads(request_ids: list[int], *, photo_url=None) -> dict[int, list[dict]]:
    """Return the threads of several requests (the floor page's cards) in one query."""
    if not request_ids:
        return {}
    rows = db.session.execute(
        select(RequestMessage, User.name).outerjoin(User, User.id == RequestMessage.author_id)
        .where(RequestMessage.request_id.in_(request_ids)).order_by(RequestMessage.id)).all()
    found: dict[int, list[dict]] = {}
    for message, name in rows:
        found.setdefault(message.request_id, []).append(
            _shown(message, name, photo_url and (lambda p, r=message.request_id: photo_url(r, p))))
    return found


def for_staff(user: User, store: Store, request_id: int, *, photo_url=None) -> dict:
    """Return a request of `store` with its thread as a staff page shows it (the lookup)."""
    found = staff_request(user, request_id)
    if found.store_id != store.id:  # an admin's page of another store: not this one's
        raise NotFound("No such help request in this store.")
    holder = found.claimed_by.name if found.claimed_by else None
    return _conversation(user, found.id, found.claimed_by_id, holder,
                         messages(found.id, photo_url=photo_url and (
                             lambda photo_id: photo_url(found.id, photo_id))))


def conversations(user: User, items: list[dict], *, photo_url=None) -> dict[int, dict]:
    """Return the threads of the queue's cards as `for_staff` shows one, in one query."""
    found = threads([item["id"] for item in items], photo_url=photo_url)
    return {item["id"]: _conversation(user, item["id"], item["claimed_by_id"],
                                      item["claimed_by"], found.get(item["id"], []))
            for item in items}


def _conversation(user: User, request_id: int, holder_id: int | None, holder: str | None,
                  shown: list[dict]) -> dict:
    return {"id": request_id, "messages": shown, "answering": may_answer(user, holder_id),
            "holding": holder_id is not None and holder_id == user.id,
            "who_answers": who_answers((holder or "").split(" ")[0]),
            "quick_replies": QUICK_REPLIES}


def _shown(message: RequestMessage, name: str | None, photo_url) -> dict:
    first = (name or "").split()[0] if message.author is Author.STAFF and name else ""
    return {"id": message.id, "author": message.author.value, "name": first,
            "body": message.body, "at": iso(message.created_at),
            "photo_url": photo_url(message.photo_id) if photo_url and message.photo_id
            else None, "photo_id": message.photo_id}


@rolls_back
def post_as_customer(public_token: str, body: object, photo: bytes | None = None, *,
                     key: str | None = None, now: datetime | None = None) -> Posted:
    """Post the customer's message (and photo) on their request's thread."""
    now = now or utcnow()
    found = intake.by_public_token(public_token)
    text = parse_body(body, photo=bool(photo))
    cleaned = photos.reencode(photo) if photo else None  # CPU work before the store's lock
    call = KeyedCall.scoped("message", "c", found.id, key=key)
    return _post(found, Author.CUSTOMER, None, text, cleaned, call, now)


@rolls_back
def post_as_staff(user: User, request_id: int, body: object, *, key: str | None = None,
                  now: datetime | None = None) -> Posted:
    """Post the holder's or a manager's message on a request of their store (`may_answer`)."""
    now = now or utcnow()
    found = staff_request(user, request_id)  # another store's: 404 before the body is read
    text = parse_body(body)
    call = KeyedCall.scoped("message", f"u{user.id}", found.id, key=key)
    return _post(found, Author.STAFF, user, text, None, call, now)


def _post(found: HelpRequest, author: Author, user: User | None, text: str,
          photo: photos.Photo | None, call: KeyedCall, now: datetime) -> Posted:
    """Write the message, its photo and its event under the store's lock (commits)."""
    begin_write(found.store_id)
    fingerprint = {"body": text, "photo": photo.data.hex()[:64] if photo else None}
    stored = call.replay(fingerprint, now)
    if stored is not None:
        db.session.commit()
        return Posted(stored, False)
    help_request = db.session.get(HelpRequest, found.id, populate_existing=True)
    if user is not None:
        _require_answerer(user, help_request)
    if author is Author.CUSTOMER and not is_open(help_request, now):
        raise Conflict("This conversation has closed. Scan the sign again if you need help.",
                       code="thread_closed")
    author_id = user.id if user else None
    photo_id = _insert_photo(help_request.id, photo, now) if photo else None
    message_id = db.session.execute(insert(RequestMessage).returning(RequestMessage.id), {
        "request_id": help_request.id, "store_id": help_request.store_id, "author": author,
        "author_id": author_id, "body": text, "photo_id": photo_id, "created_at": now}
    ).scalar_one()
    record_event(store_id=help_request.store_id, request_id=help_request.id,
                 kind=EventKind.MESSAGE, at=now, actor_id=author_id,
                 from_status=help_request.status.value, to_status=help_request.status.value,
                 data={"message_id": message_id, "author": author.value})
    from floorapp.services.notify import plan

    plan.message_posted(help_request, author.value, author_id, text, bool(photo),
                       message_id=message_id)
    name = user.first_name if user else ""
    shown = {"id": message_id, "author": author.value, "name": name, "body": text,
             "at": iso(now), "photo_id": photo_id}
    call.remember(fingerprint, 201, shown, now)
    db.session.commit()
    return Posted(shown, True)


def _insert_photo(request_id: int, photo: photos.Photo, now: datetime) -> int:
    return db.session.execute(insert(RequestPhoto).returning(RequestPhoto.id), {
        "request_id": request_id, "content_type": photo.content_type, "width": photo.width,
        "height": photo.height, "data": photo.data, "created_at": now}).scalar_one()


def photo_of(request_id: int, photo_id: int) -> RequestPhoto:
    """Return a photo of this request (NotFound for another request's, or a purged one)."""
    photo = db.session.get(RequestPhoto, photo_id) if 0 < photo_id < 2**31 else None
    if photo is None or photo.request_id != request_id:
        raise NotFound("No such photo on this request.")
    return photo
