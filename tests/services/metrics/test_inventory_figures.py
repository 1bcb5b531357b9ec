"""Stock pulls, holds and lost demand on the dashboard, checked against figures worked by hand."""

from datetime import date

import pytest
from sqlalchemy import event, text

from floorapp.extensions import db
from floorapp.models import LookupSource, Outcome
from floorapp.services.metrics import figures as metrics
from floorapp.services.metrics import inventory_figures
from floorapp.services.metrics.periods import Period
from tests.factories import NEW_YORK, make_product, make_sign, make_store, make_user, utc
from tests.inventory_factories import (
    make_hold,
    make_miss,
    make_out_of_stock_request,
    make_pull,
)

JUNE_10 = Period(date(2026, 6, 10), date(2026, 6, 10), NEW_YORK)


@pytest.fixture
def shop(app):
    """A New York store with a sign, an associate, and two products in the catalog."""
    with app.app_context():
        store = make_store(code="NY-1", timezone=NEW_YORK)
        store.sign = make_sign(zone=store.zones[0])
        store.clerk = make_user(name="Mei Chen", store=store)
        store.runner = make_product(style="TRL-1", name="Trail Runner", brand="Northway",
                                    sizes=("8", "9"), widths=("", "W"))
        store.court = make_product(style="CRT-2", name="Court Classic", brand="Castile",
                                   sizes=("10",))
        yield store


def _size(product, size: str, width: str = ""):
    return product.variants_by_key[(size, width)]


def test_known_pulls_give_hand_computed_counts_and_percentiles(shop):
    noon = utc(2026, 6, 10, 16)  # 12:00 in New York (EDT)
    variant = _size(shop.runner, "8")
    for pick, deliver, not_found in [(40, 200, None), (60, 500, None), (20, 100, None),
                                     (120, None, 300), (None, None, 90), (None, None, None),
                                     (30, None, None), (45, None, None)]:
        make_pull(store=shop, variant=variant, user=shop.clerk, asked_at=noon, pick_s=pick,
                  deliver_s=deliver, not_found_s=not_found)
    make_pull(store=shop, variant=variant, user=shop.clerk, asked_at=utc(2026, 6, 9, 16),
              pick_s=10, deliver_s=50)  # the day before: the previous period
    make_pull(store=shop, variant=variant, user=shop.clerk, asked_at=utc(2026, 6, 11, 4, 30),
              pick_s=5, deliver_s=9)  # 00:30 on June 11 in New York: outside
    other = make_store(code="NY-2", timezone=NEW_YORK)
    make_pull(store=other, variant=variant, user=make_user(store=other), asked_at=noon,
              pick_s=1, deliver_s=2)

    figures = metrics.store_metrics(shop, JUNE_10)

    pulls = figures["stock_pulls"]
    assert (pulls["asked"], pulls["delivered"], pulls["not_found"], pulls["open"]) == (8, 3, 2, 3)
    # Picked: 20, 30, 40, 45, 60, 120 → p50 at rank ceil(3) = 3, p90 at rank ceil(5.4) = 6.
    assert pulls["to_pick"] == {"count": 6, "p50_s": 40, "p90_s": 120, "max_s": 120}
    # Delivered: 100, 200, 500 → ranks 2 and 3.
    assert pulls["to_deliver"] == {"count": 3, "p50_s": 200, "p90_s": 500, "max_s": 500}
    previous = figures["previous"]["stock_pulls"]
    assert (previous["asked"], previous["delivered"], previous["to_deliver"]["p50_s"]) == (1, 1, 50)


def test_holds_are_counted_by_how_they_ended_with_the_median_length(shop):
    variant = _size(shop.court, "10")
    placed = utc(2026, 6, 10, 16)
    make_hold(store=shop, variant=variant, created_at=placed, minutes=30, released_s=600)
    make_hold(store=shop, variant=variant, created_at=placed, minutes=60)  # ran out at 17:00
    make_hold(store=shop, variant=variant, created_at=placed, minutes=20, released_s=1500)
    make_hold(store=shop, variant=variant, created_at=utc(2026, 6, 10, 19, 30), minutes=120,
              qty=2)  # still active at 20:00
    make_hold(store=shop, variant=variant, created_at=utc(2026, 6, 10, 16, 10), minutes=45,
              released_s=300)

    holds = inventory_figures.hold_figures(shop.id, JUNE_10, now=utc(2026, 6, 10, 20))

    # Released after its expiry counts as expired; ended lengths 300, 600, 1200, 3600.
    assert holds == {"placed": 5, "units": 6, "released": 2, "expired": 2, "active": 1,
                     "median_length_s": 600}
    later = inventory_figures.hold_figures(shop.id, JUNE_10, now=utc(2026, 6, 11, 20))
    assert (later["expired"], later["active"], later["median_length_s"]) == (3, 0, 1200)


