"""The managers' pages: the dashboard, staffing, every store side by side, and the live board.

A regional manager reads the dashboard, staffing and board of their region's stores
(`figures_store`, `board_store`) but acts on none of them: no answer to a rating, no
change of backup, no link to the shifts it cannot edit (`manages`).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from floorapp.errors import InvalidInput
from floorapp.services.conversation import recovery, thread
from floorapp.services.help import board
from floorapp.services.metrics import chain_figures, rollup_upkeep, shift_plan, staffing
from floorapp.services.metrics import figures as metrics
from floorapp.services.metrics.periods import chosen_period
from floorapp.services.org import stores
from floorapp.web import refusals
from floorapp.web.access import (
    acting_user,
    admin_required,
    board_store,
    figures_store,
    managed_store,
    manages,
)
from floorapp.web.dashboard_charts import WEEKDAYS, dashboard_charts, staffing_chart
from floorapp.web.floor import NEED_LABELS, new_idempotency_key

bp = Blueprint("dashboard", __name__)
bp.add_app_template_global(manages, "manages")
RANGE_CHOICES = (("today", "Today"), ("7d", "7 days"), ("30d", "30 days"),
                 ("custom", "Custom"))


@bp.app_template_filter("duration")
def duration(seconds: float | None) -> str:
    """Format seconds for people: 45 s, 3 min 05 s, 1 h 02 min; an en dash for no data."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest:02d} s" if rest else f"{minutes} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


@bp.app_template_filter("local_clock")
def local_clock(moment: datetime, timezone: str) -> str:
    """Format an instant as the store's local wall-clock time (HH:MM:SS)."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M:%S")


@bp.app_template_filter("store_hm")
def store_hm(moment: datetime, timezone: str) -> str:
    """Format an instant as the store's local wall-clock hour and minute (HH:MM)."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")


@bp.app_template_filter("percent")
def percent(share: float | None) -> str:
    """Format a share as a whole percentage; an en dash for no data."""
    return "–" if share is None else f"{share * 100:.0f}%"


def _range_args() -> dict:
    return {"choice": request.args.get("range", "7d"), "first": request.args.get("from"),
            "last": request.args.get("to")}


@bp.get("/stores/<code>/dashboard")
@login_required
def dashboard(code: str):
    """Show a store's wait times, targets, walk-aways, breakdowns and ratings for a range."""
    store = figures_store(code)
    args = _range_args()
    try:
        period = chosen_period(args["choice"], args["first"], args["last"], store.timezone)
    except InvalidInput as error:
        return render_template("dashboard/index.html", store=store, error=error,
                               args=args, choices=RANGE_CHOICES, figures=None), 400
    figures = metrics.store_metrics(store, period)
    return render_template("dashboard/index.html", store=store, figures=figures, args=args,
                           choices=RANGE_CHOICES, charts=dashboard_charts(figures),
                           weekdays=WEEKDAYS, period=period)


@bp.get("/stores/<code>/staffing")
@login_required
def staffing_page(code: str):
    """Show associates needed (Erlang C) beside those present, and a week's plan against it."""
    store = figures_store(code)
    args = _range_args() | {"choice": request.args.get("range", "30d")}
    try:
        period = chosen_period(args["choice"], args["first"], args["last"], store.timezone)
        share = staffing.parse_target_share(request.args.get("target_share"))
        monday = shift_plan.plan_week(store, request.args.get("plan_week"))
    except InvalidInput as error:
        return render_template("dashboard/staffing.html", store=store, error=error, args=args,
                               choices=RANGE_CHOICES, result=None), 400
    result = staffing.staffing(store, period, share)
    day = _weekday_arg()
    plan = shift_plan.plan_against_need(store, monday, result)
    return render_template("dashboard/staffing.html", store=store, result=result, args=args,
                           choices=RANGE_CHOICES, weekdays=WEEKDAYS, day=day,
                           chart=staffing_chart(result, day), share=share, plan=plan,
                           plan_day=[row for row in plan["hours"] if row["weekday"] == day])


def _weekday_arg() -> int:
    value = request.args.get("day", "5")
    return int(value) if value in {str(n) for n in range(7)} else 5


@bp.get("/admin/dashboard")
@admin_required
def all_stores():
    """Show every store's headline figures side by side, from the roll-ups (admins only)."""
    args = _range_args()
    try:
        figures = chain_figures.compare_stores_rolled(stores.list_stores(), **args)
    except InvalidInput as error:
        return render_template("dashboard/stores.html", error=error, args=args,
                               choices=RANGE_CHOICES, figures=None), 400
    return render_template("dashboard/stores.html", figures=figures, args=args,
                           choices=RANGE_CHOICES, caught_up_at=rollup_upkeep.caught_up_at())


@bp.get("/stores/<code>/board")
@login_required
def live_board(code: str):
    """Show the live board of a store (for a tablet): open requests, escalations, team.

    A manager also gets, outside the live part (so a choice is not swapped away), a
    form per open break to name another backup.
    """
    store = board_store(code)
    manager = manages(store)
    return render_template("dashboard/board.html", store=store, **board.snapshot(store),
                           backup_forms=board.backup_forms(store) if manager else [],
                           manager=manager, to_answer=recovery.to_answer(store),
                           need_labels=NEED_LABELS, new_key=new_idempotency_key)


@bp.post("/stores/<code>/board/ratings/<int:request_id>/answer")
@login_required
def answer_rating(code: str, request_id: int):
    """A manager answers a poor rating on the request's thread (to the customer's page)."""
    store = managed_store(code)
    with refusals.flashed():
        thread.post_as_staff(acting_user(), request_id, request.form.get("body"),
                             key=request.form.get("idempotency_key"))
        flash("Sent to the customer.", "success")
    return redirect(url_for("dashboard.live_board", code=store.code), 303)


@bp.get("/stores/<code>/board/live")
@login_required
def live_board_part(code: str):
    """Return the board's changing part as HTML, for static/js/board.js to swap in."""
    store = board_store(code)
    return render_template("dashboard/_board.html", store=store, **board.snapshot(store))
