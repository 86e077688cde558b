"""Tests for reputation.metrics: label bounds, the state collector and multiprocess rendering."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from structlog.testing import capture_logs

from reputation import metrics, models
from reputation.metrics import DnsblListing, DomainState, StateSnapshot

REPO_ROOT = Path(__file__).resolve().parents[2]


def sample_value(name: str, **labels: str) -> float | None:
    """Return the value of one sample in a fresh rendering, or None when it is absent."""
    body, _ = metrics.render_metrics()
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def sample_count(name: str, **labels: str) -> float:
    """Return a counter sample's value, 0 when the series does not exist yet."""
    return sample_value(name, **labels) or 0.0


@pytest.fixture(autouse=True)
def no_state_source() -> Iterator[None]:
    metrics.register_state_source(None)
    yield
    metrics.register_state_source(None)


@pytest.fixture
def single_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_DIR_VARIABLE, raising=False)


@pytest.mark.usefixtures("single_process")
def test_record_bounce_known_reason_keeps_reason() -> None:
    before = sample_count("mailrep_bounces_total", reason="userunknown", type="hard")

    metrics.record_bounce("userunknown", hard=True)

    after = sample_count("mailrep_bounces_total", reason="userunknown", type="hard")
    assert after == before + 1


@pytest.mark.usefixtures("single_process")
def test_record_bounce_address_as_reason_is_other() -> None:
    before = sample_count("mailrep_bounces_total", reason="other", type="soft")

    metrics.record_bounce("jan.kowalski@example.com", hard=False)

    assert sample_count("mailrep_bounces_total", reason="other", type="soft") == before + 1
    body, _ = metrics.render_metrics()
    assert b"jan.kowalski" not in body


@pytest.mark.usefixtures("single_process")
def test_record_message_ingested_unknown_kind_is_other() -> None:
    before_other = sample_count("mailrep_messages_ingested_total", kind="other")
    before_dsn = sample_count("mailrep_messages_ingested_total", kind="delivery_status")

    metrics.record_message_ingested("<20261204.abc@example.com>")
    metrics.record_message_ingested("delivery_status")

    assert sample_count("mailrep_messages_ingested_total", kind="other") == before_other + 1
    assert sample_count("mailrep_messages_ingested_total", kind="delivery_status") == before_dsn + 1


@pytest.mark.usefixtures("single_process")
@pytest.mark.parametrize(
    ("feedback_type", "label"),
    [
        ("Abuse", "abuse"),
        (" not-spam ", "not-spam"),
        ("auth-failure", "auth-failure"),
        ("marketing", "unknown"),
    ],
)
def test_record_complaint_feedback_type_is_normalised(feedback_type: str, label: str) -> None:
    before = sample_count("mailrep_complaints_total", feedback_type=label)

    metrics.record_complaint(feedback_type)

    assert sample_count("mailrep_complaints_total", feedback_type=label) == before + 1


@pytest.mark.usefixtures("single_process")
def test_record_suppression_unknown_source_is_other() -> None:
    before = sample_count("mailrep_suppressions_added_total", source="other")

    metrics.record_suppression("imported by jan@example.com")

    assert sample_count("mailrep_suppressions_added_total", source="other") == before + 1


@pytest.mark.usefixtures("single_process")
def test_record_ingestion_error_unknown_stage_is_other() -> None:
    before = sample_count("mailrep_ingestion_errors_total", stage="other")

    metrics.record_ingestion_error("step 7")

    assert sample_count("mailrep_ingestion_errors_total", stage="other") == before + 1


@pytest.mark.usefixtures("single_process")
def test_observe_send_check_counts_each_outcome() -> None:
    before_checks = sample_count("mailrep_send_checks_total")
    before = {
        outcome: sample_count("mailrep_send_check_recipients_total", outcome=outcome)
        for outcome in ("allowed", "suppressed", "invalid")
    }
    before_slow = sample_count("mailrep_send_check_duration_seconds_bucket", le="0.1")

    metrics.observe_send_check(0.2, allowed=5, suppressed=2, invalid=1)

    assert sample_count("mailrep_send_checks_total") == before_checks + 1
    counts = {"allowed": 5, "suppressed": 2, "invalid": 1}
    for outcome, added in counts.items():
        after = sample_count("mailrep_send_check_recipients_total", outcome=outcome)
        assert after == before[outcome] + added, outcome
    assert sample_count("mailrep_send_check_duration_seconds_bucket", le="0.1") == before_slow


@pytest.mark.usefixtures("single_process")
def test_observe_send_check_negative_count_raises() -> None:
    with pytest.raises(ValueError):
        metrics.observe_send_check(0.01, allowed=-1, suppressed=0, invalid=0)


@pytest.mark.usefixtures("single_process")
def test_observe_dnsbl_query_zone_and_outcome_are_normalised() -> None:
    zone = "zen.example.test"
    before_unknown = sample_count("mailrep_dnsbl_queries_total", zone=zone, outcome="unknown")
    before_count = sample_count("mailrep_dnsbl_query_duration_seconds_count", zone=zone)

    metrics.observe_dnsbl_query("ZEN.example.test.", 0.03, "maybe")

    after_unknown = sample_count("mailrep_dnsbl_queries_total", zone=zone, outcome="unknown")
    assert after_unknown == before_unknown + 1
    after_count = sample_count("mailrep_dnsbl_query_duration_seconds_count", zone=zone)
    assert after_count == before_count + 1


@pytest.mark.usefixtures("single_process")
def test_record_dnsbl_check_failure_bad_zone_is_invalid() -> None:
    before = sample_count("mailrep_dnsbl_check_failures_total", zone="invalid", error="other")

    metrics.record_dnsbl_check_failure("not a zone; drop", "SERVFAIL!")

    after = sample_count("mailrep_dnsbl_check_failures_total", zone="invalid", error="other")
    assert after == before + 1


