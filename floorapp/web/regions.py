"""The regional pages: a region's stores side by side, and every region for admins.

A regional manager sees their own region only (another answers 404, exactly like a
region that does not exist); admins see every region and the stores in none. The rows
come from services/org/regions.py `region_rows`, the one call of the figures.
"""

from flask import Blueprint, render_template, request
from flask_login import login_required

from floorapp.errors import InvalidInput
from floorapp.services.metrics import rollup_upkeep
from floorapp.services.org import regions
from floorapp.web.access import acting_user, admin_required
from floorapp.web.dashboard import RANGE_CHOICES

bp = Blueprint("regions", __name__)


def range_args() -> dict:
    """Return the range the page or the API was asked for (the dashboard's choices)."""
    return {"choice": request.args.get("range", "7d"), "first": request.args.get("from"),
            "last": request.args.get("to")}


@bp.get("/regions")
@admin_required
def index():
    """List every region with its stores, and the stores that belong to none (admins)."""
    return render_template("regions/index.html", regions=regions.list_regions(),
                           loose=regions.stores_without_region())


@bp.get("/regions/<code>")
@login_required
def region(code: str):
    """Show a region's stores side by side over a range, each linking to its dashboard."""
    shown = regions.visible_region(acting_user(), code)
    args = range_args()
    try:
        figures = regions.region_rows(shown, **args)
    except InvalidInput as error:
        return render_template("regions/region.html", region=shown, error=error, args=args,
                               choices=RANGE_CHOICES, figures=None), 400
    return render_template("regions/region.html", region=shown, figures=figures, args=args,
                           choices=RANGE_CHOICES, caught_up_at=rollup_upkeep.caught_up_at())
