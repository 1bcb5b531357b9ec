"""Load generators: wrk for throughput, a sequential client for one-client latency."""

import re
import shutil
import statistics
import subprocess
import time
import urllib.request
from dataclasses import dataclass

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Throughput:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    errors: int


def require_wrk() -> str:
    """Return wrk's path, or say how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("bench: wrk is missing; install it with 'apt-get install wrk'")
    return path


def wrk(url: str, *, connections: int, seconds: float, threads: int = 1,
        script: str | None = None, script_args: tuple[str, ...] = ()) -> Throughput:
    """Run wrk against `url` and return its requests/s, latency percentiles and errors."""
    command = [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
               "--latency", "--timeout", "10s", url]
    if script:
        command[1:1] = ["-s", script]
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True,
                            timeout=seconds + 60).stdout
    return _parse_wrk(output)


def _parse_wrk(output: str) -> Throughput:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+\w+)", output, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Throughput(requests_per_s=rate, p50_ms=_to_ms(percentiles["50"]),
                      p99_ms=_to_ms(percentiles["99"]),
                      errors=errors + (int(non_2xx.group(1)) if non_2xx else 0))


def _to_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * UNITS[unit]


def one_client_latency(urls: list[str], *, samples: int,
                       headers: dict[str, str] | None = None) -> dict[str, float]:
    """Time `samples` sequential requests over a kept-alive connection; return p50/p99 ms."""
    import http.client
    from urllib.parse import urlsplit

    first = urlsplit(urls[0])
    connection = http.client.HTTPConnection(first.hostname, first.port, timeout=10)
    timings = []
    for number in range(samples):
        target = urlsplit(urls[number % len(urls)])
        path = target.path + (f"?{target.query}" if target.query else "")
        started = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status >= 400:
            raise RuntimeError(f"{path} answered {response.status}")
    connection.close()
    return {"p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99)}


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of `values`."""
    ordered = sorted(values)
    rank = max(1, round(share / 100 * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def fetch(url: str) -> bytes:
    """GET a URL and return the body."""
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback only)
        return response.read()


def median_and_spread(values: list[float]) -> tuple[float, float, float]:
    """Return the median, minimum and maximum of several rounds."""
    return statistics.median(values), min(values), max(values)


def fetch_with(url: str, headers: dict[str, str]) -> bytes:
    """GET a URL with extra headers (a session cookie) and return the body."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback only)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read()
