"""Signed-in answers are never kept by a browser or proxy, except the pages kept for a dead
spot, and every answer says which login session it belongs to (never the session's token).
"""

from datetime import timedelta

import pytest

from floorapp.extensions import db
from floorapp.models import LoginSession, Role, Store
from floorapp.services.org import tokens, users
from floorapp.web.caching import OFFLINE_ENDPOINTS, SESSION_HEADER
from tests.factories import make_store, make_user
from tests.web.route_values import walk

# Files, the app's own description and product pictures: the same for everybody, so they
# keep their own caching.
ASSETS = {"static", "pwa.icon", "pwa.manifest", "pwa.service_worker", "lookup.image",
          "pwa.customer_service_worker"}


def _headers_of(client, url, **kwargs):
    response = client.get(url, **kwargs)
    headers = response.headers
    response.close()  # a live stream (events) is not read to its end
    return response.status_code, headers


def _sid(client) -> str:
    with client.session_transaction() as stored:
        return stored["sid"]


def test_every_signed_in_answer_is_no_store_but_the_pages_kept_for_a_dead_spot(
        app, client, auth, store_a):
    auth.login(store_a["login"])
    sid = _sid(client)
    seen = set()
    for endpoint, method, url in walk(app, store_a):
        if method != "GET" or endpoint in ASSETS:
            continue
        status, headers = _headers_of(client, url)
        tag = headers[SESSION_HEADER]
        assert tag not in ("", "none") and sid not in tag, (url, tag)
        assert not any(sid in value for _, value in headers.items()), url
        if endpoint in OFFLINE_ENDPOINTS and status == 200:
            assert headers["Cache-Control"] == "private, no-cache", url
            assert "Cookie" in headers["Vary"], url
            seen.add(endpoint)
        else:
            # a customer's photo says more (private as well), never less
            assert headers["Cache-Control"] in ("no-store", "private, no-store"), (url, status)
    assert seen == OFFLINE_ENDPOINTS, "every page kept offline was walked and answered"


def test_the_pages_kept_offline_are_the_associates_floor_pages_only():
    assert "floor.queue" in OFFLINE_ENDPOINTS
    for private in ("dashboard.dashboard", "catalog_admin.tokens_page", "manage.settings"):
        assert private not in OFFLINE_ENDPOINTS


def test_api_answers_to_a_token_are_no_store_even_when_refused(app, client, store_a):
    with app.app_context():
        store = db.session.scalar(db.select(Store).where(Store.code == store_a["code"]))
        raw = tokens.create_token(name="Reader", store=store, scopes=["stock:write"],
                                  created_by=None)[1]
    for header in (f"Bearer {raw}", "Bearer wrong-token"):
        status, headers = _headers_of(client, "/api/v1/products?q=a",
                                      headers={"Authorization": header})
        assert headers["Cache-Control"] == "no-store", (header, status)


def test_each_login_is_its_own_session_and_keeps_its_tag(app, client, auth):
    with app.app_context():
        make_user(login="maria", store=make_store(code="NYC-1"))
    auth.login("maria")
    first = _headers_of(client, "/stores/NYC-1")[1][SESSION_HEADER]
    assert _headers_of(client, "/stores/NYC-1/floor")[1][SESSION_HEADER] == first
    auth.logout()
    auth.login("maria")
    second = _headers_of(client, "/stores/NYC-1")[1][SESSION_HEADER]
    assert second not in (first, "none")


def test_anonymous_answers_say_none_and_public_pages_keep_their_caching(client):
    for url in ("/login", "/stores/NYC-1", "/offline"):
        status, headers = _headers_of(client, url)
        assert headers[SESSION_HEADER] == "none", url
        assert "no-store" not in headers.get("Cache-Control", ""), url
    assert "max-age=86400" in _headers_of(client, "/icons/icon-192.png")[1]["Cache-Control"]


def test_logging_out_answers_none(app, client, auth):
    with app.app_context():
        make_user(login="maria", store=make_store(code="NYC-1"))
    auth.login("maria")
    assert auth.logout().headers[SESSION_HEADER] == "none"


def _expire(app):
    with app.app_context():
        row = db.session.scalar(db.select(LoginSession))
        row.last_seen_at -= timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
        db.session.commit()


@pytest.mark.parametrize("ending", ["idle", "deactivated", "role changed"])
def test_the_first_answer_after_a_session_ends_says_none(app, client, auth, ending):
    with app.app_context():
        make_user(login="maria", store=make_store(code="NYC-1"))
    auth.login("maria")
    assert _headers_of(client, "/stores/NYC-1/floor")[1][SESSION_HEADER] != "none"
    if ending == "idle":
        _expire(app)
    with app.app_context():
        if ending == "deactivated":
            users.deactivate("maria")
        elif ending == "role changed":
            users.set_role("maria", Role.MANAGER)
    status, headers = _headers_of(client, "/stores/NYC-1/floor")
    assert status == 302 and headers[SESSION_HEADER] == "none"


def test_the_service_worker_shows_pages_offline_a_minute_less_than_the_idle_window(make_app):
    worker = make_app(SESSION_IDLE_MINUTES=10).test_client().get("/sw.js").text
    assert "const OFFLINE_WINDOW_MS = 540000;" in worker
    shorter = make_app(SESSION_IDLE_MINUTES=0.5).test_client().get("/sw.js").text
    assert "const OFFLINE_WINDOW_MS = 0;" in shorter  # never longer than the session lives
