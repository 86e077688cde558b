"""`mailrep domains add|list|remove`, run in-process on the test database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.cli import main
from api.cli.domains import record_if_monitored
from blacklist_checks import DnsPythonResolver, DomainCheck, run_check_domain
from reputation.monitoring.domains import list_domains
from reputation.monitoring.models import CheckRun
from reputation.settings import Settings, get_settings
from tests.api.cli_support import cli_db, cli_env
from tests.reputation.monitoring.conftest import (
    LISTED_IP,
    MONITORED_DOMAIN,
    _rbldnsd,
    monitor_zones,
)
from tests.reputation.monitoring.test_scheduler import ZONES_TOML
from tests.support.rbldnsd import RbldnsdServer

__all__ = ["_rbldnsd", "cli_db", "cli_env"]


def _check(server: RbldnsdServer, domain: str = MONITORED_DOMAIN) -> DomainCheck:
    resolver = DnsPythonResolver([server.address], timeout=0.5)
    return run_check_domain(domain, monitor_zones(), resolver, explicit_ips=[LISTED_IP])


def test_domains_add_then_list_shows_domain(
    cli_db: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme", "--language", "pl"])
    capsys.readouterr()

    added = main(
        [
            "domains",
            "add",
            "Example.COM",
            "--tenant",
            "acme",
            "--ip",
            "192.0.2.10",
            "--ip",
            "198.51.100.7",
            "--alert-email",
            "ops@example.com",
        ]
    )
    added_out = capsys.readouterr().out
    listed = main(["domains", "list"])
    table = capsys.readouterr().out.splitlines()

    assert added == 0
    assert added_out == (
        "monitoring example.com for tenant acme; explicit IPs: 192.0.2.10, 198.51.100.7\n"
    )
    assert listed == 0
    assert table[0].split() == ["tenant", "domain", "explicit_ips", "last_checked"]
    assert table[1].split() == ["acme", "example.com", "192.0.2.10,198.51.100.7", "never"]
    (row,) = list_domains(session)
    assert row.alert_email == "ops@example.com"


def test_domains_list_filters_by_tenant(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    for tenant, domain in (("acme", "example.com"), ("other", "example.org")):
        main(["tenant", "create", tenant])
        main(["domains", "add", domain, "--tenant", tenant])
    capsys.readouterr()

    code = main(["domains", "list", "--tenant", "other"])
    lines = capsys.readouterr().out.splitlines()

    assert code == 0
    assert [line.split()[1] for line in lines[1:]] == ["example.org"]


def test_domains_remove_then_list_is_empty(cli_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["tenant", "create", "acme"])
    main(["domains", "add", "example.com", "--tenant", "acme"])
    capsys.readouterr()

    removed = main(["domains", "remove", "example.com", "--tenant", "acme"])
    again = main(["domains", "remove", "example.com", "--tenant", "acme"])
    err = capsys.readouterr().err

    assert removed == 0
    assert again == 1
    assert err == "mailrep: monitored domain 'example.com' not found\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["example.com", "--tenant", "nobody"], "mailrep: tenant 'nobody' not found\n"),
        (
            ["example.com", "--tenant", "acme", "--ip", "192.0.2.0/24"],
            "mailrep: invalid value '192.0.2.0/24': not a single IP address\n",
        ),
        (
            ["localhost", "--tenant", "acme"],
            "mailrep: invalid value 'localhost': "
            "give a full domain name such as example.com\n",
        ),
    ],
)
def test_domains_add_invalid_input_fails_with_one_line(
    cli_db: str, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    main(["tenant", "create", "acme"])
    capsys.readouterr()

    code = main(["domains", "add", *arguments])

    assert code == 1
    assert capsys.readouterr().err == message


def test_record_if_monitored_stores_cli_run(
    cli_db: str,
    session: Session,
    _rbldnsd: tuple[RbldnsdServer, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["tenant", "create", "acme"])
    main(["domains", "add", MONITORED_DOMAIN, "--tenant", "acme"])
    started = datetime.now(UTC)

    tenants = record_if_monitored(get_settings(), _check(_rbldnsd[0]), monitor_zones(), started)

    assert tenants == ["acme"]
    run = session.scalars(select(CheckRun)).one()
    assert run.trigger == "cli"
    assert run.started_at == started
    assert run.not_listed == 3


def test_record_if_monitored_unmonitored_domain_records_nothing(
    cli_db: str, session: Session, _rbldnsd: tuple[RbldnsdServer, Path]
) -> None:
    main(["tenant", "create", "acme"])
    main(["domains", "add", "example.com", "--tenant", "acme"])

    tenants = record_if_monitored(
        get_settings(), _check(_rbldnsd[0]), monitor_zones(), datetime.now(UTC)
    )

    assert tenants == []
    assert session.scalars(select(CheckRun)).all() == []


def test_record_if_monitored_missing_sqlite_file_records_nothing(
    tmp_path: Path, _rbldnsd: tuple[RbldnsdServer, Path]
) -> None:
    missing = tmp_path / "absent.db"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{missing}")

    tenants = record_if_monitored(settings, _check(_rbldnsd[0]), monitor_zones(), datetime.now(UTC))

    assert tenants == []
    assert not missing.exists()


def test_mailrep_check_monitored_domain_is_recorded(
    cli_db: str,
    session: Session,
    _rbldnsd: tuple[RbldnsdServer, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    zones_file = tmp_path / "zones.toml"
    zones_file.write_text(ZONES_TOML, encoding="utf-8")
    main(["tenant", "create", "acme"])
    main(["domains", "add", MONITORED_DOMAIN, "--tenant", "acme", "--ip", LISTED_IP])
    capsys.readouterr()

    server = ["--dns-server", _rbldnsd[0].address, "--zones-file", str(zones_file)]
    code = main(["check", MONITORED_DOMAIN, "--json", "--ip", LISTED_IP, *server])
    output = capsys.readouterr()

    assert code == 0
    assert output.err.endswith("mailrep check: recorded for tenant acme\n")
    run = session.scalars(select(CheckRun)).one()
    assert run.trigger == "cli"
    assert run.not_listed == len(output.out.splitlines()) == 2
