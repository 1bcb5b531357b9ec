"""`make bench`: build the data, start real servers, measure, stop them, print a table.

Every throughput figure is also given as a ratio to a minimal Flask app served by the
same gunicorn configuration in the same run, because these machines are shared and
noisy. `--quick` runs one short round of each on small data, to keep this code
working in CI; its numbers are not comparable to the targets.
"""

import argparse
import dataclasses
import signal
import sys
import time
from pathlib import Path

from bench import data, load, scenarios
from bench.report import Report
from bench.server import GUNICORN
from bench.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="one short round on small data (CI), under two minutes")
    parser.add_argument("--only", nargs="*", default=None,
                        help=f"run only these scenarios: {', '.join(scenarios.NAMES)}")
    parser.add_argument("--styles", type=int, help="catalog styles (default 50,000)")
    parser.add_argument("--history", type=int, help="historical requests (default 2,000,000)")
    parser.add_argument("--backends", nargs="*", choices=("sqlite", "postgresql"))
    parser.add_argument("--output", type=Path, default=None, help="where to write the JSON")
    return parser.parse_args(argv)


def preflight(settings: Settings) -> None:
    """Check what the benchmark needs and say what it found (or how to get it)."""
    print(f"bench: wrk at {load.require_wrk()}; {GUNICORN}", flush=True)
    if "postgresql" in settings.backends:
        try:
            data.pg_cached(data.empty())
        except Exception as error:
            raise SystemExit(f"bench: PostgreSQL at {data.PG_SERVER} is not usable ({error}); "
                             "start it, set FLOORAPP_BENCH_POSTGRES=user@host:port, or "
                             "pass --backends sqlite") from None
        print(f"bench: PostgreSQL at {data.PG_SERVER} answers", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the scenarios and write the report; exit non-zero only on errors."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    settings = Settings.for_mode(quick=args.quick)
    sizes = {"styles": args.styles, "history": args.history,
             "backends": tuple(args.backends) if args.backends else None}
    settings = dataclasses.replace(settings, **{k: v for k, v in sizes.items() if v})
    report = Report(mode="quick" if args.quick else "full")
    preflight(settings)
    started = time.monotonic()
    # `kill` and CI timeouts send SIGTERM: unwind like Ctrl-C so every server stops.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        for name in args.only or scenarios.NAMES:
            scenarios.run(name, settings, report)
    except KeyboardInterrupt:
        print("\nbench: interrupted; everything it started is stopped.", file=sys.stderr)
        return 130
    output = args.output or RESULTS / f"bench-{report.mode}.json"
    report.write_json(output)
    print(f"\n{report.table()}\n\nWritten to {output} in {time.monotonic() - started:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
