"""Retention holds data under open review; HMAC keys rotate without losing matches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import update

from screening.cli import main
from screening.config import HmacKey, load_settings, parse_hmac_keys
from screening.pseudonyms import Pseudonymizer
from screening.store.models import Decision, PersonalData
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
