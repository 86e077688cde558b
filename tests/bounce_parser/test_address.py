"""Address normalisation as reports write recipients."""

from __future__ import annotations

import pytest

from bounce_parser.address import find_addresses, normalise_address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("rfc822; User@EXAMPLE.com", "User@example.com"),
        ("RFC822;<user@example.com>", "user@example.com"),
        ("utf-8; jürgen@Bücher.example", "jürgen@bücher.example"),
        ("utf-8; j\\x{FC}rgen@b\\x{FC}cher.example", "jürgen@bücher.example"),
        ('"Jan Kowalski" <jan.kowalski@Example.PL>', "jan.kowalski@example.pl"),
        ("'user@example.com'", "user@example.com"),
        ("user@example.com.", "user@example.com"),
        ('"john doe"@example.com', '"john doe"@example.com'),
        ("  <a+tag@sub.example.com>  ", "a+tag@sub.example.com"),
    ],
)
def test_normalise_address_forms_return_normal_form(value: str, expected: str) -> None:
    assert normalise_address(value) == expected


@pytest.mark.parametrize("value", [None, "", "undisclosed-recipients:;", "rfc822; <>"])
def test_normalise_address_without_address_is_none(value: str | None) -> None:
    assert normalise_address(value) is None


def test_normalise_address_huge_input_is_bounded() -> None:
    assert normalise_address("x" * 5_000_000 + "@example.com") is None


def test_find_addresses_returns_distinct_in_order() -> None:
    text = "<a@Example.com>: rejected; b@example.com, a@example.com"
    assert find_addresses(text) == ["a@example.com", "b@example.com"]
