"""One scope builder: every keyed call is stored as kind:caller:target, whatever its door."""

from sqlalchemy import select

from floorapp.extensions import db
from floorapp.models import IdempotencyRecord
from floorapp.services.core import idempotency
from floorapp.services.help import availability
from tests.factories import make_sign, make_user, with_pass


def _scopes(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(IdempotencyRecord.scope)))


def test_a_scope_is_the_kind_then_the_caller_then_the_target(app):
    with app.app_context():
        maria = make_user(login="maria")
        owner = idempotency.owner(user=maria)
        assert idempotency.scope("claim", owner, 34) == f"claim:u{maria.id}:34"
        assert idempotency.scope("submit", 7) == "submit:7"


def test_a_token_caller_is_named_apart_from_a_person_with_the_same_id(app):
    with app.app_context():
        maria = make_user(login="maria")
        assert idempotency.owner(token=maria) == f"t{maria.id}" != idempotency.owner(user=maria)


def test_a_keyed_queue_move_is_stored_under_the_scope_the_builder_makes(app, client, auth):
    with app.app_context():
        sign = make_sign()
        maria = make_user(login="maria", store=sign.zone.store)
        availability.set_availability(maria, "on_floor")
        token, sign_id, maria_id = sign.token, sign.id, maria.id
    created = client.post(f"/api/v1/signs/{token}/help-requests",
                          json=with_pass(client, token, {"need": "find_size"}),
                          headers={"Idempotency-Key": "customer-key"})
    rid = created.json["id"]
    auth.login("maria")
    claimed = client.post(f"/api/v1/help-requests/{rid}/claim", json={},
                          headers={"Idempotency-Key": "claim-key"})
    assert claimed.status_code == 200
    assert _scopes(app) == {idempotency.scope("submit", sign_id),
                            idempotency.scope("claim", f"u{maria_id}", rid)}
