"""The customer's price check: size words from the real stock and holds, this store only."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Hold, LookupMiss, LookupSource
from floorapp.services.inventory import customer_view
from tests.factories import make_product, make_store


@pytest.fixture
def shop(app):
    """Two stores; a runner both carry, a boot only Fifth Avenue carries."""
    with app.app_context():
        here = make_store(code="HERE", name="Herald Square")
        fifth = make_store(code="FIFTH", name="Fifth Avenue")
        runner = make_product(style="NW100", name="Harbor Runner", brand="Northway",
                              color="Navy", price_cents=8999,
                              sizes=("8", "9", "10", "11"), widths=("", "W"), stock={
                                  here: {("8", ""): (2, 3, "B-12"), ("9", ""): (0, 4, "C-1"),
                                         ("10", ""): (1, 0), ("11", ""): (0, 0),
                                         ("9", "W"): (1, 2)},
                                  fifth: {("11", ""): (0, 6, "Z-1")}})
        boot = make_product(style="VL200", name="Harbor Boot", sizes=("9",),
                            stock={fifth: {("9", ""): (4, 0)}})
        runner.image_url = "https://cdn.example/x.jpg"  # another origin: never shown
        db.session.commit()
        yield {"here": here, "fifth": fifth, "runner": runner, "boot": boot}


def _words(shown: dict) -> dict[str, str]:
    return {size["label"]: size["availability"] for size in shown["sizes"]}


def _misses(source=None) -> int:
    query = select(func.count()).select_from(LookupMiss)
    if source is not None:
        query = query.where(LookupMiss.source == source)
    return db.session.scalar(query)


def test_each_size_reads_as_one_of_four_words(shop):
    shown = customer_view.product_for_customer(shop["here"], shop["runner"].id)
    assert _words(shown) == {"8": "on_shelf", "9": "from_back", "10": "last_one",
                             "11": "not_here", "9 W": "on_shelf", "8 W": "not_here",
                             "10 W": "not_here", "11 W": "not_here"}
    assert [size["label"] for size in shown["sizes"]][:3] == ["8", "8 W", "9"]
    assert shown["product"] == {"id": shop["runner"].id, "name": "Harbor Runner",
                                "brand": "Northway", "color": "Navy", "price_cents": 8999,
                                "image_url": None, "apparel": False}
    assert shown["store"] == "Herald Square"


def test_active_holds_count_and_a_held_floor_pair_is_from_the_back(shop):
    now = datetime.now(UTC)
    runner, here = shop["runner"], shop["here"]
    for key, qty in ((("8", ""), 4), (("9", "W"), 1)):
        db.session.add(Hold(store_id=here.id, variant_id=runner.variants_by_key[key].id,
                            customer_label="A", qty=qty, expires_at=now + timedelta(hours=1)))
    db.session.add(Hold(store_id=here.id, variant_id=runner.variants_by_key[("10", "")].id,
                        customer_label="old", qty=1, expires_at=now - timedelta(minutes=1)))
    db.session.commit()
    words = _words(customer_view.product_for_customer(here, runner.id))
    # 8: 5 there, 4 held: the last one. 9 W: its one floor pair held, 2 in the back.
    assert (words["8"], words["9 W"], words["10"]) == ("last_one", "from_back", "last_one")
    db.session.add(Hold(store_id=here.id, variant_id=runner.variants_by_key[("8", "")].id,
                        customer_label="B", qty=1, expires_at=now + timedelta(hours=1)))
    db.session.commit()
    assert _words(customer_view.product_for_customer(here, runner.id))["8"] == "not_here"


def test_other_stores_are_hidden_unless_the_store_turns_them_on(shop):
    here = shop["here"]
    shown = customer_view.product_for_customer(here, shop["runner"].id)
    assert all(size["elsewhere"] == [] for size in shown["sizes"])
    here.show_other_stores = True
    db.session.commit()
    shown = customer_view.product_for_customer(here, shop["runner"].id)
    elsewhere = {size["label"]: size["elsewhere"] for size in shown["sizes"]}
    assert elsewhere["11"] == ["Fifth Avenue"]
    assert elsewhere["8"] == [] and elsewhere["9 W"] == []


SHOWN_KEYS = {"store", "product", "sizes", "looked_up", "id", "name", "brand", "color",
              "price_cents", "image_url", "apparel", "size", "width", "label", "availability",
              "elsewhere"}


def _keys_and_values(value, keys: set, values: list) -> None:
    if isinstance(value, dict):
        keys.update(value)
        for item in value.values():
            _keys_and_values(item, keys, values)
    elif isinstance(value, list):
        for item in value:
            _keys_and_values(item, keys, values)
    else:
        values.append(value)


def test_the_answer_carries_no_counts_bins_codes_or_ids_but_the_products(shop):
    here = shop["here"]
    here.show_other_stores = True
    db.session.commit()
    shown = customer_view.public(customer_view.code_for_customer(here, "nw100-11"))
    keys, values = set(), []
    _keys_and_values(json.loads(json.dumps(shown)), keys, values)
    assert keys <= SHOWN_KEYS
    assert not {"B-12", "C-1", "Z-1", "NW100", "NW100-11", "FIFTH", 2, 3, 4, 6} & set(values)
    assert [v for v in values if isinstance(v, int) and not isinstance(v, bool)] == [
        shop["runner"].id, 8999]
    assert shown["looked_up"] == {"size": "11", "width": "", "label": "11",
                                  "availability": "not_here", "elsewhere": ["Fifth Avenue"]}


def test_another_stores_exclusive_product_answers_exactly_as_an_unknown_one(shop):
    here, boot = shop["here"], shop["boot"]
    answers = []
    for call in (lambda: customer_view.product_for_customer(here, boot.id),
                 lambda: customer_view.product_for_customer(here, 999_999),
                 lambda: customer_view.product_for_customer(here, 2**40),
                 lambda: customer_view.code_for_customer(here, "VL200-9"),
                 lambda: customer_view.code_for_customer(here, "NO-SUCH")):
        with pytest.raises(NotFound) as refused:
            call()
        answers.append((str(refused.value), refused.value.code))
    assert len(set(answers)) == 1
    assert customer_view.check(here, "VL200-9") == {"kind": "unknown"}
    assert customer_view.check(here, "harbor boot") == {"kind": "unknown"}
    assert customer_view.product_for_customer(shop["fifth"], boot.id)["sizes"][0][
        "availability"] == "on_shelf"


def test_a_code_names_its_size_and_a_size_not_here_is_lost_demand_once_per_look(shop):
    here = shop["here"]
    found = customer_view.code_for_customer(here, "NW100-8")
    assert found["looked_up"]["label"] == "8"
    assert not customer_view.record_miss(here.id, found)  # a size that is here: no lost demand
    assert _misses() == 0
    looked = customer_view.code_for_customer(here, " nw100-11 ")
    assert looked["looked_up"]["availability"] == "not_here"
    assert _misses() == 0  # looking up writes nothing: the caller records after answering
    assert customer_view.record_miss(here.id, looked)
    assert _misses(LookupSource.CUSTOMER) == 1  # one row for the look, not one per size
    again = customer_view.code_for_customer(here, "NW100-11")  # a reload: the same look
    assert not customer_view.record_miss(here.id, again)
    assert _misses(LookupSource.CUSTOMER) == 1
    row = db.session.scalars(select(LookupMiss)).one()
    assert (row.store_id, row.size_label, row.user_id) == (here.id, "11", None)
    shown = customer_view.product_for_customer(here, shop["runner"].id)
    assert not customer_view.record_miss(here.id, shown)  # no size named: no miss
    assert _misses() == 1 and _misses(LookupSource.ASSOCIATE) == 0


def test_check_finds_a_code_a_single_name_or_several(shop):
    here = shop["here"]
    make_product(style="NW300", name="Harbor Runner Lite", brand="Northway", sizes=("9",),
                 stock={here: {("9", ""): (1, 1)}})
    coded = customer_view.check(here, "NW100-9W")
    assert coded["kind"] == "product" and coded["view"]["looked_up"]["label"] == "9 W"
    several = customer_view.check(here, "harbor runner")
    assert several["kind"] == "choices"
    assert [p["name"] for p in several["products"]] == ["Harbor Runner", "Harbor Runner Lite"]
    one = customer_view.check(here, "runner lite")
    assert one["kind"] == "product" and one["view"]["product"]["name"] == "Harbor Runner Lite"
    assert customer_view.check(here, "zzzz") == {"kind": "unknown"}


@pytest.mark.parametrize("junk", ["", "   ", "x" * 65, "x" * 10_000, "NW100\x00", "NW\x1b[2J",
                                  "١٢٣٤٥٦", "１２３４５", "NW100<script>", "a" * 41])
def test_junk_codes_are_refused_with_a_message_and_nothing_written(shop, junk):
    with pytest.raises(InvalidInput) as refused:
        customer_view.parse_code(junk)
    assert str(refused.value)
    assert _misses() == 0


@pytest.mark.parametrize("junk", ["", "x" * 65, "x" * 10_000, "NW\x07", "١٢٣", "runner ３"])
def test_junk_typed_into_the_check_is_refused(shop, junk):
    with pytest.raises(InvalidInput):
        customer_view.check(shop["here"], junk)
