"""A refused action told as a flash message: the pages' one way to say "that didn't work".

A POST that acts and then redirects (post/redirect/get) runs its service call inside
`flashed()`: a DomainError becomes an error flash and the handler redirects as it
would have. The service has rolled its transaction back already
(services/core/transactions.py `rolls_back`), so nothing here touches the session.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import flash

from floorapp.errors import DomainError


@contextmanager
def flashed() -> Iterator[None]:
    """Flash the message of a refusal raised inside, and carry on after the block."""
    try:
        yield
    except DomainError as error:
        flash(error.message, "error")
