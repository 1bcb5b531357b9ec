"""The three journeys end to end in Chromium: the customer, the associate (through a dead
spot), and the manager, each in its own browser context against a real server.

Every page of a journey passes axe; a Content-Security-Policy violation fails the test
(the new_page fixture), and every context is screenshotted when a test fails.
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, Product, Sign, Stock, Store, User, Variant, Zone
from floorapp.services.help import moves
from floorapp.services.inventory import size_grid
from tests.browser.conftest import DESKTOP, PHONE, REPLAY, axe_violations, log_in, save_screenshot
from tests.factories import make_submission

PASSWORD = "browser-demo-pw"
STORE = "NYC-5TH"
ZONE = "Women's Shoes"
QUEUE = f"/stores/{STORE}/floor"


@pytest.fixture
def store_server(live_server):
    """The demo's stores and people (no history: the journeys make their own requests)."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
    return live_server


def test_a_customer_asks_for_a_size_follows_the_help_live_and_rates_it(store_server, new_page):
    url = store_server.url
    customer = new_page(PHONE)
    customer.goto(f"{url}/s/{_sign_token(store_server)}")
    _check(customer, "journey-customer-sign")
    customer.get_by_label("Find my size").check()
    customer.get_by_label("Which product? (optional)").fill("Trail Runner")
    customer.get_by_label("Size (optional)").fill("8.5")
    customer.get_by_role("button", name="Call an associate").click()
    heading = customer.get_by_role("heading", level=1)
    expect(heading).to_have_text("We're on it")
    _check(customer, "journey-customer-waiting")
    customer.evaluate("window.__same_page = true")

    associate = new_page(PHONE)
    log_in(associate, url, "nyc.associate1", PASSWORD)
    associate.goto(url + QUEUE)
    first_name = _first_name(store_server, "nyc.associate1")
    associate.get_by_role("button", name="Claim – on my way").click()
    expect(heading).to_have_text(f"{first_name} is on the way", timeout=10_000)
    _check(customer, "journey-customer-on-the-way")
    associate.get_by_role("button", name="I'm with the customer").click()
    expect(heading).to_have_text(f"{first_name} is with you", timeout=10_000)
    associate.get_by_label("Outcome").select_option("sold")
    associate.get_by_role("button", name="Resolve").click()
    expect(heading).to_have_text("Thank you for shopping with us", timeout=10_000)
    assert customer.evaluate("window.__same_page") is True, "the status changed without a reload"
    _check(customer, "journey-customer-rate")

    customer.get_by_role("button", name="5 stars").click()
    expect(customer.get_by_text("Thanks for your rating!")).to_be_visible()
    with store_server.app.app_context():
        rated = db.session.scalars(select(Event).where(Event.kind == "rated")).all()
        assert [event.data for event in rated] == [{"rating": 5}]


def test_an_associate_works_the_queue_live_and_through_a_dead_spot(store_server, new_page):
    page = new_page(PHONE)
    log_in(page, store_server.url, "nyc.associate1", PASSWORD)
    page.goto(store_server.url + QUEUE)
    page.get_by_role("button", name="On the floor").click()  # the shift starts
    expect(page.locator("#availability-heading")).to_have_text("My availability: on the floor")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, as on a handheld that used the app before
    expect(page.locator("#live-state")).to_have_text("Live.")
    _check(page, "journey-associate-queue-empty")

    page.evaluate("window.__same_page = true")
    _submit(store_server, product="Trail Runner", size="9")
    cards = page.locator(".queue .request")
    expect(cards).to_have_count(1, timeout=10_000)
    expect(cards.first).to_contain_text("Trail Runner · size 9")
    assert page.evaluate("window.__same_page") is True, "the request arrived without a reload"
    _check(page, "journey-associate-new-request")
    _claim_arrive_resolve(page)
    expect(page.get_by_text("No open requests.")).to_be_visible()

    rid = _submit(store_server, size="10")
    expect(cards).to_have_count(1, timeout=10_000)
    _resolve_offline_then_replay(page, store_server, rid)
    _claim_offline_while_a_colleague_claims_it(page, store_server)
    _a_request_for_a_product_and_size_arrives_with_the_answer(page, store_server)


