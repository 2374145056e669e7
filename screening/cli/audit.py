"""`screening audit ...`: proof of minimisation and of tamper evidence."""

from __future__ import annotations

import sys

import click

from screening.cli.common import _database, _policy


@click.group()
def audit() -> None:
    """Prove minimisation and check tamper evidence."""


@audit.command("minimisation")
def audit_minimisation_cmd() -> None:
    """Compare stored columns and JSON keys with the policy; exit 1 naming each extra field."""
    from screening.core.signals import CATALOGUE
    from screening.store.audit import audit_minimisation

    policy = _policy()
    findings = audit_minimisation(_database(), policy, CATALOGUE)
    if findings:
        for finding in findings:
            click.echo(f"not in policy: {finding}", err=True)
        sys.exit(1)
    click.echo(f"ok: everything stored is listed by policy {policy.version}")


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the decision hashes and event chains; exit 1 naming the first broken record."""
    from screening.store.checkpoints import verify_checkpoints
    from screening.store.verify import verify_chain

    with _database().session() as session:
        checked, breaks = verify_chain(session)
        checkpoint_problems = verify_checkpoints(session)
    if breaks:
        click.echo(f"tampered: {breaks[0]}", err=True)
        for extra in breaks[1:20]:
            click.echo(f"also: {extra}", err=True)
    for problem in checkpoint_problems[:20]:
        click.echo(f"tampered: {problem}", err=True)
    if breaks or checkpoint_problems:
        sys.exit(1)
    click.echo(f"ok: {checked} decision(s) and their events verify, and every checkpoint holds")


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Chain every decision recorded since the last checkpoint (run it from cron)."""
    from datetime import UTC, datetime

    from screening.store.checkpoints import make_checkpoint

    with _database().session() as session:
        checkpoint = make_checkpoint(session, now=datetime.now(UTC))
        made = (checkpoint.id, checkpoint.decisions) if checkpoint else None
    if made is None:
        click.echo("nothing to checkpoint yet")
    else:
        click.echo(f"checkpoint {made[0]} covers {made[1]} decision(s)")
