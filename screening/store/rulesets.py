"""Rule-set versions (every published version kept, the newest is live) and their history.

Publishing stores a new immutable version with its author, time and a diff
against the version before it; a rollback publishes a copy of an earlier one.
This module also reads recorded decisions back for validation, backtests and
the shadow report, streaming only the signal values a rule set reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Text, and_, case, cast, func, null, select
from sqlalchemy.orm import Session

from screening.core.rules.ruleset import RuleSet, parse_rule_set
from screening.core.vocabulary import iso
from screening.errors import Conflict, NotFound
from screening.store.models import Decision, DecisionEvent, RuleSetVersion
from screening.store.models.lists import RuleSetChange
from screening.store.subjects import training_exclusions
from screening.store.vectors import Projector, layouts

_RULE_FIELDS = ("when", "action", "mode", "reason", "description")


def latest(session: Session) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(1))


def latest_id(session: Session) -> int | None:
    return session.scalar(select(func.max(RuleSetVersion.id)))


def diff(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> dict[str, Any]:
    """Return what ``current`` changes against ``previous`` (two rule-set documents).

    Rules are matched by id: ``added`` and ``removed`` list ids, ``changed`` lists
    each changed rule with ``{field: {"from", "to"}}``; ``thresholds`` lists the
    thresholds that moved.
    """
    before = {r["id"]: r for r in (previous or {}).get("rules", [])}
    after = {r["id"]: r for r in current.get("rules", [])}
    changed = []
    for rule_id, rule in after.items():
        old = before.get(rule_id)
        if old is None:
            continue
        fields = {
            name: {"from": old.get(name), "to": rule.get(name)}
            for name in _RULE_FIELDS
            if old.get(name, "" if name == "description" else None)
            != rule.get(name, "" if name == "description" else None)
        }
        if fields:
            changed.append({"id": rule_id, "fields": fields})
    old_thresholds = (previous or {}).get("thresholds", {})
    new_thresholds = current.get("thresholds", {})
    return {
        "added": [rule_id for rule_id in after if rule_id not in before],
        "removed": [rule_id for rule_id in before if rule_id not in after],
        "changed": changed,
        "thresholds": {
            name: {"from": old_thresholds.get(name), "to": new_thresholds.get(name)}
            for name in ("review", "decline")
            if old_thresholds.get(name) != new_thresholds.get(name)
        }
        if previous
        else {},
    }


def publish(
    session: Session,
    rule_set: RuleSet,
    *,
    author: str,
    note: str = "",
    rollback_of: str | None = None,
) -> RuleSetVersion:
    """Store ``rule_set`` as a new version labelled ``v<number>``, with its diff."""
    document = rule_set.to_document()
    row = RuleSetVersion(
        version=f"pending-{rule_set.digest[:16]}-{datetime.now(UTC).timestamp()}",
        digest=rule_set.digest,
        document=document,
        author=author[:100],
        created_at=datetime.now(UTC),
        note=note,
    )
    session.add(row)
    session.flush()
    row.version = f"v{row.id}"
    row.document = {**document, "version": row.version}
    previous = session.scalar(
        select(RuleSetVersion)
        .where(RuleSetVersion.id < row.id)
        .order_by(RuleSetVersion.id.desc())
        .limit(1)
    )
    session.add(
        RuleSetChange(
            version_id=row.id,
            previous=previous.version if previous else None,
            rollback_of=rollback_of,
            diff=diff(previous.document if previous else None, row.document),
        )
    )
    session.flush()
    return row


def rollback(session: Session, version: str, *, author: str, note: str = "") -> RuleSetVersion:
    """Publish a copy of an earlier version as the new live version.

    Raises:
        NotFound: no version has that label.
        Conflict: that version is the live one already.
        RuleSetError: it no longer compiles against this release's signals.
    """
    row = by_version(session, version)
    if row is None:
        raise NotFound(f"No rule-set version is labelled {version!r}.")
    if row.id == latest_id(session):
        raise Conflict(f"{version} is already the live version.")
    rule_set = parse_rule_set(dict(row.document))
    return publish(
        session, rule_set, author=author, note=note or f"rollback to {version}", rollback_of=version
    )


def history(session: Session, limit: int = 100) -> list[RuleSetVersion]:
    stmt = select(RuleSetVersion).order_by(RuleSetVersion.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def by_version(session: Session, version: str) -> RuleSetVersion | None:
    return session.scalar(select(RuleSetVersion).where(RuleSetVersion.version == version))


def document_of(row: RuleSetVersion) -> dict[str, Any]:
    return dict(row.document)


def describe(session: Session, row: RuleSetVersion) -> dict[str, Any]:
    """Return a version's record: label, author, time, note and what it changed."""
    change = session.get(RuleSetChange, row.id)
    if change is None:  # published before diffs were stored: compute it now
        previous = session.scalar(
            select(RuleSetVersion)
            .where(RuleSetVersion.id < row.id)
            .order_by(RuleSetVersion.id.desc())
            .limit(1)
        )
        previous_label = previous.version if previous else None
        changes = diff(previous.document if previous else None, row.document)
        rollback_of = None
    else:
        previous_label, changes, rollback_of = change.previous, change.diff, change.rollback_of
    return {
        "version": row.version,
        "author": row.author,
        "created_at": iso(row.created_at),
        "digest": row.digest,
        "note": row.note,
        "rules": len(row.document.get("rules", [])),
        "previous": previous_label,
        "rollback_of": rollback_of,
        "diff": changes,
    }


