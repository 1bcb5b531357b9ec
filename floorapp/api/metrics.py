"""The managers' figures as JSON and CSV under /api/v1/stores/<code>/: metrics, staffing.

The staffing answers carry the planned week (`plan_week`, any day of it; next week by
default) beside the need. Managers of the store, admins and the regional manager of the
store's region only: an associate gets 403, another store (or another region's) 404
(exactly like a store that does not exist), and nobody logged in 401.
"""

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from floorapp.errors import Unauthorized
from floorapp.models import Store
from floorapp.services.metrics import exports, shift_plan, staffing
from floorapp.services.metrics import figures as metrics
from floorapp.services.metrics.periods import Period, parse_period
from floorapp.web.access import figures_store

bp = Blueprint("api_metrics", __name__)


def _store_and_period(code: str) -> tuple[Store, Period]:
    if not current_user.is_authenticated:
        raise Unauthorized("Log in as a manager of this store to read its figures.")
    store = figures_store(code)
    period = parse_period(request.args.get("from"), request.args.get("to"), store.timezone)
    return store, period


@bp.get("/stores/<code>/metrics")
def store_metrics(code: str):
    """Return the dashboard figures of a store for a range of its local dates."""
    store, period = _store_and_period(code)
    return jsonify(metrics.store_metrics(store, period))


@bp.get("/stores/<code>/requests.csv")
def requests_csv(code: str):
    """Return every request of the range with its timestamps and durations, as CSV."""
    store, period = _store_and_period(code)
    return csv_response(exports.requests_csv(store, period),
                        f"{store.code}-requests-{period.first}-{period.last}.csv")


@bp.get("/stores/<code>/metrics.csv")
def metrics_csv(code: str):
    """Return the aggregated figures of the range as CSV."""
    store, period = _store_and_period(code)
    return csv_response(exports.figures_csv(metrics.store_metrics(store, period)),
                        f"{store.code}-figures-{period.first}-{period.last}.csv")


def _staffing_and_plan(code: str) -> tuple[Store, Period, dict, dict]:
    store, period = _store_and_period(code)
    share = staffing.parse_target_share(request.args.get("target_share"))
    monday = shift_plan.plan_week(store, request.args.get("plan_week"))
    result = staffing.staffing(store, period, share)
    return store, period, result, shift_plan.plan_against_need(store, monday, result)


@bp.get("/stores/<code>/staffing")
def store_staffing(code: str):
    """Return, per local hour of the week, arrivals, handling, needed, present and planned."""
    _store, _period, result, plan = _staffing_and_plan(code)
    return jsonify(result | {"plan": shift_plan.plan_json(plan)})


@bp.get("/stores/<code>/staffing.csv")
def store_staffing_csv(code: str):
    """Return the staffing suggestion as CSV, one line per local hour of the week."""
    store, period, result, plan = _staffing_and_plan(code)
    return csv_response(exports.staffing_csv(result, plan),
                        f"{store.code}-staffing-{period.first}-{period.last}.csv")


def csv_response(body: str, filename: str) -> Response:
    """Return CSV text as a download."""
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
