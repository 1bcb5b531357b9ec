"""Percentiles and the censored median, checked by hand on tiny data."""

from hypothesis import given
from hypothesis import strategies as st

from floorapp.services.metrics import stats


def test_nearest_rank_percentiles_pick_measured_values():
    values = [10, 20, 30, 40]
    assert stats.percentile(values, 50) == 20  # rank ceil(0.5 · 4) = 2
    assert stats.percentile(values, 90) == 40  # rank ceil(0.9 · 4) = 4
    assert stats.percentile(list(range(1, 11)), 90) == 9
    assert stats.percentile([7], 50) == 7


def test_percentiles_of_nothing_are_none_not_zero():
    assert stats.percentile([], 50) is None
    assert stats.summary([]) == {"count": 0, "p50_s": None, "p90_s": None, "max_s": None}


def test_summary_sorts_and_counts():
    assert stats.summary([30, 10, 20]) == {"count": 3, "p50_s": 20, "p90_s": 30, "max_s": 30}


def test_kaplan_meier_median_without_censoring_is_the_lower_median():
    assert stats.kaplan_meier_median([10, 20, 30, 40], []) == 20


def test_kaplan_meier_median_counts_walkaways_as_censored_waits():
    # Reached at 10, 30, 50; walked away after 20 and 40. S(10) = 4/5, S(30) = 4/5 · 2/3
    # = 0.533, S(50) = 0.533 · 0/1 = 0: the median is 50, later than the naive 30.
    assert stats.kaplan_meier_median([10, 30, 50], [20, 40]) == 50


def test_kaplan_meier_median_is_none_when_most_customers_left():
    assert stats.kaplan_meier_median([10], [20, 30, 40]) is None


def test_shares_and_means_of_nothing_are_none():
    assert stats.share(0, 0) is None
    assert stats.share(1, 3) == 0.3333
    assert stats.mean([]) is None
    assert stats.mean([4, 5]) == 4.5


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=60),
       st.sampled_from([50, 90]))
def test_a_percentile_is_a_measured_value_with_enough_values_at_or_below_it(values, p):
    ordered = sorted(values)
    result = stats.percentile(ordered, p)
    assert result in values
    assert sum(v <= result for v in values) >= p / 100 * len(values)
    assert sum(v < result for v in values) < p / 100 * len(values)


@given(st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=60))
def test_without_walkaways_the_kaplan_meier_median_is_the_plain_median(values):
    assert stats.kaplan_meier_median(values, []) == stats.median(values)


def test_at_a_tie_the_event_counts_before_the_walkaway():
    # At 10: 3 at risk, one reached: S = 2/3; the walk-away at 10 leaves after.
    # At 20: 1 at risk, reached: S = 0, so the median is 20.
    assert stats.kaplan_meier_median([10, 20], [10]) == 20
    assert stats.kaplan_meier_median([10, 10, 30], [5]) == 10  # 3 at risk at 10, 2 reached: S=1/3
