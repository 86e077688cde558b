"""MTA detectors, end to end through `parse_message`, on the shared corpus and on
hand-written messages for the cases the corpus does not cover.

Every corpus file of an MTA family is parsed and compared with the reference
results in expected.json: the number of recipients, and per recipient the
reason, the hard-bounce flag and the status where it is an RFC 3463 code.
Expected recipients carry no address and no order, so both sides are compared
as sorted lists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bounce_parser import parse_message
from bounce_parser.lhost import (
    LHOST_DETECTORS,
    _common,
    exchange2003,
    exim,
    postfix,
    qmail,
    sendmail,
)
from bounce_parser.message import MessageView
from tests.bounce_parser.corpus_samples import (
    CORPUS,
    EXPECTED,
    INTERNAL_STATUS,
    crlf_samples,
    lhost_samples,
    needs_corpus,
    with_known_differences,
)

#: Corpus families whose bounces an MTA writes, in its own format or as RFC 3464.
LHOST_FAMILIES = (
    "activehunter",
    "amavis",
    "apachejames",
    "barracuda",
    "courier",
    "domino",
    "dragonfly",
    "exchange2003",
    "exchange2007",
    "exim",
    "fml",
    "imailserver",
    "mailfoundry",
    "mcafee",
    "messagingserver",
    "mfilter",
    "mxlogic",
    "notes",
    "opensmtpd",
    "postfix",
    "powermta",
    "qmail",
    "sendmail",
    "surfcontrol",
    "v5sendmail",
    "x1",
    "x2",
    "x3",
    "x4",
    "x5",
    "x6",
)

#: Samples where this parser deliberately differs from the reference, and why.
KNOWN_DIFFERENCES: dict[str, str] = {
    "lhost-amavis-03.eml": "classifier: 'Reject ... SPAM' reads as spam, reference says RFC",
    "lhost-dragonfly-18.eml": "classifier: 'Policy violation' reads as a policy violation",
    "lhost-exchange2007-05.eml": "Status says 4.4.7; the reference takes 4.4.1",
    "lhost-exim-60.eml": "the report part names a mailbox file, so its Status 5.0.0 is unused",
    "lhost-notes-02.eml": "Japanese 'not in the directory' is left undefined, reference onhold",
    "lhost-opensmtpd-12.eml": "a delay notice ('No MX found', 4.0.0) is never a hard bounce",
    "lhost-postfix-43.eml": "classifier: 4.3.0 'temporary failure' is not a mailer error",
    "lhost-postfix-46.eml": "classifier: 'Recipient address rejected.' names no cause",
    "lhost-postfix-74.eml": "classifier: Yahoo's TSS04 deferral reads as bad reputation",
    "lhost-powermta-01.eml": "classifier: 5.2.1 'User Unknown' is unconfirmed",
    "lhost-powermta-03.eml": "classifier: 5.2.1 'User Unknown' is unconfirmed",
    "lhost-sendmail-21.eml": "'Message could not be delivered for 8 hours' reads as expired",
    "lhost-sendmail-56.eml": "the listed reason (554) wins over the last transcript reply (421)",
    "lhost-v5sendmail-05.eml": "classifier: 'Your E-Mail is redundant' names no known class",
}


SAMPLES = lhost_samples(LHOST_FAMILIES)
CRLF_SAMPLES = crlf_samples(LHOST_FAMILIES)


@needs_corpus
@pytest.mark.parametrize("name", with_known_differences(SAMPLES, KNOWN_DIFFERENCES))
def test_parse_message_lhost_sample_matches_reference(name: str) -> None:
    report = parse_message((CORPUS / "eml" / name).read_bytes())
    expected = EXPECTED[name]

    assert len(report.recipients) == len(expected)
    assert sorted(r.reason.value for r in report.recipients) == sorted(
        str(e["reason"]) for e in expected
    )
    assert sorted(r.hard_bounce for r in report.recipients) == sorted(
        bool(e["hard_bounce"]) for e in expected
    )
    rfc_statuses = [str(e["status"]) for e in expected if e["status"]]
    if rfc_statuses and not any(INTERNAL_STATUS.match(s) for s in rfc_statuses):
        assert sorted(r.status or "" for r in report.recipients) == sorted(rfc_statuses)


@needs_corpus
@pytest.mark.parametrize("name", SAMPLES)
def test_parse_message_lhost_sample_addresses_normalised(name: str) -> None:
    report = parse_message((CORPUS / "eml" / name).read_bytes())

    for recipient in report.recipients:
        local, _, domain = recipient.address.rpartition("@")
        assert local
        assert domain == domain.lower()


@needs_corpus
@pytest.mark.parametrize("name", CRLF_SAMPLES)
def test_parse_message_lhost_crlf_copy_matches_lf(name: str) -> None:
    crlf = parse_message((CORPUS / "crlf" / name).read_bytes())
    lf = parse_message((CORPUS / "eml" / name).read_bytes())

    assert [(r.address, r.reason, r.status) for r in crlf.recipients] == [
        (r.address, r.reason, r.status) for r in lf.recipients
    ]


@needs_corpus
@pytest.mark.parametrize(
    "path",
    sorted((CORPUS / "not-bounces").glob("*.eml")),
    ids=lambda path: path.name,
)
def test_lhost_detectors_ordinary_message_ignored(path: Path) -> None:
    view = MessageView(path.read_bytes())

    assert [detect(view) for detect in LHOST_DETECTORS] == [None] * len(LHOST_DETECTORS)


def test_lhost_detectors_quoted_bounce_words_ignored() -> None:
    raw = (
        b"From: Jan Kowalski <jan@example.com>\n"
        b"To: support@example.org\n"
        b"Subject: Re: invoice 2024/11\n\n"
        b"Hi, I got this back:\n\n"
        b"> This message was created automatically by mail delivery software.\n"
        b"> The following address(es) failed:\n"
        b">   anna@example.net\n"
        b"> Hi. This is the qmail-send program at example.net.\n"
        b">    ----- Transcript of session follows -----\n"
        b"> 550 5.1.1 <anna@example.net>... User unknown\n"
    )
    view = MessageView(raw)

    assert [detect(view) for detect in LHOST_DETECTORS] == [None] * len(LHOST_DETECTORS)


_EXIM_DELAY = b"""\
From: Mail Delivery System <Mailer-Daemon@mx.example.com>
To: billing@example.com
Subject: Warning: message 1abcDE-000123-4Z delayed 24 hours

