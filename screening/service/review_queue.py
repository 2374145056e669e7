"""The analysts' review queue and case page: read cases, claim, resolve, as a named person."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from screening.errors import NotFound
from screening.store import decisions as decision_store
from screening.store import review_queue as store
from screening.store import reviews as review_store
from screening.store import users as user_store
from screening.store.models import ReviewRequest

_USER = re.compile(r"^user:(\d+)$")


def user_ids(actors: Iterable[str | None]) -> set[int]:
    return {int(m.group(1)) for a in actors if a and (m := _USER.match(a))}


def person_name(actor: str | None, people: dict[int, str]) -> str:
    """Show a recorded actor: a person's email for ``user:<id>``, else the key name or role."""
    if not actor:
        return ""
    match = _USER.match(actor)
    if match:
        return people.get(int(match.group(1)), actor)
    return actor


def queue(
    runtime: Any,
    *,
    status: str | None = None,
    source: str | None = None,
    overdue: bool = False,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Return open cases (or those in ``status``), soonest due first, with their decisions."""
    today = datetime.now(UTC).date()
    with runtime.db.session() as session:
        rows = store.open_cases(
            session,
            status=status,
            source=source,
            overdue_on=today if overdue else None,
            limit=limit,
        )
        people = user_store.names(session, user_ids([r.claimed_by for r, _ in rows]))
        return [
            {
                "review_request_id": request.id,
                "decision_id": decision.id,
                "source": store.source_of(request),
                "status": request.status,
                "received_at": request.received_at,
                "due_by": request.due_by,
                "overdue": request.status != "resolved" and request.due_by < today,
                "days_left": (request.due_by - today).days,
                "claimed_by": person_name(request.claimed_by, people),
                "outcome": decision.outcome,
                "score": decision.score,
                "reasons": [r.get("code") for r in decision.reasons],
            }
            for request, decision in rows
        ]


def case(runtime: Any, review_request_id: str) -> dict[str, Any]:
    """Return everything recorded for one case: the decision, statement, related, history.

    Raises:
        NotFound: no review request has this id.
    """
    today = datetime.now(UTC).date()
    with runtime.db.session() as session:
        request = session.get(ReviewRequest, review_request_id)
        if request is None:
            raise NotFound("No review request has this id.")
        decision = decision_store.get(session, request.decision_id)
        assert decision is not None
        personal = decision_store.personal_data(session, decision.id)
        events = decision_store.events(session, decision.id)
        actors = [e.actor for e in events] + [request.claimed_by, request.resolved_by]
        people = user_store.names(session, user_ids(actors))
        fields = None
        if personal is not None:
            fields = {
                name: getattr(personal, name)
                for name in ("first_name", "last_name", "email", "phone", "address", "external_ref")
                if getattr(personal, name) is not None
            }
        effective = decision.outcome
        for event in events:
            if event.kind == "review_resolved":
                effective = event.data.get("outcome", effective)
        return {
            "review_request_id": request.id,
            "source": store.source_of(request),
            "status": request.status,
            "received_at": request.received_at,
            "due_by": request.due_by,
            "overdue": request.status != "resolved" and request.due_by < today,
            "claimed_by": person_name(request.claimed_by, people),
            "resolved_by": person_name(request.resolved_by, people),
            "resolved_at": request.resolved_at,
            "resolution_outcome": request.resolution_outcome,
            "resolution_note": request.resolution_note,
            "label": request.label,
            "statement": request.statement,
            "corrections": request.corrections,
            "decision": {
                "id": decision.id,
                "created_at": decision.created_at,
                "outcome": decision.outcome,
                "effective_outcome": effective,
                "score": decision.score,
                "risk_total": decision.risk_total,
                "reasons": decision.reasons,
                "hits": decision.hits,
                "shadow_hits": decision.shadow_hits,
                "shadow_outcome": decision.shadow_outcome,
                "signals": decision.signals,
                "contributions": decision.contributions,
                "versions": {
                    "rules": decision.rules_version,
                    "model": decision.model_version,
                    "policy": decision.policy_version,
                },
                "fields": fields,
                "scrubbed_at": decision.scrubbed_at,
            },
            "related": store.related(session, decision.id),
            "history": [
                {
                    "seq": e.seq,
                    "kind": e.kind,
                    "at": e.created_at,
                    "actor": person_name(e.actor, people),
                    "data": e.data,
                }
                for e in events
            ],
        }


def claim(runtime: Any, person: Any, review_request_id: str) -> None:
    """Take a case as ``person`` (recorded as ``user:<id>``)."""
    with runtime.db.session() as session:
        review_store.claim(session, review_request_id, analyst=person.actor, now=datetime.now(UTC))


def resolve(
    runtime: Any,
    person: Any,
    review_request_id: str,
    *,
    outcome: str,
    note: str,
    label: str | None,
) -> None:
    """Decide a case as ``person``: the resolution and its event name them (``user:<id>``)."""
    with runtime.db.session() as session:
        review_store.resolve(
            session,
            review_request_id,
            outcome=outcome,
            note=note,
            label=label,
            analyst=person.actor,
            now=datetime.now(UTC),
            notify_host=bool(runtime.settings.webhook_url),
        )
