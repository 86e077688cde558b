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
from blacklist_checks.domain import DomainCheck, check_domain, run_check_domain
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
from blacklist_checks.interpret import interpret_answer, localised_meanings
from blacklist_checks.query import (
    build_query_name,
    query_zone,
    registered_domain,
    reverse_ip,
    zone_accepts,
)
from blacklist_checks.resolver import DnsPythonResolver, NameServer, Resolver, parse_server
from blacklist_checks.sending_ips import (
    SendingIp,
    SendingIps,
    UncheckableNetwork,
    collect_sending_ips,
)
from blacklist_checks.spf import (
    MAX_DNS_LOOKUPS,
    MAX_VOID_LOOKUPS,
    SpfNetwork,
    SpfResult,
    SpfStatus,
    evaluate_spf,
)
from blacklist_checks.spf_record import SpfRecord, SpfSyntaxError, parse_spf_record
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
    "MAX_DNS_LOOKUPS",
    "MAX_VOID_LOOKUPS",
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
    "DomainCheck",
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
    "SendingIp",
    "SendingIps",
    "SpfNetwork",
    "SpfRecord",
    "SpfResult",
    "SpfStatus",
    "SpfSyntaxError",
    "UncheckableNetwork",
    "Zone",
    "ZoneHealth",
    "ZoneKind",
    "answer_from_error",
    "build_query_name",
    "check_domain",
    "check_targets",
    "collect_sending_ips",
    "distrust_unhealthy",
    "enabled_zones",
    "evaluate_spf",
    "interpret_answer",
    "judge_zone_health",
    "load_catalogue",
    "localised_meanings",
    "parse_server",
    "parse_spf_record",
    "probe_targets",
    "query_zone",
    "registered_domain",
    "reverse_ip",
    "run_check_domain",
    "zone_accepts",
]
