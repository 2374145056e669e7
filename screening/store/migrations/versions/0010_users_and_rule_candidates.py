"""console: named users, login throttling, rule-set candidates, breach customer notices

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 23:30:00

``users`` holds the people who sign in to the console (argon2 password hashes);
``login_failures`` counts wrong passwords in a row per account and per address;
``rule_candidates`` holds rule sets waiting for a second person's approval
(maker-checker). ``breaches`` gains when (and by whom) the customers concerned were
told.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    from sqlalchemy.dialects.postgresql import JSONB

    return sa.JSON().with_variant(JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "rule_candidates",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("document", _json(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("base_version", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("published_version", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rule_candidates_status", "rule_candidates", ["status", "created_at"])
    with op.batch_alter_table("breaches") as batch:
        batch.add_column(sa.Column("customers_notified_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("customers_notified_by", sa.String(length=100)))


def downgrade() -> None:
    with op.batch_alter_table("breaches") as batch:
        batch.drop_column("customers_notified_by")
        batch.drop_column("customers_notified_at")
    op.drop_index("ix_rule_candidates_status", table_name="rule_candidates")
    op.drop_table("rule_candidates")
    op.drop_table("login_failures")
    op.drop_table("users")
