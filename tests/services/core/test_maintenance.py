"""The purge forgets customer text past the retention window and keeps the timings."""

import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from floorapp.errors import InvalidInput
from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, IdempotencyRecord, Status
from floorapp.realtime import run_tick
from floorapp.services.core import maintenance
from tests.concurrency import at_once
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


def _stale_upload(app, *, age: timedelta, now: datetime) -> Path:
    folder = Path(app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_urlsafe(24)}.csv"
    path.write_text("style,size\n")
    stamp = (now - age).timestamp()
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def instance_app(make_app, tmp_path):
    """The app with an instance folder of its own (the catalog uploads wait there)."""
    app = make_app()
    app.instance_path = str(tmp_path / "instance")
    return app


def test_the_workers_tick_purges_old_customer_text_and_stale_uploads_by_itself(instance_app):
    app = instance_app
    now = datetime.now(UTC)
    with app.app_context():
        old = make_help_request(note="blue jacket", status=Status.RESOLVED,
                                requested_at=now - timedelta(days=31))
        stale = _stale_upload(app, age=timedelta(days=2), now=now)
        fresh = _stale_upload(app, age=timedelta(hours=2), now=now)
        run_tick(app)
        assert db.session.get(HelpRequest, old.id).note == ""
    assert not stale.exists() and fresh.exists()


def test_the_scheduled_purge_runs_once_per_hour_however_many_workers_tick(instance_app):
    app = instance_app
    with app.app_context():
        sign = make_sign()
        first = make_help_request(sign=sign, note="size 9", requested_at=NOW - timedelta(days=31))
        ran = maintenance.purge_when_due(app.config, app.instance_path, now=NOW)
        assert ran is not None and ran.notes == 1
        assert db.session.get(HelpRequest, first.id).note == ""
        second = make_help_request(sign=sign, note="size 10",
                                   requested_at=NOW - timedelta(days=31))
        stale = _stale_upload(app, age=timedelta(days=2), now=NOW)
        for minutes in (1, 30, 59):  # other workers' ticks, later in the same hour
            later = NOW.replace(minute=0) + timedelta(minutes=minutes)
            assert maintenance.purge_when_due(app.config, app.instance_path, now=later) is None
        assert db.session.get(HelpRequest, second.id).note == "size 10" and stale.exists()
        next_hour = maintenance.purge_when_due(app.config, app.instance_path,
                                               now=NOW + timedelta(hours=1))
        assert next_hour is not None and (next_hour.notes, next_hour.uploads) == (1, 1)
        assert db.session.get(HelpRequest, second.id).note == "" and not stale.exists()


def test_workers_ticking_at_once_purge_once(instance_app):
    app = instance_app
    with app.app_context():
        make_help_request(note="size 9", requested_at=NOW - timedelta(days=31))
        db.session.remove()

    def tick():
        return maintenance.purge_when_due(app.config, app.instance_path, now=NOW)

    results = at_once(app, [tick] * 4)
    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(result is None for result in results) == [False, True, True, True]
