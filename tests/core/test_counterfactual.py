"""What would change a decision: one field's signals at their ordinary values at a time."""

from __future__ import annotations

from typing import Any

import pytest

from screening.core.counterfactual import Change, corrected, what_would_change
from screening.core.rules.ruleset import parse_rule_set
from screening.core.signals import defaults


def rules(*rules: tuple[str, Any]) -> Any:
    return parse_rule_set(
        {
            "thresholds": {"review": 0.5, "decline": 0.9},
            "rules": [
                {
                    "id": f"r{i}",
                    "when": when,
                    "action": action,
                    "reason": {"code": "test_rule", "field": "signup", "message": "A test."},
                }
                for i, (when, action) in enumerate(rules)
            ],
        }
    )


def recorded(**values: Any) -> dict[str, Any]:
    """Signals of an ordinary Belgian signup, with ``values`` changed (dots as __)."""
    signals = corrected(
        corrected(corrected(corrected(defaults(), "name"), "email"), "phone"), "address"
    )
    signals.update({"address.country": "BE", "phone.region": "BE"})
    signals.update({k.replace("__", "."): v for k, v in values.items()})
    return signals


def test_a_decline_on_the_phone_country_names_the_phone_with_the_country() -> None:
    rule_set = rules(("!phone.matches_address_country", "decline"))
    signals = recorded(phone__matches_address_country=False, phone__region="NL")
    assert what_would_change(signals, rule_set, outcome="decline") == [
        Change("phone", "approve", "BE")
    ]


def test_three_countries_name_the_phone_not_the_address_or_the_mailbox() -> None:
    rule_set = rules(("address.three_countries", "review"))
    signals = recorded(
        address__three_countries=True,
        phone__matches_address_country=False,
        phone__region="PH",
        email__domain_country="RU",
    )
    assert what_would_change(signals, rule_set, outcome="review") == [
        Change("phone", "approve", "BE")
    ]


def test_an_approval_answers_nothing() -> None:
    rule_set = rules(("email.disposable", "decline"))
    assert what_would_change(recorded(), rule_set, outcome="approve") == []


def test_two_faults_each_declining_need_both_corrections_so_neither_is_named() -> None:
    rule_set = rules(("email.disposable", "decline"), ("!phone.valid", "decline"))
    signals = recorded(email__disposable=True, phone__valid=False)
    assert what_would_change(signals, rule_set, outcome="decline") == []


def test_a_partial_improvement_is_named_with_the_outcome_it_gives() -> None:
    rule_set = rules(("email.disposable", "decline"), ("name.gibberish", "review"))
    signals = recorded(email__disposable=True, name__gibberish=True)
    assert what_would_change(signals, rule_set, outcome="decline") == [Change("email", "review")]


def test_velocity_and_lists_are_not_the_persons_to_correct() -> None:
    rule_set = rules(("list.blocked", "decline"))
    signals = recorded(list__blocked=True)
    assert what_would_change(signals, rule_set, outcome="decline") == []


@pytest.mark.parametrize("score", [0.2, 0.95])
def test_the_model_scores_the_changed_signals(score: float) -> None:
    rule_set = rules(("email.disposable", {"score": 0.6}))
    signals = recorded(email__disposable=True)

    def model(values: Any) -> float:
        return score if not values["email.disposable"] else 0.35

    changes = what_would_change(signals, rule_set, outcome="decline", scorer=model)
    # A high score alone never declines (it needs strong evidence, core/evidence.py): with a
    # real mailbox the signup would have gone to a person instead.
    assert changes == [Change("email", "approve" if score < 0.5 else "review")]
