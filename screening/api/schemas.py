"""Request and response models: they validate requests and produce /openapi.json.

Request models ignore unknown keys: dropping them (and reporting them in
``discarded_fields``) is the policy module's job, not a validation error.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.core.vocabulary import Outcome

Short = Annotated[str, StringConstraints(max_length=100)]
Line = Annotated[str, StringConstraints(max_length=200)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)


class Address(_Lenient):
    line1: Line
    line2: Line | None = None
    city: Short
    postal_code: Annotated[str, StringConstraints(max_length=20)] | None = None
    region: Short | None = None
    country: Annotated[str, StringConstraints(max_length=10)] = Field(
        description="ISO 3166-1 alpha-2 code, e.g. BE. An unknown code is screened, not refused."
    )


class ScreeningRequest(_Lenient):
    """A signup to screen. Fields the privacy policy does not list are discarded."""

    first_name: Short
    last_name: Short
    email: Annotated[str, StringConstraints(max_length=320)]
    phone: Annotated[str, StringConstraints(max_length=40)]
    address: Address
    date_of_birth: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None,
        description="Optional YYYY-MM-DD; used only in memory for the minimum-age check.",
    )
    external_ref: Annotated[str, StringConstraints(max_length=128)] | None = Field(
        default=None, description="The host's own account id, so rights requests can find it."
    )


class ReasonOut(BaseModel):
    code: str
    field: str
    message: str


class Versions(BaseModel):
    rules: str
    model: str
    policy: str


class ScreeningResponse(BaseModel):
    decision_id: str
    outcome: Outcome
    score: float = Field(ge=0, le=1)
    reasons: list[ReasonOut]
    normalized: dict[str, Any]
    discarded_fields: list[str]
    contest_token: str
    versions: Versions


class IdempotencyHeader(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    idempotency_key: (
        Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")]
        | None
    ) = Field(default=None, alias="Idempotency-Key")


class DecisionPath(BaseModel):
    decision_id: Annotated[str, StringConstraints(max_length=64)]


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*codes: int) -> dict[str | int, Any]:
    """Return the OpenAPI ``responses`` entries for the error statuses a view can answer."""
    return {code: ErrorResponse for code in codes}


class RuleSetDocument(BaseModel):
    """A rule set in the shape of screening/data/rules/default.yaml (or send YAML text)."""

    model_config = ConfigDict(extra="allow")

    version: str | None = None
    thresholds: dict[str, float] | None = None
    rules: list[dict[str, Any]] | None = None


class ValidationReport(BaseModel):
    valid: bool
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]


Correction = Annotated[str, StringConstraints(max_length=200)]


class ReviewRequestBody(BaseModel):
    """The customer's point of view, and corrections they propose to the data used."""

    model_config = ConfigDict(extra="forbid")

    statement: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    corrections: (
        dict[
            Literal["first_name", "last_name", "email", "phone", "address"],
            Correction | dict[str, Correction],
        ]
        | None
    ) = None


class ReviewCreated(BaseModel):
    review_request_id: str
    status: Literal["pending", "in_review", "resolved"]
    due_by: str


class ReviewPath(BaseModel):
    review_request_id: Annotated[str, StringConstraints(max_length=64)]


class ReviewsQuery(BaseModel):
    status: Literal["pending", "in_review", "resolved"] | None = None
    source: Literal["automated", "customer"] | None = None
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, StringConstraints(max_length=100)] | None = None


class ResolutionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["approve", "decline"]
    note: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    label: Literal["fraud", "legitimate"] | None = None
