"""Erasure leaves no bytes: PostgreSQL's own table files, dead row versions included.

``pg_dump`` shows live rows only; an updated or deleted row stays in the table's
files until its page is rewritten. This test reads the files themselves (found with
``pg_relation_filepath`` after a ``CHECKPOINT``, from the server's data directory,
so it needs the server on this machine and the right to read its files), before
and after an erasure. SQLite's files are checked for their mode.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from tests.rights.flows import ANNELIES, BORIS, call, screen, set_active

# Declined (a disposable domain), so that she can contest with a statement of her own.
PERSON = {**ANNELIES, "email": "annelies.vanderstraeten@mailinator.com"}
# A field name the policy does not list, carrying the person's data in the key.
NAMED_KEY = "note_for_vanderstraeten_annelies"


def _table_files(runtime: Any) -> dict[str, bytes]:
    """Return the bytes of every table, TOAST table and index file of the database."""
    with runtime.db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(text("CHECKPOINT"))
        data_dir = Path(str(conn.scalar(text("SHOW data_directory"))))
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 't', 'i') "
                "AND n.nspname IN ('public', 'pg_toast') "
                "AND pg_relation_filepath(c.oid) IS NOT NULL"
            )
        ).all()
    found: dict[str, bytes] = {}
    for name, relative in rows:
        base = data_dir / relative
        try:
            # A relation over 1 GB continues in base.1, base.2, ...
            parts = [base, *sorted(base.parent.glob(base.name + ".[0-9]*"))]
            found[name] = b"".join(p.read_bytes() for p in parts if p.exists())
        except PermissionError:
            pytest.skip("the PostgreSQL data directory is not readable by this user")
        except FileNotFoundError:
            continue
    if not found:
        pytest.skip("the PostgreSQL data directory is not on this machine")
    return found


def _values(person: dict[str, str]) -> list[bytes]:
    keys = ("first_name", "last_name", "email", "phone_e164", "line1", "external_ref")
    return [person[k].encode() for k in keys]


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_erasure_leaves_none_of_the_persons_values_in_the_table_files(
    client: Any, runtime: Any, screen_key: str, analyst_key: str, admin_key: str
) -> None:
    first = screen(client, screen_key, PERSON, **{NAMED_KEY: "x"})
    assert NAMED_KEY in first["discarded_fields"]
    statement = "Please look again, Vanderstraeten speaking."
    contested = client.post(
        f"/v1/decisions/{first['decision_id']}/review-requests",
        json={"statement": statement},
        headers={"Authorization": f"Bearer {first['contest_token']}"},
    )
    assert contested.status_code == 201  # queues a notice to her email
    screen(client, screen_key, BORIS)

    before = b"".join(_table_files(runtime).values())
    for value in [*_values(PERSON), NAMED_KEY.encode(), statement.encode()]:
        assert value in before, "the search must see the person's data before erasure"

    set_active(client, admin_key, False, email=PERSON["email"])
    erased = call(client, admin_key, "POST", "/v1/subjects/erasure", {"email": PERSON["email"]})
    assert erased.status_code == 200 and erased.get_json()["outcome"] == "completed"

    files = _table_files(runtime)
    everything = b"".join(files.values())
    assert BORIS["last_name"].encode() in everything  # the files are really read
    for value in [*_values(PERSON), NAMED_KEY.encode(), statement.encode()]:
        holding = sorted(name for name, data in files.items() if value in data)
        assert holding == [], f"an erased value is still in the files of {holding}"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sqlite_files_are_private(client: Any, runtime: Any, screen_key: str) -> None:
    screen(client, screen_key, BORIS)  # makes the WAL and shared-memory files exist
    database = Path(str(runtime.db.url.database))
    files = [p for p in database.parent.glob(database.name + "*") if p.is_file()]
    assert {p.name for p in files} >= {database.name, database.name + "-wal"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700
