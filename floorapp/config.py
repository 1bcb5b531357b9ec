"""Configuration: defaults here, then `FLOORAPP_*` environment variables, then overrides.

This module alone reads the environment; everything else reads `current_app.config`.
"""

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite", "postgresql", "postgresql+psycopg")


class ConfigError(SystemExit):
    """A configuration the app cannot start with.

    A SystemExit: uncaught, start-up stops with its one-line message (`floorapp: …`)
    and no traceback, in `flask` commands and in gunicorn alike.
    """

    def __init__(self, message: str):
        super().__init__(f"floorapp: {message}")
        self.message = message


class Defaults:
    """Settings every deployment starts from."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # No pool_pre_ping (a round trip at every checkout): a statement that meets a dead
    # connection fails, the request answers 503 (web/errors.py), and SQLAlchemy drops
    # the whole pool then, so the next checkout connects afresh (tests/reliability/
    # test_disconnects.py).
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = 30  # shared handhelds: an idle session ends on the server
    # The cookie outlives a shift and is not re-signed on every response (a cost on every
    # request): idleness is enforced by the server's login session, not by the cookie.
    SESSION_COOKIE_HOURS = 14
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # a shift is long; the token is tied to the session anyway
    # RATELIMIT_STORAGE_URI: redis://… in production; unset, a SQLite file the workers of
    # the host share (see `ratelimit_storage_uri`). memory:// counts per worker: tests only.
    RATELIMIT_HEADERS_ENABLED = True
    # Failed logins (web/login_devices.py): a browser the account has logged in on counts
    # on its own; strangers count per (account, address), per account, per address.
    LOGIN_LIMIT_PER_DEVICE = "10 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = "5 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "20 per 15 minutes"
    LOGIN_LIMIT_PER_ADDRESS = "30 per 15 minutes"
    DATABASE_CONNECT_TIMEOUT_S = 5
    # Search matches kept per worker (services/inventory/search_cache.py): a few hundred
    # bytes each; an import or catalog edit empties them.
    SEARCH_CACHE_ENTRIES = 4000
    RETENTION_DAYS = 30  # customer notes and comments are erased after this
    # The scheme and host customers reach the app at: every absolute URL printed for the
    # outside (the QR codes) starts with it, never with a request's Host header. The
    # default is the address `make run` serves; production sets FLOORAPP_PUBLIC_BASE_URL.
    PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    PROXY_COUNT = 0  # how many reverse proxies in front set X-Forwarded-* (ProxyFix)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024  # the largest thing posted is a catalog CSV
    MAX_FORM_MEMORY_SIZE = 500 * 1024
    DEMO_PASSWORD = "floor-demo-2026"  # noqa: S105  (published on purpose: the demo prints it)
    # Help requests (issue 4): rate limits of the public endpoints, escalation, idleness.
    SUBMIT_LIMIT_PER_ADDRESS = "20 per 10 minutes"  # a store's guest Wi-Fi shares one address
    # Per address at one sign: a customer who resends, plus a couple at a shared address.
    SUBMIT_LIMIT_PER_ADDRESS_PER_SIGN = "10 per 10 minutes"
    # A sign past this ceiling is "hot" (web/public_limits.py): it never refuses a fresh
    # address; one that already sent this many there in the window above is refused.
    SUBMIT_CEILING_PER_SIGN = "200 per 10 minutes"
    SUBMIT_STRICT_PER_ADDRESS_PER_SIGN = 1
    SIGN_PASS_MAX_AGE_S = 2 * 3600  # how long a sign's page can be sent (web/sign_pass.py)
    STATUS_LIMIT_PER_ADDRESS = "600 per minute"  # polling status pages behind one address
    # Suggestions as a customer types (a pause of 250 ms between asks), behind one address.
    SUGGEST_LIMIT_PER_ADDRESS = "240 per minute"
    # The customer's price check (issue 17): a few looks a minute per shopper, a store's
    # guest Wi-Fi behind one address; per sign, a ceiling against scraping the catalog.
    CHECK_LIMIT_PER_ADDRESS = "120 per minute"
    CHECK_LIMIT_PER_SIGN = "600 per minute"
    EXPIRE_AFTER_MINUTES = 30
    ESCALATE_AFTER_S = None  # None: the store's acknowledge target again
    IDLE_OFF_MINUTES = 20
    # A break this many minutes past its expected return is told to the managers, once.
    BREAK_OVERDUE_MINUTES = 5
    # A store's dashboard range with more requests than this takes its wait figures from
    # the roll-ups (services/metrics/store_rollup_figures.py; README "Performance" says why).
    DASHBOARD_EXACT_MAX_REQUESTS = 8000
    TICK_INTERVAL_S = 15  # how often each worker checks escalation, expiry and idleness
    SSE_KEEPALIVE_S = 15
    # SQLite: how often a worker's listener reads the event log while it holds open streams
    # (its own writes wake it at once; with no stream open it only wakes for the tick).
    SSE_POLL_S = 0.025
    # Live streams (security 3, 4). Each worker re-checks its staff streams' login sessions
    # and renews its heartbeat this often; a heartbeat older than 3x no longer counts.
    STREAM_SESSION_CHECK_S = 5
    STREAM_LEASE_RENEW_S = 5
    STREAM_MAX_S = 900  # a stream ends after 80-100 % of this; EventSource resumes at once
    # Open streams, counted in the database across workers and hosts. Customers behind a
    # store's guest Wi-Fi share one address: 40 covers a busy hour's waiting customers.
    STREAMS_PER_ADDRESS = 40
    STAFF_STREAMS_PER_ADDRESS = 200  # a store's handhelds behind one address
    STREAMS_PER_PUBLIC_TOKEN = 3
    STREAMS_PER_SESSION = 4
    WORKER_CONNECTIONS = 1000  # gunicorn's worker_connections (gunicorn.conf.py sets it)
    STREAMS_PER_WORKER = None  # None: 80 % of WORKER_CONNECTIONS, the rest for pages
    STREAM_RETRY_AFTER_S = 10
    # Web Push (issue 14). The server POSTs to URLs browsers hand it: only these URL
    # prefixes are accepted (a host may start with "*."), the browsers' own push services.
    PUSH_ENDPOINT_ALLOW = ("https://fcm.googleapis.com/,https://*.push.services.mozilla.com/,"
                           "https://*.push.apple.com/,https://*.notify.windows.com/")
    VAPID_PRIVATE_KEY = None  # None: generated once into the instance folder (mode 600)
    VAPID_SUBJECT = None  # a mailto: or https: contact; None: PUBLIC_BASE_URL when https
    PUSH_DISPATCH = True  # each worker drains the push outbox (tests start it themselves)
    PUSH_SENDERS = 8  # pushes in flight per worker: a slow push service holds only one
    PUSH_TIMEOUT_S = 5.0  # connect + read, per push
    PUSH_POLL_S = 1.0  # how often a worker looks for pushes another worker left behind
    PUSH_LEASE_S = 30  # a claimed push is re-sent by another worker after this
    PUSH_MAX_ATTEMPTS = 5  # 429 and 5xx retry with backoff, then give up
    PUSH_TTL_S = 300  # a new request's push is worth nothing after the customer left
    PUSH_DEVICES_PER_USER = 5
    PUSH_SUBSCRIBE_LIMIT = "20 per hour"  # per address, for the customers' endpoint
    # Texts (issue 16): `log` writes them to the server log (the demo needs no account);
    # `twilio` sends them with Twilio's REST API, only to a base URL under TWILIO_API_ALLOW.
    SMS_BACKEND = "log"
    SMS_DEFAULT_REGION = "US"  # how a number typed without +country code is read
    SMS_DISPATCH = True  # each worker drains the SMS outbox (tests drain it themselves)
    SMS_POLL_S = 2.0
    SMS_LEASE_S = 30
    SMS_MAX_ATTEMPTS = 5  # 429 and 5xx retry with backoff, then give up
    SMS_TIMEOUT_S = 10.0
    SMS_HASH_KEY = None  # keys the opted-out numbers' hashes; None: SECRET_KEY (keep it fixed)
    SMS_WEBHOOK_LIMIT = "120 per minute"  # per address, for Twilio's webhooks
    TWILIO_ACCOUNT_SID = ""
    TWILIO_AUTH_TOKEN = ""  # also the key of X-Twilio-Signature on the webhooks
    TWILIO_FROM = ""  # an E.164 number of the account, or
    TWILIO_MESSAGING_SERVICE_SID = ""  # a Messaging Service ("MG…") that picks the sender
    TWILIO_API_BASE_URL = "https://api.twilio.com"
    TWILIO_API_ALLOW = "https://api.twilio.com/"
    MESSAGE_WINDOW_MINUTES = 30  # a customer may still write this long after the request ended
    MESSAGE_LIMIT_PER_ADDRESS, MESSAGE_LIMIT_PER_REQUEST = "20 per minute", "30 per 10 minutes"
    # Shift calendar feeds (issue 15): phones poll every 15 minutes or so; a store's
    # handhelds share one address, and one link is polled by one person's devices.
    SHIFT_FEED_LIMIT_PER_ADDRESS = "300 per hour"
    SHIFT_FEED_LIMIT_PER_LINK = "30 per hour"


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    """Fill `app.config` from defaults, the environment and `overrides`, in that order."""
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("FLOORAPP")
    if overrides:
        app.config.update(overrides)
    app.config["SESSION_IDLE"] = timedelta(minutes=float(app.config["SESSION_IDLE_MINUTES"]))
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(
        hours=float(app.config["SESSION_COOKIE_HOURS"]))
    if app.config["STREAMS_PER_WORKER"] is None:
        app.config["STREAMS_PER_WORKER"] = int(app.config["WORKER_CONNECTIONS"]) * 4 // 5
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    app.config["PUBLIC_BASE_URL"] = public_base_url(app.config["PUBLIC_BASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    app.config["RATELIMIT_STORAGE_URI"] = ratelimit_storage_uri(app)
    app.config["PUSH_ENDPOINT_ALLOW"] = push_endpoint_allow(app.config["PUSH_ENDPOINT_ALLOW"])
    check_sms(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    if not app.config.get("VAPID_PRIVATE_KEY"):
        app.config["VAPID_PRIVATE_KEY"] = instance_vapid_key(Path(app.instance_path))
    app.config["VAPID_SUBJECT"] = vapid_subject(app.config["VAPID_SUBJECT"],
                                                app.config["PUBLIC_BASE_URL"])


def database_uri(app: Flask) -> str:
    """Return the validated database URL: `DATABASE_URL` or SQLite in the instance folder."""
    raw = app.config.get("DATABASE_URL")
    if raw is None or raw == "":
        path = Path(app.instance_path) / "floorapp.sqlite3"
        return f"sqlite:///{path}"
    try:
        url = make_url(str(raw))
    except ArgumentError:
        raise ConfigError(
            f"FLOORAPP_DATABASE_URL is not a database URL: {str(raw)[:80]!r}"
        ) from None
    check_backend(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def ratelimit_storage_uri(app: Flask) -> str:
    """Return where the rate limits count: the configured URI, or a file every worker shares.

    Without one, the counters live in a SQLite file (floorapp/limits_storage.py) beside
    the SQLite database, or in the instance folder when the database is PostgreSQL: the
    workers of one host then count together. Several hosts need Redis.
    """
    configured = app.config.get("RATELIMIT_STORAGE_URI")
    if configured:
        return str(configured)
    database = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.drivername == "sqlite" and database.database not in (None, "", ":memory:"):
        return f"floorapp-sqlite:///{database.database}.ratelimits"
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"floorapp-sqlite:///{Path(app.instance_path) / 'ratelimits.sqlite3'}"


def public_base_url(raw: object) -> str:
    """Return the validated public base URL, without a trailing slash.

    Only a scheme, a host and a port: a path would be printed on every sign and break
    when the app moves, and a query or credentials have no place in a QR code.
    """
    name = "FLOORAPP_PUBLIC_BASE_URL"
    text = str(raw or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not text.startswith(f"{parts.scheme}://"):
        raise ConfigError(f"{name} must start with http or https://, e.g. https://help.example.com")
    try:
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        raise ConfigError(f"{name} has a bad port: {text[:80]!r}") from None
    if not parts.hostname:
        raise ConfigError(f"{name} needs a host, e.g. https://help.example.com")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"{name} must carry no user or password")
    if parts.path not in ("", "/") or parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ConfigError(f"{name} is a scheme and host only, with no path, query or fragment")
    return f"{parts.scheme}://{parts.netloc}"


def vapid_subject(raw: object, public_base_url: str) -> str:
    """Return the contact push services see in each VAPID token (RFC 8292 `sub`).

    A mailto: or https: URL. Unset, the public base URL when it is https; the demo's
    plain-http address is no contact, so it gets a placeholder mailbox that says so.
    """
    text = str(raw or "").strip()
    if not text:
        if public_base_url.startswith("https://"):
            return public_base_url
        return "mailto:vapid-subject-not-set@floorapp.invalid"
    if not (text.startswith("mailto:") and "@" in text) and not (
            text.startswith("https://") and urlsplit(text).hostname):
        raise ConfigError("FLOORAPP_VAPID_SUBJECT must be a mailto: address or an https: URL, "
                          "e.g. mailto:ops@example.com")
    return text


def push_endpoint_allow(raw: object, name: str = "FLOORAPP_PUSH_ENDPOINT_ALLOW"
                        ) -> tuple[str, ...]:
    """Return the allowed URL prefixes (comma-separated text or a sequence) of `name`.

    Each ends its host with "/" or ":", so "https://fcm.googleapis.com" cannot admit
    "https://fcm.googleapis.com.evil.example" (matching: services/notify/endpoints.py).
    The push endpoints' list and Twilio's API base URL's list are read alike.
    """
    items = raw.split(",") if isinstance(raw, str) else list(raw or ())
    prefixes = tuple(text for item in items if (text := str(item).strip()))
    for prefix in prefixes:
        parts = urlsplit(prefix)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"{name}: {prefix[:80]!r} is not an "
                              "http(s) URL prefix, e.g. https://fcm.googleapis.com/")
        if not prefix.endswith(("/", ":")) or parts.username or parts.password:
            raise ConfigError(f"{name}: {prefix[:80]!r} must end its host "
                              "with '/' or ':' and carry no credentials")
    return prefixes


def check_sms(config) -> None:
    """Check the texts' settings at start-up: a typo stops the app, not the first text."""
    import phonenumbers

    from floorapp.services.notify.endpoints import endpoint_problem

    if config["SMS_BACKEND"] not in ("log", "twilio"):
        raise ConfigError("FLOORAPP_SMS_BACKEND must be 'log' or 'twilio'.")
    config["SMS_DEFAULT_REGION"] = str(config["SMS_DEFAULT_REGION"]).upper()
    if config["SMS_DEFAULT_REGION"] not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError("FLOORAPP_SMS_DEFAULT_REGION must be a region code such as US or MX.")
    allow = push_endpoint_allow(config["TWILIO_API_ALLOW"], "FLOORAPP_TWILIO_API_ALLOW")
    config["TWILIO_API_ALLOW"] = allow
    base = str(config["TWILIO_API_BASE_URL"]).rstrip("/")
    config["TWILIO_API_BASE_URL"] = base
    problem = endpoint_problem(base + "/", allow)
    if problem:
        raise ConfigError(f"FLOORAPP_TWILIO_API_BASE_URL {base[:80]!r} is refused: {problem} "
                          "(see FLOORAPP_TWILIO_API_ALLOW).")
    if config["SMS_BACKEND"] == "twilio" and not (
            config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]
            and (config["TWILIO_FROM"] or config["TWILIO_MESSAGING_SERVICE_SID"])):
        raise ConfigError("FLOORAPP_SMS_BACKEND=twilio needs FLOORAPP_TWILIO_ACCOUNT_SID, "
                          "FLOORAPP_TWILIO_AUTH_TOKEN and FLOORAPP_TWILIO_FROM (or "
                          "FLOORAPP_TWILIO_MESSAGING_SERVICE_SID).")


