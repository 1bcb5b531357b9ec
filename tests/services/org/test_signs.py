"""Signs: tokens lead to their zone; managers create, rotate, deactivate and print them."""

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import RetiredSignToken, Role, Sign, Store, User, Zone
from floorapp.services.org import signs
from floorapp.services.org.signs import SignRetired, resolve_sign_token
from tests.factories import make_sign, make_store, make_user


def test_an_active_sign_token_resolves_to_its_sign(app):
    with app.app_context():
        sign = make_sign(label="By the mirrors")
        assert resolve_sign_token(sign.token).id == sign.id
        assert len(sign.token) >= 32


def test_a_deactivated_sign_says_the_code_is_no_longer_in_use(app):
    with app.app_context():
        sign = make_sign(active=False)
        with pytest.raises(SignRetired):
            resolve_sign_token(sign.token)


def test_a_rotated_token_says_the_code_is_no_longer_in_use(app):
    with app.app_context():
        sign = make_sign()
        db.session.add(RetiredSignToken(token="old-printed-token", sign_id=sign.id))
        db.session.commit()
        with pytest.raises(SignRetired):
            resolve_sign_token("old-printed-token")


@pytest.mark.parametrize("token", ["", "never-issued", "x" * 500])
def test_an_unknown_token_is_not_found(app, token):
    with app.app_context(), pytest.raises(NotFound):
        resolve_sign_token(token)


@pytest.fixture
def store_with_manager(app):
    """A store with two zones and its manager, plus another store's zone."""
    with app.app_context():
        store = make_store(code="NYC-1", zones=("Shoes", "Kids"))
        manager = make_user(login="boss", role=Role.MANAGER, store=store)
        other = make_store(code="LA-1", zones=("Bags",))
        return store.id, manager.id, other.zones[0].id


def _load(store_id: int, manager_id: int):
    return db.session.get(Store, store_id), db.session.get(User, manager_id)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_manager_creates_a_sign_for_a_zone_with_a_tidy_label(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        zone = store.zones[0]
        sign = signs.create_sign(manager, store, zone_id=str(zone.id), label=" By the  mirrors ")
        assert (sign.zone_id, sign.label, sign.active) == (zone.id, "By the mirrors", True)
        assert resolve_sign_token(sign.token).id == sign.id
        unlabelled = signs.create_sign(manager, store, zone_id=zone.id, label="")
        assert unlabelled.label == "" and unlabelled.token != sign.token


@pytest.mark.parametrize(("zone_id", "label", "error"), [
    ("not-a-number", "", InvalidInput),
    ("", "", InvalidInput),
    ("999999", "", NotFound),
    ("OTHER", "", NotFound),
    ("OWN", "   ", InvalidInput),
    ("OWN", "x" * 81, InvalidInput),
    ("OWN", "tab\x07bell", InvalidInput),
])
def test_creating_a_sign_from_bad_input_is_refused_and_writes_nothing(
        app, store_with_manager, zone_id, label, error):
    store_id, manager_id, other_zone_id = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        zone_id = {"OWN": store.zones[0].id, "OTHER": other_zone_id}.get(zone_id, zone_id)
        with pytest.raises(error):
            signs.create_sign(manager, store, zone_id=zone_id, label=label)
        db.session.rollback()
        assert _count(Sign) == 0


def test_only_the_stores_managers_and_admins_manage_its_signs(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, _ = _load(store_id, manager_id)
        associate = make_user(role=Role.ASSOCIATE, store=store)
        other_manager = make_user(role=Role.MANAGER)
        for user in (associate, other_manager):
            with pytest.raises(Forbidden):
                signs.create_sign(user, store, zone_id=store.zones[0].id)
        admin = make_user(role=Role.ADMIN)
        assert signs.create_sign(admin, store, zone_id=store.zones[0].id).active
        assert _count(Sign) == 1


def test_rotating_a_sign_retires_its_old_token(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        sign = signs.create_sign(manager, store, zone_id=store.zones[0].id)
        old_token = sign.token
        rotated = signs.rotate_sign(manager, store, sign.id)
        assert rotated.token != old_token and rotated.rotated_at is not None
        assert resolve_sign_token(rotated.token).id == sign.id
        with pytest.raises(SignRetired):
            resolve_sign_token(old_token)
        retired = db.session.scalars(select(RetiredSignToken)).all()
        assert [(r.token, r.sign_id) for r in retired] == [(old_token, sign.id)]


def test_a_deactivated_sign_cannot_be_rotated_or_deactivated_again(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        sign = signs.create_sign(manager, store, zone_id=store.zones[0].id)
        assert signs.deactivate_sign(manager, store, sign.id).active is False
        with pytest.raises(SignRetired):
            resolve_sign_token(sign.token)
        with pytest.raises(Conflict):
            signs.rotate_sign(manager, store, sign.id)
        with pytest.raises(Conflict):
            signs.deactivate_sign(manager, store, sign.id)
        assert _count(RetiredSignToken) == 0


def test_another_stores_sign_is_not_found(app, store_with_manager):
    store_id, manager_id, other_zone_id = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        foreign = make_sign(zone=db.session.get(Zone, other_zone_id))
        for action in (signs.rotate_sign, signs.deactivate_sign):
            with pytest.raises(NotFound):
                action(manager, store, foreign.id)
        with pytest.raises(NotFound):
            signs.printable_signs(store, sign_id=foreign.id)
        assert db.session.get(Sign, foreign.id).active


def test_two_managers_rotating_one_sign_at_once_retire_each_token_once(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        sign_id = signs.create_sign(manager, store, zone_id=store.zones[0].id).id
    outcomes = []
    barrier = threading.Barrier(4)

    def rotate():
        with app.app_context():
            store, manager = _load(store_id, manager_id)
            barrier.wait()
            try:
                signs.rotate_sign(manager, store, sign_id)
                outcomes.append("rotated")
            except Conflict:
                outcomes.append("conflict")
            except OperationalError:  # SQLite busy past its timeout: nothing was written
                outcomes.append("busy")

    threads = [threading.Thread(target=rotate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        retired = db.session.scalars(select(RetiredSignToken.token)).all()
        current = db.session.get(Sign, sign_id).token
        assert outcomes.count("rotated") == len(retired) >= 1
        assert len(set(retired)) == len(retired) and current not in retired


def test_signs_of_store_lists_every_zone_with_active_signs_first(app, store_with_manager):
    store_id, manager_id, _ = store_with_manager
    with app.app_context():
        store, manager = _load(store_id, manager_id)
        shoes, kids = store.zones[1], store.zones[0]  # zones come by name: Kids, Shoes
        first = signs.create_sign(manager, store, zone_id=shoes.id, label="A")
        second = signs.create_sign(manager, store, zone_id=shoes.id, label="B")
        signs.deactivate_sign(manager, store, first.id)
        listing = signs.signs_of_store(store)
        assert [(entry.zone.name, [s.id for s in entry.signs]) for entry in listing] == [
            (kids.name, []), (shoes.name, [second.id, first.id])]
        assert [s.id for s in signs.printable_signs(store)] == [second.id]


def test_a_sign_qr_code_is_an_inline_svg_with_a_name_and_no_fixed_size():
    svg = signs.qr_svg("https://shop.example/s/abc", title="Help in Shoes")
    assert svg.startswith("<svg") and 'aria-label="Help in Shoes"' in svg
    assert 'role="img"' in svg and "viewBox" in svg
    assert "width=" not in svg.split(">")[0] and ' id="' not in svg
    assert signs.sign_url("https://shop.example/", "abc") == "https://shop.example/s/abc"