def test_lost_demand_joins_lookups_and_requests_by_product_and_size(shop):
    noon = utc(2026, 6, 10, 16)
    eight, nine_wide = _size(shop.runner, "8"), _size(shop.runner, "9", "W")
    for _ in range(3):
        make_miss(store=shop, variant=eight, at=noon)
    make_miss(store=shop, variant=nine_wide, at=noon)
    make_miss(store=shop, variant=_size(shop.court, "10"), at=noon)
    make_miss(store=shop, variant=eight, at=utc(2026, 6, 11, 5))  # 01:00 on June 11
    for _ in range(2):
        make_out_of_stock_request(sign=shop.sign, requested_at=noon, variant=eight,
                                  product="trail runner", size="8")
    make_out_of_stock_request(sign=shop.sign, requested_at=noon, product="Pegasus 41", size="9")
    make_out_of_stock_request(sign=shop.sign, requested_at=noon, product=" pegasus  41", size="9 ")
    make_out_of_stock_request(sign=shop.sign, requested_at=noon, size="7")
    make_out_of_stock_request(sign=shop.sign, requested_at=noon, product="Pegasus 41", size="9",
                              outcome=Outcome.SOLD)

    lost = inventory_figures.lost_demand(shop.id, JUNE_10)

    assert (lost["looked_up"], lost["asked_for"], lost["sizes"]) == (5, 5, 5)
    rows = [(row["product"] and row["product"].casefold(), row["style"], row["size"],
             row["looked_up"], row["asked_for"], row["total"]) for row in lost["top"]]
    assert rows == [
        ("trail runner", "TRL-1", "8", 3, 2, 5),
        ("pegasus 41", None, "9", 0, 2, 2),  # typed by customers, one row despite the spaces
        (None, None, "7", 0, 1, 1),  # no product named; customers' asks first at a tie
        ("court classic", "CRT-2", "10", 1, 0, 1),  # then by name
        ("trail runner", "TRL-1", "9 W", 1, 0, 1),
    ]
    assert lost["top"][0]["brand"] == "Northway"
    assert lost["top"][0]["product_id"] == shop.runner.id and lost["top"][1]["product_id"] is None


def test_a_customers_own_look_counts_apart_from_the_associates_and_the_requests(shop):
    noon = utc(2026, 6, 10, 16)
    eight = _size(shop.runner, "8")
    make_miss(store=shop, variant=eight, at=noon, user=shop.clerk)
    for _ in range(2):
        make_miss(store=shop, variant=eight, at=noon, source=LookupSource.CUSTOMER)
    make_miss(store=shop, variant=_size(shop.court, "10"), at=noon,
              source=LookupSource.CUSTOMER)
    make_out_of_stock_request(sign=shop.sign, requested_at=noon, variant=eight)

    lost = inventory_figures.lost_demand(shop.id, JUNE_10)

    assert (lost["looked_up"], lost["customer_looked_up"], lost["asked_for"]) == (1, 3, 1)
    assert [(row["style"], row["size"], row["looked_up"], row["customer_looked_up"],
             row["asked_for"], row["total"]) for row in lost["top"]] == [
        ("TRL-1", "8", 1, 2, 1, 4), ("CRT-2", "10", 0, 1, 0, 1)]


def test_lost_demand_shows_only_the_most_wanted_sizes(shop, monkeypatch):
    monkeypatch.setattr(inventory_figures, "MAX_TOP", 2)
    noon = utc(2026, 6, 10, 16)
    for count, variant in enumerate([_size(shop.runner, "8"), _size(shop.runner, "9"),
                                     _size(shop.court, "10")], start=1):
        for _ in range(count):
            make_miss(store=shop, variant=variant, at=noon)

    lost = inventory_figures.lost_demand(shop.id, JUNE_10)

    assert lost["sizes"] == 3 and lost["looked_up"] == 6
    assert [(row["style"], row["size"], row["total"]) for row in lost["top"]] == [
        ("CRT-2", "10", 3), ("TRL-1", "9", 2)]


def _at_four_edges_of_spring_forward(shop, moment_maker) -> None:
    for moment in (utc(2026, 3, 8, 4, 59),   # Mar 7, 23:59 EST: the day before
                   utc(2026, 3, 8, 5),       # Mar 8, 00:00 EST: the first instant
                   utc(2026, 3, 9, 3, 30),   # Mar 8, 23:30 EDT
                   utc(2026, 3, 9, 4)):      # Mar 9, 00:00 EDT: the day after
        moment_maker(moment)


