"""Opaque keyset cursors over (timestamp, id), newest first."""

from __future__ import annotations

import base64
import json
from datetime import datetime

from reputation.errors import InvalidCursorError


def encode_cursor(at: datetime, row_id: int) -> str:
    """Return an opaque cursor that resumes a listing after the row (`at`, `row_id`)."""
    raw = json.dumps([at.isoformat(), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Return the (timestamp, id) a cursor resumes after.

    Raises:
        InvalidCursorError: the cursor was not made by `encode_cursor`.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at_text, row_id = json.loads(base64.urlsafe_b64decode(padded))
        at = datetime.fromisoformat(at_text)
    except (ValueError, TypeError) as exc:
        raise InvalidCursorError() from exc
    if not isinstance(row_id, int) or at.tzinfo is None:
        raise InvalidCursorError()
    return at, row_id
