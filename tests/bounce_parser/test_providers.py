"""Provider detectors, end to end through `parse_message`, on the shared corpus.

Every corpus file of a provider family is parsed and compared with the
reference results in expected.json: the number of recipients, and per
recipient the reason, the hard-bounce flag, the feedback type and the status
where it is an RFC 3463 code. Expected recipients carry no address and no
order, so both sides are compared as sorted lists.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bounce_parser import ReportKind, parse_message
from bounce_parser.message import MessageView
from bounce_parser.providers import PROVIDER_DETECTORS, ses_json
from tests.bounce_parser.corpus_samples import (
    CORPUS,
    EXPECTED,
    INTERNAL_STATUS,
    crlf_samples,
    lhost_samples,
    needs_corpus,
    with_known_differences,
)

#: Corpus families whose bounce format a provider detector owns, plus the
#: families whose mail passes through the generic DSN reader but comes from a
#: provider this package covers.
PROVIDER_FAMILIES = (
    "amazonses",
    "amazonworkmail",
    "bigfoot",
    "einsundeins",
    "ezweb",
    "gmail",
    "gmx",
    "googlegroups",
    "kddi",
    "mailru",
    "outlook",
    "receivingses",
    "sendgrid",
    "verizon",
    "yahoo",
    "yandex",
    "zoho",
)

#: Samples where this parser's result differs from the reference, and why.
KNOWN_DIFFERENCES: dict[str, str] = {
    "lhost-amazonses-17.eml": "SES's Status field says 4.4.7; the reference takes the inner 4.4.2",
    "lhost-amazonworkmail-05.eml": "Status says 4.4.7; the reference takes the inner 4.4.2",
    "lhost-gmail-03.eml": "classifier: 5.7.0 'Header error' reads as a policy violation",
    "lhost-yahoo-07.eml": "classifier: 'User unknown' without a 5.1.x code is unconfirmed",
    "lhost-yahoo-13.eml": "Yahoo's 'giving up after multiple retries' reads as expired",
    "lhost-yandex-02.eml": "classifier: 5.2.1 'User Unknown' is unconfirmed",
    "lhost-bigfoot-02.eml": "classifier: 553 'Invalid recipient' with 5.7.1 is unconfirmed",
}


SAMPLES = lhost_samples(PROVIDER_FAMILIES)
CRLF_SAMPLES = crlf_samples(PROVIDER_FAMILIES)


@needs_corpus
@pytest.mark.parametrize("name", with_known_differences(SAMPLES, KNOWN_DIFFERENCES))
def test_parse_message_provider_sample_matches_reference(name: str) -> None:
    report = parse_message((CORPUS / "eml" / name).read_bytes())
    expected = EXPECTED[name]

    assert len(report.recipients) == len(expected)
    assert sorted(r.reason.value for r in report.recipients) == sorted(
        str(e["reason"]) for e in expected
    )
    assert sorted(r.hard_bounce for r in report.recipients) == sorted(
        bool(e["hard_bounce"]) for e in expected
    )
    assert sorted(r.feedback_type or "" for r in report.recipients) == sorted(
        str(e.get("feedback_type") or "") for e in expected
    )
    rfc_statuses = [str(e["status"]) for e in expected if e["status"]]
    if rfc_statuses and not any(INTERNAL_STATUS.match(s) for s in rfc_statuses):
        assert sorted(r.status or "" for r in report.recipients) == sorted(rfc_statuses)


@needs_corpus
@pytest.mark.parametrize("name", CRLF_SAMPLES)
def test_parse_message_crlf_copy_matches_lf(name: str) -> None:
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
def test_provider_detectors_ordinary_message_ignored(path: Path) -> None:
    view = MessageView(path.read_bytes())

    assert [detect(view) for detect in PROVIDER_DETECTORS] == [None] * len(PROVIDER_DETECTORS)


def _sns_mail(notification: dict[str, object], *, fold_at: int | None = None) -> bytes:
    body = json.dumps(notification, separators=(",", ":"))
    if fold_at is not None:
        # SNS folds long lines: "!" ends a line and the next starts with a space.
        body = "!\n ".join(body[i : i + fold_at] for i in range(0, len(body), fold_at))
    head = (
        "From: AWS Notifications <no-reply@sns.amazonaws.com>\n"
        "To: bounces@example.com\n"
        "Subject: AWS Notification Message\n"
        "x-amz-sns-message-id: 5d9e0f0c-0000-0000-0000-000000000000\n"
        "Content-Type: text/plain; charset=UTF-8\n\n"
    )
    return (head + body + "\n\n--\nIf you wish to stop receiving notifications ...\n").encode()


def _bounce(bounce_type: str, subtype: str, status: str, diagnostic: str) -> dict[str, object]:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": subtype,
            "bouncedRecipients": [
                {
                    "emailAddress": "Jan.Kowalski@Example.COM",
                    "action": "failed",
                    "status": status,
                    "diagnosticCode": f"smtp; {diagnostic}",
                }
            ],
            "reportingMTA": "dsn; a1-2.smtp-out.eu-west-1.amazonses.com",
        },
        "mail": {"messageId": "0102018c-example", "source": "invoices@example.com"},
    }


def test_ses_json_no_email_subtype_hints_userunknown() -> None:
    raw = _sns_mail(_bounce("Permanent", "NoEmail", "5.1.1", "550 5.1.1 no such user"))

    detection = ses_json.detect(MessageView(raw))

    assert detection is not None
    finding = detection.findings[0]
    assert finding.address == "Jan.Kowalski@example.com"
    assert finding.reason_hint is not None and finding.reason_hint.value == "userunknown"
    assert finding.hint_evidence == "provider=ses:Permanent/NoEmail"
    assert finding.diagnostic == "550 5.1.1 no such user"
    assert detection.original is not None
    assert detection.original.message_id == "0102018c-example"


def test_ses_json_general_subtype_leaves_reason_to_classifier() -> None:
    raw = _sns_mail(_bounce("Permanent", "General", "5.7.1", "554 5.7.1 blocked using zen"))

    detection = ses_json.detect(MessageView(raw))

    assert detection is not None
    assert detection.findings[0].reason_hint is None


def test_ses_json_folded_lines_are_joined() -> None:
    raw = _sns_mail(
        _bounce("Transient", "MailboxFull", "4.2.2", "452 4.2.2 over quota"), fold_at=60
    )

    report = parse_message(raw)

    assert [(r.address, r.reason.value, r.hard_bounce) for r in report.recipients] == [
        ("Jan.Kowalski@example.com", "mailboxfull", False)
    ]


def test_ses_json_sns_envelope_complaint_is_feedback() -> None:
    complaint = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "anna@example.pl"}],
            "complaintFeedbackType": "abuse",
            "userAgent": "ExampleMail",
        },
        "mail": {"messageId": "0102018c-example"},
    }
    envelope = {"Type": "Notification", "Message": json.dumps(complaint)}

    report = parse_message(_sns_mail(envelope))

    assert report.kind is ReportKind.FEEDBACK_REPORT
    assert [(r.address, r.reason.value, r.feedback_type) for r in report.recipients] == [
        ("anna@example.pl", "feedback", "abuse")
    ]


def test_ses_json_delivery_notification_is_delivered() -> None:
    delivery = {
        "notificationType": "Delivery",
        "delivery": {
            "recipients": ["anna@example.pl"],
            "smtpResponse": "250 2.0.0 OK",
            "reportingMTA": "a1-2.smtp-out.eu-west-1.amazonses.com",
        },
        "mail": {"messageId": "0102018c-example"},
    }

    report = parse_message(_sns_mail(delivery))

    assert [(r.reason.value, r.hard_bounce) for r in report.recipients] == [("delivered", False)]


def test_ses_json_delivery_delay_is_delayed_and_soft() -> None:
    delay = {
        "eventType": "DeliveryDelay",
        "deliveryDelay": {
            "delayType": "MailboxFull",
            "delayedRecipients": [
                {
                    "emailAddress": "anna@example.pl",
                    "status": "4.2.2",
                    "diagnosticCode": "smtp; 452 4.2.2 mailbox full",
                }
            ],
        },
        "mail": {"messageId": "0102018c-example"},
    }

    report = parse_message(_sns_mail(delay))

    assert [(r.action, r.hard_bounce) for r in report.recipients] == [("delayed", False)]


def test_ses_json_plain_text_body_ignored() -> None:
    raw = b"From: someone@example.com\nSubject: hi\n\n{not json at all, notificationType}\n"

    assert ses_json.detect(MessageView(raw)) is None


def test_ses_json_raw_sns_http_body_read() -> None:
    raw = json.dumps(_bounce("Permanent", "NoEmail", "5.1.1", "550 5.1.1 no such user")).encode()

    report = parse_message(raw)

    assert [(r.reason.value, r.hard_bounce) for r in report.recipients] == [("userunknown", True)]


def test_sendgrid_events_bounce_classification_hints_reason() -> None:
    events = [
        {"email": "a@example.com", "event": "processed"},
        {
            "email": "b@Example.com",
            "event": "bounce",
            "type": "bounce",
            "status": "5.0.0",
            "reason": "550 mailbox does not exist",
            "bounce_classification": "Invalid Address",
        },
        {
            "email": "c@example.com",
            "event": "bounce",
            "type": "blocked",
            "status": "5.7.1",
            "reason": "554 5.7.1 Service unavailable; client host blocked using zen.example",
            "bounce_classification": "Reputation",
        },
        {"email": "d@example.com", "event": "deferred", "response": "421 4.7.0 try later"},
    ]

    report = parse_message(json.dumps(events).encode())

    assert report.kind is ReportKind.DELIVERY_STATUS
    assert [(r.address, r.action, r.hard_bounce) for r in report.recipients] == [
        ("b@example.com", "failed", True),
        ("c@example.com", "failed", False),
        ("d@example.com", "delayed", False),
    ]
    assert [r.reason.value for r in report.recipients[:2]] == ["userunknown", "badreputation"]


def test_sendgrid_events_spamreport_is_feedback() -> None:
    events = [{"email": "anna@example.pl", "event": "spamreport"}]

    report = parse_message(json.dumps(events).encode())

    assert report.kind is ReportKind.FEEDBACK_REPORT
    assert [(r.reason.value, r.feedback_type) for r in report.recipients] == [("feedback", "abuse")]


def test_sendgrid_events_engagement_only_ignored() -> None:
    events = [
        {"email": "anna@example.pl", "event": "open"},
        {"email": "x@example.pl", "event": "click"},
    ]

    assert parse_message(json.dumps(events).encode()).recipients == ()


GMAIL_NEW_TEMPLATE = b"""From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>
To: sender@example.com
Subject: Delivery Status Notification (Failure)
Content-Type: text/plain; charset=UTF-8

