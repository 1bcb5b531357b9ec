"""The Erlang C queueing formula (M/M/N), for how many associates a floor needs.

Requests arrive at random (Poisson) at rate λ and keep an associate busy for a mean
handling time h, so the offered load is A = λ·h erlangs. With N associates, the
chance a request has to wait at all is Erlang C, C(N, A), and the share of requests
answered within t seconds is 1 − C(N, A)·exp(−(N − A)·t / h).

C is computed from the Erlang B recursion B(n) = A·B(n−1) / (n + A·B(n−1)),
C = N·B / (N − A·(1 − B)): no factorials or powers, so it stays exact to rounding
for loads of thousands of erlangs.
"""

import math

MAX_EXTRA_SERVERS = 10_000


def erlang_b(servers: int, load: float) -> float:
    """Return the Erlang B blocking probability for `servers` and `load` erlangs."""
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Return the probability that a request waits (1.0 when the load meets the servers)."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    blocking = erlang_b(servers, load)
    return servers * blocking / (servers - load * (1 - blocking))


def service_level(servers: int, load: float, handle_s: float, target_s: float) -> float:
    """Return the share of requests answered within `target_s` seconds."""
    if load <= 0:
        return 1.0
    if servers <= load:
        return 0.0
    return 1 - erlang_c(servers, load) * math.exp(-(servers - load) * target_s / handle_s)


def servers_needed(rate_per_s: float, handle_s: float, target_s: float, share: float) -> int:
    """Return the fewest servers that answer `share` of requests within `target_s`."""
    load = rate_per_s * handle_s
    if load <= 0:
        return 0
    servers = max(1, math.floor(load) + 1)
    while service_level(servers, load, handle_s, target_s) < share:
        servers += 1
        if servers > load + MAX_EXTRA_SERVERS:  # unreachable for a share below 1
            raise ValueError("no staffing level reaches that share")
    return servers


def mean_wait(servers: int, load: float, handle_s: float) -> float | None:
    """Return the expected wait before an associate is free, in seconds (None: unbounded).

    Erlang C's mean wait is C(N, A) · h / (N − A); with no more servers than the load
    the queue grows without end, which is None here rather than a huge number.
    """
    if load <= 0:
        return 0.0
    if servers <= load:
        return None
    return erlang_c(servers, load) * handle_s / (servers - load)
