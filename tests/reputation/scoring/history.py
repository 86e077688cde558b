"""Builders of stored history for the scoring tests: events, volume, listings."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from blacklist_checks import FakeResolver
from reputation.models import Message, RecipientEvent, SendVolume, Tenant
from reputation.monitoring.domains import add_domain
from reputation.monitoring.models import ListingEpisode
from tests.conftest import FixedClock


def add_volume(session: Session, tenant: Tenant, domain: str, count: int, at: datetime) -> None:
    session.add(
        SendVolume(
            tenant_id=tenant.id,
            from_domain=domain,
            stream="transactional",
            day=at.date(),
            recipients=count,
        )
    )
    session.flush()


def add_events(
    session: Session,
    tenant: Tenant,
    domain: str,
    count: int,
    at: datetime,
    *,
    kind: str = "delivery_status",
    hard_bounce: bool = False,
    sender_fault: bool = False,
) -> None:
    """Store `count` events for distinct recipients, all in one message."""
    digest = hashlib.sha256(f"{tenant.id}{domain}{kind}{at}{count}{hard_bounce}".encode())
    message = Message(
        tenant_id=tenant.id,
        sha256=digest.hexdigest(),
        raw_zlib=b"",
        size=0,
        received_at=at,
        kind=kind,
        from_domain=domain,
        parser_version="test",
        parsed_at=at,
    )
    session.add(message)
    session.flush()
    for index in range(count):
        session.add(
            RecipientEvent(
                tenant_id=tenant.id,
                message_id=message.id,
                address=f"r{index}@example.org",
                kind=kind,
                reason="userunknown" if hard_bounce else "blocked",
                hard_bounce=hard_bounce,
                sender_fault=sender_fault,
                action="none",
                from_domain=domain,
                occurred_at=at,
            )
        )
    session.flush()


def add_listing(
    session: Session,
    tenant: Tenant,
    domain: str,
    target: str,
    zone: str,
    clock: FixedClock,
    *,
    confirmed: bool = True,
) -> None:
    monitored = add_domain(session, tenant=tenant, domain=domain, clock=clock, ips=[target])
    now = clock.now()
    session.add(
        ListingEpisode(
            tenant_id=tenant.id,
            domain_id=monitored.id,
            domain=domain,
            target=target,
            zone=zone,
            first_seen=now,
            last_seen=now,
            confirmed_at=now if confirmed else None,
            listed_checks=2 if confirmed else 1,
            codes=["127.0.0.2"],
            meanings=[],
            txt=[],
            delist_url="",
        )
    )
    session.flush()


def mark_checked(
    session: Session, tenant: Tenant, domain: str, clock: FixedClock, ips: Sequence[str] = ()
) -> None:
    """Monitor `domain` and record that a blocklist check ran, finding no listing."""
    monitored = add_domain(session, tenant=tenant, domain=domain, clock=clock, ips=ips)
    monitored.last_checked_at = clock.now()
    session.flush()


def good_resolver(domain: str = "example.com") -> FakeResolver:
    """A resolver for a domain with SPF, DMARC p=reject, MX and FCrDNS of 192.0.2.10."""
    return FakeResolver(
        {
            (domain, "TXT"): ["v=spf1 ip4:192.0.2.10 -all"],
            (f"_dmarc.{domain}", "TXT"): ["v=DMARC1; p=reject"],
            (domain, "MX"): [f"10 mx.{domain}."],
            ("10.2.0.192.in-addr.arpa", "PTR"): [f"mail.{domain}."],
            (f"mail.{domain}", "A"): ["192.0.2.10"],
        }
    )
