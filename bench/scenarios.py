"""The scenarios of the benchmark; each adds its results to the report."""

from dataclasses import dataclass

from bench import load
from bench.report import Report, Result
from bench.server import gunicorn


@dataclass(frozen=True)
class Settings:
    """How long and how big: the full run or the quick one."""

    quick: bool
    rounds: int
    seconds: float
    clients: int = 20

    @classmethod
    def for_mode(cls, *, quick: bool) -> "Settings":
        """Return the settings of the full or the quick run."""
        return cls(quick=True, rounds=1, seconds=2) if quick else cls(
            quick=False, rounds=3, seconds=8)


class Baseline:
    """The hello-world rate measured in this run; ratios divide by it."""

    requests_per_s: float | None = None


def baseline(settings: Settings, report: Report) -> None:
    """Measure the minimal Flask app under the same gunicorn configuration."""
    rates = []
    with gunicorn("bench.hello:app") as base:
        for _ in range(settings.rounds):
            rates.append(load.wrk(base + "/", connections=settings.clients,
                                  seconds=settings.seconds).requests_per_s)
    median, low, high = load.median_and_spread(rates)
    Baseline.requests_per_s = median
    report.add(Result("baseline (hello world)", f"{settings.clients} clients", median, "req/s",
                      spread=f"{low:,.0f}–{high:,.0f}"))


SCENARIOS = {"baseline": baseline}
NAMES = list(SCENARIOS)


def run(name: str, settings: Settings, report: Report) -> None:
    """Run one scenario by name."""
    if name not in SCENARIOS:
        raise SystemExit(f"bench: unknown scenario {name!r}; choose from {', '.join(NAMES)}")
    SCENARIOS[name](settings, report)
