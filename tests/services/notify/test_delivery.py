"""Delivery from the outbox to the push service stand-in, on SQLite and PostgreSQL."""

import json
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from floorapp import push_dispatch
from floorapp.extensions import db
from floorapp.models import PushMessage, PushOutcome, PushSubscription
from floorapp.models.types import utcnow
from floorapp.services.notify import delivery, outbox
from floorapp.services.notify.sender import SENT, Outcome
from tests.factories import make_help_request
from tests.services.notify.conftest import push, push_config, row, subscribe
from tests.webpush.push_service import subscription_id


def test_a_push_accepted_with_201_is_marked_sent_and_arrives_with_its_id(push_app, service):
    subscription = subscribe(service, label="tc52")
    message = push(subscription, tag="request-7", body="Atlas Runner 9 W")
    assert push_dispatch.drain_once()["sent"] == 1
    (arrival,) = service.wait_for(1)
    assert json.loads(arrival.payload) == {"v": 1, "tag": "request-7",
                                           "body": "Atlas Runner 9 W", "push_id": message.id}
    sent = row(message.id)
    assert (sent.outcome, sent.attempts, sent.claimed_until) == (PushOutcome.SENT, 1, None)
    assert sent.sent_at is not None
    assert db.session.get(PushSubscription, subscription.id).last_pushed_at == sent.sent_at
    assert push_dispatch.drain_once()["sent"] == 0  # nothing is sent twice


@pytest.mark.parametrize("status", [404, 410])
def test_a_404_or_410_deletes_the_subscription_and_closes_its_pushes(push_app, service, status):
    subscription = subscribe(service)
    gone_id, kept = subscription.id, subscribe(service, label="other")
    first, second = push(subscription, tag="request-1"), push(subscription, tag="request-2")
    push(kept)
    service.fail(subscription_id({"endpoint": subscription.endpoint}), status)
    report = push_dispatch.drain_once()
    assert report["sent"] == 1 and report["gone"] >= 1  # both may be in flight at once
    assert db.session.get(PushSubscription, gone_id) is None
    assert db.session.get(PushSubscription, kept.id) is not None
    for message_id in (first.id, second.id):
        gone = row(message_id)
        assert (gone.outcome, gone.subscription_id) == (PushOutcome.GONE, None)
        assert gone.detail.startswith(str(status))
    assert [a.label for a in service.arrivals] == ["other"]


def test_a_429_waits_for_its_retry_after_then_sends(push_app, service):
    subscription = subscribe(service)
    message = push(subscription)
    sub_id = subscription_id({"endpoint": subscription.endpoint})
    service.fail(sub_id, 429, retry_after=30, times=1)
    started = utcnow()
    assert push_dispatch.drain_once(now=started)["retry"] == 1
    waiting = row(message.id)
    assert waiting.sent_at is None and waiting.claimed_until is None
    assert waiting.next_attempt_at == started + timedelta(seconds=30)
    assert waiting.detail == "attempt 1: 429 injected 429"
    assert push_dispatch.drain_once(now=started + timedelta(seconds=29))["sent"] == 0
    assert push_dispatch.drain_once(now=started + timedelta(seconds=30))["sent"] == 1
    assert row(message.id).attempts == 2


def test_a_500_retries_after_2_4_8_16_seconds_then_gives_up_saying_why(push_app, service):
    subscription = subscribe(service)
    message = push(subscription)
    service.fail(subscription_id({"endpoint": subscription.endpoint}), 500)
    now, waits = utcnow(), []
    for _ in range(4):
        assert push_dispatch.drain_once(now=now)["retry"] == 1
        next_at = row(message.id).next_attempt_at
        waits.append((next_at - now).total_seconds())
        now = next_at
    assert waits == [2, 4, 8, 16]
    push_dispatch.drain_once(now=now)
    given_up = row(message.id)
    assert (given_up.outcome, given_up.attempts) == (PushOutcome.GAVE_UP, 5)
    assert given_up.detail == "gave up after 5 attempts: 500 injected 500"
    assert len(service.attempts) == 5


def test_a_refusal_like_400_or_a_redirect_gives_up_at_once_with_the_status(push_app, service):
    refused, redirected = subscribe(service), subscribe(service)
    trap = service.new_subscription("trap")
    service.fail(subscription_id({"endpoint": refused.endpoint}), 400)
    service.fail(subscription_id({"endpoint": redirected.endpoint}), 307,
                 location=trap["endpoint"])
    first, second = push(refused), push(redirected)
    report = push_dispatch.drain_once()
    assert report["fail"] == 2
    assert row(first.id).detail == "400 injected 400"
    assert row(second.id).detail == "307 injected 307 (redirect not followed)"
    assert {row(m.id).outcome for m in (first, second)} == {PushOutcome.GAVE_UP}
    assert all("/push/" + subscription_id(trap) != path for path, _ in service.attempts)


