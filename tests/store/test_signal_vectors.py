"""Signal vectors: what a screening stores for backtests, and how every kind of row is read.

A backtest reads each decision's signal values from its vector, in the order its layout
names. These tests check that a screening writes the vector of exactly its signals, and
that a backtest reads the same values from a vector in today's order, in an older order
(a signal added since), without a vector, or in an order the database does not know.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, Table, insert, select

from screening.core.rules.backtest import Replay, projection
from screening.core.signals import LAYOUT, LAYOUT_DIGEST, layout_digest, vector
from screening.store import Database
from screening.store.models import Decision, SignalLayout
from screening.store.rulesets import recorded
from tests.helpers import app_on, auth, decision_row, signup


def test_a_screening_stores_the_vector_of_its_signals(
    client: Any, runtime: Any, screen_key: str
) -> None:
    answer = client.post("/v1/screenings", json=signup(), headers=auth(screen_key))
    assert answer.status_code == 201
    with runtime.db.session() as session:
        row = session.get(Decision, answer.get_json()["decision_id"])
        assert row is not None
        assert row.signal_layout == LAYOUT_DIGEST
        assert json.loads(row.signal_values) == [row.signals.get(name) for name in LAYOUT]
        names = session.scalar(
            select(SignalLayout.names).where(SignalLayout.digest == LAYOUT_DIGEST)
        )
    assert names == list(LAYOUT)


def _decision(i: int, signals: dict[str, Any], layout: str | None, values: str | None) -> dict:
    return decision_row(
        f"dec_{i:012x}aaaaaaaaaaaaaaaa",
        "approve",
        datetime.now(UTC) - timedelta(minutes=10 - i),
        signals=signals,
        signal_layout=layout,
        signal_values=values,
        record_hash="0" * 64,
    )


def test_backtests_read_every_kind_of_stored_vector_by_name(runtime: Any) -> None:
    replay = Replay(runtime.rules.current().rule_set)
    inputs = replay.inputs
    added = "email.disposable"  # a signal the older order below does not have yet
    assert added in inputs
    disposable = {"email.disposable": True, "email.domain": "mailinator.com", "phone.valid": True}
    ordinary = {"email.disposable": False, "email.domain": "example.org", "phone.valid": True}
    older = [name for name in reversed(LAYOUT) if name != added]
    older_digest = layout_digest(older)
    with runtime.db.session() as session:
        session.add(SignalLayout(digest=older_digest, names=older, created_at=datetime.now(UTC)))
        session.flush()
        older_values = json.dumps([disposable.get(name) for name in older])
        session.execute(
            insert(Decision),
            [
                _decision(1, disposable, LAYOUT_DIGEST, vector(disposable)),
                _decision(2, disposable, None, None),  # written before vectors
                _decision(3, disposable, "0123456789abcdef", "[1, 2]"),  # an unknown order
                _decision(4, disposable, older_digest, older_values),
                _decision(5, ordinary, LAYOUT_DIGEST, vector(ordinary)),
            ],
        )
    with runtime.db.session() as session:
        rows = {row[0][-20:-16]: row[4] for row in recorded(session, inputs)}
    expected = [disposable.get(name) for name in inputs]
    assert rows["0001"] == rows["0002"] == rows["0003"] == expected
    # The older order had no such signal: not recorded, so replayed at its default.
    assert rows["0004"] == [
        None if name == added else value for name, value in zip(inputs, expected, strict=True)
    ]
    assert rows["0005"] == [ordinary.get(name) for name in inputs]
    # Read from vectors or from documents, a replay decides alike.
    from_vectors, from_documents = Replay(replay.rule_set), Replay(replay.rule_set)
    for values in (rows["0001"], rows["0005"]):
        from_vectors.add(list(values), "approve")
    for signals in (disposable, ordinary):
        from_documents.add(projection(inputs, signals), "approve")
    assert from_vectors.report() == from_documents.report()
    # The disposable mailbox declines; the sparse ordinary record is held, not refused.
    assert from_vectors.report()["outcomes"]["candidate"] == {
        "approve": 0,
        "review": 1,
        "decline": 1,
    }


def test_upgrading_backfills_the_vectors_of_earlier_decisions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    database = Database(url)
    database.upgrade("0012")
    signals = {"email.disposable": True, "phone.valid": False}
    old = _decision(1, signals, None, None)
    del old["signal_layout"], old["signal_values"]
    with database.engine.begin() as conn:
        conn.execute(insert(Table("decisions", MetaData(), autoload_with=conn)).values(**old))
    database.dispose()
    app = app_on(url, tmp_path / "instance")
    runtime = app.extensions["screening"]
    try:
        with runtime.db.session() as session:
            row = session.get(Decision, old["id"])
            assert row is not None
            assert row.signal_layout == LAYOUT_DIGEST
            assert row.signal_values == vector(signals)
    finally:
        runtime.db.dispose()
