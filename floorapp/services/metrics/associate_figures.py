"""By associate and ratings over a long range, exact, computed by the database.

figures.py computes them from the request rows it has read anyway for a short range;
over a long one (store_rollup_figures.py) reading a year of rows would cost most of the
dashboard's budget, so the database groups them: a few dozen rows come back whatever
the range. The definitions are figures.py's `by_associate` and `ratings` (spam left out,
the median nearest-rank, the mean of the ratings over those rated) and so are the
numbers: the durations are the same epoch differences as request_rows.py's.
"""

import functools
from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, or_, select

from floorapp.extensions import db
from floorapp.models import Feedback, HelpRequest, Outcome, User
from floorapp.services.metrics import stats
from floorapp.services.metrics.periods import Period
from floorapp.services.metrics.request_rows import epoch_seconds, from_epoch

MAX_COMMENTS = 50


def _in_range(table) -> list:
    return [table.c.store_id == bindparam("store_id"),
            table.c.requested_at >= bindparam("start"), table.c.requested_at < bindparam("end"),
            or_(table.c.outcome.is_(None), table.c.outcome != Outcome.SPAM.value)]


def _parameters(store_id: int, period: Period) -> dict:
    return {"store_id": store_id, "start": period.start_utc, "end": period.end_utc}


@functools.cache
def _associates_statement():
    table, feedback = HelpRequest.__table__, Feedback.__table__
    handled = func.sum(case((table.c.resolved_at.is_not(None), 1), else_=0))
    return (select(table.c.claimed_by_id, func.count(), handled, func.sum(feedback.c.rating),
                   func.count(feedback.c.rating))
            .select_from(table.outerjoin(feedback, feedback.c.request_id == table.c.id))
            .where(*_in_range(table), table.c.claimed_by_id.is_not(None))
            .group_by(table.c.claimed_by_id))


@functools.cache
def _reaches_statement(dialect: str):
    """Each reached request's associate and time to reach: two numbers a row (a window
    function ranking them in the database cost SQLite several times as much)."""
    table = HelpRequest.__table__
    reach = (epoch_seconds(table.c.reached_at, dialect)
             - epoch_seconds(table.c.requested_at, dialect))
    return select(table.c.claimed_by_id, reach).where(
        *_in_range(table), table.c.claimed_by_id.is_not(None), table.c.reached_at.is_not(None))


def by_associate(store_id: int, period: Period) -> list[dict]:
    """Return figures.py `by_associate` for the range, counted by the database."""
    parameters = _parameters(store_id, period)
    rows = db.session.execute(_associates_statement(), parameters).all()
    reaches = defaultdict(list)
    for user_id, seconds in db.session.connection().execute(
            _reaches_statement(db.engine.dialect.name), parameters):
        reaches[user_id].append(seconds)
    ids = [row[0] for row in rows]
    names = dict(db.session.execute(select(User.id, User.name)
                                    .where(User.id.in_(ids))).all()) if ids else {}
    result = [{
        "user_id": user_id, "name": names.get(user_id, f"#{user_id}"), "claimed": claimed,
        "handled": int(handled), "reach_p50_s": stats.median(reaches[user_id]),
        "rating_mean": round(int(total) / rated, 2) if rated else None, "ratings": rated,
    } for user_id, claimed, handled, total, rated in rows]
    return sorted(result, key=lambda entry: (-entry["handled"], entry["name"]))


@functools.cache
def _distribution_statement():
    table, feedback = HelpRequest.__table__, Feedback.__table__
    return (select(feedback.c.rating, func.count())
            .select_from(table.join(feedback, feedback.c.request_id == table.c.id))
            .where(*_in_range(table)).group_by(feedback.c.rating))


@functools.cache
def _comments_statement(dialect: str):
    table, feedback = HelpRequest.__table__, Feedback.__table__
    return (select(table.c.id, feedback.c.rating, feedback.c.comment,
                   epoch_seconds(table.c.requested_at, dialect))
            .select_from(table.join(feedback, feedback.c.request_id == table.c.id))
            .where(*_in_range(table), feedback.c.comment.is_not(None), feedback.c.comment != "")
            .order_by(table.c.requested_at.desc(), table.c.id.desc()).limit(MAX_COMMENTS))


def ratings(store_id: int, period: Period) -> dict:
    """Return figures.py `ratings` for the range: counts by the database, the latest comments."""
    parameters = _parameters(store_id, period)
    counts = dict(db.session.execute(_distribution_statement(), parameters).all())
    rated = sum(counts.values())
    zone = ZoneInfo(period.timezone)
    comments = [{"request_id": request_id, "rating": rating, "comment": comment,
                 "requested_local": from_epoch(at).astimezone(zone).isoformat(
                     timespec="minutes")}
                for request_id, rating, comment, at in db.session.execute(
                    _comments_statement(db.engine.dialect.name), parameters)]
    total = sum(rating * count for rating, count in counts.items())
    return {"count": rated, "mean": round(total / rated, 2) if rated else None,
            "distribution": {str(n): counts.get(n, 0) for n in range(1, 6)},
            "comments": comments}
