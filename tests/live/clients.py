"""Small HTTP and SSE clients of a test server (tests/gunicorn_server.py)."""

import http.client
import json
import re
import time
import urllib.parse


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


def session_cookie(response: http.client.HTTPResponse) -> str | None:
    """Return the `session=…` pair a response sets, among its other cookies (the device's)."""
    for header in response.headers.get_all("Set-Cookie") or []:
        pair = header.split(";")[0]
        if pair.startswith("session="):
            return pair
    return None


def log_in(server, login: str, password: str) -> str:
    """Log in through the form; return the session cookie."""
    _, page, response = request(server, "GET", "/login")
    cookie = session_cookie(response)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, _, response = request(server, "POST", "/login",
                                  {"login": login, "password": password, "csrf_token": csrf},
                                  {"Cookie": cookie})
    assert status == 302, status
    return session_cookie(response)


class EventStream:
    """An open SSE connection; `next_event` returns the next `id:`/`data:` message."""

    def __init__(self, server, path: str, *, cookie: str = "", last_event_id: int | None = None,
                 timeout: float = 10):
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
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

    def ends_within(self, seconds: float) -> bool:
        """Read (keep-alives, events) until the server ends the stream; False if it did not
        within `seconds` (keep-alives must come more often than the socket's timeout)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.response.fp.readline()
            except ConnectionError:
                return True
            except TimeoutError:
                return False
            if line in (b"", b"0\r\n"):  # closed, or the last chunk (the connection may stay)
                return True
        return False

    def close(self) -> None:
        """Drop the connection (like a phone losing its signal)."""
        self.connection.close()


def csrf_session(server, cookie: str, page_path: str) -> tuple[str, str]:
    """Load a page; return the (possibly renewed) session cookie and its CSRF token."""
    _, page, response = request(server, "GET", page_path, headers={"Cookie": cookie})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    return session_cookie(response) or cookie, token