@pytest.mark.usefixtures("single_process")
@pytest.mark.parametrize(
    ("error", "label"),
    [
        ("timeout", "timeout"),
        ("SERVFAIL", "servfail"),
        ("refusal_code=127.255.255.254", "query_refused"),
        ("answer_outside_127", "bad_answer"),
        ("zone_dead", "untrusted_zone"),
        ("error", "other"),
    ],
)
def test_record_dnsbl_check_failure_reason_is_mapped(error: str, label: str) -> None:
    before = sample_count("mailrep_dnsbl_check_failures_total", zone="bl.example.test", error=label)

    metrics.record_dnsbl_check_failure("bl.example.test", error)

    after = sample_count("mailrep_dnsbl_check_failures_total", zone="bl.example.test", error=label)
    assert after == before + 1


@pytest.mark.usefixtures("single_process")
def test_render_metrics_state_snapshot_becomes_metrics() -> None:
    ingested_at = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    snapshot = StateSnapshot(
        suppressions_by_source={"hard_bounce": 7, "complaint": 2, "partner feed": 1, "x": 3},
        listings=(
            DnsblListing("example.com", "192.0.2.10", "bl.example.test", is_listed=True),
            DnsblListing("example.com", "example.com", "dbl.example.test", is_listed=False),
        ),
        domains=(DomainState("Example.COM", 1200, 30, 2, reputation_score=71.5),),
        zone_weights={"bl.example.test": 6.0},
        last_message_ingested_at=ingested_at,
    )
    metrics.register_state_source(lambda: snapshot)

    assert sample_value("mailrep_suppressions", source="hard_bounce") == 7
    assert sample_value("mailrep_suppressions", source="other") == 4
    listed = {"domain": "example.com", "target": "192.0.2.10", "zone": "bl.example.test"}
    assert sample_value("mailrep_dnsbl_listed", **listed) == 1
    clean = {"domain": "example.com", "target": "example.com", "zone": "dbl.example.test"}
    assert sample_value("mailrep_dnsbl_listed", **clean) == 0
    assert sample_value("mailrep_dnsbl_zone_weight", zone="bl.example.test") == 6
    assert sample_value("mailrep_reputation_score", domain="example.com") == 71.5
    assert sample_value("mailrep_domain_sent_recipients_total", domain="example.com") == 1200
    assert sample_value("mailrep_domain_hard_bounces_total", domain="example.com") == 30
    assert sample_value("mailrep_domain_complaints_total", domain="example.com") == 2
    timestamp = sample_value("mailrep_last_message_ingested_timestamp_seconds")
    assert timestamp == ingested_at.timestamp()
    assert sample_value("mailrep_state_snapshot_success") == 1


@pytest.mark.usefixtures("single_process")
def test_render_metrics_unscored_domain_has_no_score() -> None:
    snapshot = StateSnapshot(domains=(DomainState("example.com", 10, 0, 0),))
    metrics.register_state_source(lambda: snapshot)

    assert sample_value("mailrep_reputation_score", domain="example.com") is None
    assert sample_value("mailrep_domain_sent_recipients_total", domain="example.com") == 10
    assert sample_value("mailrep_last_message_ingested_timestamp_seconds") is None


@pytest.mark.usefixtures("single_process")
def test_render_metrics_failing_source_reports_failure() -> None:
    def broken_source() -> StateSnapshot:
        raise ConnectionError("connection to 127.0.0.1:5432 refused")

    metrics.register_state_source(broken_source)
    metrics.observe_send_check(0.01, allowed=1, suppressed=0, invalid=0)

    with capture_logs() as logs:
        success = sample_value("mailrep_state_snapshot_success")

    assert success == 0
    assert sample_count("mailrep_send_checks_total") >= 1
    assert [entry["event"] for entry in logs] == ["metrics_state_snapshot_failed"]
    assert logs[0]["log_level"] == "error"


@pytest.mark.usefixtures("single_process")
def test_render_metrics_without_source_has_no_state() -> None:
    assert sample_value("mailrep_state_snapshot_success") is None


_WORKER = textwrap.dedent(
    """
    import sys
    from reputation import metrics

    for _ in range(int(sys.argv[1])):
        metrics.record_bounce("userunknown", hard=True)
        metrics.observe_dnsbl_query("bl.example.test", 0.02, "not_listed")
    """
)


def run_worker(multiproc_dir: Path, repeats: int) -> None:
    env = {metrics.MULTIPROC_DIR_VARIABLE: str(multiproc_dir), "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-c", _WORKER, str(repeats)],
        cwd=REPO_ROOT,
        env=env,
        check=True,
        timeout=30,
    )


def test_render_metrics_multiprocess_sums_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two worker processes write to one directory; one rendering reports their sum."""
    run_worker(tmp_path, repeats=2)
    run_worker(tmp_path, repeats=3)
    monkeypatch.setenv(metrics.MULTIPROC_DIR_VARIABLE, str(tmp_path))

    assert len(list(tmp_path.glob("*.db"))) >= 2
    assert sample_value("mailrep_bounces_total", reason="userunknown", type="hard") == 5
    queries = {"zone": "bl.example.test", "outcome": "not_listed"}
    assert sample_value("mailrep_dnsbl_queries_total", **queries) == 5
    count = sample_value("mailrep_dnsbl_query_duration_seconds_count", zone="bl.example.test")
    assert count == 5


def test_suppression_source_vocabulary_matches_model() -> None:
    """Every source the storage side writes keeps its own label instead of `other`."""
    model_values = {source.value for source in models.SuppressionSource}
    label_values = {source.value for source in metrics.SuppressionSource}

    assert model_values <= label_values
