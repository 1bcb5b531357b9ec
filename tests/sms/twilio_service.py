"""A local stand-in for Twilio's Messages REST API, for tests.

Twilio cannot be reached from these machines, so the tests send to this server and it
checks what Twilio documents for "create a Message"
(https://www.twilio.com/docs/messaging/api/message-resource):

- POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded;
- HTTP Basic auth with the Account SID and the Auth Token (401, error 20003, else);
- To, Body, and exactly one of From or MessagingServiceSid (400, error 21604/21602…);
- an optional StatusCallback, an absolute http(s) URL (400, error 21609 else).

It answers 201 with a JSON Message resource like Twilio's (sid "SM" + 32 hex, status
"queued"), and can be told to answer the next requests with Twilio's error JSON
(`{"code", "message", "more_info", "status"}`) at 400, 429 or 500.
"""

import base64
import json
import re
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "test-twilio-auth-token"
FROM = "+15005550006"  # Twilio's magic test "From" number
PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


@dataclass(frozen=True)
class Arrival:
    """One message Twilio's API accepted, as posted."""

    sid: str
    to: str
    sender: str
    body: str
    status_callback: str
    auth: tuple[str, str]


class TwilioService:
    """Run the stand-in on a random loopback port: `with TwilioService() as service:`."""

    def __init__(self, account_sid: str = ACCOUNT_SID, auth_token: str = AUTH_TOKEN):
        self.account_sid, self.auth_token = account_sid, auth_token
        self.arrivals: list[Arrival] = []
        self.refused: list[tuple[int, dict]] = []  # (status, error body) answered
        self._failures: list[tuple[int, int, str]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, status: int, code: int, message: str, *, times: int = 1) -> None:
        """Answer the next `times` well-formed requests with this Twilio error."""
        with self._lock:
            self._failures.extend([(status, code, message)] * times)

    def __enter__(self) -> "TwilioService":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        """Check one request as Twilio would and return (status, JSON body)."""
        match = PATH.match(urlsplit(path).path)
        if not match:
            return 404, _error(20404, "The requested resource was not found", 404)
        auth = _basic(headers.get("Authorization", ""))
        if auth != (self.account_sid, self.auth_token) or match.group(1) != self.account_sid:
            return 401, _error(20003, "Authenticate", 401)
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return 400, _error(21601, "Content-Type must be form-encoded", 400)
        fields = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        problem = _field_problem(fields)
        if problem:
            return 400, _error(*problem, 400)
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure:
            return failure[0], _error(failure[1], failure[2], failure[0])
        sid = "SM" + uuid.uuid4().hex
        sender = fields.get("From") or fields.get("MessagingServiceSid")
        self.arrivals.append(Arrival(sid, fields["To"], sender, fields["Body"],
                                     fields.get("StatusCallback", ""), auth))
        return 201, {"sid": sid, "account_sid": self.account_sid, "to": fields["To"],
                     "from": fields.get("From"), "body": fields["Body"], "status": "queued",
                     "messaging_service_sid": fields.get("MessagingServiceSid"),
                     "num_segments": "1", "direction": "outbound-api", "api_version":
                     "2010-04-01", "error_code": None, "error_message": None,
                     "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json"}


def _field_problem(fields: dict) -> tuple[int, str] | None:
    if not E164.match(fields.get("To", "")):
        return 21211, "Invalid 'To' Phone Number"
    if not fields.get("Body"):
        return 21602, "Message body is required"
    if len(fields["Body"]) > 1600:
        return 21617, "The concatenated message body exceeds the 1600 character limit"
    if bool(fields.get("From")) == bool(fields.get("MessagingServiceSid")):
        return 21604, "A 'From' phone number or a MessagingServiceSid is required (one)"
    callback = fields.get("StatusCallback")
    if callback is not None and urlsplit(callback).scheme not in ("http", "https"):
        return 21609, "Invalid 'StatusCallback'"
    return None


def _error(code: int, message: str, status: int) -> dict:
    return {"code": code, "message": message, "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def _basic(header: str) -> tuple[str, str] | None:
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except ValueError:
        return None
    return user, password


def _handler(service: TwilioService):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, answer = service.answer(self.path, self.headers, body)
            if status >= 300:
                service.refused.append((status, answer))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler
