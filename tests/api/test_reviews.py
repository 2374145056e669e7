"""Customers contest automated decisions and get a human review (GDPR Art. 22)."""

from __future__ import annotations

import socket
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import update

from screening.service.notifier import smtp_sender
from screening.store.models import Decision
from screening.store.outbox import deliver
from screening.store.reviews import one_month_after
from tests.helpers import auth, contest, signup


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Any:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port; aiosmtpd cannot report one it chose
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, f"smtp://127.0.0.1:{port}"
    controller.stop()


def declined(client: Any, key: str, email: str = "someone@mailinator.com") -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(email=email), headers=auth(key))
    assert response.status_code == 201
    data = response.get_json()
    assert data["outcome"] == "decline"
    return data


def test_contest_and_human_review_end_to_end(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, smtp: Any
) -> None:
    inbox, smtp_url = smtp
    decision = declined(client, screen_key)
    url = f"/v1/decisions/{decision['decision_id']}"
    token = auth(decision["contest_token"])

    view = client.get(url, headers=token).get_json()
    assert view["outcome"] == "decline" and view["automated"] is True
    assert any(r["field"] == "email" for r in view["reasons"])
    assert "signals" not in view and "hits" not in view and "score" not in view

    contested = client.post(
        f"{url}/review-requests", json={"statement": "This is my real mailbox."}, headers=token
    )
    assert contested.status_code == 201, contested.get_json()
    request = contested.get_json()
    assert request["status"] == "pending"
    assert request["due_by"] == one_month_after(datetime.now(UTC).date()).isoformat()

    queue = client.get("/v1/reviews", headers=auth(analyst_key)).get_json()
    assert queue["items"][0]["review_request_id"] == request["review_request_id"]
    full = client.get(
        f"/v1/reviews/{request['review_request_id']}", headers=auth(analyst_key)
    ).get_json()
    assert full["statement"] == "This is my real mailbox."
    assert full["decision"]["signals"]["email.disposable"] is True

    claimed = client.post(
        f"/v1/reviews/{request['review_request_id']}/claim", headers=auth(analyst_key)
    )
    assert claimed.get_json()["status"] == "in_review"
    resolved = client.post(
        f"/v1/reviews/{request['review_request_id']}/resolution",
        json={"outcome": "approve", "note": "Long-standing customer.", "label": "legitimate"},
        headers=auth(analyst_key),
    )
    assert resolved.status_code == 200 and resolved.get_json()["status"] == "resolved"

    after = client.get(url, headers=token).get_json()
    assert after["outcome"] == "approve"
    assert after["automated_outcome"] == "decline"
    assert after["human_review"]["outcome"] == "approve"
    assert after["review"]["status"] == "resolved"

    with runtime.db.session() as session:
        sent, failed = deliver(
            session, smtp_sender(smtp_url, "screening@localhost"), now=datetime.now(UTC)
        )
    assert (sent, failed) == (2, 0)
    deadline = time.monotonic() + 10
    while len(inbox.messages) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.rcpt_tos for m in inbox.messages] == [["someone@mailinator.com"]] * 2
    bodies = [m.content.decode() for m in inbox.messages]
    assert "received your request" in bodies[0]
    assert "your registration is approved" in bodies[1]


def test_failed_deliveries_are_kept_and_retried(client: Any, runtime: Any, screen_key: str) -> None:
    decision = declined(client, screen_key)
    client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "Please check."},
        headers=auth(decision["contest_token"]),
    )

    def broken(_message: Any) -> None:
        raise ConnectionRefusedError

    now = datetime.now(UTC)
    with runtime.db.session() as session:
        assert deliver(session, broken, now=now) == (0, 1)
        assert deliver(session, broken, now=now) == (0, 0)  # backing off
        delivered: list[Any] = []
        later = now.replace(year=now.year + 1)
        assert deliver(session, delivered.append, now=later) == (1, 0)
        assert delivered[0].attempts == 2 and delivered[0].status == "sent"


@pytest.mark.parametrize("which", ["none", "wrong", "other"])
def test_a_bad_token_does_not_reveal_the_decision(client: Any, screen_key: str, which: str) -> None:
    mine = declined(client, screen_key)
    other = declined(client, screen_key, email="other@mailinator.com")
    headers = {
        "none": {},
        "wrong": auth("not-the-token"),
        "other": auth(other["contest_token"]),
    }[which]
    url = f"/v1/decisions/{mine['decision_id']}"
    missing = "/v1/decisions/dec_000000000000doesnotexist"
    for path in (url, missing):
        answer = client.get(path, headers=headers)
        assert answer.status_code in (401, 404)
        contest = client.post(f"{path}/review-requests", json={"statement": "x"}, headers=headers)
        assert contest.status_code in (401, 404)
    if which != "none":
        assert (
            client.get(url, headers=headers).get_json()
            == client.get(missing, headers=headers).get_json()
        )


