"""The database: engine set-up (SQLite WAL or PostgreSQL), sessions and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from screening.errors import ConfigError, DuplicateRecord, StorageError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The advisory lock id that serialises migrations on PostgreSQL (any constant 64-bit int).
MIGRATION_LOCK = 0x5C12EE11


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


class Database:
    """One engine and session factory for a database URL."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
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
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 10}
        else:
            kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=10)
        self.url = parsed
        self.engine: Engine = create_engine(parsed, **kwargs)
        if self.dialect == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

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
        import fcntl  # POSIX; SQLite deployments of this service run on Linux
        import os

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

    def compact(self) -> None:
        """Make deleted rows unrecoverable from the files (SQLite: checkpoint WAL, VACUUM)."""
        if self.dialect != "sqlite":
            # pg_dump never shows dead rows; VACUUM lets PostgreSQL reuse their space.
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.execute(text("VACUUM personal_data"))
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            conn.execute(text("VACUUM"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    def dispose(self) -> None:
        self.engine.dispose()
