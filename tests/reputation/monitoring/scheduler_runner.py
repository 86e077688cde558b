"""Run one monitoring scheduler with test-sized intervals until SIGTERM or SIGKILL.

The election test starts two of these against one PostgreSQL database:
`python -m tests.reputation.monitoring.scheduler_runner --interval 1 --tick 0.1
--election 0.2`, with MAILREP_DATABASE_URL, MAILREP_DNS_SERVERS and
MAILREP_DNSBL_ZONES_FILE set as for `mailrep serve`.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from reputation.clock import SystemClock
from reputation.db import create_db_engine, create_session_factory
from reputation.logging import configure_logging
from reputation.monitoring.checks import Monitor, ScheduleConfig
from reputation.monitoring.scheduler import MonitorScheduler
from reputation.settings import get_settings


async def run(args: argparse.Namespace) -> None:
    settings = get_settings()
    configure_logging(log_format="json", log_level="info")
    schedule = ScheduleConfig(
        interval_seconds=args.interval,
        tick_seconds=args.tick,
        election_seconds=args.election,
        jitter_fraction=0.0,
    )
    engine = create_db_engine(settings.database_url)
    scheduler = MonitorScheduler(
        Monitor.from_settings(settings, schedule=schedule),
        engine,
        create_session_factory(engine),
        SystemClock(),
    )
    stopped = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopped.set)
    scheduler.start()
    await stopped.wait()
    await scheduler.shutdown()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interval", type=float, required=True, help="check interval (s)")
    parser.add_argument("--tick", type=float, required=True, help="due-check period (s)")
    parser.add_argument("--election", type=float, required=True, help="election period (s)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
