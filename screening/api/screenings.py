"""``POST /v1/screenings``: screen a signup, record the decision, answer with it.

The decision is committed before the response is sent: a 2xx means it is stored.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request
from flask_openapi3 import APIBlueprint, Tag
from sqlalchemy.exc import IntegrityError

from screening import metrics
from screening.api.auth import principal, requires
from screening.api.schemas import (
    IdempotencyHeader,
    ScreeningRequest,
    ScreeningResponse,
    error_responses,
)
from screening.api.tokens import new_token, token_hash
from screening.core.hashing import canonical_json
from screening.core.screen import Screened, evaluate, run_checks
from screening.errors import IdempotencyMismatch, StorageError
from screening.runtime import Runtime
from screening.store import decisions as store
from screening.store.lists import list_signals
from screening.store.models import Decision
from screening.store.velocity import Keys

log = logging.getLogger("screening.screenings")
bp = APIBlueprint(
    "screenings",
    __name__,
    url_prefix="/v1",
    abp_tags=[Tag(name="screenings", description="Screen a signup")],
    abp_security=[{"bearer": []}],
)
ERRORS = error_responses(400, 401, 403, 413, 415, 422)


@bp.post("/screenings", responses={201: ScreeningResponse, **ERRORS})
@requires("screen")
def create_screening(body: ScreeningRequest, header: IdempotencyHeader) -> Any:
    """Screen a signup; 201 with the decision, its reasons and the fields to keep."""
    runtime: Runtime = current_app.extensions["screening"]
    started = time.perf_counter()
    raw: dict[str, Any] = request.get_json(silent=True) or {}
    key = header.idempotency_key
    caller = principal()
    body_text = canonical_json(raw).decode() if key else ""
    if key:
        with runtime.db.session() as session:
            existing = store.by_idempotency_key(session, caller.key_id, key)
            if existing is not None:
                return _replay(runtime, session, existing, body_text)

    minimised = runtime.policy.minimise(raw)
    now = datetime.now(UTC)
    live = runtime.rules.current()
    checked = run_checks(
        minimised.kept,
        minimised.transient,
        policy=runtime.policy,
        today=now.date(),
        resolver=runtime.resolver,
        name_scorer=runtime.name_scorer,
    )
    token = new_token()
    decision_id = store.new_decision_id()
    keys: Keys = {}
    try:
        # One transaction: count velocity, decide, record. Nothing is kept if any step fails.
        with runtime.db.session() as session:
            # A subject who restricted or objected to processing is screened and stored,
            # but neither counted in nor recorded for velocity.
            if not runtime.excluded_from_processing(session, checked.normalized):
                keys = runtime.velocity_keys(checked.normalized, checked.signals)
            velocity = runtime.velocity.record_and_count(session, keys, decision_id, now)
            listed = list_signals(session, runtime, checked.normalized, checked.signals, now=now)
            # The explaining scorer keeps the contributions of the score it computes.
            scorer = runtime.explaining_scorer()
            screened = evaluate(checked, live.rule_set, extra={**velocity, **listed}, scorer=scorer)
            new = _new_decision(
                runtime,
                screened,
                decision_id,
                now,
                live.version,
                minimised.discarded,
                api_key_id=caller.key_id,
                idempotency_key=key,
                body_text=body_text,
                token=token,
                latency_ms=(time.perf_counter() - started) * 1000,
                contributions=scorer.contributions,
            )
            store.insert(session, new)
    except Exception as exc:
        runtime.velocity.undo(keys, decision_id)
        if key and isinstance(exc, StorageError) and isinstance(exc.__cause__, IntegrityError):
            # A concurrent retry with the same key won the race: answer with its decision.
            with runtime.db.session() as session:
                existing = store.by_idempotency_key(session, caller.key_id, key)
                if existing is not None:
                    return _replay(runtime, session, existing, body_text)
        raise

    latency = time.perf_counter() - started
    _observe(screened, latency)
    log.info(
        "screened",
        extra={
            "decision_id": decision_id,
            "outcome": screened.decision.outcome,
            "score": screened.decision.score,
            "latency_ms": round(latency * 1000, 3),
            "rules_version": live.version,
            "discarded_count": len(minimised.discarded),
        },
    )
    return _response(
        decision_id=decision_id,
        outcome=screened.decision.outcome,
        score=screened.decision.score,
        reasons=[r.to_dict() for r in screened.decision.reasons],
        normalized=screened.normalized,
        discarded=minimised.discarded,
        token=token,
        versions=(live.version, runtime.model_version, runtime.policy.version),
    ), 201


def _new_decision(
    runtime: Runtime,
    screened: Screened,
    decision_id: str,
    now: datetime,
    rules_version: str,
    discarded: list[str],
    *,
    api_key_id: int,
    idempotency_key: str | None,
    body_text: str,
    token: str,
    latency_ms: float,
    contributions: list[dict[str, Any]],
) -> store.NewDecision:
    decision = screened.decision
    normalized = screened.normalized
    email = normalized.get("email")
    external_ref = normalized.get("external_ref")
    pseudo = runtime.pseudonyms
    return store.NewDecision(
        id=decision_id,
        created_at=now,
        outcome=decision.outcome,
        score=decision.score,
        risk_total=decision.risk_total,
        reasons=[r.to_dict() for r in decision.reasons],
        hits=[h.to_dict() for h in decision.hits],
        shadow_hits=[h.to_dict() for h in decision.shadow_hits],
        shadow_outcome=decision.shadow_outcome,
        signals=dict(screened.signals),
        derived=dict(screened.derived),
        contributions=contributions,
        discarded_fields=list(discarded),
        rules_version=rules_version,
        model_version=runtime.model_version,
        policy_version=runtime.policy.version,
        api_key_id=api_key_id,
        idempotency_key=idempotency_key,
        request_hmac=pseudo.make("request", body_text) if idempotency_key else None,
        contest_token_hash=token_hash(token),
        email_hmac=pseudo.make("email", email) if isinstance(email, str) and email else None,
        external_ref_hmac=(pseudo.make("external_ref", external_ref) if external_ref else None),
        latency_ms=round(latency_ms, 3),
        personal={
            "first_name": normalized.get("first_name"),
            "last_name": normalized.get("last_name"),
            "email": email,
            "phone": normalized.get("phone"),
            "address": normalized.get("address"),
            "external_ref": external_ref,
        },
    )


def _replay(runtime: Runtime, session: Any, existing: Decision, body_text: str) -> Any:
    """Answer a retry with the stored decision and a fresh contest token."""
    if not existing.request_hmac or not runtime.pseudonyms.matches(
        existing.request_hmac, "request", body_text
    ):
        raise IdempotencyMismatch()
    token = new_token()
    existing.contest_token_hash = token_hash(token)
    now = datetime.now(UTC)
    store.append_event(session, existing.id, "contest_token_reissued", {}, actor="api", at=now)
    personal = store.personal_data(session, existing.id)
    session.commit()
    metrics.REPLAYS.inc()
    log.info("screening replayed", extra={"decision_id": existing.id, "replayed": True})
    normalized = _normalized_from(personal)
    response = _response(
        decision_id=existing.id,
        outcome=existing.outcome,
        score=existing.score,
        reasons=existing.reasons,
        normalized=normalized,
        discarded=existing.discarded_fields,
        token=token,
        versions=(existing.rules_version, existing.model_version, existing.policy_version),
    )
    return response, 201, {"Idempotent-Replayed": "true"}


def _normalized_from(personal: Any) -> dict[str, Any]:
    if personal is None:
        return {}
    out: dict[str, Any] = {}
    for name in ("first_name", "last_name", "email", "phone", "address", "external_ref"):
        value = getattr(personal, name)
        if value is not None:
            out[name] = value
    return out


def _response(
    *,
    decision_id: str,
    outcome: str,
    score: float,
    reasons: list[dict[str, Any]],
    normalized: dict[str, Any],
    discarded: list[str],
    token: str,
    versions: tuple[str, str, str],
) -> dict[str, Any]:
    return {
        "decision_id": decision_id,
        "outcome": outcome,
        "score": score,
        "reasons": [{k: r[k] for k in ("code", "field", "message")} for r in reasons],
        "normalized": normalized,
        "discarded_fields": discarded,
        "contest_token": token,
        "versions": {"rules": versions[0], "model": versions[1], "policy": versions[2]},
    }


def _observe(screened: Screened, latency: float) -> None:
    metrics.SCREENINGS.labels(screened.decision.outcome).inc()
    metrics.LATENCY.observe(latency)
    for hit in screened.decision.hits + screened.decision.shadow_hits:
        metrics.RULE_HITS.labels(hit.rule_id, hit.mode).inc()
    for rule_id in screened.decision.rule_errors:
        metrics.RULE_ERRORS.labels(rule_id).inc()
