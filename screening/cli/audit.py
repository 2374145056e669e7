"""`screening audit ...`: proof of minimisation and of tamper evidence."""

from __future__ import annotations

import sys

import click

from screening.cli.common import _database, _policy, _settings


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
    """Recompute every seal, event chain and checkpoint; exit 1 naming each broken record."""
    from screening.store.checkpoints import verify_checkpoints, verify_log
    from screening.store.verify import verify_chain

    with _database().session() as session:
        checked, breaks = verify_chain(session)
        problems = verify_checkpoints(session)
        problems += verify_log(session, _settings().audit_log_path)
    for item in [*map(str, breaks), *problems]:
        click.echo(f"tampered: {item}", err=True)
    if breaks or problems:
        click.echo(f"{len(breaks) + len(problems)} problem(s) in the audit trail", err=True)
        sys.exit(1)
    click.echo(
        f"ok: {checked} decision(s) and their events verify, every checkpoint holds and "
        "matches the audit log"
    )


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Chain every decision and event recorded since the last checkpoint (run it from cron).

    Safe to run on several nodes at once: runs take turns under a lock.
    """
    from screening.store.checkpoints import append_to_log, make_checkpoint

    database = _database()
    with database.session() as session:
        checkpoint = make_checkpoint(session)
        made = (checkpoint.id, checkpoint.decisions, checkpoint.events) if checkpoint else None
    with database.session() as session:
        append_to_log(session, _settings().audit_log_path)
    if made is None:
        click.echo("nothing to checkpoint yet")
    else:
        click.echo(f"checkpoint {made[0]} covers {made[1]} decision(s) and {made[2]} event(s)")


@audit.command("rekey")
def audit_rekey() -> None:
    """Seal records made before the audit key existed under it (once, after upgrading).

    Only records that still match the old unkeyed hashes exactly are resealed; if
    any does not, nothing changes and each is named (exit 1).
    """
    from screening.store.checkpoints import UNKEYED, append_to_log, verify_checkpoints
    from screening.store.locks import job_lock
    from screening.store.verify import rekey

    database = _database()
    with database.session() as session:
        job_lock(session, "checkpoint")
        altered = [p for p in verify_checkpoints(session) if UNKEYED not in p]
        report = rekey(session) if not altered else None
        if report is None or report.refused:
            session.rollback()
    if report is None or report.refused:
        for item in altered if report is None else map(str, report.refused):
            click.echo(f"tampered: {item}", err=True)
        click.echo("nothing resealed: fix or explain the records above first", err=True)
        sys.exit(1)
    if report.checkpoints:
        with database.session() as session:
            append_to_log(session, _settings().audit_log_path, rekeyed=True)
    click.echo(
        f"resealed {report.decisions} decision(s), {report.events} event(s) and "
        f"{report.checkpoints} checkpoint(s) under the audit key"
    )
