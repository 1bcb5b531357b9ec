"""The customer's pages: the sign's form (/s/<token>) and the request's status (/h/<token>).

No account, no JavaScript needed: the form is a plain POST with a CSRF token and an
idempotency key in hidden fields; the status page refreshes itself without JS and
goes live with Server-Sent Events when it can. English and Spanish (Flask-Babel).
"""

import contextlib
import secrets

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from floorapp import realtime
from floorapp.errors import Conflict, DomainError, InvalidInput, NotFound
from floorapp.extensions import db
from floorapp.models import Need, Status
from floorapp.models.types import utcnow
from floorapp.services.conversation import photos, thread
from floorapp.services.core.idempotency import KeyReused
from floorapp.services.help import intake, views, wait_estimate
from floorapp.services.texts import consent as sms_consent
from floorapp.services.texts import views as sms_views
from floorapp.web import customer_errors, sign_pass
from floorapp.web.language import chosen_language, remember_choice
from floorapp.web.public_limits import (
    count_at_ceiling,
    message_limits,
    status_limit,
    submit_limits,
)

bp = Blueprint("customer", __name__)
customer_errors.register(bp)
bp.after_request(remember_choice)
OPEN_COOKIE = "floorapp_open"  # the public token of the request this browser has open


def need_labels() -> dict[str, str]:
    """Return the needs as the customer reads them, in the page's language."""
    return {Need.FIND_SIZE: _("Find my size"),
            Need.PRODUCT_QUESTION: _("A question about a product"),
            Need.FITTING_ROOM: _("A fitting room"), Need.CHECKOUT: _("Check out"),
            Need.OTHER: _("Something else")}


@bp.before_request
def _pick_language() -> None:
    g.language = chosen_language()


@bp.context_processor
def _language() -> dict:
    return {"language": str(get_locale() or "en")}


@bp.route("/s/<sign_token>", methods=["GET", "POST"])
@sign_pass.required(lambda: request.form.get("sign_pass"))
@submit_limits
def sign(sign_token: str):
    """Show the sign's form; on POST create the request and go to its status page.

    A second post from a browser whose request is still open at this sign goes to that
    request (its cookie names it) instead of queueing another.
    """
    found = intake.sign_for(sign_token)
    if request.method == "GET":
        return _form(found)
    count_at_ceiling()
    form = request.form.to_dict()  # its size was capped before this ran (web/wire.py)
    form["language"] = g.language or _accepted()
    try:
        number = sms_consent.check_number(form.get("mobile")) if form.get("mobile") else None
        help_request, _created = intake.submit(
            sign_token, intake.parse_submission(form),
            idempotency_key=form.get("idempotency_key"),
            open_token=request.cookies.get(OPEN_COOKIE))
    except (InvalidInput, Conflict, KeyReused) as error:
        return _form_again(found, form, error)
    if number:
        with contextlib.suppress(Conflict):  # a replay of a request that has ended since
            sms_consent.opt_in(help_request.public_token, number)
    return _to_status(help_request.public_token)


def _form_again(found, form: dict, error: DomainError):
    """Show the form again with what was typed, less what made the submit fail."""
    if isinstance(error, KeyReused):  # sent before, then changed (the back button)
        form.pop("idempotency_key", None)
    if error.code in ("product_not_in_store", "invalid_product"):
        form.pop("product_id", None)  # sent again, the typed text is matched instead
    return _form(found, error=_submission_error(error), values=form), 400


