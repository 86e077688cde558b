"""The reason classifier: codes, wording and SMTP stage weighed together."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bounce_parser.classify import classify
from bounce_parser.status import find_reply_code, find_status
from bounce_parser.types import SENDER_FAULT_REASONS, Finding, Reason, is_hard_bounce


def _finding(
    status: str | None = None,
    reply_code: str | None = None,
    diagnostic: str | None = None,
    *,
    command: str | None = None,
    action: str | None = "failed",
) -> Finding:
    return Finding(
        address="user@example.com",
        action=action,
        status=status,
        reply_code=reply_code,
        diagnostic=diagnostic,
        smtp_command=command,
    )


def _is_hard(finding: Finding) -> bool:
    reason, _ = classify(finding)
    return is_hard_bounce(reason, finding.status, finding.reply_code)


# (status, reply code, diagnostic text, SMTP command) -> reason, in the wording
# of the servers named in each comment.
CASES: list[tuple[str | None, str | None, str | None, str | None, Reason]] = [
    # Gmail
    (
        "4.7.0",
        "421",
        "421-4.7.0 [192.0.2.7] Our system has detected an unusual rate of "
        "unsolicited mail originating from your IP address.",
        None,
        Reason.BLOCKED,
    ),
    (
        "5.7.26",
        "550",
        "550-5.7.26 This mail is unauthenticated, which poses a security risk "
        "to the sender and Gmail users.",
        "DATA",
        Reason.AUTHFAILURE,
    ),
    (
        "5.7.1",
        "550",
        "550-5.7.1 Our system has detected that this message is likely unsolicited mail.",
        "DATA",
        Reason.SPAMDETECTED,
    ),
    (
        "5.7.25",
        "550",
        "550-5.7.25 The IP address sending this message does not have a PTR record setup.",
        "MAIL",
        Reason.REQUIREPTR,
    ),
    (
        "5.1.1",
        "550",
        "550-5.1.1 The email account that you tried to reach does not exist.",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    (
        "5.2.2",
        "552",
        "552-5.2.2 The email account that you tried to reach is over quota.",
        "RCPT",
        Reason.MAILBOXFULL,
    ),
    (
        "5.2.1",
        "550",
        "550-5.2.1 The email account that you tried to reach is disabled.",
        "RCPT",
        Reason.SUSPEND,
    ),
    # Microsoft
    (
        "5.7.1",
        "550",
        "550 5.7.1 Unfortunately, messages from [192.0.2.7] weren't sent. "
        "Part of their network is on our block list (S3150).",
        "RCPT",
        Reason.BLOCKED,
    ),
    (
        "5.7.1",
        "550",
        "550 5.7.1 Service unavailable, Client host [192.0.2.7] blocked using Spamhaus.",
        "RCPT",
        Reason.BLOCKED,
    ),
    (
        "5.7.606",
        "550",
        "550 5.7.606 Access denied, banned sending IP [192.0.2.7].",
        "RCPT",
        Reason.BLOCKED,
    ),
    (
        "5.4.1",
        "550",
        "550 5.4.1 Recipient address rejected: Access denied. AS(201806281)",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    (
        "5.5.0",
        "550",
        "550 5.5.0 Requested action not taken: mailbox unavailable.",
        None,
        Reason.FILTERED,
    ),
    (
        "5.7.509",
        "550",
        "550 5.7.509 Access denied, sending domain example.com does not pass DMARC verification",
        "DATA",
        Reason.AUTHFAILURE,
    ),
    # Yahoo
    (
        "5.7.9",
        "554",
        "554 5.7.9 Message not accepted for policy reasons.",
        "DATA",
        Reason.POLICYVIOLATION,
    ),
    (
        "4.7.0",
        "421",
        "421 4.7.0 [TSS04] Messages from 192.0.2.7 temporarily deferred due to "
        "unexpected volume or user complaints",
        "MAIL",
        Reason.BADREPUTATION,
    ),
    (
        "5.7.1",
        "553",
        "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.7, "
        "because the ip is in Spamhaus's list",
        "CONN",
        Reason.BLOCKED,
    ),
    (
        None,
        "554",
        "554 delivery error: dd This user doesn't have a yahoo.com account (user@yahoo.com) [0]",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    # Apple iCloud
    (
        "5.7.1",
        "554",
        "554 5.7.1 Your message was rejected due to example.com's DMARC policy.",
        "DATA",
        Reason.AUTHFAILURE,
    ),
    (None, "554", "554 mx.example.com ESMTP not accepting connections", None, Reason.BLOCKED),
    # Cox, Tencent, GoDaddy
    (
        "5.1.0",
        "550",
        "550 5.1.0 <sender@example.com> sender rejected. AUP#CDRBL",
        "MAIL",
        Reason.BLOCKED,
    ),
    (
        None,
        "550",
        "550 Connection frequency limited. http://service.mail.qq.com/",
        None,
        Reason.TOOMANYCONN,
    ),
    (
        "5.1.1",
        "550",
        "550 5.1.1 <user@example.com> - 192.0.2.7 has sent to too many recipients this hour. IB607",
        "RCPT",
        Reason.SPEEDING,
    ),
    # Orange
    (
        None,
        "421",
        "421 mwinf0001 ME Service refuse. Veuillez essayer plus tard. OFR_999",
        None,
        Reason.BLOCKED,
    ),
    (
        "5.1.1",
        "550",
        "550 5.1.1 Adresse d au moins un destinataire invalide. Invalid recipient. OFR_416 [416]",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    # NTT docomo and KDDI
    (
        None,
        "550",
        "550 Unknown user user@docomo.example.ne.jp (in reply to end of DATA command)",
        None,
        Reason.FILTERED,
    ),
    (
        None,
        "550",
        "550 <user@ezweb.example.ne.jp>: User unknown (in reply to RCPT TO command)",
        None,
        Reason.USERUNKNOWN,
    ),
    # Mimecast, MessageLabs, Barracuda
    ("5.0.0", "550", "550 Administrative prohibition - envelope blocked", "MAIL", Reason.REJECTED),
    (
        "5.0.0",
        "553",
        "553-SPF (Sender Policy Framework) domain authentication fail",
        "MAIL",
        Reason.AUTHFAILURE,
    ),
    (
        "5.7.1",
        "554",
        "554 Service unavailable; Client host [192.0.2.7] blocked using Barracuda Reputation",
        "RCPT",
        Reason.BLOCKED,
    ),
    # Postfix
    (
        "5.1.1",
        "550",
        "550 5.1.1 <user@example.com>: Recipient address rejected: User unknown "
        "in virtual mailbox table",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    (
        "4.7.1",
        "450",
        "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.7]",
        "RCPT",
        Reason.REQUIREPTR,
    ),
    (
        "5.1.8",
        "553",
        "553 5.1.8 <sender@example.com>: Sender address rejected: Domain not found",
        "MAIL",
        Reason.REJECTED,
    ),
    (
        "5.7.1",
        "554",
        "554 5.7.1 <user@example.net>: Relay access denied",
        "RCPT",
        Reason.NORELAYING,
    ),
    # Exim
    (None, None, "retry timeout exceeded", None, Reason.EXPIRED),
    (None, None, "all relevant MX records point to non-existent hosts", None, Reason.HOSTUNKNOWN),
    (None, None, "Unrouteable address", None, Reason.HOSTUNKNOWN),
    (None, None, "mailbox is full: retry timeout exceeded", None, Reason.MAILBOXFULL),
    # qmail
    (None, None, "Sorry, no mailbox here by that name. (#5.1.1)", None, Reason.USERUNKNOWN),
    (
        None,
        None,
        "Recipient's mailbox is full, message returned to sender. (#5.2.2)",
        None,
        Reason.MAILBOXFULL,
    ),
    # Sendmail
    ("5.1.1", "550", "550 5.1.1 <user@example.com>... User unknown", "RCPT", Reason.USERUNKNOWN),
    (
        "5.1.2",
        "550",
        "550 5.1.2 <user@nonexistent.example>... Host unknown (Name server: "
        "nonexistent.example: host not found)",
        None,
        Reason.HOSTUNKNOWN,
    ),
    ("4.4.7", None, "Cannot send message for 5 days", None, Reason.EXPIRED),
    # Exchange and Domino
    (
        "5.1.1",
        "550",
        "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##",
        None,
        Reason.USERUNKNOWN,
    ),
    (
        "5.2.3",
        "550",
        "#550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##",
        None,
        Reason.EXCEEDLIMIT,
    ),
    ("5.0.0", None, "User not listed in public Name & Address Book", None, Reason.USERUNKNOWN),
    # mail.ru and GMX
    (
        "5.0.0",
        "550",
        "550 Message was not accepted -- invalid mailbox. Local mailbox "
        "user@mail.example is unavailable: user not found",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    (
        "5.0.0",
        "550",
        "550 spam message rejected. Message rejected under suspicion of SPAM.",
        "DATA",
        Reason.SPAMDETECTED,
    ),
    (None, "552", "552 Mailbox quota exceeded", "RCPT", Reason.MAILBOXFULL),
    (
        None,
        "451",
        "451 Requested action aborted: local error in processing",
        "DATA",
        Reason.SYSTEMERROR,
    ),
    # Comcast, Microsoft's Exchange Online, Gmail's relay advice
    (
        "5.0.0",
        "554",
        "554 mx.example.net 192.0.2.7 found on one or more DNSBLs, see "
        "http://postmaster.example.net/#BL000000",
        "CONN",
        Reason.BLOCKED,
    ),
    (
        "5.1.10",
        "550",
        "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        "RCPT",
        Reason.USERUNKNOWN,
    ),
    (
        "5.7.1",
        "550",
        "550-5.7.1 The IP you're using to send mail is not authorized to send email directly "
        "to our servers.",
        "RCPT",
        Reason.BLOCKED,
    ),
    # Postfix transport failures
    (None, None, "mail for example.com loops back to myself", None, Reason.NETWORKERROR),
    (
        None,
        None,
        "connect to mx.example.com[192.0.2.7]:25: Connection refused",
        None,
        Reason.NETWORKERROR,
    ),
    # Polish providers
    ("5.1.1", "550", "550 5.1.1 Konto nie istnieje", "RCPT", Reason.USERUNKNOWN),
    (None, "552", "552 Skrzynka odbiorcza adresata jest pełna", "RCPT", Reason.MAILBOXFULL),
    # Japanese wording
    (None, None, "メールボックスの容量オーバーです", None, Reason.MAILBOXFULL),
    # Codes too vague to decide, and no evidence at all
    ("5.0.0", "550", "550 Requested action not taken", None, Reason.ONHOLD),
    (None, "550", "550 Sorry, rejected", None, Reason.ONHOLD),
    (
        "5.7.1",
        "550",
        "550 5.7.1 Delivery not authorized, message refused",
        "RCPT",
        Reason.SECURITYERROR,
    ),
    ("5.7.1", "550", "550 5.7.1 Access denied", "MAIL", Reason.REJECTED),
    (
        "5.0.0",
        "554",
        "SMTP error from remote mail server after initial connection: 554 Go away",
        None,
        Reason.BLOCKED,
    ),
    ("5.2.2", None, None, None, Reason.MAILBOXFULL),
]


@pytest.mark.parametrize(("status", "reply_code", "text", "command", "reason"), CASES)
def test_classify_typical_reply_gets_reason(
    status: str | None,
    reply_code: str | None,
    text: str | None,
    command: str | None,
    reason: Reason,
) -> None:
    got, evidence = classify(_finding(status, reply_code, text, command=command))

    assert got is reason, evidence


@pytest.mark.parametrize(
    "text",
    [
        "550 5.7.1 Service unavailable; client host [192.0.2.7] blocked using zen.spamhaus.org",
        "550 5.1.1 Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.7",
        "550 5.5.0 Your IP address 192.0.2.7 is listed in a DNSBL",
        "554 5.7.1 Client host rejected: poor reputation of the sending IP",
        "550 5.0.0 Mail from 192.0.2.7 refused, the host is on our block list",
    ],
)
@pytest.mark.parametrize("status", ["5.7.1", "5.1.1", "5.0.0", None])
def test_classify_blocklist_refusal_is_never_hard(text: str, status: str | None) -> None:
    finding = _finding(status, "550", text, command="RCPT")
    reason, _ = classify(finding)

    assert reason in SENDER_FAULT_REASONS
    assert not _is_hard(finding)


@pytest.mark.parametrize(
    ("status", "text"),
    [
        ("5.1.1", "550 5.1.1 User unknown"),
        ("4.4.7", "Host unknown (Name server: example.net: host not found)"),
        ("5.1.6", "550 5.1.6 Recipient no longer on server"),
        (None, None),
    ],
)
def test_classify_delayed_action_is_never_hard(status: str | None, text: str | None) -> None:
    assert not _is_hard(_finding(status, None, text, action="delayed"))


@given(
    text=st.text(max_size=300),
    status=st.sampled_from([None, "5.1.1", "5.1.2", "5.0.0", "4.4.7", "5.7.1"]),
)
def test_classify_delayed_any_text_is_never_hard(text: str, status: str | None) -> None:
    assert not _is_hard(_finding(status, None, text, action="delayed"))


@given(text=st.text(max_size=500), command=st.sampled_from([None, "RCPT", "DATA", "MAIL"]))
def test_classify_any_text_returns_reason_and_evidence(text: str, command: str | None) -> None:
    reason, evidence = classify(_finding(None, None, text, command=command))

    assert isinstance(reason, Reason)
    assert evidence


def test_classify_hint_wins_over_codes_and_text() -> None:
    finding = _finding("5.1.1", "550", "550 5.1.1 User unknown", command="RCPT")
    finding.reason_hint = Reason.MAILBOXFULL
    finding.hint_evidence = "ses:Transient/MailboxFull"

    assert classify(finding) == (Reason.MAILBOXFULL, "hint=ses:Transient/MailboxFull")


def test_classify_delayed_hint_is_not_hard() -> None:
    finding = _finding("4.1.1", None, "Recipient unknown", action="delayed")
    finding.reason_hint = Reason.USERUNKNOWN
    finding.hint_evidence = "example:unknown"

    assert classify(finding) == (Reason.EXPIRED, "hint=example:unknown,action=delayed")


def test_classify_hint_without_evidence_names_reason() -> None:
    finding = _finding("5.0.0", "550", "550 Blocked")
    finding.reason_hint = Reason.FEEDBACK

    assert classify(finding) == (Reason.FEEDBACK, "hint=feedback")


@pytest.mark.parametrize("action", ["delivered", "relayed", "expanded", "Delivered"])
def test_classify_success_action_is_delivered(action: str) -> None:
    reason, evidence = classify(_finding("5.1.1", "550", "User unknown", action=action))

    assert reason is Reason.DELIVERED
    assert evidence == f"action={action.lower()}"


def test_classify_no_evidence_is_undefined_default() -> None:
    assert classify(_finding(None, None, None, action=None)) == (Reason.UNDEFINED, "default")


def test_classify_status_alone_records_status() -> None:
    assert classify(_finding("5.2.2")) == (Reason.MAILBOXFULL, "status=5.2.2")


def test_classify_text_over_address_status_records_pattern() -> None:
    reason, evidence = classify(
        _finding("5.1.1", "550", "550 5.1.1 <user@example.com> Mailbox full")
    )

    assert reason is Reason.MAILBOXFULL
    assert evidence == "pattern=mailbox_full"


def test_classify_status_found_in_text_when_field_missing() -> None:
    assert classify(_finding(None, None, "Delivery failed: #5.2.2 over the limit")) == (
        Reason.MAILBOXFULL,
        "status=5.2.2",
    )


def test_classify_temporary_user_unknown_is_soft() -> None:
    finding = _finding(
        "4.1.1",
        "450",
        "450 4.1.1 <user@example.com>: Recipient address "
        "rejected: unverified address: host not reachable",
        command="RCPT",
    )
    reason, evidence = classify(finding)

    assert reason is Reason.ONHOLD
    assert evidence.endswith(",temporary")


def test_classify_retry_wording_keeps_address_soft() -> None:
    finding = _finding(
        "5.1.1",
        "550",
        "550 5.1.1 <user@example.com>: mailbox temporarily unavailable, try again later",
        command="RCPT",
    )

    assert classify(finding) == (Reason.ONHOLD, "status=5.1.1,temporary")


def test_classify_temporary_host_unknown_is_network_error() -> None:
    finding = _finding(
        "4.1.2",
        None,
        "Host or domain name not found. Name service error "
        "for name=example.net type=MX: Host not found",
    )

    assert classify(finding)[0] is Reason.NETWORKERROR


def test_classify_mail_stage_user_unknown_blames_sender() -> None:
    finding = _finding(
        "5.1.1",
        "550",
        "550 5.1.1 <sender@example.com>: User unknown (in reply to MAIL FROM command)",
    )

    assert classify(finding) == (Reason.REJECTED, "pattern=user_unknown,stage=MAIL")


def test_classify_user_unknown_after_data_is_filtered() -> None:
    finding = _finding(None, "550", "550 Unknown user user@example.com", command="DATA")

    assert classify(finding) == (Reason.FILTERED, "pattern=user_unknown,stage=DATA")


def test_classify_directory_wording_after_data_is_user_unknown() -> None:
    """Yahoo refuses unknown users after DATA, in words no content filter uses."""
    finding = _finding(
        "5.0.0",
        "554",
        "554 delivery error: dd This user doesn't have a yahoo.example account",
        command="DATA",
    )

    assert classify(finding) == (Reason.USERUNKNOWN, "pattern=user_unknown_directory")


@pytest.mark.parametrize("status", ["5.0.0", "5.5.0", None])
def test_classify_stock_mailbox_unavailable_at_rcpt_is_hard(status: str | None) -> None:
    """GMX, WEB.DE and Outlook.com refuse an unknown mailbox with RFC 5321's stock text."""
    finding = _finding(
        status, "550", "550 Requested action not taken: mailbox unavailable", command="RCPT"
    )

    assert classify(finding)[0] is Reason.USERUNKNOWN
    assert _is_hard(finding)


