"""Email address validation and normalisation, with a fast path for plain addresses.

Normal form: the local part exactly as sent (RFC 5321 section 2.4 leaves its case
to the receiving host, and folding it could merge two customers), the domain
lower-cased and IDNA-encoded. `normalise_address` validates;
`normalise_reported_address` only normalises, for addresses a remote server
reported, which are stored as given even when they are not valid.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import email_validator
import idna

from reputation.errors import InvalidAddressError

# Accepts a strict subset of what email-validator accepts: an ASCII dot-atom local
# part (RFC 5322 section 3.2.3) and an LDH domain with an alphabetic top-level label.
# Anything else, including special-use domains, goes through email-validator.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_PLAIN_ADDRESS = re.compile(
    rf"(?P<local>{_ATEXT}+(?:\.{_ATEXT}+)*)@(?P<domain>(?:{_LABEL}\.)+[A-Za-z]{{2,63}})"
)
_MAX_LOCAL = 64
_MAX_ADDRESS = 254
_SPECIAL_USE_SUFFIXES = tuple(f".{name}" for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
_SPECIAL_USE = "|".join(map(re.escape, email_validator.SPECIAL_USE_DOMAIN_NAMES))
# A batch whose addresses are all plain, with lower-case domains and shorter than every
# length limit (`_SHORT`), is already in normal form. This pattern checks such a batch
# in one call. It is the same subset with labels spelt as runs between hyphens and with
# possessive repeats, which the regex engine runs about three times faster.
_SHORT = 64
_NORMAL_LINE = (
    rf"{_ATEXT}++(?:\.{_ATEXT}++)*+@(?:[a-z0-9]++(?:-++[a-z0-9]++)*+\.)++"
    rf"(?!(?:{_SPECIAL_USE})$)[a-z]{{2,}}+$"
)
_NORMAL_BATCH = re.compile(rf"(?:{_NORMAL_LINE}\n)*+{_NORMAL_LINE}", re.MULTILINE | re.ASCII)
# The same test line by line, for a batch that fails the whole-batch test: each match
# consumes one line, and group 1 is that line when it passes, else empty, so `findall`
# returns one item per address. The caller still checks the length.
_NORMAL_LINES = re.compile(rf"({_NORMAL_LINE})?.*\n?", re.MULTILINE | re.ASCII)


def normalise_address(address: str) -> str:
    """Validate `address` and return its normal form.

    Raises:
        InvalidAddressError: the address is not a valid email address.
    """
    fast = _normalise_plain(address)
    if fast is not None:
        return fast
    try:
        result = email_validator.validate_email(
            address, check_deliverability=False, allow_smtputf8=True
        )
    except email_validator.EmailNotValidError as exc:
        raise InvalidAddressError(address, str(exc)) from exc
    return f"{result.local_part}@{result.ascii_domain}"


def _normalise_plain(
    address: str,
    _match: Callable[[str], re.Match[str] | None] = _PLAIN_ADDRESS.fullmatch,
) -> str | None:
    """Return the normal form of a plain ASCII address, or None to take the slow path.

    Runs once per recipient of a send check, so it avoids every avoidable call.
    """
    match = _match(address)
    if match is None or len(address) > _MAX_ADDRESS:
        return None
    at = match.end(1)
    if at > _MAX_LOCAL:
        return None
    domain = address[at + 1 :].lower()
    if domain.endswith(_SPECIAL_USE_SUFFIXES):
        return None
    return address[: at + 1] + domain


def normalise_many(addresses: Iterable[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Normalise a batch: map each distinct normal form to the first address given for it.

    Returns that map, in input order, and the (address, problem) pairs of the invalid ones.
    Gives the same result as `normalise_address` on each address in turn.
    """
    given = list(addresses)
    if not given:
        return {}, []
    joined = "\n".join(given)
    if joined.count("\n") != len(given) - 1:
        # An address contains a newline (so it is invalid), and lines and addresses differ.
        return _normalise_each(given)
    if max(map(len, given)) < _SHORT and _NORMAL_BATCH.fullmatch(joined):
        return dict(zip(given, given, strict=True)), []
    normal = _NORMAL_LINES.findall(joined)[: len(given)]
    by_key: dict[str, str] = {}
    invalid: list[tuple[str, str]] = []
    for address, match in zip(given, normal, strict=True):
        if match and len(address) < _SHORT:
            key = address
        else:
            try:
                key = normalise_address(address)
            except InvalidAddressError as exc:
                invalid.append((address, exc.problem))
                continue
        if key not in by_key:
            by_key[key] = address
    return by_key, invalid


def _normalise_each(addresses: Iterable[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The per-address path of `normalise_many`, for batches the joined scan cannot take."""
    by_key: dict[str, str] = {}
    invalid: list[tuple[str, str]] = []
    for given in addresses:
        try:
            key = normalise_address(given)
        except InvalidAddressError as exc:
            invalid.append((given, exc.problem))
            continue
        if key not in by_key:
            by_key[key] = given
    return by_key, invalid


def normalise_lookup_address(address: str) -> str:
    """Return the stored form of an address to look up, valid or not.

    Bounces can suppress addresses that email-validator rejects (a quoted local
    part, a special-use domain), and those must stay findable and removable.
    """
    try:
        return normalise_address(address.strip())
    except InvalidAddressError:
        return normalise_reported_address(address)


def normalise_reported_address(address: str) -> str:
    """Normalise an address without validating it: strip, lower-case and IDNA-encode the domain."""
    address = address.strip().strip("<>").strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local}@{normalise_domain(domain)}"


def normalise_domain(domain: str) -> str:
    """Lower-case and IDNA-encode a domain; a name IDNA rejects is only lower-cased."""
    domain = domain.strip().rstrip(".").lower()
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain


def domain_of(address: str) -> str:
    """Return the domain part of a normalised address (empty when it has none)."""
    return address.rpartition("@")[2]