def _to_status(public_token: str):
    """Go to the request's status page; the cookie lets the sign find it open again."""
    response = redirect(url_for("customer.status", public_token=public_token), 303)
    response.set_cookie(OPEN_COOKIE, public_token, httponly=True, samesite="Lax",
                        max_age=int(current_app.config["EXPIRE_AFTER_MINUTES"]) * 60,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/s/")
    return response


def _accepted() -> str:
    return request.accept_languages.best_match(("en", "es")) or "en"


def _form(found, *, error: str | None = None, values: dict | None = None):
    return render_template("customer/sign.html", sign=found, zone=found.zone,
                           store=found.zone.store, needs=need_labels(), form_error=error,
                           wait=wait_estimate.before_asking(found.zone.store, found.zone_id,
                                                            now=utcnow()),
                           values=values or {}, idempotency_key=secrets.token_urlsafe(18),
                           sign_pass=sign_pass.issue(request.view_args["sign_token"]))


def _submission_error(error: DomainError) -> str:
    if error.code == "invalid_need":
        return _("Please choose what you need help with.")
    if error.code == "idempotency_key_reused":
        return _("This form was already sent with other answers. Please check them and send "
                 "again.")
    if error.code in ("product_not_in_store", "invalid_product"):
        return _("We could not find that product in this store. Please check its name, or "
                 "send the form as it is.")
    if error.code == "too_long":
        return _("Please keep it short: the note can be up to 280 characters.")
    if error.code in ("invalid_phone", "opted_out"):
        return _texts_error(error)
    return _("Something in the form was not right. Please check it and try again.")


@bp.get("/h/<public_token>")
@status_limit
def status(public_token: str):
    """Show where the customer's request stands (live with JS, self-refreshing without)."""
    return _status_page(intake.by_public_token(public_token))


@bp.get("/h/<public_token>/write")
@status_limit
def write_message(public_token: str):
    """The status page for writing (a message, or a number for texts) without JavaScript:
    it does not refresh itself, so what is typed is never lost (the plain page refreshes
    every 15 s and shows links here instead of its forms)."""
    return _status_page(intake.by_public_token(public_token), writing=True)


def _status_page(help_request, *, message_error: str | None = None, typed: str = "",
                 texts_error: str | None = None, typed_mobile: str = "",
                 writing: bool = False):
    """Render the status page with its thread and texts (and what was typed, on an error;
    `writing`: the no-JavaScript page to write on, which does not refresh itself)."""
    g.language = g.language or help_request.language
    token = help_request.public_token
    after = realtime.last_event_id(db.engine, help_request.store_id)
    return render_template(
        "customer/status.html", help_request=help_request,
        shown=views.customer_status(help_request), zone=help_request.zone,
        store=help_request.store, after=after,
        open=help_request.status in (Status.WAITING, Status.CLAIMED, Status.HELPING),
        rated=views.has_feedback(help_request), message_error=message_error, typed=typed,
        thread_open=thread.is_open(help_request), message_key=secrets.token_urlsafe(18),
        customer_text=thread.shown_to_customer, clock=_clock(help_request.store.timezone),
        texts=sms_views.for_status_page(help_request.id), texts_error=texts_error,
        typed_mobile=typed_mobile, writing=writing,
        messages=thread.messages(help_request.id, photo_url=lambda photo_id: url_for(
            "api_messages.customer_photo", public_token=token, photo_id=photo_id)))


@bp.post("/h/<public_token>/messages")
@message_limits
def post_message(public_token: str):
    """Post the customer's message from the page's form (no JavaScript needed)."""
    upload = request.files.get("photo")
    photo = upload.read(photos.MAX_BYTES + 1) if upload else None
    try:
        thread.post_as_customer(public_token, request.form.get("body"), photo or None,
                                key=request.form.get("idempotency_key"))
    except (InvalidInput, Conflict, KeyReused) as error:
        return _status_page(intake.by_public_token(public_token), typed=request.form.get(
            "body") or "", message_error=_message_error(error), writing=True), error.status
    return redirect(url_for("customer.status", public_token=public_token) + "#thread", 303)


@bp.post("/h/<public_token>/texts")
@status_limit
def texts(public_token: str):
    """Keep the customer's mobile number to text them about this request (no JS needed)."""
    typed = request.form.get("mobile") or ""
    try:
        sms_consent.opt_in(public_token, typed)
    except (InvalidInput, Conflict) as error:
        return _status_page(intake.by_public_token(public_token), typed_mobile=typed,
                            texts_error=_texts_error(error), writing=True), error.status
    return redirect(url_for("customer.status", public_token=public_token) + "#texts", 303)


def _texts_error(error: DomainError) -> str:
    if error.code == "opted_out":
        return _("This number asked us to stop texting it. Text START to our number to allow "
                 "texts again.")
    if error.code == "request_closed":
        return _("This request has ended, so we will not text about it.")
    return _("That does not look like a mobile number we can text. Please check it, with "
             "the country code if it is not from here.")


def _clock(timezone: str):
    """Return a message's ISO time as the store's wall clock ("14:05"), for the thread."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone or "UTC")
    return lambda at: datetime.fromisoformat(at).astimezone(zone).strftime("%H:%M")


def _message_error(error: DomainError) -> str:
    if error.code == "thread_closed":
        return _("This conversation has closed. Scan the sign again if you need help.")
    if error.code == "invalid_photo":
        return _("That photo could not be read. Please send a JPEG, PNG, WebP or HEIC photo.")
    if error.code == "photo_too_large":
        return _("That photo is too large. Please send a smaller one.")
    if error.code == "too_long":
        return _("Please keep it short: a message can be up to 500 characters.")
    if error.code == "empty_message":
        return _("Please write a message or choose a photo.")
    return _("Something in the message was not right. Please check it and try again.")


@bp.post("/h/<public_token>/cancel")
@status_limit
def cancel(public_token: str):
    """Cancel the customer's request ("I don't need help any more")."""
    try:
        intake.cancel_by_customer(public_token)
    except NotFound:
        raise
    except DomainError:
        pass  # already being helped or closed: the page shows which
    return redirect(url_for("customer.status", public_token=public_token), 303)


@bp.post("/h/<public_token>/rating")
@status_limit
def rate(public_token: str):
    """Record the customer's one-tap rating and optional comment."""
    try:
        intake.rate(public_token, request.form.get("rating"), request.form.get("comment"))
    except NotFound:
        raise
    except DomainError:
        pass  # not finished yet, or rated already: the page shows which
    return redirect(url_for("customer.status", public_token=public_token), 303)


@bp.errorhandler(sign_pass.PassRefused)
def _pass_refused(error):
    """Show the form again with a fresh pass and what the customer typed: one more tap."""
    found = intake.sign_for(request.view_args["sign_token"])  # checked: it is active
    message = (_("This form came from another website, so we did not send it. If you "
                 "filled it in here, please check it and send it again.")
               if error.code == "cross_origin" else
               _("This page was open for a while, so we did not send it yet. Please check "
                 "the form and send it again."))
    return _form(found, error=message, values=request.form.to_dict()), 403
