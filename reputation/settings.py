"""Service configuration read once from `MAILREP_*` environment variables and `.env`.

This is the only module that reads the environment. Everything else receives a
`Settings` (or the values it needs) as an argument; tests build `Settings(...)`
directly.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_SUPPORTED_DRIVERS = frozenset({"sqlite", "sqlite+pysqlite", "postgresql+psycopg"})
# Values people leave in copied example configs; a secret equal to one of them is rejected.
_PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "secret", "your-key", "your_key", "xxx", "todo", "placeholder"}
)


def _default_log_format() -> Literal["console", "json"]:
    return "console" if sys.stderr.isatty() else "json"


class Settings(BaseSettings):
    """Validated settings of one mailrep process.

    Soft-bounce policy: an address is suppressed once it has soft-bounced on
    `soft_bounce_threshold` different days within the last `soft_bounce_window_days`
    days, counting at most one soft bounce per address per day. With the defaults (5
    days in 30) a mailbox that is full on five separate days within a month is
    treated as abandoned. One day of greylisting or a short outage can bounce every
    message sent that day, but it counts only once and expires after a month.
    """

    model_config = SettingsConfigDict(
        env_prefix="MAILREP_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Path("./data")
    database_url: str = Field(default="", description="SQLAlchemy URL; default SQLite in data_dir")
    max_message_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    log_format: Literal["console", "json"] = Field(default_factory=_default_log_format)
    log_level: Literal["debug", "info", "warning", "error"] = "info"

    soft_bounce_threshold: int = Field(default=5, ge=1)
    soft_bounce_window_days: int = Field(default=30, ge=1)
    default_stream: str = "transactional"

    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)

    dns_servers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    dnsbl_zones_file: Path | None = None
    spamhaus_dqs_key: SecretStr | None = None
    api_key: SecretStr | None = Field(
        default=None, description="write-scope key for `mailrep ingest --server`"
    )
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "mailrep@localhost"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool | None = Field(
        default=None, description="STARTTLS: true required, false never, unset when offered"
    )
    smtp_tls: bool = Field(default=False, description="implicit TLS from connect (port 465)")
    check_interval_minutes: int = Field(default=30, ge=1)
    dnsbl_listing_confirmations: int = Field(
        default=2, ge=1, description="listed checks in a row before a listing alert"
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _lower_log_level(cls, value: object) -> object:
        return value.lower() if isinstance(value, str) else value

    @field_validator("dns_servers", mode="before")
    @classmethod
    def _split_dns_servers(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("dns_servers")
    @classmethod
    def _check_dns_servers(cls, servers: list[str]) -> list[str]:
        for server in servers:
            host, _, port = server.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"DNS server {server!r} is not host:port, e.g. 127.0.0.1:53")
        return servers

    @field_validator("spamhaus_dqs_key")
    @classmethod
    def _reject_placeholder_key(cls, key: SecretStr | None) -> SecretStr | None:
        if key is not None and is_placeholder_secret(key.get_secret_value()):
            raise ValueError("spamhaus_dqs_key is a placeholder; set the real key or unset it")
        return key

    @model_validator(mode="after")
    def _check_smtp_security(self) -> Settings:
        if self.smtp_tls and self.smtp_starttls:
            raise ValueError("smtp_tls and smtp_starttls exclude each other; set one of them")
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("smtp_username and smtp_password must be set together")
        if self.smtp_password is not None and is_placeholder_secret(
            self.smtp_password.get_secret_value()
        ):
            raise ValueError("smtp_password is a placeholder; set the real password or unset it")
        return self

    @model_validator(mode="after")
    def _resolve_database_url(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'mailrep.db'}"
        self.database_url = normalise_database_url(self.database_url)
        return self


def is_placeholder_secret(value: str) -> bool:
    """Return True for an empty secret or one left from an example configuration."""
    return value.strip().lower() in _PLACEHOLDER_SECRETS


def normalise_database_url(url: str) -> str:
    """Check a database URL and name the psycopg 3 driver for plain PostgreSQL URLs.

    Raises:
        ValueError: the URL does not parse or names an unsupported backend.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"database_url {url!r} is not a valid SQLAlchemy URL") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in _SUPPORTED_DRIVERS:
        raise ValueError(
            f"database_url driver {parsed.drivername!r} is not supported; "
            "use sqlite:///path or postgresql+psycopg://user@host/db"
        )
    return parsed.render_as_string(hide_password=False)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the process settings, reading the environment on the first call.

    Raises:
        pydantic.ValidationError: a setting is invalid; the message names it.
    """
    return Settings()
