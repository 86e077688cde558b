import pytest

from blacklist_checks import SpfSyntaxError, parse_spf_record
from blacklist_checks.spf_record import Mechanism, expand_domain_spec, is_spf_record


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v=spf1", True),
        ("V=SPF1 -all", True),
        ("v=spf10 -all", False),
        ("google-site-verification=abc", False),
    ],
)
def test_is_spf_record_needs_exact_version(text: str, expected: bool) -> None:
    assert is_spf_record(text) is expected


def test_parse_spf_record_mechanisms_in_order() -> None:
    record = parse_spf_record(
        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all"
    )

    assert record.mechanisms == (
        Mechanism("+", "ip4", "192.0.2.0/24"),
        Mechanism("+", "ip6", "2001:db8::/32"),
        Mechanism("+", "include", "_spf.example.com"),
        Mechanism("~", "all"),
    )
    assert record.redirect is None


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("a", Mechanism("+", "a")),
        ("-a:mail.example.com", Mechanism("-", "a", "mail.example.com")),
        ("a/24", Mechanism("+", "a", None, 24)),
        ("a//64", Mechanism("+", "a", None, None, 64)),
        ("mx:example.com/28//64", Mechanism("+", "mx", "example.com", 28, 64)),
        ("?ptr:example.com", Mechanism("?", "ptr", "example.com")),
        ("exists:%{i}.x.example.com", Mechanism("+", "exists", "%{i}.x.example.com")),
    ],
)
def test_parse_spf_record_a_mx_ptr_forms(term: str, expected: Mechanism) -> None:
    assert parse_spf_record(f"v=spf1 {term}").mechanisms == (expected,)


def test_parse_spf_record_redirect_and_exp_modifiers() -> None:
    record = parse_spf_record("v=spf1 mx redirect=_spf.example.com exp=why.example.com x-y=z")

    assert record.redirect == "_spf.example.com"
    assert [mechanism.name for mechanism in record.mechanisms] == ["mx"]


@pytest.mark.parametrize(
    "text",
    [
        "v=spf1 frobnicate",
        "v=spf1 a/33",
        "v=spf1 mx//129",
        "v=spf1 ip4",
        "v=spf1 include",
        "v=spf1 all:x",
        "v=spf1 ptr/24",
        "v=spf1 redirect=a.example.com redirect=b.example.com",
        "not spf",
    ],
)
def test_parse_spf_record_invalid_raises(text: str) -> None:
    with pytest.raises(SpfSyntaxError):
        parse_spf_record(text)


def test_expand_domain_spec_sender_free_macros() -> None:
    assert expand_domain_spec("_spf.%{d}", "example.com", "example.com") == "_spf.example.com"
    assert expand_domain_spec("%{o}.x.test", "a.example.com", "example.com") == "example.com.x.test"


def test_expand_domain_spec_sender_macro_not_expandable() -> None:
    assert expand_domain_spec("%{i}._spf.example.com", "example.com", "example.com") is None
    assert expand_domain_spec("%{d2}.example.com", "example.com", "example.com") is None
