"""A worker's background loops end when told to, so a finished test's loop never ticks on
a dropped schema or writes into the next test's tables (floorapp/worker_loops.py)."""

import threading

from floorapp import realtime, sms_dispatch, stream_guard, worker_loops
from floorapp.extensions import db

LOOP_THREADS = ("floorapp-realtime", "floorapp-tick", "floorapp-sms", "floorapp-stream-guard")


def _loop_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name in LOOP_THREADS}


def test_stop_all_ends_the_listener_the_tick_the_sender_and_the_guard(make_app):
    before = _loop_threads()
    app = make_app(TICK_INTERVAL_S=0.05, SMS_POLL_S=0.05, STREAM_SESSION_CHECK_S=0.05)
    with app.app_context():
        realtime.hub_for(app, db.engine).start()
        app.extensions.setdefault(sms_dispatch.EXTENSION, sms_dispatch.SmsDispatcher(app)).start()
        stream_guard.guard_for(app)._start()
    started = _loop_threads() - before
    assert {thread.name for thread in started} == set(LOOP_THREADS)

    worker_loops.stop_all(timeout=5)

    assert [thread.name for thread in started if thread.is_alive()] == []


def test_a_stopped_listener_starts_no_tick(make_app):
    app = make_app(TICK_INTERVAL_S=0.01)
    with app.app_context():
        hub = realtime.hub_for(app, db.engine)
        hub.start()
    assert hub.stop(timeout=5)
    hub.ticker.start()
    assert not hub.ticker._thread.is_alive()

