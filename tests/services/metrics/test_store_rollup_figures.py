"""A store's long range from its roll-ups, against the exact figures of the same requests.

The bound of exact ranges is the setting DASHBOARD_EXACT_MAX_REQUESTS, set low here so a
year of a few hundred requests is "long"; the same figures with the bound raised are
the exact ones, read from the rows as for any short range.
"""

import random
from datetime import date, timedelta

import pytest
from jsonschema import Draft202012Validator

from floorapp.models import Role
from floorapp.services.metrics import rollup_upkeep
from floorapp.services.metrics import wait_histogram as histogram
from floorapp.services.metrics.figures import store_metrics
from floorapp.services.metrics.periods import Period, local_midnight
from tests.conftest import AuthActions
from tests.factories import (
    NEW_YORK,
    make_feedback,
    make_sign,
    make_store,
    make_timed_request,
    make_user,
    utc,
)

BOUND = 60
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31), NEW_YORK)
ROUNDING_S = 0.1  # both figures are rounded to 0.1 s, each by up to 0.05 s
HEADLINE = ("empty", "requests", "acknowledge", "reach", "handle", "within_target",
            "walkaways")


@pytest.fixture
def long_app(make_app):
    return make_app(DASHBOARD_EXACT_MAX_REQUESTS=BOUND)


@pytest.fixture
def shop(long_app):
    with long_app.app_context():
        store = make_store(code="NY-L", timezone=NEW_YORK, zones=("Shoes", "Kids", "Empty"),
                           acknowledge_target_s=60, reach_target_s=180)
        make_user(login="boss", role=Role.MANAGER, store=store)
        people = [make_user(name=name, store=store) for name in ("Ana", "Ben")]
        rng = random.Random(18)
        signs = [make_sign(zone=zone) for zone in store.zones if zone.name != "Empty"]
        # 2025's last quarter (the previous period's part) and 2026, DST days among them.
        days = [date(2025, 10, 1) + timedelta(days=n) for n in range(0, 92, 2)]
        days += [date(2026, 1, 1) + timedelta(days=n) for n in range(0, 365, 4)]
        days += [date(2026, 3, 8), date(2026, 11, 1)]
        for n, day in enumerate(days):
            _request(store, day, signs[n % 2], people[n % 2], rng, n)
            _request(store, day, signs[(n + 1) % 2], people[(n + 1) % 2], rng, n + 3)
        rollup_upkeep.rebuild(now=utc(2027, 1, 1, 12))
        yield store


def _request(store, day: date, sign, person, rng: random.Random, kind: int) -> None:
    at = local_midnight(day, store.timezone) + timedelta(seconds=rng.uniform(9, 20) * 3600)
    if kind % 7 == 0:  # walked away unclaimed
        make_timed_request(sign=sign, requested_at=at, closed_s=rng.uniform(20, 900))
        return
    ack = rng.expovariate(1 / 45)
    reach = ack + rng.expovariate(1 / 150)
    helped = make_timed_request(sign=sign, requested_at=at, acknowledge_s=ack, reach_s=reach,
                                handle_s=rng.uniform(30, 1200), claimed_by=person)
    if kind % 3 == 0:
        make_feedback(help_request=helped, rating=1 + kind % 5,
                      comment="Thanks" if kind % 2 else "")


def _exact(app, store, period: Period) -> dict:
    """Return the figures with the bound raised: read from the rows, every one exact."""
    app.config["DASHBOARD_EXACT_MAX_REQUESTS"] = 1_000_000
    try:
        return store_metrics(store, period)
    finally:
        app.config["DASHBOARD_EXACT_MAX_REQUESTS"] = BOUND


def _close(rolled: float | None, exact: float | None) -> bool:
    if exact is None or rolled is None:
        return rolled is exact
    bound = max(0.5, exact * (histogram.MIDDLE_SHARE - 1)) + ROUNDING_S
    return abs(rolled - exact) <= bound


def _assert_headline(rolled: dict, exact: dict) -> None:
    for key in ("empty", "requests", "within_target"):
        assert rolled[key] == exact[key], key
    assert rolled["walkaways"]["count"] == exact["walkaways"]["count"]
    assert rolled["walkaways"]["share"] == exact["walkaways"]["share"]
    assert _close(rolled["walkaways"]["median_wait_s"], exact["walkaways"]["median_wait_s"])
    for wait in ("acknowledge", "reach", "handle"):
        assert rolled[wait]["count"] == exact[wait]["count"], wait
        assert rolled[wait]["max_s"] == exact[wait]["max_s"], wait
        for figure in ("p50_s", "p90_s"):
            assert _close(rolled[wait][figure], exact[wait][figure]), (wait, figure)


