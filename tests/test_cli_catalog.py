"""The catalog and token commands: import, scale, purge, tokens, and the demo catalog."""

from sqlalchemy import func, select

from floorapp.extensions import db
from floorapp.models import ApiToken, Product, Stock, Store, Variant
from floorapp.services.inventory.catalog_write import upc_check_digit
from floorapp.services.org.tokens import hash_token


def test_the_demo_seed_has_a_realistic_catalog_with_gaps_that_differ_by_store(app, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) >= 300
        women = db.session.execute(select(Variant.size_label, Variant.width).join(Product).where(
            Product.department == "Women's Shoes")).all()
        assert {"5", "7.5", "11"} <= {size for size, _ in women}
        assert {"N", "M", "W"} == {width for _, width in women}
        upcs = db.session.scalars(select(Variant.upc).limit(200)).all()
        assert all(upc_check_digit(upc[:11]) == int(upc[11]) for upc in upcs)
        stores = db.session.scalars(select(Store.id)).all()
        by_store = [set(db.session.execute(select(Stock.variant_id).where(
            Stock.store_id == store, Stock.floor_qty + Stock.stockroom_qty == 0)).scalars())
            for store in stores]
        assert by_store[0] and by_store[1] and by_store[0] != by_store[1]


def test_catalog_import_dry_run_and_errors_on_the_command_line(app, runner, tmp_path):
    runner.invoke(args=["stores", "create", "SHOP", "--name", "Shop", "--timezone", "UTC"])
    good = tmp_path / "good.csv"
    good.write_text("style,brand,name,sku,size,floor,stockroom\nW1,Vela,Flat,W1-8,8,1,2\n")
    dry = runner.invoke(args=["catalog", "import", str(good), "--dry-run", "--store", "SHOP"])
    assert dry.exit_code == 0 and "Would import 1 rows" in dry.output
    bad = tmp_path / "bad.csv"
    bad.write_text("style,brand,name,sku,size,floor,stockroom\nW1,Vela,Flat,W1-8,8,-1,2\n")
    refused = runner.invoke(args=["catalog", "import", str(bad), "--store", "SHOP"])
    assert refused.exit_code == 1 and "line 2: floor is negative" in refused.output
    done = runner.invoke(args=["catalog", "import", str(good), "--store", "SHOP"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Stock)) == 1


def test_catalog_scale_builds_a_small_catalog_with_stock(app, runner):
    result = runner.invoke(args=["catalog", "scale", "--styles", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Product)) == 40
        assert db.session.scalar(select(func.count()).select_from(Variant)) > 400
        assert db.session.scalar(select(func.count()).select_from(Stock)) > 400
    again = runner.invoke(args=["catalog", "scale", "--styles", "40"])
    assert again.exit_code == 1


def test_tokens_are_printed_once_and_stored_hashed(app, runner):
    created = runner.invoke(args=["tokens", "create", "ERP", "--scope", "stock:write"])
    assert created.exit_code == 0, created.output
    raw = created.output.strip().splitlines()[-1]
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        assert token.token_hash == hash_token(raw) and raw not in token.token_hash
    listed = runner.invoke(args=["tokens", "list"])
    assert raw not in listed.output and "active" in listed.output
    assert runner.invoke(args=["tokens", "revoke", str(token.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code == 1


def test_the_command_line_imports_chain_wide_and_audits_stock_under_each_store(app, runner,
                                                                               tmp_path):
    from floorapp.models import AuditEntry

    for code in ("NYC-5TH", "LA-GROVE"):
        runner.invoke(args=["stores", "create", code, "--name", code, "--timezone", "UTC"])
    assert "like an admin" in runner.invoke(args=["catalog", "import", "--help"]).output
    file = tmp_path / "chain.csv"
    file.write_text("style,brand,name,sku,size,store,floor,stockroom\n"
                    "W1,Vela,Flat,W1-8,8,LA-GROVE,1,2\nW1,Vela,Flat,W1-9,9,,3,4\n")
    done = runner.invoke(args=["catalog", "import", str(file), "--store", "NYC-5TH"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        codes = dict(db.session.execute(select(Store.id, Store.code)).all())
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ["catalog.import", "stock.import"])).order_by(AuditEntry.id)).all()
        assert [(e.action, codes.get(e.store_id), e.actor_id, e.data["stock_set"])
                for e in entries] == [("catalog.import", None, None, 2),
                                      ("stock.import", "LA-GROVE", None, 1),
                                      ("stock.import", "NYC-5TH", None, 1)]
