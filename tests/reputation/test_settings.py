"""Settings: defaults, environment parsing and validation at startup."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from reputation.settings import Settings


def test_settings_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'mailrep.db'}"
    assert settings.soft_bounce_threshold == 5
    assert settings.soft_bounce_window_days == 30
    assert settings.max_message_bytes == 10 * 1024 * 1024


def test_settings_plain_postgresql_url_gets_psycopg_driver() -> None:
    settings = Settings(database_url="postgresql://app@127.0.0.1/mailrep")
    assert settings.database_url == "postgresql+psycopg://app@127.0.0.1/mailrep"


@pytest.mark.parametrize("url", ["not a url", "mysql://root@127.0.0.1/db"])
def test_settings_bad_database_url_rejected(url: str) -> None:
    with pytest.raises(ValidationError, match="database_url"):
        Settings(database_url=url)


def test_settings_dns_servers_from_comma_separated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILREP_DNS_SERVERS", "127.0.0.1:5353, 127.0.0.2:53")
    settings = Settings()
    assert settings.dns_servers == ["127.0.0.1:5353", "127.0.0.2:53"]


@pytest.mark.parametrize("value", ["127.0.0.1", "127.0.0.1:0", "127.0.0.1:dns"])
def test_settings_dns_server_without_valid_port_rejected(value: str) -> None:
    with pytest.raises(ValidationError, match="host:port"):
        Settings(dns_servers=[value])


@pytest.mark.parametrize("key", ["changeme", "your-key", ""])
def test_settings_placeholder_dqs_key_rejected(key: str) -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        Settings(spamhaus_dqs_key=key)


def test_settings_log_level_case_insensitive(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILREP_LOG_LEVEL", "DEBUG")
    assert Settings().log_level == "debug"


def test_settings_listing_confirmations_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().dnsbl_listing_confirmations == 2
    monkeypatch.setenv("MAILREP_DNSBL_LISTING_CONFIRMATIONS", "3")
    assert Settings().dnsbl_listing_confirmations == 3


def test_settings_listing_confirmations_zero_rejected() -> None:
    with pytest.raises(ValidationError, match="dnsbl_listing_confirmations"):
        Settings(dnsbl_listing_confirmations=0)


def test_settings_smtp_auth_and_tls_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILREP_SMTP_USERNAME", "alerts@example.com")
    monkeypatch.setenv("MAILREP_SMTP_PASSWORD", "relay-pass-7d2e")
    monkeypatch.setenv("MAILREP_SMTP_STARTTLS", "true")
    settings = Settings()
    assert settings.smtp_username == "alerts@example.com"
    assert settings.smtp_password is not None
    assert settings.smtp_password.get_secret_value() == "relay-pass-7d2e"
    assert "relay-pass-7d2e" not in repr(settings)
    assert settings.smtp_starttls is True
    assert settings.smtp_tls is False


def test_settings_smtp_starttls_unset_means_when_offered() -> None:
    assert Settings().smtp_starttls is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"smtp_tls": True, "smtp_starttls": True}, "exclude each other"),
        ({"smtp_username": "alerts@example.com"}, "set together"),
        ({"smtp_password": "relay-pass-7d2e"}, "set together"),
        ({"smtp_username": "alerts@example.com", "smtp_password": "changeme"}, "placeholder"),
    ],
)
def test_settings_smtp_invalid_security_rejected(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(**values)  # type: ignore[arg-type]