def test_classify_stock_mailbox_unavailable_under_x7_is_soft() -> None:
    finding = _finding(
        "5.7.1", "550", "550 5.7.1 Requested action not taken: mailbox unavailable", command="RCPT"
    )

    assert not _is_hard(finding)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("550 5.1.1 Nie ma takiego uzytkownika", Reason.USERUNKNOWN),
        ("550 5.1.1 Użytkownik nie istnieje", Reason.USERUNKNOWN),
        ("552 5.2.2 Skrzynka odbiorcy jest pelna", Reason.MAILBOXFULL),
        ("452 4.2.2 Przekroczony limit pojemnosci skrzynki", Reason.MAILBOXFULL),
        ("550 5.7.1 Przekroczono limit wysylanych wiadomosci", Reason.SPEEDING),
        ("550 5.2.1 Konto zablokowane", Reason.SUSPEND),
        ("550 5.7.1 Adres IP nadawcy znajduje sie na czarnej liscie", Reason.BLOCKED),
        ("554 5.7.1 Wiadomosc odrzucona przez filtr antyspamowy", Reason.SPAMDETECTED),
        ("552 5.3.4 Wiadomość jest za duża", Reason.MESGTOOBIG),
        ("550 5.7.1 Adres nadawcy zablokowany", Reason.REJECTED),
        ("451 4.7.1 Zbyt wiele polaczen z twojego adresu IP", Reason.TOOMANYCONN),
    ],
)
def test_classify_polish_wording_with_or_without_diacritics(text: str, reason: Reason) -> None:
    assert classify(_finding(None, None, text, command="RCPT"))[0] is reason


