"""What a push says: the contract's payload, in English and Spanish, under 3 KB."""

import pytest

from floorapp.models import Need
from floorapp.services.notify import messages

ANSWER = {"product_id": 4, "product": "Northway Atlas Runner", "variant_id": 9, "size": "9 W",
          "floor": 2, "stockroom": 3, "bin": "B-12", "held": 0, "available": 5, "nearest": []}


@pytest.fixture
def card(app):
    with app.app_context():
        yield messages.Card(12, "NY1", "Women's shoes", Need.FIND_SIZE, "atlas runner", "9 W",
                            "", ANSWER)


def test_a_new_request_says_what_the_card_says_with_claim(card):
    payload = messages.new_request(card, "en")
    assert payload == {
        "v": 1, "tag": "request-12", "title": "Women's shoes · Find my size",
        "body": "Northway Atlas Runner 9 W — 2 on the floor, 3 in the stockroom",
        "url": "/stores/NY1/floor#request-12", "renotify": True, "silent": False,
        "lang": "en", "actions": [{"action": "claim", "title": "Claim"}],
        "claim": {"request_id": 12, "store": "NY1"}}
    assert "push_id" not in payload  # delivery adds it at send time


def test_the_same_push_in_spanish(card):
    payload = messages.new_request(card, "es")
    assert payload["title"] == "Women's shoes · Encontrar mi talla"
    assert payload["body"] == "Northway Atlas Runner 9 W — 2 en la tienda, 3 en el almacén"
    assert payload["actions"] == [{"action": "claim", "title": "Atender"}]
    assert payload["lang"] == "es"


def test_an_escalation_says_it_is_still_waiting(card):
    assert messages.new_request(card, "en", level=2)["body"].startswith("Still waiting · ")
    assert messages.new_request(card, "es", level=1)["body"].startswith("Sigue esperando · ")


def test_without_a_catalog_answer_the_body_is_what_the_customer_typed(app):
    with app.app_context():
        typed = messages.Card(3, "NY1", "Shoes", Need.OTHER, "red boots", "38")
        assert messages.new_request(typed, "en")["body"] == "red boots · size 38"
        note = messages.Card(3, "NY1", "Shoes", Need.CHECKOUT, note="by the mirrors")
        assert messages.new_request(note, "en")["body"] == "“by the mirrors”"
        bare = messages.Card(3, "NY1", "Shoes", Need.FITTING_ROOM)
        assert messages.new_request(bare, "es")["body"] == "Esperando a alguien"
        out = messages.Card(3, "NY1", "Shoes", Need.FIND_SIZE, answer=ANSWER | {"available": 0})
        assert messages.new_request(out, "en")["body"] == "Northway Atlas Runner 9 W — out here"


@pytest.mark.parametrize(("what", "english", "spanish"), [
    ("claimed", "Maria took it", "Maria lo atiende"), ("resolved", "Resolved", "Resuelta"),
    ("cancelled", "Cancelled", "Cancelada"), ("released", "Back in the queue",
                                              "De nuevo en la cola")])
def test_a_replacement_keeps_the_tag_is_silent_and_has_no_claim(card, what, english, spanish):
    for language, text in (("en", english), ("es", spanish)):
        payload = messages.replaced(card, what, language, name="Maria")
        assert payload["tag"] == "request-12" and payload["body"] == text
        assert (payload["silent"], payload["renotify"], payload["actions"]) == (True, False, [])
        assert "claim" not in payload


def test_a_hand_off_alerts_the_colleague_without_claim(card):
    payload = messages.handed_to_you(card, "Sam", "en")
    assert payload["body"].startswith("Sam handed this to you · Northway Atlas Runner 9 W")
    assert payload["renotify"] and payload["actions"] == [] and "claim" not in payload


def test_the_customers_phone_hears_who_is_on_the_way(app):
    with app.app_context():
        payload = messages.customer_on_the_way(12, "tok", "Maria", "es")
        assert (payload["tag"], payload["title"], payload["url"]) == (
            "customer-12", "Maria va en camino", "/h/tok")
        assert payload["actions"] == [] and not payload["silent"]


def test_a_pull_tells_the_stockroom_and_then_the_asker(app):
    with app.app_context():
        pull = messages.PullCard(7, "NY1", "Northway Atlas Runner", "9 W", "B-12", 4, 9)
        asked = messages.pull_asked(pull, "en")
        assert (asked["tag"], asked["title"], asked["body"], asked["url"]) == (
            "pull-7", "Stock pull · Northway Atlas Runner 9 W", "Bring it to the floor · bin B-12",
            "/stores/NY1/pulls#pull-7")
        picked = messages.pull_answered(pull, "picked", "Rex", "es", to_asker=True)
        assert picked["body"] == "Rex lo trae" and picked["renotify"]
        assert picked["url"] == "/stores/NY1/products/4?variant=9#selected"
        elsewhere = messages.pull_answered(pull, "not_found", "Rex", "en", to_asker=False)
        assert elsewhere["body"] == "Rex could not find it" and elsewhere["silent"]


def test_long_names_are_cut_so_the_payload_stays_under_3_kb(app):
    with app.app_context():
        huge = "Ñandú " * 400
        card = messages.Card(10**9, "NY1", huge, Need.PRODUCT_QUESTION, huge, huge[:24], huge,
                             ANSWER | {"product": huge})
        for payload in (messages.new_request(card, "es", level=2),
                        messages.handed_to_you(card, huge, "es"),
                        messages.replaced(card, "claimed", "en", name=huge),
                        messages.customer_on_the_way(1, "t" * 64, huge, "es")):
            assert messages.size_in_bytes(payload | {"push_id": 10**12}) <= 3072
            assert payload["title"].endswith("…") or len(payload["title"]) <= 120
        assert len(messages.new_request(card, "en")["body"]) <= messages.MAX_BODY


def test_break_pushes_say_the_store_time_in_english_and_spanish(app):
    from datetime import UTC, datetime

    with app.app_context():
        # 19:30 UTC on 2026-07-01 is 15:30 in New York (EDT), the store's clock
        card = messages.BreakCard(5, "NY1", "America/New_York", "Maria", "Shoes",
                                  datetime(2026, 7, 1, 19, 30, tzinfo=UTC))
        english, spanish = messages.covering(card, "en"), messages.covering(card, "es")
        assert english["title"] == "You cover Shoes" and "until 15:30" in english["body"]
        assert spanish["title"] == "Cubres Shoes" and "hasta las 15:30" in spanish["body"]
        late = messages.break_overdue(card, 420, "es")
        assert late["url"] == "/stores/NY1/board" and "hace 7 min" in late["body"]
        assert messages.uncovered("NY1", ["Kids"], "en")["title"] == "Nobody covers Kids"