This message was created automatically by mail delivery software.
A message that you sent has not yet been delivered to one or more of its
recipients after more than 24 hours on the queue on mx.example.com.

The address to which the message has not yet been delivered is:

  Anna.Nowak@Example.NET
    host mx1.example.net [192.0.2.10]
    Delay reason: SMTP error from remote mail server after RCPT TO:<Anna.Nowak@example.net>:
    451-4.2.2 The mailbox is temporarily over quota,
    451 4.2.2 try again later

No action is required on your part.
"""


def test_exim_delay_warning_reads_delayed_finding() -> None:
    detection = exim.detect(MessageView(_EXIM_DELAY))

    assert detection is not None
    [finding] = detection.findings
    assert finding.address == "Anna.Nowak@example.net"
    assert finding.action == "delayed"
    assert finding.status == "4.2.2"
    assert finding.reply_code == "451"
    assert finding.smtp_command == "RCPT"
    assert finding.remote_mta == "mx1.example.net"
    assert finding.diagnostic == "451 4.2.2 The mailbox is temporarily over quota, try again later"


def test_exim_retry_timeout_hints_expired() -> None:
    raw = (
        b"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
        b"Subject: Mail delivery failed: returning message to sender\n\n"
        b"This message was created automatically by mail delivery software.\n\n"
        b"A message that you sent could not be delivered to one or more of its\n"
        b"recipients. This is a permanent error. The following address(es) failed:\n\n"
        b"  anna@example.net\n"
        b"    retry timeout exceeded\n"
    )

    detection = exim.detect(MessageView(raw))

    assert detection is not None
    assert detection.findings[0].reason_hint is not None
    assert detection.findings[0].reason_hint.value == "expired"


def test_qmail_two_recipients_crlf_read_separately() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\n"
        b"Subject: failure notice\r\n\r\n"
        b"Hi. This is the qmail-send program at mx.example.com.\r\n"
        b"I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n"
        b"<jan@example.net>:\r\n"
        b"192.0.2.7 does not like recipient.\r\n"
        b"Remote host said: 550 5.1.1 No such user\r\n"
        b"Giving up on 192.0.2.7.\r\n\r\n"
        b"<ewa@example.org>:\r\n"
        b"Sorry, I couldn't find any host named example.org. (#5.1.2)\r\n\r\n"
        b"--- Below this line is a copy of the message.\r\n"
    )

    detection = qmail.detect(MessageView(raw))

    assert detection is not None
    first, second = detection.findings
    assert (first.address, first.reply_code, first.smtp_command) == (
        "jan@example.net",
        "550",
        "RCPT",
    )
    assert first.remote_mta == "192.0.2.7"
    assert first.diagnostic == "550 5.1.1 No such user"
    assert (second.address, second.status) == ("ewa@example.org", "5.1.2")
    assert second.reason_hint is not None and second.reason_hint.value == "hostunknown"


def test_sendmail_pipelined_reply_before_data_is_rcpt() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
        b"Subject: Returned mail: see transcript for details\n\n"
        b"   ----- The following addresses had permanent fatal errors -----\n"
        b"<jan@example.net>\n"
        b"    (reason: 550 5.1.1 User unknown)\n\n"
        b"   ----- Transcript of session follows -----\n"
        b"... while talking to mx.example.net.:\n"
        b">>> DATA\n"
        b"<<< 550 5.1.1 <jan@example.net>... User unknown\n"
        b"550 5.1.1 <jan@example.net>... User unknown\n"
        b"<<< 503 5.5.1 No recipients\n"
    )

    detection = sendmail.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert finding.smtp_command == "RCPT"
    assert finding.remote_mta == "mx.example.net"
    assert finding.diagnostic == "550 5.1.1 <jan@example.net>... User unknown"


def test_join_reply_multiline_drops_repeated_prefix() -> None:
    lines = ["550-5.7.26 Unauthenticated email is not", "550-5.7.26 accepted.", "550 5.7.26 gsmtp"]

    assert _common.join_reply(lines) == "550 5.7.26 Unauthenticated email is not accepted. gsmtp"


def test_exim_hosts_failing_for_domain_hints_expired() -> None:
    raw = (
        b"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
        b"Subject: Mail delivery failed: returning message to sender\n\n"
        b"A message that you sent could not be delivered to one or more of its\n"
        b"recipients. This is a permanent error. The following address(es) failed:\n\n"
        b"  anna@example.net\n"
        b"    all hosts for 'example.net' have been failing for a long time (and retry time\n"
        b"    not reached)\n"
    )

    detection = exim.detect(MessageView(raw))

    assert detection is not None
    assert detection.findings[0].reason_hint is not None
    assert detection.findings[0].reason_hint.value == "expired"


def test_qmail_temporary_lookup_failure_not_hostunknown() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\n"
        b"Subject: failure notice\n\n"
        b"Hi. This is the qmail-send program at mx.example.com.\n\n"
        b"<jan@example.net>:\n"
        b"Sorry, I couldn't find any host by that name. (#4.1.2)\n"
        b"I'm not going to try again; this message has been in the queue too long.\n"
    )

    detection = qmail.detect(MessageView(raw))

    assert detection is not None
    assert detection.findings[0].status == "4.1.2"
    assert detection.findings[0].reason_hint is None


def test_postfix_delay_notice_without_report_is_delayed() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
        b"Subject: Delayed Mail (still being retried)\n\n"
        b"This is the mail system at host mx.example.com.\n\n"
        b"<jan@Example.NET>: host mx.example.net[192.0.2.9] said: 452 4.2.2 Mailbox\n"
        b"    full (in reply to RCPT TO command)\n"
    )

    detection = postfix.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert finding.address == "jan@example.net"
    assert finding.action == "delayed"
    assert finding.remote_mta == "mx.example.net"
    assert finding.smtp_command == "RCPT"
    assert finding.diagnostic == "452 4.2.2 Mailbox full"


def test_qmail_multiline_remote_reply_joined() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\n"
        b"Subject: failure notice\n\n"
        b"Hi. This is the qmail-send program at mx.example.com.\n\n"
        b"<jan@example.net>:\n"
        b"192.0.2.26 failed after I sent the message.\n"
        b"Remote host said: 550-5.7.1 Unauthenticated email is\n"
        b"550-5.7.1 not accepted from this domain.\n"
        b"550 5.7.1 gsmtp\n"
    )

    detection = qmail.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert (
        finding.diagnostic
        == "550 5.7.1 Unauthenticated email is not accepted from this domain. gsmtp"
    )
    assert finding.smtp_command == "DATA"
    assert finding.remote_mta == "192.0.2.26"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        ('unknown local-part "anna" in domain "example.net"', "userunknown"),
        ('unrouteable mail domain "example.net"', "hostunknown"),
        ("Unrouteable address", "hostunknown"),
    ],
)
def test_exim_own_routing_errors_hint_reason(error: str, reason: str) -> None:
    raw = (
        b"From: Mail Delivery System <Mailer-Daemon@mx.example.com>\n"
        b"Subject: Mail delivery failed: returning message to sender\n\n"
        b"A message that you sent could not be delivered to one or more of its\n"
        b"recipients. This is a permanent error. The following address(es) failed:\n\n"
        b"  anna@example.net:\n"
        b"    " + error.encode() + b"\n"
    )

    detection = exim.detect(MessageView(raw))

    assert detection is not None
    assert detection.findings[0].address == "anna@example.net"
    assert detection.findings[0].reason_hint is not None
    assert detection.findings[0].reason_hint.value == reason


def test_sendmail_colon_summary_and_bare_reply_read() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
        b"Subject: Returned mail: see transcript for details\n\n"
        b"   ----- The following addresses had permanent fatal errors -----\n"
        b"<jan@example.net>\n"
        b"<ewa@example.org>\n"
        b"550 5.1.1 User unknown\n\n"
        b"   ----- Transcript of session follows -----\n"
        b"451 <jan@example.net>: Name server timeout\n"
    )

    detection = sendmail.detect(MessageView(raw))

    assert detection is not None
    first, second = detection.findings
    assert (first.address, first.reply_code) == ("jan@example.net", "451")
    assert first.diagnostic == "451 <jan@example.net>: Name server timeout"
    assert (second.address, second.status) == ("ewa@example.org", "5.1.1")


def test_sendmail_local_agent_output_kept_in_diagnostic() -> None:
    raw = (
        b"From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n"
        b"Subject: Returned mail: see transcript for details\n\n"
        b"   ----- The following addresses had permanent fatal errors -----\n"
        b"<jan@example.net>\n\n"
        b"   ----- Transcript of session follows -----\n"
        b"mail.local: unknown user: jan\n"
        b"554 <jan@example.net>... Service unavailable\n\n"
        b"Reporting-MTA: dns; mx.example.com\n\n"
        b"Final-Recipient: RFC822; jan@example.net\n"
        b"Action: failed\n"
        b"Status: 5.5.0\n"
    )

    detection = sendmail.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert (
        finding.diagnostic
        == "mail.local: unknown user: jan 554 <jan@example.net>... Service unavailable"
    )
    assert finding.reply_code == "554"
    assert finding.status == "5.5.0"


def test_exchange2000_unreached_recipient_reads_status() -> None:
    raw = (
        b"From: System Administrator <postmaster@example.com>\n"
        b"Subject: Undeliverable: invoice 2024/11\n"
        b"Content-Type: text/plain\n\n"
        b"Your message did not reach some or all of the intended recipients.\n\n"
        b"      Subject:\tinvoice 2024/11\n\n"
        b"The following recipient(s) could not be reached:\n\n"
        b"      Anna.Nowak@Example.COM on 4/29/2010 11:34 PM\n"
        b"            The e-mail account does not exist at the organization this message\n"
        b"            was sent to.\n"
        b"            <mx.example.com #5.1.1>\n"
    )

    detection = exchange2003.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert finding.address == "Anna.Nowak@example.com"
    assert finding.status == "5.1.1"
    assert finding.diagnostic is not None
    assert finding.diagnostic.startswith("The e-mail account does not exist")


def test_postfix_with_report_takes_command_from_text() -> None:
    raw = (
        b"From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
        b"Subject: Undelivered Mail Returned to Sender\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n'
        b"--b\n"
        b"Content-Type: text/plain\n\n"
        b"This is the mail system at host mx.example.com.\n\n"
        b"<jan@example.net>: host mx.example.net[192.0.2.9] said: 550 User unknown\n"
        b"    (in reply to RCPT TO command)\n\n"
        b"--b\n"
        b"Content-Type: message/delivery-status\n\n"
        b"Reporting-MTA: dns; mx.example.com\n\n"
        b"Final-Recipient: rfc822; jan@example.net\n"
        b"Action: failed\n"
        b"Status: 5.0.0\n"
        b"Diagnostic-Code: smtp; 550 User unknown\n\n"
        b"--b--\n"
    )

    detection = postfix.detect(MessageView(raw))

    assert detection is not None
    [finding] = detection.findings
    assert finding.smtp_command == "RCPT"
    assert finding.remote_mta == "mx.example.net"
    assert finding.status == "5.0.0"
    assert finding.diagnostic == "550 User unknown"
