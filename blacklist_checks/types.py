"""Vocabularies and result types shared by the DNSBL catalogue, checker and SPF walker."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


class ZoneKind(StrEnum):
    """Kind of name a zone is queried with: a reversed IP address or a domain name."""

    IP = "ip"
    DOMAIN = "domain"


class ListType(StrEnum):
    """How a zone's answer is read: a listing is bad, good, or a point on a scale."""

    BLOCKLIST = "blocklist"
    ALLOWLIST = "allowlist"
    SCORE = "score"


class AnswerScheme(StrEnum):
    """Decoding rule that turns a zone's 127.x.y.z return codes into meanings."""

    EXACT = "exact"  # each address has its own meaning (Spamhaus ZEN, DBL)
    BITMASK = "bitmask"  # the last octet is a set of flags (SURBL, URIBL)
    DNSWL = "dnswl"  # 127.0.<category>.<trust level> (list.dnswl.org)
    LAST_OCTET_SCORE = "last_octet_score"  # the last octet is the score (Sender Score)


class ListingStatus(StrEnum):
    """Outcome of one target in one zone. UNKNOWN is never a synonym for NOT_LISTED."""

    LISTED = "listed"
    NOT_LISTED = "not_listed"
    UNKNOWN = "unknown"


class LookupOutcome(StrEnum):
    """Result of one DNS lookup, before any DNSBL interpretation."""

    ANSWER = "answer"
    NXDOMAIN = "nxdomain"
    NO_DATA = "no_data"
    TIMEOUT = "timeout"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    ERROR = "error"


class HealthVerdict(StrEnum):
    """Verdict of the RFC 5782 section 5 test-entry probes of one zone."""

    HEALTHY = "healthy"
    UNTESTED = "untested"
    DEAD = "dead"
    REFUSING = "refusing"
    LISTS_EVERYTHING = "lists_everything"
    TEST_ENTRY_MISSING = "test_entry_missing"
    REWRITES_NXDOMAIN = "rewrites_nxdomain"


@dataclass(frozen=True, slots=True)
class ReturnCode:
    """Meaning of one A-record answer (exact scheme) or one bit (bitmask scheme).

    `meaning` is the English text and `meaning_pl` the Polish one, or None when the
    catalogue gives none.
    """

    meaning: str
    score: float | None = None
    meaning_pl: str | None = None

    def meaning_in(self, language: str) -> str | None:
        """Return the meaning in `language` ("en" or "pl"), or None when the catalogue has none."""
        if language == "en":
            return self.meaning
        if language == "pl":
            return self.meaning_pl
        return None


@dataclass(frozen=True, slots=True)
class Zone:
    """One DNSBL zone of the catalogue, as data.

    `codes` maps an answer address (exact scheme), a flag value such as "8" (bitmask
    scheme), or a category number (dnswl scheme) to its meaning. `error_codes` are
    answers that mean the query itself was refused or rate limited; they give
    UNKNOWN, never LISTED. `dqs_zone` is the zone name used when a Spamhaus Data
    Query Service key is configured; the key is put in front of it.
    """

    name: str
    kind: ZoneKind
    list_type: ListType
    lists: str
    scheme: AnswerScheme = AnswerScheme.EXACT
    codes: dict[str, ReturnCode] = field(default_factory=dict)
    error_codes: dict[str, str] = field(default_factory=dict)
    weight: float = 1.0
    supports_ipv6: bool = False
    delist_url: str = ""
    terms: str = ""
    blocks_public_resolvers: bool = False
    requires_registration: bool = False
    dqs_zone: str = ""
    min_interval_seconds: int = 0
    test_listed: str = ""
    test_not_listed: str = ""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class DnsAnswer:
    """Plain-data outcome of one DNS lookup: the addresses or TXT strings, or the failure."""

    outcome: LookupOutcome
    records: tuple[str, ...] = ()
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Interpretation:
    """Decision about one zone answer, before the TXT reason is fetched."""

    status: ListingStatus
    codes: tuple[str, ...]
    meanings: tuple[str, ...]
    reason: str
    error: str | None = None
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ListingResult:
    """Outcome of one target (IP address or domain) in one zone.

    For allowlist and score zones LISTED means the zone returned an entry; read
    `list_type` and `score` before treating it as bad news. `reason` is a short
    machine-readable why, e.g. `code=127.0.0.2`, `nxdomain`, `timeout`.
    `duration` is the time in seconds spent waiting for this target's DNS answers (A and
    TXT, retries included), excluding time queued behind the concurrency limit.
    """

    target: str
    zone: str
    list_type: ListType
    status: ListingStatus
    codes: tuple[str, ...] = ()
    meanings: tuple[str, ...] = ()
    txt: tuple[str, ...] = ()
    error: str | None = None
    reason: str = ""
    score: float | None = None
    duration: float = 0.0


@dataclass(frozen=True, slots=True)
class ZoneHealth:
    """Verdict of one zone's test-entry probes; only HEALTHY and UNTESTED zones are trusted."""

    zone: str
    verdict: HealthVerdict
    detail: str = ""

    @property
    def is_trusted(self) -> bool:
        return self.verdict in (HealthVerdict.HEALTHY, HealthVerdict.UNTESTED)
