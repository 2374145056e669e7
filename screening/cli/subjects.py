"""The ``screening subjects`` and ``screening breaches`` commands: rights and the breach register.

They do what the admin API does, through the same store functions, recorded
the same way (actor ``cli``). An identifier given as ``-`` is read from
stdin, so it need not appear in the shell history or the process list.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click

from screening.cli.common import _fail, _runtime
from screening.core.vocabulary import OUTCOMES
from screening.errors import ScreeningError

ACTOR = "cli"


def _identifier(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--note", default=None, help="How identity was checked.")(func)
    func = click.option("--external-ref", default=None, help="The host's account id ('-': stdin).")(
        func
    )
    return click.option("--email", default=None, help="The subject's email ('-': stdin).")(func)


def _subject(email: str | None, external_ref: str | None) -> Any:
    from screening.store.subjects import Subject

    if (email is None) == (external_ref is None):
        raise click.UsageError("name the subject with exactly one of --email or --external-ref")
    kind, value = ("email", email) if email is not None else ("external_ref", external_ref)
    if value == "-":
        value = sys.stdin.readline()
    subject = Subject.named(kind, str(value))
    if not subject.value:
        raise click.UsageError(f"--{kind.replace('_', '-')} is empty")
    return subject


def _when(value: str, option: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            "use ISO 8601, e.g. 2026-11-23T09:00:00Z", param_hint=option
        ) from exc
    if parsed.tzinfo is None:
        raise click.BadParameter("give a time zone (Z for UTC)", param_hint=option)
    return parsed.astimezone(UTC)


def _report(right: str, handled: Any) -> Any:
    """Print the request's outcome line (stderr) and return what carrying it out produced."""
    view = handled.view
    click.echo(
        f"{view['request_id']}: {right} {view['outcome']}"
        + (f" ({view['reason']})" if view["reason"] else "")
        + f"; {json.dumps(view['actions'], sort_keys=True)}",
        err=True,
    )
    return handled.result


