"""What may decline: a name, an address or a typo never declines a signup on its own.

Properties over generated signups (hypothesis), for the shipped rule set and any model
score: with only name, address and typo signals changed from an ordinary signup, nothing
declines; and whatever is generated, a decline always has strong evidence or a decline
rule reading something other than the name, the address or a typo.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.config import DEFAULT_POLICY, DEFAULT_RULES
from screening.core import evidence
from screening.core.checks import SignalValue
from screening.core.decide import decide
from screening.core.pipeline import evaluate, run_checks
from screening.core.policy import load_policy
from screening.core.rules.ruleset import load_rule_set, parse_rule_set
from screening.core.signals import CATALOGUE, defaults

SHIPPED = load_rule_set(DEFAULT_RULES)
WEAK = sorted(name for name in CATALOGUE if evidence.is_weak(name))
ORDINARY: dict[str, SignalValue] = {
    **defaults(),
    "email.valid_syntax": True,
    "email.domain": "gmail.com",
    "email.free_provider": True,
    "email.name_match": True,
    "email.name_similarity": 1.0,
    "phone.parsed": True,
    "phone.possible": True,
    "phone.valid": True,
    "phone.line_type": "mobile",
    "phone.region": "BE",
    "phone.country_code": 32,
    "address.country": "BE",
    "address.country_known": True,
    "address.line1_has_number": True,
}


def value_for(name: str) -> st.SearchStrategy[Any]:
    kind = CATALOGUE[name].type
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.integers(min_value=0, max_value=50)
    if kind == "float":
        return st.floats(min_value=0.0, max_value=1.0)
    if kind == "string":
        return st.sampled_from(["", "Latin", "Arabic", "XX", "gmail.com", "sequence", "BE"])
    return st.lists(st.sampled_from(["line1", "city", "country", "Latin", "Han"]), max_size=3)


@st.composite
def weak_changes(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(WEAK), min_size=1, max_size=len(WEAK), unique=True))
    return {name: draw(value_for(name)) for name in names}


@st.composite
def any_changes(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(CATALOGUE)), max_size=25, unique=True))
    return {name: draw(value_for(name)) for name in names}


scores = st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0))


def test_the_weak_and_strong_declarations_name_real_signals() -> None:
    assert WEAK, "no weak signal in the catalogue"
    assert {"name.placeholder", "address.placeholder", "email.domain_typo"} <= set(WEAK)
    assert not evidence.is_weak("email.disposable")
    # Every strong-evidence expression compiles over known signals (as a rule would).
    for key, when in evidence.STRONG_EVIDENCE.items():
        doc = {
            "thresholds": {"review": 0.5, "decline": 0.9},
            "rules": [
                {
                    "id": key.replace("_", "-"),
                    "when": when,
                    "action": "review",
                    "reason": {"code": key, "field": "signup", "message": "Check it."},
                }
            ],
        }
        assert not evidence.weak_only(parse_rule_set(doc).rules[0].signals)


@settings(max_examples=400, deadline=None)
@given(changes=weak_changes(), score=scores)
def test_name_address_and_typo_signals_alone_never_decline(
    changes: dict[str, Any], score: float | None
) -> None:
    signals = {**ORDINARY, **changes}
    evaluation = SHIPPED.evaluate(signals)
    assert not evaluation.strong
    decision = decide(evaluation, SHIPPED.thresholds, score)
    assert decision.outcome != "decline", sorted(h.rule_id for h in decision.hits)


@settings(max_examples=400, deadline=None)
@given(changes=any_changes(), score=scores)
def test_every_decline_rests_on_strong_evidence_or_a_decisive_rule(
    changes: dict[str, Any], score: float | None
) -> None:
    signals = {**ORDINARY, **changes}
    evaluation = SHIPPED.evaluate(signals)
    decision = decide(evaluation, SHIPPED.thresholds, score)
    if decision.outcome == "decline":
        decisive = [h.rule_id for h in decision.hits if h.kind == "decline" and h.decisive]
        assert evaluation.strong or decisive
        if not evaluation.strong:
            # A decisive rule reads at least one signal that is not a name, address or typo.
            rules = {r.id: r for r in SHIPPED.rules}
            assert all(not evidence.weak_only(rules[r].signals) for r in decisive)


def test_a_decline_rule_on_a_name_alone_reviews_and_is_warned_about() -> None:
    rules = parse_rule_set(
        {
            "thresholds": {"review": 0.5, "decline": 0.9},
            "rules": [
                {
                    "id": "odd-name",
                    "when": "name.gibberish || address.placeholder",
                    "action": "decline",
                    "reason": {"code": "odd", "field": "name", "message": "Check it."},
                },
                {
                    "id": "throwaway",
                    "when": "email.disposable && name.gibberish",
                    "action": "decline",
                    "reason": {"code": "tmp", "field": "email", "message": "Check it."},
                },
            ],
        }
    )
    assert [w["rule"] for w in rules.warnings] == ["odd-name"]
    odd = rules.evaluate({**ORDINARY, "name.gibberish": True})
    assert decide(odd, rules.thresholds, 0.99).outcome == "review"
    both = rules.evaluate({**ORDINARY, "name.gibberish": True, "email.disposable": True})
    assert decide(both, rules.thresholds, 0.0).outcome == "decline"


def test_a_score_declines_only_with_strong_evidence() -> None:
    plain = SHIPPED.evaluate(ORDINARY)
    assert decide(plain, SHIPPED.thresholds, 0.999).outcome == "review"
    invalid_phone = SHIPPED.evaluate({**ORDINARY, "phone.valid": False})
    assert invalid_phone.strong
    assert decide(invalid_phone, SHIPPED.thresholds, 0.999).outcome == "decline"


POLICY = load_policy(DEFAULT_POLICY)
letters = st.text(
    alphabet=st.characters(categories=["Lu", "Ll", "Lo", "Mn"]), min_size=1, max_size=14
)
typo_domains = st.sampled_from(
    ["gmial.com", "gmail.con", "gmail.co", "hotmial.com", "yahooo.com", "outlok.com"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=letters, last=letters, domain=typo_domains, street=letters, score=scores)
def test_generated_signups_with_odd_names_shared_addresses_and_typos_are_not_declined(
    first: str, last: str, domain: str, street: str, score: float | None
) -> None:
    """Whole signups through the checks: any letters as a name, a typo domain, a busy address."""
    body = {
        "first_name": first,
        "last_name": last,
        "email": f"someone@{domain}",
        "phone": "+32 470 58 21 97",
        "address": {"line1": f"{street} 16", "city": "Bruxelles", "postal_code": "1000",
                    "country": "BE"},
    }  # fmt: skip
    checked = run_checks(body, {}, policy=POLICY, today=date(2026, 12, 1))
    busy = {"velocity.address_1h": 3, "velocity.address_24h": 3, "velocity.street_1h": 6}
    screened = evaluate(checked, SHIPPED, extra=busy, scorer=(lambda _s: score or 0.0))
    assert screened.signals["email.domain_typo"] is True
    assert screened.signals["email.typo_suggestion"]
    assert screened.decision.outcome != "decline", [h.rule_id for h in screened.decision.hits]
