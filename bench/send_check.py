"""Time `POST /v1/send-check` end to end against the bare SQL lookup of the same addresses.

Usage: python bench/send_check.py [--backend sqlite|postgresql|both] [--suppressions N]
                                  [--recipients N] [--repeat N] [--postgres-url URL]

For each backend the script makes a throwaway database: a temporary SQLite file, or a
PostgreSQL database with a random name that is dropped at the end. It migrates it,
creates a tenant and a key, and bulk-loads the suppressions (executemany on SQLite, COPY
on PostgreSQL). It then starts `mailrep serve` on 127.0.0.1 and times, in the same run:

* http: one send-check call over HTTP with every recipient, from sending the encoded body
  to decoding the response (the route validates, normalises, looks up, records the
  volume and serialises the answer);
* sql: the bare lookup as written by hand, one query run straight on the driver with
  no normalisation: `address = ANY(array)` on PostgreSQL, `address IN (SELECT value
  FROM json_each(?))` with one JSON array on SQLite, each with `stream IN (?, '*')`;
* server-sql: the statements the server itself runs (reputation.send_check), alone on
  the driver in the same chunks. They probe the index once per address rather than
  once per stream, and on SQLite they return the rows as one JSON array. So they take
  less than the hand-written lookup, and the HTTP figure can be read against both.

A fifth of the recipients are suppressed. Each figure is the median of `--repeat` runs
after one warm-up. The ratio http/sql is the cost of the API over the bare lookup.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import psycopg
from sqlalchemy.engine import make_url

from reputation.clock import SystemClock
from reputation.db import create_db_engine, create_session_factory, session_scope, upgrade_database
from reputation.send_check import (
    POSTGRESQL_CHUNK,
    POSTGRESQL_LOOKUP,
    SQLITE_CHUNK,
    SQLITE_LOOKUP,
)
from reputation.tenants import create_api_key, create_tenant

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MAILREP = Path(sys.executable).parent / "mailrep"
SUPPRESSED_SHARE = 5  # one recipient in five is suppressed
SINCE = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def suppressed_address(index: int) -> str:
    return f"user{index:07d}@d{index % 997}.example.org"


def recipients(count: int, suppressions: int) -> list[str]:
    """Return `count` addresses; every fifth is suppressed, the others are not."""
    step = max(1, suppressions // count)
    return [
        suppressed_address((i * step) % suppressions)
        if i % SUPPRESSED_SHARE == 0
        else f"fresh{i:07d}@d{i % 997}.example.net"
        for i in range(count)
    ]


def provision(url: str) -> tuple[int, str]:
    """Migrate the database and create a tenant with a write key; return (tenant id, key)."""
    upgrade_database(url)
    engine = create_db_engine(url)
    try:
        with session_scope(create_session_factory(engine)) as session:
            tenant = create_tenant(session, name="bench", clock=SystemClock())
            key = create_api_key(session, tenant=tenant, scopes=["write"], clock=SystemClock())
            return tenant.id, key.plaintext
    finally:
        engine.dispose()


def _rows(tenant_id: int, count: int) -> Iterator[tuple[object, ...]]:
    for index in range(count):
        address = suppressed_address(index)
        yield (tenant_id, address, address.rsplit("@", 1)[1], "*", "hard_bounce", "userunknown")


def seed_sqlite(path: Path, tenant_id: int, count: int) -> None:
    since = SINCE.replace(tzinfo=None).isoformat(sep=" ")
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO suppressions (tenant_id, address, domain, stream, source, reason, since)"
            f" VALUES (?, ?, ?, ?, ?, ?, '{since}')",
            _rows(tenant_id, count),
        )
        connection.execute("ANALYZE")


def seed_postgresql(libpq_url: str, tenant_id: int, count: int) -> None:
    copy = (
        "COPY suppressions (tenant_id, address, domain, stream, source, reason, since) FROM STDIN"
    )
    with psycopg.connect(libpq_url) as connection:
        with connection.cursor() as cursor, cursor.copy(copy) as writer:
            for row in _rows(tenant_id, count):
                writer.write_row((*row, SINCE))
        connection.commit()
        connection.execute("ANALYZE suppressions")


def lookup_sqlite(path: Path, tenant_id: int, addresses: list[str]) -> int:
    query = (
        "SELECT address, stream, source, reason, since FROM suppressions"
        " WHERE tenant_id = ? AND stream IN (?, '*')"
        " AND address IN (SELECT value FROM json_each(?))"
    )
    with sqlite3.connect(path) as connection:
        params = (tenant_id, "transactional", orjson.dumps(addresses).decode())
        return len(connection.execute(query, params).fetchall())


def server_lookup_sqlite(path: Path, tenant_id: int, addresses: list[str]) -> int:
    with sqlite3.connect(path) as connection:
        found = 0
        for start in range(0, len(addresses), SQLITE_CHUNK):
            chunk = orjson.dumps(addresses[start : start + SQLITE_CHUNK]).decode()
            (rows,) = connection.execute(SQLITE_LOOKUP, (chunk, tenant_id)).fetchone()
            found += sum(1 for row in orjson.loads(rows) if row[1] in ("transactional", "*"))
        return found


def server_lookup_postgresql(libpq_url: str, tenant_id: int, addresses: list[str]) -> int:
    with psycopg.connect(libpq_url) as connection:
        found = 0
        for start in range(0, len(addresses), POSTGRESQL_CHUNK):
            chunk = addresses[start : start + POSTGRESQL_CHUNK]
            rows = connection.execute(POSTGRESQL_LOOKUP, (tenant_id, chunk)).fetchall()
            found += sum(1 for row in rows if row[1] in ("transactional", "*"))
        return found


def lookup_postgresql(libpq_url: str, tenant_id: int, addresses: list[str]) -> int:
    query = (
        "SELECT address, stream, source, reason, since FROM suppressions"
        " WHERE tenant_id = %s AND stream IN (%s, '*') AND address = ANY(%s)"
    )
    with psycopg.connect(libpq_url) as connection:
        return len(connection.execute(query, (tenant_id, "transactional", addresses)).fetchall())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextmanager
def running_server(database_url: str, data_dir: Path) -> Iterator[str]:
    """Run `mailrep serve` on a free loopback port and yield its base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILREP_")}
    env |= {
        "MAILREP_DATABASE_URL": database_url,
        "MAILREP_DATA_DIR": str(data_dir),
        "MAILREP_LOG_LEVEL": "warning",
        "MAILREP_LOG_FORMAT": "json",
    }
    command = [str(MAILREP), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("mailrep serve did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def time_median(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Return the median seconds of `repeat` runs after one warm-up, and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def http_check(base: str, key: str, addresses: list[str]) -> Callable[[], int]:
    client = httpx.Client(base_url=base, timeout=120)
    body = orjson.dumps({"from_domain": "example.com", "recipients": addresses})
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def run() -> int:
        response = client.post("/v1/send-check", content=body, headers=headers)
        response.raise_for_status()
        return len(orjson.loads(response.content)["suppressed"])

    return run


def bench_sqlite(args: argparse.Namespace, addresses: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="mailrep-bench-") as directory:
        path = Path(directory) / "bench.db"
        url = f"sqlite:///{path}"
        tenant_id, key = provision(url)
        started = time.perf_counter()
        seed_sqlite(path, tenant_id, args.suppressions)
        seeded = time.perf_counter() - started
        with running_server(url, Path(directory)) as base:
            http = time_median(http_check(base, key, addresses), args.repeat)
        sql = time_median(lambda: lookup_sqlite(path, tenant_id, addresses), args.repeat)
        own = time_median(lambda: server_lookup_sqlite(path, tenant_id, addresses), args.repeat)
        report("sqlite", args, seeded, http, sql, own)


def bench_postgresql(args: argparse.Namespace, addresses: list[str]) -> None:
    admin = make_url(args.postgres_url)
    name = f"mailrep_bench_{secrets.token_hex(4)}"
    admin_libpq = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin_libpq, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = admin.set(database=name).render_as_string(hide_password=False)
    libpq = admin.set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="mailrep-bench-") as directory:
            tenant_id, key = provision(url)
            started = time.perf_counter()
            seed_postgresql(libpq, tenant_id, args.suppressions)
            seeded = time.perf_counter() - started
            with running_server(url, Path(directory)) as base:
                http = time_median(http_check(base, key, addresses), args.repeat)
            sql = time_median(lambda: lookup_postgresql(libpq, tenant_id, addresses), args.repeat)
            own = time_median(
                lambda: server_lookup_postgresql(libpq, tenant_id, addresses), args.repeat
            )
            report("postgresql", args, seeded, http, sql, own)
    finally:
        with psycopg.connect(admin_libpq, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report(
    backend: str,
    args: argparse.Namespace,
    seeded: float,
    http: tuple[float, int],
    sql: tuple[float, int],
    own: tuple[float, int],
) -> None:
    if not http[1] == sql[1] == own[1]:
        raise SystemExit(
            f"{backend}: suppressed found by http {http[1]}, sql {sql[1]}, server-sql {own[1]}"
        )
    print(
        f"{backend:<10} suppressions={args.suppressions} recipients={args.recipients} "
        f"suppressed={http[1]} seed={seeded:.1f}s http={http[0] * 1000:.0f}ms "
        f"sql={sql[0] * 1000:.0f}ms ratio={http[0] / sql[0]:.2f} "
        f"server-sql={own[0] * 1000:.0f}ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--suppressions", type=int, default=1_000_000)
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MAILREP_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="server on which a throwaway database is created and dropped",
    )
    args = parser.parse_args()
    addresses = recipients(args.recipients, args.suppressions)
    if args.backend in ("sqlite", "both"):
        bench_sqlite(args, addresses)
    if args.backend in ("postgresql", "both"):
        bench_postgresql(args, addresses)


if __name__ == "__main__":
    main()
