"""The live streams through a real gunicorn with two gevent workers, on both databases."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Event, EventKind, Sign
from tests.factories import sign_pass, submit_request
from tests.gunicorn_server import Gunicorn
from tests.live.clients import EventStream, csrf_session, log_in, request

PASSWORD = "correct-horse-battery"


def _submit(server, token, note=""):
    status, body, _ = request(server, "POST", f"/api/v1/signs/{token}/help-requests",
                              {"need": "find_size", "note": note,
                               "sign_pass": sign_pass(server.url, token)})
    assert status == 201, body
    return body


def test_a_submission_reaches_an_open_store_stream_and_a_resume_misses_nothing(migrated_url):
    with Gunicorn(migrated_url["url"], workers=2) as server:
        cookie = log_in(server, "maria", PASSWORD)
        stream = EventStream(server, f"/api/v1/stores/{migrated_url['code']}/events",
                             cookie=cookie)
        assert stream.response.getheader("Content-Type").startswith("text/event-stream")
        assert stream.response.getheader("Cache-Control") == "no-store"  # a signed-in answer
        assert stream.response.getheader("X-Accel-Buffering") == "no"
        stream.wait_connected()
        created = _submit(server, migrated_url["token"], "first")
        event = stream.next_event()
        assert (event["kind"], event["request_id"]) == ("requested", created["id"])
        stream.close()
        missed = [_submit(server, migrated_url["token"], f"while away {n}")["id"]
                  for n in range(5)]  # spread over both workers while nobody listens
        resumed = EventStream(server, f"/api/v1/stores/{migrated_url['code']}/events",
                              cookie=cookie, last_event_id=event["sse_id"])
        got = [resumed.next_event() for _ in missed]
        assert [e["request_id"] for e in got] == missed
        assert [e["sse_id"] for e in got] == sorted(e["sse_id"] for e in got)
        resumed.close()


def test_a_submission_reaches_a_stream_of_its_own_worker_without_waiting_for_a_poll(
        migrated_url):
    # One worker polling SQLite once a minute: only the wake-up on its own commit (or,
    # on PostgreSQL, the NOTIFY) can deliver within the client's 10 s read timeout.
    with Gunicorn(migrated_url["url"], workers=1, SSE_POLL_S="60") as server:
        cookie = log_in(server, "maria", PASSWORD)
        stream = EventStream(server, f"/api/v1/stores/{migrated_url['code']}/events",
                             cookie=cookie)
        stream.wait_connected()
        for note in ("first", "second"):
            started = time.monotonic()
            created = _submit(server, migrated_url["token"], note)
            event = stream.next_event()
            assert (event["kind"], event["request_id"]) == ("requested", created["id"])
            assert time.monotonic() - started < 5
        stream.close()


def test_a_quiet_stream_gets_keep_alive_comments(migrated_url):
    with Gunicorn(migrated_url["url"], workers=1, SSE_KEEPALIVE_S="0.3") as server:
        created = _submit(server, migrated_url["token"])
        stream = EventStream(server, f"/api/v1/help-requests/{created['public_token']}/events")
        stream.wait_connected()  # the first comment comes at once, before any event
        lines = [stream.response.fp.readline().decode() for _ in range(6)]  # chunk framing too
        assert any(line.startswith(": keep-alive") for line in lines), lines
        stream.close()


def test_the_customer_stream_shows_only_its_own_request(migrated_url):
    with Gunicorn(migrated_url["url"], workers=2) as server:
        mine = _submit(server, migrated_url["token"])
        other = _submit(server, migrated_url["token"])
        stream = EventStream(server, f"/api/v1/help-requests/{mine['public_token']}/events",
                             last_event_id=0)
        assert stream.next_event()["kind"] == "requested"
        cookie, csrf = csrf_session(server, log_in(server, "maria", PASSWORD),
                                    f"/stores/{migrated_url['code']}/floor")
        for request_id in (other["id"], mine["id"]):
            status, body, _ = request(server, "POST", f"/api/v1/help-requests/{request_id}/claim",
                                      headers={"Cookie": cookie, "X-CSRFToken": csrf})
            assert status == 200, body
        event = stream.next_event()
        assert event["kind"] == "claimed" and set(event) == {"id", "kind", "status", "at",
                                                             "sse_id"}
        stream.close()


def test_two_workers_ticking_escalate_an_overdue_request_once(migrated_url):
    app = create_app({"DATABASE_URL": migrated_url["url"], "SECRET_KEY": "x"})
    with app.app_context():
        sign = db.session.scalar(select(Sign).where(Sign.token == migrated_url["token"]))
        sign.zone.store.acknowledge_target_s = 1
        db.session.commit()
        overdue = submit_request(sign=sign, now=datetime.now(UTC) - timedelta(seconds=5)).id
        db.engine.dispose()
    with Gunicorn(migrated_url["url"], workers=2, TICK_INTERVAL_S="0.1",
                  ESCALATE_AFTER_S="3600") as server:
        for _ in range(20):  # wake both workers' listeners (each starts on its first request)
            request(server, "GET", "/healthz")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _escalations(app, overdue):
            time.sleep(0.2)
        time.sleep(1.5)  # both workers keep ticking meanwhile
    assert [event.data for event in _escalations(app, overdue)] == [{"level": 1}]


def _escalations(app, request_id):
    with app.app_context():
        found = list(db.session.scalars(select(Event).where(
            Event.request_id == request_id, Event.kind == EventKind.ESCALATED)))
        db.engine.dispose()
    return found


@pytest.mark.postgres_only
@pytest.mark.parametrize("migrated_url", ["postgresql"], indirect=True)
def test_streams_resume_without_a_gap_after_a_worker_is_killed(migrated_url):
    path = f"/api/v1/stores/{migrated_url['code']}/events"
    with Gunicorn(migrated_url["url"], workers=2) as server:
        cookie = log_in(server, "maria", PASSWORD)
        streams = [EventStream(server, path, cookie=cookie, last_event_id=0) for _ in range(4)]
        created = [_submit(server, migrated_url["token"])["id"] for _ in range(3)]
        seen = [[stream.next_event() for _ in created] for stream in streams]
        server.kill_worker(server.workers()[0])
        created += [_submit(server, migrated_url["token"])["id"] for _ in range(5)]
        for number, stream in enumerate(streams):
            got = seen[number]
            while len(got) < len(created):
                try:
                    got.append(stream.next_event())
                except (ConnectionError, OSError):  # its worker died: reconnect and resume
                    stream = EventStream(server, path, cookie=cookie,
                                         last_event_id=got[-1]["sse_id"])
            assert [event["request_id"] for event in got] == created
            stream.close()

