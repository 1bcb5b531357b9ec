"""The registry of scenarios: each is a module under bench/ with `run(settings, report)`.

The order matters: the baseline runs first, so every ratio divides by this run's rate.
"""

from importlib import import_module

from bench.report import Report
from bench.settings import Settings

SCENARIOS = {
    "baseline": "bench.baseline",
    "pages": "bench.pages",
    "lookup": "bench.lookup",
    "submission": "bench.submission",
    "push": "bench.push",
    "web_push": "bench.web_push",
    "claims": "bench.claims",
    "dashboard": "bench.dashboard",
    "wait_estimate": "bench.wait_estimate",
    "fleet": "bench.fleet",
    "chain": "bench.chain",
    "upkeep": "bench.upkeep",
}
NAMES = list(SCENARIOS)


def run(name: str, settings: Settings, report: Report) -> None:
    """Run one scenario by name."""
    if name not in SCENARIOS:
        raise SystemExit(f"bench: unknown scenario {name!r}; choose from {', '.join(NAMES)}")
    import_module(SCENARIOS[name]).run(settings, report)
