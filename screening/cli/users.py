"""``screening users``: the people who sign in to the console (analysts and admins)."""

from __future__ import annotations

import sys

import click

from screening.cli.common import _database, _fail
from screening.errors import ScreeningError


@click.group("users")
def group() -> None:
    """Console accounts for analysts and admins (API keys stay for machines)."""


@group.command("create")
@click.option("--email", required=True, help="The person's sign-in email.")
@click.option("--role", required=True, type=click.Choice(["analyst", "admin"]))
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (never from the command line).",
)
def create(email: str, role: str, password_stdin: bool) -> None:
    """Create an account; the password is hashed with argon2id."""
    from screening.service.users import create_user

    if not password_stdin:
        click.echo("error: give the password on standard input with --password-stdin", err=True)
        sys.exit(2)
    password = sys.stdin.readline().rstrip("\r\n")
    database = _database()
    try:
        person = create_user(database, email=email, role=role, password=password)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"created {person.role} #{person.id}")


@group.command("list")
def list_users() -> None:
    """List accounts: number, email, role, state, last sign-in."""
    from screening.core.vocabulary import iso
    from screening.service.users import list_users as listing

    for row in listing(_database()):
        state = "disabled" if row["disabled"] else "active"
        last = iso(row["last_login_at"]) or "never"
        click.echo(f"#{row['id']}\t{row['email']}\t{row['role']}\t{state}\tlast sign-in {last}")


@group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account; its open sessions stop working at their next request."""
    from screening.service.users import disable_user

    try:
        person = disable_user(_database(), email)
    except ScreeningError as exc:
        _fail(exc)
    click.echo(f"disabled #{person.id}")
