"""Elect the one replica that runs scheduled checks, with a PostgreSQL advisory lock.

The lock is session-level (`pg_try_advisory_lock`) and taken on a connection held open
for the scheduler's life, outside the pool's reuse. When the leader process dies, the
server closes its connection and releases the lock; a standby's next `try_acquire`
then wins. SQLite serves one process, so there the caller is always the leader.
"""

from __future__ import annotations

import hashlib
import threading

import structlog
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

_log = structlog.get_logger(__name__)

#: Advisory lock key: a stable signed 64-bit number derived from the lock's name.
LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"mailrep.monitoring.scheduler").digest()[:8], "big", signed=True
)


class LeaderLease:
    """Leadership of the monitoring scheduler, held through one database connection."""

    def __init__(self, engine: Engine, *, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None
        self._uses_lock = engine.dialect.name == "postgresql"
        # The election job and the tick may both call in from worker threads.
        self._mutex = threading.Lock()
        self._is_released = False

    @property
    def is_leader(self) -> bool:
        return self._connection is not None or not self._uses_lock

    def try_acquire(self) -> bool:
        """Take the lock if it is free, or check that the held lock's connection still works.

        Returns whether this process is the leader now. Database errors are logged and
        mean "not the leader"; the next call tries again.
        """
        if not self._uses_lock:
            return True
        with self._mutex:
            if self._is_released:
                return False
            if self._connection is not None:
                return self._check_alive()
            return self._acquire()

    def _acquire(self) -> bool:
        try:
            connection = self._engine.connect()
        except SQLAlchemyError as exc:
            _log.warning("monitor_election_failed", error=repr(exc))
            return False
        try:
            acquired = bool(
                connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key})
            )
            # The lock is session-level, so ending the transaction keeps it.
            connection.commit()
        except SQLAlchemyError as exc:
            connection.close()
            _log.warning("monitor_election_failed", error=repr(exc))
            return False
        if not acquired:
            connection.close()
            return False
        self._connection = connection
        _log.info("monitor_leader_elected", lock_key=self._key)
        return True

    def release(self) -> None:
        """Give up leadership for good: unlock, close the connection, refuse later elections."""
        with self._mutex:
            self._is_released = True
            connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            connection.commit()
        except SQLAlchemyError as exc:
            _log.warning("monitor_unlock_failed", error=repr(exc))
        finally:
            # Invalidate rather than return to the pool, so no other user gets a session
            # that might still hold the lock.
            connection.invalidate()
            connection.close()
        _log.info("monitor_leadership_released")

    def _check_alive(self) -> bool:
        assert self._connection is not None
        try:
            self._connection.execute(text("SELECT 1"))
            self._connection.commit()
        except SQLAlchemyError as exc:
            _log.error("monitor_leadership_lost", error=repr(exc))
            connection, self._connection = self._connection, None
            connection.invalidate()
            connection.close()
            return False
        return True
