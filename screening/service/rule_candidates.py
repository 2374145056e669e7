"""Maker-checker for rule sets: one person proposes a candidate, a second approves it.

A candidate is validated when it is written (a rule set with an error is never
stored; the errors name each rule and its line). Approving publishes it through
the rule-set store's ordinary publish path (a new immutable version, with its diff),
authored by the candidate's author and noting the approver. The author cannot
approve their own candidate, and a candidate written against a live version that
has since changed must be rewritten first (its diff would no longer be what the
checker read).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import yaml

from screening.core.rules.check import locate
from screening.core.rules.ruleset import parse_rule_set, parse_rule_text, validate_rule_set
from screening.core.vocabulary import iso
from screening.errors import Conflict, Forbidden, RuleSetError
from screening.store import rule_candidates as store
from screening.store import rulesets as ruleset_store
from screening.store import users as user_store
from screening.store.models.users import RuleCandidate

log = logging.getLogger("screening.rules")
MAX_SOURCE_CHARS = 256 * 1024


@dataclass(frozen=True)
class Checked:
    """A rule-set text that compiled: its document, warnings and what it changes."""

    document: dict[str, Any]
    digest: str
    warnings: list[dict[str, Any]]


def check(text: str) -> Checked:
    """Compile a rule-set text (YAML or JSON).

    Raises:
        RuleSetError: with ``errors`` naming each rule, its line (and column) and the problem.
    """
    if not text.strip():
        raise RuleSetError(
            "The rule set is empty.", errors=[{"rule": None, "problem": "no rules given"}]
        )
    if len(text) > MAX_SOURCE_CHARS:
        raise RuleSetError(
            "The rule set is too long.", errors=[{"rule": None, "problem": "too long"}]
        )
    document = parse_rule_text(text)
    errors, warnings = validate_rule_set(document)
    if errors:
        located = locate(errors, document=document, text=text)
        raise RuleSetError(f"The rule set has {len(located)} error(s).", errors=located)
    rule_set = parse_rule_set(document)
    return Checked(rule_set.to_document(), rule_set.digest, list(warnings))


def live_source(runtime: Any) -> tuple[str, str]:
    """Return the live version's label and its rules as YAML text to start a candidate from."""
    live = runtime.rules.current()
    document = live.rule_set.to_document()
    document.pop("version", None)
    return live.version, yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def create(runtime: Any, person: Any, *, text: str, note: str) -> str:
    """Store a valid candidate authored by ``person``; return its id.

    Raises:
        RuleSetError: the text does not compile (nothing is stored).
    """
    checked = check(text)
    base = runtime.rules.current().version
    with runtime.db.session() as session:
        row = store.add(
            session,
            document=checked.document,
            source=text,
            digest=checked.digest,
            base_version=base,
            note=note.strip()[:500],
            author_id=person.id,
            now=datetime.now(UTC),
        )
        candidate_id = row.id
    log.info("rule candidate proposed", extra={"candidate_id": candidate_id, "user_id": person.id})
    return candidate_id


def update(runtime: Any, person: Any, candidate_id: str, *, text: str, note: str) -> None:
    """Rewrite a pending candidate (its author only), against the current live version.

    Raises:
        RuleSetError: the text does not compile (the candidate is unchanged).
        Forbidden: ``person`` is not its author.
        Conflict: it is no longer pending.
    """
    checked = check(text)
    base = runtime.rules.current().version
    with runtime.db.session() as session:
        row = store.get_for_update(session, candidate_id)
        _pending(row)
        if row.author_id != person.id:
            raise Forbidden("Only the author can edit a candidate; propose your own instead.")
        row.document, row.source, row.digest = checked.document, text, checked.digest
        row.base_version, row.note = base, note.strip()[:500]
        row.updated_at = datetime.now(UTC)


def approve(runtime: Any, person: Any, candidate_id: str, *, note: str = "") -> str:
    """Approve a candidate as the second person: it is published; return the new version.

    Raises:
        Forbidden: ``person`` wrote it (maker-checker needs two people).
        Conflict: it is not pending, or the live version changed since it was written.
        RuleSetError: it no longer compiles against this release's signals.
    """
    now = datetime.now(UTC)
    with runtime.db.session() as session:
        row = store.get_for_update(session, candidate_id)
        _pending(row)
        if row.author_id == person.id:
            raise Forbidden("You wrote this candidate: a second person must approve it.")
        live = ruleset_store.latest(session)
        if live is not None and live.version != row.base_version:
            raise Conflict(
                f"The live rule set changed to {live.version} after this candidate was written "
                f"against {row.base_version}; its author must update it first."
            )
        rule_set = parse_rule_set(dict(row.document))
        published = ruleset_store.publish(
            session,
            rule_set,
            author=f"user:{row.author_id}",
            note=f"{row.note} [candidate {row.id}, approved by {person.actor}]".strip(),
        )
        row.status = "published"
        row.decided_by_id, row.decided_at = person.id, now
        row.decision_note = note.strip()[:500] or None
        row.published_version = published.version
        version = published.version
    runtime.rules.invalidate()
    log.info("rule candidate published", extra={"candidate_id": candidate_id, "version": version})
    return version


def reject(runtime: Any, person: Any, candidate_id: str, *, note: str = "") -> None:
    """Reject a candidate (its author may withdraw it the same way).

    Raises:
        Conflict: it is not pending.
    """
    with runtime.db.session() as session:
        row = store.get_for_update(session, candidate_id)
        _pending(row)
        row.status = "rejected"
        row.decided_by_id, row.decided_at = person.id, datetime.now(UTC)
        row.decision_note = note.strip()[:500] or None


def _pending(row: RuleCandidate) -> None:
    if row.status != "pending":
        raise Conflict(f"This candidate is already {row.status}.")


def _describe(row: RuleCandidate, people: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "note": row.note,
        "author_id": row.author_id,
        "author": people.get(row.author_id, f"user:{row.author_id}"),
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "base_version": row.base_version,
        "decided_by": people.get(row.decided_by_id, "") if row.decided_by_id else None,
        "decided_at": iso(row.decided_at),
        "decision_note": row.decision_note,
        "published_version": row.published_version,
        "rules": len(row.document.get("rules", [])),
    }


def listing(runtime: Any, *, status: str | None = None) -> list[dict[str, Any]]:
    with runtime.db.session() as session:
        rows = store.listing(session, status=status)
        ids = {r.author_id for r in rows} | {r.decided_by_id for r in rows if r.decided_by_id}
        people = user_store.names(session, ids)
        return [_describe(row, people) for row in rows]


def detail(runtime: Any, candidate_id: str) -> dict[str, Any]:
    """Return a candidate with its source and its diff against the live version.

    Raises:
        NotFound: no candidate has this id.
    """
    with runtime.db.session() as session:
        row = store.get_for_update(session, candidate_id)
        people = user_store.names(session, {row.author_id, row.decided_by_id or row.author_id})
        live = ruleset_store.latest(session)
        live_document = dict(live.document) if live is not None else None
        return {
            **_describe(row, people),
            "source": row.source,
            "document": dict(row.document),
            "live_version": live.version if live is not None else None,
            "stale": live is not None and live.version != row.base_version,
            "diff": ruleset_store.diff(live_document, dict(row.document)),
        }
