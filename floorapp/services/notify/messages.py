"""What a push says: the payload of docs' push contract, in the subscriber's language.

The notification says what the queue card says (the zone and the need, then the
catalog's answer: "Atlas Runner 9 W — 2 on the floor, 3 in the stockroom"), opens the
card, and only a new request or an escalation carries the "Claim" action. A
replacement (claimed by someone else, ended, picked) keeps the tag, so the browser
replaces the earlier notification instead of stacking a stale one, and is silent.
Texts are translated with the subscription's language (Flask-Babel's force_locale);
names and typed texts are cut so a payload stays well under MAX_PAYLOAD_BYTES
(browsers' push services refuse past about 4 KB, after encryption).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext, lazy_gettext

from floorapp.models import Need

MAX_PAYLOAD_BYTES = 3072
MAX_TITLE = 120
MAX_BODY = 240
NEED_LABELS = {Need.FIND_SIZE: lazy_gettext("Find my size"),
               Need.PRODUCT_QUESTION: lazy_gettext("A question about a product"),
               Need.FITTING_ROOM: lazy_gettext("A fitting room"),
               Need.CHECKOUT: lazy_gettext("Check out"), Need.OTHER: lazy_gettext("Something else")}


@dataclass(frozen=True)
class Card:
    """A help request as its push shows it (read once per move, see plan.py)."""

    id: int
    store_code: str
    zone: str
    need: Need
    product_query: str = ""
    size_label: str = ""
    note: str = ""
    answer: dict | None = None  # card_answers.answers' entry, when the product is known

    @property
    def tag(self) -> str:
        return f"request-{self.id}"

    @property
    def url(self) -> str:
        return f"/stores/{self.store_code}/floor#request-{self.id}"


def cut(text: str, limit: int) -> str:
    """Shorten a text to `limit` characters, with an ellipsis when cut."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _payload(tag: str, title: str, body: str, url: str, language: str, *,
             alert: bool, claim: dict | None = None) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "v": 1, "tag": tag, "title": cut(title, MAX_TITLE), "body": cut(body, MAX_BODY),
        "url": url, "renotify": alert, "silent": not alert, "lang": language,
        "actions": [{"action": "claim", "title": gettext("Claim")}] if claim else []}
    if claim:
        payload["claim"] = claim
    return payload


def size_in_bytes(payload: dict) -> int:
    """The payload's size as delivery sends it (compact JSON, UTF-8)."""
    return len(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode())


def card_title(card: Card) -> str:
    return f"{cut(card.zone, 40)} · {NEED_LABELS[card.need]}"


def card_body(card: Card) -> str:
    """The card's answer: the size's figures, else what the customer typed."""
    answer = card.answer or {}
    product = cut(answer.get("product") or card.product_query, 80)
    if answer.get("variant_id"):
        size = answer["size"]
        if answer["available"] > 0:
            return gettext("%(product)s %(size)s — %(floor)d on the floor, %(stockroom)d in "
                           "the stockroom", product=product, size=size, floor=answer["floor"],
                           stockroom=answer["stockroom"])
        return gettext("%(product)s %(size)s — out here", product=product, size=size)
    if product and card.size_label:
        return gettext("%(product)s · size %(size)s", product=product, size=card.size_label)
    if product or card.size_label:
        return product or gettext("Size %(size)s", size=card.size_label)
    return f"“{cut(card.note, 120)}”" if card.note else gettext("Waiting for someone")


def new_request(card: Card, language: str, *, level: int = 0) -> dict[str, Any]:
    """A new (or released, or escalated) request: alert, with the Claim action."""
    with force_locale(language):
        body = card_body(card)
        if level:
            body = gettext("Still waiting · %(body)s", body=body)
        return _payload(card.tag, card_title(card), body, card.url, language, alert=True,
                        claim={"request_id": card.id, "store": card.store_code})


def handed_to_you(card: Card, giver: str, language: str) -> dict[str, Any]:
    """A hand-off, to the colleague named: alert, no Claim (it is theirs already)."""
    with force_locale(language):
        body = gettext("%(name)s handed this to you · %(body)s", name=cut(giver, 40),
                       body=card_body(card))
        return _payload(card.tag, card_title(card), body, card.url, language, alert=True)


def replaced(card: Card, what: str, language: str, *, name: str = "") -> dict[str, Any]:
    """The silent replacement of a request's earlier push: what happened to it."""
    with force_locale(language):
        return _payload(card.tag, card_title(card), _happened(what, cut(name, 40)),
                        card.url, language, alert=False)


def _happened(what: str, name: str) -> str:
    texts = {"claimed": lambda: gettext("%(name)s took it", name=name),
             "released": lambda: gettext("Back in the queue"),
             "resolved": lambda: gettext("Resolved"), "cancelled": lambda: gettext("Cancelled"),
             "expired": lambda: gettext("Expired: nobody reached the customer"),
             "picked": lambda: gettext("%(name)s is bringing it", name=name),
             "not_found": lambda: gettext("%(name)s could not find it", name=name),
             "delivered": lambda: gettext("Delivered")}
    return texts[what]()


def customer_on_the_way(request_id: int, public_token: str, first_name: str,
                        language: str) -> dict[str, Any]:
    """The customer's phone: someone claimed their request."""
    with force_locale(language):
        title = gettext("%(name)s is on the way", name=cut(first_name, 40))
        body = gettext("Stay where you are: they are coming to you.")
        return _payload(f"customer-{request_id}", title, body, f"/h/{public_token}", language,
                        alert=True)


