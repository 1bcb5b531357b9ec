"""A customer asks for a size on a phone while an associate works the queue in another browser."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import RetiredSignToken, Store
from tests.browser.conftest import DESKTOP, PHONE, axe_violations, log_in, save_screenshot
from tests.factories import make_sign

PASSWORD = "browser-demo-pw"


@pytest.fixture
def shop(live_server):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        sign = make_sign(zone=store.zones[0])
        db.session.add(RetiredSignToken(token="retired-code", sign_id=sign.id))
        db.session.commit()
        return {"url": live_server.url, "token": sign.token, "zone": store.zones[0].name,
                "app": live_server.app}


def _no_violations(page, name):
    save_screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), name


def test_a_customer_is_helped_live_while_an_associate_works_the_queue(shop, new_page):
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    assert associate.get_by_role("heading", name="Queue", level=1).is_visible()
    associate.get_by_role("button", name="On the floor").click()
    associate.wait_for_selector("text=Live.")

    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    _no_violations(customer, "customer-sign-360")
    customer.get_by_label("Find my size").check()
    customer.get_by_label("Which product? (optional)").fill("Trail runner")
    customer.get_by_label("Size (optional)").fill("9 wide")
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    _no_violations(customer, "customer-status-waiting-360")

    associate.wait_for_selector("text=size 9 wide")  # arrived without a reload
    _no_violations(associate, "floor-queue-new-request-360")
    associate.get_by_role("button", name="Claim – on my way").click()
    customer.wait_for_selector("h1:has-text('is on the way')")
    _no_violations(customer, "customer-status-on-the-way-360")

    associate.get_by_role("button", name="I'm with the customer").click()
    customer.wait_for_selector("h1:has-text('is with you')")
    associate.get_by_label("Outcome").select_option("sold")
    associate.get_by_role("button", name="Resolve").click()
    customer.wait_for_selector("text=How was the help?")
    _no_violations(customer, "customer-status-rate-360")
    customer.get_by_label("A comment (optional)").fill("Found my size fast")
    customer.get_by_role("button", name="5 stars").click()
    customer.wait_for_selector("text=Thanks for your rating!")
    _no_violations(customer, "customer-status-rated-360")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_help_pages_pass_axe_at_both_widths(shop, new_page, viewport):
    width = viewport["width"]
    customer = new_page(viewport)
    customer.goto(f"{shop['url']}/s/{shop['token']}?lang=es")
    _no_violations(customer, f"customer-sign-es-{width}")
    customer.goto(f"{shop['url']}/s/retired-code")
    _no_violations(customer, f"customer-retired-{width}")
    associate = new_page(viewport)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    _no_violations(associate, f"floor-queue-empty-{width}")


def test_the_sign_form_works_with_javascript_off(shop, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{shop['url']}/s/{shop['token']}")
        page.get_by_label("A fitting room").check()
        page.get_by_role("button", name="Call an associate").click()
        assert page.get_by_text("You are number 1 in line.").is_visible()
        page.get_by_role("button", name="I don't need help any more").click()
        assert page.get_by_role("heading", name="Request cancelled").is_visible()
    finally:
        context.close()


def _a_stocked_product(shop) -> dict:
    """Return a product the sign's store carries in the sign's zone, with a size of it."""
    from floorapp.models import Product, Stock, Variant

    with shop["app"].app_context():
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        row = db.session.execute(
            select(Product.id, Product.brand, Product.name, Product.color, Product.style,
                   Variant.id.label("variant_id"), Variant.size_label, Variant.width)
            .join(Variant).join(Stock, Stock.variant_id == Variant.id)
            .where(Stock.store_id == store.id, Stock.floor_qty > 0,
                   Product.department == shop["zone"])
            .order_by(Variant.id).limit(1)).one()
        return {**row._asdict(), "size": f"{row.size_label} {row.width}".strip()}


def _the_request(shop):
    from floorapp.models import HelpRequest

    with shop["app"].app_context():
        return db.session.scalars(select(HelpRequest).order_by(HelpRequest.id.desc())).first()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_customer_picks_the_product_from_suggestions_and_its_sizes(shop, new_page, viewport):
    product = _a_stocked_product(shop)
    name = f"{product['brand']} {product['name']}, {product['color']}"
    customer = new_page(viewport)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    customer.get_by_label("Which product? (optional)").press_sequentially(
        f"{product['brand']} {product['name']}".lower(), delay=20)
    choice = customer.locator(".suggestions").get_by_role("button", name=name, exact=True)
    expect(choice).to_be_visible(timeout=5_000)
    expect(customer.locator("#suggest-state")).to_have_text(
        "Suggestions: choose one, or keep typing.")
    _no_violations(customer, f"customer-sign-suggestions-{viewport['width']}")
    choice.click()
    expect(customer.get_by_label("Which product? (optional)")).to_have_value(name)
    expect(customer.locator("#product-id")).to_have_value(str(product["id"]))
    assert customer.locator("#size-options option").evaluate_all(
        "options => options.map(o => o.value)").count(product["size"]) == 1
    expect(customer.get_by_label("Size (optional)")).to_be_focused()
    customer.get_by_label("Size (optional)").fill(product["size"])
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    stored = _the_request(shop)
    assert (stored.product_id, stored.variant_id, stored.product_query) == (
        product["id"], product["variant_id"], name)


def test_typing_again_after_choosing_sends_the_typed_text_instead(shop, new_page):
    product = _a_stocked_product(shop)
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Something else").check()
    field = customer.get_by_label("Which product? (optional)")
    field.press_sequentially(f"{product['brand']} {product['name']}", delay=20)
    customer.locator(".suggestions button").first.click()
    expect(customer.locator("#product-id")).not_to_have_value("")
    field.fill("something blue")
    expect(customer.locator("#product-id")).to_have_value("")
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    stored = _the_request(shop)
    assert (stored.product_id, stored.product_query) == (None, "something blue")


def test_a_typed_style_and_size_are_matched_with_javascript_off(shop, browser):
    product = _a_stocked_product(shop)
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{shop['url']}/s/{shop['token']}")
        assert page.locator("#suggest").is_hidden()
        page.get_by_label("Find my size").check()
        page.get_by_label("Which product? (optional)").fill(product["style"].lower())
        page.get_by_label("Size (optional)").fill(product["size"])
        page.get_by_role("button", name="Call an associate").click()
        assert page.get_by_text("You are number 1 in line.").is_visible()
        stored = _the_request(shop)
        assert (stored.product_id, stored.variant_id) == (product["id"], product["variant_id"])
    finally:
        context.close()
