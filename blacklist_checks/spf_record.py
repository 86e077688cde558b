"""Parse one SPF record (RFC 7208 sections 4.6 and 5) into mechanisms and modifiers.

Pure: no DNS. Macro expansion covers only the macros that do not need the sender
(RFC 7208 section 7): %{d}, %{o}, %%, %_ and %-.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUALIFIERS = "+-~?"
_MECHANISMS = ("all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists")
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.-]*)=(.*)$", re.IGNORECASE)
_SIMPLE_MACRO = re.compile(r"%\{([a-z])\}|%%|%_|%-", re.IGNORECASE)


class SpfSyntaxError(ValueError):
    """The record breaks RFC 7208 syntax; an SPF verifier returns permerror for it."""


@dataclass(frozen=True, slots=True)
class Mechanism:
    """One mechanism: qualifier, name, the part after ':' and the CIDR lengths, if given."""

    qualifier: str
    name: str
    argument: str | None = None
    cidr4: int | None = None
    cidr6: int | None = None


@dataclass(frozen=True, slots=True)
class SpfRecord:
    """A parsed record: mechanisms in order, and the redirect modifier, if any."""

    mechanisms: tuple[Mechanism, ...]
    redirect: str | None = None


def is_spf_record(text: str) -> bool:
    """Tell whether a TXT string is an SPF record: `v=spf1` alone or followed by a space."""
    lowered = text.strip().lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def parse_spf_record(text: str) -> SpfRecord:
    """Parse a `v=spf1 ...` record.

    Raises:
        SpfSyntaxError: an unknown mechanism, a bad CIDR length, a mechanism missing its
            argument, or a second redirect modifier (RFC 7208 section 6).
    """
    if not is_spf_record(text):
        raise SpfSyntaxError(f"not an SPF record: {text[:60]!r}")

    mechanisms: list[Mechanism] = []
    redirect: str | None = None
    for term in text.split()[1:]:
        modifier = _MODIFIER.match(term)
        if modifier and not term.lower().startswith(("ip4:", "ip6:")):
            name, value = modifier.group(1).lower(), modifier.group(2)
            if name == "redirect":
                if redirect is not None:
                    raise SpfSyntaxError("more than one redirect modifier")
                redirect = value
            # Other modifiers (exp and unknown ones) do not affect who may send.
            continue
        mechanisms.append(_parse_mechanism(term))
    return SpfRecord(tuple(mechanisms), redirect)


def _parse_mechanism(term: str) -> Mechanism:
    qualifier = term[0] if term[0] in QUALIFIERS else "+"
    body = term[1:] if term[0] in QUALIFIERS else term
    name = re.split(r"[:/]", body, maxsplit=1)[0].lower()
    rest = body[len(name) :]
    if name not in _MECHANISMS:
        raise SpfSyntaxError(f"unknown mechanism {term!r}")

    if name in ("ip4", "ip6", "include", "exists"):
        if not rest.startswith(":") or len(rest) < 2:
            raise SpfSyntaxError(f"{name} needs an argument after ':': {term!r}")
        return Mechanism(qualifier, name, rest[1:])
    if name == "all":
        if rest:
            raise SpfSyntaxError(f"all takes no argument: {term!r}")
        return Mechanism(qualifier, name)

    # a, mx and ptr: an optional ":domain", then (a and mx only) an optional dual CIDR.
    domain, cidr_text = "", rest
    if rest.startswith(":"):
        domain, slash, cidr = rest[1:].partition("/")
        cidr_text = slash + cidr
        if not domain:
            raise SpfSyntaxError(f"{name} has ':' but no domain: {term!r}")
    if name == "ptr":
        if cidr_text:
            raise SpfSyntaxError(f"ptr takes no CIDR length: {term!r}")
        return Mechanism(qualifier, name, domain or None)
    cidr4, cidr6 = _parse_dual_cidr(cidr_text, term)
    return Mechanism(qualifier, name, domain or None, cidr4, cidr6)


def _parse_dual_cidr(text: str, term: str) -> tuple[int | None, int | None]:
    # "/24", "//64" or "/24//64" (RFC 7208 section 5.6).
    if not text:
        return None, None
    match = re.fullmatch(r"(?:/(\d{1,2}))?(?://(\d{1,3}))?", text)
    if match is None:
        raise SpfSyntaxError(f"bad CIDR length in {term!r}")
    cidr4 = int(match.group(1)) if match.group(1) else None
    cidr6 = int(match.group(2)) if match.group(2) else None
    if (cidr4 is not None and cidr4 > 32) or (cidr6 is not None and cidr6 > 128):
        raise SpfSyntaxError(f"CIDR length out of range in {term!r}")
    return cidr4, cidr6


def expand_domain_spec(spec: str, domain: str, top_domain: str) -> str | None:
    """Expand the sender-independent macros of a domain-spec; None if it needs the sender.

    %{d} is the domain whose record is evaluated, %{o} the domain checked first.
    """
    if "%" not in spec:
        return spec.rstrip(".").lower()
    needs_sender = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal needs_sender
        token = match.group(0)
        if token == "%%":
            return "%"
        if token == "%_":
            return " "
        if token == "%-":
            return "%20"
        letter = match.group(1).lower()
        if letter == "d":
            return domain
        if letter == "o":
            return top_domain
        needs_sender = True
        return ""

    expanded = _SIMPLE_MACRO.sub(substitute, spec)
    # NOTE: transformers such as %{d2} or %{ir} are not expanded, so such terms are skipped.
    if needs_sender or "%" in expanded:
        return None
    return expanded.rstrip(".").lower()