@pytest.mark.parametrize(
    "text",
    [
        "550 5.1.1 Sorry, your envelope sender has been denied",
        "550 We do not accept mail from this domain",
        "550 Unrouteable address for sender",
        "550 5.1.1 Blocked by recipient's allow list",
        "550 5.1.1 <faktury@example.com>: Sender address rejected: User unknown in local "
        "recipient table",
        "550 5.7.1 Konto nadawcy zablokowane za wysylanie spamu",
        "550 5.1.1 Twoj adres IP jest zablokowany",
        "550 5.1.1 <user@example.com>: Recipient address rejected: Recipient not in whitelist",
        "550 5.1.1 User account is expired",
        "550 5.1.1 Adres e-mail jest nieaktywny",
    ],
)
def test_classify_refusal_not_about_recipient_is_never_hard(text: str) -> None:
    """Wording about the sender or a recipient's filter outweighs an address-looking code."""
    finding = _finding("5.1.1" if "5.1.1" in text else None, "550", text, command="RCPT")

    reason, evidence = classify(finding)

    assert not is_hard_bounce(reason, finding.status, finding.reply_code), evidence


def test_classify_greylisting_is_on_hold_and_soft() -> None:
    finding = _finding(
        "4.7.1", "450", "450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted"
    )

    assert classify(finding) == (Reason.ONHOLD, "pattern=greylisted")


