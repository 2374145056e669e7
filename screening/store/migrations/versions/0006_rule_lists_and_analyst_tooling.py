"""rule lists and analyst tooling

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:30:00

Block and allow lists (``list_entries``), their append-only change log
(``list_changes``) and what each rule-set version changed (``rule_set_changes``).
None of them refers to the tables of 0005.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "list_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_name", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("list_name", "kind", "key", name="uq_list_entries_value"),
    )
    op.create_index("ix_list_entries_key", "list_entries", ["key"])
    op.create_table(
        "list_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("list_name", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_list_changes_entry_id", "list_changes", ["entry_id"])
    op.create_table(
        "rule_set_changes",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("previous", sa.String(length=64), nullable=True),
        sa.Column("rollback_of", sa.String(length=64), nullable=True),
        sa.Column("diff", JSON, nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["rule_set_versions.id"]),
        sa.PrimaryKeyConstraint("version_id"),
    )


def downgrade() -> None:
    op.drop_table("rule_set_changes")
    op.drop_table("list_changes")
    op.drop_table("list_entries")
