"""signal vectors: each decision's signal values in one fixed order, for backtests

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 06:30:00

- ``signal_layouts``: each order of signal names that vectors have used, by digest.
- ``decisions.signal_layout`` / ``decisions.signal_values``: the decision's signal
  values as a JSON array in that order (see ``screening.core.signals.vector``). A
  backtest reads this short text instead of extracting every signal it replays from
  the signal document, which on PostgreSQL meant decompressing it on every row.

Existing decisions are backfilled from their ``signals``, in batches.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 2000


def upgrade() -> None:
    # Today's catalogue order: whatever it is when this runs, the layout row records it,
    # so the vectors written here are read by name later.
    from screening.core.signals import LAYOUT, LAYOUT_DIGEST, vector

    layouts = op.create_table(
        "signal_layouts",
        sa.Column("digest", sa.String(length=16), nullable=False),
        sa.Column("names", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.execute("ALTER TABLE decisions ADD COLUMN signal_layout VARCHAR(16)")
    op.execute("ALTER TABLE decisions ADD COLUMN signal_values TEXT")
    op.bulk_insert(
        layouts,
        [{"digest": LAYOUT_DIGEST, "names": list(LAYOUT), "created_at": datetime.now(UTC)}],
    )
    decisions = sa.table(
        "decisions",
        sa.column("id", sa.String()),
        sa.column("signals", JSON),
        sa.column("signal_layout", sa.String()),
        sa.column("signal_values", sa.Text()),
    )
    update = (
        sa.update(decisions)
        .where(decisions.c.id == sa.bindparam("row_id"))
        .values(signal_layout=LAYOUT_DIGEST, signal_values=sa.bindparam("vector"))
    )
    conn = op.get_bind()
    last = ""
    while True:
        rows = conn.execute(
            sa.select(decisions.c.id, decisions.c.signals)
            .where(decisions.c.id > last)
            .order_by(decisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        vectors = [{"row_id": row_id, "vector": vector(signals or {})} for row_id, signals in rows]
        conn.execute(update, vectors)
        last = rows[-1][0]


def downgrade() -> None:
    op.execute("ALTER TABLE decisions DROP COLUMN signal_values")
    op.execute("ALTER TABLE decisions DROP COLUMN signal_layout")
    op.drop_table("signal_layouts")
