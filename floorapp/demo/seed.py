"""The demo data: two stores in different time zones, their zones and their people, and a
region holding both with its regional manager.

Deterministic for a given seed, so a screenshot or a figure can be reproduced.
Later parts of the product (catalog, signs, history) add their own steps here.
"""

import random
from dataclasses import dataclass

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from floorapp.demo.history import generate_history
from floorapp.demo.shifts import plan_demo_week
from floorapp.extensions import db
from floorapp.models import Region, Role, Sign, Store, User, Zone
from floorapp.services.core.transactions import writes
from floorapp.services.org.signs import new_sign_token
from floorapp.services.org.stores import store_by_code

DEMO_STORES = (
    ("NYC-5TH", "Fifth Avenue, New York", "America/New_York"),
    ("LA-GROVE", "The Grove, Los Angeles", "America/Los_Angeles"),
)
DEMO_REGION = ("US-COASTS", "The Coasts")
REGIONAL_LOGIN = "region.manager"
DEMO_ZONES = ("Women's Shoes", "Men's Shoes", "Kids", "Fitting Rooms", "Apparel")
FIRST_NAMES = (
    "Maria", "James", "Aisha", "Luis", "Mei", "Tom", "Priya", "Daniel", "Sofia", "Kwame",
    "Hannah", "Diego", "Yuki", "Omar", "Grace", "Mateo", "Nadia", "Ethan", "Lucia", "Sam",
)
LAST_NAMES = (
    "Garcia", "Chen", "Okafor", "Rossi", "Kim", "Novak", "Patel", "Silva", "Walker", "Haddad",
)
ASSOCIATES_PER_STORE = 6
HISTORY_DAYS = 90


@dataclass(frozen=True)
class DemoLogin:
    """A login the demo prints so a newcomer can try each role."""

    login: str
    role: str
    store: str | None


def database_is_empty() -> bool:
    """Tell whether the database has no store yet (the demo seeds only then)."""
    return db.session.scalar(select(func.count()).select_from(Store)) == 0


def demo_logins() -> list[DemoLogin]:
    """Return the demo logins present in the database (an empty list if unseeded)."""
    wanted = ["admin", REGIONAL_LOGIN] + [
        f"{_login_prefix(code)}.{suffix}" for code, _, _ in DEMO_STORES
        for suffix in ["manager"] + [f"associate{n}" for n in range(1, ASSOCIATES_PER_STORE + 1)]
    ]
    found = {user.login: user for user in db.session.scalars(
        select(User).where(User.login.in_(wanted), User.active.is_(True)))}
    return [DemoLogin(login=login, role=found[login].role.value,
                      store=_where(found[login]))
            for login in wanted if login in found]


def _where(user: User) -> str | None:
    """Return the code of a user's home store, or of a regional manager's region."""
    where = user.home_store or user.region
    return where.code if where else None


def demo_customer_path() -> str | None:
    """Return the path of one demo sign's customer page (/s/<token>), or None if unseeded."""
    token = db.session.scalar(
        select(Sign.token).join(Zone).join(Store)
        .where(Store.code == DEMO_STORES[0][0], Sign.active.is_(True))
        .order_by(Zone.name, Sign.id).limit(1))
    return f"/s/{token}" if token else None


def _login_prefix(store_code: str) -> str:
    return store_code.split("-")[0].lower()


@writes
def seed_demo(*, seed: int, password: str, history_days: int = HISTORY_DAYS) -> None:
    """Create the demo stores, zones, signs and users, then each store's history.

    The stores and people are one transaction, each store's history another. All demo
    users share the one password; it is hashed once, since scrypt is slow on purpose
    and the demo has a dozen users.
    """
    rng = random.Random(seed)
    password_hash = generate_password_hash(password)
    _add_user(login="admin", name="Alex Admin", role=Role.ADMIN, store=None,
              password_hash=password_hash)
    region = Region(code=DEMO_REGION[0], name=DEMO_REGION[1])
    db.session.add(User(login=REGIONAL_LOGIN, name="Robin Reyes", role=Role.REGIONAL_MANAGER,
                        region=region, password_hash=password_hash))
    names = _distinct_names(rng, len(DEMO_STORES) * (ASSOCIATES_PER_STORE + 1))
    for code, name, timezone in DEMO_STORES:
        store = Store(code=code, name=name, timezone=timezone, region=region)
        store.zones = [Zone(name=zone) for zone in DEMO_ZONES]
        for zone in store.zones:  # one sign per zone, so every zone can be tried
            db.session.add(Sign(zone=zone, token=new_sign_token(), label=""))
        db.session.add(store)
        prefix = _login_prefix(code)
        _add_user(login=f"{prefix}.manager", name=names.pop(), role=Role.MANAGER,
                  store=store, password_hash=password_hash)
        for number in range(1, ASSOCIATES_PER_STORE + 1):
            _add_user(login=f"{prefix}.associate{number}", name=names.pop(),
                      role=Role.ASSOCIATE, store=store, password_hash=password_hash)
    _seed_catalog(seed)
    db.session.flush()
    for store in db.session.scalars(select(Store)):
        plan_demo_week(store)
    db.session.commit()
    if history_days:
        for code, _, _ in DEMO_STORES:
            store = store_by_code(code)
            generate_history(store, days=history_days, seed=seed)


def _seed_catalog(seed: int) -> None:
    from floorapp.demo.catalog import seed_demo_catalog

    db.session.flush()
    seed_demo_catalog(seed=seed, stores=list(db.session.scalars(select(Store).order_by(Store.id))))


def _distinct_names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(pairs)
    chosen, firsts = [], set()
    for pair in pairs:
        first = pair.split()[0]
        if first not in firsts:  # distinct first names: customers see only those
            chosen.append(pair)
            firsts.add(first)
        if len(chosen) == count:
            break
    return chosen


def _add_user(*, login: str, name: str, role: Role, store: Store | None,
              password_hash: str) -> None:
    db.session.add(User(login=login, name=name, role=role, home_store=store,
                        password_hash=password_hash))
