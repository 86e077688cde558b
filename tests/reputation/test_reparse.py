"""Reparsing stored messages: a changed verdict adds or lifts suppressions, with audit."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bounce_parser import Reason, Report
from reputation import ingestion
from reputation.audit import list_audit_events
from reputation.db import session_scope
from reputation.ingestion import ingest_message
from reputation.models import Message, RecipientEvent, Suppression, Tenant
from reputation.reparse import reparse_message, reparse_messages
from reputation.settings import Settings
from reputation.suppressions import remove_suppression
from reputation.tenants import create_tenant
from tests.conftest import FixedClock
from tests.reputation.samples import SPAM_BLOCK, make_dsn


def _as_spam_block(report: Report) -> Report:
    """An older, wrong verdict: every recipient a sender-caused spam block."""
    recipients = tuple(
        replace(r, reason=Reason.SPAMDETECTED, hard_bounce=False) for r in report.recipients
    )
    return replace(report, recipients=recipients)


def _as_user_unknown(report: Report) -> Report:
    recipients = tuple(
        replace(r, reason=Reason.USERUNKNOWN, hard_bounce=True) for r in report.recipients
    )
    return replace(report, recipients=recipients)


def _parse_with(monkeypatch: pytest.MonkeyPatch, change) -> None:  # type: ignore[no-untyped-def]
    original = ingestion.parse_message
    monkeypatch.setattr(ingestion, "parse_message", lambda raw: change(original(raw)))


def _suppressed(session: Session) -> list[str]:
    return sorted(s.address for s in session.scalars(select(Suppression)))


def test_reparse_better_verdict_adds_suppression(
    session: Session,
    tenant: Tenant,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with monkeypatch.context() as patch:
        _parse_with(patch, _as_spam_block)
        result = ingest_message(
            session, tenant=tenant, raw=make_dsn("jan@example.org"), clock=clock, settings=settings
        )
    assert _suppressed(session) == []

    message = session.get_one(Message, result.message_id)
    outcome = reparse_message(session, message=message, clock=clock, settings=settings)

    assert outcome.is_changed
    assert _suppressed(session) == ["jan@example.org"]
    events = session.scalars(select(RecipientEvent)).all()
    assert [(e.reason, e.hard_bounce) for e in events] == [("userunknown", True)]


def test_reparse_verdict_no_longer_hard_lifts_suppression_with_audit(
    session: Session,
    tenant: Tenant,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw = make_dsn("jan@example.org", status="5.7.1", diagnostic=SPAM_BLOCK)
    with monkeypatch.context() as patch:
        _parse_with(patch, _as_user_unknown)
        result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    assert _suppressed(session) == ["jan@example.org"]

    message = session.get_one(Message, result.message_id)
    outcome = reparse_message(session, message=message, clock=clock, settings=settings)

    assert outcome.lifted == 1
    assert _suppressed(session) == []
    audit = list_audit_events(session, tenant_id=tenant.id)
    assert audit[0].action == "suppression_lifted"
    assert "reparse" in audit[0].detail["why"]


def test_reparse_keeps_suppression_another_message_supports(
    session: Session,
    tenant: Tenant,
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = make_dsn("jan@example.org", status="5.7.1", diagnostic=SPAM_BLOCK)
    with monkeypatch.context() as patch:
        _parse_with(patch, _as_user_unknown)
        first = ingest_message(session, tenant=tenant, raw=wrong, clock=clock, settings=settings)
    second = ingest_message(
        session, tenant=tenant, raw=make_dsn("jan@example.org"), clock=clock, settings=settings
    )

    message = session.get_one(Message, first.message_id)
    outcome = reparse_message(session, message=message, clock=clock, settings=settings)

    assert outcome.lifted == 0
    row = session.scalars(select(Suppression)).one()
    assert row.message_id == second.message_id


def test_reparse_unchanged_verdict_does_not_restore_manual_removal(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    result = ingest_message(
        session, tenant=tenant, raw=make_dsn("jan@example.org"), clock=clock, settings=settings
    )
    remove_suppression(session, tenant=tenant, address="jan@example.org", actor="ops", clock=clock)

    message = session.get_one(Message, result.message_id)
    outcome = reparse_message(session, message=message, clock=clock, settings=settings)

    assert not outcome.is_changed
    assert _suppressed(session) == []


def test_reparse_messages_commits_in_batches_per_tenant(
    session_factory: sessionmaker[Session],
    clock: FixedClock,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with session_scope(session_factory) as session, monkeypatch.context() as patch:
        _parse_with(patch, _as_spam_block)
        acme = create_tenant(session, name="acme", clock=clock)
        other = create_tenant(session, name="other", clock=clock)
        for index in range(5):
            raw = make_dsn(f"user{index}@example.org")
            ingest_message(session, tenant=acme, raw=raw, clock=clock, settings=settings)
        ingest_message(
            session, tenant=other, raw=make_dsn("x@example.org"), clock=clock, settings=settings
        )
        acme_id = acme.id

    summary = reparse_messages(
        session_factory, clock=clock, tenant_id=acme_id, settings=settings, batch_size=2
    )

    assert (summary.messages, summary.changed, summary.suppressions_added) == (5, 5, 5)
    with session_scope(session_factory) as session:
        assert len(_suppressed(session)) == 5
