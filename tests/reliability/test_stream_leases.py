"""Stream leases under concurrency, on both databases: the last place is taken once."""

from datetime import timedelta

import pytest

from floorapp.models.types import utcnow
from floorapp.services.org import stream_leases
from floorapp.services.org.stream_leases import Caps, TooManyStreams
from tests.concurrency import at_once

ONE_PLACE = Caps(per_address=1, per_subject=1, renew_s=5, retry_after=10)


@pytest.mark.parametrize("shared", ["subject", "address"])
def test_streams_opening_at_once_for_the_last_place_get_one_lease(app, shared):
    def open_one(number: int):
        return lambda: stream_leases.open_lease(
            kind="public", caps=ONE_PLACE, worker=f"host:{number}:ab",  # one per server
            address="192.0.2.1" if shared == "address" else f"192.0.2.{number}",
            subject="token:t" if shared == "subject" else f"token:{number}")

    results = at_once(app, [open_one(number) for number in range(6)])
    assert sum(isinstance(result, int) for result in results) == 1, results
    assert sum(isinstance(result, TooManyStreams) for result in results) == 5, results


def test_a_closed_lease_gives_its_place_back_and_a_dead_workers_leases_are_swept(app):
    with app.app_context():
        lease = stream_leases.open_lease(kind="public", address="192.0.2.1", subject="token:t",
                                         worker="host:1:ab", caps=ONE_PLACE)
        with pytest.raises(TooManyStreams):
            stream_leases.open_lease(kind="public", address="192.0.2.2", subject="token:t",
                                     worker="host:2:cd", caps=ONE_PLACE)
        stream_leases.close_lease(lease)
        stream_leases.open_lease(kind="public", address="192.0.2.2", subject="token:t",
                                 worker="host:2:cd", caps=ONE_PLACE)
        later = utcnow() + timedelta(seconds=16)  # host 2 has not renewed for 3 x 5 s
        stream_leases.renew("host:1:ab", renew_s=5, now=later)
        stream_leases.open_lease(kind="public", address="192.0.2.1", subject="token:t",
                                 worker="host:1:ab", caps=ONE_PLACE, now=later)
