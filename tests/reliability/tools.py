"""What the fault tests drive besides the server (tests/gunicorn_server.py): a TCP proxy
to cut, a log-in, and resuming SSE clients."""

import asyncio
import contextlib
import re
import threading
import time

import requests

from tests.gunicorn_server import Gunicorn, free_port


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
