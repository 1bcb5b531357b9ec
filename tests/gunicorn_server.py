"""A real gunicorn serving wsgi:app in a subprocess: what production runs, for the tests.

It runs gunicorn.conf.py (gevent workers) on a random port, in a process group of its
own, so a test can SIGKILL one worker or the whole server and start it again on the
same port. Its output goes to a log file, named in the error when it does not start.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn -c gunicorn.conf.py -w N wsgi:app; a context manager, or start()/stop().

    `database_url` and `config` (as FLOORAPP_<KEY>) go into the environment, after
    `env`; the escalation tick is off unless asked for (FLOORAPP_TICK_INTERVAL_S).
    """

    def __init__(self, database_url: str | None = None, *, env: dict[str, str] | None = None,
                 workers: int = 2, log_path: Path | None = None, **config: str):
        self.port = free_port()
        self.worker_count = workers
        self.env = {**os.environ, "FLOORAPP_SECRET_KEY": "test-server-key",
                    "FLOORAPP_TICK_INTERVAL_S": "0", **(env or {}),
                    **({"FLOORAPP_DATABASE_URL": database_url} if database_url else {}),
                    **{f"FLOORAPP_{key}": value for key, value in config.items()}}
        if (self.env.get("FLOORAPP_DATABASE_URL", "").startswith("postgresql")
                and "FLOORAPP_RATELIMIT_STORAGE_URI" not in self.env):
            # without it the limits would count in the checkout's instance folder, shared by
            # every test server of every run (SQLite servers count beside their own file)
            limits = Path(tempfile.mkdtemp(prefix="floorapp-limits-")) / "ratelimits.sqlite3"
            self.env["FLOORAPP_RATELIMIT_STORAGE_URI"] = f"floorapp-sqlite:///{limits}"
        if log_path is None:
            descriptor, name = tempfile.mkstemp(prefix="floorapp-gunicorn-", suffix=".log")
            os.close(descriptor)
            log_path = Path(name)
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    base = url

    def start(self) -> "Gunicorn":
        """Start the server and wait until it answers /healthz with all its workers."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                 "--workers", str(self.worker_count), "--graceful-timeout", "1",
                 "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        try:
            self.wait_ready()
        except BaseException:
            self.kill()
            raise
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until the server answers /healthz with 200 and runs all its workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            with contextlib.suppress(requests.RequestException):
                answer = requests.get(f"{self.url}/healthz", timeout=2)
                if answer.status_code == 200 and len(self.workers()) == self.worker_count:
                    return
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not start; see {self.log_path}")

    def workers(self) -> list[int]:
        """Return the pids of the master's worker processes."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    children.append(int(stat.parent.name))
        return children

    def kill_worker(self, pid: int) -> None:
        """SIGKILL one worker (the master starts a new one)."""
        os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop the server as a deploy does (SIGTERM), killing it if it lingers."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        self.kill()

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, like a power cut."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for _ in range(50):  # orphaned workers die with their group; wait for the port
            if not self.workers():
                break
            time.sleep(0.1)
        self.process = None

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()
