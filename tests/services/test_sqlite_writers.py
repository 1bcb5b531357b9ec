"""Two worker processes write to one SQLite file at once (a single host with 2 workers).

Each process queues its writers on an advisory file lock beside the database
(floorapp/extensions.py) rather than on SQLite's busy handler, which sleeps inside C
for up to 100 ms at a time and would stall a whole gevent worker. Nothing may be
lost or refused: every submission commits with exactly one event.
"""

import multiprocessing
from pathlib import Path

from sqlalchemy import func, select

from floorapp import create_app
from floorapp.extensions import db
from floorapp.models import Event, HelpRequest
from floorapp.services import help_intake
from tests.factories import make_sign

PROCESSES = 2
SUBMISSIONS = 150


def _submit_many(url: str, token: str, start, results) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "TESTING": True})
    start.wait()
    made = 0
    with app.app_context():
        for _ in range(SUBMISSIONS):
            submission = help_intake.parse_submission({"need": "find_size"})
            _submitted, created = help_intake.submit(token, submission)
            made += created
        db.engine.dispose()
    results.put(made)


def test_two_processes_submitting_at_once_on_sqlite_lose_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "test-secret-key", "TESTING": True})
    with app.app_context():
        db.create_all()
        token = make_sign().token
        db.engine.dispose()
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Event(), spawn.Queue()
    workers = [spawn.Process(target=_submit_many, args=(url, token, start, results))
               for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    assert sum(results.get(timeout=5) for _ in workers) == PROCESSES * SUBMISSIONS
    with app.app_context():
        requests = db.session.scalar(select(func.count()).select_from(HelpRequest))
        events = db.session.scalar(select(func.count(func.distinct(Event.request_id))))
    assert requests == events == PROCESSES * SUBMISSIONS
    assert Path(f"{tmp_path / 'shared.sqlite3'}.writer").exists()  # the lock really was used
