"""Data-subject rights requests, one function per right, for the API and the CLI alike.

Each finds the subject's records, opens the request record (checking the operator's note),
carries out the right and records what was done, in one transaction. What the person asked
and what happened is always recorded, a refusal included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from screening.errors import StorageError, ValidationFailed
from screening.runtime import Runtime
from screening.service import rights
from screening.store import subject_export
from screening.store import subjects as store
from screening.store.models.rights import RightsRequest
from screening.store.subjects import Records, Subject

log = logging.getLogger("screening.subjects")
Act = Callable[[Session, Records, RightsRequest, datetime], Any]


@dataclass(frozen=True)
class Handled:
    """A rights request as recorded (``view``) and what carrying it out produced."""

    view: dict[str, Any]
    result: Any = None

    @property
    def outcome(self) -> str:
        return str(self.view["outcome"])


def _handle(
    runtime: Runtime,
    subject: Subject,
    right: str,
    act: Act,
    *,
    actor: str,
    note: str | None,
    received_at: datetime | None,
) -> Handled:
    now = datetime.now(UTC)
    if received_at is not None and received_at > now:
        raise ValidationFailed(
            "received_at is in the future.",
            fields=[{"field": "received_at", "problem": "is in the future"}],
        )
    with runtime.db.session() as session:
        records = store.find(session, runtime.pseudonyms, subject)
        store.check_note(note, records)
        request = store.new_request(
            records, right, received_at=received_at, note=note, actor=actor, now=now
        )
        result = act(session, records, request, now)
        view = store.request_view(request)
    log.info(
        "rights request",
        extra={
            "request_id": view["request_id"],
            "right": right,
            "outcome": view["outcome"],
            "count": view["actions"].get("decisions", 0),
        },
    )
    return Handled(view, result)


def set_account_status(
    runtime: Runtime,
    subject: Subject,
    *,
    active: bool,
    actor: str,
    note: str | None = None,
    received_at: datetime | None = None,
) -> Handled:
    """Record whether the subject's account has active services (erasure needs none)."""

    def act(session: Session, records: Records, request: RightsRequest, now: datetime) -> None:
        store.set_account_status(
            session, runtime.pseudonyms, records, request, active=active, now=now
        )

    return _handle(
        runtime, subject, "account_status", act, actor=actor, note=note, received_at=received_at
    )


def export(
    runtime: Runtime,
    subject: Subject,
    *,
    actor: str,
    note: str | None = None,
    received_at: datetime | None = None,
) -> Handled:
    """Access and portability (Art. 15, 20): all that is stored about the subject."""

    def act(
        session: Session, records: Records, request: RightsRequest, now: datetime
    ) -> dict[str, Any]:
        request.actions = {"decisions": len(records.decisions)}
        store.mark_decisions(session, records, request, now=now)
        store.save(session, request)
        return subject_export.build(session, runtime.policy, records, request, now=now)

    return _handle(runtime, subject, "access", act, actor=actor, note=note, received_at=received_at)


def erase(
    runtime: Runtime,
    subject: Subject,
    *,
    actor: str,
    note: str | None = None,
    received_at: datetime | None = None,
) -> Handled:
    """Erase the subject's personal data (Art. 17); refused (recorded) while services are active.

    After a completed erasure the database is compacted, so no deleted bytes linger.
    """

    def act(session: Session, records: Records, request: RightsRequest, now: datetime) -> None:
        rights.erase(session, runtime.pseudonyms, runtime.velocity, records, request, now=now)

    handled = _handle(
        runtime, subject, "erasure", act, actor=actor, note=note, received_at=received_at
    )
    if handled.outcome == "completed":
        try:
            runtime.db.compact()
        except SQLAlchemyError as exc:
            raise StorageError("Erased, but compacting the database failed; retry.") from exc
    return handled


def rectify(
    runtime: Runtime,
    subject: Subject,
    corrections: Mapping[str, Any],
    *,
    actor: str,
    note: str | None = None,
    received_at: datetime | None = None,
) -> Handled:
    """Correct the subject's stored fields (Art. 16), recorded without the old values."""
    rights.check_corrections(runtime.policy, corrections)

    def act(session: Session, records: Records, request: RightsRequest, now: datetime) -> None:
        rights.rectify(
            session, runtime.pseudonyms, runtime.policy, records, request, corrections, now=now
        )

    return _handle(
        runtime, subject, "rectification", act, actor=actor, note=note, received_at=received_at
    )


def flag(
    runtime: Runtime,
    subject: Subject,
    right: str,
    *,
    lift: bool,
    actor: str,
    note: str | None = None,
    received_at: datetime | None = None,
) -> Handled:
    """Restrict processing (Art. 18) or record an objection (Art. 21), or lift either."""

    def act(session: Session, records: Records, request: RightsRequest, now: datetime) -> None:
        store.set_flag(session, runtime.velocity, records, request, lift=lift, now=now)

    return _handle(runtime, subject, right, act, actor=actor, note=note, received_at=received_at)
