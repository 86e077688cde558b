"""Ingesting returned messages: storage, idempotence, streams and the actions taken."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bounce_parser import SENDER_FAULT_REASONS, ReportKind
from reputation.errors import MessageTooLargeError, UnknownStreamError
from reputation.ingestion import ingest_message, stream_from_headers
from reputation.models import (
    ALL_STREAMS,
    ComplaintScope,
    Message,
    RecipientEvent,
    SoftBounceDay,
    Suppression,
    Tenant,
)
from reputation.policy import Action
from reputation.settings import Settings
from reputation.tenants import list_streams
from tests.conftest import FixedClock
from tests.reputation.samples import MAILBOX_FULL, SPAM_BLOCK, make_arf, make_dsn

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus/bounces"


def _suppressions(session: Session, tenant: Tenant) -> list[tuple[str, str, str]]:
    rows = session.scalars(select(Suppression).where(Suppression.tenant_id == tenant.id))
    return sorted((row.address, row.stream, row.source) for row in rows)


def test_ingest_hard_bounce_suppresses_all_streams(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    result = ingest_message(
        session, tenant=tenant, raw=make_dsn("jan@Example.ORG"), clock=clock, settings=settings
    )

    assert result.duplicate is False
    assert result.kind is ReportKind.DELIVERY_STATUS
    assert [a.action for a in result.actions] == [Action.SUPPRESS_ALL]
    assert _suppressions(session, tenant) == [("jan@example.org", ALL_STREAMS, "hard_bounce")]


def test_ingest_stores_compressed_raw_before_parsing(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_dsn("jan@example.org")
    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    message = session.get_one(Message, result.message_id)
    assert zlib.decompress(message.raw_zlib) == raw
    assert message.size == len(raw)
    assert message.received_at == clock.now()
    assert message.from_domain == "example.com"
    assert message.family == "rfc3464"


def test_ingest_same_bytes_twice_is_duplicate_and_changes_nothing(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
    first = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    clock.advance(days=1)
    second = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert second.duplicate is True
    assert second.message_id == first.message_id
    assert second.actions == ()
    assert session.scalar(select(func.count(Message.id))) == 1
    assert session.scalar(select(func.count(RecipientEvent.id))) == 1
    assert session.scalar(select(func.count(SoftBounceDay.id))) == 1


def test_ingest_oversized_message_raises(
    session: Session, tenant: Tenant, clock: FixedClock, db_url: str, tmp_path: Path
) -> None:
    small = Settings(data_dir=tmp_path, database_url=db_url, max_message_bytes=100)
    with pytest.raises(MessageTooLargeError):
        ingest_message(session, tenant=tenant, raw=b"x" * 101, clock=clock, settings=small)
    assert session.scalar(select(func.count(Message.id))) == 0


def test_ingest_unparseable_message_is_kept_with_error(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    result = ingest_message(session, tenant=tenant, raw=b"   \r\n", clock=clock, settings=settings)

    message = session.get_one(Message, result.message_id)
    assert message.kind == ReportKind.UNPARSEABLE
    assert message.parse_error
    assert result.actions == ()


def test_ingest_spam_block_never_suppresses_recipient(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_dsn("jan@example.org", status="5.7.1", diagnostic=SPAM_BLOCK)
    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert [a.action for a in result.actions] == [Action.SENDER_FAULT]
    assert _suppressions(session, tenant) == []
    event = session.scalars(select(RecipientEvent)).one()
    assert event.sender_fault is True
    assert event.from_domain == "example.com"


def test_ingest_complaint_suppresses_only_its_stream(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_arf("jan@example.org", stream="marketing")
    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert result.stream == "marketing"
    assert _suppressions(session, tenant) == [("jan@example.org", "marketing", "complaint")]


def test_ingest_complaint_with_scope_all_suppresses_all_streams(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    tenant.complaint_scope = ComplaintScope.ALL
    raw = make_arf("jan@example.org", stream="marketing")
    ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert _suppressions(session, tenant) == [("jan@example.org", ALL_STREAMS, "complaint")]


def test_ingest_not_spam_feedback_never_suppresses(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_arf("jan@example.org", feedback_type="not-spam")
    ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    assert _suppressions(session, tenant) == []


def test_ingest_opt_out_suppresses_stream_as_opt_out(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_arf("jan@example.org", feedback_type="opt-out")
    ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    assert _suppressions(session, tenant) == [("jan@example.org", "transactional", "opt_out")]


def test_ingest_stream_argument_wins_over_header(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_arf("jan@example.org", stream="marketing")
    result = ingest_message(
        session, tenant=tenant, raw=raw, clock=clock, settings=settings, stream="transactional"
    )
    assert result.stream == "transactional"


def test_ingest_unknown_stream_argument_raises(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    with pytest.raises(UnknownStreamError):
        ingest_message(
            session,
            tenant=tenant,
            raw=make_dsn("a@example.org"),
            clock=clock,
            settings=settings,
            stream="nope",
        )


def test_stream_from_headers_ignores_unknown_stream() -> None:
    raw = b"X-Mailrep-Stream: secret\r\nX-Mailrep-Stream: Marketing\r\n"
    assert stream_from_headers(raw, ["marketing"]) == "marketing"
    assert stream_from_headers(b"X-Mailrep-Stream: other\r\n", ["marketing"]) is None


def test_ingest_header_names_new_stream_creates_it(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    """A complaint tagged with a stream the tenant lacks stays off the default stream."""
    raw = make_arf("jan@example.org", stream="newsletter")

    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert result.stream == "newsletter"
    assert "newsletter" in list_streams(session, tenant=tenant)
    assert _suppressions(session, tenant) == [("jan@example.org", "newsletter", "complaint")]


def test_ingest_header_invalid_stream_falls_back_to_default(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_arf("jan@example.org", stream="-bad")

    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert result.stream == tenant.default_stream
    assert "-bad" not in list_streams(session, tenant=tenant)


def test_ingest_soft_bounces_escalate_at_threshold_days(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    def bounce() -> None:
        raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    for _ in range(settings.soft_bounce_threshold - 1):
        bounce()
        bounce()  # a second bounce on the same day does not count again
        clock.advance(days=1)
    assert _suppressions(session, tenant) == []

    bounce()
    assert _suppressions(session, tenant) == [("jan@example.org", ALL_STREAMS, "soft_bounce")]


def test_ingest_soft_bounces_outside_window_expire(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    for _ in range(settings.soft_bounce_threshold):
        raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
        clock.advance(days=settings.soft_bounce_window_days // 2)
    assert _suppressions(session, tenant) == []


def test_ingest_delivered_dsn_resets_soft_count(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    for day in range(settings.soft_bounce_threshold * 2):
        if day == settings.soft_bounce_threshold - 1:
            raw = make_dsn(
                "jan@example.org", status="2.0.0", action="delivered", diagnostic="250 2.0.0 OK"
            )
        else:
            raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
        clock.advance(days=1)
        if day == settings.soft_bounce_threshold - 1:
            assert session.scalar(select(func.count(SoftBounceDay.id))) == 0
    suppressions = _suppressions(session, tenant)
    assert suppressions == [("jan@example.org", ALL_STREAMS, "soft_bounce")]


def test_ingest_delayed_dsn_does_not_count(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    raw = make_dsn("jan@example.org", status="4.2.2", action="delayed", diagnostic=MAILBOX_FULL)
    result = ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    assert [a.action for a in result.actions] == [Action.NONE]
    assert session.scalar(select(func.count(SoftBounceDay.id))) == 0


def _sender_fault_samples() -> list[Path]:
    """Corpus files whose every expected recipient failed for a sender-caused reason."""
    expected = json.loads((CORPUS / "expected.json").read_text())
    faults = {reason.value for reason in SENDER_FAULT_REASONS}
    return [
        CORPUS / "eml" / name
        for name, recipients in sorted(expected.items())
        if recipients
        and all(r["reason"] in faults for r in recipients)
        and (CORPUS / "eml" / name).is_file()
    ]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="bounce corpus not present")
def test_ingest_corpus_sender_faults_never_suppress(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    """Real spam blocks, reputation and policy rejections: no suppression may come of them."""
    samples = _sender_fault_samples()
    assert samples, "the corpus holds sender-caused failures"
    for path in samples:
        raw = path.read_bytes()
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
    session.flush()

    faults = session.scalars(select(RecipientEvent).where(RecipientEvent.sender_fault)).all()
    assert faults
    for suppression in session.scalars(select(Suppression)):
        supporting = session.scalars(
            select(RecipientEvent).where(
                RecipientEvent.message_id == suppression.message_id,
                RecipientEvent.address == suppression.address,
            )
        ).all()
        assert not all(event.sender_fault for event in supporting), suppression.address


def test_ingest_delivered_dsn_lifts_soft_suppression(
    session: Session, tenant: Tenant, clock: FixedClock, settings: Settings
) -> None:
    for _ in range(settings.soft_bounce_threshold):
        raw = make_dsn("jan@example.org", status="4.2.2", diagnostic=MAILBOX_FULL)
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)
        clock.advance(days=1)
    ingest_message(
        session, tenant=tenant, raw=make_dsn("ola@example.org"), clock=clock, settings=settings
    )
    assert [row[0] for row in _suppressions(session, tenant)] == [
        "jan@example.org",
        "ola@example.org",
    ]

    for address in ("jan@example.org", "ola@example.org"):
        raw = make_dsn(address, status="2.0.0", action="delivered", diagnostic="250 2.0.0 OK")
        ingest_message(session, tenant=tenant, raw=raw, clock=clock, settings=settings)

    assert _suppressions(session, tenant) == [("ola@example.org", ALL_STREAMS, "hard_bounce")]
