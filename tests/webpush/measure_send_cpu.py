"""Measure the CPU a worker spends per push, under gevent as gunicorn runs it.

    .venv/bin/python -m tests.webpush.measure_send_cpu [N]

The push stand-in runs in a child process (tests/webpush/serve_push.py), so only the
sender's work is counted: this process's CPU time (user + system) over N pushes,
split into the encryption, the VAPID signature (paid once per push service origin
per hour, not per push), one push's encryption + signing + HTTP, and the whole path
through the outbox (claim, send, record) with the worker's dispatcher. A figure, not
a test: it depends on the machine.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402  (after the patching, as in a gunicorn gevent worker)
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

from py_vapid import Vapid02  # noqa: E402

from floorapp import create_app, push_dispatch  # noqa: E402
from floorapp.extensions import db  # noqa: E402
from floorapp.models import PushMessage, PushSubscription  # noqa: E402
from floorapp.models.types import utcnow  # noqa: E402
from floorapp.services.notify import delivery, outbox, sender, vapid  # noqa: E402
from tests.factories import make_help_request  # noqa: E402
from tests.webpush.push_service import CONTACT  # noqa: E402

PAYLOAD = {"v": 1, "tag": "request-12", "title": "Women's shoes · Find my size",
           "body": "Atlas Runner 9 W — 2 in the stockroom", "url": "/stores/NY1/floor#request-12",
           "renotify": True, "silent": False, "lang": "en",
           "actions": [{"action": "claim", "title": "Claim"}],
           "claim": {"request_id": 12, "store": "NY1"}}


def say(line: str) -> None:
    sys.stdout.write(line + "\n")


def cpu_ms_per(count: int, work) -> float:
    """Run `work()` `count` times; return this process's CPU milliseconds per run."""
    started = time.process_time()
    for _ in range(count):
        work()
    return (time.process_time() - started) * 1000 / count


def a_push(browser: dict, number: int) -> sender.Push:
    return sender.Push(id=number, attempts=1, subscription_id=number,
                       endpoint=browser["endpoint"], p256dh=browser["keys"]["p256dh"],
                       auth=browser["keys"]["auth"], tag="request-12", payload=PAYLOAD,
                       urgency="high", expires_at=utcnow() + timedelta(seconds=300))


def through_the_outbox(app, browsers: list[dict]) -> float:
    """CPU ms per push for claim + send + record by the dispatcher, woken by the commit."""
    help_request = make_help_request()
    subscriptions = [PushSubscription(endpoint=b["endpoint"], p256dh=b["keys"]["p256dh"],
                                      auth=b["keys"]["auth"], store_id=help_request.store_id,
                                      help_request_id=help_request.id) for b in browsers]
    db.session.add_all(subscriptions)
    db.session.commit()
    dispatcher = push_dispatch.dispatcher_for(app)
    dispatcher.start()
    written = time.process_time()
    for subscription in subscriptions:
        outbox.enqueue(subscription, tag="request-12", payload=PAYLOAD, urgency="high")
    db.session.flush()
    db.session.expunge_all()  # the loop below must not reload 300 subscriptions each time
    db.session.commit()  # wakes the dispatcher
    started, wall = time.process_time(), time.monotonic()
    say(f"  (writing {len(browsers)} pushes into the outbox: "
        f"{(started - written) * 1000 / len(browsers):.3f} ms CPU each, not counted below)")
    while db.session.scalar(db.select(db.func.count()).select_from(PushMessage)
                            .where(PushMessage.sent_at.is_(None))):
        db.session.commit()
        time.sleep(0.05)  # the 50 ms poll of this loop is counted: about 0.3 ms a poll
    cpu = (time.process_time() - started) * 1000 / len(browsers)
    say(f"  (outbox: {len(browsers)} pushes in {time.monotonic() - wall:.2f} s wall: "
        f"{delivery.counts()})")
    dispatcher.stop(timeout=5)
    return cpu


def main(count: int) -> None:
    child = subprocess.Popen([sys.executable, "-m", "tests.webpush.serve_push", str(2 * count)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    browsers = json.loads(child.stdout.readline())["subscriptions"]
    folder = Path(tempfile.mkdtemp(prefix="floorapp-push-cpu-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'push.sqlite3'}",
                      "SECRET_KEY": "measure", "PUSH_ENDPOINT_ALLOW": ("http://127.0.0.1:",),
                      "VAPID_SUBJECT": CONTACT, "PUSH_DISPATCH": False, "TICK_INTERVAL_S": 0,
                      "RATELIMIT_STORAGE_URI": "memory://"}, instance_path=str(folder))
    with app.app_context():
        db.create_all()
        key, keys = vapid.private_key(), browsers[0]["keys"]
        plain = sender.json_payload(a_push(browsers[0], 1))
        sender.send(a_push(browsers[0], 0))  # warm up: connection, token, imports
        figures = {
            "encrypt (aes128gcm, fresh ECDH key)": cpu_ms_per(
                count, lambda: sender.encrypt(plain, keys["p256dh"], keys["auth"])),
            "sign a VAPID token (once per origin per hour)": cpu_ms_per(
                count, lambda: Vapid02(private_key=key).sign(
                    {"aud": "https://fcm.googleapis.com", "sub": CONTACT,
                     "exp": int(time.time()) + 43200})),
        }
        numbers = iter(range(1, count + 1))
        figures["one push: encrypt + cached token + HTTP POST"] = cpu_ms_per(
            count, lambda: sender.send(a_push(browsers[next(numbers)], 0)))
        figures["one push through the outbox (claim, send, record; SQLite)"] = \
            through_the_outbox(app, browsers[count:])
    child.stdin.close()
    arrived = json.loads(child.stdout.readline())["arrivals"]
    child.wait()
    say(f"CPU per push under gevent, {count} pushes, {arrived} arrived at the stand-in:")
    for name, value in figures.items():
        say(f"  {name:<62} {value:7.3f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
