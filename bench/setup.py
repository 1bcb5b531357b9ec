"""In-process set-up before a server starts: bench stores, people, signs, waiting requests."""

import random

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from floorapp import create_app
from floorapp.demo.history_scale import ensure_bench_stores
from floorapp.extensions import db
from floorapp.models import Availability, Role, Sign, Store, User, Zone
from floorapp.services.help import availability
from floorapp.services.help import intake as help_intake

PASSWORD = "bench-password-2026"


def app_for(url: str, **config):
    """Return a floorapp bound to the database at `url`, with `config` set before its
    extensions read it (Flask-Limiter reads RATELIMIT_ENABLED once, at start)."""
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-setup", **config})


def bench_store(url: str, *, associates: int = 1) -> dict:
    """Make store BENCH-001 with `associates` logins bench.a1…; return its code and signs."""
    app = app_for(url)
    with app.app_context():
        password_hash = generate_password_hash(PASSWORD)
        ensure_bench_stores(1, password_hash)
        store = db.session.scalar(select(Store).where(Store.code == "BENCH-001"))
        have = set(db.session.scalars(select(User.login).where(User.login.like("bench.a%"))))
        db.session.add_all(User(login=f"bench.a{n}", name=f"Bench associate {n}",
                                role=Role.ASSOCIATE, home_store=store,
                                password_hash=password_hash)
                           for n in range(1, associates + 1) if f"bench.a{n}" not in have)
        db.session.commit()
        tokens = list(db.session.scalars(select(Sign.token).join(Zone)
                                         .where(Zone.store_id == store.id)))
        seeded = {"code": store.code, "store_id": store.id, "signs": tokens}
        db.engine.dispose()
    return seeded


def staffed_stores(url: str, stores: int) -> list[str]:
    """Make stores BENCH-001 to BENCH-`stores`, put one associate of each on the floor for
    the whole store, and return one sign of each: submissions spread over a chain's open
    stores (an empty store's submission also tells its managers at once,
    services/help/intake.py)."""
    app = app_for(url)
    with app.app_context():
        ensure_bench_stores(stores, generate_password_hash(PASSWORD))
        signs: dict[int, str] = {}
        for store_id, token in db.session.execute(
                select(Zone.store_id, Sign.token).join(Zone).join(Store)
                .where(Store.code.like("BENCH-%")).order_by(Sign.id)):
            signs.setdefault(store_id, token)
        people: dict[int, User] = {}
        for person in db.session.scalars(
                select(User).where(User.home_store_id.in_(signs), User.role == Role.ASSOCIATE)
                .order_by(User.id)):
            people.setdefault(person.home_store_id, person)
        chosen = list(signs)[:stores]
        for store_id in chosen:
            availability.set_availability(people[store_id], Availability.ON_FLOOR, None)
        tokens = [signs[store_id] for store_id in chosen]
        db.engine.dispose()
    return tokens


def waiting_requests(url: str, signs: list[str], count: int | None, *, seed: int) -> list[int]:
    """Submit `count` requests at signs drawn at random (None: one at each sign, in order)
    through the intake service; return their ids."""
    app = app_for(url)
    rng = random.Random(seed)
    chosen = signs if count is None else [rng.choice(signs) for _ in range(count)]
    ids = []
    with app.app_context():
        for sign in chosen:
            submission = help_intake.parse_submission({"need": "find_size"})
            help_request, _ = help_intake.submit(sign, submission)
            ids.append(help_request.id)
        db.engine.dispose()
    return ids


def bench_user(url: str, store_code: str, login: str = "bench.lookup") -> None:
    """Make an associate of `store_code` with the bench password, unless it exists."""
    app = app_for(url)
    with app.app_context():
        if db.session.scalar(select(User.id).where(User.login == login)) is None:
            store = db.session.scalar(select(Store).where(Store.code == store_code))
            db.session.add(User(login=login, name="Bench associate", role=Role.ASSOCIATE,
                                home_store=store, password_hash=generate_password_hash(PASSWORD)))
            db.session.commit()
        db.engine.dispose()


def bench_sign(url: str, store_code: str) -> str:
    """Return a sign token of `store_code`, making a zone and a sign when it has none."""
    from floorapp.services.org.signs import new_sign_token

    app = app_for(url)
    with app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == store_code))
        token = db.session.scalar(select(Sign.token).join(Zone).where(
            Zone.store_id == store.id, Sign.active.is_(True)).limit(1))
        if token is None:
            zone = Zone(store_id=store.id, name="Shoes")
            token = new_sign_token()
            db.session.add_all([zone, Sign(zone=zone, token=token, label="bench")])
            db.session.commit()
        db.engine.dispose()
    return token


def store_associates(stores, per_store: int) -> list[tuple[str, int, User]]:
    """Return (store code, number, user) for `per_store` associates of each (id, code) of
    `stores`, in an app context, making those a bench store lacks (no login: a cookie of
    a session started in process is how they are used). Flushes, does not commit."""
    people = []
    for store_id, code in stores:
        users = list(db.session.scalars(select(User).where(
            User.home_store_id == store_id, User.role == Role.ASSOCIATE).order_by(User.id)
            .limit(per_store)))
        for number in range(len(users), per_store):
            users.append(User(login=f"{code.lower()}.push{number}", name=f"Handheld {number}",
                              role=Role.ASSOCIATE, home_store_id=store_id, password_hash="!"))  # noqa: S106 (no login)
            db.session.add(users[-1])
        db.session.flush()
        people += [(code, number, user) for number, user in enumerate(users)]
    return people
