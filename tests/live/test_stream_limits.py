"""Caps on open streams, counted in the database across servers; pages answer at the cap."""

import json
import time

import requests

from tests.factories import sign_pass
from tests.gunicorn_server import Gunicorn
from tests.live.clients import EventStream, log_in, request
from tests.live.conftest import PASSWORD

FAST = {"STREAM_LEASE_RENEW_S": "0.5", "SSE_KEEPALIVE_S": "1"}


def _submit(server, token) -> dict:
    status, body, _ = request(server, "POST", f"/api/v1/signs/{token}/help-requests",
                              {"need": "find_size", "note": "",
                               "sign_pass": sign_pass(server.url, token)})
    assert status == 201, body
    return body


def _public(server, help_request, **kwargs) -> EventStream:
    return EventStream(server, f"/api/v1/help-requests/{help_request['public_token']}/events",
                       **kwargs)


def _assert_too_many(stream: EventStream) -> None:
    assert stream.response.status == 429
    assert int(stream.response.getheader("Retry-After")) >= 1
    body = json.loads(stream.response.read())
    assert body["error"]["code"] == "too_many_streams" and body["error"]["message"]
    stream.close()


def test_public_streams_past_the_token_and_address_caps_get_429_on_any_server(migrated_url):
    caps = {"STREAMS_PER_PUBLIC_TOKEN": "3", "STREAMS_PER_ADDRESS": "4", **FAST}
    with Gunicorn(migrated_url["url"], workers=1, **caps) as first, \
            Gunicorn(migrated_url["url"], workers=1, **caps) as second:
        mine, other = _submit(first, migrated_url["token"]), _submit(first, migrated_url["token"])
        held = [_public(server, mine) for server in (first, second, first)]
        assert [stream.response.status for stream in held] == [200, 200, 200]
        _assert_too_many(_public(second, mine))  # the token's 4th stream, on either server
        held.append(_public(second, other))
        assert held[-1].response.status == 200
        _assert_too_many(_public(first, other))  # the address's 5th stream
        held.pop().close()  # a closed stream gives its place back
        deadline = time.monotonic() + 5
        while (again := _public(first, other)).response.status != 200:
            assert time.monotonic() < deadline, "the closed stream's lease was never dropped"
            again.close()
            time.sleep(0.2)
        for stream in [*held, again]:
            stream.close()


def test_staff_streams_past_the_session_cap_get_429(migrated_url):
    with Gunicorn(migrated_url["url"], workers=2, STREAMS_PER_SESSION="2", **FAST) as server:
        cookie = log_in(server, "maria", PASSWORD)
        path = f"/api/v1/stores/{migrated_url['code']}/events"
        held = [EventStream(server, path, cookie=cookie) for _ in range(2)]
        assert [stream.response.status for stream in held] == [200, 200]
        _assert_too_many(EventStream(server, path, cookie=cookie))
        for stream in held:
            stream.close()


def test_the_lease_of_a_killed_worker_expires(migrated_url):
    with Gunicorn(migrated_url["url"], workers=1, STREAMS_PER_PUBLIC_TOKEN="1", **FAST) as server:
        mine = _submit(server, migrated_url["token"])
        held = _public(server, mine)
        assert held.response.status == 200
        _assert_too_many(_public(server, mine))
        server.kill_worker(server.workers()[0])  # its lease is never deleted, only not renewed
        server.wait_ready()
        deadline = time.monotonic() + 10
        while (again := _public(server, mine, timeout=3)).response.status != 200:
            assert time.monotonic() < deadline, "the dead worker's lease still counts"
            again.close()
            time.sleep(0.3)
        again.close()
        held.close()


def test_healthz_and_a_page_answer_quickly_while_streams_are_at_the_cap(migrated_url):
    # 50 connections a worker, every one of them a stream, used to leave /healthz hanging.
    with Gunicorn(migrated_url["url"], workers=1,
                  env={"GUNICORN_CMD_ARGS": "--worker-connections=50"},
                  STREAMS_PER_PUBLIC_TOKEN="100", STREAMS_PER_ADDRESS="100", **FAST) as server:
        mine = _submit(server, migrated_url["token"])
        opened, refused = [], 0
        for _ in range(55):
            try:
                stream = _public(server, mine, timeout=3)
            except OSError:  # not even answered: the worker has no connection left
                continue
            if stream.response.status == 429:
                refused += 1
                stream.close()
            else:
                opened.append(stream)
        assert refused >= 5 and len(opened) <= 45
        for path in ("/healthz", f"/h/{mine['public_token']}"):
            started = time.monotonic()
            answer = requests.get(f"{server.url}{path}", timeout=5)
            assert answer.status_code == 200
            assert time.monotonic() - started < 2, path
        for stream in opened:
            stream.close()


def test_a_stream_ends_at_its_longest_life_and_the_client_resumes_after_its_last_event(
        migrated_url):
    with Gunicorn(migrated_url["url"], workers=1, STREAM_MAX_S="2", **FAST) as server:
        mine = _submit(server, migrated_url["token"])
        stream = _public(server, mine, last_event_id=0)
        first = stream.next_event()
        assert stream.ends_within(6)
        stream.close()
        resumed = _public(server, mine, last_event_id=first["sse_id"])
        assert resumed.response.status == 200
        resumed.wait_connected()
        resumed.close()
