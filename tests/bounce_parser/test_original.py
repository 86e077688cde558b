"""Finding the returned original message and reading its identifying headers."""

from __future__ import annotations

from bounce_parser.message import MessageView
from bounce_parser.original import extract_original

_HEADERS = (
    "Return-Path: <invoices@example.org>\nFrom: Billing <invoices@example.org>\n"
    "To: customer@example.net\nSubject: =?utf-8?q?Faktura_nr_42_=E2=80=93_przypomnienie?=\n"
    "Message-ID: <inv42@example.org>\n"
)


def _multipart(part_type: str, body: str) -> bytes:
    return (
        "From: MAILER-DAEMON@mx.example.com\nSubject: failure\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n'
        "--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
        f"--b\nContent-Type: {part_type}\n\n{body}\n--b--\n"
    ).encode()


def test_extract_original_message_rfc822_part_reads_headers() -> None:
    original = extract_original(MessageView(_multipart("message/rfc822", _HEADERS + "\nbody\n")))

    assert original is not None
    assert original.message_id == "<inv42@example.org>"
    assert original.from_ == "Billing <invoices@example.org>"
    assert original.to == "customer@example.net"
    assert original.subject == "Faktura nr 42 \u2013 przypomnienie"
    assert original.return_path == "<invoices@example.org>"


def test_extract_original_rfc822_headers_part_reads_headers() -> None:
    original = extract_original(MessageView(_multipart("text/rfc822-headers", _HEADERS)))

    assert original is not None
    assert original.message_id == "<inv42@example.org>"


def test_extract_original_pasted_after_marker_reads_headers() -> None:
    raw = (
        "From: MAILER-DAEMON@mx.example.com\nSubject: failure notice\n\n"
        "Sorry, we were unable to deliver your message.\n\n"
        "--- Below this line is a copy of the message.\n\n" + _HEADERS + "\nbody text\n"
    ).encode()
    original = extract_original(MessageView(raw))

    assert original is not None
    assert original.to == "customer@example.net"
    assert original.message_id == "<inv42@example.org>"


def test_extract_original_without_original_is_none() -> None:
    raw = b"From: a@example.com\nSubject: hello\n\nJust text, no original here.\n"
    assert extract_original(MessageView(raw)) is None


def test_extract_original_blank_line_before_embedded_headers() -> None:
    original = extract_original(MessageView(_multipart("message/rfc822", "\n" + _HEADERS)))

    assert original is not None
    assert original.message_id == "<inv42@example.org>"


def test_extract_original_unmarked_return_path_block_is_read() -> None:
    raw = (
        "From: MAILER-DAEMON@mx.example.com\nSubject: Returned mail\n\n"
        "Final-Recipient: RFC822; customer@example.net\nAction: failed\nStatus: 5.1.1\n\n"
        + _HEADERS
        + "\nbody\n"
    ).encode()
    original = extract_original(MessageView(raw))

    assert original is not None
    assert original.return_path == "<invoices@example.org>"


def test_extract_original_rule_and_unindented_continuation() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\nSubject: failure\n\n"
        b"Included is a copy of the message header:\n---------------\n"
        b"Received: from [192.0.2.1] by mx.example.com (via\nHTTP); Mon, 2 Mar 2026 09:00:00\n"
        b"Message-ID: <m7@example.org>\nTo: customer@example.net\n\nbody\n"
    )
    original = extract_original(MessageView(raw))

    assert original is not None
    assert original.message_id == "<m7@example.org>"
