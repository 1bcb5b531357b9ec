"""`flask regions …`: create a region, put stores in it, list the regions."""

import click
from flask.cli import AppGroup

from floorapp.cli import domain_errors_as_messages
from floorapp.services.org import regions

regions_cli = AppGroup("regions", help="Regions of stores, for regional managers.")


@regions_cli.command("create")
@click.argument("code")
@click.argument("name")
def create_region(code: str, name: str) -> None:
    """Create a region with no stores yet."""
    with domain_errors_as_messages():
        region = regions.create_region(code=code, name=name)
    click.echo(f"Created region {region.code} ({region.name}).")


@regions_cli.command("assign")
@click.argument("code")
@click.argument("store_codes", nargs=-1, required=True)
def assign(code: str, store_codes: tuple[str, ...]) -> None:
    """Put stores in a region (moving them from any other); all of them or none."""
    with domain_errors_as_messages():
        region = regions.assign_stores(code, list(store_codes))
    click.echo(f"{region.code} now has {len(regions.region_stores(region))} stores.")


@regions_cli.command("list")
def list_regions() -> None:
    """List every region with its stores, then the stores in no region."""
    for region in regions.list_regions():
        codes = " ".join(store.code for store in region.stores) or "-"
        click.echo(f"{region.code:<16} {region.name:<30} {codes}")
    loose = regions.stores_without_region()
    if loose:
        click.echo(f"{'(no region)':<16} {'':<30} " + " ".join(s.code for s in loose))
