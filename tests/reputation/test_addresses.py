"""Address normalisation and the regex fast path that must agree with email-validator."""

from __future__ import annotations

import random

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reputation.addresses import (
    _NORMAL_BATCH,
    _normalise_plain,
    normalise_address,
    normalise_domain,
    normalise_many,
    normalise_reported_address,
)
from reputation.errors import InvalidAddressError


def test_normalise_address_lowercases_domain_keeps_local_case() -> None:
    assert normalise_address("Jan.Kowalski@Example.COM") == "Jan.Kowalski@example.com"


def test_normalise_address_idn_domain_is_idna_encoded() -> None:
    assert normalise_address("jan@żółw.example") == "jan@xn--w-uga1v8h.example"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "jan",
        "jan@",
        "@example.com",
        "jan@@example.com",
        "jan..k@example.com",
        "jan@example",
        "jan@localhost",
        "jan@example.test",
        "a b@example.com",
    ],
)
def test_normalise_address_invalid_raises(address: str) -> None:
    with pytest.raises(InvalidAddressError):
        normalise_address(address)


def test_normalise_address_quoted_local_part_goes_through_validator() -> None:
    with pytest.raises(InvalidAddressError):
        normalise_address('"jan kowalski"@example.com')


def test_normalise_reported_address_strips_brackets_and_lowercases_domain() -> None:
    assert normalise_reported_address(" <Jan@EXAMPLE.com> ") == "Jan@example.com"


def test_normalise_reported_address_without_at_is_kept() -> None:
    assert normalise_reported_address("postmaster") == "postmaster"


def test_normalise_domain_trailing_dot_removed() -> None:
    assert normalise_domain("Example.COM.") == "example.com"


_ATEXT = "abcXYZ019!#$%&'*+/=?^_`{|}~-"
_local = st.lists(st.text(alphabet=_ATEXT, min_size=1, max_size=12), min_size=1, max_size=4)
_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_tld = st.from_regex(r"[A-Za-z]{2,8}", fullmatch=True)


def test_fast_path_special_use_domain_is_left_to_validator() -> None:
    assert _normalise_plain("jan@mail.test") is None
    assert _normalise_plain("jan@Example.COM") == "jan@example.com"


@settings(max_examples=300, deadline=None)
@given(local=_local, labels=st.lists(_label, min_size=1, max_size=3), tld=_tld)
def test_fast_path_accepts_only_what_email_validator_accepts(
    local: list[str], labels: list[str], tld: str
) -> None:
    address = ".".join(local) + "@" + ".".join([*labels, tld])
    fast = _normalise_plain(address)
    if fast is None:
        return
    try:
        result = email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        pytest.fail(f"fast path accepted {address!r}, email-validator rejects it")
    assert fast == f"{result.local_part}@{result.ascii_domain}"


# Differential tests of the batch path against `normalise_address` on each address.
_PIECES = [
    "jan", "Jan.Kowalski", "a.b", "x+y", "a-", "-a", "a.-b", '"q w"', "a..b", ".a", "a.",
    "ż", "é", "ß", "İ", "\u212a", "", " ", "\t", "\r", "\n", "@", "@@", "<", ">",
    "example.com", "EXAMPLE.COM", "Example.Com", "żółw.example", "xn--w-uga1v8h.example",
    "mail.test", "x.TEST", "x.local", "x.localhost", "x.onion", "x.arpa", "y.invalid",
    "a-b.pl", "-a.pl", "a-.pl", "a--b.pl", "1.2.3.4", "[192.0.2.1]", "c0", "co",
    "a" * 63, "a" * 64, "a" * 65, "b" * 63 + ".com", "c" * 64 + ".org", "d" * 200 + ".net",
]  # fmt: skip
_LOCAL_CHARS = "abcXYZ09.+-_!#'`{}~\"\\ "
_DOMAIN_CHARS = "abcDEF09.-"


def _fuzzed_address(rnd: random.Random) -> str:
    roll = rnd.random()
    if roll < 0.6:
        local = rnd.choice(_PIECES) if rnd.random() < 0.3 else _random_text(rnd, _LOCAL_CHARS, 12)
        labels = [_random_text(rnd, _DOMAIN_CHARS, 9) for _ in range(rnd.randint(1, 3))]
        tld = rnd.choice(["com", "pl", "PL", "org", "test", "Local", "x", "c0", "xn--p1ai"])
        domain = rnd.choice(_PIECES) if rnd.random() < 0.3 else ".".join([*labels, tld])
        address = f"{local}@{domain}"
    elif roll < 0.85:
        address = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 4)))
    else:
        address = _random_text(rnd, 'aZ.@-_ \t"\\żß0\n', 20)
    if rnd.random() < 0.05:
        address = rnd.choice([" ", "<", "\n"]) + address + rnd.choice(["", " ", ">"])
    return address * (5 if rnd.random() < 0.03 else 1)


def _random_text(rnd: random.Random, alphabet: str, most: int) -> str:
    return "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, most)))


def _normalise_one_by_one(
    addresses: list[str],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    by_key: dict[str, str] = {}
    invalid: list[tuple[str, str]] = []
    for address in addresses:
        try:
            by_key.setdefault(normalise_address(address), address)
        except InvalidAddressError as exc:
            invalid.append((address, exc.problem))
    return list(by_key.items()), invalid


def _assert_same_as_one_by_one(batch: list[str]) -> None:
    by_key, invalid = normalise_many(batch)
    assert (list(by_key.items()), invalid) == _normalise_one_by_one(batch)


@pytest.mark.parametrize("seed", range(3))
def test_normalise_many_mixed_batch_matches_one_by_one(seed: int) -> None:
    rnd = random.Random(seed)
    pool = [_fuzzed_address(rnd) for _ in range(5_000)]
    batch = [
        rnd.choice(pool) if rnd.random() < 0.3 else _fuzzed_address(rnd) for _ in range(30_000)
    ]
    if seed % 2:
        batch = [address for address in batch if "\n" not in address]
    _assert_same_as_one_by_one(batch)


def test_normalise_many_each_address_alone_matches_one_by_one() -> None:
    # Single-address batches reach the whole-batch pattern on every plain address.
    rnd = random.Random(7)
    for _ in range(20_000):
        _assert_same_as_one_by_one([_fuzzed_address(rnd)])
        _assert_same_as_one_by_one([_plain_address(rnd)])


@pytest.mark.parametrize("seed", range(4))
def test_normalise_many_plain_batch_matches_one_by_one(seed: int) -> None:
    # Batches of mostly plain, lower-case addresses with duplicates, where one odd
    # address decides between the whole-batch pattern and the per-line scan.
    rnd = random.Random(100 + seed)
    batch = [_plain_address(rnd) for _ in range(20_000)]
    batch += batch[:500]
    assert _NORMAL_BATCH.fullmatch("\n".join(batch))
    for _ in range(seed * 3):
        batch.insert(rnd.randrange(len(batch)), _fuzzed_address(rnd))
    _assert_same_as_one_by_one(batch)


def _plain_address(rnd: random.Random) -> str:
    local = ".".join(_random_text(rnd, "abcX09+_-", 6) or "x" for _ in range(rnd.randint(1, 3)))
    label = rnd.choice(["d", "a-b", "x--1", "0"]) + str(rnd.randint(0, 50))
    return f"{local}@{label}.example.{rnd.choice(['com', 'pl', 'co'])}"


def test_normalise_many_empty_batch_is_empty() -> None:
    assert normalise_many([]) == ({}, [])
