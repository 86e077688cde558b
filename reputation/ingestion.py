"""Ingest one returned message: store it, parse it, record its events and act on them.

The raw bytes are stored (zlib-compressed, with their SHA-256) before parsing, in
the same transaction as the results, so a message the parser cannot read is kept
with its error and a later `reparse` can read it. The same bytes received twice
are stored once and acted on once; the second call returns `duplicate=True`.

Stream of a returned message: the `stream` argument when the caller knows it.
Otherwise it is the `X-Mailrep-Stream` header that the sender put on its outgoing
mail, read from the copy of the original headers inside the bounce or complaint.
Without either, it is the tenant's default stream. A header naming a stream the
tenant does not have yet creates that stream. A complaint about a newsletter
tagged `newsletter` so stays on that stream: the default (usually
`transactional`) would stop invoice reminders. Streams are
created this way only while the tenant has fewer than `MAX_STREAMS_FROM_HEADERS`.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import zlib
from dataclasses import dataclass

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import bounce_parser
from bounce_parser import Report, ReportKind, parse_message
from reputation import metrics
from reputation.clock import Clock
from reputation.errors import ConflictError, MessageTooLargeError, UnknownStreamError
from reputation.models import Message, Tenant
from reputation.recipient_events import (
    AppliedAction,
    apply_event,
    build_events,
    from_domain_of,
    record_event_metrics,
)
from reputation.settings import Settings, get_settings
from reputation.suppression_writer import SoftBouncePolicy
from reputation.tenants import add_stream, list_streams

STREAM_HEADER = "X-Mailrep-Stream"
_STREAM_HEADER_LINE = re.compile(
    rb"^X-Mailrep-Stream:[ \t]*([A-Za-z0-9_.-]{1,64})[ \t]*\r?$", re.IGNORECASE | re.MULTILINE
)
#: Streams a tenant may have before headers stop creating new ones, so a sender
#: that writes arbitrary values into the header cannot grow the table without bound.
MAX_STREAMS_FROM_HEADERS = 64
#: Version stored with each parse, so `reparse` can tell which parser read a message.
PARSER_VERSION: str = getattr(bounce_parser, "__version__", None) or importlib.metadata.version(
    "mailrep"
)

_log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class IngestResult:
    """Outcome of ingesting one message.

    `report` is None for a duplicate, which is not parsed again; `kind` is then the
    stored kind. `actions` lists what each recipient did (empty for a duplicate).
    """

    message_id: int
    duplicate: bool
    kind: ReportKind
    stream: str | None
    report: Report | None
    actions: tuple[AppliedAction, ...] = ()
    parse_error: str | None = None


def ingest_message(
    session: Session,
    *,
    tenant: Tenant,
    raw: bytes,
    clock: Clock,
    stream: str | None = None,
    settings: Settings | None = None,
) -> IngestResult:
    """Store, parse and act on one returned message. Flushes; the caller commits.

    Raises:
        MessageTooLargeError: `raw` is larger than `settings.max_message_bytes`.
        UnknownStreamError: `stream` is given but the tenant has no such stream.
    """
    settings = settings or get_settings()
    if len(raw) > settings.max_message_bytes:
        metrics.record_ingestion_error("receive")
        raise MessageTooLargeError(len(raw), settings.max_message_bytes)
    streams = list_streams(session, tenant=tenant)
    if stream is not None and stream not in streams:
        raise UnknownStreamError(stream)

    digest = hashlib.sha256(raw).hexdigest()
    existing = _find_message(session, tenant_id=tenant.id, sha256=digest)
    if existing is not None:
        return _duplicate(existing)
    message = _store(session, tenant=tenant, raw=raw, sha256=digest, clock=clock)
    if message is None:
        existing = _find_message(session, tenant_id=tenant.id, sha256=digest)
        assert existing is not None  # the unique constraint fired, so the row exists
        return _duplicate(existing)

    report, error = parse_safely(raw)
    message.stream = stream or _stream_of_original(
        session, tenant=tenant, raw=raw, streams=streams
    )
    record_parse(message, report, error, clock)
    actions = _apply(
        session, tenant=tenant, message=message, report=report, settings=settings, clock=clock
    )
    metrics.record_message_ingested(report.kind.value)
    _log.info(
        "message_ingested",
        tenant_id=tenant.id,
        message_id=message.id,
        kind=report.kind.value,
        family=report.family,
        recipients=len(report.recipients),
    )
    return IngestResult(
        message_id=message.id,
        duplicate=False,
        kind=report.kind,
        stream=message.stream,
        report=report,
        actions=actions,
        parse_error=error,
    )


def _find_message(session: Session, *, tenant_id: int, sha256: str) -> Message | None:
    query = select(Message).where(Message.tenant_id == tenant_id, Message.sha256 == sha256)
    return session.scalar(query)


def _duplicate(message: Message) -> IngestResult:
    _log.info("message_duplicate", tenant_id=message.tenant_id, message_id=message.id)
    return IngestResult(
        message_id=message.id,
        duplicate=True,
        kind=ReportKind(message.kind),
        stream=message.stream,
        report=None,
        parse_error=message.parse_error,
    )


def _store(
    session: Session, *, tenant: Tenant, raw: bytes, sha256: str, clock: Clock
) -> Message | None:
    """Insert the raw message before parsing; None when a concurrent insert won the race."""
    now = clock.now()
    message = Message(
        tenant_id=tenant.id,
        sha256=sha256,
        raw_zlib=zlib.compress(raw),
        size=len(raw),
        received_at=now,
        kind=ReportKind.UNPARSEABLE.value,
        parser_version=PARSER_VERSION,
        parsed_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


def parse_safely(raw: bytes) -> tuple[Report, str | None]:
    """Parse `raw`; a parser exception becomes an unparseable report and an error text."""
    try:
        report = parse_message(raw)
    except Exception as exc:  # the parser promises not to raise; the message must still be kept
        metrics.record_ingestion_error("parse")
        _log.exception("parser_failed")
        error = f"{type(exc).__name__}: {exc}"
        return Report(kind=ReportKind.UNPARSEABLE, family=None, problems=(error,)), error
    if report.kind is ReportKind.UNPARSEABLE:
        return report, "; ".join(report.problems) or "unparseable"
    return report, None


def record_parse(message: Message, report: Report, error: str | None, clock: Clock) -> None:
    """Copy the parse outcome onto the stored message."""
    message.kind = report.kind.value
    message.family = report.family
    message.from_domain = from_domain_of(report)
    message.parse_error = error[:2000] if error else None
    message.parser_version = PARSER_VERSION
    message.parsed_at = clock.now()


def _stream_of_original(
    session: Session, *, tenant: Tenant, raw: bytes, streams: list[str]
) -> str:
    known = stream_from_headers(raw, streams)
    if known is not None:
        return known
    named = next((m[1].decode("ascii").lower() for m in _STREAM_HEADER_LINE.finditer(raw)), None)
    if named is None:
        return tenant.default_stream
    if len(streams) >= MAX_STREAMS_FROM_HEADERS:
        _log.warning("stream_header_over_limit", tenant_id=tenant.id, stream=named)
        return tenant.default_stream
    try:
        with session.begin_nested():
            add_stream(session, tenant=tenant, name=named)
    except ValueError:
        _log.warning("stream_header_invalid", tenant_id=tenant.id, stream=named)
        return tenant.default_stream
    except (IntegrityError, ConflictError):
        pass  # another request created the same stream a moment ago
    _log.warning("stream_created_from_header", tenant_id=tenant.id, stream=named)
    return named


def stream_from_headers(raw: bytes, streams: list[str]) -> str | None:
    """Return the stream named by an `X-Mailrep-Stream` header in `raw`, if the tenant has it."""
    for match in _STREAM_HEADER_LINE.finditer(raw):
        name = match[1].decode("ascii").lower()
        if name in streams:
            return name
    return None


def _apply(
    session: Session,
    *,
    tenant: Tenant,
    message: Message,
    report: Report,
    settings: Settings,
    clock: Clock,
) -> tuple[AppliedAction, ...]:
    policy = SoftBouncePolicy.from_settings(settings)
    actions = []
    for event, decision in build_events(tenant=tenant, message=message, report=report):
        session.add(event)
        actions.append(
            apply_event(
                session, tenant=tenant, event=event, decision=decision, policy=policy, clock=clock
            )
        )
        record_event_metrics(report.kind, event)
    session.flush()
    return tuple(actions)
