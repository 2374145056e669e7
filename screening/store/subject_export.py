"""The access and portability export: one JSON document about one subject.

Its schema is documented in docs/export-schema.md (``schema`` names the
version). It holds everything stored about the subject and nothing about
anyone else: only rows reached from their own decisions and pseudonyms.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from screening.core.policy import Policy
from screening.core.vocabulary import iso
from screening.store.models import (
    Decision,
    DecisionEvent,
    OutboxMessage,
    ReviewRequest,
)
from screening.store.models.rights import RightsRequest
from screening.store.subjects import Records, request_view, requests_of, statuses

SCHEMA = "screening.subject-export/1"
_PERSONAL = ("first_name", "last_name", "email", "phone", "address", "external_ref", "language")


def build(
    session: Session, policy: Policy, records: Records, request: RightsRequest, *, now: datetime
) -> dict[str, Any]:
    """Return the export document for ``records`` (``request`` is this export's own record)."""
    ids = records.ids
    events: dict[str, list[DecisionEvent]] = defaultdict(list)
    reviews: dict[str, list[ReviewRequest]] = defaultdict(list)
    notices: dict[str, list[OutboxMessage]] = defaultdict(list)
    if ids:
        for event in session.scalars(
            select(DecisionEvent)
            .where(DecisionEvent.decision_id.in_(ids))
            .order_by(DecisionEvent.decision_id, DecisionEvent.seq)
        ):
            events[event.decision_id].append(event)
        for review in session.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.decision_id.in_(ids))
            .order_by(ReviewRequest.received_at)
        ):
            reviews[review.decision_id].append(review)
        for notice in session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.decision_id.in_(ids))
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        ):
            if notice.decision_id:
                notices[notice.decision_id].append(notice)
    rows = statuses(session, records.identity)
    known = [r.active_services for r in rows if r.active_services is not None]
    return {
        "schema": SCHEMA,
        "generated_at": iso(now),
        "request_id": request.id,
        "controller": _controller(policy),
        "policy_version": policy.version,
        "processing": _processing(policy),
        "subject": {
            "identified_by": records.subject.kind,
            "active_services": any(known) if known else None,
            "restricted": any(r.restricted for r in rows),
            "objected": any(r.objected for r in rows),
        },
        "decisions": [
            _decision(
                d,
                records.personal.get(d.id),
                events[d.id],
                reviews[d.id],
                notices[d.id],
            )
            for d in records.decisions
        ],
        "rights_requests": [request_view(r) for r in requests_of(session, records.identity)],
    }


def _decision(
    row: Decision,
    personal: Any,
    events: list[DecisionEvent],
    reviews: list[ReviewRequest],
    notices: list[OutboxMessage],
) -> dict[str, Any]:
    outcome = row.outcome
    for event in events:
        if event.kind == "review_resolved" and event.data.get("outcome"):
            outcome = str(event.data["outcome"])
    stored = None
    if personal is not None:
        stored = {n: getattr(personal, n) for n in _PERSONAL if getattr(personal, n) is not None}
    return {
        "decision_id": row.id,
        "created_at": iso(row.created_at),
        "outcome": outcome,
        "automated_outcome": row.outcome,
        "automated": True,
        "score": row.score,
        "risk_total": row.risk_total,
        "reasons": row.reasons,
        "explanation": {
            "rules_hit": row.hits,
            "shadow_rules_hit": row.shadow_hits,
            "shadow_outcome": row.shadow_outcome,
            "model_contributions": row.contributions,
            "signals": row.signals,
            "derived": row.derived,
        },
        "stored_fields": stored,
        "discarded_fields": row.discarded_fields,
        "versions": {
            "rules": row.rules_version,
            "model": row.model_version,
            "policy": row.policy_version,
        },
        "scrubbed_at": iso(row.scrubbed_at),
        "events": [
            {
                "seq": e.seq,
                "kind": e.kind,
                "at": iso(e.created_at),
                "actor": e.actor,
                "data": e.data,
            }
            for e in events
        ],
        "review_requests": [_review(r) for r in reviews],
        "notices": [_notice(n) for n in notices],
    }


def _review(row: ReviewRequest) -> dict[str, Any]:
    return {
        "review_request_id": row.id,
        "status": row.status,
        "received_at": iso(row.received_at),
        "due_by": row.due_by.isoformat(),
        "statement": row.statement,
        "corrections": row.corrections,
        "claimed_at": iso(row.claimed_at),
        "resolved_at": iso(row.resolved_at),
        "resolution": {
            "outcome": row.resolution_outcome,
            "note": row.resolution_note,
            "label": row.label,
        }
        if row.resolution_outcome
        else None,
    }


def _notice(row: OutboxMessage) -> dict[str, Any]:
    return {
        "kind": row.kind,
        "recipient": row.recipient,
        "subject": row.subject,
        "body": row.body,
        "status": row.status,
        "created_at": iso(row.created_at),
        "sent_at": iso(row.sent_at),
    }


def _controller(policy: Policy) -> dict[str, Any]:
    controller = policy.raw.get("controller") or {}
    dpo = controller.get("dpo") or {}
    return {
        "name": controller.get("name"),
        "address": controller.get("address"),
        "dpo": {k: dpo.get(k) for k in ("title", "email", "address")},
    }


def _processing(policy: Policy) -> dict[str, Any]:
    """What Art. 15(1) says a subject is told besides the data: purposes, recipients, ..."""
    purposes = policy.raw.get("purposes") or {}
    return {
        "fields": [
            {
                "field": name,
                "category": spec.category,
                "storage": spec.storage,
                "purposes": [purposes[p]["description"] for p in spec.purposes],
                "lawful_basis": spec.lawful_basis,
            }
            for name, spec in policy.fields.items()
        ],
        "retention_days": dict(policy.retention_days),
        "recipients": list(policy.raw.get("recipients") or []),
        "transfers": policy.raw.get("transfers"),
        "rights": list(policy.raw.get("rights") or []),
        "automated_decisions": (
            "Each signup is screened automatically by rules (and a model, where one is "
            "loaded) over checks of the fields above; `explanation` shows what was used. "
            "You can ask for a person to review any decision."
        ),
    }
