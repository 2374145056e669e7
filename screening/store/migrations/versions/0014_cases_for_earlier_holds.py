"""review cases for held decisions recorded before cases existed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 13:00:00

Since 0009 every held signup (outcome ``review``) opens an ``automated`` case in the
transaction that records it. A signup held before that had no case: nobody was ever
asked to look at it, unless the customer contested. This opens the missing cases, so
every held signup reaches the review queue:

- one ``automated``, ``pending`` case per held decision with no case of any kind, whose
  personal data has not been scrubbed (erased on request or by retention: there is no
  one to answer) and that is younger than the shipped retention of held decisions (365
  days: an open case keeps ``screening retention run`` from scrubbing a decision, and
  one past its retention is due to be scrubbed, not reviewed);
- received when the decision was made, and due 2 working days later (the shipped
  ``hold_deadline``; a migration does not read the deployment's policy). Most are
  therefore overdue at once, which is what they are: the queue shows them first and
  the overdue gauge counts them.

No ``review_opened`` event is appended to these decisions' chains: events are sealed
with the audit key, which migrations do not hold. The case's resolution is chained as
any other (``review_resolved``), and resolving one sends the customer's notice and the
host's webhook as for any case. Downgrading leaves the cases in place: they hold
reviewers' work (below 0009, older code reads every case as a customer's contest).
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

HOLD_WORKING_DAYS = 2
REVIEW_RETENTION_DAYS = 365
BATCH = 1000


def upgrade() -> None:
    from screening.core.deadlines import add_working_days
    from screening.store.models import UTCDateTime  # aware UTC times on either database

    decisions = sa.table(
        "decisions",
        sa.column("id", sa.String()),
        sa.column("outcome", sa.String()),
        sa.column("created_at", UTCDateTime()),
        sa.column("scrubbed_at", UTCDateTime()),
    )
    cases = sa.table(
        "review_requests",
        sa.column("id", sa.String()),
        sa.column("decision_id", sa.String()),
        sa.column("status", sa.String()),
        sa.column("source", sa.String()),
        sa.column("received_at", UTCDateTime()),
        sa.column("due_by", sa.Date()),
    )
    conn = op.get_bind()
    since = datetime.now(UTC) - timedelta(days=REVIEW_RETENTION_DAYS)
    last = ""
    while True:
        # Keyset batches: memory stays bounded however many holds wait.
        rows = conn.execute(
            sa.select(decisions.c.id, decisions.c.created_at)
            .where(
                decisions.c.id > last,
                decisions.c.outcome == "review",
                decisions.c.scrubbed_at.is_(None),
                decisions.c.created_at >= since,
                ~sa.exists().where(cases.c.decision_id == decisions.c.id),
            )
            .order_by(decisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for decision_id, made in rows:
            values.append(
                {
                    "id": f"rr_{secrets.token_hex(10)}",
                    "decision_id": decision_id,
                    "status": "pending",
                    "source": "automated",
                    "received_at": made,
                    "due_by": add_working_days(made.date(), HOLD_WORKING_DAYS),
                }
            )
        conn.execute(sa.insert(cases), values)
        last = rows[-1][0]


def downgrade() -> None:
    """Nothing to undo: the cases opened here may already hold reviewers' work."""
