"""The customer's side of a decision: what they may read, in their language.

``customer_view`` answers ``GET /v1/decisions/{id}`` for the holder of the
contest token: the effective outcome, the page's state, the reasons and what
would change the outcome in plain words, the data used and why, and the review.
``screen_corrections`` screens a contest's proposed corrections in simulation.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from screening.core import i18n
from screening.core.checks import SignalValue
from screening.core.counterfactual import Change, Scorer, what_would_change
from screening.core.i18n import messages
from screening.core.pipeline import evaluate, run_checks
from screening.core.rules.ruleset import RuleSet, parse_rule_set
from screening.core.vocabulary import iso
from screening.runtime import Runtime
from screening.store import decisions as store
from screening.store import reviews as review_store
from screening.store import rulesets as ruleset_store
from screening.store.models import Decision, PersonalData, ReviewRequest

# States of the customer's page, from the decision and its latest review request.
STATES = ("approved", "held", "declined", "under_review", "resolved")
_PERSONAL = ("first_name", "last_name", "email", "phone", "address")
_rule_sets: dict[tuple[str, str], RuleSet] = {}
_rule_sets_lock = threading.Lock()


def effective_outcome(events: list[Any], automated: str) -> tuple[str, dict[str, Any] | None]:
    """Return the latest human resolution's outcome (if any) and that resolution."""
    resolution = None
    for event in events:
        if event.kind == "review_resolved":
            resolution = event
    if resolution is None:
        return automated, None
    return resolution.data["outcome"], {
        "outcome": resolution.data["outcome"],
        "resolved_at": iso(resolution.created_at),
    }


def state_of(outcome: str, review: ReviewRequest | None) -> str:
    """Return what the page tells the person: one of :data:`STATES`.

    A held signup's automated case is "held" until the person contests it: they have not
    asked for anything yet, and may still tell us their side.
    """
    if review is not None:
        if review.status == "resolved":
            return "resolved"
        if review.source == "customer" or review.contested_at is not None:
            return "under_review"
    return {"approve": "approved", "review": "held"}.get(outcome, "declined")


def review_summary(review: ReviewRequest | None) -> dict[str, Any] | None:
    """The latest review case of a decision, as the customer and the host may see it."""
    if review is None:
        return None
    return {
        "review_request_id": review.id,
        "source": review.source,
        "status": review.status,
        "contested": review.contested_at is not None,
        "due_by": review.due_by.isoformat(),
        "outcome": review.resolution_outcome,
    }


def host_view(session: Session, decision: Decision) -> dict[str, Any]:
    """What the host needs to act on a decision: ids, outcomes and the review's state.

    No personal data, no signals or scores: only what the screening answer already told it.
    """
    outcome, resolution = effective_outcome(store.events(session, decision.id), decision.outcome)
    return {
        "decision_id": decision.id,
        "decided_at": iso(decision.created_at),
        "outcome": outcome,
        "automated_outcome": decision.outcome,
        "human_review": resolution,
        "review": review_summary(review_store.latest_request(session, decision.id)),
        "reasons": [{k: r[k] for k in ("code", "field", "message")} for r in decision.reasons],
    }


def rule_set_of(runtime: Runtime, session: Session, version: str) -> RuleSet | None:
    """Return the rule set (by version) that made a decision, compiled once per process."""
    live = runtime.rules.current()
    if live.version == version:
        return live.rule_set
    row = ruleset_store.by_version(session, version)
    if row is None:
        return None
    key = (row.version, row.digest)
    with _rule_sets_lock:
        if key not in _rule_sets:
            if len(_rule_sets) > 32:
                _rule_sets.clear()
            _rule_sets[key] = parse_rule_set(ruleset_store.document_of(row))
        return _rule_sets[key]


def scorer_of(runtime: Runtime, decision: Decision) -> Scorer:
    """Return the model that scored ``decision``; a retired model's score is held fixed."""
    if decision.model_version == runtime.model_version:
        return runtime.scorer
    recorded = float(decision.score)
    return lambda _signals: recorded


def changes_text(language: str, changes: list[Change]) -> list[dict[str, str]]:
    """Return ``{"field", "message"}`` for each change, in plain words in ``language``."""
    out = []
    for change in changes:
        if change.field == "phone" and change.country:
            text = messages.CHANGES[("phone_country", change.outcome)]
            message = i18n.gettext(
                language, text, country=i18n.country_name(language, change.country)
            )
        else:
            message = i18n.gettext(language, messages.CHANGES[(change.field, change.outcome)])
        out.append({"field": change.field, "message": message})
    return out


