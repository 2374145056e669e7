"""The rule engine: compilation, validation naming the rule, evaluation, and decisions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.config import DEFAULT_RULES
from screening.core.decide import decide
from screening.core.rules.ruleset import load_rule_set, parse_rule_set, parse_rule_text
from screening.core.signals import CATALOGUE, defaults
from screening.errors import RuleSetError


def rule(rule_id: str, when: str, action: Any = "review", **extra: Any) -> dict[str, Any]:
    return {
        "id": rule_id,
        "when": when,
        "action": action,
        "reason": {"code": rule_id.replace("-", "_"), "field": "email", "message": "Check it."},
        **extra,
    }


def rule_set(*rules: dict[str, Any], review: float = 0.5, decline: float = 0.9) -> Any:
    return parse_rule_set(
        {"thresholds": {"review": review, "decline": decline}, "rules": list(rules)}
    )


def signals(**changes: Any) -> dict[str, Any]:
    values = defaults()
    for key, value in changes.items():
        values[key.replace("__", ".")] = value
    return values


def test_the_shipped_rule_set_loads_and_covers_every_signal_family() -> None:
    shipped = load_rule_set(DEFAULT_RULES)
    families = {name.split(".")[0] for r in shipped.rules for name in r.signals}
    assert families >= {"name", "email", "phone", "address", "age", "velocity"}


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (rule("r-parse", "email.disposable &&"), "does not parse"),
        (rule("r-unknown", "email.disposible"), "unknown signal 'email.disposible'"),
        (rule("r-bare", "disposable"), "unknown signal 'disposable'"),
        (rule("r-group", "email == 1"), "'email' is a signal group"),
        (rule("r-int", "email.local_digits + 1"), "must yield true or false"),
        (rule("r-type", "email.domain > 3"), "fails to evaluate"),
        (rule("r-action", "email.disposable", action="ban"), "'action' must be"),
        (rule("r-weight", "email.disposable", action={"score": 5}), "between -1 and 1"),
        (rule("r-mode", "email.disposable", mode="sometimes"), "'mode' must be"),
        (rule("r-key", "email.disposable", colour="red"), "unknown key 'colour'"),
        (
            {
                **rule("r-field", "email.disposable"),
                "reason": {"code": "x", "field": "ssn", "message": "m"},
            },
            "'reason.field' must be one of",
        ),
    ],
)
def test_an_invalid_rule_is_refused_naming_it(bad: dict[str, Any], problem: str) -> None:
    with pytest.raises(RuleSetError) as info:
        rule_set(rule("fine", "email.disposable"), bad)
    assert [e["rule"] for e in info.value.errors] == [bad["id"]]
    assert problem in info.value.errors[0]["problem"]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(RuleSetError) as info:
        rule_set(rule("twice", "email.disposable"), rule("twice", "phone.valid"))
    assert info.value.errors == [{"rule": "twice", "problem": "duplicate rule id"}]


def test_an_unknown_signal_hidden_behind_short_circuit_is_still_found() -> None:
    with pytest.raises(RuleSetError, match="error"):
        rule_set(rule("sneaky", "false && email.nonexistent"))


def test_yaml_errors_give_line_and_column() -> None:
    with pytest.raises(RuleSetError) as info:
        parse_rule_text("rules:\n  - id: a\n    when: [unclosed\n")
    assert "line" in info.value.errors[0]["problem"]


def test_strings_and_macros_are_not_mistaken_for_signals() -> None:
    rules = rule_set(
        rule("domain", "email.domain.endsWith('.ru') || email.domain == 'phone.valid'"),
        rule("scripts", "name.scripts.exists(s, s == 'Cyrillic')"),
        rule("missing", "size(address.missing_required) > 0"),
    )
    result = rules.evaluate(
        signals(
            email__domain="mail.ru", name__scripts=["Cyrillic"], address__missing_required=["city"]
        )
    )
    assert result.results == {"domain": True, "scripts": True, "missing": True}


def test_evaluation_reads_every_rule_from_one_context() -> None:
    rules = rule_set(
        rule("a", "email.disposable"),
        rule("b", "phone.line_type == 'voip' && velocity.phone_24h >= 3"),
        rule("c", "!phone.valid"),
    )
    hit = rules.evaluate(
        signals(
            email__disposable=True,
            phone__valid=True,
            phone__line_type="voip",
            velocity__phone_24h=3,
        )
    )
    assert hit.results == {"a": True, "b": True, "c": False}
    assert [h.rule_id for h in hit.hits] == ["a", "b"]


def test_a_rule_that_errors_at_run_time_is_named_and_the_others_still_count() -> None:
    rules = rule_set(
        rule("divide", "email.local_digits / (email.local_length - 7) > 0"),
        rule("plain", "email.disposable"),
    )
    result = rules.evaluate(signals(email__local_length=7, email__disposable=True))
    assert result.results == {"divide": None, "plain": True}
    assert "divide" in result.errors
    assert [h.rule_id for h in result.hits] == ["plain"]


@pytest.mark.parametrize(
    ("fired", "outcome"),
    [
        ({"allow", "decline", "review"}, "approve"),
        ({"decline", "review"}, "decline"),
        ({"review"}, "review"),
        ({"score-high"}, "decline"),
        ({"score-mid"}, "review"),
        ({"score-low"}, "approve"),
        ({"score-low", "score-mid"}, "decline"),
        (set(), "approve"),
    ],
)
def test_precedence_is_allow_decline_review_then_thresholds(fired: set[str], outcome: str) -> None:
    rules = rule_set(
        rule("allow", "email.uppercase", action="allow"),
        rule("decline", "email.disposable", action="decline"),
        rule("review", "email.role_account", action="review"),
        rule("score-high", "email.typo_domain", action={"score": 0.95}),
        rule("score-mid", "email.has_plus_tag", action={"score": 0.6}),
        rule("score-low", "email.privacy_relay", action={"score": 0.3}),
    )
    flags = {
        "allow": "email__uppercase",
        "decline": "email__disposable",
        "review": "email__role_account",
        "score-high": "email__typo_domain",
        "score-mid": "email__has_plus_tag",
        "score-low": "email__privacy_relay",
    }
    evaluation = rules.evaluate(signals(**{flags[f]: True for f in fired}))
    assert decide(evaluation, rules.thresholds).outcome == outcome


def test_shadow_rules_are_recorded_but_do_not_decide() -> None:
    rules = rule_set(rule("watch", "email.disposable", action="decline", mode="shadow"))
    decision = decide(rules.evaluate(signals(email__disposable=True)), rules.thresholds)
    assert decision.outcome == "approve"
    assert [h.rule_id for h in decision.shadow_hits] == ["watch"]
    assert decision.shadow_outcome == "decline"
    assert decision.reasons == ()


def test_reasons_are_unique_and_most_severe_first() -> None:
    same = {"code": "email_bad", "field": "email", "message": "Check it."}
    rules = rule_set(
        {**rule("s1", "email.typo_domain", action={"score": 0.3}), "reason": same},
        {**rule("s2", "email.has_plus_tag", action={"score": 0.3}), "reason": same},
        rule("d", "email.disposable", action="decline"),
    )
    decision = decide(
        rules.evaluate(
            signals(email__typo_domain=True, email__has_plus_tag=True, email__disposable=True)
        ),
        rules.thresholds,
    )
    assert [r.code for r in decision.reasons] == ["d", "email_bad"]


@pytest.mark.parametrize(
    ("score", "outcome", "reasons"),
    [
        (0.2, "approve", []),
        (0.6, "review", ["risk_assessment"]),
        (0.95, "decline", ["risk_assessment"]),
    ],
)
def test_a_hold_by_the_score_alone_still_gives_the_customer_a_plain_reason(
    score: float, outcome: str, reasons: list[str]
) -> None:
    rules = rule_set(rule("d", "email.disposable", action="decline"))
    decision = decide(rules.evaluate(signals()), rules.thresholds, score)
    assert decision.outcome == outcome
    assert [r.code for r in decision.reasons] == reasons
    assert all(r.field == "signup" and "0." not in r.message for r in decision.reasons)
    # A rule's own reason is given instead when a rule holds the signup.
    held = decide(rules.evaluate(signals(email__disposable=True)), rules.thresholds, score)
    assert [r.code for r in held.reasons] == ["d"]


def test_score_without_a_model_is_the_clipped_risk_total() -> None:
    rules = rule_set(
        rule("a", "email.typo_domain", action={"score": 0.7}),
        rule("b", "email.has_plus_tag", action={"score": 0.7}),
    )
    both = decide(
        rules.evaluate(signals(email__typo_domain=True, email__has_plus_tag=True)), rules.thresholds
    )
    assert both.risk_total == pytest.approx(1.4) and both.score == 1.0
    with_model = decide(
        rules.evaluate(signals(email__typo_domain=True)), rules.thresholds, model_score=0.1
    )
    assert with_model.score == 0.1 and with_model.risk_total == pytest.approx(0.8)


def test_the_document_round_trips() -> None:
    shipped = load_rule_set(DEFAULT_RULES)
    again = parse_rule_set(shipped.to_document())
    assert again.digest == shipped.digest


def test_every_signal_has_a_type_a_meaning_and_a_default_of_that_type() -> None:
    kinds = {"bool": bool, "int": int, "float": float, "string": str, "list<string>": list}
    for name, signal in CATALOGUE.items():
        assert signal.description.strip(), name
        assert type(signal.default) is kinds[signal.type], name


@given(
    score=st.one_of(st.none(), st.floats(0.0, 1.0)),
    review=st.floats(0.05, 0.6),
    gap=st.floats(0.0, 0.4),
)
def test_a_zero_weight_shadow_hit_decides_as_no_hit_does(
    score: float | None, review: float, gap: float
) -> None:
    thresholds = {"review": review, "decline": review + gap}
    watch = rule_set(rule("watch", "email.has_plus_tag", action={"score": 0.0}, mode="shadow"))
    # A shadow hit of weight 0 is recorded and changes nothing else.
    general = decide(watch.evaluate(signals(email__has_plus_tag=True)), thresholds, score)
    shortcut = decide(watch.evaluate(signals()), thresholds, score)
    assert shortcut.outcome == general.outcome == general.shadow_outcome
    assert (shortcut.score, shortcut.risk_total) == (general.score, general.risk_total)
    assert shortcut.reasons == general.reasons and shortcut.shadow_outcome == general.outcome
