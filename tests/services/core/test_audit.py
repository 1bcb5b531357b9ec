"""Manager and admin actions land in the audit log, with who, what and where."""

from floorapp.extensions import db
from floorapp.models import AuditEntry, Role
from tests.factories import make_store, make_user


def _entries(app):
    with app.app_context():
        rows = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.target, row.actor.login if row.actor else None)
                for row in rows]


def test_a_managers_changes_are_audited_with_the_manager_as_actor(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="boss", role=Role.MANAGER, store=store)
        make_user(login="maria", store=store)
    auth.login("boss")
    client.post("/stores/NYC-1/zones", data={"name": "Handbags"})
    client.post("/stores/NYC-1/settings", data={
        "name": "Fifth", "timezone": "America/New_York",
        "acknowledge_target_s": "45", "reach_target_s": "150"})
    client.post("/stores/NYC-1/staff", data={"name": "Aisha Okafor", "login": "aisha",
                                             "password": "long-enough-pw"})
    client.post("/users/maria/deactivate")
    assert _entries(app) == [
        ("zone.create", "Handbags", "boss"),
        ("store.update", "NYC-1", "boss"),
        ("user.create", "aisha", "boss"),
        ("user.deactivate", "maria", "boss"),
    ]


def test_a_refused_change_leaves_no_audit_entry(app, client, auth):
    with app.app_context():
        store = make_store(code="NYC-1")
        make_user(login="boss", role=Role.MANAGER, store=store)
    auth.login("boss")
    client.post("/stores/NYC-1/settings", data={
        "name": "Fifth", "timezone": "Nowhere/Land",
        "acknowledge_target_s": "45", "reach_target_s": "150"})
    assert _entries(app) == []


def test_command_line_actions_are_audited_without_an_actor(app, runner):
    runner.invoke(args=["stores", "create", "NYC-1", "--name", "Fifth",
                        "--timezone", "America/New_York"])
    runner.invoke(args=["users", "create", "maria", "--name", "Maria", "--store", "NYC-1",
                        "--password", "a-long-password"])
    assert _entries(app) == [("store.create", "NYC-1", None), ("user.create", "maria", None)]


def test_a_manager_sees_only_their_stores_audit_log(app, client, auth):
    with app.app_context():
        nyc, la = make_store(code="NYC-1"), make_store(code="LA-1")
        make_user(login="boss", role=Role.MANAGER, store=nyc)
        make_user(login="la.boss", role=Role.MANAGER, store=la)
    auth.login("la.boss")
    client.post("/stores/LA-1/zones", data={"name": "Secret Zone"})
    auth.logout()
    auth.login("boss")
    assert "Secret Zone" not in client.get("/stores/NYC-1/audit").text
    assert client.get("/stores/LA-1/audit").status_code == 404
    assert client.get("/admin/audit").status_code == 403


def test_sign_rotation_stock_edits_imports_and_tokens_are_audited(app):
    from floorapp.services.inventory import catalog_import, stock
    from floorapp.services.org import signs, tokens
    from tests.factories import make_product, make_sign

    with app.app_context():
        store = make_store(code="NYC-1")
        boss = make_user(login="boss", role=Role.MANAGER, store=store)
        sign = make_sign(zone=store.zones[0])
        signs.rotate_sign(boss, store, sign.id)
        product = make_product(stock={store: {("9", ""): (1, 1)}})
        stock.set_stock(store=store, variant_id=product.variants_by_key[("9", "")].id,
                        floor=4, stockroom=0, actor=boss)
        csv = ("style,brand,name,color,price,department,sku,upc,size,width,store,floor,"
               "stockroom,bin\n")
        catalog_import.import_csv(csv, dry_run=False, default_store=store, actor=boss)
        token, _ = tokens.create_token(name="POS", store=store, scopes=["stock:write"],
                                       created_by=boss)
        tokens.revoke_token(token.id, store=store, actor=boss)
    actions = [action for action, _, actor in _entries(app) if actor == "boss"]
    assert actions == ["sign.rotate", "stock.set", "catalog.import", "token.create",
                       "token.revoke"]
