"""The queue page's data in one call, and the staff's moves by name."""

from datetime import UTC, datetime, timedelta

import pytest

from floorapp.errors import InvalidInput
from floorapp.models import Status
from floorapp.services.help import availability, moves
from floorapp.services.help.queue_page import queue_page
from tests.factories import submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


@pytest.fixture
def queue(floor):
    """Two waiting requests; the manager is on the floor too."""
    sign, store, maria, sam, boss = floor
    availability.set_availability(boss, "on_floor", now=T0)
    yield store, maria, sam, boss, submit_request(sign=sign, now=T0), submit_request(
        sign=sign, now=T0 + timedelta(seconds=30))


def test_the_queue_page_puts_my_claimed_request_on_top_and_shows_no_spam_form(queue):
    store, maria, sam, boss, first, second = queue
    moves.make_move("claim", store.id, second.id, maria, {})
    page = queue_page(store, maria)
    assert [item["id"] for item in page["items"]] == [first.id, second.id]
    assert page["mine"]["id"] == second.id
    assert {user.id for user in page["colleagues"]} == {sam.id, boss.id}
    assert page["spam_signs"] is None and page["after"] > 0


def test_a_manager_sees_the_spam_form_and_nothing_of_their_own(queue):
    store, _maria, _sam, boss, *_ = queue
    page = queue_page(store, boss)
    assert page["mine"] is None and len(page["spam_signs"]) == 1


def test_make_move_reads_the_fields_its_move_needs(queue):
    store, maria, _sam, boss, first, _second = queue
    moves.make_move("claim", store.id, first.id, maria, {})
    moves.make_move("handoff", store.id, first.id, maria, {"to_user_id": str(boss.id)})
    moves.make_move("arrive", store.id, first.id, boss, {})
    resolved = moves.make_move("resolve", store.id, first.id, boss, {"outcome": "sold"})
    assert resolved.status is Status.RESOLVED and resolved.outcome.value == "sold"
    with pytest.raises(InvalidInput):
        moves.make_move("teleport", store.id, first.id, boss, {})
