"""Stored returned messages and the per-recipient events parsed from them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reputation.models.base import Base, BigIntPK, UTCDateTime


class Message(Base):
    """One returned message as received: zlib-compressed raw bytes plus the parse outcome.

    The raw bytes are kept so that `reparse` can run a newer parser over history.
    `(tenant_id, sha256)` is unique, so receiving the same bytes twice stores them once.
    """

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("tenant_id", "sha256"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    sha256: Mapped[str] = mapped_column(String(64))
    raw_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    stream: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    family: Mapped[str | None] = mapped_column(String(64))
    from_domain: Mapped[str | None] = mapped_column(String(255))
    parser_version: Mapped[str] = mapped_column(String(32))
    parse_error: Mapped[str | None] = mapped_column(Text)
    parsed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    events: Mapped[list[RecipientEvent]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True
    )


class RecipientEvent(Base):
    """One recipient's verdict from one message: the bounce and complaint history.

    `action` is the suppression policy's decision for this event (see
    `reputation.policy.Action`), kept so that a reparse can tell what changed and
    so that a suppression can be traced back to the events that support it.
    """

    __tablename__ = "recipient_events"
    __table_args__ = (
        Index("ix_recipient_events_tenant_address", "tenant_id", "address"),
        Index("ix_recipient_events_tenant_from_domain", "tenant_id", "from_domain", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(32))
    hard_bounce: Mapped[bool] = mapped_column(Boolean)
    sender_fault: Mapped[bool] = mapped_column(Boolean)
    action: Mapped[str] = mapped_column(String(32))
    evidence: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16))
    reply_code: Mapped[str | None] = mapped_column(String(8))
    feedback_type: Mapped[str | None] = mapped_column(String(32))
    diagnostic: Mapped[str | None] = mapped_column(Text)
    stream: Mapped[str | None] = mapped_column(String(64))
    from_domain: Mapped[str | None] = mapped_column(String(255))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())

    message: Mapped[Message] = relationship(back_populates="events")
