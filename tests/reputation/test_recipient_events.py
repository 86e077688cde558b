"""Carrying out each recipient's action: an unusable address never becomes a suppression."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from structlog.testing import capture_logs

from bounce_parser import ReportKind
from reputation.ingestion import ingest_message
from reputation.models import RecipientEvent, Suppression, Tenant
from reputation.policy import Action
from reputation.settings import Settings
from tests.conftest import FixedClock
from tests.reputation.samples import make_arf


@pytest.mark.parametrize("recipient", ["", "redacted"])
def test_ingest_arf_redacted_recipient_is_skipped_not_suppressed(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings, recipient: str
) -> None:
    with capture_logs() as logs:
        result = ingest_message(
            session, tenant=tenant, raw=make_arf(recipient), clock=clock, settings=settings
        )

    assert result.kind is ReportKind.FEEDBACK_REPORT
    assert [(a.address, a.skipped, a.suppressed_stream) for a in result.actions] == [
        ("", True, None)
    ]
    assert session.scalar(select(func.count(Suppression.id))) == 0
    assert session.scalar(select(func.count(RecipientEvent.id))) == 1
    warnings = [log for log in logs if log["event"] == "event_address_unusable"]
    assert [log["message_id"] for log in warnings] == [result.message_id]


def test_ingest_arf_named_recipient_is_still_suppressed(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    result = ingest_message(
        session, tenant=tenant, raw=make_arf("ola@example.net"), clock=clock, settings=settings
    )

    assert [(a.action, a.skipped) for a in result.actions] == [(Action.SUPPRESS_STREAM, False)]
    suppressed = session.scalars(select(Suppression.address)).all()
    assert suppressed == ["ola@example.net"]
