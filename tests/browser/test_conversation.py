"""Both sides of a conversation: a customer on a phone (360 px), an associate on a handheld.

The customer writes and attaches a phone photo with GPS in its EXIF; the associate's
card shows the message live and answers with a quick reply, which reaches the
customer's page live. The stored photo is read back: its GPS is gone.
"""

from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import RequestMessage, RequestPhoto
from tests.browser.conftest import PHONE, REPLAY, log_in, save_screenshot
from tests.browser.test_help_request_pages import PASSWORD, _no_violations, shop  # noqa: F401
from tests.photo_files import has_gps, jpeg_with_gps


def test_a_customer_and_an_associate_talk_live_with_a_photo(shop, new_page, tmp_path):  # noqa: F811
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.get_by_role("button", name="On the floor").click()
    associate.wait_for_selector("text=Live.")

    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    associate.get_by_role("button", name="Claim – on my way").first.click()
    customer.wait_for_selector("h1:has-text('is on the way')")

    photo = tmp_path / "IMG_0042.JPG"
    photo.write_bytes(jpeg_with_gps())
    customer.get_by_label("Your message").fill("I'm by the fitting rooms, this one")
    customer.get_by_label("A photo (optional)").set_input_files(str(photo))
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator("#thread-list")).to_contain_text("I'm by the fitting rooms")
    expect(customer.locator("#thread-list img")).to_have_count(1)
    _no_violations(customer, "conversation-customer-sent-360")

    card = associate.locator(".thread").first
    expect(card).to_contain_text("I'm by the fitting rooms", timeout=10_000)  # live
    _no_violations(associate, "conversation-floor-card-360")
    associate.get_by_role("button", name="Bringing your size").first.click()
    expect(customer.locator("#thread-list")).to_contain_text("Bringing your size",
                                                             timeout=10_000)  # live
    _no_violations(customer, "conversation-customer-reply-360")

    with shop["app"].app_context():
        stored = db.session.scalars(select(RequestPhoto)).one()
        assert not has_gps(stored.data) and max(stored.width, stored.height) == 1600


def test_a_quick_reply_tapped_in_a_dead_spot_is_sent_once(shop, new_page):  # noqa: F811
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.get_by_role("button", name="On the floor").click()
    associate.wait_for_selector("text=Live.")
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    associate.get_by_role("button", name="Claim – on my way").first.click()
    customer.wait_for_selector("h1:has-text('is on the way')")

    reply = associate.locator("form.quick-reply").filter(has_text="Two minutes").first
    expect(reply).to_be_visible()
    key, api_url = reply.get_attribute("data-idempotency-key"), reply.get_attribute(
        "data-outbox")
    associate.context.set_offline(True)
    reply.get_by_role("button", name="Two minutes").click()
    expect(associate.locator("#outbox li")).to_contain_text("Reply: Two minutes")
    save_screenshot(associate, "conversation-floor-reply-pending-360")
    assert _staff_messages(shop) == []
    associate.context.set_offline(False)
    expect(associate.locator("#outbox")).to_be_hidden(timeout=10_000)
    expect(customer.locator("#thread-list")).to_contain_text("Two minutes", timeout=10_000)
    assert _staff_messages(shop) == ["Two minutes"]
    assert associate.evaluate(REPLAY, [api_url, key, {"body": "Two minutes"}]) == 200
    assert _staff_messages(shop) == ["Two minutes"]


def _staff_messages(where) -> list[str]:
    with where["app"].app_context():
        return list(db.session.scalars(select(RequestMessage.body).where(
            RequestMessage.author == "staff")))


def test_without_javascript_a_message_is_written_on_a_page_that_does_not_refresh(
        shop, browser, new_page):  # noqa: F811
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        customer = context.new_page()
        customer.goto(f"{shop['url']}/s/{shop['token']}")
        customer.get_by_label("Find my size").check()
        customer.get_by_role("button", name="Call an associate").click()
        assert customer.get_by_text("You are number 1 in line.").is_visible()
        assert not customer.get_by_label("Your message").is_visible()  # it would refresh away
        save_screenshot(customer, "conversation-customer-status-nojs-360")
        customer.get_by_role("link", name="Write a message").click()
        customer.get_by_label("Your message").fill("Blue ones, size 9 wide please")
        customer.wait_for_timeout(16_000)  # longer than the plain page's refresh
        assert customer.get_by_label("Your message").input_value() == \
            "Blue ones, size 9 wide please"
        save_screenshot(customer, "conversation-customer-writing-nojs-360")
        writing_url = customer.url
        customer.get_by_role("button", name="Send").click()
        expect(customer.locator("#thread-list")).to_contain_text("Blue ones, size 9 wide")
    finally:
        context.close()
    with_script = new_page(PHONE)  # axe needs JavaScript; the page to write on, checked
    with_script.goto(writing_url)
    _no_violations(with_script, "conversation-customer-writing-360")
