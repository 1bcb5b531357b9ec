"""Texts (SMS): the number a customer gave for one request, the numbers that said STOP,
and the outbox of texts owed.

A consent belongs to one help request: its number is erased (set to NULL, the row
stays so the status page can still say what was sent) when the request ends, or, after
a resolve, once the feedback text has left; the retention purge erases any left over.
An opt-out outlives requests (a STOP must be honoured next time too), so it keeps only
a keyed hash of the number (services/notify/sms_numbers.py): the behaviour needs only
"is this number opted out?", and a table kept for ever then holds no phone numbers.

The outbox (`sms_outbox`) is written in the same transaction as the event that causes
the text; its `dedupe_key` is unique, so each text is owed once whatever replays.
"""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from floorapp.extensions import db
from floorapp.models.help import string_enum
from floorapp.models.types import UTCDateTime, utcnow


class SmsConsent(db.Model):
    """One request's "text me" number (E.164), until the request ends."""

    __tablename__ = "sms_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("help_requests.id", ondelete="CASCADE"), unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    number: Mapped[str | None] = mapped_column(String(16), index=True)  # None once erased
    last_digits: Mapped[str] = mapped_column(String(4), default="")  # "texts sent to …1234"
    language: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsOptOut(db.Model):
    """A number that answered STOP (kept as a keyed hash), until it answers START."""

    __tablename__ = "sms_opt_outs"

    number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SmsKind(enum.StrEnum):
    """Why a text is sent."""

    ON_THE_WAY = "on_the_way"
    MESSAGE = "message"
    FEEDBACK = "feedback"


class SmsOutcome(enum.StrEnum):
    """How a text ended: accepted by the provider, refused for good, opted out, or skipped."""

    SENT = "sent"
    FAILED = "failed"  # a refusal not worth retrying, or retries spent; `detail` says why
    OPTED_OUT = "opted_out"  # STOP came first (or the provider said 21610)
    ERASED = "erased"  # the number was erased before the text could leave


class SmsMessage(db.Model):
    """One text owed to one consent: the outbox row a worker claims, sends and closes.

    `claimed_until` is a lease and `attempts` guards the finish, as in push_outbox.
    """

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    consent_id: Mapped[int] = mapped_column(
        ForeignKey("sms_consents.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[SmsKind] = mapped_column(string_enum(SmsKind, "sms_kind", length=16))
    dedupe_key: Mapped[str] = mapped_column(String(80), unique=True)  # "12:on_the_way"
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow,
                                                      index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)  # when it ended
    outcome: Mapped[SmsOutcome | None] = mapped_column(
        string_enum(SmsOutcome, "sms_outcome", length=16))
    provider_sid: Mapped[str | None] = mapped_column(String(64), index=True)  # "SM…"
    delivery_status: Mapped[str] = mapped_column(String(16), default="")  # the callback's
    detail: Mapped[str] = mapped_column(Text, default="")
