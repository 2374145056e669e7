"""The breach register (GDPR Art. 33(5)): affected records, the deadline, the notifications.

A breach names a time window and optional criteria; the affected records are
the decisions created in that window that still hold personal data. The
register keeps the counts (not the list), the deadline (detection + the
policy's ``breach.deadline_hours``), an Art. 33(3) notification draft for the
authority the policy names, and queues one notice per affected subject in the
outbox. Breaches past their deadline without a recorded notification are
"overdue": :func:`overdue_gauges` reports their number to ``/metrics``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from screening.core import i18n
from screening.core.i18n import messages
from screening.core.policy import Policy
from screening.core.vocabulary import iso
from screening.errors import Conflict, NotFound, ValidationFailed
from screening.store.models import Decision, OutboxMessage, PersonalData
from screening.store.models.rights import Breach

OVERDUE_GAUGE = (
    "screening_breaches_overdue",
    "Breaches past their authority-notification deadline with no notification recorded.",
)
# Detection times slightly ahead of our clock are tolerated (the reporter's clock may differ).
_CLOCK_SKEW = timedelta(minutes=5)
CONSEQUENCES = {
    "identity": "impersonation or identity fraud using the names",
    "contact": "phishing, spam or unwanted calls to the email addresses and phone numbers",
    "location": "disclosure of postal addresses",
    "account_reference": "linking the records to customers' accounts",
    "human_review": "disclosure of what customers wrote when contesting a decision",
}
TO_COMPLETE = "[to be completed by the controller]"


@dataclass(frozen=True)
class Criteria:
    """Which records in the window are affected: by automated outcome and address country."""

    outcome: str | None = None
    country: str | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: v for k, v in (("outcome", self.outcome), ("country", self.country)) if v}


@dataclass
class Affected:
    records: int = 0
    subjects: set[str] = field(default_factory=set)
    # subject pseudonym -> (their latest affected decision that holds an email, the email)
    notify: dict[str, tuple[str, str]] = field(default_factory=dict)


def categories_allowed(policy: Policy) -> tuple[str, ...]:
    return (*policy.stored_fields, *policy.review_fields)


def check(
    policy: Policy,
    *,
    detected_at: datetime,
    categories: Sequence[str],
    window_from: datetime,
    window_to: datetime,
    now: datetime,
) -> None:
    """Refuse a breach report that cannot be right.

    Raises:
        ValidationFailed: naming each offending field.
    """
    problems: list[dict[str, str]] = []
    if detected_at > now + _CLOCK_SKEW:
        problems.append({"field": "detected_at", "problem": "is in the future"})
    allowed = set(categories_allowed(policy))
    if not categories:
        problems.append({"field": "categories", "problem": "name at least one data category"})
    for i, name in enumerate(categories):
        if name not in allowed:
            problems.append({"field": f"categories.{i}", "problem": "not a field we keep"})
    if len(set(categories)) != len(categories):
        problems.append({"field": "categories", "problem": "lists a field twice"})
    if window_to < window_from:
        problems.append({"field": "window.to", "problem": "is before window.from"})
    if problems:
        names = ", ".join(p["field"] for p in problems)
        raise ValidationFailed(f"Invalid or missing fields: {names}.", fields=problems)


def affected(
    session: Session, window_from: datetime, window_to: datetime, criteria: Criteria
) -> Affected:
    """Find the records created in the window (inclusive) that still hold personal data."""
    stmt = (
        select(
            Decision.id,
            Decision.email_hmac,
            Decision.external_ref_hmac,
            PersonalData.email,
            PersonalData.address,
        )
        .join(PersonalData, PersonalData.decision_id == Decision.id)
        .where(
            Decision.created_at >= window_from,
            Decision.created_at <= window_to,
            Decision.scrubbed_at.is_(None),
        )
        .order_by(Decision.created_at, Decision.id)
    )
    if criteria.outcome:
        stmt = stmt.where(Decision.outcome == criteria.outcome)
    found = Affected()
    for decision_id, email_hmac, ref_hmac, email, address in session.execute(stmt):
        if criteria.country:
            country = str((address or {}).get("country") or "").upper()
            if country != criteria.country:
                continue
        found.records += 1
        subject = email_hmac or ref_hmac or decision_id
        found.subjects.add(subject)
        if email:
            found.notify[subject] = (decision_id, email)
    return found


def create(
    session: Session,
    policy: Policy,
    *,
    detected_at: datetime,
    nature: str,
    categories: Sequence[str],
    window_from: datetime,
    window_to: datetime,
    criteria: Criteria,
    consequences: str | None,
    measures: str | None,
    notify_subjects: bool,
    actor: str,
    now: datetime,
) -> Breach:
    """Record a breach, count what it affects, draft the notification, queue customer notices."""
    check(
        policy,
        detected_at=detected_at,
        categories=categories,
        window_from=window_from,
        window_to=window_to,
        now=now,
    )
    found = affected(session, window_from, window_to, criteria)
    breach = Breach(
        id=f"br_{secrets.token_hex(10)}",
        detected_at=detected_at,
        recorded_at=now,
        recorded_by=actor,
        nature=nature,
        categories=list(categories),
        window_from=window_from,
        window_to=window_to,
        criteria=criteria.to_dict(),
        subjects_affected=len(found.subjects),
        records_affected=found.records,
        notices_queued=0,
        notify_authority_by=detected_at + timedelta(hours=policy.breach_deadline_hours),
        consequences=consequences or None,
        measures=measures or None,
        draft="",
    )
    if notify_subjects:
        _queue_notices(session, found.notify.values(), policy, breach, now)
        breach.notices_queued = len(found.notify)
    breach.draft = draft(policy, breach)
    session.add(breach)
    session.flush()
    return breach


def _queue_notices(
    session: Session,
    targets: Iterable[tuple[str, str]],
    policy: Policy,
    breach: Breach,
    now: datetime,
) -> None:
    """Queue one ``breach_notice`` per (decision id, email), in the customer's language.

    A breach can reach every customer; one ORM flush per notice took about
    1 ms each (bench/rights.py), so the rows go in as one executemany.
    """
    targets = list(targets)
    ids = [decision_id for decision_id, _email in targets]
    languages: dict[str, str | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows_found = session.execute(
            select(PersonalData.decision_id, PersonalData.language).where(
                PersonalData.decision_id.in_(chunk)
            )
        )
        languages.update((row[0], row[1]) for row in rows_found)
    texts: dict[str, str] = {}
    rows = []
    for decision_id, email in targets:
        language = i18n.choose(languages.get(decision_id))
        if language not in texts:
            texts[language] = notice_details(policy, breach, language)
        subject, body = i18n.notice(language, "breach_notice", details=texts[language])
        rows.append(
            {
                "kind": "breach_notice",
                "decision_id": decision_id,
                "recipient": email,
                "subject": subject,
                "body": body,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    if rows:
        session.execute(insert(OutboxMessage), rows)


def get(session: Session, breach_id: str) -> Breach:
    breach = session.get(Breach, breach_id)
    if breach is None:
        raise NotFound("No breach has this id.")
    return breach


def mark_notified(session: Session, breach_id: str, *, at: datetime, actor: str) -> Breach:
    """Record when the authority was notified (once).

    Raises:
        NotFound: no such breach.
        Conflict: the notification is already recorded.
    """
    breach = get(session, breach_id)
    if breach.authority_notified_at is not None:
        raise Conflict("The authority's notification is already recorded for this breach.")
    breach.authority_notified_at = at
    breach.notified_by = actor
    return breach


def listing(session: Session, *, overdue_at: datetime | None, limit: int) -> list[Breach]:
    """Return breaches, newest detection first; only overdue ones if ``overdue_at`` is given."""
    stmt = select(Breach)
    if overdue_at is not None:
        stmt = stmt.where(
            Breach.authority_notified_at.is_(None), Breach.notify_authority_by < overdue_at
        )
    return list(session.scalars(stmt.order_by(Breach.detected_at.desc()).limit(limit)))


def overdue_count(session: Session, now: datetime) -> int:
    stmt = (
        select(func.count())
        .select_from(Breach)
        .where(Breach.authority_notified_at.is_(None), Breach.notify_authority_by < now)
    )
    return int(session.scalar(stmt) or 0)


def overdue_gauges(session: Session) -> list[tuple[str, str, float]]:
    """Return the overdue-breaches gauge, read at scrape time (a ``Runtime.gauge_sources`` item)."""
    name, help_text = OVERDUE_GAUGE
    return [(name, help_text, float(overdue_count(session, datetime.now(UTC))))]


def view(breach: Breach, now: datetime) -> dict[str, Any]:
    """Return a breach as the API and CLI show it."""
    return {
        "breach_id": breach.id,
        "detected_at": iso(breach.detected_at),
        "recorded_at": iso(breach.recorded_at),
        "recorded_by": breach.recorded_by,
        "nature": breach.nature,
        "categories": breach.categories,
        "window": {"from": iso(breach.window_from), "to": iso(breach.window_to)},
        "criteria": breach.criteria,
        "subjects_affected": breach.subjects_affected,
        "records_affected": breach.records_affected,
        "notices_queued": breach.notices_queued,
        "notify_authority_by": iso(breach.notify_authority_by),
        "authority_notified_at": iso(breach.authority_notified_at),
        "overdue": breach.authority_notified_at is None and breach.notify_authority_by < now,
        "draft": breach.draft,
    }


def notice_details(policy: Policy, breach: Breach, language: str = i18n.DEFAULT) -> str:
    """The part of a customer's breach notice that describes this breach (no personal data).

    The frame is in ``language``; what happened and the measures are the register's text.
    """
    lines = messages.BREACH_LINES

    def line(key: str, **values: Any) -> str:
        return i18n.gettext(language, lines[key], **values) + "\n"

    labels = ", ".join(
        i18n.gettext(language, messages.FIELD_LABELS[c]) if c in messages.FIELD_LABELS else c
        for c in breach.categories
    )
    return (
        line(
            "reference",
            reference=breach.id,
            detected_at=i18n.date_text(language, breach.detected_at),
        )
        + line("nature", nature=breach.nature)
        + line("categories", categories=labels)
        + line(
            "measures",
            measures=breach.measures or i18n.gettext(language, lines["investigating"]),
        )
        + line("questions", dpo=_dpo(policy))
    )


def draft(policy: Policy, breach: Breach) -> str:
    """Return the Art. 33(3) notification draft for the authority the policy names."""
    raw = policy.raw
    authority = raw["breach"]
    controller = raw.get("controller") or {}
    categories = "\n".join(f"  - {_label(policy, c)}" for c in breach.categories)
    consequences = breach.consequences or "; ".join(
        dict.fromkeys(
            CONSEQUENCES.get(_category(policy, c), "misuse of the data") for c in breach.categories
        )
    )
    criteria = ", ".join(f"{k} = {v}" for k, v in breach.criteria.items()) or "none"
    hours = policy.breach_deadline_hours
    return "\n".join(
        [
            "Notification of a personal data breach (GDPR Art. 33)",
            "",
            f"To: {authority['authority']}",
            f"    {authority.get('authority_address') or ''}".rstrip(),
            f"From: {controller.get('name', '')}, {controller.get('address', '')}",
            f"Breach reference: {breach.id}",
            f"Detected: {iso(breach.detected_at)}",
            f"Notification due by: {iso(breach.notify_authority_by)} ({hours} hours after "
            "detection; if later, give the reasons for the delay, Art. 33(1))",
            "",
            "(a) Nature of the breach",
            f"  {breach.nature}",
            "  Categories of personal data concerned:",
            categories,
            f"  Records concerned: approximately {breach.records_affected}, created between "
            f"{iso(breach.window_from)} and {iso(breach.window_to)} (criteria: {criteria})",
            f"  Data subjects concerned: approximately {breach.subjects_affected}",
            "",
            "(b) Contact point",
            f"  {_dpo(policy)}",
            "",
            "(c) Likely consequences",
            f"  {consequences}",
            "",
            "(d) Measures taken or proposed",
            f"  {breach.measures or TO_COMPLETE}",
            f"  Data subjects informed: {breach.notices_queued} notice(s) queued.",
            "",
        ]
    )


def _label(policy: Policy, name: str) -> str:
    return f"{name.replace('_', ' ')} ({_category(policy, name).replace('_', ' ')})"


def _category(policy: Policy, name: str) -> str:
    spec = policy.fields.get(name)
    return spec.category if spec else "human_review"


def _dpo(policy: Policy) -> str:
    dpo = (policy.raw.get("controller") or {}).get("dpo") or {}
    email = dpo.get("email") or "[DPO e-mail address: not set in the policy]"
    return f"{dpo.get('title') or 'Data Protection Officer'}, {email}, {dpo.get('address') or ''}"
