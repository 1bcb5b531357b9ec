"""The coverage figures and the planned week in the managers' JSON and CSV, against OpenAPI."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator

from floorapp.models import Role
from floorapp.services.help import availability, moves
from floorapp.services.org import shifts
from tests.factories import make_sign, make_store, make_user, submit_request

NEW_YORK = ZoneInfo("America/New_York")
RANGE = "from=2026-06-10&to=2026-06-10"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 10, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def floor(app):
    """Maria covers Shoes, Sam Denim; Sam breaks with nobody to back him, a request waits."""
    with app.app_context():
        store = make_store(code="NY-7", zones=("Shoes", "Denim"))
        denim, shoes = store.zones  # by name
        boss = make_user(login="boss", role=Role.MANAGER, store=store)
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        sam = make_user(login="sam", name="Sam Okafor", store=store)
        availability.set_availability(maria, "on_floor", shoes.id, now=at(10))
        availability.set_availability(sam, "on_floor", denim.id, now=at(10))
        availability.set_availability(maria, "off", now=at(11))
        availability.set_availability(sam, "on_break", until="30", now=at(11, 30))
        waiting = submit_request(sign=make_sign(zone=denim), now=at(11, 40))
        availability.set_availability(sam, "on_floor", now=at(11, 50))
        moves.claim(store.id, waiting.id, sam, now=at(11, 52))
        availability.set_availability(sam, "off", now=at(12), held={str(waiting.id): "queue"})
        shifts.add_shift(store, login="maria", day="2026-11-02", start="09:00", end="13:30",
                         zone_id=shoes.id, actor=boss)
        yield store


def _validate(client, schema: str, body: dict) -> list[str]:
    document = client.get("/api/v1/openapi.json").json
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}",
                                      "components": document["components"]})
    return [error.message for error in validator.iter_errors(body)]


def test_the_metrics_carry_the_coverage_figures(floor, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-7/metrics?{RANGE}").json
    coverage = body["coverage"]
    assert [(z["zone"], z["uncovered_minutes"], z["requests"]) for z in coverage["zones"]] == [
        ("Denim", 20.0, 1), ("Shoes", 60.0, 0)]
    assert coverage["by_hour"][11]["uncovered_minutes"] == 80.0
    assert coverage["requests"]["acknowledge"]["p50_s"] == 720.0
    assert coverage["breaks"]["count"] == 1 and coverage["breaks"]["late"] == 0
    assert coverage["hand_overs"]["released_at_off"] == 1
    assert _validate(client, "StoreMetrics", body) == []


def test_the_figures_csv_has_the_coverage_lines(floor, client, auth):
    auth.login("boss")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/api/v1/stores/NY-7/metrics.csv?{RANGE}").text)))
    assert ["coverage", "all", "uncovered_minutes", "80.0"] in rows
    assert ["coverage_zone", "Denim", "requests", "1"] in rows
    assert ["coverage_zone", "Shoes", "uncovered_minutes", "60.0"] in rows
    assert ["coverage_hour", "11:00", "uncovered_minutes", "80.0"] in rows
    assert ["coverage_requests", "all", "acknowledge.p50_s", "720.0"] in rows
    assert ["coverage_breaks", "all", "median_length_s", "1200.0"] in rows
    assert ["coverage_hand_overs", "all", "released_at_off", "1"] in rows


def test_the_staffing_answer_carries_the_planned_week_beside_the_need(floor, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-7/staffing?{RANGE}&plan_week=2026-11-04").json
    plan = body["plan"]
    assert plan["week"] == "2026-11-02"
    monday = {row["hour"]: row for row in plan["hours"] if row["weekday"] == 0}
    assert (monday[9]["planned"], monday[13]["planned"], monday[14]["planned"]) == (1.0, 0.5, 0)
    assert monday[9]["start"] == "2026-11-02T14:00:00+00:00"
    assert monday[9]["local"] == "2026-11-02T09:00-05:00"
    assert "needed" in monday[9] and "grid" not in plan
    assert _validate(client, "Staffing", body) == []


def test_the_plan_week_of_the_autumn_change_has_169_hours(floor, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-7/staffing?{RANGE}&plan_week=2026-11-01").json
    assert body["plan"]["week"] == "2026-10-26" and len(body["plan"]["hours"]) == 169
    assert _validate(client, "Staffing", body) == []


def test_the_staffing_csv_has_the_planned_associates_per_hour(floor, client, auth):
    auth.login("boss")
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/api/v1/stores/NY-7/staffing.csv?{RANGE}&plan_week=2026-11-02").text)))
    assert len(rows) == 168
    monday = {row["hour"]: row for row in rows if row["weekday"] == "Monday"}
    assert (monday["09:00"]["planned"], monday["13:00"]["planned"],
            monday["14:00"]["planned"]) == ("1.0", "0.5", "0.0")
    assert {row["plan_week"] for row in rows} == {"2026-11-02"}


@pytest.mark.parametrize("value", ["2026-13-01", "next", "9999-12-31", "1999-12-31"])
def test_a_bad_plan_week_is_a_400_with_a_message(floor, client, auth, value):
    auth.login("boss")
    for path in ("staffing", "staffing.csv"):
        response = client.get(f"/api/v1/stores/NY-7/{path}?{RANGE}&plan_week={value}")
        assert response.status_code == 400, path
        assert "plan" in response.json["error"]["message"]
