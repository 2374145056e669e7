"""The optional webhook: a signed callback to the host on every review resolution."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from screening.app import create_app
from screening.service.notifier import dispatcher, webhook_sender
from screening.store.keys import create_key
from screening.store.models import OutboxMessage
from screening.store.outbox import deliver
from tests.conftest import _truncate_all
from tests.helpers import auth, contest, hold_every_signup, signup

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
        "event": "review.resolved",
        "decision_id": decision["decision_id"],
        "review_request_id": rid,
        "source": "customer",
        "automated_outcome": "decline",
        "outcome": "approve",
        "outcome_changed": True,
        "resolved_at": payload["resolved_at"],
    }
    expected = hmac.new(
        SECRET.encode(), headers["X-Screening-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Screening-Signature"] == f"sha256={expected}"
    assert "mailinator" not in body.decode()  # ids and outcomes only
    runtime.db.dispose()


def test_the_resolution_of_a_held_signup_is_called_back_signed(
    settings: dict[str, Any], backend: str, receiver: str
) -> None:
    app = create_app({**settings, "webhook_url": receiver, "webhook_secret": SECRET})
    runtime = app.extensions["screening"]
    if backend == "postgresql":
        _truncate_all(settings["database_url"])
        runtime.prepare(migrate=False)
    client = app.test_client()
    with runtime.db.session() as session:
        _r, screen = create_key(session, ["screen"], name="s")
        _r, analyst = create_key(session, ["analyst"], name="a")
    hold_every_signup(runtime)
    decision = client.post("/v1/screenings", json=signup(), headers=auth(screen)).get_json()
    assert decision["outcome"] == "review"
    case = client.get("/v1/reviews", headers=auth(analyst)).get_json()["items"][0]
    assert case["decision_id"] == decision["decision_id"] and case["source"] == "automated"
    resolved = client.post(
        f"/v1/reviews/{case['review_request_id']}/resolution",
        json={"outcome": "decline", "note": "n"},
        headers=auth(analyst),
    )
    assert resolved.status_code == 200
    Receiver.fail_first = False
    try:
        send = dispatcher({"webhook": webhook_sender(receiver, SECRET)}, lambda _m: None)
        with runtime.db.session() as session:
            deliver(session, send, now=datetime.now(UTC))
    finally:
        Receiver.fail_first = True
    assert len(Receiver.calls) == 1
    headers, body = Receiver.calls[0]
    payload = json.loads(body)
    assert payload["event"] == "review.resolved"
    assert payload["decision_id"] == decision["decision_id"]
    assert payload["source"] == "automated"
    assert (payload["automated_outcome"], payload["outcome"]) == ("review", "decline")
    assert payload["outcome_changed"] is True
    expected = hmac.new(
        SECRET.encode(), headers["X-Screening-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Screening-Signature"] == f"sha256={expected}"
    runtime.db.dispose()


def test_a_resolution_that_keeps_a_decline_is_called_back(
    settings: dict[str, Any], backend: str, receiver: str
) -> None:
    app = create_app({**settings, "webhook_url": receiver, "webhook_secret": SECRET})
    runtime = app.extensions["screening"]
    if backend == "postgresql":
        _truncate_all(settings["database_url"])
        runtime.prepare(migrate=False)
    client = app.test_client()
    with runtime.db.session() as session:
        _r, screen = create_key(session, ["screen"], name="s")
        _r, analyst = create_key(session, ["analyst"], name="a")
    decision = client.post(
        "/v1/screenings", json=signup(email="y@mailinator.com"), headers=auth(screen)
    ).get_json()
    assert decision["outcome"] == "decline"
    rid = contest(client, decision, "mine")
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "decline", "note": "n"},
        headers=auth(analyst),
    )
    with runtime.db.session() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.kind == "webhook")
        ).all()
    assert [json.loads(b)["outcome_changed"] for b in bodies] == [False]
    assert json.loads(bodies[0])["outcome"] == "decline"
    runtime.db.dispose()


def test_without_a_webhook_url_nothing_is_queued_for_the_host(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    decision = client.post(
        "/v1/screenings", json=signup(email="y@mailinator.com"), headers=auth(screen_key)
    ).get_json()
    rid = contest(client, decision, "mine")
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "approve", "note": "n"},
        headers=auth(analyst_key),
    )
    with runtime.db.session() as session:
        kinds = session.scalars(select(OutboxMessage.kind)).all()
    assert "webhook" not in kinds
