"""`mailrep check` against rbldnsd, with a zones file naming the served test zones."""

import argparse
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import structlog

from api.cli import check
from reputation.settings import get_settings
from tests.support.rbldnsd import RbldnsdServer

ZONES_FILE = """
[[zone]]
name = "bl.test"
kind = "ip"
supports_ipv6 = true
lists = "test IP zone"
test_listed = "127.0.0.2"
test_not_listed = "127.0.0.1"
[zone.codes]
"127.0.0.4" = "exploited host"
[zone.error_codes]
"127.255.255.254" = "public resolver refused"

[[zone]]
name = "dbl.test"
kind = "domain"
lists = "test domain zone"
test_listed = "test"
test_not_listed = "invalid"
"""


@pytest.fixture
def run_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., int]]:
    monkeypatch.setenv("MAILREP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("MAILREP_DNS_SERVERS", raising=False)
    monkeypatch.delenv("MAILREP_DNSBL_ZONES_FILE", raising=False)
    monkeypatch.delenv("MAILREP_SPAMHAUS_DQS_KEY", raising=False)
    get_settings.cache_clear()
    zones = tmp_path / "zones.toml"
    zones.write_text(ZONES_FILE, encoding="utf-8")
    parser = argparse.ArgumentParser()
    check.register(parser.add_subparsers())
    handlers = logging.getLogger().handlers[:]

    def run(*argv: str) -> int:
        args = parser.parse_args(["check", *argv, "--zones-file", str(zones)])
        code: int = args.handler(args)
        return code

    yield run

    get_settings.cache_clear()
    structlog.reset_defaults()
    logging.getLogger().handlers = handlers


def test_check_json_one_line_per_target_and_zone(
    run_cli: Callable[..., int], rbldnsd_server: RbldnsdServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli(
        "mail.test", "--ip", "192.0.2.12", "--json", "--dns-server", rbldnsd_server.address
    )

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_key = {(line["target"], line["zone"]): line for line in lines}
    assert code == check.EXIT_LISTED
    assert by_key[("192.0.2.10", "bl.test")]["status"] == "listed"
    assert by_key[("192.0.2.10", "bl.test")]["txt"] == ["Exploited host 192.0.2.10"]
    assert by_key[("192.0.2.12", "bl.test")]["status"] == "unknown"
    assert by_key[("192.0.2.12", "bl.test")]["error"].startswith("127.255.255.254")
    assert by_key[("mail.test", "dbl.test")]["status"] == "not_listed"
    assert by_key[("2001:db8::10", "bl.test")]["codes"] == ["127.0.0.3"]
    assert set(lines[0]) >= {"target", "zone", "status", "codes", "meanings", "txt", "error"}


def test_check_table_names_spf_and_unchecked_networks(
    run_cli: Callable[..., int], rbldnsd_server: RbldnsdServer, capsys: pytest.CaptureFixture[str]
) -> None:
    run_cli("mail.test", "--dns-server", rbldnsd_server.address)

    out = capsys.readouterr().out
    assert "SPF: valid, 3 DNS lookups of 10 allowed" in out
    assert "not checked: 198.51.100.0/24" in out
    assert "Exploited host 192.0.2.10" in out


def test_check_clean_ip_without_spf_exits_zero(
    run_cli: Callable[..., int], rbldnsd_server: RbldnsdServer
) -> None:
    code = run_cli(
        "clean.test", "--no-spf", "--ip", "192.0.2.99", "--dns-server", rbldnsd_server.address
    )

    assert code == 0


def test_check_without_dns_server_exits_usage(
    run_cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli("mail.test")

    assert code == check.EXIT_USAGE
    assert "MAILREP_DNS_SERVERS" in capsys.readouterr().err


def test_check_bad_explicit_ip_exits_usage(
    run_cli: Callable[..., int], rbldnsd_server: RbldnsdServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_cli("mail.test", "--ip", "192.0.2.0/24", "--dns-server", rbldnsd_server.address)

    assert code == check.EXIT_USAGE
    assert "single addresses" in capsys.readouterr().err
