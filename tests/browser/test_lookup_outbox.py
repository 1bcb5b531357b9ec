"""Holds and stock pulls through a dead spot, in Chromium against a real server.

The associate opens a product online, loses the connection, holds a pair and asks the
stockroom for one: both wait in the outbox, shown as pending on the size's card and in
the list; when the connection returns each is sent once (its own idempotency key), and
the database has exactly one hold and one pull. A hold refused on replay (a colleague
took the last pair meanwhile) is shown as "not done", never swallowed. A product page
seen online reads offline, from the service worker's copy, with the offline banner.
"""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Hold, Product, PullStatus, StockPull, Store, User, Variant
from floorapp.services.inventory import pulls, stock
from tests.browser.conftest import DESKTOP, PHONE, REPLAY, axe_violations, log_in, save_screenshot

PASSWORD = "browser-demo-pw"
STORE = "NYC-5TH"


@pytest.fixture
def shop(live_server):
    """The demo store, one size with plenty (3 to sell, 2 in the stockroom) and one last pair."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
        store = db.session.scalar(select(Store).where(Store.code == STORE))
        product = db.session.scalar(select(Product).where(Product.style == "W00001"))
        plenty, last = db.session.scalars(select(Variant.id).where(
            Variant.product_id == product.id).order_by(Variant.id).limit(2)).all()
        db.session.execute(db.delete(Hold))
        db.session.commit()
        stock.set_stock(store=store, variant_id=plenty, floor=1, stockroom=2)
        stock.set_stock(store=store, variant_id=last, floor=0, stockroom=1)
        live_server.page = f"/stores/{STORE}/products/{product.id}"
        live_server.plenty, live_server.last = plenty, last
    return live_server


def _count(server, model, **where) -> int:
    with server.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _open_under_the_service_worker(page, server, variant_id: int) -> None:
    log_in(page, server.url, "nyc.associate1", PASSWORD)
    page.goto(f"{server.url}{server.page}?variant={variant_id}#selected")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, as on a handheld that used the app before
    expect(page.locator("#selected")).to_be_visible()


def _size_words(page) -> str:
    """'Trail Runner, size 9 M': how the outbox names this product's selected size."""
    name = page.get_by_role("heading", level=1).inner_text()
    size = page.locator("#selected-heading").inner_text()
    return f"{name}, s{size[1:]}"


def test_a_hold_and_a_pull_made_offline_are_sent_once_when_the_connection_returns(
        shop, new_page):
    page = new_page(PHONE)
    _open_under_the_service_worker(page, shop, shop.plenty)
    what = _size_words(page)
    hold_form = page.locator("form.hold-form")
    key, api_url = hold_form.get_attribute("data-idempotency-key"), hold_form.get_attribute(
        "data-outbox")
    page.context.set_offline(True)
    page.get_by_label("Hold for (customer)").fill("Ms Lee, blue coat")
    page.get_by_label("For how long").select_option("60")
    page.get_by_role("button", name="Hold it").click()
    page.get_by_role("button", name="Ask the stockroom for this pair").click()
    entries = page.locator("#outbox li")
    expect(entries).to_have_text([
        f"Hold for Ms Lee, blue coat: {what} — waiting for the connection",
        f"Ask the stockroom: {what} — waiting for the connection"])
    expect(page.locator("#selected .outbox-mark")).to_have_text([
        "Ask the stockroom — pending, sent when the connection returns",
        "Hold for Ms Lee, blue coat — pending, sent when the connection returns"])
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    assert axe_violations(page) == []
    save_screenshot(page, "lookup-outbox-pending-360")

    page.reload()  # the dead spot goes on: the product page comes from the service worker
    expect(page.locator("#selected-heading")).to_be_visible()
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    expect(page.locator("#selected .outbox-mark")).to_have_count(2)
    page.get_by_label("Hold for (customer)").fill("Ms Lee, blue coat")
    page.get_by_label("For how long").select_option("60")
    page.get_by_role("button", name="Hold it").click()  # pressed again, impatiently
    expect(entries).to_have_count(2)
    page.set_viewport_size(DESKTOP)
    save_screenshot(page, "lookup-outbox-pending-1280")
    page.set_viewport_size(PHONE)
    assert (_count(shop, Hold), _count(shop, StockPull)) == (0, 0)

    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=10_000)
    expect(page.get_by_role("status").filter(has_text="Held for")).to_have_text(
        "Held for Ms Lee, blue coat. The stockroom has your request; its status shows below.",
        timeout=10_000)
    expect(page.locator(".hold-list")).to_contain_text("Ms Lee, blue coat")
    expect(page.locator(".pull-list")).to_contain_text("open")
    save_screenshot(page, "lookup-outbox-sent-360")
    assert (_count(shop, Hold), _count(shop, StockPull)) == (1, 1)
    with shop.app.app_context():
        hold = db.session.scalars(select(Hold)).one()
        assert (hold.customer_label, hold.variant_id) == ("Ms Lee, blue coat", shop.plenty)
        assert round((hold.expires_at - hold.created_at).total_seconds()) == 3600
    # The connection flickers and the same hold is sent again: the same answer, no new hold.
    fields = {"customer_label": "Ms Lee, blue coat", "minutes": "60",
              "variant_id": str(shop.plenty)}
    assert page.evaluate(REPLAY, [api_url, key, fields]) == 201
    assert _count(shop, Hold) == 1

    page.context.set_offline(True)  # the customer has gone: release the hold, in the dead spot
    page.get_by_role("button", name="Release").click()
    expect(page.locator("#outbox li")).to_have_text(
        f"Release the hold for Ms Lee, blue coat: {what} — waiting for the connection")
    page.context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text="Released")).to_have_text(
        "Released the hold for Ms Lee, blue coat.", timeout=10_000)
    expect(page.locator(".hold-list")).to_have_count(0)
    with shop.app.app_context():
        assert db.session.scalars(select(Hold)).one().released_at is not None


