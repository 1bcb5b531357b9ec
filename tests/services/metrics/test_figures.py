"""The dashboard figures, compared with figures worked out by hand on small data sets."""

from datetime import UTC, date, datetime

import pytest

from floorapp.errors import InvalidInput
from floorapp.models import Status
from floorapp.services.metrics import figures as metrics
from floorapp.services.metrics.periods import Period, parse_period
from tests.factories import (
    NEW_YORK,
    make_feedback,
    make_sign,
    make_store,
    make_timed_request,
    make_user,
    utc,
)


@pytest.fixture
def shop(app):
    with app.app_context():
        store = make_store(code="NY-1", timezone=NEW_YORK, zones=("Shoes", "Kids"),
                           acknowledge_target_s=60, reach_target_s=180)
        yield store


def test_known_requests_give_hand_computed_percentiles_and_shares(shop):
    sign = make_sign(zone=next(z for z in shop.zones if z.name == "Kids"))
    maria = make_user(name="Maria Garcia", store=shop)
    noon = utc(2026, 6, 10, 16)  # 12:00 in New York (EDT)
    for ack, reach, handle in [(30, 100, 300), (50, 150, 200), (90, 200, 100), (120, 400, 60)]:
        make_timed_request(sign=sign, requested_at=noon, acknowledge_s=ack, reach_s=reach,
                           handle_s=handle, claimed_by=maria)
    make_timed_request(sign=sign, requested_at=noon, closed_s=250)  # walked away unclaimed
    make_timed_request(sign=sign, requested_at=noon, acknowledge_s=40, closed_s=500)

    figures = metrics.store_metrics(shop, Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK))

    assert figures["empty"] is False
    assert figures["requests"] == {"total": 6, "open": 0, "resolved": 4}
    assert figures["acknowledge"] == {"count": 5, "p50_s": 50, "p90_s": 120, "max_s": 120}
    assert figures["reach"]["count"] == 4
    assert (figures["reach"]["p50_s"], figures["reach"]["p90_s"]) == (150, 400)
    # KM: reached 100, 150, 200, 400; censored 250, 500. S drops: 5/6, 4/6, 3/6 at 200.
    assert figures["reach"]["km_p50_s"] == 200
    assert figures["handle"] == {"count": 4, "p50_s": 100, "p90_s": 300, "max_s": 300}
    # Acknowledged within 60 s: 30, 50, 40 of 5 acknowledged + 1 never acknowledged.
    assert figures["within_target"]["acknowledge"] == 0.5
    # Reached within 180 s: 100, 150 of 4 reached + 2 walk-aways.
    assert figures["within_target"]["reach"] == round(2 / 6, 4)
    assert figures["walkaways"] == {"count": 2, "median_wait_s": 250, "share": round(2 / 6, 4)}
    assert figures["by_hour"][12]["count"] == 6
    assert sum(cell["count"] for cell in figures["by_hour"]) == 6
    assert [z["zone"] for z in figures["by_zone"]] == ["Kids", "Shoes"]
    assert figures["by_zone"][0]["count"] == 6 and figures["by_zone"][1]["count"] == 0
    assert figures["by_associate"] == [{
        "user_id": maria.id, "name": "Maria Garcia", "claimed": 4, "handled": 4,
        "reach_p50_s": 150, "rating_mean": None, "ratings": 0}]


def test_ratings_and_comments_are_counted_per_associate(shop):
    sign = make_sign(zone=shop.zones[0])
    tom = make_user(name="Tom Novak", store=shop)
    first = make_timed_request(sign=sign, requested_at=utc(2026, 6, 10, 16), acknowledge_s=5,
                               reach_s=60, handle_s=60, claimed_by=tom)
    second = make_timed_request(sign=sign, requested_at=utc(2026, 6, 10, 17), acknowledge_s=5,
                                reach_s=60, handle_s=60, claimed_by=tom)
    make_feedback(help_request=first, rating=5, comment="Found my size!")
    make_feedback(help_request=second, rating=2)

    figures = metrics.store_metrics(shop, Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK))

    assert figures["ratings"]["count"] == 2
    assert figures["ratings"]["mean"] == 3.5
    assert figures["ratings"]["distribution"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1}
    assert [c["comment"] for c in figures["ratings"]["comments"]] == ["Found my size!"]
    assert figures["by_associate"][0]["rating_mean"] == 3.5


def test_the_spring_forward_day_has_23_hours_and_keeps_its_late_requests(shop):
    sign = make_sign(zone=shop.zones[0])
    make_timed_request(sign=sign, requested_at=utc(2026, 3, 8, 4, 59))   # Mar 7, 23:59 EST
    make_timed_request(sign=sign, requested_at=utc(2026, 3, 8, 5, 30))   # Mar 8, 00:30 EST
    make_timed_request(sign=sign, requested_at=utc(2026, 3, 9, 3, 30))   # Mar 8, 23:30 EDT
    make_timed_request(sign=sign, requested_at=utc(2026, 3, 9, 4, 30))   # Mar 9, 00:30 EDT
    period = Period(date(2026, 3, 8), date(2026, 3, 8), NEW_YORK)

    figures = metrics.store_metrics(shop, period)

    assert (period.end_utc - period.start_utc).total_seconds() == 23 * 3600
    assert figures["requests"]["total"] == 2
    assert [c["hour"] for c in figures["by_hour"] if c["count"]] == [0, 23]


