"""Check targets (IP addresses, domains) against DNSBL zones, all lookups concurrently.

Every (target, zone) lookup and every zone's health probes run at once, bounded by a
semaphore, so a run takes about as long as its slowest lookup. A lookup that times
out or gets SERVFAIL is retried `retries` times. Results of zones whose probes fail
are replaced by UNKNOWN (see `health.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import structlog

from blacklist_checks.errors import (
    DnsError,
    DnsNameNotFound,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
)
from blacklist_checks.health import judge_zone_health, probe_targets
from blacklist_checks.interpret import interpret_answer
from blacklist_checks.query import build_query_name, zone_accepts
from blacklist_checks.resolver import Resolver
from blacklist_checks.types import (
    DnsAnswer,
    ListingResult,
    ListingStatus,
    LookupOutcome,
    Zone,
    ZoneHealth,
)

_log = structlog.get_logger(__name__)

_RETRIED_OUTCOMES = (LookupOutcome.TIMEOUT, LookupOutcome.SERVFAIL)
_ERROR_OUTCOMES: tuple[tuple[type[DnsError], LookupOutcome], ...] = (
    (DnsNameNotFound, LookupOutcome.NXDOMAIN),
    (DnsTimeout, LookupOutcome.TIMEOUT),
    (DnsServerFailure, LookupOutcome.SERVFAIL),
    (DnsRefused, LookupOutcome.REFUSED),
)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """Settings of one check run. `spamhaus_dqs_key` switches Spamhaus zones to their DQS names."""

    spamhaus_dqs_key: str | None = None
    max_concurrency: int = 64
    retries: int = 1
    probe_health: bool = True


@dataclass(frozen=True, slots=True)
class CheckReport:
    """All results of one check run, the health of each zone probed, and the wall time."""

    results: tuple[ListingResult, ...]
    health: tuple[ZoneHealth, ...]
    duration: float


def answer_from_error(error: DnsError) -> DnsAnswer:
    """Map a resolver exception to the plain-data outcome the interpreters read."""
    for error_type, outcome in _ERROR_OUTCOMES:
        if isinstance(error, error_type):
            return DnsAnswer(outcome, detail=error.detail)
    return DnsAnswer(LookupOutcome.ERROR, detail=error.detail)


def distrust_unhealthy(
    results: Sequence[ListingResult], health: Sequence[ZoneHealth]
) -> tuple[ListingResult, ...]:
    """Turn every result of a zone whose probes failed into UNKNOWN, naming the verdict."""
    untrusted = {item.zone: item for item in health if not item.is_trusted}
    adjusted: list[ListingResult] = []
    for result in results:
        verdict = untrusted.get(result.zone)
        if verdict is None:
            adjusted.append(result)
            continue
        adjusted.append(
            replace(
                result,
                status=ListingStatus.UNKNOWN,
                meanings=(),
                txt=(),
                score=None,
                error=f"zone not trusted ({verdict.verdict}): {verdict.detail}",
                reason=f"zone_{verdict.verdict}",
            )
        )
    return tuple(adjusted)


async def check_targets(
    targets: Sequence[str],
    zones: Sequence[Zone],
    resolver: Resolver,
    options: CheckOptions | None = None,
) -> CheckReport:
    """Look up each target in each enabled zone that accepts it (IP or domain, IPv6 support).

    Domain targets are looked up as given; pass organisational domains. Never raises
    for DNS failures: they become UNKNOWN results.
    """
    options = options or CheckOptions()
    started = time.perf_counter()
    run = _Run(resolver, options)

    pairs = [
        (target, zone)
        for zone in zones
        if zone.enabled
        for target in targets
        if zone_accepts(zone, target)
    ]
    probed = _unique_zones(pairs) if options.probe_health else []

    checks = asyncio.gather(*(run.check(target, zone) for target, zone in pairs))
    probes = asyncio.gather(*(run.probe(zone) for zone in probed))
    results, health = await asyncio.gather(checks, probes)

    final = distrust_unhealthy(results, health)
    _log_failures(final, health)
    return CheckReport(tuple(final), tuple(health), time.perf_counter() - started)


class _Run:
    """The I/O of one check run: the semaphore, retries and timing."""

    def __init__(self, resolver: Resolver, options: CheckOptions) -> None:
        self._resolver = resolver
        self._options = options
        self._semaphore = asyncio.Semaphore(options.max_concurrency)

    async def lookup(self, name: str, rdtype: str) -> tuple[DnsAnswer, float]:
        """Return the answer and the seconds spent in the resolver, queueing excluded."""
        answer = DnsAnswer(LookupOutcome.ERROR, detail="not attempted")
        spent = 0.0
        for _ in range(self._options.retries + 1):
            async with self._semaphore:
                started = time.perf_counter()
                try:
                    records = await self._resolver.resolve(name, rdtype)
                except DnsError as exc:
                    answer = answer_from_error(exc)
                else:
                    outcome = LookupOutcome.ANSWER if records else LookupOutcome.NO_DATA
                    answer = DnsAnswer(outcome, tuple(records))
                finally:
                    spent += time.perf_counter() - started
            if answer.outcome not in _RETRIED_OUTCOMES:
                break
        return answer, spent

    async def check(self, target: str, zone: Zone) -> ListingResult:
        name = build_query_name(zone, target, self._options.spamhaus_dqs_key)
        answer, duration = await self.lookup(name, "A")
        decision = interpret_answer(zone, answer)

        txt: tuple[str, ...] = ()
        if decision.status is ListingStatus.LISTED:
            # The TXT record is only the operator's explanation; a failure leaves it empty.
            reason, txt_duration = await self.lookup(name, "TXT")
            duration += txt_duration
            txt = reason.records if reason.outcome is LookupOutcome.ANSWER else ()

        return ListingResult(
            target=target,
            zone=zone.name,
            list_type=zone.list_type,
            status=decision.status,
            codes=decision.codes,
            meanings=decision.meanings,
            txt=txt,
            error=decision.error,
            reason=decision.reason,
            score=decision.score,
            duration=duration,
        )

    async def probe(self, zone: Zone) -> ZoneHealth:
        listed_entry, unlisted_entry = probe_targets(zone)
        listed, unlisted = await asyncio.gather(
            self._probe_entry(zone, listed_entry), self._probe_entry(zone, unlisted_entry)
        )
        return judge_zone_health(zone, listed, unlisted)

    async def _probe_entry(self, zone: Zone, entry: str | None) -> DnsAnswer | None:
        if entry is None:
            return None
        answer, _ = await self.lookup(
            build_query_name(zone, entry, self._options.spamhaus_dqs_key), "A"
        )
        return answer


def _unique_zones(pairs: Sequence[tuple[str, Zone]]) -> list[Zone]:
    seen: dict[str, Zone] = {}
    for _, zone in pairs:
        seen.setdefault(zone.name, zone)
    return list(seen.values())


def _log_failures(results: Sequence[ListingResult], health: Sequence[ZoneHealth]) -> None:
    for item in health:
        if not item.is_trusted:
            _log.warning(
                "dnsbl_zone_untrusted",
                zone=item.zone,
                verdict=str(item.verdict),
                detail=item.detail,
            )
    unknown = Counter(result.zone for result in results if result.status is ListingStatus.UNKNOWN)
    for zone, count in sorted(unknown.items()):
        _log.warning("dnsbl_lookup_failed", zone=zone, unknown_results=count)
