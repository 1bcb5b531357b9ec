"""The `flask` commands: a thin layer over the services, grouped by noun."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from floorapp.errors import DomainError
from floorapp.models import Role
from floorapp.services.core import maintenance
from floorapp.services.org import stores, users

users_cli = AppGroup("users", help="User accounts.")
stores_cli = AppGroup("stores", help="Stores.")
maintenance_cli = AppGroup("maintenance", help="Housekeeping for a cron job.")
help_cli = AppGroup("help-requests", help="Help requests: escalation, expiry, idleness.")


def register(app: Flask) -> None:
    """Add the command groups to `app`."""
    from floorapp.cli.catalog import catalog_cli, tokens_cli
    from floorapp.cli.push import push_cli
    from floorapp.cli.regions import regions_cli
    from floorapp.cli.rollups import rollups_cli
    from floorapp.cli.texts import texts_cli

    for group in (users_cli, stores_cli, maintenance_cli, help_cli, catalog_cli, tokens_cli,
                  push_cli, texts_cli, regions_cli, rollups_cli):
        app.cli.add_command(group)
    app.cli.add_command(DemoGroup("demo", help="Demo data."))


class DemoGroup(click.Group):
    """The `flask demo` commands, imported only when one of them runs.

    The demo package (data generators) stays out of every server process: creating the
    app registers this stand-in, and only `flask demo …` imports floorapp/cli/demo.py.
    """

    def _commands(self) -> click.Group:
        from floorapp.cli.demo import demo_cli

        return demo_cli

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._commands().get_command(ctx, name)


@contextmanager
def domain_errors_as_messages() -> Iterator[None]:
    """Turn a refused request into a one-line error and exit status 1."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(error.message) from None


@users_cli.command("create")
@click.argument("login")
@click.option("--name", required=True, help="Full name, e.g. 'Maria Garcia'.")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ASSOCIATE.value,
              show_default=True)
@click.option("--store", "store_code",
              help="Home store code (not for admins nor regional managers).")
@click.option("--region", "region_code", help="A regional manager's region code.")
@click.password_option(help="Prompted (hidden, asked twice) when not given.")
def create_user(login: str, name: str, role: str, store_code: str | None,
                region_code: str | None, password: str) -> None:
    """Create a user; the password is prompted, hidden and confirmed."""
    with domain_errors_as_messages():
        user = users.create_user(login=login, name=name, password=password, role=role,
                                 store_code=store_code, region_code=region_code)
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
        where = user.home_store or user.region  # a regional manager's is their region
        store = where.code if where else "-"
        state = "active" if user.active else "inactive"
        click.echo(f"{user.login:<24} {user.role.value:<16} {store:<10} {state}  {user.name}")


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
               f"{report.idempotency_records} idempotency records, "
               f"{report.login_sessions} login sessions and {report.pushes} finished pushes; "
               f"erased {report.phone_numbers} phone numbers, deleted {report.texts} "
               "finished texts.")


@help_cli.command("tick")
def help_tick() -> None:
    """Escalate overdue requests, expire unreached ones, set idle associates off (for cron)."""
    from floorapp.realtime import run_tick

    report = run_tick(current_app)
    click.echo(f"Escalated {report['escalated']}, expired {report['expired']}, "
               f"set {report['set_off']} idle associates off, "
               f"told {report['breaks_overdue']} late breaks.")


@help_cli.command("replay-waits")
@click.argument("store_code")
@click.option("--days", type=int, default=90, help="The days before today to replay.")
def replay_waits(store_code: str, days: int) -> None:
    """Replay a store's history through the wait model; print how far it was from the truth."""
    from floorapp.services.help import wait_replay

    with domain_errors_as_messages():
        store = stores.store_by_code(store_code)
        if store is None:
            raise click.UsageError(f"No store with the code {store_code}.")
        end = datetime.now(UTC)
        report = wait_replay.replay(store, end - timedelta(days=days), end)
    click.echo(wait_replay.describe(report))
