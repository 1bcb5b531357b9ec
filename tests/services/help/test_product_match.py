"""A help request names the store's product and size: typed text matched, a choice checked."""

import pytest
from sqlalchemy import func, select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest, IdempotencyRecord, Store, Variant
from floorapp.services.core.idempotency import KeyReused
from floorapp.services.help import intake, product_match
from floorapp.services.inventory.sizes import size_sort_key
from tests.factories import make_product, make_sign, make_store, make_submission


@pytest.fixture
def shop(app):
    """A store with a sign, a stocked shoe in widths, and a shoe only another store sells."""
    with app.app_context():
        sign = make_sign()
        here, there = sign.zone.store, make_store(code="THERE")
        runner = make_product(style="NW100", brand="Northway", name="Harbor Runner",
                              color="Navy", sizes=("8.5", "9", "9.5"), widths=("M", "W"),
                              stock={here: {("9", "W"): (2, 3, "B-12"), ("9", "M"): (1, 0)}})
        elsewhere = make_product(style="VL200", brand="Vela", name="Ember Boot", color="Tan",
                                 sizes=("9",), stock={there: {("9", ""): (4, 0)}})
        yield {"app": app, "token": sign.token, "store_id": here.id,
               "runner": runner.id, "runner_9w": runner.variants_by_key[("9", "W")].id,
               "runner_9m": runner.variants_by_key[("9", "M")].id,
               "runner_95w": runner.variants_by_key[("9.5", "W")].id,
               "elsewhere": elsewhere.id, "elsewhere_sku": "VL200-9"}


def _submit(shop, **fields):
    product_id, sku = fields.pop("product_id", None), fields.pop("sku", None)
    key = fields.pop("key", None)
    submission = make_submission(**fields)
    if product_id is not None or sku is not None:
        submission = intake.parse_submission(
            {**submission.body(), "product_id": product_id, "sku": sku})
    help_request = _submitted_request(shop["token"], submission, idempotency_key=key)[0]
    return help_request.product_id, help_request.variant_id


def _submitted_request(token, submission, **options) -> tuple[HelpRequest, bool]:
    submitted, created = intake.submit(token, submission, **options)
    return db.session.get(HelpRequest, submitted.id), created


def _written() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(table))
                 for table in (HelpRequest, Event, IdempotencyRecord))


def test_a_typed_sku_names_the_product_and_its_size(shop):
    with shop["app"].app_context():
        assert _submit(shop, product="nw100-9w") == (shop["runner"], shop["runner_9w"])


def test_a_typed_upc_names_the_product_and_its_size(shop):
    with shop["app"].app_context():
        db.session.get(Variant, shop["runner_9m"]).upc = "012345678905"
        db.session.commit()
        assert _submit(shop, product=" 012345678905 ", size="10") == (
            shop["runner"], shop["runner_9m"])


def test_a_typed_style_number_and_size_name_the_variant(shop):
    with shop["app"].app_context():
        assert _submit(shop, product="nw100", size="9 wide") == (
            shop["runner"], shop["runner_9w"])
        assert _submit(shop, product="NW100", size="9") == (shop["runner"], shop["runner_9m"])


def test_a_search_with_one_clear_answer_in_this_store_names_the_product(shop):
    with shop["app"].app_context():
        assert _submit(shop, product="Harbor runner navy", size="9.5 W") == (
            shop["runner"], shop["runner_95w"])
        assert _submit(shop, product="northway harbor", size="") == (shop["runner"], None)


def test_two_products_of_this_store_matching_keep_the_free_text(shop):
    with shop["app"].app_context():
        here = db.session.get(Store, shop["store_id"])
        make_product(style="NW101", brand="Northway", name="Harbor Runner", color="Black",
                     stock={here: {("9", ""): (1, 1)}})
        submission = make_submission(product="Harbor Runner", size="9")
        help_request, _ = _submitted_request(shop["token"], submission)
        assert (help_request.product_id, help_request.variant_id) == (None, None)
        assert (help_request.product_query, help_request.size_label) == ("Harbor Runner", "9")


def test_an_unknown_product_or_another_stores_is_kept_as_free_text_never_refused(shop):
    with shop["app"].app_context():
        for text in ("the blue ones by the mirror", "VL200", "VL200-9", "Ember Boot",
                     "x" * 120):
            help_request, created = _submitted_request(shop["token"],
                                                       make_submission(product=text, size="9"))
            assert created and help_request.product_query == text
            assert (help_request.product_id, help_request.variant_id) == (None, None)


