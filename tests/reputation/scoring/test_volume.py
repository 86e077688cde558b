"""Sent volume reported outside the pre-send check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from reputation.errors import UnknownStreamError
from reputation.models import Tenant
from reputation.scoring.volume import InvalidSendDateError, record_sent_volume
from tests.conftest import FixedClock


def test_record_sent_volume_adds_to_same_day(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    record_sent_volume(session, tenant=tenant, from_domain="Example.COM", count=10, clock=clock)
    row = record_sent_volume(
        session, tenant=tenant, from_domain="example.com", count=5, clock=clock
    )
    assert row.recipients == 15
    assert row.from_domain == "example.com"
    assert row.stream == tenant.default_stream


def test_record_sent_volume_future_day_rejected(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    tomorrow = clock.now().date() + timedelta(days=1)
    with pytest.raises(InvalidSendDateError):
        record_sent_volume(
            session, tenant=tenant, from_domain="example.com", count=1, clock=clock, day=tomorrow
        )


def test_record_sent_volume_unknown_stream_rejected(
    session: Session, tenant: Tenant, clock: FixedClock
) -> None:
    with pytest.raises(UnknownStreamError):
        record_sent_volume(
            session, tenant=tenant, from_domain="example.com", count=1, clock=clock, stream="nope"
        )