def test_the_spring_forward_day_keeps_its_first_and_last_hour_and_no_more(shop):
    variant = _size(shop.runner, "8")

    def everything_at(moment):
        make_pull(store=shop, variant=variant, user=shop.clerk, asked_at=moment, pick_s=60)
        make_hold(store=shop, variant=variant, created_at=moment, minutes=10)
        make_miss(store=shop, variant=variant, at=moment)
        make_out_of_stock_request(sign=shop.sign, requested_at=moment, variant=variant)

    _at_four_edges_of_spring_forward(shop, everything_at)
    period = Period(date(2026, 3, 8), date(2026, 3, 8), NEW_YORK)

    figures = metrics.store_metrics(shop, period)

    assert (period.end_utc - period.start_utc).total_seconds() == 23 * 3600
    assert figures["stock_pulls"]["asked"] == 2 and figures["stock_pulls"]["open"] == 2
    assert figures["holds"]["placed"] == 2 and figures["holds"]["expired"] == 2
    assert (figures["lost_demand"]["looked_up"], figures["lost_demand"]["asked_for"]) == (2, 2)
    assert figures["lost_demand"]["top"][0]["total"] == 4
    previous = figures["previous"]  # March 7: only the 23:59 of each
    assert previous["stock_pulls"]["asked"] == previous["holds"]["placed"] == 1
    assert previous["lost_demand"]["looked_up"] == previous["lost_demand"]["asked_for"] == 1


def test_the_fall_back_day_has_25_hours_and_counts_both_of_its_half_past_ones(shop):
    variant = _size(shop.court, "10")
    for moment in (utc(2026, 11, 1, 5, 30),   # 01:30 EDT
                   utc(2026, 11, 1, 6, 30),   # 01:30 EST, an hour later
                   utc(2026, 11, 2, 4, 30),   # Nov 1, 23:30 EST
                   utc(2026, 11, 2, 5, 30)):  # Nov 2, 00:30 EST: the day after
        make_pull(store=shop, variant=variant, user=shop.clerk, asked_at=moment, pick_s=30,
                  deliver_s=90)
        make_miss(store=shop, variant=variant, at=moment)
    period = Period(date(2026, 11, 1), date(2026, 11, 1), NEW_YORK)

    figures = inventory_figures.inventory_figures(shop, period)

    assert figures["stock_pulls"]["asked"] == figures["stock_pulls"]["delivered"] == 3
    assert figures["lost_demand"]["looked_up"] == 3


def test_a_range_with_nothing_is_zeros_and_no_times(shop):
    figures = inventory_figures.inventory_figures(
        shop, Period(date(2020, 1, 1), date(2020, 1, 31), NEW_YORK))

    empty = {"count": 0, "p50_s": None, "p90_s": None, "max_s": None}
    assert figures == {
        "stock_pulls": {"asked": 0, "delivered": 0, "not_found": 0, "open": 0,
                        "to_pick": empty, "to_deliver": empty},
        "holds": {"placed": 0, "units": 0, "released": 0, "expired": 0, "active": 0,
                  "median_length_s": None},
        "lost_demand": {"looked_up": 0, "customer_looked_up": 0, "asked_for": 0, "sizes": 0,
                        "top": []},
    }


def test_a_pull_of_exactly_a_minute_is_60_seconds_on_both_databases(shop):
    asked = utc(2026, 6, 10, 16, 0, 0, 123_000)
    make_pull(store=shop, variant=_size(shop.court, "10"), user=shop.clerk, asked_at=asked,
              pick_s=60, deliver_s=90.5)

    pulls = inventory_figures.stock_pulls(shop.id, JUNE_10)

    assert pulls["to_pick"]["p50_s"] == 60.0 and pulls["to_deliver"]["max_s"] == 90.5


INDEX_OF_TABLE = {"stock_pulls": "ix_stock_pulls_store_asked",
                  "holds": "ix_holds_store_created",
                  "lookup_misses": "ix_lookup_misses_store_at",
                  "help_requests": "ix_help_requests_"}


def test_each_figure_query_reads_its_store_and_range_through_an_index(shop):
    """EXPLAIN each statement; PostgreSQL is told to avoid sequential scans, since on a
    few rows a scan is cheaper: this proves the index serves the query's shape."""
    statements = []

    def capture(connection, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        inventory_figures.inventory_figures(shop, JUNE_10)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans = {table: _plan(statement, parameters) for statement, parameters in statements
             for table in INDEX_OF_TABLE if f"FROM {table}" in statement}
    assert set(plans) == set(INDEX_OF_TABLE)
    for table, index in INDEX_OF_TABLE.items():
        assert index in plans[table], plans[table]


def _plan(statement: str, parameters) -> str:
    connection = db.session.connection()
    raw = connection.connection.dbapi_connection.cursor()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        raw.execute("EXPLAIN " + statement, parameters)
    else:
        raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    plan = " ".join(str(part) for row in raw.fetchall() for part in row)
    db.session.rollback()
    return plan
