"""Usual devices: the login throttle slows guessing without locking the owner out.

A successful login sets a signed, HttpOnly cookie that names the logins which have
logged in on this browser (a shared handheld holds several). The OWASP "device
cookie" scheme then counts failed logins in two pools:

- from a usual device of the account: per (account, device), LOGIN_LIMIT_PER_DEVICE,
  and nothing else, so a stranger's guesses never lock an associate out of their
  handheld;
- from anywhere else: per address (LOGIN_LIMIT_PER_ADDRESS), per (account, address)
  (LOGIN_LIMIT_PER_ACCOUNT_ADDRESS) and, across every address, per account
  (LOGIN_LIMIT_PER_ACCOUNT), so a guesser who switches addresses is still limited.

The cookie proves only that this browser once knew the password: it is signed with
the app's secret key, so it cannot be made up, and its own counter limits a stolen one.
"""

import secrets

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer

from floorapp.services.org import users

COOKIE = "floorapp_device"
MAX_LOGINS = 10  # the accounts one shared handheld remembers
MAX_AGE_S = 180 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def _device() -> dict:
    """Return the request's verified device cookie ({} when missing or not ours)."""
    if "login_device" not in g:
        try:
            device = _serializer().loads(request.cookies.get(COOKIE, ""))
        except BadSignature:
            device = {}
        valid = isinstance(device, dict) and isinstance(device.get("logins"), list)
        g.login_device = device if valid and isinstance(device.get("id"), str) else {}
    return g.login_device


def _submitted_login() -> str:
    return users.normalize_login(request.form.get("login", ""))[:64]


def is_usual_device() -> bool:
    """Tell whether this browser has logged in as the submitted account before."""
    return _submitted_login() in _device().get("logins", [])


def is_stranger() -> bool:
    """The opposite of `is_usual_device` (for Flask-Limiter's exempt_when)."""
    return not is_usual_device()


def device_key() -> str:
    """Count a usual device's failures per (account, device)."""
    return f"login-device:{_submitted_login()}:{_device().get('id', '')}"


def account_key() -> str:
    """Count strangers' failures per account, from every address together."""
    return f"login-account:{_submitted_login()}"


def account_address_key() -> str:
    """Count strangers' failures per (account, address)."""
    return f"login-account-address:{_submitted_login()}:{get_remote_address()}"


def remember(response, login: str):
    """After a successful login, make this browser a usual device of `login`."""
    device = _device()
    logins = [login] + [known for known in device.get("logins", []) if known != login]
    value = _serializer().dumps({"id": device.get("id") or secrets.token_urlsafe(12),
                                 "logins": logins[:MAX_LOGINS]})
    response.set_cookie(COOKIE, value, max_age=MAX_AGE_S, path="/login", httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
