"""How long and how big a run is, and the hello-world rate ratios are taken against."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """The full run or the quick one (CI): sizes, rounds and durations."""

    quick: bool
    rounds: int
    seconds: float
    clients: int = 20
    styles: int = 50_000  # about 20 variants each: 1,000,000 variants
    history: int = 2_000_000
    history_stores: int = 50
    streams: int = 500
    push_devices: int = 500  # subscribed handhelds of the web-push row
    submissions: int = 60
    claimers: int = 50
    claim_requests: int = 1000
    samples: int = 200  # one-client requests per round of a latency figure
    seed: int = 1
    backends: tuple[str, ...] = ("sqlite", "postgresql")

    @classmethod
    def for_mode(cls, *, quick: bool) -> "Settings":
        """Return the settings of the full or the quick run."""
        if quick:
            return cls(quick=True, rounds=1, seconds=2, styles=500, history=20_000,
                       history_stores=5, streams=40, push_devices=40, submissions=10, claimers=10,
                       claim_requests=50, samples=40)
        return cls(quick=False, rounds=3, seconds=6)


class Baseline:
    """The hello-world rate measured in this run; ratios divide by it."""

    requests_per_s: float | None = None


def ratio(rate: float) -> float | None:
    """Return `rate` as a share of the baseline, or None before the baseline ran."""
    return rate / Baseline.requests_per_s if Baseline.requests_per_s else None
