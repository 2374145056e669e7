"""What a screening reads about a signup's identifiers: one query for all of it.

A signup's keyed pseudonyms are matched against the subjects who restricted or
objected to processing and against the allow and block lists, in one ``UNION ALL``
round trip instead of one query each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, literal_column, or_, select, union_all
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from screening.core.checks import SignalValue
from screening.core.identifiers import Pseudonym
from screening.core.lists import no_matches, signal_name
from screening.store.lists import active
from screening.store.models import UTCDateTime
from screening.store.models.lists import ListEntry
from screening.store.models.rights import SubjectStatus
from screening.store.sql import DriverStatement, in_keys

_SUBJECT = "subject"
# Built once (constructing a statement costs more than running it on SQLite).
_SUBJECT_ROWS: Select[str, str, str] = select(
    literal_column(f"'{_SUBJECT}'").label("list_name"),
    literal_column(f"'{_SUBJECT}'").label("kind"),
    SubjectStatus.pseudonym.label("key"),
).where(
    in_keys(SubjectStatus.pseudonym, "subject"),
    or_(SubjectStatus.restricted.is_(True), SubjectStatus.objected.is_(True)),
)
_LIST_ROWS = select(ListEntry.list_name, ListEntry.kind, ListEntry.key).where(
    in_keys(ListEntry.key, "keys"), active(bindparam("now", type_=UTCDateTime()))
)
_SUBJECT_ONLY = DriverStatement(_SUBJECT_ROWS)
_LISTS_ONLY = DriverStatement(_LIST_ROWS)
_BOTH = DriverStatement(union_all(_SUBJECT_ROWS, _LIST_ROWS))


def signup_lookups(
    conn: Connection,
    subject: Sequence[str],
    listed: Mapping[str, Sequence[Pseudonym]],
    *,
    now: datetime,
) -> tuple[bool, dict[str, SignalValue]]:
    """Return whether the signup's subject is restricted (or objected), and its ``list.*`` signals.

    Args:
        subject: every pseudonym the subject's restriction or objection may be under.
        listed: by list kind, the keys of the signup's values (``Identifiers.listed``).
        now: the time of the screening (expired list entries do not match).
    """
    signals = no_matches()
    wanted = {(kind, key) for kind, keys in listed.items() for k in keys for key in k.every}
    keys = sorted({key for _kind, key in wanted})
    statement: DriverStatement
    params: dict[str, Any]
    if subject and keys:
        statement, params = _BOTH, {"subject": list(subject), "keys": keys, "now": now}
    elif subject:
        statement, params = _SUBJECT_ONLY, {"subject": list(subject)}
    elif keys:
        statement, params = _LISTS_ONLY, {"keys": keys, "now": now}
    else:
        return False, signals
    restricted = False
    for list_name, kind, key in statement.execute(conn, params):
        if list_name == _SUBJECT and kind == _SUBJECT:
            restricted = True
        elif (kind, key) in wanted:
            signals[signal_name(list_name, kind)] = True
            signals["list.blocked" if list_name == "block" else "list.allowed"] = True
    return restricted, signals


def list_signals(
    session: Session,
    listed: Mapping[str, Sequence[Pseudonym]],
    *,
    now: datetime | None = None,
) -> dict[str, SignalValue]:
    """Return only the ``list.*`` signals of a signup (simulations and dry runs read lists,
    never restrictions or velocity)."""
    return signup_lookups(session.connection(), (), listed, now=now or datetime.now(UTC))[1]
