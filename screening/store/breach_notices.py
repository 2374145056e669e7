"""Customer notices queued for a breach: count them, hold, release or cancel them before
they go, and record when the customers were told.

A breach's notices are the outbox's ``breach_notice`` messages whose body carries the
breach's reference (``Reference: br_...``, a random id). The outbox sender delivers
only ``pending`` messages: a ``held`` one waits, a ``cancelled`` one never goes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from screening.errors import Conflict
from screening.store.breaches import get
from screening.store.models import OutboxMessage
from screening.store.models.rights import Breach

STATUSES = ("pending", "held", "sending", "sent", "cancelled")
# (from, to) changes a DPO may make to a breach's notices that have not gone yet.
MOVES = {
    "hold": ("pending", "held"),
    "release": ("held", "pending"),
    "cancel": ("held", "cancelled"),
}


def _of(breach_id: str) -> ColumnElement[bool]:
    return and_(
        OutboxMessage.kind == "breach_notice",
        OutboxMessage.body.contains(f"Reference: {breach_id}."),
    )


def counts(session: Session, breach_id: str) -> dict[str, int]:
    stmt = (
        select(OutboxMessage.status, func.count())
        .where(_of(breach_id))
        .group_by(OutboxMessage.status)
    )
    found = {status: int(n) for status, n in session.execute(stmt)}
    return {status: found.get(status, 0) for status in STATUSES}


def last_sent(session: Session, breach_id: str) -> datetime | None:
    latest: datetime | None = session.scalar(
        select(func.max(OutboxMessage.sent_at)).where(_of(breach_id))
    )
    return latest


def move(session: Session, breach_id: str, action: str) -> int:
    """Hold, release or cancel a breach's notices that have not gone; return how many.

    Raises:
        NotFound: no breach has this id.
        Conflict: the action is unknown.
    """
    get(session, breach_id)
    if action not in MOVES:
        raise Conflict("Notices can be held, released or cancelled.")
    source, target = MOVES[action]
    condition = and_(_of(breach_id), OutboxMessage.status == source)
    if action == "release":
        # A notice whose recipient erasure or retention removed while held never goes.
        condition = and_(condition, OutboxMessage.recipient.is_not(None))
    result = session.execute(
        update(OutboxMessage)
        .where(condition)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_customers_notified(
    session: Session, breach_id: str, *, at: datetime, actor: str
) -> Breach:
    """Record when the customers concerned were told (once).

    Raises:
        NotFound: no breach has this id.
        Conflict: it is already recorded.
    """
    breach = get(session, breach_id)
    if breach.customers_notified_at is not None:
        raise Conflict("When the customers were notified is already recorded for this breach.")
    breach.customers_notified_at = at
    breach.customers_notified_by = actor[:100]
    return breach