def test_a_size_that_is_not_clear_keeps_the_product_without_a_size(shop):
    with shop["app"].app_context():
        for size in ("huge", "9 purple", "25", "9.3", "XL"):
            assert _submit(shop, product="NW100", size=size) == (shop["runner"], None), size


@pytest.mark.parametrize(("typed", "expected"), [
    ("9", ("9", None)), ("9.0", ("9", None)), ("9,5", ("9.5", None)), ("9 1/2", ("9.5", None)),
    ("9½ W", ("9.5", "W")), ("9w", ("9", "W")), ("9 wide", ("9", "W")),
    ("9 extra wide", ("9", "XW")), ("8 narrow", ("8", "N")), ("talla 9 ancho", ("9", "W")),
    ("Size 10.5", ("10.5", None)), ("10c", ("10C", None)), ("10.5 C", ("10.5C", None)),
    ("4Y", ("4Y", None)), ("m", ("M", None)), ("small", ("S", None)), ("xxl", ("XXL", None)),
    ("huge", None), ("", None), ("25", None), ("9.3", None), ("9 1/2.5", None),
    ("9 purple", None), ("14C", None),
])
def test_typed_sizes_parse_to_the_catalogs_sizes(typed, expected):
    parsed = product_match.parse_size(typed)
    if expected is None:
        assert parsed is None
    else:
        assert parsed == (size_sort_key(expected[0]), expected[1])


def test_a_chosen_product_of_this_store_is_stored_with_its_size(shop):
    with shop["app"].app_context():
        assert _submit(shop, product="Northway Harbor Runner, Navy", size="9 W",
                       product_id=shop["runner"]) == (shop["runner"], shop["runner_9w"])
        assert _submit(shop, product_id=str(shop["runner"]), size="") == (shop["runner"], None)
        assert _submit(shop, sku="NW100-9.5W") == (shop["runner"], shop["runner_95w"])


@pytest.mark.parametrize("chosen", ["elsewhere", "missing", "elsewhere_sku", "missing_sku",
                                    "mismatch"])
def test_a_chosen_product_this_store_does_not_carry_is_refused_and_nothing_is_written(
        shop, chosen):
    fields = {"elsewhere": {"product_id": shop["elsewhere"]},
              "missing": {"product_id": 999_999},
              "elsewhere_sku": {"sku": shop["elsewhere_sku"]},
              "missing_sku": {"sku": "NOPE-1"},
              "mismatch": {"product_id": shop["elsewhere"], "sku": "NW100-9W"}}[chosen]
    with shop["app"].app_context():
        before = _written()
        with pytest.raises(InvalidInput) as refused:
            _submit(shop, product="Ember Boot", size="9", key="k-1", **fields)
        assert (refused.value.code, refused.value.status) == ("product_not_in_store", 400)
        db.session.rollback()
        assert _written() == before


@pytest.mark.parametrize("value", ["abc", "1.5", "-3", "0", str(2**40), True, 3.0, ["1"],
                                   "١٢"])
def test_a_product_id_that_is_not_an_id_is_refused_before_anything(app, value):
    with app.app_context(), pytest.raises(InvalidInput) as refused:
        intake.parse_submission({"need": "find_size", "product_id": value})
    assert refused.value.code == "invalid_product"


def test_the_same_key_and_choice_make_one_request_and_another_choice_is_refused(shop):
    with shop["app"].app_context():
        first = _submit(shop, product_id=shop["runner"], size="9 W", key="key-a")
        before = _written()
        assert _submit(shop, product_id=shop["runner"], size="9 W", key="key-a") == first
        assert _written() == before
        with pytest.raises(KeyReused):
            _submit(shop, product_id=shop["runner"], size="9.5 W", key="key-a")
        db.session.rollback()
        assert _written() == before


def test_a_submission_without_a_choice_keeps_its_earlier_fingerprint():
    body = make_submission(product="Harbor", size="9").body()
    assert body == {"need": "find_size", "product": "Harbor", "size": "9", "note": ""}


def test_suggestions_are_this_stores_products_with_their_sizes_and_nothing_internal(shop):
    with shop["app"].app_context():
        found = product_match.suggest(shop["store_id"], "Harbor")
        assert found == [{"id": shop["runner"], "name": "Harbor Runner", "brand": "Northway",
                          "color": "Navy", "image_url": None, "sizes": ["9 M", "9 W"]}]
        assert product_match.suggest(shop["store_id"], "Ember") == []  # another store's
        assert product_match.suggest(shop["store_id"], "h") == []
        with pytest.raises(InvalidInput):
            product_match.suggest(shop["store_id"], "x" * 81)
