"""Rate limits of the public customer endpoints, shared by the pages and the API.

The counters are shared (Flask-Limiter `shared_limit`), so a flood cannot double its
allowance by alternating between the form and the JSON endpoint.

Submissions are counted per address and per address at one sign: a few addresses
spend their own budget and nobody else's. There is no per-sign limit that refuses,
because a handful of flooders would lock the sign for every real customer behind it
(an earlier version did). The per-sign figure left is a far higher ceiling that never
refuses: while a sign is past it the sign is "hot", and each address gets only the
strict allowance at that sign, so the flood needs ever more addresses while a fresh
customer is still let in; the hot sign is logged for the manager's "Clear spam".
"""

from flask import current_app, g, request
from limits import parse

from floorapp.extensions import limiter


def _sign_token() -> str:
    return str((request.view_args or {}).get("sign_token", ""))[:64]


def _address_at_sign_key() -> str:
    return f"{request.remote_addr}|{_sign_token()}"


def _address_at_sign_limit() -> str:
    """Return this address's allowance at the sign: the strict one while the sign is hot."""
    config = current_app.config
    return config["SUBMIT_STRICT_PER_ADDRESS_PER_SIGN" if sign_is_hot()
                  else "SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN"]


def _ceiling() -> tuple:
    key = current_app.config.get("RATELIMIT_KEY_PREFIX", "") + "submit-ceiling"
    return parse(current_app.config["SUBMIT_CEILING_PER_SIGN"]), key, _sign_token()


def sign_is_hot() -> bool:
    """Tell whether the sign's submissions passed its ceiling in the current window."""
    if "sign_hot" not in g:
        g.sign_hot = limiter.enabled and not limiter.limiter.test(*_ceiling())
    return g.sign_hot


def count_at_ceiling() -> None:
    """Count a submission that got past the per-address limits at the sign's ceiling."""
    if limiter.enabled and not limiter.limiter.hit(*_ceiling()) and not sign_is_hot():
        current_app.logger.warning("sign %s is past its submission ceiling (%s): each "
                                   "address now gets %s there", _sign_token()[:8],
                                   current_app.config["SUBMIT_CEILING_PER_SIGN"],
                                   current_app.config["SUBMIT_STRICT_PER_ADDRESS_PER_SIGN"])


def submit_limits(view):
    """Limit help-request submissions per address, and per address at a sign (POSTs only)."""
    view = limiter.shared_limit(_address_at_sign_limit, scope="submit-address-sign",
                                key_func=_address_at_sign_key, methods=["POST"])(view)
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