** Address not found **

Your message wasn't delivered to Jan.Kowalski@Example.PL because the address couldn't be found,
or is unable to receive mail.

The response from the remote server was:
550 5.1.1 <Jan.Kowalski@example.pl>: Recipient address rejected: User unknown in virtual mailbox
 table

----- Original message -----
To: Jan.Kowalski@example.pl
"""


def test_gmail_new_template_without_dsn_part_read() -> None:
    report = parse_message(GMAIL_NEW_TEMPLATE)

    assert report.family == "gmail"
    assert [(r.address, r.status, r.reason.value) for r in report.recipients] == [
        ("Jan.Kowalski@example.pl", "5.1.1", "userunknown")
    ]
    assert report.recipients[0].diagnostic is not None
    assert report.recipients[0].diagnostic.endswith("virtual mailbox table")


YAHOO_TWO_RECIPIENTS = b"""From: MAILER-DAEMON@yahoo.com
To: sender@example.com
Subject: Failure Notice
Content-Type: text/plain

Sorry, we were unable to deliver your message to the following address.

<anna@example.pl>:
Remote host said: 552 5.2.2 Mailbox full [RCPT_TO]

<piotr@example.pl>:
Remote host said:
550 5.1.1 <piotr@example.pl>: user unknown
[RCPT_TO]

