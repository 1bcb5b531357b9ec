"""The benchmark's table and JSON file, with each target marked met or missed."""

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


@dataclass
class Result:
    """One measured figure, its spread over rounds, and the target it is held to."""

    scenario: str
    metric: str
    value: float | None
    unit: str
    target: str = ""
    met: bool | None = None
    spread: str = ""
    note: str = ""


@dataclass
class Report:
    """Every result of one benchmark run, with the machine it ran on."""

    mode: str
    results: list[Result] = field(default_factory=list)

    def add(self, result: Result) -> None:
        """Record a result and print it at once, so a long run shows progress."""
        self.results.append(result)
        print(_row(result), flush=True)

    def table(self) -> str:
        """Return the results as a Markdown table."""
        lines = ["| scenario | metric | value | spread | target | |",
                 "| --- | --- | --- | --- | --- | --- |"]
        lines += [_markdown_row(result) for result in self.results]
        return "\n".join(lines)

    def write_json(self, path: Path) -> None:
        """Write the results, the mode and the machine to a JSON file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "mode": self.mode, "machine": machine(),
            "results": [asdict(result) for result in self.results],
        }, indent=2))


def machine() -> dict[str, str | int]:
    """Describe the machine the figures were measured on."""
    import os

    return {"python": platform.python_version(), "system": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cores": os.cpu_count() or 0}


def _verdict(result: Result) -> str:
    if result.met is None:
        return ""
    return "met" if result.met else "MISSED"


def _format(result: Result) -> str:
    if result.value is None:
        return "—"
    return f"{result.value:,.2f} {result.unit}".strip()


def _row(result: Result) -> str:
    return (f"{result.scenario:<28} {result.metric:<34} {_format(result):>18} "
            f"{result.spread:>18}  {result.target:<14} {_verdict(result)} {result.note}")


def _markdown_row(result: Result) -> str:
    cells = [result.scenario, result.metric, _format(result), result.spread,
             result.target, _verdict(result) + (f" {result.note}" if result.note else "")]
    return "| " + " | ".join(cells) + " |"
