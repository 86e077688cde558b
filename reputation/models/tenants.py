"""Tenants, their mail streams and their API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reputation.models.base import Base, BigIntPK, UTCDateTime


class Language(StrEnum):
    """Language of the human-facing texts a tenant receives."""

    EN = "en"
    PL = "pl"


class ComplaintScope(StrEnum):
    """Streams on which a complaint suppresses the complaining address."""

    STREAM = "stream"
    ALL = "all"


class ApiScope(StrEnum):
    """Permission granted to an API key."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


#: Streams created with every tenant.
DEFAULT_STREAMS: tuple[str, ...] = ("transactional", "marketing")


class Tenant(Base):
    """One sending organisation; every other row belongs to exactly one tenant."""

    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    language: Mapped[str] = mapped_column(String(8), default=Language.EN)
    default_stream: Mapped[str] = mapped_column(String(64))
    complaint_scope: Mapped[str] = mapped_column(String(16), default=ComplaintScope.STREAM)
    webhook_url: Mapped[str | None] = mapped_column(Text)
    webhook_secret: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    streams: Mapped[list[Stream]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="Stream.name"
    )


class Stream(Base):
    """A named mail stream of a tenant, such as `transactional` or `marketing`."""

    __tablename__ = "streams"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))

    tenant: Mapped[Tenant] = relationship(back_populates="streams")


class ApiKey(Base):
    """An API key; only the SHA-256 of the full key is stored, never the key."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    tenant: Mapped[Tenant] = relationship()
