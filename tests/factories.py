"""Keyword-only builders of test data, written through the real models.

Call them inside an app context. Users share one password hash, computed once,
because scrypt is slow on purpose.
"""

import functools
import itertools

from werkzeug.security import generate_password_hash

from floorapp.extensions import db
from floorapp.models import Role, Store, User, Zone

TEST_PASSWORD = "correct-horse-battery"
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
              active: bool = True) -> User:
    """Create a user with the test password; store roles get a store if none is given."""
    if store is None and role is not Role.ADMIN:
        store = make_store()
    user = User(login=login or f"user{next(_numbers)}", name=name, role=role, home_store=store,
                active=active, password_hash=_test_password_hash())
    db.session.add(user)
    db.session.commit()
    return user
