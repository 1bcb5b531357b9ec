"""The CSV exports: names people typed are never run as spreadsheet formulas."""

import csv
import io
from datetime import UTC, date, datetime

from floorapp.services.metrics import exports
from floorapp.services.metrics.periods import Period
from tests.factories import make_sign, make_store, make_timed_request


def test_cells_that_look_like_formulas_are_defused():
    assert exports.safe_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert exports.safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert exports.safe_cell("Women's Shoes") == "Women's Shoes"
    assert exports.safe_cell(-3) == -3


def test_a_zone_named_like_a_formula_is_exported_defused(app):
    with app.app_context():
        store = make_store(zones=("=1+1",))
        make_timed_request(sign=make_sign(zone=store.zones[0]),
                           requested_at=datetime(2026, 6, 10, 16, tzinfo=UTC), acknowledge_s=5)
        text = exports.requests_csv(store, Period(date(2026, 6, 10), date(2026, 6, 10),
                                                  store.timezone))

    row = next(csv.DictReader(io.StringIO(text)))
    assert row["zone"] == "'=1+1"
    assert row["acknowledged_at"] == "2026-06-10T16:00:05Z"
