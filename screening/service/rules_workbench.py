"""The rules workbench: the live set and its history, backtests, one-signup simulation,
the shadow report and rollback, for the console (publication goes through
:mod:`screening.service.rule_candidates`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from screening.core.rules.backtest import parse_since, shadow_summary
from screening.core.rules.ruleset import RuleSet, parse_rule_set
from screening.core.vocabulary import OUTCOMES, iso
from screening.errors import ValidationFailed
from screening.runtime import LiveRuleSet
from screening.service.review_queue import person_name, user_ids
from screening.service.rules import replay
from screening.service.rules import rollback as rollback_version
from screening.service.screenings import simulate_screening
from screening.store import rulesets as ruleset_store
from screening.store import users as user_store
from screening.store.rule_candidates import get_for_update

# Like the API: a backtest from the console replays at most the window's newest decisions.
BACKTEST_LIMIT = 100_000


def overview(runtime: Any, *, history_limit: int = 30) -> dict[str, Any]:
    """Return the live rule set and the published versions with what each changed."""
    live = runtime.rules.current()
    with runtime.db.session() as session:
        rows = ruleset_store.history(session, history_limit)
        history = [ruleset_store.describe(session, row) for row in rows]
        people = user_store.names(session, user_ids(item["author"] for item in history))
    for item in history:
        item["author"] = person_name(item["author"], people)
    return {"version": live.version, "document": live.rule_set.to_document(), "history": history}


def _since(text: str) -> datetime:
    try:
        return parse_since(text or "30d", datetime.now(UTC))
    except ValueError as exc:
        raise ValidationFailed(str(exc), fields=[{"field": "since", "problem": str(exc)}]) from exc


def _candidate_rules(session: Any, candidate_id: str) -> RuleSet:
    return parse_rule_set(dict(get_for_update(session, candidate_id).document))


def transition_bars(transitions: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """Return the outcome changes (current -> candidate) as bars scaled to the largest."""
    changes = [
        (a, b, n)
        for a in OUTCOMES
        for b in OUTCOMES
        if a != b and (n := transitions.get(a, {}).get(b, 0))
    ]
    top = max((n for _a, _b, n in changes), default=0)
    return [
        {"from": a, "to": b, "count": n, "fraction": n / top if top else 0.0} for a, b, n in changes
    ]


def backtest(runtime: Any, candidate_id: str, *, since: str) -> dict[str, Any]:
    """Replay a candidate over recorded decisions since ``since`` (e.g. ``30d``)."""
    start = _since(since)
    started = time.perf_counter()
    with runtime.db.session() as session:
        rule_set = _candidate_rules(session, candidate_id)
        in_window = ruleset_store.recorded_count(session, since=start)
        result, left_out = replay(
            session, rule_set, since=start, limit=BACKTEST_LIMIT, newest_first=True
        )
    report = result.report()
    report["rules"].sort(key=lambda rule: -rule["hits"])  # what fires first
    return {
        **report,
        "since": iso(start),
        "excluded": left_out,
        "truncated": in_window > BACKTEST_LIMIT,
        "seconds": round(time.perf_counter() - started, 3),
        "bars": transition_bars(report["transitions"]),
        "outcomes_list": list(OUTCOMES),
    }


def simulate(runtime: Any, payload: dict[str, Any], *, candidate_id: str | None) -> dict[str, Any]:
    """Screen one signup against the live rules (or a candidate), recording nothing.

    List signals are looked up; velocity counts stay 0 (counting would record the signup).
    """
    rules = None
    if candidate_id:
        with runtime.db.session() as session:
            rules = LiveRuleSet(
                f"candidate {candidate_id}", _candidate_rules(session, candidate_id)
            )
    result = simulate_screening(runtime, payload, rules=rules)
    return {
        **result,
        "against": result["rules_version"] if candidate_id else f"live {result['rules_version']}",
        "fired": [rule["id"] for rule in result["rules"] if rule["fired"]],
    }


def shadow(runtime: Any, *, since: str, limit: int = 50) -> dict[str, Any]:
    """Return the shadow report since ``since``: hits per shadow rule and what they would change."""
    start = _since(since or "7d")
    with runtime.db.session() as session:
        counts = ruleset_store.outcome_counts(session, since=start)
        report = shadow_summary(
            ruleset_store.shadow_decisions(session, since=start), counts, limit=limit
        )
    return {"since": iso(start), **report}


def rollback(runtime: Any, person: Any, version: str) -> str:
    """Make an earlier version live again as ``person``; return the new version's label."""
    return str(rollback_version(runtime, version, author=person.actor)["version"])
