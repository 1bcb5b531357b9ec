"""Names people read on screens and printouts: NFKC-normalised, no invisible or bidi tricks."""

import pytest
from sqlalchemy import func, select

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Hold, Role, Sign, Store, User, Zone
from floorapp.services.core.names import clean_name
from floorapp.services.inventory import stock as stock_service
from floorapp.services.org import signs, stores, users
from tests.factories import make_product, make_store, make_user

TRICKS = {
    "right-to-left override": "Ann\u202egnaM",
    "left-to-right isolate": "Ann\u2066a",
    "zero-width space": "An\u200bn",
    "zero-width joiner between latin letters": "An\u200dn",
    "zero-width non-joiner": "An\u200cn",
    "byte order mark": "\ufeffAnn",
    "soft hyphen": "An\u00adn",
    "escape": "Ann\x1b[31m",
    "delete": "Ann\x7f",
    "C1 control": "Ann\x85x",
}


@pytest.mark.parametrize("text", TRICKS.values(), ids=TRICKS.keys())
def test_a_name_with_a_control_or_format_character_is_refused_with_the_reason(text):
    with pytest.raises(InvalidInput, match="invisible or control character"):
        clean_name(text, field="name", max_length=120)


def test_a_name_is_nfkc_normalised_and_its_spaces_tidied():
    assert clean_name("  \uff2d\uff41ria\u00a0 Garc\u00eda\n", field="name",
                      max_length=120) == "Maria Garc\u00eda"
    assert clean_name("Cafe\u0301 \ufb01ne", field="name", max_length=120) == "Caf\u00e9 fine"


def test_a_joiner_after_a_virama_is_kept_for_indic_scripts():
    # Devanagari KSSA written with an explicit half form: KA, VIRAMA, ZWJ, SSA.
    assert clean_name("\u0915\u094d\u200d\u0937", field="name", max_length=120) == \
        "\u0915\u094d\u200d\u0937"


def test_the_length_is_counted_after_normalising():
    assert clean_name("\ufb01" * 30, field="name", max_length=60) == "fi" * 30
    with pytest.raises(InvalidInput, match="at most 59"):
        clean_name("\ufb01" * 30, field="name", max_length=59)


def test_a_user_name_with_a_bidi_override_is_refused_and_nothing_is_written(app):
    with app.app_context():
        store = make_store()
        with pytest.raises(InvalidInput, match="invisible or control character"):
            users.create_user(login="ann", name="Ann\u202egnaM", password="long enough pw",
                              role=Role.ASSOCIATE, store_code=store.code)
        assert db.session.scalar(select(User).where(User.login == "ann")) is None
        user = users.create_user(login="ann", name="\uff21nn  Lee", password="long enough pw",
                                 role=Role.ASSOCIATE, store_code=store.code)
        assert user.name == "Ann Lee"


def test_a_hold_label_with_a_zero_width_character_is_refused(app):
    with app.app_context():
        store = make_store()
        product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 2)}})
        variant_id = product.variants_by_key[("9", "")].id
        with pytest.raises(InvalidInput, match="invisible or control character"):
            stock_service.place_hold(store=store, variant_id=variant_id,
                                     customer_label="Ms\u200b Lee", minutes=10)
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 0
        stock_service.place_hold(store=store, variant_id=variant_id,
                                 customer_label="\uff2ds Lee", minutes=10)
        assert db.session.scalar(select(Hold.customer_label)) == "Ms Lee"


def test_store_and_zone_names_with_a_bidi_override_are_refused(app):
    with app.app_context():
        with pytest.raises(InvalidInput, match="invisible or control character"):
            stores.create_store(code="EVIL-1", name="Shoes\u202e", timezone="UTC")
        assert db.session.scalar(select(Store).where(Store.code == "EVIL-1")) is None
        store = make_store(code="NYC-1", name="Fifth Avenue")
        with pytest.raises(InvalidInput, match="invisible or control character"):
            stores.update_store(store, name="Fifth\u2067 Avenue", timezone="UTC",
                                acknowledge_target_s=60, reach_target_s=300)
        with pytest.raises(InvalidInput, match="invisible or control character"):
            stores.add_zone(store, "Kids\u200d")
        assert db.session.get(Store, store.id).name == "Fifth Avenue"
        assert stores.add_zone(store, "\uff2bids").name == "Kids"
        assert db.session.scalar(select(func.count()).select_from(Zone)
                                 .where(Zone.name.like("Kids%"))) == 1


def test_a_sign_label_is_normalised_and_a_bidi_override_refused(app):
    with app.app_context():
        store = make_store(zones=("Kids",))
        manager = make_user(role=Role.MANAGER, store=store)
        with pytest.raises(InvalidInput, match="invisible or control character"):
            signs.create_sign(manager, store, zone_id=store.zones[0].id, label="Mirrors\u202e")
        assert db.session.scalar(select(func.count()).select_from(Sign)) == 0
        sign = signs.create_sign(manager, store, zone_id=store.zones[0].id,
                                   label="\uff2dirrors")
        assert sign.label == "Mirrors"


def test_the_cli_refuses_a_user_name_with_a_bidi_override(app, runner):
    with app.app_context():
        make_store(code="NYC-1")
    result = runner.invoke(args=["users", "create", "ann", "--name", "Ann\u202egnaM",
                                 "--store", "NYC-1", "--password", "long enough pw"])
    assert result.exit_code == 1
    assert "invisible or control character" in result.output


def test_the_api_answers_a_hold_label_with_a_bidi_override_with_400_and_the_reason(
        app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="ann", store=store)
        product = make_product(sizes=("9",), stock={store: {("9", ""): (0, 2)}})
        variant_id = product.variants_by_key[("9", "")].id
    auth.login("ann")
    response = client.post("/api/v1/holds", json={
        "variant_id": variant_id, "customer_label": "Ms Lee\u202e", "minutes": 5})
    assert response.status_code == 400
    assert "invisible or control character (U+202E)" in response.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hold)) == 0
