"""The customer's error pages, shared by the sign's pages (web/customer.py) and the price check.

A customer holding a phone at a sign gets a page in their language that says what to
do next, never a bare error: a sign whose code was replaced, a link that is not ours,
too many requests from here.
"""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from floorapp.errors import NotFound
from floorapp.services.org.signs import SignRetired
from floorapp.web.public_limits import SignBusy


def register(bp: Blueprint) -> None:
    """Answer the customer blueprint `bp`'s retired signs, unknown links and limits as pages."""
    bp.register_error_handler(SignRetired, _retired)
    bp.register_error_handler(NotFound, _not_found)
    bp.register_error_handler(RateLimitExceeded, _too_many)
    bp.register_error_handler(SignBusy, _too_many)


def _retired(_error):
    return _message(_("This code is no longer in use"),
                    _("This sign's code has been replaced. Please ask at the nearest register, "
                      "or look for another help sign nearby."), 410)


def _not_found(_error):
    return _message(_("We can't find that"),
                    _("This link is not one of ours or is incomplete. Please scan the help "
                      "sign again."), 404)


def _too_many(_error):
    return _message(_("One moment, please"),
                    _("We have received a lot of requests from here just now. Please wait a "
                      "minute and try again, or ask at the nearest register."), 429)


def _message(title: str, message: str, status: int):
    return render_template("customer/message.html", title=title, message=message), status