def _claim_arrive_resolve(page) -> None:
    page.get_by_role("button", name="Claim – on my way").click()
    expect(page.locator(".mine")).to_contain_text("is on the way")
    _check(page, "journey-associate-claimed")
    page.get_by_role("button", name="I'm with the customer").click()
    page.get_by_label("Outcome").select_option("sold")
    page.get_by_role("button", name="Resolve").click()


def _resolve_offline_then_replay(page, server, rid: int) -> None:
    page.get_by_role("button", name="Claim – on my way").click()
    page.get_by_role("button", name="I'm with the customer").click()
    form = page.locator("form[data-outbox$='/resolve']")
    key, api_url = form.get_attribute("data-idempotency-key"), form.get_attribute("data-outbox")
    page.context.set_offline(True)
    page.get_by_label("Outcome").select_option("helped")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("#outbox li")).to_have_text(
        f"Resolve: Find a size · {ZONE} — waiting for the connection")
    expect(page.locator(".mine .outbox-mark")).to_have_text(
        "Resolve — pending, sent when the connection returns")
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    expect(page.get_by_role("button", name="Dismiss problems")).to_be_hidden()
    _check(page, "journey-associate-offline-pending")
    page.reload()  # the dead spot goes on: the page comes from the service worker's cache
    expect(page.locator(".mine .outbox-mark")).to_have_text(
        "Resolve — pending, sent when the connection returns")
    page.get_by_role("button", name="Resolve").click()  # pressed again, impatiently
    expect(page.locator("#outbox li")).to_have_count(1)
    assert _count(server, rid, "resolved") == 0

    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=10_000)
    expect(page.locator(".mine")).to_have_count(0, timeout=10_000)
    assert _count(server, rid, "resolved") == 1
    # The connection flickers and the same action is sent again: the same answer, no effect.
    assert page.evaluate(REPLAY, [api_url, key, {"outcome": "helped"}]) == 200
    assert _count(server, rid, "resolved") == 1


def _claim_offline_while_a_colleague_claims_it(page, server) -> None:
    rid = _submit(server, size="11")
    expect(page.locator(".queue .request")).to_have_count(1, timeout=10_000)
    page.context.set_offline(True)
    page.get_by_role("button", name="Claim – on my way").click()
    expect(page.locator(".queue .outbox-mark")).to_have_text(
        "Claim — pending, sent when the connection returns")
    colleague = _claim_as(server, "nyc.associate2", rid)
    page.context.set_offline(False)
    problem = page.locator("#outbox .outbox-problem")
    expect(problem).to_have_text(
        f"Claim: Find a size · {ZONE} — not done: This request is already claimed by {colleague}, "
        "so it cannot be claimed now.", timeout=10_000)
    expect(page.get_by_role("button", name="Dismiss problems")).to_be_visible()
    _check(page, "journey-associate-replay-refused")
    assert _count(server, rid, "claimed") == 1
    page.get_by_role("button", name="Dismiss problems").click()
    expect(page.locator("#outbox")).to_be_hidden()


