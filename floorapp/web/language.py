"""The customer pages' language: English or Spanish, from a choice, the request or the phone."""

from flask import g, request

LANGUAGES = ("en", "es")
LANGUAGE_COOKIE = "lang"


def chosen_language() -> str | None:
    """Return the language picked with the switch link (?lang=) or remembered in a cookie."""
    for raw in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if raw in LANGUAGES:
            return raw
    return None


def select_locale() -> str:
    """Pick the locale: a page's explicit choice, else the phone's Accept-Language."""
    explicit = g.get("language")
    if explicit in LANGUAGES:
        return explicit
    return request.accept_languages.best_match(LANGUAGES) or "en"


def remember_choice(response):
    """Keep a language picked with the switch link for the customer's next pages."""
    picked = request.args.get("lang")
    if picked in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, picked, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True)
    return response
