"""data-subject rights and breaches

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "rights_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("right", sa.String(length=20), nullable=False),
        sa.Column("subject_kind", sa.String(length=20), nullable=False),
        sa.Column("subject_hmac", sa.String(length=80), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_by", sa.Date(), nullable=False),
        sa.Column("operator_note", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("actions", JSON, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rights_requests_subject_hmac", "rights_requests", ["subject_hmac"])
    op.create_index("ix_rights_requests_received_at", "rights_requests", ["received_at"])
    op.create_table(
        "subject_status",
        sa.Column("pseudonym", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("active_services", sa.Boolean(), nullable=True),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("objected", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pseudonym"),
    )
    op.create_table(
        "breaches",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("nature", sa.Text(), nullable=False),
        sa.Column("categories", JSON, nullable=False),
        sa.Column("window_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_to", sa.DateTime(timezone=True), nullable=False),
        sa.Column("criteria", JSON, nullable=False),
        sa.Column("subjects_affected", sa.Integer(), nullable=False),
        sa.Column("records_affected", sa.Integer(), nullable=False),
        sa.Column("notices_queued", sa.Integer(), nullable=False),
        sa.Column("notify_authority_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("authority_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notified_by", sa.String(length=100), nullable=True),
        sa.Column("consequences", sa.Text(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_breaches_open_deadline", "breaches", ["authority_notified_at", "notify_authority_by"]
    )


def downgrade() -> None:
    op.drop_table("breaches")
    op.drop_table("subject_status")
    op.drop_table("rights_requests")
