"""Bad input on the wire, sent to every POST and PUT route of the API: 4xx, never 500.

The routes come from the app's URL map, so a route added later is covered too. Each
is called as a logged-in manager with real path values, so the body is really read.
"""

import re

import pytest

from floorapp.models import Role
from floorapp.services.help import availability, coverage
from tests.conftest import HIGH_LIMITS
from tests.factories import make_product, make_user, submit_request

MAX_BODY = 4096
# Not RATELIMIT_ENABLED=False: Flask-Limiter keeps that on its one shared instance, so it
# would switch the limits off for every later test's app too.
# Each attack: (content type, body, extra query string). The body is bytes as sent.
ATTACKS = {
    "oversized_json": ("application/json", b'{"note": "' + b"x" * (2 * MAX_BODY) + b'"}', ""),
    "oversized_form": ("application/x-www-form-urlencoded", b"note=" + b"x" * (2 * MAX_BODY),
                       ""),
    "invalid_utf8_json": ("application/json", b'{"need": "find_size", "note": "\xff\xfe"}', ""),
    "invalid_utf8_form": ("application/x-www-form-urlencoded",
                          b"need=find_size&note=%ff%fe&customer_label=%c3%28", ""),
    "broken_json": ("application/json", b'{"need": "find_', ""),
    "json_not_an_object": ("application/json", b'["need", "find_size"]', ""),
    "wrong_content_type": ("text/plain", b'{"need": "find_size", "outcome": "sold"}', ""),
    "xml": ("application/xml", b"<need>find_size</need>", ""),
    "nul_bytes_json": ("application/json",
                       b'{"need": "find_size", "note": "a\\u0000b", "product": "\\u0000",'
                       b' "customer_label": "x\\u0000", "variant_id": 1, "minutes": 5,'
                       b' "outcome": "sold", "status": "picked", "floor": 1, "stockroom": 1,'
                       b' "bin": "\\u0000", "availability": "on_floor", "store": "\\u0000"}',
                       ""),
    "nul_bytes_form": ("application/x-www-form-urlencoded",
                       b"need=find_size&note=a%00b&idempotency_key=k%00", ""),
    "nul_bytes_query": ("application/json", b"{}", "store=%00&q=%00"),
    "control_characters_json": ("application/json",
                                b'{"need": "other", "note": "\\u001b[2J", "customer_label":'
                                b' "x\\u0085", "bin": "\\u007f", "variant_id": 1, "minutes": 5}',
                                ""),
    "control_characters_form": ("application/x-www-form-urlencoded",
                                b"need=other&customer_label=a%1bb&bin=%c2%85", ""),
    "control_characters_multipart": ("multipart/form-data; boundary=b",
                                     b'--b\r\nContent-Disposition: form-data; name="need"'
                                     b"\r\n\r\no\x00ther\r\n--b--\r\n", ""),
    "deeply_nested_json": ("application/json", b"[" * 4000, ""),
    "deeply_nested_object": ("application/json", b'{"a":' * 800, ""),
    "unicode_digits_json": ("application/json",
                            '{"variant_id": "²", "minutes": "٣", "zone_id": "²",'
                            ' "to_user_id": "²", "floor": "²", "stockroom": "٣"}'.encode(), ""),
    "unicode_digits_form": ("application/x-www-form-urlencoded",
                            "variant_id=²&minutes=٣&zone_id=²&to_user_id=²&floor=²"
                            "&customer_label=x&availability=on_floor".encode(), ""),
    "huge_numbers_form": ("application/x-www-form-urlencoded",
                          b"variant_id=" + b"9" * 30 + b"&minutes=" + b"9" * 30 + b"&zone_id="
                          + b"9" * 30 + b"&to_user_id=" + b"9" * 30, ""),
    "huge_query_string": ("application/json", b"{}", "q=" + "x" * 65536),
    "huge_idempotency_key": ("application/json", b'{"idempotency_key": "' + b"k" * 5000 + b'"}',
                             ""),
}


@pytest.fixture
def wired(make_app):
    """An app with a small body limit, a manager logged in, and real path values."""
    app = make_app(MAX_CONTENT_LENGTH=MAX_BODY, **HIGH_LIMITS)
    with app.app_context():
        help_request = submit_request()
        store = help_request.store
        boss = make_user(login="boss", store=store, role=Role.MANAGER)
        availability.set_availability(boss, "on_floor")
        away = make_user(login="away", store=store)
        availability.set_availability(away, "on_floor")
        availability.set_availability(away, "on_break", backup_id=boss.id)
        product = make_product(stock={store: {("8", ""): (1, 1)}})
        values = {"sign_token": help_request.sign.token, "request_id": help_request.id,
                  "code": store.code, "sku": product.variants_by_key[("8", "")].sku,
                  "pull_id": 1, "hold_id": 1, "product_id": product.id,
                  "public_token": help_request.public_token,
                  "break_id": coverage.open_break(away.id).id}
    client = app.test_client()
    client.post("/login", data={"login": "boss", "password": "correct-horse-battery"})
    return app, client, values


def _write_urls(app, values) -> list[tuple[str, str]]:
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            for move in _choices(rule.rule) or [None]:
                path = re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]),
                              re.sub(r"<any\([^)]*\):move>", str(move), rule.rule))
                urls.append((method, path))
    return urls


def _choices(rule: str) -> list[str]:
    found = re.search(r"<any\(([^)]*)\):\w+>", rule)
    return [c.strip() for c in found.group(1).split(",")] if found else []


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_bad_input_to_any_write_route_answers_a_json_4xx_never_a_500(wired, attack):
    app, client, values = wired
    content_type, body, query = ATTACKS[attack]
    urls = _write_urls(app, values)
    assert len(urls) >= 10  # the API's write routes were found
    failures = []
    for method, path in urls:
        response = client.open(f"{path}?{query}" if query else path, method=method,
                               data=body, content_type=content_type)
        if response.status_code >= 500 or (
                response.status_code >= 400 and "error" not in (response.get_json() or {})):
            failures.append((method, path, response.status_code, response.data[:200]))
        if attack.startswith("oversized") and response.status_code != 413:
            failures.append((method, path, response.status_code, "expected 413"))
    assert failures == []
