"""RFC 3834 automatic replies: vacation and out-of-office messages."""

from __future__ import annotations

from email.header import Header

import pytest

from bounce_parser import Reason, ReportKind, parse_message


def _message(
    subject: str, *, sender: str = "Jan Kowalski <jan@example.pl>", extra: str = ""
) -> bytes:
    return (
        f"From: {sender}\nTo: invoices@example.org\nSubject: {subject}\n{extra}"
        "Content-Type: text/plain; charset=utf-8\n\nI am away until Monday.\n"
    ).encode()


@pytest.mark.parametrize(
    ("subject", "extra"),
    [
        ("Re: Invoice 42", "Auto-Submitted: auto-replied\n"),
        ("Re: Invoice 42", "X-Autoreply: yes\n"),
        ("Re: Invoice 42", "Precedence: auto_reply\n"),
        ("Automatic reply: Invoice 42", ""),
        ("Out of Office: Invoice 42", ""),
        ("Odpowiedź automatyczna: Faktura 42", ""),
        ("Automatyczna odpowiedź: Faktura 42", ""),
        ("Autoodpowiedź: Faktura 42", ""),
        ("Autoodpowiedz: Faktura 42", ""),
        (Header("Autoodpowiedź: Faktura 42", "utf-8").encode(), ""),
        ("Automatisk svar: Faktura 42", ""),
        ("Automatická odpověď: Faktura 42", ""),
        ("Resposta automática: Fatura 42", ""),
        ("Автоматический ответ: Счёт 42", ""),
        ("Nieobecność w biurze", "X-Auto-Response-Suppress: All\n"),
        ("Urlop do 15 sierpnia", "Precedence: bulk\n"),
        (Header("自動応答: 請求書", "utf-8").encode(), ""),
    ],
)
def test_parse_message_auto_reply_is_vacation(subject: str, extra: str) -> None:
    report = parse_message(_message(subject, extra=extra))

    assert report.kind is ReportKind.AUTO_REPLY
    assert [r.address for r in report.recipients] == ["jan@example.pl"]
    assert report.recipients[0].reason is Reason.VACATION
    assert report.recipients[0].hard_bounce is False


def test_autoreply_postmaster_sender_ignored() -> None:
    raw = _message(
        "email bounce notification",
        sender="postmaster@example.de",
        extra="Auto-Submitted: auto-replied\n",
    )
    assert parse_message(raw).kind is ReportKind.NOT_BOUNCE


def test_autoreply_failure_subject_ignored() -> None:
    raw = _message("Undeliverable: Invoice 42", extra="Auto-Submitted: auto-replied\n")
    assert parse_message(raw).kind is not ReportKind.AUTO_REPLY


def test_parse_message_auto_generated_is_not_vacation() -> None:
    raw = _message("Your weekly digest", extra="Auto-Submitted: auto-generated\n")
    assert parse_message(raw).kind is ReportKind.NOT_BOUNCE


def test_parse_message_ordinary_reply_is_not_bounce() -> None:
    report = parse_message(_message("Re: Invoice 42"))

    assert report.kind is ReportKind.NOT_BOUNCE
    assert report.recipients == ()


@pytest.mark.parametrize(
    "subject",
    ["Re: Autoodpowiedź: Faktura 42", "Pytanie o autoodpowiedź w Outlooku", "Faktura 42"],
)
def test_parse_message_person_writing_about_auto_replies_is_not_bounce(subject: str) -> None:
    assert parse_message(_message(subject)).kind is ReportKind.NOT_BOUNCE


def test_autoreply_absence_subject_alone_ignored() -> None:
    raw = _message("Urlop w sierpniu - pytanie o termin")
    assert parse_message(raw).kind is ReportKind.NOT_BOUNCE
