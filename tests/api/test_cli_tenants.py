"""`mailrep tenant create` and `mailrep apikey create`, run in-process."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from api.cli import main
from reputation.clock import SystemClock
from reputation.errors import AuthenticationError
from reputation.models import ApiScope
from reputation.settings import get_settings
from reputation.tenants import authenticate_api_key, get_tenant
from tests.api.cli_support import cli_db, cli_env

__all__ = ["cli_db", "cli_env"]


def test_tenant_create_prints_streams(
    cli_db: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["tenant", "create", "acme", "--language", "pl"])

    assert code == 0
    assert "created tenant acme" in capsys.readouterr().out
    assert get_tenant(session, name="acme").language == "pl"


def test_tenant_create_twice_fails_with_one_line(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme"])
    capsys.readouterr()

    code = main(["tenant", "create", "acme"])
    err = capsys.readouterr().err

    assert code == 1
    assert err == "mailrep: tenant 'acme' already exists\n"


def test_tenant_create_bad_name_fails_naming_the_rule(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["tenant", "create", "bad name!"])
    err = capsys.readouterr().err

    assert code == 1
    assert err.startswith("mailrep: tenant name 'bad name!' must be 1 to 63 letters, digits")
    assert err.count("\n") == 1


def test_apikey_create_prints_key_alone(
    cli_db: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme"])
    capsys.readouterr()

    code = main(["apikey", "create", "--tenant", "acme", "--scope", "write"])
    out = capsys.readouterr().out

    assert code == 0
    assert out.count("\n") == 1
    granted = authenticate_api_key(session, plaintext=out.strip(), clock=SystemClock())
    assert granted.tenant.name == "acme"
    assert granted.scopes == {ApiScope.WRITE}


def test_apikey_create_unknown_tenant_fails(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["apikey", "create", "--tenant", "nobody"])
    captured = capsys.readouterr()

    assert code == 1
    assert captured.out == ""
    assert captured.err == "mailrep: tenant 'nobody' not found\n"


def test_apikey_create_bad_scope_is_usage_error(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["apikey", "create", "--tenant", "acme", "--scope", "root"])

    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_tenant_create_invalid_setting_fails_with_one_line(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAILREP_DATABASE_URL", "mysql://db.example.com/mailrep")
    get_settings.cache_clear()

    code = main(["tenant", "create", "acme"])
    err = capsys.readouterr().err

    assert code == 1
    assert err.startswith("mailrep: invalid setting")
    assert "database_url" in err
    assert err.count("\n") == 1


def test_apikey_list_shows_keys_without_secrets(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme"])
    capsys.readouterr()
    main(["apikey", "create", "--tenant", "acme", "--scope", "write", "--name", "crm"])
    key = capsys.readouterr().out.strip()

    code = main(["apikey", "list", "--tenant", "acme"])
    lines = capsys.readouterr().out.splitlines()

    assert code == 0
    assert lines[0].split() == ["prefix", "scopes", "name", "created", "last_used", "revoked"]
    prefix = key.split("_")[1]
    assert lines[1].split()[:3] == [prefix, "write", "crm"]
    assert lines[1].split()[-1] == "-"
    assert key not in "\n".join(lines)


def test_apikey_revoke_stops_the_key(
    cli_db: str, session: Session, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme"])
    capsys.readouterr()
    main(["apikey", "create", "--tenant", "acme"])
    key = capsys.readouterr().out.strip()

    code = main(["apikey", "revoke", "--tenant", "acme", key.split("_")[1]])

    assert code == 0
    assert capsys.readouterr().out.startswith("revoked API key ")
    with pytest.raises(AuthenticationError, match="revoked"):
        authenticate_api_key(session, plaintext=key, clock=SystemClock())


def test_apikey_revoke_unknown_prefix_fails(
    cli_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["tenant", "create", "acme"])

    code = main(["apikey", "revoke", "--tenant", "acme", "deadbeef"])

    assert code == 1
    assert "deadbeef" in capsys.readouterr().err


def test_version_prints_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("mailrep 0.")


def test_command_refuses_missing_database(
    cli_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run from the wrong directory, a command must leave neither a database nor its folder."""
    data_dir = tmp_path / "nowhere"
    monkeypatch.delenv("MAILREP_DATABASE_URL", raising=False)
    monkeypatch.setenv("MAILREP_DATA_DIR", str(data_dir))
    get_settings.cache_clear()

    code = main(["apikey", "list", "--tenant", "acme"])

    assert code == 1
    assert capsys.readouterr().err.startswith(f"mailrep: no database at {data_dir}/mailrep.db;")
    assert not data_dir.exists()
