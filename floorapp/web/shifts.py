"""The managers' shift planner: a week's shifts, add, edit and delete, CSV in and out.

Every route answers only the store's managers and admins (`managed_store`); another
store's shift id answers 404 like a missing one. All of it works without JavaScript.
"""

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from floorapp.api.metrics import csv_response
from floorapp.errors import DomainError, InvalidInput
from floorapp.services.core.input_parsing import parse_date
from floorapp.services.metrics.periods import local_today
from floorapp.services.org import shift_csv, shifts, users
from floorapp.services.org.shift_times import next_week, week_of
from floorapp.web import refusals
from floorapp.web.access import acting_user, managed_store

bp = Blueprint("shifts", __name__)


def _week(store) -> date:
    """Return the Monday of the week the page asks for (`week`, any day), or next week."""
    value = request.values.get("week")
    if not value:
        return next_week(local_today(store.timezone))
    return week_of(parse_date(value, "week"))


def _page(store, monday: date | None = None, *, error: DomainError | None = None,
          report=None, editing=None):
    if monday is None:
        try:
            monday = _week(store)
        except InvalidInput as bad_week:
            monday, error = next_week(local_today(store.timezone)), error or bad_week
    days = [monday + timedelta(days=n) for n in range(7)]
    week = shifts.week_shifts(store, monday)
    staff = [person for person in users.store_staff(store)
             if person.active and person.role in shifts.STAFF_ROLES]
    status = error.status if error else 200
    return render_template("shifts/index.html", store=store, monday=monday, days=days,
                           by_day={day: [s for s in week if s.local_date == day] for day in days},
                           staff=staff, error=error, report=report, editing=editing,
                           previous_week=monday - timedelta(days=7),
                           following_week=monday + timedelta(days=7),
                           zones=[zone for zone in store.zones if zone.active]), status


def _form_fields() -> dict:
    form = request.form
    return {"login": form.get("login", ""), "day": form.get("day", ""),
            "start": form.get("start", ""), "end": form.get("end", ""),
            "zone_id": form.get("zone_id", "")}


def _back(store, day: date):
    return redirect(url_for("shifts.index", code=store.code, week=week_of(day).isoformat()))


@bp.get("/stores/<code>/shifts")
@login_required
def index(code: str):
    """Show a week's shifts (next week unless `week` names another) with the forms."""
    return _page(managed_store(code))


@bp.post("/stores/<code>/shifts")
@login_required
def add(code: str):
    """Plan a shift."""
    store = managed_store(code)
    try:
        shift = shifts.add_shift(store, **_form_fields(), actor=acting_user())
    except DomainError as error:
        return _page(store, error=error)
    flash(f"Planned {shift.user.name} on {shift.local_date:%a %d %b} "
          f"{shift.start_time:%H:%M}–{shift.end_time:%H:%M}.", "success")
    return _back(store, shift.local_date)


@bp.get("/stores/<code>/shifts/<int:shift_id>")
@login_required
def edit(code: str, shift_id: int):
    """Show the form to change one shift."""
    store = managed_store(code)
    shift = shifts.store_shift(store, shift_id)
    return _page(store, week_of(shift.local_date), editing=shift)


@bp.post("/stores/<code>/shifts/<int:shift_id>")
@login_required
def update(code: str, shift_id: int):
    """Change one shift."""
    store = managed_store(code)
    try:
        shift = shifts.update_shift(store, shift_id, **_form_fields(), actor=acting_user())
    except DomainError as error:
        shift = shifts.store_shift(store, shift_id)
        return _page(store, week_of(shift.local_date), error=error, editing=shift)
    flash(f"Changed {shift.user.name}'s shift.", "success")
    return _back(store, shift.local_date)


@bp.post("/stores/<code>/shifts/<int:shift_id>/delete")
@login_required
def delete(code: str, shift_id: int):
    """Remove one shift."""
    store = managed_store(code)
    day = shifts.store_shift(store, shift_id).local_date
    with refusals.flashed():
        removed = shifts.delete_shift(store, shift_id, actor=acting_user())
        flash(f"Removed {removed.user.name}'s shift on {day:%a %d %b}.", "success")
    return _back(store, day)


@bp.post("/stores/<code>/shifts/import")
@login_required
def import_csv(code: str):
    """Import shifts from CSV: all or nothing, unless skipping bad rows was chosen."""
    store = managed_store(code)
    try:
        report = shift_csv.import_csv(store, _uploaded(), actor=acting_user(),
                                      skip_bad_rows=request.form.get("skip_bad_rows") == "on")
    except DomainError as error:
        return _page(store, error=error)
    if not report.applied:
        return _page(store, report=report, error=InvalidInput(
            "Nothing was imported: fix the bad rows, or tick “skip bad rows”."))
    flash(f"Imported {report.added} shifts; {report.already_there} were already planned"
          f"{f'; skipped {len(report.errors)} bad rows' if report.errors else ''}.", "success")
    return _page(store, report=report)


def _uploaded() -> bytes:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("Choose a CSV file to upload.")
    return upload.read(shift_csv.MAX_BYTES + 1)


@bp.get("/stores/<code>/shifts.csv")
@login_required
def export_csv(code: str):
    """Download a week's shifts as CSV, in the format the import reads."""
    store = managed_store(code)
    monday = _week(store)
    return csv_response(shift_csv.export_csv(store, monday),
                        f"shifts-{store.code}-{monday.isoformat()}.csv")
