"""Who sees what: associates their own store, managers manage it, admins everything."""

import re

import pytest

from floorapp.extensions import db
from floorapp.models import Role, Store, User
from tests.factories import make_store, make_user

# A page names the second it was rendered, and its CSRF token is signed with it.
CLOCK = re.compile(r'[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}|data-rendered-at="[^"]*"')


@pytest.fixture
def two_stores(app):
    """Two stores, each with a manager and an associate, and one admin."""
    with app.app_context():
        nyc = make_store(code="NYC-1", name="Fifth Avenue")
        la = make_store(code="LA-1", name="The Grove", timezone="America/Los_Angeles")
        make_user(login="nyc.manager", role=Role.MANAGER, store=nyc)
        make_user(login="nyc.associate", name="Maria Garcia", store=nyc)
        make_user(login="la.associate", name="Luis Rossi", store=la)
        make_user(login="boss", role=Role.ADMIN)


def test_anonymous_visitors_are_sent_to_the_login_page(client, two_stores):
    for path in ("/", "/stores/NYC-1", "/stores/NYC-1/settings", "/admin/stores", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login?next="), path


def test_an_associate_sees_their_store_and_its_team(client, auth, two_stores):
    auth.login("nyc.associate")
    page = client.get("/stores/NYC-1")
    assert page.status_code == 200
    assert "Fifth Avenue" in page.text and "Maria Garcia" in page.text


def test_an_associate_never_sees_another_store(client, auth, two_stores):
    auth.login("nyc.associate")
    other = client.get("/stores/LA-1")
    assert other.status_code == 404
    assert "The Grove" not in other.text and "Luis Rossi" not in other.text
    # answered exactly like a store that does not exist
    assert client.get("/stores/NOPE-1").status_code == 404


def test_an_associate_cannot_open_management_pages(client, auth, two_stores):
    auth.login("nyc.associate")
    assert client.get("/stores/NYC-1/settings").status_code == 403
    assert client.post("/stores/NYC-1/zones", data={"name": "Bags"}).status_code == 403
    assert client.get("/admin/stores").status_code == 403


def test_a_manager_changes_their_store_targets(app, client, auth, two_stores):
    auth.login("nyc.manager")
    response = client.post("/stores/NYC-1/settings", data={
        "name": "Fifth Avenue Flagship", "timezone": "America/New_York",
        "acknowledge_target_s": "45", "reach_target_s": "150"})
    assert response.status_code == 302
    with app.app_context():
        store = db.session.scalar(db.select(Store).where(Store.code == "NYC-1"))
        assert (store.name, store.acknowledge_target_s, store.reach_target_s) == (
            "Fifth Avenue Flagship", 45, 150)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("timezone", "Mars/Olympus", "Unknown time zone"),
    ("acknowledge_target_s", "-5", "between 1 and 3600"),
    ("reach_target_s", "soon", "whole number of seconds"),
    ("name", "   ", "name is required"),
])
def test_bad_store_settings_are_refused_and_change_nothing(
        app, client, auth, two_stores, field, value, message):
    auth.login("nyc.manager")
    form = {"name": "Renamed", "timezone": "America/New_York",
            "acknowledge_target_s": "45", "reach_target_s": "150", field: value}
    response = client.post("/stores/NYC-1/settings", data=form)
    assert response.status_code == 400
    assert message in response.text
    with app.app_context():
        store = db.session.scalar(db.select(Store).where(Store.code == "NYC-1"))
        assert (store.name, store.acknowledge_target_s) == ("Fifth Avenue", 60)


def test_a_manager_cannot_manage_another_store(client, auth, two_stores):
    auth.login("nyc.manager")
    assert client.get("/stores/LA-1/settings").status_code == 404
    assert client.post("/stores/LA-1/zones", data={"name": "Bags"}).status_code == 404


def test_a_manager_adds_a_zone_once(app, client, auth, two_stores):
    auth.login("nyc.manager")
    assert client.post("/stores/NYC-1/zones", data={"name": "Handbags"}).status_code == 302
    again = client.post("/stores/NYC-1/zones", data={"name": "Handbags"})
    assert again.status_code == 409
    assert "already has a zone" in again.text


