"""`mailrep tenant create` and `mailrep apikey create|list|revoke`: who may use the API."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from api.cli._common import (
    CommandError,
    describe_database_error,
    fail,
    load_settings,
    open_session,
    print_table,
    setup_logging,
)
from reputation.clock import SystemClock
from reputation.errors import ReputationError
from reputation.models import ApiScope, Language
from reputation.settings import Settings
from reputation.tenants import (
    KEY_PREFIX,
    create_api_key,
    create_tenant,
    get_tenant,
    list_api_keys,
    revoke_api_key,
)


def register(subparsers: Any) -> None:
    tenant = subparsers.add_parser("tenant", help="manage tenants")
    tenant_commands = tenant.add_subparsers(dest="tenant_command", metavar="ACTION", required=True)
    create = tenant_commands.add_parser("create", help="create a tenant")
    create.add_argument("name", help="unique tenant name")
    create.add_argument(
        "--language",
        choices=[language.value for language in Language],
        default=Language.EN.value,
        help="language of alerts and reason texts (default: en)",
    )
    create.set_defaults(handler=run_tenant_create)

    apikey = subparsers.add_parser("apikey", help="manage API keys")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", metavar="ACTION", required=True)
    create_key = apikey_commands.add_parser(
        "create", help="create an API key and print it; it is shown only this once"
    )
    create_key.add_argument("--tenant", required=True, help="tenant the key acts for")
    create_key.add_argument(
        "--scope",
        choices=[scope.value for scope in ApiScope],
        default=ApiScope.READ.value,
        help="read < write < admin; each includes the ones before it (default: read)",
    )
    create_key.add_argument("--name", help="label shown by `mailrep apikey list`")
    create_key.set_defaults(handler=run_apikey_create)

    list_keys = apikey_commands.add_parser(
        "list", help="list a tenant's API keys: prefix, scopes, name, use and revocation"
    )
    list_keys.add_argument("--tenant", required=True, help="tenant whose keys to list")
    list_keys.set_defaults(handler=run_apikey_list)

    revoke_key = apikey_commands.add_parser(
        "revoke", help="revoke an API key at once; requests with it then get HTTP 401"
    )
    revoke_key.add_argument("--tenant", required=True, help="tenant the key belongs to")
    revoke_key.add_argument(
        "prefix", help="the key's prefix, as `apikey list` shows it (mr_PREFIX_... in the key)"
    )
    revoke_key.set_defaults(handler=run_apikey_revoke)


def _settings() -> Settings:
    settings = load_settings()
    setup_logging(settings, quiet=True)
    return settings


def run_tenant_create(args: argparse.Namespace) -> int:
    try:
        with open_session(_settings()) as session:
            tenant = create_tenant(
                session, name=args.name, language=args.language, clock=SystemClock()
            )
            streams = ", ".join(stream.name for stream in tenant.streams)
    except (CommandError, ReputationError, ValueError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print(f"created tenant {args.name} with streams: {streams}")
    return 0


def run_apikey_create(args: argparse.Namespace) -> int:
    try:
        with open_session(_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            created = create_api_key(
                session, tenant=tenant, scopes=[args.scope], name=args.name, clock=SystemClock()
            )
    except (CommandError, ReputationError, ValueError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    # The key alone on stdout, so scripts can capture it: KEY=$(mailrep apikey create ...).
    print(created.plaintext)
    return 0


def run_apikey_list(args: argparse.Namespace) -> int:
    try:
        with open_session(_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            rows = [
                (
                    key.prefix,
                    ",".join(key.scopes),
                    key.name or "-",
                    _when(key.created_at),
                    _when(key.last_used_at),
                    _when(key.revoked_at),
                )
                for key in list_api_keys(session, tenant=tenant)
            ]
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print_table([("prefix", "scopes", "name", "created", "last_used", "revoked"), *rows])
    return 0


def run_apikey_revoke(args: argparse.Namespace) -> int:
    prefix = args.prefix.removeprefix(f"{KEY_PREFIX}_").split("_", 1)[0]
    try:
        with open_session(_settings()) as session:
            tenant = get_tenant(session, name=args.tenant)
            key = revoke_api_key(session, tenant=tenant, prefix=prefix, clock=SystemClock())
            revoked_at = _when(key.revoked_at)
    except (CommandError, ReputationError) as exc:
        return fail(str(exc))
    except SQLAlchemyError as exc:
        return fail(describe_database_error(exc))
    print(f"revoked API key {prefix} of tenant {args.tenant} at {revoked_at}")
    return 0


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment is not None else "-"
