"""Rule sets over HTTP: read the live one, validate, simulate one signup, publish."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag

from screening.api.auth import principal, requires
from screening.api.schemas import ErrorResponse, ScreeningRequest, ValidationReport
from screening.errors import RuleSetError
from screening.rules import parse_rule_set, parse_rule_text, validate_rule_set
from screening.runtime import Runtime
from screening.screen import evaluate, run_checks
from screening.signals import CATALOGUE
from screening.store import rulesets as store

bp = APIBlueprint(
    "rules",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="rules", description="Analysts' rule sets")],
    abp_security=[{"bearer": []}],
)
ERRORS = {code: ErrorResponse for code in (400, 401, 403, 413, 415, 422)}


def accepts_yaml(func: Any) -> Any:
    func.__dict__["_accepts_yaml"] = True
    return func


def _document() -> Any:
    """Return the rule-set document sent as JSON or as YAML text."""
    if request.mimetype == "application/json":
        return json.loads(request.get_data())
    return parse_rule_text(request.get_data(as_text=True))


@bp.get("/rules", responses={401: ErrorResponse, 403: ErrorResponse})
@requires("analyst", "admin")
def get_rules() -> Any:
    """Return the live rule set in the shape it is written in (it can be sent back)."""
    runtime: Runtime = current_app.extensions["screening"]
    live = runtime.rules.current()
    return {**live.rule_set.to_document(), "version": live.version}


@bp.get("/rules/signals", responses={401: ErrorResponse})
@requires("analyst", "admin")
def get_signals() -> Any:
    """List every signal rules can read, with its type and meaning."""
    return {
        "signals": [
            {"name": s.name, "type": s.type, "description": s.description, "default": s.default}
            for s in CATALOGUE.values()
        ]
    }


@bp.post("/rules/validate", responses={200: ValidationReport, **ERRORS})
@requires("analyst", "admin")
@accepts_yaml
def validate_rules() -> Any:
    """Check a rule set (JSON, or YAML with Content-Type: application/yaml) without storing it."""
    try:
        document = _document()
    except RuleSetError as exc:
        return {"valid": False, "errors": exc.errors, "warnings": []}
    errors, warnings = validate_rule_set(document)
    return {"valid": not errors, "errors": errors, "warnings": warnings}


@bp.put("/rules", responses={**ERRORS})
@requires("admin")
@accepts_yaml
def put_rules() -> Any:
    """Publish a new rule-set version; it goes live in every process within seconds."""
    runtime: Runtime = current_app.extensions["screening"]
    rule_set = parse_rule_set(_document())
    author = principal().name
    with runtime.db.session() as session:
        row = store.publish(session, rule_set, author=author)
        version, created = row.version, row.created_at
    runtime.rules.invalidate()
    return {
        "version": version,
        "digest": rule_set.digest,
        "author": author,
        "created_at": created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "rules": len(rule_set.rules),
    }, 201


@bp.post("/rules/simulate", responses={**ERRORS})
@requires("analyst", "admin")
def simulate(body: ScreeningRequest) -> Any:
    """Screen one signup against the live rules, recording nothing: every signal and rule result."""
    runtime: Runtime = current_app.extensions["screening"]
    minimised = runtime.policy.minimise(request.get_json(silent=True) or {})
    live = runtime.rules.current()
    checked = run_checks(
        minimised.kept,
        minimised.transient,
        policy=runtime.policy,
        today=datetime.now(UTC).date(),
        resolver=runtime.resolver,
    )
    screened = evaluate(checked, live.rule_set, scorer=runtime.scorer)
    decision = screened.decision
    return {
        "rules_version": live.version,
        "outcome": decision.outcome,
        "score": decision.score,
        "risk_total": decision.risk_total,
        "shadow_outcome": decision.shadow_outcome,
        "reasons": [r.to_dict() for r in decision.reasons],
        "signals": screened.signals,
        "rules": [
            {
                "id": rule.id,
                "mode": rule.mode,
                "action": rule.action,
                "fired": screened.evaluation.results.get(rule.id),
                "error": screened.evaluation.errors.get(rule.id),
                "signals": {name: screened.signals.get(name) for name in rule.signals},
            }
            for rule in live.rule_set.rules
        ],
        "discarded_fields": minimised.discarded,
    }
