"""Erasure (GDPR Art. 17) and rectification (Art. 16): the use cases, over the store.

Erasure reuses retention's :func:`~screening.store.retention.scrub` on every
decision, then removes what scrubbing does not reach (velocity counters, block
and allow list entries made from the subject's data, their status flags). The
decisions keep their non-identifying record and hash chain, so ``screening
audit verify`` still passes. Callers compact the database after the commit
(:meth:`screening.store.db.Database.compact`) so no deleted bytes linger.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from screening.core.lists import screening_values
from screening.core.pipeline import run_checks
from screening.core.policy import Policy
from screening.core.pseudonyms import Pseudonymizer
from screening.errors import ValidationFailed
from screening.store import lists
from screening.store.decisions import append_event
from screening.store.models import PersonalData, ReviewRequest
from screening.store.models.rights import RightsRequest, SubjectStatus
from screening.store.retention import scrub
from screening.store.reviews import OPEN
from screening.store.subjects import (
    KINDS,
    Records,
    carry_status,
    mark_decisions,
    save,
    statuses,
)
from screening.store.velocity import VelocityStore

REFUSALS = {
    "active_services": (
        "The account has active services; the policy allows erasure only while none exist."
    ),
    "account_status_unknown": (
        "The host system has not said whether the account has active services; set it with "
        "PUT /v1/subjects/account-status (active_services: false) first."
    ),
}
# Address parts a screening always has; a correction may change them, not remove them.
_REQUIRED_ADDRESS = frozenset({"line1", "city", "country"})
_MAX_VALUE = 320
# List kinds made from a subject's own data (an email domain is shared, not theirs).
ERASED_LIST_KINDS = frozenset({"email", "phone", "address"})


def refusal(records: Records, rows: list[SubjectStatus]) -> str | None:
    """Return why erasure must be refused (a key of ``REFUSALS``), or None."""
    if not records.decisions:
        return None
    known = [r.active_services for r in rows if r.active_services is not None]
    if any(known):
        return "active_services"
    if not known:
        return "account_status_unknown"
    return None


def erase(
    session: Session,
    pseudonyms: Pseudonymizer,
    velocity: VelocityStore,
    records: Records,
    request: RightsRequest,
    *,
    now: datetime,
) -> RightsRequest:
    """Erase the subject's personal data, or record why not (``request.outcome == "refused"``).

    Open review requests are withdrawn (the subject's statement goes with the
    data); the request record keeps only the pseudonym of the identifier used.
    """
    rows = statuses(session, records.identity)
    refused = refusal(records, rows)
    if refused is not None:
        request.outcome = "refused"
        request.reason = refused
        request.actions = {"decisions": 0}
        mark_decisions(session, records, request, now=now, status="refused")
        return save(session, request)
    ids = records.ids
    mark_decisions(session, records, request, now=now)
    listed = _erase_list_entries(session, pseudonyms, records, actor=request.actor, now=now)
    withdrawn = _withdraw_reviews(session, ids, actor=request.actor, now=now)
    for decision in records.decisions:
        scrub(session, decision, reason="erasure", at=now, actor=request.actor)
    if ids:
        velocity.forget(session, ids)
    if records.identity:
        session.execute(
            delete(SubjectStatus).where(SubjectStatus.pseudonym.in_(list(records.identity)))
        )
    request.actions = {
        "decisions": len(ids),
        "reviews_withdrawn": withdrawn,
        "velocity_forgotten": len(ids),
        "list_entries": listed,
        "status_records": len(rows),
    }
    return save(session, request)


def _withdraw_reviews(session: Session, ids: list[str], *, actor: str, now: datetime) -> int:
    if not ids:
        return 0
    open_requests = list(
        session.scalars(
            select(ReviewRequest).where(
                ReviewRequest.decision_id.in_(ids), ReviewRequest.status.in_(OPEN)
            )
        )
    )
    for item in open_requests:
        item.status = "resolved"
        item.resolved_at = now
        item.resolved_by = actor
        append_event(
            session,
            item.decision_id,
            "review_withdrawn",
            {"review_request_id": item.id, "reason": "erasure"},
            actor=actor,
            at=now,
        )
    return len(open_requests)


def _erase_list_entries(
    session: Session, pseudonyms: Pseudonymizer, records: Records, *, actor: str, now: datetime
) -> int:
    """Remove block/allow entries made from the subject's email, phone or address.

    Email-domain entries stay: a domain is shared, not the subject's. Each
    removal is logged in ``list_changes`` (without the value), like any other.
    """
    removed: set[int] = set()
    for row in records.personal.values():
        fields = {"email": row.email, "phone": row.phone, "address": row.address}
        for kind, values in screening_values(fields).items():
            if kind not in ERASED_LIST_KINDS:
                continue
            for value in values:
                for entry in lists.find(session, pseudonyms, kind, value):
                    if entry.id not in removed:
                        removed.add(entry.id)
                        lists.remove(session, entry.id, actor=actor, now=now)
    return len(removed)


def check_corrections(policy: Policy, corrections: Mapping[str, Any]) -> dict[str, Any]:
    """Return the corrections if every one names a stored field (address by subfield).

    Raises:
        ValidationFailed: naming ``corrections.<field>`` and the problem.
    """
    problems: list[dict[str, str]] = []
    if not corrections:
        problems.append({"field": "corrections", "problem": "name at least one field to correct"})
    stored = set(policy.stored_fields)
    for name, value in corrections.items():
        where = f"corrections.{name}"
        spec = policy.fields.get(name)
        if name not in stored or spec is None:
            problems.append({"field": where, "problem": "not a field we keep"})
        elif spec.subfields:
            if not isinstance(value, Mapping) or not value:
                problems.append({"field": where, "problem": "give the parts to correct"})
                continue
            for sub, sub_value in value.items():
                if sub not in spec.subfields:
                    problems.append({"field": f"{where}.{sub}", "problem": "not a part we keep"})
                elif sub_value is None and sub in _REQUIRED_ADDRESS:
                    problems.append({"field": f"{where}.{sub}", "problem": "cannot be removed"})
                elif sub_value is not None and not _short_text(sub_value):
                    problems.append({"field": f"{where}.{sub}", "problem": "must be short text"})
        elif not _short_text(value):
            problems.append({"field": where, "problem": "must be non-empty short text"})
    if problems:
        names = ", ".join(p["field"] for p in problems)
        raise ValidationFailed(f"Invalid corrections: {names}.", fields=problems)
    return dict(corrections)


def _short_text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value.strip()) <= _MAX_VALUE


def rectify(
    session: Session,
    pseudonyms: Pseudonymizer,
    policy: Policy,
    records: Records,
    request: RightsRequest,
    corrections: Mapping[str, Any],
    *,
    now: datetime,
) -> RightsRequest:
    """Correct stored fields on each of the subject's decisions, normalised as screening does.

    The decision (outcome, signals) stays as it was decided; only the stored
    fields change. Each decision gets a ``rectified`` event naming the fields,
    never their old or new values. A corrected email or external_ref gets new
    pseudonyms, and the subject's flags and request history follow them.
    """
    changes = check_corrections(policy, corrections)
    names = sorted(
        f"{name}.{sub}" if isinstance(value, Mapping) else name
        for name, value in changes.items()
        for sub in (value if isinstance(value, Mapping) else [None])
    )
    old_status = statuses(session, records.identity)
    corrected = 0
    for decision in records.decisions:
        row = records.personal.get(decision.id)
        if row is None:
            continue
        _apply(row, changes, policy, now)
        if "email" in changes:
            decision.email_hmac = pseudonyms.make("email", row.email) if row.email else None
        if "external_ref" in changes:
            ref = row.external_ref
            decision.external_ref_hmac = pseudonyms.make("external_ref", ref) if ref else None
        append_event(
            session,
            decision.id,
            "rectified",
            {"fields": names, "request_id": request.id},
            actor=request.actor,
            at=now,
        )
        corrected += 1
    request.outcome = "completed" if corrected else "no_data"
    request.actions = {"decisions": corrected, "fields": names}
    save(session, request)
    if corrected:
        _follow_identity(session, pseudonyms, records, old_status, changes, now=now)
    return request


def _apply(row: PersonalData, changes: Mapping[str, Any], policy: Policy, now: datetime) -> None:
    current: dict[str, Any] = {
        name: getattr(row, name) for name in policy.stored_fields if getattr(row, name, None)
    }
    for name, value in changes.items():
        if isinstance(value, Mapping):
            address = dict(current.get(name) or {})
            for sub, sub_value in value.items():
                if sub_value is None:
                    address.pop(sub, None)
                else:
                    address[sub] = sub_value
            current[name] = address
        else:
            current[name] = value
    normalized = run_checks(current, {}, policy=policy, today=now.date()).normalized.as_dict()
    for name in changes:
        setattr(row, name, normalized.get(name))


def _follow_identity(
    session: Session,
    pseudonyms: Pseudonymizer,
    records: Records,
    old_status: list[SubjectStatus],
    changes: Mapping[str, Any],
    *,
    now: datetime,
) -> None:
    gained: dict[str, str] = {}
    for row in records.personal.values():
        for kind in KINDS:
            value = getattr(row, kind)
            if kind in changes and value:
                gained.update((c, kind) for c in pseudonyms.candidates(kind, value))
    carry_status(session, old_status, gained, now=now)
    subject = records.subject
    if subject.kind in changes:
        # The request history follows the corrected identifier, so an export by it finds them.
        new_values = {getattr(r, subject.kind) for r in records.personal.values()} - {None}
        if len(new_values) == 1:
            new = pseudonyms.make(subject.kind, str(new_values.pop()))
            old = pseudonyms.candidates(subject.kind, subject.value)
            session.execute(
                update(RightsRequest)
                .where(RightsRequest.subject_hmac.in_(old))
                .values(subject_hmac=new)
            )
