"""The regional pages and API: a region's stores side by side, for its manager and admins."""

from datetime import UTC, datetime

import pytest

from floorapp.models import Role
from floorapp.services.help import availability
from floorapp.services.metrics import rollup_upkeep
from floorapp.services.org import regions, stores
from tests.factories import make_sign, make_store, make_user, submit_request
from tests.web.test_access import CLOCK


@pytest.fixture
def chain(app):
    """Region EAST (two stores, one with two requests), region WEST (one store), a store
    in no region; a regional manager of each region, a manager of an EAST store, an admin."""
    with app.app_context():
        nyc = make_store(code="NYC-1", name="Fifth Avenue")
        make_store(code="BOS-1", name="Newbury Street", timezone="America/New_York")
        make_store(code="LA-1", name="The Grove", timezone="America/Los_Angeles")
        make_store(code="SOLO-1", name="Lonely Outlet")
        regions.create_region(code="EAST", name="East Coast")
        regions.assign_stores("EAST", ["NYC-1", "BOS-1"])
        regions.create_region(code="WEST", name="West Coast")
        regions.assign_stores("WEST", ["LA-1"])
        sign = make_sign(zone=nyc.zones[0])
        for _ in range(2):
            submit_request(sign=sign)
        rollup_upkeep.rebuild(now=datetime.now(UTC))  # the side-by-side figures read the roll-ups
        make_user(login="east.rm", name="Erin East", role=Role.REGIONAL_MANAGER, region="EAST")
        make_user(login="west.rm", role=Role.REGIONAL_MANAGER, region="WEST")
        make_user(login="nyc.manager", role=Role.MANAGER, store=nyc)
        make_user(login="boss", role=Role.ADMIN)


def test_a_regional_manager_lands_on_their_region_after_login(client, auth, chain):
    landing = auth.login("east.rm")
    assert client.get(landing.headers["Location"]).headers["Location"] == "/regions/EAST"


def test_the_region_shows_its_stores_side_by_side_each_linking_to_its_dashboard(
        client, auth, chain):
    auth.login("east.rm")
    page = client.get("/regions/east?range=30d")
    assert page.status_code == 200
    assert "Fifth Avenue" in page.text and "Newbury Street" in page.text
    assert "The Grove" not in page.text and "Lonely Outlet" not in page.text
    assert 'href="/stores/NYC-1/dashboard?range=30d"' in page.text
    assert 'href="/stores/BOS-1/board"' in page.text
    assert "No requests in this range" in page.text  # Newbury Street had none


def test_the_region_api_gives_the_pages_rows(client, auth, chain):
    auth.login("east.rm")
    answer = client.get("/api/v1/regions/EAST/metrics?range=7d").json
    assert answer["region"] == {"code": "EAST", "name": "East Coast"}
    rows = {row["store"]["code"]: row for row in answer["stores"]}
    assert list(rows) == ["BOS-1", "NYC-1"]
    assert rows["NYC-1"]["requests"]["total"] == 2 and rows["BOS-1"]["empty"]
    assert rows["NYC-1"]["range"]["days"] == 7
    assert answer["total"]["stores"] == 2 and answer["total"]["requests"]["total"] == 2


@pytest.mark.parametrize("query", ["range=forever", "range=custom&from=2026-02-30&to=2026-03-01",
                                   "range=custom&from=2026-03-05&to=2026-03-01"])
def test_a_bad_range_is_a_clear_400_on_the_page_and_in_the_api(client, auth, chain, query):
    auth.login("east.rm")
    page = client.get(f"/regions/EAST?{query}")
    assert page.status_code == 400 and 'role="alert"' in page.text
    api = client.get(f"/api/v1/regions/EAST/metrics?{query}")
    assert api.status_code == 400 and api.json["error"]["message"]


@pytest.mark.parametrize("who", ["west.rm", "nyc.manager"])
def test_a_region_not_yours_answers_like_a_region_that_does_not_exist(client, auth, chain, who):
    auth.login(who)
    for path in ("/regions/{}", "/api/v1/regions/{}/metrics"):
        theirs, missing = (client.get(path.format(code)) for code in ("EAST", "NOPE"))
        assert theirs.status_code == missing.status_code == 404
        assert CLOCK.sub("", theirs.text.replace("EAST", "NOPE")) == CLOCK.sub("", missing.text)
        assert "Newbury Street" not in theirs.text


def test_nobody_logged_in_is_sent_to_log_in_or_told_401(client, chain):
    assert client.get("/regions/EAST").headers["Location"].startswith("/login?next=")
    assert client.get("/api/v1/regions/EAST/metrics").status_code == 401


