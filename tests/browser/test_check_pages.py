"""The customer's price check in Chromium at 360 px: check, read, "Bring me", axe, the scanner."""

import pytest
from playwright.sync_api import expect

from floorapp.extensions import db
from floorapp.models import Store
from tests.browser.conftest import DESKTOP, PHONE, check_page, save_screenshot
from tests.factories import make_product, make_sign, make_store


@pytest.fixture
def shop(live_server):
    with live_server.app.app_context():
        sign = make_sign()
        store = sign.zone.store
        fifth = make_store(code="FIFTH", name="Fifth Avenue")
        make_product(style="NW100", brand="Northway", name="Harbor Runner", color="Navy",
                     price_cents=8999, sizes=("8", "9", "10", "11"), widths=("M", "W"),
                     stock={store: {("8", "M"): (2, 3), ("9", "W"): (2, 1), ("9", "M"): (0, 4),
                                    ("10", "M"): (1, 0)},
                            fifth: {("11", "W"): (3, 0)}})
        make_product(style="NW300", brand="Northway", name="Harbor Runner Lite", sizes=("9",),
                     stock={store: {("9", ""): (1, 1)}})
        db.session.get(Store, store.id).show_other_stores = True
        db.session.commit()
        return {"url": live_server.url, "token": sign.token}


def test_a_customer_checks_a_code_and_asks_for_the_size_in_one_tap(shop, new_page):
    page = new_page(PHONE)
    check_page(page, f"{shop['url']}/s/{shop['token']}", "check-sign-360")
    page.get_by_role("link", name="Check a price or size").click()
    check_page(page, page.url, "check-empty-360")
    page.get_by_label("A name, or the code on the tag").fill("nw100-9w")
    page.get_by_role("button", name="Check", exact=True).click()
    expect(page.get_by_role("heading", name="Harbor Runner", level=2)).to_be_visible()
    expect(page.get_by_text("Size 9 W:")).to_be_visible()
    expect(page.get_by_text("At Fifth Avenue")).to_be_visible()
    check_page(page, page.url, "check-product-360")
    box = page.get_by_role("button", name="Bring me size 9 W").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280  # a large touch target, full width
    page.get_by_role("button", name="Bring me size 9 W").click()
    page.wait_for_selector("text=You are number 1 in line.")
    assert "/h/" in page.url


def test_a_name_lists_the_choices_and_an_unknown_code_offers_a_request(shop, new_page):
    page = new_page(PHONE)
    page.goto(f"{shop['url']}/s/{shop['token']}/check?q=harbor")
    check_page(page, page.url, "check-choices-360")
    page.get_by_role("link", name="Harbor Runner Lite").click()
    expect(page.get_by_role("button", name="Bring me size 9")).to_be_visible()
    check_page(page, f"{shop['url']}/s/{shop['token']}/check?q=ZZ-404", "check-unknown-360")
    expect(page.get_by_text("We couldn't find that code here")).to_be_visible()
    page.get_by_role("button", name="Ask an associate to check").click()
    page.wait_for_selector("text=You are number 1 in line.")


def test_spanish_and_junk_at_360_px_and_the_desktop_width(shop, new_page):
    page = new_page(PHONE)
    check_page(page, f"{shop['url']}/s/{shop['token']}/check?q=NW100-9W&lang=es",
               "check-product-es-360")
    expect(page.get_by_role("button", name="Tráiganme la talla 9 W")).to_be_visible()
    check_page(page, f"{shop['url']}/s/{shop['token']}/check?q=%D9%A3%D9%A3&lang=en",
               "check-junk-360")
    expect(page.get_by_role("alert")).to_contain_text("letters and digits")
    wide = new_page(DESKTOP)
    check_page(wide, f"{shop['url']}/s/{shop['token']}/check?q=NW100-9W", "check-product-1280")


def test_the_scanner_and_its_wasm_load_only_when_scan_is_tapped(shop, new_page):
    page = new_page(PHONE)
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{shop['url']}/s/{shop['token']}/check")
    scan = page.get_by_role("button", name="Scan")
    expect(scan).to_be_visible()
    assert not any("scanner" in url or "zxing" in url for url in asked)
    with page.expect_response(lambda r: r.url.endswith("zxing_reader.wasm")) as wasm:
        scan.click()  # Chromium on Linux has no BarcodeDetector: the vendored fallback
    assert wasm.value.status == 200
    assert wasm.value.headers["content-type"] == "application/wasm"
    # No camera in the test browser: the page says so, and the typed code still works.
    expect(page.get_by_role("status").filter(has_text="type the code")).to_be_visible()
    assert all(url.startswith(shop["url"]) for url in asked)  # nothing from a CDN
    save_screenshot(page, "check-scan-unavailable-360")


def test_the_vendored_reader_compiles_under_the_pages_policy_and_reads_a_frame(shop,
                                                                            new_page):
    page = new_page(PHONE)
    page.goto(f"{shop['url']}/s/{shop['token']}/check")
    found = page.evaluate("""async () => {
      const base = new URL("/static/vendor/zxing-wasm/3.1.6/", location.href);
      const zxing = await import(new URL("es/reader/index.js", base).href);
      await zxing.prepareZXingModule({overrides: {locateFile: (path, prefix) =>
        path.endsWith(".wasm") ? new URL("reader/" + path, base).href : prefix + path},
        fireImmediately: true});
      const blank = new ImageData(64, 64);
      return (await zxing.readBarcodes(blank, {formats: ["EAN-13"]})).length;
    }""")
    assert found == 0  # compiled and ran (a CSP refusal would throw), found nothing


def test_the_check_works_without_javascript(shop, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{shop['url']}/s/{shop['token']}/check")
        expect(page.get_by_role("button", name="Scan")).to_be_hidden()
        page.get_by_label("A name, or the code on the tag").fill("NW100-10M")
        page.get_by_role("button", name="Check", exact=True).click()
        expect(page.get_by_text("Size 10 M:")).to_be_visible()
        page.get_by_role("button", name="Bring me size 10 M").click()
        page.wait_for_selector("text=You are number 1 in line.")
    finally:
        context.close()
