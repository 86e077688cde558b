"""The RFC 3464 / RFC 6533 delivery-status reader, on hand-written reports."""

from __future__ import annotations

import pytest

from bounce_parser import Reason, ReportKind, parse_message
from bounce_parser.dsn import detect_dsn, diagnostic_from_text, fill_from_dsn
from bounce_parser.message import MessageView
from bounce_parser.types import Finding

_HEADERS = (
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.com>\n"
    "To: sender@example.org\n"
    "Subject: Undelivered Mail Returned to Sender\n"
    "MIME-Version: 1.0\n"
)


def _report(
    status_fields: str, *, status_type: str = "message/delivery-status", text: str = ""
) -> bytes:
    return (
        _HEADERS
        + 'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        + f"--b1\nContent-Type: text/plain\n\n{text or 'Delivery failed.'}\n\n"
        + f"--b1\nContent-Type: {status_type}\n\n{status_fields}\n"
        + "--b1\nContent-Type: text/rfc822-headers\n\n"
        + "From: sender@example.org\nTo: user@example.net\nSubject: Invoice 7\n"
        + "Message-ID: <m1@example.org>\n\n--b1--\n"
    ).encode()


_TWO_RECIPIENTS = """Reporting-MTA: dns; mx.example.com
X-Postfix-Sender: rfc822; sender@example.org
Arrival-Date: Mon, 2 Mar 2026 09:00:00 +0100

Final-Recipient: rfc822; User.One@EXAMPLE.NET
Original-Recipient: rfc822;user.one@example.net
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.net
Diagnostic-Code: smtp; 550 5.1.1 <User.One@example.net>: Recipient address
    rejected: User unknown in virtual mailbox table

Final-Recipient: rfc822; two@example.net
Action: delayed
Status: 4.4.1
Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.25]:25: Connection
    timed out
"""


def test_detect_dsn_two_recipients_reads_every_field() -> None:
    detection = detect_dsn(MessageView(_report(_TWO_RECIPIENTS)))

    assert detection is not None
    first, second = detection.findings
    assert first.address == "User.One@example.net"
    assert first.original_recipient == "user.one@example.net"
    assert first.action == "failed"
    assert first.status == "5.1.1"
    assert first.reply_code == "550"
    assert first.remote_mta == "mx.example.net"
    assert first.diagnostic is not None
    assert first.diagnostic.endswith("User unknown in virtual mailbox table")
    assert second.action == "delayed"
    assert second.diagnostic == ("connect to mx.example.net[192.0.2.25]:25: Connection timed out")


def test_dsn_user_unknown_is_hard() -> None:
    report = parse_message(_report(_TWO_RECIPIENTS))

    assert report.kind is ReportKind.DELIVERY_STATUS
    assert report.family == "rfc3464"
    assert report.recipients[0].reason is Reason.USERUNKNOWN
    assert report.recipients[0].hard_bounce is True
    assert report.recipients[1].hard_bounce is False
    assert report.original is not None
    assert report.original.subject == "Invoice 7"
    assert report.original.message_id == "<m1@example.org>"


def test_detect_dsn_missing_blank_line_splits_recipients() -> None:
    fields = (
        "Reporting-MTA: dns; mx.example.com\n\n"
        "Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.1.1\n"
        "Final-Recipient: rfc822; b@example.net\nAction: failed\nStatus: 5.2.2\n"
    )
    detection = detect_dsn(MessageView(_report(fields)))

    assert detection is not None
    assert [f.address for f in detection.findings] == ["a@example.net", "b@example.net"]
    assert [f.status for f in detection.findings] == ["5.1.1", "5.2.2"]


def test_detect_dsn_action_before_recipient_belongs_to_it() -> None:
    fields = "Action: failed\nFinal-Recipient: rfc822; a@example.net\nStatus: 5.1.1\n"
    detection = detect_dsn(MessageView(_report(fields)))

    assert detection is not None
    assert detection.findings[0].action == "failed"


def test_detect_dsn_global_delivery_status_reads_utf8_address() -> None:
    fields = (
        "Reporting-MTA: dns; mx.example.com\n\n"
        "Final-Recipient: utf-8; jürgen@bücher.example\nAction: failed\nStatus: 5.1.1\n"
    )
    detection = detect_dsn(
        MessageView(_report(fields, status_type="message/global-delivery-status"))
    )

    assert detection is not None
    assert detection.findings[0].address == "jürgen@bücher.example"


def test_detect_dsn_mislabelled_text_plain_part_is_read() -> None:
    fields = (
        "Reporting-MTA: dns; mx.example.com\n\n"
        "Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.2.2\n"
    )
    detection = detect_dsn(MessageView(_report(fields, status_type="text/plain")))

    assert detection is not None
    assert detection.findings[0].status == "5.2.2"


