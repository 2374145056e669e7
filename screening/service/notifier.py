"""Senders for the outbox's notices: e-mail over SMTP and the host's signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import time
import urllib.request
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from screening.store.models import OutboxMessage
from screening.store.outbox import Sender


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
