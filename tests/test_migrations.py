"""The real migrations: one head, from empty to head on both databases, equal to the models."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import bindparam, func, inspect, select, text

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import (
    Event,
    Feedback,
    HelpRequest,
    PushSubscription,
    StreamLease,
    StreamWorker,
    include_object,
)
from floorapp.services.inventory.catalog import catalog_version
from floorapp.services.inventory.catalog_write import bump_catalog_version
from floorapp.services.metrics import rollup_upkeep
from tests import databases
from tests.factories import NEW_YORK, make_store, submit_request
from tests.services.metrics.test_rollup_accuracy import FALL_BACK, _fill_day

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


@pytest.fixture(params=("sqlite", "postgresql"))
def empty_database_url(request, tmp_path):
    """Return a URL to a database with no tables at all, on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    yield from _empty_postgres_schema(request)


@pytest.fixture
def empty_postgres_url(request):
    """Return a URL to an empty PostgreSQL schema (for what only PostgreSQL has)."""
    yield from _empty_postgres_schema(request)


def _empty_postgres_schema(request):
    request.getfixturevalue("postgres_schema")  # fails or skips as the other tests do
    schema = databases.PostgresSchema()
    yield schema.create()
    schema.drop()


def _app(database_url: str, **config):
    """Return an app on `database_url` (whose tables the migrations, not the test, make)."""
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x", **config})


def test_the_migrations_have_a_single_head():
    script = ScriptDirectory.from_config(_alembic_config())
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty_reaches_head_and_matches_the_models(empty_database_url):
    app = _app(empty_database_url)
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_object": include_object})
            assert compare_metadata(context, db.metadata) == []
            assert context.get_current_revision() == _head()
        db.engine.dispose()
    health = app.test_client().get("/healthz").json
    assert health["database"]["revision"] == _head()


def test_downgrade_to_empty_and_upgrade_again(empty_database_url):
    app = _app(empty_database_url)
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert "users" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def _alembic_config() -> Config:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _head() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def test_migrations_keep_a_store_with_history_and_its_foreign_keys(empty_database_url):
    """Batch mode recreates tables on SQLite: with rows pointing at them, that used to fail
    (DROP TABLE under foreign keys) for any store that had help requests."""
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        flask_migrate.upgrade()
        request = submit_request()
        db.session.add(Feedback(request_id=request.id, rating=5, comment=""))
        db.session.commit()
        request_id, token = request.id, request.public_token
        expected = _row_counts()
        flask_migrate.downgrade(revision="0060")  # before the request's product columns
        flask_migrate.upgrade()
        assert _row_counts() == expected
        assert db.session.get(HelpRequest, request_id).public_token == token
        db.session.rollback()
        db.engine.dispose()


def _request_at(revision: str) -> SimpleNamespace:
    """Submit a request at head, then go down to `revision` with it in the tables.

    The factories write through today's models, whose columns an older schema may lack.
    """
    flask_migrate.upgrade()
    request = submit_request()
    kept = SimpleNamespace(id=request.id, public_token=request.public_token,
                           store_id=request.store_id)
    db.session.commit()
    db.session.close()
    flask_migrate.downgrade(revision=revision)
    return kept


def _row_counts() -> dict[str, int]:
    counts = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
              for model in (HelpRequest, Event, Feedback)}
    db.session.rollback()  # the migrations' DDL must not wait behind this read's locks
    return counts


def test_postgresql_samples_the_search_text_finely_enough_to_plan_searches(empty_postgres_url):
    app = _app(empty_postgres_url)
    with app.app_context():
        flask_migrate.upgrade()
        target = db.session.scalar(text(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'products'::regclass "
            "AND attname = 'search_text'"))
        db.session.rollback()
        db.engine.dispose()
    assert target == 1000


def test_the_stream_lease_tables_come_and_go_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0090")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0100")
        db.session.add_all([StreamWorker(tag="host:1:ab"), StreamLease(
            kind="public", address="192.0.2.1", subject=f"token:{request.public_token}",
            worker="host:1:ab")])
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(StreamLease)) == 1
        db.session.rollback()
        flask_migrate.downgrade(revision="0090")
        assert not {"stream_leases", "stream_workers"} & set(inspect(db.engine).get_table_names())
        assert _row_counts() == expected
        flask_migrate.upgrade()
        assert _row_counts() == expected
        db.engine.dispose()