def test_detect_dsn_fields_in_message_text_are_read() -> None:
    raw = (
        _HEADERS
        + "Content-Type: text/plain\n\nThe message could not be delivered.\n\n"
        + "Reporting-MTA: dns; mx.example.com\n\n"
        + "Final-Recipient: RFC822; <a@Example.NET>\nAction: failed\nStatus: 5.1.1\n\n"
        + "Return-Path: <sender@example.org>\nSubject: Invoice\n\nbody\n"
    ).encode()
    detection = detect_dsn(MessageView(raw))

    assert detection is not None
    assert [f.address for f in detection.findings] == ["a@example.net"]


_QUOTED_FIELDS = (
    "Content-Type: text/plain\n\nSince yesterday I get this for every message:\n\n"
    "Final-Recipient: rfc822; someone@example.net\nAction: failed\nStatus: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\nAny idea why?\n"
)


@pytest.mark.parametrize(
    "headers",
    [
        "From: A. User <auser@example.net>\nSubject: list Digest, Vol 2, Issue 4\n",
        "From: A. User <auser@example.net>\nSubject: Fwd: Undelivered Mail Returned to Sender\n",
        "From: A. User <auser@example.net>\nSubject: Re: delivery failure to gmail\n",
    ],
)
def test_parse_message_quoted_fields_without_bounce_signal_is_not_bounce(headers: str) -> None:
    report = parse_message((headers + "To: list@example.org\n" + _QUOTED_FIELDS).encode())

    assert report.kind is ReportKind.NOT_BOUNCE
    assert report.recipients == ()


@pytest.mark.parametrize(
    "headers",
    [
        "From: MAILER-DAEMON@mx.example.com\nSubject: Warning\n",
        "From: Mail Delivery Subsystem <root@mx.example.com>\nSubject: Warning\n",
        "From: gateway@mx.example.com\nReturn-Path: <>\nSubject: Warning\n",
        "From: gateway@mx.example.com\nAuto-Submitted: auto-generated\nSubject: Warning\n",
        "From: gateway@mx.example.com\nSubject: Returned mail: see transcript\n",
        "From: gateway@mx.example.com\nSubject: Niedostarczalne: Faktura 7\n",
    ],
)
def test_detect_dsn_fields_in_text_with_bounce_signal_are_read(headers: str) -> None:
    detection = detect_dsn(MessageView((headers + _QUOTED_FIELDS).encode()))

    assert detection is not None
    assert [finding.status for finding in detection.findings] == ["5.1.1"]


def test_detect_dsn_status_comment_stands_in_for_diagnostic() -> None:
    fields = (
        "Final-Recipient: rfc822; a@example.net\nAction: delayed\n"
        "Status: 4.0.0 (example.net: host name lookup failure)\n"
    )
    detection = detect_dsn(MessageView(_report(fields)))

    assert detection is not None
    assert detection.findings[0].diagnostic == "example.net: host name lookup failure"


def test_detect_dsn_specific_diagnostic_status_wins() -> None:
    fields = (
        "Final-Recipient: rfc822; a@example.net\nAction: failed\nStatus: 5.0.0\n"
        "Diagnostic-Code: smtp; 550 #5.1.0 Address rejected.\n"
    )
    detection = detect_dsn(MessageView(_report(fields)))

    assert detection is not None
    assert detection.findings[0].status == "5.1.0"


def test_parse_message_delivered_action_is_listed_as_delivered() -> None:
    fields = "Final-Recipient: rfc822; a@example.net\nAction: delivered\nStatus: 2.0.0\n"
    report = parse_message(_report(fields))

    assert len(report.recipients) == 1
    assert report.recipients[0].reason is Reason.DELIVERED
    assert report.recipients[0].hard_bounce is False


def test_detect_dsn_without_recipient_fields_is_none() -> None:
    fields = "Reporting-MTA: dns; mx.example.com\nArrival-Date: Mon, 2 Mar 2026 09:00:00 +0100\n"
    assert detect_dsn(MessageView(_report(fields))) is None


def test_diagnostic_from_text_skips_field_lines() -> None:
    text = (
        "Final-Recipient: rfc822; a@example.net\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n<a@example.net>\n\n"
        "   ----- Transcript of session follows -----\n"
        "mail.local: unknown user: a\n554 <a@example.net>... Service unavailable\n"
    )
    diagnostic = diagnostic_from_text(text, "a@example.net")

    assert diagnostic == "mail.local: unknown user: a 554 <a@example.net>... Service unavailable"


def test_fill_from_dsn_completes_other_detector_finding() -> None:
    finding = Finding(address="<user.one@example.NET>", diagnostic="mailbox unknown")

    fill_from_dsn([finding], MessageView(_report(_TWO_RECIPIENTS)))

    assert finding.status == "5.1.1"
    assert finding.action == "failed"
    assert finding.remote_mta == "mx.example.net"
    assert finding.diagnostic == "mailbox unknown"
