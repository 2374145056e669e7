"""Response models: every body the API answers, declared for /openapi.json.

Each view names its success model and its error statuses here, so the document
says exactly what the service sends. Models describe the shape (the keys that are
always there and their types); nested records that carry analyst-defined content
(rule documents, signals, reports) stay open objects. Every model carries an
example, shown per operation in the document.
"""

from __future__ import annotations

from typing import Any, Literal

from flask_openapi3.types import ResponseDict
from pydantic import BaseModel, ConfigDict, Field, RootModel

from screening.api.schemas import ErrorResponse, ReasonOut, Versions, example

Outcome = Literal["approve", "review", "decline"]
Status = Literal["pending", "in_review", "resolved"]
DECISION_ID = "dec_019ad7c3f2a04b1c9e2d7f3a"
REVIEW_ID = "rr_4f1c2a9b7e3d5c8a1b2e"
AT = "2026-12-01T09:00:00Z"


# --- errors, by where they can happen ---------------------------------------------

# Every credentialed endpoint reads the key from the database (503 when it is down).
AUTH = (401, 403, 503)
# Endpoints that read a JSON body: not JSON or not an object, too large, wrong type.
BODY = (400, 413, 415, 422)


def errors(*codes: int) -> ResponseDict:
    """Return the ``responses`` entries for error statuses, all in the one error shape."""
    return {code: ErrorResponse for code in sorted(set(codes))}


def answers(success: int, model: type[BaseModel], *codes: int) -> ResponseDict:
    """Return the ``responses`` of an operation: its success body and its errors."""
    return {success: model, **errors(*codes)}


# --- decisions and screening ---------------------------------------------------------


class HumanReview(BaseModel):
    outcome: Literal["approve", "decline"]
    resolved_at: str


class CaseSummary(BaseModel):
    """The latest review case of a decision, as the customer and the host see it."""

    review_request_id: str
    source: Literal["automated", "customer", "linked"]
    status: Status
    contested: bool
    due_by: str
    outcome: Literal["approve", "decline"] | None


class DataUse(BaseModel):
    field: str
    label: str | None = None
    purposes: list[str]


class Change(BaseModel):
    field: str
    message: str


class CustomerHumanReview(HumanReview):
    note: str | None = None


class CustomerView(BaseModel):
    """What the person concerned may read with their contest token, in their language."""

    decision_id: str
    decided_at: str
    language: Literal["en", "nl", "fr", "de"]
    state: Literal["approved", "held", "declined", "under_review", "resolved"]
    outcome: Outcome
    automated_outcome: Outcome
    automated: bool
    human_review: CustomerHumanReview | None
    reasons: list[ReasonOut]
    what_would_change: list[Change]
    can_contest: bool
    data_used: list[DataUse]
    review: CaseSummary | None
    your_rights: str


class HostView(BaseModel):
    """The host's view (scope `screen`): the effective outcome and the review's state."""

    decision_id: str
    decided_at: str
    outcome: Outcome
    automated_outcome: Outcome
    human_review: HumanReview | None
    review: CaseSummary | None
    reasons: list[ReasonOut]


class DecisionEvent(BaseModel):
    seq: int
    kind: str
    at: str
    actor: str
    data: dict[str, Any]


class AnalystView(BaseModel):
    """Everything recorded about a decision (scope `analyst`)."""

    decision_id: str
    created_at: str
    outcome: Outcome
    automated_outcome: Outcome
    human_review: HumanReview | None
    score: float
    risk_total: float
    reasons: list[dict[str, Any]]
    hits: list[dict[str, Any]]
    shadow_hits: list[dict[str, Any]]
    shadow_outcome: str | None
    signals: dict[str, Any]
    derived: dict[str, Any]
    contributions: list[dict[str, Any]] | None
    fields: dict[str, Any] | None = Field(description="The minimised fields; null once scrubbed.")
    scrubbed_at: str | None
    discarded_fields: list[str]
    versions: Versions
    latency_ms: float | None
    events: list[DecisionEvent]


class DecisionView(RootModel[CustomerView | AnalystView | HostView]):
    """The customer's, the analyst's or the host's view, by the credential sent."""

    model_config = example(
        {
            "decision_id": DECISION_ID,
            "decided_at": AT,
            "outcome": "approve",
            "automated_outcome": "review",
            "human_review": {"outcome": "approve", "resolved_at": "2026-12-02T10:00:00Z"},
            "review": {
                "review_request_id": REVIEW_ID,
                "source": "automated",
                "status": "resolved",
                "contested": False,
                "due_by": "2026-12-03",
                "outcome": "approve",
            },
            "reasons": [
                {
                    "code": "signup_velocity",
                    "field": "signup",
                    "message": "A member of our team will review your registration.",
                }
            ],
        }
    )


