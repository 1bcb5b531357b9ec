"""The shift planner, the associate's shifts and the staffing plan in Chromium: axe-clean
at 360 and 1280 px, and a shift planned through the real form."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from floorapp.demo import seed as demo
from floorapp.extensions import db
from floorapp.models import Role, Shift, Store, User
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    axe_violations,
    check_page,
    log_in,
    page_fits_the_width,
    save_screenshot,
)

PASSWORD = "browser-demo-pw"


@pytest.fixture
def planned_store(live_server):
    """The demo with four weeks of history; it plans next week Monday to Saturday."""
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=28)
        store = db.session.scalar(select(Store).where(Store.code == "NYC-5TH"))
        staff = list(db.session.scalars(select(User).where(
            User.home_store_id == store.id, User.role == Role.ASSOCIATE).order_by(User.login)))
        live_server.shift_id = db.session.scalar(select(Shift.id).where(
            Shift.store_id == store.id).order_by(Shift.id))
        live_server.staff = [person.login for person in staff]
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_shift_pages_have_no_accessibility_violations(planned_store, new_page, viewport):
    page = new_page(viewport)
    url, width = planned_store.url, viewport["width"]
    log_in(page, url, "nyc.manager", PASSWORD)
    check_page(page, url + "/stores/NYC-5TH/shifts", f"shifts-week-{width}")
    check_page(page, url + f"/stores/NYC-5TH/shifts/{planned_store.shift_id}",
               f"shifts-edit-{width}")
    check_page(page, url + "/stores/NYC-5TH/staffing?range=30d&day=5", f"staffing-plan-{width}")
    page.context.clear_cookies()
    log_in(page, url, planned_store.staff[0], PASSWORD)
    page.goto(url + "/stores/NYC-5TH/my-shifts")
    page.get_by_role("button", name="Make my calendar link").click()
    page.wait_for_load_state()
    assert "/calendar/" in page.get_by_label("Subscribe to this address").input_value()
    save_screenshot(page, f"shifts-mine-{width}")  # the POST's answer: a GET would be a 405
    assert axe_violations(page) == [] and page_fits_the_width(page)


def test_a_manager_plans_a_shift_through_the_form(planned_store, new_page):
    page = new_page(PHONE)
    log_in(page, planned_store.url, "nyc.manager", PASSWORD)
    page.goto(planned_store.url + "/stores/NYC-5TH/shifts")
    page.get_by_label("Associate", exact=True).select_option(planned_store.staff[3])
    page.get_by_label("Day", exact=True).select_option(index=6)
    page.get_by_label("Start", exact=True).fill("07:00")
    page.get_by_label("End", exact=True).fill("11:00")
    page.get_by_role("button", name="Add shift").click()
    page.wait_for_load_state()
    assert "Planned" in page.locator(".flash").inner_text()
    with planned_store.app.app_context():
        found = db.session.scalar(select(Shift).join(User, Shift.user_id == User.id).where(
            User.login == planned_store.staff[3], Shift.start_time == datetime(
                2000, 1, 1, 7, tzinfo=UTC).time()))
        assert found is not None and found.local_date.weekday() == 6
