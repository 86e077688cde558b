"""Fixtures: one rbldnsd serving test DNSBL zones and SPF records, plus misbehaving servers.

Zones served (all under .test, answers from 127.0.0.0/8 as RFC 5782 requires):

- bl.test       IP zone: RFC 5782 entries, several codes, two codes for one address,
                a refusal code, 127.0.0.1, TXT with $ substitution, IPv6 entries
- dbl.test      domain zone: `test` listed, a spam domain with TXT
- uri.test      domain zone with bitmask answers
- wl.test       DNSWL-style allowlist (127.0.<category>.<trust>)
- score.test    Sender Score style (127.0.4.<score>)
- all.test      wildcard zone that lists every address
- refusing.test answers the refusal code 127.255.255.254 for every address
- empty.test    lists nothing, not even its test entry
- mail.test     SPF, A and MX records (rbldnsd's generic dataset)

`dead.test` is routed to `silent_server`, which never answers, and `unserved.test` is
not served, so rbldnsd answers REFUSED.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dns.rcode
import pytest

from blacklist_checks import AnswerScheme, ListType, ReturnCode, Zone, ZoneKind
from tests.support.rbldnsd import (
    RbldnsdServer,
    RbldnsdZone,
    RcodeResponder,
    SilentServer,
    start_rbldnsd,
)

BL_IP4 = """\
:127.0.0.2:Listed, see https://bl.test/lookup?ip=$
127.0.0.2
192.0.2.10 :127.0.0.4:Exploited host $
192.0.2.11 :127.0.0.2:
192.0.2.12 :127.255.255.254:Public resolver refused
192.0.2.13 :127.0.0.1:
"""
# A second dataset of the same zone: 192.0.2.11 gets a second A record.
BL_IP4_EXTRA = """\
192.0.2.11/32 :127.0.0.10:Policy range $
"""
BL_IP6 = """\
2001:db8::10/128 :127.0.0.3:IPv6 sender $ listed
"""
DBL = """\
test :127.0.1.2:test entry
spam.example :127.0.1.2:Domain $ sends spam
"""
URI = """\
test :127.0.0.2:
.both.example :127.0.0.24:Phishing and malware: $
blocked.example :127.0.0.1:
"""
WL = """\
127.0.0.2 :127.0.10.0:
192.0.2.10 :127.0.15.2:
"""
SCORE = """\
127.0.0.2 :127.0.4.50:
192.0.2.10 :127.0.4.87:
"""
ALL = """\
0.0.0.0/0 :127.0.0.2:Everything is listed
"""
REFUSING = """\
0.0.0.0/0 :127.255.255.254:
"""
EMPTY = """\
192.0.2.250 :127.0.0.2:
"""
MAIL_SPF = (
    "v=spf1 ip4:192.0.2.10 ip4:192.0.2.64/30 ip4:198.51.100.0/24 ip6:2001:db8::10"
    " a mx include:_spf.mail.test ~ip4:203.0.113.99 -all"
)
MAIL = f"""\
@ TXT "{MAIL_SPF}"
@ A 192.0.2.20
@ MX 10 mx1.mail.test.
mx1 A 192.0.2.21
_spf TXT "v=spf1 ip4:203.0.113.5 ~all"
redirected TXT "v=spf1 redirect=_spf.mail.test"
loop TXT "v=spf1 include:loop2.mail.test -all"
loop2 TXT "v=spf1 include:loop.mail.test -all"
void TXT "v=spf1 a:nx1.mail.test a:nx2.mail.test a:nx3.mail.test -all"
many TXT "v=spf1 include:i1.mail.test include:i2.mail.test include:i3.mail.test -all"
i1 TXT "v=spf1 a a a a -all"
i2 TXT "v=spf1 a a a a -all"
i3 TXT "v=spf1 a -all"
i1 A 192.0.2.31
i2 A 192.0.2.32
i3 A 192.0.2.33
twice TXT "v=spf1 -all"
twice TXT "v=spf1 ip4:192.0.2.1 -all"
nospf TXT "just a verification token"
"""

TEST_ZONE_DATA = (
    RbldnsdZone("bl.test", "ip4set", BL_IP4),
    RbldnsdZone("bl.test", "ip4trie", BL_IP4_EXTRA),
    RbldnsdZone("bl.test", "ip6trie", BL_IP6),
    RbldnsdZone("dbl.test", "dnset", DBL),
    RbldnsdZone("uri.test", "dnset", URI),
    RbldnsdZone("wl.test", "ip4set", WL),
    RbldnsdZone("score.test", "ip4set", SCORE),
    RbldnsdZone("all.test", "ip4trie", ALL),
    RbldnsdZone("refusing.test", "ip4trie", REFUSING),
    RbldnsdZone("empty.test", "ip4set", EMPTY),
    RbldnsdZone("mail.test", "generic", MAIL),
)

SPAMHAUS_ERRORS = {"127.255.255.254": "query through a public resolver refused"}


def _ip_zone(name: str, **options: object) -> Zone:
    defaults: dict[str, object] = {
        "kind": ZoneKind.IP,
        "list_type": ListType.BLOCKLIST,
        "lists": f"test zone {name}",
        "test_listed": "127.0.0.2",
        "test_not_listed": "127.0.0.1",
    }
    defaults.update(options)
    return Zone(name=name, **defaults)  # type: ignore[arg-type]


def build_test_zones() -> dict[str, Zone]:
    """Catalogue entries for the served zones, keyed by name."""
    zones = [
        _ip_zone(
            "bl.test",
            supports_ipv6=True,
            codes={
                "127.0.0.2": ReturnCode("spam source", 10),
                "127.0.0.3": ReturnCode("IPv6 spam source", 8),
                "127.0.0.4": ReturnCode("exploited host", 10),
                "127.0.0.10": ReturnCode("policy range", 5),
            },
            error_codes=SPAMHAUS_ERRORS,
        ),
        _ip_zone(
            "dbl.test",
            kind=ZoneKind.DOMAIN,
            codes={"127.0.1.2": ReturnCode("spam domain")},
            test_listed="test",
            test_not_listed="invalid",
        ),
        _ip_zone(
            "uri.test",
            kind=ZoneKind.DOMAIN,
            scheme=AnswerScheme.BITMASK,
            codes={"8": ReturnCode("phishing"), "16": ReturnCode("malware")},
            test_listed="test",
            test_not_listed="invalid",
        ),
        _ip_zone(
            "wl.test",
            list_type=ListType.ALLOWLIST,
            scheme=AnswerScheme.DNSWL,
            codes={"15": ReturnCode("email marketing providers")},
        ),
        _ip_zone(
            "score.test",
            list_type=ListType.SCORE,
            scheme=AnswerScheme.LAST_OCTET_SCORE,
        ),
        _ip_zone("all.test"),
        _ip_zone("refusing.test", error_codes=SPAMHAUS_ERRORS),
        _ip_zone("empty.test"),
        _ip_zone("dead.test"),
        _ip_zone("unserved.test"),
    ]
    return {zone.name: zone for zone in zones}


@pytest.fixture(scope="session")
def rbldnsd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RbldnsdServer]:
    directory: Path = tmp_path_factory.mktemp("rbldnsd")
    with start_rbldnsd(TEST_ZONE_DATA, directory) as server:
        yield server


@pytest.fixture(scope="session")
def silent_server() -> Iterator[SilentServer]:
    with SilentServer() as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="session")
def servfail_server() -> Iterator[RcodeResponder]:
    with RcodeResponder(dns.rcode.SERVFAIL) as server:
        yield server  # type: ignore[misc]


@pytest.fixture(scope="session")
def test_zones() -> dict[str, Zone]:
    return build_test_zones()
