"""The managers' pages in Chromium: axe-clean at phone and desktop width, and a live board."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Availability, Status, Store, User
from floorapp.services.help import availability, moves
from floorapp.services.metrics import rollup_upkeep
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    check_page,
    log_in,
    page_fits_the_width,
    save_screenshot,
)
from tests.factories import (
    make_feedback,
    make_help_request,
    make_sign,
    make_timed_request,
    submit_request,
)

PASSWORD = "browser-demo-pw"
PAGES_BY_LOGIN = {
    "nyc.manager": ["/stores/NYC-5TH/dashboard?range=30d", "/stores/NYC-5TH/staffing?range=30d",
                    "/stores/NYC-5TH/board",
                    "/stores/NYC-5TH/dashboard?range=custom&from=2020-01-01&to=2020-01-02"],
    "admin": ["/admin/dashboard?range=30d"],
}


@pytest.fixture
def busy_store(live_server):
    """The demo, with a month of requests and some open ones at the New York store."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        people = list(db.session.scalars(select(User).where(User.home_store_id == store.id)))
        signs = [make_sign(zone=zone) for zone in store.zones]
        now = datetime.now(UTC)
        for n in range(120):
            at = now - timedelta(days=n % 28, hours=(n * 7) % 10, minutes=n)
            if n % 9 == 0:
                make_timed_request(sign=signs[n % 5], requested_at=at, closed_s=200 + n * 3)
                continue
            done = make_timed_request(sign=signs[n % 5], requested_at=at,
                                      acknowledge_s=10 + n % 80, reach_s=90 + (n * 13) % 300,
                                      handle_s=120 + n * 5, claimed_by=people[1 + n % 6])
            if n % 4 == 0:
                make_feedback(help_request=done, rating=1 + n % 5,
                              comment="Quick and kind" if n % 8 == 0 else "")
        unhappy = make_timed_request(sign=signs[2], requested_at=now - timedelta(minutes=14),
                                     acknowledge_s=420, reach_s=540, handle_s=240,
                                     claimed_by=people[1], product_query="Trail Runner",
                                     size_label="9 W")
        make_feedback(help_request=unhappy, rating=2,  # on the board, to answer
                      comment="Waited seven minutes and then they had no 9 W")
        make_help_request(sign=signs[0], requested_at=now - timedelta(seconds=400))
        make_help_request(sign=signs[1], requested_at=now - timedelta(seconds=50),
                          status=Status.CLAIMED, claimed_by_id=people[2].id, acknowledged_at=now,
                          escalation_level=1)
        people[3].availability = Availability.ON_FLOOR
        people[4].availability = Availability.ON_BREAK
        db.session.commit()
        rollup_upkeep.rebuild(now=now)  # the admin's stores side by side read the roll-ups
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("login", list(PAGES_BY_LOGIN))
def test_dashboard_pages_have_no_accessibility_violations(busy_store, new_page, login, viewport):
    page = new_page(viewport)
    log_in(page, busy_store.url, login, PASSWORD)
    for number, path in enumerate(PAGES_BY_LOGIN[login]):
        check_page(page, busy_store.url + path, f"dashboard-{login}-{number}-{viewport['width']}")


def test_the_live_board_shows_a_new_request_without_a_reload(busy_store, new_page):
    page = new_page(DESKTOP)
    log_in(page, busy_store.url, "nyc.manager", PASSWORD)
    page.goto(busy_store.url + "/stores/NYC-5TH/board")
    before = page.locator(".board-item").count()
    page.evaluate("window.__same_page = true")
    with busy_store.app.app_context():
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        make_help_request(sign=make_sign(zone=store.zones[2]), size_label="9W")
    # a locator assertion, not wait_for_function: the page's CSP forbids eval
    expect(page.locator(".board-item")).to_have_count(before + 1, timeout=12_000)
    assert page.evaluate("window.__same_page") is True
    assert "size 9W" in page.locator("#board").inner_text()


