"""`flask demo …`: the demo stores, their logins and simulated history (never in a server)."""

import click
from flask import current_app
from flask.cli import AppGroup

from floorapp.cli import domain_errors_as_messages
from floorapp.demo import history, history_scale
from floorapp.demo import seed as demo
from floorapp.models.types import utcnow
from floorapp.services.metrics import rollup_upkeep

demo_cli = AppGroup("demo", help="Demo data.")


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
        rollup_upkeep.rebuild(now=utcnow())  # the chain's view reads roll-ups of the history
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


@demo_cli.command("history")
@click.argument("code")
@click.option("--days", default=90, show_default=True, help="Days of history before today.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same data).")
def add_history(code: str, days: int, seed: int) -> None:
    """Add simulated help requests, events and ratings to a store's past days."""
    with domain_errors_as_messages():
        store = history.find_store(code)
        report = history.generate_history(store, days=days, seed=seed)
        rollup_upkeep.rebuild(store, now=utcnow())
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
