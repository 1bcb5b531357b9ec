"""Waking a worker's outbox dispatcher after the commit that wrote its rows.

An outbox (services/notify/outbox.py for pushes, services/texts/plan.py for texts)
marks the session (`session.info[flag] = True`) when it writes. When that session
commits, the dispatcher this worker's app keeps under `extension` is woken, so the rows
leave within milliseconds instead of at the next poll; a rollback forgets the mark.
"""

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session


def wake_after_commit(flag: str, extension: str) -> None:
    """Listen once per outbox: wake `app.extensions[extension]` after a marked commit."""

    @event.listens_for(Session, "after_commit")
    def _wake(session: Session) -> None:
        if session.info.pop(flag, False) and has_app_context():
            dispatcher = current_app.extensions.get(extension)
            if dispatcher is not None:
                dispatcher.wake()

    @event.listens_for(Session, "after_rollback")
    def _forget(session: Session) -> None:
        session.info.pop(flag, None)
