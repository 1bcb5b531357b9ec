"""The installable app: manifest, icons, the service worker and the offline page.

The service worker's cache name carries a version computed from the app shell's
files, so a deploy that changes them installs a new worker and the page offers a
reload instead of leaving the associate on stale code. The worker keeps pages only
for the login session that saw them (floorapp/web/caching.py labels each answer) and
shows them offline only within the session's idle window, given to it here.
"""

import functools
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template

from floorapp.errors import NotFound
from floorapp.icons import icon_png
from floorapp.services.org.sessions import TOUCH_INTERVAL

bp = Blueprint("pwa", __name__)
# The associate app's styles and every ES module its pages load (app.js and its imports on
# every page; floor.js and its imports on the queue; the other pages' own), so a page opened
# offline finds them all and a change to any of them is a new version. tests/web/test_scripts.py
# checks that every module the associate's pages import is listed.
SHELL_FILES = (
    "css/app.css",
    "js/app.js", "js/banner.js", "js/connection.js", "js/csrf.js", "js/notice.js",
    "js/outbox.js", "js/outbox-view.js", "js/sw-register.js",
    "js/floor.js", "js/coalesce.js", "js/page.js", "js/sound.js", "js/stream.js",
    "js/staff-thread.js",
    "js/lookup.js", "js/board.js", "js/range.js", "js/signs.js", "js/push.js",
)
ICONS = {"icon-192": (192, False), "icon-512": (512, False), "maskable-512": (512, True)}


def shell_urls() -> list[str]:
    """Return the URLs the service worker precaches: styles, scripts, icons, offline page."""
    return ([f"/static/{name}" for name in SHELL_FILES]
            + [f"/icons/{name}.png" for name in ICONS] + ["/offline"])


@functools.cache
def shell_version(static_folder: str) -> str:
    """Return a short hash of the app shell's files: it changes with every deploy that matters."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((Path(static_folder) / name).read_bytes())
    digest.update((Path(static_folder).parent / "templates" / "pwa" / "sw.js").read_bytes())
    return digest.hexdigest()[:12]


@bp.app_context_processor
def rendering_time() -> dict[str, str]:
    """Stamp every page with when it was rendered (the offline banner shows it)."""
    return {"rendered_at": datetime.now(UTC).isoformat(timespec="seconds")}


@bp.get("/manifest.webmanifest")
def manifest():
    """Describe the associate app to the browser so it can be installed."""
    response = jsonify(
        name="floorapp — store floor", short_name="floorapp", id="/", start_url="/",
        scope="/", display="standalone", orientation="portrait",
        theme_color="#1c2430", background_color="#f3f5f8",
        description="Help requests, size lookup and the queue, for store associates.",
        icons=[{"src": f"/icons/{name}.png", "sizes": f"{size}x{size}", "type": "image/png",
                "purpose": "maskable" if maskable else "any"}
               for name, (size, maskable) in ICONS.items()],
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/icons/<name>.png")
def icon(name: str):
    """Serve an app icon, drawn in code (see floorapp/icons.py)."""
    if name not in ICONS:
        raise NotFound("No such icon.")
    size, maskable = ICONS[name]
    response = Response(icon_png(size, maskable=maskable), mimetype="image/png")
    response.cache_control.max_age = 86400
    response.cache_control.public = True
    return response


@bp.get("/sw.js")
def service_worker():
    """Serve the service worker from the site's root, so its scope is the whole app."""
    body = render_template("pwa/sw.js", version=shell_version(current_app.static_folder),
                           shell=shell_urls(), offline_window_ms=offline_window_ms())
    response = Response(body, mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


@bp.get("/h/push-sw.js")
def customer_service_worker():
    """Serve the customer's push-only worker, scoped to the status pages (/h/)."""
    response = Response(render_template("pwa/customer-sw.js"), mimetype="text/javascript")
    response.cache_control.no_cache = True
    return response


def offline_window_ms() -> int:
    """Return how long after its last online answer a session's pages may be shown offline.

    The server ends a session SESSION_IDLE after its last noted use, and notes a use at
    most once per TOUCH_INTERVAL, so the worker stops that much earlier: a page is never
    shown offline after the session it belongs to has ended on the server.
    """
    window = current_app.config["SESSION_IDLE"] - TOUCH_INTERVAL
    return max(0, int(window.total_seconds() * 1000))


@bp.get("/offline")
def offline():
    """The page shown for a page that was never opened online."""
    return render_template("pwa/offline.html")