@dataclass(frozen=True)
class PullCard:
    """A stock pull as its push shows it: the pair, where it is, whose page it opens."""

    id: int
    store_code: str
    product: str
    size: str
    bin: str
    product_id: int
    variant_id: int

    @property
    def tag(self) -> str:
        return f"pull-{self.id}"

    @property
    def stockroom_url(self) -> str:
        return f"/stores/{self.store_code}/pulls#pull-{self.id}"

    @property
    def asker_url(self) -> str:
        return (f"/stores/{self.store_code}/products/{self.product_id}"
                f"?variant={self.variant_id}#selected")


def _pull_title(pull: PullCard) -> str:
    return gettext("Stock pull · %(product)s %(size)s", product=cut(pull.product, 80),
                   size=pull.size)


def pull_asked(pull: PullCard, language: str) -> dict[str, Any]:
    """A new pull, to the stockroom: bring this pair to the floor."""
    with force_locale(language):
        body = (gettext("Bring it to the floor · bin %(bin)s", bin=cut(pull.bin, 20))
                if pull.bin else gettext("Bring it to the floor"))
        return _payload(pull.tag, _pull_title(pull), body, pull.stockroom_url, language,
                        alert=True)


def pull_answered(pull: PullCard, what: str, name: str, language: str, *,
                  to_asker: bool) -> dict[str, Any]:
    """A pull picked, not found or delivered: an alert to the asker, silent elsewhere."""
    with force_locale(language):
        url = pull.asker_url if to_asker else pull.stockroom_url
        return _payload(pull.tag, _pull_title(pull), _happened(what, cut(name, 40)), url,
                        language, alert=to_asker)


def customer_message(request_id: int, public_token: str, first_name: str, text: str,
                     language: str) -> dict[str, Any]:
    """The customer's phone: an associate wrote on the thread (the text, cut)."""
    with force_locale(language):
        from floorapp.services.conversation.thread import shown_to_customer

        title = gettext("%(name)s wrote", name=cut(first_name, 40)) if first_name else \
            gettext("The store wrote")
        return _payload(f"customer-{request_id}", title, shown_to_customer(text),
                        f"/h/{public_token}", language, alert=True)


def staff_message(card: Card, text: str, photo: bool, language: str) -> dict[str, Any]:
    """The associate who holds the request: the customer wrote (or sent a photo)."""
    with force_locale(language):
        body = text or (gettext("A photo") if photo else "")
        return _payload(card.tag, gettext("The customer wrote: %(zone)s", zone=card.zone),
                        body, card.url, language, alert=True)


def rating_to_answer(card: Card, rating: int, comment: str, holder: str,
                     language: str) -> dict[str, Any]:
    """The managers: a customer rated the help poorly or commented; answer on the board."""
    with force_locale(language):
        title = gettext("Rated %(rating)s of 5: %(zone)s", rating=rating, zone=card.zone)
        story = card_body(card)
        if holder:
            story = gettext("%(story)s · helped by %(name)s", story=story, name=cut(holder, 40))
        body = f"“{cut(comment, 120)}” · {story}" if comment else story
        return _payload(f"rating-{card.id}", title, body,
                        f"/stores/{card.store_code}/board#rating-{card.id}", language,
                        alert=True)


@dataclass(frozen=True)
class BreakCard:
    """A break as its pushes show it: who is away, from which zone, until when (store time)."""

    id: int
    store_code: str
    timezone: str
    name: str
    zone: str  # "" for the whole store
    expected_return_at: datetime

    @property
    def tag(self) -> str:
        return f"break-{self.id}"

    @property
    def url(self) -> str:
        return f"/stores/{self.store_code}/floor"

    @property
    def until(self) -> str:
        return self.expected_return_at.astimezone(ZoneInfo(self.timezone)).strftime("%H:%M")


def covering(card: BreakCard, language: str) -> dict[str, Any]:
    """To the backup: you cover someone's zone until their return."""
    with force_locale(language):
        zone = cut(card.zone, 40) or gettext("the whole store")
        title = gettext("You cover %(zone)s", zone=zone)
        body = gettext("%(name)s is on break until %(until)s; their new requests come to you "
                       "first.", name=cut(card.name, 40), until=card.until)
        return _payload(card.tag, title, body, card.url, language, alert=True)


def break_over(card: BreakCard, language: str) -> dict[str, Any]:
    """The silent replacement of a break's pushes: the one away is back (or off)."""
    with force_locale(language):
        return _payload(card.tag, gettext("%(name)s's break is over", name=cut(card.name, 40)),
                        gettext("Their zone's new requests go to them again."), card.url,
                        language, alert=False)


def break_overdue(card: BreakCard, late_s: int, language: str) -> dict[str, Any]:
    """To the managers on shift: someone is late back from a break."""
    with force_locale(language):
        title = gettext("%(name)s is late back from break", name=cut(card.name, 40))
        body = gettext("Expected back at %(until)s, %(minutes)d min ago.", until=card.until,
                       minutes=late_s // 60)
        return _payload(card.tag, title, body, f"/stores/{card.store_code}/board", language,
                        alert=True)


def uncovered(store_code: str, zones: list[str], language: str) -> dict[str, Any]:
    """To the managers: zones nobody covers now."""
    with force_locale(language):
        title = gettext("Nobody covers %(zones)s", zones=cut(", ".join(zones), 80))
        body = gettext("New requests there go to everyone on the floor, if anyone.")
        return _payload(f"uncovered-{store_code}", title, body, f"/stores/{store_code}/board",
                        language, alert=True)
