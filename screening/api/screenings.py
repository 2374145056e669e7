"""``POST /v1/screenings``: screen a signup, record the decision, answer with it.

The decision is committed before the response is sent: a 2xx means it is stored.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag

from screening.api.auth import principal, requires
from screening.api.responses import AUTH, BODY, answers
from screening.api.schemas import (
    IdempotencyHeader,
    ScreeningRequest,
    ScreeningResponse,
)
from screening.service.screenings import Recorded, record_screening

bp = APIBlueprint(
    "screenings",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="screenings", description="Screen a signup")],
    abp_security=[{"bearer": []}],
)


@bp.post("/screenings", responses=answers(201, ScreeningResponse, *AUTH, *BODY))
@requires("screen")
def create_screening(body: ScreeningRequest, header: IdempotencyHeader) -> Any:
    """Screen a signup; 201 with the decision, its reasons and the fields to keep."""
    # The raw object, not ``body``: fields the policy does not list must be seen to be
    # reported as discarded. ``body`` proved its shape; the guard parsed it once.
    recorded = record_screening(
        current_app.extensions["screening"],
        request.get_json(silent=True) or {},
        api_key_id=principal().key_id,
        idempotency_key=header.idempotency_key,
    )
    headers = {"Idempotent-Replayed": "true"} if recorded.replayed else {}
    return render(recorded), 201, headers


def render(recorded: Recorded) -> dict[str, Any]:
    """Return the answer to the signup form."""
    rules, model, policy = recorded.versions
    return {
        "decision_id": recorded.decision_id,
        "outcome": recorded.outcome,
        "score": recorded.score,
        "reasons": [{k: r[k] for k in ("code", "field", "message")} for r in recorded.reasons],
        "normalized": recorded.normalized,
        "discarded_fields": recorded.discarded,
        "contest_token": recorded.contest_token,
        "versions": {"rules": rules, "model": model, "policy": policy},
    }
