"""The replay of history (services/help/wait_replay.py) says what the sign said at the time.

A small day is played through the real services at controlled times: associates come
on the floor, take customers, go on break; customers send requests that are claimed,
released and resolved. Before each request the live sign's estimate is noted; the replay,
rebuilt from the event log alone afterwards, must give the same figure for every request,
and measure its error against the wait that followed.
"""

from datetime import UTC, datetime, timedelta

from floorapp.models import Role
from floorapp.services.help import availability, moves, wait_estimate, wait_replay
from tests.factories import make_sign, make_store, make_user, submit_request

T0 = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_replay_gives_each_request_the_estimate_the_sign_showed(app):
    with app.app_context():
        store = make_store(acknowledge_target_s=120, zones=("Shoes", "Denim"))
        shoes, denim = store.zones
        sign = make_sign(zone=shoes)
        ana, ben = make_user(store=store), make_user(store=store, role=Role.MANAGER)
        shown, requests = {}, []

        def ask(seconds):
            live = wait_estimate.before_asking(store, shoes.id, now=_at(seconds))
            request = submit_request(sign=sign, now=_at(seconds))
            shown[request.id] = live
            requests.append(request)
            return request

        first = ask(0)  # nobody working: no figure, and the managers are told
        availability.set_availability(ana, "on_floor", shoes.id, now=_at(10))
        availability.set_availability(ben, "on_floor", denim.id, now=_at(20))
        second = ask(30)
        moves.claim(store.id, first.id, ana, now=_at(60))
        third = ask(90)  # ana is with a customer, ben covers Denim only
        moves.release(store.id, first.id, ana, now=_at(120))
        moves.claim(store.id, second.id, ben, now=_at(150))
        moves.arrive(store.id, second.id, ben, now=_at(200))
        moves.resolve(store.id, second.id, ben, "helped", now=_at(400))
        fourth = ask(450)
        availability.set_availability(ana, "on_break", now=_at(460))
        fifth = ask(470)
        for request, claimed in ((first, 500), (third, 520), (fourth, 540)):
            moves.claim(store.id, request.id, ben, now=_at(claimed))
            moves.release(store.id, request.id, ben, now=_at(claimed + 1))
        moves.claim(store.id, fifth.id, ben, now=_at(600))

        replayed = wait_replay.replayed(store, _at(-1), _at(700))
        ids = [request.id for request in requests]

    assert [row.request_id for row in replayed] == ids
    assert {row.request_id: row.shown for row in replayed} == shown
    assert shown[ids[0]].seconds is None and shown[ids[2]].everyone_busy
    assert [row.acknowledged_s for row in replayed] == [60, 120, 430, 90, 130]


def test_the_report_sums_the_errors_of_the_requests_it_could_compare(app):
    with app.app_context():
        store = make_store(acknowledge_target_s=120)
        sign = make_sign(zone=store.zones[0])
        ana = make_user(store=store)
        availability.set_availability(ana, "on_floor", now=_at(0))
        quick = submit_request(sign=sign, now=_at(10))  # shown 120 s (the target)
        moves.claim(store.id, quick.id, ana, now=_at(70))  # acknowledged after 60 s
        submit_request(sign=sign, now=_at(80))  # never acknowledged: nothing to compare
        report = wait_replay.replay(store, _at(0), _at(900))
    assert (report.requests, report.compared, report.unacknowledged) == (2, 1, 1)
    assert report.median_abs_error_s == 60 and report.within_a_minute == 1.0
    assert "Median absolute error 60 s" in wait_replay.describe(report)
