"""The staff's API: the store's queue, the moves of a request, and availability.

Session-authenticated (the handheld's page calls it with fetch and the X-CSRFToken
header). A request of a store the caller may not see answers 404, like a missing one.
"""

from flask import Blueprint, jsonify

from floorapp.api.parsing import api_user, body, idempotency_key
from floorapp.errors import InvalidInput, NotFound
from floorapp.models.types import utcnow
from floorapp.services.core import idempotency
from floorapp.services.core.input_parsing import id_or_none
from floorapp.services.help import availability, away, coverage, views
from floorapp.services.help import moves as help_queue
from floorapp.services.org import stores

bp = Blueprint("api_queue", __name__)
# The moves of services/help/moves.py a person makes here (expiring is the escalation job's).
STAFF_MOVE_NAMES = ("claim", "arrive", "resolve", "release", "handoff", "cancel")


@bp.before_request
def _note_activity() -> None:
    """Count API use as activity, so a busy associate is never set off as idle."""
    from flask_login import current_user

    if current_user.is_authenticated:
        availability.touch(current_user._get_current_object())


@bp.get("/stores/<code>/queue")
def queue(code: str):
    """Return the store's open requests, oldest first."""
    store = stores.visible_store(api_user(), code)
    return jsonify(store=store.code, acknowledge_target_s=store.acknowledge_target_s,
                   requests=views.open_queue(store))


@bp.post("/help-requests/<int:request_id>/<any(" + ", ".join(STAFF_MOVE_NAMES) + "):move>")
def move(request_id: int, move: str):
    """Claim, arrive, resolve, release, hand off or cancel a request (409 if not allowed)."""
    user = api_user()
    store_id = _visible_store_id(user, request_id)
    data = body()
    key, now = idempotency_key(data), utcnow()
    scope = idempotency.scope(move, idempotency.owner(user=user), request_id)
    fingerprint = idempotency.fingerprint(data)
    record = idempotency.replay(scope, key, fingerprint, now)
    if record is not None:
        return jsonify(record.response), record.status_code
    help_request = _run(move, store_id, request_id, user, data)
    payload = {"help_request": views.summary(help_request)}
    idempotency.remember_after(scope, key, fingerprint, status_code=200, response=payload,
                               now=now)
    return jsonify(payload)


def _run(move: str, store_id: int, request_id: int, user, data: dict):
    if move == "resolve":
        return help_queue.resolve(store_id, request_id, user, str(data.get("outcome") or ""))
    if move == "handoff":
        return help_queue.handoff(store_id, request_id, user, data.get("to_user_id") or "")
    if move == "cancel":
        return help_queue.cancel(store_id, request_id, manager=user)
    return getattr(help_queue, move)(store_id, request_id, user)


def _visible_store_id(user, request_id: int) -> int:
    store_id = views.store_id_of(request_id) if request_id < 2**31 else None
    store = stores.store_by_id(store_id) if store_id else None
    if store is None or not stores.can_see(user, store):
        raise NotFound("No such help request in this store.")
    return store_id


@bp.post("/me/availability")
def set_availability():
    """Set the caller's availability: on_floor (with an optional zone), on_break or off.

    Going on break or off while holding requests needs `held` ({request id: colleague
    id or "queue"}); without it the answer is 409 `holding_requests` with the list.
    A break reads `until` (minutes, or "HH:MM" store time) and `backup_id`.
    """
    user = api_user()
    data = body()
    zone_id = id_or_none(data["zone_id"]) if "zone_id" in data else availability.ZONE_LEFT
    availability.set_availability(user, str(data.get("availability") or ""), zone_id,
                                  held=_held(data.get("held")), until=data.get("until"),
                                  backup_id=data.get("backup_id"))
    open_break = coverage.open_break(user.id)
    return jsonify(availability=user.availability.value, zone_id=user.availability_zone_id,
                   on_break=views.break_summary(open_break) if open_break else None)


def _held(value) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str | int) and not
                                              isinstance(v, bool) for v in value.values()):
        raise InvalidInput('"held" maps request ids to a colleague\'s id or "queue".')
    return {str(key): str(choice) for key, choice in value.items()}


@bp.post("/stores/<code>/breaks/<int:break_id>/backup")
def change_backup(code: str, break_id: int):
    """Name another backup for an open break (the one on break, or a manager)."""
    user = api_user()
    store = stores.visible_store(user, code)
    item = away.change_backup(store.id, break_id, user, body().get("backup_id"))
    return jsonify(on_break=views.break_summary(item))
