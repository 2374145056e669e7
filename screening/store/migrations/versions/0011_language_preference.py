"""language preference and screened corrections

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01 23:30:00

``personal_data.language``: the customer's language for what they read (a stored
preference the policy lists). ``review_requests.correction_screening``: the
outcome and reason codes of a contest's corrections, screened in simulation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("personal_data") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("review_requests") as batch:
        batch.add_column(sa.Column("correction_screening", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_requests") as batch:
        batch.drop_column("correction_screening")
    with op.batch_alter_table("personal_data") as batch:
        batch.drop_column("language")