--- Below this line is a copy of the message.
To: anna@example.pl, piotr@example.pl
"""


def test_yahoo_two_recipients_each_get_reply() -> None:
    report = parse_message(YAHOO_TWO_RECIPIENTS)

    assert [(r.address, r.status, r.smtp_command) for r in report.recipients] == [
        ("anna@example.pl", "5.2.2", "RCPT"),
        ("piotr@example.pl", "5.1.1", "RCPT"),
    ]
    assert [r.hard_bounce for r in report.recipients] == [False, True]


ZOHO_DELAY = b"""From: mailer-daemon@mail.zoho.com
Subject: Undelivered Mail Returned to Sender
X-ZohoMail: Si CHF_MF_NL SS_10
Content-Type: text/plain; charset=UTF-8

This message was created automatically by mail delivery software.
A message that you sent could not be delivered to one or more of its recipients.

[Status: Error, Address: <anna@example.pl>, ResponseCode 421, , Host not reachable.]

Received:from mail.zoho.com by mx.zohomail.com
"""


def test_zoho_delay_status_line_is_delayed_and_soft() -> None:
    report = parse_message(ZOHO_DELAY)

    assert [(r.address, r.action, r.reply_code) for r in report.recipients] == [
        ("anna@example.pl", "delayed", "421")
    ]
    assert [(r.reason.value, r.hard_bounce) for r in report.recipients] == [("expired", False)]


VERIZON_SMS = b"""From: post_master@vtext.com
To: sender@example.com
Subject: Undeliverable Message
Content-Type: text/plain