def test_one_contest_per_decision_and_none_after_a_resolution(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    decision = declined(client, screen_key)
    url = f"/v1/decisions/{decision['decision_id']}/review-requests"
    token = auth(decision["contest_token"])
    first = client.post(url, json={"statement": "one"}, headers=token)
    assert first.status_code == 201
    second = client.post(url, json={"statement": "two"}, headers=token)
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "review_open"
    rid = first.get_json()["review_request_id"]
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "decline", "note": "n"},
        headers=auth(analyst_key),
    )
    third = client.post(url, json={"statement": "three"}, headers=token)
    assert third.status_code == 409
    assert third.get_json()["error"]["code"] == "already_resolved"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"statement": ""}, 422),
        ({"statement": "x" * 5001}, 422),
        ({"statement": "ok", "corrections": {"ssn": "1"}}, 422),
        ({"statement": "ok", "corrections": {"address": {"notes": "x"}}}, 422),
        ({"statement": "ok", "extra": 1}, 422),
    ],
)
def test_contest_bodies_are_validated(
    client: Any, screen_key: str, body: dict[str, Any], status: int
) -> None:
    decision = declined(client, screen_key)
    answer = client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json=body,
        headers=auth(decision["contest_token"]),
    )
    assert answer.status_code == status


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 1, 31), date(2026, 2, 28)),
        (date(2028, 1, 31), date(2028, 2, 29)),
        (date(2026, 11, 23), date(2026, 12, 23)),
        (date(2026, 12, 15), date(2027, 1, 15)),
        (date(2026, 3, 31), date(2026, 4, 30)),
    ],
)
def test_due_date_is_one_calendar_month_later(received: date, due: date) -> None:
    assert one_month_after(received) == due


def test_overdue_requests_show_in_the_api(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    from screening.store.models import ReviewRequest

    decision = declined(client, screen_key)
    rid = contest(client, decision, "late")
    with runtime.db.session() as session:
        session.execute(
            update(ReviewRequest).where(ReviewRequest.id == rid).values(due_by=date(2020, 1, 1))
        )
    overdue = client.get("/v1/reviews?overdue=true", headers=auth(analyst_key)).get_json()
    assert [i["review_request_id"] for i in overdue["items"]] == [rid]
    assert overdue["items"][0]["overdue"] is True


def test_tampering_is_detected_and_named(client: Any, runtime: Any, screen_key: str) -> None:
    from screening.store.verify import verify_chain

    decision = declined(client, screen_key)
    other = declined(client, screen_key, email="b@mailinator.com")
    with runtime.db.session() as session:
        assert verify_chain(session)[1] == []
        session.execute(
            update(Decision).where(Decision.id == decision["decision_id"]).values(outcome="approve")
        )
    with runtime.db.session() as session:
        checked, breaks = verify_chain(session)
    assert checked == 2
    assert [b.decision_id for b in breaks] == [decision["decision_id"]]
    assert other["decision_id"] not in str(breaks)


@pytest.fixture
def strict_client(settings: dict[str, Any], backend: str) -> Any:
    from screening.app import create_app

    app = create_app({**settings, "customer_rate_limit_per_minute": 3})
    yield app.test_client(), app.extensions["screening"]
    app.extensions["screening"].db.dispose()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_customer_endpoints_are_rate_limited(strict_client: Any) -> None:
    from screening.store.keys import create_key

    client, runtime = strict_client
    with runtime.db.session() as session:
        _row, key = create_key(session, ["screen"], name="rate-test")
    decision = declined(client, key)
    url = f"/v1/decisions/{decision['decision_id']}"
    statuses = [
        client.get(url, headers=auth(decision["contest_token"])).status_code for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3:] == [429, 429]
    limited = client.get(url, headers=auth(decision["contest_token"]))
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    # Screening itself is not limited: one backend sends every signup with one key.
    assert all(
        client.post("/v1/screenings", json=signup(), headers=auth(key)).status_code == 201
        for _ in range(5)
    )


def test_checkpoints_reveal_a_removed_decision(client: Any, runtime: Any, screen_key: str) -> None:
    from datetime import timedelta

    from sqlalchemy import delete

    from screening.store.checkpoints import make_checkpoint, verify_checkpoints
    from screening.store.models import DecisionEvent, PersonalData

    ids = [
        declined(client, screen_key, email=f"p{i}@mailinator.com")["decision_id"] for i in range(3)
    ]
    later = datetime.now(UTC) + timedelta(minutes=5)
    with runtime.db.session() as session:
        checkpoint = make_checkpoint(session, now=later)
        assert checkpoint is not None and checkpoint.decisions == 3
        assert make_checkpoint(session, now=later) is None  # nothing new to cover
        assert verify_checkpoints(session) == []
    with runtime.db.session() as session:
        for table in (DecisionEvent, PersonalData):
            session.execute(delete(table).where(table.decision_id == ids[1]))
        session.execute(delete(Decision).where(Decision.id == ids[1]))
    with runtime.db.session() as session:
        problems = verify_checkpoints(session)
    assert len(problems) == 1 and "covered 3 decisions, now 2" in problems[0]
