"""Enhanced status codes, reply codes and finding them in diagnostic text."""

from __future__ import annotations

import pytest

from bounce_parser.status import (
    find_reply_code,
    find_status,
    is_generic_status,
    normalise_status,
    reason_for_reply_code,
    reason_for_status,
)
from bounce_parser.types import Reason


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5.1.1", "5.1.1"),
        (" 4.7.0 ", "4.7.0"),
        ("5.01.001", "5.1.1"),
        ("5.7.509", "5.7.509"),
        ("2.1.5", "2.1.5"),
        ("5.1", None),
        ("6.1.1", None),
        ("550", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_status_forms(raw: str | None, expected: str | None) -> None:
    assert normalise_status(raw) == expected


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("5.1.1", Reason.USERUNKNOWN),
        ("5.1.0", Reason.USERUNKNOWN),
        ("5.1.2", Reason.HOSTUNKNOWN),
        ("5.1.6", Reason.HASMOVED),
        ("5.1.7", Reason.REJECTED),
        ("5.1.8", Reason.REJECTED),
        ("5.1.10", Reason.NOTACCEPT),
        ("5.2.1", Reason.FILTERED),
        ("5.2.2", Reason.MAILBOXFULL),
        ("4.2.2", Reason.MAILBOXFULL),
        ("5.2.3", Reason.EXCEEDLIMIT),
        ("5.3.4", Reason.MESGTOOBIG),
        ("5.4.6", Reason.NETWORKERROR),
        ("4.4.7", Reason.EXPIRED),
        ("5.5.3", Reason.TOOMANYCONN),
        ("5.6.0", Reason.CONTENTERROR),
        ("5.7.13", Reason.SUSPEND),
        ("5.7.23", Reason.AUTHFAILURE),
        ("5.7.25", Reason.REQUIREPTR),
        ("5.7.26", Reason.AUTHFAILURE),
        ("5.7.27", Reason.NOTACCEPT),
        ("2.1.5", Reason.DELIVERED),
    ],
)
def test_reason_for_status_maps_code(status: str, reason: Reason) -> None:
    assert reason_for_status(status) is reason


@pytest.mark.parametrize("status", ["5.9.9", "5.7.999", "junk", None])
def test_reason_for_status_unknown_is_none(status: str | None) -> None:
    assert reason_for_status(status) is None


@pytest.mark.parametrize("status", ["5.0.0", "4.0.0", "5.5.0", "5.7.0", "5.7.1", "5.2.0", None])
def test_is_generic_status_vague_code_is_generic(status: str | None) -> None:
    assert is_generic_status(status)


@pytest.mark.parametrize("status", ["5.1.1", "5.1.0", "5.2.2", "4.4.7", "5.7.26"])
def test_is_generic_status_specific_code_is_not(status: str) -> None:
    assert not is_generic_status(status)


@pytest.mark.parametrize(
    ("reply_code", "reason"),
    [
        ("552", Reason.MAILBOXFULL),
        ("556", Reason.NOTACCEPT),
        ("503", Reason.SYNTAXERROR),
        ("550", None),
        ("554", None),
        ("551", None),
        ("421", None),
        (None, None),
    ],
)
def test_reason_for_reply_code_maps_only_specific_codes(
    reply_code: str | None, reason: Reason | None
) -> None:
    assert reason_for_reply_code(reply_code) is reason


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("550 5.1.1 <user@example.com>: Recipient address rejected: User unknown", "5.1.1"),
        ("Sorry, no mailbox here by that name. (#5.1.1)", "5.1.1"),
        ("host mx.example.com[192.0.2.25] said: 554-5.7.1 blocked", "5.7.1"),
        ("#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large ##", "5.2.3"),
        ("421 4.7.0 [TSS04] deferred - see 4.16.55.1 for details", "4.7.0"),
        ("connect to 192.0.2.1[192.0.2.1]:25: Connection timed out", None),
        ("see document 5.1.1.2 of the manual", None),
        ("", None),
        (None, None),
    ],
)
def test_find_status_in_text(text: str | None, status: str | None) -> None:
    assert find_status(text) == status


@pytest.mark.parametrize(
    ("text", "reply_code"),
    [
        ("550 5.1.1 <user@example.com>: Recipient address rejected", "550"),
        ("host mx.example.com[192.0.2.250] said: 554 5.7.1 Service unavailable", "554"),
        ("550-5.7.26 This mail is unauthenticated", "550"),
        ("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", "550"),
        ("Remote host said: 452 4.2.2 mailbox over quota", "452"),
        ("connect to 192.0.2.250:25: Connection refused", None),
        ("Delivery failed (-1915321397:308:-2147467259)", None),
        ("Sorry, no mailbox here by that name. (#5.1.1)", None),
        (None, None),
    ],
)
def test_find_reply_code_in_text(text: str | None, reply_code: str | None) -> None:
    assert find_reply_code(text) == reply_code
