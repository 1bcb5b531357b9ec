"""The catalog's lookups by key that the handlers use instead of reading the session."""

import pytest

from floorapp.errors import NotFound
from floorapp.services.inventory import catalog
from tests.factories import make_product


def test_a_product_and_its_sizes_are_found_by_id_and_by_sku(app):
    with app.app_context():
        product = make_product(style="RX100", sizes=("9",))
        variant = product.variants_by_key[("9", "")]
        assert catalog.get_product(product.id).style == "RX100"
        assert catalog.get_variant(variant.id).product_id == product.id
        assert catalog.variant_by_sku("  rx100-9 ").id == variant.id


@pytest.mark.parametrize("missing", [0, 424242, 2**63])
def test_an_unknown_or_impossible_id_is_not_found(app, missing):
    with app.app_context():
        with pytest.raises(NotFound):
            catalog.get_product(missing)
        with pytest.raises(NotFound):
            catalog.get_variant(missing)


def test_an_unknown_sku_is_not_found(app):
    with app.app_context(), pytest.raises(NotFound, match="NOPE-1"):
        catalog.variant_by_sku("NOPE-1")
