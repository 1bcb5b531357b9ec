"""Recovery while the customer is still in the store: a poor rating, answered at once.

A rating of 1 or 2, or any comment, is one to answer: it reaches the managers on shift
the moment it is given (a push with the request's story, services/notify/plan.py
`rating_to_answer`), and the live board lists it until a staff message on the request's
thread answers it, while the thread is open (services/conversation/thread.py: a while
after the request ended). The answer reaches the customer's open page live, or their
phone by push. The dashboard counts such ratings, how many were answered and how fast.
"""

import statistics
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from floorapp.extensions import db
from floorapp.models import (
    Author,
    Event,
    EventKind,
    Feedback,
    HelpRequest,
    RequestMessage,
    Store,
    User,
    Zone,
)
from floorapp.models.types import utcnow

LOW_RATING = 2  # a rating at or below this is one to answer


def needs_answer(rating: int, comment: str) -> bool:
    """Tell whether a customer's rating is one a manager should answer now."""
    return rating <= LOW_RATING or bool(comment.strip())


@dataclass(frozen=True)
class ToAnswer:
    """A rating to answer, with the request's story (who, how long, what was asked)."""

    request_id: int
    rating: int
    comment: str
    rated_at: datetime
    zone: str
    need: str
    product_query: str
    size_label: str
    associate: str
    waited_s: float | None  # sent → acknowledged


def to_answer(store: Store, *, now: datetime | None = None) -> list[ToAnswer]:
    """Return the store's ratings still to answer whose thread is open, newest first."""
    from floorapp.services.conversation import thread  # thread → intake → this module

    now = now or utcnow()
    rows = db.session.execute(
        select(Feedback, HelpRequest, Zone.name, User.name)
        .join(HelpRequest, HelpRequest.id == Feedback.request_id)
        .join(Zone, Zone.id == HelpRequest.zone_id)
        .outerjoin(User, User.id == HelpRequest.claimed_by_id)
        .where(HelpRequest.store_id == store.id,
               HelpRequest.resolved_at > now - thread.window(),
               ~_answered(Feedback).exists())
        .order_by(Feedback.created_at.desc())).all()
    return [_story(feedback, request, zone, name) for feedback, request, zone, name in rows
            if needs_answer(feedback.rating, feedback.comment)]


def _answered(feedback):
    """A staff message on the rated request written after the rating."""
    return select(RequestMessage.id).where(
        RequestMessage.request_id == feedback.request_id,
        RequestMessage.author == Author.STAFF,
        RequestMessage.created_at >= feedback.created_at)


def _story(feedback: Feedback, request: HelpRequest, zone: str, name: str | None) -> ToAnswer:
    waited = ((request.acknowledged_at - request.requested_at).total_seconds()
              if request.acknowledged_at else None)
    return ToAnswer(request.id, feedback.rating, feedback.comment, feedback.created_at, zone,
                    request.need.value, request.product_query, request.size_label,
                    (name or "").split(" ")[0], waited)


def figures(store: Store, start: datetime, end: datetime) -> dict:
    """Count the ratings to answer given in [start, end), those answered, and how fast.

    The ratings are found through their `rated` events (intake.rate writes one with the
    rating, at the same instant): the events are indexed by store, kind and time, while
    `feedback` knows neither the store nor an index on its time, so reading it by
    `created_at` scanned every store's ratings (a year at 50 stores: 440 ms). The
    database keeps only the candidates (low, or with a comment: `needs_answer` has the
    last word on blank comments), so the first answer is looked up for those alone, a
    few percent of a year's ratings.
    """
    first_answer = (select(func.min(RequestMessage.created_at))
                    .where(RequestMessage.request_id == Feedback.request_id,
                           RequestMessage.author == Author.STAFF,
                           RequestMessage.created_at >= Feedback.created_at)
                    .scalar_subquery())
    rows = db.session.execute(
        select(Feedback.rating, Feedback.comment, Feedback.created_at,
               first_answer.label("answered_at"))
        .join(Event, Event.request_id == Feedback.request_id)
        .where(Event.store_id == store.id, Event.kind == EventKind.RATED,
               Event.at >= start, Event.at < end,
               or_(Feedback.rating <= LOW_RATING, func.trim(Feedback.comment) != ""))).all()
    due = [row for row in rows if needs_answer(row.rating, row.comment)]
    delays = [(row.answered_at - row.created_at).total_seconds()
              for row in due if row.answered_at is not None]
    return {"to_answer": len(due), "low_ratings": sum(row.rating <= LOW_RATING for row in due),
            "answered": len(delays),
            "median_answer_s": statistics.median(delays) if delays else None}
