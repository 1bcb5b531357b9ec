"""Fixtures the page tests share: store A for the route walks, a floor with a queue."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import make_sign, make_store, make_user, submit_request
from tests.web.route_values import seed_store_a


@pytest.fixture
def store_a(app):
    """Store A with one of everything; associates and a manager of store B."""
    with app.app_context():
        return seed_store_a()


@pytest.fixture
def floor(app):
    """A store with two associates and three waiting requests: overdue, due soon, fresh."""
    with app.app_context():
        store = make_store(code="NYC-1", acknowledge_target_s=60, zones=("Shoes", "Denim"))
        sign = make_sign(zone=store.zones[1])
        make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="sam", name="Sam Okafor", store=store)
        now = datetime.now(UTC)
        old = submit_request(sign=sign, now=now - timedelta(seconds=75), size="M",
                             product="Denim jacket", note="by the mirrors")
        due = submit_request(sign=sign, now=now - timedelta(seconds=45))
        fresh = submit_request(sign=sign, now=now)
        return {"old": old.id, "due": due.id, "fresh": fresh.id}
