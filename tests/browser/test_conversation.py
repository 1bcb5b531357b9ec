"""Both sides of a conversation: a customer on a phone (360 px), an associate on a handheld.

The customer writes and attaches a phone photo with GPS in its EXIF; the associate's
card shows the message live and answers with a quick reply, which reaches the
customer's page live. The stored photo is read back: its GPS is gone. With JavaScript
neither side's page reloads to send; the associate answers from the size run opened from
the request too, and a colleague who does not hold it reads the thread without answering.
"""

from playwright.sync_api import expect
from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import Product, RequestMessage, RequestPhoto, Stock, Store, Variant
from tests.browser.conftest import DESKTOP, PHONE, REPLAY, log_in, save_screenshot
from tests.browser.test_help_request_pages import PASSWORD, _no_violations, shop  # noqa: F401
from tests.photo_files import has_gps, jpeg_with_gps


def _claimed(shop, new_page, *, product: str = "", size: str = ""):  # noqa: F811
    """An associate live on the queue claims what a customer on a phone asks: both pages."""
    associate = new_page(PHONE)
    log_in(associate, shop["url"], "nyc.associate1", PASSWORD)
    associate.get_by_role("button", name="On the floor").click()
    associate.wait_for_selector("text=Live.")
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    if product:
        customer.get_by_label("Which product? (optional)").fill(product)
        customer.get_by_label("Size (optional)").fill(size)
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    associate.get_by_role("button", name="Claim – on my way").first.click()
    customer.wait_for_selector("h1:has-text('is on the way')")
    return associate, customer


def test_a_customer_and_an_associate_talk_live_with_a_photo(shop, new_page, tmp_path):  # noqa: F811
    associate, customer = _claimed(shop, new_page)

    associate.locator(".mine").get_by_label("Reply").fill("Coming with the")  # half typed
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
    expect(associate.locator(".mine").get_by_label("Reply")).to_have_value("Coming with the")
    _no_violations(associate, "conversation-floor-card-360")
    associate.get_by_role("button", name="Bringing your size").first.click()
    expect(customer.locator("#thread-list")).to_contain_text("Bringing your size",
                                                             timeout=10_000)  # live
    _no_violations(customer, "conversation-customer-reply-360")

    with shop["app"].app_context():
        stored = db.session.scalars(select(RequestPhoto)).one()
        assert not has_gps(stored.data) and max(stored.width, stored.height) == 1600


def test_a_quick_reply_tapped_in_a_dead_spot_is_sent_once(shop, new_page):  # noqa: F811
    associate, customer = _claimed(shop, new_page)

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
    for width, viewport in (("360", PHONE), ("1280", DESKTOP)):
        with_script = new_page(viewport)  # axe needs JavaScript; the page to write on, checked
        with_script.goto(writing_url)
        _no_violations(with_script, f"conversation-customer-writing-{width}")


def _stocked_style(where) -> tuple[str, str]:
    """Return a product's style and a size of it on this store's floor, as a customer types."""
    with where["app"].app_context():
        store_id = db.session.scalar(select(Store.id).where(Store.code == "NYC-5TH"))
        style, size, width = db.session.execute(
            select(Product.style, Variant.size_label, Variant.width).join(Variant)
            .join(Stock, Stock.variant_id == Variant.id)
            .where(Stock.store_id == store_id, Stock.floor_qty > 0)
            .order_by(Variant.id).limit(1)).one()
        return style, f"{size} {width}".strip()


def _mark_the_page(page) -> None:
    page.evaluate("window.notReloaded = true")  # gone if the page navigates or reloads


