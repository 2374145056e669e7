"""Senders for the outbox's notices: e-mail over SMTP and the host's signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import smtplib
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

from screening.store.models import OutboxMessage
from screening.store.outbox import DeliveryFailed, Sender


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: urllib then raises HTTPError with the 3xx status."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def webhook_sender(url: str, secret: str, *, timeout: float = 10.0) -> Sender:
    """Return a sender that POSTs a webhook body, signed with HMAC-SHA256.

    The host checks ``X-Screening-Signature: sha256=<hex>`` over
    ``<X-Screening-Timestamp>.<body>`` with the shared secret, and rejects old
    timestamps to stop replays. Any non-2xx answer is a failure (retried),
    redirects included: they are never followed, since following one would turn the
    signed POST into a bodiless GET whose 200 would wrongly count as delivered.
    """
    opener = urllib.request.build_opener(_NoRedirects())

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
        try:
            with opener.open(request, timeout=timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:  # 3xx (not followed), 4xx, 5xx
            exc.close()
            status = int(exc.code)
        if not 200 <= status < 300:
            raise DeliveryFailed(f"webhook answered {status}")

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
