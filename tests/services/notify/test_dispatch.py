"""Each worker's dispatcher: a commit that wrote pushes sends them at once, without polling."""

import gc
import json
import logging
import time

import flask_migrate
import pytest
import requests

from floorapp import create_app, push_dispatch
from floorapp.extensions import db
from floorapp.models import PushOutcome
from tests import databases
from tests.conftest import _test_config
from tests.factories import make_help_request
from tests.gunicorn_server import Gunicorn
from tests.services.notify.conftest import push, push_config, row, subscribe, vapid_pem
from tests.webpush.push_service import CONTACT, subscription_id

SLOW_POLL = {"PUSH_DISPATCH": True, "PUSH_POLL_S": 30}  # a poll would come far too late


@pytest.fixture
def dispatching(make_app):
    """An app whose dispatcher starts with its first request, stopped after the test."""
    app = make_app(**push_config(**SLOW_POLL, PUSH_SENDERS=2))
    assert app.test_client().get("/healthz").status_code == 200
    dispatcher = app.extensions[push_dispatch.EXTENSION]
    with app.app_context():
        yield app
    assert dispatcher.stop(timeout=5)


def test_a_commit_that_wrote_a_push_wakes_the_dispatcher_at_once(dispatching, service):
    subscription = subscribe(service)
    time.sleep(0.1)  # the dispatcher's first look found nothing; next poll is in 30 s
    committed = time.monotonic()
    message = push(subscription)
    (arrival,) = service.wait_for(1, timeout=2)
    assert arrival.monotonic - committed < 0.5
    deadline = time.monotonic() + 2
    while row(message.id).outcome is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert row(message.id).outcome is PushOutcome.SENT


def test_a_stalled_push_service_holds_one_sender_and_the_others_still_go(dispatching, service):
    stalled, fine = subscribe(service, label="stalled"), subscribe(service, label="fine")
    service.stall(subscription_id({"endpoint": stalled.endpoint}), 3.0)
    push(stalled)
    time.sleep(0.1)  # the stalled push is in flight on one sender
    for number in range(3):
        committed = time.monotonic()
        push(fine, tag=f"request-{number}")
        arrival = service.wait_for(number + 1, timeout=2)[-1]
        assert arrival.label == "fine" and arrival.monotonic - committed < 0.5


def test_a_rolled_back_push_wakes_nobody_and_sends_nothing(dispatching, service):
    subscription = subscribe(service)
    from floorapp.services.notify import outbox

    outbox.enqueue(subscription, tag="request-1", payload={"v": 1})
    db.session.rollback()
    time.sleep(0.3)
    assert service.attempts == []


def test_two_workers_dispatchers_send_each_push_exactly_once(make_app, service):
    workers = [make_app(**push_config(PUSH_DISPATCH=True, PUSH_POLL_S=0.05, PUSH_SENDERS=3))
               for _ in range(2)]
    dispatchers = [push_dispatch.dispatcher_for(app) for app in workers]
    writer = make_app(**push_config())  # a third process: no wake, the workers poll
    try:
        for dispatcher in dispatchers:
            dispatcher.start()
        with writer.app_context():
            help_request = make_help_request()
            ids = [push(subscribe(service, help_request=help_request), tag=f"request-{n}").id
                   for n in range(40)]
            service.wait_for(40, timeout=10)
            time.sleep(0.3)  # a second copy of any push would have arrived by now
            assert sorted(json.loads(a.payload)["push_id"] for a in service.arrivals) == ids
            assert all(row(message_id).outcome is PushOutcome.SENT for message_id in ids)
    finally:
        assert all(dispatcher.stop(timeout=5) for dispatcher in dispatchers)


def test_the_dispatcher_of_an_app_whose_sqlite_file_was_deleted_stops(tmp_path, caplog):
    path = tmp_path / "gone.sqlite3"
    app = create_app(_test_config(f"sqlite:///{path}", **push_config(PUSH_DISPATCH=True,
                                                                      PUSH_POLL_S=0.05)))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    dispatcher = push_dispatch.dispatcher_for(app)
    dispatcher.start()
    path.unlink()
    assert dispatcher.stop(timeout=3) or not dispatcher.running
    assert len([r for r in caplog.records if r.name == "floorapp.push_dispatch"]) <= 1


