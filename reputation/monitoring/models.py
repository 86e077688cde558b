"""Tables of DNSBL monitoring: what is watched, every check run, listing episodes, alerts.

A listing is stored as an episode: one row from the first check that found a target in a
zone until the first check that found it gone. "Since when is it listed" is the open
episode's `first_seen`, and "how often this year" is a count of episodes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from reputation.models.base import Base, BigIntPK, UTCDateTime


class CheckTrigger(StrEnum):
    """The origin of a check run: the scheduler, the API or the command line."""

    SCHEDULE = "schedule"
    API = "api"
    CLI = "cli"


class AlertKind(StrEnum):
    """The two state changes that alert: a confirmed listing and its end."""

    LISTED = "listed"
    DELISTED = "delisted"


class MonitoredDomain(Base):
    """A sending domain a tenant wants checked; `alert_email` receives its alerts."""

    __tablename__ = "monitored_domains"
    __table_args__ = (UniqueConstraint("tenant_id", "domain"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    alert_email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    ips: Mapped[list[MonitoredIp]] = relationship(
        back_populates="domain",
        cascade="all, delete-orphan",
        order_by="MonitoredIp.address",
        lazy="selectin",
    )


class MonitoredIp(Base):
    """A sending IP given explicitly for a domain; SPF-derived IPs are found at each check."""

    __tablename__ = "monitored_ips"
    __table_args__ = (UniqueConstraint("domain_id", "address"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("monitored_domains.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(45))

    domain: Mapped[MonitoredDomain] = relationship(back_populates="ips")


class CheckRun(Base):
    """One check of one monitored domain: when, by which worker, and how many of each status.

    `sending_ips` is `[{"address": ..., "sources": [...]}]` as found in this run, so the
    SPF-derived addresses of the last run are known without a new lookup. The status
    counts cover every zone, so `listed` includes entries in allowlist and score zones.
    """

    __tablename__ = "dnsbl_check_runs"
    __table_args__ = (Index("ix_dnsbl_check_runs_domain_started", "domain_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("monitored_domains.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    trigger: Mapped[str] = mapped_column(String(16))
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    listed: Mapped[int] = mapped_column(Integer)
    not_listed: Mapped[int] = mapped_column(Integer)
    unknown: Mapped[int] = mapped_column(Integer)
    sending_ips: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    spf_status: Mapped[str | None] = mapped_column(String(32))

    results: Mapped[list[CheckResult]] = relationship(
        cascade="all, delete-orphan", order_by="CheckResult.id"
    )


class CheckResult(Base):
    """The outcome of one target in one zone within a check run."""

    __tablename__ = "dnsbl_check_results"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("dnsbl_check_runs.id", ondelete="CASCADE"), index=True
    )
    target: Mapped[str] = mapped_column(String(253))
    zone: Mapped[str] = mapped_column(String(253))
    list_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    codes: Mapped[list[str]] = mapped_column(JSON)
    txt: Mapped[list[str]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(200))
    duration_seconds: Mapped[float] = mapped_column(Float)


class ListingEpisode(Base):
    """One continuous listing of a target in a blocklist zone.

    `delisted_at` is NULL while the listing is current. `listed_checks` counts the checks that
    found it listed; the episode is confirmed (and alerts) once that count reaches the
    configured number. An episode that ends unconfirmed never alerted.
    """

    __tablename__ = "dnsbl_listing_episodes"
    __table_args__ = (
        Index("ix_dnsbl_listing_episodes_open", "domain_id", "target", "zone", "delisted_at"),
        Index("ix_dnsbl_listing_episodes_tenant_first_seen", "tenant_id", "first_seen"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    domain_id: Mapped[int] = mapped_column(ForeignKey("monitored_domains.id", ondelete="CASCADE"))
    domain: Mapped[str] = mapped_column(String(253))
    target: Mapped[str] = mapped_column(String(253))
    zone: Mapped[str] = mapped_column(String(253))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    delisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    listed_checks: Mapped[int] = mapped_column(Integer)
    codes: Mapped[list[str]] = mapped_column(JSON)
    meanings: Mapped[list[str]] = mapped_column(JSON)
    txt: Mapped[list[str]] = mapped_column(JSON)
    delist_url: Mapped[str] = mapped_column(Text)


class ListingAlert(Base):
    """An alert about one episode, and the delivery state of its email.

    The webhook goes through the shared outbox (`webhook_deliveries`). The email is sent
    from this row, so the next delivery run retries a failed send.
    """

    __tablename__ = "dnsbl_listing_alerts"
    __table_args__ = (Index("ix_dnsbl_listing_alerts_pending", "email_sent_at", "email_attempts"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    episode_id: Mapped[int] = mapped_column(
        ForeignKey("dnsbl_listing_episodes.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    email_to: Mapped[str | None] = mapped_column(String(320))
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    episode: Mapped[ListingEpisode] = relationship()