def test_classify_bare_user_unknown_is_soft() -> None:
    """User-unknown wording with no X.1.x status and no RCPT TO stage is not trusted."""
    finding = _finding(None, "550", "550 : User unknown")

    assert classify(finding) == (Reason.FILTERED, "pattern=user_unknown,unconfirmed")


def test_classify_pipelined_need_rcpt_reads_as_rcpt_stage() -> None:
    """Sendmail reports DATA as the command when RCPT TO failed in a pipelined session."""
    finding = _finding(
        None, "550", "550 User unknown 503 5.0.0 Need RCPT (recipient)", command="DATA"
    )

    assert classify(finding)[0] is Reason.USERUNKNOWN


@pytest.mark.parametrize(
    "text",
    [
        "550 Requested action not taken: mailbox unavailable",
        "550 5.0.0 Requested action not taken",
        "554 Transaction failed",
        "550 Rejected",
    ],
)
@pytest.mark.parametrize("status", ["5.0.0", "5.5.0", None])
def test_classify_generic_refusal_is_not_hard(text: str, status: str | None) -> None:
    assert not _is_hard(_finding(status, "550", text))


def test_classify_null_mx_is_hard() -> None:
    finding = _finding("5.1.10", "556", "556 5.1.10 Recipient address has null MX")

    assert classify(finding)[0] is Reason.NOTACCEPT
    assert _is_hard(finding)


