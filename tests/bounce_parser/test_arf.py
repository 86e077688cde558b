"""Feedback-loop complaints: RFC 5965 ARF, Microsoft JMRP and Apple Mail unsubscribes."""

from __future__ import annotations

from bounce_parser import Reason, ReportKind, parse_message

_ORIGINAL = (
    "Return-Path: <invoices@example.org>\n"
    "From: Billing <invoices@example.org>\n"
    "To: Customer <customer@example.net>\n"
    "Subject: Invoice 42\n"
    "Message-ID: <inv42@example.org>\n\n"
    "Please pay.\n"
)


def _arf(fields: str, original: str = _ORIGINAL) -> bytes:
    return (
        "From: feedback@fbl.example.com\nTo: abuse@example.org\nSubject: FW: complaint\n"
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nThis is an abuse report.\n\n"
        f"--b\nContent-Type: message/feedback-report\n\n{fields}\n"
        f"--b\nContent-Type: message/rfc822\n\n{original}\n--b--\n"
    ).encode()


def test_parse_message_arf_reads_every_rcpt_to() -> None:
    fields = (
        "Feedback-Type: abuse\nUser-Agent: ExampleFBL/1.0\nVersion: 1\n"
        "Original-Mail-From: <invoices@example.org>\n"
        "Original-Rcpt-To: <one@Example.NET>\nOriginal-Rcpt-To: two@example.net\n"
        "Arrival-Date: Mon, 2 Mar 2026 09:00:00 +0000\nSource-IP: 192.0.2.7\n"
        "Reported-Domain: example.org\n"
    )
    report = parse_message(_arf(fields))

    assert report.kind is ReportKind.FEEDBACK_REPORT
    assert [r.address for r in report.recipients] == ["one@example.net", "two@example.net"]
    first = report.recipients[0]
    assert first.reason is Reason.FEEDBACK
    assert first.hard_bounce is False
    assert first.feedback_type == "abuse"
    assert first.source_ip == "192.0.2.7"
    assert first.arrival_date == "Mon, 2 Mar 2026 09:00:00 +0000"
    assert first.reported_domain == "example.org"
    assert first.user_agent == "ExampleFBL/1.0"
    assert report.original is not None
    assert report.original.message_id == "<inv42@example.org>"


def test_arf_falls_back_to_original_to() -> None:
    report = parse_message(_arf("Feedback-Type: abuse\nUser-Agent: X/1\nVersion: 1\n"))

    assert [r.address for r in report.recipients] == ["customer@example.net"]


def test_parse_message_arf_removal_recipient_is_the_recipient() -> None:
    fields = "Feedback-Type: opt-out\nUser-Agent: X/1\nRemoval-Recipient: leave@example.net\n"
    report = parse_message(_arf(fields))

    assert [r.address for r in report.recipients] == ["leave@example.net"]
    assert report.recipients[0].feedback_type == "opt-out"


def test_arf_redacted_recipient_has_empty_address() -> None:
    original = _ORIGINAL.replace("Customer <customer@example.net>", '"undisclosed"')
    report = parse_message(_arf("Feedback-Type: abuse\nUser-Agent: X/1\n", original))

    assert len(report.recipients) == 1
    assert report.recipients[0].address == ""
    assert "feedback report names no recipient address" in report.problems


def test_parse_message_jmrp_reads_hotmail_headers_of_original() -> None:
    original = (
        "X-HmXmrOriginalRecipient: <Reader@hotmail.example>\n"
        "X-Originating-Ip: [198.51.100.9]\n" + _ORIGINAL
    )
    raw = (
        "From: staff@hotmail.example\nTo: fbl@example.org\n"
        "Subject: complaint about message from 198.51.100.9\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n"
        f"--b\nContent-Type: message/rfc822\n\n{original}\n--b--\n"
    ).encode()
    report = parse_message(raw)

    assert report.kind is ReportKind.FEEDBACK_REPORT
    assert report.family == "jmrp"
    assert [r.address for r in report.recipients] == ["Reader@hotmail.example"]
    assert report.recipients[0].source_ip == "198.51.100.9"
    assert report.recipients[0].feedback_type == "abuse"


def test_apple_unsubscribe_is_opt_out() -> None:
    raw = (
        b"From: someone@icloud.example\nTo: opt-out-1@example.org\nSubject: unsubscribe\n"
        b"Auto-Submitted: auto-replied\nX-Apple-Unsubscribe: true\n\n"
        b"Apple Mail sent this email to unsubscribe.\n"
    )
    report = parse_message(raw)

    assert report.kind is ReportKind.FEEDBACK_REPORT
    assert [r.address for r in report.recipients] == ["someone@icloud.example"]
    assert report.recipients[0].feedback_type == "opt-out"


def test_jmrp_without_originating_ip_uses_received() -> None:
    original = (
        "X-HmXmrOriginalRecipient: <reader@hotmail.example>\n"
        "Received: from mail.example.org ([203.0.113.25]) by mx.hotmail.example\n" + _ORIGINAL
    )
    raw = (
        "From: staff@hotmail.example\nSubject: complaint about message from 203.0.113.25\n"
        'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n"
        f"--b\nContent-Type: message/rfc822\n\n{original}\n--b--\n"
    ).encode()
    report = parse_message(raw)

    assert report.recipients[0].source_ip == "203.0.113.25"
