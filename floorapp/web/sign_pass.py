"""The sign's page pass: a signed token the sign's page carries and its submit must return.

A post that creates a help request must come from a page (or an API read) of that same
sign, served by us, in the last couple of hours: the pass is the sign's token and the
time it was issued, signed with the app's secret (itsdangerous), so checking it reads
nothing from the database. A hostile web page cannot read our page across origins, so
it cannot make its visitors' browsers submit; and when the browser says where a post
comes from (Origin, Sec-Fetch-Site) a post from another site is refused outright.

The check runs before the submit's rate limits, so a refused post spends nobody's
budget: not the address of an innocent visitor of that hostile page.
"""

import functools
from urllib.parse import urlsplit

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from floorapp.errors import Forbidden
from floorapp.services.help import intake

SALT = "floorapp.sign-pass"
SAME_SITE = ("same-origin", "none")  # "none": typed, bookmarked, or opened from the QR code


class PassRefused(Forbidden):
    """A submit without a valid pass of its sign, or from another site (403)."""

    code = "sign_pass_refused"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def issue(sign_token: str) -> str:
    """Return a fresh pass for the page of the sign `sign_token`."""
    return _serializer().dumps(sign_token[:64])


def check(sign_token: str, value: object) -> None:
    """Refuse (PassRefused) a submit from another site or without this sign's fresh pass."""
    if not _same_origin():
        raise PassRefused("This form was sent from another website. Please use the form on "
                          "this page.", code="cross_origin")
    max_age = int(current_app.config["SIGN_PASS_MAX_AGE_S"])
    try:
        if not isinstance(value, str) or len(value) > 200:
            raise BadSignature("no pass")
        signed = _serializer().loads(value, max_age=max_age)
    except SignatureExpired:
        raise PassRefused("This page was open for a long time. Please send the form again.",
                          code="sign_pass_expired") from None
    except BadSignature:
        signed = None
    if signed != sign_token[:64]:
        raise PassRefused("Please send the form from the help sign's page.",
                          code="sign_pass_missing")


def refuse_other_sites() -> None:
    """Refuse (403) a public post that the browser says another site sent (no pass needed)."""
    if not _same_origin():
        raise PassRefused("This was sent from another website.", code="cross_origin")


def _same_origin() -> bool:
    """Tell whether the browser's own headers (when it sends them) say this site posted.

    Sec-Fetch-Site, set by the browser and not by the page, decides when present.
    Chromium sends `Origin: null` for our own form's post (a same-origin navigation
    under our CSP and referrer policy), so "null" tells nothing and only a real origin
    is compared.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in SAME_SITE
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True  # an older browser or a non-browser client: the pass decides
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc) == (request.scheme, request.host)


def required(field_of):
    """Decorate a submit view: check the pass that `field_of()` reads before anything else."""
    def decorate(view):
        @functools.wraps(view)
        def checked(*args, **kwargs):
            if request.method == "POST":
                try:
                    check(kwargs.get("sign_token", ""), field_of())
                except PassRefused:
                    intake.sign_for(kwargs.get("sign_token", ""))  # 404 or 410 first
                    raise
            return view(*args, **kwargs)
        return checked
    return decorate
