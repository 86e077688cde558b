"""The dnspython adapter against real loopback servers: rbldnsd, a silent one, a SERVFAIL one."""

import time

import pytest
import structlog.testing

from blacklist_checks import (
    DnsNameNotFound,
    DnsPythonResolver,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
    InvalidServerError,
    NameServer,
    parse_server,
)
from tests.support.rbldnsd import RbldnsdServer, RcodeResponder, SilentServer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:5353", NameServer("127.0.0.1", 5353)),
        ("127.0.0.1", NameServer("127.0.0.1", 53)),
        ("[::1]:5353", NameServer("::1", 5353)),
        ("::1", NameServer("::1", 53)),
    ],
)
def test_parse_server_forms(text: str, expected: NameServer) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("text", ["127.0.0.1:0", "127.0.0.1:dns", ":53", "[::1]:99999"])
def test_parse_server_invalid_raises(text: str) -> None:
    with pytest.raises(InvalidServerError, match="host:port"):
        parse_server(text)


def test_resolver_without_servers_raises() -> None:
    with pytest.raises(ValueError, match="at least one DNS server"):
        DnsPythonResolver([])


def test_servers_for_routes_longest_suffix() -> None:
    resolver = DnsPythonResolver(
        ["127.0.0.1:53"],
        zone_servers={"example.test": ["127.0.0.1:1053"], "bl.example.test": ["127.0.0.1:2053"]},
    )

    assert resolver.servers_for("4.3.2.1.bl.example.test") == (NameServer("127.0.0.1", 2053),)
    assert resolver.servers_for("www.example.test") == (NameServer("127.0.0.1", 1053),)
    assert resolver.servers_for("example.com") == (NameServer("127.0.0.1", 53),)


async def test_resolve_a_and_txt_from_rbldnsd(rbldnsd_server: RbldnsdServer) -> None:
    resolver = DnsPythonResolver([rbldnsd_server.address], timeout=1)

    assert await resolver.resolve("10.2.0.192.bl.test", "A") == ["127.0.0.4"]
    assert await resolver.resolve("10.2.0.192.bl.test", "TXT") == ["Exploited host 192.0.2.10"]


async def test_resolve_mx_returns_preference_and_exchange(rbldnsd_server: RbldnsdServer) -> None:
    resolver = DnsPythonResolver([rbldnsd_server.address], timeout=1)

    assert await resolver.resolve("mail.test", "MX") == ["10 mx1.mail.test."]


async def test_resolve_missing_name_raises_name_not_found(rbldnsd_server: RbldnsdServer) -> None:
    resolver = DnsPythonResolver([rbldnsd_server.address], timeout=1)

    with pytest.raises(DnsNameNotFound):
        await resolver.resolve("99.2.0.192.bl.test", "A")


async def test_resolve_no_record_of_type_returns_empty(rbldnsd_server: RbldnsdServer) -> None:
    resolver = DnsPythonResolver([rbldnsd_server.address], timeout=1)

    assert await resolver.resolve("mail.test", "AAAA") == []


async def test_resolve_unserved_zone_raises_refused(rbldnsd_server: RbldnsdServer) -> None:
    resolver = DnsPythonResolver([rbldnsd_server.address], timeout=1)

    with pytest.raises(DnsRefused):
        await resolver.resolve("2.0.0.127.unserved.test", "A")


async def test_resolve_silent_server_times_out(silent_server: SilentServer) -> None:
    resolver = DnsPythonResolver([silent_server.address], timeout=0.3)

    started = time.perf_counter()
    with pytest.raises(DnsTimeout):
        await resolver.resolve("2.0.0.127.dead.test", "A")

    assert time.perf_counter() - started < 1.0


async def test_resolve_servfail_raises_server_failure(servfail_server: RcodeResponder) -> None:
    resolver = DnsPythonResolver([servfail_server.address], timeout=1)

    with pytest.raises(DnsServerFailure):
        await resolver.resolve("2.0.0.127.bl.test", "A")


async def test_resolve_falls_back_to_next_server(
    silent_server: SilentServer, rbldnsd_server: RbldnsdServer
) -> None:
    resolver = DnsPythonResolver([silent_server.address, rbldnsd_server.address], timeout=0.3)

    assert await resolver.resolve("2.0.0.127.bl.test", "A") == ["127.0.0.2"]


async def test_resolve_failure_log_omits_query_name(silent_server: SilentServer) -> None:
    """A Spamhaus DQS query name contains the account key, so it must not reach the logs."""
    resolver = DnsPythonResolver([silent_server.address], timeout=0.1)

    with structlog.testing.capture_logs() as logs, pytest.raises(DnsTimeout):
        await resolver.resolve("2.0.0.127.s3cretkey.zen.dq.example.net", "A")

    assert logs
    assert "s3cretkey" not in repr(logs)
