"""The ``screening`` command: one module per command group, heavy imports inside commands.

Each command builds what it needs from the same settings as the server, so a
misconfiguration fails here exactly as it would at start-up. Only ``db upgrade`` (and
``serve`` on SQLite) migrate the schema; every other command asks for a migrated one.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from screening.cli import (
    audit,
    db,
    keys,
    model,
    policy,
    retention,
    reviews,
    rules,
    serve,
    subjects,
    users,
)


def _version() -> str:
    try:
        return version("signup-screening")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "unknown"


@click.group()
@click.version_option(_version(), prog_name="screening")
def main() -> None:
    """Screen signups for fraud while keeping only what the privacy policy lists."""


main.add_command(serve.serve)
main.add_command(keys.keys)
main.add_command(db.db)
main.add_command(policy.policy)
main.add_command(retention.retention)
main.add_command(reviews.reviews)
main.add_command(reviews.outbox)
main.add_command(audit.audit)
main.add_command(rules.rules)
main.add_command(rules.lists_group)
main.add_command(subjects.group)
main.add_command(subjects.breaches_group)
main.add_command(model.group)
main.add_command(users.group)

if __name__ == "__main__":  # pragma: no cover
    main()
