"""Linked review: a held burst signup brings the earlier approved ones of the burst to a person."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from screening.core.identifiers import identify
from screening.service.linked import open_linked_reviews
from screening.store.models import Decision, DecisionEvent, ReviewRequest
from tests.conftest import emptied_redis
from tests.helpers import auth, signup


@pytest.fixture
def settings(settings: dict[str, Any], backend: str) -> dict[str, Any]:
    """SQLite runs link through the database's velocity events, PostgreSQL runs through Redis."""
    if backend == "postgresql":
        return {**settings, "redis_url": emptied_redis()}
    return settings


def _screen(client: Any, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(**changes), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def _link(runtime: Any, answer: dict[str, Any]) -> list[ReviewRequest]:
    with runtime.db.session() as session:
        decision = session.get(Decision, answer["decision_id"])
        ids = identify(answer["normalized"], decision.signals, runtime.pseudonyms)
        cases = open_linked_reviews(
            session,
            decision,
            ids.velocity,
            velocity=runtime.velocity,
            working_days=runtime.policy.hold_working_days,
        )
        session.expunge_all()
    return cases


def test_the_second_signup_of_a_burst_opens_a_case_for_the_approved_first(
    client: Any, runtime: Any, screen_key: str
) -> None:
    first = _screen(client, screen_key, email="marie.dubois1@example.be")
    assert first["outcome"] == "approve"
    # The same name and postal code with another mailbox, the next phone number.
    second = _screen(client, screen_key, email="marie.dubois2@example.be", phone="+32 470 58 21 98")
    assert second["outcome"] != "approve"

    # Screening the second opened the case of the first, in the same transaction.
    with runtime.db.session() as session:
        cases = session.scalars(select(ReviewRequest).where(ReviewRequest.source == "linked")).all()
        assert [c.decision_id for c in cases] == [first["decision_id"]]
        assert cases[0].status == "pending"
        event = session.scalars(
            select(DecisionEvent).where(
                DecisionEvent.decision_id == first["decision_id"],
                DecisionEvent.kind == "review_opened",
            )
        ).one()
        assert event.data["linked_from"] == second["decision_id"]
        assert event.data["linked_by"] == ["name_postcode", "phone_block"]
        # The automated outcome stays what it was: a person decides.
        assert session.get(Decision, first["decision_id"]).outcome == "approve"

    # The host sees the case on the approved decision; a person decides.
    host = client.get(f"/v1/decisions/{first['decision_id']}", headers=auth(screen_key))
    assert host.status_code == 200
    assert host.get_json()["review"]["source"] == "linked"
    # One case per decision: linking again opens nothing.
    assert _link(runtime, second) == []


def test_the_queue_shows_a_linked_case_to_analysts(
    client: Any, screen_key: str, analyst_key: str
) -> None:
    first = _screen(client, screen_key, email="marie.dubois1@example.be")
    _screen(client, screen_key, email="marie.dubois2@example.be", phone="+32 470 58 21 98")
    queue = client.get("/v1/reviews?source=linked", headers=auth(analyst_key))
    assert queue.status_code == 200
    items = queue.get_json()["items"]
    assert [i["decision_id"] for i in items] == [first["decision_id"]]
    assert items[0]["source"] == "linked"


def test_an_approved_or_unrelated_signup_links_nothing(
    client: Any, runtime: Any, screen_key: str
) -> None:
    first = _screen(client, screen_key)
    again = _screen(client, screen_key)  # an exact retry is not a variant
    assert _link(runtime, again) == []
    other = _screen(
        client,
        screen_key,
        first_name="Jan",
        last_name="Peeters",
        email="jan.peeters@example.be",
        phone="+32 499 12 34 56",
    )
    assert _link(runtime, other) == []
    with runtime.db.session() as session:
        assert session.scalars(select(ReviewRequest)).all() == []
    assert first["outcome"] == "approve"
