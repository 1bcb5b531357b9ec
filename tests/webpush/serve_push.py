"""Run the push stand-in in its own process, for senders that must not share it.

A gevent-patched sender would turn the stand-in's threads into greenlets of its
own hub, so its timings would include the server's work. Usage:
`python -m tests.webpush.serve_push N [DELAY]` prints {"origin", "subscriptions"} as one JSON
line, serves until standard input closes, then prints {"arrivals": count}.
"""

import json
import sys

from tests.webpush.push_service import PushService, subscription_id


def main(argv: list[str]) -> None:
    """Serve N fresh subscriptions until stdin closes; print them, then the count.

    An optional second argument delays every answer by that many seconds, to
    show whether a client overlaps its requests.
    """
    count = int(argv[1]) if len(argv) > 1 else 1
    delay = float(argv[2]) if len(argv) > 2 else 0.0
    with PushService() as service:
        subs = [service.new_subscription(f"sub-{i}") for i in range(count)]
        if delay:
            for sub in subs:
                service.stall(subscription_id(sub), delay)
        sys.stdout.write(json.dumps({"origin": service.origin, "subscriptions": subs}) + "\n")
        sys.stdout.flush()
        sys.stdin.read()
        sys.stdout.write(json.dumps({"arrivals": len(service.arrivals)}) + "\n")


if __name__ == "__main__":
    main(sys.argv)
