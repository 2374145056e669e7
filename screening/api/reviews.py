"""Human review: customers contest with their token; analysts work the queue and resolve."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import current_app, g, request
from flask_openapi3 import APIBlueprint, Tag

from screening.api.auth import principal, requires
from screening.api.decisions import analyst_view
from screening.api.ratelimit import limit_customer
from screening.api.responses import (
    AUTH,
    BODY,
    ReviewCase,
    ReviewDetail,
    ReviewQueue,
    answers,
)
from screening.api.schemas import (
    DecisionPath,
    ResolutionBody,
    ReviewPath,
    ReviewRequestBody,
    ReviewsQuery,
)
from screening.core.tokens import token_matches
from screening.core.vocabulary import iso
from screening.errors import NotFound, ValidationFailed
from screening.runtime import Runtime
from screening.service.customer import screen_corrections
from screening.service.tokens import token_opens
from screening.store import decisions as decision_store
from screening.store import reviews as store
from screening.store.models import ReviewRequest

bp = APIBlueprint(
    "reviews",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="reviews", description="Contests and the human-review queue")],
    abp_security=[{"bearer": []}],
)


@bp.post(
    "/decisions/<decision_id>/review-requests",
    responses=answers(201, ReviewCase, *AUTH, *BODY, 404, 409, 429),
)
@requires("contest", contest_token=True)
def contest(path: DecisionPath, body: ReviewRequestBody) -> Any:
    """Ask for a person to review an automated decision (contest token required).

    On a held decision this joins its open case (same `review_request_id`); on a
    decline it opens one. Either way it is due one calendar month later. 409 with
    `review_open`, `already_resolved` or `not_contestable` (an approval).
    """
    runtime: Runtime = current_app.extensions["screening"]
    token = g.get("contest_token")
    if token is None:
        raise NotFound("No decision matches this id and token.")
    opens = token_opens(runtime.db, path.decision_id, token)
    limit_customer(runtime, path.decision_id, token_ok=opens)
    if not opens:
        raise NotFound("No decision matches this id and token.")
    corrections = _check_corrections(runtime, body.corrections)
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        decision = decision_store.get(session, path.decision_id)
        tokens = decision_store.contest_token_hashes(session, path.decision_id)
        if not token_matches(tokens, token) or decision is None or decision.scrubbed_at:
            raise NotFound("No decision matches this id and token.")
        case = store.contest(
            session, decision, statement=body.statement, corrections=corrections, now=now
        )
        # Shown to the reviewer beside the original; it changes nothing by itself.
        case.correction_screening = screen_corrections(runtime, session, decision, corrections)
        answer = _summary(case)
    return answer, 201


def _check_corrections(runtime: Runtime, corrections: Any) -> dict[str, Any] | None:
    """Keep only corrections to fields the policy stores (address subfields included)."""
    if not corrections:
        return None
    address = runtime.policy.fields.get("address")
    out: dict[str, Any] = {}
    for name, value in corrections.items():
        if name not in runtime.policy.stored_fields:
            raise ValidationFailed(f"corrections.{name} is not a field we keep.")
        if isinstance(value, dict):
            unknown = [k for k in value if not address or k not in address.subfields]
            if name != "address" or unknown:
                raise ValidationFailed(f"corrections.{name} has fields we do not keep.")
        out[name] = value
    return out


def _summary(item: ReviewRequest) -> dict[str, Any]:
    return {
        "review_request_id": item.id,
        "decision_id": item.decision_id,
        "status": item.status,
        "source": item.source,
        "received_at": iso(item.received_at),
        "contested_at": iso(item.contested_at),
        "due_by": item.due_by.isoformat(),
        "overdue": item.status != "resolved" and item.due_by < datetime.now(UTC).date(),
        "claimed_by": item.claimed_by,
        "resolved_at": iso(item.resolved_at),
        "outcome": item.resolution_outcome,
        "label": item.label,
    }


@bp.get("/reviews", responses=answers(200, ReviewQueue, *AUTH, 422))
@requires("analyst")
def list_reviews(query: ReviewsQuery) -> Any:
    """The review queue (held signups and contests), soonest due first; page with `next`.

    Filter by `status`, `source` (`automated`: held at screening, or held before cases existed
    and opened on upgrade; `customer`: a contest;
    `linked`: an approved signup that a later held one showed to be the same actor's) and
    `overdue`.
    """
    runtime: Runtime = current_app.extensions["screening"]
    after = _cursor(query.cursor) if query.cursor else None
    today = datetime.now(UTC).date()
    with runtime.db.session() as session:
        items = store.queue(
            session,
            status=query.status,
            source=query.source,
            overdue_on=today if query.overdue else None,
            limit=query.limit + 1,
            after=after,
        )
        page = [_summary(i) for i in items[: query.limit]]
    answer: dict[str, Any] = {"items": page}
    if len(items) > query.limit:
        last = items[query.limit - 1]
        answer["next"] = f"{last.due_by.isoformat()}~{last.id}"
    return answer


def _cursor(text: str) -> tuple[date, str]:
    due, _, rid = text.partition("~")
    try:
        return date.fromisoformat(due), rid
    except ValueError as exc:
        raise ValidationFailed("cursor is not one this API gave out.") from exc


@bp.get("/reviews/<review_request_id>", responses=answers(200, ReviewDetail, *AUTH, 404, 422))
@requires("analyst")
def get_review(path: ReviewPath) -> Any:
    """Everything recorded for a review: the decision, its signals and hits, the statement."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        item = session.get(ReviewRequest, path.review_request_id)
        if item is None:
            raise NotFound("No review request has this id.")
        decision = decision_store.get(session, item.decision_id)
        assert decision is not None
        return {
            **_summary(item),
            "statement": item.statement,
            "corrections": item.corrections,
            "correction_screening": item.correction_screening,
            "resolution_note": item.resolution_note,
            "decision": analyst_view(
                decision,
                decision_store.personal_data(session, decision.id),
                decision_store.events(session, decision.id),
            ),
        }


@bp.post(
    "/reviews/<review_request_id>/claim",
    responses=answers(200, ReviewCase, *AUTH, *BODY, 404, 409),
)
@requires("analyst")
def claim(path: ReviewPath) -> Any:
    """Take a review request (status becomes `in_review`)."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        item = store.claim(
            session, path.review_request_id, analyst=principal().name, now=datetime.now(UTC)
        )
        return _summary(item)


@bp.post(
    "/reviews/<review_request_id>/resolution",
    responses=answers(200, ReviewCase, *AUTH, *BODY, 404, 409),
)
@requires("analyst")
def resolve(path: ReviewPath, body: ResolutionBody) -> Any:
    """Decide a review (claimed or not): approve or decline, a note, an optional label."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        item = store.resolve(
            session,
            path.review_request_id,
            outcome=body.outcome,
            note=body.note,
            label=body.label,
            analyst=principal().name,
            now=datetime.now(UTC),
            notify_host=bool(runtime.settings.webhook_url),
        )
        return _summary(item)


def client_address() -> str:
    return request.remote_addr or "unknown"
