"""Re-run the current parser over stored messages and apply what changed.

For each message the old events are replaced by the new verdicts. An address
whose action changed gets the new action carried out (a new suppression, a soft
count, a reset). A suppression that this message created and that the new
verdict no longer supports is moved to another message that still supports it,
or lifted with an audit event when none does. Events whose action did not change
are not re-applied, so a suppression someone removed by hand is not brought back.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import structlog
from sqlalchemy import Select, delete, select
from sqlalchemy.orm import Session, sessionmaker

from reputation.audit import SYSTEM_ACTOR
from reputation.clock import Clock
from reputation.db import session_scope
from reputation.ingestion import PARSER_VERSION, parse_safely, record_parse
from reputation.models import (
    ALL_STREAMS,
    Message,
    RecipientEvent,
    SoftBounceDay,
    Suppression,
    SuppressionSource,
    Tenant,
)
from reputation.policy import Action
from reputation.recipient_events import AppliedAction, apply_event, build_events
from reputation.settings import Settings, get_settings
from reputation.suppression_writer import SoftBouncePolicy, count_soft_days, lift_suppression

_log = structlog.get_logger(__name__)

# Event action that supports a suppression, by suppression source.
_SUPPORTING_ACTION = {
    SuppressionSource.HARD_BOUNCE: Action.SUPPRESS_ALL,
    SuppressionSource.COMPLAINT: Action.SUPPRESS_STREAM,
    SuppressionSource.OPT_OUT: Action.SUPPRESS_STREAM,
    SuppressionSource.SOFT_BOUNCE: Action.COUNT_SOFT,
}


@dataclass(frozen=True, slots=True)
class ReparseOutcome:
    """Changes made by reparsing one message."""

    message_id: int
    old_kind: str
    new_kind: str
    applied: tuple[AppliedAction, ...]
    lifted: int

    @property
    def is_changed(self) -> bool:
        return self.old_kind != self.new_kind or bool(self.applied) or self.lifted > 0


@dataclass(frozen=True, slots=True)
class ReparseSummary:
    """Totals of a reparse run."""

    messages: int
    changed: int
    suppressions_added: int
    suppressions_lifted: int


def reparse_messages(
    session_factory: sessionmaker[Session],
    *,
    clock: Clock,
    tenant_id: int | None = None,
    settings: Settings | None = None,
    batch_size: int = 200,
) -> ReparseSummary:
    """Reparse every stored message (of one tenant, or all), committing after each batch."""
    settings = settings or get_settings()
    messages = changed = added = lifted = 0
    last_id = 0
    while True:
        with session_scope(session_factory) as session:
            query = select(Message).where(Message.id > last_id).order_by(Message.id)
            if tenant_id is not None:
                query = query.where(Message.tenant_id == tenant_id)
            batch = list(session.scalars(query.limit(batch_size)))
            for message in batch:
                outcome = reparse_message(session, message=message, clock=clock, settings=settings)
                messages += 1
                changed += outcome.is_changed
                added += sum(a.suppressed_stream is not None for a in outcome.applied)
                lifted += outcome.lifted
        if len(batch) < batch_size:
            break
        last_id = batch[-1].id
    _log.info("reparse_finished", messages=messages, changed=changed, parser=PARSER_VERSION)
    return ReparseSummary(messages, changed, added, lifted)


def reparse_message(
    session: Session, *, message: Message, clock: Clock, settings: Settings
) -> ReparseOutcome:
    """Reparse one stored message and apply what changed. Flushes; the caller commits."""
    tenant = session.get_one(Tenant, message.tenant_id)
    old_kind = message.kind
    old_actions = {(e.address, e.action) for e in message.events}

    report, error = parse_safely(zlib.decompress(message.raw_zlib))
    record_parse(message, report, error, clock)
    session.execute(delete(RecipientEvent).where(RecipientEvent.message_id == message.id))
    session.expire(message, ["events"])
    new_events = build_events(tenant=tenant, message=message, report=report)
    for event, _ in new_events:
        session.add(event)
    new_actions = {(event.address, event.action) for event, _ in new_events}
    _forget_soft_days(session, message=message, keep=new_actions)
    session.flush()

    policy = SoftBouncePolicy.from_settings(settings)
    lifted = _lift_unsupported(session, message=message, policy=policy, clock=clock)
    applied = tuple(
        apply_event(
            session, tenant=tenant, event=event, decision=decision, policy=policy, clock=clock
        )
        for event, decision in new_events
        if (event.address, event.action) not in old_actions
    )
    session.flush()
    return ReparseOutcome(message.id, old_kind, message.kind, applied, lifted)


def _forget_soft_days(session: Session, *, message: Message, keep: set[tuple[str, str]]) -> None:
    """Delete this message's soft-bounce days for addresses it no longer soft-bounces."""
    # NOTE: a day row names only the first message of that day, so a later one is dropped too.
    rows = session.scalars(select(SoftBounceDay).where(SoftBounceDay.message_id == message.id))
    for row in rows:
        if (row.address, Action.COUNT_SOFT.value) not in keep:
            session.delete(row)


def _lift_unsupported(
    session: Session, *, message: Message, policy: SoftBouncePolicy, clock: Clock
) -> int:
    query = select(Suppression).where(Suppression.message_id == message.id)
    lifted = 0
    for suppression in list(session.scalars(query)):
        if _is_supported(session, suppression=suppression, message_id=message.id, policy=policy):
            continue
        other = _other_support(session, suppression=suppression, message_id=message.id)
        if other is not None:
            suppression.message_id = other
            continue
        lift_suppression(
            session,
            suppression=suppression,
            actor=SYSTEM_ACTOR,
            clock=clock,
            why=f"reparse with parser {PARSER_VERSION} no longer supports it",
        )
        lifted += 1
    return lifted


def _is_supported(
    session: Session, *, suppression: Suppression, message_id: int, policy: SoftBouncePolicy
) -> bool:
    source = SuppressionSource(suppression.source)
    if source is SuppressionSource.SOFT_BOUNCE:
        days = count_soft_days(
            session,
            tenant_id=suppression.tenant_id,
            address=suppression.address,
            until=suppression.since.date(),
            window_days=policy.window_days,
        )
        return days >= policy.threshold
    action = _SUPPORTING_ACTION.get(source)
    if action is None:
        return True
    query = _supporting_events(suppression, action).where(RecipientEvent.message_id == message_id)
    return session.scalars(query.limit(1)).first() is not None


def _other_support(session: Session, *, suppression: Suppression, message_id: int) -> int | None:
    action = _SUPPORTING_ACTION.get(SuppressionSource(suppression.source))
    if action is None or action is Action.COUNT_SOFT:
        return None
    query = _supporting_events(suppression, action).where(RecipientEvent.message_id != message_id)
    event = session.scalars(query.order_by(RecipientEvent.id).limit(1)).first()
    return event.message_id if event is not None else None


def _supporting_events(suppression: Suppression, action: Action) -> Select[RecipientEvent]:
    query = select(RecipientEvent).where(
        RecipientEvent.tenant_id == suppression.tenant_id,
        RecipientEvent.address == suppression.address,
        RecipientEvent.action == action.value,
    )
    if action is Action.SUPPRESS_STREAM and suppression.stream != ALL_STREAMS:
        query = query.where(RecipientEvent.stream == suppression.stream)
    return query
