"""parse_message as a whole: totality, bounded work on huge input, detector faults."""

from __future__ import annotations

import pytest

import bounce_parser.parse as parse_module
from bounce_parser import Reason, ReportKind, parse_message
from bounce_parser.message import MAX_CONTAINERS, MessageView
from bounce_parser.types import Detection

MIB = 1024 * 1024

_DSN = (
    b"From: MAILER-DAEMON@mx.example.com\nTo: sender@example.org\nSubject: failure\n"
    b"MIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
    b"--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
    b"--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
    b"Final-Recipient: rfc822; gone@example.net\nAction: failed\nStatus: 5.1.1\n"
    b"Diagnostic-Code: smtp; 550 5.1.1 User unknown\n\n"
    b"--b\nContent-Type: message/rfc822\n\nFrom: sender@example.org\nTo: gone@example.net\n"
    b"Subject: Invoice\n\n"
)


def test_parse_message_empty_input_is_unparseable() -> None:
    report = parse_message(b"  \n")

    assert report.kind is ReportKind.UNPARSEABLE
    assert report.problems == ("empty message",)


def test_parse_message_plain_mail_is_not_bounce() -> None:
    report = parse_message(b"From: a@example.com\nTo: b@example.com\nSubject: hi\n\nHello.\n")

    assert report.kind is ReportKind.NOT_BOUNCE
    assert report.recipients == ()
    assert report.original is None


def test_parse_message_crlf_line_ends_give_same_report() -> None:
    raw = _DSN + b"body\n--b--\n"

    lf = parse_message(raw)
    crlf = parse_message(raw.replace(b"\n", b"\r\n"))

    assert crlf.recipients == lf.recipients
    assert lf.recipients[0].hard_bounce is True


def test_parse_message_huge_attachment_keeps_findings() -> None:
    attachment = b"QUJD" * 19 + b"\n"
    raw = _DSN + attachment * (10 * MIB // len(attachment)) + b"\n--b--\n"

    report = parse_message(raw)

    assert report.kind is ReportKind.DELIVERY_STATUS
    assert [r.address for r in report.recipients] == ["gone@example.net"]
    assert any("truncated" in problem for problem in report.problems)


def test_parse_message_huge_header_does_not_raise() -> None:
    raw = b"X-Filler: " + b"x" * (10 * MIB) + b"\n" + _DSN

    report = parse_message(raw)

    assert report.kind in (ReportKind.NOT_BOUNCE, ReportKind.DELIVERY_STATUS)
    assert any("truncated" in problem for problem in report.problems)


def test_parse_message_deeply_nested_multiparts_do_not_raise() -> None:
    depth = 5000
    nesting = b"".join(
        b'Content-Type: multipart/mixed; boundary="n%d"\n\n--n%d\n' % (level, level)
        for level in range(depth)
    )
    raw = (
        b"From: a@example.com\nMIME-Version: 1.0\n" + nesting + b"Content-Type: text/plain\n\nhi\n"
    )

    report = parse_message(raw)

    assert report.kind is ReportKind.NOT_BOUNCE
    assert any(str(MAX_CONTAINERS) in problem for problem in report.problems)


def test_message_view_few_nested_multiparts_are_split() -> None:
    raw = (
        b'Content-Type: multipart/mixed; boundary="a"\n\n--a\n'
        b'Content-Type: multipart/alternative; boundary="c"\n\n--c\n'
        b"Content-Type: text/plain\n\ninner text\n--c--\n--a--\n"
    )
    view = MessageView(raw)

    assert view.content_types == ["multipart/mixed", "multipart/alternative", "text/plain"]
    assert "inner text" in view.text
    assert view.problems == []


def test_parse_message_faulty_detector_is_skipped_and_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_detector(view: MessageView) -> Detection | None:
        raise ValueError("boom")

    monkeypatch.setattr(parse_module, "DETECTORS", (broken_detector, *parse_module.DETECTORS))
    report = parse_message(_DSN + b"--b--\n")

    assert report.kind is ReportKind.DELIVERY_STATUS
    assert "detector broken_detector failed: ValueError: boom" in report.problems


def test_message_view_unknown_charset_falls_back_to_latin1() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\nSubject: =?x-unknown?q?fail=E9?=\n"
        b"Content-Type: text/plain; charset=x-unknown\n\nD\xe9livraison \xe9chou\xe9e.\n"
    )
    view = MessageView(raw)

    assert view.text == "D\u00e9livraison \u00e9chou\u00e9e.\n"
    assert view.subject == "fail\u00e9"
    assert parse_message(raw).kind is ReportKind.NOT_BOUNCE


def test_parse_message_classifier_fault_keeps_recipient_soft(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken_classify(finding: object) -> tuple[Reason, str]:
        raise RuntimeError("bad table")

    monkeypatch.setattr(parse_module, "classify", broken_classify)
    report = parse_message(_DSN + b"--b--\n")

    assert report.kind is ReportKind.DELIVERY_STATUS
    assert [r.address for r in report.recipients] == ["gone@example.net"]
    assert report.recipients[0].reason is Reason.UNDEFINED
    assert report.recipients[0].hard_bounce is False
    assert "classifier failed: RuntimeError: bad table" in report.problems


def test_parse_message_deeply_nested_message_parts_do_not_raise() -> None:
    raw = b"From: a@example.com\n" + b"Content-Type: message/rfc822\n\n" * 5000 + b"x\n"

    report = parse_message(raw)

    assert report.kind is ReportKind.NOT_BOUNCE
    assert any(str(MAX_CONTAINERS) in problem for problem in report.problems)
