"""The outbox's delivery: claims, backoff with jitter, a final failed state, no redirects."""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from screening.service.notifier import webhook_sender
from screening.store.models import OutboxMessage
from screening.store.outbox import MAX_ATTEMPTS, deliver, queue_webhook, retry_delay


class Redirecting(BaseHTTPRequestHandler):
    """Answers every POST with a redirect to a page that would answer 200."""

    posts: list[bytes] = []
    gets: list[str] = []
    status = 302

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        type(self).posts.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(type(self).status)
        self.send_header("Location", "/landing")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802
        type(self).gets.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def redirecting() -> Any:
    Redirecting.posts, Redirecting.gets = [], []
    server = HTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def _one_webhook(runtime: Any, now: datetime) -> int:
    with runtime.db.session() as session:
        message = queue_webhook(session, "decision.outcome_changed", {"decision_id": "d"}, now=now)
        return message.id


def _row(runtime: Any, message_id: int) -> OutboxMessage:
    with runtime.db.session() as session:
        row = session.get(OutboxMessage, message_id)
        assert row is not None
        return row


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_redirect_is_a_failed_delivery_never_followed(
    runtime: Any, redirecting: str, status: int
) -> None:
    Redirecting.status = status
    now = datetime.now(UTC)
    message_id = _one_webhook(runtime, now)
    with runtime.db.session() as session:
        assert deliver(session, webhook_sender(redirecting, "w" * 40), now=now) == (0, 1)
    assert len(Redirecting.posts) == 1 and Redirecting.gets == []
    row = _row(runtime, message_id)
    assert row.status == "pending" and row.sent_at is None
    assert row.last_error == f"DeliveryFailed: webhook answered {status}"


def test_a_notice_that_keeps_failing_ends_failed_with_its_last_error(runtime: Any) -> None:
    now = datetime.now(UTC)
    message_id = _one_webhook(runtime, now)

    def refused(_message: Any) -> None:
        raise ConnectionRefusedError

    with runtime.db.session() as session:
        for attempt in range(MAX_ATTEMPTS + 3):
            deliver(session, refused, now=now + timedelta(days=attempt))
    row = _row(runtime, message_id)
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS
    assert row.last_error == "ConnectionRefusedError"
    with runtime.db.session() as session:
        # Nothing sends it again by itself.
        assert deliver(session, lambda _m: None, now=now + timedelta(days=365)) == (0, 0)
        statuses = session.scalars(select(OutboxMessage.status)).all()
    assert statuses == ["failed"]


@pytest.mark.parametrize("attempts", [1, 3, 8, 20])
def test_retries_back_off_with_jitter(attempts: int) -> None:
    step = min(timedelta(minutes=2**attempts), timedelta(hours=6))
    rng = random.Random(attempts)
    delays = [retry_delay(attempts, rng) for _ in range(50)]
    assert all(step * 0.5 <= d <= step for d in delays)
    assert len(set(delays)) > 40  # spread, not one instant for every failed notice
