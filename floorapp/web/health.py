"""The health check a load balancer or an uptime monitor polls."""

from flask import Blueprint, jsonify

from floorapp.extensions import limiter
from floorapp.services.core.health import DatabaseUnavailable, database_status

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """Answer 200 with the database backend and revision, or 503 if it is unreachable."""
    try:
        database = database_status()
    except DatabaseUnavailable as error:
        return jsonify(status="unavailable", error=str(error)), 503
    return jsonify(status="ok", database=database)
