"""A stream that resumes far behind (more events missed than one read returns) gets them all.

The catch-up read is paged (1,000 rows a page); the live fan-out only carries events
newer than the worker's own position, so a catch-up that stopped after one page would
silently skip everything between that page and the live edge.
"""

import re

from sqlalchemy import func, insert, select

from floorapp import realtime, sse
from floorapp.extensions import db
from floorapp.models import Event
from tests.factories import submit_request

MISSED = 2300


def test_a_stream_resuming_far_behind_gets_every_missed_event_once_in_order(app):
    with app.app_context():
        help_request = submit_request()  # with its own events (requested, maybe escalated)
        store_id = help_request.store_id
        before = db.session.scalar(select(func.count()).where(Event.store_id == store_id))
        db.session.execute(insert(Event), [
            {"store_id": store_id, "request_id": help_request.id, "kind": "escalated",
             "from_status": "waiting", "to_status": "waiting", "data": {"level": 1}}
            for _ in range(MISSED)])
        db.session.commit()
        logged = list(db.session.scalars(select(Event.id).where(Event.store_id == store_id)
                                         .order_by(Event.id)))
        hub = realtime.Hub(app, db.engine)
        hub._started = True  # no background listener: the catch-up alone must deliver
        seen = _read_until_quiet(sse.stream(hub, store_id, 0, keepalive_s=0.05))
    assert len(logged) == before + MISSED
    assert seen == logged


def _read_until_quiet(stream) -> list[int]:
    seen = []
    for chunk in stream:
        if chunk.startswith(": keep-alive"):
            stream.close()
            break
        seen.extend(int(found) for found in re.findall(r"^id: (\d+)$", chunk, re.MULTILINE))
    return seen
