"""Returned messages built for the reputation tests, so each test controls the verdict."""

from __future__ import annotations

import secrets

_DSN = """\
From: MAILER-DAEMON@mx.example.net
To: {sender}
Subject: Delivery Status Notification
Message-ID: <{token}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Delivery to {recipient}: {action}.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.org
Diagnostic-Code: smtp; {diagnostic}

--b1
Content-Type: text/rfc822-headers

From: Billing <{sender}>
To: {recipient}
Subject: Invoice 7
{stream_header}
--b1--
"""

_ARF = """\
From: feedback@fbl.example.net
To: fbl@example.com
Subject: Complaint about message from 192.0.2.1
Message-ID: <{token}@fbl.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="b2"

--b2
Content-Type: text/plain; charset=us-ascii

This is an email abuse report.

--b2
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <{sender}>
Original-Rcpt-To: <{recipient}>
Source-IP: 192.0.2.1

--b2
Content-Type: message/rfc822

From: Newsletter <{sender}>
To: {recipient}
Subject: Spring offers
Message-ID: <orig-{token}@example.com>
{stream_header}
Hello.
--b2--
"""

USER_UNKNOWN = "550 5.1.1 <{recipient}>: Recipient address rejected: User unknown"
MAILBOX_FULL = "452 4.2.2 <{recipient}>: Mailbox full, quota exceeded"
SPAM_BLOCK = "550 5.7.1 Message rejected as spam by content filter"


def make_dsn(
    recipient: str,
    *,
    status: str = "5.1.1",
    action: str = "failed",
    diagnostic: str = USER_UNKNOWN,
    sender: str = "billing@example.com",
    stream: str | None = None,
) -> bytes:
    """Build an RFC 3464 DSN for one recipient; every call gives different bytes."""
    text = _DSN.format(
        sender=sender,
        recipient=recipient,
        token=secrets.token_hex(8),
        action=action,
        status=status,
        diagnostic=diagnostic.format(recipient=recipient),
        stream_header=f"X-Mailrep-Stream: {stream}\n" if stream else "",
    )
    return text.replace("\n", "\r\n").encode()


def make_arf(
    recipient: str,
    *,
    feedback_type: str = "abuse",
    sender: str = "news@example.com",
    stream: str | None = None,
) -> bytes:
    """Build an RFC 5965 feedback report about one recipient; every call gives different bytes."""
    text = _ARF.format(
        sender=sender,
        recipient=recipient,
        token=secrets.token_hex(8),
        feedback_type=feedback_type,
        stream_header=f"X-Mailrep-Stream: {stream}" if stream else "",
    )
    return text.replace("\n", "\r\n").encode()
