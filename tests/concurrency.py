"""Run actions in threads released together, the way two handhelds tap at the same moment."""

import threading
from collections.abc import Callable

from floorapp.extensions import db


def at_once(app, actions: list[Callable[[], object]]) -> list[object]:
    """Run each action in a thread of its own (own app context and session), all released
    by one barrier; return what each returned, or the exception it raised, in order."""
    results: list[object] = [None] * len(actions)
    barrier = threading.Barrier(len(actions))

    def run(index: int, action: Callable[[], object]) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = action()
            except Exception as error:
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
