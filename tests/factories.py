"""Keyword-only builders of test data, written through the real models.

Call them inside an app context. Users share one password hash, computed once,
because scrypt is slow on purpose.
"""

import functools
import itertools
import secrets
from datetime import UTC, datetime, timedelta

from werkzeug.security import generate_password_hash

from floorapp.extensions import db
from floorapp.models import (
    Availability,
    Event,
    EventKind,
    Feedback,
    HelpRequest,
    Need,
    Outcome,
    Role,
    Sign,
    Status,
    Store,
    User,
    Zone,
)
from floorapp.models.types import utcnow
from floorapp.services.core.event_log import record_event

TEST_PASSWORD = "correct-horse-battery"
NEW_YORK = "America/New_York"  # the stores' zone in the figures' tests: both DST changes


def utc(*args) -> datetime:
    """Return the UTC datetime of `datetime(*args)`, as the figures' tests write times."""
    return datetime(*args, tzinfo=UTC)

_numbers = itertools.count(1)


@functools.cache
def _test_password_hash() -> str:
    return generate_password_hash(TEST_PASSWORD)


def make_store(*, code: str | None = None, name: str = "Test Store",
               timezone: str = "America/New_York", zones: tuple[str, ...] = ("Shoes",),
               **fields) -> Store:
    """Create a store with its zones."""
    store = Store(code=code or f"TST-{next(_numbers)}", name=name, timezone=timezone, **fields)
    store.zones = [Zone(name=zone) for zone in zones]
    db.session.add(store)
    db.session.commit()
    return store


def make_user(*, login: str | None = None, name: str = "Terry Tester",
              role: Role = Role.ASSOCIATE, store: Store | None = None,
              region: str | None = None, active: bool = True) -> User:
    """Create a user with the test password; store roles get a store if none is given,
    a regional manager the region with the code `region` (made if missing)."""
    if role is Role.REGIONAL_MANAGER:
        return _make_regional_manager(login=login, name=name, region=region, active=active)
    if store is None and role is not Role.ADMIN:
        store = make_store()
    user = User(login=login or f"user{next(_numbers)}", name=name, role=role, home_store=store,
                active=active, password_hash=_test_password_hash())
    db.session.add(user)
    db.session.commit()
    return user


def _make_regional_manager(*, login: str | None, name: str, region: str | None,
                           active: bool) -> User:
    from floorapp.services.org import regions

    code = region or f"REGION-{next(_numbers)}"
    found = regions.region_by_code(code) or regions.create_region(code=code, name=code)
    user = User(login=login or f"user{next(_numbers)}", name=name,
                role=Role.REGIONAL_MANAGER, region=found, active=active,
                password_hash=_test_password_hash())
    db.session.add(user)
    db.session.commit()
    return user


def make_sign(*, zone: Zone | None = None, label: str = "", active: bool = True) -> Sign:
    """Create a sign in `zone` (in a new store if none is given)."""
    from floorapp.services.org.signs import new_sign_token

    if zone is None:
        zone = make_store().zones[0]
    sign = Sign(zone=zone, token=new_sign_token(), label=label, active=active)
    db.session.add(sign)
    db.session.commit()
    return sign


def make_staffed_store(*, code: str, zones: tuple[str, ...], associates: int) -> Store:
    """Create a store with a sign in each zone, `associates` associates and one manager."""
    store = make_store(code=code, zones=zones)
    for zone in store.zones:
        make_sign(zone=zone)
    for number in range(associates):
        make_user(login=f"{code.lower()}-associate{number}", store=store)
    make_user(login=f"{code.lower()}-manager", role=Role.MANAGER, store=store)
    return store


def make_help_request(*, sign: Sign | None = None, need: Need = Need.FIND_SIZE,
                      status: Status = Status.WAITING, note: str = "",
                      requested_at: datetime | None = None, **fields) -> HelpRequest:
    """Create a help request from a sign as stored data (no events, no service rules).

    For tests of readers such as dashboards; tests of the state machine go through
    the help-queue service instead.
    """
    sign = sign or make_sign()
    help_request = HelpRequest(
        store_id=sign.zone.store_id, zone_id=sign.zone_id, sign_id=sign.id,
        public_token=secrets.token_urlsafe(24), need=need, status=status, note=note,
        requested_at=requested_at or datetime.now(UTC), **fields)
    db.session.add(help_request)
    db.session.commit()
    return help_request


def make_submission(*, need: str = "find_size", product: str = "", size: str = "",
                    note: str = "", language: str = "en"):
    """Return a checked customer submission (the fields of the sign's form)."""
    from floorapp.services.help.intake import parse_submission

    return parse_submission({"need": need, "product": product, "size": size, "note": note,
                             "language": language})


def submit_request(*, sign: Sign | None = None, now: datetime | None = None, **fields):
    """Submit a help request through the real service (with its event), from a sign."""
    from floorapp.services.help.intake import submit

    sign = sign or make_sign()
    submitted, _ = submit(sign.token, make_submission(**fields), now=now)
    return db.session.get(HelpRequest, submitted.id)


