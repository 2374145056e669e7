"""The ``screening`` command: serve, keys, database, rules and policy.

Each command builds what it needs from the same settings as the server, so a
misconfiguration fails here exactly as it would at start-up.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import click

from screening import cli_model, cli_subjects
from screening.cli_common import _fail, _runtime, _settings
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
def rules() -> None:
    """Rule sets: check, publish, history, rollback, shadow report, backtest."""


def _rule_file(path: Path) -> Any:
    """Compile a rule file; on errors print each with its rule and line, and exit 2."""
    from screening.errors import RuleSetError
    from screening.rulecheck import compile_text, format_errors

    try:
        return compile_text(path.read_text(encoding="utf-8"))
    except OSError as exc:
        click.echo(f"error: {path} cannot be read: {exc.strerror}", err=True)
        sys.exit(2)
    except RuleSetError as exc:
        click.echo(f"error: {exc.message}", err=True)
        for line in format_errors(exc.errors):
            click.echo(f"  - {line}", err=True)
        sys.exit(2)


def _window(since: str) -> Any:
    from datetime import UTC, datetime

    from screening.backtest import parse_since

    try:
        return parse_since(since, datetime.now(UTC))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc


@rules.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--history/--no-history",
    default=True,
    show_default=True,
    help="Also replay the rules over the last 1,000 recorded decisions (30 days).",
)
def rules_check(path: Path, history: bool) -> None:
    """Validate a rule-set file; exit 2 naming each rule with a problem and its line.

    Warnings (exit 0) name rules that would fire on none, or on more than half,
    of the recent recorded decisions.
    """
    from datetime import UTC, datetime

    from screening.rulecheck import format_errors
    from screening.store import rulesets

    rule_set = _rule_file(path)
    warnings = list(rule_set.warnings)
    if history:
        runtime = _runtime()
        with runtime.db.session() as session:
            recent, replayed = rulesets.recent_warnings(session, rule_set, now=datetime.now(UTC))
        warnings += recent
        click.echo(f"replayed over {replayed} recent decision(s)")
    for line in format_errors(warnings):
        click.echo(f"warning: {line}")
    click.echo(f"ok: {len(rule_set.rules)} rules, digest {rule_set.digest[:12]}")


@rules.command("publish")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--author", default=None, help="Recorded as the version's author.")
@click.option("--note", default="", help="Why this version (kept with it).")
def rules_publish(path: Path, author: str | None, note: str) -> None:
    """Publish a rule-set file as a new live version (refused, live one kept, on any error)."""
    from screening.rulecheck import format_diff
    from screening.store import rulesets

    rule_set = _rule_file(path)
    runtime = _runtime()
    with runtime.db.session() as session:
        row = rulesets.publish(
            session, rule_set, author=author or os.environ.get("USER", "cli"), note=note
        )
        record = rulesets.describe(session, row)
    click.echo(f"published {record['version']} ({record['rules']} rules)")
    for line in format_diff(record["diff"]):
        click.echo(f"  {line}")


@rules.command("history")
@click.option("--limit", default=20, show_default=True, type=int)
def rules_history(limit: int) -> None:
    """List published rule-set versions, newest first, with what each changed."""
    from screening.rulecheck import format_diff
    from screening.store import rulesets

    runtime = _runtime()
    with runtime.db.session() as session:
        records = [rulesets.describe(session, row) for row in rulesets.history(session, limit)]
    for record in records:
        origin = f" (rollback to {record['rollback_of']})" if record["rollback_of"] else ""
        click.echo(
            f"{record['version']}\t{record['created_at']}\t{record['author']}\t"
            f"{record['rules']} rules\t{record['digest'][:12]}{origin}"
        )
        for line in format_diff(record["diff"]) if record["previous"] else []:
            click.echo(f"    {line}")


@rules.command("rollback")
@click.argument("version")
@click.option("--author", default=None, help="Recorded as the new version's author.")
@click.option("--note", default="", help="Why (default: 'rollback to VERSION').")
def rules_rollback(version: str, author: str | None, note: str) -> None:
    """Make an earlier VERSION live again (published as a copy, a new version)."""
    from screening.rulecheck import format_diff
    from screening.store import rulesets

    runtime = _runtime()
    try:
        with runtime.db.session() as session:
            row = rulesets.rollback(
                session, version, author=author or os.environ.get("USER", "cli"), note=note
            )
            record = rulesets.describe(session, row)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"published {record['version']}: a copy of {version}")
    for line in format_diff(record["diff"]):
        click.echo(f"  {line}")


@rules.command("shadow")
@click.option("--since", default="7d", show_default=True, help="30d, 24h, 90m or ISO 8601.")
@click.option("--limit", default=20, show_default=True, type=int, help="Decisions to list.")
def rules_shadow(since: str, limit: int) -> None:
    """Report shadow-rule hits over a window and the outcomes they would have given."""
    from screening.backtest import shadow_summary
    from screening.rulecheck import format_shadow
    from screening.store import rulesets

    start = _window(since)
    runtime = _runtime()
    with runtime.db.session() as session:
        counts = rulesets.outcome_counts(session, since=start)
        rows = rulesets.shadow_decisions(session, since=start)
        report = shadow_summary(rows, counts, limit=limit)
    click.echo(f"since {start.isoformat()}")
    click.echo(format_shadow(report))


@rules.command("backtest")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--since", default="30d", show_default=True, help="30d, 24h, 90m or ISO 8601.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def rules_backtest(path: Path, since: str, as_json: bool) -> None:
    """Replay a candidate rule file over the decisions recorded since --since.

    Prints the outcome transitions (current -> candidate), hits per rule and,
    where human reviews left fraud/legitimate labels, precision and recall.
    """
    import json
    import time

    from screening.rulecheck import format_report
    from screening.store import rulesets

    rule_set = _rule_file(path)
    start = _window(since)
    runtime = _runtime()
    started = time.perf_counter()
    with runtime.db.session() as session:
        total = rulesets.recorded_count(session, since=start)
        with click.progressbar(length=total, label="replaying", file=sys.stderr) as bar:
            replay, left_out = rulesets.replay(session, rule_set, since=start, progress=bar.update)
    report = {"since": start.isoformat(), "excluded": left_out, **replay.report()}
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps({**report, "seconds": round(seconds, 3)}, indent=2))
        return
    click.echo(f"candidate {path.name} over decisions since {start.isoformat()} ({seconds:.1f} s)")
    click.echo(format_report(report))


@main.group("lists")
def lists_group() -> None:
    """Block and allow lists of emails, email domains, phones and addresses."""


def _list_value(kind: str, value: str, country: str | None) -> str:
    """Return the canonical value to list or look up (VALUE '-' reads standard input)."""
    import json

    from screening.lists import canonical

    text = sys.stdin.read().strip() if value == "-" else value
    try:
        raw = json.loads(text) if kind == "address" else text
        return canonical(kind, raw, country=country)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="VALUE") from None


_KIND = click.Choice(["email", "email_domain", "phone", "address"])
_LIST = click.Choice(["block", "allow"])


@lists_group.command("add")
@click.argument("value")
@click.option("--list", "list_name", type=_LIST, required=True)
@click.option("--kind", type=_KIND, required=True)
@click.option("--reason", required=True, help="Why (no personal data: every analyst sees it).")
@click.option("--expires", default=None, help="30d, 24h or an ISO 8601 time; default never.")
@click.option("--country", default=None, help="For a phone in national format.")
@click.option("--author", default=None, help="Recorded as who made the change.")
def lists_add(
    value: str,
    list_name: str,
    kind: str,
    reason: str,
    expires: str | None,
    country: str | None,
    author: str | None,
) -> None:
    """Put VALUE on a list (an address as JSON; '-' reads VALUE from standard input)."""
    from datetime import UTC, datetime

    from screening.lists import expiry
    from screening.store import lists

    now = datetime.now(UTC)
    listed = _list_value(kind, value, country)
    try:
        until = expiry(expires, now) if expires else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--expires") from None
    runtime = _runtime()
    try:
        with runtime.db.session() as session:
            entry = lists.add(
                session,
                runtime.pseudonyms,
                list_name=list_name,
                kind=kind,
                value=listed,
                reason=reason,
                expires_at=until,
                actor=author or os.environ.get("USER", "cli"),
                now=now,
            )
            entry_id = entry.id
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"added entry {entry_id} to the {list_name} list ({kind})")


@lists_group.command("remove")
@click.argument("entry_id", type=int)
@click.option("--author", default=None, help="Recorded as who made the change.")
def lists_remove(entry_id: int, author: str | None) -> None:
    """Take entry ENTRY_ID off its list."""
    from datetime import UTC, datetime

    from screening.store import lists

    runtime = _runtime()
    try:
        with runtime.db.session() as session:
            entry = lists.remove(
                session,
                entry_id,
                actor=author or os.environ.get("USER", "cli"),
                now=datetime.now(UTC),
            )
            list_name, kind = entry.list_name, entry.kind
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"removed entry {entry_id} from the {list_name} list ({kind})")


@lists_group.command("show")
@click.option("--list", "list_name", type=_LIST, default=None)
@click.option("--kind", type=_KIND, default=None)
@click.option("--value", default=None, help="Only entries for this value (needs --kind).")
@click.option("--active", is_flag=True, help="Only entries not yet expired.")
@click.option("--changes", is_flag=True, help="Show the change log instead.")
@click.option("--limit", default=100, show_default=True, type=int)
def lists_show(
    list_name: str | None,
    kind: str | None,
    value: str | None,
    active: bool,
    changes: bool,
    limit: int,
) -> None:
    """Show list entries (domains by name, other values as pseudonyms), or the change log."""
    from datetime import UTC, datetime

    from screening.store import lists

    now = datetime.now(UTC)
    if value is not None and kind is None:
        raise click.BadParameter("give --kind with --value", param_hint="--kind")
    listed = _list_value(kind, value, None) if value is not None and kind else None
    runtime = _runtime()
    with runtime.db.session() as session:
        if changes:
            for change in lists.history(session, limit=limit):
                row = lists.describe_change(change)
                click.echo(
                    f"{row['at']}\t{row['action']}\tentry {row['entry_id']}\t{row['list']}\t"
                    f"{row['kind']}\t{row['actor']}\t{row['reason']}"
                )
            return
        if listed is not None and kind is not None:
            found = lists.find(session, runtime.pseudonyms, kind, listed, list_name=list_name)
        else:
            found = lists.entries(
                session,
                list_name=list_name,
                kind=kind,
                active_at=now if active else None,
                limit=limit,
            )
        rows = [lists.describe(entry, now) for entry in found]
    for row in rows:
        state = "expired" if row["expired"] else f"until {row['expires_at'] or 'removed'}"
        click.echo(
            f"{row['id']}\t{row['list']}\t{row['kind']}\t{row['key']}\t{state}\t"
            f"{row['created_by']}\t{row['reason']}"
        )
    click.echo(f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")


@main.group()
def policy() -> None:
    """The privacy policy the service enforces."""


@policy.command("render")
def policy_render() -> None:
    """Print the Art. 30 record of processing (Markdown) generated from the policy file."""
    from screening.art30 import render_record
    from screening.policy import load_policy

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
    from screening.policy import load_policy

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
    from screening.signals import CATALOGUE
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


main.add_command(cli_subjects.group)
main.add_command(cli_subjects.breaches_group)
main.add_command(cli_model.group)

if __name__ == "__main__":  # pragma: no cover
    main()
