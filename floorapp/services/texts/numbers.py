"""Reading a customer's mobile number, and the keyed hash opted-out numbers are kept as.

Numbers are parsed by `phonenumbers` (Google's libphonenumber): a number typed without
"+country" is read in SMS_DEFAULT_REGION, and only a valid mobile (or a number the
library cannot tell from one) is accepted, stored as E.164 ("+15551234567").
"""

import hashlib
import hmac

import phonenumbers
from flask import current_app
from phonenumbers import NumberParseException, PhoneNumberType

from floorapp.errors import InvalidInput

MAX_TYPED = 32  # "+1 (555) 123-4567 ext. 89" is well under this
TEXTABLE = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
            PhoneNumberType.UNKNOWN}
# Twilio's default opt-out and opt-in keywords (Advanced Opt-Out's defaults)
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})


def parse_number(value: object, *, region: str | None = None) -> str:
    """Return the typed number in E.164, or raise InvalidInput (code invalid_phone)."""
    typed = value.strip() if isinstance(value, str) else ""
    if not typed or len(typed) > MAX_TYPED:
        raise InvalidInput("Please give a mobile number, such as +1 555 123 4567.",
                           code="invalid_phone")
    try:
        number = phonenumbers.parse(typed, region or current_app.config["SMS_DEFAULT_REGION"])
    except NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or \
            phonenumbers.number_type(number) not in TEXTABLE:
        raise InvalidInput("That does not look like a mobile number we can text.",
                           code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def number_hash(e164: str) -> str:
    """Return the keyed hash an opted-out number is remembered by (HMAC-SHA256, hex).

    Keyed, because ten-digit numbers are few enough to hash them all: a plain SHA-256
    of a number is as good as the number. Changing SMS_HASH_KEY forgets every STOP.
    """
    key = current_app.config.get("SMS_HASH_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(str(key).encode(), e164.encode(), hashlib.sha256).hexdigest()


def keyword(body: str) -> str | None:
    """Return "stop" or "start" when a reply is one of Twilio's keywords, else None."""
    word = " ".join(str(body).split()).upper().rstrip(".!")
    if word in STOP_WORDS:
        return "stop"
    if word in START_WORDS:
        return "start"
    return None
