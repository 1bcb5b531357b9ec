"""One lookup of a store by its code, whoever names it: a URL, a form, a token's caller."""

from floorapp.services.org import stores
from tests.factories import make_store


def test_a_store_is_found_by_its_code_in_any_case_and_spacing(app):
    with app.app_context():
        store = make_store(code="NYC-5TH")
        assert stores.store_by_code("NYC-5TH") is store
        assert stores.store_by_code("  nyc-5th ") is store


def test_an_unknown_code_finds_no_store(app):
    with app.app_context():
        make_store(code="NYC-5TH")
        assert stores.store_by_code("LA-1") is None
        assert stores.store_by_code("") is None and stores.store_by_code(None) is None


def test_a_code_no_store_could_have_is_not_looked_up(app):
    with app.app_context():
        assert stores.store_by_code("NYC\x00") is None
        assert stores.store_by_code("N" * 5000) is None


def test_a_store_is_found_by_its_id(app):
    with app.app_context():
        store = make_store()
        assert stores.store_by_id(store.id) is store
        assert stores.store_by_id(store.id + 1000) is None
