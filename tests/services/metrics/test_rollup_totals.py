"""Sums of sums are the sum: however roll-up rows are added up, the figures are the same.

A store's long range adds its (zone, weekday, hour) groups into hours, zones and the
whole, and the chain adds stores: rollup_figures.Totals adds merged counts there and
decodes stored records once, and either path must give what adding every row gives.
"""

import random
from types import SimpleNamespace

import numpy as np

from floorapp.services.metrics import wait_histogram as histogram
from floorapp.services.metrics.rollup_figures import COUNTS, HISTOGRAMS, WAITS, Totals


def _row(rng: random.Random) -> SimpleNamespace:
    """A stored roll-up row with random counts, maxima and histograms (some empty)."""
    waits = {name: [rng.expovariate(1 / 60) for _ in range(rng.choice((0, 1, 5, 30)))]
             for name in HISTOGRAMS}
    return SimpleNamespace(
        **{name: rng.randrange(50) for name in COUNTS},
        **{f"{name}_max_s": max(waits[name], default=None) for name in WAITS},
        **{f"{name}_hist": histogram.encode(histogram.counts_of(waits[name]))
           for name in HISTOGRAMS})


def _figures(total: Totals) -> tuple:
    return (total.counts, total.maxima, [total.dense(name).tolist() for name in HISTOGRAMS],
            total.headline(detail=True))


def test_groups_added_into_sums_give_the_figures_of_every_row_added_alone():
    rng = random.Random(4)
    rows = [_row(rng) for _ in range(60)]
    alone = Totals()
    for row in rows:
        alone.add_row(row)
    groups = Totals.of_rows(rows[:50])
    halves = [Totals(), Totals()]
    for number, group in enumerate(groups):
        halves[number % 2].add_totals(group)
    halves[0].dense("reach")  # one half merged, the other still pending records
    whole = Totals()
    for half in halves:
        whole.add_totals(half)
    for row in rows[50:]:
        whole.add_row(row)
    assert _figures(whole) == _figures(alone)
    assert _figures(groups[7]) == _figures(_alone(rows[7]))


def test_a_sum_read_before_a_row_is_added_counts_that_row_afterwards():
    rng = random.Random(9)
    first, second = _row(rng), _row(rng)
    total = Totals.of_rows([first])[0]
    before = total.dense("acknowledge")
    total.add_row(second)
    assert np.array_equal(total.dense("acknowledge"), _alone(first, second).dense("acknowledge"))
    assert np.array_equal(before, _alone(first).dense("acknowledge"))  # not changed in place
    assert total.headline() == _alone(first, second).headline()


def _alone(*rows) -> Totals:
    total = Totals()
    for row in rows:
        total.add_row(row)
    return total
