"""The pure backtest: replaying a candidate over recorded signal values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.core.decide import decide
from screening.core.rules.backtest import (
    Replay,
    comparison_constants,
    history_warnings,
    parse_since,
    projection,
    representative,
    shadow_summary,
)
from screening.core.rules.check import format_report
from screening.core.rules.ruleset import parse_rule_set
from screening.core.signals import defaults
from tests.rules.helpers import document, rule

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", NOW - timedelta(days=30)),
        ("24h", NOW - timedelta(hours=24)),
        ("90m", NOW - timedelta(minutes=90)),
        ("2w", NOW - timedelta(weeks=2)),
        ("2026-11-01", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-01T08:00:00Z", datetime(2026, 11, 1, 8, tzinfo=UTC)),
        ("2026-11-01T09:00:00+01:00", datetime(2026, 11, 1, 8, tzinfo=UTC)),
    ],
)
def test_since_takes_durations_and_iso_times(text: str, expected: datetime) -> None:
    assert parse_since(text, NOW) == expected


@pytest.mark.parametrize("text", ["", "7", "yesterday", "7y", "2026-13-01"])
def test_since_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_since(text, NOW)


@pytest.mark.parametrize(
    ("expressions", "expected"),
    [
        (["velocity.email_24h >= 3"], (3.0,)),
        (["velocity.email_24h >= 3 && x", "(5 < velocity.email_24h) || y"], (3.0, 5.0)),
        (["a ? velocity.email_24h == 2 : false"], (2.0,)),
        (["velocity.email_24h + 1 >= 3"], None),
        (["2 * velocity.email_24h >= 3"], None),
        (["velocity.email_24h >= 3 * 2"], None),
        (["velocity.email_24h >= velocity.phone_24h"], None),
        (["velocity.email_24h in [1, 2]"], None),
        (["-velocity.email_24h < 3"], None),
        (["velocity.email_24h >= 3u"], None),
        (["velocity.email_24h >= 3", "velocity.email_24h > 0 && velocity.email_24h"], None),
        (["phone.line_type == 'velocity.email_24h * 2' && velocity.email_24h < 1"], (1.0,)),
    ],
)
def test_only_plain_comparisons_with_constants_are_bucketed(
    expressions: list[str], expected: tuple[float, ...] | None
) -> None:
    assert comparison_constants("velocity.email_24h", expressions) == expected


@given(
    value=st.integers(min_value=-5, max_value=50) | st.floats(-5, 50, allow_nan=False),
    cuts=st.lists(
        st.integers(-3, 40).map(float) | st.floats(-3, 40, allow_nan=False), min_size=1
    ).map(lambda c: tuple(sorted(set(c)))),
)
def test_a_representative_compares_like_the_value_with_every_constant(
    value: float, cuts: tuple[float, ...]
) -> None:
    rep = representative(value, cuts)
    assert type(rep) is type(value)
    for cut in cuts:
        assert (rep < cut, rep == cut, rep > cut) == (value < cut, value == cut, value > cut)


def signals(**changes: object) -> dict[str, object]:
    values = defaults()
    values.update(changes)
    return values


CANDIDATE = document(
    rule("disposable", "email.disposable", "decline"),
    rule("busy-email", "velocity.email_24h >= 3", "review"),
    rule("voip", "phone.line_type == 'voip'", {"score": 0.3}),
    rule("relay", "email.privacy_relay", {"score": 0.6}, mode="shadow"),
    rule("never", "name.placeholder && !name.placeholder"),
)


def test_replay_gives_transitions_hits_and_label_confusion() -> None:
    rule_set = parse_rule_set(CANDIDATE)
    replay = Replay(rule_set)
    cases = [
        # (signals, recorded outcome, label, expected candidate outcome)
        (signals(**{"email.disposable": True}), "approve", "fraud", "decline"),
        (signals(**{"velocity.email_24h": 7}), "approve", "fraud", "review"),
        (signals(**{"velocity.email_24h": 9}), "review", None, "review"),
        (signals(**{"phone.line_type": "voip"}), "review", "legitimate", "approve"),
        (signals(**{"email.privacy_relay": True}), "approve", "legitimate", "approve"),
        (signals(), "decline", "fraud", "approve"),
    ]
    for values, recorded, label, expected in cases:
        assert replay.add(projection(replay.inputs, values), recorded, None, label) == expected
    report = replay.report()
    assert report["decisions"] == 6 and report["changed"] == 4
    assert report["transitions"]["approve"] == {"approve": 1, "review": 1, "decline": 1}
    assert report["transitions"]["review"] == {"approve": 1, "review": 1, "decline": 0}
    assert report["transitions"]["decline"] == {"approve": 1, "review": 0, "decline": 0}
    # 7 and 9 fall in the same interval of "busy-email" (>= 3): evaluated once.
    assert report["distinct_signal_sets"] == 5
    hits = {r["id"]: r["hits"] for r in report["rules"]}
    assert hits == {"disposable": 1, "busy-email": 2, "voip": 1, "relay": 1, "never": 0}
    assert report["labels"] == {"fraud": 3, "legitimate": 2}
    # candidate holds 2 of 3 frauds and no legitimate signup
    assert report["confusion"]["candidate"] == {
        "tp": 2, "fp": 0, "fn": 1, "tn": 2, "precision": 1.0, "recall": 0.6667,
    }  # fmt: skip
    # the recorded outcomes held 1 fraud (the decline) and 1 legitimate signup
    assert report["confusion"]["current"]["tp"] == 1
    assert report["confusion"]["current"]["fp"] == 1
    by_rule = {r["id"]: r["labelled"] for r in report["rules"]}
    assert by_rule["relay"]["fp"] == 1 and by_rule["relay"]["precision"] == 0.0
    assert by_rule["never"]["precision"] is None and by_rule["never"]["recall"] == 0.0
    text = format_report(report)
    assert "outcome transitions" in text and "precision" in text and "busy-email" in text


def test_the_model_score_stays_the_model_part_of_the_risk_total() -> None:
    replay = Replay(parse_rule_set(CANDIDATE))
    voip = projection(replay.inputs, signals(**{"phone.line_type": "voip"}))
    assert replay.add(voip, "approve", model_score=None) == "approve"  # 0.3 < 0.5
    assert replay.add(voip, "approve", model_score=0.25) == "review"  # 0.55
    assert replay.add(voip, "approve", model_score=0.7) == "decline"  # 1.0


def test_signals_a_decision_did_not_record_take_their_default() -> None:
    replay = Replay(parse_rule_set(document(rule("listed", "list.blocked", "decline"))))
    # The replay also reads the strong-evidence signals (screening.core.evidence).
    recorded_before_lists = projection(replay.inputs, {})
    assert json.loads(recorded_before_lists) == [None] * len(replay.inputs)
    assert replay.add(recorded_before_lists, "approve") == "approve"
    assert replay.add(projection(replay.inputs, {"list.blocked": True}), "approve") == "decline"


def test_history_warns_about_rules_that_never_fire_or_fire_on_most() -> None:
    replay = Replay(parse_rule_set(document(
        rule("always", "!email.disposable"), rule("sometimes", "email.disposable"),
        rule("never", "name.placeholder && !name.placeholder"),
    )))  # fmt: skip
    assert history_warnings(replay) == []  # no history: nothing to say
    for disposable in (False, False, True):
        values = signals(**{"email.disposable": disposable})
        replay.add(projection(replay.inputs, values), "approve")
    warnings = {w["rule"]: w["problem"] for w in history_warnings(replay)}
    assert set(warnings) == {"always", "never"}
    assert "2 of the 3" in warnings["always"] and "more than half" in warnings["always"]
    assert "none of the 3" in warnings["never"]


def test_comparing_a_velocity_count_above_its_cap_is_warned_about_without_history() -> None:
    replay = Replay(parse_rule_set(document(
        rule("busy-domain", "velocity.email_domain_24h >= 500 && !email.free_provider"),
        rule("at-the-cap", "velocity.email_domain_1h >= 100"),
        rule("repeats", "velocity.email_24h >= 3"),
    )))  # fmt: skip
    warnings = history_warnings(replay)
    assert warnings == [
        {
            "rule": "busy-domain",
            "problem": "compares velocity.email_domain_24h with 500, but velocity counts stop "
            "at 100",
        }
    ]


def test_shadow_summary_counts_rules_and_changed_outcomes() -> None:
    at = NOW - timedelta(hours=1)
    rows = [
        ("d3", at, "approve", "review", [{"rule_id": "relay"}, {"rule_id": "busy"}], "v2"),
        ("d2", at, "approve", "approve", [{"rule_id": "relay"}], "v2"),
        ("d1", at, "review", "decline", [{"rule_id": "busy"}], "v1"),
    ]
    report = shadow_summary(rows, {"approve": 10, "review": 2, "decline": 1}, limit=2)
    assert report["decisions"] == 13 and report["with_shadow_hits"] == 3
    assert report["would_change"] == 2
    assert report["transitions"]["approve"] == {"approve": 9, "review": 1, "decline": 0}
    assert report["transitions"]["review"] == {"approve": 0, "review": 1, "decline": 1}
    rules = {r["id"]: r for r in report["rules"]}
    assert rules["relay"]["hits"] == 2 and rules["relay"]["outcome_changed"] == 1
    assert rules["busy"]["hits"] == 2 and rules["busy"]["outcome_changed"] == 2
    assert [i["decision_id"] for i in report["items"]] == ["d3", "d2"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 30), st.booleans()), min_size=1, max_size=30
    )
)
def test_bucketing_never_changes_a_result(rows: list[tuple[int, int, bool]]) -> None:
    """The cached replay agrees with evaluating every decision on its own."""
    rule_set = parse_rule_set(document(
        rule("a", "velocity.email_24h >= 3 && velocity.phone_24h < 10"),
        rule("b", "velocity.email_24h == 5 || email.disposable", {"score": 0.3}),
        rule("c", "velocity.phone_24h > 20", {"score": 0.3}),
    ))  # fmt: skip
    replay = Replay(rule_set)
    for email_24h, phone_24h, disposable in rows:
        values = signals(**{
            "velocity.email_24h": email_24h, "velocity.phone_24h": phone_24h,
            "email.disposable": disposable,
        })  # fmt: skip
        expected = decide(rule_set.evaluate(values), rule_set.thresholds).outcome
        assert replay.add(projection(replay.inputs, values), "approve") == expected
