"""Prometheus metrics for mailrep: process-local events and database state read at scrape time.

Two kinds of metric live here:

* Counters and histograms for events one process handles (messages ingested, send checks,
  DNSBL queries). The `record_*` and `observe_*` functions update them.
* Gauges and running totals that are true for the whole deployment (suppressions, blocklist
  listings, reputation scores, per-domain send and bounce totals). Several workers and
  replicas share one database, so a per-process gauge would be wrong. A `StateCollector`
  reads them at scrape time from the `StateSnapshot` that the callable passed to
  `register_state_source` returns. Every replica exposes the same values, so alert rules
  aggregate these with `max`, never `sum`.

Multiprocess mode: uvicorn with `--workers N` (or gunicorn) forks workers that each hold
their own counters. Set `PROMETHEUS_MULTIPROC_DIR` to an empty, writable directory before
the server starts, and empty it at every start. prometheus_client then keeps every
worker's values in files there, and `render_metrics` sums them. Run the scheduler with the
same directory on the same host, or its DNSBL counters never reach `/metrics`.

Label values are bounded: free strings are normalised against the vocabularies below, and
an unrecognised value becomes `other` (or `unknown` for feedback types). No label ever
carries a recipient address or a message id. Monitored IPs appear as the `target` label of
`mailrep_dnsbl_listed`, which is bounded because the targets are configured.

Not covered: process and Python runtime metrics (`process_*`, `python_gc_*`), which are not
exported.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from bounce_parser import ReportKind
from reputation._metric_labels import (
    DnsblError,
    DnsblOutcome,
    IngestionStage,
    SuppressionSource,
    normalise_bounce_reason,
    normalise_dns_name,
    normalise_dnsbl_error,
    normalise_feedback_type,
    normalise_vocabulary,
)

__all__ = [
    "DnsblError",
    "DnsblListing",
    "DnsblOutcome",
    "DomainState",
    "IngestionStage",
    "StateCollector",
    "StateSnapshot",
    "StateSource",
    "SuppressionSource",
    "observe_dnsbl_query",
    "observe_send_check",
    "record_bounce",
    "record_complaint",
    "record_dnsbl_check_failure",
    "record_ingestion_error",
    "record_message_ingested",
    "record_suppression",
    "register_state_source",
    "render_metrics",
]

_log = structlog.get_logger(__name__)


#: Environment variable that prometheus_client reads at import time to store values in files.
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# A send check is one database lookup for a batch of recipients: milliseconds normally.
_SEND_CHECK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# A DNSBL query is one DNS round trip, bounded by the resolver timeout (seconds).
_DNSBL_QUERY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)

_PROCESS_REGISTRY = CollectorRegistry()

_MESSAGES_INGESTED = Counter(
    "mailrep_messages_ingested",
    "Returned messages ingested, by report kind.",
    ["kind"],
    registry=_PROCESS_REGISTRY,
)
_BOUNCES = Counter(
    "mailrep_bounces",
    "Bounced recipients, by reason class and hard or soft.",
    ["reason", "type"],
    registry=_PROCESS_REGISTRY,
)
_COMPLAINTS = Counter(
    "mailrep_complaints",
    "Feedback-loop complaints (RFC 5965), by feedback type.",
    ["feedback_type"],
    registry=_PROCESS_REGISTRY,
)
_SUPPRESSIONS_ADDED = Counter(
    "mailrep_suppressions_added",
    "Addresses added to the suppression list, by source.",
    ["source"],
    registry=_PROCESS_REGISTRY,
)
_INGESTION_ERRORS = Counter(
    "mailrep_ingestion_errors",
    "Ingestion failures, by pipeline stage.",
    ["stage"],
    registry=_PROCESS_REGISTRY,
)
_SEND_CHECKS = Counter(
    "mailrep_send_checks",
    "Pre-send check requests served.",
    registry=_PROCESS_REGISTRY,
)
_SEND_CHECK_DURATION = Histogram(
    "mailrep_send_check_duration_seconds",
    "Time to answer one pre-send check.",
    buckets=_SEND_CHECK_BUCKETS,
    registry=_PROCESS_REGISTRY,
)
_SEND_CHECK_RECIPIENTS = Counter(
    "mailrep_send_check_recipients",
    "Recipients in pre-send checks, by outcome.",
    ["outcome"],
    registry=_PROCESS_REGISTRY,
)
_DNSBL_QUERY_DURATION = Histogram(
    "mailrep_dnsbl_query_duration_seconds",
    "Time for one DNSBL query, by zone.",
    ["zone"],
    buckets=_DNSBL_QUERY_BUCKETS,
    registry=_PROCESS_REGISTRY,
)
_DNSBL_QUERIES = Counter(
    "mailrep_dnsbl_queries",
    "DNSBL queries, by zone and outcome (listed, not_listed, unknown).",
    ["zone", "outcome"],
    registry=_PROCESS_REGISTRY,
)
_DNSBL_CHECK_FAILURES = Counter(
    "mailrep_dnsbl_check_failures",
    "DNSBL queries that got no usable answer, by zone and error.",
    ["zone", "error"],
    registry=_PROCESS_REGISTRY,
)


def record_message_ingested(kind: str) -> None:
    """Count one ingested message; `kind` is a `bounce_parser.ReportKind` value."""
    _MESSAGES_INGESTED.labels(kind=normalise_vocabulary(kind, ReportKind)).inc()


def record_bounce(reason: str, hard: bool) -> None:
    """Count one bounced recipient; `reason` is a `bounce_parser.Reason` value."""
    bounce_type = "hard" if hard else "soft"
    _BOUNCES.labels(reason=normalise_bounce_reason(reason), type=bounce_type).inc()


def record_complaint(feedback_type: str) -> None:
    """Count one complaint by its ARF Feedback-Type (RFC 5965 section 7.3)."""
    _COMPLAINTS.labels(feedback_type=normalise_feedback_type(feedback_type)).inc()


def record_suppression(source: str) -> None:
    """Count one address added to the suppression list; `source` is a `SuppressionSource`."""
    _SUPPRESSIONS_ADDED.labels(source=normalise_vocabulary(source, SuppressionSource)).inc()


def record_ingestion_error(stage: str) -> None:
    """Count one ingestion failure; `stage` is an `IngestionStage` value."""
    _INGESTION_ERRORS.labels(stage=normalise_vocabulary(stage, IngestionStage)).inc()


def observe_send_check(seconds: float, allowed: int, suppressed: int, invalid: int) -> None:
    """Record one pre-send check: its duration and how many recipients had each outcome.

    Raises:
        ValueError: a recipient count is negative.
    """
    _SEND_CHECKS.inc()
    _SEND_CHECK_DURATION.observe(seconds)
    _SEND_CHECK_RECIPIENTS.labels(outcome="allowed").inc(allowed)
    _SEND_CHECK_RECIPIENTS.labels(outcome="suppressed").inc(suppressed)
    _SEND_CHECK_RECIPIENTS.labels(outcome="invalid").inc(invalid)


def observe_dnsbl_query(zone: str, seconds: float, outcome: str) -> None:
    """Record one DNSBL query; `outcome` is `listed`, `not_listed` or `unknown`.

    `zone` is the catalogue name (`blacklist_checks` `Zone.name`), never the name queried,
    which starts with the Spamhaus DQS key when one is configured.
    """
    zone_label = normalise_dns_name(zone)
    outcome_label = normalise_vocabulary(outcome, DnsblOutcome, fallback=DnsblOutcome.UNKNOWN)
    _DNSBL_QUERY_DURATION.labels(zone=zone_label).observe(seconds)
    _DNSBL_QUERIES.labels(zone=zone_label, outcome=outcome_label).inc()


def record_dnsbl_check_failure(zone: str, error: str) -> None:
    """Count one DNSBL query that failed.

    `error` is a `DnsblError` value or the `reason` of an unknown `blacklist_checks` result.
    `zone` is the catalogue name, as for `observe_dnsbl_query`.
    """
    error_label = normalise_dnsbl_error(error)
    _DNSBL_CHECK_FAILURES.labels(zone=normalise_dns_name(zone), error=error_label).inc()


@dataclass(frozen=True, slots=True)
class DnsblListing:
    """Current blocklist state of one monitored target (the domain itself or one of its IPs).

    Only blocklist zones belong here: an answer from an allowlist or score zone is no listing.
    """

    domain: str
    target: str
    zone: str
    is_listed: bool


@dataclass(frozen=True, slots=True)
class DomainState:
    """Running totals and score of one sending domain.

    The totals must only grow (kept as counters, not counted over a retention window),
    because Prometheus reads a decrease as a counter reset. `reputation_score` runs from
    0 (worst) to 100 (best) and is `None` until the domain has been scored.
    """

    domain: str
    sent_recipients: int
    hard_bounces: int
    complaints: int
    reputation_score: float | None = None


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """Deployment-wide state that the storage side reads from the database for one scrape.

    `zone_weights` maps a DNSBL zone to its `blacklist_checks` catalogue weight: 10 for
    Spamhaus, 6 for SpamCop, under 5 for minor lists. Alert rules use it for severity.
    `last_message_ingested_at` is an aware datetime, `None` when nothing was ingested yet.
    """

    suppressions_by_source: Mapping[str, int] = field(default_factory=dict)
    listings: tuple[DnsblListing, ...] = ()
    domains: tuple[DomainState, ...] = ()
    zone_weights: Mapping[str, float] = field(default_factory=dict)
    last_message_ingested_at: datetime | None = None


StateSource = Callable[[], StateSnapshot]


class StateCollector:
    """Collector that turns the registered `StateSnapshot` into metric families at scrape time."""

    def __init__(self) -> None:
        self.source: StateSource | None = None

    def collect(self) -> Iterable[Metric]:
        if self.source is None:
            return []

        started = time.perf_counter()
        try:
            snapshot = self.source()
        # The source queries the database, and a scrape must still return the process
        # metrics when it fails, so any error is logged and reported as a gauge.
        except Exception as exc:
            _log.error("metrics_state_snapshot_failed", error=repr(exc))
            return _snapshot_status(is_success=False, seconds=time.perf_counter() - started)

        families = list(_state_families(snapshot))
        status = _snapshot_status(is_success=True, seconds=time.perf_counter() - started)
        return families + status


_STATE_COLLECTOR = StateCollector()


def register_state_source(source: StateSource | None) -> None:
    """Set the callable that reads the deployment-wide state at each scrape; `None` removes it."""
    _STATE_COLLECTOR.source = source


def render_metrics() -> tuple[bytes, str]:
    """Render every metric in the text exposition format; returns the body and content type."""
    registry = CollectorRegistry()

    # prometheus_client switches to file-backed values on this same variable when it is
    # imported, so the registry follows the variable rather than a setting.
    multiproc_dir = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if multiproc_dir:
        # MultiProcessCollector has no annotations (prometheus_client 0.26).
        MultiProcessCollector(registry, path=multiproc_dir)  # type: ignore[no-untyped-call]
    else:
        registry.register(_PROCESS_REGISTRY)

    registry.register(_STATE_COLLECTOR)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def _state_families(snapshot: StateSnapshot) -> Iterable[Metric]:
    suppressions = GaugeMetricFamily(
        "mailrep_suppressions", "Addresses currently suppressed, by source.", labels=["source"]
    )
    by_source: dict[str, int] = {}
    for source, count in snapshot.suppressions_by_source.items():
        label = normalise_vocabulary(source, SuppressionSource)
        by_source[label] = by_source.get(label, 0) + count
    for label, count in sorted(by_source.items()):
        suppressions.add_metric([label], count)
    yield suppressions

    listed = GaugeMetricFamily(
        "mailrep_dnsbl_listed",
        "1 while the target is listed on the zone, else 0.",
        labels=["domain", "target", "zone"],
    )
    for listing in snapshot.listings:
        labels = [
            normalise_dns_name(listing.domain),
            listing.target,
            normalise_dns_name(listing.zone),
        ]
        listed.add_metric(labels, 1 if listing.is_listed else 0)
    yield listed

    weights = GaugeMetricFamily(
        "mailrep_dnsbl_zone_weight",
        "Catalogue weight of a DNSBL zone, 10 for the major lists.",
        labels=["zone"],
    )
    for zone, weight in sorted(snapshot.zone_weights.items()):
        weights.add_metric([normalise_dns_name(zone)], weight)
    yield weights

    yield from _domain_families(snapshot.domains)

    if snapshot.last_message_ingested_at is not None:
        yield GaugeMetricFamily(
            "mailrep_last_message_ingested_timestamp_seconds",
            "Unix time of the newest ingested returned message.",
            value=snapshot.last_message_ingested_at.timestamp(),
        )


def _domain_families(domains: Iterable[DomainState]) -> Iterable[Metric]:
    score = GaugeMetricFamily(
        "mailrep_reputation_score", "Reputation score, 0 (worst) to 100 (best).", labels=["domain"]
    )
    sent = CounterMetricFamily(
        "mailrep_domain_sent_recipients", "Recipients sent to from the domain.", labels=["domain"]
    )
    hard_bounces = CounterMetricFamily(
        "mailrep_domain_hard_bounces", "Hard-bounced recipients of the domain.", labels=["domain"]
    )
    complaints = CounterMetricFamily(
        "mailrep_domain_complaints", "Complaints about mail from the domain.", labels=["domain"]
    )
    for state in domains:
        domain = normalise_dns_name(state.domain)
        sent.add_metric([domain], state.sent_recipients)
        hard_bounces.add_metric([domain], state.hard_bounces)
        complaints.add_metric([domain], state.complaints)
        if state.reputation_score is not None:
            score.add_metric([domain], state.reputation_score)
    return [score, sent, hard_bounces, complaints]


def _snapshot_status(*, is_success: bool, seconds: float) -> list[Metric]:
    success = GaugeMetricFamily(
        "mailrep_state_snapshot_success",
        "1 if reading the deployment state for this scrape succeeded, else 0.",
        value=1 if is_success else 0,
    )
    duration = GaugeMetricFamily(
        "mailrep_state_snapshot_duration_seconds",
        "Time spent reading the deployment state for this scrape.",
        value=seconds,
    )
    return [success, duration]
