"""The breach register over HTTP (scope ``admin``): record, read, list, mark notified."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated, Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
)

from screening.api.auth import principal, requires
from screening.api.errors import pydantic_fields
from screening.api.responses import AUTH, BODY, Breach, BreachRegister, answers
from screening.api.schemas import Instant
from screening.core.vocabulary import Outcome
from screening.errors import ValidationFailed
from screening.runtime import Runtime
from screening.store import breaches as store

log = logging.getLogger("screening.breaches")
bp = APIBlueprint(
    "breaches",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="breaches", description="Breach register (GDPR Art. 33)")],
    abp_security=[{"bearer": []}],
)


@bp.record
def _report_overdue(state: Any) -> None:
    """Have /metrics report overdue breaches for the app this blueprint is registered on."""
    runtime: Runtime = state.app.extensions["screening"]
    if store.overdue_gauges not in runtime.gauge_sources:
        runtime.gauge_sources.append(store.overdue_gauges)


Text = Annotated[str, StringConstraints(min_length=1, max_length=5000)]


class Window(BaseModel):
    """The records affected were created between ``from`` and ``to`` (both included)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    start: Instant = Field(alias="from")
    end: Instant = Field(alias="to")


class Criteria(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome | None = Field(
        default=None, description="Only decisions with this automated outcome."
    )
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2}$")] | None = Field(
        default=None, description="Only records whose address is in this country (ISO alpha-2)."
    )


class BreachBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    detected_at: Instant
    nature: Text = Field(description="What happened (no personal data).")
    categories: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        min_length=1, max_length=20, description="Policy field names of the data concerned."
    )
    window: Window
    criteria: Criteria | None = None
    consequences: Text | None = Field(
        default=None, description="Likely consequences (default: derived from the categories)."
    )
    measures: Text | None = Field(default=None, description="Measures taken or proposed.")
    notify_subjects: StrictBool | None = Field(
        default=None,
        description="Queue a notice to each affected customer (default: the policy's "
        "breach.notify_data_subjects).",
    )


class BreachPath(BaseModel):
    breach_id: Annotated[str, StringConstraints(max_length=64)]


class NotifiedBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    notified_at: Instant | None = Field(default=None, description="Default: now.")


class BreachesQuery(BaseModel):
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50


@bp.post("/breaches", responses=answers(201, Breach, *AUTH, *BODY))
@requires("admin")
def create_breach(body: BreachBody) -> Any:
    """Record a breach: affected counts, the authority deadline, a draft, customer notices."""
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    policy = runtime.policy
    criteria = body.criteria or Criteria()
    notify = body.notify_subjects
    if notify is None:
        notify = bool(policy.raw["breach"].get("notify_data_subjects", True))
    with runtime.db.session() as session:
        breach = store.create(
            session,
            policy,
            detected_at=body.detected_at,
            nature=body.nature,
            categories=body.categories,
            window_from=body.window.start,
            window_to=body.window.end,
            criteria=store.Criteria(
                outcome=criteria.outcome,
                country=criteria.country.upper() if criteria.country else None,
            ),
            consequences=body.consequences,
            measures=body.measures,
            notify_subjects=notify,
            actor=principal().name,
            now=now,
        )
        answer = store.view(breach, now)
    log.info(
        "breach recorded",
        extra={"breach_id": answer["breach_id"], "count": answer["records_affected"]},
    )
    return answer, 201


@bp.get("/breaches", responses=answers(200, BreachRegister, *AUTH, 422))
@requires("admin")
def list_breaches(query: BreachesQuery) -> Any:
    """The register, newest detection first; `overdue=true` for those past their deadline."""
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        rows = store.listing(session, overdue_at=now if query.overdue else None, limit=query.limit)
        return {"items": [store.view(b, now) for b in rows]}


@bp.get("/breaches/<breach_id>", responses=answers(200, Breach, *AUTH, 404, 422))
@requires("admin")
def get_breach(path: BreachPath) -> Any:
    """One breach, with its deadline, counts and notification draft."""
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        return store.view(store.get(session, path.breach_id), now)


@bp.post("/breaches/<breach_id>/notified", responses=answers(200, Breach, *AUTH, *BODY, 404, 409))
@requires("admin")
def mark_notified(path: BreachPath) -> Any:
    """Record that the authority was notified (once; 409 if already recorded).

    The body is optional: ``{"notified_at": "<ISO 8601>"}``, default now.
    """
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    try:
        body = NotifiedBody.model_validate(request.get_json(silent=True) or {})
    except ValidationError as exc:
        fields = pydantic_fields(exc)
        names = ", ".join(f["field"] for f in fields)
        raise ValidationFailed(f"Invalid or missing fields: {names}.", fields=fields) from exc
    with runtime.db.session() as session:
        breach = store.mark_notified(
            session, path.breach_id, at=body.notified_at or now, actor=principal().name
        )
        answer = store.view(breach, now)
    log.info("breach notified", extra={"breach_id": answer["breach_id"]})
    return answer
