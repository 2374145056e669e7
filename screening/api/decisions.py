"""``GET /v1/decisions/{id}``: the customer's view (contest token), the analyst's full record,
or the host's view of the effective outcome (scope ``screen``).

A wrong, missing or other decision's token answers 404 exactly as an unknown id
does, so a token never reveals whether a decision exists.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_openapi3 import APIBlueprint, Tag

from screening.api.auth import principal, requires
from screening.api.ratelimit import limit_customer
from screening.api.responses import AUTH, DecisionView, answers
from screening.api.schemas import DecisionPath, DecisionQuery
from screening.core.tokens import token_matches
from screening.core.vocabulary import iso
from screening.errors import NotFound
from screening.runtime import Runtime
from screening.service.customer import customer_view, effective_outcome, host_view
from screening.service.tokens import token_opens
from screening.store import decisions as store
from screening.store.models import Decision

bp = APIBlueprint(
    "decisions",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="decisions", description="Recorded decisions")],
    abp_security=[{"bearer": []}],
)


@bp.get("/decisions/<decision_id>", responses=answers(200, DecisionView, *AUTH, 404, 422, 429))
@requires("analyst", "screen", contest_token=True)
def get_decision(path: DecisionPath, query: DecisionQuery) -> Any:
    """Read a decision: the customer view (contest token), the full record (scope `analyst`),
    or, for the host polling for a human review's result, the effective outcome (scope `screen`).

    The customer view is in the language chosen with ``?language=``, else the one the
    screening stored, else ``Accept-Language``, else English.
    """
    runtime: Runtime = current_app.extensions["screening"]
    token = g.get("contest_token")
    if token is not None:
        # The token is checked first (constant work), so only a wrong one counts
        # against the decision's bucket.
        opens = token_opens(runtime.db, path.decision_id, token)
        limit_customer(runtime, path.decision_id, token_ok=opens)
        if not opens:
            raise NotFound("No decision matches this id and token.")
    with runtime.db.session() as session:
        decision = store.get(session, path.decision_id)
        if token is not None:
            tokens = store.contest_token_hashes(session, path.decision_id)
            if not token_matches(tokens, token) or decision is None or decision.scrubbed_at:
                raise NotFound("No decision matches this id and token.")
            return customer_view(
                runtime,
                session,
                decision,
                chosen_language=query.language,
                accept_language=request.headers.get("Accept-Language"),
            )
        if decision is None:
            raise NotFound("No decision has this id.")
        if "analyst" not in principal().scopes:
            return host_view(session, decision)
        personal = store.personal_data(session, decision.id)
        return analyst_view(decision, personal, store.events(session, decision.id))


def analyst_view(decision: Decision, personal: Any, events: list[Any]) -> dict[str, Any]:
    """Everything recorded about a decision, for analysts."""
    outcome, resolution = effective_outcome(events, decision.outcome)
    fields: dict[str, Any] | None = None
    if personal is not None:
        fields = {
            name: getattr(personal, name)
            for name in ("first_name", "last_name", "email", "phone", "address", "external_ref")
            if getattr(personal, name) is not None
        }
    return {
        "decision_id": decision.id,
        "created_at": iso(decision.created_at),
        "outcome": outcome,
        "automated_outcome": decision.outcome,
        "human_review": resolution,
        "score": decision.score,
        "risk_total": decision.risk_total,
        "reasons": decision.reasons,
        "hits": decision.hits,
        "shadow_hits": decision.shadow_hits,
        "shadow_outcome": decision.shadow_outcome,
        "signals": decision.signals,
        "derived": decision.derived,
        "contributions": decision.contributions,
        "fields": fields,
        "scrubbed_at": iso(decision.scrubbed_at),
        "discarded_fields": decision.discarded_fields,
        "versions": {
            "rules": decision.rules_version,
            "model": decision.model_version,
            "policy": decision.policy_version,
        },
        "latency_ms": decision.latency_ms,
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
    }
