"""`flask regions …` and `flask users create --role regional_manager --region CODE`."""

from floorapp.extensions import db
from floorapp.models import Role, Store, User

PASSWORD = ("--password", "a-long-password")


def _two_stores(runner) -> None:
    for code, zone in (("NYC-1", "America/New_York"), ("LA-1", "America/Los_Angeles")):
        assert runner.invoke(args=["stores", "create", code, "--name", code,
                                   "--timezone", zone]).exit_code == 0


def test_regions_create_assign_and_list(app, runner):
    _two_stores(runner)
    created = runner.invoke(args=["regions", "create", "east", "East Coast"])
    assert created.exit_code == 0 and "Created region EAST (East Coast)." in created.output
    assigned = runner.invoke(args=["regions", "assign", "EAST", "nyc-1"])
    assert assigned.exit_code == 0 and "EAST now has 1 stores." in assigned.output
    listing = runner.invoke(args=["regions", "list"]).output.splitlines()
    assert listing[0].split() == ["EAST", "East", "Coast", "NYC-1"]
    assert listing[1].split() == ["(no", "region)", "LA-1"]


def test_regions_refusals_are_one_line_and_change_nothing(app, runner):
    _two_stores(runner)
    runner.invoke(args=["regions", "create", "EAST", "East Coast"])
    again = runner.invoke(args=["regions", "create", "EAST", "Again"])
    assert again.exit_code == 1 and "exists already" in again.output
    unknown = runner.invoke(args=["regions", "assign", "EAST", "NYC-1", "NOPE-1"])
    assert unknown.exit_code == 1
    assert unknown.output.strip() == "Error: No store with the code 'NOPE-1'; nothing was assigned."
    assert runner.invoke(args=["regions", "assign", "EAST"]).exit_code == 2  # no store named
    with app.app_context():
        assert db.session.scalar(db.select(Store.region_id).where(Store.code == "NYC-1")) is None


def test_users_create_makes_a_regional_manager_of_a_region(app, runner, client):
    _two_stores(runner)
    runner.invoke(args=["regions", "create", "EAST", "East Coast"])
    made = runner.invoke(args=["users", "create", "erin", "--name", "Erin East", "--role",
                               "regional_manager", "--region", "east", *PASSWORD])
    assert made.exit_code == 0, made.output
    with app.app_context():
        erin = db.session.scalar(db.select(User).where(User.login == "erin"))
        assert (erin.role, erin.region.code, erin.home_store_id) == (
            Role.REGIONAL_MANAGER, "EAST", None)
    assert "regional_manager EAST" in " ".join(
        runner.invoke(args=["users", "list"]).output.split())
    login = client.post("/login", data={"login": "erin", "password": "a-long-password"})
    assert client.get(login.headers["Location"]).headers["Location"] == "/regions/EAST"


def test_users_create_refuses_a_regional_manager_without_a_region_or_with_a_store(app, runner):
    _two_stores(runner)
    runner.invoke(args=["regions", "create", "EAST", "East Coast"])
    base = ["users", "create", "erin", "--name", "Erin", "--role", "regional_manager", *PASSWORD]
    assert "needs a region" in runner.invoke(args=base).output
    assert "not a home store" in runner.invoke(
        args=[*base, "--region", "EAST", "--store", "NYC-1"]).output
    assert "No region" in runner.invoke(args=[*base, "--region", "WEST"]).output
    assert "Only a regional manager has a region" in runner.invoke(args=[
        "users", "create", "sam", "--name", "Sam", "--store", "NYC-1", "--region", "EAST",
        *PASSWORD]).output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_the_demo_has_a_region_of_both_stores_and_its_regional_manager(app, runner, client):
    seeded = runner.invoke(args=["demo", "seed", "--history-days", "0"])
    assert "region.manager" in seeded.output and "regional_manager at US-COASTS" in seeded.output
    password = seeded.output.split("password '")[1].split("'")[0]
    client.post("/login", data={"login": "region.manager", "password": password})
    page = client.get("/regions/US-COASTS")
    assert page.status_code == 200
    assert "Fifth Avenue, New York" in page.text and "The Grove, Los Angeles" in page.text