# --- recorded decisions, for validation, backtests and the shadow report -----


def recorded(
    session: Session,
    inputs: Sequence[str],
    *,
    since: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    batch: int = 5000,
) -> Iterator[tuple[str, str, float, str, list[Any]]]:
    """Stream ``(decision_id, outcome, score, model_version, values)`` of recorded decisions.

    ``values`` are the decision's values of ``inputs``, in that order (None where it
    recorded none), read from its signal vector (:mod:`screening.store.vectors`): one
    short text per decision. A decision without a vector in a known layout is read from
    its signal document instead.
    """
    known = layouts(session)
    projector = Projector(inputs, known)
    document = case(
        (
            and_(Decision.signal_values.is_not(None), Decision.signal_layout.in_(list(known))),
            null(),
        ),
        else_=cast(Decision.signals, Text),
    )
    stmt = select(
        Decision.id,
        Decision.outcome,
        Decision.score,
        Decision.model_version,
        Decision.signal_layout,
        Decision.signal_values,
        document,
    )
    if since is not None:
        stmt = stmt.where(Decision.created_at >= since)
    order = Decision.created_at.desc() if newest_first else Decision.created_at
    stmt = stmt.order_by(order, Decision.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    values = projector.values
    # Core rows, streamed: the ORM's row processing cost more than reading the vector.
    # (Options on the statement: set on the connection, they would outlive this read.)
    rows_of = session.connection().execute(stmt.execution_options(yield_per=batch))
    for rows in rows_of.partitions():
        for row in rows:
            yield row[0], row[1], row[2], row[3], values(row[4], row[5], row[6])


def recorded_count(session: Session, *, since: datetime | None = None) -> int:
    stmt = select(func.count()).select_from(Decision)
    if since is not None:
        stmt = stmt.where(Decision.created_at >= since)
    return int(session.scalar(stmt) or 0)


def outcome_counts(session: Session, *, since: datetime) -> dict[str, int]:
    """Return how many decisions since ``since`` had each recorded outcome."""
    stmt = (
        select(Decision.outcome, func.count())
        .where(Decision.created_at >= since)
        .group_by(Decision.outcome)
    )
    return {outcome: int(count) for outcome, count in session.execute(stmt)}


def review_labels(session: Session, *, since: datetime | None = None) -> dict[str, str]:
    """Return the latest human-review label (fraud / legitimate) per decision id."""
    stmt = select(DecisionEvent.decision_id, DecisionEvent.data["label"].as_string()).where(
        DecisionEvent.kind == "review_resolved"
    )
    if since is not None:
        stmt = stmt.join(Decision, Decision.id == DecisionEvent.decision_id).where(
            Decision.created_at >= since
        )
    labels: dict[str, str] = {}
    for decision_id, label in session.execute(stmt.order_by(DecisionEvent.id)):
        if label in ("fraud", "legitimate"):
            labels[decision_id] = label
    return labels


def excluded_decisions(session: Session) -> set[str]:
    """Return the decision ids backtests leave out: subjects who restricted processing or
    objected (Art. 18, 21), for as long as the flag stands."""
    return training_exclusions(session)


def shadow_decisions(
    session: Session, *, since: datetime
) -> Iterator[tuple[str, datetime, str, str, list[dict[str, Any]], str]]:
    """Stream decisions since ``since`` that had a shadow hit or a different shadow outcome.

    Yields ``(decision_id, created_at, outcome, shadow_outcome, shadow_hits, rules_version)``,
    newest first.
    """
    length = (
        func.jsonb_array_length
        if session.get_bind().dialect.name == "postgresql"
        else func.json_array_length
    )
    stmt = (
        select(
            Decision.id,
            Decision.created_at,
            Decision.outcome,
            Decision.shadow_outcome,
            Decision.shadow_hits,
            Decision.rules_version,
        )
        .where(
            Decision.created_at >= since,
            (length(Decision.shadow_hits) > 0) | (Decision.shadow_outcome != Decision.outcome),
        )
        .order_by(Decision.created_at.desc(), Decision.id.desc())
    )
    for row in session.execute(stmt.execution_options(yield_per=2000)):
        yield row[0], row[1], row[2], row[3], list(row[4] or []), row[5]
