"""The `flask` commands: demo data, users and stores."""

from datetime import UTC, datetime

from floorapp.extensions import db
from floorapp.models import HelpRequest, Role, Sign, Store, User, Zone
from floorapp.services.metrics.periods import local_today
from floorapp.services.org import shifts
from floorapp.services.org.shift_times import next_week
from floorapp.services.org.signs import resolve_sign_token
from tests.factories import make_sign, make_user

NO_HISTORY = ("--history-days", "0")  # the demo's 90 days of history, where a test needs none


def test_demo_seed_creates_two_stores_in_different_time_zones(app, runner):
    result = runner.invoke(args=["demo", "seed", "--seed", "7", *NO_HISTORY])
    assert result.exit_code == 0, result.output
    assert "nyc.manager" in result.output and "la.associate1" in result.output
    with app.app_context():
        stores = db.session.scalars(db.select(Store).order_by(Store.code)).all()
        assert [(s.code, s.timezone) for s in stores] == [
            ("LA-GROVE", "America/Los_Angeles"), ("NYC-5TH", "America/New_York")]
        for store in stores:
            staff = db.session.scalars(db.select(User).where(User.home_store_id == store.id)).all()
            assert sum(u.role is Role.MANAGER for u in staff) == 1
            assert sum(u.role is Role.ASSOCIATE for u in staff) >= 5
            assert {"Women's Shoes", "Men's Shoes", "Kids", "Fitting Rooms"} <= {
                z.name for z in store.zones}


def test_demo_seed_plans_next_week_monday_to_saturday(app, runner):
    assert runner.invoke(args=["demo", "seed", "--seed", "7", *NO_HISTORY]).exit_code == 0
    with app.app_context():
        store = db.session.scalar(db.select(Store).where(Store.code == "NYC-5TH"))
        monday = next_week(local_today(store.timezone))
        planned = shifts.week_shifts(store, monday)
        associates = {s.user_id for s in planned}
        assert {s.local_date.weekday() for s in planned} == {0, 1, 2, 3, 4, 5}
        assert len(planned) == 6 * len(associates) and len(associates) >= 5


def test_demo_seed_is_deterministic_for_a_seed(make_app):
    names = []
    for _ in range(2):
        app = make_app()
        app.test_cli_runner().invoke(args=["demo", "seed", "--seed", "3", *NO_HISTORY])
        with app.app_context():
            names.append(db.session.scalars(db.select(User.name).order_by(User.login)).all())
            for table in reversed(db.metadata.sorted_tables):  # children before parents
                db.session.execute(table.delete())
            db.session.commit()
    assert names[0] == names[1]


def test_demo_logins_work_with_the_printed_password(app, runner, client):
    result = runner.invoke(args=["demo", "seed", *NO_HISTORY])
    password = result.output.split("password '")[1].split("'")[0]
    response = client.post("/login", data={"login": "nyc.associate1", "password": password})
    assert response.status_code == 302


def test_demo_seed_if_empty_leaves_existing_data_alone(app, runner):
    runner.invoke(args=["demo", "seed", *NO_HISTORY])
    again = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert again.exit_code == 0
    assert "skipped" in again.output
    refused = runner.invoke(args=["demo", "seed"])
    assert refused.exit_code == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Store)) == 2


def test_users_create_prompts_for_a_hidden_confirmed_password(app, runner, client):
    runner.invoke(args=["stores", "create", "NYC-1", "--name", "Fifth", "--timezone",
                        "America/New_York"])
    result = runner.invoke(
        args=["users", "create", "maria", "--name", "Maria Garcia", "--store", "NYC-1"],
        input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    assert "a-long-password" not in result.output
    assert "Repeat for confirmation" in result.output
    response = client.post("/login", data={"login": "maria", "password": "a-long-password"})
    assert response.status_code == 302


def test_users_create_refuses_mismatched_or_short_passwords(app, runner):
    runner.invoke(args=["stores", "create", "NYC-1", "--name", "Fifth", "--timezone",
                        "America/New_York"])
    short = runner.invoke(
        args=["users", "create", "maria", "--name", "Maria", "--store", "NYC-1",
              "--password", "short"])
    assert short.exit_code == 1
    assert "at least 10 characters" in short.output
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.login == "maria")) is None


def test_users_create_needs_a_store_except_for_admins(runner):
    result = runner.invoke(args=["users", "create", "maria", "--name", "Maria",
                                 "--password", "a-long-password"])
    assert result.exit_code == 1
    assert "needs a home store" in result.output
    admin = runner.invoke(args=["users", "create", "root2", "--name", "Root", "--role", "admin",
                                "--password", "a-long-password"])
    assert admin.exit_code == 0, admin.output


def test_users_set_role_and_deactivate(app, runner):
    runner.invoke(args=["demo", "seed", *NO_HISTORY])
    assert runner.invoke(args=["users", "set-role", "nyc.associate1", "manager"]).exit_code == 0
    assert runner.invoke(args=["users", "deactivate", "nyc.associate2"]).exit_code == 0
    with app.app_context():
        promoted = db.session.scalar(db.select(User).where(User.login == "nyc.associate1"))
        gone = db.session.scalar(db.select(User).where(User.login == "nyc.associate2"))
        assert promoted.role is Role.MANAGER
        assert gone.active is False


