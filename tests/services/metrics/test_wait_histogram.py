"""The histograms' many-at-once paths give each histogram's own figures, to the bit.

The chain's view merges and reads 800 stores' histograms at once
(wait_histogram.decode_many, percentiles_of_rows); a store's figures there must be
those of its own histogram read alone.
"""

import random

import numpy as np

from floorapp.services.metrics import wait_histogram as histogram


def _stored_histograms(rng: random.Random) -> list[bytes]:
    """Histograms of waits of every size, with empty ones, single ones and a big count."""
    stored = [histogram.encode(histogram.counts_of([rng.expovariate(1 / mean) for _ in
                                                   range(rng.choice((0, 1, 2, 40, 300)))]))
              for mean in (5, 40, 150, 900, 4000) * 8]
    many = np.zeros(histogram.BUCKETS, dtype=np.int64)
    many[120] = 70_000  # more than one record's count can hold
    return [*stored, histogram.encode(many), b""]


def test_decoding_many_at_once_gives_each_histogram_decoded_alone():
    stored = _stored_histograms(random.Random(5))
    merged = histogram.decode_many(stored)
    assert merged.shape == (len(stored), histogram.BUCKETS)
    for row, each in zip(merged, stored, strict=True):
        assert np.array_equal(row, histogram.decode(each))


def test_percentiles_of_many_rows_are_each_rows_own_percentiles():
    stored = _stored_histograms(random.Random(11))
    found = histogram.percentiles_of_rows(histogram.decode_many(stored), (50, 90, 99))
    alone = [histogram.percentiles(histogram.decode(each), (50, 90, 99)) for each in stored]
    assert found == alone
    assert [None, None, None] in found and any(None not in row for row in found)

