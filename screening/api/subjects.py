"""Data-subject rights over HTTP (scope ``admin``): export, erasure, rectification, and flags.

The subject is named in the JSON body (``email`` or ``external_ref``), never in
a URL, since URLs end up in access logs. Every call is recorded as a rights
request (``GET /v1/subjects/requests`` lists them) and answered at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from flask import current_app
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from screening.api.auth import principal, requires
from screening.api.responses import (
    AUTH,
    BODY,
    RightsRegister,
    RightsRequest,
    SubjectExport,
    answers,
)
from screening.api.schemas import Instant
from screening.errors import Conflict, ValidationFailed
from screening.runtime import Runtime
from screening.service import rights, subjects
from screening.store import subjects as store

bp = APIBlueprint(
    "subjects",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="subjects", description="Data-subject rights (GDPR Art. 15-21)")],
    abp_security=[{"bearer": []}],
)
RECORDED = answers(200, RightsRequest, *AUTH, *BODY)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Value = Annotated[str, StringConstraints(max_length=320)]


class SubjectBody(BaseModel):
    """Names the subject by exactly one of ``email`` or ``external_ref``."""

    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, StringConstraints(min_length=1, max_length=320)] | None = None
    external_ref: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    operator_note: Annotated[str, StringConstraints(max_length=2000)] | None = Field(
        default=None,
        description="How identity was checked (kept with the request; must not quote the "
        "subject's data).",
    )
    received_at: Instant | None = Field(
        default=None,
        description="When the request reached support (default: now); the answer is due one "
        "calendar month later.",
    )


class AccountStatusBody(SubjectBody):
    active_services: StrictBool


class FlagBody(SubjectBody):
    lift: StrictBool = Field(default=False, description="true lifts the flag (recorded).")


class RectificationBody(SubjectBody):
    corrections: dict[str, Value | dict[str, Value | None]] = Field(
        description="Stored fields to correct; address by its parts (null removes an optional "
        "part)."
    )


class RequestsQuery(BaseModel):
    right: (
        Literal["access", "erasure", "rectification", "restriction", "objection", "account_status"]
        | None
    ) = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, StringConstraints(max_length=100)] | None = None


def _subject(body: SubjectBody) -> store.Subject:
    named = [k for k in store.KINDS if getattr(body, k) is not None]
    if len(named) != 1:
        problem = "give exactly one of email or external_ref"
        raise ValidationFailed(
            "Name the subject by exactly one of email or external_ref.",
            fields=[{"field": k, "problem": problem} for k in (named or store.KINDS)],
        )
    subject = store.Subject.named(named[0], str(getattr(body, named[0])))
    if not subject.value:
        raise ValidationFailed(
            f"{subject.kind} is empty.", fields=[{"field": subject.kind, "problem": "is empty"}]
        )
    return subject


def _answer(handled: subjects.Handled) -> dict[str, Any]:
    return handled.view


def _who(body: SubjectBody) -> dict[str, Any]:
    return {"actor": principal().name, "note": body.operator_note, "received_at": body.received_at}


@bp.put("/subjects/account-status", responses=RECORDED)
@requires("admin")
def account_status(body: AccountStatusBody) -> Any:
    """Record whether the subject's account has active services (erasure needs none)."""
    runtime: Runtime = current_app.extensions["screening"]
    return _answer(
        subjects.set_account_status(
            runtime, _subject(body), active=body.active_services, **_who(body)
        )
    )


@bp.post("/subjects/export", responses=answers(200, SubjectExport, *AUTH, *BODY))
@requires("admin")
def export(body: SubjectBody) -> Any:
    """Access and portability: one JSON document with everything stored about the subject."""
    runtime: Runtime = current_app.extensions["screening"]
    return subjects.export(runtime, _subject(body), **_who(body)).result


@bp.post("/subjects/erasure", responses=answers(200, RightsRequest, *AUTH, *BODY, 409))
@requires("admin")
def erasure(body: SubjectBody) -> Any:
    """Erase the subject's personal data; 409 (recorded) while the account has active services."""
    runtime: Runtime = current_app.extensions["screening"]
    handled = subjects.erase(runtime, _subject(body), **_who(body))
    if handled.outcome == "refused":
        why = rights.REFUSALS[str(handled.view["reason"])]
        raise Conflict(f"{why} (recorded as request {handled.view['request_id']})")
    return _answer(handled)


@bp.patch("/subjects", responses=RECORDED)
@requires("admin")
def rectification(body: RectificationBody) -> Any:
    """Correct the subject's stored fields (recorded without the old values)."""
    runtime: Runtime = current_app.extensions["screening"]
    return _answer(subjects.rectify(runtime, _subject(body), body.corrections, **_who(body)))


def _flag(body: FlagBody, right: str) -> Any:
    runtime: Runtime = current_app.extensions["screening"]
    return _answer(subjects.flag(runtime, _subject(body), right, lift=body.lift, **_who(body)))


@bp.post("/subjects/restriction", responses=RECORDED)
@requires("admin")
def restriction(body: FlagBody) -> Any:
    """Restrict processing (Art. 18): data only stored; out of velocity, backtests, training."""
    return _flag(body, "restriction")


@bp.post("/subjects/objection", responses=RECORDED)
@requires("admin")
def objection(body: FlagBody) -> Any:
    """Record an objection (Art. 21): the subject's data leaves velocity, backtests and training."""
    return _flag(body, "objection")


@bp.get("/subjects/requests", responses=answers(200, RightsRegister, *AUTH, 422))
@requires("admin")
def requests(query: RequestsQuery) -> Any:
    """The register of rights requests, newest first; page with `next`."""
    runtime: Runtime = current_app.extensions["screening"]
    before = _cursor(query.cursor) if query.cursor else None
    with runtime.db.session() as session:
        rows = store.register(session, right=query.right, limit=query.limit + 1, before=before)
        page = [store.request_view(r) for r in rows[: query.limit]]
    answer: dict[str, Any] = {"items": page}
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        answer["next"] = f"{(last.received_at - EPOCH) // timedelta(microseconds=1)}~{last.id}"
    return answer


def _cursor(text: str) -> tuple[datetime, str]:
    micros, _, rid = text.partition("~")
    try:
        return EPOCH + timedelta(microseconds=int(micros)), rid
    except (ValueError, OverflowError) as exc:
        raise ValidationFailed("cursor is not one this API gave out.") from exc
