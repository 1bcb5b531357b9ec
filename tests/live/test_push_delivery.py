"""Web Push end to end: two gunicorn workers on PostgreSQL, 50 handhelds in 5 stores.

Each handheld logs in through the form and subscribes through the API with a
subscription of the push-service stand-in (tests/webpush/), which verifies every
push's VAPID token and decrypts it as the browser would. 100 submissions go through
the public API while one worker is killed with SIGKILL mid-drain. Every right device
(on the floor in the request's store) must get each request's push; no device on
break, and no device of another store, gets any; nothing is lost. A push re-sent
after the kill (its sender died before recording it) is counted: it carries the
same tag, so the handheld replaces the notification it already shows.
"""

import json
import re
import time
from collections import Counter

import flask_migrate
import pytest
import requests
from sqlalchemy import func, select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Availability, PushMessage, PushOutcome
from tests import databases
from tests.factories import TEST_PASSWORD, make_staffed_store, sign_pass
from tests.gunicorn_server import Gunicorn
from tests.webpush.push_service import PushService

STORES, PER_STORE, ON_BREAK, SUBMISSIONS = 5, 10, 2, 100
SERVER_SETTINGS = {
    "PUSH_ENDPOINT_ALLOW": "http://127.0.0.1:",
    "PUSH_LEASE_S": "3",  # a killed worker's claimed pushes go out again after this
    "PUSH_POLL_S": "0.5",
    "SUBMIT_LIMIT_PER_ADDRESS": "100000 per minute",
    "SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN": "100000 per minute",
    "SUBMIT_CEILING_PER_SIGN": "100000 per minute",
    "LOGIN_LIMIT_PER_ADDRESS": "100000 per minute",
}


@pytest.fixture
def chain(tmp_path):
    """Five stores of ten associates: eight on the floor, two on break; one sign each."""
    databases.require_postgres()
    with databases.fresh_database("postgresql", tmp_path / "unused.sqlite3") as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
        with app.app_context():
            flask_migrate.upgrade()
            stores = {}
            for number in range(STORES):
                store = make_staffed_store(code=f"P{number}", zones=("Shoes",),
                                           associates=PER_STORE)
                people = sorted(store_users(store), key=lambda u: u.login)
                for index, user in enumerate(people):
                    user.availability = (Availability.ON_BREAK if index < ON_BREAK
                                         else Availability.ON_FLOOR)
                stores[store.code] = {"sign": sign_token_of(store), "people": [
                    (u.login, u.availability is Availability.ON_FLOOR) for u in people]}
            db.session.commit()
            db.engine.dispose()
        yield url, stores, app


def store_users(store):
    from floorapp.models import Role, User

    return db.session.scalars(select(User).where(User.home_store_id == store.id,
                                                 User.role == Role.ASSOCIATE)).all()


def sign_token_of(store) -> str:
    from floorapp.models import Sign

    return db.session.scalar(select(Sign.token).where(Sign.zone_id == store.zones[0].id))


def subscribe(server, service: PushService, login: str, code: str) -> None:
    """Log in as a handheld does, then subscribe it through the API."""
    browser = requests.Session()
    page = browser.get(f"{server.url}/login", timeout=10).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = browser.post(f"{server.url}/login", timeout=10, allow_redirects=False,
                          data={"login": login, "password": TEST_PASSWORD, "csrf_token": csrf})
    assert answer.status_code == 302, answer.text[:200]
    floor = browser.get(f"{server.url}/stores/{code}/floor", timeout=10).text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', floor) or re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', floor)
    subscription = service.new_subscription(f"{code}/{login}")
    answer = browser.post(f"{server.url}/api/v1/me/push-subscriptions", timeout=10,
                          json={**subscription, "label": login},
                          headers={"X-CSRFToken": csrf.group(1)})
    assert answer.status_code == 201, answer.text[:300]


def submit(server, sign: str) -> int:
    answer = requests.post(f"{server.url}/api/v1/signs/{sign}/help-requests", timeout=10,
                           data={"need": "find_size", "sign_pass": sign_pass(server.url, sign)})
    assert answer.status_code == 201, answer.text[:300]
    return answer.json()["id"]


def received(service: PushService) -> Counter:
    """Count pushes per (device label, tag) among the new-request pushes that arrived."""
    return Counter((arrival.label, json.loads(arrival.payload)["tag"])
                   for arrival in service.arrivals)


@pytest.mark.postgres_only
def test_every_right_handheld_gets_each_push_once_and_a_killed_worker_loses_none(
        chain, record_property):
    url, stores, app = chain
    with PushService() as service, Gunicorn(url, workers=2, **SERVER_SETTINGS) as server:
        for code, store in stores.items():
            for login, _ in store["people"]:
                subscribe(server, service, login, code)
        codes = sorted(stores)
        sent: dict[str, str] = {}
        for number in range(SUBMISSIONS):
            code = codes[number % STORES]
            sent[f"request-{submit(server, stores[code]['sign'])}"] = code
            if number == SUBMISSIONS // 2:
                server.kill_worker(server.workers()[0])  # while it drains the first half
        right = {(f"{code}/{login}", tag) for tag, code in sent.items()
                 for login, on_floor in stores[code]["people"] if on_floor}
        deadline = time.monotonic() + 60
        while not right <= set(received(service)) and time.monotonic() < deadline:
            time.sleep(0.25)
        time.sleep(4)  # a lease (3 s) expiring after the kill would re-send by now
        counts = received(service)
    assert set(counts) == right  # nothing missing, nothing to a wrong device
    # A re-send is the same push to the same device with the same tag: the handheld shows it
    # once, replacing itself. Counted, so a run shows how many the kill caused.
    resent = sum(counts.values()) - len(counts)
    record_property("pushes_owed", len(right))
    record_property("pushes_resent_after_the_kill", resent)
    with app.app_context():
        outcomes = dict(db.session.execute(select(PushMessage.outcome, func.count())
                                           .group_by(PushMessage.outcome)).all())
        db.engine.dispose()
    assert outcomes == {PushOutcome.SENT: len(right)}
