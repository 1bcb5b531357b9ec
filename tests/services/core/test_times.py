"""The API's one time format: ISO 8601 of the UTC moment, as stored and read back."""

from datetime import UTC, datetime, timedelta, timezone

from floorapp.extensions import db
from floorapp.models import Hold
from floorapp.services.core.times import iso
from floorapp.services.inventory import stock
from tests.factories import make_product, make_store, make_user


def test_a_moment_is_written_in_iso_8601_with_its_utc_offset():
    assert iso(datetime(2026, 6, 10, 16, 0, tzinfo=UTC)) == "2026-06-10T16:00:00+00:00"
    assert iso(datetime(2026, 6, 10, 16, 0, 5, 250, tzinfo=UTC)) == (
        "2026-06-10T16:00:05.000250+00:00")


def test_no_moment_is_written_as_none():
    assert iso(None) is None


def test_a_moment_read_back_from_the_database_is_written_in_utc(app):
    with app.app_context():
        store = make_store()
        variant = make_product(stock={store: {("9", ""): (2, 0)}}).variants_by_key[("9", "")]
        hold = stock.place_hold(store=store, variant_id=variant.id, customer_label="Ms Lee",
                                minutes=30, user=make_user(store=store))
        new_york = timezone(timedelta(hours=-4))
        hold.expires_at = datetime(2026, 6, 10, 12, 0, tzinfo=new_york)
        db.session.commit()
        db.session.expire_all()
        assert stock.hold_dict(db.session.get(Hold, hold.id))["expires_at"] == (
            "2026-06-10T16:00:00+00:00")
