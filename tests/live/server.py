"""A real gunicorn (gevent workers) serving the app in a subprocess, and a small SSE client."""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn -k gevent -w N wsgi:app on a random port, stopped on exit."""

    def __init__(self, database_url: str, *, workers: int = 2, **config: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "FLOORAPP_DATABASE_URL": database_url,
                    "FLOORAPP_SECRET_KEY": "live-test-key", "FLOORAPP_TICK_INTERVAL_S": "0",
                    **{f"FLOORAPP_{key}": value for key, value in config.items()}}
        self.args = [str(Path(sys.executable).parent / "gunicorn"), "--bind",
                     f"127.0.0.1:{self.port}", "--workers", str(workers), "--worker-class",
                     "gevent", "--worker-connections", "1000", "--graceful-timeout", "1",
                     "wsgi:app"]
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self, "GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc_info):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(server, method: str, path: str, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict | str, http.client.HTTPResponse]:
    """Make one HTTP request; return the status, the decoded body and the response."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    payload = urllib.parse.urlencode(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    connection.request(method, path, body=payload, headers=all_headers)
    response = connection.getresponse()
    raw = response.read().decode()
    connection.close()
    try:
        return response.status, json.loads(raw), response
    except ValueError:
        return response.status, raw, response


def log_in(server, login: str, password: str) -> str:
    """Log in through the form; return the session cookie."""
    _, page, response = request(server, "GET", "/login")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, _, response = request(server, "POST", "/login",
                                  {"login": login, "password": password, "csrf_token": csrf},
                                  {"Cookie": cookie})
    assert status == 302, status
    return response.getheader("Set-Cookie").split(";")[0]


class EventStream:
    """An open SSE connection; `next_event` returns the next `id:`/`data:` message."""

    def __init__(self, server, path: str, *, cookie: str = "", last_event_id: int | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        headers = {"Accept": "text/event-stream"}
        if cookie:
            headers["Cookie"] = cookie
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.comments: list[str] = []

    def next_event(self) -> dict:
        """Block until the next event and return its data (with its SSE id)."""
        lines: list[str] = []
        while True:
            line = self.response.fp.readline().decode()
            if line == "":
                raise ConnectionError("the stream ended")
            line = line.rstrip("\r\n")
            if line.startswith(":"):
                self.comments.append(line)
            elif line == "" and any(part.startswith("data:") for part in lines):
                fields = dict(part.split(": ", 1) for part in lines if ": " in part)
                event = json.loads(fields["data"])
                event["sse_id"] = int(fields["id"])
                return event
            elif line == "":
                lines = []
            else:
                lines.append(line)

    def wait_connected(self) -> None:
        """Read until the server's first comment, so the stream is subscribed."""
        while not any("connected" in c for c in self.comments):
            line = self.response.fp.readline().decode()
            if line.startswith(":"):
                self.comments.append(line.strip())

    def close(self) -> None:
        """Drop the connection (like a phone losing its signal)."""
        self.connection.close()


def csrf_session(server, cookie: str, page_path: str) -> tuple[str, str]:
    """Load a page; return the (possibly renewed) session cookie and its CSRF token."""
    _, page, response = request(server, "GET", page_path, headers={"Cookie": cookie})
    renewed = response.getheader("Set-Cookie")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return (renewed.split(";")[0] if renewed else cookie), token
