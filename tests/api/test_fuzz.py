"""Schemathesis fuzzes every operation of /api/v1/openapi.json: no 5xx, no answer off-schema.

Each operation runs twice: as a manager (session cookie) and as an integration (a
Bearer token with every scope). Half the cases get real path values (the seeded
sign, request, product, store), so the fuzzer reaches past the 404s. On SQLite only,
with a bounded number of examples, to stay fast in CI.

The two Server-Sent Event streams are left out: they never end (a fuzzer would wait
for a body that does not finish) and their answer is not JSON; tests/reliability and
tests/api/test_help_api.py drive them.
"""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from floorapp import create_app
from floorapp.api.openapi import document
from floorapp.extensions import db
from floorapp.models import Role
from floorapp.services.help import availability
from floorapp.services.org import tokens
from tests.conftest import HIGH_LIMITS
from tests.factories import TEST_PASSWORD, make_product, make_sign, make_user, submit_request

EXAMPLES = 25
CHECKS = [checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]
_turns = itertools.count()


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """An app on SQLite with one store's worth of real things, and the ways to call it."""
    path = tmp_path_factory.mktemp("fuzz") / "floorapp.sqlite3"
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "fuzz", "WTF_CSRF_ENABLED": False, **HIGH_LIMITS})
    with app.app_context():
        db.create_all()
        real = _seed()
    client = app.test_client()
    client.post("/login", data={"login": real.pop("login"), "password": TEST_PASSWORD})
    cookie = client.get_cookie("session")
    return {"app": app, "real": real, "ways": {
        "session": {"cookies": {"session": cookie.value}},
        "token": {"headers": {"Authorization": f"Bearer {real.pop('token')}"}}}}


def _seed() -> dict:
    sign = make_sign()
    store = sign.zone.store
    manager = make_user(login="fuzz-boss", store=store, role=Role.MANAGER)
    associate = make_user(login="fuzz-assoc", store=store)
    availability.set_availability(associate, "on_floor")
    help_request = submit_request(sign=sign)
    product = make_product(stock={store: {("8", ""): (2, 3)}})
    variant = product.variants_by_key[("8", "")]
    _, raw = tokens.create_token(name="fuzz", store=store, scopes=list(tokens.SCOPES),
                                 created_by=manager)
    return {"login": manager.login, "token": raw, "sign_token": sign.token,
            "public_token": help_request.public_token, "request_id": help_request.id,
            "request": str(help_request.id),  # the thread's paths: an id or a token
            "code": store.code, "product_id": product.id, "sku": variant.sku,
            "variant_id": variant.id, "to_user_id": associate.id}


# The document is static, so it loads at collection; the calls go to the fixture's app.
schema = schemathesis.openapi.from_dict(document()).exclude(path_regex=r"/events$")


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_a_manager_session_never_gets_a_5xx_or_an_answer_off_the_schema(case, fuzzed):
    _call_and_check(case, fuzzed, "session")


@schema.parametrize()
@FUZZ
def test_an_api_token_never_gets_a_5xx_or_an_answer_off_the_schema(case, fuzzed):
    _call_and_check(case, fuzzed, "token")


def _call_and_check(case, fuzzed, way: str) -> None:
    if next(_turns) % 2:  # every other case names things that exist
        for name in case.path_parameters or {}:
            if name in fuzzed["real"]:
                case.path_parameters[name] = fuzzed["real"][name]
    response = case.call(app=fuzzed["app"], **fuzzed["ways"][way])
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    case.validate_response(response, checks=CHECKS)
