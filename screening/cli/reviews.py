"""`screening reviews ...` and `screening outbox ...`: the review queue and its notices."""

from __future__ import annotations

import sys

import click

from screening.cli.common import _database, _settings


@click.group()
def reviews() -> None:
    """The human-review queue."""


@reviews.command("overdue")
def reviews_overdue() -> None:
    """List open review requests past their due date (exit 1 if any)."""
    from datetime import UTC, datetime

    from screening.store.reviews import queue

    database = _database()
    today = datetime.now(UTC).date()
    with database.session() as session:
        items = queue(session, status=None, overdue_on=today, limit=1000, after=None)
        for item in items:
            click.echo(f"{item.id}\t{item.decision_id}\t{item.status}\tdue {item.due_by}")
    click.echo(f"{len(items)} overdue review request(s)")
    sys.exit(1 if items else 0)


@click.group()
def outbox() -> None:
    """Customer notices."""


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30.0, show_default=True)
def outbox_send(loop: bool, interval: float) -> None:
    """Deliver due notices over SMTP (SCREENING_SMTP_URL); failures are retried with backoff.

    Several senders (on one node or many) may run at once: each notice is claimed by one.
    """
    import random
    import time

    from screening.service.notifier import dispatcher, smtp_sender, webhook_sender
    from screening.store.outbox import deliver

    settings = _settings()
    database = _database()
    if not settings.smtp_url and not settings.webhook_url:
        click.echo("error: set SCREENING_SMTP_URL (smtp://host:port) to send notices", err=True)
        sys.exit(2)
    send = dispatcher(
        {
            "webhook": webhook_sender(
                settings.webhook_url, settings.webhook_secret.get_secret_value()
            )
        }
        if settings.webhook_url
        else {},
        smtp_sender(settings.smtp_url, settings.smtp_from) if settings.smtp_url else None,
    )
    while True:
        with database.session() as session:
            sent, failed = deliver(session, send)
        click.echo(f"sent {sent}, failed {failed} (will retry)")
        if not loop:
            break
        # Jittered, so senders started together do not poll in step.
        time.sleep(interval * random.uniform(0.8, 1.2))
