"""Bad ids and numbers in every route and query parameter: a 4xx or a page, never a 500.

`str.isdigit` says yes to '²' and '٣', which `int` refuses or reads as 3. The walk
takes every rule of the URL map and every query parameter a handler reads (found
by reading floorapp's source for `request.args.get("…")`, so a new one is covered),
and sends each bad value as a stranger, as store A's associate and as its manager.
"""

import re
from pathlib import Path
from urllib.parse import quote

import pytest

import floorapp
from floorapp.extensions import db
from floorapp.models import User
from tests.conftest import HIGH_LIMITS
from tests.factories import TEST_PASSWORD
from tests.web.route_values import seed_store_a

BAD_NUMBERS = ["²", "٣", "-1", "+1", " 1", "1 ", "9" * 30, ""]
LIMITS = {**HIGH_LIMITS, "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
          "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute"}
# Event streams never end: their status is read, their body is not.
STREAMS = {"api_events.store_events", "api_events.request_events"}
ARGUMENT = re.compile(r"<(?:[^<>:]+:)?(\w+)>")
QUERY_NAME = re.compile(r"request\.args\.get(?:list)?\(\s*\"(\w+)\"")
PACKAGE = Path(floorapp.__file__).parent


def query_parameters() -> dict[str, set[str]]:
    """Map each floorapp module to the query parameters its code reads."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        names = set(QUERY_NAME.findall(path.read_text(encoding="utf-8")))
        if names:
            module = ".".join(("floorapp", *path.relative_to(PACKAGE).with_suffix("").parts))
            found[module] = names
    return found


def bad_requests(app, values):
    """Yield (endpoint, method, url) with one bad number in one route or query parameter."""
    per_module = query_parameters()
    routed = {app.view_functions[rule.endpoint].__module__ for rule in app.url_map.iter_rules()}
    everywhere = set().union(*(names for module, names in per_module.items()
                               if module not in routed))  # helpers any page may call
    for rule in app.url_map.iter_rules():
        names = per_module.get(app.view_functions[rule.endpoint].__module__, set()) | everywhere
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for bad in BAD_NUMBERS:
                for argument in rule.arguments:
                    yield rule.endpoint, method, _fill(rule.rule, values, argument, bad)
                for name in sorted(names):
                    url = _fill(rule.rule, values, None, "")
                    yield rule.endpoint, method, f"{url}?{name}={quote(bad)}"


def _fill(rule: str, values: dict, bad_argument: str | None, bad: str) -> str:
    def value(match):
        name = match.group(1)
        return quote(bad if name == bad_argument else str(values[name]), safe="/")
    return ARGUMENT.sub(value, rule)


@pytest.fixture
def seeded(make_app):
    app = make_app(**LIMITS)
    with app.app_context():
        values = seed_store_a()
    values["login"] = "b.associate"  # role and deactivation routes aim at another store
    return app, values


def _client(app, login: str | None):
    client = app.test_client()
    if login:
        response = client.post("/login", data={"login": login, "password": TEST_PASSWORD})
        assert response.status_code == 302
    return client


@pytest.mark.parametrize("login", [None, "a.associate", "a.manager"])
def test_no_bad_number_in_any_route_or_query_parameter_answers_a_500(seeded, login):
    app, values = seeded
    client = _client(app, login)
    failures, sent = [], 0
    for endpoint, method, url in bad_requests(app, values):
        if endpoint == "auth.logout":
            continue
        response = client.open(url, method=method, buffered=endpoint not in STREAMS)
        response.close()
        sent += 1
        if response.status_code >= 500:
            failures.append((method, url, response.status_code))
    assert sent > 500  # every route was walked
    assert failures == [], "\n".join(map(str, failures))
    if login:
        with app.app_context():
            assert db.session.scalar(db.select(User.active).filter_by(login=login))


@pytest.mark.parametrize(("url", "field"), [
    ("/stores/AAA-1/floor/availability", "zone_id"),
    ("/api/v1/me/availability", "zone_id"),
    ("/api/v1/stock-pulls", "variant_id"),
    ("/api/v1/holds", "minutes"),
])
@pytest.mark.parametrize("bad", ["²", "٣", "-1", "9" * 30])
def test_a_bad_number_in_a_form_field_is_a_4xx(seeded, url, field, bad):
    app, _ = seeded
    client = _client(app, "a.associate")
    response = client.post(url, data={field: bad, "availability": "on_floor",
                                      "customer_label": "Ms Blue"})
    assert response.status_code < 500


@pytest.mark.parametrize("bad", ["²", "٣", "-1", "9" * 30])
def test_a_bad_colleague_id_in_a_handoff_is_a_4xx(seeded, bad):
    app, values = seeded
    client = _client(app, "a.manager")
    base = f"/stores/AAA-1/floor/requests/{values['request_id']}"
    client.post(f"{base}/claim")
    page = client.post(f"{base}/handoff", data={"to_user_id": bad})
    api = client.post(f"/api/v1/help-requests/{values['request_id']}/handoff",
                      json={"to_user_id": bad})
    assert page.status_code < 500 and api.status_code < 500
    assert api.status_code == 400
