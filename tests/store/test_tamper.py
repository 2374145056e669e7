"""Tamper evidence: each way of editing the record behind the service's back is caught.

A small history is built (a declined decision contested and resolved by a person,
two more decisions, three checkpoints also written to the audit log); each case
then edits the tables (or the log) as someone with write access would, and
``screening audit verify`` must exit 1 naming the record that was touched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from screening.cli import main
from screening.core.hashing import legacy_decision_hash, legacy_event_hash
from screening.core.signals import LAYOUT
from screening.store.checkpoints import SETTLE, append_to_log, make_checkpoint
from screening.store.decisions import event_body, hashed_fields
from screening.store.models import (
    Checkpoint,
    ContestToken,
    Decision,
    DecisionEvent,
    PersonalData,
)
from tests.helpers import auth, contest, signup


@dataclass
class History:
    resolved: str  # declined, contested, resolved by a person (its last event)
    other: str  # declined, no events
    approved: str  # a third decision, alone in the last checkpoint
    head_before_resolution: str  # the resolved decision's chain seal before the resolution
    log: Path


def _screen(client: Any, key: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=signup(**changes), headers=auth(key))
    assert response.status_code == 201
    return dict(response.get_json())


def _created(runtime: Any, decision_id: str) -> Any:
    with runtime.db.session() as session:
        return session.get(Decision, decision_id).created_at  # type: ignore[union-attr]


@pytest.fixture
def history(client: Any, runtime: Any, screen_key: str, analyst_key: str) -> History:
    resolved = _screen(client, screen_key, email="first@mailinator.com")
    review = contest(client, resolved)
    with runtime.db.session() as session:
        head = session.get(Decision, resolved["decision_id"]).chain_mac  # type: ignore[union-attr]
    answer = client.post(
        f"/v1/reviews/{review}/resolution",
        json={"outcome": "approve", "note": "checked", "label": "legitimate"},
        headers=auth(analyst_key),
    )
    assert answer.status_code in (200, 201), answer.get_json()
    other = _screen(client, screen_key, email="second@mailinator.com")
    approved = _screen(client, screen_key)
    first_at = _created(runtime, resolved["decision_id"])
    last_at = _created(runtime, approved["decision_id"])
    log = runtime.settings.audit_log_path
    with runtime.db.session() as session:
        # Three checkpoints: an empty one, one with the contested decision and its
        # events and the other decline, one with the approval.
        for now in (first_at + SETTLE, last_at + SETTLE, last_at + SETTLE + timedelta(minutes=5)):
            assert make_checkpoint(session, now=now) is not None
    with runtime.db.session() as session:
        assert append_to_log(session, log) == 3
    return History(
        resolved["decision_id"], other["decision_id"], approved["decision_id"], str(head), log
    )


def _events(session: Session, decision_id: str) -> list[DecisionEvent]:
    return list(
        session.scalars(
            select(DecisionEvent)
            .where(DecisionEvent.decision_id == decision_id)
            .order_by(DecisionEvent.seq)
        )
    )


def _set(session: Session, decision_id: str, **values: Any) -> None:
    session.execute(update(Decision).where(Decision.id == decision_id).values(**values))


def _checkpoint_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Checkpoint.id).order_by(Checkpoint.id)))


# Each case edits the store and returns what `audit verify` must name.
Case = Callable[[Session, History], str]


def outcome_changed(session: Session, h: History) -> str:
    _set(session, h.other, outcome="approve")
    return h.other


def score_changed(session: Session, h: History) -> str:
    _set(session, h.other, score=0.01)
    return h.other


def reasons_removed(session: Session, h: History) -> str:
    _set(session, h.other, reasons=[])
    return h.other


def signals_changed(session: Session, h: History) -> str:
    row = session.get(Decision, h.approved)
    assert row is not None
    _set(session, h.approved, signals={**row.signals, "email.disposable": True})
    return h.approved


def signal_vector_changed(session: Session, h: History) -> str:
    # The sealed signals stay; what a backtest would replay says the mailbox is disposable.
    row = session.get(Decision, h.approved)
    assert row is not None and row.signal_values is not None
    values = json.loads(row.signal_values)
    values[list(LAYOUT).index("email.disposable")] = True
    _set(session, h.approved, signal_values=json.dumps(values))
    return h.approved


def time_moved(session: Session, h: History) -> str:
    row = session.get(Decision, h.approved)
    assert row is not None
    _set(session, h.approved, created_at=row.created_at - timedelta(days=1))
    return h.approved


def record_rehashed_without_key(session: Session, h: History) -> str:
    row = session.get(Decision, h.other)
    assert row is not None
    row.outcome = "approve"
    row.record_hash = legacy_decision_hash(hashed_fields(row))
    return h.other


def resolution_changed(session: Session, h: History) -> str:
    last = _events(session, h.resolved)[-1]
    assert last.kind == "review_resolved"
    last.data = {**last.data, "outcome": "decline"}
    return h.resolved


def chain_rehashed_without_key(session: Session, h: History) -> str:
    events = _events(session, h.resolved)
    events[-1].data = {**events[-1].data, "outcome": "decline"}
    prev = "0" * 64
    for event in events:
        event.prev_hash = prev
        event.hash = legacy_event_hash(prev, event_body(event))
        prev = event.hash
    return h.resolved


def last_event_deleted(session: Session, h: History) -> str:
    last = _events(session, h.resolved)[-1]
    session.delete(last)
    return h.resolved


def last_event_deleted_head_rolled_back(session: Session, h: History) -> str:
    # With a copy of the seal from before the resolution, the chain itself looks whole;
    # the checkpoint that covered the resolution still counts it.
    session.delete(_events(session, h.resolved)[-1])
    _set(session, h.resolved, chain_mac=h.head_before_resolution)
    return f"checkpoint {_checkpoint_ids(session)[1]} "


def earlier_event_deleted(session: Session, h: History) -> str:
    events = _events(session, h.resolved)
    assert len(events) >= 2
    session.delete(events[0])
    return h.resolved


def event_forged(session: Session, h: History) -> str:
    last = _events(session, h.resolved)[-1]
    forged = DecisionEvent(
        decision_id=h.resolved,
        seq=last.seq + 1,
        kind="review_resolved",
        data={"outcome": "decline"},
        actor="analyst",
        created_at=last.created_at,
        prev_hash=last.hash,
    )
    forged.hash = legacy_event_hash(last.hash, event_body(forged))
    session.add(forged)
    return h.resolved


def all_events_deleted(session: Session, h: History) -> str:
    session.execute(delete(DecisionEvent).where(DecisionEvent.decision_id == h.resolved))
    return h.resolved


def decision_deleted(session: Session, h: History) -> str:
    for table in (DecisionEvent, PersonalData, ContestToken):
        session.execute(delete(table).where(table.decision_id == h.other))
    session.execute(delete(Decision).where(Decision.id == h.other))
    return f"checkpoint {_checkpoint_ids(session)[1]} "


def decision_slipped_in(session: Session, h: History) -> str:
    row = session.get(Decision, h.other)
    assert row is not None
    values = {c.key: getattr(row, c.key) for c in Decision.__table__.columns}
    values["id"] = h.other[:-4] + "beef"
    values["outcome"] = "approve"
    forged = Decision(**values)
    values["record_hash"] = legacy_decision_hash(hashed_fields(forged))
    session.execute(insert(Decision).values(**values))
    return values["id"]


def last_checkpoint_deleted(session: Session, h: History) -> str:
    newest = _checkpoint_ids(session)[-1]
    session.execute(delete(Checkpoint).where(Checkpoint.id == newest))
    return f"checkpoint {newest} "


def middle_checkpoint_deleted(session: Session, h: History) -> str:
    ids = _checkpoint_ids(session)
    session.execute(delete(Checkpoint).where(Checkpoint.id == ids[1]))
    return f"checkpoint {ids[1]} "


def checkpoint_count_edited(session: Session, h: History) -> str:
    ids = _checkpoint_ids(session)
    session.execute(update(Checkpoint).where(Checkpoint.id == ids[1]).values(decisions=1))
    return f"checkpoint {ids[1]} "


CASES: list[Case] = [
    outcome_changed,
    score_changed,
    reasons_removed,
    signals_changed,
    signal_vector_changed,
    time_moved,
    record_rehashed_without_key,
    resolution_changed,
    chain_rehashed_without_key,
    last_event_deleted,
    last_event_deleted_head_rolled_back,
    earlier_event_deleted,
    event_forged,
    all_events_deleted,
    decision_deleted,
    decision_slipped_in,
    last_checkpoint_deleted,
    middle_checkpoint_deleted,
    checkpoint_count_edited,
]


def _verify(cli_env: dict[str, str]) -> Any:
    return CliRunner().invoke(main, ["audit", "verify"], env=cli_env)


def test_the_untouched_history_verifies(history: History, cli_env: dict[str, str]) -> None:
    result = _verify(cli_env)
    assert result.exit_code == 0, result.output
    assert "3 decision(s)" in result.output


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_tampering_is_caught_and_named(
    case: Case, history: History, runtime: Any, cli_env: dict[str, str]
) -> None:
    with runtime.db.session() as session:
        named = case(session, history)
    result = _verify(cli_env)
    assert result.exit_code == 1, result.output
    assert named in result.output
    if named.startswith("dec_"):
        for untouched in {history.resolved, history.other, history.approved} - {named}:
            assert untouched not in result.output


def test_a_truncated_audit_log_shows(history: History, cli_env: dict[str, str]) -> None:
    lines = history.log.read_text().splitlines()
    history.log.write_text("\n".join(lines[:1]) + "\n")
    result = _verify(cli_env)
    assert result.exit_code == 1
    assert "missing from the audit log" in result.output


def _as_before_the_audit_key(session: Session) -> None:
    """Put every seal back to the unkeyed form of earlier releases (as 0012 leaves them)."""
    from screening.core.hashing import GENESIS, legacy_checkpoint_hash
    from screening.store.checkpoints import cover, legacy_body

    for row in session.scalars(select(Decision)):
        row.record_hash = legacy_decision_hash(hashed_fields(row))
        row.chain_mac = None
        prev = GENESIS
        for event in _events(session, row.id):
            event.prev_hash = prev
            event.hash = legacy_event_hash(prev, event_body(event))
            prev = event.hash
    session.flush()
    prev = GENESIS
    for checkpoint in session.scalars(select(Checkpoint).order_by(Checkpoint.id)):
        covered = cover(session, checkpoint.window_start, checkpoint.window_end, with_events=False)
        checkpoint.prev_hash = prev
        checkpoint.events = 0
        checkpoint.hash = legacy_checkpoint_hash(
            prev, legacy_body(checkpoint.window_start, checkpoint.window_end, covered)
        )
        prev = checkpoint.hash


def test_records_of_earlier_releases_are_resealed_explicitly(
    history: History, runtime: Any, cli_env: dict[str, str]
) -> None:
    with runtime.db.session() as session:
        _as_before_the_audit_key(session)
    before = _verify(cli_env)
    assert before.exit_code == 1 and "screening audit rekey" in before.output
    rekeyed = CliRunner().invoke(main, ["audit", "rekey"], env=cli_env)
    assert rekeyed.exit_code == 0, rekeyed.output
    assert "resealed 3 decision(s)" in rekeyed.output and "3 checkpoint(s)" in rekeyed.output
    after = _verify(cli_env)
    assert after.exit_code == 0, after.output
    again = CliRunner().invoke(main, ["audit", "rekey"], env=cli_env)
    assert "resealed 0 decision(s)" in again.output


def test_rekey_refuses_a_record_altered_before_it(
    history: History, runtime: Any, cli_env: dict[str, str]
) -> None:
    with runtime.db.session() as session:
        _as_before_the_audit_key(session)
    with runtime.db.session() as session:
        _set(session, history.other, outcome="approve")  # changed, old hash left as it was
    refused = CliRunner().invoke(main, ["audit", "rekey"], env=cli_env)
    assert refused.exit_code == 1
    assert history.other in refused.output and "nothing resealed" in refused.output
    with runtime.db.session() as session:
        row = session.get(Decision, history.resolved)
        assert row is not None and row.chain_mac is None  # nothing was changed
