"""One client's Server-Sent Events stream: the wire format, the catch-up, then live.

A stream first pages through the log from Last-Event-ID (the live queue only carries
newer events), then yields what the worker's hub (floorapp/realtime.py) puts in its
queue: lists of events, each already formatted once per worker, or KEEP_ALIVE. The
generator never touches the request's database session; the catch-up reads on a
fresh connection. It returns when its ticket is ended (see stream_guard.py): the
browser then reconnects and resumes.
"""

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from floorapp.services.core.event_log import event_rows, last_event_id
from floorapp.stream_guard import END

if TYPE_CHECKING:
    from floorapp.realtime import Hub

CATCH_UP_PAGE = 1000
KEEP_ALIVE: list[dict] = []  # put in every queue every keep-alive interval (by identity)
# What a zone's stream still sends of the other zones: arrivals and escalations, which the
# page alerts for when nobody covers their zone (static/js/floor.js), and refreshes on.
EVERY_ZONE_KINDS = frozenset({"requested", "escalated"})


def wanted(event: dict, request_id: int | None, zone_id: int | None) -> bool:
    """Tell whether a stream sends an event: one request's, or a zone's, or the store's.

    A zone's stream sends that zone's request events, every event about no request
    (availability: who covers what decides the alerts and the hand-off list), and the
    arrivals and escalations of the other zones; it drops the other zones' later moves.
    """
    if request_id is not None:
        return event["request_id"] == request_id
    if zone_id is None or event["request_id"] is None:
        return True
    return event.get("zone_id") == zone_id or event["kind"] in EVERY_ZONE_KINDS


def message(event: dict, *, public: bool = False) -> str:
    """Format one event as one SSE message (one write, so no delayed-ACK stalls)."""
    if public:
        event = {"id": event["id"], "kind": event["kind"], "status": event["to_status"],
                 "at": event["at"]}
    return f"id: {event['id']}\ndata: {json.dumps(event, separators=(',', ':'))}\n\n"


def _catch_up(hub: "Hub", store_id: int, last: int, request_id: int | None,
              zone_id: int | None = None):
    """Yield the events after `last`, page by page; return the last id read."""
    while True:  # page through the catch-up: the live queue only carries newer events
        page = event_rows(hub.engine, store_id, last, request_id, limit=CATCH_UP_PAGE)
        for row in page:
            last = row["id"]
            if wanted(row, request_id, zone_id):
                yield message(row, public=request_id is not None)
        if len(page) < CATCH_UP_PAGE:
            return last


def stream(hub: "Hub", store_id: int, after: int | None, *, request_id: int | None = None,
           zone_id: int | None = None, keepalive_s: float = 15.0,
           ticket=None) -> Iterator[str]:
    """Yield a store's (or one zone's, or one request's) events as SSE, from `after`, then
    live, until its `ticket` is ended (see stream_guard.py): the client then resumes."""
    subscriber = hub.subscribe(store_id, keepalive_s)
    if ticket is not None:
        ticket.queue = subscriber
    public = request_id is not None
    try:
        yield "retry: 2000\n: connected\n\n"
        last = last_event_id(hub.engine, store_id) if after is None else after
        last = yield from _catch_up(hub, store_id, last, request_id, zone_id)
        while True:
            batch = subscriber.get()  # no timeout: the hub sends KEEP_ALIVE
            if batch is END:
                return
            if batch is KEEP_ALIVE:
                yield ": keep-alive\n\n"
                continue
            fresh = [e for e in batch if e["id"] > last and wanted(e, request_id, zone_id)]
            if fresh:
                last = fresh[-1]["id"]
                yield "".join(e["sse_public" if public else "sse"] for e in fresh)
    finally:
        hub.unsubscribe(store_id, subscriber)
        if ticket is not None:
            ticket.release()