def test_classify_reply_code_under_specific_status_is_ignored() -> None:
    """A 551 under a 5.7.1 is a policy refusal, not a moved mailbox."""
    finding = _finding(
        "5.7.1", "551", "551 5.7.1 <user@example.com>: Recipient address rejected: not permitted"
    )

    assert not _is_hard(finding)


#: Typical replies of the common receivers, one or more per reason class,
#: classified with no SMTP stage known.
COMMON_REPLIES: list[tuple[str, str]] = [
    ("552 5.2.2 The email account that you tried to reach is over quota.", "mailboxfull"),
    ("452 4.2.2 The email account that you tried to reach is over quota.", "mailboxfull"),
    ("550 5.2.2 Mailbox size limit exceeded", "mailboxfull"),
    ("552 Requested mail action aborted: exceeded storage allocation", "mailboxfull"),
    ("552 5.2.2 User has exhausted allowed storage space", "mailboxfull"),
    ("554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException", "mailboxfull"),
    ("452 4.2.2 Quota exceeded (mailbox for user is full)", "mailboxfull"),
    ("552 5.3.4 Message size exceeds fixed maximum message size", "mesgtoobig"),
    ("552-5.2.3 Your message exceeded Google's message size limits.", "mesgtoobig"),
    ("550 5.7.1 Message rejected as spam by Content Filtering.", "spamdetected"),
    (
        "554 5.7.1 The message from (<faktury@example.com>) with the subject of (Faktura) "
        "matches a profile the Internet community may consider spam.",
        "spamdetected",
    ),
    ("550 5.7.350 Remote server returned message detected as spam", "spamdetected"),
    ("554 5.7.1 Message rejected because it contains a virus", "virusdetected"),
    ("550 5.7.1 Email rejected per DMARC policy for example.com", "authfailure"),
    ("550 5.7.1 SPF check failed", "authfailure"),
    (
        "550 5.7.26 Unauthenticated email from example.com is not accepted due to "
        "domain's DMARC policy",
        "authfailure",
    ),
    (
        "421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to user complaints",
        "badreputation",
    ),
    ("550 5.7.1 Service unavailable; client [192.0.2.10] blocked using Spamhaus", "blocked"),
    (
        "554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using "
        "b.barracudacentral.org",
        "blocked",
    ),
    ("550 5.7.606 Access denied, banned sending IP [192.0.2.10]", "blocked"),
    ("421 4.7.0 Too many connections from your IP", "toomanyconn"),
    (
        "450 4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.10]",
        "requireptr",
    ),
    ("550 5.7.25 The IP address sending this message does not have a PTR record", "requireptr"),
    (
        "421 4.7.28 Gmail has detected an unusual rate of mail originating from your DKIM domain",
        "speeding",
    ),
    (
        "450 4.2.1 The user you are trying to contact is receiving mail at a rate that "
        "prevents additional messages from being delivered.",
        "speeding",
    ),
    ("550 5.1.6 Recipient addresses in this domain no longer exist", "hasmoved"),
    ("554 5.4.14 Hop count exceeded - possible mail loop", "networkerror"),
    ("421 4.4.2 Connection timed out", "expired"),
    ("550 5.7.1 Relaying denied", "norelaying"),
    ("530 5.7.0 Must issue a STARTTLS command first", "failedstarttls"),
    ("550 5.7.1 Delivery not authorized, message refused", "securityerror"),
    ("550 5.6.0 Lone CR or LF in headers (see RFC 5322)", "notcompliantrfc"),
    ("554 5.6.0 Message contains invalid header", "notcompliantrfc"),
    ("550 5.7.1 Message rejected due to local policy", "policyviolation"),
    ("451 4.3.0 Internal server error", "systemerror"),
    ("452 4.3.1 Insufficient system storage", "systemfull"),
    ("550 5.1.2 Host unknown", "hostunknown"),
    ("550 5.4.310 DNS domain example.test does not exist", "hostunknown"),
    ("550 5.2.1 The email account that you tried to reach is disabled.", "suspend"),
    ("550 5.1.1 The email account that you tried to reach does not exist.", "userunknown"),
    ("554 5.7.9 Message not accepted for policy reasons.", "policyviolation"),
    ("550 5.7.1 Your message looks like spam", "spamdetected"),
    ("550 High probability of spam", "spamdetected"),
    ("554 5.7.1 Rejected: Message contains a URL listed in DBL", "spamdetected"),
    ("550 5.7.1 Sender is on user denylist", "filtered"),
    ("550 5.1.8 Bad sender's mailbox address syntax", "rejected"),
    ("553 5.1.7 The sender address is invalid", "rejected"),
    ("452 4.5.3 Too many recipients", "toomanyconn"),
]


@pytest.mark.parametrize(("text", "reason"), COMMON_REPLIES)
def test_classify_common_reply_without_stage_gets_reason(text: str, reason: str) -> None:
    finding = _finding(find_status(text), find_reply_code(text), text, command=None)

    assert classify(finding)[0] == reason
