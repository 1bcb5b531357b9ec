"""Web Push latency: 500 subscribed handhelds, submissions, each push timed at the push service.

Each of 50 bench stores has 10 associates with a subscribed handheld: 8 on the floor
and 2 on break (who must get nothing). The push service is the stand-in
(bench/push_receiver.py, a process of its own) that checks VAPID and decrypts, as
a browser's push service and browser would. This process posts submissions one at
a time through the public API; what is timed, per submission and device, is from
the POST being sent to the encrypted push arriving at the stand-in (`sent → push`),
the figure held to the target. Also reported: pushes missing, doubled or sent to a
wrong device (must all be 0) and the server workers' CPU per push (the submission's
own handling included: it is what a push costs the host).
"""

import multiprocessing
import time
from collections import Counter

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bench import load, push_receiver
from bench.data import database, say
from bench.push import SPACING_S, submit
from bench.report import Report, Result
from bench.serve import floorapp
from bench.server import workers_cpu_s
from bench.settings import Settings
from bench.setup import PASSWORD, app_for, store_associates

P99_TARGET_MS = 250.0
WORKERS = 2
PER_STORE = 10
ON_BREAK = 2  # per store: subscribed, but nobody pushes to a person on break


def seed_devices(url: str, receiver, devices: int) -> dict:
    """Make the stores, people on the floor and on break, sessions and subscriptions."""
    from floorapp.demo.history_scale import ensure_bench_stores
    from floorapp.extensions import db
    from floorapp.models import Availability, PushSubscription, Sign, Store, Zone
    from floorapp.models.types import utcnow
    from floorapp.services.notify import vapid
    from floorapp.services.org.sessions import session_id, start_session

    app = app_for(url)
    with app.app_context():
        stores = max(1, devices // PER_STORE)
        ensure_bench_stores(stores, generate_password_hash(PASSWORD))
        rows = db.session.execute(select(Store.id, Store.code).where(
            Store.code.like("BENCH-%")).order_by(Store.code).limit(stores)).all()
        people = _people(rows)
        receiver.send(("subscribe", [label for label, *_ in people],
                       vapid.application_server_key()))
        subscriptions = receiver.recv()
        for _, user, on_floor in people:
            user.availability = Availability.ON_FLOOR if on_floor else Availability.ON_BREAK
            user.last_seen_at = utcnow()  # or the workers' tick sets them off as idle
        db.session.commit()
        login_sessions = [session_id(start_session(user, address="127.0.0.1",
                                                   user_agent="bench"))
                          for _, user, _ in people]
        for (label, user, _), subscription, login_session in zip(
                people, subscriptions, login_sessions, strict=True):
            db.session.add(PushSubscription(
                endpoint=subscription["endpoint"], p256dh=subscription["keys"]["p256dh"],
                auth=subscription["keys"]["auth"], store_id=user.home_store_id,
                user_id=user.id, login_session_id=login_session,
                session_version=user.session_version, label=label))
        db.session.commit()
        signs = {code: db.session.scalar(select(Sign.token).join(Zone).where(
            Zone.store_id == store_id).limit(1)) for store_id, code in rows}
        seeded = {"signs": signs, "devices": {label: (label.split("/")[0], on_floor)
                                              for label, _, on_floor in people}}
        db.engine.dispose()
    return seeded


def _people(stores) -> list:
    """Return (label, user, on the floor?) for PER_STORE associates of each store."""
    return [(f"{code}/{user.login}", user, number >= ON_BREAK)
            for code, number, user in store_associates(stores, PER_STORE)]


def measure(base, seeded: dict, receiver, settings: Settings) -> dict:
    """Post the submissions round the stores; wait for the pushes; return what arrived."""
    port = int(base.rsplit(":", 1)[1])
    codes = sorted(seeded["signs"])
    expected = sum(on for _, on in seeded["devices"].values()) // len(codes)
    server_cpu = workers_cpu_s(base.pid)
    submitted = {}
    for number in range(settings.submissions):
        code = codes[number % len(codes)]
        request_id, sent, _ = submit(port, seeded["signs"][code], f"webpush-{time.time_ns()}")
        submitted[f"request-{request_id}"] = (code, sent)
        time.sleep(SPACING_S)
    arrivals = _wait_for_arrivals(receiver, len(submitted) * expected)
    server_cpu = workers_cpu_s(base.pid) - server_cpu
    return {"submitted": submitted, "arrivals": arrivals, "server_cpu_s": server_cpu}


def _wait_for_arrivals(receiver, count: int, timeout_s: float = 30) -> list:
    deadline = time.monotonic() + timeout_s
    while True:
        receiver.send(("arrivals",))
        arrivals = receiver.recv()
        if len(arrivals) >= count or time.monotonic() > deadline:
            time.sleep(1.0)  # a doubled push would arrive after the last expected one
            receiver.send(("arrivals",))
            return receiver.recv()
        time.sleep(0.2)


def figures(seen: dict, devices: dict) -> dict:
    """Latencies of first arrivals; pushes missing, doubled and misdirected."""
    submitted = seen["submitted"]
    ours = [(label, tag, at) for label, tag, at in seen["arrivals"] if tag in submitted]
    counts = Counter((label, tag) for label, tag, _ in ours)
    wrong = sum(1 for label, tag in counts if devices[label] != (submitted[tag][0], True))
    first = {}
    for label, tag, at in ours:
        first.setdefault((label, tag), at)
    right = {(label, tag) for tag, (code, _) in submitted.items()
             for label, (store, on_floor) in devices.items() if store == code and on_floor}
    return {"from_sent": [(at * 1e9 - submitted[tag][1]) / 1e6
                          for (label, tag), at in first.items() if (label, tag) in right],
            "missing": len(right - set(first)), "doubled": sum(counts.values()) - len(counts),
            "wrong": wrong, "pushes": len(ours)}


def run(settings: Settings, report: Report) -> None:
    """Measure submit → push on each backend."""
    context = multiprocessing.get_context("spawn")
    for backend in settings.backends:
        pipe, child_end = context.Pipe()
        receiver = context.Process(target=push_receiver.serve, args=(child_end,), daemon=True)
        receiver.start()
        try:
            _, origin = pipe.recv()
            with database(backend) as url:
                seeded = seed_devices(url, pipe, settings.push_devices)
                with floorapp(url, workers=WORKERS,
                              env={"FLOORAPP_PUSH_ENDPOINT_ALLOW": f"{origin}/"}) as base:
                    say(f"web push on {backend}: {len(seeded['devices'])} devices in "
                        f"{len(seeded['signs'])} stores")
                    seen = measure(base, seeded, pipe, settings)
        finally:
            pipe.send(("stop",))
            receiver.join(10)
        _add(report, f"web push {backend}", seeded, seen, figures(seen, seeded["devices"]))


def _add(report: Report, name: str, seeded: dict, seen: dict, got: dict) -> None:
    latencies = got["from_sent"]
    if not latencies:
        report.add(Result(name, "sent → push at the service", None, "ms", met=False,
                          note="no push arrived"))
        return
    p99 = load.percentile(latencies, 99)
    clean = not (got["missing"] or got["doubled"] or got["wrong"])
    report.add(Result(name, "sent → push, p50", load.percentile(latencies, 50), "ms", note=(
        f"{len(seeded['devices'])} subscribed devices, {len(seen['submitted'])} submissions, "
        f"{got['missing']} pushes missing, {got['doubled']} doubled, {got['wrong']} to a "
        "wrong device (on break or another store)")))
    report.add(Result(name, f"sent → push, p99 at {len(seeded['devices'])} devices", p99, "ms",
                      target=f"≤ {P99_TARGET_MS:g} ms", met=p99 <= P99_TARGET_MS and clean,
                      note="VAPID-signed, aes128gcm-encrypted, checked and decrypted"))
    report.add(Result(name, "sent → push, max", max(latencies), "ms"))
    report.add(Result(name, "server workers' CPU per push", seen["server_cpu_s"] * 1000 / max(
        1, got["pushes"]), "ms", note=f"{got['pushes']} pushes; the submissions' own "
        "handling included"))
