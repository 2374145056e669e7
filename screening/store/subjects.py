"""Data-subject rights: find a subject's records and carry out each right on them.

A subject is named by an email or an ``external_ref`` and found through the
keyed pseudonyms on ``decisions``; their *identity* is every pseudonym that
leads to them (the identifier given, and the email and external_ref of each of
their decisions, under every configured key). Every request is recorded in
``rights_requests`` under a pseudonym, never the raw identifier, and each
decision it touches gets a ``rights_request`` event. Erasure, rectification and
the export live in :mod:`screening.store.rights` and
:mod:`screening.store.subject_export`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from screening.core.checks.emails import check_email
from screening.core.pseudonyms import Pseudonymizer
from screening.core.vocabulary import iso
from screening.errors import ValidationFailed
from screening.store.decisions import append_event
from screening.store.models import Decision, PersonalData
from screening.store.models.rights import RightsRequest, SubjectStatus
from screening.store.reviews import one_month_after
from screening.store.velocity import VelocityStore

KINDS = ("email", "external_ref")
FLAGS = {"restriction": "restricted", "objection": "objected"}
# A note shorter than this cannot meaningfully repeat an identifier.
_MIN_MATCH = 3


@dataclass(frozen=True)
class Subject:
    """Who a request is about: the identifier's kind and its normalised value (memory only)."""

    kind: str
    value: str

    @classmethod
    def named(cls, kind: str, raw: str) -> Subject:
        """Normalise an identifier the way screening stored it."""
        if kind == "email":
            return cls(kind, str(check_email(raw).normalized))
        if kind == "external_ref":
            return cls(kind, raw.strip())
        raise ValueError(f"unknown identifier kind {kind!r}")


@dataclass
class Records:
    """A subject's decisions (oldest first), their personal data, and their identity."""

    subject: Subject
    pseudonym: str
    decisions: list[Decision]
    personal: dict[str, PersonalData]
    identity: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [d.id for d in self.decisions]


def find(session: Session, pseudonyms: Pseudonymizer, subject: Subject) -> Records:
    """Return the decisions the identifier leads to (still holding data), and the identity."""
    candidates = pseudonyms.candidates(subject.kind, subject.value)
    column = Decision.email_hmac if subject.kind == "email" else Decision.external_ref_hmac
    decisions = list(
        session.scalars(
            select(Decision).where(column.in_(candidates)).order_by(Decision.created_at)
        )
    )
    personal = {
        p.decision_id: p
        for p in session.scalars(
            select(PersonalData).where(PersonalData.decision_id.in_([d.id for d in decisions]))
        )
    }
    identity = {c: subject.kind for c in candidates}
    for row in personal.values():
        for kind in KINDS:
            value = getattr(row, kind)
            if value:
                identity.update((c, kind) for c in pseudonyms.candidates(kind, value))
    return Records(
        subject=subject,
        pseudonym=pseudonyms.make(subject.kind, subject.value),
        decisions=decisions,
        personal=personal,
        identity=identity,
    )


def statuses(session: Session, identity: Iterable[str]) -> list[SubjectStatus]:
    keys = list(identity)
    if not keys:
        return []
    return list(session.scalars(select(SubjectStatus).where(SubjectStatus.pseudonym.in_(keys))))


def is_restricted(session: Session, pseudonyms: Sequence[str]) -> bool:
    """Tell whether any of these pseudonyms belongs to a restricted or objecting subject."""
    if not pseudonyms:
        return False
    flagged = or_(SubjectStatus.restricted.is_(True), SubjectStatus.objected.is_(True))
    stmt = (
        select(SubjectStatus.pseudonym)
        .where(SubjectStatus.pseudonym.in_(list(pseudonyms)), flagged)
        .limit(1)
    )
    return session.scalar(stmt) is not None


def training_exclusions(session: Session) -> set[str]:
    """Return the ids of decisions that backtests and model training must leave out.

    Those are the decisions of subjects who restricted processing (Art. 18) or
    objected to it (Art. 21), for as long as the flag stands.
    """
    flagged = select(SubjectStatus.pseudonym).where(
        or_(SubjectStatus.restricted.is_(True), SubjectStatus.objected.is_(True))
    )
    stmt = select(Decision.id).where(
        or_(Decision.email_hmac.in_(flagged), Decision.external_ref_hmac.in_(flagged))
    )
    return set(session.scalars(stmt))


def check_note(note: str | None, records: Records) -> None:
    """Refuse an operator note that repeats the subject's identifier or stored data.

    The note outlives an erasure, so it must describe how identity was checked
    without quoting what was checked.

    Raises:
        ValidationFailed: naming ``operator_note``, never the value it matched.
    """
    if not note:
        return
    values: list[Any] = [records.subject.value]
    for row in records.personal.values():
        values += [row.first_name, row.last_name, row.email, row.phone, row.external_ref]
        values += list((row.address or {}).values())
    text = note.casefold()
    if any(isinstance(v, str) and len(v) >= _MIN_MATCH and v.casefold() in text for v in values):
        raise ValidationFailed(
            "operator_note repeats the subject's personal data; say how identity was "
            "checked without quoting it.",
            fields=[{"field": "operator_note", "problem": "contains the subject's data"}],
        )


