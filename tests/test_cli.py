"""The `flask` commands: demo data, users and stores."""

from floorapp.extensions import db
from floorapp.models import Role, Store, User, Zone


def test_demo_seed_creates_two_stores_in_different_time_zones(app, runner):
    result = runner.invoke(args=["demo", "seed", "--seed", "7"])
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


def test_demo_seed_is_deterministic_for_a_seed(make_app):
    names = []
    for _ in range(2):
        app = make_app()
        app.test_cli_runner().invoke(args=["demo", "seed", "--seed", "3"])
        with app.app_context():
            names.append(db.session.scalars(db.select(User.name).order_by(User.login)).all())
            db.session.execute(db.delete(User))
            db.session.execute(db.delete(Zone))
            db.session.execute(db.delete(Store))
            db.session.commit()
    assert names[0] == names[1]


def test_demo_logins_work_with_the_printed_password(app, runner, client):
    result = runner.invoke(args=["demo", "seed"])
    password = result.output.split("password '")[1].split("'")[0]
    response = client.post("/login", data={"login": "nyc.associate1", "password": password})
    assert response.status_code == 302


def test_demo_seed_if_empty_leaves_existing_data_alone(app, runner):
    runner.invoke(args=["demo", "seed"])
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
    runner.invoke(args=["demo", "seed"])
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


def test_the_help_requests_tick_command_escalates_and_expires(app, runner):
    from datetime import UTC, datetime, timedelta

    from tests.factories import submit_request

    with app.app_context():
        now = datetime.now(UTC)
        submit_request(now=now - timedelta(minutes=31))
        submit_request(now=now - timedelta(minutes=5))
    result = runner.invoke(args=["help-requests", "tick"])
    assert result.exit_code == 0, result.output
    assert "Escalated 1, expired 1" in result.output
    assert "Escalated 0, expired 0" in runner.invoke(args=["help-requests", "tick"]).output
