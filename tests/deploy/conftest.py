"""Shared fixtures for the deployment files: Prometheus binaries and a sample /metrics body.

promtool and prometheus come from the Debian `prometheus` package. When one is missing the
tests that need it are skipped, unless the CI environment variable is set: then they fail,
so a CI image without the package cannot pass silently.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from reputation import metrics
from reputation.metrics import DnsblListing, DomainState, StateSnapshot


def find_binary(name: str) -> str:
    """Return the path of a Prometheus binary; skip the test when it is missing outside CI."""
    path = shutil.which(name)
    if path is not None:
        return path

    message = f"{name} not found on PATH; install the Debian package prometheus"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def promtool() -> str:
    return find_binary("promtool")


@pytest.fixture(scope="session")
def prometheus_binary() -> str:
    return find_binary("prometheus")


def sample_snapshot() -> StateSnapshot:
    """Return a snapshot with every state metric present."""
    return StateSnapshot(
        suppressions_by_source={"hard_bounce": 12, "complaint": 3},
        listings=(
            DnsblListing("example.com", "192.0.2.10", "bl.example.test", is_listed=True),
            DnsblListing("example.com", "example.com", "dbl.example.test", is_listed=False),
        ),
        domains=(DomainState("example.com", 5000, 40, 3, reputation_score=82.0),),
        zone_weights={"bl.example.test": 10.0, "dbl.example.test": 4.0},
        last_message_ingested_at=datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
    )


@pytest.fixture(scope="session")
def sample_exposition() -> Iterator[bytes]:
    """Rendered /metrics body in which every metric mailrep exports has at least one sample."""
    previous_dir = os.environ.pop(metrics.MULTIPROC_DIR_VARIABLE, None)
    metrics.record_message_ingested("delivery_status")
    metrics.record_bounce("userunknown", hard=True)
    metrics.record_bounce("mailboxfull", hard=False)
    metrics.record_complaint("abuse")
    metrics.record_suppression("hard_bounce")
    metrics.record_ingestion_error("parse")
    metrics.observe_send_check(0.004, allowed=9, suppressed=1, invalid=0)
    metrics.observe_dnsbl_query("bl.example.test", 0.03, "listed")
    metrics.record_dnsbl_check_failure("dbl.example.test", "timeout")
    metrics.register_state_source(sample_snapshot)
    try:
        body, _ = metrics.render_metrics()
        yield body
    finally:
        metrics.register_state_source(None)
        if previous_dir is not None:
            os.environ[metrics.MULTIPROC_DIR_VARIABLE] = previous_dir


@pytest.fixture(scope="session")
def exported_sample_names(sample_exposition: bytes) -> frozenset[str]:
    """Names of every sample in the sample exposition, e.g. `mailrep_bounces_total`."""
    families = text_string_to_metric_families(sample_exposition.decode())
    return frozenset(sample.name for family in families for sample in family.samples)