def new_request(
    records: Records,
    right: str,
    *,
    received_at: datetime | None,
    note: str | None,
    actor: str,
    now: datetime,
) -> RightsRequest:
    """Return an (unsaved) request record; the caller fills in outcome and actions."""
    received = received_at or now
    return RightsRequest(
        id=f"rq_{secrets.token_hex(10)}",
        right=right,
        subject_kind=records.subject.kind,
        subject_hmac=records.pseudonym,
        received_at=received,
        due_by=one_month_after(received.astimezone(UTC).date()),
        operator_note=note or None,
        actor=actor,
        outcome="completed" if records.decisions else "no_data",
        reason=None,
        actions={},
        completed_at=now,
    )


def mark_decisions(
    session: Session, records: Records, request: RightsRequest, *, now: datetime, **extra: Any
) -> None:
    """Append a ``rights_request`` event to each of the subject's decisions."""
    for decision in records.decisions:
        data = {"right": request.right, "request_id": request.id, **extra}
        append_event(session, decision.id, "rights_request", data, actor=request.actor, at=now)


def save(session: Session, request: RightsRequest) -> RightsRequest:
    session.add(request)
    session.flush()
    return request


def set_account_status(
    session: Session,
    pseudonyms: Pseudonymizer,
    records: Records,
    request: RightsRequest,
    *,
    active: bool,
    now: datetime,
) -> RightsRequest:
    """Store whether the host says this identifier's account has active services."""
    keys = pseudonyms.candidates(records.subject.kind, records.subject.value)
    _upsert(session, {k: records.subject.kind for k in keys}, now, active_services=active)
    request.outcome = "completed"
    request.actions = {"identifiers": len(keys), "active_services": active}
    return save(session, request)


def set_flag(
    session: Session,
    velocity: VelocityStore,
    records: Records,
    request: RightsRequest,
    *,
    lift: bool,
    now: datetime,
) -> RightsRequest:
    """Restrict (Art. 18) or object (Art. 21), or lift it; recorded on every decision.

    While flagged, the subject's signups are kept out of velocity counts (their
    existing counter entries are removed now; lifting does not bring them back),
    and their decisions out of backtests and training.
    """
    column = FLAGS[request.right]
    _upsert(session, records.identity, now, **{column: not lift})
    forgotten = 0
    if not lift and records.decisions:
        velocity.forget(session, records.ids)
        forgotten = len(records.ids)
    request.outcome = "completed"
    request.actions = {
        "decisions": len(records.decisions),
        "identifiers": len(records.identity),
        "lifted": lift,
        "velocity_forgotten": forgotten,
    }
    mark_decisions(session, records, request, now=now, status="lifted" if lift else "applied")
    return save(session, request)


def _upsert(session: Session, identity: Mapping[str, str], now: datetime, **values: Any) -> None:
    existing = {row.pseudonym: row for row in statuses(session, identity)}
    for pseudonym, kind in identity.items():
        row = existing.get(pseudonym)
        if row is None:
            row = SubjectStatus(
                pseudonym=pseudonym, kind=kind, restricted=False, objected=False, updated_at=now
            )
            session.add(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = now
    session.flush()


def carry_status(
    session: Session, old: Sequence[SubjectStatus], new: Mapping[str, str], *, now: datetime
) -> None:
    """Copy a subject's flags onto pseudonyms they gained (after an identifier was corrected)."""
    if not old:
        return
    restricted = any(r.restricted for r in old)
    objected = any(r.objected for r in old)
    known = [r.active_services for r in old if r.active_services is not None]
    values: dict[str, Any] = {"restricted": restricted, "objected": objected}
    if known:
        values["active_services"] = any(known)
    missing = {k: v for k, v in new.items() if k not in {r.pseudonym for r in old}}
    if missing:
        _upsert(session, missing, now, **values)


def request_view(row: RightsRequest) -> dict[str, Any]:
    """Return a request as the API and the export show it."""
    return {
        "request_id": row.id,
        "right": row.right,
        "received_at": iso(row.received_at),
        "due_by": row.due_by.isoformat(),
        "completed_at": iso(row.completed_at),
        "outcome": row.outcome,
        "reason": row.reason,
        "actions": row.actions,
        "operator_note": row.operator_note,
        "actor": row.actor,
    }


def requests_of(session: Session, identity: Iterable[str]) -> list[RightsRequest]:
    keys = list(identity)
    stmt = (
        select(RightsRequest)
        .where(RightsRequest.subject_hmac.in_(keys))
        .order_by(RightsRequest.received_at, RightsRequest.id)
    )
    return list(session.scalars(stmt)) if keys else []


def register(
    session: Session,
    *,
    right: str | None,
    limit: int,
    before: tuple[datetime, str] | None = None,
) -> list[RightsRequest]:
    """Return recorded requests, newest first (keyset pagination on (received_at, id))."""
    stmt = select(RightsRequest)
    if right:
        stmt = stmt.where(RightsRequest.right == right)
    if before is not None:
        at, rid = before
        stmt = stmt.where(
            (RightsRequest.received_at < at)
            | ((RightsRequest.received_at == at) & (RightsRequest.id < rid))
        )
    stmt = stmt.order_by(RightsRequest.received_at.desc(), RightsRequest.id.desc()).limit(limit)
    return list(session.scalars(stmt))
