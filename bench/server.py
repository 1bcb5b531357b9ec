"""Start and stop a real gunicorn for a measurement."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


class Base(str):
    """A running server's base URL that also knows its gunicorn master's pid."""

    pid: int


def _children(parent_pid: int):
    """Yield the /proc stat fields (after the name) and pid of each child of `parent_pid`."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == parent_pid:
            yield int(stat.parent.name), fields


def workers_cpu_s(master_pid: int) -> float:
    """Return the CPU seconds (user + system) the master's worker processes have used."""
    return sum(children_cpu_s(master_pid).values())


def children_cpu_s(parent_pid: int) -> dict[int, float]:
    """Return each child's CPU seconds (user + system), by pid: PostgreSQL's backends come
    and go, so the fleet compares them pid by pid (`cpu_since`)."""
    return {pid: (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for pid, fields in _children(parent_pid)}


def cpu_since(parent_pid: int, before: dict[int, float]) -> float:
    """Return the CPU seconds the children of `parent_pid` used since `before` was taken
    (a child that ended meanwhile is not counted: its last stretch is lost)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in children_cpu_s(parent_pid).items())


def workers_rss_bytes(master_pid: int) -> int:
    """Return the resident memory of the master's worker processes, summed."""
    return sum(int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
               for _, fields in _children(master_pid))


def connections_per_process(port: int) -> list[int]:
    """Return how many established connections to `port` each process holds, most first."""
    ss = shutil.which("ss")
    if ss is None:  # iproute2 missing: the split is not reported
        return []
    output = subprocess.run([ss, "-Htnp", "state", "established", f"( sport = :{port} )"],
                            capture_output=True, text=True, check=True).stdout
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", output):
        counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, *, env: dict[str, str] | None = None, workers: int = 2,
             worker_class: str | None = None, worker_connections: int | None = None,
             ready_path: str = "/", log: Path | None = None):
    """Serve `app` ("module:variable") on a free port; yield its base URL (a `Base`); stop it.

    `worker_class` and `worker_connections` override gunicorn.conf.py on the command line
    (the fleet holds more streams per worker than its 1,000 connections allow)."""
    port = free_port()
    command = [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), app]
    if worker_class:
        command[3:3] = ["--worker-class", worker_class]
    if worker_connections:
        command[3:3] = ["--worker-connections", str(worker_connections)]
    output = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})},
                               stdout=output, stderr=output, start_new_session=True)
    base = Base(f"http://127.0.0.1:{port}")
    base.pid = process.pid
    try:
        _wait_until_ready(base + ready_path, process)
        yield base
    finally:
        # gunicorn's quick shutdown: a graceful one (TERM) would wait graceful_timeout for
        # every open SSE stream, as a measurement has no requests left worth finishing.
        os.killpg(process.pid, signal.SIGQUIT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log:
            output.close()


def _wait_until_ready(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback server)
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")
