"""A manager's "Clear spam": one action cancels a flood's waiting requests, audited.

Spam leaves the queue and the dashboards: it is not a walk-away (security item 5).
"""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from floorapp.errors import Forbidden, InvalidInput
from floorapp.extensions import db
from floorapp.models import AuditEntry, Event, EventKind, HelpRequest, Outcome, Role, Status
from floorapp.services.help import moves, spam
from floorapp.services.metrics import figures
from floorapp.services.metrics.periods import Period, local_today
from tests.factories import make_sign, make_user, submit_request


@pytest.fixture
def flood(app):
    """A store with two signs: three fresh, one old and one claimed request at the first."""
    with app.app_context():
        now = datetime.now(UTC)
        sign = make_sign()
        store = sign.zone.store
        other = make_sign(zone=sign.zone)
        fresh = [submit_request(sign=sign, note=f"spam {n}", now=now - timedelta(minutes=n))
                 for n in range(3)]
        old = submit_request(sign=sign, now=now - timedelta(minutes=90))
        claimed = submit_request(sign=sign, now=now - timedelta(minutes=1))
        associate = make_user(login="maria", store=store)
        moves.claim(store.id, claimed.id, associate)
        real = submit_request(sign=other, now=now - timedelta(minutes=2))
        make_user(login="boss", store=store, role=Role.MANAGER)
        return {"store_id": store.id, "code": store.code, "sign_id": sign.id,
                "fresh": [r.id for r in fresh], "old": old.id, "claimed": claimed.id,
                "real": real.id, "now": now}


def _status(request_id: int) -> tuple[Status, Outcome | None]:
    row = db.session.execute(select(HelpRequest.status, HelpRequest.outcome)
                             .where(HelpRequest.id == request_id)).one()
    return row.status, row.outcome


def _clear(flood, login="boss", **options):
    from floorapp.models import Store, User

    store = db.session.get(Store, flood["store_id"])
    manager = db.session.scalar(select(User).where(User.login == login))
    return spam.clear_spam(store, manager, **{"sign_id": flood["sign_id"], "minutes": 30,
                                              **options})


def test_clear_spam_cancels_only_what_waits_from_the_sign_in_the_window(app, flood):
    with app.app_context():
        assert _clear(flood).count == 3
        assert [_status(i) for i in flood["fresh"]] == [(Status.CANCELLED, Outcome.SPAM)] * 3
        assert _status(flood["old"]) == (Status.WAITING, None)  # older than the window
        assert _status(flood["claimed"])[0] is Status.CLAIMED  # an associate is on it
        assert _status(flood["real"]) == (Status.WAITING, None)  # another sign
        events = db.session.scalars(select(Event).where(
            Event.kind == EventKind.CANCELLED, Event.request_id.in_(flood["fresh"]))).all()
        assert len(events) == 3 and all(e.data == {"reason": "spam"} for e in events)
        entry = db.session.scalar(select(AuditEntry).where(
            AuditEntry.action == "help_requests.clear_spam"))
        assert entry.data == {"cleared": 3, "minutes": 30} and entry.store_id == flood["store_id"]


def test_clearing_spam_again_cancels_nothing_more(app, flood):
    with app.app_context():
        assert _clear(flood).count == 3
        assert _clear(flood).count == 0
        assert _clear(flood, sign_id=None, minutes=120).count == 2  # every sign: old and real


def test_only_a_manager_clears_spam_and_only_with_a_window_from_the_form(app, flood):
    with app.app_context():
        with pytest.raises(Forbidden):
            _clear(flood, login="maria")
        with pytest.raises(InvalidInput):
            _clear(flood, minutes=100000)
        with pytest.raises(InvalidInput):
            _clear(flood, sign_id=flood["sign_id"] + 999)
        assert _status(flood["fresh"][0]) == (Status.WAITING, None)


def test_spam_cleared_requests_are_not_walkaways_in_the_dashboard(app, flood):
    with app.app_context():
        from floorapp.models import Store

        store = db.session.get(Store, flood["store_id"])
        today = local_today(store.timezone)
        period = Period(today - timedelta(days=1), today, store.timezone)
        before = figures.store_metrics(store, period)
        _clear(flood)
        for request_id in (flood["old"], flood["real"]):  # two real customers who left
            moves.cancel(flood["store_id"], request_id)
        after = figures.store_metrics(store, period)
        assert after["walkaways"]["count"] == before["walkaways"]["count"] + 2
        assert after["requests"]["total"] == before["requests"]["total"] - 3  # not demand


def test_an_associate_cannot_resolve_with_the_spam_outcome(app, flood):
    with app.app_context(), pytest.raises(InvalidInput):
        moves.parse_outcome("spam")


def test_the_manager_clears_spam_from_the_queue_page(app, client, auth, flood):
    auth.login("boss")
    page = client.get(f"/stores/{flood['code']}/floor").get_data(as_text=True)
    assert "Clear spam" in page and 'name="minutes"' in page
    done = client.post(f"/stores/{flood['code']}/floor/clear-spam",
                       data={"sign_id": str(flood["sign_id"]), "minutes": "30"},
                       follow_redirects=True)
    assert "Cleared 3 waiting requests as spam." in done.get_data(as_text=True)
    bad = client.post(f"/stores/{flood['code']}/floor/clear-spam",
                      data={"sign_id": "x", "minutes": "7"}, follow_redirects=True)
    assert bad.status_code == 200 and "not one of this store" in bad.get_data(as_text=True)


def test_an_associate_sees_no_clear_spam_and_is_refused(app, client, auth, flood):
    auth.login("maria")
    assert "Clear spam" not in client.get(f"/stores/{flood['code']}/floor").get_data(
        as_text=True)
    refused = client.post(f"/stores/{flood['code']}/floor/clear-spam",
                          data={"sign_id": "", "minutes": "30"})
    assert refused.status_code == 403
    with app.app_context():
        assert _status(flood["fresh"][0]) == (Status.WAITING, None)
