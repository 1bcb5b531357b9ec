"""The thread's pushes: an associate's message to the customer's phone, the customer's to
the associate who holds the request."""

from floorapp.services.conversation import thread
from floorapp.services.help import moves
from tests.factories import make_sign, submit_request
from tests.services.notify import devices
from tests.services.notify.devices import outbox, pushed_to, subscribe_customer

shop = devices.shop  # the fixture: a store, its zones, its people and one device each


def test_a_quick_reply_reaches_the_customers_phone_in_their_language(shop):
    request = submit_request(sign=make_sign(zone=shop.women), language="es")
    phone = subscribe_customer(request, language="es").id
    moves.claim(shop.store.id, request.id, shop.people["maria"])
    before = len(outbox(f"customer-{request.id}"))
    thread.post_as_staff(shop.people["maria"], request.id, "On my way")
    rows = outbox(f"customer-{request.id}")[before:]
    assert [(r.subscription_id, r.payload["title"], r.payload["body"]) for r in rows] == [
        (phone, "Maria escribió", "Voy para allá")]


def test_the_customers_message_reaches_only_the_associate_who_holds_it(shop):
    request = submit_request(sign=make_sign(zone=shop.women))
    moves.claim(shop.store.id, request.id, shop.people["maria"])
    before = len(outbox(f"request-{request.id}"))
    thread.post_as_customer(request.public_token, "I'm by the mirrors")
    rows = outbox(f"request-{request.id}")[before:]
    assert pushed_to(rows) == {shop.devices["maria"].id}
    assert rows[0].payload["body"] == "I'm by the mirrors"
    assert rows[0].payload["title"].startswith("The customer wrote")
