"""The moves write their pushes into the outbox, in their own transaction, to the right devices."""

from datetime import UTC, datetime, timedelta

import pytest

from floorapp.errors import Conflict
from floorapp.extensions import db
from floorapp.models import HelpRequest, PushSubscription, Status
from floorapp.services.core.transactions import begin_write
from floorapp.services.help import escalation, intake, intake_write, moves, spam
from floorapp.services.inventory import pulls
from floorapp.services.notify import outbox as outbox_writer
from tests.factories import make_product, make_sign, make_submission, submit_request
from tests.services.notify import devices
from tests.services.notify.devices import (
    BREAK,
    ON,
    WITH,
    outbox,
    pushed_to,
    set_state,
    subscribe,
    subscribe_customer,
)

shop = devices.shop  # the fixture: a store, its zones, its people and one device each


def _ids(shop, *names) -> set[int]:
    return {shop.devices[name].id for name in names}


def _submit(shop, **fields):
    return submit_request(sign=make_sign(zone=shop.women), product="Atlas runner", size="9",
                          **fields)


def test_a_submission_writes_one_high_urgency_row_per_right_device(shop, app):
    phone = subscribe(shop.people["maria"], language="es", label="phone")
    help_request = _submit(shop)
    rows = outbox(f"request-{help_request.id}")
    assert pushed_to(rows) == _ids(shop, "maria", "ada") | {phone.id} and len(rows) == 3
    assert {(r.urgency, r.ttl_s, r.store_id) for r in rows} == {
        ("high", app.config["PUSH_TTL_S"], shop.store.id)}
    by_device = {row.subscription_id: row.payload for row in rows}
    assert by_device[phone.id]["title"] == "Women's shoes · Encontrar mi talla"
    english = by_device[shop.devices["maria"].id]
    assert (english["title"], english["body"]) == ("Women's shoes · Find my size",
                                                   "Atlas runner · size 9")
    assert english["claim"] == {"request_id": help_request.id, "store": shop.store.code}


def test_a_refused_or_rolled_back_move_pushes_nothing(shop):
    help_request = _submit(shop)
    moves.claim(shop.store.id, help_request.id, shop.people["maria"])
    before = len(outbox())
    with pytest.raises(Conflict):
        moves.claim(shop.store.id, help_request.id, shop.people["sam"])
    found = moves.load_for_write(shop.store.id, help_request.id)
    moves.apply_move(found, "release", actor_id=shop.people["maria"].id,
                     now=datetime.now(UTC), values={"claimed_by_id": None})
    assert len(outbox()) > before  # the release's pushes wait in its transaction...
    db.session.rollback()  # ...which fails: nothing of it is pushed
    assert len(outbox()) == before
    assert db.session.get(type(found), help_request.id).status is Status.CLAIMED


def test_a_submission_that_rolls_back_leaves_no_request_event_or_push(shop):
    sign = make_sign(zone=shop.women)
    submission = make_submission(need="checkout")
    place = intake._place(sign.token, reserve_id=True)  # the id drawn on PostgreSQL
    found, now = submission.match(place.store_id), datetime.now(UTC)
    prepared = intake_write.prepare(place, submission, found, "a-public-token", now)
    begin_write(place.store_id)
    if prepared is None:  # SQLite: a statement each
        request_id = intake_write.write_in_turn(place, submission, found, "a-public-token", now,
                                                covered=True)
    else:  # PostgreSQL: the one statement
        intake_write.write(prepared, None, covered=True, now=now)
        request_id = prepared.request["id"]
    assert pushed_to(outbox(f"request-{request_id}")) == _ids(shop, "maria", "ada")
    db.session.rollback()  # the submission's transaction fails before its commit
    assert outbox() == [] and db.session.get(HelpRequest, request_id) is None


def test_a_claim_replaces_the_push_on_exactly_the_devices_that_got_it(shop):
    help_request = _submit(shop)
    set_state(shop.people["sam"], ON, shop.women)  # came later: never pushed this one
    count = len(outbox())
    moves.claim(shop.store.id, help_request.id, shop.people["maria"])
    rows = outbox()[count:]
    assert pushed_to(rows) == _ids(shop, "ada") and len(rows) == 1  # not the claimer
    assert rows[0].tag == f"request-{help_request.id}"
    assert (rows[0].payload["body"], rows[0].payload["silent"], rows[0].payload["actions"]) == (
        "Maria took it", True, [])
    moves.arrive(shop.store.id, help_request.id, shop.people["maria"])
    moves.resolve(shop.store.id, help_request.id, shop.people["maria"], "helped")
    last = outbox(f"request-{help_request.id}")[-1]
    assert (last.subscription_id, last.payload["body"]) == (shop.devices["ada"].id, "Resolved")


def test_a_release_alerts_the_zone_again_and_updates_the_others(shop):
    help_request = _submit(shop)
    set_state(shop.people["ada"], BREAK)
    moves.claim(shop.store.id, help_request.id, shop.people["maria"])
    count = len(outbox())
    moves.release(shop.store.id, help_request.id, shop.people["maria"])
    rows = outbox()[count:]
    alerts = [r for r in rows if not r.payload["silent"]]
    assert pushed_to(alerts) == _ids(shop, "sam", "rex")  # nobody covers it now: the floor
    assert all(r.payload["actions"] and r.urgency == "high" for r in alerts)
    assert [(r.subscription_id, r.payload["body"]) for r in rows if r.payload["silent"]] == [
        (shop.devices["ada"].id, "Back in the queue")]


