"""The manager's catalog pages: CSV import (upload, dry run, confirm) and API tokens.

An uploaded file waits in the instance folder under a random name between the
dry run and the confirmation, so the confirmed import is exactly the file whose
report the manager saw. What a file may change (a manager: only this store's stock;
an admin: the catalog and every store) is the service's decision, on both steps.
"""

import re
import secrets
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from floorapp.errors import DomainError, InvalidInput
from floorapp.services.inventory import catalog_import, catalog_import_scope
from floorapp.services.org import tokens
from floorapp.web import refusals
from floorapp.web.access import acting_user, managed_store

bp = Blueprint("catalog_admin", __name__)
UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _upload_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.get("/stores/<code>/catalog/import")
@login_required
def import_page(code: str):
    """Show the upload form and what the CSV must contain."""
    store = managed_store(code)
    return _render(store)


def _render(store, *, report=None, upload=None, error: DomainError | None = None, **extra):
    """Render the import page; a report with rows beyond the importer's reach is a 403."""
    chain_wide = catalog_import_scope.importer_store(acting_user(), store) is None
    status = error.status if error else 403 if report and report.forbidden else 200
    return render_template("catalog_admin/import.html", store=store, report=report,
                           upload=upload, error=error, chain_wide=chain_wide, **extra), status


@bp.post("/stores/<code>/catalog/import")
@login_required
def dry_run(code: str):
    """Check an uploaded CSV and show what it would change; keep it for the confirmation."""
    store = managed_store(code)
    try:
        data = _uploaded_csv()
        report = catalog_import.import_csv(data, dry_run=True, default_store=store,
                                           actor=acting_user())
    except DomainError as error:
        return _render(store, error=error)
    if report.forbidden:  # nothing of this file can be imported: keep nothing
        return _render(store, report=report)
    return _render(store, report=report, upload=_keep(data),
                   skip=request.form.get("skip_bad_rows") == "on")


@bp.post("/stores/<code>/catalog/import/confirm")
@login_required
def confirm(code: str):
    """Import the checked file (all or nothing unless skipping bad rows was chosen)."""
    store = managed_store(code)
    try:
        path = _kept(request.form.get("upload", ""))
        report = catalog_import.import_csv(
            path.read_bytes(), dry_run=False, default_store=store, actor=acting_user(),
            skip_bad_rows=request.form.get("skip_bad_rows") == "on")
    except DomainError as error:
        return _render(store, error=error)
    return _imported(store, report, path)


def _uploaded_csv() -> bytes:
    """Return the uploaded file's bytes (one more than the importer takes), or InvalidInput."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("Choose a CSV file to upload.")
    return upload.read(catalog_import.MAX_BYTES + 1)


def _keep(data: bytes) -> str:
    """Keep a checked file for its confirmation; return the random name the form carries."""
    name = secrets.token_urlsafe(24)
    (_upload_folder() / f"{name}.csv").write_bytes(data)
    return name


def _kept(name: str) -> Path:
    """Return the kept file the form names, or InvalidInput when it is gone."""
    path = _upload_folder() / f"{name}.csv"
    if not UPLOAD_NAME.match(name) or not path.exists():
        raise InvalidInput("That upload has expired; upload the file again.")
    return path


def _imported(store, report, path: Path):
    """Answer a confirmed import; the file stays only while it can still be imported."""
    if not report.forbidden and not report.applied:
        return _render(store, report=report, upload=path.stem, error=InvalidInput(
            "Nothing was imported: fix the rows, or skip them."))
    path.unlink(missing_ok=True)
    if report.forbidden:
        return _render(store, report=report)
    flash(f"Imported {report.rows - len(report.errors)} rows.", "success")
    return redirect(url_for("catalog_admin.import_page", code=store.code))


@bp.get("/stores/<code>/api-tokens")
@login_required
def tokens_page(code: str):
    """List this store's API tokens, with a form to create one."""
    store = managed_store(code)
    return _tokens(store)


def _tokens(store, *, new_secret: str | None = None, error: DomainError | None = None):
    status = error.status if error else 200
    return render_template("catalog_admin/tokens.html", store=store,
                           tokens=tokens.list_tokens(store), scopes=tokens.SCOPES,
                           new_secret=new_secret, error=error), status


@bp.post("/stores/<code>/api-tokens")
@login_required
def create_token(code: str):
    """Create a token for this store and show its secret this once."""
    store = managed_store(code)
    try:
        _token, raw = tokens.create_token(name=request.form.get("name", ""), store=store,
                                          scopes=request.form.getlist("scopes"),
                                          created_by=acting_user())
    except DomainError as error:
        return _tokens(store, error=error)
    response = _tokens(store, new_secret=raw)
    return response[0], 201, {"Cache-Control": "no-store"}


@bp.post("/stores/<code>/api-tokens/<int:token_id>/revoke")
@login_required
def revoke_token(code: str, token_id: int):
    """Revoke one of this store's tokens."""
    store = managed_store(code)
    with refusals.flashed():
        revoked = tokens.revoke_token(token_id, store=store, actor=acting_user())
        flash(f"Token {revoked.name!r} is revoked.", "success")
    return redirect(url_for("catalog_admin.tokens_page", code=store.code))
