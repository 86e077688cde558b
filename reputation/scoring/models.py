"""The reputation history: one stored score per tenant, domain, target and hour at most."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from reputation.models.base import Base, BigIntPK, UTCDateTime


class ReputationSnapshot(Base):
    """A computed score of a domain (`target == domain`) or one of its sending IPs.

    `components` keeps each input's points and reason parameters, so a chart can show
    why a score moved and the pre-send check can reuse the last DNS results.
    """

    __tablename__ = "reputation_snapshots"
    __table_args__ = (
        Index("ix_reputation_snapshots_lookup", "tenant_id", "domain", "target", "computed_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    target: Mapped[str] = mapped_column(String(253))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[float] = mapped_column(Float)
    score_low: Mapped[float] = mapped_column(Float)
    score_high: Mapped[float] = mapped_column(Float)
    level: Mapped[str] = mapped_column(String(16))
    verdict: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[str] = mapped_column(String(16))
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