# --- reviews -------------------------------------------------------------------------

_CASE = {
    "review_request_id": REVIEW_ID,
    "decision_id": DECISION_ID,
    "status": "pending",
    "source": "automated",
    "received_at": AT,
    "contested_at": "2026-12-01T15:00:00Z",
    "due_by": "2027-01-01",
    "overdue": False,
    "claimed_by": None,
    "resolved_at": None,
    "outcome": None,
    "label": None,
}


class ReviewCase(BaseModel):
    """A review case: an automated hold or a customer's contest."""

    model_config = example(_CASE)

    review_request_id: str
    decision_id: str
    status: Status
    source: Literal["automated", "customer", "linked"]
    received_at: str
    contested_at: str | None
    due_by: str
    overdue: bool
    claimed_by: str | None
    resolved_at: str | None
    outcome: Literal["approve", "decline"] | None
    label: Literal["fraud", "legitimate"] | None


class ReviewQueue(BaseModel):
    model_config = example({"items": [_CASE], "next": "2027-01-01~rr_4f1c2a9b7e3d5c8a1b2e"})

    items: list[ReviewCase]
    next: str | None = Field(default=None, description="Send as `cursor` for the next page.")


class ReviewDetail(ReviewCase):
    """A case with the customer's statement and the decision as recorded."""

    model_config = example(
        {
            **_CASE,
            "statement": "This is my real mailbox.",
            "corrections": {"phone": "+32 470 58 21 98"},
            "resolution_note": None,
            "decision": {"decision_id": DECISION_ID, "outcome": "review", "signals": {}},
        }
    )

    statement: str | None
    corrections: dict[str, Any] | None
    resolution_note: str | None
    decision: AnalystView


# --- rules ---------------------------------------------------------------------------

_RULE = {
    "id": "email-disposable",
    "when": "email.disposable",
    "action": "decline",
    "reason": {
        "code": "email_disposable",
        "field": "email",
        "message": "Please use a permanent email address.",
    },
    "mode": "active",
}
_VERSION = {
    "version": "v4",
    "author": "analyst-key",
    "created_at": AT,
    "digest": "9f2c...",
    "note": "Hold VoIP numbers with random mailboxes.",
    "rules": 31,
    "previous": "v3",
    "rollback_of": None,
    "diff": {"added": ["voip-and-random-mailbox"], "removed": [], "changed": []},
}


class LiveRuleSet(BaseModel):
    """The live rule set, in the shape it is written in (it can be sent back)."""

    model_config = example(
        {"version": "v4", "thresholds": {"review": 0.5, "decline": 0.9}, "rules": [_RULE]}
    )

    version: str
    thresholds: dict[str, float]
    rules: list[dict[str, Any]]


class SignalInfo(BaseModel):
    name: str
    type: str
    description: str
    default: Any


class SignalCatalogue(BaseModel):
    model_config = example(
        {
            "signals": [
                {
                    "name": "email.disposable",
                    "type": "bool",
                    "description": "The mail domain is a throwaway mailbox provider.",
                    "default": False,
                }
            ]
        }
    )

    signals: list[SignalInfo]


class ValidationAnswer(BaseModel):
    """Whether a rule set would be accepted, with errors at their rule and line."""

    model_config = example(
        {
            "valid": False,
            "errors": [{"rule": "velocity-stem", "line": 42, "problem": "does not parse"}],
            "warnings": [],
            "history": None,
        }
    )

    valid: bool
    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    history: dict[str, Any] | None = Field(
        description="How many recent decisions the warnings replayed (null when invalid)."
    )


class RuleSetVersionRecord(BaseModel):
    """A published version: who, when, why and what it changed."""

    model_config = example(_VERSION)

    version: str
    author: str | None
    created_at: str
    digest: str
    note: str | None
    rules: int
    previous: str | None
    rollback_of: str | None
    diff: Any


class PublishedRuleSet(RuleSetVersionRecord):
    model_config = example({**_VERSION, "warnings": []})

    warnings: list[dict[str, Any]]


class RuleSetHistory(BaseModel):
    model_config = example({"items": [_VERSION]})

    items: list[RuleSetVersionRecord]


class RuleSetVersionDocument(RuleSetVersionRecord):
    model_config = example({**_VERSION, "rule_set": {"thresholds": {}, "rules": [_RULE]}})

    rule_set: dict[str, Any]


