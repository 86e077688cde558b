"""The diagnostic-text pattern table: one typical wording per pattern, and the traps."""

from __future__ import annotations

import pytest

from bounce_parser.patterns import MAX_TEXT_LENGTH, PATTERNS, match_text, normalise_text

#: One representative wording per pattern, in the style real servers use.
SAMPLES: dict[str, str] = {
    "rate_limited": "550 5.1.1 <user@example.com> - 192.0.2.7 has sent to too many recipients "
    "this hour. IB607",
    "too_many_connections": "421 4.7.0 Too many concurrent SMTP connections from this IP",
    "authentication_failed": "550 5.7.1 Email rejected per DMARC policy for example.com",
    "missing_reverse_dns": "550 5.7.25 The sending IP does not have a PTR record setup",
    "poor_reputation": "550-5.7.1 This message is likely suspicious due to the very low "
    "reputation of the sending domain",
    "sender_address_listed": "Sorry, you are sending from an address that has been blacklisted",
    "listed_link": "550 Message rejected: blacklisted URL in message body",
    "recipient_blocklist": "550 5.7.1 Sender is on user denylist",
    "blocklisted": "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using "
    "zen.spamhaus.org",
    "virus_detected": "554 5.7.0 Message rejected: virus found in attachment",
    "spam_detected": "550 5.7.1 Message rejected as spam by content filtering",
    "relaying_denied": "554 5.7.1 <user@example.net>: Relay access denied",
    "policy_violation": "554 5.7.9 Message not accepted for policy reasons",
    "sender_rejected": "553 5.1.8 <noreply@example.com>: Sender address rejected: Domain not found",
    "tls_required": "530 5.7.0 Must issue a STARTTLS command first",
    "authentication_required": "530 5.7.0 Authentication required",
    "not_rfc_compliant": "550 5.7.1 Messages with multiple addresses in From: header "
    "are not accepted",
    "content_error": "554 5.6.0 Message rejected: invalid MIME structure",
    "mailer_error": 'Command died with status 127: "/usr/local/bin/deliver"',
    "mailbox_full": "452 4.2.2 Mailbox quota exceeded",
    "exceeds_recipient_limit": "552 5.2.3 Message size exceeds the recipient's mailbox limit",
    "message_too_big": "552 5.3.4 Message size exceeds fixed maximum message size",
    "account_disabled": "550 5.2.1 The email account that you tried to reach is disabled",
    "address_moved": "550 5.1.6 Recipient no longer on server: user@example.com",
    "domain_accepts_no_mail": "556 5.1.10 Recipient address has null MX",
    "dns_temporary_failure": "Name service error for name=example.net type=MX: "
    "Host not found, try again",
    "host_unknown": "Host or domain name not found. Name service error for "
    "name=example.net type=A: Host not found",
    "user_unknown_directory": "550 5.1.1 <user@example.com>: Recipient address rejected: "
    "User unknown in virtual mailbox table",
    "user_unknown": "550 5.1.1 <user@example.com>... User unknown",
    "recipient_filtered": "550 5.7.1 Refused due to recipient preferences",
    "mailbox_unavailable_rcpt": "550 Requested action not taken: mailbox unavailable",
    "mailbox_unavailable": "550 5.2.1 Mailbox unavailable",
    "greylisted": "450 4.7.1 <user@example.net>: Recipient address rejected: Greylisted",
    "system_error": "451 4.3.0 Requested action aborted: local error in processing",
    "delivery_expired": "retry timeout exceeded",
    "network_error": "554 5.4.6 Too many hops",
    "system_full": "452 4.3.1 Insufficient system storage",
    "command_syntax": "503 5.5.1 Bad sequence of commands",
}


def test_patterns_names_are_unique() -> None:
    names = [pattern.name for pattern in PATTERNS]

    assert len(names) == len(set(names))


def test_patterns_every_pattern_has_a_sample() -> None:
    assert {pattern.name for pattern in PATTERNS} == set(SAMPLES)


@pytest.mark.parametrize(("name", "text"), sorted(SAMPLES.items()))
def test_match_text_sample_matches_its_pattern(name: str, text: str) -> None:
    pattern = match_text(normalise_text(text))

    assert pattern is not None
    assert pattern.name == name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A blocklist named in an address-looking reply is still a block.
        ("550 5.1.1 Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.7", "blocklisted"),
        # "spam" inside a blocklist's name is no spam verdict.
        ("554 rejected, see https://www.spamhaus.org/query/ip/192.0.2.7", "blocklisted"),
        # Gmail explains authentication failures with the word spam.
        (
            "550-5.7.26 This mail is unauthenticated. To best protect our users from spam, "
            "the message has been blocked.",
            "authentication_failed",
        ),
        ("mailbox is full: retry timeout exceeded", "mailbox_full"),
        ("User not listed in public Name & Address Book", "user_unknown_directory"),
        ("550 5.1.1 <user@example.com>... Mailbox Full", "mailbox_full"),
        ("554 Mail from sender@example.com rejected for policy reasons", "policy_violation"),
        ("421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred", "poor_reputation"),
        ("550 Mailbox quota exceeded", "mailbox_full"),
        ("553 sub.example.com does not exist", "host_unknown"),
        ("The recipient's inbox is out of storage space and inactive", "mailbox_full"),
        ("421 mwinf Service refuse. Veuillez essayer plus tard. OFR_999", "blocklisted"),
        (
            "Le compte du destinataire est bloque. The recipient account is blocked",
            "account_disabled",
        ),
        ("cat.example.net: host name lookup failure", "dns_temporary_failure"),
        ("メールボックスの容量オーバーです", "mailbox_full"),
        ("このメールアドレスは存在しません", "user_unknown"),
        ("550 Benutzer unbekannt", "user_unknown"),
        ("552 Postfach voll", "mailbox_full"),
        ("550 Destinataire inconnu", "user_unknown"),
        ("452 La boite aux lettres est pleine", "mailbox_full"),
        ("550 Użytkownik nieznany", "user_unknown"),
        ("550 Пользователь не найден", "user_unknown"),
        ("554 Blocked by SpamAssassin", "spam_detected"),
        ("550 Access denied (RTR:BB)", "blocklisted"),
    ],
)
def test_match_text_priority_picks_pattern(text: str, name: str) -> None:
    pattern = match_text(normalise_text(text))

    assert pattern is not None
    assert pattern.name == name


@pytest.mark.parametrize(
    "text",
    [
        "Final-Recipient: rfc822; user@example.com",
        "Your message wasn't delivered because the address couldn't be found, or is unable "
        "to receive mail.",
        "550 5.0.0 Requested action not taken",
        "",
    ],
)
def test_match_text_neutral_wording_matches_nothing(text: str) -> None:
    assert match_text(normalise_text(text)) is None


def test_normalise_text_lowercases_and_collapses_whitespace() -> None:
    assert normalise_text("  550 5.1.1\r\n    User\tUnknown ") == "550 5.1.1 user unknown"


def test_normalise_text_caps_length() -> None:
    assert len(normalise_text("x" * (MAX_TEXT_LENGTH * 3))) == MAX_TEXT_LENGTH


def test_normalise_text_drops_repeated_line_codes() -> None:
    wrapped = "550-5.7.1 Messages with multiple\n550-5.7.1 addresses in From: header\n550 5.7.1 are"

    assert (
        normalise_text(wrapped) == "550-5.7.1 messages with multiple addresses in from: header are"
    )


@pytest.mark.parametrize("text", [None, ""])
def test_normalise_text_empty_input_is_empty(text: str | None) -> None:
    assert normalise_text(text) == ""
