"""Rate limits of the public customer endpoints, shared by the pages and the API.

The counters are shared (Flask-Limiter `shared_limit`), so a flood cannot double its
allowance by alternating between the form and the JSON endpoint.

Submissions are counted per address and per address at one sign: a few addresses
spend their own budget and nobody else's. There is no per-sign limit that refuses,
because a handful of flooders would lock the sign for every real customer behind it
(an earlier version did). The per-sign figure left is a far higher ceiling that never
refuses a fresh address: while a sign is past it the sign is "hot", and an address that
has already sent its strict allowance there is refused, so the flood needs ever more
addresses while a fresh customer is still let in; the hot sign is logged for the
manager's "Clear spam".
"""

from flask import current_app, request
from limits import parse

from floorapp.errors import DomainError
from floorapp.extensions import limiter


class SignBusy(DomainError):
    """A hot sign refuses an address that has already sent its strict allowance there."""

    status = 429
    code = "too_many_requests"


def _sign_token() -> str:
    return str((request.view_args or {}).get("sign_token", ""))[:64]


def _address_at_sign_key() -> str:
    return f"{request.remote_addr}|{_sign_token()}"


def _counter(name: str) -> str:
    return current_app.config.get("RATELIMIT_KEY_PREFIX", "") + name


def count_at_ceiling() -> None:
    """Count a submission that passed the per-address limits; on a hot sign, be strict.

    While the sign is past its ceiling, an address that has already sent
    SUBMIT_STRICT_PER_ADDRESS_PER_SIGN submissions there in the per-address window is
    refused (SignBusy, 429); a fresh address is still let in.
    """
    if not limiter.enabled:
        return
    config, strategy = current_app.config, limiter.limiter
    seen = parse(config["SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN"])
    strategy.hit(seen, _counter("submit-seen"), request.remote_addr or "", _sign_token())
    if strategy.hit(parse(config["SUBMIT_CEILING_PER_SIGN"]), _counter("submit-ceiling"),
                    _sign_token()):
        return
    stats = strategy.get_window_stats(seen, _counter("submit-seen"), request.remote_addr or "",
                                      _sign_token())
    if seen.amount - stats.remaining > int(config["SUBMIT_STRICT_PER_ADDRESS_PER_SIGN"]):
        current_app.logger.warning("sign %s is past its submission ceiling (%s): an address "
                                   "that already sent is refused there", _sign_token()[:8],
                                   config["SUBMIT_CEILING_PER_SIGN"])
        raise SignBusy("This sign is very busy just now. Please ask at the nearest register.")


def submit_limits(view):
    """Limit help-request submissions per address, and per address at a sign (POSTs only)."""
    view = limiter.shared_limit(lambda: current_app.config["SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN"],
                                scope="submit-address-sign",
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


def push_subscribe_limit(view):
    """Limit customers' push subscriptions per address (each one is a row the server keeps)."""
    return limiter.shared_limit(lambda: current_app.config["PUSH_SUBSCRIBE_LIMIT"],
                                scope="push-subscribe-address", methods=["POST"])(view)


def check_limits(view):
    """Limit the customer's price check per address and per sign (its page and its API).

    Shared with the page, like the submit limits, so alternating does not double them.
    The per-sign figure is a ceiling far above a store's real shoppers: it stops one
    sign being used to read the whole catalog, and refuses only reads.
    """
    view = limiter.shared_limit(lambda: current_app.config["CHECK_LIMIT_PER_SIGN"],
                                scope="check-sign", key_func=_sign_token)(view)
    return limiter.shared_limit(lambda: current_app.config["CHECK_LIMIT_PER_ADDRESS"],
                                scope="check-address")(view)


def _request_token() -> str:
    return str((request.view_args or {}).get("public_token", ""))[:64]


def message_limits(view):
    """Limit customers' messages per address and per request (POSTs; page and API share)."""
    view = limiter.shared_limit(lambda: current_app.config["MESSAGE_LIMIT_PER_REQUEST"],
                                scope="message-request", key_func=_request_token,
                                methods=["POST"])(view)
    return limiter.shared_limit(lambda: current_app.config["MESSAGE_LIMIT_PER_ADDRESS"],
                                scope="message-address", methods=["POST"])(view)


def sms_webhook_limit(view):
    """Per address: Twilio's webhooks (replies and delivery statuses) to this server."""
    return limiter.shared_limit(lambda: current_app.config["SMS_WEBHOOK_LIMIT"],
                                scope="sms_webhook")(view)
