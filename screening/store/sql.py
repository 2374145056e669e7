"""The screening write path's statements: compiled once per dialect, run at the driver level.

A Core statement executed through SQLAlchemy costs 150-280 µs of Python per call
(cache-key generation, parameter processing, result set-up), 10 to 40 times what
SQLite takes to run it; a screening runs six or seven. :class:`DriverStatement`
compiles a statement once per dialect, converts the parameters with the columns'
own bind processors (UTC times, JSON), and runs the SQL on the connection's driver
cursor, inside SQLAlchemy's transaction and with its error translation (a taken
unique key is still an ``IntegrityError``).

Lists of keys are bound as one parameter, not expanded into ``IN (?, ?, ...)``:
:func:`in_keys` renders ``= ANY(:keys)`` (an array) on PostgreSQL and
``IN (SELECT value FROM json_each(:keys))`` on SQLite, so one compiled form serves
any number of keys.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, String, TypeDecorator, bindparam
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import BindParameter, ClauseElement, ColumnElement


class KeyList(TypeDecorator[list[str]]):
    """A list of strings bound as one parameter: an array on PostgreSQL, JSON text on SQLite."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(String()))
        return dialect.type_descriptor(String())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        values = [str(v) for v in value]
        return values if dialect.name == "postgresql" else json.dumps(values)


class _BoundKeys(ColumnElement[Any]):
    """The strings bound to one parameter, as a subquery (see :func:`in_keys`)."""

    inherit_cache = True

    def __init__(self, keys: BindParameter[Any]) -> None:
        self.keys = keys
        self.type = String()


@compiles(_BoundKeys, "postgresql")
def _keys_postgresql(element: _BoundKeys, compiler: Any, **kw: Any) -> str:
    return f"(SELECT unnest({compiler.process(element.keys, **kw)}))"


@compiles(_BoundKeys)
def _keys_sqlite(element: _BoundKeys, compiler: Any, **kw: Any) -> str:
    return f"(SELECT value FROM json_each({compiler.process(element.keys, **kw)}))"


def in_keys(column: Any, name: str) -> ColumnElement[bool]:
    """Match rows whose ``column`` is among the list bound to parameter ``name``.

    Renders ``column IN (SELECT unnest(:name))`` on PostgreSQL (an array) and
    ``column IN (SELECT value FROM json_each(:name))`` on SQLite (JSON text); both
    look each key up in ``column``'s index.
    """
    keys = _BoundKeys(bindparam(name, type_=KeyList()))
    return column.op("IN", is_comparison=True)(keys)


class _Compiled:
    def __init__(
        self, statement: ClauseElement, dialect: Dialect, column_keys: Sequence[str] | None
    ):
        compiled: Any = statement.compile(
            dialect=dialect, column_keys=list(column_keys) if column_keys else None
        )
        self.sql = str(compiled)
        self.returns_rows = not (compiled.isinsert or compiled.isupdate or compiled.isdelete)
        self.positions: list[str] | None = (
            list(compiled.positiontup) if compiled.positional else None
        )
        self.processors: dict[str, Callable[[Any], Any]] = {}
        # Values the statement carries itself (literals such as the 1 in CASE ... THEN 1).
        self.defaults: dict[str, Any] = {
            name: bind.effective_value
            for name, bind in compiled.binds.items()
            if not bind.required and name not in (column_keys or ())
        }
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors[name] = processor

    def parameters(self, values: Mapping[str, Any]) -> Any:
        if self.defaults:
            values = {**self.defaults, **values}
        processors = self.processors
        if self.positions is not None:
            return tuple(
                processors[name](values[name]) if name in processors else values[name]
                for name in self.positions
            )
        return {
            name: processors[name](value) if name in processors else value
            for name, value in values.items()
        }


class DriverStatement:
    """A Core statement compiled once per dialect and run with ``exec_driver_sql``.

    Args:
        statement: an INSERT, UPDATE or SELECT whose parameters are all named binds.
        column_keys: for an INSERT, the columns it sets (the rest take their defaults).
    """

    def __init__(self, statement: ClauseElement, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = tuple(column_keys) if column_keys else None
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(dialect.name)
                if compiled is None:
                    compiled = _Compiled(self.statement, dialect, self.column_keys)
                    self._compiled[dialect.name] = compiled
        return compiled

    def sql(self, dialect: Dialect) -> str:
        """Return the SQL this statement runs on ``dialect`` (for tests and EXPLAIN)."""
        return self._for(dialect).sql

    def execute(
        self, conn: Connection, values: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> list[tuple[Any, ...]]:
        """Run the statement with one set of ``values``, or with many (``executemany``).

        Returns the rows a SELECT found (raw driver values). A driver error is raised as
        SQLAlchemy's (``IntegrityError`` for a taken unique key), as ``conn.execute`` would.
        """
        dialect = conn.dialect
        compiled = self._for(dialect)
        # The transaction is begun (and on SQLite the write lock taken) as for any statement.
        if not conn.in_transaction():
            conn.begin()
        raw: Any = conn.connection.driver_connection
        cursor = raw.cursor()
        try:
            if isinstance(values, Mapping):
                cursor.execute(compiled.sql, compiled.parameters(values))
            else:
                cursor.executemany(compiled.sql, [compiled.parameters(v) for v in values])
            return list(cursor.fetchall()) if compiled.returns_rows else []
        except dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                compiled.sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            cursor.close()
