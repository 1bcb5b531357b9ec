"""What the fault tests drive: a real gunicorn, a TCP proxy to cut, and resuming SSE clients.

The gunicorn runs exactly what production runs (gunicorn.conf.py: gevent, 2 workers)
in a process group of its own, so a test can kill one worker or the whole server with
SIGKILL and start it again on the same port.
"""

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn serving wsgi:app on a random port, with its environment."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.port = free_port()
        self.env = {**os.environ, **env}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Return the server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the server and wait until both workers answer /healthz."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--workers", "2",
             "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until the server answers /healthz with 200 and runs two workers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if (requests.get(f"{self.url}/healthz", timeout=2).status_code == 200
                        and len(self.workers()) == 2):
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


class TcpProxy:
    """A small asyncio TCP forwarder in its own thread, that a test can cut and restore."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.restore()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def restore(self) -> None:
        """Listen again: new connections reach the database."""
        self._server = self._call(asyncio.start_server(self._pipe, "127.0.0.1", self.port,
                                                       reuse_address=True))

    def cut(self) -> None:
        """Stop listening and drop every open connection, as if the database vanished."""
        self._call(self._cut())

    async def _cut(self) -> None:
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    def close(self) -> None:
        """Cut, finish the forwarding tasks, and stop the proxy's loop."""
        self.cut()
        self._call(self._finish())
        self.loop.call_soon_threadsafe(self.loop.stop)

    async def _finish(self) -> None:
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _pipe(self, reader, writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, upstream_writer))
        await asyncio.gather(self._copy(reader, upstream_writer),
                             self._copy(upstream_reader, writer))

    async def _copy(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._writers.discard(writer)
            writer.transport.abort()


def login(base_url: str, login_name: str, password: str) -> requests.Session:
    """Log in through the real form (with its CSRF token); return the session."""
    session = requests.Session()
    page = session.get(f"{base_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(f"{base_url}/login", data={"login": login_name, "password": password,
                                                      "csrf_token": token}, timeout=10)
    assert answer.ok and "session" in session.cookies, answer.status_code
    return session


class StreamClient:
    """An EventSource-like client: reads a store's SSE stream, resumes with Last-Event-ID."""

    def __init__(self, server: Gunicorn, path: str, cookies):
        self.server, self.path, self.cookies = server, path, cookies
        self.ids: list[int] = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "StreamClient":
        """Start reading in a thread of its own."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading (the open connection is dropped)."""
        self._stop.set()
        self._thread.join(timeout=15)

    def _run(self) -> None:
        while not self._stop.is_set():
            last = self.ids[-1] if self.ids else 0
            with contextlib.suppress(requests.RequestException):
                self._read(last)
            time.sleep(0.2)  # the server asks for 2 s (retry:); a test need not wait that long

    def _read(self, last: int) -> None:
        response = requests.get(f"{self.server.url}{self.path}", cookies=self.cookies,
                                headers={"Last-Event-ID": str(last)}, stream=True, timeout=3)
        with response:
            if response.status_code != 200:
                return
            self.connections += 1
            for line in response.iter_lines(decode_unicode=True):
                if self._stop.is_set():
                    return
                if line and line.startswith("id: "):
                    self.ids.append(int(line[4:]))