def _assert_cells(rolled: list[dict], exact: list[dict]) -> None:
    assert len(rolled) == len(exact)
    for mine, theirs in zip(rolled, exact, strict=True):
        assert {k: v for k, v in mine.items() if not k.endswith("p50_s")} == \
            {k: v for k, v in theirs.items() if not k.endswith("p50_s")}
        for figure in ("acknowledge_p50_s", "reach_p50_s"):
            assert _close(mine[figure], theirs[figure]), (mine, theirs)


def test_a_year_from_the_roll_ups_is_within_the_documented_error_of_the_exact_one(
        long_app, shop):
    rolled, exact = store_metrics(shop, YEAR), _exact(long_app, shop, YEAR)

    assert rolled["requests"]["total"] > BOUND and exact["from_rollups"] is None
    assert rolled["from_rollups"]["sections"] == [*HEADLINE[1:], "by_hour", "heatmap",
                                                  "by_zone", "previous"]
    _assert_headline(rolled, exact)
    _assert_headline(rolled["previous"], exact["previous"])
    assert rolled["previous"]["requests"]["total"] > BOUND
    for section in ("by_hour", "heatmap", "by_zone"):
        _assert_cells(rolled[section], exact[section])
    assert [zone["zone"] for zone in rolled["by_zone"]] == ["Empty", "Kids", "Shoes"]
    # Grouped by the database instead of read row by row: the same numbers.
    for section in ("by_associate", "ratings", "recovery", "stock_pulls", "holds",
                    "lost_demand", "store", "range"):
        assert rolled[section] == exact[section], section
    assert rolled["ratings"]["count"] > 0 and rolled["ratings"]["comments"]
    assert rolled["coverage"] is None and exact["coverage"] is not None


def test_a_range_within_the_bound_is_read_from_its_rows_as_before(long_app, shop):
    spring = Period(date(2026, 3, 1), date(2026, 3, 31), NEW_YORK)

    figures = store_metrics(shop, spring)

    assert 0 < figures["requests"]["total"] <= BOUND
    assert figures["from_rollups"] is None
    assert figures == _exact(long_app, shop, spring)
    assert figures["coverage"]["by_hour"] and figures["reach"]["km_p50_s"] is not None


def test_only_the_previous_period_can_come_from_the_roll_ups(long_app, shop):
    # 2026-01-01..02-28 holds fewer than BOUND; the 59 days before reach into the dense
    # last quarter of 2025 only partly, so the bound is lowered to make it long.
    period = Period(date(2026, 1, 1), date(2026, 2, 28), NEW_YORK)
    before = store_metrics(shop, period.previous())["requests"]["total"]
    long_app.config["DASHBOARD_EXACT_MAX_REQUESTS"] = before - 1

    figures = store_metrics(shop, period)

    assert figures["requests"]["total"] <= before - 1
    assert figures["from_rollups"]["sections"] == ["previous"]
    assert figures["coverage"] is not None
    exact = _exact(long_app, shop, period)
    _assert_headline(figures["previous"], exact["previous"])


def _schema_errors(client, path: str) -> tuple[dict, list[str]]:
    document = client.get("/api/v1/openapi.json").json
    validator = Draft202012Validator({"$ref": "#/components/schemas/StoreMetrics",
                                      "components": document["components"]})
    body = client.get(path).json
    return body, [error.message for error in validator.iter_errors(body)]


def test_the_metrics_json_says_which_figures_are_approximate(long_app, shop):
    client = long_app.test_client()
    AuthActions(client).login("boss")

    year, errors = _schema_errors(client, "/api/v1/stores/NY-L/metrics?from=2026-01-01"
                                          "&to=2026-12-31")
    assert errors == []
    note = year["from_rollups"]
    assert "reach" in note["sections"] and "by_associate" not in note["sections"]
    assert note["exact_max_requests"] == BOUND and "p90_s" in note["approximate_fields"]
    assert note["error"] == {"absolute_s": 0.5, "relative": 0.01, "relative_from_s": 100}
    assert note["caught_up_at"].startswith("2027-01-01T12:00")
    month, errors = _schema_errors(client, "/api/v1/stores/NY-L/metrics?from=2026-03-01"
                                           "&to=2026-03-31")
    assert errors == [] and month["from_rollups"] is None
    lines = client.get("/api/v1/stores/NY-L/metrics.csv?from=2026-01-01&to=2026-12-31")
    assert lines.status_code == 200 and b"coverage" not in lines.data


def test_the_page_of_a_long_range_says_what_comes_from_the_roll_ups(long_app, shop):
    client = long_app.test_client()
    AuthActions(client).login("boss")

    page = client.get("/stores/NY-L/dashboard?range=custom&from=2026-01-01&to=2026-12-31")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "From the roll-ups" in text and "within half a second" in text
    assert "before 12:00 UTC on 2027-01-01" in text
    assert "Coverage is replayed" in text
    short = client.get("/stores/NY-L/dashboard?range=custom&from=2026-03-01&to=2026-03-31")
    assert "From the roll-ups" not in short.get_data(as_text=True)
