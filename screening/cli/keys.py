"""`screening keys ...`: API keys for machines and the HMAC keys of pseudonyms."""

from __future__ import annotations

import os
import sys

import click

from screening.cli.common import _database, _fail, _settings
from screening.config import format_hmac_keys, new_hmac_key, read_dev_secrets, write_dev_secrets
from screening.errors import ScreeningError


@click.group()
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

    database = _database()
    with database.session() as session:
        row, key = create_key(session, list(scopes), name or "+".join(scopes))
        key_id, key_scopes = row.id, row.scopes
    click.echo(f"created key #{key_id} with scopes {key_scopes}; store it now, it is shown once:")
    click.echo(key)


@keys.command("list")
def keys_list() -> None:
    """List API keys (never the keys themselves)."""
    from screening.store.keys import list_keys

    database = _database()
    with database.session() as session:
        for row in list_keys(session):
            state = "revoked" if row.revoked_at else "active"
            click.echo(f"#{row.id}\t{row.prefix}…\t{row.scopes}\t{state}\t{row.name}")


@keys.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id: int) -> None:
    """Revoke an API key by its number."""
    from screening.store.keys import revoke_key

    database = _database()
    with database.session() as session:
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
