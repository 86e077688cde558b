"""The suppression policy table, checked over every reason and report kind."""

from __future__ import annotations

import pytest

from bounce_parser import SENDER_FAULT_REASONS, Reason, Recipient, ReportKind, is_hard_bounce
from reputation.models import SuppressionSource
from reputation.policy import DSN_REASON_ACTIONS, Action, decide

SUPPRESSING = {Action.SUPPRESS_ALL, Action.SUPPRESS_STREAM, Action.COUNT_SOFT}


def _recipient(
    reason: Reason,
    *,
    status: str = "5.0.0",
    action: str = "failed",
    feedback_type: str | None = None,
) -> Recipient:
    return Recipient(
        address="jan@example.com",
        reason=reason,
        hard_bounce=is_hard_bounce(reason, status, None),
        evidence="test",
        action=action,
        status=status,
        feedback_type=feedback_type,
    )


def test_dsn_reason_actions_cover_every_reason() -> None:
    assert set(DSN_REASON_ACTIONS) == set(Reason)


@pytest.mark.parametrize("reason", sorted(SENDER_FAULT_REASONS))
@pytest.mark.parametrize("status", ["5.7.1", "5.1.1", "4.7.0"])
def test_decide_sender_fault_never_suppresses(reason: Reason, status: str) -> None:
    decision = decide(ReportKind.DELIVERY_STATUS, _recipient(reason, status=status))
    assert decision.action is Action.SENDER_FAULT
    assert decision.source is None


@pytest.mark.parametrize("reason", list(Reason))
def test_decide_sender_fault_with_hard_flag_still_not_suppressed(reason: Reason) -> None:
    """Even a recipient wrongly flagged hard is not suppressed for a sender-caused failure."""
    recipient = Recipient(address="a@example.com", reason=reason, hard_bounce=True, evidence="x")
    decision = decide(ReportKind.DELIVERY_STATUS, recipient)
    if reason in SENDER_FAULT_REASONS:
        assert decision.action is Action.SENDER_FAULT
    else:
        assert decision.action is Action.SUPPRESS_ALL


@pytest.mark.parametrize("reason", [Reason.USERUNKNOWN, Reason.HOSTUNKNOWN, Reason.HASMOVED])
def test_decide_hard_bounce_suppresses_all_streams(reason: Reason) -> None:
    decision = decide(ReportKind.DELIVERY_STATUS, _recipient(reason, status="5.1.1"))
    assert decision.action is Action.SUPPRESS_ALL
    assert decision.source is SuppressionSource.HARD_BOUNCE


def test_decide_notaccept_temporary_is_soft() -> None:
    decision = decide(ReportKind.DELIVERY_STATUS, _recipient(Reason.NOTACCEPT, status="4.1.2"))
    assert decision.action is Action.COUNT_SOFT


@pytest.mark.parametrize("reason", list(Reason))
def test_decide_delayed_is_never_hard_nor_soft(reason: Reason) -> None:
    decision = decide(
        ReportKind.DELIVERY_STATUS, _recipient(reason, status="5.1.1", action="delayed")
    )
    assert decision.action in (Action.NONE, Action.SENDER_FAULT)


@pytest.mark.parametrize(
    "reason",
    [Reason.MAILBOXFULL, Reason.EXCEEDLIMIT, Reason.SUSPEND, Reason.EXPIRED, Reason.UNDEFINED],
)
def test_decide_recipient_side_failure_counts_soft(reason: Reason) -> None:
    decision = decide(ReportKind.DELIVERY_STATUS, _recipient(reason, status="4.2.2"))
    assert decision.action is Action.COUNT_SOFT


def test_decide_delivered_resets_soft_count() -> None:
    recipient = _recipient(Reason.DELIVERED, status="2.0.0", action="delivered")
    assert decide(ReportKind.DELIVERY_STATUS, recipient).action is Action.RESET_SOFT


@pytest.mark.parametrize("reason", [Reason.VACATION, Reason.ONHOLD, Reason.FEEDBACK])
def test_decide_non_failure_dsn_does_nothing(reason: Reason) -> None:
    assert decide(ReportKind.DELIVERY_STATUS, _recipient(reason)).action is Action.NONE


@pytest.mark.parametrize(
    "kind", [ReportKind.AUTO_REPLY, ReportKind.NOT_BOUNCE, ReportKind.UNPARSEABLE]
)
@pytest.mark.parametrize("reason", list(Reason))
def test_decide_non_report_kinds_do_nothing(kind: ReportKind, reason: Reason) -> None:
    assert decide(kind, _recipient(reason, status="5.1.1")).action is Action.NONE


@pytest.mark.parametrize(
    ("feedback_type", "action", "source"),
    [
        ("abuse", Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        ("fraud", Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        ("virus", Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        ("other", Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        ("Abuse", Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        (None, Action.SUPPRESS_STREAM, SuppressionSource.COMPLAINT),
        ("opt-out", Action.SUPPRESS_STREAM, SuppressionSource.OPT_OUT),
        ("not-spam", Action.NONE, None),
        ("auth-failure", Action.SENDER_FAULT, None),
    ],
)
def test_decide_feedback_type_table(
    feedback_type: str | None, action: Action, source: SuppressionSource | None
) -> None:
    recipient = _recipient(Reason.FEEDBACK, status="", feedback_type=feedback_type)
    decision = decide(ReportKind.FEEDBACK_REPORT, recipient)
    assert decision.action is action
    assert decision.source is source


@pytest.mark.parametrize("reason", list(Reason))
@pytest.mark.parametrize("kind", list(ReportKind))
def test_decide_suppressing_action_implies_recipient_fault(
    reason: Reason, kind: ReportKind
) -> None:
    """Across every reason and kind, only recipient-side verdicts can lead to suppression."""
    decision = decide(kind, _recipient(reason, status="5.1.1"))
    if decision.action in SUPPRESSING and kind is ReportKind.DELIVERY_STATUS:
        assert reason not in SENDER_FAULT_REASONS
