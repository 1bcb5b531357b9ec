"""The lookup pages in Chromium: axe-clean at a phone's and a desktop's width, and usable."""

import pytest

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Product, Stock, Store, Variant
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    check_page,
    log_in,
    save_screenshot,
)

PASSWORD = "browser-demo-pw"


@pytest.fixture
def demo_server(live_server):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(db.select(Store).where(Store.code == "NYC-5TH"))
        product = db.session.scalar(db.select(Product).where(Product.style == "W00001"))
        variant_ids = db.session.scalars(
            db.select(Variant.id).where(Variant.product_id == product.id)).all()
        rows = db.session.scalars(db.select(Stock).where(
            Stock.store_id == store.id, Stock.variant_id.in_(variant_ids))).all()
        live_server.product_id = product.id
        live_server.out_variant = next(
            (row.variant_id for row in rows if row.floor_qty + row.stockroom_qty == 0), None)
    return live_server


def _pages(server) -> dict[str, list[str]]:
    product = f"/stores/NYC-5TH/products/{server.product_id}"
    return {
        "nyc.associate1": ["/stores/NYC-5TH/lookup", "/stores/NYC-5TH/lookup?q=runner",
                           product, f"{product}?variant={server.out_variant}",
                           f"{product}/customer", "/stores/NYC-5TH/pulls"],
        "nyc.manager": [f"{product}?variant={server.out_variant}",
                        "/stores/NYC-5TH/catalog/import", "/stores/NYC-5TH/api-tokens"],
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("login", ["nyc.associate1", "nyc.manager"])
def test_lookup_pages_have_no_accessibility_violations(demo_server, new_page, login, viewport):
    page = new_page(viewport)
    log_in(page, demo_server.url, login, PASSWORD)
    for path in _pages(demo_server)[login]:
        name = path.replace("/", "_").replace("?", "_").replace("=", "-")
        check_page(page, demo_server.url + path, f"lookup-{login}{name}-{viewport['width']}")


def test_results_appear_as_the_associate_types_and_a_result_opens_the_grid(demo_server,
                                                                          new_page):
    page = new_page(PHONE)
    log_in(page, demo_server.url, "nyc.associate1", PASSWORD)
    page.goto(demo_server.url + "/stores/NYC-5TH/lookup")
    page.get_by_label("Search or type a code").press_sequentially("loaf", delay=40)
    page.locator(".results .result").first.wait_for()
    assert "loaf" in page.locator(".results").inner_text().lower()
    page.locator(".results .result").first.click()
    page.get_by_role("heading", name="Sizes in this store").wait_for()
    assert page.locator("table.size-grid a.cell").count() > 3


def test_holding_a_pair_from_a_cell_in_the_browser(demo_server, new_page):
    page = new_page(PHONE)
    log_in(page, demo_server.url, "nyc.associate1", PASSWORD)
    page.goto(f"{demo_server.url}/stores/NYC-5TH/products/{demo_server.product_id}")
    page.locator("a.cell.in").first.click()
    page.get_by_label("Hold for (customer)").fill("Ms Lee, blue coat")
    page.get_by_role("button", name="Hold it").click()
    assert "Held for Ms Lee, blue coat." in page.get_by_role("status").first.inner_text()
    save_screenshot(page, "lookup-held-360")


def test_a_typed_code_works_where_the_camera_cannot_scan(demo_server, new_page):
    page = new_page(PHONE)
    log_in(page, demo_server.url, "nyc.associate1", PASSWORD)
    page.goto(demo_server.url + "/stores/NYC-5TH/lookup")
    can_scan = page.evaluate("'BarcodeDetector' in window")
    assert page.locator("#scan-button").is_visible() == can_scan
    with demo_server.app.app_context():
        upc = db.session.scalar(db.select(Variant.upc).where(
            Variant.product_id == demo_server.product_id).order_by(Variant.id).limit(1))
    page.get_by_label("Search or type a code").fill(upc)
    page.get_by_label("Search or type a code").press("Enter")
    page.locator("#selected").wait_for()
    assert f"UPC {upc}" in page.locator("#selected").inner_text()
