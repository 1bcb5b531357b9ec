"""What the associate's queue page shows, gathered in one call for web/floor.py.

The handheld shows the store's open requests (oldest first) with my current one on
top, the colleagues I can hand off to, the catalog's answer and the thread on each card
(and whether I may answer it), which zones someone covers, the event id the live stream
resumes after, and for managers the "Clear spam" form's signs. The handler renders it;
each piece is read here.
"""

from flask import url_for

from floorapp.extensions import db
from floorapp.models import MANAGING_ROLES, Availability, Store, User
from floorapp.services.conversation import thread
from floorapp.services.core.event_log import last_event_id
from floorapp.services.help import card_answers, coverage, returns, spam, views


def queue_page(store: Store, user: User) -> dict:
    """Return the queue page's data for `user` in `store`, as the template's names."""
    backing_up = coverage.backed_up_zones(store.id, user.id)
    items = covered_first(views.open_queue(store), backing_up)
    current = views.my_current(store, user)
    covered, whole_store = views.covered_zone_ids(store)
    return {
        "items": items,
        "mine": next((item for item in items if current and item["id"] == current.id), None),
        "colleagues": views.colleagues(store, user),
        "answers": card_answers.answers(store, items),
        "after": last_event_id(db.engine, store.id),
        "covered": sorted(covered | _backed_up(store)), "whole_store": whole_store,
        "spam_signs": spam.signs_of(store) if user.role in MANAGING_ROLES else None,
        "spam_windows": spam.WINDOWS_MIN,
        "conversations": thread.conversations(user, items, photo_url=staff_photo_url),
        **going_away(store, user), "backing_up": backing_up,
    }


def _backed_up(store: Store) -> set[int]:
    """The zones of open breaks whose backup is on the floor: covered, for the page's alert."""
    return {item.zone_id for item in coverage.open_breaks(store.id)
            if item.zone_id is not None and item.backup is not None
            and item.backup.availability is Availability.ON_FLOOR}


def covered_first(items: list[dict], backing_up: dict) -> list[dict]:
    """Put the requests of the zones I back up first (oldest first within each part).

    This is the queue's half of "a zone's requests go to the backup first"; the push
    is the other (services/notify/recipients.py). Backing up the whole store changes
    no order: every request is already mine to take.
    """
    zones = {zone for zone in backing_up if zone is not None}
    return sorted(items, key=lambda item: item["zone_id"] not in zones)


def going_away(store: Store, user: User) -> dict:
    """Return what the "going away" form needs: what I hold, who can take it, my break."""
    people = [p for p in views.colleagues(store, user) if coverage.on_shift(p)]
    return {
        "held": coverage.held_requests(user),
        "on_shift": people,
        "suggested_backup": coverage.suggest_backup(store.id, user.id),
        "my_break": coverage.open_break(user.id),
        "return_choices": returns.MINUTE_CHOICES,
    }


def staff_photo_url(request_id: int, photo_id: int) -> str:
    """Return where a request's staff see one of its photos."""
    return url_for("api_messages.staff_photo", request_id=request_id, photo_id=photo_id)
