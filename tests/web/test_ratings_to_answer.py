"""A poor rating on the live board: its story, a manager's answer on the customer's page."""

from datetime import UTC, datetime, timedelta

import pytest

from floorapp.models import Role
from floorapp.services.help import intake, moves
from tests.factories import make_sign, make_user, submit_request


@pytest.fixture
def rated(app):
    """A request Maria helped, rated 1 of 5 with a comment a minute ago."""
    with app.app_context():
        sign = make_sign()
        store = sign.zone.store
        maria = make_user(login="maria", name="Maria Lopez", store=store)
        make_user(login="boss", name="Ada Boss", store=store, role=Role.MANAGER)
        now = datetime.now(UTC)
        request = submit_request(sign=sign, now=now - timedelta(minutes=8),
                                 product="Trail Runner", size="9 W")
        moves.claim(store.id, request.id, maria, now=now - timedelta(minutes=6))
        moves.arrive(store.id, request.id, maria, now=now - timedelta(minutes=5))
        moves.resolve(store.id, request.id, maria, "out_of_stock",
                      now=now - timedelta(minutes=2))
        intake.rate(request.public_token, "1", "Nobody knew if it was in stock",
                    now=now - timedelta(minutes=1))
        return {"code": store.code, "id": request.id, "token": request.public_token}


def test_a_manager_answers_a_poor_rating_from_the_board(client, auth, rated):
    auth.login("boss")
    board = client.get(f"/stores/{rated['code']}/board").text
    assert f'id="rating-{rated["id"]}"' in board
    assert "1 of 5" in board and "Nobody knew if it was in stock" in board
    assert "helped by Maria" in board and "Trail Runner" in board and "waited 2 min" in board
    answer = client.post(f"/stores/{rated['code']}/board/ratings/{rated['id']}/answer",
                         data={"body": "So sorry. I have the 9 W at the desk for you.",
                               "idempotency_key": "answer-1"})
    assert answer.status_code == 303
    assert f'id="rating-{rated["id"]}"' not in client.get(f"/stores/{rated['code']}/board").text
    status = client.get(f"/h/{rated['token']}").text
    assert "So sorry. I have the 9 W at the desk for you." in status


def test_an_associate_sees_the_rating_but_cannot_answer_for_the_store(app, client, auth,
                                                                      rated):
    auth.login("maria")
    board = client.get(f"/stores/{rated['code']}/board").text
    assert "Nobody knew if it was in stock" in board and "Answer on their page" not in board
    refused = client.post(f"/stores/{rated['code']}/board/ratings/{rated['id']}/answer",
                          data={"body": "hi", "idempotency_key": "k"})
    assert refused.status_code == 403


def test_an_empty_answer_is_refused_with_a_message_and_nothing_sent(client, auth, rated):
    auth.login("boss")
    answer = client.post(f"/stores/{rated['code']}/board/ratings/{rated['id']}/answer",
                         data={"body": "   ", "idempotency_key": "k"}, follow_redirects=True)
    assert "Please write a message." in answer.text
    assert f'id="rating-{rated["id"]}"' in answer.text  # still to answer
