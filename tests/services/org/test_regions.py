"""Regions and regional managers: who is one, which stores they read, what they may not do."""

import pytest
from sqlalchemy import select, text

from floorapp.errors import Conflict, Forbidden, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import AuditEntry, Role, Store, User
from floorapp.services.conversation import thread
from floorapp.services.help import moves
from floorapp.services.inventory.catalog_import_scope import importer_store
from floorapp.services.org import regions, users
from tests.factories import TEST_PASSWORD, make_store, make_user, submit_request


@pytest.fixture
def chain(app):
    """Two regions of one store each, a store in none, and a regional manager for each."""
    with app.app_context():
        north, south = make_store(code="NORTH-1"), make_store(code="SOUTH-1")
        make_store(code="LOOSE-1")
        regions.create_region(code="north", name="The North")
        regions.create_region(code="SOUTH", name="The South")
        regions.assign_stores("NORTH", ["north-1"])
        regions.assign_stores("SOUTH", [south.code])
        make_user(login="north.rm", role=Role.REGIONAL_MANAGER, region="NORTH")
        make_user(login="south.rm", role=Role.REGIONAL_MANAGER, region="SOUTH")
        yield {"north": north.code, "south": south.code}


def _user(login: str) -> User:
    return db.session.scalar(select(User).where(User.login == login))


def _store(code: str) -> Store:
    return db.session.scalar(select(Store).where(Store.code == code))


def test_a_region_is_created_once_with_a_code_in_capitals(app, chain):
    with app.app_context():
        assert regions.region_by_code(" north ").name == "The North"
        with pytest.raises(Conflict):
            regions.create_region(code="NORTH", name="Again")
        for code in ("", "x", "no spaces", "A" * 17):
            with pytest.raises(InvalidInput):
                regions.create_region(code=code, name="Bad")
        assert [r.code for r in regions.list_regions()] == ["NORTH", "SOUTH"]


def test_assigning_an_unknown_store_assigns_none_of_them(app, chain):
    with app.app_context():
        with pytest.raises(NotFound, match="NOPE-1"):
            regions.assign_stores("NORTH", ["LOOSE-1", "NOPE-1"])
        assert _store("LOOSE-1").region_id is None
        with pytest.raises(NotFound):
            regions.assign_stores("NOWHERE", ["LOOSE-1"])
        with pytest.raises(InvalidInput):
            regions.assign_stores("NORTH", [])


def test_assigning_moves_a_store_from_its_region_and_is_audited(app, chain):
    with app.app_context():
        regions.assign_stores("NORTH", ["SOUTH-1", "LOOSE-1"])
        north = regions.region_by_code("NORTH")
        assert [s.code for s in regions.region_stores(north)] == [
            "LOOSE-1", "NORTH-1", "SOUTH-1"]
        assert regions.stores_without_region() == []
        moves_of_south = db.session.scalars(
            select(AuditEntry.data).where(AuditEntry.action == "store.region",
                                          AuditEntry.target == "SOUTH-1").order_by(AuditEntry.id))
        assert list(moves_of_south) == [{"before": None, "after": "SOUTH"},
                                        {"before": "SOUTH", "after": "NORTH"}]


def test_a_regional_manager_reads_the_stores_of_their_region_only(app, chain):
    with app.app_context():
        reader = _user("north.rm")
        assert regions.figures_store(reader, "NORTH-1").code == "NORTH-1"
        assert regions.board_store(reader, "north-1").code == "NORTH-1"
        for other in ("SOUTH-1", "LOOSE-1", "NOPE-1"):
            with pytest.raises(NotFound):
                regions.figures_store(reader, other)
            with pytest.raises(NotFound):
                regions.board_store(reader, other)
        assert regions.visible_region(reader, "NORTH").code == "NORTH"
        with pytest.raises(NotFound):
            regions.visible_region(reader, "SOUTH")


def test_store_people_keep_their_rules_for_figures(app, chain):
    with app.app_context():
        manager = make_user(role=Role.MANAGER, store=_store("NORTH-1"))
        associate = make_user(store=_store("NORTH-1"))
        assert regions.figures_store(manager, "NORTH-1").code == "NORTH-1"
        with pytest.raises(Forbidden):
            regions.figures_store(associate, "NORTH-1")  # their store, not theirs to manage
        assert regions.board_store(associate, "NORTH-1").code == "NORTH-1"
        with pytest.raises(NotFound):
            regions.figures_store(manager, "SOUTH-1")
        with pytest.raises(NotFound):  # no region is a store person's
            regions.visible_region(manager, "NORTH")
        admin = make_user(role=Role.ADMIN)
        assert regions.visible_region(admin, "SOUTH").code == "SOUTH"


def test_a_regional_manager_needs_a_region_and_nobody_else_has_one(app, chain):
    with app.app_context():
        made = users.create_user(login="rm2", name="Rae", password=TEST_PASSWORD,
                                 role="regional_manager", store_code=None, region_code="south")
        assert (made.region.code, made.home_store) == ("SOUTH", None)
        refusals = [
            ({"role": "regional_manager", "store_code": None}, InvalidInput),
            ({"role": "regional_manager", "store_code": "SOUTH-1", "region_code": "SOUTH"},
             InvalidInput),
            ({"role": "regional_manager", "store_code": None, "region_code": "NOPE"}, NotFound),
            ({"role": "associate", "store_code": "SOUTH-1", "region_code": "SOUTH"},
             InvalidInput),
        ]
        for fields, error in refusals:
            with pytest.raises(error):
                users.create_user(login="refused", name="No", password=TEST_PASSWORD, **fields)
        assert _user("refused") is None


def test_the_database_refuses_a_regional_manager_without_a_region(app, chain):
    with app.app_context():
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(text("UPDATE users SET region_id = NULL WHERE login = 'north.rm'"))
            db.session.commit()
        db.session.rollback()
        assert _user("north.rm").region_id is not None


def test_nobody_becomes_a_regional_manager_by_a_role_change_and_leaving_drops_the_region(
        app, chain):
    with app.app_context():
        manager = make_user(login="m", role=Role.MANAGER, store=_store("NORTH-1"))
        with pytest.raises(InvalidInput, match="--region"):
            users.set_role(manager.login, "regional_manager")
        with pytest.raises(InvalidInput, match="no home store"):
            users.set_role("north.rm", "manager")
        promoted = users.set_role("north.rm", "admin")
        assert (promoted.role, promoted.region_id) == (Role.ADMIN, None)


def test_a_regional_manager_manages_nobody_and_imports_nothing(app, chain):
    with app.app_context():
        reader = _user("north.rm")
        associate = make_user(login="a", store=_store("NORTH-1"))
        assert not users.can_manage(reader, role=Role.ASSOCIATE, store_id=associate.home_store_id)
        with pytest.raises(NotFound):
            users.deactivate_as(reader, "a")
        with pytest.raises(Forbidden):
            users.set_role_as(reader, "a", "manager")
        with pytest.raises(Forbidden):
            importer_store(reader, _store("NORTH-1"))


def test_a_regional_manager_cannot_cancel_a_request_nor_answer_its_customer(app, chain):
    with app.app_context():
        store = _store("NORTH-1")
        help_request = submit_request(sign=_sign_of(store))
        reader = _user("north.rm")
        with pytest.raises((Forbidden, NotFound)):
            moves.cancel(store.id, help_request.id, manager=reader)
        assert not thread.may_answer(reader, None)
        with pytest.raises(NotFound):
            thread.staff_request(reader, help_request.id)


def _sign_of(store: Store):
    from tests.factories import make_sign

    return make_sign(zone=store.zones[0])
