"""The ``screening`` command: serve, keys, database, rules and policy.

Each command builds what it needs from the same settings as the server, so a
misconfiguration fails here exactly as it would at start-up.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from screening.cli import model as cli_model
from screening.cli import rules as cli_rules
from screening.cli import subjects as cli_subjects
from screening.cli.common import _fail, _runtime, _settings
from screening.config import (
    format_hmac_keys,
    new_hmac_key,
    read_dev_secrets,
    write_dev_secrets,
)
from screening.errors import ScreeningError


@click.group()
def main() -> None:
    """Screen signups for fraud while keeping only what the privacy policy lists."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Start the HTTP service on gunicorn."""
    settings = _settings()
    prom_dir = settings.instance_path.resolve() / "prometheus"
    shutil.rmtree(prom_dir, ignore_errors=True)
    prom_dir.mkdir(parents=True, exist_ok=True)
    # Must be set before prometheus_client is imported (by the app) in this process.
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(prom_dir)
    from screening.server import run

    try:
        run(settings, host=host, port=port, workers=workers)
    except ScreeningError as exc:
        _fail(exc)


@main.group()
def keys() -> None:
    """API keys and pseudonymisation keys."""


@keys.command("create")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice(["screen", "analyst", "admin"]),
)
@click.option("--name", default="", help="Who or what uses the key (shown as rule authors).")
def keys_create(scopes: tuple[str, ...], name: str) -> None:
    """Create an API key; the key is printed alone on the last line (shown once)."""
    from screening.store.keys import create_key

    runtime = _runtime()
    with runtime.db.session() as session:
        row, key = create_key(session, list(scopes), name or "+".join(scopes))
        key_id, key_scopes = row.id, row.scopes
    click.echo(f"created key #{key_id} with scopes {key_scopes}; store it now, it is shown once:")
    click.echo(key)


@keys.command("list")
def keys_list() -> None:
    """List API keys (never the keys themselves)."""
    from screening.store.keys import list_keys

    runtime = _runtime()
    with runtime.db.session() as session:
        for row in list_keys(session):
            state = "revoked" if row.revoked_at else "active"
            click.echo(f"#{row.id}\t{row.prefix}…\t{row.scopes}\t{state}\t{row.name}")


@keys.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id: int) -> None:
    """Revoke an API key by its number."""
    from screening.store.keys import revoke_key

    runtime = _runtime()
    with runtime.db.session() as session:
        done = revoke_key(session, key_id)
    if not done:
        click.echo(f"error: no active key #{key_id}", err=True)
        sys.exit(1)
    click.echo(f"revoked key #{key_id}")


@keys.command("rotate-hmac")
def keys_rotate_hmac() -> None:
    """Print SCREENING_HMAC_KEYS with a fresh key in front (old keys keep matching).

    In development the new value is also written to the instance folder.
    """
    settings = _settings()
    rotated = (new_hmac_key(settings.hmac_keys), *settings.hmac_keys)
    value = format_hmac_keys(rotated)
    if not settings.production and not os.environ.get("SCREENING_HMAC_KEYS"):
        stored = read_dev_secrets(settings.instance_path)
        stored["hmac_keys"] = value
        write_dev_secrets(settings.instance_path, stored)
        click.echo(f"wrote the rotated keys to {settings.instance_path / 'secrets.json'}")
    else:
        click.echo("set SCREENING_HMAC_KEYS to this value on every process, then restart:")
    click.echo(value)


@keys.command("retire-hmac")
@click.argument("key_id")
def keys_retire_hmac(key_id: str) -> None:
    """Retire an HMAC key id once no stored record uses it; then drop it from the keys.

    Until then the service refuses to start without it: a person's records made with it
    could not be found for rights requests.
    """
    from screening.store import Database, pseudonym_keys

    settings = _settings()
    if settings.hmac_keys and settings.hmac_keys[0].id == key_id:
        click.echo(f"error: {key_id} is the current key; rotate first", err=True)
        sys.exit(1)
    # Not _runtime(): starting the service is what a missing key prevents.
    database = Database(settings.database_url)
    try:
        database.require_migrated()
        with database.session() as session:
            used = pseudonym_keys.usage(session, key_id)
            if used:
                click.echo(f"error: records still use key {key_id}:", err=True)
                for column, count in used.items():
                    click.echo(f"  {column}: {count}", err=True)
                click.echo(
                    "keep it configured until retention or erasure has removed them", err=True
                )
                sys.exit(1)
            known = pseudonym_keys.retire(session, key_id)
    except ScreeningError as exc:
        _fail(exc)
    finally:
        database.dispose()
    state = "retired" if known else "was not recorded (nothing to retire)"
    click.echo(f"key {key_id} {state}: it can be removed from SCREENING_HMAC_KEYS")


@main.group()
def db() -> None:
    """The database."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations."""
    from screening.store import Database

    settings = _settings()
    database = Database(settings.database_url)
    try:
        database.upgrade()
    finally:
        database.dispose()
    click.echo("database is at the latest migration")


