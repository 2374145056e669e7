"""velocity events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "velocity_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_velocity_events_key_at", "velocity_events", ["key", "at"])
    op.create_index("ix_velocity_events_decision_id", "velocity_events", ["decision_id"])


def downgrade() -> None:
    op.drop_table("velocity_events")
