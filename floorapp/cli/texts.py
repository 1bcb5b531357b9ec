"""The `flask texts` commands: send what the SMS outbox holds now."""

import click
from flask.cli import AppGroup

texts_cli = AppGroup("texts", help="Texts (SMS): the outbox.")


@texts_cli.command("drain")
def drain() -> None:
    """Send every due text now (the workers do this by themselves; this is for cron or a fix)."""
    from floorapp.sms_dispatch import drain_once

    report = drain_once()
    click.echo(f"Sent {report['sent']}, to retry {report['retry']}, failed {report['fail']}, "
               f"opted out {report['opted_out']}.")
