"""floorapp: help requests, size lookup and honest wait times for store associates."""

from pathlib import Path
from typing import Any

from flask import Flask

from floorapp.config import load_config


def create_app(config: dict[str, Any] | None = None, *, instance_path: str | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages and commands.

    `instance_path` moves the instance folder (the SQLite file and the generated
    secret key) away from its default beside the package.
    """
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
        instance_path=instance_path,
    )
    load_config(app, config)
    from floorapp.api.json_encoding import FastJSONProvider

    app.json = FastJSONProvider(app)  # jsonify with orjson, same JSON (api/json_encoding.py)
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    register_push(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons to `app`."""
    from floorapp import models  # noqa: F401  (registers the tables for migrations)
    from floorapp.extensions import csrf, db, limiter, login_manager, migrate
    from floorapp.web.auth import configure_login

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    configure_login(login_manager)
    from floorapp.extensions import babel
    from floorapp.web.language import select_locale

    babel.init_app(app, locale_selector=select_locale)


def register_security(app: Flask) -> None:
    """Add security headers, the proxy set-up and the session checks."""
    from floorapp.web.security import register

    register(app)
    from floorapp.web import wire

    wire.register(app)


def register_blueprints(app: Flask) -> None:
    """Mount the HTML blueprints and the JSON API (its blueprints under /api/v1)."""
    from floorapp import api
    from floorapp.api import (
        catalog,
        events,
        help_requests,
        messages,
        metrics,
        push,
        queue,
        sign_products,
    )
    from floorapp.api import (
        regions as api_regions,
    )
    from floorapp.web import (
        auth,
        catalog_admin,
        customer,
        dashboard,
        devices,
        floor,
        health,
        home,
        lookup,
        lookup_actions,
        manage,
        price_check,
        pwa,
        regions,
        shift_feed,
        shifts,
        signs,
        sms_hooks,
    )

    pages = (auth, health, home, manage, pwa, signs, customer, floor, lookup, lookup_actions,
             catalog_admin, dashboard, devices, price_check, shifts, shift_feed,
             sms_hooks, regions)
    for module in pages:
        app.register_blueprint(module.bp)
    for module in (api, help_requests, queue, events, catalog, metrics, push, sign_products,
                   messages, api_regions):
        app.register_blueprint(module.bp, url_prefix="/api/v1")


def register_error_handlers(app: Flask) -> None:
    """Render errors as pages, or as JSON under /api."""
    from floorapp.web.errors import register

    register(app)


def register_push(app: Flask) -> None:
    """Drain the push and SMS outboxes from this worker, woken by its own commits
    (PUSH_DISPATCH, SMS_DISPATCH)."""
    from floorapp import push_dispatch, sms_dispatch

    push_dispatch.init_app(app)
    sms_dispatch.init_app(app)


def register_commands(app: Flask) -> None:
    """Add the `flask` command groups."""
    from floorapp.cli import register

    register(app)
