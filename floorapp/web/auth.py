"""Logging in and out, with throttling of failed attempts that spares the owner's device.

How failures are counted (per device, per account and address, per account, per
address) is in web/login_devices.py.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from floorapp.errors import Unauthorized
from floorapp.extensions import limiter
from floorapp.services.notify import subscriptions
from floorapp.services.org import sessions, users
from floorapp.web import login_devices
from floorapp.web.errors import wants_json
from floorapp.web.redirects import safe_next

bp = Blueprint("auth", __name__)
BAD_CREDENTIALS = "That login and password don't match an active account."


class LoginForm(FlaskForm):
    """The login form (CSRF-protected)."""

    login = StringField("Login", validators=[DataRequired(), Length(max=64)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


def configure_login(manager: LoginManager) -> None:
    """Tell Flask-Login how to load users and where the login page is."""
    manager.user_loader(_load_user)
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to continue."
    manager.login_message_category = "info"
    manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """Send people to the login page; answer API clients with a 401 instead."""
    if wants_json():
        raise Unauthorized("Log in or send an API token to use this.")
    flash("Please log in to continue.", "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _load_user(session_user_id: str):
    return sessions.load_session_user(session_user_id, session.get("sid"),
                                      idle=current_app.config["SESSION_IDLE"])


def _login_failed(response) -> bool:
    """Count an attempt against the limits unless it logged the user in."""
    return response.status_code != 302


def _limit(setting: str, key_func=None, *, exempt_when):
    """Limit failed login POSTs by `setting`, counted by `key_func` (the address if None)."""
    return limiter.limit(lambda: current_app.config[setting], key_func=key_func,
                         methods=["POST"], deduct_when=_login_failed, exempt_when=exempt_when)


@bp.route("/login", methods=["GET", "POST"])
@_limit("LOGIN_LIMIT_PER_DEVICE", login_devices.device_key,
        exempt_when=login_devices.is_stranger)
@_limit("LOGIN_LIMIT_PER_ACCOUNT", login_devices.account_key,
        exempt_when=login_devices.is_usual_device)
@_limit("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", login_devices.account_address_key,
        exempt_when=login_devices.is_usual_device)
@_limit("LOGIN_LIMIT_PER_ADDRESS", exempt_when=login_devices.is_usual_device)
def login():
    """Show the login form; log the user in with a fresh session."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.errors else 200
    user = users.authenticate(form.login.data, form.password.data)
    if user is None:
        return render_template("auth/login.html", form=form,
                               error=Unauthorized(BAD_CREDENTIALS)), 401
    next_page = safe_next(request.args.get("next"))
    _start_session(user)
    return login_devices.remember(redirect(next_page or url_for("home.index")), user.login)


def _start_session(user) -> None:
    """Log `user` in with a fresh session that the server can end (its `sid`)."""
    token = sessions.start_session(user, address=request.remote_addr or "",
                                   user_agent=request.user_agent.string)
    session.clear()  # nothing from before the login survives into the new session
    login_user(user, remember=False)
    session["sid"] = token
    session.permanent = True


@bp.post("/logout")
@login_required
def logout():
    """Log out: end the session on the server (and its devices' pushes), drop the cookie."""
    subscriptions.log_out(session.get("sid"))
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
