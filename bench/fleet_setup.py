"""The fleet's set-up, in process before its servers start: stores, handhelds, customers.

Every bench store gets PER_STORE associates on the floor, each with a login session of
their own (one stream per session, as handhelds have; the per-session cap is 4) and
the session cookie the servers would have set at login, signed in process with the
servers' secret key by Flask's own session serializer (with a CSRF token, for the
claims). Logging 6,400 people in through the form would spend minutes of password
hashing before anything is measured, and measure nothing of the fleet. Customers'
status-page streams follow requests waiting in the stores, submitted through the
intake service.
"""

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bench.serve import SECRET_KEY
from bench.setup import PASSWORD, app_for, store_associates, waiting_requests

PER_STORE = 8  # associates on shift at a Saturday peak, each with a handheld's stream


def store_address(number: int) -> str:
    """Return the address the store's handhelds and guest Wi-Fi reach the servers from
    (sent as X-Forwarded-For: behind a load balancer, stores do not share one address)."""
    return f"10.0.{number // 250}.{number % 250 + 1}"


def seed_fleet(url: str, stores: int, *, customers_per_store: int, seed: int) -> list[dict]:
    """Make BENCH-001… with their people on the floor; return, per store, its code, signs,
    the associates' (cookie, CSRF token) and its waiting customers' public tokens."""
    from floorapp.demo.history_scale import ensure_bench_stores
    from floorapp.extensions import db
    from floorapp.models import Sign, Store, Zone

    app = app_for(url, SECRET_KEY=SECRET_KEY)
    with app.app_context():
        ensure_bench_stores(stores, generate_password_hash(PASSWORD))
        rows = db.session.execute(select(Store.id, Store.code).where(
            Store.code.like("BENCH-%")).order_by(Store.code).limit(stores)).all()
        addresses = {code: store_address(number) for number, (_, code) in enumerate(rows)}
        people = _on_the_floor(store_associates(rows, PER_STORE), addresses)
        cookies = _cookies(app, people, addresses)
        signs: dict[int, list[str]] = {}
        for store_id, token in db.session.execute(select(Zone.store_id, Sign.token).join(Zone)
                                                  .where(Sign.active.is_(True))):
            signs.setdefault(store_id, []).append(token)
        fleet = [{"code": code, "id": store_id, "signs": signs[store_id],
                  "address": addresses[code], "handhelds": cookies[code]}
                 for store_id, code in rows]
        db.engine.dispose()
    _add_customers(url, fleet, customers_per_store, seed=seed)
    return fleet


def _on_the_floor(people: list, addresses: dict[str, str]) -> list:
    """Put everyone on the floor, seen now (or the workers' tick sets them off as idle);
    start each one's login session; return (code, user, session token)."""
    from floorapp.extensions import db
    from floorapp.models import Availability
    from floorapp.models.types import utcnow
    from floorapp.services.org.sessions import start_session

    for _, _, user in people:
        user.availability = Availability.ON_FLOOR
        user.last_seen_at = utcnow()
    db.session.commit()
    return [(code, user, start_session(user, address=addresses[code], user_agent=""))
            for code, _, user in people]


def _cookies(app, people: list, addresses: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Return each store's (Cookie header, X-CSRFToken) pairs, as the login would set them.

    The request context has the address and (no) User-Agent the bench clients send, so
    Flask-Login's session protection sees the same device."""
    from flask import session
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf

    serializer = app.session_interface.get_signing_serializer(app)
    name = app.config["SESSION_COOKIE_NAME"]
    cookies: dict[str, list[tuple[str, str]]] = {}
    for code, user, token in people:
        # a fresh app context each time: generate_csrf keeps its token in `g`
        with app.app_context(), app.test_request_context(
                environ_base={"REMOTE_ADDR": addresses[code]}):
            login_user(user, remember=False)
            session["sid"] = token
            session.permanent = True
            csrf = generate_csrf()
            cookies.setdefault(code, []).append(
                (f"{name}={serializer.dumps(dict(session))}", csrf))
    return cookies


def _add_customers(url: str, fleet: list[dict], per_store: int, *, seed: int) -> None:
    """Give each store `per_store` waiting customers (their public tokens, for streams)."""
    from floorapp.extensions import db
    from floorapp.models import HelpRequest

    signs = [store["signs"][n % len(store["signs"])] for store in fleet for n in range(per_store)]
    ids = waiting_requests(url, signs, None, seed=seed)
    app = app_for(url)
    with app.app_context():
        tokens: dict[int, list[str]] = {}
        for store_id, token in db.session.execute(select(
                HelpRequest.store_id, HelpRequest.public_token).where(HelpRequest.id.in_(ids))):
            tokens.setdefault(store_id, []).append(token)
        db.engine.dispose()
    for store in fleet:
        store["customers"] = tokens.get(store["id"], [])
