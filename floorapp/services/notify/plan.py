"""Planning pushes: each move of a request or a pull writes the pushes it owes.

Called by the moves themselves (services/help/intake.py, moves.py, escalation.py,
services/inventory/pulls.py) beside their `record_event`, inside their write
transaction: the outbox rows commit with the change or roll back with it, so a refused
or failed move pushes nothing. Who gets what is services/notify/recipients.py; what
it says is services/notify/messages.py. The card is read only when somebody is to be
pushed, so a store without subscriptions pays one query per move.
"""

from collections.abc import Callable, Iterable
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import (
    Break,
    HelpRequest,
    Product,
    Stock,
    StockPull,
    Store,
    User,
    Variant,
    Zone,
)
from floorapp.models.types import utcnow
from floorapp.services.help import card_answers
from floorapp.services.notify import messages, recipients
from floorapp.services.notify.outbox import enqueue_many
from floorapp.services.notify.recipients import Device
from floorapp.services.texts import plan as texts

REPLACEMENT_TTL_S = 3600  # a stale notification is worth replacing for a whole shift
PULL_TTL_S = 1800  # a pull waits on the stockroom's list anyway
ENDED = {"resolve": "resolved", "cancel": "cancelled", "expire": "expired"}


def _ttl() -> int:
    return int(current_app.config["PUSH_TTL_S"])


def _send(devices: Iterable[Device], build: Callable[[str], dict], tag: str, *,
          urgency: str = "normal", ttl_s: int | None = None) -> list[Device]:
    """Enqueue one push per device, built once per language; return the devices."""
    devices = list(devices)
    enqueue_many(_items(devices, build, tag, urgency=urgency, ttl_s=ttl_s))
    return devices


def _items(devices: list[Device], build: Callable[[str], dict], tag: str, *,
           urgency: str, ttl_s: int | None) -> list[dict]:
    """Return one outbox item per device, its payload built once per language."""
    built: dict[str, dict] = {}
    items = []
    for device in devices:
        language = device.language if device.language in ("en", "es") else "en"
        if language not in built:
            built[language] = build(language)
        items.append({"subscription_id": device.id, "store_id": device.store_id, "tag": tag,
                      "payload": built[language], "urgency": urgency,
                      "ttl_s": ttl_s or REPLACEMENT_TTL_S})
    return items


def new_request_items(row) -> list[dict]:
    """Return the pushes a new request owes, as outbox items not yet written.

    For the public submission on PostgreSQL (services/help/intake_write.py), which reads
    them before taking the store's write lock and writes them in its one statement:
    `row` names what `_card` reads (the request's id, store id, zone id and zone name,
    store code, need, texts, product and variant), none of it from the database.
    """
    devices = recipients.for_new_request(row.store_id, row.zone_id)
    if not devices:
        return []
    card = _card_of(row)
    return _items(devices, lambda lang: messages.new_request(card, lang), card.tag,
                  urgency="high", ttl_s=_ttl())


def _card(request_id: int) -> messages.Card:
    return _card_of(db.session.execute(
        select(HelpRequest.id, HelpRequest.store_id, HelpRequest.need,
               HelpRequest.product_query, HelpRequest.size_label, HelpRequest.note,
               HelpRequest.product_id, HelpRequest.variant_id, Zone.name.label("zone"),
               Store.code)
        .join(Zone, Zone.id == HelpRequest.zone_id).join(Store, Store.id == HelpRequest.store_id)
        .where(HelpRequest.id == request_id)).one())


def _card_of(row) -> messages.Card:
    """Return a request's card from its row (the answer read when it names a product)."""
    answer = None
    if row.product_id:
        items = [{"id": row.id, "product_id": row.product_id, "variant_id": row.variant_id}]
        answer = card_answers.answers(SimpleNamespace(id=row.store_id), items).get(row.id)
    return messages.Card(row.id, row.code, row.zone, row.need, row.product_query,
                         row.size_label, row.note, answer)


def _first_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.first_name if user is not None else ""


