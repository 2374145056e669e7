"""`screening retention run`: scrub personal data past the policy's retention periods."""

from __future__ import annotations

import click

from screening.cli.common import _database, _policy


@click.group()
def retention() -> None:
    """Scrub personal data past the policy's retention periods."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be scrubbed; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Scrub decisions past retention (idempotent; safe to run from cron)."""
    from datetime import UTC, datetime

    from screening.store.retention import prune_counters, run_retention

    database, policy = _database(), _policy()
    with database.session() as session:
        report = run_retention(
            session, policy.retention_days, now=datetime.now(UTC), dry_run=dry_run
        )
        pruned = prune_counters(session, now=datetime.now(UTC), dry_run=dry_run)
    if not dry_run and report.scrubbed:
        # Space is reused; a full rewrite would lock the tables for the whole run
        # (erasure, where a person asked, rewrites them).
        database.compact(rewrite=False)
    verb = "would scrub" if dry_run else "scrubbed"
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_outcome.items())) or "none"
    click.echo(
        f"{verb} {report.scrubbed} decision(s) ({detail}); "
        f"{report.held_for_review} held for an open review; "
        f"{'would prune' if dry_run else 'pruned'} {pruned.velocity_events} velocity event(s) "
        f"and {pruned.rate_limit_counters} rate-limit counter(s) past their windows"
    )
