"""Held-out samples: current templates of the MTAs and providers a Polish sender meets.

The messages in `tests/fixtures/bounces/heldout/` were written for these tests
after the public templates of each sender. They cover Postfix 3.x, Exim 4.9x,
Sendmail 8.x, qmail, Exchange Online and on-premises Exchange in Polish,
Gmail, Yahoo, Outlook.com, GMX, T-Online, Orange, Mail.ru, Yandex, Onet, WP,
Interia, o2, home.pl, OVH, nazwa.pl and security gateways. They use
example.com and .test domains and 192.0.2.0/24 addresses. None is a copy of a
corpus file, so they measure how the parser generalises. Each row gives the
verdict a careful operator would reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bounce_parser import parse_message
from bounce_parser.types import SENDER_FAULT_REASONS, Reason, ReportKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/bounces/heldout"


@dataclass(frozen=True)
class Case:
    """One held-out message and its expected verdict.

    `reasons` lists every class that is right for the message; most rows name one.
    """

    name: str
    kind: ReportKind
    address: str | None = None
    reasons: tuple[str, ...] = ()
    is_hard: bool = False


CASES: tuple[Case, ...] = (
    Case(
        "arf_jmrp",
        ReportKind.FEEDBACK_REPORT,
        "zly.klient@hotmail.example",
        ("feedback",),
        is_hard=False,
    ),
    Case(
        "arf_ses_complaint",
        ReportKind.FEEDBACK_REPORT,
        "nie.chce@example.net",
        ("feedback",),
        is_hard=False,
    ),
    Case(
        "arf_yahoo_cfl_polish",
        ReportKind.FEEDBACK_REPORT,
        "skarga@yahoo.example",
        ("feedback",),
        is_hard=False,
    ),
    Case(
        "autoreply_exchange_polish",
        ReportKind.AUTO_REPLY,
        "robert.wojcik@example.org",
        ("vacation",),
        is_hard=False,
    ),
    Case(
        "autoreply_polish_vacation",
        ReportKind.AUTO_REPLY,
        "marta.lewandowska@example.net",
        ("vacation",),
        is_hard=False,
    ),
    Case(
        "exchange_pl_mailbox_full",
        ReportKind.DELIVERY_STATUS,
        "kadry@example.net",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "exchange_pl_recipient_not_found",
        ReportKind.DELIVERY_STATUS,
        "jan.kowalski@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "exchange_pl_spam_blocklist",
        ReportKind.DELIVERY_STATUS,
        "zamowienia@example.net",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "exim_all_hosts_failing",
        ReportKind.DELIVERY_STATUS,
        "serwis@example.net",
        ("expired",),
        is_hard=False,
    ),
    Case(
        "exim_delay_greylist",
        ReportKind.DELIVERY_STATUS,
        "monika@example.net",
        ("onhold",),
        is_hard=False,
    ),
    Case(
        "exim_dsn_mailbox_full",
        ReportKind.DELIVERY_STATUS,
        "lukasz@example.org",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "exim_mailbox_full_local",
        ReportKind.DELIVERY_STATUS,
        "kasia@example.com",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "exim_retry_timeout",
        ReportKind.DELIVERY_STATUS,
        "magazyn@example.net",
        ("expired",),
        is_hard=False,
    ),
    Case(
        "exim_sender_verify_failed",
        ReportKind.DELIVERY_STATUS,
        "klient.c@example.net",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "exim_spamhaus_block",
        ReportKind.DELIVERY_STATUS,
        "zarzad@example.org",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "exim_unrouteable",
        ReportKind.DELIVERY_STATUS,
        "sprzedaz@nonexistent.test",
        ("hostunknown",),
        is_hard=True,
    ),
    Case(
        "exim_user_unknown",
        ReportKind.DELIVERY_STATUS,
        "anna@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "gmail_dsn_address_not_found",
        ReportKind.DELIVERY_STATUS,
        "nieaktualny@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "gmail_dsn_delayed",
        ReportKind.DELIVERY_STATUS,
        "opozniony@example.net",
        ("onhold", "systemerror"),
        is_hard=False,
    ),
    Case(
        "gmail_dsn_message_blocked",
        ReportKind.DELIVERY_STATUS,
        "kontrahent@example.net",
        ("spamdetected",),
        is_hard=False,
    ),
    Case("notbounce_customer_reply", ReportKind.NOT_BOUNCE),
    Case("notbounce_forwarded_question", ReportKind.NOT_BOUNCE),
    Case("notbounce_list_digest", ReportKind.NOT_BOUNCE),
    Case(
        "o365_access_denied_dbeb",
        ReportKind.DELIVERY_STATUS,
        "nieznany@example.org",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "o365_mailbox_full",
        ReportKind.DELIVERY_STATUS,
        "kierownik@example.net",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "o365_recipient_not_found",
        ReportKind.DELIVERY_STATUS,
        "jan.nowak@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "o365_sender_ip_banned",
        ReportKind.DELIVERY_STATUS,
        "wspolnik@example.org",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_access_denied_o365",
        ReportKind.DELIVERY_STATUS,
        "kontakt@example.org",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_barracuda_blocked",
        ReportKind.DELIVERY_STATUS,
        "office@example.info",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_barracuda_unknown",
        ReportKind.DELIVERY_STATUS,
        "office2@example.info",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_connect_timeout_delayed",
        ReportKind.DELIVERY_STATUS,
        "zamowienia@example.net",
        ("expired",),
        is_hard=False,
    ),
    Case(
        "postfix_dovecot_lmtp_unknown",
        ReportKind.DELIVERY_STATUS,
        "stary.pracownik@example.com",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_dovecot_quota",
        ReportKind.DELIVERY_STATUS,
        "ewa@example.com",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_disabled",
        ReportKind.DELIVERY_STATUS,
        "zamkniete@example.net",
        ("suspend",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_dmarc",
        ReportKind.DELIVERY_STATUS,
        "odbiorca@example.net",
        ("authfailure",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_nosuchuser",
        ReportKind.DELIVERY_STATUS,
        "jan.nowak@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_gmail_overquota",
        ReportKind.DELIVERY_STATUS,
        "anna.wisniewska@example.net",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_ptr",
        ReportKind.DELIVERY_STATUS,
        "ptrtest@example.net",
        ("requireptr",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_security_content",
        ReportKind.DELIVERY_STATUS,
        "zalacznik@example.net",
        ("policyviolation",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_too_quickly",
        ReportKind.DELIVERY_STATUS,
        "hurt@example.net",
        ("speeding",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_unauthenticated",
        ReportKind.DELIVERY_STATUS,
        "klient@example.net",
        ("authfailure",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_unsolicited",
        ReportKind.DELIVERY_STATUS,
        "marek@example.net",
        ("spamdetected",),
        is_hard=False,
    ),
    Case(
        "postfix_gmail_unusual_rate",
        ReportKind.DELIVERY_STATUS,
        "ksiegowosc@example.net",
        ("blocked", "spamdetected", "speeding"),
        is_hard=False,
    ),
    Case(
        "postfix_gmx_ip_blocklisted",
        ReportKind.DELIVERY_STATUS,
        "klaus@gmx.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_gmx_mailbox_unavailable",
        ReportKind.DELIVERY_STATUS,
        "hans@gmx.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_homepl_quota_polish",
        ReportKind.DELIVERY_STATUS,
        "sklep@homepl.example",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_homepl_spamcop",
        ReportKind.DELIVERY_STATUS,
        "info@homepl.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_hornetsecurity_spam",
        ReportKind.DELIVERY_STATUS,
        "einkauf@example.de",
        ("spamdetected",),
        is_hard=False,
    ),
    Case(
        "postfix_host_not_found",
        ReportKind.DELIVERY_STATUS,
        "biuro@nonexistent.test",
        ("hostunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_icloud_policy",
        ReportKind.DELIVERY_STATUS,
        "bartek@icloud.example",
        ("policyviolation",),
        is_hard=False,
    ),
    Case(
        "postfix_icloud_unknown",
        ReportKind.DELIVERY_STATUS,
        "kasia@icloud.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_interia_polish_not_exist",
        ReportKind.DELIVERY_STATUS,
        "krzysztof@interia.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_ironport_address_rejected",
        ReportKind.DELIVERY_STATUS,
        "procurement@example.us",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_local_access_denied",
        ReportKind.DELIVERY_STATUS,
        "byly.pracownik@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_local_unknown",
        ReportKind.DELIVERY_STATUS,
        "adam@example.com",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_mailru_unknown",
        ReportKind.DELIVERY_STATUS,
        "ivan@mail.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_mimecast_envelope_blocked",
        ReportKind.DELIVERY_STATUS,
        "john@example.co.test",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "postfix_mimecast_invalid",
        ReportKind.DELIVERY_STATUS,
        "jane@example.co.test",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_ms_group_not_authorized",
        ReportKind.DELIVERY_STATUS,
        "zarzad-lista@example.org",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "postfix_nazwapl_spam_polish",
        ReportKind.DELIVERY_STATUS,
        "handel@nazwapl.example",
        ("spamdetected",),
        is_hard=False,
    ),
    Case(
        "postfix_null_mx",
        ReportKind.DELIVERY_STATUS,
        "kontakt@nullmx.example",
        ("notaccept",),
        is_hard=True,
    ),
    Case(
        "postfix_o2_polish_blocked_account",
        ReportKind.DELIVERY_STATUS,
        "zofia@o2.example",
        ("suspend",),
        is_hard=False,
    ),
    Case(
        "postfix_o365_banned_ip",
        ReportKind.DELIVERY_STATUS,
        "biuro@example.org",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_o365_client_blocked",
        ReportKind.DELIVERY_STATUS,
        "sekretariat@example.org",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_o365_ip_reputation_rate",
        ReportKind.DELIVERY_STATUS,
        "rada@example.org",
        ("badreputation",),
        is_hard=False,
    ),
    Case(
        "postfix_onet_polish_unknown",
        ReportKind.DELIVERY_STATUS,
        "jan.zielinski@onet.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_orange_invalid",
        ReportKind.DELIVERY_STATUS,
        "pierre@orange.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_orange_service_refused",
        ReportKind.DELIVERY_STATUS,
        "marie@wanadoo.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_outlook_mailbox_unavailable",
        ReportKind.DELIVERY_STATUS,
        "nieistniejacy@outlook.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_outlook_s3150",
        ReportKind.DELIVERY_STATUS,
        "ola@hotmail.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_ovh_full",
        ReportKind.DELIVERY_STATUS,
        "recepcja@ovh.example",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_polish_blacklist",
        ReportKind.DELIVERY_STATUS,
        "biuro@kompania.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_polish_sending_limit",
        ReportKind.DELIVERY_STATUS,
        "klient.b@example.net",
        ("speeding",),
        is_hard=False,
    ),
    Case(
        "postfix_polish_user_unknown_diacritics",
        ReportKind.DELIVERY_STATUS,
        "ala@poczta.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_poor_reputation_5_1_1",
        ReportKind.DELIVERY_STATUS,
        "odbiorca2@example.net",
        ("badreputation",),
        is_hard=False,
    ),
    Case(
        "postfix_postgrey_delayed",
        ReportKind.DELIVERY_STATUS,
        "hr@example.net",
        ("onhold",),
        is_hard=False,
    ),
    Case(
        "postfix_proofpoint_blocked",
        ReportKind.DELIVERY_STATUS,
        "buyer@example.us",
        ("blocked", "rejected"),
        is_hard=False,
    ),
    Case(
        "postfix_relay_denied",
        ReportKind.DELIVERY_STATUS,
        "partner@example.net",
        ("norelaying",),
        is_hard=False,
    ),
    Case(
        "postfix_tonline_bl",
        ReportKind.DELIVERY_STATUS,
        "uwe@t-online.example",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_unknown_sender_callout",
        ReportKind.DELIVERY_STATUS,
        "dostawca@example.net",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "postfix_virtual_unknown",
        ReportKind.DELIVERY_STATUS,
        "jan.kowalski@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_wp_polish_full",
        ReportKind.DELIVERY_STATUS,
        "agnieszka@wp.example",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_yahoo_dd",
        ReportKind.DELIVERY_STATUS,
        "tomasz@yahoo.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_yahoo_tss04",
        ReportKind.DELIVERY_STATUS,
        "magda@yahoo.example",
        ("blocked", "badreputation", "rejected"),
        is_hard=False,
    ),
    Case(
        "postfix_yahoo_tss09",
        ReportKind.DELIVERY_STATUS,
        "piotr@aol.example",
        ("blocked", "badreputation"),
        is_hard=False,
    ),
    Case(
        "postfix_yandex_no_such_user",
        ReportKind.DELIVERY_STATUS,
        "olga@yandex.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "postfix_zimbra_over_quota",
        ReportKind.DELIVERY_STATUS,
        "dyrektor@example.edu",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "postfix_zoho_unknown",
        ReportKind.DELIVERY_STATUS,
        "sales@zoho-customer.example",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "qmail_no_mailbox",
        ReportKind.DELIVERY_STATUS,
        "jan@example.com",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "qmail_remote_unknown",
        ReportKind.DELIVERY_STATUS,
        "adam@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "qmail_vpopmail_quota",
        ReportKind.DELIVERY_STATUS,
        "grazyna@example.com",
        ("mailboxfull",),
        is_hard=False,
    ),
    Case(
        "sendmail_deferred_warning",
        ReportKind.DELIVERY_STATUS,
        "dostawy@example.net",
        ("expired",),
        is_hard=False,
    ),
    Case(
        "sendmail_host_unknown",
        ReportKind.DELIVERY_STATUS,
        "biuro@nosuchdomain.test",
        ("hostunknown",),
        is_hard=True,
    ),
    Case(
        "sendmail_user_unknown",
        ReportKind.DELIVERY_STATUS,
        "piotr@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "ses_mailed_bounce",
        ReportKind.DELIVERY_STATUS,
        "platnosci@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "exim_no_such_user",
        ReportKind.DELIVERY_STATUS,
        "nie.ma@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "o365_dns_domain_not_exist",
        ReportKind.DELIVERY_STATUS,
        "ktos@nieistniejaca-domena.test",
        ("hostunknown",),
        is_hard=True,
    ),
    Case(
        "o365_hop_count_loop",
        ReportKind.DELIVERY_STATUS,
        "petla@example.net",
        ("networkerror",),
        is_hard=False,
    ),
    Case(
        "o365_restricted_group",
        ReportKind.DELIVERY_STATUS,
        "zarzad@example.com",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "postfix_client_host_access_denied",
        ReportKind.DELIVERY_STATUS,
        "dostep@example.net",
        ("blocked",),
        is_hard=False,
    ),
    Case(
        "postfix_interia_sender_blocked_polish",
        ReportKind.DELIVERY_STATUS,
        "klient@interia.example",
        ("rejected",),
        is_hard=False,
    ),
    Case(
        "postfix_lost_connection_delayed",
        ReportKind.DELIVERY_STATUS,
        "zerwane@example.net",
        ("networkerror",),
        is_hard=False,
    ),
    Case(
        "postfix_message_too_big",
        ReportKind.DELIVERY_STATUS,
        "duzy@example.net",
        ("mesgtoobig",),
        is_hard=False,
    ),
    Case(
        "postfix_o365_dmarc_reject",
        ReportKind.DELIVERY_STATUS,
        "finanse@example.org",
        ("authfailure",),
        is_hard=False,
    ),
    Case(
        "postfix_onet_antispam_polish",
        ReportKind.DELIVERY_STATUS,
        "filtr@onet.example",
        ("spamdetected",),
        is_hard=False,
    ),
    Case(
        "postfix_polish_message_too_big",
        ReportKind.DELIVERY_STATUS,
        "mala.skrzynka@poczta.example",
        ("mesgtoobig",),
        is_hard=False,
    ),
    Case(
        "postfix_spf_fail_recipient_rejected",
        ReportKind.DELIVERY_STATUS,
        "spf@example.net",
        ("authfailure",),
        is_hard=False,
    ),
    Case(
        "postfix_unverified_recipient_temporary",
        ReportKind.DELIVERY_STATUS,
        "weryfikacja@example.net",
        ("expired", "onhold"),
        is_hard=False,
    ),
    Case(
        "postfix_wp_inactive_polish",
        ReportKind.DELIVERY_STATUS,
        "uspiony@wp.example",
        ("suspend",),
        is_hard=False,
    ),
    Case(
        "postfix_polish_custom_template",
        ReportKind.DELIVERY_STATUS,
        "nieznany@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "gmail_dsn_delivery_incomplete",
        ReportKind.DELIVERY_STATUS,
        "wolno@example.net",
        ("toomanyconn",),
    ),
    Case(
        "ses_sns_json_bounce",
        ReportKind.DELIVERY_STATUS,
        "stary.klient@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "ses_sns_json_complaint",
        ReportKind.FEEDBACK_REPORT,
        "zirytowany@example.net",
        ("feedback",),
    ),
    Case(
        "yahoo_sent_user_unknown",
        ReportKind.DELIVERY_STATUS,
        "kontrahent.stary@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case("notbounce_digest_quoting_user_unknown", ReportKind.NOT_BOUNCE),
    Case(
        "courier_user_unknown",
        ReportKind.DELIVERY_STATUS,
        "ewa.nowak@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "exchange2010_pl_text_only",
        ReportKind.DELIVERY_STATUS,
        "marek.kowalczyk@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "o365_text_only_recipient_not_found",
        ReportKind.DELIVERY_STATUS,
        "adam.lis@example.net",
        ("userunknown",),
        is_hard=True,
    ),
    Case(
        "gmail_message_blocked_no_dsn",
        ReportKind.DELIVERY_STATUS,
        "odbiorca.faktur@example.net",
        ("spamdetected",),
    ),
)

#: Rows the parser still gets wrong, with the reason; they run as strict xfails.
KNOWN_MISSES: dict[str, str] = {
    "postfix_yandex_no_such_user": "Yandex writes 'No such user!' under 5.7.1, read as a filter",
}


def _params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        marks = []
        if case.name in KNOWN_MISSES:
            marks.append(pytest.mark.xfail(reason=KNOWN_MISSES[case.name], strict=True))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


#: Messages naming several recipients: (address, reason, is_hard) in message order.
MULTI_RECIPIENT_CASES: dict[str, list[tuple[str, str, bool]]] = {
    "postfix_two_recipients_mixed": [
        ("stary@example.net", "userunknown", True),
        ("pelny@example.net", "mailboxfull", False),
    ],
    "exim_two_recipients": [
        ("nikt@example.net", "userunknown", True),
        ("pelna@example.org", "mailboxfull", False),
    ],
    "qmail_two_recipients": [
        ("brak@example.net", "userunknown", True),
        ("spam.filtr@example.org", "spamdetected", False),
    ],
    "sendmail_two_recipients": [
        ("zly.adres@example.net", "userunknown", True),
        ("zablokowany@example.org", "blocked", False),
    ],
}


def test_heldout_every_fixture_has_a_row() -> None:
    names = {path.stem for path in FIXTURES.glob("*.eml")}

    assert names == {case.name for case in CASES} | set(MULTI_RECIPIENT_CASES)


@pytest.mark.parametrize("name", sorted(MULTI_RECIPIENT_CASES))
def test_parse_message_heldout_each_recipient_gets_own_verdict(name: str) -> None:
    report = parse_message((FIXTURES / f"{name}.eml").read_bytes())
    verdicts = [
        (recipient.address, str(recipient.reason), recipient.hard_bounce)
        for recipient in report.recipients
    ]

    assert verdicts == MULTI_RECIPIENT_CASES[name]


@pytest.mark.parametrize("case", _params())
def test_parse_message_heldout_sample_gets_expected_verdict(case: Case) -> None:
    report = parse_message((FIXTURES / f"{case.name}.eml").read_bytes())

    assert report.kind is case.kind
    if case.address is None:
        assert report.recipients == ()
        return
    assert [recipient.address for recipient in report.recipients] == [case.address]
    recipient = report.recipients[0]
    assert recipient.reason in case.reasons, recipient.evidence
    assert recipient.hard_bounce is case.is_hard, recipient.evidence


#: Known misses that suppress an address: the costliest kind, listed apart.
KNOWN_WRONGLY_HARD: frozenset[str] = frozenset()


def _soft_params() -> list[object]:
    params: list[object] = []
    for case in CASES:
        if case.is_hard:
            continue
        marks = []
        if case.name in KNOWN_WRONGLY_HARD:
            marks.append(pytest.mark.xfail(reason=KNOWN_MISSES[case.name], strict=True))
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


@pytest.mark.parametrize("case", _soft_params())
def test_parse_message_heldout_soft_sample_is_never_hard(case: Case) -> None:
    """The costly error: a valid address or a sender-side refusal must not suppress."""
    report = parse_message((FIXTURES / f"{case.name}.eml").read_bytes())

    assert not any(recipient.hard_bounce for recipient in report.recipients)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_parse_message_heldout_sender_fault_is_soft(case: Case) -> None:
    report = parse_message((FIXTURES / f"{case.name}.eml").read_bytes())

    for recipient in report.recipients:
        if recipient.reason in SENDER_FAULT_REASONS:
            assert not recipient.hard_bounce
        if recipient.reason is Reason.FEEDBACK:
            assert report.kind is ReportKind.FEEDBACK_REPORT
