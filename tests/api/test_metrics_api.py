"""The managers' JSON and CSV API: the contract, who may read it, and bad input."""

import csv
import io
from datetime import UTC, datetime

import pytest
from jsonschema import Draft202012Validator

from floorapp.models import Role
from tests.factories import make_product, make_sign, make_store, make_timed_request, make_user
from tests.inventory_factories import make_hold, make_miss, make_out_of_stock_request, make_pull

RANGE = "from=2026-06-10&to=2026-06-10"


@pytest.fixture
def shop(app):
    with app.app_context():
        store = make_store(code="NY-9", timezone="America/New_York")
        make_user(login="boss", role=Role.MANAGER, store=store)
        make_user(login="clerk", role=Role.ASSOCIATE, store=store)
        make_user(login="root", role=Role.ADMIN)
        other = make_store(code="LA-9", timezone="America/Los_Angeles")
        make_user(login="other-boss", role=Role.MANAGER, store=other)
        sign = make_sign(zone=store.zones[0])
        make_timed_request(sign=sign, requested_at=datetime(2026, 6, 10, 16, tzinfo=UTC),
                           acknowledge_s=30, reach_s=90, handle_s=200)
        make_timed_request(sign=sign, requested_at=datetime(2026, 6, 10, 17, tzinfo=UTC),
                           closed_s=400)
        yield store


@pytest.fixture
def stocked(shop):
    """The store with two pulls, a hold, a lookup miss and a request out of stock."""
    noon = datetime(2026, 6, 10, 16, tzinfo=UTC)
    product = make_product(style="TRL-1", name="Trail Runner", sizes=("8",))
    eight = product.variants_by_key[("8", "")]
    clerk = make_user(store=shop)
    make_pull(store=shop, variant=eight, user=clerk, asked_at=noon, pick_s=50, deliver_s=240)
    make_pull(store=shop, variant=eight, user=clerk, asked_at=noon)
    make_hold(store=shop, variant=eight, created_at=noon, minutes=15, qty=2)
    make_miss(store=shop, variant=eight, at=noon)
    make_out_of_stock_request(sign=make_sign(zone=shop.zones[0]), requested_at=noon,
                              product="=cmd|' /C calc'!A0", size="9")
    return shop


