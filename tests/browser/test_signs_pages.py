"""The signs pages in Chromium: axe-clean at phone and desktop widths, one sign per printed page."""

import re

import pytest

from floorapp.demo import seed as demo
from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    check_page,
    log_in,
    save_screenshot,
)

PASSWORD = "browser-demo-pw"
SIGNS = "/stores/NYC-5TH/signs"


@pytest.fixture
def demo_server(live_server):
    with live_server.app.app_context():
        demo.seed_demo(seed=1, password=PASSWORD, history_days=0)
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", [SIGNS, SIGNS + "/print"], ids=["list", "print"])
def test_signs_pages_have_no_accessibility_violations(demo_server, new_page, path, viewport):
    page = new_page(viewport)
    log_in(page, demo_server.url, "nyc.manager", PASSWORD)
    check_page(page, demo_server.url + path, f"signs{path.replace('/', '_')}-{viewport['width']}")


def test_the_print_sheet_prints_one_sign_per_page_without_the_app_around_it(demo_server,
                                                                             new_page):
    page = new_page(DESKTOP)
    log_in(page, demo_server.url, "nyc.manager", PASSWORD)
    page.goto(demo_server.url + SIGNS + "/print")
    signs = page.locator("article.sign-sheet").count()
    assert signs == 5  # one per demo zone
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Log out").is_visible()
    assert not page.get_by_role("button", name="Print").is_visible()
    save_screenshot(page, "signs_print-as-printed")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == signs


def test_a_manager_adds_rotates_and_deactivates_a_sign(demo_server, new_page):
    page = new_page(PHONE)
    log_in(page, demo_server.url, "nyc.manager", PASSWORD)
    page.goto(demo_server.url + "/stores/NYC-5TH/settings")
    page.get_by_role("link", name="QR signs for these zones").click()
    page.get_by_label("Zone").select_option(label="Kids")
    page.get_by_label("Where it hangs (optional)").fill("By the stairs")
    page.get_by_role("button", name="Add sign").click()
    assert "added to Kids" in page.get_by_role("status").inner_text()
    sign = page.locator(".sign-list li", has_text="By the stairs")
    page.once("dialog", lambda dialog: dialog.accept())
    sign.get_by_role("button", name=re.compile("New code")).click()
    assert "has a new code" in page.get_by_role("status").inner_text()
    page.once("dialog", lambda dialog: dialog.dismiss())  # changed their mind: nothing happens
    sign.get_by_role("button", name=re.compile("Deactivate")).click()
    assert sign.get_by_text("deactivated").count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    sign.get_by_role("button", name=re.compile("Deactivate")).click()
    assert "is deactivated" in page.get_by_role("status").inner_text()
    assert page.locator(".sign-list li", has_text="By the stairs").get_by_text(
        "deactivated", exact=True).count() == 1
