"""Locks and the clock for jobs that several nodes may run at once.

``job_lock`` serialises one named job (checkpoints, retention) across every
process that shares the database: on PostgreSQL a transaction-scoped advisory
lock, on SQLite the database's write lock taken up front. Either is released
when the transaction ends, so a crashed run never leaves a stale lock.
``database_now`` is the database's clock, one for every node, so windows and
leases do not depend on whose clock is right.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

# First half of every job lock's key: keeps them apart from the velocity locks,
# which use the one-number form.
_JOB_LOCK_CLASS = 0x5C12
_SQLITE_TAKE_WRITE_LOCK = {
    # A write statement that changes nothing still takes SQLite's write lock.
    "checkpoint": "DELETE FROM checkpoints WHERE 1 = 0",
    "retention": "DELETE FROM rate_limit_counters WHERE 1 = 0",
}


def job_lock(session: Session, name: str) -> None:
    """Wait for the lock of job ``name``; it is held until the transaction ends."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:c, :k)"),
            {"c": _JOB_LOCK_CLASS, "k": zlib.crc32(name.encode()) - 2**31},
        )
    elif dialect == "sqlite":
        session.execute(text(_SQLITE_TAKE_WRITE_LOCK[name]))


def database_now(session: Session) -> datetime:
    """Return the database server's current time (UTC, aware)."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(text("SELECT statement_timestamp()"))
        assert isinstance(value, datetime)
        return value.astimezone(UTC)
    raw = session.scalar(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"))
    return datetime.fromisoformat(str(raw)).replace(tzinfo=UTC)
