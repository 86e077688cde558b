"""Suppressed addresses and the day counts that escalate soft bounces."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from reputation.models.base import Base, BigIntPK, UTCDateTime

#: `Suppression.stream` value meaning every stream of the tenant. A string rather
#: than NULL, because NULLs never collide in a unique constraint.
ALL_STREAMS = "*"


class SuppressionSource(StrEnum):
    """Cause of a suppression."""

    HARD_BOUNCE = "hard_bounce"
    COMPLAINT = "complaint"
    OPT_OUT = "opt_out"
    SOFT_BOUNCE = "soft_bounce"
    MANUAL = "manual"


class Suppression(Base):
    """An address the tenant must not send to, on one stream or on all (`ALL_STREAMS`)."""

    __tablename__ = "suppressions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "address", "stream"),
        Index("ix_suppressions_tenant_since", "tenant_id", "since", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(320))
    domain: Mapped[str] = mapped_column(String(255))
    stream: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(UTCDateTime())
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )


class SoftBounceDay(Base):
    """One day on which an address soft-bounced; at most one row per address and day."""

    __tablename__ = "soft_bounce_days"
    __table_args__ = (UniqueConstraint("tenant_id", "address", "day"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(320))
    day: Mapped[date] = mapped_column(Date, index=True)
    message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
