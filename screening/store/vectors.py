"""Signal vectors: each decision's signal values in one fixed order (what backtests read).

A decision stores its signal values twice: the signal document (``signals``, sealed
by the record hash) and, derived from it, a JSON array in the order of the catalogue
when it was screened (``signal_values``, with that order's digest in
``signal_layout``). The orders are kept in ``signal_layouts``, so vectors written
before a signal was added or removed are still read by name.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from screening.core.signals import LAYOUT, LAYOUT_DIGEST
from screening.store.models import SignalLayout
from screening.store.sql import DriverStatement

_LAYOUTS = cast(Table, SignalLayout.__table__)
# The decoder's scanner alone (C): vectors are compact JSON, with no whitespace around
# them for ``decode`` to skip. A vector it cannot read is read by ``json.loads``.
_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
_ENSURE = {
    "postgresql": DriverStatement(pg_insert(_LAYOUTS).on_conflict_do_nothing()),
    "sqlite": DriverStatement(sqlite_insert(_LAYOUTS).on_conflict_do_nothing()),
}
# Engines whose database holds this process's layout (checked once per engine).
_ENSURED: weakref.WeakSet[Engine] = weakref.WeakSet()


def ensure_layout(conn: Connection) -> None:
    """Make sure the current catalogue's order is in ``signal_layouts`` (once per engine).

    Runs in ``conn``'s transaction. Should that transaction roll back, decisions with
    this layout are still read: an unknown layout is read from the signal document.
    """
    if conn.engine in _ENSURED:
        return
    _ENSURE[conn.dialect.name].execute(
        conn, {"digest": LAYOUT_DIGEST, "names": list(LAYOUT), "created_at": datetime.now(UTC)}
    )
    _ENSURED.add(conn.engine)


def layouts(session: Session) -> dict[str, list[str]]:
    """Return every stored order of signal names, by digest."""
    rows = session.execute(select(SignalLayout.digest, SignalLayout.names))
    return {digest: list(names) for digest, names in rows}


class Projector:
    """Picks the values of ``inputs`` out of stored vectors, whatever their layout."""

    def __init__(self, inputs: Sequence[str], known: Mapping[str, Sequence[str]]) -> None:
        self.inputs = tuple(inputs)
        # layout -> (how many values its vectors hold, a picker of the inputs' values)
        self._picks: dict[str, tuple[int, Callable[[list[Any]], Any]]] = {}
        for digest, names in known.items():
            position = {name: i for i, name in enumerate(names)}
            # An input the layout lacks reads the null appended after the vector's values.
            picks = [position.get(name, -1) for name in self.inputs]
            self._picks[digest] = (len(names), itemgetter(*picks) if picks else _nothing)

    def values(self, layout: str | None, vector: str | None, signals: Any) -> list[Any]:
        """Return the decision's values of ``inputs`` (None where it recorded none).

        Args:
            layout, vector: the decision's ``signal_layout`` and ``signal_values``.
            signals: its signal document (a dict, or JSON text), read only when the
                vector is missing or its layout unknown.
        """
        found = self._picks.get(layout) if layout is not None else None
        if found is None or vector is None:
            if isinstance(signals, str):
                signals = json.loads(signals)
            signals = signals or {}
            return [signals.get(name) for name in self.inputs]
        size, pick = found
        try:
            stored = _scan(vector, 0)[0]
        except StopIteration:
            stored = json.loads(vector)
        if type(stored) is not list:
            stored = []
        if len(stored) < size:  # never written so; read what is missing as not recorded
            stored.extend([None] * (size - len(stored)))
        stored.append(None)
        picked = pick(stored)
        return list(picked) if len(self.inputs) != 1 else [picked]


def _nothing(_values: list[Any]) -> tuple[()]:
    return ()