def test_a_hold_refused_on_replay_is_shown_as_not_done(shop, new_page):
    page = new_page(DESKTOP)
    _open_under_the_service_worker(page, shop, shop.last)
    what = _size_words(page)
    page.context.set_offline(True)
    page.get_by_label("Hold for (customer)").fill("Mr Park")
    page.get_by_role("button", name="Hold it").click()
    expect(page.locator("#outbox li")).to_have_text(
        f"Hold for Mr Park: {what} — waiting for the connection")
    with shop.app.app_context():  # meanwhile a colleague holds the last pair, online
        store = db.session.scalar(select(Store).where(Store.code == STORE))
        colleague = db.session.scalar(select(User).where(User.login == "nyc.associate2"))
        stock.place_hold(store=store, variant_id=shop.last, customer_label="Ms Diaz",
                         minutes=15, user=colleague)
    page.context.set_offline(False)
    problem = page.locator("#outbox .outbox-problem")
    expect(problem).to_have_text(
        f"Hold for Mr Park: {what} — not done: Not enough left to hold: someone else has "
        "just held or sold it.", timeout=10_000)
    # The page shows the size as it is now: held by the colleague, none left to hold.
    figure = page.locator("#selected .figures > div")
    expect(figure.filter(has_text="Held").locator("dd")).to_have_text("1", timeout=10_000)
    expect(figure.filter(has_text="Available").locator("dd")).to_have_text("0")
    expect(page.get_by_role("button", name="Hold it")).to_have_count(0)
    expect(problem).to_be_visible()
    expect(page.get_by_role("button", name="Dismiss problems")).to_be_visible()
    assert axe_violations(page) == []
    save_screenshot(page, "lookup-outbox-refused-1280")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "lookup-outbox-refused-360")
    assert _count(shop, Hold) == 1  # the colleague's, only
    page.get_by_role("button", name="Dismiss problems").click()
    expect(page.locator("#outbox")).to_be_hidden()


def test_the_stockroom_marks_a_pull_picked_through_a_dead_spot_once(shop, new_page):
    with shop.app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == STORE))
        asker = db.session.scalar(select(User).where(User.login == "nyc.associate2"))
        pull_id = pulls.ask_for_pull(store=store, variant_id=shop.last, user=asker).id
    page = new_page(PHONE)
    log_in(page, shop.url, "nyc.associate1", PASSWORD)
    page.goto(f"{shop.url}/stores/{STORE}/pulls")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.context.set_offline(True)
    page.get_by_role("button", name="Picked").click()
    expect(page.locator(".pull-queue .outbox-mark")).to_have_text(
        "Picked — pending, sent when the connection returns")
    save_screenshot(page, "lookup-outbox-pull-list-pending-360")
    assert _count(shop, StockPull, status=PullStatus.PICKED) == 0
    page.context.set_offline(False)
    expect(page.locator("#outbox")).to_be_hidden(timeout=10_000)
    expect(page.get_by_role("status").filter(has_text="Pull")).to_have_text(
        f"Pull {pull_id} is picked.", timeout=10_000)
    expect(page.get_by_role("button", name="Delivered")).to_be_visible()
    assert axe_violations(page) == []
    with shop.app.app_context():
        pull = db.session.get(StockPull, pull_id)
        assert pull.status is PullStatus.PICKED and pull.picked_at is not None


# The pages the service worker keeps for the logged-in session (a cache per session).
SESSION_PAGES = """caches.keys().then((names) => caches.open(
  names.find((name) => name.startsWith("floorapp-pages-")) || "floorapp-pages-none"))"""
KEPT_PAGES = f"""() => {SESSION_PAGES}.then((cache) => cache.keys())
  .then((keys) => keys.map((key) => new URL(key.url).pathname + new URL(key.url).search))"""
MANY_PAGES = """async (count) => { for (let n = 0; n < count; n++) {
  await fetch(`/stores/NYC-5TH/lookup?q=&n=${n}`); } }"""


def test_product_pages_seen_online_read_offline_and_only_the_recent_ones_are_kept(
        shop, new_page):
    page = new_page(PHONE)
    _open_under_the_service_worker(page, shop, shop.plenty)
    first = f"{shop.page}?variant={shop.plenty}"
    later = f"{shop.page}?variant={shop.last}"
    page.evaluate(MANY_PAGES, 70)  # a long shift of lookups after the first product
    page.goto(shop.url + later + "#selected")
    page.wait_for_function(f"""() => {SESSION_PAGES}.then((cache) => cache.keys())
      .then((keys) => keys.length <= 60 && keys.some((key) => key.url.endsWith("{later}")))""")
    kept = page.evaluate(KEPT_PAGES)
    assert later in kept and first not in kept and len(kept) <= 60

    page.context.set_offline(True)
    page.goto(shop.url + later + "#selected")  # a product seen a moment ago
    expect(page.locator("#selected-heading")).to_be_visible()
    expect(page.locator("#connection-banner")).to_contain_text("Offline — last updated")
    expect(page.get_by_role("button", name="Hold it")).to_be_visible()
    save_screenshot(page, "lookup-offline-product-360")
    page.set_viewport_size(DESKTOP)
    save_screenshot(page, "lookup-offline-product-1280")
    page.goto(shop.url + first)  # seen seventy pages ago: no longer kept
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
