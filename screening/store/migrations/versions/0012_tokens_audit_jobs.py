"""contest tokens per decision, sealed event chains, checkpoints that cannot fork

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 23:00:00

- ``contest_tokens``: every token handed out for a decision (the first response and
  each idempotent replay), as SHA-256; backfilled from ``decisions.contest_token_hash``,
  which is dropped.
- ``decisions.chain_mac``: a keyed seal over the decision's event count and last
  event hash, so deleting the last event shows. Rows from before this revision have
  none until ``screening audit rekey`` seals them (the migration has no audit key).
- ``checkpoints.events`` (events covered) and a unique ``prev_hash``: two checkpoint
  runs can never both chain onto the same predecessor.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decision_id"], ["decisions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contest_tokens_decision_id", "contest_tokens", ["decision_id"])
    op.execute(
        "INSERT INTO contest_tokens (decision_id, token_hash, created_at) "
        "SELECT id, contest_token_hash, created_at FROM decisions "
        "WHERE contest_token_hash IS NOT NULL AND contest_token_hash <> ''"
    )
    # Plain ALTER TABLE (SQLite >= 3.35 has DROP COLUMN): a batch rebuild of `decisions`
    # would drop and re-create a table other tables reference.
    op.execute("ALTER TABLE decisions DROP COLUMN contest_token_hash")
    op.execute("ALTER TABLE decisions ADD COLUMN chain_mac VARCHAR(64)")
    op.execute("ALTER TABLE checkpoints ADD COLUMN events INTEGER NOT NULL DEFAULT 0")
    op.create_index("uq_checkpoints_prev_hash", "checkpoints", ["prev_hash"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_checkpoints_prev_hash", table_name="checkpoints")
    op.execute("ALTER TABLE checkpoints DROP COLUMN events")
    op.execute("ALTER TABLE decisions DROP COLUMN chain_mac")
    op.execute(
        "ALTER TABLE decisions ADD COLUMN contest_token_hash VARCHAR(64) NOT NULL DEFAULT ''"
    )
    # Only the newest token of each decision fits the old single column.
    op.execute(
        "UPDATE decisions SET contest_token_hash = (SELECT t.token_hash FROM contest_tokens t "
        "WHERE t.decision_id = decisions.id ORDER BY t.id DESC LIMIT 1) "
        "WHERE EXISTS (SELECT 1 FROM contest_tokens t WHERE t.decision_id = decisions.id)"
    )
    op.drop_index("ix_contest_tokens_decision_id", table_name="contest_tokens")
    op.drop_table("contest_tokens")