def test_the_metrics_carry_stock_pulls_holds_and_lost_demand(stocked, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-9/metrics?{RANGE}").json
    assert body["stock_pulls"]["asked"] == 2 and body["stock_pulls"]["open"] == 1
    assert body["stock_pulls"]["to_deliver"] == {"count": 1, "p50_s": 240.0, "p90_s": 240.0,
                                                 "max_s": 240.0}
    assert body["holds"] == {"placed": 1, "units": 2, "released": 0, "expired": 1,
                             "active": 0, "median_length_s": 900.0}
    assert [(row["style"], row["size"], row["looked_up"], row["asked_for"])
            for row in body["lost_demand"]["top"]] == [(None, "9", 0, 1), ("TRL-1", "8", 1, 0)]
    assert body["previous"]["stock_pulls"]["asked"] == 0
    assert body["previous"]["lost_demand"] == {"looked_up": 0, "customer_looked_up": 0,
                                               "asked_for": 0, "sizes": 0, "top": []}


def test_the_figures_csv_has_pull_hold_and_lost_demand_lines(stocked, client, auth):
    auth.login("boss")
    rows = list(csv.reader(io.StringIO(
        client.get(f"/api/v1/stores/NY-9/metrics.csv?{RANGE}").text)))
    assert ["range", "stock_pulls", "asked", "2"] in rows
    assert ["range", "stock_pulls", "to_deliver.p50_s", "240.0"] in rows
    assert ["previous", "stock_pulls", "to_deliver.p50_s", ""] in rows
    assert ["range", "holds", "median_length_s", "900.0"] in rows
    assert ["range", "lost_demand", "looked_up", "1"] in rows
    assert ["lost_demand", "Trail Runner (TRL-1) size 8", "looked_up", "1"] in rows
    # what a customer typed cannot become a spreadsheet formula
    assert ["lost_demand", "'=cmd|' /C calc'!A0 size 9", "asked_for", "1"] in rows


def test_a_manager_reads_the_metrics_contract(shop, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-9/metrics?{RANGE}").json
    assert body["acknowledge"] == {"count": 1, "p50_s": 30.0, "p90_s": 30.0, "max_s": 30.0}
    assert body["reach"]["p50_s"] == 90.0 and body["handle"]["max_s"] == 200.0
    assert body["walkaways"] == {"count": 1, "median_wait_s": 400.0, "share": 0.5}
    assert body["within_target"]["reach"] == 0.5
    assert [cell["hour"] for cell in body["by_hour"]] == list(range(24))
    assert body["by_hour"][12]["count"] == 1 and body["by_hour"][13]["count"] == 1
    assert {"by_zone", "by_associate", "ratings", "previous"} <= set(body)


def test_the_requests_csv_has_every_timestamp_and_duration(shop, client, auth):
    auth.login("root")
    response = client.get(f"/api/v1/stores/NY-9/requests.csv?{RANGE}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2
    assert rows[0]["requested_at"] == "2026-06-10T16:00:00Z"
    assert rows[0]["requested_local"] == "2026-06-10T12:00:00-04:00"
    assert (rows[0]["acknowledge_s"], rows[0]["reach_s"], rows[0]["handle_s"]) == (
        "30.0", "90.0", "200.0")
    assert rows[1]["walkaway"] == "yes" and rows[1]["walkaway_wait_s"] == "400.0"


def test_the_figures_csv_has_the_aggregates(shop, client, auth):
    auth.login("boss")
    text = client.get(f"/api/v1/stores/NY-9/metrics.csv?{RANGE}").text
    assert "range,reach,p50_s,90.0" in text
    assert "by_hour,12:00,count,1" in text


def test_staffing_answers_168_cells(shop, client, auth):
    auth.login("boss")
    body = client.get(f"/api/v1/stores/NY-9/staffing?{RANGE}&target_share=0.8").json
    assert len(body["cells"]) == 168 and body["target_share"] == 0.8
    wednesday_noon = body["cells"][2 * 24 + 12]
    assert wednesday_noon["arrivals"] == 1 and wednesday_noon["needed"] >= 1


def test_the_staffing_csv_has_a_line_per_hour_of_the_week(shop, client, auth):
    auth.login("boss")
    rows = list(csv.DictReader(io.StringIO(
        client.get(f"/api/v1/stores/NY-9/staffing.csv?{RANGE}").text)))
    assert len(rows) == 168
    noon = rows[2 * 24 + 12]
    assert (noon["weekday"], noon["hour"], noon["arrivals"]) == ("Wednesday", "12:00", "1")


@pytest.mark.parametrize(("login", "status"), [
    ("clerk", 403), ("other-boss", 404), (None, 401)])
def test_only_the_stores_managers_and_admins_may_read_it(shop, client, auth, login, status):
    if login:
        auth.login(login)
    for path in ("metrics", "requests.csv", "metrics.csv", "staffing", "staffing.csv"):
        response = client.get(f"/api/v1/stores/NY-9/{path}?{RANGE}")
        assert response.status_code == status, path
        assert response.json["error"]["code"]


@pytest.mark.parametrize("query", [
    "from=2026-06-10&to=2026-06-01", "from=2026-06-xx&to=2026-06-10", "to=2026-06-10",
    "from=2025-01-01&to=2026-06-10", "from=2026-06-10&to=2026-06-10&target_share=1",
    "from=2026-06-10&to=2026-06-10&target_share=zero",
])
def test_bad_input_is_a_400_with_a_message(shop, client, auth, query):
    auth.login("boss")
    response = client.get(f"/api/v1/stores/NY-9/staffing?{query}")
    assert response.status_code == 400
    assert response.json["error"]["message"]


def test_an_unknown_store_is_not_found(shop, client, auth):
    auth.login("root")
    assert client.get(f"/api/v1/stores/NOPE/metrics?{RANGE}").status_code == 404


def test_the_operations_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("metrics", "requests.csv", "metrics.csv", "staffing", "staffing.csv"):
        assert "get" in paths[f"/stores/{{code}}/{path}"]


@pytest.mark.parametrize(("path", "schema"), [
    (f"metrics?{RANGE}", "StoreMetrics"),
    ("metrics?from=2020-01-01&to=2020-01-07", "StoreMetrics"),
    (f"staffing?{RANGE}", "Staffing"),
])
def test_the_answers_match_their_openapi_schemas(stocked, client, auth, path, schema):
    auth.login("boss")
    document = client.get("/api/v1/openapi.json").json
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}",
                                      "components": document["components"]})
    errors = [error.message for error in validator.iter_errors(
        client.get(f"/api/v1/stores/NY-9/{path}").json)]
    assert errors == []
