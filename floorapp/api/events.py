"""The live streams (SSE): a store's log for its staff, a request's for its customer.

Each stream is admitted by the worker's stream guard (floorapp/stream_guard.py): past a
cap it gets 429 with Retry-After; once open it ends when its session does.
"""

from flask import Blueprint, Response, current_app, make_response, request, session

from floorapp import realtime, sse, stream_guard
from floorapp.api.parsing import api_user
from floorapp.errors import Unauthorized
from floorapp.extensions import db, limiter
from floorapp.services.core.input_parsing import whole_number
from floorapp.services.help import intake
from floorapp.services.org import sessions, stores
from floorapp.services.org.stream_leases import TooManyStreams
from floorapp.web.errors import error_response
from floorapp.web.public_limits import status_limit

bp = Blueprint("api_events", __name__)


def _resume_from() -> int | None:
    """Return Last-Event-ID (header, or `last_event_id` in the query) if it is a number."""
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or ""
    return whole_number(raw, maximum=10**18 - 1)


def _event_stream(store_id: int, request_id: int | None = None, zone_id: int | None = None,
                  **admission) -> Response:
    app = current_app._get_current_object()
    hub = realtime.hub_for(app, db.engine)
    after = _resume_from()
    keepalive = float(app.config["SSE_KEEPALIVE_S"])
    try:
        ticket = stream_guard.guard_for(app).admit(
            address=request.remote_addr or "", store_id=store_id, **admission)
    except TooManyStreams as error:
        response = make_response(error_response(error.status, error.code, error.message))
        response.headers["Retry-After"] = str(error.retry_after)
        return response
    db.session.close()  # the stream must not hold the request's connection for hours
    body = sse.stream(hub, store_id, after, request_id=request_id, zone_id=zone_id,
                      keepalive_s=keepalive, ticket=ticket)
    return Response(stream_guard.GuardedBody(body, ticket), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@bp.get("/stores/<code>/events")
@limiter.exempt
def store_events(code: str):
    """Stream the store's events (or, with `?zone=`, one zone's) to its staff (SSE)."""
    user = api_user()
    store = stores.visible_store(user, code)
    zone_id = stores.stream_zone_id(store, request.args.get("zone"))
    session_id = sessions.session_id(session.get("sid"))
    if session_id is None:
        raise Unauthorized("Log in again: this session has ended.")
    return _event_stream(store.id, zone_id=zone_id, kind="staff", subject=f"session:{session_id}",
                         session_id=session_id, version=user.session_version)


@bp.get("/help-requests/<public_token>/events")
@status_limit
def request_events(public_token: str):
    """Stream one request's events to its customer (SSE)."""
    help_request = intake.by_public_token(public_token)
    return _event_stream(help_request.store_id, help_request.id, kind="public",
                         subject=f"token:{public_token[:64]}")
