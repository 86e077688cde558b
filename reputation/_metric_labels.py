"""Bounded label vocabularies for the metrics and the functions that map free strings onto them.

Prometheus keeps one time series per label combination, so a label that took an address,
a message id or raw diagnostic text would grow without limit. Every value passes through
one of these functions; a value outside the vocabulary becomes a fixed fallback.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bounce_parser import Reason


class SuppressionSource(StrEnum):
    """Why an address was suppressed: the values of `reputation.models.SuppressionSource`."""

    HARD_BOUNCE = "hard_bounce"
    COMPLAINT = "complaint"
    OPT_OUT = "opt_out"
    SOFT_BOUNCE = "soft_bounce"
    MANUAL = "manual"
    OTHER = "other"


class IngestionStage(StrEnum):
    """Step of the ingestion pipeline where a message failed."""

    RECEIVE = "receive"
    PARSE = "parse"
    STORE = "store"
    SUPPRESS = "suppress"
    OTHER = "other"


class DnsblOutcome(StrEnum):
    """Result of one DNSBL query; `unknown` means no usable answer, never "not listed"."""

    LISTED = "listed"
    NOT_LISTED = "not_listed"
    UNKNOWN = "unknown"


class DnsblError(StrEnum):
    """Cause of a DNSBL query that got no usable answer."""

    TIMEOUT = "timeout"
    SERVFAIL = "servfail"
    REFUSED = "refused"
    NO_NAMESERVERS = "no_nameservers"
    # The list refused the query itself, e.g. Spamhaus answering 127.255.255.254 to queries
    # that arrive through a public resolver.
    QUERY_REFUSED = "query_refused"
    BAD_ANSWER = "bad_answer"
    # The zone failed its RFC 5782 section 5 test-entry probes, so its answers are ignored.
    UNTRUSTED_ZONE = "untrusted_zone"
    OTHER = "other"


#: ARF Feedback-Type values: RFC 5965 section 7.3, RFC 6650 (not-spam), RFC 6591
#: (auth-failure) and the opt-out types some feedback loops send.
_FEEDBACK_TYPES = frozenset(
    {"abuse", "fraud", "virus", "other", "not-spam", "opt-out", "opt-out-list", "auth-failure"}
)
_UNKNOWN_FEEDBACK_TYPE = "unknown"
#: `blacklist_checks` result reasons that are not `DnsblError` values themselves.
_DNSBL_REASON_ERRORS = {
    "malformed_answer": DnsblError.BAD_ANSWER,
    "answer_outside_127": DnsblError.BAD_ANSWER,
    "error": DnsblError.OTHER,
}
_OTHER = "other"
# A configured zone or domain name; anything else would be an unbounded label value.
_DNS_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_-]{1,63}$")
_INVALID_DNS_NAME = "invalid"


def normalise_vocabulary(value: str, vocabulary: type[StrEnum], fallback: str = _OTHER) -> str:
    """Return `value` lower-cased if it belongs to `vocabulary`, else `fallback`."""
    candidate = value.strip().lower()
    if candidate in vocabulary.__members__.values():
        return candidate
    return fallback


def normalise_bounce_reason(reason: str) -> str:
    """Return the `Reason` value for `reason`, or `other` for anything outside that vocabulary."""
    return normalise_vocabulary(reason, Reason)


def normalise_feedback_type(feedback_type: str) -> str:
    """Return the registered ARF Feedback-Type, or `unknown` for anything else."""
    candidate = feedback_type.strip().lower()
    return candidate if candidate in _FEEDBACK_TYPES else _UNKNOWN_FEEDBACK_TYPE


def normalise_dns_name(name: str) -> str:
    """Return `name` lower-cased without the root dot, or `invalid` if it is no DNS name."""
    candidate = name.strip().lower().rstrip(".")
    return candidate if _DNS_NAME.match(candidate) else _INVALID_DNS_NAME


def normalise_dnsbl_error(error: str) -> str:
    """Return the `DnsblError` value for a `DnsblError` or a `blacklist_checks` result reason.

    An unknown `ListingResult` carries its cause in `reason`: a lookup outcome such as
    `timeout`, `refusal_code=<answer>`, `zone_<health verdict>` or a malformed answer.
    """
    candidate = error.strip().lower()
    if candidate.startswith("refusal_code="):
        return DnsblError.QUERY_REFUSED.value
    if candidate.startswith("zone_"):
        return DnsblError.UNTRUSTED_ZONE.value
    if candidate in _DNSBL_REASON_ERRORS:
        return _DNSBL_REASON_ERRORS[candidate].value
    return normalise_vocabulary(candidate, DnsblError)
