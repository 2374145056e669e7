"""The DPO's console pages: the rights-request register with due dates, and the breach
register with its 72-hour countdown, notifications and queued customer notices."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from screening.errors import ValidationFailed
from screening.service.review_queue import person_name, user_ids
from screening.store import breach_notices as notices
from screening.store import breaches as breach_store
from screening.store import subjects as subject_store
from screening.store import users as user_store


def rights_requests(
    runtime: Any, *, right: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """Return rights requests, newest first, with days left to their due date."""
    today = datetime.now(UTC).date()
    with runtime.db.session() as session:
        rows = subject_store.register(session, right=right, limit=limit)
        people = user_store.names(session, user_ids([r.actor for r in rows]))
        out = []
        for row in rows:
            item = subject_store.request_view(row)
            item["actor"] = person_name(row.actor, people)
            item["days_left"] = (row.due_by - today).days
            item["open"] = row.completed_at is None
            out.append(item)
        return out


def _countdown(breach: Any, now: datetime) -> dict[str, Any]:
    left = (breach.notify_authority_by - now).total_seconds() / 3600
    return {
        "hours_left": round(left, 1),
        "overdue": breach.authority_notified_at is None and left < 0,
    }


def breaches(runtime: Any, *, limit: int = 100) -> list[dict[str, Any]]:
    """Return the breach register, newest detection first, with each 72-hour countdown."""
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        out = []
        for breach in breach_store.listing(session, overdue_at=None, limit=limit):
            out.append(
                {
                    **breach_store.view(breach, now),
                    **_countdown(breach, now),
                    "customers_notified_at": breach.customers_notified_at,
                    "notices": notices.counts(session, breach.id),
                }
            )
        return out


def breach(runtime: Any, breach_id: str) -> dict[str, Any]:
    """Return one breach with its countdown, notifications and notice counts.

    Raises:
        NotFound: no breach has this id.
    """
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        row = breach_store.get(session, breach_id)
        people = user_store.names(
            session, user_ids([row.recorded_by, row.notified_by, row.customers_notified_by])
        )
        return {
            **breach_store.view(row, now),
            **_countdown(row, now),
            "recorded_by": person_name(row.recorded_by, people),
            "notified_by": person_name(row.notified_by, people),
            "customers_notified_at": row.customers_notified_at,
            "customers_notified_by": person_name(row.customers_notified_by, people),
            "notices": notices.counts(session, breach_id),
            "last_notice_sent_at": notices.last_sent(session, breach_id),
        }


def _at(value: datetime | None) -> datetime:
    now = datetime.now(UTC)
    if value is None:
        return now
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    if value > now:
        raise ValidationFailed("A notification cannot be recorded in the future.")
    return value


def record_authority_notified(
    runtime: Any, person: Any, breach_id: str, at: datetime | None
) -> None:
    """Record when the authority was notified, as ``person``."""
    with runtime.db.session() as session:
        breach_store.mark_notified(session, breach_id, at=_at(at), actor=person.actor)


def record_customers_notified(
    runtime: Any, person: Any, breach_id: str, at: datetime | None
) -> None:
    """Record when the customers concerned were told, as ``person``."""
    with runtime.db.session() as session:
        notices.mark_customers_notified(session, breach_id, at=_at(at), actor=person.actor)


def move_notices(runtime: Any, breach_id: str, action: str) -> int:
    """Hold, release or cancel a breach's customer notices that have not gone yet."""
    with runtime.db.session() as session:
        return notices.move(session, breach_id, action)
