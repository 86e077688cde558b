"""Add the reputation history table: stored scores per domain and sending IP.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reputation_snapshots",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("target", sa.String(length=253), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("score_low", sa.Float(), nullable=False),
        sa.Column("score_high", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_reputation_snapshots_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reputation_snapshots")),
    )
    with op.batch_alter_table("reputation_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reputation_snapshots_lookup",
            ["tenant_id", "domain", "target", "computed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("reputation_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_snapshots_lookup")

    op.drop_table("reputation_snapshots")
