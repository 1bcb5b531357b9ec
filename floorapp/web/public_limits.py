"""Rate limits of the public customer endpoints, shared by the pages and the API.

The counters are shared (Flask-Limiter `shared_limit`), so a flood cannot double its
allowance by alternating between the form and the JSON endpoint.
"""

from flask import current_app, request

from floorapp.extensions import limiter


def _sign_key() -> str:
    return "sign:" + str((request.view_args or {}).get("sign_token", ""))[:64]


def submit_limits(view):
    """Limit help-request submissions per address and per sign (POSTs only)."""
    view = limiter.shared_limit(lambda: current_app.config["SUBMIT_LIMIT_PER_SIGN"],
                                scope="submit-sign", key_func=_sign_key, methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["SUBMIT_LIMIT_PER_ADDRESS"],
                                scope="submit-address", methods=["POST"])(view)


def status_limit(view):
    """Limit the public status endpoints (page, JSON, stream) per address."""
    return limiter.shared_limit(lambda: current_app.config["STATUS_LIMIT_PER_ADDRESS"],
                                scope="status-address")(view)


def suggest_limit(view):
    """Limit the sign's product suggestions per address (a customer types a few letters)."""
    return limiter.shared_limit(lambda: current_app.config["SUGGEST_LIMIT_PER_ADDRESS"],
                                scope="suggest-address")(view)
