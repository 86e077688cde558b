"""CSV exports streamed from a session of their own, opened when the first row is needed.

A `StreamingResponse` body is iterated after the route has returned, so it cannot use the
request's session. It opens one from the factory and closes it when the export ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session, sessionmaker

from reputation.db import begin_read_only, session_scope

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def stream_csv(
    session_factory: sessionmaker[Session],
    produce: Callable[[Session], Iterator[str]],
    filename: str,
) -> StreamingResponse:
    """Return a response that streams the CSV text `produce(session)` yields."""

    def body() -> Iterator[bytes]:
        with session_scope(session_factory) as session:
            # A long export must not hold SQLite's write lock while ingestion waits.
            begin_read_only(session)
            for text in produce(session):
                if text:
                    yield text.encode()

    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return StreamingResponse(body(), media_type=CSV_MEDIA_TYPE, headers=headers)
