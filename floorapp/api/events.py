"""The live streams (SSE): a store's log for its staff, a request's for its customer."""

from flask import Blueprint, Response, current_app, request

from floorapp import realtime
from floorapp.api.parsing import api_user
from floorapp.extensions import db, limiter
from floorapp.services import help_intake, stores
from floorapp.services.input_parsing import whole_number
from floorapp.web.public_limits import status_limit

bp = Blueprint("api_events", __name__)


def _resume_from() -> int | None:
    """Return Last-Event-ID (header, or `last_event_id` in the query) if it is a number."""
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id") or ""
    return whole_number(raw, maximum=10**18 - 1)


def _event_stream(store_id: int, request_id: int | None = None) -> Response:
    app = current_app._get_current_object()
    hub = realtime.hub_for(app, db.engine)
    after = _resume_from()
    keepalive = float(app.config["SSE_KEEPALIVE_S"])
    db.session.close()  # the stream must not hold the request's connection for hours
    body = realtime.stream(hub, store_id, after, request_id=request_id, keepalive_s=keepalive)
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@bp.get("/stores/<code>/events")
@limiter.exempt
def store_events(code: str):
    """Stream the store's events to its associates and managers (SSE)."""
    store = stores.visible_store(api_user(), code)
    return _event_stream(store.id)


@bp.get("/help-requests/<public_token>/events")
@status_limit
def request_events(public_token: str):
    """Stream one request's events to its customer (SSE)."""
    help_request = help_intake.by_public_token(public_token)
    return _event_stream(help_request.store_id, help_request.id)
