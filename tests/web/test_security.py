"""Security headers, cookies and sessions: each test fails if its protection is removed."""

from datetime import timedelta

import pytest

from floorapp.extensions import db
from floorapp.models import LoginSession
from tests.factories import make_store, make_user

PATHS = ["/login", "/healthz", "/api/v1/openapi.json", "/no-such-page", "/static/css/app.css"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "http" not in policy  # no other origin is allowed anywhere
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP: no HSTS


def test_hsts_is_sent_over_https(client):
    response = client.get("/login", base_url="https://floor.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_https_counts_only_behind_a_configured_proxy(make_app):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    direct = make_app().test_client().get("/login", headers=forwarded)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = make_app(PROXY_COUNT=1).test_client().get("/login", headers=forwarded)
    assert "Strict-Transport-Security" in proxied.headers


def test_the_session_cookie_is_httponly_lax_and_secure_when_configured(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    with app.app_context():
        make_user(login="maria")
    response = client.post("/login", data={"login": "maria",
                                           "password": "correct-horse-battery"},
                           base_url="https://floor.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    assert not any("remember_token" in c for c in response.headers.getlist("Set-Cookie"))


def test_login_starts_a_fresh_session(app, client, auth):
    with app.app_context():
        make_user(login="maria")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    auth.login("maria")
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["sid"]


def test_a_copied_cookie_stops_working_after_logout(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
    auth.login("maria")
    stolen = client.get_cookie("session").value
    auth.logout()
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/stores/NYC-1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def _logged_in_with_idle_limit(make_app):
    """Return an app whose sessions idle out after 10 minutes, and maria's logged-in client."""
    app = make_app(SESSION_IDLE_MINUTES=10)
    client = app.test_client()
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
    client.post("/login", data={"login": "maria", "password": "correct-horse-battery"})
    return app, client


def _idle_for(app, minutes: int) -> None:
    """Move the login session's last use `minutes` into the past."""
    with app.app_context():
        login = db.session.scalar(db.select(LoginSession))
        login.last_seen_at -= timedelta(minutes=minutes)
        db.session.commit()


def test_an_idle_session_ends_on_the_server(make_app):
    app, client = _logged_in_with_idle_limit(make_app)
    assert client.get("/stores/NYC-1").status_code == 200
    _idle_for(app, 11)
    assert client.get("/stores/NYC-1").status_code == 302


def test_an_active_session_is_kept_alive_by_use(make_app):
    app, client = _logged_in_with_idle_limit(make_app)
    _idle_for(app, 9)
    assert client.get("/stores/NYC-1").status_code == 200
    _idle_for(app, 9)  # 9 minutes after the last use
    assert client.get("/stores/NYC-1").status_code == 200


def test_an_oversized_body_is_refused_with_413(make_app):
    client = make_app(MAX_CONTENT_LENGTH=1024).test_client()
    page = client.post("/login", data={"login": "x" * 5000, "password": "y"})
    assert page.status_code == 413
    assert "Too large" in page.text


def test_invalid_utf8_in_a_form_is_a_4xx_not_a_500(client):
    response = client.post("/login", data=b"login=\xff\xfe&password=\xc3\x28",
                           content_type="application/x-www-form-urlencoded")
    assert 400 <= response.status_code < 500


def test_a_huge_query_string_is_not_a_500(client):
    response = client.get("/login?next=/" + "a" * 100_000)
    assert response.status_code < 500


def test_reading_pages_does_not_resign_the_cookie_and_it_outlives_a_shift(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="maria", store=store)
    login = auth.login("maria")
    cookie = next(h for h in login.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Expires=" in cookie  # a persistent cookie, valid for SESSION_COOKIE_HOURS
    assert app.permanent_session_lifetime == timedelta(hours=app.config["SESSION_COOKIE_HOURS"])
    client.get("/stores/NYC-1")  # the first page puts its CSRF token into the session
    response = client.get("/stores/NYC-1")
    assert response.status_code == 200
    assert not any(h.startswith("session=") for h in response.headers.getlist("Set-Cookie"))
