"""What every ``screening`` subcommand shares: settings, the runtime, failing clearly."""

from __future__ import annotations

import sys
from typing import Any

import click

from screening.config import load_settings
from screening.errors import ScreeningError


def _fail(exc: ScreeningError) -> None:
    click.echo(f"error: {exc.message}", err=True)
    if getattr(exc, "fields", None):
        for item in exc.fields or []:
            where = item.get("rule") or item.get("field") or "rule set"
            click.echo(f"  - {where}: {item.get('problem')}", err=True)
    sys.exit(2)


def _database() -> Any:
    """Return the configured database, migrated (else fail naming `screening db upgrade`).

    For commands that need only storage: they load neither the model nor the rules.
    """
    from screening.store import Database

    try:
        settings = _settings()
        database = Database(settings.database_url, audit_key=settings.audit_key)
        database.require_migrated()
    except ScreeningError as exc:
        _fail(exc)
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(database.dispose)
    return database


def _runtime(migrate: bool = False) -> Any:
    """Return the service's parts (policy, rules, model, database), as a server builds them."""
    from screening.runtime import Runtime

    try:
        runtime = Runtime(load_settings())
        runtime.prepare(migrate=migrate)
    except ScreeningError as exc:
        _fail(exc)
    context = click.get_current_context(silent=True)
    if context is not None:
        # Close pooled connections when the command ends, not at garbage collection.
        context.call_on_close(runtime.db.dispose)
    return runtime


def _settings() -> Any:
    try:
        return load_settings()
    except ScreeningError as exc:
        _fail(exc)


def _policy() -> Any:
    """Return the configured policy, validated (else fail naming the offending key)."""
    from screening.core.policy import load_policy

    try:
        return load_policy(_settings().policy_path)
    except ScreeningError as exc:
        _fail(exc)