def test_typing_a_custom_date_picks_the_custom_range(busy_store, new_page):
    page = new_page(PHONE)
    log_in(page, busy_store.url, "nyc.manager", PASSWORD)
    page.goto(busy_store.url + "/stores/NYC-5TH/dashboard?range=7d")
    page.get_by_label("From (custom)").fill("2020-01-01")
    page.get_by_label("To (custom)").fill("2020-01-31")
    assert page.get_by_role("combobox", name="Range").input_value() == "custom"
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("heading", name="No help requests in this range").is_visible()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_stock_section_shows_the_demo_history_readably(busy_store, new_page, viewport):
    page = new_page(viewport)
    log_in(page, busy_store.url, "nyc.manager", PASSWORD)
    page.goto(busy_store.url + "/stores/NYC-5TH/dashboard?range=30d")
    section = page.locator("section", has=page.get_by_role(
        "heading", name="Stock pulls, holds and lost demand"))
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(save_screenshot(page, f"dashboard-stock-{viewport['width']}")
                                .with_name(f"dashboard-stock-section-{viewport['width']}.png")))
    table = section.get_by_role("table", name="Products and sizes not in stock, most wanted first")
    assert table.get_by_role("row").count() > 5  # the header and the most wanted sizes
    assert section.get_by_text("Pulls asked for").is_visible()
    assert section.get_by_text("Median hold length").is_visible()
    first = table.get_by_role("row").nth(1)
    assert int(first.get_by_role("cell").nth(1).inner_text()) > 0  # looked up at least once
    assert axe_violations(page) == []
    assert page_fits_the_width(page)


def test_a_range_without_stock_events_says_so(busy_store, new_page):
    page = new_page(PHONE)
    log_in(page, busy_store.url, "nyc.manager", PASSWORD)
    page.goto(busy_store.url + PAGES_BY_LOGIN["nyc.manager"][3])  # two days in 2020
    section = page.locator("section", has=page.get_by_role(
        "heading", name="Stock pulls, holds and lost demand"))
    assert section.get_by_text("No stock pull was asked for, no hold placed").is_visible()
    section.screenshot(path=str(save_screenshot(page, "dashboard-stock-empty-360")
                                .with_name("dashboard-stock-section-empty-360.png")))


def _early_morning_moves(store: Store) -> None:
    """Yesterday before opening, two associates leave gaps: a late break, going off, hand-overs."""
    zone = ZoneInfo(store.timezone)
    yesterday = datetime.now(UTC).astimezone(zone).date() - timedelta(days=1)

    def at(hour: int, minute: int = 0) -> datetime:
        return datetime.combine(yesterday, time(hour, minute), tzinfo=zone)

    ana, ben = (db.session.scalar(select(User).where(User.login == f"nyc.associate{n}"))
                for n in (5, 6))
    first_zone, second_zone = store.zones[0], store.zones[1]
    availability.set_availability(ana, "on_floor", first_zone.id, now=at(6))
    availability.set_availability(ben, "on_floor", second_zone.id, now=at(6))
    held = submit_request(sign=make_sign(zone=first_zone), now=at(6, 10))
    moves.claim(store.id, held.id, ana, now=at(6, 12))
    availability.set_availability(ana, "on_break", until="15", backup_id=ben.id, now=at(6, 30),
                                  held={str(held.id): str(ben.id)})
    availability.set_availability(ana, "on_floor", now=at(6, 50))
    availability.set_availability(ben, "off", now=at(7), held={str(held.id): "queue"})
    waiting = submit_request(sign=make_sign(zone=second_zone), now=at(7, 10))
    moves.claim(store.id, waiting.id, ana, now=at(7, 16))
    availability.set_availability(ana, "off", now=at(7, 40), held={str(waiting.id): "queue"})


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_coverage_section_shows_gaps_breaks_and_hand_offs(busy_store, new_page, viewport):
    with busy_store.app.app_context():
        _early_morning_moves(db.session.scalar(select(Store).where(Store.code == "NYC-5TH")))
    page = new_page(viewport)
    log_in(page, busy_store.url, "nyc.manager", PASSWORD)
    page.goto(busy_store.url + "/stores/NYC-5TH/dashboard?range=7d")
    section = page.locator("section", has=page.get_by_role("heading", name="Coverage",
                                                            exact=True))
    section.scroll_into_view_if_needed()
    width = viewport["width"]
    section.screenshot(path=str(save_screenshot(page, f"dashboard-coverage-{width}")
                                .with_name(f"dashboard-coverage-section-{width}.png")))
    hours = section.get_by_role("table", name="Minutes each zone was uncovered, by local hour "
                                              "of day, over the range")
    assert [row.get_by_role("rowheader").inner_text()
            for row in hours.get_by_role("row").all()[1:]] == ["06:00", "07:00"]
    assert section.get_by_text("1 at a break").is_visible()
    assert section.get_by_text("1 back late").is_visible()
    assert section.get_by_text("2 put back in the queue").is_visible()
    zones = section.get_by_role("table", name="Time each zone was uncovered")
    first, second = (zones.get_by_role("row", name=name) for name in ("Apparel", "Fitting Rooms"))
    assert first.get_by_role("cell").first.inner_text() == "never"  # the backup covered the break
    assert second.get_by_role("cell").first.inner_text() == "40 min"  # after Ben went off
    assert axe_violations(page) == []
    assert page_fits_the_width(page)
