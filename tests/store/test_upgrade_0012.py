"""Upgrading a store made before migration 0012: tokens carried over, hashes resealed on request.

A decision and its event are written with the schema and the unkeyed hashes of the
revision before 0012, then the database is upgraded. Its contest token still opens
it; its seals fail verification as unkeyed until ``screening audit rekey``, then verify.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from click.testing import CliRunner
from sqlalchemy import MetaData, Table, insert, select

from screening.cli import main
from screening.core.hashing import GENESIS, legacy_decision_hash, legacy_event_hash
from screening.core.tokens import token_hash
from screening.store import Database
from screening.store.decisions import hashed_fields
from screening.store.models import ContestToken
from tests.conftest import HMAC_TEST_KEYS
from tests.helpers import app_on, auth, decision_row

TOKEN = "an-old-token-from-before-the-upgrade"


def _old_decision(database: Database) -> str:
    now = datetime.now(UTC).replace(tzinfo=None)
    values: dict[str, Any] = decision_row(
        "dec_000000000001aaaaaaaaaaaaaaaa",
        "decline",
        now,
        score=0.9,
        risk_total=0.9,
        reasons=[{"code": "email_disposable", "field": "email", "message": "m"}],
        signals={"email.disposable": True},
        contest_token_hash=token_hash(TOKEN),
    )
    row = SimpleNamespace(**{**values, "created_at": now.replace(tzinfo=UTC)})
    values["record_hash"] = legacy_decision_hash(hashed_fields(row))  # type: ignore[arg-type]
    event = {
        "decision_id": values["id"],
        "seq": 1,
        "kind": "contest_token_reissued",
        "data": {},
        "actor": "api",
        "created_at": now.replace(tzinfo=UTC).isoformat(),
    }
    with database.engine.begin() as conn:
        tables = MetaData()
        decisions = Table("decisions", tables, autoload_with=conn)
        events = Table("decision_events", tables, autoload_with=conn)
        conn.execute(insert(decisions).values(**values))
        conn.execute(
            insert(events).values(
                decision_id=values["id"], seq=1, kind="contest_token_reissued", data={},
                actor="api", created_at=now, prev_hash=GENESIS,
                hash=legacy_event_hash(GENESIS, event),
            )
        )  # fmt: skip
    return str(values["id"])


def test_an_old_store_keeps_its_tokens_and_is_resealed_only_when_asked(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    database = Database(url)
    database.upgrade("0009")
    decision_id = _old_decision(database)
    database.dispose()

    app = app_on(url, instance)
    runtime = app.extensions["screening"]
    try:
        with runtime.db.session() as session:
            stored = session.scalars(
                select(ContestToken.token_hash).where(ContestToken.decision_id == decision_id)
            ).all()
        assert stored == [token_hash(TOKEN)]
        client = app.test_client()
        view = client.get(f"/v1/decisions/{decision_id}", headers=auth(TOKEN))
        assert view.status_code == 200

        env = {
            "SCREENING_ENV": "test",
            "SCREENING_INSTANCE_PATH": str(instance),
            "SCREENING_DATABASE_URL": url,
            "SCREENING_HMAC_KEYS": HMAC_TEST_KEYS,
            "SCREENING_SECRET_KEY": "s" * 40,
        }
        before = CliRunner().invoke(main, ["audit", "verify"], env=env)
        assert before.exit_code == 1
        assert f"{decision_id}: decision record sealed without the audit key" in before.output
        rekeyed = CliRunner().invoke(main, ["audit", "rekey"], env=env)
        assert rekeyed.exit_code == 0, rekeyed.output
        assert "resealed 1 decision(s), 1 event(s)" in rekeyed.output
        after = CliRunner().invoke(main, ["audit", "verify"], env=env)
        assert after.exit_code == 0, after.output
    finally:
        runtime.db.dispose()
