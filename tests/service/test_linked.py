"""Linked review: a held burst signup brings the earlier approved ones of the burst to a person."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from screening.core.identifiers import identify
from screening.service.linked import open_linked_reviews
from screening.store.models import Decision, DecisionEvent, ReviewRequest
from tests.helpers import auth, signup

# SQLite is enough: the query is plain SQL over velocity_events, decisions and review cases.
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])


def _screen(client: Any, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(**changes), headers=auth(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def _link(runtime: Any, answer: dict[str, Any]) -> list[ReviewRequest]:
    with runtime.db.session() as session:
        decision = session.get(Decision, answer["decision_id"])
        ids = identify(answer["normalized"], decision.signals, runtime.pseudonyms)
        cases = open_linked_reviews(
            session, decision, ids.velocity, working_days=runtime.policy.hold_working_days
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

    cases = _link(runtime, second)
    assert [c.decision_id for c in cases] == [first["decision_id"]]
    assert cases[0].source == "linked" and cases[0].status == "pending"
    with runtime.db.session() as session:
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

    # One case per decision: linking again opens nothing.
    assert _link(runtime, second) == []


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
