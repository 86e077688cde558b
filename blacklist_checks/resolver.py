"""The `Resolver` protocol and its dnspython adapter, the only module that sends DNS queries.

`DnsPythonResolver` never reads /etc/resolv.conf: it sends each query to the servers
it was built with (`host:port` strings), and `zone_servers` routes the names under a
suffix to other servers, e.g. a DNSBL mirror served by a local rbldnsd. Each query is
one UDP exchange (TCP when the answer is truncated) with each server in turn until one
answers; retries are the caller's decision.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import dns.asyncquery
import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import structlog

from blacklist_checks.errors import (
    DnsError,
    DnsNameNotFound,
    DnsProtocolError,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
    InvalidServerError,
)

_log = structlog.get_logger(__name__)


class Resolver(Protocol):
    """Looks up one record type of one name.

    `resolve` returns the records as text: A/AAAA as addresses, TXT with the
    character-strings of each record joined (RFC 7208 section 3.3), MX as
    "preference exchange". NOERROR with no record of that type returns [].

    Raises DnsNameNotFound (NXDOMAIN), DnsTimeout, DnsServerFailure (SERVFAIL),
    DnsRefused (REFUSED) or DnsProtocolError (anything else).
    """

    async def resolve(self, name: str, rdtype: str) -> list[str]: ...


@dataclass(frozen=True, slots=True)
class NameServer:
    """One DNS server address."""

    host: str
    port: int = 53


def parse_server(text: str) -> NameServer:
    """Parse `host:port`, `[v6]:port`, a bare IPv4 host or a bare IPv6 address (port 53).

    Raises:
        InvalidServerError: the port is not a number from 1 to 65535 or the host is empty.
    """
    value = text.strip()
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        port_text = rest.removeprefix(":") or "53"
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
    else:
        host, port_text = value, "53"
    if not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidServerError(text)
    return NameServer(host, int(port_text))


class DnsPythonResolver:
    """A `Resolver` sending queries with dnspython to explicit servers.

    Raises InvalidServerError at construction when a server string does not parse,
    and ValueError when no server is given.
    """

    def __init__(
        self,
        servers: Sequence[str],
        *,
        zone_servers: Mapping[str, Sequence[str]] | None = None,
        timeout: float = 2.0,
    ) -> None:
        if not servers:
            raise ValueError("give at least one DNS server as host:port")
        self._servers = tuple(parse_server(server) for server in servers)
        # Longest suffix first, so a more specific route wins.
        routes = [
            (dns.name.from_text(suffix), tuple(parse_server(server) for server in targets))
            for suffix, targets in (zone_servers or {}).items()
        ]
        self._routes = sorted(routes, key=lambda route: len(route[0]), reverse=True)
        self._timeout = timeout

    def servers_for(self, name: str) -> tuple[NameServer, ...]:
        """Return the servers that `name` is sent to."""
        qname = dns.name.from_text(name)
        for suffix, servers in self._routes:
            if qname.is_subdomain(suffix):
                return servers
        return self._servers

    async def resolve(self, name: str, rdtype: str) -> list[str]:
        """Look up `rdtype` records of `name`; see `Resolver` for the errors raised."""
        try:
            query = dns.message.make_query(name, rdtype)
        except (dns.exception.DNSException, ValueError) as exc:
            raise DnsProtocolError(name, rdtype, f"cannot build the query: {exc}") from exc

        last_error: DnsError = DnsTimeout(name, rdtype, "no server tried")
        for server in self.servers_for(name):
            try:
                response = await self._exchange(query, server)
            except DnsError as exc:
                last_error = exc
                # The query name is not logged: with a Spamhaus DQS key it contains the key.
                _log.debug(
                    "dns_server_failed",
                    rdtype=rdtype,
                    server=server.host,
                    port=server.port,
                    error=type(exc).__name__,
                )
                continue
            return _records(name, rdtype, response)
        raise last_error

    async def _exchange(
        self, query: dns.message.Message, server: NameServer
    ) -> dns.message.Message:
        name = str(query.question[0].name)
        rdtype = dns.rdatatype.to_text(query.question[0].rdtype)
        try:
            response, _ = await dns.asyncquery.udp_with_fallback(
                query, server.host, timeout=self._timeout, port=server.port
            )
        except dns.exception.Timeout as exc:
            raise DnsTimeout(name, rdtype, f"{server.host}:{server.port}") from exc
        except (dns.exception.DNSException, OSError, ValueError) as exc:
            raise DnsProtocolError(name, rdtype, f"{server.host}:{server.port}: {exc}") from exc

        rcode = response.rcode()
        if rcode == dns.rcode.SERVFAIL:
            raise DnsServerFailure(name, rdtype, f"{server.host}:{server.port}")
        if rcode == dns.rcode.REFUSED:
            raise DnsRefused(name, rdtype, f"{server.host}:{server.port}")
        return response


def _records(name: str, rdtype: str, response: dns.message.Message) -> list[str]:
    rcode = response.rcode()
    if rcode == dns.rcode.NXDOMAIN:
        raise DnsNameNotFound(name, rdtype)
    if rcode != dns.rcode.NOERROR:
        raise DnsProtocolError(name, rdtype, f"rcode {dns.rcode.to_text(rcode)}")

    wanted = dns.rdatatype.from_text(rdtype)
    records: list[str] = []
    # Follow CNAMEs inside the answer section by accepting every RRset of the wanted type.
    for rrset in response.answer:
        if rrset.rdtype != wanted:
            continue
        for rdata in rrset:
            records.append(_rdata_text(rdata))
    return records


def _rdata_text(rdata: object) -> str:
    if isinstance(rdata, dns.rdtypes.ANY.TXT.TXT):
        return b"".join(rdata.strings).decode("utf-8", errors="replace")
    if hasattr(rdata, "exchange") and hasattr(rdata, "preference"):
        return f"{rdata.preference} {rdata.exchange}"
    return str(rdata)