def request_submitted(store_id: int, request_id: int, zone_id: int, *,
                      actor_id: int | None = None) -> list[Device]:
    """A new (or released) request: alert its zone's people, Claim on the notification."""
    devices = recipients.for_new_request(store_id, zone_id, actor_id=actor_id)
    if not devices:
        return []
    card = _card(request_id)
    return _send(devices, lambda lang: messages.new_request(card, lang), card.tag,
                 urgency="high", ttl_s=_ttl())


def escalated(store_id: int, request_id: int, level: int) -> None:
    """An escalation: alert again, wider (level 1) or to the managers (level 2)."""
    devices = recipients.for_escalation(store_id, level)
    if devices:
        card = _card(request_id)
        _send(devices, lambda lang: messages.new_request(card, lang, level=level), card.tag,
              urgency="high", ttl_s=_ttl())


def request_moved(help_request: HelpRequest, name: str, *, actor_id: int | None,
                  data: dict | None) -> None:
    """A staff or system move of a request (moves.apply_move calls this, before commit)."""
    store_id, request_id = help_request.store_id, help_request.id
    tag = f"request-{request_id}"
    if name == "claim":
        claimer = _first_name(actor_id)
        _replace(store_id, request_id, "claimed", claimer, skip=[actor_id])
        _tell_customer(help_request, claimer)
        texts.request_claimed(help_request, claimer)
    elif name == "release":
        pushed = request_submitted(store_id, request_id, help_request.zone_id, actor_id=actor_id)
        _replace(store_id, request_id, "released", "",
                 skip=[actor_id, *(d.user_id for d in pushed)])
    elif name == "handoff":
        to_id = (data or {}).get("to_id")
        devices = recipients.for_people(store_id, [to_id], actor_id=actor_id)
        if devices:
            card, giver = _card(request_id), _first_name(actor_id)
            _send(devices, lambda lang: messages.handed_to_you(card, giver, lang), tag,
                  urgency="high", ttl_s=_ttl())
        if help_request.status.value == "claimed":  # not yet with the customer
            _tell_customer(help_request, _first_name(to_id))
    elif name in ENDED:
        _replace(store_id, request_id, ENDED[name], "", skip=[actor_id])
        recipients.forget_customer(request_id)
        texts.request_ended(help_request, name, now=utcnow())


def _replace(store_id: int, request_id: int, what: str, name: str, *,
             skip: list[int | None]) -> None:
    """Replace the earlier push of a request on every device that got it (silently)."""
    devices = recipients.earlier(store_id, f"request-{request_id}", skip_user_ids=skip)
    if devices:
        card = _card(request_id)
        _send(devices, lambda lang: messages.replaced(card, what, lang, name=name), card.tag)


def _tell_customer(help_request: HelpRequest, first_name: str) -> None:
    """The customer's phone: "<first name> is on the way", in the request's language."""
    devices = recipients.customer_devices(help_request.id)
    if devices and first_name:
        payload = messages.customer_on_the_way(help_request.id, help_request.public_token,
                                               first_name, help_request.language or "en")
        _send(devices, lambda _language: payload, payload["tag"], urgency="high", ttl_s=_ttl())


def _pull_card(pull: StockPull) -> messages.PullCard:
    row = db.session.execute(
        select(Product.brand, Product.name, Variant.size_label, Variant.width, Stock.bin,
               Store.code, Variant.product_id)
        .select_from(Variant).join(Product, Product.id == Variant.product_id)
        .join(Store, Store.id == pull.store_id)
        .outerjoin(Stock, (Stock.variant_id == Variant.id) & (Stock.store_id == pull.store_id))
        .where(Variant.id == pull.variant_id)).one()
    return messages.PullCard(pull.id, row.code, f"{row.brand} {row.name}",
                             f"{row.size_label} {row.width}".strip(), row.bin or "",
                             row.product_id, pull.variant_id)


def pull_asked(pull: StockPull) -> None:
    """A new stock pull: tell the stockroom (ask_for_pull calls this, before commit)."""
    devices = recipients.for_stockroom(pull.store_id, actor_id=pull.asked_by_id)
    if devices:
        card = _pull_card(pull)
        _send(devices, lambda lang: messages.pull_asked(card, lang), card.tag, ttl_s=PULL_TTL_S)


