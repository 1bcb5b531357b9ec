"""The push-service stand-in in a process of its own, for the web-push benchmark.

The stand-in (tests/webpush/push_service.py) verifies each push's VAPID token and
decrypts it as a browser would; run beside the submitter its CPU would steal the
measurement's. Here it serves in a child process and answers over a pipe:
("subscribe", labels, key) → the subscriptions; ("arrivals",) → each push's
(label, tag, monotonic arrival); ("stop",). CLOCK_MONOTONIC is system-wide, so its
stamps compare with the submitter's.
"""

import json

from tests.webpush.push_service import PushService


def serve(pipe) -> None:
    """Serve until told to stop; answer the parent's requests."""
    with PushService() as service:
        pipe.send(("ready", service.origin))
        while True:
            command, *args = pipe.recv()
            if command == "subscribe":
                labels, key = args
                pipe.send([service.new_subscription(label, application_server_key=key)
                           for label in labels])
            elif command == "arrivals":
                pipe.send([(arrival.label, json.loads(arrival.payload).get("tag", ""),
                            arrival.monotonic) for arrival in service.arrivals])
            else:
                return
