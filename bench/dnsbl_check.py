"""Benchmark: one domain with 16 sending IPs against 20 DNSBL zones, one zone slowed by 200 ms.

Starts rbldnsd on loopback serving 20 zones, puts a proxy that delays every answer
by 200 ms in front of one of them, and checks 16 IPs against all 20 zones (320
lookups plus 40 health probes) twice: with the default concurrency and with one
lookup at a time as the baseline. Prints the wall time beside the sum of the
per-lookup times and the slowest single lookup. A listed target costs two round
trips (A, then TXT), so the slowest lookup is about twice the delay. In the
concurrent run each lookup's time also includes waiting for the event loop while
other lookups are parsed, so that sum is larger than the baseline's. Nothing
leaves 127.0.0.1.

Run from the repository root: .venv/bin/python bench/dnsbl_check.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from blacklist_checks import (
    CheckOptions,
    DnsPythonResolver,
    DomainCheck,
    ListType,
    ReturnCode,
    Zone,
    ZoneKind,
    run_check_domain,
)
from tests.support.rbldnsd import LOOPBACK, DelayingProxy, RbldnsdZone, start_rbldnsd

ZONE_COUNT = 20
IP_COUNT = 16
DELAY_SECONDS = 0.2
SLOW_ZONE = f"z{ZONE_COUNT:02d}.bench.test"


def _zone_data(index: int) -> str:
    # Each zone lists the RFC 5782 test entry and a different pair of the 16 IPs.
    listed = {index % IP_COUNT + 1, (index * 7) % IP_COUNT + 1}
    lines = [f":127.0.0.2:Listed in zone {index}: $", "127.0.0.2"]
    lines += [f"192.0.2.{host}" for host in sorted(listed)]
    return "\n".join(lines) + "\n"


def _catalogue() -> list[Zone]:
    return [
        Zone(
            name=f"z{index:02d}.bench.test",
            kind=ZoneKind.IP,
            list_type=ListType.BLOCKLIST,
            lists="benchmark zone",
            codes={"127.0.0.2": ReturnCode("listed")},
            test_listed="127.0.0.2",
            test_not_listed="127.0.0.1",
        )
        for index in range(1, ZONE_COUNT + 1)
    ]


def _report(label: str, check: DomainCheck, wall: float) -> None:
    results = check.report.results
    total = sum(result.duration for result in results)
    slowest = max(result.duration for result in results)
    listed = sum(1 for result in results if result.status == "listed")
    print(f"{label}:")
    print(f"  lookups (target x zone)      {len(results)}  ({listed} listed)")
    print(f"  wall time                    {wall * 1000:8.1f} ms")
    print(f"  sum of per-lookup times      {total * 1000:8.1f} ms")
    print(f"  slowest single lookup        {slowest * 1000:8.1f} ms")
    print(f"  wall / sum                   {wall / total:8.3f}")
    print(f"  wall / slowest               {wall / slowest:8.2f}")


def main() -> None:
    zones = [
        RbldnsdZone(f"z{index:02d}.bench.test", "ip4set", _zone_data(index))
        for index in range(1, ZONE_COUNT + 1)
    ]
    ips = [f"192.0.2.{host}" for host in range(1, IP_COUNT + 1)]
    catalogue = _catalogue()

    with (
        tempfile.TemporaryDirectory() as directory,
        start_rbldnsd(zones, Path(directory)) as server,
        DelayingProxy((LOOPBACK, server.port), DELAY_SECONDS) as proxy,
    ):
        resolver = DnsPythonResolver(
            [server.address], zone_servers={SLOW_ZONE: [proxy.address]}, timeout=2.0
        )
        print(
            f"{IP_COUNT} IPs x {ZONE_COUNT} zones on rbldnsd (127.0.0.1), "
            f"{SLOW_ZONE} delayed {DELAY_SECONDS * 1000:.0f} ms by a UDP proxy\n"
        )
        runs = (("concurrent (max_concurrency=64)", 64), ("baseline (max_concurrency=1)", 1))
        walls: dict[int, float] = {}
        for label, concurrency in runs:
            started = time.perf_counter()
            check = run_check_domain(
                "bench.test",
                catalogue,
                resolver,
                explicit_ips=ips,
                use_spf=False,
                options=CheckOptions(max_concurrency=concurrency),
            )
            walls[concurrency] = time.perf_counter() - started
            _report(label, check, walls[concurrency])
        print(f"\nbaseline wall / concurrent wall {walls[1] / walls[64]:8.1f}")


if __name__ == "__main__":
    main()
