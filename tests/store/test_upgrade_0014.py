"""Upgrading a store whose held signups predate review cases: each gets one, once.

Decisions are written with the schema of migration 0008 (before cases had a source), then
the database is upgraded to the newest migration. Every held decision that had no case,
and whose personal data was not erased, must reach the review queue; none other may.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, Table, insert

from screening.core.deadlines import add_working_days
from screening.store import Database
from screening.store.keys import create_key
from tests.conftest import throwaway_postgres
from tests.helpers import app_on, auth, decision_row

# A Monday a month or so ago, 09:30 UTC: within the retention of held decisions.
_AGO = datetime.now(UTC) - timedelta(days=30)
MADE = (_AGO - timedelta(days=_AGO.weekday())).replace(hour=9, minute=30, second=0, microsecond=0)


def _decision(n: int, outcome: str, **extra: Any) -> dict[str, Any]:
    made = extra.pop("created_at", MADE + timedelta(minutes=n))
    return decision_row(
        f"dec_{n:012x}aaaaaaaaaaaaaaaa",
        outcome,
        made,
        score=0.5,
        risk_total=0.5,
        contest_token_hash=f"{n:064x}",
        record_hash="0" * 64,
        # Every row names the same columns (they are inserted in one executemany).
        **{"scrubbed_at": None, **extra},
    )


def _old_store(url: str) -> dict[str, str]:
    database = Database(url)
    database.upgrade("0008")
    held = _decision(1, "review")
    contested = _decision(2, "review")
    approved = _decision(3, "approve")
    erased = _decision(4, "review", scrubbed_at=MADE + timedelta(days=1))
    declined = _decision(5, "decline")
    # Past the shipped retention of held decisions (365 days): due to be scrubbed.
    expired = _decision(6, "review", created_at=MADE - timedelta(days=400))
    with database.engine.begin() as conn:
        tables = MetaData()
        decisions = Table("decisions", tables, autoload_with=conn)
        cases = Table("review_requests", tables, autoload_with=conn)
        conn.execute(insert(decisions), [held, contested, approved, erased, declined, expired])
        conn.execute(
            insert(cases).values(
                id="rr_contestedbeforeupgrade",
                decision_id=contested["id"],
                status="pending",
                received_at=MADE + timedelta(hours=1),
                due_by=(MADE + timedelta(days=30)).date(),
                statement="Please look again.",
            )
        )
    database.dispose()
    return {"held": held["id"], "contested": contested["id"]}


@pytest.fixture(params=["sqlite", "postgresql"])
def old_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
    else:
        with throwaway_postgres("screening_upgrade") as url:
            yield url


def test_upgrading_opens_a_case_for_every_held_signup_that_had_none(
    old_url: str, tmp_path: Path
) -> None:
    url = old_url
    ids = _old_store(url)
    app = app_on(url, tmp_path / "instance")  # upgrades to the newest migration
    runtime = app.extensions["screening"]
    try:
        with runtime.db.session() as session:
            _row, key = create_key(session, ["analyst"], name="analyst-test")
        answer = app.test_client().get("/v1/reviews?limit=50", headers=auth(key))
        assert answer.status_code == 200, answer.get_json()
        items = answer.get_json()["items"]
        by_decision: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            by_decision.setdefault(item["decision_id"], []).append(item)
        # Only the two held decisions with someone to answer have a case (not the erased
        # one, nor the one past its retention); the contested one keeps its customer case
        # and gets no second.
        assert sorted(by_decision) == sorted(ids.values())
        [opened] = by_decision[ids["held"]]
        assert opened["source"] == "automated"
        assert opened["status"] == "pending"
        assert opened["received_at"].startswith(f"{MADE.date().isoformat()}T09:31")
        # Two working days after a Monday: the Wednesday.
        due = add_working_days(MADE.date(), 2)
        assert opened["due_by"] == due.isoformat() == (MADE.date() + timedelta(days=2)).isoformat()
        assert opened["overdue"] is True
        [kept] = by_decision[ids["contested"]]
        assert kept["review_request_id"] == "rr_contestedbeforeupgrade"
        assert kept["source"] == "customer"
    finally:
        runtime.db.dispose()