def test_user_commands_name_an_unknown_login_in_one_line(runner):
    result = runner.invoke(args=["users", "deactivate", "nobody"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: No user with the login 'nobody'."


def test_stores_create_refuses_an_unknown_time_zone(runner):
    result = runner.invoke(args=["stores", "create", "X-1", "--name", "X", "--timezone",
                                 "Europe/Atlantis"])
    assert result.exit_code == 1
    assert "Unknown time zone" in result.output


def test_demo_seed_puts_a_sign_in_every_zone_and_prints_a_customer_url(app, runner):
    result = runner.invoke(args=["demo", "seed", "--base-url", "http://127.0.0.1:8123",
                                 *NO_HISTORY])
    assert result.exit_code == 0, result.output
    with app.app_context():
        zones = db.session.scalars(db.select(Zone)).all()
        signed = set(db.session.scalars(db.select(Sign.zone_id).where(Sign.active)).all())
        assert zones and signed == {zone.id for zone in zones}
        url = result.output.split("A customer's sign to try: ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:8123/s/")
        assert resolve_sign_token(url.rsplit("/", 1)[1]).zone.store.code == "NYC-5TH"
    logins = runner.invoke(args=["demo", "logins"])
    assert f"A customer's sign to try: {url.removeprefix('http://127.0.0.1:8123')}" in logins.output


def test_demo_seed_adds_90_days_of_history_to_each_demo_store(app, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        for store in db.session.scalars(db.select(Store)):
            first, count = db.session.execute(
                db.select(db.func.min(HelpRequest.requested_at), db.func.count())
                .where(HelpRequest.store_id == store.id)).one()
            assert count > 5000
            assert 89 <= (datetime.now(UTC) - first).days <= 91


def test_demo_history_adds_days_to_a_named_store_and_refuses_unknown_ones(app, runner):
    runner.invoke(args=["stores", "create", "NYC-1", "--name", "Fifth", "--timezone",
                        "America/New_York"])
    with app.app_context():
        store = db.session.scalar(db.select(Store))
        make_user(store=store)
        make_sign(zone=Zone(store=store, name="Shoes"))
    result = runner.invoke(args=["demo", "history", "nyc-1", "--days", "3", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("NYC-1: ") and "over 3 days" in result.output
    assert runner.invoke(args=["demo", "history", "NOPE"]).output == (
        "Error: No store with the code 'NOPE'.\n")


def test_scale_history_builds_bench_stores_and_skips_them_when_run_again(app, runner):
    args = ["demo", "scale-history", "--stores", "2", "--requests", "600", "--days", "10"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert "stores created 2, filled 2" in first.output
    again = runner.invoke(args=args)
    assert "stores created 0, filled 0, skipped (had history) 2" in again.output
    with app.app_context():
        counts = db.session.execute(db.select(HelpRequest.store_id, db.func.count())
                                    .group_by(HelpRequest.store_id)).all()
        assert len(counts) == 2 and 450 <= sum(n for _, n in counts) <= 750
        assert db.session.scalar(db.select(db.func.count()).select_from(Sign)) == 10
    refused = runner.invoke(args=["demo", "scale-history", "--stores", "0"])
    assert refused.exit_code == 1 and "Use 1 to 999 stores" in refused.output
def test_the_help_requests_tick_command_escalates_and_expires(app, runner):
    from datetime import UTC, datetime, timedelta

    from floorapp.services.help import availability
    from tests.factories import make_sign, make_user, submit_request

    with app.app_context():
        now = datetime.now(UTC)
        sign = make_sign()  # someone on the floor: the timer escalates, not the submit
        availability.set_availability(make_user(store=sign.zone.store), "on_floor")
        submit_request(sign=sign, now=now - timedelta(minutes=31))
        submit_request(sign=sign, now=now - timedelta(minutes=5))
    result = runner.invoke(args=["help-requests", "tick"])
    assert result.exit_code == 0, result.output
    assert "Escalated 1, expired 1" in result.output
    assert "Escalated 0, expired 0" in runner.invoke(args=["help-requests", "tick"]).output


def test_the_tick_command_tells_a_late_break_once(app, runner):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from floorapp.extensions import db
    from floorapp.models import Event, EventKind
    from floorapp.services.help import availability
    from tests.factories import make_user

    with app.app_context():
        person = make_user()
        availability.set_availability(person, "on_floor")
        availability.set_availability(person, "on_break", until="15",
                                      now=datetime.now(UTC) - timedelta(minutes=21))
    assert "told 1 late breaks" in runner.invoke(args=["help-requests", "tick"]).output
    assert "told 0 late breaks" in runner.invoke(args=["help-requests", "tick"]).output
    with app.app_context():
        assert len(db.session.scalars(select(Event).where(
            Event.kind == EventKind.BREAK_OVERDUE)).all()) == 1
