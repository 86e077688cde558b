"""Tests for deploy/grafana/mailrep.json: structure, and every panel query run by a real
Prometheus on loopback (no scrape targets, so this checks syntax and names, not data)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

DEPLOY_DIR = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARD = DEPLOY_DIR / "grafana" / "mailrep.json"
PROVISIONING_DIR = DEPLOY_DIR / "grafana" / "provisioning"
DATASOURCE_VARIABLE = "${DS_PROMETHEUS}"
# Grafana variables and the values that stand in for them in a plain Prometheus query.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$domain": ".*"}
METRIC_NAME = re.compile(r"\bmailrep_[a-z0-9_]+\b")
STARTUP_TIMEOUT_SECONDS = 15.0
# Metrics the dashboard must query, at least one per panel topic it promises.
REQUIRED_METRICS = {
    "mailrep_messages_ingested_total",
    "mailrep_bounces_total",
    "mailrep_complaints_total",
    "mailrep_domain_complaints_total",
    "mailrep_domain_sent_recipients_total",
    "mailrep_domain_hard_bounces_total",
    "mailrep_suppressions",
    "mailrep_suppressions_added_total",
    "mailrep_dnsbl_listed",
    "mailrep_dnsbl_query_duration_seconds_bucket",
    "mailrep_dnsbl_check_failures_total",
    "mailrep_reputation_score",
    "mailrep_send_checks_total",
    "mailrep_send_check_duration_seconds_bucket",
}


def load_dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def query_panels() -> list[dict[str, Any]]:
    return [panel for panel in load_dashboard()["panels"] if panel["type"] != "row"]


def panel_queries() -> list[tuple[str, str]]:
    """Return (panel title, PromQL expression) for every query target of every panel."""
    return [
        (panel["title"], target["expr"]) for panel in query_panels() for target in panel["targets"]
    ]


def substitute_variables(expr: str) -> str:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    return expr


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until_ready(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prometheus exited with {process.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/-/ready", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"prometheus not ready after {STARTUP_TIMEOUT_SECONDS} s: {log_path.read_text()}")


@pytest.fixture(scope="module")
def prometheus_url(
    prometheus_binary: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URL of a Prometheus on loopback with mailrep's alert rules and no targets."""
    workdir = tmp_path_factory.mktemp("prometheus")
    config = {
        "global": {"evaluation_interval": "1m"},
        "rule_files": [str(DEPLOY_DIR / "prometheus" / "alerts.yml")],
        "scrape_configs": [],
    }
    config_path = workdir / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
    log_path = workdir / "prometheus.log"
    base_url = f"http://127.0.0.1:{free_port()}"

    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                prometheus_binary,
                f"--config.file={config_path}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address={base_url.removeprefix('http://')}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_ready(base_url, process, log_path)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_dashboard_schema_and_datasource_variable() -> None:
    dashboard = load_dashboard()
    variables = {variable["name"]: variable for variable in dashboard["templating"]["list"]}

    assert dashboard["schemaVersion"] == 39
    assert dashboard["uid"] == "mailrep-overview"
    assert variables["DS_PROMETHEUS"]["type"] == "datasource"
    assert variables["DS_PROMETHEUS"]["query"] == "prometheus"
    assert variables["domain"]["datasource"]["uid"] == DATASOURCE_VARIABLE


def test_dashboard_panels_use_datasource_variable() -> None:
    for panel in query_panels():
        assert panel["datasource"]["uid"] == DATASOURCE_VARIABLE, panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_VARIABLE, panel["title"]


def test_dashboard_panel_ids_unique_and_on_grid() -> None:
    panels = load_dashboard()["panels"]
    ids = [panel["id"] for panel in panels]

    assert len(ids) == len(set(ids))
    for panel in panels:
        position = panel["gridPos"]
        assert position["x"] + position["w"] <= 24, panel["title"]


def test_dashboard_queries_cover_required_metrics() -> None:
    used = {name for _, expr in panel_queries() for name in METRIC_NAME.findall(expr)}

    assert used >= REQUIRED_METRICS


@pytest.mark.parametrize(("title", "expr"), panel_queries(), ids=[q[0] for q in panel_queries()])
def test_dashboard_query_metric_names_are_exported(
    title: str, expr: str, exported_sample_names: frozenset[str]
) -> None:
    assert set(METRIC_NAME.findall(expr)) <= exported_sample_names, title


@pytest.mark.parametrize(("title", "expr"), panel_queries(), ids=[q[0] for q in panel_queries()])
def test_dashboard_query_prometheus_accepts(title: str, expr: str, prometheus_url: str) -> None:
    query = substitute_variables(expr)
    assert "$" not in query, f"{title}: unknown Grafana variable in {query}"

    response = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": query}, timeout=5)

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "success", body


def test_alert_rules_load_in_prometheus(prometheus_url: str) -> None:
    response = httpx.get(f"{prometheus_url}/api/v1/rules", params={"type": "alert"}, timeout=5)

    groups = response.json()["data"]["groups"]
    names = [rule["name"] for group in groups for rule in group["rules"]]
    expected = yaml.safe_load((DEPLOY_DIR / "prometheus" / "alerts.yml").read_text())
    expected_names = [rule["alert"] for group in expected["groups"] for rule in group["rules"]]
    assert sorted(names) == sorted(expected_names)


def test_provisioning_examples_parse() -> None:
    datasources = yaml.safe_load((PROVISIONING_DIR / "datasources" / "prometheus.yml").read_text())
    providers = yaml.safe_load((PROVISIONING_DIR / "dashboards" / "mailrep.yml").read_text())

    assert datasources["datasources"][0]["type"] == "prometheus"
    assert datasources["datasources"][0]["isDefault"] is True
    assert providers["providers"][0]["type"] == "file"
