"""Normalise recipient addresses as bounces and complaints write them.

Reports wrap addresses in many ways: `rfc822; <User@Example.COM>` (RFC 3464
section 2.3.2), `utf-8; user@example.com` (RFC 6533), a display name with
quotes, or a bare address with trailing punctuation. The normal form keeps the
local part as written (it may be case-sensitive, RFC 5321 section 2.4) and
lower-cases the domain.
"""

from __future__ import annotations

import re

_ADDRESS_TYPE = re.compile(r"^\s*(?:rfc822|utf-8|x-[\w.-]{1,40})\s*;\s*", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>\s]{1,320}@[^<>\s]{1,255})>")
_BARE = re.compile(r"[^\s<>()\[\],;:\"']{1,256}@[\w.-]{1,255}\w")
_XTEXT_CHAR = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")
_QUOTED_LOCAL = re.compile(r'^"([^"]{1,256})"@([\w.-]{1,255})$')
#: Maximum input length examined. An address is at most 320 octets (RFC 5321 4.5.3.1).
_MAX_INPUT = 2048


def normalise_address(value: str | None) -> str | None:
    """Return the address in `value` in normal form, or None when there is none.

    Strips an address-type prefix, angle brackets, display names and quotes
    around the whole address, then lower-cases the domain.
    """
    if not value:
        return None
    text = _ADDRESS_TYPE.sub("", value[:_MAX_INPUT]).strip().strip("'")
    if "\\x{" in text:
        # RFC 6533 section 3 utf-8-addr-xtext writes non-ASCII as \x{HEX}.
        text = _XTEXT_CHAR.sub(_xtext_char, text)

    quoted = _QUOTED_LOCAL.match(text)
    if quoted:
        return f'"{quoted.group(1)}"@{quoted.group(2).lower()}'

    angle = _ANGLE.search(text)
    candidate = angle.group(1) if angle else None
    if candidate is None:
        bare = _BARE.search(text)
        candidate = bare.group(0) if bare else None
    if candidate is None:
        return None
    return _lower_domain(candidate.strip("\"'.,;:"))


def find_addresses(text: str, limit: int = 100) -> list[str]:
    """Return the distinct addresses in `text`, normalised, in order of appearance."""
    found: list[str] = []
    for match in _BARE.finditer(text):
        address = _lower_domain(match.group(0).strip("\"'.,;:<>"))
        if address not in found:
            found.append(address)
        if len(found) >= limit:
            break
    return found


def _xtext_char(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def _lower_domain(address: str) -> str:
    local, separator, domain = address.rpartition("@")
    if not separator:
        return address
    return f"{local}@{domain.lower()}"
