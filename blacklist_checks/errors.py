"""Exceptions of the blacklist_checks package.

The resolver adapter raises the `Dns*` errors; the checker turns each of them into
an UNKNOWN result, never into NOT_LISTED.
"""

from __future__ import annotations

from pathlib import Path


class BlacklistCheckError(Exception):
    """Base of every error this package raises."""


class CatalogueError(BlacklistCheckError):
    """The zones file is missing, unreadable or describes a zone wrongly."""

    def __init__(self, path: Path | None, problem: str) -> None:
        self.path = path
        self.problem = problem
        where = str(path) if path is not None else "built-in catalogue"
        super().__init__(f"{where}: {problem}")


class DnsError(BlacklistCheckError):
    """A DNS lookup did not return records; subclasses name the failure."""

    def __init__(self, name: str, rdtype: str, detail: str = "") -> None:
        self.name = name
        self.rdtype = rdtype
        self.detail = detail
        message = f"{rdtype} lookup of {name} failed: {type(self).__name__}"
        super().__init__(f"{message} ({detail})" if detail else message)


class DnsNameNotFound(DnsError):
    """The server answered NXDOMAIN: the name does not exist."""


class DnsTimeout(DnsError):
    """No server answered within the timeout."""


class DnsServerFailure(DnsError):
    """The server answered SERVFAIL."""


class DnsRefused(DnsError):
    """The server answered REFUSED, e.g. it does not serve the zone or rejects the client."""


class DnsProtocolError(DnsError):
    """Any other failure: FORMERR, NOTIMP, a malformed or mismatched response, a socket error."""


class InvalidServerError(BlacklistCheckError):
    """A DNS server was not given as `host:port` (or a bare host for port 53)."""

    def __init__(self, server: str) -> None:
        self.server = server
        super().__init__(f"DNS server {server!r} is not host:port, e.g. 127.0.0.1:5353")