def data_used(runtime: Runtime, language: str) -> list[dict[str, Any]]:
    """Return each stored field, named for the person, with why it is used."""
    policy = runtime.policy
    out = []
    for name, spec in policy.fields.items():
        if spec.storage != "stored":
            continue
        label = messages.FIELD_LABELS.get(name)
        out.append(
            {
                "field": name,
                "label": i18n.gettext(language, label) if label else name.replace("_", " "),
                "purposes": [
                    i18n.gettext(language, messages.PURPOSES[p])
                    if p in messages.PURPOSES
                    else policy.raw["purposes"][p]["description"]
                    for p in spec.purposes
                ],
            }
        )
    return out


def customer_view(
    runtime: Runtime,
    session: Session,
    decision: Decision,
    *,
    chosen_language: str | None = None,
    accept_language: str | None = None,
) -> dict[str, Any]:
    """What the person concerned may see, in their language (chosen, stored, header, en)."""
    personal = store.personal_data(session, decision.id)
    language = i18n.choose(
        chosen_language, personal.language if personal else None, accept_language=accept_language
    )
    events = store.events(session, decision.id)
    review = review_store.latest_request(session, decision.id)
    outcome, resolution = effective_outcome(events, decision.outcome)
    if resolution is not None and review is not None and review.status == "resolved":
        resolution["note"] = review.resolution_note
    state = state_of(decision.outcome, review)
    changes: list[Change] = []
    if state in ("held", "declined", "under_review"):
        rule_set = rule_set_of(runtime, session, decision.rules_version)
        if rule_set is not None:
            changes = what_would_change(
                decision.signals,
                rule_set,
                outcome=decision.outcome,
                scorer=scorer_of(runtime, decision),
            )
    return {
        "decision_id": decision.id,
        "decided_at": iso(decision.created_at),
        "language": language,
        "state": state,
        "outcome": outcome,
        "automated_outcome": decision.outcome,
        "automated": True,
        "human_review": resolution,
        "reasons": i18n.translate_reasons(language, decision.reasons),
        "what_would_change": changes_text(language, changes),
        "can_contest": state in ("held", "declined"),
        "data_used": data_used(runtime, language),
        "review": review_summary(review),
        "your_rights": i18n.gettext(
            language,
            messages.N_(
                "This decision was made automatically. You can state your point of view and "
                "ask for a person to review it."
            ),
        ),
    }


def screen_corrections(
    runtime: Runtime,
    session: Session,
    decision: Decision,
    corrections: Mapping[str, Any] | None,
) -> dict[str, Any] | None:
    """Screen the decision's data with the person's corrections applied, in simulation.

    Nothing is counted or recorded but the result, which holds the outcome and reason
    codes only: the rule set and model of the decision, velocity and list signals as
    recorded (a correction does not make a signup new).
    """
    if not corrections:
        return None
    personal: PersonalData | None = store.personal_data(session, decision.id)
    if personal is None:
        return None
    signup: dict[str, Any] = {
        name: getattr(personal, name) for name in _PERSONAL if getattr(personal, name) is not None
    }
    for name, value in corrections.items():
        if name == "address" and isinstance(value, Mapping):
            signup["address"] = {**(signup.get("address") or {}), **value}
        elif name in _PERSONAL:
            signup[name] = value
    rule_set = rule_set_of(runtime, session, decision.rules_version)
    if rule_set is None:
        return None
    checked = run_checks(
        signup,
        {},
        policy=runtime.policy,
        today=decision.created_at.date(),
        resolver=None,
        name_scorer=runtime.name_scorer,
    )
    kept: dict[str, SignalValue] = {
        k: v
        for k, v in decision.signals.items()
        if k.split(".", 1)[0] in ("velocity", "list", "age")
    }
    screened = evaluate(checked, rule_set, extra=kept, scorer=scorer_of(runtime, decision))
    return {
        "fields": sorted(corrections),
        "outcome": screened.decision.outcome,
        "automated_outcome": decision.outcome,
        "reasons": [
            {"code": r.code, "field": r.field, "message": r.message}
            for r in screened.decision.reasons
        ],
    }
