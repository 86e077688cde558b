"""Tests for deploy/prometheus: promtool on the rules, their unit tests, the example config
and the rendered metrics, plus checks that every rule is tested and names real metrics."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

PROMETHEUS_DIR = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
ALERTS_TEST = PROMETHEUS_DIR / "tests" / "alerts_test.yml"
REQUIRED_ANNOTATIONS = {"summary", "description", "summary_pl", "description_pl", "runbook"}
# Metric names in PromQL: mailrep's own and Prometheus' `up`.
METRIC_NAME = re.compile(r"\b(mailrep_[a-z0-9_]+|up)\b")


def load_rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(ALERTS.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


def run_promtool(promtool: str, *args: str, stdin: bytes | None = None) -> None:
    """Run promtool and fail with its output unless it exits with 0."""
    result = subprocess.run(
        [promtool, *args], input=stdin, capture_output=True, timeout=60, check=False
    )
    output = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, output


def test_promtool_check_rules_alerts_pass(promtool: str) -> None:
    run_promtool(promtool, "check", "rules", str(ALERTS))


def test_promtool_test_rules_all_cases_pass(promtool: str) -> None:
    run_promtool(promtool, "test", "rules", str(ALERTS_TEST))


def test_promtool_check_config_example_passes(promtool: str) -> None:
    run_promtool(promtool, "check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))


def test_promtool_check_metrics_rendered_sample_passes(
    promtool: str, sample_exposition: bytes
) -> None:
    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=sample_exposition,
        capture_output=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout + result.stderr == b""


def test_alert_rules_each_tested_both_ways() -> None:
    """Every alert has a unit-test case where it fires and one where it must not."""
    document = yaml.safe_load(ALERTS_TEST.read_text(encoding="utf-8"))
    cases = [case for test in document["tests"] for case in test["alert_rule_test"]]

    for rule in load_rules():
        name = rule["alert"]
        own_cases = [case for case in cases if case["alertname"] == name]
        assert any(case["exp_alerts"] for case in own_cases), f"{name} never fires"
        assert any(not case["exp_alerts"] for case in own_cases), f"{name} is never quiet"


@pytest.mark.parametrize("rule", load_rules(), ids=lambda rule: rule["alert"])
def test_alert_rule_labels_and_annotations_complete(rule: dict[str, Any]) -> None:
    assert rule["labels"]["severity"] in {"warning", "critical"}
    assert set(rule["annotations"]) == REQUIRED_ANNOTATIONS
    assert rule.get("for"), "an alert without `for` fires on one bad evaluation"


@pytest.mark.parametrize("rule", load_rules(), ids=lambda rule: rule["alert"])
def test_alert_rule_metric_names_are_exported(
    rule: dict[str, Any], exported_sample_names: frozenset[str]
) -> None:
    names = set(METRIC_NAME.findall(rule["expr"])) - {"up"}

    assert names <= exported_sample_names


def test_rule_file_paths_exist() -> None:
    """The unit-test file and the example config name the rule file by relative path."""
    test_document = yaml.safe_load(ALERTS_TEST.read_text(encoding="utf-8"))
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))

    for relative in test_document["rule_files"]:
        assert (ALERTS_TEST.parent / relative).resolve() == ALERTS.resolve()
    for relative in config["rule_files"]:
        assert (PROMETHEUS_DIR / Path(relative)).resolve() == ALERTS.resolve()
