"""The outbox: customer notices written in the same transaction as what caused them.

A sender delivers them later (SMTP where configured), retrying failures with
exponential backoff; a notice is never deleted by delivery, only marked sent.
Bodies are fixed texts with ids, dates and outcomes: no names, no addresses.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
import urllib.request
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from screening.core import i18n
from screening.core.i18n import messages
from screening.store.models import OutboxMessage, PersonalData

MAX_BACKOFF = timedelta(hours=6)
STALE_SENDING = timedelta(minutes=10)

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


def webhook_sender(url: str, secret: str, *, timeout: float = 10.0) -> Sender:
    """Return a sender that POSTs a webhook body, signed with HMAC-SHA256.

    The host checks ``X-Screening-Signature: sha256=<hex>`` over
    ``<X-Screening-Timestamp>.<body>`` with the shared secret, and rejects old
    timestamps to stop replays. Any non-2xx answer is a failure (retried).
    """

    def send(message: OutboxMessage) -> None:
        timestamp = str(int(time.time()))
        body = message.body.encode()
        signature = hmac.new(
            secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Screening-Timestamp": timestamp,
                "X-Screening-Signature": f"sha256={signature}",
                "X-Screening-Delivery": str(message.id),
            },
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise ConnectionError(f"webhook answered {response.status}")

    return send


def dispatcher(senders: dict[str, Sender], default: Sender | None) -> Sender:
    """Route each notice to the sender for its kind (webhooks vs. e-mail)."""

    def send(message: OutboxMessage) -> None:
        chosen = senders.get(message.kind, default)
        if chosen is None:
            raise LookupError(f"no sender configured for {message.kind}")
        chosen(message)

    return send


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


def smtp_sender(url: str, sender_address: str) -> Sender:
    """Return a sender for ``smtp://[user:pass@]host:port`` (``smtps://`` for TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise ValueError("SCREENING_SMTP_URL must look like smtp://host:port")

    def send(message: OutboxMessage) -> None:
        email = EmailMessage()
        email["From"] = sender_address
        email["To"] = message.recipient or ""
        email["Subject"] = message.subject
        email.set_content(message.body)
        factory = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with factory(parts.hostname or "", parts.port or 25, timeout=10) as smtp:
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(email)

    return send


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