class ShadowReport(BaseModel):
    """How often each shadow rule fired and which outcomes it would have changed."""

    model_config = example(
        {
            "since": AT,
            "decisions": 1200,
            "with_shadow_hits": 14,
            "would_change": 3,
            "transitions": {"approve": {"approve": 1180, "review": 3, "decline": 0}},
            "rules": [{"id": "new-domain-observe", "hits": 14, "rate": 0.011667}],
            "items": [],
        }
    )

    since: str
    decisions: int
    with_shadow_hits: int
    would_change: int
    transitions: dict[str, dict[str, int]]
    rules: list[dict[str, Any]]
    items: list[dict[str, Any]]


class BacktestReport(BaseModel):
    """A candidate replayed over recorded decisions: transitions, hits, confusion."""

    model_config = example(
        {
            "since": AT,
            "excluded": 0,
            "truncated": False,
            "seconds": 0.41,
            "decisions": 1200,
            "changed": 5,
            "transitions": {"approve": {"approve": 1100, "review": 5, "decline": 0}},
            "labels": {"fraud": 12, "legitimate": 30},
            "confusion": {"current": None, "candidate": None},
            "rules": [{"id": "email-disposable", "hits": 40, "rate": 0.033333}],
        }
    )

    since: str
    excluded: int
    truncated: bool
    seconds: float
    decisions: int
    changed: int
    transitions: dict[str, dict[str, int]]
    labels: dict[str, int]
    confusion: dict[str, Any]
    rules: list[dict[str, Any]]


class RuleResult(BaseModel):
    id: str
    mode: str
    action: Any
    fired: bool | None
    error: str | None
    signals: dict[str, Any]


class Simulation(BaseModel):
    """One signup against the live rules, recording nothing: every signal and rule result."""

    model_config = example(
        {
            "rules_version": "v4",
            "outcome": "approve",
            "score": 0.02,
            "risk_total": 0.02,
            "shadow_outcome": "approve",
            "reasons": [],
            "signals": {"email.disposable": False},
            "rules": [
                {
                    "id": "email-disposable",
                    "mode": "active",
                    "action": "decline",
                    "fired": False,
                    "error": None,
                    "signals": {"email.disposable": False},
                }
            ],
            "discarded_fields": [],
        }
    )

    rules_version: str
    outcome: Outcome
    score: float
    risk_total: float
    shadow_outcome: str | None
    reasons: list[dict[str, Any]]
    signals: dict[str, Any]
    rules: list[RuleResult]
    discarded_fields: list[str]


# --- lists ---------------------------------------------------------------------------

_ENTRY = {
    "id": 12,
    "list": "block",
    "kind": "email_domain",
    "key": "bad.example",
    "reason": "case 4711",
    "expires_at": None,
    "expired": False,
    "created_by": "admin-key",
    "created_at": AT,
}


class ListEntry(BaseModel):
    """A list entry: domains by name, other values only as keyed pseudonyms."""

    model_config = example(_ENTRY)

    id: int
    list: Literal["block", "allow"]
    kind: str
    key: str
    reason: str
    expires_at: str | None
    expired: bool
    created_by: str
    created_at: str


class ListPage(BaseModel):
    model_config = example({"items": [_ENTRY], "next": 12})

    items: list[ListEntry]
    next: int | None = Field(default=None, description="Send as `after` for the next page.")


class ListMatches(BaseModel):
    model_config = example({"items": [_ENTRY]})

    items: list[ListEntry]


class RemovedEntry(BaseModel):
    model_config = example({"removed": _ENTRY})

    removed: ListEntry


class ListChange(BaseModel):
    entry_id: int
    action: str
    list: str
    kind: str
    reason: str | None
    expires_at: str | None
    actor: str
    at: str


class ListChanges(BaseModel):
    model_config = example(
        {
            "items": [
                {
                    "entry_id": 12,
                    "action": "add",
                    "list": "block",
                    "kind": "email_domain",
                    "reason": "case 4711",
                    "expires_at": None,
                    "actor": "admin-key",
                    "at": AT,
                }
            ]
        }
    )

    items: list[ListChange]


# --- data-subject rights -------------------------------------------------------------

_RIGHTS = {
    "request_id": "sr_0c5e9a2b4d6f8a1c3e5b",
    "right": "erasure",
    "received_at": AT,
    "due_by": "2027-01-01",
    "completed_at": AT,
    "outcome": "completed",
    "reason": None,
    "actions": {"decisions": 2, "reviews_withdrawn": 0},
    "operator_note": "Ticket 9",
    "actor": "admin-key",
}


class RightsRequest(BaseModel):
    """A rights request as recorded, with what was done."""

    model_config = example(_RIGHTS)

    request_id: str
    right: str
    received_at: str
    due_by: str
    completed_at: str | None
    outcome: str | None
    reason: str | None
    actions: dict[str, Any] | None
    operator_note: str | None
    actor: str | None


