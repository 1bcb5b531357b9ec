"""The wait the customer reads at the sign and on the status page (one model:
services/help/wait_estimate.py), in English and Spanish."""

from datetime import UTC, datetime, timedelta

import pytest

from floorapp.extensions import db
from floorapp.models import Status
from floorapp.services.help import availability
from tests.factories import make_help_request, make_sign, make_store, make_user, with_pass


@pytest.fixture
def shop(app):
    """A sign whose store acknowledged in 90 s and handled in 300 s (medians) lately,
    with two associates, both off."""
    with app.app_context():
        store = make_store(acknowledge_target_s=120)
        sign = make_sign(zone=store.zones[0])
        now = datetime.now(UTC)
        for minutes_ago, acknowledge_s in ((50, 60), (40, 90), (30, 120)):
            asked = now - timedelta(minutes=minutes_ago)
            acknowledged = asked + timedelta(seconds=acknowledge_s)
            make_help_request(sign=sign, status=Status.RESOLVED, requested_at=asked,
                              acknowledged_at=acknowledged, reached_at=acknowledged,
                              resolved_at=acknowledged + timedelta(seconds=300))
        people = [make_user(store=store).id for _ in range(2)]
        return {"token": sign.token, "people": people}


def _set(app, user_id, value):
    from floorapp.models import User

    with app.app_context():
        availability.set_availability(db.session.get(User, user_id), value)


def _wait_line(client, token, language="en"):
    page = client.get(f"/s/{token}", headers={"Accept-Language": language}).text
    start = page.index('id="wait">') + len('id="wait">')
    return page[start:page.index("</p>", start)]


def test_the_sign_says_the_usual_wait_while_someone_is_free(app, client, shop):
    _set(app, shop["people"][0], "on_floor")
    assert _wait_line(client, shop["token"]) == "Usually about 2 min right now."
    assert _wait_line(client, shop["token"], "es") == "Ahora mismo suele ser unos 2 min."


def test_the_sign_says_everyone_is_busy_with_the_turns_ahead(app, client, shop):
    _set(app, shop["people"][0], "with_customer")
    # nobody free, one with a customer: 90 + 1 × 300 / 1 = 390 s, about 7 min
    assert _wait_line(client, shop["token"]) == "Everyone is with a customer; about 7 min."


def test_with_nobody_working_the_sign_and_the_status_page_say_a_manager_is_told(
        app, client, shop):
    assert _wait_line(client, shop["token"]) == (
        "Nobody is on the floor just now: when you ask, a manager is told at once.")
    data = with_pass(client, shop["token"], {"need": "find_size", "idempotency_key": "k1"})
    status = client.get(client.post(f"/s/{shop['token']}", data=data).location).text
    assert "A manager has been told and is finding someone for you." in status
