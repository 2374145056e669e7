"""Proof of minimisation: fields outside the policy never reach the database or the logs.

Signups carry extra fields whose values are unique markers, run through every
flow that exists, then the raw bytes of the SQLite files (database and WAL), a
pg_dump of the PostgreSQL database, and every captured log record are searched.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import make_url

from screening.core.signals import CATALOGUE
from screening.logs import JsonFormatter
from screening.store.audit import audit_minimisation
from screening.store.models import Decision
from screening.store.outbox import deliver
from screening.store.retention import run_retention
from tests.helpers import auth, hold_every_signup, signup

MARKERS = {
    "ssn": "MARKER-SSN-7f3a91",
    "gender": "MARKER-GENDER-c2d4e8",
    "ip": "MARKER-IP-b81f07",
    "company": "MARKER-COMPANY-5e6a2c",
}
NOTES = "MARKER-NOTES-0d9b44"
BIRTH_DATE = "1961-03-17"
PEOPLE = [
    {
        "first_name": "Quillon",
        "last_name": "Vexmarrow",
        "email": "quillon.vexmarrow@example.be",
        "phone": "+32 470 58 21 97",
        "line1": "Kwakkelstraat 41",
    },
    {
        "first_name": "Ysolde",
        "last_name": "Brannigardt",
        "email": "ysolde.b@mailinator.com",
        "phone": "+32 485 66 13 09",
        "line1": "Zonnebloemlaan 7",
    },
]


def raw_bytes(runtime: Any) -> bytes:
    """Return every byte the database holds: SQLite files, or a pg_dump."""
    runtime.db.dispose()
    url = runtime.db.url
    if runtime.db.dialect == "sqlite":
        path = Path(url.database)
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    plain = make_url(url.render_as_string(hide_password=False)).set(drivername="postgresql")
    dump = subprocess.run(
        [pg_dump, "--no-owner", plain.render_as_string(hide_password=False)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return dump.stdout


def logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = JsonFormatter()
    return "\n".join(formatter.format(r) + repr(r.args) + str(r.__dict__) for r in caplog.records)


def run_every_flow(client: Any, runtime: Any, keys: dict[str, str]) -> list[dict[str, Any]]:
    answers = []
    hold_every_signup(runtime)  # every decision can be contested (an approval cannot)
    for person in PEOPLE:
        body = signup(
            first_name=person["first_name"],
            last_name=person["last_name"],
            email=person["email"],
            phone=person["phone"],
            address_line1=person["line1"],
            address_notes=NOTES,
            date_of_birth=BIRTH_DATE,
            **MARKERS,
        )
        response = client.post("/v1/screenings", json=body, headers=auth(keys["screen"]))
        assert response.status_code == 201
        answer = response.get_json()
        assert answer["discarded_fields"] == ["address.notes", "company", "gender", "ip", "ssn"]
        answers.append(answer)
        url = f"/v1/decisions/{answer['decision_id']}"
        assert client.get(url, headers=auth(keys["analyst"])).status_code == 200
        assert client.get(url, headers=auth(answer["contest_token"])).status_code == 200
        contest = client.post(
            f"{url}/review-requests",
            json={"statement": "Please look again."},
            headers=auth(answer["contest_token"]),
        )
        assert contest.status_code == 201
        rid = contest.get_json()["review_request_id"]
        resolved = client.post(
            f"/v1/reviews/{rid}/resolution",
            json={"outcome": "approve", "note": "Checked.", "label": "legitimate"},
            headers=auth(keys["analyst"]),
        )
        assert resolved.status_code == 200
    with runtime.db.session() as session:
        deliver(session, lambda _m: None, now=datetime.now(UTC))
        run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
    return answers


def test_no_marker_reaches_the_database_or_the_logs(
    client: Any,
    runtime: Any,
    screen_key: str,
    analyst_key: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    run_every_flow(client, runtime, {"screen": screen_key, "analyst": analyst_key})
    data = raw_bytes(runtime)
    text = logged(caplog)
    assert len(data) > 10_000 and "screened" in text  # the search looked at something
    for marker in [*MARKERS.values(), NOTES, BIRTH_DATE, BIRTH_DATE.replace("-", "")]:
        assert marker.encode() not in data, f"{marker} found in the database"
        assert marker not in text, f"{marker} found in the logs"
    for person in PEOPLE:
        for value in (person["first_name"], person["last_name"], person["email"]):
            assert value not in text, "personal data found in the logs"


def test_after_retention_no_personal_data_remains(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    answers = run_every_flow(client, runtime, {"screen": screen_key, "analyst": analyst_key})
    before = raw_bytes(runtime)
    assert PEOPLE[0]["last_name"].encode() in before  # kept while within retention
    long_ago = datetime.now(UTC) - timedelta(days=400)
    with runtime.db.session() as session:
        session.execute(update(Decision).values(created_at=long_ago))
    with runtime.db.session() as session:
        report = run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
    assert report.scrubbed == len(answers)
    runtime.db.compact()
    after = raw_bytes(runtime)
    for person in PEOPLE:
        for value in person.values():
            assert value.encode() not in after, "scrubbed personal data is still in the files"
    assert b"+32470582197" not in after
    with runtime.db.session() as session:
        again = run_retention(session, runtime.policy.retention_days, now=datetime.now(UTC))
        row = session.get(Decision, answers[0]["decision_id"])
        assert row is not None and row.scrubbed_at is not None and row.signals
    assert again.scrubbed == 0  # idempotent
    # The contest token lives as long as the decision's data.
    url = f"/v1/decisions/{answers[0]['decision_id']}"
    assert client.get(url, headers=auth(answers[0]["contest_token"])).status_code == 404


def test_the_audit_finds_nothing_outside_the_policy(
    client: Any, runtime: Any, screen_key: str, analyst_key: str
) -> None:
    run_every_flow(client, runtime, {"screen": screen_key, "analyst": analyst_key})
    assert audit_minimisation(runtime.db, runtime.policy, CATALOGUE) == []


def test_the_audit_names_a_column_the_policy_does_not_list(runtime: Any) -> None:
    from sqlalchemy import text

    with runtime.db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE personal_data ADD COLUMN gender VARCHAR(10)"))
    try:
        findings = audit_minimisation(runtime.db, runtime.policy, CATALOGUE)
    finally:  # the PostgreSQL schema outlives this test
        with runtime.db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE personal_data DROP COLUMN gender"))
    assert [(f.table, f.column) for f in findings] == [("personal_data", "gender")]
