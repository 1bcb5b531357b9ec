"""The customer asks for texts on a phone (360 px) and on a desktop (1280 px).

The live server runs the real SMS sender with the `log` backend (no account needed):
the associate's claim in another browser leaves a text, and the status page's "texts
sent" line shows it. A bad number is refused on the form with the customer's typing kept.
"""

from playwright.sync_api import expect

from floorapp.extensions import db
from floorapp.services.help import intake
from floorapp.services.texts import consent
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.test_help_request_pages import PASSWORD, _no_violations, shop  # noqa: F401


def _consent_number(shop, page) -> str | None:  # noqa: F811
    token = page.url.rsplit("/", 1)[1].split("#")[0]
    with shop["app"].app_context():
        found = consent.for_request(intake.by_public_token(token).id)
        number = found.number if found else None
        db.session.rollback()
        return number


def test_a_phone_customer_gives_a_number_on_the_sign_and_sees_the_text_sent(
        shop, new_page):  # noqa: F811
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    field = customer.get_by_label("Text me when someone is on the way (optional)")
    expect(customer.locator("#mobile-hint")).to_contain_text("Reply STOP to stop")
    _no_violations(customer, "texts-sign-360")
    customer.get_by_label("Find my size").check()
    field.fill("201 555 01")  # a digit short
    customer.get_by_role("button", name="Call an associate").click()
    expect(customer.locator("#form-error")).to_contain_text("does not look like a mobile")
    expect(field).to_have_value("201 555 01")
    _no_violations(customer, "texts-sign-bad-number-360")
    field.fill("(201) 555-0123")
    customer.get_by_label("Find my size").check()
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    expect(customer.locator("#texts")).to_contain_text("number ending 0123")
    assert _consent_number(shop, customer) == "+12015550123"

    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.get_by_role("button", name="On the floor").click()
    associate.wait_for_selector("text=Live.")
    associate.get_by_role("button", name="Claim – on my way").first.click()
    customer.wait_for_selector("h1:has-text('is on the way')")
    for _ in range(20):  # the worker's SMS sender, woken by the claim's commit
        customer.reload()
        if customer.locator("#texts-sent").count():
            break
        customer.wait_for_timeout(250)
    expect(customer.locator(".texts-sent")).to_contain_text("is on the way to help you")
    _no_violations(customer, "texts-status-sent-360")


def test_a_desktop_customer_asks_for_texts_from_the_status_page(shop, new_page):  # noqa: F811
    customer = new_page(DESKTOP)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    _no_violations(customer, "texts-status-form-1280")
    field = customer.locator("#texts").get_by_label("Text me when someone is on the way",
                                                    exact=True)
    field.fill("12")
    customer.get_by_role("button", name="Text me").click()
    expect(customer.locator("#texts .error")).to_contain_text("does not look like a mobile")
    _no_violations(customer, "texts-status-bad-number-1280")
    field.fill("+1 201 555 0123")
    customer.get_by_role("button", name="Text me").click()
    expect(customer.locator("#texts")).to_contain_text("number ending 0123")
    _no_violations(customer, "texts-status-on-1280")
