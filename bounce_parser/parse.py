"""Parse one raw message into a `Report`: run the detectors, classify each finding.

`parse_message` is total: malformed MIME, unknown charsets and detector bugs
never escape as exceptions. A detector that raises is skipped and named in the
report's problems, and the next detector is tried.
"""

from __future__ import annotations

from bounce_parser.address import normalise_address
from bounce_parser.classify import classify
from bounce_parser.detectors import DETECTORS
from bounce_parser.dsn import FAMILY as DSN_FAMILY
from bounce_parser.dsn import fill_from_dsn
from bounce_parser.message import MessageView
from bounce_parser.original import extract_original
from bounce_parser.types import (
    Detection,
    Finding,
    OriginalMessage,
    Reason,
    Recipient,
    Report,
    ReportKind,
    is_hard_bounce,
)


def parse_message(raw: bytes, *, fast_mime: bool = True) -> Report:
    """Parse one raw message (LF or CRLF line ends, any charset) into a report.

    `fast_mime=False` skips the fast MIME reader and uses the stdlib parser
    alone; the report is the same either way, which a differential test checks.
    """
    try:
        return _parse(raw, fast_mime)
    except Exception as exc:  # the parser is total by contract
        return Report(
            kind=ReportKind.UNPARSEABLE,
            family=None,
            problems=(f"parser failed: {type(exc).__name__}: {exc}",),
        )


def _parse(raw: bytes, fast_mime: bool) -> Report:
    if not raw.strip():
        return Report(kind=ReportKind.UNPARSEABLE, family=None, problems=("empty message",))

    view = MessageView(raw, fast=fast_mime)
    problems = list(view.problems)
    detection = _detect(view, problems)
    if detection is None:
        return Report(kind=ReportKind.NOT_BOUNCE, family=None, problems=tuple(problems))

    if detection.kind is ReportKind.DELIVERY_STATUS and detection.family != DSN_FAMILY:
        try:
            fill_from_dsn(detection.findings, view)
        except Exception as exc:  # the detector's own findings still stand
            problems.append(f"delivery-status fields unreadable: {type(exc).__name__}: {exc}")
    recipients = tuple(_classified(finding, problems) for finding in detection.findings)
    original = detection.original or _original_or_problem(view, problems)
    return Report(
        kind=detection.kind,
        family=detection.family,
        recipients=recipients,
        original=original,
        problems=tuple(problems + detection.problems),
    )


def _detect(view: MessageView, problems: list[str]) -> Detection | None:
    """Return the first detection that names at least one recipient."""
    for detector in DETECTORS:
        try:
            detection = detector(view)
        except Exception as exc:  # one faulty detector must not hide the others
            problems.append(f"detector {_name(detector)} failed: {type(exc).__name__}: {exc}")
            continue
        if detection is None:
            continue
        if detection.findings:
            return detection
        problems.append(f"detector {_name(detector)} matched but found no recipient")
    return None


def _original_or_problem(view: MessageView, problems: list[str]) -> OriginalMessage | None:
    try:
        return extract_original(view)
    except Exception as exc:  # a broken original must not lose the findings
        problems.append(f"original message unreadable: {type(exc).__name__}: {exc}")
        return None


def _classified(finding: Finding, problems: list[str]) -> Recipient:
    try:
        return recipient_from_finding(finding)
    except Exception as exc:  # one bad finding must not lose the report
        problems.append(f"classifier failed: {type(exc).__name__}: {exc}")
        return Recipient(
            address=finding.address,
            reason=Reason.UNDEFINED,
            hard_bounce=False,
            evidence="classifier failed",
            status=finding.status,
            reply_code=finding.reply_code,
            diagnostic=finding.diagnostic,
        )


def recipient_from_finding(finding: Finding) -> Recipient:
    """Classify one finding and apply the hard-bounce rule."""
    reason, evidence = classify(finding)
    return Recipient(
        # Every detector's addresses get the same normal form, so one mailbox
        # is one suppression entry whichever MTA reported it.
        address=normalise_address(finding.address) or finding.address,
        reason=reason,
        hard_bounce=is_hard_bounce(reason, finding.status, finding.reply_code),
        evidence=evidence,
        original_recipient=normalise_address(finding.original_recipient),
        final_recipient=normalise_address(finding.final_recipient),
        action=finding.action,
        status=finding.status,
        reply_code=finding.reply_code,
        remote_mta=finding.remote_mta,
        diagnostic=finding.diagnostic,
        smtp_command=finding.smtp_command,
        feedback_type=finding.feedback_type,
        source_ip=finding.source_ip,
        arrival_date=finding.arrival_date,
        reported_domain=finding.reported_domain,
        user_agent=finding.user_agent,
    )


def _name(detector: object) -> str:
    return str(getattr(detector, "__name__", type(detector).__name__))
