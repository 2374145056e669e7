"""The database: engine set-up (SQLite WAL or PostgreSQL), sessions and migrations."""

from __future__ import annotations

import fcntl  # POSIX: SQLite deployments of this service run on Linux
import logging
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from screening.errors import ConfigError, DuplicateRecord, StorageError

log = logging.getLogger("screening.store")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The advisory lock id that serialises migrations on PostgreSQL (any constant 64-bit int).
MIGRATION_LOCK = 0x5C12EE11
# Tables where scrubbing and erasure delete or overwrite a person's values: fields,
# statements and notes, notice recipients, the key names in `discarded_fields`.
# (The others they touch hold keyed pseudonyms and hashes, never values.)
ERASED_TABLES = ("personal_data", "review_requests", "outbox", "decisions")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers and one writer work at once; secure_delete overwrites
    # deleted content so erased personal data does not linger in free pages.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the SQLite file (and its folder) for this user only: 0600 in a 0700 folder.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode, so they
    follow. An existing file is tightened, since it holds personal data.
    """
    folder = path.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            pass


# How long a rewrite waits for transactions that may still see the erased rows.
SNAPSHOT_WAIT_SECONDS = 30.0


def _wait_for_older_snapshots(conn: Any) -> None:
    """Wait (bounded) until no other session of this database holds an older snapshot.

    A transaction (or an autovacuum ANALYZE) that began before the erasure committed
    may still see the erased rows (or, holding an xid, keeps them from being
    removable), and ``VACUUM FULL`` copies such "recently dead" rows into the new files:
    waiting for those snapshots to end first lets the rewrite drop them.
    """
    started = time.monotonic()
    since = conn.scalar(text("SELECT statement_timestamp()"))
    while time.monotonic() - started < SNAPSHOT_WAIT_SECONDS:
        older = conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() "
                # An open transaction that wrote holds the horizon by its xid alone.
                "AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL) "
                "AND coalesce(xact_start, query_start) < :since"
            ),
            {"since": since},
        )
        if not older:
            return
        time.sleep(0.1)
    log.warning(
        "erasure rewrite ran while an older transaction was open", extra={"event": "compact"}
    )


_KEPT = re.compile(r"(\d+) dead row versions cannot be removed yet")


def _rewrite(conn: Any, table: str) -> None:
    """``VACUUM FULL`` a table until no dead row version had to be kept (bounded).

    PostgreSQL reports, for each rewrite, how many dead rows some open snapshot still
    needed; those were copied into the new files. Rewrite again until there are none.
    """
    kept: list[int] = []
    raw = conn.connection.driver_connection

    def notice(diagnostic: Any) -> None:
        for part in (diagnostic.message_primary, diagnostic.message_detail):
            found = _KEPT.search(part or "")
            if found:
                kept.append(int(found.group(1)))

    raw.add_notice_handler(notice)
    try:
        deadline = time.monotonic() + SNAPSHOT_WAIT_SECONDS
        while True:
            kept.clear()
            conn.execute(text(f"VACUUM (FULL, VERBOSE) {table}"))
            if not any(kept) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    finally:
        raw.remove_notice_handler(notice)
    if any(kept):
        log.warning("erasure rewrite kept dead rows", extra={"event": "compact"})


# Screening writers leave checkpoints (copying the WAL into the database file, with an
# fsync) to a background thread: run inline by whichever commit crossed the default
# 1,000 pages, a checkpoint made that one screening wait tens of milliseconds. This
# much WAL (64 MB) is the backstop for processes without the thread.
WRITER_AUTOCHECKPOINT_PAGES = 16384
CHECKPOINT_INTERVAL_SECONDS = 0.5


def _sqlite_writer_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, emit BEGIN (see _begin_immediate).
    dbapi_connection.isolation_level = None
    dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={WRITER_AUTOCHECKPOINT_PAGES}")


def _begin_immediate(conn: Any) -> None:
    # The write lock at BEGIN, not at the first write: a transaction that read first
    # and then wrote could find its snapshot stale and fail with "database is locked".
    conn.exec_driver_sql("BEGIN IMMEDIATE")


class _WriterLock:
    """One writing transaction at a time on a SQLite file, across threads and processes.

    SQLite admits one writer; others wait in its busy handler, which sleeps and polls
    (1, 2, 5 ... 100 ms), so under load a screening waited whole sleeps for a lock
    freed microseconds after it began to sleep. Writers now queue on a thread lock and
    a ``flock`` on a file beside the database, which the kernel hands over at once.
    Taken when the transaction begins (its first statement), released once it ended.
    """

    def __init__(self, path: str) -> None:
        self.path = f"{path}.write-lock"
        self._thread_lock = threading.Lock()
        self._held = threading.local()
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        # One descriptor per process: a forked worker must not share its parent's.
        if self._fd is None or self._pid != os.getpid():
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        if getattr(self._held, "on", False):
            return
        self._thread_lock.acquire()
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise
        self._held.on = True

    def release(self) -> None:
        if not getattr(self._held, "on", False):
            return
        self._held.on = False
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()


class Database:
    """One engine and session factory for a database URL.

    ``audit_key`` seals the tamper evidence; sessions carry it (``session.info``) so
    the store functions that append records can seal them.
    """

    def __init__(self, url: str, *, echo: bool = False, audit_key: str | bytes = b"") -> None:
        try:
            parsed = make_url(url)
        except Exception as exc:  # noqa: BLE001 - SQLAlchemy raises several types here
            raise ConfigError("SCREENING_DATABASE_URL is not a valid database URL") from exc
        self.dialect = parsed.get_backend_name()
        if self.dialect == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                _private_sqlite_file(Path(parsed.database))
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.url = parsed
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        key = audit_key.encode() if isinstance(audit_key, str) else audit_key
        # Seals the tamper evidence (sessions carry it too, in ``session.info``).
        self.audit_key: bytes = key
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, info={"audit_key": key})
        # Writers (screenings): on a SQLite file, their own engine that begins with
        # BEGIN IMMEDIATE under the writer lock; elsewhere the same engine.
        self._writer_lock: _WriterLock | None = None
        self._checkpointer_pid = 0
        if self.dialect == "sqlite" and parsed.database and parsed.database != ":memory:":
            self._writer_lock = lock = _WriterLock(parsed.database)
            self.write_engine: Engine = create_engine(parsed, **kwargs)
            event.listen(self.write_engine, "connect", _sqlite_pragmas)
            event.listen(self.write_engine, "connect", _sqlite_writer_pragmas)
            event.listen(self.write_engine, "begin", lambda _conn: lock.acquire())
            event.listen(self.write_engine, "begin", _begin_immediate)
        else:
            self.write_engine = self.engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """Yield a session in a transaction: committed on success, rolled back on error.

        Raises:
            DuplicateRecord: a unique key was taken (wrapping SQLAlchemy's IntegrityError).
            StorageError: the database failed (wrapping SQLAlchemy's error).
        """
        session = self.sessions()
        try:
            yield session
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise DuplicateRecord("A record with this key exists already.") from exc
        except SQLAlchemyError as exc:
            session.rollback()
            raise StorageError("The database is unavailable; try again.") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def writer(self) -> Iterator[Connection]:
        """Yield a connection in a transaction that writes: committed on success, else rolled back.

        For the screening write path, which runs Core statements only (no ORM session).
        On a SQLite file the transaction begins with ``BEGIN IMMEDIATE`` at its first
        statement, and writers queue for it without polling (see :class:`_WriterLock`);
        the lock is released once the transaction has ended. On PostgreSQL concurrent
        transactions write at once and their commits share WAL flushes.

        Raises:
            DuplicateRecord: a unique key was taken (wrapping SQLAlchemy's IntegrityError).
            StorageError: the database failed (wrapping SQLAlchemy's error).
        """
        try:
            # The transaction begins at the first statement (SQLAlchemy's autobegin), so
            # whatever the caller does before it never holds the write lock.
            with self.write_engine.connect() as conn:
                try:
                    yield conn
                    conn.commit()
                except BaseException:
                    conn.rollback()
                    raise
        except IntegrityError as exc:
            raise DuplicateRecord("A record with this key exists already.") from exc
        except SQLAlchemyError as exc:
            raise StorageError("The database is unavailable; try again.") from exc
        finally:
            if self._writer_lock is not None:
                self._writer_lock.release()

    @contextmanager
    def session_on(self, conn: Connection) -> Iterator[Session]:
        """Yield an ORM session inside ``conn``'s transaction (flushed, never committed here).

        For the rare steps of a :meth:`writer` transaction that use the ORM; the
        transaction commits or rolls back with the writer.
        """
        # SQLAlchemy's default join mode: the session never commits the writer's transaction.
        session = Session(bind=conn, expire_on_commit=False, info={"audit_key": self.audit_key})
        try:
            yield session
            session.flush()
        finally:
            session.close()

    def start_checkpointer(self, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        """On a SQLite file, checkpoint the WAL every ``interval`` seconds in a daemon thread.

        A ``PASSIVE`` checkpoint copies what it can without waiting for or blocking
        readers and writers. Call it in each serving process (after any fork).
        """
        if self._writer_lock is None or self._checkpointer_pid == os.getpid():
            return
        self._checkpointer_pid = os.getpid()
        thread = threading.Thread(
            target=self._checkpoint_forever, args=(interval,), name="wal-checkpoint", daemon=True
        )
        thread.start()

    def _checkpoint_forever(self, interval: float) -> None:
        while True:
            time.sleep(interval)
            try:
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except SQLAlchemyError:
                log.warning("WAL checkpoint failed", extra={"event": "checkpoint"})

    def ping(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def is_migrated(self) -> bool:
        """Tell whether the schema is at the newest migration this release ships."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except SQLAlchemyError:
            return False
        return current == head

    def require_migrated(self) -> None:
        """Raise ConfigError unless :meth:`is_migrated` (naming the command that fixes it)."""
        if not self.is_migrated():
            raise ConfigError(
                "the database schema is missing or out of date: run `screening db upgrade`"
            )

    def upgrade(self, revision: str = "head") -> None:
        """Apply Alembic migrations up to ``revision``, one process at a time.

        Processes that start together (two commands, the workers of several servers) take
        turns: a PostgreSQL advisory lock, or on SQLite a lock file beside the database.
        The second finds the schema already there and does nothing.
        """
        from alembic import command  # imported here: the CLI and start-up need it, requests don't

        with self._migration_lock():
            command.upgrade(self.alembic_config(), revision)

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.dialect == "postgresql":
            try:
                with self.engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                    try:
                        yield
                    finally:
                        conn.execute(
                            text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK}
                        )
            except SQLAlchemyError as exc:
                raise StorageError("The database is unavailable; try again.") from exc
            return
        database = self.url.database
        if self.dialect != "sqlite" or not database or database == ":memory:":
            yield
            return
        handle = os.open(f"{database}.migrate-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield
        finally:
            os.close(handle)  # closing releases the lock

    def alembic_config(self) -> Any:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        return cfg

    def compact(self, tables: Iterable[str] = ERASED_TABLES, *, rewrite: bool = True) -> None:
        """Make deleted rows unrecoverable from the files.

        SQLite: checkpoint the WAL and VACUUM (``secure_delete`` already zeroes freed
        content). PostgreSQL keeps dead row versions in the table files until their
        pages are rewritten; with ``rewrite`` each of ``tables`` is rewritten
        (``VACUUM FULL``: new files holding live rows only, the old ones removed, at the
        cost of an exclusive lock on the table while it runs), else only vacuumed so
        the space is reused.
        """
        if self.dialect != "sqlite":
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                if rewrite:
                    _wait_for_older_snapshots(conn)
                for table in tables:
                    if table not in ERASED_TABLES:
                        raise ValueError(f"not a table erasure compacts: {table}")
                    if rewrite:
                        _rewrite(conn, table)
                    else:
                        conn.execute(text(f"VACUUM {table}"))
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()
