"""The outbox: customer notices written in the same transaction as what caused them.

A sender (:mod:`screening.service.notifier`: SMTP, the host's webhook) delivers
them later, retrying failures with exponential backoff; a notice is never deleted
by delivery, only marked sent.
Bodies are fixed texts with ids, dates and outcomes: no names, no addresses.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.core import i18n
from screening.core.i18n import messages
from screening.store.locks import database_now
from screening.store.models import OutboxMessage, PersonalData

MAX_BACKOFF = timedelta(hours=6)
# How long a claim holds a notice; far longer than a sender's own timeouts (10 s).
LEASE = timedelta(minutes=10)
# Attempts before a notice is given up as "failed" (one and a half to two days of retries).
MAX_ATTEMPTS = 16

# The English texts; each notice goes out in the customer's language (screening.core.i18n).
TEMPLATES: Mapping[str, tuple[str, str]] = messages.NOTICES
OUTCOME_TEXT: Mapping[str, str] = messages.OUTCOME_TEXT


def queue_for_decision(
    session: Session, kind: str, decision_id: str, *, now: datetime, **facts: Any
) -> OutboxMessage | None:
    """Queue a notice to the person behind ``decision_id``, in their language.

    Returns None when no email is kept.
    """
    personal = session.get(PersonalData, decision_id)
    if personal is None or not personal.email:
        return None
    language = i18n.choose(personal.language)
    return queue(
        session, kind, personal.email, decision_id=decision_id, now=now, language=language, **facts
    )


def queue_webhook(
    session: Session, event: str, payload: dict[str, Any], *, now: datetime
) -> OutboxMessage:
    """Queue a callback to the host; the payload holds ids and outcomes only."""
    body = json.dumps({"event": event, **payload}, sort_keys=True)
    return _add(session, "webhook", payload.get("decision_id"), None, event, body, now)


def queue(
    session: Session,
    kind: str,
    recipient: str,
    *,
    decision_id: str | None,
    now: datetime,
    language: str = i18n.DEFAULT,
    **facts: Any,
) -> OutboxMessage:
    """Queue notice ``kind`` to ``recipient``, written in ``language``."""
    values = {
        k: (i18n.date_text(language, v) if isinstance(v, date) else v) for k, v in facts.items()
    }
    values["decision_id"] = decision_id or ""
    values["outcome_text"] = i18n.outcome_text(language, str(facts.get("outcome")))
    subject, body = i18n.notice(language, kind, **values)
    return _add(session, kind, decision_id, recipient, subject, body, now)


def _add(
    session: Session,
    kind: str,
    decision_id: str | None,
    recipient: str | None,
    subject: str,
    body: str,
    now: datetime,
) -> OutboxMessage:
    message = OutboxMessage(
        kind=kind,
        decision_id=decision_id,
        recipient=recipient,
        subject=subject,
        body=body,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    return message


Sender = Callable[[OutboxMessage], None]


def _due(now: datetime) -> Any:
    # A "sending" notice whose lease ran out belongs to a sender that died mid-way.
    return OutboxMessage.status.in_(("pending", "sending")) & (OutboxMessage.next_attempt_at <= now)


def _claim(session: Session, now: datetime) -> OutboxMessage | None | bool:
    """Take one due notice for this sender, leased until ``now + LEASE``.

    PostgreSQL skips rows another sender has locked (``FOR UPDATE SKIP LOCKED``);
    everywhere the update only applies if the row is still as read, so two senders
    never both hold a notice. Returns the notice, None when nothing is due, or
    False when another sender took it first (try the next one).
    """
    message = session.scalar(
        select(OutboxMessage)
        .where(_due(now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if message is None:
        session.commit()
        return None
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.status == message.status,
            OutboxMessage.attempts == message.attempts,
            OutboxMessage.next_attempt_at == message.next_attempt_at,
        )
        .values(status="sending", next_attempt_at=now + LEASE)
    )
    session.commit()
    if getattr(claimed, "rowcount", 0) != 1:
        return False
    session.refresh(message)
    return message


def retry_delay(attempts: int, rng: random.Random | None = None) -> timedelta:
    """Return the wait before attempt ``attempts + 1``: doubling, capped, with jitter.

    The jitter (a random 50 to 100 % of the step) spreads retries of notices that
    failed together, e.g. while the mail server was down, so they do not all return
    at once.
    """
    step = min(timedelta(minutes=2 ** min(attempts, 12)), MAX_BACKOFF)
    return step * (rng or random).uniform(0.5, 1.0)


def _error_text(exc: Exception) -> str:
    # Our own delivery errors carry a fixed text (a status code); others only their
    # class, since a library's message may quote the recipient.
    if isinstance(exc, DeliveryFailed):
        return f"{type(exc).__name__}: {exc}"[:200]
    return type(exc).__name__[:200]


class DeliveryFailed(Exception):
    """A sender's answer that is a failure (a status, never personal data)."""


def deliver(
    session: Session, send: Sender, *, now: datetime | None = None, limit: int = 100
) -> tuple[int, int]:
    """Send due notices one claim at a time; return (sent, failed).

    Each claim is stamped with the database's clock when it is taken (``now``
    overrides it, for tests), so a slow batch never lets another sender think its
    later notices were abandoned. A failure is retried with backoff; after
    ``MAX_ATTEMPTS`` the notice is ``failed`` with its last error, for an operator.
    """
    sent = failed = 0
    for _ in range(limit):
        at = database_now(session) if now is None else now
        message = _claim(session, at)
        if message is None:
            break
        if not isinstance(message, OutboxMessage):
            continue  # another sender took it first
        try:
            send(message)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried
            failed += 1
            message.attempts += 1
            message.last_error = _error_text(exc)
            if message.attempts >= MAX_ATTEMPTS:
                message.status = "failed"
            else:
                message.status = "pending"
                message.next_attempt_at = at + retry_delay(message.attempts)
        else:
            sent += 1
            message.attempts += 1
            message.status = "sent"
            message.sent_at = database_now(session) if now is None else now
            message.last_error = None
        session.commit()
    return sent, failed
