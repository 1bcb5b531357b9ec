"""A region's stores side by side as JSON: /api/v1/regions/<code>/metrics.

The rows are the regional page's (floorapp/web/regions.py), over the same range choices
(`range` today, 7d, 30d or custom with `from` and `to`). Admins and the region's own
regional manager only: anybody else gets 404 (like a region that does not exist), and
nobody logged in 401.
"""

from flask import Blueprint, jsonify
from flask_login import current_user

from floorapp.errors import Unauthorized
from floorapp.services.org import regions
from floorapp.web.access import acting_user
from floorapp.web.regions import range_args

bp = Blueprint("api_regions", __name__)


@bp.get("/regions/<code>/metrics")
def region_metrics(code: str):
    """Return each of the region's stores' headline figures for the same local dates."""
    if not current_user.is_authenticated:
        raise Unauthorized("Log in as an admin or this region's manager to read its figures.")
    region = regions.visible_region(acting_user(), code)
    figures = regions.region_rows(region, **range_args())
    return jsonify({"region": {"code": region.code, "name": region.name}, **figures})
