"""pseudonym keys: which HMAC key ids have made pseudonyms that may still be stored

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 13:30:00

Backfilled from the key ids already present in the tables whose pseudonyms rights
requests and lists look up.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# (table, pseudonym column, extra condition): kept in step with
# screening.store.pseudonym_keys.COLUMNS.
_COLUMNS = (
    ("decisions", "email_hmac", ""),
    ("decisions", "external_ref_hmac", ""),
    ("rights_requests", "subject_hmac", ""),
    ("subject_status", "pseudonym", ""),
    ("list_entries", "key", " AND kind <> 'email_domain'"),
)


def upgrade() -> None:
    table = op.create_table(
        "pseudonym_keys",
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_id"),
    )
    bind = op.get_bind()
    prefix = (
        "split_part({c}, ':', 1)"
        if bind.dialect.name == "postgresql"
        else "substr({c}, 1, instr({c}, ':') - 1)"
    )
    found: set[str] = set()
    for name, column, condition in _COLUMNS:
        expression = prefix.format(c=column)
        rows = bind.execute(
            sa.text(
                f"SELECT DISTINCT {expression} FROM {name} WHERE {column} LIKE '%:%'{condition}"
            )
        )
        found.update(str(r[0]) for r in rows if r[0])
    now = datetime.now(UTC)
    if found:
        op.bulk_insert(table, [{"key_id": k, "first_used_at": now} for k in sorted(found)])


def downgrade() -> None:
    op.drop_table("pseudonym_keys")