def test_admins_see_every_region_and_the_stores_in_none(client, auth, chain):
    auth.login("boss")
    page = client.get("/regions")
    assert page.status_code == 200
    assert "East Coast" in page.text and "West Coast" in page.text
    assert "Lonely Outlet" in page.text.split("Stores in no region")[1]
    assert client.get("/regions/WEST").status_code == 200
    assert client.get("/api/v1/regions/WEST/metrics").status_code == 200


@pytest.mark.parametrize("who", ["east.rm", "nyc.manager"])
def test_only_admins_list_the_regions(client, auth, chain, who):
    auth.login(who)
    assert client.get("/regions").status_code == 403


def test_a_regional_manager_reads_their_stores_figures_and_board(client, auth, chain):
    auth.login("east.rm")
    for path in ("/stores/NYC-1/dashboard", "/stores/NYC-1/staffing", "/stores/BOS-1/board",
                 "/stores/NYC-1/board/live"):
        assert client.get(path).status_code == 200, path
    window = "from=2026-11-01&to=2026-11-30"
    for path in ("metrics", "metrics.csv", "requests.csv", "staffing", "staffing.csv"):
        assert client.get(f"/api/v1/stores/NYC-1/{path}?{window}").status_code == 200, path


@pytest.mark.parametrize("path", ["/stores/{}/dashboard", "/stores/{}/board",
                                  "/api/v1/stores/{}/metrics?from=2026-11-01&to=2026-11-30"])
def test_another_regions_store_and_a_store_in_none_answer_like_a_missing_store(
        client, auth, chain, path):
    auth.login("east.rm")
    missing = client.get(path.format("NOPE-1"))
    for code in ("LA-1", "SOLO-1"):
        answer = client.get(path.format(code))
        assert answer.status_code == missing.status_code == 404, code
        assert CLOCK.sub("", answer.text.replace(code, "NOPE-1")) == CLOCK.sub("", missing.text)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/stores/NYC-1"), ("GET", "/stores/NYC-1/settings"), ("GET", "/stores/NYC-1/signs"),
    ("GET", "/stores/NYC-1/shifts"), ("GET", "/stores/NYC-1/catalog/import"),
    ("GET", "/stores/NYC-1/floor"), ("GET", "/stores/NYC-1/lookup"), ("GET", "/lookup"),
    ("POST", "/stores/NYC-1/zones"), ("POST", "/stores/NYC-1/staff"),
    ("GET", "/api/v1/stores/NYC-1/events"), ("GET", "/api/v1/search?q=boot&store=NYC-1"),
    ("GET", "/admin/users"), ("GET", "/admin/dashboard")])
def test_a_regional_manager_neither_manages_nor_works_a_store_of_their_region(
        client, auth, chain, method, path):
    auth.login("east.rm")
    assert client.open(path, method=method).status_code in (403, 404), path


def test_the_dashboard_offers_a_regional_manager_no_shifts_and_their_region(client, auth, chain):
    auth.login("east.rm")
    page = client.get("/stores/NYC-1/dashboard").text
    assert "/stores/NYC-1/shifts" not in page and 'href="/regions/EAST"' in page
    assert "/stores/NYC-1/shifts" not in client.get("/stores/NYC-1/staffing").text
    auth.logout()
    auth.login("nyc.manager")
    assert "/stores/NYC-1/shifts" in client.get("/stores/NYC-1/dashboard").text


def test_the_openapi_document_describes_the_region_metrics(client, auth, chain):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/regions/{code}/metrics"]["get"]
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    auth.login("east.rm")
    row = client.get("/api/v1/regions/EAST/metrics").json["stores"][0]
    assert set(spec["components"]["schemas"]["RegionStoreRow"]["required"]) == set(row)
    assert set(spec["components"]["schemas"]["RegionMetrics"]["required"]) == {
        "region", "stores", "total"}


def test_on_the_board_a_regional_manager_gets_no_backup_form_that_a_manager_gets(
        app, client, auth, chain):
    with app.app_context():
        store = stores.store_by_code("NYC-1")
        manager = make_user(login="nyc.boss", role=Role.MANAGER, store=store)
        breaker = make_user(login="nyc.breaker", store=store)
        availability.set_availability(manager, "on_floor")
        availability.set_availability(breaker, "on_floor")
        availability.set_availability(breaker, "on_break", until="30", backup_id=manager.id)
    auth.login("east.rm")
    assert "Breaks: change a backup" not in client.get("/stores/NYC-1/board").text
    auth.logout()
    auth.login("nyc.manager")
    assert "Breaks: change a backup" in client.get("/stores/NYC-1/board").text


def test_the_admins_people_page_names_a_regional_managers_region_and_offers_no_role_form(
        client, auth, chain):
    auth.login("boss")
    page = client.get("/admin/users").text
    row = page.split("Erin East")[1].split("</tr>")[0]
    assert "region EAST" in row and "regional_manager" in row
    assert "<select" not in row