def test_the_associate_answers_from_the_size_run_and_nobody_reloads(shop, new_page):  # noqa: F811
    style, size = _stocked_style(shop)
    associate, customer = _claimed(shop, new_page, product=style, size=size)

    associate.locator(".mine").get_by_role("link", name="Open the size run").click()
    conversation = associate.locator("#conversation")
    expect(conversation.locator("#live-state")).to_have_text("Live.")
    conversation.get_by_label("Reply").fill("Coming with")  # what the customer says next:
    _mark_the_page(customer)
    status_url = customer.url
    customer.get_by_label("Your message").fill("By the mirrors, in a red coat")
    customer.get_by_role("button", name="Send").click()
    expect(customer.locator("#thread-list")).to_contain_text("By the mirrors, in a red coat")
    assert customer.evaluate("window.notReloaded") and customer.url == status_url
    expect(customer.get_by_label("Your message")).to_have_value("")
    expect(conversation).to_contain_text("By the mirrors, in a red coat",
                                         timeout=10_000)  # live on the size run
    expect(conversation.get_by_label("Reply")).to_have_value("Coming with")  # still there
    _no_violations(associate, "conversation-size-run-360")

    _mark_the_page(associate)
    conversation.get_by_role("button", name="Bringing your size").click()
    expect(conversation.locator(".thread")).to_contain_text("Bringing your size")
    expect(customer.locator("#thread-list")).to_contain_text("Bringing your size",
                                                             timeout=10_000)  # live
    assert associate.evaluate("window.notReloaded") and customer.evaluate("window.notReloaded")
    assert _staff_messages(shop) == ["Bringing your size"]
    _no_violations(customer, "conversation-customer-js-sent-360")

    reply = conversation.locator("form.quick-reply").filter(has_text="Two minutes")
    key, api_url = reply.get_attribute("data-idempotency-key"), reply.get_attribute(
        "data-outbox")
    associate.context.set_offline(True)  # a dead spot in the stockroom aisle
    reply.get_by_role("button", name="Two minutes").click()
    expect(associate.locator("#outbox li")).to_contain_text("Reply: Two minutes")
    associate.context.set_offline(False)
    expect(associate.locator("#outbox")).to_be_hidden(timeout=10_000)
    expect(customer.locator("#thread-list")).to_contain_text("Two minutes", timeout=10_000)
    assert associate.evaluate(REPLAY, [api_url, key, {"body": "Two minutes"}]) == 200
    assert _staff_messages(shop) == ["Bringing your size", "Two minutes"]
    expect(conversation.locator(".thread")).to_contain_text("Two minutes", timeout=10_000)
    assert associate.evaluate("window.notReloaded")

    size_run, status = associate.url, customer.url
    desk = new_page(DESKTOP)
    log_in(desk, shop["url"], "nyc.associate1", PASSWORD)
    desk.goto(size_run)
    expect(desk.locator("#conversation #live-state")).to_have_text("Live.")
    _no_violations(desk, "conversation-size-run-1280")
    wide = new_page(DESKTOP)
    wide.goto(status)
    _no_violations(wide, "conversation-customer-1280")


def test_a_colleague_reads_the_thread_on_the_queue_without_answering(shop, new_page):  # noqa: F811
    holder, colleague = new_page(PHONE), new_page(DESKTOP)
    log_in(holder, shop["url"], "nyc.associate1", PASSWORD)
    log_in(colleague, shop["url"], "nyc.associate2", PASSWORD)
    for page in (holder, colleague):
        page.get_by_role("button", name="On the floor").click()
        page.wait_for_selector("text=Live.")
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}")
    customer.get_by_label("Find my size").check()
    customer.get_by_role("button", name="Call an associate").click()
    customer.wait_for_selector("text=You are number 1 in line.")
    holder.get_by_role("button", name="Claim – on my way").first.click()
    customer.get_by_label("Your message").fill("Is anyone coming?")
    customer.get_by_role("button", name="Send").click()
    card = colleague.locator(".queue .request").first
    expect(card.locator(".thread")).to_contain_text("Is anyone coming?", timeout=10_000)
    expect(card).to_contain_text("holds this request and answers the customer.")
    expect(card.locator("form.quick-reply")).to_have_count(0)
    _no_violations(colleague, "conversation-colleague-card-1280")

    manager = new_page(PHONE)  # a manager may always answer: folded, opened when needed
    log_in(manager, shop["url"], "nyc.manager", PASSWORD)
    manager.goto(f"{shop['url']}/stores/NYC-5TH/floor")
    card = manager.locator(".queue .request").first
    card.get_by_text("Answer the customer as a manager").click()
    _mark_the_page(manager)
    card.get_by_label("Reply").fill("Maria is two aisles away")
    card.get_by_role("button", name="Send").click()
    expect(customer.locator("#thread-list")).to_contain_text("Maria is two aisles away",
                                                             timeout=10_000)
    expect(card.locator(".thread")).to_contain_text("Maria is two aisles away")
    assert manager.evaluate("window.notReloaded")
    _no_violations(manager, "conversation-manager-card-360")


def test_a_spanish_customer_sends_from_a_dead_spot_then_once_and_a_refusal_is_explained(
        shop, new_page):  # noqa: F811
    customer = new_page(PHONE)
    customer.goto(f"{shop['url']}/s/{shop['token']}?lang=es")
    customer.get_by_label("Encontrar mi talla").check()
    customer.get_by_role("button", name="Llamar a un asociado").click()
    expect(customer.get_by_label("Su mensaje")).to_be_visible()
    _mark_the_page(customer)
    customer.get_by_label("Su mensaje").fill("Estoy junto a los espejos")
    customer.context.set_offline(True)
    customer.get_by_role("button", name="Enviar").click()
    expect(customer.get_by_role("alert")).to_have_text(
        "No se envió: revise su conexión e inténtelo de nuevo.")
    _no_violations(customer, "conversation-customer-offline-es-360")
    customer.context.set_offline(False)
    customer.get_by_role("button", name="Enviar").click()  # the same key: one message
    expect(customer.locator("#thread-list")).to_contain_text("Estoy junto a los espejos")
    expect(customer.get_by_role("alert")).to_be_hidden()
    assert customer.evaluate("window.notReloaded")
    with shop["app"].app_context():
        assert list(db.session.scalars(select(RequestMessage.body))) == [
            "Estoy junto a los espejos"]
    customer.get_by_role("button", name="Enviar").click()  # nothing written: refused
    expect(customer.get_by_role("alert")).to_have_text(
        "Escriba un mensaje o elija una foto.")  # the form's own post explains, in Spanish
