"""DNS blocklist checks: the zone catalogue, query names, answer interpretation and the checker.

Pure of storage and settings: configuration (DNS servers, zones file, Spamhaus DQS
key) comes in as arguments. Only `resolver.DnsPythonResolver` sends DNS queries.
"""

from blacklist_checks.catalogue import enabled_zones, load_catalogue
from blacklist_checks.checker import (
    CheckOptions,
    CheckReport,
    answer_from_error,
    check_targets,
    distrust_unhealthy,
)
from blacklist_checks.errors import (
    BlacklistCheckError,
    CatalogueError,
    DnsError,
    DnsNameNotFound,
    DnsProtocolError,
    DnsRefused,
    DnsServerFailure,
    DnsTimeout,
    InvalidServerError,
)
from blacklist_checks.health import judge_zone_health, probe_targets
from blacklist_checks.interpret import interpret_answer
from blacklist_checks.query import (
    build_query_name,
    query_zone,
    registered_domain,
    reverse_ip,
    zone_accepts,
)
from blacklist_checks.resolver import DnsPythonResolver, NameServer, Resolver, parse_server
from blacklist_checks.testing import FakeResolver
from blacklist_checks.types import (
    AnswerScheme,
    DnsAnswer,
    HealthVerdict,
    Interpretation,
    ListingResult,
    ListingStatus,
    ListType,
    LookupOutcome,
    ReturnCode,
    Zone,
    ZoneHealth,
    ZoneKind,
)

__all__ = [
    "AnswerScheme",
    "BlacklistCheckError",
    "CatalogueError",
    "CheckOptions",
    "CheckReport",
    "DnsAnswer",
    "DnsError",
    "DnsNameNotFound",
    "DnsProtocolError",
    "DnsPythonResolver",
    "DnsRefused",
    "DnsServerFailure",
    "DnsTimeout",
    "FakeResolver",
    "HealthVerdict",
    "Interpretation",
    "InvalidServerError",
    "ListType",
    "ListingResult",
    "ListingStatus",
    "LookupOutcome",
    "NameServer",
    "Resolver",
    "ReturnCode",
    "Zone",
    "ZoneHealth",
    "ZoneKind",
    "answer_from_error",
    "build_query_name",
    "check_targets",
    "distrust_unhealthy",
    "enabled_zones",
    "interpret_answer",
    "judge_zone_health",
    "load_catalogue",
    "parse_server",
    "probe_targets",
    "query_zone",
    "registered_domain",
    "reverse_ip",
    "zone_accepts",
]
