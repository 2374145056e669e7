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

from sqlalchemy import Text, cast, column, func, literal, select, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from screening.core.rules.ruleset import RuleSet, parse_rule_set
from screening.core.vocabulary import iso
from screening.errors import Conflict, NotFound
from screening.store.models import Decision, DecisionEvent, RuleSetVersion
from screening.store.models.lists import RuleSetChange
from screening.store.subjects import training_exclusions

_RULE_FIELDS = ("when", "action", "mode", "reason", "description")
# SQLite allows 127 arguments per function call and PostgreSQL 100.
_CHUNK = 90


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


def _projection(session: Session, inputs: Sequence[str]) -> tuple[list[ColumnElement[Any]], Any]:
    """Return SQL columns whose texts, joined, are a JSON array of ``inputs``' values.

    The database extracts the few values a rule set reads, so Python never
    parses a decision's whole signal document. PostgreSQL reads the document
    once per row into a record (``jsonb_to_record``, returned as the second
    item, to join laterally): one ``->`` per signal would decompress the stored
    document once per signal.
    """
    columns: list[ColumnElement[Any]] = []
    if session.get_bind().dialect.name == "postgresql":
        if not inputs:
            return columns, None
        record = (
            func.jsonb_to_record(Decision.signals)
            .table_valued(*[column(name, JSONB) for name in inputs])
            .render_derived(name="recorded", with_types=True)
            .lateral()
        )
        for start in range(0, len(inputs), _CHUNK):
            values = [record.c[name] for name in inputs[start : start + _CHUNK]]
            columns.append(cast(func.jsonb_build_array(*values), Text))
        return columns, record
    for start in range(0, len(inputs), _CHUNK):
        chunk = inputs[start : start + _CHUNK]
        if len(chunk) == 1:
            # json_extract with one path returns an SQL value (booleans become 0/1).
            path = literal(f'$."{chunk[0]}"', Text)
            columns.append(Decision.signals.op("->", return_type=Text)(path))
        else:
            paths = [literal(f'$."{name}"', Text) for name in chunk]
            columns.append(func.json_extract(Decision.signals, *paths, type_=Text))
    return columns, None


def _joined(texts: Sequence[str | None], single: bool) -> str:
    if single:
        return f"[{texts[0] or 'null'}]"
    if len(texts) == 1:
        return texts[0] or "[]"
    return "[" + ",".join((t or "[]")[1:-1] for t in texts) + "]"


def recorded(
    session: Session,
    inputs: Sequence[str],
    *,
    since: datetime | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    batch: int = 5000,
) -> Iterator[tuple[str, str, float, str, str]]:
    """Stream ``(decision_id, outcome, score, model_version, projection)`` of recorded decisions.

    The projection is a JSON array of the decision's values of ``inputs`` (null
    where it recorded none), see :func:`screening.core.rules.backtest.projection`.
    """
    columns, record = _projection(session, inputs)
    single = record is None and len(inputs) == 1
    stmt = select(Decision.id, Decision.outcome, Decision.score, Decision.model_version, *columns)
    if record is not None:
        stmt = stmt.select_from(Decision).join(record, true())
    if since is not None:
        stmt = stmt.where(Decision.created_at >= since)
    order = Decision.created_at.desc() if newest_first else Decision.created_at
    stmt = stmt.order_by(order, Decision.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    result = session.execute(stmt.execution_options(yield_per=batch))
    for row in result:
        texts = row[4:]
        yield row[0], row[1], row[2], row[3], _joined(texts, single) if texts else "[]"


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
    stmt = select(DecisionEvent.decision_id, DecisionEvent.data).where(
        DecisionEvent.kind == "review_resolved"
    )
    if since is not None:
        stmt = stmt.join(Decision, Decision.id == DecisionEvent.decision_id).where(
            Decision.created_at >= since
        )
    labels: dict[str, str] = {}
    for decision_id, data in session.execute(stmt.order_by(DecisionEvent.id)):
        label = (data or {}).get("label")
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