def _a_request_for_a_product_and_size_arrives_with_the_answer(page, server) -> None:
    product_id, variant, style = _a_stocked_size(server)
    size = f"{variant['size']} {variant['width']}".strip()
    rid = _submit(server, product=style, size=size)
    card = page.locator(".queue .request").filter(has_text="Open the size run")
    expect(card).to_have_count(1, timeout=10_000)
    held = f", {variant['held']} held" if variant["held"] else ""
    bin_ = f" (bin {variant['bin']})" if variant["bin"] else ""
    expect(card.locator(".answer-size")).to_have_text(
        f"Size {size} — {variant['floor']} on the floor, {variant['stockroom']} in the "
        f"stockroom{bin_}{held}", use_inner_text=True)
    _check(page, "journey-associate-request-with-size")
    card.get_by_role("link", name="Open the size run").click()
    expect(page).to_have_url(re.compile(
        rf"/stores/{STORE}/products/{product_id}\?help_request={rid}&variant={variant['id']}"
        "#selected$"))
    expect(page.locator("#selected-heading")).to_have_text(f"Size {size}")
    expect(page.locator("#selected .figures")).to_contain_text(str(variant["available"]))
    _check(page, "journey-associate-size-run")
    with server.app.app_context():
        asked = db.session.get(HelpRequest, rid)
        assert (asked.product_id, asked.variant_id) == (product_id, variant["id"])


def _a_stocked_size(server) -> tuple[int, dict, str]:
    """Return a product of the store's zone with a size on the floor, as the size grid has it."""
    with server.app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == STORE))
        rows = db.session.execute(
            select(Product.id, Product.style, Variant.id).join(Variant)
            .join(Stock, Stock.variant_id == Variant.id)
            .where(Stock.store_id == store.id, Stock.floor_qty > 0, Stock.stockroom_qty > 0,
                   Product.department == ZONE).order_by(Variant.id).limit(1)).one()
        view = size_grid.product_view(rows[0], store)
        return rows[0], size_grid.find_variant(view, rows[2]), rows[1]


def test_a_manager_sees_the_requests_just_made_on_the_dashboard_and_live_board(
        store_server, new_page):
    done = _submit(store_server, size="7")
    _claim_as(store_server, "nyc.associate1", done)
    with store_server.app.app_context():
        store_id, user = _store_id(), _user("nyc.associate1")
        moves.arrive(store_id, done, user)
        moves.resolve(store_id, done, user, "helped")
    _submit(store_server, size="M")
    page = new_page(DESKTOP)
    log_in(page, store_server.url, "nyc.manager", PASSWORD)
    page.goto(f"{store_server.url}/stores/{STORE}/dashboard?range=today")
    figures = page.locator("section[aria-labelledby=targets-heading] .figures > div").filter(
        has_text="Requests")
    expect(figures.locator("dd").first).to_have_text("2")
    expect(figures).to_contain_text("1 still open")
    _check(page, "journey-manager-dashboard")

    page.goto(f"{store_server.url}/stores/{STORE}/board")
    expect(page.locator(".board-item")).to_have_count(1)
    expect(page.locator("#board")).to_contain_text("size M")
    page.evaluate("window.__same_page = true")
    _submit(store_server, size="XL")
    expect(page.locator(".board-item")).to_have_count(2, timeout=12_000)
    expect(page.locator("#board")).to_contain_text("size XL")
    assert page.evaluate("window.__same_page") is True
    _check(page, "journey-manager-board")


def _check(page, name: str) -> None:
    save_screenshot(page, name)
    assert axe_violations(page) == [], name


def _sign_token(server) -> str:
    with server.app.app_context():
        return db.session.scalar(select(Sign.token).join(Zone).join(Store).where(
            Store.code == STORE, Zone.name == ZONE))


def _submit(server, **fields) -> int:
    from floorapp.services.help.intake import submit

    token = _sign_token(server)
    with server.app.app_context():
        help_request, _ = submit(token, make_submission(**fields))
        return help_request.id


def _store_id() -> int:
    return db.session.scalar(select(Store.id).where(Store.code == STORE))


def _user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def _first_name(server, login: str) -> str:
    with server.app.app_context():
        return _user(login).first_name


def _claim_as(server, login: str, rid: int) -> str:
    with server.app.app_context():
        user = _user(login)
        moves.claim(_store_id(), rid, user)
        return user.first_name


def _count(server, rid: int, kind: str) -> int:
    with server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(Event).where(
            Event.request_id == rid, Event.kind == kind))

