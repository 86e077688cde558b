"""Domain errors raised by the reputation services; `api` maps them to HTTP once."""

from __future__ import annotations


class ReputationError(Exception):
    """Base of every error a reputation service raises on bad input or state."""


class MessageTooLargeError(ReputationError):
    """A raw message is larger than `max_message_bytes`."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"message of {size} bytes exceeds the limit of {limit} bytes")
        self.size = size
        self.limit = limit


class InvalidAddressError(ReputationError):
    """An email address is not valid."""

    def __init__(self, address: str, problem: str) -> None:
        super().__init__(f"invalid email address {address!r}: {problem}")
        self.address = address
        self.problem = problem


class NotFoundError(ReputationError):
    """A requested object does not exist for this tenant."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class ConflictError(ReputationError):
    """An object with the same unique key already exists."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} already exists")
        self.kind = kind
        self.key = key


class UnknownStreamError(ReputationError):
    """A stream name is not defined for the tenant."""

    def __init__(self, stream: str) -> None:
        super().__init__(f"stream {stream!r} is not defined for this tenant; create it first")
        self.stream = stream


class InvalidCursorError(ReputationError):
    """A pagination cursor was not produced by this service or is damaged."""

    def __init__(self) -> None:
        super().__init__("invalid pagination cursor; restart the listing without a cursor")


class AuthenticationError(ReputationError):
    """An API key is missing, malformed, unknown or revoked."""
