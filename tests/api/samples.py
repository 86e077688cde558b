"""Returned messages built for the API tests, so each test controls the address that bounced."""

from __future__ import annotations

import hashlib

_DSN = """\
From: MAILER-DAEMON@mx.example.net
To: {sender}
Subject: Undelivered Mail Returned to Sender
Message-ID: <{token}@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain; charset=us-ascii

Your message to {recipient} could not be delivered.

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

From: {sender}
To: {recipient}
Subject: Invoice 7
{stream_header}
--b1--
"""


def make_dsn(
    recipient: str,
    *,
    status: str = "5.1.1",
    diagnostic: str = "550 5.1.1 Recipient address rejected: User unknown",
    sender: str = "billing@example.com",
    stream: str | None = None,
) -> bytes:
    """Build an RFC 3464 delivery status notification for one failed recipient."""
    token = hashlib.sha256(f"{recipient}|{status}|{stream}".encode()).hexdigest()[:16]
    text = _DSN.format(
        sender=sender,
        recipient=recipient,
        token=token,
        action="failed" if status.startswith("5") else "delayed",
        status=status,
        diagnostic=diagnostic,
        stream_header=f"X-Mailrep-Stream: {stream}\n" if stream else "",
    )
    return text.replace("\n", "\r\n").encode()
