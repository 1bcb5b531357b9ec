"""The `flask` commands: a thin layer over the services, grouped by noun."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from floorapp.errors import DomainError
from floorapp.models import Role
from floorapp.services import demo, stores, users

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="User accounts.")
stores_cli = AppGroup("stores", help="Stores.")
help_cli = AppGroup("help-requests", help="Help requests: escalation, expiry, idleness.")


def register(app: Flask) -> None:
    """Add the command groups to `app`."""
    for group in (demo_cli, users_cli, stores_cli, help_cli):
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
def seed_demo(seed: int, if_empty: bool) -> None:
    """Create the demo stores, zones and users, and print the demo logins."""
    if not demo.database_is_empty():
        if not if_empty:
            raise click.ClickException("The database has data already; seed an empty database.")
        click.echo("The database has data already; demo seed skipped.")
    else:
        demo.seed_demo(seed=seed, password=current_app.config["DEMO_PASSWORD"])
        click.echo(f"Demo data created (seed {seed}).")
    _echo_demo_logins()


@demo_cli.command("logins")
def show_demo_logins() -> None:
    """Print the demo logins and their password."""
    _echo_demo_logins()


def _echo_demo_logins() -> None:
    logins = demo.demo_logins()
    if not logins:
        click.echo("No demo logins in this database.")
        return
    password = current_app.config["DEMO_PASSWORD"]
    click.echo(f"Demo logins, each with the password {password!r}:")
    for entry in logins:
        where = f" at {entry.store}" if entry.store else ""
        click.echo(f"  {entry.login:<22} {entry.role}{where}")


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


@help_cli.command("tick")
def help_tick() -> None:
    """Escalate overdue requests, expire unreached ones, set idle associates off (for cron)."""
    from floorapp.realtime import run_tick

    report = run_tick(current_app)
    click.echo(f"Escalated {report['escalated']}, expired {report['expired']}, "
               f"set {report['set_off']} idle associates off.")
