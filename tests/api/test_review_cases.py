"""Every held signup reaches a person: review cases for automated holds and contests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from screening.core.deadlines import add_working_days, one_month_after
from screening.store.models import ReviewRequest
from screening.store.retention import run_retention
from tests.helpers import auth, hold_every_signup, signup


def screened(client: Any, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(**changes), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def contest(client: Any, decision: dict[str, Any], statement: str = "It is me.") -> Any:
    return client.post(
        f"/v1/decisions/{decision['decision_id']}/review-requests",
        json={"statement": statement, "corrections": {"phone": "+32 470 58 21 98"}},
        headers=auth(decision["contest_token"]),
    )


def queue(client: Any, key: str, query: str = "") -> list[dict[str, Any]]:
    response = client.get(f"/v1/reviews{query}", headers=auth(key))
    assert response.status_code == 200, response.get_json()
    return list(response.get_json()["items"])


def test_a_held_screening_is_in_the_queue_at_once_and_a_contest_joins_it(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    hold_every_signup(runtime)
    held = screened(client, screen_key)
    assert held["outcome"] == "review"

    items = queue(client, analyst_key)
    assert [i["decision_id"] for i in items] == [held["decision_id"]]
    case = items[0]
    assert case["source"] == "automated" and case["status"] == "pending"
    today = datetime.now(UTC).date()
    assert case["due_by"] == add_working_days(today, runtime.policy.hold_working_days).isoformat()
    assert case["contested_at"] is None

    joined = contest(client, held)
    assert joined.status_code == 201, joined.get_json()
    answer = joined.get_json()
    assert answer["review_request_id"] == case["review_request_id"]
    assert answer["source"] == "automated"
    assert answer["due_by"] == one_month_after(today).isoformat()  # the Art. 12(3) clock

    items = queue(client, analyst_key)
    assert len(items) == 1
    full = client.get(
        f"/v1/reviews/{case['review_request_id']}", headers=auth(analyst_key)
    ).get_json()
    assert full["statement"] == "It is me."
    assert full["corrections"] == {"phone": "+32 470 58 21 98"}
    kinds = [e["kind"] for e in full["decision"]["events"]]
    assert kinds == ["review_opened", "review_requested"]

    again = contest(client, held, "Once more.")
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "review_open"


def test_a_contest_of_a_decline_opens_a_customer_case(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    declined = screened(client, screen_key, email="someone@mailinator.com")
    assert declined["outcome"] == "decline"
    assert queue(client, analyst_key) == []
    opened = contest(client, declined)
    assert opened.status_code == 201
    assert opened.get_json()["source"] == "customer"
    assert [i["source"] for i in queue(client, analyst_key)] == ["customer"]


def test_an_approved_decision_cannot_be_contested(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    approved = screened(client, screen_key)
    assert approved["outcome"] == "approve"
    refused = contest(client, approved)
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "not_contestable"
    assert queue(client, analyst_key) == []


@pytest.mark.parametrize("contest_first", [True, False])
def test_no_contest_after_a_resolution(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, contest_first: bool
) -> None:
    hold_every_signup(runtime)
    held = screened(client, screen_key)
    if contest_first:
        assert contest(client, held).status_code == 201
    rid = queue(client, analyst_key)[0]["review_request_id"]
    resolved = client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "approve", "note": "Checked."},
        headers=auth(analyst_key),
    )
    assert resolved.status_code == 200
    late = contest(client, held)
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "already_resolved"
    again = client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "decline", "note": "Changed my mind."},
        headers=auth(analyst_key),
    )
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_resolved"


def test_the_queue_filters_by_source_status_and_overdue_soonest_first(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    declined = screened(client, screen_key, email="someone@mailinator.com")
    customer_id = contest(client, declined).get_json()["review_request_id"]
    hold_every_signup(runtime)
    held = [screened(client, screen_key, email=f"held{i}@example.be") for i in range(3)]
    with runtime.db.session() as session:
        rows = session.scalars(
            select(ReviewRequest).where(ReviewRequest.source == "automated")
        ).all()
        by_decision = {r.decision_id: r.id for r in rows}
        # The last held signup is overdue; the second is claimed.
        session.execute(
            update(ReviewRequest)
            .where(ReviewRequest.id == by_decision[held[2]["decision_id"]])
            .values(due_by=date(2020, 1, 1))
        )
    claimed = by_decision[held[1]["decision_id"]]
    assert client.post(f"/v1/reviews/{claimed}/claim", headers=auth(analyst_key)).status_code == 200

    everything = queue(client, analyst_key)
    assert everything[0]["review_request_id"] == by_decision[held[2]["decision_id"]]
    assert everything[-1]["review_request_id"] == customer_id  # due a month out
    dues = [i["due_by"] for i in everything]
    assert dues == sorted(dues)
    assert {i["source"] for i in queue(client, analyst_key, "?source=customer")} == {"customer"}
    assert len(queue(client, analyst_key, "?source=automated")) == 3
    overdue = queue(client, analyst_key, "?overdue=true")
    assert [i["review_request_id"] for i in overdue] == [by_decision[held[2]["decision_id"]]]
    in_review = queue(client, analyst_key, "?status=in_review&source=automated")
    assert [i["review_request_id"] for i in in_review] == [claimed]
    page = client.get("/v1/reviews?limit=2", headers=auth(analyst_key)).get_json()
    rest = client.get(f"/v1/reviews?limit=2&cursor={page['next']}", headers=auth(analyst_key))
    ids = [i["review_request_id"] for i in page["items"] + rest.get_json()["items"]]
    assert ids == [i["review_request_id"] for i in everything]
    assert client.get("/v1/reviews?source=robot", headers=auth(analyst_key)).status_code == 422


def test_the_host_reads_the_effective_outcome_with_its_screen_key(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    hold_every_signup(runtime)
    held = screened(client, screen_key)
    url = f"/v1/decisions/{held['decision_id']}"
    before = client.get(url, headers=auth(screen_key))
    assert before.status_code == 200, before.get_json()
    view = before.get_json()
    assert view["outcome"] == "review" and view["automated_outcome"] == "review"
    assert view["review"]["source"] == "automated" and view["review"]["status"] == "pending"
    assert view["human_review"] is None
    rid = view["review"]["review_request_id"]
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "approve", "note": "Checked."},
        headers=auth(analyst_key),
    )
    after = client.get(url, headers=auth(screen_key)).get_json()
    assert after["outcome"] == "approve" and after["automated_outcome"] == "review"
    assert after["review"]["status"] == "resolved" and after["human_review"]["outcome"] == "approve"
    text = str(after)
    for value in ("Marie", "Dubois", "marie.dubois", "470", "Loi"):
        assert value not in text  # no personal data, no signals, no note
    assert "signals" not in after and "score" not in after and "fields" not in after
    missing = client.get("/v1/decisions/dec_000000000000doesnotexist", headers=auth(screen_key))
    assert missing.status_code == 404


def test_retention_keeps_a_held_signup_while_its_case_is_open(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    hold_every_signup(runtime)
    held = screened(client, screen_key)
    later = datetime.now(UTC).replace(year=datetime.now(UTC).year + 5)
    with runtime.db.session() as session:
        report = run_retention(session, runtime.policy.retention_days, now=later)
    assert (report.held_for_review, report.scrubbed) == (1, 0)
    view = client.get(f"/v1/decisions/{held['decision_id']}", headers=auth(analyst_key))
    assert view.get_json()["fields"] is not None
    rid = queue(client, analyst_key)[0]["review_request_id"]
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "approve", "note": "Checked."},
        headers=auth(analyst_key),
    )
    with runtime.db.session() as session:
        report = run_retention(session, runtime.policy.retention_days, now=later)
    assert (report.held_for_review, report.scrubbed) == (0, 1)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 30), 2, date(2026, 12, 2)),  # Monday -> Wednesday
        (date(2026, 12, 3), 2, date(2026, 12, 7)),  # Thursday -> Monday
        (date(2026, 12, 4), 2, date(2026, 12, 8)),  # Friday -> Tuesday
        (date(2026, 12, 5), 2, date(2026, 12, 8)),  # Saturday -> Tuesday
        (date(2026, 12, 6), 1, date(2026, 12, 7)),  # Sunday -> Monday
        (date(2026, 12, 31), 5, date(2027, 1, 7)),
        (date(2026, 12, 2), 0, date(2026, 12, 2)),
    ],
)
def test_hold_deadlines_count_working_days(start: date, days: int, due: date) -> None:
    assert add_working_days(start, days) == due
