"""The `flask push` commands: the VAPID public key, and sending what the outbox holds."""

import click
from flask.cli import AppGroup

from floorapp.services.notify import delivery, vapid

push_cli = AppGroup("push", help="Web Push: the VAPID key and the outbox.")


@push_cli.command("key")
def key() -> None:
    """Print the VAPID public key (applicationServerKey), e.g. for a push service's console."""
    click.echo(vapid.application_server_key())


@push_cli.command("drain")
def drain() -> None:
    """Send every due push now (the workers do this by themselves; this is for cron or a fix)."""
    from floorapp.push_dispatch import drain_once

    report = drain_once()
    counts = delivery.counts()
    click.echo(f"Sent {report['sent']}, gone {report['gone']}, to retry {report['retry']}, "
               f"failed {report['fail']}, closed {report['closed']}; "
               f"{counts.waiting} still waiting.")