def pull_moved(pull: StockPull, what: str, actor_id: int) -> None:
    """A pull picked, not found or delivered: alert the asker, replace it elsewhere."""
    asker = [] if what == "delivered" else recipients.for_people(
        pull.store_id, [pull.asked_by_id], actor_id=actor_id)
    others = recipients.earlier(pull.store_id, f"pull-{pull.id}",
                                skip_user_ids=[actor_id, pull.asked_by_id])
    if not (asker or others):
        return
    card, name = _pull_card(pull), _first_name(actor_id)
    _send(asker, lambda lang: messages.pull_answered(card, what, name, lang, to_asker=True),
          card.tag, ttl_s=PULL_TTL_S)
    _send(others, lambda lang: messages.pull_answered(card, what, name, lang, to_asker=False),
          card.tag)


def message_posted(help_request: HelpRequest, author: str, author_id: int | None, text: str,
                   photo: bool, *, message_id: int) -> None:
    """A message on the thread: to the customer's phone (a push, or a text when their page
    is closed), or to the associate holding it."""
    if author == "staff":
        texts.staff_message(help_request, message_id, _first_name(author_id), text)
        devices = recipients.customer_devices(help_request.id)
        if devices:
            payload = messages.customer_message(
                help_request.id, help_request.public_token, _first_name(author_id), text,
                help_request.language or "en")
            _send(devices, lambda _language: payload, payload["tag"], urgency="high",
                  ttl_s=_ttl())
        return
    devices = recipients.for_people(help_request.store_id, [help_request.claimed_by_id])
    if devices:
        card = _card(help_request.id)
        _send(devices, lambda lang: messages.staff_message(card, text, photo, lang), card.tag,
              urgency="high", ttl_s=_ttl())


def rating_to_answer(help_request: HelpRequest, rating: int, comment: str) -> None:
    """A poor rating or a comment (services/conversation/recovery.py): to the managers on
    shift (else the floor) at once, with the request's story, to answer on its thread."""
    devices = recipients.for_escalation(help_request.store_id, 2)
    if devices:
        card = _card(help_request.id)
        holder = _first_name(help_request.claimed_by_id)
        _send(devices, lambda lang: messages.rating_to_answer(card, rating, comment, holder,
                                                              lang),
              f"rating-{help_request.id}", urgency="high", ttl_s=_ttl())


def _break_card(item: Break) -> messages.BreakCard:
    store = db.session.get(Store, item.store_id)
    zone = db.session.get(Zone, item.zone_id) if item.zone_id else None
    return messages.BreakCard(item.id, store.code, store.timezone, _first_name(item.user_id),
                              zone.name if zone else "", item.expected_return_at)


def backup_named(item: Break, *, actor_id: int | None) -> None:
    """A break's backup named (or changed): tell the backup what they cover, until when."""
    devices = recipients.for_people(item.store_id, [item.backup_id], actor_id=actor_id)
    if devices:
        card = _break_card(item)
        _send(devices, lambda lang: messages.covering(card, lang), card.tag, urgency="high",
              ttl_s=_ttl())


def break_ended(item: Break) -> None:
    """Back from a break (or off): silently replace the break's pushes on every device."""
    devices = recipients.earlier(item.store_id, f"break-{item.id}", skip_user_ids=[item.user_id])
    if devices:
        card = _break_card(item)
        _send(devices, lambda lang: messages.break_over(card, lang), card.tag)


def break_overdue(item: Break, late_s: int) -> None:
    """A break over its expected return: tell the managers on shift (the tick calls this)."""
    devices = recipients.for_managers(item.store_id)
    if devices:
        card = _break_card(item)
        _send(devices, lambda lang: messages.break_overdue(card, late_s, lang), card.tag,
              urgency="high", ttl_s=_ttl())


def zones_uncovered(store_id: int, zone_ids: list[int]) -> None:
    """Zones left with nobody: tell every manager of the store, on shift or not."""
    devices = recipients.for_managers(store_id, on_shift_only=False)
    if devices:
        store = db.session.get(Store, store_id)
        names = [db.session.get(Zone, zone_id).name for zone_id in zone_ids]
        _send(devices, lambda lang: messages.uncovered(store.code, names, lang),
              f"uncovered-{store.code}", urgency="high", ttl_s=_ttl())
