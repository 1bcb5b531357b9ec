"""A tiny HTTP client for set-up: log in like a browser, keep the cookie and CSRF token."""

import gzip
import http.client
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


@dataclass
class Browser:
    """One logged-in (or anonymous) client of a server: its cookies and CSRF token."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    @property
    def cookie(self) -> str:
        """Return the Cookie header value."""
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        """Send one request (no redirects followed); return status, headers and body."""
        where = urlsplit(self.base)
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers={
                "Cookie": self.cookie, "Accept-Encoding": "identity", **(headers or {})})
            response = connection.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie_name, _, rest = value.partition("=")
                    self.cookies[cookie_name] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def get_page(self, path: str) -> tuple[str, bytes]:
        """GET a page, following redirects; return the final path and the HTML."""
        for _ in range(5):
            status, headers, data = self.request("GET", path)
            if status in (301, 302, 303) and "location" in headers:
                path = urlsplit(headers["location"]).path or "/"
                continue
            if status != 200:
                raise RuntimeError(f"GET {path} answered {status}")
            token = CSRF_META.search(data.decode()) or CSRF_FIELD.search(data.decode())
            self.csrf = token.group(1) if token else self.csrf
            return path, data
        raise RuntimeError(f"GET {path}: too many redirects")

    def post_json(self, path: str, payload: dict, headers: dict[str, str] | None = None):
        """POST JSON with the CSRF header; return status and the decoded body."""
        status, _, data = self.request("POST", path, json.dumps(payload).encode(), {
            "Content-Type": "application/json", "X-CSRFToken": self.csrf, **(headers or {})})
        return status, json.loads(data or b"{}")


def log_in(base: str, login: str, password: str) -> Browser:
    """Log in through the login form, as a browser does; return the logged-in client."""
    browser = Browser(base)
    browser.get_page("/login")
    form = urlencode({"login": login, "password": password, "csrf_token": browser.csrf})
    status, _, _ = browser.request("POST", "/login", form.encode(), {
        "Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"logging in {login} answered {status}")
    browser.get_page("/")  # the landing page carries the session's CSRF token
    return browser


def gzip_size(data: bytes) -> int:
    """Return the size of `data` gzipped at the level servers commonly use (6)."""
    return len(gzip.compress(data, compresslevel=6))