def test_0110_lets_a_request_be_spam_and_a_downgrade_keeps_it_cancelled(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0100")
        request_id = request.id
        spam = text("UPDATE help_requests SET status = 'cancelled', outcome = 'spam' "
                    "WHERE id = :id")
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(spam, {"id": request_id})
            db.session.commit()
        db.session.rollback()
        flask_migrate.upgrade(revision="0110")
        db.session.execute(spam, {"id": request_id})
        db.session.commit()
        flask_migrate.downgrade(revision="0100")
        row = db.session.execute(select(HelpRequest.status, HelpRequest.outcome)
                                 .where(HelpRequest.id == request_id)).one()
        assert (row.status.value, row.outcome) == ("cancelled", None)
        db.session.rollback()
        flask_migrate.upgrade()
        db.engine.dispose()


def test_0120_adds_push_tables_and_the_stockroom_flag_on_a_database_with_rows(
        empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0110")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0120")
        assert _row_counts() == expected
        zones = db.session.execute(text("SELECT stockroom FROM zones")).scalars().all()
        assert zones and not any(zones)
        db.session.add(PushSubscription(
            endpoint="https://fcm.googleapis.com/fcm/send/x", p256dh="k", auth="a",
            store_id=request.store_id, help_request_id=request.id))
        db.session.commit()
        flask_migrate.downgrade(revision="0110")
        assert {"push_subscriptions", "push_outbox"}.isdisjoint(
            inspect(db.engine).get_table_names())
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0130_indexes_the_outbox_by_tag_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0110")
        flask_migrate.upgrade(revision="0120")
        db.session.execute(text(
            "INSERT INTO push_outbox (store_id, tag, payload, urgency, ttl_s, created_at, "
            "next_attempt_at, attempts, detail) VALUES (:store, 'request-1', '{}', 'high', 300, "
            ":now, :now, 0, '')"), {"store": request.store_id, "now": datetime.now(UTC)})
        db.session.commit()

        def counts():
            outbox = db.session.scalar(text("SELECT count(*) FROM push_outbox"))
            return _row_counts() | {"push_outbox": outbox}

        def indexes():
            return {i["name"] for i in inspect(db.engine).get_indexes("push_outbox")}

        expected = counts()

        flask_migrate.upgrade(revision="0130")
        assert "ix_push_outbox_store_id_tag" in indexes() and counts() == expected
        flask_migrate.downgrade(revision="0120")
        assert "ix_push_outbox_store_id_tag" not in indexes() and counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0140_adds_the_lookup_source_and_the_other_stores_setting_on_a_database_with_rows(
        empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0130")
        expected = _row_counts()
        variant_id = _a_variant_of_an_old_lookup_miss(request.store_id)
        flask_migrate.upgrade(revision="0140")
        assert _row_counts() == expected
        assert db.session.execute(text("SELECT source FROM lookup_misses")).scalars().all() == [
            "associate"]
        assert db.session.execute(text("SELECT show_other_stores FROM stores")).scalars(
        ).all() == [False]
        db.session.execute(text(
            "INSERT INTO lookup_misses (store_id, product_id, variant_id, size_label, at, source) "
            "SELECT store_id, product_id, variant_id, size_label, at, 'customer' "
            "FROM lookup_misses"))
        db.session.commit()
        flask_migrate.downgrade(revision="0130")
        assert db.session.scalar(text("SELECT count(*) FROM lookup_misses")) == 1
        assert "source" not in {c["name"] for c in inspect(db.engine).get_columns("lookup_misses")}
        assert _row_counts() == expected
        db.session.rollback()
        flask_migrate.upgrade()
        assert db.session.scalar(text(
            "SELECT variant_id FROM lookup_misses WHERE source = 'associate'")) == variant_id
        db.session.rollback()
        db.engine.dispose()


def _a_variant_of_an_old_lookup_miss(store_id: int) -> int:
    """Write a product, a size and an associate's lookup miss through the 0130 schema."""
    db.session.execute(text(
        "INSERT INTO products (style, brand, name, color, price_cents, department, image_url,"
        " search_text, updated_at) VALUES ('M-1', 'B', 'N', '', 0, '', '', '', :at)"),
        {"at": "2026-12-01 10:00:00+00:00"})
    product_id = db.session.scalar(text("SELECT id FROM products"))
    db.session.execute(text(
        "INSERT INTO variants (product_id, sku, size_label, width, size_sort) "
        "VALUES (:p, 'M-1-9', '9', '', 30090)"), {"p": product_id})
    variant_id = db.session.scalar(text("SELECT id FROM variants"))
    db.session.execute(text(
        "INSERT INTO lookup_misses (store_id, product_id, variant_id, size_label, at) "
        "VALUES (:s, :p, :v, '9', :at)"),
        {"s": store_id, "p": product_id, "v": variant_id, "at": "2026-12-01 10:00:00+00:00"})
    db.session.commit()
    return variant_id


def test_0150_adds_the_thread_and_the_message_event_kind_on_a_database_with_rows(
        empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0140")
        expected = _row_counts()
        message_event = text(
            "INSERT INTO events (store_id, request_id, kind, at, data) "
            "VALUES (:store, :request, 'message', :at, '{}')")
        values = {"store": request.store_id, "request": request.id, "at": datetime.now(UTC)}
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(message_event, values)
            db.session.commit()
        db.session.rollback()
        flask_migrate.upgrade(revision="0150")
        assert _row_counts() == expected
        db.session.execute(message_event, values)
        db.session.execute(text(
            "INSERT INTO request_messages (request_id, store_id, author, body, created_at) "
            "VALUES (:request, :store, 'customer', 'by the mirrors', :at)"), values)
        db.session.commit()
        flask_migrate.downgrade(revision="0140")
        assert {"request_messages", "request_photos"}.isdisjoint(
            inspect(db.engine).get_table_names())
        assert _row_counts() == expected  # the message event went with its table
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0170_adds_the_texts_tables_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0150")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0170")
        assert _row_counts() == expected
        values = {"store": request.store_id, "request": request.id, "at": datetime.now(UTC)}
        db.session.execute(text(
            "INSERT INTO sms_consents (request_id, store_id, number, last_digits, language, "
            "created_at) VALUES (:request, :store, '+12015550123', '0123', 'en', :at)"), values)
        db.session.execute(text(
            "INSERT INTO sms_outbox (consent_id, request_id, kind, dedupe_key, body, created_at,"
            " next_attempt_at, attempts, delivery_status, detail) SELECT id, request_id, "
            "'on_the_way', 'k', 'Maria is on the way', :at, :at, 0, '', '' FROM sms_consents"),
            values)
        db.session.execute(text("INSERT INTO sms_opt_outs (number_hash, opted_out_at) "
                                "VALUES ('ab', :at)"), values)
        db.session.commit()
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(text(
                "INSERT INTO sms_outbox (consent_id, request_id, kind, dedupe_key, body, "
                "created_at, next_attempt_at, attempts, delivery_status, detail) SELECT id, "
                "request_id, 'spam', 'k2', '', :at, :at, 0, '', '' FROM sms_consents"), values)
            db.session.commit()
        db.session.rollback()
        flask_migrate.downgrade(revision="0150")
        assert {"sms_consents", "sms_outbox", "sms_opt_outs"}.isdisjoint(
            inspect(db.engine).get_table_names())
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0180_adds_shifts_and_feeds_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0170")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0180")
        assert _row_counts() == expected
        user_id = db.session.scalar(text("SELECT id FROM users"))
        if user_id is None:
            db.session.execute(text(
                "INSERT INTO users (login, name, password_hash, role, home_store_id, active,"
                " session_version, created_at, availability) VALUES ('m', 'M', 'x',"
                " 'associate', :store, true, 1, :at, 'off')"),
                {"store": request.store_id, "at": datetime.now(UTC)})
            user_id = db.session.scalar(text("SELECT id FROM users"))
        shift = text("INSERT INTO shifts (store_id, user_id, local_date, start_time, end_time,"
                     " created_at) VALUES (:store, :user, '2026-03-08', :start, '08:00:00', :at)")
        values = {"store": request.store_id, "user": user_id, "at": datetime.now(UTC)}
        db.session.execute(shift, values | {"start": "00:00:00"})
        db.session.commit()
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(shift, values | {"start": "08:00:00"})  # no length
            db.session.commit()
        db.session.rollback()
        assert db.session.scalar(text("SELECT count(*) FROM shifts")) == 1
        db.session.rollback()
        flask_migrate.downgrade(revision="0170")
        assert {"shifts", "shift_feeds"}.isdisjoint(inspect(db.engine).get_table_names())
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0190_adds_breaks_and_their_event_kinds_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0180")
        expected = _row_counts()
        break_event = text("INSERT INTO events (store_id, kind, at, data) "
                           "VALUES (:store, 'break_started', :at, '{}')")
        values = {"store": request.store_id, "at": datetime.now(UTC)}
        with pytest.raises(Exception, match="(?i)check|constraint"):
            db.session.execute(break_event, values)
            db.session.commit()
        db.session.rollback()
        flask_migrate.upgrade(revision="0190")
        assert _row_counts() == expected
        user_id = db.session.scalar(text("SELECT id FROM users ORDER BY id LIMIT 1")) or _a_user()
        open_break = text("INSERT INTO breaks (store_id, user_id, started_at, expected_return_at)"
                          " VALUES (:store, :user, :at, :at)")
        db.session.execute(break_event, values)
        db.session.execute(open_break, values | {"user": user_id})
        db.session.commit()
        with pytest.raises(Exception, match="(?i)unique|duplicate"):
            db.session.execute(open_break, values | {"user": user_id})  # one open break each
            db.session.commit()
        db.session.rollback()
        flask_migrate.downgrade(revision="0180")
        assert "breaks" not in inspect(db.engine).get_table_names()
        assert _row_counts() == expected  # the break event went with its table
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0220_adds_the_catalog_version_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        _request_at("0190")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0220")
        assert _row_counts() == expected
        assert catalog_version() == 1
        bump_catalog_version()
        db.session.commit()
        assert catalog_version() == 2
        db.session.rollback()
        flask_migrate.downgrade(revision="0190")
        assert "catalog_version" not in inspect(db.engine).get_table_names()
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0230_adds_regions_and_the_regional_manager_on_a_database_with_rows(
        empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0220")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0230")
        assert _row_counts() == expected
        now = datetime.now(UTC)
        db.session.execute(text("INSERT INTO regions (code, name, created_at) "
                                "VALUES ('NE', 'North-East', :at)"), {"at": now})
        region_id = db.session.scalar(text("SELECT id FROM regions"))
        db.session.execute(text("UPDATE stores SET region_id = :region WHERE id = :store"),
                           {"region": region_id, "store": request.store_id})
        reader = text("INSERT INTO users (login, name, password_hash, role, region_id, active,"
                      " session_version, created_at, availability) VALUES (:login, 'R', 'x',"
                      " :role, :region, true, 1, :at, 'off')")
        db.session.execute(reader, {"login": "rm", "role": "regional_manager",
                                    "region": region_id, "at": now})
        db.session.commit()
        for role, region in (("regional_manager", None), ("associate", region_id),
                             ("emperor", None)):
            with pytest.raises(Exception, match="(?i)check|constraint"):
                db.session.execute(reader, {"login": f"x-{role}", "role": role,
                                            "region": region, "at": now})
                db.session.commit()
            db.session.rollback()
        db.session.close()
        flask_migrate.downgrade(revision="0220")
        assert "regions" not in inspect(db.engine).get_table_names()
        assert "region_id" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        assert _row_counts() == expected
        demoted = db.session.execute(text(
            "SELECT role, active, session_version FROM users WHERE login = 'rm'")).one()
        assert (demoted.role, bool(demoted.active), demoted.session_version) == (
            "associate", False, 2)  # never widened to admin, and logged out
        db.session.rollback()
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0240_adds_the_roll_ups_that_the_tick_then_fills_on_a_database_with_rows(
        empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0230")
        expected = _row_counts()
        flask_migrate.upgrade(revision="0240")
        assert _row_counts() == expected
        assert db.session.scalar(text("SELECT last_event_id FROM rollup_watermark")) == 0
        db.session.rollback()
        flask_migrate.upgrade()  # the tick is today's code, which writes later tables too
        report = rollup_upkeep.tick(now=datetime.now(UTC) + rollup_upkeep.SETTLE * 2)
        assert report.hours == 1 and report.last_event_id > 0
        assert db.session.scalar(text("SELECT requests FROM rollup_days WHERE store_id = :s"),
                                 {"s": request.store_id}) == 1
        db.session.rollback()
        flask_migrate.downgrade(revision="0230")
        assert {"rollup_hours", "rollup_days", "rollup_weeks", "rollup_watermark"}.isdisjoint(
            inspect(db.engine).get_table_names())
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0250_indexes_the_events_by_person_on_a_database_with_rows(empty_database_url):
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        request = _request_at("0240")
        person = _a_user()
        for n, status in enumerate(("on_floor", "with_customer", "off")):
            db.session.execute(text(
                "INSERT INTO events (store_id, kind, at, subject_id, to_status, data) "
                "VALUES (:store, 'availability', :at, :person, :status, '{}')"),
                {"store": request.store_id, "at": datetime(2026, 12, 1, 9 + n, tzinfo=UTC),
                 "person": person, "status": status})
        db.session.commit()
        expected = _row_counts()

        def indexes():
            return {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("events")}

        flask_migrate.upgrade(revision="0250")
        assert indexes()["ix_events_store_kind_subject_id"] == [
            "store_id", "kind", "subject_id", "id", "at"]
        assert _row_counts() == expected
        flask_migrate.downgrade(revision="0240")
        assert "ix_events_store_kind_subject_id" not in indexes()
        assert _row_counts() == expected
        flask_migrate.upgrade()
        db.session.rollback()
        db.engine.dispose()


def test_0260_sums_the_day_rows_already_there_into_weeks_as_the_app_does(empty_database_url):
    """The upgrade writes the weeks with its own copy of the histograms' stored form; its
    rows must be those the app's writer makes of the same days (DST weeks among them)."""
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        flask_migrate.upgrade()
        store = make_store(code="NY-M", timezone=NEW_YORK, zones=("Shoes", "Kids"))
        rng = random.Random(3)
        for day in (FALL_BACK - timedelta(days=2), FALL_BACK, FALL_BACK + timedelta(days=1),
                    FALL_BACK + timedelta(days=9)):
            _fill_day(store, day, rng, 40)
        rollup_upkeep.rebuild(store, now=datetime(2027, 1, 1, tzinfo=UTC))
        written, expected = _week_rows(), _row_counts()
        assert len(written) == 3
        flask_migrate.downgrade(revision="0250")
        assert "rollup_weeks" not in inspect(db.engine).get_table_names()
        flask_migrate.upgrade(revision="0260")
        assert _week_rows() == written
        assert _row_counts() == expected
        db.session.rollback()
        db.engine.dispose()


def _week_rows() -> dict:
    """Every week row's columns but its id and computing time, by store and week."""
    rows = db.session.execute(text("SELECT * FROM rollup_weeks")).mappings().all()
    db.session.rollback()
    return {(row["store_id"], str(row["week_start"])): {
        name: bytes(value) if isinstance(value, memoryview) else value
        for name, value in row.items() if name not in ("id", "computed_at")} for row in rows}


def _a_user() -> int:
    db.session.execute(text(
        "INSERT INTO users (login, name, password_hash, role, active, session_version, "
        "created_at, availability) VALUES ('m', 'M', 'x', 'associate', true, 1, :at, 'off')"),
        {"at": datetime.now(UTC)})
    return db.session.scalar(text("SELECT id FROM users WHERE login = 'm'"))


BULK_REQUESTS = 200_000
REQUEST_FOREIGN_KEYS = {"fk_help_requests_product_id_products",
                        "fk_help_requests_variant_id_variants"}


def test_0070_adds_the_request_product_keys_to_a_large_table(empty_database_url):
    """PostgreSQL adds the keys NOT VALID and validates them apart (no long lock)."""
    app = _app(empty_database_url, TICK_INTERVAL_S=0)
    with app.app_context():
        _request_at("0060")
        _bulk_requests(BULK_REQUESTS, variant_id=_a_variant_at_0060())
        expected = _row_counts()
        flask_migrate.upgrade(revision="0070")
        assert _row_counts() == expected
        names = {key["name"] for key in inspect(db.engine).get_foreign_keys("help_requests")}
        assert names >= REQUEST_FOREIGN_KEYS
        if db.engine.dialect.name == "postgresql":
            assert _validated_request_keys() == dict.fromkeys(REQUEST_FOREIGN_KEYS, True)
        db.engine.dispose()  # SQLite: the migrations' connection has its foreign keys off
        with pytest.raises(Exception, match="(?i)foreign key"):
            db.session.execute(text("UPDATE help_requests SET variant_id = 999999 "
                                    "WHERE id = (SELECT max(id) FROM help_requests)"))
            db.session.commit()
        db.session.rollback()
        flask_migrate.upgrade()
        db.engine.dispose()


def test_0070_stopped_by_a_bad_row_on_postgresql_runs_again_once_it_is_fixed(
        empty_postgres_url):
    app = _app(empty_postgres_url, TICK_INTERVAL_S=0)
    with app.app_context():
        _request_at("0060")
        db.session.execute(text("UPDATE help_requests SET variant_id = 999999"))
        db.session.commit()
        with pytest.raises(Exception, match="(?i)foreign key"):
            flask_migrate.upgrade(revision="0070")
        db.session.rollback()
        assert _validated_request_keys()["fk_help_requests_variant_id_variants"] is False
        db.session.execute(text("UPDATE help_requests SET variant_id = NULL"))
        db.session.commit()
        flask_migrate.upgrade(revision="0070")
        assert _validated_request_keys() == dict.fromkeys(REQUEST_FOREIGN_KEYS, True)
        db.session.rollback()
        db.engine.dispose()


def _a_variant_at_0060() -> int:
    db.session.execute(text(
        "INSERT INTO products (style, brand, name, color, price_cents, department, image_url,"
        " search_text, updated_at) VALUES ('B-1', 'B', 'N', '', 0, '', '', '', :at)"),
        {"at": "2026-12-01 10:00:00+00:00"})
    db.session.execute(text(
        "INSERT INTO variants (product_id, sku, size_label, width, size_sort) "
        "SELECT id, 'B-1-9', '9', '', 30090 FROM products WHERE style = 'B-1'"))
    db.session.commit()
    return db.session.scalar(text("SELECT id FROM variants WHERE sku = 'B-1-9'"))


def _bulk_requests(count: int, *, variant_id: int) -> None:
    """Copy the one request `count` times in one statement, every other copy with a size."""
    db.session.execute(text(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
        "INSERT INTO help_requests (store_id, zone_id, sign_id, public_token, need, "
        "product_query, size_label, variant_id, note, language, status, requested_at, "
        "escalation_level) SELECT r.store_id, r.zone_id, r.sign_id, 'bulk-' || n.i, r.need, "
        "'', '', CASE WHEN n.i % 2 = 0 THEN :variant END, '', r.language, r.status, "
        "r.requested_at, 0 FROM help_requests AS r, n"),
        {"count": count, "variant": variant_id})
    db.session.commit()


def _validated_request_keys() -> dict[str, bool]:
    rows = db.session.execute(text(
        "SELECT conname, convalidated FROM pg_constraint WHERE conrelid = "
        "'help_requests'::regclass AND contype = 'f' AND conname IN :names").bindparams(
            bindparam("names", expanding=True)), {"names": sorted(REQUEST_FOREIGN_KEYS)}).all()
    db.session.rollback()
    return dict(rows)
