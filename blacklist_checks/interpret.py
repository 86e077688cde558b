"""Decide what one DNSBL answer means: listed, not listed, or unknown.

Pure functions on plain data. The rules, in order:

- NXDOMAIN, or NOERROR with no A record, is NOT_LISTED (RFC 5782 section 2.1).
- A timeout, SERVFAIL, REFUSED or any other failure is UNKNOWN, never NOT_LISTED.
- An answer outside 127.0.0.0/8 is UNKNOWN: a resolver rewrote NXDOMAIN into the
  address of an ad or search page.
- An answer the zone documents as "query refused / over quota" is UNKNOWN.
- 127.0.0.1 is UNKNOWN: RFC 5782 section 5 reserves it as the never-listed test entry,
  and SURBL and URIBL return it to blocked resolvers.
- Anything else is LISTED, decoded by the zone's scheme; a code the catalogue does
  not describe is still LISTED, with a meaning that says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Address, ip_address

from blacklist_checks.types import (
    AnswerScheme,
    DnsAnswer,
    Interpretation,
    ListingStatus,
    ListType,
    LookupOutcome,
    Zone,
)

_NOT_LISTED_OUTCOMES = (LookupOutcome.NXDOMAIN, LookupOutcome.NO_DATA)
_NEVER_LISTED_CODE = "127.0.0.1"


def interpret_answer(zone: Zone, answer: DnsAnswer) -> Interpretation:
    """Decide the status of one target in `zone` from the A-record lookup `answer`."""
    if answer.outcome in _NOT_LISTED_OUTCOMES or (
        answer.outcome is LookupOutcome.ANSWER and not answer.records
    ):
        return Interpretation(ListingStatus.NOT_LISTED, (), (), reason=str(answer.outcome))
    if answer.outcome is not LookupOutcome.ANSWER:
        error = f"{answer.outcome}: {answer.detail}" if answer.detail else str(answer.outcome)
        return _unknown((), error, reason=str(answer.outcome))

    codes = tuple(sorted(set(answer.records), key=_sort_key))
    for code in codes:
        problem = _refusal(zone, code)
        if problem is not None:
            reason, error = problem
            return _unknown(codes, error, reason=reason)

    meanings, score = _decode(zone, codes)
    return Interpretation(
        ListingStatus.LISTED,
        codes,
        meanings,
        reason="code=" + ",".join(codes),
        score=score,
    )


def localised_meanings(zone: Zone, codes: Sequence[str], language: str) -> tuple[str | None, ...]:
    """Describe the return codes of a listing in `language` ("en" or "pl") from the catalogue.

    The result has one item per meaning that `interpret_answer` gives for the same `codes`,
    in the same order, so a caller can pair them up. An item is None where the catalogue has
    no text in `language` for that code or flag. Every item is None for the dnswl and score
    schemes, because their meanings are English text built around the code.
    """
    texts: list[str | None] = []
    if zone.scheme is AnswerScheme.EXACT:
        for code in codes:
            known = zone.codes.get(code)
            texts.append(known.meaning_in(language) if known else None)
        return tuple(texts)
    if zone.scheme is AnswerScheme.BITMASK:
        for code in codes:
            try:
                bits = _set_bits(code)
            except ValueError:
                # Not a 127.x.y.z answer, so it carries no flags to describe.
                texts.append(None)
                continue
            for bit in bits:
                known = zone.codes.get(str(bit))
                texts.append(known.meaning_in(language) if known else None)
        return tuple(texts)
    return tuple(None for _ in codes)


def _unknown(codes: tuple[str, ...], error: str, reason: str) -> Interpretation:
    return Interpretation(ListingStatus.UNKNOWN, codes, (), reason=reason, error=error)


def _refusal(zone: Zone, code: str) -> tuple[str, str] | None:
    """Return (reason, error) when `code` cannot be a listing, else None."""
    try:
        address = ip_address(code)
    except ValueError:
        return "malformed_answer", f"answer {code!r} is not an IPv4 address"
    if not isinstance(address, IPv4Address) or not address.is_loopback:
        return (
            "answer_outside_127",
            f"answer {code} is outside 127.0.0.0/8: a resolver rewrote NXDOMAIN",
        )
    if code in zone.error_codes:
        return f"refusal_code={code}", f"{code}: {zone.error_codes[code]}"
    if code == _NEVER_LISTED_CODE:
        return f"refusal_code={code}", f"{code}: no DNSBL lists with 127.0.0.1; query refused"
    return None


def _decode(zone: Zone, codes: tuple[str, ...]) -> tuple[tuple[str, ...], float | None]:
    if zone.scheme is AnswerScheme.BITMASK:
        return _decode_bitmask(zone, codes)
    if zone.scheme is AnswerScheme.DNSWL:
        return _decode_dnswl(zone, codes)
    if zone.scheme is AnswerScheme.LAST_OCTET_SCORE:
        values = [int(code.rsplit(".", 1)[1]) for code in codes]
        return tuple(f"{zone.name}: score {value}" for value in values), float(min(values))

    meanings: list[str] = []
    scores: list[float] = []
    for code in codes:
        known = zone.codes.get(code)
        meanings.append(known.meaning if known else f"{zone.name}: undocumented return code {code}")
        if known is not None and known.score is not None:
            scores.append(known.score)
    return tuple(meanings), _worst(zone, scores)


def _decode_bitmask(zone: Zone, codes: tuple[str, ...]) -> tuple[tuple[str, ...], float | None]:
    meanings: list[str] = []
    scores: list[float] = []
    for code in codes:
        for bit in _set_bits(code):
            known = zone.codes.get(str(bit))
            meanings.append(known.meaning if known else f"{zone.name}: undocumented flag {bit}")
            if known is not None and known.score is not None:
                scores.append(known.score)
    return tuple(meanings), _worst(zone, scores)


def _set_bits(code: str) -> list[int]:
    """Return the flag values set in the last octet of `code`, lowest first."""
    flags = int(code.rpartition(".")[2])
    return [bit for bit in (1 << shift for shift in range(8)) if flags & bit]


def _decode_dnswl(zone: Zone, codes: tuple[str, ...]) -> tuple[tuple[str, ...], float | None]:
    # list.dnswl.org answers 127.0.<category>.<trust>, trust 0 (none) to 3 (high).
    meanings: list[str] = []
    trusts: list[float] = []
    for code in codes:
        _, _, category, trust = code.split(".")
        known = zone.codes.get(category)
        label = known.meaning if known else f"{zone.name}: category {category}"
        meanings.append(f"{label}; trust level {trust} of 3")
        trusts.append(float(trust))
    return tuple(meanings), min(trusts) if trusts else None


def _worst(zone: Zone, scores: list[float]) -> float | None:
    # For a blocklist the highest score is the worst; for a reputation scale the lowest.
    if not scores:
        return None
    return min(scores) if zone.list_type is ListType.SCORE else max(scores)


def _sort_key(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in code.split("."))
    except ValueError:
        return (1 << 16,)
