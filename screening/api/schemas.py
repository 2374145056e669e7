"""Request and response models: they validate requests and produce /openapi.json.

Request models ignore unknown keys: dropping them (and reporting them in
``discarded_fields``) is the policy module's job, not a validation error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from screening.core.vocabulary import Outcome

Short = Annotated[str, StringConstraints(max_length=100)]


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is outside the years 1 to 9999 in UTC") from None


# A time with its offset, in UTC from here on (so no later step overflows near year 1 or 9999).
Instant = Annotated[AwareDatetime, AfterValidator(_in_utc)]
# Integer ids as the database stores them (32-bit on PostgreSQL): larger ones cannot exist.
RowId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Line = Annotated[str, StringConstraints(max_length=200)]


def example(data: Any) -> ConfigDict:
    """Model config that gives an operation's media type ``data`` as its example."""
    return ConfigDict(openapi_extra={"example": data})  # type: ignore[typeddict-unknown-key]


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
    """The decision on a signup, recorded before this answer was sent."""

    model_config = example(
        {
            "decision_id": "dec_019ad7c3f2a04b1c9e2d7f3a",
            "outcome": "review",
            "score": 0.41,
            "reasons": [
                {
                    "code": "email_typo_domain",
                    "field": "email",
                    "message": "Please check the domain of your email address.",
                }
            ],
            "normalized": {"first_name": "Marie", "email": "marie.dubois@gmial.com"},
            "discarded_fields": ["ssn"],
            "contest_token": "KLcY_6LSsX9YTKcH-qTLpy3-mGC0DFdAfPvBxJXctG8",
            "versions": {"rules": "v3", "model": "risk-2026-11", "policy": "2026-11-25"},
        }
    )

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
    code: str = Field(description="Stable, machine-readable: validation_failed, not_found, ...")
    message: str = Field(description="For people; never quotes submitted values.")
    fields: list[dict[str, Any]] | None = Field(
        default=None,
        description="What was wrong, per field (`field`, `problem`) or per rule (`rule`, `line`).",
    )


class ErrorResponse(BaseModel):
    """Every error the service answers: ``{"error": {"code", "message", "fields"?}}``."""

    model_config = example(
        {
            "error": {
                "code": "validation_failed",
                "message": "Invalid or missing fields: email.",
                "fields": [{"field": "email", "problem": "Field required"}],
            }
        }
    )

    error: ErrorBody


class RuleSetDocument(BaseModel):
    """A rule set in the shape of screening/data/rules/default.yaml (or send YAML text)."""

    model_config = ConfigDict(extra="allow")

    version: str | None = None
    thresholds: dict[str, float] | None = None
    rules: list[dict[str, Any]] | None = None


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