@main.group()
def policy() -> None:
    """The privacy policy the service enforces."""


@policy.command("render")
def policy_render() -> None:
    """Print the Art. 30 record of processing (Markdown) generated from the policy file."""
    from screening.core.art30 import render_record
    from screening.core.policy import load_policy

    try:
        click.echo(render_record(load_policy(_settings().policy_path)))
    except ScreeningError as exc:
        _fail(exc)


@policy.command("check")
@click.argument(
    "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False
)
def policy_check(path: Path | None) -> None:
    """Validate a policy file (default: the configured one)."""
    from screening.core.policy import load_policy

    try:
        loaded = load_policy(path or _settings().policy_path)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"ok: policy {loaded.version}, {len(loaded.fields)} fields")


@main.group()
def retention() -> None:
    """Scrub personal data past the policy's retention periods."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be scrubbed; change nothing.")
def retention_run(dry_run: bool) -> None:
    """Scrub decisions past retention (idempotent; safe to run from cron)."""
    from datetime import UTC, datetime

    from screening.store.retention import run_retention

    runtime = _runtime()
    with runtime.db.session() as session:
        report = run_retention(
            session, runtime.policy.retention_days, now=datetime.now(UTC), dry_run=dry_run
        )
    if not dry_run and report.scrubbed:
        runtime.db.compact()
    verb = "would scrub" if dry_run else "scrubbed"
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(report.by_outcome.items())) or "none"
    click.echo(
        f"{verb} {report.scrubbed} decision(s) ({detail}); "
        f"{report.held_for_review} held for an open review"
    )


@main.group()
def reviews() -> None:
    """The human-review queue."""


@reviews.command("overdue")
def reviews_overdue() -> None:
    """List open review requests past their due date (exit 1 if any)."""
    from datetime import UTC, datetime

    from screening.store.reviews import queue

    runtime = _runtime()
    today = datetime.now(UTC).date()
    with runtime.db.session() as session:
        items = queue(session, status=None, overdue_on=today, limit=1000, after=None)
        for item in items:
            click.echo(f"{item.id}\t{item.decision_id}\t{item.status}\tdue {item.due_by}")
    click.echo(f"{len(items)} overdue review request(s)")
    sys.exit(1 if items else 0)


@main.group()
def outbox() -> None:
    """Customer notices."""


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30.0, show_default=True)
def outbox_send(loop: bool, interval: float) -> None:
    """Deliver due notices over SMTP (SCREENING_SMTP_URL); failures are retried with backoff."""
    import time
    from datetime import UTC, datetime

    from screening.store.outbox import deliver, dispatcher, smtp_sender, webhook_sender

    runtime = _runtime()
    settings = runtime.settings
    if not settings.smtp_url and not settings.webhook_url:
        click.echo("error: set SCREENING_SMTP_URL (smtp://host:port) to send notices", err=True)
        sys.exit(2)
    send = dispatcher(
        {"webhook": webhook_sender(settings.webhook_url, settings.webhook_secret)}
        if settings.webhook_url
        else {},
        smtp_sender(settings.smtp_url, settings.smtp_from) if settings.smtp_url else None,
    )
    while True:
        with runtime.db.session() as session:
            sent, failed = deliver(session, send, now=datetime.now(UTC))
        click.echo(f"sent {sent}, failed {failed} (will retry)")
        if not loop:
            break
        time.sleep(interval)


@main.group()
def audit() -> None:
    """Prove minimisation and check tamper evidence."""


@audit.command("minimisation")
def audit_minimisation_cmd() -> None:
    """Compare stored columns and JSON keys with the policy; exit 1 naming each extra field."""
    from screening.core.signals import CATALOGUE
    from screening.store.audit import audit_minimisation

    runtime = _runtime()
    findings = audit_minimisation(runtime.db, runtime.policy, CATALOGUE)
    if findings:
        for finding in findings:
            click.echo(f"not in policy: {finding}", err=True)
        sys.exit(1)
    click.echo(f"ok: everything stored is listed by policy {runtime.policy.version}")


@audit.command("verify")
def audit_verify() -> None:
    """Recompute the decision hashes and event chains; exit 1 naming the first broken record."""
    from screening.store.checkpoints import verify_checkpoints
    from screening.store.verify import verify_chain

    runtime = _runtime()
    with runtime.db.session() as session:
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

    runtime = _runtime()
    with runtime.db.session() as session:
        checkpoint = make_checkpoint(session, now=datetime.now(UTC))
        made = (checkpoint.id, checkpoint.decisions) if checkpoint else None
    if made is None:
        click.echo("nothing to checkpoint yet")
    else:
        click.echo(f"checkpoint {made[0]} covers {made[1]} decision(s)")


main.add_command(cli_rules.rules)
main.add_command(cli_rules.lists_group)
main.add_command(cli_subjects.group)
main.add_command(cli_subjects.breaches_group)
main.add_command(cli_model.group)

if __name__ == "__main__":  # pragma: no cover
    main()
