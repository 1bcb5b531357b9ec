"""QR signs: the opaque token printed on a sign leads a customer to their store and zone.

Managers create a sign for a zone, rotate its token (the old printout then tells the
customer the code is no longer in use) and deactivate it. Every managing function takes
the acting user, so an audit log can record who did what.
"""

import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from floorapp.errors import Conflict, DomainError, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import RetiredSignToken, Sign, Store, User, Zone
from floorapp.models.types import utcnow
from floorapp.services.core import audit
from floorapp.services.core.input_parsing import parse_id
from floorapp.services.core.names import clean_name
from floorapp.services.core.transactions import writes
from floorapp.services.org.stores import require_manager

TOKEN_BYTES = 24  # 32 URL-safe characters: not guessable, short enough for a dense QR code
MAX_LABEL = 80


class SignRetired(DomainError):
    """The code was printed on a sign once, but the sign now uses another (or none)."""

    status = 410
    code = "sign_retired"


@dataclass(frozen=True)
class ZoneSigns:
    """A zone of a store with its signs, active ones first."""

    zone: Zone
    signs: list[Sign]


def new_sign_token() -> str:
    """Return a fresh random sign token."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def resolve_sign_token(token: str) -> Sign:
    """Return the active sign for a token printed on a QR code.

    Raises SignRetired for a rotated token or a deactivated sign, so the customer
    is told the code is no longer in use, and NotFound for anything else. The sign, its
    zone and its store come in one statement: every public read at a sign starts here.
    """
    token = (token or "").strip()
    if not token or len(token) > 64:
        raise NotFound("This help code is not one of ours.")
    sign = db.session.scalar(select(Sign).where(Sign.token == token).options(
        joinedload(Sign.zone, innerjoin=True).joinedload(Zone.store, innerjoin=True)))
    if sign is not None and sign.active and sign.zone.active and sign.zone.store.active:
        return sign
    retired = sign is not None or db.session.scalar(
        select(RetiredSignToken.id).where(RetiredSignToken.token == token)) is not None
    if retired:
        raise SignRetired("This code is no longer in use. Please ask at the nearest register.")
    raise NotFound("This help code is not one of ours.")


def signs_of_store(store: Store) -> list[ZoneSigns]:
    """Return every zone of `store` (by name) with its signs, active first, then oldest."""
    signs = db.session.scalars(
        select(Sign).join(Zone).where(Zone.store_id == store.id)
        .order_by(Sign.active.desc(), Sign.created_at, Sign.id)).all()
    by_zone: dict[int, list[Sign]] = {}
    for sign in signs:
        by_zone.setdefault(sign.zone_id, []).append(sign)
    return [ZoneSigns(zone=zone, signs=by_zone.get(zone.id, [])) for zone in store.zones]


def printable_signs(store: Store, *, sign_id: object = None) -> list[Sign]:
    """Return the active signs of active zones to print: all of them, or the one asked for."""
    query = (select(Sign).join(Zone).where(Zone.store_id == store.id, Zone.active.is_(True),
                                           Sign.active.is_(True))
             .order_by(Zone.name, Sign.created_at, Sign.id))
    if sign_id not in (None, ""):
        query = query.where(Sign.id == _chosen_id(sign_id, "sign"))
        signs = db.session.scalars(query).all()
        if not signs:
            raise NotFound("No active sign with that number in this store.")
        return list(signs)
    return list(db.session.scalars(query))


@writes
def create_sign(actor: User, store: Store, *, zone_id: object, label: str | None = None) -> Sign:
    """Create a sign with a fresh token for a zone of `store`; the label is optional."""
    require_manager(actor, store)
    label = parse_label(label)
    zone = _zone_of_store(store, zone_id)
    if not zone.active:
        raise Conflict(f"The zone {zone.name!r} is closed; open it before adding signs.")
    sign = Sign(zone=zone, token=new_sign_token(), label=label, active=True)
    db.session.add(sign)
    audit.record(actor, "sign.create", target=f"{zone.name} {label}".strip(), store=store)
    db.session.commit()
    return sign


@writes
def rotate_sign(actor: User, store: Store, sign_id: object) -> Sign:
    """Give a sign a new token; the old one is retired so old printouts say so.

    The token changes with a compare-and-set (`WHERE token = <the one we read>`): of two
    managers rotating at once, one wins and the other is told, and a token is never
    retired twice.
    """
    require_manager(actor, store)
    sign = sign_of_store(store, sign_id)
    if not sign.active:
        raise Conflict("A deactivated sign cannot be rotated; create a new sign instead.")
    old_token, new_token = sign.token, new_sign_token()
    changed = db.session.execute(
        update(Sign).where(Sign.id == sign.id, Sign.token == old_token, Sign.active.is_(True))
        .values(token=new_token, rotated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict("This sign was changed meanwhile; reload the page and try again.")
    db.session.add(RetiredSignToken(token=old_token, sign_id=sign.id))
    audit.record(actor, "sign.rotate", target=f"sign {sign.id}", store=store)
    db.session.commit()
    db.session.refresh(sign)
    return sign


@writes
def deactivate_sign(actor: User, store: Store, sign_id: object) -> Sign:
    """Take a sign out of use: its code then tells customers it is no longer in use."""
    require_manager(actor, store)
    sign = sign_of_store(store, sign_id)
    changed = db.session.execute(
        update(Sign).where(Sign.id == sign.id, Sign.active.is_(True)).values(active=False)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        raise Conflict("This sign is deactivated already.")
    audit.record(actor, "sign.deactivate", target=f"sign {sign.id}", store=store)
    db.session.commit()
    db.session.refresh(sign)
    return sign


def sign_of_store(store: Store, sign_id: object) -> Sign:
    """Return the sign `sign_id` if it hangs in a zone of `store`; otherwise NotFound."""
    sign = db.session.scalar(select(Sign).join(Zone).where(
        Sign.id == _chosen_id(sign_id, "sign"), Zone.store_id == store.id))
    if sign is None:
        raise NotFound("No sign with that number in this store.")
    return sign


def parse_label(label: str | None) -> str:
    """Return a sign's label as names.clean_name tidies it; None or "" mean no label.

    A label of only spaces is refused rather than dropped: the manager typed something.
    """
    if label is None or label == "":
        return ""
    if not label.split():
        raise InvalidInput("A label cannot be only spaces; leave it empty for no label.")
    return clean_name(label, field="label", max_length=MAX_LABEL)


def sign_url(base_url: str, token: str) -> str:
    """Return the absolute customer URL a sign's QR code points at.

    `base_url` is the configured PUBLIC_BASE_URL, never a request's Host header: a
    forged Host would otherwise print codes that send customers to another site.
    """
    return f"{base_url.rstrip('/')}/s/{token}"


def qr_svg(url: str, *, title: str) -> str:
    """Return `url` as an inline SVG QR code (no Pillow), sized by CSS, with an accessible name."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage,
                        error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    root = image.get_image()
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    root.set("role", "img")
    root.set("aria-label", title)
    root.set("class", "qr")
    for path in root.iter():
        path.attrib.pop("id", None)  # several codes on one sheet must not share an id
    return ET.tostring(root, encoding="unicode")


def _zone_of_store(store: Store, zone_id: object) -> Zone:
    zone = db.session.scalar(select(Zone).where(
        Zone.id == _chosen_id(zone_id, "zone"), Zone.store_id == store.id))
    if zone is None:
        raise NotFound("No zone with that number in this store.")
    return zone


def _chosen_id(value: object, noun: str) -> int:
    return parse_id(value, label=noun, message=f"Choose a {noun} from the list.")