def test_a_manager_adds_an_associate_to_their_store_but_not_a_manager(app, client, auth,
                                                                     two_stores):
    auth.login("nyc.manager")
    person = {"name": "Aisha Okafor", "login": "aisha", "password": "long-enough-pw"}
    assert client.post("/stores/NYC-1/staff", data={**person, "role": "associate"}
                       ).status_code == 302
    refused = client.post("/stores/NYC-1/staff",
                          data={**person, "login": "aisha2", "role": "manager"})
    assert refused.status_code == 403
    with app.app_context():
        aisha = db.session.scalar(db.select(User).where(User.login == "aisha"))
        assert aisha.role is Role.ASSOCIATE and aisha.home_store.code == "NYC-1"
        assert db.session.scalar(db.select(User).where(User.login == "aisha2")) is None


def test_a_manager_deactivates_an_associate_of_their_store_only(app, client, auth, two_stores):
    auth.login("nyc.manager")
    assert client.post("/users/la.associate/deactivate").status_code == 404
    assert client.post("/users/nyc.associate/deactivate").status_code == 302
    assert client.post("/users/nyc.manager/deactivate").status_code == 409
    with app.app_context():
        la = db.session.scalar(db.select(User).where(User.login == "la.associate"))
        assert la.active


def _answers(client, method: str, path: str, **kwargs) -> list[tuple[int, str]]:
    """Return (status, body) for a page and for a JSON client, with the login masked."""
    login = path.split("/")[2]
    return [(response.status_code, CLOCK.sub("", response.text.replace(login, "LOGIN")))
            for response in (
        client.open(path, method=method, **kwargs),
        client.open(path, method=method, headers={"Accept": "application/json"}, **kwargs))]


NOT_THEIRS = {"nyc.manager": ("la.associate", "boss"),
              "nyc.associate": ("nyc.manager", "la.associate", "boss"),
              "la.associate": ("nyc.manager", "nyc.associate", "boss")}


@pytest.mark.parametrize("who", NOT_THEIRS)
@pytest.mark.parametrize("route", [("POST", "/users/{}/deactivate", {}),
                                   ("POST", "/users/{}/role", {"data": {"role": "manager"}})])
def test_a_login_you_may_not_manage_is_answered_like_a_login_that_does_not_exist(
        app, client, auth, two_stores, who, route):
    method, pattern, kwargs = route
    auth.login(who)
    unknown = _answers(client, method, pattern.format("no.such.person"), **kwargs)
    assert unknown[0][0] in (403, 404)
    for known in NOT_THEIRS[who]:
        assert _answers(client, method, pattern.format(known), **kwargs) == unknown, known
    with app.app_context():
        assert all(db.session.scalars(db.select(User.active)))


def test_an_admin_sees_every_store_and_creates_one(app, client, auth, two_stores):
    auth.login("boss")
    listing = client.get("/admin/stores")
    assert "NYC-1" in listing.text and "LA-1" in listing.text
    assert client.get("/stores/LA-1").status_code == 200
    created = client.post("/admin/stores", data={
        "code": "chi-1", "name": "Michigan Avenue", "timezone": "America/Chicago"})
    assert created.headers["Location"] == "/stores/CHI-1/settings"
    duplicate = client.post("/admin/stores", data={
        "code": "CHI-1", "name": "Again", "timezone": "America/Chicago"})
    assert duplicate.status_code == 409


def test_an_admin_changes_roles_but_not_their_own(app, client, auth, two_stores):
    auth.login("boss")
    assert client.post("/users/nyc.associate/role", data={"role": "manager"}).status_code == 302
    assert client.post("/users/boss/role", data={"role": "associate"}).status_code == 409
    assert client.post("/users/nyc.associate/role", data={"role": "emperor"}).status_code == 400
    with app.app_context():
        promoted = db.session.scalar(db.select(User).where(User.login == "nyc.associate"))
        assert promoted.role is Role.MANAGER


def test_a_role_change_logs_the_user_out_everywhere(app, client, auth, two_stores):
    auth.login("nyc.associate")
    admin = app.test_client()
    admin.post("/login", data={"login": "boss", "password": "correct-horse-battery"})
    admin.post("/users/nyc.associate/role", data={"role": "manager"})
    assert client.get("/stores/NYC-1").status_code == 302


def test_a_manager_cannot_reach_admin_pages(client, auth, two_stores):
    auth.login("nyc.manager")
    assert client.get("/admin/users").status_code == 403
    assert client.post("/users/nyc.associate/role", data={"role": "manager"}).status_code == 403


@pytest.mark.parametrize("code", ["x" * 300, "nyc 1", "NYC-1;DROP"])
def test_a_malformed_store_code_is_simply_not_found(client, auth, two_stores, code):
    auth.login("nyc.associate")
    assert client.get(f"/stores/{code}").status_code == 404
