"""Address normalisation and the regex fast path that must agree with email-validator."""

from __future__ import annotations

import email_validator
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reputation.addresses import (
    _normalise_plain,
    normalise_address,
    normalise_domain,
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
