"""Who is pushed: each rule of services/notify/recipients.py, on real rows, both backends."""

from floorapp.extensions import db
from floorapp.services.notify import recipients
from floorapp.services.org import sessions
from tests.factories import make_store, make_user
from tests.services.notify import devices
from tests.services.notify.devices import BREAK, OFF, ON, WITH, go_idle, set_state, subscribe

shop = devices.shop  # the fixture: a store, its zones, its people and one device each


def _owners(shop, subscriptions) -> set[str]:
    by_id = {device.id: name for name, device in shop.devices.items()}
    return {by_id[s.id] for s in subscriptions}


def test_a_new_request_goes_to_those_on_the_floor_covering_its_zone_or_the_store(shop):
    found = recipients.for_new_request(shop.store.id, shop.women.id)
    assert _owners(shop, found) == {"maria", "ada"}  # not with a customer, on break or off


def test_a_zone_nobody_covers_goes_to_everyone_on_the_floor(shop):
    set_state(shop.people["maria"], OFF)
    set_state(shop.people["ada"], BREAK)
    found = recipients.for_new_request(shop.store.id, shop.women.id)
    assert _owners(shop, found) == {"sam", "rex"}


def test_every_live_device_of_a_person_is_pushed_and_the_actor_never(shop):
    second = subscribe(shop.people["maria"], label="phone")
    found = recipients.for_new_request(shop.store.id, shop.women.id,
                                       actor_id=shop.people["ada"].id)
    assert {s.id for s in found} == {shop.devices["maria"].id, second.id}


def test_an_ended_idle_or_outdated_session_gets_nothing(shop, app):
    sessions.end_session(shop.devices["maria"].token)  # logged out on the shared handheld
    go_idle(shop.devices["ada"], app.config["SESSION_IDLE"].total_seconds() / 60 + 1)
    assert recipients.for_new_request(shop.store.id, shop.women.id) == []
    set_state(shop.people["sam"], ON, shop.women)
    shop.people["sam"].session_version += 1  # a role change ends every session
    set_state(shop.people["rex"], ON, shop.women)
    shop.people["rex"].active = False
    db.session.commit()
    assert recipients.for_new_request(shop.store.id, shop.women.id) == []


def test_a_session_used_within_the_idle_window_still_counts(shop, app):
    go_idle(shop.devices["maria"], app.config["SESSION_IDLE"].total_seconds() / 60 - 1)
    assert "maria" in _owners(shop, recipients.for_new_request(shop.store.id, shop.women.id))


def test_other_stores_never_get_a_push(shop):
    other = make_store(zones=("Women's shoes",))
    stranger = make_user(name="Olga Other", store=other)
    set_state(stranger, ON)
    subscribe(stranger)
    for found in (recipients.for_new_request(shop.store.id, shop.women.id),
                  recipients.for_escalation(shop.store.id, 1),
                  recipients.for_stockroom(shop.store.id)):
        assert all(s.store_id == shop.store.id and s.user_id != stranger.id for s in found)
    assert recipients.for_people(shop.store.id, [stranger.id]) == []


def test_level_one_escalation_goes_to_everyone_on_the_floor(shop):
    found = recipients.for_escalation(shop.store.id, 1)
    assert _owners(shop, found) == {"maria", "sam", "ada", "rex"}


def test_level_two_goes_to_the_managers_on_shift_else_the_floor(shop):
    assert _owners(shop, recipients.for_escalation(shop.store.id, 2)) == {
        "maria", "sam", "ada", "rex"}  # the manager is off: the floor, not nobody
    set_state(shop.people["boss"], WITH, shop.men)
    assert _owners(shop, recipients.for_escalation(shop.store.id, 2)) == {"boss"}
    set_state(shop.people["boss"], ON)
    assert _owners(shop, recipients.for_escalation(shop.store.id, 2)) == {"boss"}


def test_a_pull_goes_to_whoever_covers_a_stockroom_zone_else_the_floor(shop):
    assert _owners(shop, recipients.for_stockroom(shop.store.id)) == {"rex"}
    set_state(shop.people["rex"], BREAK)
    assert _owners(shop, recipients.for_stockroom(
        shop.store.id, actor_id=shop.people["maria"].id)) == {"sam", "ada"}


def test_named_people_get_their_live_devices_but_not_the_actor(shop):
    people = shop.people
    found = recipients.for_people(shop.store.id, [people["bo"].id, people["sam"].id, None],
                                  actor_id=people["sam"].id)
    assert _owners(shop, found) == {"bo"}  # on break: a hand-off names them all the same
