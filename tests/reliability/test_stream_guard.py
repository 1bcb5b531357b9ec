"""The worker's stream guard, on both databases: which streams one check ends, and which not."""

from queue import SimpleQueue

import pytest
from sqlalchemy import select, update

from floorapp import stream_guard
from floorapp.extensions import db
from floorapp.models import LoginSession, User
from floorapp.services.org import sessions
from tests.factories import make_store, make_user


@pytest.fixture
def guard(make_app):
    app = make_app(STREAM_SESSION_CHECK_S=3600, STREAM_LEASE_RENEW_S=3600)  # only ours run
    guard = stream_guard.StreamGuard(app)
    yield guard
    for ticket in list(guard._tickets):
        ticket.release()


def _staff_ticket(guard, user: User) -> stream_guard.Ticket:
    token = sessions.start_session(user, address="192.0.2.1", user_agent="test")
    session_id = sessions.session_id(token)
    ticket = guard.admit(kind="staff", address="192.0.2.1", subject=f"session:{session_id}",
                         store_id=user.home_store_id, session_id=session_id,
                         version=user.session_version)
    ticket.queue = SimpleQueue()
    return ticket


def test_one_check_ends_the_stream_of_a_user_moved_to_another_store_and_no_other(guard):
    with guard.app.app_context():
        moved, stays = make_user(login="moved"), make_user(login="stays")
        db.session.commit()
        tickets = [_staff_ticket(guard, moved), _staff_ticket(guard, stays)]
        other_store = make_store(code="BOS-1")
        db.session.execute(update(User).where(User.login == "moved")  # no new session version
                           .values(home_store_id=other_store.id))
        db.session.commit()
    guard.check()
    assert [ticket.queue.qsize() for ticket in tickets] == [1, 0]
    assert tickets[0].queue.get() is stream_guard.END


def test_a_check_does_not_keep_the_session_alive(guard):
    with guard.app.app_context():
        user = make_user(login="idle")
        db.session.commit()
        ticket = _staff_ticket(guard, user)
        seen = db.session.scalar(select(LoginSession.last_seen_at))
        db.session.rollback()
    guard.check()
    with guard.app.app_context():
        assert db.session.scalar(select(LoginSession.last_seen_at)) == seen
    assert ticket.queue.empty()
    ticket.release()
