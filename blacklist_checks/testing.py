"""`FakeResolver`: canned DNS answers per (name, type) for tests of code taking a `Resolver`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field

from blacklist_checks.errors import DnsError, DnsNameNotFound


@dataclass
class FakeResolver:
    """A `Resolver` answering from `answers`, keyed by (name, rdtype) without trailing dot.

    A value is a list of records, or a `DnsError` subclass (or instance) to raise.
    Names not in `answers` raise DnsNameNotFound. `delays` adds a sleep per name,
    and `calls` records every lookup in order.
    """

    answers: Mapping[tuple[str, str], list[str] | DnsError | type[DnsError]] = field(
        default_factory=dict
    )
    delays: Mapping[str, float] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)

    async def resolve(self, name: str, rdtype: str) -> list[str]:
        key = (name.rstrip(".").lower(), rdtype.upper())
        self.calls.append(key)
        delay = self.delays.get(key[0], 0.0)
        if delay:
            await asyncio.sleep(delay)

        answer = self.answers.get(key)
        if answer is None:
            raise DnsNameNotFound(key[0], key[1])
        if isinstance(answer, DnsError):
            raise answer
        if isinstance(answer, type):
            raise answer(key[0], key[1])
        return list(answer)
