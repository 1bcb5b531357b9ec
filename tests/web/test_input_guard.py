"""Control characters, deep JSON and bad `next` targets are refused before any handler.

The guard (floorapp/web/wire.py) runs first of all before-request functions, so it
sees forms that Flask-WTF's CSRF check has already parsed, multipart forms and JSON
alike. Each refusal is a 400 that changes nothing, on both backends.
"""

import re

import pytest
from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import LoginSession, Role, Zone
from floorapp.web.redirects import safe_next
from tests.conftest import HIGH_LIMITS
from tests.factories import TEST_PASSWORD, make_sign, make_store, make_user, sign_pass

CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def _zone_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Zone))


@pytest.fixture
def manager_app(make_app):
    """A CSRF-protected app with a store whose manager is logged in through the form."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        store = make_store(code="AAA-1", zones=("Shoes",))
        make_user(login="boss", role=Role.MANAGER, store=store)
    client = app.test_client()
    token = _csrf(client.get("/login").text)
    client.post("/login", data={"login": "boss", "password": TEST_PASSWORD, "csrf_token": token})
    return app, client


@pytest.mark.parametrize("control", CONTROLS)
def test_a_zone_name_with_a_control_character_is_refused_on_a_csrf_protected_form(
        manager_app, control):
    app, client = manager_app
    before = _zone_count(app)
    token = _csrf(client.get("/stores/AAA-1/settings").text)
    response = client.post("/stores/AAA-1/zones",
                           data={"name": f"Bad{control}Zone", "csrf_token": token})
    assert response.status_code == 400
    assert "control character" in response.text
    assert _zone_count(app) == before


def test_a_zone_name_with_a_nul_sent_as_multipart_is_refused(manager_app):
    app, client = manager_app
    before = _zone_count(app)
    token = _csrf(client.get("/stores/AAA-1/settings").text)
    response = client.post("/stores/AAA-1/zones", content_type="multipart/form-data",
                           data={"name": "Bad\x00Zone", "csrf_token": token})
    assert response.status_code == 400
    assert _zone_count(app) == before


@pytest.fixture
def submit_url(make_app):
    """A client and the URL that submits a help request to a real sign (limits raised)."""
    app = make_app(**HIGH_LIMITS)
    with app.app_context():
        token = make_sign().token
    return app.test_client(), f"/api/v1/signs/{token}/help-requests"


def test_a_multi_line_note_may_hold_line_breaks_and_tabs_but_no_other_control(submit_url):
    client, url = submit_url
    token = url.split("/")[4]
    ok = client.post(url, json={"need": "other", "note": "line one\r\nline\ttwo",
                                "sign_pass": sign_pass(client, token)})
    bad = client.post(url, json={"need": "other", "note": "ring\x07bell"})
    assert ok.status_code < 400, ok.get_json()
    assert bad.status_code == 400
    assert bad.get_json()["error"]["code"] == "control_character"


@pytest.mark.parametrize("text", ["Bad\nZone", "Bad\tZone", "Bad\rZone"])
def test_a_single_line_field_refuses_line_breaks_and_tabs(manager_app, text):
    app, client = manager_app
    before = _zone_count(app)
    token = _csrf(client.get("/stores/AAA-1/settings").text)
    response = client.post("/stores/AAA-1/zones", data={"name": text, "csrf_token": token})
    assert response.status_code == 400
    assert _zone_count(app) == before


@pytest.mark.parametrize("control", CONTROLS + ["\n"])
def test_a_control_character_in_the_query_string_is_refused(client, control):
    response = client.get("/api/v1/catalog/search", query_string={"q": f"shoe{control}"})
    assert response.status_code == 400


def test_control_characters_nested_inside_json_are_refused(submit_url):
    client, url = submit_url
    response = client.post(url, json={"need": "other", "extra": {"deep": ["ok", "no\x1bway"]}})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "control_character"


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
def test_deeply_nested_json_is_a_400_not_a_500(submit_url, opener):
    client, url = submit_url
    response = client.post(url, data=opener * (15000 // len(opener)),
                           content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"


def test_json_nested_deeper_than_any_api_body_needs_is_refused(submit_url):
    client, url = submit_url
    body = b'{"need": "other", "a":' + b'{"a":' * 40 + b"1" + b"}" * 41
    response = client.post(url, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "json_too_deep"


@pytest.mark.parametrize("target", [
    "/floor\r\nSet-Cookie: x=1", "/floor\n", "/\t/evil.example", "//evil.example",
    "/\\evil.example", "https://evil.example/", "floor", "/fl\x00oor", "/x\x85",
])
def test_an_unsafe_next_target_is_dropped(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/floor", "/stores/AAA-1/floor?tab=mine", "/"])
def test_a_path_on_this_site_is_a_safe_next_target(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/floor\r\nSet-Cookie: x=1", "/x%0d%0aLocation:%20//evil"])
def test_a_line_break_in_next_on_login_is_a_400_and_starts_no_session(app, client, target):
    with app.app_context():
        make_user(login="maria")
    response = client.post(f"/login?next={target}",
                           data={"login": "maria", "password": TEST_PASSWORD})
    assert response.status_code in (302, 400)
    assert "\n" not in response.headers.get("Location", "")
    with app.app_context():
        sessions = db.session.scalar(select(func.count()).select_from(LoginSession))
    assert sessions == (1 if response.status_code == 302 else 0)
