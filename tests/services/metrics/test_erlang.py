"""Erlang C against textbook values and against the direct formula with exact fractions."""

import math
from fractions import Fraction

import pytest

from floorapp.services.metrics import erlang


def direct_erlang_c(servers: int, load: int) -> float:
    """The textbook formula with factorials, exact in fractions (small cases only)."""
    top = Fraction(load ** servers, math.factorial(servers)) * Fraction(servers, servers - load)
    bottom = sum(Fraction(load ** k, math.factorial(k)) for k in range(servers)) + top
    return float(top / bottom)


def test_one_server_waits_with_the_probability_of_its_utilisation():
    assert erlang.erlang_c(1, 0.25) == pytest.approx(0.25)


def test_two_servers_match_the_closed_form():
    rho = 0.5  # load 1 erlang on 2 servers: C = 2ρ² / (1 + ρ) = 1/3
    assert erlang.erlang_c(2, 1.0) == pytest.approx(2 * rho ** 2 / (1 + rho))


@pytest.mark.parametrize(("servers", "load"), [(3, 2), (11, 10), (20, 15), (30, 7)])
def test_the_recursion_equals_the_direct_formula(servers, load):
    assert erlang.erlang_c(servers, load) == pytest.approx(direct_erlang_c(servers, load))


def test_the_call_centre_textbook_example():
    # 100 calls per 30 minutes, 3-minute handling, 80% answered within 20 s:
    # 10 erlangs; 11 agents make 68.2% wait, and 14 agents are needed.
    assert erlang.erlang_c(11, 10) == pytest.approx(0.6821, abs=1e-4)
    assert erlang.service_level(13, 10, 180, 20) == pytest.approx(0.7956, abs=1e-4)
    assert erlang.servers_needed(100 / 1800, 180, 20, 0.8) == 14


def test_large_loads_stay_finite_and_sensible():
    waits = erlang.erlang_c(1200, 1100.5)
    assert 0 < waits < 0.01
    assert erlang.servers_needed(5.0, 200, 60, 0.9) > 1000


def test_no_load_needs_nobody_and_overload_always_waits():
    assert erlang.servers_needed(0, 180, 60, 0.9) == 0
    assert erlang.erlang_c(3, 3.0) == 1.0
    assert erlang.service_level(3, 4.0, 180, 60) == 0.0


def test_the_mean_wait_matches_the_hand_computed_two_erlang_case():
    # A = 2 erlangs, h = 240 s: C(3) = 4/9 and C(4) = 4/23, so W = C·h/(N − A).
    assert erlang.mean_wait(3, 2.0, 240) == pytest.approx(4 / 9 * 240)
    assert erlang.mean_wait(4, 2.0, 240) == pytest.approx(4 / 23 * 240 / 2)


def test_the_mean_wait_is_unbounded_without_more_servers_than_load_and_nil_without_load():
    assert erlang.mean_wait(2, 2.0, 240) is None
    assert erlang.mean_wait(1, 2.5, 240) is None
    assert erlang.mean_wait(0, 0.0, 240) == 0.0