def test_the_fall_back_day_has_25_hours_and_its_repeated_hour_counts_twice(shop):
    sign = make_sign(zone=shop.zones[0])
    make_timed_request(sign=sign, requested_at=utc(2026, 11, 1, 5, 30))  # 01:30 EDT
    make_timed_request(sign=sign, requested_at=utc(2026, 11, 1, 6, 30))  # 01:30 EST
    make_timed_request(sign=sign, requested_at=utc(2026, 11, 2, 4, 30))  # Nov 1, 23:30 EST
    period = Period(date(2026, 11, 1), date(2026, 11, 1), NEW_YORK)

    figures = metrics.store_metrics(shop, period)

    assert (period.end_utc - period.start_utc).total_seconds() == 25 * 3600
    assert figures["requests"]["total"] == 3
    assert figures["by_hour"][1]["count"] == 2
    assert figures["heatmap"][6 * 24 + 1] == {**figures["heatmap"][6 * 24 + 1], "weekday": 6,
                                              "hour": 1, "count": 2}


def test_a_request_across_local_midnight_belongs_to_the_day_it_was_made(shop):
    sign = make_sign(zone=shop.zones[0])
    # 23:50 EDT on June 10, resolved 40 minutes later on June 11.
    make_timed_request(sign=sign, requested_at=utc(2026, 6, 11, 3, 50), acknowledge_s=60,
                       reach_s=600, handle_s=1800)

    june_10 = metrics.store_metrics(shop, Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK))
    june_11 = metrics.store_metrics(shop, Period(date(2026, 6, 11), date(2026, 6, 11), NEW_YORK))

    assert june_10["handle"]["count"] == 1 and june_10["by_hour"][23]["count"] == 1
    assert june_11["empty"] is True


def test_an_empty_range_is_an_explicit_empty_state(shop):
    figures = metrics.store_metrics(shop, Period(date(2026, 6, 1), date(2026, 6, 7), NEW_YORK))

    assert figures["empty"] is True
    assert figures["acknowledge"] == {"count": 0, "p50_s": None, "p90_s": None, "max_s": None}
    assert figures["within_target"]["acknowledge"] is None
    assert figures["walkaways"]["median_wait_s"] is None
    assert figures["ratings"]["mean"] is None


def test_the_previous_period_has_the_same_length_just_before(shop):
    sign = make_sign(zone=shop.zones[0])
    make_timed_request(sign=sign, requested_at=utc(2026, 6, 5, 16), acknowledge_s=10)
    make_timed_request(sign=sign, requested_at=utc(2026, 6, 9, 16), acknowledge_s=20)

    figures = metrics.store_metrics(shop, Period(date(2026, 6, 8), date(2026, 6, 14), NEW_YORK))

    assert figures["previous"]["range"] == {"from": "2026-06-01", "to": "2026-06-07", "days": 7}
    assert figures["previous"]["acknowledge"]["p50_s"] == 10
    assert figures["acknowledge"]["p50_s"] == 20


def test_open_requests_are_counted_but_not_timed_as_missing(shop):
    sign = make_sign(zone=shop.zones[0])
    make_timed_request(sign=sign, requested_at=utc(2026, 6, 10, 16), status=Status.WAITING)

    figures = metrics.store_metrics(shop, Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK))

    assert figures["requests"]["open"] == 1
    assert figures["within_target"]["acknowledge"] is None


@pytest.mark.parametrize(("first", "last", "message"), [
    ("2026-06-10", "2026-06-01", "ends"),
    ("2026-6-1", "2026-06-10", "YYYY-MM-DD"),
    ("", "2026-06-10", "missing"),
    ("2025-01-01", "2026-06-10", "at most 366"),
    ("2026-02-30", "2026-03-01", "not a date"),
    ("0001-01-01", "0001-01-02", "between"),
    ("9999-12-30", "9999-12-31", "between"),
])
def test_bad_ranges_are_refused_with_a_message(first, last, message):
    with pytest.raises(InvalidInput, match=message):
        parse_period(first, last, NEW_YORK)


def test_a_wait_of_exactly_the_target_is_within_it_on_both_databases(shop):
    sign = make_sign(zone=shop.zones[0])
    at = datetime(2026, 6, 10, 16, 0, 0, 123456, tzinfo=UTC)
    make_timed_request(sign=sign, requested_at=at, acknowledge_s=60, reach_s=180, handle_s=1)
    make_timed_request(sign=sign, requested_at=at, acknowledge_s=60.001, reach_s=180.001,
                       handle_s=1)

    figures = metrics.store_metrics(shop, Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK))

    assert figures["within_target"]["acknowledge"] == 0.5
    assert figures["within_target"]["reach"] == 0.5
