"""Rule sets over HTTP: read, validate, simulate, publish, roll back, shadow report, backtest."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Annotated, Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from screening.api.auth import principal, requires
from screening.api.intake import check_text
from screening.api.responses import (
    AUTH,
    BODY,
    BacktestReport,
    LiveRuleSet,
    PublishedRuleSet,
    RuleSetHistory,
    RuleSetVersionDocument,
    RuleSetVersionRecord,
    ShadowReport,
    SignalCatalogue,
    Simulation,
    ValidationAnswer,
    answers,
)
from screening.api.schemas import ScreeningRequest
from screening.core.rules.backtest import parse_since, shadow_summary
from screening.core.rules.check import locate
from screening.core.rules.ruleset import RuleSet, parse_rule_set, parse_rule_text, validate_rule_set
from screening.core.signals import CATALOGUE
from screening.core.vocabulary import iso
from screening.errors import NotFound, RuleSetError, ValidationFailed
from screening.runtime import Runtime
from screening.service import rules as rules_service
from screening.service.screenings import simulate_screening
from screening.store import rulesets as store

log = logging.getLogger("screening.rules")
bp = APIBlueprint(
    "rules",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="rules", description="Analysts' rule sets")],
    abp_security=[{"bearer": []}],
)
# A backtest over HTTP replays at most this many of the window's newest decisions
# (the CLI has no cap); about 10 s on one core.
API_BACKTEST_LIMIT = 100_000
Since = Annotated[str, StringConstraints(min_length=2, max_length=40)]


class HistoryQuery(BaseModel):
    limit: Annotated[int, Field(ge=1, le=500)] = 50


class VersionPath(BaseModel):
    version: Annotated[str, StringConstraints(max_length=64)]


class RollbackBody(BaseModel):
    """The earlier version to make live again (published as a new version)."""

    model_config = ConfigDict(extra="forbid")

    version: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class ShadowQuery(BaseModel):
    since: Since = "7d"
    limit: Annotated[int, Field(ge=0, le=1000)] = 100


class BacktestQuery(BaseModel):
    """For a YAML body (the rule set itself): the window."""

    since: Since = "30d"


def _parse_yaml(text: str) -> Any:
    """Parse rule-set YAML; its escapes can make NUL or lone surrogates, refused here."""
    document = parse_rule_text(text)
    check_text(document)
    return document


def accepts_yaml(func: Any) -> Any:
    func.__dict__["_accepts_yaml"] = True
    return func


def _document() -> tuple[Any, str]:
    """Return the rule-set document sent as JSON or as YAML text, and that text."""
    text = request.get_data(as_text=True)
    if not text.strip():
        raise RuleSetError(
            "Send a rule set as JSON or YAML.", errors=[{"rule": None, "problem": "no body"}]
        )
    if request.mimetype == "application/json":
        return json.loads(text), text
    return _parse_yaml(text), text


def _since(text: str, now: datetime) -> datetime:
    try:
        return parse_since(text, now)
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields=[{"field": "since", "problem": str(exc)}]) from exc


def _compile(document: Any, text: str | None) -> RuleSet:
    """Compile a rule set; on errors, raise them with their positions in ``text``."""
    try:
        return parse_rule_set(document)
    except RuleSetError as exc:
        errors = locate(exc.errors, document=document, text=text)
        raise RuleSetError(_refusal(errors), errors=errors) from exc


def _refusal(errors: list[dict[str, Any]]) -> str:
    first = errors[0] if errors else {}
    where = f"rule {first['rule']!r}" if first.get("rule") else "the rule set"
    line = f" (line {first['line']})" if first.get("line") else ""
    more = f" and {len(errors) - 1} more problem(s)" if len(errors) > 1 else ""
    return (
        f"The rule set was refused: {where}{line}: {first.get('problem')}{more}. "
        "The live version stays active."
    )


@bp.get("/rules", responses=answers(200, LiveRuleSet, *AUTH))
@requires("analyst", "admin")
def get_rules() -> Any:
    """Return the live rule set in the shape it is written in (it can be sent back)."""
    runtime: Runtime = current_app.extensions["screening"]
    live = runtime.rules.current()
    return {**live.rule_set.to_document(), "version": live.version}


@bp.get("/rules/signals", responses=answers(200, SignalCatalogue, *AUTH))
@requires("analyst", "admin")
def get_signals() -> Any:
    """List every signal rules can read, with its type and meaning."""
    return {
        "signals": [
            {"name": s.name, "type": s.type, "description": s.description, "default": s.default}
            for s in CATALOGUE.values()
        ]
    }


@bp.post("/rules/validate", responses=answers(200, ValidationAnswer, *AUTH, *BODY))
@requires("analyst", "admin")
@accepts_yaml
def validate_rules() -> Any:
    """Check a rule set (JSON, or YAML with Content-Type: application/yaml) without storing it.

    Errors name the rule and its line (and column, for a CEL syntax error).
    Warnings include rules that would have fired on none, or on more than half,
    of the last 1,000 decisions of the last 30 days.
    """
    runtime: Runtime = current_app.extensions["screening"]
    try:
        document, text = _document()
    except RuleSetError as exc:
        return {"valid": False, "errors": exc.errors, "warnings": [], "history": None}
    errors, warnings = validate_rule_set(document)
    if errors:
        located = locate(errors, document=document, text=text)
        return {"valid": False, "errors": located, "warnings": warnings, "history": None}
    rule_set = parse_rule_set(document)
    with runtime.db.session() as session:
        recent, replayed = rules_service.recent_warnings(session, rule_set, now=datetime.now(UTC))
    return {
        "valid": True,
        "errors": [],
        "warnings": [*warnings, *recent],
        "history": {"decisions": replayed, "days": rules_service.HISTORY_DAYS},
    }


@bp.put("/rules", responses=answers(201, PublishedRuleSet, *AUTH, *BODY))
@requires("admin")
@accepts_yaml
def put_rules() -> Any:
    """Publish a new rule-set version; it goes live in every process within seconds.

    A rule set with any error is refused (422, naming each rule, its line and
    the problem) and the live version stays active. The answer carries the diff
    against the previous version and the history warnings.
    """
    runtime: Runtime = current_app.extensions["screening"]
    document, text = _document()
    rule_set = _compile(document, text)
    answer = rules_service.publish(
        runtime, rule_set, author=principal().name, now=datetime.now(UTC)
    )
    log.info("rule set published", extra={"version": answer["version"], "count": answer["rules"]})
    return answer, 201


@bp.get("/rules/history", responses=answers(200, RuleSetHistory, *AUTH, 422))
@requires("analyst", "admin")
def rules_history(query: HistoryQuery) -> Any:
    """List published versions, newest first: author, time, note and what each changed."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        items = [store.describe(session, row) for row in store.history(session, query.limit)]
    return {"items": items}


