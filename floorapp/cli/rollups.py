"""The `flask rollups` commands: rewrite the chain views' roll-ups from the raw requests."""

import click
from flask.cli import AppGroup

from floorapp.models.types import utcnow
from floorapp.services.metrics import rollup_upkeep
from floorapp.services.org import stores

rollups_cli = AppGroup("rollups", help="Roll-ups of the requests for the chain's views.")


@rollups_cli.command("rebuild")
@click.option("--store", "store_code", help="Only this store (default: every store).")
def rebuild(store_code: str | None) -> None:
    """Rewrite the roll-ups from the requests (after an import, or to check the tick's)."""
    store = None
    if store_code:
        store = stores.store_by_code(store_code)
        if store is None:
            raise click.UsageError(f"No store with the code {store_code}.")
    days = rollup_upkeep.rebuild(store, now=utcnow())
    which = f"store {store.code}" if store else "every store"
    click.echo(f"Rebuilt the roll-ups of {which}: {days} local days.")
