"""Screening use cases: record a screening (the signup form's call) and simulate one (analysts).

Both run the one pipeline, :func:`screening.core.pipeline`; this module adds what needs
storage: idempotent retries, velocity counts, list matches, the decision record, all in
one transaction, so a returned result means the record is committed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from screening import metrics
from screening.core.checks import SignalValue
from screening.core.hashing import canonical_json
from screening.core.identifiers import Identifiers, identify
from screening.core.linked import link_kinds
from screening.core.pipeline import Checked, Context, Screened, screen
from screening.core.rules.ruleset import RuleSet
from screening.core.tokens import new_token, token_hash
from screening.errors import DuplicateRecord, IdempotencyMismatch
from screening.runtime import LiveRuleSet, Runtime
from screening.service import linked
from screening.store import decisions as store
from screening.store import reviews
from screening.store.lookups import list_signals, signup_lookups
from screening.store.models import Decision

log = logging.getLogger("screening.screenings")
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address",
    "external_ref",
    "language",
)


@dataclass(frozen=True)
class Recorded:
    """A committed decision as the signup form receives it (``replayed`` for a retry)."""

    decision_id: str
    outcome: str
    score: float
    reasons: list[dict[str, Any]]
    normalized: dict[str, Any]
    discarded: list[str]
    contest_token: str
    versions: tuple[str, str, str]
    replayed: bool = False


def context(runtime: Runtime, rule_set: RuleSet, **overrides: Any) -> Context:
    """Return the screening context of this process for ``rule_set`` (``overrides`` win)."""
    parts: dict[str, Any] = {
        "policy": runtime.policy,
        "rule_set": rule_set,
        "today": datetime.now(UTC).date(),
        "resolver": runtime.resolver,
        "name_scorer": runtime.name_scorer,
        "scorer": runtime.scorer,
        **overrides,
    }
    return Context(**parts)


def record_screening(
    runtime: Runtime,
    payload: Mapping[str, Any],
    *,
    api_key_id: int,
    idempotency_key: str | None = None,
) -> Recorded:
    """Screen a submitted signup and record the decision; a retry answers the first decision.

    Args:
        runtime: this process's parts.
        payload: the submitted JSON object (shape already validated).
        api_key_id: the calling key (idempotency keys are scoped to it).
        idempotency_key: the caller's retry key, if it sent one.

    Raises:
        IdempotencyMismatch: the key was used before with another body.
        StorageError: the database failed; nothing was recorded.
    """
    started = time.perf_counter()
    body_text = canonical_json(payload).decode() if idempotency_key else ""
    if idempotency_key:
        replay = _replay(runtime, api_key_id, idempotency_key, body_text)
        if replay is not None:
            return replay
    now = datetime.now(UTC)
    live = runtime.rules.current()
    token = new_token()
    decision_id = store.new_decision_id()
    counted: dict[str, Any] = {}
    found: dict[str, Identifiers] = {}

    try:
        # One transaction on one connection: look up, count velocity, decide, record.
        # Nothing is kept if any step fails. It begins at the first lookup, after the
        # checks, so the checks never wait for another screening's write.
        with runtime.db.writer() as conn:

            def lookups(checked: Checked) -> Mapping[str, SignalValue]:
                ids = found["ids"] = identify(
                    checked.normalized, checked.signals, runtime.pseudonyms
                )
                restricted, listed = signup_lookups(conn, ids.subject, ids.listed, now=now)
                if not restricted:
                    counted.update(ids.velocity)
                velocity = runtime.velocity.record_and_count(conn, counted, decision_id, now)
                return {**velocity, **listed}

            # The explaining scorer keeps the contributions of the score it computes.
            scorer = runtime.explaining_scorer()
            screened = screen(
                payload,
                context(runtime, live.rule_set, today=now.date(), scorer=scorer, lookups=lookups),
            )
            new = _new_decision(
                runtime,
                screened,
                found["ids"],
                decision_id,
                now,
                live.version,
                api_key_id=api_key_id,
                idempotency_key=idempotency_key,
                body_text=body_text,
                token=token,
                latency_ms=(time.perf_counter() - started) * 1000,
                contributions=scorer.contributions,
            )
            store.insert(conn, new, key=runtime.db.audit_key)
            # A held signup is never recorded without the case that brings it to a person.
            reviews.open_for_hold(
                conn,
                decision_id,
                screened.decision.outcome,
                now,
                working_days=runtime.policy.hold_working_days,
                key=runtime.db.audit_key,
            )
            # A held signup that shows one actor (variants of its name and postcode, or of
            # its phone number) brings the earlier approved signups it links to a person.
            if link_kinds(screened.decision.outcome, screened.signals):
                with runtime.db.session_on(conn) as session:
                    linked.open_linked_reviews(
                        session,
                        new,
                        counted,
                        velocity=runtime.velocity,
                        working_days=runtime.policy.hold_working_days,
                    )
    except DuplicateRecord:
        runtime.velocity.undo(counted, decision_id)
        if idempotency_key:
            # A concurrent retry with the same key won the race: answer with its decision.
            replay = _replay(runtime, api_key_id, idempotency_key, body_text)
            if replay is not None:
                return replay
        raise
    except BaseException:
        runtime.velocity.undo(counted, decision_id)
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
            "discarded_count": len(screened.discarded),
        },
    )
    return Recorded(
        decision_id=decision_id,
        outcome=screened.decision.outcome,
        score=screened.decision.score,
        reasons=[r.to_dict() for r in screened.decision.reasons],
        normalized=screened.normalized.as_dict(),
        discarded=list(screened.discarded),
        contest_token=token,
        versions=(live.version, runtime.model_version, runtime.policy.version),
    )


def simulate_screening(
    runtime: Runtime, payload: Mapping[str, Any], *, rules: LiveRuleSet | None = None
) -> dict[str, Any]:
    """Screen one signup against the live rules, recording nothing: every signal and rule result.

    List signals are looked up; velocity signals are 0 (counting would record the signup).

    Args:
        rules: another rule set to screen against (a candidate), instead of the live one.
    """
    live = rules or runtime.rules.current()
    with runtime.db.session() as session:

        def lookups(checked: Checked) -> Mapping[str, SignalValue]:
            # Lists are read, not written: simulating records nothing. Velocity counts stay 0.
            ids = identify(checked.normalized, checked.signals, runtime.pseudonyms)
            return list_signals(session, ids.listed)

        screened = screen(payload, context(runtime, live.rule_set, lookups=lookups))
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
        "discarded_fields": list(screened.discarded),
    }


def _new_decision(
    runtime: Runtime,
    screened: Screened,
    ids: Identifiers,
    decision_id: str,
    now: datetime,
    rules_version: str,
    *,
    api_key_id: int,
    idempotency_key: str | None,
    body_text: str,
    token: str,
    latency_ms: float,
    contributions: list[dict[str, Any]],
) -> store.NewDecision:
    decision = screened.decision
    normalized = screened.normalized.as_dict()
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
        discarded_fields=list(screened.discarded),
        rules_version=rules_version,
        model_version=runtime.model_version,
        policy_version=runtime.policy.version,
        api_key_id=api_key_id,
        idempotency_key=idempotency_key,
        request_hmac=(runtime.pseudonyms.make("request", body_text) if idempotency_key else None),
        contest_token_hash=token_hash(token),
        email_hmac=ids.email.current if ids.email else None,
        external_ref_hmac=ids.external_ref.current if ids.external_ref else None,
        latency_ms=round(latency_ms, 3),
        personal={name: normalized.get(name) for name in PERSONAL_FIELDS},
    )


def _replay(
    runtime: Runtime, api_key_id: int, idempotency_key: str, body_text: str
) -> Recorded | None:
    """Answer a retry with the stored decision and a fresh contest token (None: no such key)."""
    with runtime.db.session() as session:
        existing = store.by_idempotency_key(session, api_key_id, idempotency_key)
        if existing is None:
            return None
        if not existing.request_hmac or not runtime.pseudonyms.matches(
            existing.request_hmac, "request", body_text
        ):
            raise IdempotencyMismatch()
        token = new_token()
        now = datetime.now(UTC)
        # Added, not replacing: the token of the answer the customer got stays valid.
        store.add_contest_token(session, existing.id, token_hash(token), at=now)
        store.append_event(session, existing.id, "contest_token_reissued", {}, actor="api", at=now)
        normalized = _normalized_from(store.personal_data(session, existing.id))
        recorded = _recorded_from(existing, normalized, token)
    metrics.REPLAYS.inc()
    log.info("screening replayed", extra={"decision_id": recorded.decision_id, "replayed": True})
    return recorded


def _recorded_from(existing: Decision, normalized: dict[str, Any], token: str) -> Recorded:
    return Recorded(
        decision_id=existing.id,
        outcome=existing.outcome,
        score=existing.score,
        reasons=list(existing.reasons),
        normalized=normalized,
        discarded=list(existing.discarded_fields),
        contest_token=token,
        versions=(existing.rules_version, existing.model_version, existing.policy_version),
        replayed=True,
    )


def _normalized_from(personal: Any) -> dict[str, Any]:
    if personal is None:
        return {}
    out: dict[str, Any] = {}
    for name in PERSONAL_FIELDS:
        value = getattr(personal, name)
        if value is not None:
            out[name] = value
    return out


def _observe(screened: Screened, latency: float) -> None:
    metrics.SCREENINGS.labels(screened.decision.outcome).inc()
    metrics.LATENCY.observe(latency)
    for hit in screened.decision.hits + screened.decision.shadow_hits:
        metrics.RULE_HITS.labels(hit.rule_id, hit.mode).inc()
    for rule_id in screened.decision.rule_errors:
        metrics.RULE_ERRORS.labels(rule_id).inc()
