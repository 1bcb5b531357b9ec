"""The `flask` commands: a thin layer over the services, grouped by noun."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from floorapp.errors import DomainError
from floorapp.models import Role
from floorapp.services import demo, history, history_scale, maintenance, stores, users

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")
stores_cli = AppGroup("stores", help="Stores.")
maintenance_cli = AppGroup("maintenance", help="Housekeeping for a cron job.")
help_cli = AppGroup("help-requests", help="Help requests: escalation, expiry, idleness.")


def register(app: Flask) -> None:
    """Add the command groups to `app`."""
    from floorapp.cli_catalog import catalog_cli, tokens_cli

    for group in (demo_cli, users_cli, stores_cli, maintenance_cli, help_cli, catalog_cli,
                  tokens_cli):
        app.cli.add_command(group)


@contextmanager
def domain_errors_as_messages() -> Iterator[None]:
    """Turn a refused request into a one-line error and exit status 1."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from None


@demo_cli.command("seed")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no store.")
@click.option("--base-url", default="", help="Prefix of the customer URL printed, e.g. "
              "http://127.0.0.1:8000.")
@click.option("--history-days", default=demo.HISTORY_DAYS, show_default=True,
              type=click.IntRange(0, 3660), help="Days of simulated history per store.")
def seed_demo(seed: int, if_empty: bool, base_url: str, history_days: int) -> None:
    """Create the demo stores, zones, signs, users and 90 days of history; print the logins."""
    if not demo.database_is_empty():
        if not if_empty:
            raise click.ClickException("The database has data already; seed an empty database.")
        click.echo("The database has data already; demo seed skipped.")
    else:
        demo.seed_demo(seed=seed, password=current_app.config["DEMO_PASSWORD"],
                       history_days=history_days)
        click.echo(f"Demo data created (seed {seed}).")
    _echo_demo_logins(base_url)


@demo_cli.command("logins")
@click.option("--base-url", default="", help="Prefix of the customer URL printed, e.g. "
              "http://127.0.0.1:8000.")
def show_demo_logins(base_url: str) -> None:
    """Print the demo logins and their password, and a customer URL to try."""
    _echo_demo_logins(base_url)


def _echo_demo_logins(base_url: str = "") -> None:
    logins = demo.demo_logins()
    if not logins:
        click.echo("No demo logins in this database.")
        return
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo logins, each with the password {password!r}:")
    for entry in logins:
        where = f" at {entry.store}" if entry.store else ""
        click.echo(f"  {entry.login:<22} {entry.role}{where}")
    customer_path = demo.demo_customer_path()
    if customer_path:
        click.echo(f"A customer's sign to try: {base_url.rstrip('/')}{customer_path}")


@users_cli.command("create")
@click.argument("login")
@click.option("--name", required=True, help="Full name, e.g. 'Maria Garcia'.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ASSOCIATE.value,
              show_default=True)
@click.option("--store", "store_code", help="Home store code (not needed for admins).")
@click.password_option(help="Prompted (hidden, asked twice) when not given.")
def create_user(login: str, name: str, role: str, store_code: str | None, password: str) -> None:
    """Create a user; the password is prompted, hidden and confirmed."""
    with domain_errors_as_messages():
        user = users.create_user(login=login, name=name, password=password, role=role,
                                 store_code=store_code)
    click.echo(f"Created {user.login} ({user.role.value}).")


@users_cli.command("set-role")
@click.argument("login")
@click.argument("role", type=click.Choice([r.value for r in Role]))
def set_role(login: str, role: str) -> None:
    """Change a user's role (it logs them out everywhere)."""
    _run_and_report(lambda: users.set_role(login, role), "is now {role}")


@users_cli.command("deactivate")
@click.argument("login")
def deactivate(login: str) -> None:
    """Deactivate a user (it logs them out everywhere)."""
    _run_and_report(lambda: users.deactivate(login), "is deactivated")


def _run_and_report(action: Callable, what: str) -> None:
    with domain_errors_as_messages():
        user = action()
    click.echo(f"{user.login} " + what.format(role=user.role.value) + ".")


@users_cli.command("list")
def list_users() -> None:
    """List every user with role, store and state."""
    for user in users.list_users():
        store = user.home_store.code if user.home_store else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.login:<24} {user.role.value:<10} {store:<10} {state}  {user.name}")


@stores_cli.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--timezone", required=True, help="IANA time zone, e.g. America/Chicago.")
def create_store(code: str, name: str, timezone: str) -> None:
    """Create a store with the default service targets."""
    with domain_errors_as_messages():
        store = stores.create_store(code=code, name=name, timezone=timezone)
    click.echo(f"Created store {store.code} ({store.timezone}).")


@maintenance_cli.command("purge")
@click.option("--days", type=int, default=None,
              help="Retention window in days (default: FLOORAPP_RETENTION_DAYS, 30).")
def purge(days: int | None) -> None:
    """Erase customer notes and comments past the retention window; keep the timings."""
    with domain_errors_as_messages():
        report = maintenance.purge(
            retention_days=days or int(current_app.config["RETENTION_DAYS"]),
            session_idle=current_app.config["SESSION_IDLE"])
    click.echo(f"Purged {report.notes} notes, {report.comments} comments, "
               f"{report.idempotency_records} idempotency records and "
               f"{report.login_sessions} login sessions.")


@demo_cli.command("history")
@click.argument("code")
@click.option("--days", default=90, show_default=True, help="Days of history before today.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
def add_history(code: str, days: int, seed: int) -> None:
    """Add simulated help requests, events and ratings to a store's past days."""
    with domain_errors_as_messages():
        store = history.find_store(code)
        report = history.generate_history(store, days=days, seed=seed)
    click.echo(f"{store.code}: {report.requests} requests, {report.events} events, "
               f"{report.feedback} ratings, {report.pulls} stock pulls, {report.holds} holds, "
               f"{report.misses} lookup misses over {days} days.")


@demo_cli.command("scale-history")
@click.option("--stores", "store_count", default=50, show_default=True,
              help="Benchmark stores to fill (created when missing).")
@click.option("--requests", default=2_000_000, show_default=True,
              help="Help requests in all, spread evenly over the stores.")
@click.option("--days", default=365, show_default=True, help="Days of history per store.")
@click.option("--seed", default=1, show_default=True)
def scale_history(store_count: int, requests: int, days: int, seed: int) -> None:
    """Build benchmark stores (BENCH-001…) and spread many requests over them, fast."""
    from werkzeug.security import generate_password_hash

    def progress(code, written, elapsed):
        click.echo(f"  {code}: {written.requests} requests, {written.events} events "
                   f"({elapsed:.1f} s so far)")

    with domain_errors_as_messages():
        report = history_scale.scale_history(
            stores=store_count, requests=requests, seed=seed, days=days, progress=progress,
            password_hash=generate_password_hash(current_app.config["DEMO_PASSWORD"]))
    rate = report.requests / report.seconds if report.seconds else 0
    click.echo(f"{report.requests} requests, {report.events} events, {report.feedback} ratings "
               f"in {report.seconds:.1f} s ({rate:,.0f} requests/s); stores created "
               f"{report.stores_created}, filled {report.stores_filled}, "
               f"skipped (had history) {report.stores_skipped}.")
@help_cli.command("tick")
def help_tick() -> None:
    """Escalate overdue requests, expire unreached ones, set idle associates off (for cron)."""
    from floorapp.realtime import run_tick

    report = run_tick(current_app)
    click.echo(f"Escalated {report['escalated']}, expired {report['expired']}, "
               f"set {report['set_off']} idle associates off.")
