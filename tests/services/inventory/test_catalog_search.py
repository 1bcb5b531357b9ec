"""Searching the catalog: prefix and substring, codes jump, ranked, bounded."""

import pytest
from sqlalchemy import text

from floorapp.errors import InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Variant
from floorapp.services.inventory.catalog import parse_limit, search_products, variant_by_code
from floorapp.services.inventory.catalog_write import make_upc
from tests.factories import make_product


def _names(result):
    return [r["name"] for r in result["results"]]


def test_a_few_letters_of_a_word_find_the_product_by_prefix_and_substring(app):
    with app.app_context():
        make_product(name="Cloudburst Runner", brand="Northway")
        make_product(name="Harbor Loafer", brand="Castile")
        assert _names(search_products("cloud")) == ["Cloudburst Runner"]
        assert _names(search_products("burst")) == ["Cloudburst Runner"]
        assert _names(search_products("lo")) == ["Harbor Loafer", "Cloudburst Runner"]
        assert _names(search_products("castile loaf")) == ["Harbor Loafer"]


def test_names_starting_with_the_query_rank_before_words_and_substrings(app):
    with app.app_context():
        make_product(name="Alpine Sandal", brand="Zed")
        make_product(name="Trail Sandal Alp", brand="Zed")
        make_product(name="Sandal Alpha", brand="Zed")
        make_product(name="Scalpel Boot", brand="Zed")
        assert _names(search_products("alp")) == [
            "Alpine Sandal", "Sandal Alpha", "Trail Sandal Alp", "Scalpel Boot"]


def test_an_exact_style_number_ranks_first(app):
    with app.app_context():
        make_product(style="W100", name="Zebra Flat")
        make_product(style="W1000", name="Aardvark Flat")
        result = search_products("w100")
        assert _names(result)[0] == "Zebra Flat"


def test_an_exact_upc_or_sku_jumps_to_its_product(app):
    with app.app_context():
        product = make_product(style="M42", name="Oxford", sizes=("9", "10"))
        variant = product.variants_by_key[("10", "")]
        variant.upc = make_upc(123456)
        db.session.commit()
        by_upc = search_products(variant.upc)
        by_sku = search_products("m42-10")
        assert by_upc["exact_product_id"] == product.id
        assert by_sku["exact_product_id"] == product.id
        assert search_products("oxford")["exact_product_id"] is None


def test_a_partial_sku_finds_the_product(app):
    with app.app_context():
        product = make_product(style="KX7781", name="Puddle Boot")
        assert [r["id"] for r in search_products("kx778")["results"]] == [product.id]


def test_the_limit_bounds_the_results(app):
    with app.app_context():
        for number in range(5):
            make_product(name=f"Canvas Sneaker {number}")
        assert len(search_products("canvas", limit=3)["results"]) == 3


@pytest.mark.parametrize("query", ["", "   ", "x" * 81])
def test_empty_or_huge_queries_are_refused(app, query):
    with app.app_context(), pytest.raises(InvalidInput):
        search_products(query)


@pytest.mark.parametrize("limit", ["0", "51", "-3", "ten", "1e9"])
def test_absurd_limits_are_refused(limit):
    with pytest.raises(InvalidInput, match="1 to 50"):
        parse_limit(limit)


def test_quotes_and_wildcards_in_a_query_are_plain_text(app):
    with app.app_context():
        make_product(name="Plain Mule")
        for query in ['"', "%", "_", 'mule" OR "x', "a\\b", "NEAR(mule)"]:
            assert isinstance(search_products(query)["results"], list)
        assert search_products("%")["results"] == []


def test_a_code_finds_its_variant_and_an_unknown_code_is_not_found(app):
    with app.app_context():
        product = make_product(style="Q9", sizes=("7",))
        found = variant_by_code("q9-7")
        assert found["product"]["id"] == product.id
        assert found["variant"]["size"] == "7"
        assert db.session.get(Variant, found["variant"]["id"]).product_id == product.id
        with pytest.raises(NotFound):
            variant_by_code("000000000000")


def test_a_search_on_the_trigram_index_leaves_the_planner_as_it_found_it(app):
    with app.app_context():
        make_product(name="Harbor Runner", brand="Northway")
        make_product(name="Harbor Loafer", brand="Castile")
        found = search_products("harbor run")
        assert [row["name"] for row in found["results"]] == ["Harbor Runner"]
        if db.engine.dialect.name == "postgresql":  # the search turned seq scans off, then on
            assert db.session.scalar(text("SHOW enable_seqscan")) == "on"
