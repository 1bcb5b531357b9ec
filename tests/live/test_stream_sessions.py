"""A staff stream ends within seconds of its login session ending, whichever server ended it.

Two gunicorn servers share one database, as two hosts would: the stream is held by one,
the logout (or the deactivation, or the role change, from a third process: this test's)
happens elsewhere. Without the hub's re-check the stream would go on for hours.
"""

import pytest

from floorapp import create_app
from floorapp.services.org import users
from tests.gunicorn_server import Gunicorn
from tests.live.clients import EventStream, csrf_session, log_in, request
from tests.live.conftest import PASSWORD

FAST = {"STREAM_SESSION_CHECK_S": "0.5", "SSE_KEEPALIVE_S": "0.5"}


def _store_stream(server, migrated_url, cookie) -> EventStream:
    stream = EventStream(server, f"/api/v1/stores/{migrated_url['code']}/events", cookie=cookie,
                         timeout=5)
    assert stream.response.status == 200
    stream.wait_connected()
    return stream


def _log_out(server, migrated_url, cookie) -> None:
    cookie, csrf = csrf_session(server, cookie, f"/stores/{migrated_url['code']}/floor")
    status, _, _ = request(server, "POST", "/logout", {"csrf_token": csrf}, {"Cookie": cookie})
    assert status == 302


def _change_user(migrated_url, change) -> None:
    app = create_app({"DATABASE_URL": migrated_url["url"], "SECRET_KEY": "x"})
    with app.app_context():
        change()
        from floorapp.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("ending", ["logout", "deactivation", "role change"])
def test_a_staff_stream_ends_within_seconds_after_its_session_ends_on_another_server(
        migrated_url, ending):
    with Gunicorn(migrated_url["url"], workers=1, **FAST) as holder, \
            Gunicorn(migrated_url["url"], workers=1, **FAST) as other:
        cookie = log_in(other, "maria", PASSWORD)
        stream = _store_stream(holder, migrated_url, cookie)
        assert not stream.ends_within(2)  # a live session's stream goes on
        if ending == "logout":
            _log_out(other, migrated_url, cookie)
        elif ending == "deactivation":
            _change_user(migrated_url, lambda: users.deactivate("maria"))
        else:
            _change_user(migrated_url, lambda: users.set_role("maria", "manager"))
        assert stream.ends_within(5)
        stream.close()
        again = EventStream(holder, f"/api/v1/stores/{migrated_url['code']}/events",
                            cookie=cookie)
        assert again.response.status == 401
        again.close()


def test_a_staff_stream_ends_when_its_session_goes_idle_and_does_not_keep_it_alive(
        migrated_url):
    with Gunicorn(migrated_url["url"], workers=2, SESSION_IDLE_MINUTES="0.05", **FAST) as server:
        cookie = log_in(server, "maria", PASSWORD)
        stream = _store_stream(server, migrated_url, cookie)
        assert stream.ends_within(3 + 5)  # idle after 3 s: the open stream is not activity
        stream.close()
