"""The purge forgets customer text past the retention window and keeps the timings."""

from datetime import UTC, datetime, timedelta

import pytest

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, IdempotencyRecord, Status
from floorapp.services import maintenance
from tests.factories import make_help_request, make_sign

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_notes_and_comments_older_than_the_window_are_erased_timings_kept(app):
    with app.app_context():
        sign = make_sign()
        old = make_help_request(sign=sign, note="blue jacket, by the mirrors",
                                status=Status.RESOLVED, requested_at=NOW - timedelta(days=31),
                                reached_at=NOW - timedelta(days=31) + timedelta(minutes=2))
        recent = make_help_request(sign=sign, note="size 9 wide",
                                   requested_at=NOW - timedelta(days=29))
        db.session.add(Feedback(request_id=old.id, rating=5, comment="Maria was lovely"))
        db.session.commit()
        report = maintenance.purge(retention_days=30, session_idle=timedelta(minutes=30),
                                   now=NOW)
        assert (report.notes, report.comments) == (1, 1)
        old, recent = db.session.get(HelpRequest, old.id), db.session.get(HelpRequest, recent.id)
        assert old.note == "" and recent.note == "size 9 wide"
        assert old.reached_at - old.requested_at == timedelta(minutes=2)
        feedback = db.session.scalar(db.select(Feedback))
        assert (feedback.rating, feedback.comment) == (5, "")
        again = maintenance.purge(retention_days=30, session_idle=timedelta(minutes=30),
                                  now=NOW)
        assert (again.notes, again.comments) == (0, 0)


def test_idempotency_records_older_than_a_day_are_deleted(app):
    with app.app_context():
        for age in (timedelta(hours=25), timedelta(hours=1)):
            db.session.add(IdempotencyRecord(scope="submit", key=str(age), fingerprint="f",
                                             status_code=201, response={},
                                             created_at=NOW - age))
        db.session.commit()
        report = maintenance.purge(retention_days=30, session_idle=timedelta(minutes=30),
                                   now=NOW)
        assert report.idempotency_records == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(IdempotencyRecord)) == 1


def test_the_purge_command_reports_what_it_did(app, runner):
    result = runner.invoke(args=["maintenance", "purge", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Purged 0 notes, 0 comments")


@pytest.mark.parametrize("days", [0, -3, 100_000])
def test_an_absurd_retention_window_is_refused(app, days):
    with app.app_context(), pytest.raises(InvalidInput):
        maintenance.purge(retention_days=days, session_idle=timedelta(minutes=30))
