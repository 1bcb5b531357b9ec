"""Each worker's SMS sender: drains the SMS outbox to the provider, at once after a commit.

A smaller cousin of push_dispatch.py: a customer owes at most a handful of texts per
request, so one thread per worker sends them one at a time (a provider that stalls
holds it for SMS_TIMEOUT_S at most), instead of a pool of senders. It wakes:

- at once when this worker commits a transaction that wrote texts (services/texts/
  plan.py sets SMS_WRITTEN in session.info; floorapp/worker_loops.py wakes it);
- every SMS_POLL_S otherwise, for texts other workers wrote, left behind or retry.

Started with the worker's first request when SMS_DISPATCH is true (tests turn it off
and call `drain_once`). The app is held weakly and the loop backs off while the
database fails, as the push dispatcher's does.
"""

import logging
import threading
from collections import Counter
from datetime import datetime

from flask import Flask

from floorapp import worker_loops
from floorapp.services.texts import delivery, provider
from floorapp.services.texts.plan import SMS_WRITTEN

log = logging.getLogger(__name__)
EXTENSION = "floorapp_sms_dispatcher"
BATCH = 10


class SmsDispatcher(worker_loops.OutboxLoop):
    """The worker's one SMS thread: claim a few due texts, send each, record each."""

    def __init__(self, app: Flask):
        super().__init__(app, poll_s=float(app.config["SMS_POLL_S"]), log=log,
                         name="SMS sender")
        self._thread = threading.Thread(target=self._run, name="floorapp-sms", daemon=True)
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the thread once (idempotent)."""
        with self._lock:
            if not self._thread.is_alive() and not self._stopped.is_set():
                self._thread.start()
                worker_loops.started(self)

    def stop(self, timeout: float | None = None) -> bool:
        """Stop after the text in hand; True if the thread ended in time."""
        self._stopped.set()
        self._wake.set()
        return worker_loops.ended(self._thread, timeout)

    def _run(self) -> None:
        self._drain_until_stopped(drain_once)


def _send(text: provider.Text) -> provider.Outcome:
    """Send one text; a bug becomes a retry, never a dead sender."""
    try:
        return provider.send(text)
    except Exception as error:
        log.exception("Text %s could not be sent", text.id)
        return provider.Outcome(provider.RETRY, detail=f"sender failed: {type(error).__name__}")


def drain_once(*, now: datetime | None = None) -> Counter:
    """Send every due text now, one at a time; return how many ended each way."""
    report: Counter = Counter()
    while texts := delivery.claim(BATCH, now=now):
        for text in texts:
            outcome = _send(text)
            delivery.finish(text, outcome, now=now)
            report[outcome.kind] += 1
        if len(texts) < BATCH:
            break
    return report


def init_app(app: Flask) -> None:
    """Start the SMS sender with the worker's first request, when SMS_DISPATCH is on."""

    @app.before_request
    def _start_sms_dispatch() -> None:
        if EXTENSION not in app.extensions and app.config["SMS_DISPATCH"]:
            app.extensions.setdefault(EXTENSION, SmsDispatcher(app)).start()


worker_loops.wake_after_commit(SMS_WRITTEN, EXTENSION)
