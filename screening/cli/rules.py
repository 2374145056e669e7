"""The analysts' commands: ``screening rules ...`` and ``screening lists ...``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from screening.cli.common import _fail, _runtime
from screening.core.vocabulary import LIST_NAMES
from screening.errors import ScreeningError


@click.group()
def rules() -> None:
    """Rule sets: check, publish, history, rollback, shadow report, backtest."""


def _rule_file(path: Path) -> Any:
    """Compile a rule file; on errors print each with its rule and line, and exit 2."""
    from screening.core.rules.check import compile_text, format_errors
    from screening.errors import RuleSetError

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

    from screening.core.rules.backtest import parse_since

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

    from screening.core.rules.check import format_errors
    from screening.service import rules as rules_service

    rule_set = _rule_file(path)
    warnings = list(rule_set.warnings)
    if history:
        runtime = _runtime()
        with runtime.db.session() as session:
            recent, replayed = rules_service.recent_warnings(
                session, rule_set, now=datetime.now(UTC)
            )
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
    from screening.core.rules.check import format_diff
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
    from screening.core.rules.check import format_diff
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
    from screening.core.rules.check import format_diff
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
    from screening.core.rules.backtest import shadow_summary
    from screening.core.rules.check import format_shadow
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

    from screening.core.rules.check import format_report
    from screening.service import rules as rules_service
    from screening.store import rulesets

    rule_set = _rule_file(path)
    start = _window(since)
    runtime = _runtime()
    started = time.perf_counter()
    with runtime.db.session() as session:
        total = rulesets.recorded_count(session, since=start)
        with click.progressbar(length=total, label="replaying", file=sys.stderr) as bar:
            replay, left_out = rules_service.replay(
                session, rule_set, since=start, progress=bar.update
            )
    report = {"since": start.isoformat(), "excluded": left_out, **replay.report()}
    seconds = time.perf_counter() - started
    if as_json:
        click.echo(json.dumps({**report, "seconds": round(seconds, 3)}, indent=2))
        return
    click.echo(f"candidate {path.name} over decisions since {start.isoformat()} ({seconds:.1f} s)")
    click.echo(format_report(report))


@click.group("lists")
def lists_group() -> None:
    """Block and allow lists of emails, email domains, phones and addresses."""


def _list_value(kind: str, value: str, country: str | None) -> str:
    """Return the canonical value to list or look up (VALUE '-' reads standard input)."""
    import json

    from screening.core.lists import canonical

    text = sys.stdin.read().strip() if value == "-" else value
    try:
        raw = json.loads(text) if kind == "address" else text
        return canonical(kind, raw, country=country)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="VALUE") from None


_KIND = click.Choice(["email", "email_domain", "phone", "address"])
_LIST = click.Choice(LIST_NAMES)


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

    from screening.core.lists import expiry
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
