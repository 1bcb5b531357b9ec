"""The honest wait's accuracy (issue 15): the demo's history replayed through the model.

`flask demo seed` builds its two stores' simulated days (90 in the full run, 7 in the
quick one) on a fresh SQLite database; services/help/wait_replay.py then gives every
request the estimate the sign would have shown as it was sent and compares it with the
time it took to be acknowledged. The figures depend on the model and the simulated
floor, not on the database or the machine, so one backend is enough.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.data import database, flask, say
from bench.report import Report, Result
from bench.settings import Settings
from bench.setup import app_for


def run(settings: Settings, report: Report) -> None:
    """Replay each demo store's history and report its errors."""
    from floorapp.extensions import db
    from floorapp.models import Store
    from floorapp.services.help import wait_replay

    days = 7 if settings.quick else 90
    with database("sqlite") as url:
        say(f"wait estimate: the demo's {days} days of history")
        flask(url, "demo", "seed", "--seed", str(settings.seed), "--history-days", str(days))
        app = app_for(url)
        with app.app_context():
            end = datetime.now(UTC)
            for store in db.session.scalars(select(Store).order_by(Store.code)):
                figures = wait_replay.replay(store, end - timedelta(days=days), end)
                _add(report, store.code, figures, wait_replay.describe(figures))
            db.engine.dispose()


def _add(report: Report, code: str, figures, described: str) -> None:
    report.add(Result("wait estimate", f"{code}: median absolute error",
                      figures.median_abs_error_s, "s", note=described))
    report.add(Result("wait estimate", f"{code}: p90 absolute error",
                      figures.p90_abs_error_s, "s",
                      note=f"median actual wait {figures.median_actual_s:.0f} s"
                      if figures.median_actual_s is not None else ""))