def make_product(*, style: str | None = None, brand: str = "Northway", name: str = "Trail Runner",
                 color: str = "Navy", price_cents: int = 8900, department: str = "Women's Shoes",
                 sizes: tuple[str, ...] = ("8", "8.5", "9"), widths: tuple[str, ...] = ("",),
                 stock: dict | None = None):
    """Create a product with a variant per size × width, and stock rows.

    `stock` maps a store to {(size, width): (floor, stockroom)} (or (floor, stockroom,
    bin)); variants it does not name get no stock row in that store.
    """
    from floorapp.models import Product, Stock, Variant
    from floorapp.services.inventory.catalog_write import bump_catalog_version, search_text_for
    from floorapp.services.inventory.sizes import size_sort_key

    style = style or f"ST{next(_numbers):05d}"
    product = Product(style=style, brand=brand, name=name, color=color, price_cents=price_cents,
                      department=department,
                      search_text=search_text_for(brand=brand, name=name, color=color,
                                                  style=style, department=department))
    db.session.add(product)
    db.session.flush()
    variants = {}
    for size in sizes:
        for width in widths:
            variant = Variant(product_id=product.id, sku=f"{style}-{size}{width}".upper(),
                              upc=None, size_label=size, width=width,
                              size_sort=size_sort_key(size))
            db.session.add(variant)
            variants[(size, width)] = variant
    db.session.flush()
    for store, quantities in (stock or {}).items():
        for key, figures in quantities.items():
            floor, stockroom, *rest = figures
            db.session.add(Stock(variant_id=variants[key].id, store_id=store.id, floor_qty=floor,
                                 stockroom_qty=stockroom, bin=rest[0] if rest else ""))
    bump_catalog_version()
    db.session.commit()
    product.variants_by_key = variants
    return product
def make_feedback(*, help_request: HelpRequest, rating: int, comment: str = "") -> Feedback:
    """Store a customer's rating (and comment) of a help request, with its event, as intake.rate."""
    now = utcnow()
    feedback = Feedback(request_id=help_request.id, rating=rating, comment=comment,
                        created_at=now)
    db.session.add(feedback)
    record_event(store_id=help_request.store_id, request_id=help_request.id,
                 kind=EventKind.RATED, at=now, from_status=help_request.status.value,
                 to_status=help_request.status.value, data={"rating": rating})
    db.session.commit()
    return feedback


def make_timed_request(*, sign: Sign, requested_at: datetime, acknowledge_s: float | None = None,
                       reach_s: float | None = None, handle_s: float | None = None,
                       closed_s: float | None = None, status: Status | None = None,
                       claimed_by: User | None = None, **fields) -> HelpRequest:
    """Create a request whose clock is given as seconds after `requested_at`.

    The status follows from the timestamps unless given: resolved when handled,
    helping when reached, claimed when acknowledged, cancelled when closed.
    """
    def after(seconds):
        return None if seconds is None else requested_at + timedelta(seconds=seconds)

    resolved_at = None if handle_s is None else after(reach_s + handle_s)
    if status is None:
        status = (Status.RESOLVED if handle_s is not None else Status.HELPING if reach_s
                  is not None else Status.CANCELLED if closed_s is not None else Status.CLAIMED
                  if acknowledge_s is not None else Status.WAITING)
    return make_help_request(
        sign=sign, status=status, requested_at=requested_at,
        acknowledged_at=after(acknowledge_s), reached_at=after(reach_s),
        resolved_at=resolved_at, closed_at=after(closed_s),
        claimed_by_id=claimed_by.id if claimed_by else None,
        outcome=Outcome.HELPED if resolved_at else None, **fields)


def make_availability_event(*, user: User, at: datetime, to_status: Availability,
                            from_status: Availability | None = None) -> Event:
    """Append an availability change of `user` to the event log (no service rules)."""
    event = Event(store_id=user.home_store_id, kind=EventKind.AVAILABILITY, at=at,
                  actor_id=user.id, subject_id=user.id,
                  from_status=from_status.value if from_status else None,
                  to_status=to_status.value, data={"zone_id": None})
    db.session.add(event)
    db.session.commit()
    return event


def sign_pass(client, sign_token: str) -> str:
    """Return a fresh pass of a sign, read the way a customer's client reads it.

    `client` is a Flask test client, or a live server's base URL (tests/gunicorn_server.py).
    A retired or unknown sign has no pass: the post then answers its 410 or 404.
    """
    if isinstance(client, str):
        import requests

        return requests.get(f"{client}/api/v1/signs/{sign_token}", timeout=10).json().get(
            "sign_pass", "")
    return client.get(f"/api/v1/signs/{sign_token}").json.get("sign_pass", "")  # none: 404/410


def with_pass(client, sign_token: str, fields: dict | None = None) -> dict:
    """Return a submission's fields with a fresh pass of its sign, as its page sends them."""
    return {**(fields or {}), "sign_pass": sign_pass(client, sign_token)}


def forget_open_request(client) -> None:
    """Drop the browser's open-request cookie: its next post queues a new request.

    Tests that play several customers with one test client call this between them.
    """
    client.delete_cookie("floorapp_open", path="/s/")


def minted_sign_pass(secret_key: str, sign_token: str) -> str:
    """Return a pass as a server with `secret_key` issues it, without asking the server.

    For fault tests, where the server's database may be cut when the customer submits.
    """
    from itsdangerous import URLSafeTimedSerializer

    from floorapp.web.sign_pass import SALT

    return URLSafeTimedSerializer(secret_key, salt=SALT).dumps(sign_token[:64])
