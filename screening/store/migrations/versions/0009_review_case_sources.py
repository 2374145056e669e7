"""review cases: where a case came from (an automated hold or a customer contest)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 23:30:00

Every row so far was a customer's contest: backfilled ``customer``, with
``contested_at`` = ``received_at``. Cases of held decisions (``automated``) are
opened by screening from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_requests") as batch:
        batch.add_column(
            sa.Column("source", sa.String(length=10), nullable=False, server_default="customer")
        )
        batch.add_column(sa.Column("contested_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE review_requests SET source = 'customer', contested_at = received_at")
    op.create_index(
        "ix_review_requests_source_status_due", "review_requests", ["source", "status", "due_by"]
    )


def downgrade() -> None:
    op.drop_index("ix_review_requests_source_status_due", table_name="review_requests")
    with op.batch_alter_table("review_requests") as batch:
        batch.drop_column("contested_at")
        batch.drop_column("source")