def test_a_stalled_push_service_does_not_hold_up_the_others(push_app, service):
    stalled = subscribe(service, label="stalled")
    service.stall(subscription_id({"endpoint": stalled.endpoint}), 3.0)
    push(stalled)
    fine = [subscribe(service, label=f"fine-{n}") for n in range(3)]
    for subscription in fine:
        push(subscription)
    started = time.monotonic()
    report = push_dispatch.drain_once()
    arrivals = service.wait_for(3)
    assert (report["sent"], report["retry"]) == (3, 1)
    assert max(a.monotonic for a in arrivals) - started < 0.5
    assert time.monotonic() - started >= 1.0  # the stalled one waited out PUSH_TIMEOUT_S
    (left,) = db.session.scalars(select(PushMessage).where(PushMessage.sent_at.is_(None)))
    assert left.detail == "attempt 1: push service did not answer within 1 s"


def test_a_lease_that_ran_out_is_sent_again_and_the_late_worker_cannot_overwrite_it(
        push_app, service):
    message = push(subscribe(service))
    now = utcnow()
    (dead_workers,) = delivery.claim(10, now=now)  # claimed, then the worker died
    assert push_dispatch.drain_once(now=now + timedelta(seconds=29))["sent"] == 0
    assert push_dispatch.drain_once(now=now + timedelta(seconds=30))["sent"] == 1
    assert row(message.id).attempts == 2
    assert delivery.finish(dead_workers, Outcome("fail", 400, "late")) is False
    assert (row(message.id).outcome, row(message.id).detail) == (PushOutcome.SENT, "")


def test_a_rolled_back_transaction_leaves_no_push(push_app, service):
    subscription = subscribe(service)
    outbox.enqueue(subscription, tag="request-1", payload={"v": 1})
    db.session.flush()
    db.session.rollback()
    assert outbox.PUSH_WRITTEN not in db.session.info
    assert db.session.scalar(select(func.count()).select_from(PushMessage)) == 0
    assert push_dispatch.drain_once()["sent"] == 0 and service.attempts == []


def test_pushes_of_a_removed_subscription_are_closed_and_never_sent(push_app, service):
    subscription = subscribe(service)
    message = push(subscription)
    db.session.delete(subscription)
    db.session.commit()
    assert push_dispatch.drain_once()["closed"] == 1
    closed = row(message.id)
    assert (closed.outcome, closed.detail) == (PushOutcome.GAVE_UP, "subscription removed")
    assert service.attempts == []


def test_a_finish_records_once_even_when_two_senders_report(push_app, service):
    message = push(subscribe(service))
    (claimed,) = delivery.claim(1)
    assert delivery.finish(claimed, Outcome(SENT, 201)) is True
    assert delivery.finish(claimed, Outcome(SENT, 201)) is False
    assert row(message.id).outcome is PushOutcome.SENT


def test_two_workers_draining_at_once_send_each_push_exactly_once(make_app, service):
    apps = [make_app(**push_config(PUSH_SENDERS=3)) for _ in range(2)]
    with apps[0].app_context():
        help_request = make_help_request()
        ids = [push(subscribe(service, label=f"d{n}", help_request=help_request),
                    tag=f"request-{n}").id for n in range(40)]
    barrier = threading.Barrier(2)
    reports = []

    def worker(app):
        with app.app_context():
            barrier.wait()
            reports.append(push_dispatch.drain_once())

    threads = [threading.Thread(target=worker, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    arrivals = service.wait_for(40)
    push_ids = sorted(json.loads(a.payload)["push_id"] for a in arrivals)
    assert push_ids == sorted(ids)
    assert sum(r["sent"] for r in reports) == 40 and len(service.attempts) == 40


def test_claimers_racing_on_one_outbox_each_lease_different_rows(make_app, service):
    apps = [make_app(**push_config()) for _ in range(4)]
    with apps[0].app_context():
        subscription = subscribe(service)
        ids = {push(subscription, tag=f"request-{n}").id for n in range(60)}
    barrier, leased = threading.Barrier(4), []

    def claimer(app):
        with app.app_context():
            barrier.wait()
            while batch := delivery.claim(3):
                leased.extend(p.id for p in batch)

    threads = [threading.Thread(target=claimer, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(leased) == sorted(ids)  # every row once: none twice, none left


def test_finished_pushes_leave_the_outbox_after_three_days_unfinished_ones_stay(
        push_app, service):
    from floorapp.services.core import maintenance

    subscription = subscribe(service)
    old, recent, waiting = push(subscription), push(subscription), push(subscription)
    now = utcnow()
    for message, age in ((old, timedelta(days=3, minutes=1)), (recent, timedelta(days=2))):
        message.sent_at, message.outcome = now - age, PushOutcome.SENT
    waiting.created_at = now - timedelta(days=10)
    db.session.commit()
    report = maintenance.purge(retention_days=30, session_idle=timedelta(minutes=30), now=now)
    assert report.pushes == 1
    assert {m.id for m in db.session.scalars(select(PushMessage))} == {recent.id, waiting.id}


def test_flask_push_drain_sends_what_is_due_and_says_so(push_app, service):
    push(subscribe(service))
    result = push_app.test_cli_runner().invoke(args=["push", "drain"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Sent 1, gone 0, to retry 0, failed 0, closed 0; "
                                     "0 still waiting.")
