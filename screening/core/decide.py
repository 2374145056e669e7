"""Signals, rule hits and a model score in; a decision out. Pure: no I/O.

Precedence: an active ``allow`` hit approves; otherwise ``decline`` beats
``review``; otherwise ``risk_total`` (the model score plus the weights of the
active score rules that fired) meets the rule set's thresholds.

What may decline is declared in :mod:`screening.core.evidence`: a decline rule that
reads only name, address or typo signals reviews instead, and a ``risk_total`` at the
decline threshold declines only with strong evidence (``Evaluation.strong``); without
it, the signup goes to a person.

Until a model is loaded, ``score`` is the rules' own risk score: ``risk_total``
clipped to [0, 1], so it stays a number between 0 and 1 that grows with risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from screening.core.model.reasons import customer_reasons
from screening.core.rules.ruleset import Evaluation, Hit, Reason, reasons_for

# When the score alone holds a signup, no rule supplies a reason: the customer reads the
# strongest contributions in plain words (screening.core.model.reasons), or, when there are
# none to name, one of these.
SCORE_REASONS: Mapping[str, Reason] = {
    "review": Reason(
        "risk_assessment",
        "signup",
        "Some details of your registration need a closer look. "
        "A member of our team will review it.",
    ),
    "decline": Reason(
        "risk_assessment",
        "signup",
        "We could not approve this registration automatically. "
        "You can ask for a person to review the decision.",
    ),
}


@dataclass(frozen=True)
class AutomatedDecision:
    """The automated decision on one signup."""

    outcome: str
    score: float
    risk_total: float
    reasons: tuple[Reason, ...]
    hits: tuple[Hit, ...]
    shadow_hits: tuple[Hit, ...]
    shadow_outcome: str
    rule_errors: Mapping[str, str]


def outcome_for(
    hits: Sequence[Hit], risk_total: float, thresholds: Mapping[str, float], strong: bool
) -> str:
    """Apply precedence allow > decline > review > thresholds to a set of hits.

    ``strong``: the signup carries strong evidence (:mod:`screening.core.evidence`). Only
    with it may ``risk_total`` at the decline threshold decline, and then also a signup a
    review rule holds (an invalid phone and a score that says fraud). A decline rule that
    reads only name, address or typo signals reviews.
    """
    kinds = {h.kind for h in hits}
    if "allow" in kinds:
        return "approve"
    if "decline" in kinds and any(h.kind == "decline" and h.decisive for h in hits):
        return "decline"
    if strong and risk_total >= thresholds["decline"]:
        return "decline"
    if kinds & {"decline", "review"}:
        return "review"
    if risk_total >= thresholds["review"]:
        return "review"
    return "approve"


def decide(
    evaluation: Evaluation,
    thresholds: Mapping[str, float],
    model_score: float | None = None,
    contributions: Sequence[Mapping[str, Any]] = (),
) -> AutomatedDecision:
    """Turn one evaluation (and the model's score, if any) into a decision.

    ``contributions``: the model's explanation of ``model_score``; when the score alone
    holds the signup, its strongest contributions become the customer's reasons.
    """
    active = tuple(h for h in evaluation.hits if h.mode == "active")
    shadow = tuple(h for h in evaluation.hits if h.mode == "shadow")
    base = model_score if model_score is not None else 0.0
    # Rounded so that weights analysts add up by hand (0.6 + 0.3) meet a 0.9 threshold.
    risk_total = round(base + sum(h.weight for h in active if h.kind == "score"), 9)
    with_shadow = round(base + sum(h.weight for h in evaluation.hits if h.kind == "score"), 9)
    score = model_score if model_score is not None else min(1.0, max(0.0, risk_total))
    outcome = outcome_for(active, risk_total, thresholds, evaluation.strong)
    reasons: tuple[Reason, ...] = (
        ()
        if outcome == "approve" and any(h.kind == "allow" for h in active)
        else tuple(reasons_for(active))
    )
    if not reasons and outcome in SCORE_REASONS:
        reasons = customer_reasons(contributions) or (SCORE_REASONS[outcome],)
    return AutomatedDecision(
        outcome=outcome,
        score=round(float(score), 6),
        risk_total=round(float(risk_total), 6),
        reasons=reasons,
        hits=active,
        shadow_hits=shadow,
        shadow_outcome=outcome_for(evaluation.hits, with_shadow, thresholds, evaluation.strong),
        rule_errors=dict(evaluation.errors),
    )
