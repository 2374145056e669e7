"""``POST /v1/screenings``: screen a signup, record the decision, answer with it.

The decision is committed before the response is sent: a 2xx means it is stored.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag

from screening.api.auth import principal, requires
from screening.api.ratelimit import limit_screening
from screening.api.responses import AUTH, BODY, answers
from screening.api.schemas import (
    DryRunResponse,
    IdempotencyHeader,
    ScreeningRequest,
    ScreeningResponse,
)
from screening.core import i18n
from screening.core.checks.suggestions import suggestions
from screening.service.dry_run import dry_run
from screening.service.screenings import Recorded, record_screening

bp = APIBlueprint(
    "screenings",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="screenings", description="Screen a signup")],
    abp_security=[{"bearer": []}],
)


# 429 only when the operator sets SCREENING_SCREEN_RATE_LIMIT.
@bp.post(
    "/screenings",
    responses={200: DryRunResponse, **answers(201, ScreeningResponse, *AUTH, *BODY, 429)},
)
@requires("screen")
def create_screening(body: ScreeningRequest, header: IdempotencyHeader) -> Any:
    """Screen a signup; 201 with the decision, its reasons and the fields to keep."""
    runtime = current_app.extensions["screening"]
    caller = principal()
    limit_screening(runtime, caller.key_id)
    # The raw object, not ``body``: fields the policy does not list must be seen to be
    # reported as discarded. ``body`` proved its shape; the guard parsed it once.
    raw = {k: v for k, v in (request.get_json(silent=True) or {}).items() if k != "dry_run"}
    if body.dry_run:  # live validation as the person types: nothing is recorded
        language = request.headers.get("Accept-Language")
        return dry_run(current_app.extensions["screening"], raw, accept_language=language), 200
    recorded = record_screening(
        runtime,
        raw,
        api_key_id=caller.key_id,
        idempotency_key=header.idempotency_key,
    )
    headers = {"Idempotent-Replayed": "true"} if recorded.replayed else {}
    return render(recorded), 201, headers


def render(recorded: Recorded) -> dict[str, Any]:
    """Return the answer to the signup form."""
    rules, model, policy = recorded.versions
    language = i18n.choose(
        recorded.normalized.get("language"),
        accept_language=request.headers.get("Accept-Language"),
    )
    return {
        "decision_id": recorded.decision_id,
        "outcome": recorded.outcome,
        "score": recorded.score,
        "language": language,
        "reasons": i18n.translate_reasons(language, recorded.reasons),
        "normalized": recorded.normalized,
        "discarded_fields": recorded.discarded,
        "suggestions": suggestions(recorded.normalized),
        "contest_token": recorded.contest_token,
        "versions": {"rules": rules, "model": model, "policy": policy},
    }
