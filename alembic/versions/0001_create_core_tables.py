"""Create the core tables: tenants, messages, events, suppressions, contacts, outbox.

Revision ID: 0001
Revises:
Create Date: 2026-12-04 20:07:34.640353
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY auto-increments.
ID_TYPE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("default_stream", sa.String(length=64), nullable=False),
        sa.Column("complaint_scope", sa.String(length=16), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("name", name=op.f("uq_tenants_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("secret_sha256", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_api_keys_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_audit_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index("ix_audit_events_tenant_at", ["tenant_id", "at"], unique=False)

    op.create_table(
        "contacts",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_contacts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("tenant_id", "address", name=op.f("uq_contacts_tenant_id_address")),
    )
    op.create_table(
        "messages",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("raw_zlib", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("family", sa.String(length=64), nullable=True),
        sa.Column("from_domain", sa.String(length=255), nullable=True),
        sa.Column("parser_version", sa.String(length=32), nullable=False),
        sa.Column("parse_error", sa.Text(), nullable=True),
        sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_messages_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("tenant_id", "sha256", name=op.f("uq_messages_tenant_id_sha256")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_received_at"), ["received_at"], unique=False)

    op.create_table(
        "send_volumes",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("from_domain", sa.String(length=255), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_send_volumes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_send_volumes")),
        sa.UniqueConstraint(
            "tenant_id",
            "from_domain",
            "stream",
            "day",
            name=op.f("uq_send_volumes_tenant_id_from_domain_stream_day"),
        ),
    )
    op.create_table(
        "streams",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_streams_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_streams")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_streams_tenant_id_name")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_webhook_deliveries_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_due", ["delivered_at", "next_attempt_at"], unique=False
        )

    op.create_table(
        "recipient_events",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("message_id", ID_TYPE, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("hard_bounce", sa.Boolean(), nullable=False),
        sa.Column("sender_fault", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("reply_code", sa.String(length=8), nullable=True),
        sa.Column("feedback_type", sa.String(length=32), nullable=True),
        sa.Column("diagnostic", sa.Text(), nullable=True),
        sa.Column("stream", sa.String(length=64), nullable=True),
        sa.Column("from_domain", sa.String(length=255), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_recipient_events_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_recipient_events_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_events")),
    )
    with op.batch_alter_table("recipient_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recipient_events_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            "ix_recipient_events_tenant_address", ["tenant_id", "address"], unique=False
        )
        batch_op.create_index(
            "ix_recipient_events_tenant_from_domain",
            ["tenant_id", "from_domain", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "soft_bounce_days",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("message_id", ID_TYPE, nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_soft_bounce_days_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_soft_bounce_days_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_soft_bounce_days")),
        sa.UniqueConstraint(
            "tenant_id", "address", "day", name=op.f("uq_soft_bounce_days_tenant_id_address_day")
        ),
    )
    with op.batch_alter_table("soft_bounce_days", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_soft_bounce_days_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_soft_bounce_days_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "suppressions",
        sa.Column("id", ID_TYPE, nullable=False),
        sa.Column("tenant_id", ID_TYPE, nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("stream", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", ID_TYPE, nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_suppressions_message_id_messages"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_suppressions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
        sa.UniqueConstraint(
            "tenant_id", "address", "stream", name=op.f("uq_suppressions_tenant_id_address_stream")
        ),
    )
    with op.batch_alter_table("suppressions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suppressions_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            "ix_suppressions_tenant_since", ["tenant_id", "since", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("suppressions", schema=None) as batch_op:
        batch_op.drop_index("ix_suppressions_tenant_since")
        batch_op.drop_index(batch_op.f("ix_suppressions_message_id"))

    op.drop_table("suppressions")
    with op.batch_alter_table("soft_bounce_days", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_soft_bounce_days_message_id"))
        batch_op.drop_index(batch_op.f("ix_soft_bounce_days_day"))

    op.drop_table("soft_bounce_days")
    with op.batch_alter_table("recipient_events", schema=None) as batch_op:
        batch_op.drop_index("ix_recipient_events_tenant_from_domain")
        batch_op.drop_index("ix_recipient_events_tenant_address")
        batch_op.drop_index(batch_op.f("ix_recipient_events_message_id"))

    op.drop_table("recipient_events")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_due")

    op.drop_table("webhook_deliveries")
    op.drop_table("streams")
    op.drop_table("send_volumes")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_received_at"))

    op.drop_table("messages")
    op.drop_table("contacts")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_tenant_at")

    op.drop_table("audit_events")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_tenant_id"))

    op.drop_table("api_keys")
    op.drop_table("tenants")
