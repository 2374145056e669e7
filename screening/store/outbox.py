"""The outbox: customer notices written in the same transaction as what caused them.

A sender (:mod:`screening.service.notifier`: SMTP, the host's webhook) delivers
them later, retrying failures with exponential backoff; a notice is never deleted
by delivery, only marked sent.
Bodies are fixed texts with ids, dates and outcomes: no names, no addresses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.store.models import OutboxMessage, PersonalData

MAX_BACKOFF = timedelta(hours=6)
STALE_SENDING = timedelta(minutes=10)

TEMPLATES: dict[str, tuple[str, str]] = {
    "review_received": (
        "We received your request for a human review",
        "We received your request for a person to review our decision {decision_id}.\n"
        "A member of our team will look at it and reply by {due_by} at the latest.\n",
    ),
    "review_resolved": (
        "Your review has been decided",
        "A member of our team has reviewed decision {decision_id}.\n"
        "Their decision: {outcome_text}.\n"
        "You can read it with the link and token you received at registration.\n",
    ),
    "breach_notice": (
        "Important: a security incident concerning your data",
        "We are writing to tell you about a security incident that may concern your data.\n\n"
        "{details}\n",
    ),
}
OUTCOME_TEXT = {
    "approve": "your registration is approved",
    "decline": "your registration is declined",
}


def queue_for_decision(
    session: Session, kind: str, decision_id: str, *, now: datetime, **facts: Any
) -> OutboxMessage | None:
    """Queue a notice to the person behind ``decision_id`` (None if no email is kept)."""
    personal = session.get(PersonalData, decision_id)
    if personal is None or not personal.email:
        return None
    return queue(session, kind, personal.email, decision_id=decision_id, now=now, **facts)


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
    **facts: Any,
) -> OutboxMessage:
    subject, template = TEMPLATES[kind]
    values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in facts.items()}
    values["decision_id"] = decision_id or ""
    values["outcome_text"] = OUTCOME_TEXT.get(str(facts.get("outcome")), "")
    return _add(session, kind, decision_id, recipient, subject, template.format(**values), now)


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


def deliver(session: Session, send: Sender, *, now: datetime, limit: int = 100) -> tuple[int, int]:
    """Send due notices; return (sent, failed). Failures are retried later with backoff."""
    due = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                ((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now))
                | (
                    (OutboxMessage.status == "sending")
                    & (OutboxMessage.next_attempt_at <= now - STALE_SENDING)
                )
            )
            .order_by(OutboxMessage.next_attempt_at)
            .limit(limit)
        )
    )
    sent = failed = 0
    for message in due:
        # Claim it so that two senders never deliver the same notice twice.
        claimed = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message.id,
                OutboxMessage.status == message.status,
                OutboxMessage.attempts == message.attempts,
            )
            .values(status="sending", next_attempt_at=now)
        )
        session.commit()
        if getattr(claimed, "rowcount", 0) != 1:
            continue
        session.refresh(message)
        try:
            send(message)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is retried
            failed += 1
            message.attempts += 1
            message.status = "pending"
            message.last_error = type(exc).__name__[:200]
            delay = min(timedelta(minutes=2 ** min(message.attempts, 12)), MAX_BACKOFF)
            message.next_attempt_at = now + delay
        else:
            sent += 1
            message.attempts += 1
            message.status = "sent"
            message.sent_at = now
            message.last_error = None
        session.commit()
    return sent, failed
