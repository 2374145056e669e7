"""Restriction and objection: the subject's data leaves velocity counts, backtests and training."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from screening.store.models import VelocityEvent
from screening.store.subjects import training_exclusions
from tests.helpers import auth, excluded
from tests.rights.flows import ANNELIES, BORIS, analyst_view, call, screen


def velocity(client: Any, analyst_key: str, decision: dict[str, Any], name: str) -> int:
    return int(analyst_view(client, analyst_key, decision["decision_id"])["signals"][name])


def recorded(runtime: Any, decision: dict[str, Any]) -> int:
    with runtime.db.session() as session:
        rows = session.scalars(
            select(VelocityEvent).where(VelocityEvent.decision_id == decision["decision_id"])
        )
        return len(list(rows))


def test_a_restricted_subjects_signups_are_left_out_of_velocity_counts(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    same_phone = {"phone": ANNELIES["phone"]}
    screen(client, screen_key, ANNELIES)
    control = screen(client, screen_key, BORIS, **same_phone)
    assert velocity(client, analyst_key, control, "velocity.phone_24h") == 1  # counting works

    restricted = call(
        client, admin_key, "POST", "/v1/subjects/restriction", {"email": ANNELIES["email"]}
    )
    assert restricted.status_code == 200, restricted.get_json()
    assert restricted.get_json()["actions"]["velocity_forgotten"] == 1

    again = screen(client, screen_key, ANNELIES)
    assert velocity(client, analyst_key, again, "velocity.email_24h") == 0
    assert recorded(runtime, again) == 0  # screened and stored, not counted
    other = screen(client, screen_key, BORIS, email="b.other@example.be", **same_phone)
    # Only Boris's own earlier signup counts: none of Annelies's three.
    assert velocity(client, analyst_key, other, "velocity.phone_24h") == 1

    lifted = call(
        client,
        admin_key,
        "POST",
        "/v1/subjects/restriction",
        {"email": ANNELIES["email"], "lift": True},
    )
    assert lifted.status_code == 200 and lifted.get_json()["actions"]["lifted"] is True
    after = screen(client, screen_key, ANNELIES)
    assert recorded(runtime, after) > 0
    last = screen(client, screen_key, BORIS, email="b.third@example.be", **same_phone)
    assert velocity(client, analyst_key, last, "velocity.phone_24h") == 3


@pytest.mark.parametrize("right", ["restriction", "objection"])
def test_restricted_or_objecting_subjects_are_left_out_of_training_and_backtests(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str, right: str
) -> None:
    mine = [screen(client, screen_key, ANNELIES)["decision_id"] for _ in range(2)]
    theirs = screen(client, screen_key, BORIS)["decision_id"]
    with runtime.db.session() as session:
        assert training_exclusions(session) == set()

    path = f"/v1/subjects/{right}"
    flagged = call(client, admin_key, "POST", path, {"external_ref": ANNELIES["external_ref"]})
    assert flagged.status_code == 200 and flagged.get_json()["actions"]["decisions"] == 2
    with runtime.db.session() as session:
        assert training_exclusions(session) == set(mine)
        assert excluded(runtime, session, {"email": ANNELIES["email"]})
        assert excluded(runtime, session, {"external_ref": ANNELIES["external_ref"]})
        assert not excluded(runtime, session, {"email": BORIS["email"]})
    assert theirs not in training_exclusions_of(runtime)

    lift = {"email": ANNELIES["email"], "lift": True}
    assert call(client, admin_key, "POST", path, lift).status_code == 200
    with runtime.db.session() as session:
        assert training_exclusions(session) == set()
        assert not excluded(runtime, session, {"email": ANNELIES["email"]})
    events = analyst_view(client, analyst_key, mine[0])["events"]
    assert [(e["data"]["right"], e["data"]["status"]) for e in events] == [
        (right, "applied"),
        (right, "lifted"),
    ]
    listed = client.get(f"/v1/subjects/requests?right={right}", headers=auth(admin_key))
    assert [i["actions"]["lifted"] for i in listed.get_json()["items"]] == [True, False]


def training_exclusions_of(runtime: Any) -> set[str]:
    with runtime.db.session() as session:
        return training_exclusions(session)


def test_restriction_and_objection_are_separate_flags(
    client: Any, runtime: Any, screen_key: str, admin_key: str
) -> None:
    decision = screen(client, screen_key, ANNELIES)["decision_id"]
    subject = {"email": ANNELIES["email"]}
    call(client, admin_key, "POST", "/v1/subjects/restriction", subject)
    call(client, admin_key, "POST", "/v1/subjects/objection", subject)
    call(client, admin_key, "POST", "/v1/subjects/restriction", {**subject, "lift": True})
    assert training_exclusions_of(runtime) == {decision}  # the objection still stands
    export = call(client, admin_key, "POST", "/v1/subjects/export", subject).get_json()
    assert export["subject"]["restricted"] is False and export["subject"]["objected"] is True
