"""Retention: scrub the personal data of decisions past the policy's retention period.

A scrubbed decision keeps its non-identifying record (signals, outcome, score,
reasons, versions) for backtests and training, loses every raw field and every
pseudonym that could link it back to the person, and says so (``scrubbed_at``
and a ``scrubbed`` event). A decision with an open review case (a held signup
or a contest) keeps its data until the case is resolved. Running it twice does
nothing the second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from screening.core.velocity import MAX_WINDOW
from screening.store.decisions import append_event
from screening.store.locks import job_lock
from screening.store.models import (
    ContestToken,
    Decision,
    OutboxMessage,
    PersonalData,
    RateLimitCounter,
    ReviewRequest,
    VelocityEvent,
)
from screening.store.reviews import OPEN

# Rate-limit windows are minute numbers (``int(unix time // 60)``); two are live at most.
RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class RetentionReport:
    due: int
    scrubbed: int
    held_for_review: int
    by_outcome: dict[str, int]


def open_review_decisions(session: Session, decision_ids: list[str]) -> set[str]:
    """Return the ids among ``decision_ids`` with an open review case (held or contested)."""
    if not decision_ids:
        return set()
    rows = session.scalars(
        select(ReviewRequest.decision_id).where(
            ReviewRequest.decision_id.in_(decision_ids), ReviewRequest.status.in_(OPEN)
        )
    )
    return set(rows)


def scrub(session: Session, decision: Decision, *, reason: str, at: datetime, actor: str) -> None:
    """Remove a decision's personal data and linking pseudonyms; record that it happened.

    That is its minimised fields, the customer's statements and corrections and
    the analysts' notes on its reviews, the recipient of its notices, its contest
    tokens and the names of the fields dropped from its request.
    """
    session.execute(delete(PersonalData).where(PersonalData.decision_id == decision.id))
    session.execute(
        update(ReviewRequest)
        .where(ReviewRequest.decision_id == decision.id)
        .values(statement=None, corrections=None, resolution_note=None)
    )
    notices = OutboxMessage.decision_id == decision.id
    session.execute(
        update(OutboxMessage)
        .where(notices, OutboxMessage.status.in_(("pending", "sending")))
        .values(status="void")
    )
    session.execute(update(OutboxMessage).where(notices).values(recipient=None))
    decision.email_hmac = None
    decision.external_ref_hmac = None
    decision.request_hmac = None
    # Contest tokens live as long as the decision's data.
    session.execute(delete(ContestToken).where(ContestToken.decision_id == decision.id))
    # Names of dropped fields can carry personal data in the key ("jan@x.be": ...).
    decision.discarded_fields = []
    decision.scrubbed_at = at
    append_event(session, decision.id, "scrubbed", {"reason": reason}, actor=actor, at=at)


def run_retention(
    session: Session,
    retention_days: Mapping[str, int],
    *,
    now: datetime,
    dry_run: bool = False,
    batch: int = 500,
) -> RetentionReport:
    """Scrub every decision past its retention (or, with ``dry_run``, count them).

    Runs under the retention job lock (held until the caller commits): a second run
    started meanwhile, on this node or another, waits and then finds nothing to do.
    """
    if not dry_run:
        job_lock(session, "retention")
    due = held = scrubbed = 0
    by_outcome: dict[str, int] = {}
    for outcome, days in retention_days.items():
        cutoff = now - timedelta(days=days)
        stmt = (
            select(Decision)
            .where(
                Decision.outcome == outcome,
                Decision.scrubbed_at.is_(None),
                Decision.created_at < cutoff,
            )
            .order_by(Decision.created_at)
        )
        rows = list(session.scalars(stmt))
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            open_ids = open_review_decisions(session, [d.id for d in chunk])
            for decision in chunk:
                due += 1
                if decision.id in open_ids:
                    held += 1
                    continue
                by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
                scrubbed += 1
                if not dry_run:
                    scrub(session, decision, reason="retention", at=now, actor="retention")
            if not dry_run:
                session.flush()
    return RetentionReport(due=due, scrubbed=scrubbed, held_for_review=held, by_outcome=by_outcome)


@dataclass(frozen=True)
class Pruned:
    velocity_events: int
    rate_limit_counters: int


def prune_counters(session: Session, *, now: datetime, dry_run: bool = False) -> Pruned:
    """Delete velocity events older than the longest window and finished rate-limit windows.

    Neither is read past its window, so nothing anyone counts changes. (In Redis
    both expire by themselves.)
    """
    old_events = VelocityEvent.at <= now - timedelta(seconds=MAX_WINDOW)
    current_window = int(now.timestamp() // RATE_WINDOW_SECONDS)
    old_windows = RateLimitCounter.window < current_window - 1
    if dry_run:
        return Pruned(
            int(session.scalar(select(func.count()).where(old_events)) or 0),
            int(session.scalar(select(func.count()).where(old_windows)) or 0),
        )
    events = session.execute(delete(VelocityEvent).where(old_events))
    windows = session.execute(delete(RateLimitCounter).where(old_windows))
    return Pruned(
        int(getattr(events, "rowcount", 0) or 0), int(getattr(windows, "rowcount", 0) or 0)
    )