def test_the_dispatcher_of_a_dropped_app_ends_with_it(tmp_path):
    # The loop holds the app only while it drains (a few ms of each half second), so a
    # collection almost always finds it unreferenced; a long test process's collections
    # are slow, hence the generous deadline. Collected, the app wakes the loop to end.
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'x.sqlite3'}",
                                  **push_config(PUSH_DISPATCH=True, PUSH_POLL_S=0.5)))
    with app.app_context():
        db.create_all()
    dispatcher = push_dispatch.dispatcher_for(app)
    dispatcher.start()
    time.sleep(0.1)  # its first drain is over: it waits for the next poll
    del app
    deadline = time.monotonic() + 10
    while dispatcher.running and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.02)
    assert not dispatcher.running, "the dispatcher outlived its app"


def test_a_database_that_fails_is_logged_once_and_retried_more_slowly(tmp_path, caplog):
    (tmp_path / "empty.sqlite3").touch()  # a database with no tables
    app = create_app(_test_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                                  **push_config(PUSH_DISPATCH=True, PUSH_POLL_S=0.02)))
    dispatcher = push_dispatch.dispatcher_for(app)
    with caplog.at_level(logging.WARNING, logger="floorapp.push_dispatch"):
        dispatcher.start()
        time.sleep(0.8)  # 0.04 + 0.08 + 0.16 + 0.32 s of pauses: four failures, not forty
        assert dispatcher.stop(timeout=3)
    warnings = [r for r in caplog.records if r.name == "floorapp.push_dispatch"]
    assert len(warnings) == 1 and "cannot drain the outbox" in warnings[0].getMessage()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_gunicorns_gevent_workers_deliver_what_another_process_wrote(backend, tmp_path,
                                                                    service):
    """The real thing: gevent-patched workers encrypt, sign and POST (urllib3, cryptography),
    and find rows another process committed at their next poll."""
    with databases.fresh_database(backend, tmp_path / "live.sqlite3") as url:
        app = create_app(_test_config(url, **push_config()))
        with app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
        settings = {"PUSH_ENDPOINT_ALLOW": "http://127.0.0.1:", "VAPID_SUBJECT": CONTACT,
                    "VAPID_PRIVATE_KEY": vapid_pem(), "PUSH_POLL_S": "0.2"}
        with Gunicorn(url, workers=2, **settings) as server, app.app_context():
            for _ in range(4):  # each worker starts its dispatcher with its first request
                assert requests.get(f"{server.url}/healthz", timeout=5).status_code == 200
            help_request = make_help_request()
            ids = {push(subscribe(service, help_request=help_request), tag=f"request-{n}").id
                   for n in range(20)}
            arrivals = service.wait_for(20, timeout=10)
            time.sleep(0.3)  # a duplicate would arrive by now
            assert sorted(json.loads(a.payload)["push_id"] for a in service.arrivals) == \
                sorted(ids)
            assert {a.headers["urgency"] for a in arrivals} == {"high"}
            db.engine.dispose()


def test_a_push_in_flight_when_its_workers_are_killed_is_sent_again_after_its_lease(
        tmp_path, service):
    """kill -9 mid-send: nothing is lost; the duplicate the stand-in may record carries the
    same tag and push_id, so the device shows one notification."""
    with databases.fresh_database("postgresql", tmp_path / "unused") as url:
        app = create_app(_test_config(url, **push_config()))
        with app.app_context():
            flask_migrate.upgrade()
        settings = {"PUSH_ENDPOINT_ALLOW": "http://127.0.0.1:", "VAPID_SUBJECT": CONTACT,
                    "VAPID_PRIVATE_KEY": vapid_pem(), "PUSH_POLL_S": "0.2",
                    "PUSH_LEASE_S": "4", "PUSH_TIMEOUT_S": "10"}
        with Gunicorn(url, workers=2, **settings) as server, app.app_context():
            for _ in range(4):
                requests.get(f"{server.url}/healthz", timeout=5)
            subscription = subscribe(service)
            service.stall(subscription_id({"endpoint": subscription.endpoint}), 1.0, times=1)
            message = push(subscription, tag="request-9")
            deadline = time.monotonic() + 5
            while row(message.id).attempts == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            for pid in server.workers():  # both: whichever holds the push dies
                server.kill_worker(pid)
            server.wait_ready()
            for _ in range(4):  # the new workers start their dispatchers
                requests.get(f"{server.url}/healthz", timeout=5)
            deadline = time.monotonic() + 30  # restarted workers are slow on a busy machine
            while row(message.id).outcome is None and time.monotonic() < deadline:
                time.sleep(0.05)
            sent = row(message.id)
            assert (sent.outcome, sent.attempts) == (PushOutcome.SENT, 2), sent.detail
            assert {json.loads(a.payload)["push_id"] for a in service.arrivals} == {message.id}
            assert {a.headers["topic"] for a in service.arrivals} == {
                service.arrivals[0].headers["topic"]}
            db.engine.dispose()