def _carry_out(use_case: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a rights use case as the CLI's actor; fail clearly on a refused request."""
    try:
        return use_case(_runtime(), *args, actor=ACTOR, **kwargs)
    except ScreeningError as exc:
        _fail(exc)


@click.group("subjects")
def group() -> None:
    """Data-subject rights: export, erasure, rectification, restriction, objection."""


@group.command("account-status")
@_identifier
@click.option("--active/--inactive", required=True, help="Whether the account has active services.")
def account_status(
    email: str | None, external_ref: str | None, note: str | None, active: bool
) -> None:
    """Record whether the subject's account has active services (erasure needs none)."""
    from screening.service import subjects

    subject = _subject(email, external_ref)
    handled = _carry_out(subjects.set_account_status, subject, active=active, note=note)
    _report("account_status", handled)


@group.command("export")
@_identifier
@click.option("--output", type=click.Path(dir_okay=False, writable=True), default=None)
def export(
    email: str | None, external_ref: str | None, note: str | None, output: str | None
) -> None:
    """Write everything stored about the subject as one JSON document (stdout or --output)."""
    from screening.service import subjects

    subject = _subject(email, external_ref)
    document = _report("access", _carry_out(subjects.export, subject, note=note))
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        click.echo(text)


@group.command("erase")
@_identifier
def erase(email: str | None, external_ref: str | None, note: str | None) -> None:
    """Erase the subject's personal data (exit 1, recorded, while services are active)."""
    from screening.service import rights, subjects

    subject = _subject(email, external_ref)
    handled = _carry_out(subjects.erase, subject, note=note)
    _report("erasure", handled)
    if handled.outcome == "refused":
        click.echo(f"refused: {rights.REFUSALS[handled.view['reason']]}", err=True)
        sys.exit(1)


@group.command("rectify")
@_identifier
@click.option(
    "--set",
    "changes",
    multiple=True,
    required=True,
    metavar="FIELD=VALUE",
    help="A corrected value, e.g. last_name=Dubois or address.city=Gent (address.line2= removes).",
)
def rectify(
    email: str | None, external_ref: str | None, note: str | None, changes: tuple[str, ...]
) -> None:
    """Correct stored fields of the subject's decisions (recorded without the old values)."""
    from screening.service import subjects

    corrections: dict[str, Any] = {}
    for change in changes:
        name, eq, value = change.partition("=")
        if not eq:
            raise click.BadParameter(f"{name!r} needs =VALUE", param_hint="--set")
        top, dot, sub = name.partition(".")
        if dot:
            corrections.setdefault(top, {})[sub] = value or None
        else:
            corrections[top] = value

    subject = _subject(email, external_ref)
    handled = _carry_out(subjects.rectify, subject, corrections, note=note)
    _report("rectification", handled)


def _flag_command(name: str, right: str, help_text: str) -> None:
    @group.command(name, help=help_text)
    @_identifier
    @click.option("--lift", is_flag=True, help="Lift the flag (recorded).")
    def command(email: str | None, external_ref: str | None, note: str | None, lift: bool) -> None:
        from screening.service import subjects

        subject = _subject(email, external_ref)
        _report(right, _carry_out(subjects.flag, subject, right, lift=lift, note=note))


_flag_command(
    "restrict",
    "restriction",
    "Restrict processing (Art. 18): out of velocity, backtests and training.",
)
_flag_command(
    "object",
    "objection",
    "Record an objection (Art. 21): out of velocity, backtests and training.",
)


@group.command("requests")
@click.option("--right", default=None, help="Only this right (access, erasure, ...).")
@click.option("--limit", default=100, show_default=True, type=int)
def requests(right: str | None, limit: int) -> None:
    """List recorded rights requests, newest first, as JSON lines."""
    from screening.store import subjects as store

    runtime = _runtime()
    with runtime.db.session() as session:
        for row in store.register(session, right=right, limit=limit):
            click.echo(json.dumps(store.request_view(row), sort_keys=True))


@click.group("breaches")
def breaches_group() -> None:
    """The breach register and the authority-notification deadline."""


@breaches_group.command("create")
@click.option("--detected-at", required=True, help="ISO 8601 with time zone.")
@click.option("--nature", required=True, help="What happened (no personal data).")
@click.option("--category", "categories", multiple=True, required=True, help="A policy field name.")
@click.option("--from", "window_from", required=True, help="Window start (ISO 8601).")
@click.option("--to", "window_to", required=True, help="Window end (ISO 8601, included).")
@click.option("--outcome", type=click.Choice(OUTCOMES), default=None)
@click.option("--country", default=None, help="Only records with an address in this country.")
@click.option("--consequences", default=None)
@click.option("--measures", default=None)
@click.option("--notify-subjects/--no-notify-subjects", default=None)
def breaches_create(**options: Any) -> None:
    """Record a breach; print its counts, deadline and the Art. 33 notification draft."""
    from screening.store import breaches as store

    runtime = _runtime()
    now = datetime.now(UTC)
    notify = options["notify_subjects"]
    if notify is None:
        notify = bool(runtime.policy.raw["breach"].get("notify_data_subjects", True))
    country = options["country"]
    try:
        with runtime.db.session() as session:
            breach = store.create(
                session,
                runtime.policy,
                detected_at=_when(options["detected_at"], "--detected-at"),
                nature=options["nature"],
                categories=list(options["categories"]),
                window_from=_when(options["window_from"], "--from"),
                window_to=_when(options["window_to"], "--to"),
                criteria=store.Criteria(
                    outcome=options["outcome"], country=country.upper() if country else None
                ),
                consequences=options["consequences"],
                measures=options["measures"],
                notify_subjects=notify,
                actor=ACTOR,
                now=now,
            )
            view = store.view(breach, now)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(
        f"{view['breach_id']}: {view['subjects_affected']} subject(s), "
        f"{view['records_affected']} record(s), {view['notices_queued']} notice(s) queued; "
        f"notify the authority by {view['notify_authority_by']}",
        err=True,
    )
    click.echo(view["draft"])


@breaches_group.command("show")
@click.argument("breach_id")
def breaches_show(breach_id: str) -> None:
    """Print one breach as JSON."""
    from screening.store import breaches as store

    runtime = _runtime()
    try:
        with runtime.db.session() as session:
            view = store.view(store.get(session, breach_id), datetime.now(UTC))
    except ScreeningError as exc:
        _fail(exc)
    click.echo(json.dumps(view, indent=2, ensure_ascii=False))


@breaches_group.command("overdue")
def breaches_overdue() -> None:
    """List breaches past their deadline with no notification recorded (exit 1 if any)."""
    from screening.store import breaches as store

    runtime = _runtime()
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        rows = store.listing(session, overdue_at=now, limit=1000)
        for row in rows:
            due = row.notify_authority_by.isoformat()
            click.echo(f"{row.id}\tdetected {row.detected_at.isoformat()}\tdue {due}")
    click.echo(f"{len(rows)} overdue breach(es)")
    sys.exit(1 if rows else 0)


@breaches_group.command("notified")
@click.argument("breach_id")
@click.option("--at", "at", default=None, help="When it was notified (default: now).")
def breaches_notified(breach_id: str, at: str | None) -> None:
    """Record that the authority was notified of a breach."""
    from screening.store import breaches as store

    runtime = _runtime()
    now = datetime.now(UTC)
    try:
        with runtime.db.session() as session:
            breach = store.mark_notified(
                session, breach_id, at=_when(at, "--at") if at else now, actor=ACTOR
            )
            click.echo(f"{breach.id}: authority notified at {breach.authority_notified_at}")
    except ScreeningError as exc:
        _fail(exc)
