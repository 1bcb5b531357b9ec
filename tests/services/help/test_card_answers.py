"""A queue card answers from the size grid's figures, for the whole queue in one query."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from floorapp.extensions import db
from floorapp.models import Hold
from floorapp.services.help import card_answers, views
from floorapp.services.inventory.size_grid import nearest_in_stock, product_view
from tests.factories import make_product, make_sign, make_store, submit_request


def _queue_answers(store):
    items = views.open_queue(store)
    return items, card_answers.answers(store, items)


def test_a_known_size_shows_this_stores_floor_stockroom_bin_and_holds_like_the_grid(app):
    with app.app_context():
        sign = make_sign()
        store, there = sign.zone.store, make_store(code="THERE")
        product = make_product(style="NW1", brand="Northway", name="Harbor Runner", color="Navy",
                               sizes=("9", "9.5"), widths=("W",), stock={
                                   store: {("9", "W"): (2, 3, "B-12")},
                                   there: {("9", "W"): (9, 9, "Z-1")}})
        nine = product.variants_by_key[("9", "W")]
        db.session.add(Hold(store_id=store.id, variant_id=nine.id, customer_label="Ms Lee",
                            qty=1, expires_at=datetime.now(UTC) + timedelta(minutes=30)))
        db.session.commit()
        help_request = submit_request(sign=sign, product="NW1", size="9 W")
        items, answers = _queue_answers(store)
        answer = answers[help_request.id]
        grid = next(v for v in product_view(product.id, store)["variants"] if v["id"] == nine.id)
        assert answer == {"product_id": product.id, "product": "Northway Harbor Runner, Navy",
                          "variant_id": nine.id, "size": "9 W", "floor": 2, "stockroom": 3,
                          "bin": "B-12", "held": 1, "available": 4, "nearest": []}
        assert (answer["floor"], answer["stockroom"], answer["held"], answer["available"]) == (
            grid["floor"], grid["stockroom"], grid["held"], grid["available"])
        assert [(i["product_id"], i["variant_id"]) for i in items] == [(product.id, nine.id)]


def test_a_size_out_here_shows_the_nearest_sizes_the_grid_would_offer(app):
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        product = make_product(style="NW2", sizes=("8", "8.5", "9", "9.5", "11"), widths=("W",),
                               stock={store: {("8", "W"): (1, 0), ("9", "W"): (0, 0),
                                              ("9.5", "W"): (0, 2), ("11", "W"): (5, 0)}})
        nine = product.variants_by_key[("9", "W")]
        help_request = submit_request(sign=sign, product="NW2", size="9W")
        answer = _queue_answers(store)[1][help_request.id]
        assert (answer["variant_id"], answer["available"]) == (nine.id, 0)
        assert answer["nearest"] == [{"size": "9.5 W", "available": 2},
                                     {"size": "8 W", "available": 1},
                                     {"size": "11 W", "available": 5}]
        expected = nearest_in_stock(product_view(product.id, store), nine.id)
        assert [v["available"] for v in expected] == [2, 1, 5]


def test_a_product_without_a_size_answers_with_the_product_only_and_free_text_with_nothing(app):
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        product = make_product(style="NW3", stock={store: {("8", ""): (1, 0)}})
        with_product = submit_request(sign=sign, product="NW3")
        free = submit_request(sign=sign, product="something blue", size="9")
        answers = _queue_answers(store)[1]
        assert answers[with_product.id] == {"product_id": product.id,
                                            "product": "Northway Trail Runner, Navy",
                                            "variant_id": None}
        assert free.id not in answers


def test_the_whole_queue_is_answered_in_one_query(app):
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        for n in range(6):
            make_product(style=f"Q{n}", stock={store: {("8", ""): (n, 1)}})
            submit_request(sign=sign, product=f"Q{n}", size="8")
        items = views.open_queue(store)
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            answers = card_answers.answers(store, items)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(answers) == 6 and [a["floor"] for a in answers.values()] == list(range(6))
        assert len(statements) == 1