Error: Invalid recipient

Original Session:
    MAIL FROM: <sender@example.com>
    RCPT TO: 2125550100@vtext.com
550 - Requested action not taken: no such user here
"""


def test_verizon_sms_gateway_unknown_number_is_hard() -> None:
    report = parse_message(VERIZON_SMS)

    assert [(r.address, r.reply_code, r.reason.value) for r in report.recipients] == [
        ("2125550100@vtext.com", "550", "userunknown")
    ]
    assert report.recipients[0].hard_bounce is True


def _gmail_old_template(details: str, *, delayed: bool = False) -> bytes:
    heading = (
        "Delivery to the following recipient has been delayed:"
        if delayed
        else "Delivery to the following recipient failed permanently:"
    )
    kind = "temporary" if delayed else "permanent"
    return (
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "Subject: Delivery Status Notification (Failure)\n"
        "Content-Type: text/plain; charset=UTF-8\n\n"
        f"{heading}\n\n     anna@example.pl\n\n"
        f"Technical details of {kind} failure:\n{details}\n\n"
        "----- Original message -----\n\nTo: anna@example.pl\n"
    ).encode()


@pytest.mark.parametrize(
    ("details", "reason", "hard_bounce"),
    [
        ("DNS Error: Domain name not found", "hostunknown", True),
        ("DNS Error: Could not contact DNS servers", "expired", False),
        (
            "Google tried to deliver your message, but it was rejected by the server for the "
            "recipient domain example.pl by mx.example.pl. [192.0.2.1].\n\nThe error that the "
            "other server returned was:\n452 4.2.2 <anna@example.pl>: mailbox full",
            "mailboxfull",
            False,
        ),
    ],
)
def test_gmail_old_template_explanations(details: str, reason: str, hard_bounce: bool) -> None:
    report = parse_message(_gmail_old_template(details))

    assert [(r.address, r.reason.value, r.hard_bounce) for r in report.recipients] == [
        ("anna@example.pl", reason, hard_bounce)
    ]


def test_gmail_old_template_remote_host_read() -> None:
    details = (
        "Google tried to deliver your message, but it was rejected by the server for the "
        "recipient domain example.pl by mx.example.pl. [192.0.2.1].\n\nThe error that the "
        "other server returned was:\n550 5.1.1 <anna@example.pl>: user unknown"
    )

    report = parse_message(_gmail_old_template(details))

    assert report.recipients[0].remote_mta == "mx.example.pl"
    assert report.recipients[0].diagnostic == "550 5.1.1 <anna@example.pl>: user unknown"


KDDI_NO_DOMAIN = b"""From: no-reply@app.auone-net.jp
Reply-To: no-reply@app.auone-net.jp
Subject: Mail
Content-Type: text/plain; charset="ISO-2022-JP"

Your mail attempted to be delivered on: Thu, 29 Apr 2021 00:00:00 +0900
     Could not be delivered to: <user@nonexistent.example>
     As the remote domain doesnt exist.
"""


def test_kddi_missing_domain_is_hostunknown() -> None:
    report = parse_message(KDDI_NO_DOMAIN)

    assert [(r.address, r.reason.value, r.hard_bounce) for r in report.recipients] == [
        ("user@nonexistent.example", "hostunknown", True)
    ]
