"""Add the DNSBL monitoring tables: domains, IPs, check runs, episodes, alerts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 20:18:02.752876
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "monitored_domains",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("alert_email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_check_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_monitored_domains_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_domains")),
        sa.UniqueConstraint(
            "tenant_id", "domain", name=op.f("uq_monitored_domains_tenant_id_domain")
        ),
    )
    with op.batch_alter_table("monitored_domains", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitored_domains_next_check_at"), ["next_check_at"], unique=False
        )

    op.create_table(
        "dnsbl_check_runs",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("domain_id", ID_TYPE, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("listed", sa.Integer(), nullable=False),
        sa.Column("not_listed", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.Column("sending_ips", sa.JSON(), nullable=False),
        sa.Column("spf_status", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["monitored_domains.id"],
            name=op.f("fk_dnsbl_check_runs_domain_id_monitored_domains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_dnsbl_check_runs_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dnsbl_check_runs")),
    )
    with op.batch_alter_table("dnsbl_check_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dnsbl_check_runs_domain_started", ["domain_id", "started_at"], unique=False
        )

    op.create_table(
        "dnsbl_listing_episodes",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("domain_id", ID_TYPE, nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("target", sa.String(length=253), nullable=False),
        sa.Column("zone", sa.String(length=253), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delisted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("listed_checks", sa.Integer(), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("meanings", sa.JSON(), nullable=False),
        sa.Column("txt", sa.JSON(), nullable=False),
        sa.Column("delist_url", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["monitored_domains.id"],
            name=op.f("fk_dnsbl_listing_episodes_domain_id_monitored_domains"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_dnsbl_listing_episodes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dnsbl_listing_episodes")),
    )
    with op.batch_alter_table("dnsbl_listing_episodes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dnsbl_listing_episodes_open",
            ["domain_id", "target", "zone", "delisted_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_dnsbl_listing_episodes_tenant_first_seen", ["tenant_id", "first_seen"], unique=False
        )

    op.create_table(
        "monitored_ips",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("domain_id", ID_TYPE, nullable=False),
        sa.Column("address", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["monitored_domains.id"],
            name=op.f("fk_monitored_ips_domain_id_monitored_domains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitored_ips")),
        sa.UniqueConstraint(
            "domain_id", "address", name=op.f("uq_monitored_ips_domain_id_address")
        ),
    )
    op.create_table(
        "dnsbl_check_results",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("run_id", ID_TYPE, nullable=False),
        sa.Column("target", sa.String(length=253), nullable=False),
        sa.Column("zone", sa.String(length=253), nullable=False),
        sa.Column("list_type", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("codes", sa.JSON(), nullable=False),
        sa.Column("txt", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["dnsbl_check_runs.id"],
            name=op.f("fk_dnsbl_check_results_run_id_dnsbl_check_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dnsbl_check_results")),
    )
    with op.batch_alter_table("dnsbl_check_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dnsbl_check_results_run_id"), ["run_id"], unique=False)

    op.create_table(
        "dnsbl_listing_alerts",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("episode_id", ID_TYPE, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_to", sa.String(length=320), nullable=True),
        sa.Column("email_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["episode_id"],
            ["dnsbl_listing_episodes.id"],
            name=op.f("fk_dnsbl_listing_alerts_episode_id_dnsbl_listing_episodes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_dnsbl_listing_alerts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dnsbl_listing_alerts")),
    )
    with op.batch_alter_table("dnsbl_listing_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dnsbl_listing_alerts_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "ix_dnsbl_listing_alerts_pending", ["email_sent_at", "email_attempts"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("dnsbl_listing_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_dnsbl_listing_alerts_pending")
        batch_op.drop_index(batch_op.f("ix_dnsbl_listing_alerts_episode_id"))

    op.drop_table("dnsbl_listing_alerts")
    with op.batch_alter_table("dnsbl_check_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dnsbl_check_results_run_id"))

    op.drop_table("dnsbl_check_results")
    op.drop_table("monitored_ips")
    with op.batch_alter_table("dnsbl_listing_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_dnsbl_listing_episodes_tenant_first_seen")
        batch_op.drop_index("ix_dnsbl_listing_episodes_open")

    op.drop_table("dnsbl_listing_episodes")
    with op.batch_alter_table("dnsbl_check_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_dnsbl_check_runs_domain_started")

    op.drop_table("dnsbl_check_runs")
    with op.batch_alter_table("monitored_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitored_domains_next_check_at"))

    op.drop_table("monitored_domains")
