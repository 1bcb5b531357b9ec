"""Store A, seeded with one of everything a route can name, and the walk of the URL map.

Shared by the route walk (who may call what) and the bad-id walk (nothing answers 500).
"""

from floorapp.models import Role
from floorapp.services.conversation import thread
from floorapp.services.help import availability, coverage
from floorapp.services.inventory import pulls, stock
from floorapp.services.org import regions, shift_feed, shifts, tokens
from tests.factories import make_help_request, make_product, make_sign, make_store, make_user
from tests.photo_files import jpeg_with_gps
from tests.push_factories import make_device


def seed_store_a() -> dict:
    """A store with a manager, an associate, a sign, a help request, a pull and a hold;
    a store B associate and manager; a region of each store with its regional manager.
    Return the values that fill every route."""
    store = make_store(code="AAA-1", name="Alpha Flagship", zones=("Shoes",))
    manager = make_user(login="a.manager", role=Role.MANAGER, store=store)
    device = make_device(user=make_user(login="a.associate", store=store))
    sign = make_sign(zone=store.zones[0])
    help_request = make_help_request(sign=sign, note="blue jacket")
    photo_id = thread.post_as_customer(help_request.public_token, "the blue jacket, here",
                                       jpeg_with_gps((64, 48))).message["photo_id"]
    product = make_product(stock={store: {("9", ""): (2, 3)}})
    variant = product.variants_by_key[("9", "")]
    pull = pulls.ask_for_pull(store=store, variant_id=variant.id, user=manager)
    hold = stock.place_hold(store=store, variant_id=variant.id, customer_label="Ms Blue",
                            minutes=30, user=manager)
    token, _ = tokens.create_token(name="POS", store=store, scopes=["stock:write"],
                                   created_by=manager)
    shift = shifts.add_shift(store, login="a.associate", day="2026-12-07", start="09:00",
                             end="17:00", zone_id="", actor=manager)
    feed_token = shift_feed.new_link(manager)
    breaker = make_user(login="a.breaker", store=store)
    availability.set_availability(manager, "on_floor")
    availability.set_availability(breaker, "on_floor")
    availability.set_availability(breaker, "on_break", until="30", backup_id=manager.id)
    store_b = make_store(code="BBB-1")
    make_user(login="b.associate", store=store_b)
    make_user(login="b.manager", role=Role.MANAGER, store=store_b)
    # Store A's region has store A's code, so the walk's /regions/<code> names a real
    # region; store B's region has its own regional manager.
    regions.create_region(code=store.code, name="Alpha Region")
    regions.assign_stores(store.code, [store.code])
    regions.create_region(code="REGION-B", name="Bravo Region")
    regions.assign_stores("REGION-B", [store_b.code])
    make_user(login="a.regional", role=Role.REGIONAL_MANAGER, region="AAA-1")
    make_user(login="b.regional", role=Role.REGIONAL_MANAGER, region="REGION-B")
    return {"code": store.code, "login": manager.login, "sign_token": sign.token,
            "sign_id": sign.id, "public_token": help_request.public_token,
            "request_id": help_request.id, "move": "claim", "product_id": product.id,
            "sku": variant.sku, "tag_code": variant.sku, "pull_id": pull.id, "hold_id": hold.id,
            "variant_id": variant.id, "status": "picked", "token_id": token.id,
            "zone_id": store.zones[0].id,
            "filename": "css/app.css", "name": "icon-192", "subscription_id": device.id,
            "photo_id": photo_id, "shift_id": shift.id, "feed_token": feed_token,
            "break_id": coverage.open_break(breaker.id).id}


def walk(app, values):
    """Yield (endpoint, method, url) for every route, filled with store A's values."""
    for rule in app.url_map.iter_rules():
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: give the route walk a value for {missing}"
        url = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url
