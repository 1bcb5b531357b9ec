"""The catalog and API-token commands: `flask catalog …` and `flask tokens …`."""

from pathlib import Path

import click
from flask.cli import AppGroup

from floorapp.errors import NotFound
from floorapp.models import Store
from floorapp.services.inventory import catalog_import, stock
from floorapp.services.org import stores, tokens

catalog_cli = AppGroup("catalog", help="The product catalog and stock.")
tokens_cli = AppGroup("tokens", help="API tokens for integrations.")


def _store(code: str | None) -> Store | None:
    if not code:
        return None
    store = stores.store_by_code(code)
    if store is None:
        raise NotFound(f"No store with the code {code!r}.")
    return store


@catalog_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows despite bad ones.")
@click.option("--store", "store_code", help="Store for stock rows without a store column.")
def import_command(file: Path, dry_run: bool, skip_bad_rows: bool, store_code: str | None):
    """Import products, variants and stock from a CSV file (see README, Catalog CSV).

    The command line imports as the chain's operator, like an admin: it may add and
    change products and sizes and set any store's stock (whoever runs it already
    holds the database). It is audited as "command line", each store's stock
    changes under that store. A store manager imports their own store's stock on
    the store's import page.
    """
    from floorapp.cli import domain_errors_as_messages

    with domain_errors_as_messages():
        report = catalog_import.import_csv(file.read_bytes(), dry_run=dry_run,
                                           skip_bad_rows=skip_bad_rows, actor=None,
                                           default_store=_store(store_code))
    for line, message in report.errors:
        click.echo(f"line {line}: {message}", err=True)
    verb = "Imported" if report.applied else "Would import" if dry_run else "Refused"
    click.echo(f"{verb} {report.rows} rows: products {report.products_created} new, "
               f"{report.products_updated} changed; variants {report.variants_created} new, "
               f"{report.variants_updated} changed; stock {report.stock_set} set; "
               f"{len(report.errors)} bad rows.")
    if report.errors and not report.applied and not dry_run:
        raise click.ClickException("Nothing was imported; fix the rows or use --skip-bad-rows.")


@catalog_cli.command("scale")
@click.option("--styles", default=50_000, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=1, show_default=True)
@click.option("--stores", "store_count", default=3, show_default=True,
              type=click.IntRange(1, 20))
def scale_command(styles: int, seed: int, store_count: int):
    """Build the benchmark catalog (50,000 styles ≈ 1,000,000 variants) with stock."""
    from floorapp.cli import domain_errors_as_messages
    from floorapp.demo.scale_catalog import scale_catalog  # a generator: never in a server

    with domain_errors_as_messages():
        result = scale_catalog(styles=styles, seed=seed, store_count=store_count)
    click.echo(f"Created {result['products']} styles, {result['variants']} variants and "
               f"{result['stock_rows']} stock rows in {', '.join(result['stores'])} "
               f"in {result['seconds']:.1f} s.")


@catalog_cli.command("purge-holds")
@click.option("--days", default=7, show_default=True, type=click.IntRange(0, 3650))
def purge_holds(days: int):
    """Erase customers' names from holds that ended more than DAYS ago (timings stay)."""
    from datetime import timedelta

    erased = stock.purge_expired_holds(older_than=timedelta(days=days))
    click.echo(f"Erased the customer's name from {erased} ended holds.")


@tokens_cli.command("create")
@click.argument("name")
@click.option("--store", "store_code", help="Limit the token to one store (default: all).")
@click.option("--scope", "scopes", multiple=True, required=True,
              type=click.Choice(tokens.SCOPES), help="Repeat for several scopes.")
def create_token(name: str, store_code: str | None, scopes: tuple[str, ...]):
    """Create an API token and print it once."""
    from floorapp.cli import domain_errors_as_messages

    with domain_errors_as_messages():
        token, raw = tokens.create_token(name=name, store=_store(store_code),
                                         scopes=list(scopes), created_by=None)
    click.echo(f"Token {token.id} ({token.scopes}); copy it now, it is not shown again:")
    click.echo(raw)


@tokens_cli.command("list")
def list_tokens():
    """List API tokens (never their secrets)."""
    for token in tokens.list_tokens(None):
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        click.echo(f"{token.id:>4} {token.prefix}…  {state:<8} {token.scopes:<30} "
                   f"used {used}  {token.name}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token(token_id: int):
    """Revoke an API token by its id."""
    from floorapp.cli import domain_errors_as_messages

    with domain_errors_as_messages():
        tokens.revoke_token(token_id, store=None)
    click.echo(f"Token {token_id} is revoked.")
