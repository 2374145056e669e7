"""`screening db ...`: the database schema."""

from __future__ import annotations

import click

from screening.cli.common import _settings


@click.group()
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
