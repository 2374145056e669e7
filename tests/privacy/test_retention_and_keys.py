"""Retention holds data under open review; HMAC keys rotate without losing matches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from screening.app import create_app
from screening.cli import main
from screening.config import HmacKey, load_settings, parse_hmac_keys
from screening.core.pseudonyms import Pseudonymizer
from screening.errors import ConfigError
from screening.store import Database
from screening.store.models import Decision, PersonalData, PseudonymKey
from screening.store.models.lists import ListEntry
from screening.store.models.rights import SubjectStatus
from screening.store.retention import run_retention
from tests.helpers import auth, contest, signup


def test_an_open_review_keeps_its_decision_until_resolved(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    held = client.post(
        "/v1/screenings", json=signup(email="a@mailinator.com"), headers=auth(screen_key)
    ).get_json()
    plain = client.post(
        "/v1/screenings", json=signup(email="b@mailinator.com"), headers=auth(screen_key)
    ).get_json()
    rid = contest(client, held, "wait")
    with runtime.db.session() as session:
        session.execute(update(Decision).values(created_at=datetime.now(UTC) - timedelta(400)))
    with runtime.db.session() as session:
        report = run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
        assert (report.scrubbed, report.held_for_review) == (1, 1)
        assert session.get(PersonalData, held["decision_id"]) is not None
        assert session.get(PersonalData, plain["decision_id"]) is None
    client.post(
        f"/v1/reviews/{rid}/resolution",
        json={"outcome": "decline", "note": "n"},
        headers=auth(analyst_key),
    )
    with runtime.db.session() as session:
        report = run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
        assert (report.scrubbed, report.held_for_review) == (1, 0)
        assert session.get(PersonalData, held["decision_id"]) is None


def test_rotated_keys_make_new_pseudonyms_and_still_match_old_ones() -> None:
    old = HmacKey("old1", b"o" * 40)
    new = HmacKey("new1", b"n" * 40)
    before = Pseudonymizer([old]).make("email", "Jan@Example.be")
    rotated = Pseudonymizer([new, old])
    after = rotated.make("email", "jan@example.be")
    assert before.startswith("old1:") and after.startswith("new1:")
    assert before in rotated.candidates("email", "JAN@example.BE")
    assert rotated.matches(before, "email", "jan@example.be")
    assert not Pseudonymizer([new]).matches(before, "email", "jan@example.be")
    assert rotated.make("email", "a@b.c") != rotated.make("external_ref", "a@b.c")


def test_rotate_hmac_puts_a_fresh_key_in_front(tmp_path: Path) -> None:
    env = {"SCREENING_INSTANCE_PATH": str(tmp_path)}
    first = load_settings(environ=env).hmac_keys
    result = CliRunner().invoke(main, ["keys", "rotate-hmac"], env=env)
    assert result.exit_code == 0, result.output
    printed = parse_hmac_keys(result.output.strip().splitlines()[-1])
    assert printed[1:] == first and printed[0].id not in {k.id for k in first}
    assert load_settings(environ=env).hmac_keys == printed  # written for development


def test_a_key_that_stored_pseudonyms_need_cannot_be_dropped_until_retired(
    client: Any,
    runtime: Any,
    screen_key: str,
    settings: dict[str, Any],
    cli_env: dict[str, str],
) -> None:
    client.post("/v1/screenings", json=signup(email="kept@example.be"), headers=auth(screen_key))
    other = "t2:" + "y" * 40
    env = {**cli_env, "SCREENING_HMAC_KEYS": other}
    # t1 made the stored email's pseudonym: without it the service will not start.
    with pytest.raises(ConfigError, match="HMAC key id\\(s\\) t1,"):
        create_app({**settings, "hmac_keys": other})
    refused = CliRunner().invoke(main, ["keys", "retire-hmac", "t1"], env=env)
    assert refused.exit_code == 1 and "decisions.email_hmac: 1" in refused.output
    # Retention removes the record's pseudonyms; then t1 can go.
    with runtime.db.session() as session:
        session.execute(update(Decision).values(created_at=datetime.now(UTC) - timedelta(400)))
    with runtime.db.session() as session:
        run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
    retired = CliRunner().invoke(main, ["keys", "retire-hmac", "t1"], env=env)
    assert retired.exit_code == 0 and "key t1 retired" in retired.output
    app = create_app({**settings, "hmac_keys": other})
    try:
        with app.extensions["screening"].db.session() as session:
            assert session.scalars(select(PseudonymKey.key_id)).all() == ["t2"]
    finally:
        app.extensions["screening"].db.dispose()
        with runtime.db.session() as session:  # leave the shared database as tests expect
            session.execute(delete(PseudonymKey))


def test_the_current_key_cannot_be_retired(settings: dict[str, Any]) -> None:
    env = {"SCREENING_ENV": "test", "SCREENING_HMAC_KEYS": "t1:" + "x" * 40}
    result = CliRunner().invoke(main, ["keys", "retire-hmac", "t1"], env=env)
    assert result.exit_code == 1 and "current key" in result.output


def test_the_upgrade_records_the_key_ids_already_in_use(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        database.upgrade("0007")
        with database.session() as session:
            now = datetime.now(UTC)
            session.execute(
                insert(SubjectStatus.__table__).values(
                    pseudonym="k7:" + "a" * 64, kind="email", restricted=True,
                    objected=False, updated_at=now,
                )
            )  # fmt: skip
            session.execute(
                insert(ListEntry.__table__).values(
                    list_name="block", kind="email_domain", key="nope:example.com",
                    reason="r", created_by="t", created_at=now,
                )
            )  # fmt: skip
        database.upgrade()
        with database.session() as session:
            assert session.scalars(select(PseudonymKey.key_id)).all() == ["k7"]
    finally:
        database.dispose()


def test_retiring_a_key_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    env = {
        "SCREENING_ENV": "test",
        "SCREENING_INSTANCE_PATH": str(tmp_path / "empty"),
        "SCREENING_HMAC_KEYS": "t2:" + "y" * 40 + ",t1:" + "x" * 40,
    }
    result = CliRunner().invoke(main, ["keys", "retire-hmac", "t1"], env=env)
    assert result.exit_code == 2 and "screening db upgrade" in result.output
    assert "Traceback" not in result.output
