"""Rule workflows: backtests and history warnings over recorded decisions, and publication.

The replays are pure (:mod:`screening.core.rules.backtest`); this module feeds them the
recorded decisions the store streams, leaves out restricted subjects, and publishes new
versions so that every process picks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from screening.core.rules.backtest import Replay, history_warnings
from screening.core.rules.ruleset import RuleSet
from screening.runtime import Runtime
from screening.store.rulesets import describe, excluded_decisions, recorded, review_labels
from screening.store.rulesets import publish as publish_version
from screening.store.rulesets import rollback as rollback_version

# Decisions made without a model record this model version (runtime.MODEL_VERSION_NONE);
# their score is the rules' own, so replays must not count it as a model part.
_NO_MODEL = "none"
# Validation warns against the last HISTORY_DECISIONS decisions of the last HISTORY_DAYS.
HISTORY_DECISIONS = 1000
HISTORY_DAYS = 30


def replay(
    session: Session,
    rule_set: RuleSet,
    *,
    since: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    progress: Callable[[int], None] | None = None,
) -> tuple[Replay, int]:
    """Replay ``rule_set`` over recorded decisions; return the replay and how many were left out.

    Decisions of subjects who restricted processing or objected are left out
    (:func:`excluded_decisions`). A decision made with a model keeps its stored
    score as the model part of the risk total.

    Args:
        progress: called now and then with the number of decisions read since the last call.
    """
    labels = review_labels(session, since=since)
    excluded = excluded_decisions(session)
    result = Replay(rule_set)
    left_out = pending = 0
    rows = recorded(session, result.inputs, since=since, limit=limit, newest_first=newest_first)
    for decision_id, outcome, score, model_version, projected in rows:
        pending += 1
        if progress is not None and pending == 2000:
            progress(pending)
            pending = 0
        if decision_id in excluded:
            left_out += 1
            continue
        model_score = None if model_version == _NO_MODEL else score
        result.add(projected, outcome, model_score, labels.get(decision_id))
    if progress is not None and pending:
        progress(pending)
    return result, left_out


def recent_warnings(
    session: Session, rule_set: RuleSet, *, now: datetime
) -> tuple[list[dict[str, Any]], int]:
    """Return warnings for rules that would fire on no recent decision, or on most of them.

    Replays ``rule_set`` over the last :data:`HISTORY_DECISIONS` decisions of the
    last :data:`HISTORY_DAYS` days; returns the warnings and how many decisions that was.
    """
    since = now - timedelta(days=HISTORY_DAYS)
    result, _left_out = replay(
        session, rule_set, since=since, limit=HISTORY_DECISIONS, newest_first=True
    )
    return history_warnings(result), result.decisions


def publish(
    runtime: Runtime, rule_set: RuleSet, *, author: str, now: datetime, note: str = ""
) -> dict[str, Any]:
    """Publish ``rule_set`` as the new live version; answer its record and history warnings."""
    with runtime.db.session() as session:
        warnings, _replayed = recent_warnings(session, rule_set, now=now)
        row = publish_version(session, rule_set, author=author, note=note)
        answer = describe(session, row)
    runtime.rules.invalidate()
    return {**answer, "warnings": warnings}


def rollback(runtime: Runtime, version: str, *, author: str, note: str = "") -> dict[str, Any]:
    """Make an earlier version live again, by publishing a copy of it as a new version."""
    with runtime.db.session() as session:
        row = rollback_version(session, version, author=author, note=note)
        answer = describe(session, row)
    runtime.rules.invalidate()
    return answer
