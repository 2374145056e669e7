"""Request and response models: they validate requests and produce /openapi.json.

Request models ignore unknown keys: dropping them (and reporting them in
``discarded_fields``) is the policy module's job, not a validation error.
"""

from __future__ import annotations

import copy
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
    country: Annotated[str, StringConstraints(max_length=60)] = Field(
        description="ISO 3166-1 alpha-2 code, e.g. BE. An unknown code or a country's name "
        "is screened, not refused (a name gets a suggested code)."
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
    language: Annotated[str, StringConstraints(max_length=35)] | None = Field(
        default=None,
        description="The customer's language (en, nl, fr, de; nl-BE reads as nl), stored as "
        "a preference for what they read. Otherwise Accept-Language, then English.",
    )
    dry_run: bool = Field(
        default=False,
        description="Screen without recording anything (no decision, no velocity): 200 with "
        "outcome, reasons and suggestions, and no contest token.",
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
            "language": "fr",
            "normalized": {"first_name": "Marie", "email": "marie.dubois@gmial.com"},
            "discarded_fields": ["ssn"],
            "suggestions": {"email": "marie.dubois@gmail.com"},
            "contest_token": "KLcY_6LSsX9YTKcH-qTLpy3-mGC0DFdAfPvBxJXctG8",
            "versions": {"rules": "v3", "model": "risk-2026-11", "policy": "2026-11-25"},
        }
    )

    decision_id: str
    outcome: Outcome
    score: float = Field(ge=0, le=1)
    language: Literal["en", "nl", "fr", "de"]
    reasons: list[ReasonOut]
    normalized: dict[str, Any]
    discarded_fields: list[str]
    suggestions: dict[str, str] = Field(
        description="field -> suggested value for a correctable mistake, e.g. a mail domain typo"
    )
    contest_token: str
    versions: Versions


class DryRunResponse(BaseModel):
    """``dry_run: true``: the screening as it would be, with nothing recorded and no token."""

    model_config = example(
        {
            "dry_run": True,
            "outcome": "approve",
            "score": 0.02,
            "language": "nl",
            "reasons": [],
            "normalized": {"first_name": "Maria", "email": "maria.janssens@gmial.com"},
            "discarded_fields": [],
            "suggestions": {"email": "maria.janssens@gmail.com"},
            "versions": {"rules": "v3", "model": "risk-2026-11", "policy": "2026-12-01"},
        }
    )

    dry_run: Literal[True]
    outcome: Outcome
    score: float = Field(ge=0, le=1)
    language: Literal["en", "nl", "fr", "de"]
    reasons: list[ReasonOut]
    normalized: dict[str, Any]
    discarded_fields: list[str]
    suggestions: dict[str, str]
    versions: Versions


class DecisionQuery(BaseModel):
    language: Annotated[str, StringConstraints(max_length=35)] | None = Field(
        default=None,
        description="Customer view only: the language the person chose on the page "
        "(before the stored preference and Accept-Language).",
    )


class _SchemaOnce(BaseModel):
    """A model whose JSON schema is built once per process, not on every call.

    flask-openapi3 asks a header model for its whole JSON schema on every request it
    validates (about 1.4 ms for this one); the schema of a class never changes.
    """

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (cls, args, tuple(sorted(kwargs.items())))
        schema = _SCHEMAS.get(key)
        if schema is None:
            schema = _SCHEMAS[key] = super().model_json_schema(*args, **kwargs)
        return copy.deepcopy(schema)


_SCHEMAS: dict[Any, dict[str, Any]] = {}


class IdempotencyHeader(_SchemaOnce):
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
    source: Literal["automated", "customer", "linked"] | None = None
    overdue: bool = False
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    cursor: Annotated[str, StringConstraints(max_length=100)] | None = None


class ResolutionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["approve", "decline"]
    note: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    label: Literal["fraud", "legitimate"] | None = None