def check_backend(url: URL) -> None:
    """Refuse database URLs for backends and drivers this app is not built and tested for."""
    if url.drivername not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"FLOORAPP_DATABASE_URL uses {url.drivername!r}; "
            "use sqlite:///path or postgresql+psycopg://user@host/db"
        )


def engine_options(app: Flask) -> dict[str, Any]:
    """Return engine options that fit the backend (timeouts), with statement parameters hidden."""
    options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    # A failed statement's message would quote its parameters (tokens, customers' notes)
    # into the logs; the SQL itself is enough to find the fault.
    options.setdefault("hide_parameters", True)
    timeout = int(app.config["DATABASE_CONNECT_TIMEOUT_S"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.setdefault("connect_args", {"connect_timeout": timeout})
    else:
        options.setdefault("connect_args", {"timeout": 15})
    return options


def instance_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first run."""
    return instance_file(instance, "secret_key", lambda: secrets.token_hex(32))


def instance_vapid_key(instance: Path) -> str:
    """Return the VAPID private key (PEM) kept in the instance folder, made on first run."""
    from cryptography.hazmat.primitives import serialization as pem
    from cryptography.hazmat.primitives.asymmetric import ec

    return instance_file(instance, "vapid_private_key.pem", lambda: ec.generate_private_key(
        ec.SECP256R1()).private_bytes(pem.Encoding.PEM, pem.PrivateFormat.PKCS8,
                                      pem.NoEncryption()).decode())


def instance_file(instance: Path, name: str, make: Callable[[], str]) -> str:
    """Return a secret file of the instance folder, writing `make()` into it on first run.

    The text is written to a private (mode 600) temporary file and linked into place,
    so two workers starting at once agree on one value and never read a half-written file.
    """
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=instance, prefix=f".{name}.")
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
        Path(temporary).unlink()
    return path.read_text().strip()
