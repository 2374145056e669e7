"""The optional webhook: a signed callback to the host when a review changes an outcome."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from screening.app import create_app
from screening.store.keys import create_key
from screening.store.outbox import deliver, dispatcher, webhook_sender
from tests.helpers import auth, contest, signup

SECRET = "w" * 40


class Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[dict[str, str], bytes]] = []
    fail_first = True

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).calls.append((dict(self.headers), body))
        failing = type(self).fail_first and len(type(self).calls) == 1
        self.send_response(503 if failing else 204)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Any:
    Receiver.calls = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_changed_outcome_is_called_back_signed_and_retried(
    settings: dict[str, Any], receiver: str
) -> None:
    app = create_app({**settings, "webhook_url": receiver, "webhook_secret": SECRET})
    runtime = app.extensions["screening"]
    client = app.test_client()
    with runtime.db.session() as session:
        _r, screen = create_key(session, ["screen"], name="s")
        _r, analyst = create_key(session, ["analyst"], name="a")
    decision = client.post(
        "/v1/screenings", json=signup(email="x@mailinator.com"), headers=auth(screen)
    ).get_json()
    assert decision["outcome"] == "decline"
    rid = contest(client, decision, "mine")
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "approve", "note": "ok"},
        headers=auth(analyst),
    )
    send = dispatcher({"webhook": webhook_sender(receiver, SECRET)}, lambda _m: None)
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        first = deliver(session, send, now=now)
        second = deliver(session, send, now=now + timedelta(hours=1))
    assert first == (2, 1)  # two e-mails sent; the webhook failed once (503)
    assert second == (1, 0)  # and was retried later
    headers, body = Receiver.calls[-1]
    payload = json.loads(body)
    assert payload == {
        "event": "decision.outcome_changed",
        "decision_id": decision["decision_id"],
        "review_request_id": rid,
        "automated_outcome": "decline",
        "outcome": "approve",
        "resolved_at": payload["resolved_at"],
    }
    expected = hmac.new(
        SECRET.encode(), headers["X-Screening-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Screening-Signature"] == f"sha256={expected}"
    assert "mailinator" not in body.decode()  # ids and outcomes only
    runtime.db.dispose()


def test_an_unchanged_outcome_sends_no_webhook(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    from sqlalchemy import select

    from screening.store.models import OutboxMessage

    decision = client.post(
        "/v1/screenings", json=signup(email="y@mailinator.com"), headers=auth(screen_key)
    ).get_json()
    rid = contest(client, decision, "mine")
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "decline", "note": "n"},
        headers=auth(analyst_key),
    )
    with runtime.db.session() as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert "webhook" not in kinds