@bp.get(
    "/rules/versions/<version>",
    responses=answers(200, RuleSetVersionDocument, *AUTH, 404, 422),
)
@requires("analyst", "admin")
def rules_version(path: VersionPath) -> Any:
    """Return one published version: its record and the rule set itself."""
    runtime: Runtime = current_app.extensions["screening"]
    with runtime.db.session() as session:
        row = store.by_version(session, path.version)
        if row is None:
            raise NotFound(f"No rule-set version is labelled {path.version!r}.")
        return {**store.describe(session, row), "rule_set": store.document_of(row)}


@bp.post("/rules/rollback", responses=answers(201, RuleSetVersionRecord, *AUTH, *BODY, 404, 409))
@requires("admin")
def rollback(body: RollbackBody) -> Any:
    """Make an earlier version live again, by publishing a copy of it as a new version."""
    runtime: Runtime = current_app.extensions["screening"]
    answer = rules_service.rollback(runtime, body.version, author=principal().name, note=body.note)
    log.info("rule set rolled back", extra={"version": answer["version"]})
    return answer, 201


@bp.get("/rules/shadow", responses=answers(200, ShadowReport, *AUTH, 422))
@requires("analyst", "admin")
def shadow(query: ShadowQuery) -> Any:
    """Shadow hits since ``since`` (``7d``, ``24h`` or ISO 8601) and the outcomes they imply."""
    runtime: Runtime = current_app.extensions["screening"]
    since = _since(query.since, datetime.now(UTC))
    with runtime.db.session() as session:
        counts = store.outcome_counts(session, since=since)
        report = shadow_summary(
            store.shadow_decisions(session, since=since), counts, limit=query.limit
        )
    return {"since": iso(since), **report}


@bp.post("/rules/backtest", responses=answers(200, BacktestReport, *AUTH, *BODY))
@requires("analyst", "admin")
@accepts_yaml
def backtest(query: BacktestQuery) -> Any:
    """Replay a candidate rule set over recorded decisions (their stored signals).

    Send ``{"rule_set": {...} or "<YAML text>", "since": "30d"}`` as JSON, or the
    rule set as YAML (Content-Type: application/yaml) with ``?since=30d``.
    Answers the outcome transitions (current -> candidate), hits per rule and,
    where reviews left fraud/legitimate labels, precision, recall and the
    confusion matrices. At most the window's newest 100,000 decisions.
    """
    runtime: Runtime = current_app.extensions["screening"]
    now = datetime.now(UTC)
    if request.mimetype == "application/json" or not request.get_data():
        body = json.loads(request.get_data() or b"{}")
        unknown = sorted(set(body) - {"rule_set", "since"})
        if unknown or "rule_set" not in body:
            raise ValidationFailed(
                'Send {"rule_set": ..., "since"?: ...}.',
                fields=[{"field": name, "problem": "unknown field"} for name in unknown]
                or [{"field": "rule_set", "problem": "required"}],
            )
        raw, since_text = body["rule_set"], body.get("since", "30d")
        if not isinstance(since_text, str):
            raise ValidationFailed("since must be text such as 30d.")
        text = raw if isinstance(raw, str) else None
        document = _parse_yaml(raw) if isinstance(raw, str) else raw
    else:
        text = request.get_data(as_text=True)
        document, since_text = _parse_yaml(text), query.since
    since = _since(since_text, now)
    rule_set = _compile(document, text)
    started = time.perf_counter()
    with runtime.db.session() as session:
        in_window = store.recorded_count(session, since=since)
        result, left_out = rules_service.replay(
            session, rule_set, since=since, limit=API_BACKTEST_LIMIT, newest_first=True
        )
    report = result.report()
    return {
        "since": iso(since),
        "excluded": left_out,
        "truncated": in_window > API_BACKTEST_LIMIT,
        "seconds": round(time.perf_counter() - started, 3),
        **report,
    }


@bp.post("/rules/simulate", responses=answers(200, Simulation, *AUTH, *BODY))
@requires("analyst", "admin")
def simulate(body: ScreeningRequest) -> Any:
    """Screen one signup against the live rules, recording nothing: every signal and rule result.

    List signals are looked up; velocity signals are 0 (counting would record the signup).
    """
    return simulate_screening(
        current_app.extensions["screening"], request.get_json(silent=True) or {}
    )
