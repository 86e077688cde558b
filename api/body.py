"""Request bodies read with a size limit enforced while they arrive.

A declared `Content-Length` above the limit is rejected before a byte is read, and a
chunked or understated body is rejected as soon as the running count passes the limit,
so an oversized upload never sits whole in memory.
"""

from __future__ import annotations

from fastapi import Request

from api.errors import InvalidRequest, PayloadTooLarge, UnsupportedMediaType


def media_type(request: Request) -> str:
    """Return the request's media type, lower-cased and without parameters."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_media_type(request: Request, accepted: frozenset[str]) -> None:
    """Raise `UnsupportedMediaType` unless the request's media type is one of `accepted`."""
    if media_type(request) not in accepted:
        names = ", ".join(sorted(accepted))
        raise UnsupportedMediaType(f"Content-Type must be one of: {names}.")


async def read_limited_body(request: Request, limit: int) -> bytes:
    """Read the whole body, raising `PayloadTooLarge` as soon as it exceeds `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise InvalidRequest("Content-Length is not a number.")
        if int(declared) > limit:
            raise PayloadTooLarge(_too_large(limit))

    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(_too_large(limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return f"The body exceeds the limit of {limit} bytes."