class RightsRegister(BaseModel):
    model_config = example({"items": [_RIGHTS], "next": "1796115600000000~sr_0c5e9a2b4d6f8a1c3e5b"})

    items: list[RightsRequest]
    next: str | None = Field(default=None, description="Send as `cursor` for the next page.")


class SubjectExport(BaseModel):
    """Access and portability: everything stored about the subject, in one document."""

    model_config = ConfigDict(
        extra="allow",
        openapi_extra={  # type: ignore[typeddict-unknown-key]
            "example": {
                "schema": "screening-subject-export/1",
                "generated_at": AT,
                "request_id": "sr_0c5e9a2b4d6f8a1c3e5b",
                "policy_version": "2026-11-25",
                "subject": {"identified_by": "email", "active_services": None},
                "decisions": [],
            }
        },
    )

    schema_: str = Field(alias="schema")
    generated_at: str
    request_id: str
    policy_version: str
    subject: dict[str, Any]


# --- breaches ------------------------------------------------------------------------

_BREACH = {
    "breach_id": "br_6a1d3f5b7c9e2a4c",
    "detected_at": AT,
    "recorded_at": AT,
    "recorded_by": "admin-key",
    "nature": "A backup file was readable without authentication.",
    "categories": ["email"],
    "window": {"from": "2026-11-01T00:00:00Z", "to": "2026-11-30T23:59:59Z"},
    "criteria": {},
    "subjects_affected": 120,
    "records_affected": 131,
    "notices_queued": 120,
    "notify_authority_by": "2026-12-04T09:00:00Z",
    "authority_notified_at": None,
    "overdue": False,
    "draft": "Notification to the Belgian Data Protection Authority ...",
}


class BreachWindow(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str | None


class Breach(BaseModel):
    """A breach in the register, with its Art. 33 deadline and notification draft."""

    model_config = example(_BREACH)

    breach_id: str
    detected_at: str
    recorded_at: str
    recorded_by: str | None
    nature: str
    categories: list[str]
    window: BreachWindow
    criteria: dict[str, Any] | None
    subjects_affected: int
    records_affected: int
    notices_queued: int
    notify_authority_by: str
    authority_notified_at: str | None
    overdue: bool
    draft: str | None


class BreachRegister(BaseModel):
    model_config = example({"items": [_BREACH]})

    items: list[Breach]


# --- the service ---------------------------------------------------------------------


class Liveness(BaseModel):
    model_config = example({"status": "ok"})

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether the database, rules, model and policy are usable (503 when not)."""

    model_config = example(
        {
            "status": "ready",
            "checks": {
                "policy": "2026-11-25",
                "model": "risk-2026-11",
                "database": "ok",
                "rules": "v4",
            },
        }
    )

    status: Literal["ready", "not_ready"]
    checks: dict[str, str]


class PolicyDocument(BaseModel):
    """The privacy policy file as JSON, with its fingerprint."""

    model_config = ConfigDict(
        extra="allow",
        openapi_extra={  # type: ignore[typeddict-unknown-key]
            "example": {
                "version": "2026-11-25",
                "controller": {"name": "Cloudnovi"},
                "fields": {"email": {"storage": "stored", "purposes": ["account"]}},
                "retention": {"days": {"approve": 90, "review": 365, "decline": 365}},
                "hold_deadline": {"working_days": 2},
                "fingerprint": "3be1...",
            }
        },
    )

    version: str
    controller: dict[str, Any]
    purposes: dict[str, Any]
    lawful_bases: dict[str, Any]
    fields: dict[str, Any]
    retention: dict[str, Any]
    breach: dict[str, Any]
    hold_deadline: dict[str, Any]
    fingerprint: str


class OpenAPIDocument(BaseModel):
    """This document."""

    model_config = ConfigDict(
        extra="allow",
        openapi_extra={  # type: ignore[typeddict-unknown-key]
            "example": {"openapi": "3.1.0", "info": {"title": "Signup screening"}, "paths": {}}
        },
    )

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]


METRICS = {
    "description": "Prometheus text exposition (no personal data in any label).",
    "content": {
        "text/plain": {
            "schema": {"type": "string"},
            "example": "# HELP screening_screenings_total Screenings by outcome\n"
            'screening_screenings_total{outcome="approve"} 42.0\n',
        }
    },
}
REDIRECT = {
    "description": "Redirect to the Swagger UI.",
    "headers": {"Location": {"schema": {"type": "string"}, "description": "/docs/swagger"}},
}
