"""Every registered route, walked as a stranger and as another store's associate.

Routes come from the app's own URL map, so a new route is checked without anyone
remembering to add it here. Public and chain-wide routes are listed on purpose below.
"""

import pytest

from floorapp.models import Role
from floorapp.services import pulls, stock, tokens
from tests.factories import make_help_request, make_product, make_sign, make_store, make_user

# Routes anyone may call: each is public by design (customers, the installable app).
PUBLIC_ENDPOINTS = {
    "static", "health.healthz", "auth.login", "api.openapi",
    "pwa.manifest", "pwa.icon", "pwa.service_worker", "pwa.offline",
    "customer.sign", "customer.status", "customer.cancel", "customer.rate",
    "api_help.submit", "api_help.status", "api_help.products", "api_help.sign",
    "api_events.request_events",
}
# Routes for any logged-in user that name no store: they act on the caller or in the
# caller's own store, or show the chain-wide catalog with the caller's store's figures.
OWN_ENDPOINTS = {
    "home.index", "auth.logout", "api_queue.set_availability",
    "catalog_api.search", "catalog_api.product", "catalog_api.by_code",
    "catalog_api.create_pull", "catalog_api.create_hold",
    "lookup.start", "lookup.image",
}
DENIED = {401, 403, 404, 405}


@pytest.fixture
def store_a(app):
    """A store with a manager, a sign, a help request, a pull and a hold; a store B associate."""
    with app.app_context():
        store = make_store(code="AAA-1", name="Alpha Flagship", zones=("Shoes",))
        manager = make_user(login="a.manager", role=Role.MANAGER, store=store)
        sign = make_sign(zone=store.zones[0])
        help_request = make_help_request(sign=sign, note="blue jacket")
        product = make_product(stock={store: {("9", ""): (2, 3)}})
        variant = product.variants_by_key[("9", "")]
        pull = pulls.ask_for_pull(store=store, variant_id=variant.id, user=manager)
        hold = stock.place_hold(store=store, variant_id=variant.id, customer_label="Ms Blue",
                                minutes=30, user=manager)
        token, _ = tokens.create_token(name="POS", store=store, scopes=["stock:write"],
                                       created_by=manager)
        make_user(login="b.associate", store=make_store(code="BBB-1"))
        return {"code": store.code, "login": manager.login, "sign_token": sign.token,
                "sign_id": sign.id, "public_token": help_request.public_token,
                "request_id": help_request.id, "move": "claim", "product_id": product.id,
                "sku": variant.sku, "pull_id": pull.id, "hold_id": hold.id,
                "variant_id": variant.id, "status": "picked", "token_id": token.id,
                "filename": "css/app.css", "name": "icon-192"}


def walk(app, values):
    """Yield (endpoint, method, url) for every route, filled with store A's values."""
    for rule in app.url_map.iter_rules():
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: give the route walk a value for {missing}"
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_strangers_get_no_data_from_any_private_route(app, client, store_a):
    for endpoint, method, url in walk(app, store_a):
        if endpoint in PUBLIC_ENDPOINTS:
            continue
        response = client.open(url, method=method, buffered=True)
        to_login = response.status_code == 302 and response.headers["Location"].startswith(
            "/login")
        assert to_login or response.status_code in DENIED, (method, url, response.status_code)
        assert "blue jacket" not in response.text


def test_another_stores_associate_gets_no_data_from_store_a(app, client, auth, store_a):
    auth.login("b.associate")
    for endpoint, method, url in walk(app, store_a):
        if endpoint in PUBLIC_ENDPOINTS | OWN_ENDPOINTS:
            continue
        response = client.open(url, method=method, buffered=True)
        assert response.status_code in DENIED, (method, url, response.status_code)
        assert "blue jacket" not in response.text and "Alpha Flagship" not in response.text
        assert "Ms Blue" not in response.text