def test_a_hand_off_pushes_the_named_colleague(shop):
    help_request = _submit(shop)
    moves.claim(shop.store.id, help_request.id, shop.people["maria"])
    count = len(outbox())
    moves.handoff(shop.store.id, help_request.id, shop.people["maria"], shop.people["cy"].id)
    rows = outbox()[count:]
    assert pushed_to(rows) == _ids(shop, "cy")
    assert rows[0].payload["body"].startswith("Maria handed this to you")


def test_the_customers_phone_hears_the_claim_and_is_forgotten_when_it_ends(shop):
    help_request = _submit(shop, language="es")
    phone = subscribe_customer(help_request, language="es").id
    moves.claim(shop.store.id, help_request.id, shop.people["maria"])
    (row,) = outbox(f"customer-{help_request.id}")
    assert (row.subscription_id, row.payload["title"], row.urgency) == (
        phone, "Maria va en camino", "high")
    moves.arrive(shop.store.id, help_request.id, shop.people["maria"])
    moves.resolve(shop.store.id, help_request.id, shop.people["maria"], "sold")
    assert db.session.get(PushSubscription, phone) is None
    db.session.expire_all()
    assert outbox(f"customer-{help_request.id}")[0].subscription_id is None  # kept, unlinked


@pytest.mark.parametrize("ending", ["cancel", "expire"])
def test_a_cancelled_or_expired_request_forgets_the_customers_phone(shop, ending):
    help_request = _submit(shop)
    phone = subscribe_customer(help_request).id
    if ending == "cancel":
        intake.cancel_by_customer(help_request.public_token)
    else:
        moves.expire(shop.store.id, help_request.id)
    assert db.session.get(PushSubscription, phone) is None
    assert outbox(f"customer-{help_request.id}") == []
    last = outbox(f"request-{help_request.id}")[-1]
    assert last.payload["body"] in ("Cancelled", "Expired: nobody reached the customer")


def test_an_escalation_to_level_two_pushes_the_managers_on_shift(shop):
    set_state(shop.people["boss"], WITH, shop.men)
    help_request = _submit(shop)
    count = len(outbox())
    now = datetime.now(UTC) + timedelta(minutes=1)
    assert escalation.escalate(shop.store.id, help_request.id, 1, now=now)
    assert escalation.escalate(shop.store.id, help_request.id, 2, now=now)
    rows = outbox()[count:]
    level_two = [r for r in rows if r.subscription_id == shop.devices["boss"].id]
    assert len(level_two) == 1 and level_two[0].payload["body"].startswith("Still waiting")
    assert level_two[0].payload["actions"] and level_two[0].urgency == "high"
    assert pushed_to(rows) == _ids(shop, "maria", "sam", "ada", "rex", "boss")


def test_a_pull_tells_the_stockroom_then_the_asker(shop):
    product = make_product(name="Atlas Runner", sizes=("9",), widths=("W",),
                           stock={shop.store: {("9", "W"): (0, 2, "B-12")}})
    pull = pulls.ask_for_pull(store=shop.store, user=shop.people["maria"],
                              variant_id=product.variants_by_key[("9", "W")].id)
    (asked,) = outbox(f"pull-{pull.id}")
    assert asked.subscription_id == shop.devices["rex"].id
    assert (asked.payload["title"], asked.payload["body"]) == (
        "Stock pull · Northway Atlas Runner 9 W", "Bring it to the floor · bin B-12")
    pulls.move_pull(store=shop.store, pull_id=pull.id, to="picked", user=shop.people["rex"])
    (told,) = outbox(f"pull-{pull.id}")[1:]
    assert (told.subscription_id, told.payload["body"], told.payload["silent"]) == (
        shop.devices["maria"].id, "Rex is bringing it", False)


def test_clearing_spam_closes_each_push_and_forgets_the_phones(shop):
    flood = [_submit(shop) for _ in range(3)]
    phones = [subscribe_customer(request).id for request in flood]
    spam.clear_spam(shop.store, shop.people["boss"], sign_id=None, minutes=spam.WINDOWS_MIN[0])
    for request in flood:
        last = outbox(f"request-{request.id}")[-1]
        assert (last.subscription_id, last.payload["body"]) == (shop.devices["ada"].id,
                                                               "Cancelled")
    assert all(db.session.get(PushSubscription, phone) is None for phone in phones)


def test_many_pushes_are_one_statement_and_refuse_an_unknown_urgency(shop):
    item = {"subscription_id": shop.devices["maria"].id, "store_id": shop.store.id,
            "tag": "request-1", "payload": {"v": 1}, "urgency": "urgent", "ttl_s": 60}
    with pytest.raises(ValueError, match="urgency"):
        outbox_writer.enqueue_many([item])
    outbox_writer.enqueue_many([item | {"urgency": "high"}, item | {"urgency": "low"}])
    assert db.session.info[outbox_writer.PUSH_WRITTEN]
    db.session.commit()
    assert [(r.urgency, r.attempts, r.sent_at, r.payload) for r in outbox("request-1")] == [
        ("high", 0, None, {"v": 1}), ("low", 0, None, {"v": 1})]
