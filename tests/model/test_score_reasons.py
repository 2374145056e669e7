"""When the score alone holds a signup, the customer reads what weighed most, in plain words."""

from __future__ import annotations

import re
from datetime import date

from screening.config import DEFAULT_POLICY, DEFAULT_RULES
from screening.core.decide import SCORE_REASONS, decide
from screening.core.model.artifact import LoadedModel
from screening.core.model.features import FEATURES
from screening.core.model.reasons import CUSTOMER_WORDS, customer_reasons
from screening.core.model.scoring import ExplainingScorer
from screening.core.pipeline import evaluate, run_checks
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set, parse_rule_set
from screening.core.signals import defaults

NUMBER = re.compile(r"\d")


def test_every_risk_raising_feature_has_plain_customer_words() -> None:
    either_way = {"email.free_provider", "email.uppercase", "email.has_plus_tag",
                  "email.name_mismatch", "email.non_ascii", "phone.fixed_line",
                  "address.postal_code_missing"}  # fmt: skip
    for feature in FEATURES:
        if feature.name in either_way:
            continue
        field, message = CUSTOMER_WORDS[feature.name]
        assert field in ("name", "email", "phone", "address", "date_of_birth", "signup")
        assert not NUMBER.search(message), feature.name
        assert "score" not in message.lower() and "threshold" not in message.lower()


def test_the_strongest_raising_contributions_become_reasons_in_order() -> None:
    contributions = [
        {"feature": "email.free_provider", "effect": "lowers", "contribution": -3.0},
        {"feature": "phone.voip", "effect": "raises", "contribution": 2.5},
        {"feature": "phone.special_line", "effect": "raises", "contribution": 2.0},
        {"feature": "email.local_random", "effect": "raises", "contribution": 1.0},
        {"feature": "name.implausibility", "effect": "raises", "contribution": 0.5},
    ]
    reasons = customer_reasons(contributions)
    # Two at most, each sentence once (voip and special lines read the same).
    assert [(r.code, r.field) for r in reasons] == [
        ("risk_assessment", "phone"),
        ("risk_assessment", "email"),
    ]
    rules = parse_rule_set({"thresholds": {"review": 0.5, "decline": 0.9}, "rules": [
        {"id": "d", "when": "email.disposable", "action": "decline",
         "reason": {"code": "d", "field": "email", "message": "No."}}]})  # fmt: skip
    held = decide(rules.evaluate(defaults()), rules.thresholds, 0.7, contributions)
    assert held.outcome == "review" and held.reasons == reasons
    # Nothing to name: the general reason.
    plain = decide(rules.evaluate(defaults()), rules.thresholds, 0.7, contributions[:1])
    assert plain.reasons == (SCORE_REASONS["review"],)


def test_a_hold_by_the_shipped_model_alone_names_what_to_check(shipped: LoadedModel) -> None:
    """Several neighbours on one street within the hour: no rule fires, the model may hold."""
    rules = load_rule_set(DEFAULT_RULES)
    body = {
        "first_name": "Marie", "last_name": "Dubois", "email": "marie.dubois@example.be",
        "phone": "+32 470 58 21 97",
        "address": {"line1": "Rue de la Loi 16", "city": "Bruxelles", "postal_code": "1000",
                    "country": "BE"},
    }  # fmt: skip
    checked = run_checks(body, {}, policy=load_policy(DEFAULT_POLICY), today=date(2026, 12, 1),
                         name_scorer=shipped.name_scorer)  # fmt: skip
    for neighbours in range(1, 5):
        scorer = ExplainingScorer(shipped.scorer)
        extra = {"velocity.street_1h": neighbours, "velocity.street_24h": neighbours}
        decision = evaluate(checked, rules, extra=extra, scorer=scorer).decision
        assert decision.outcome != "decline"  # a shared street is never a decline
        if decision.outcome == "review" and not decision.hits:
            assert decision.reasons == customer_reasons(scorer.contributions)
            assert all(not NUMBER.search(r.message) for r in decision.reasons)
