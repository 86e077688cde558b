from ipaddress import ip_network

from blacklist_checks import (
    DnsTimeout,
    FakeResolver,
    SpfStatus,
    evaluate_spf,
)


def _txt(record: str) -> list[str]:
    return [record]


async def test_evaluate_spf_no_record_is_none() -> None:
    resolver = FakeResolver({("example.com", "TXT"): ["verification=abc"]})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.NONE
    assert not result.has_record
    assert result.lookup_count == 0


async def test_evaluate_spf_txt_timeout_is_temperror() -> None:
    resolver = FakeResolver({("example.com", "TXT"): DnsTimeout})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.TEMPERROR
    assert result.error is not None


async def test_evaluate_spf_expands_include_a_mx_with_sources() -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): _txt("v=spf1 a mx/30 include:_spf.example.com -all"),
            ("example.com", "A"): ["192.0.2.1"],
            ("example.com", "AAAA"): ["2001:db8::1"],
            ("example.com", "MX"): ["10 mx1.example.com.", "20 mx2.example.com."],
            ("mx1.example.com", "A"): ["192.0.2.8"],
            ("mx2.example.com", "A"): ["192.0.2.9"],
            ("_spf.example.com", "TXT"): _txt("v=spf1 ip4:203.0.113.0/24 ?ip4:198.51.100.1"),
        }
    )

    result = await evaluate_spf("example.com", resolver)

    found = {(str(item.network), item.source, item.qualifier) for item in result.networks}
    assert found == {
        ("192.0.2.1/32", "spf:a:example.com", "+"),
        ("2001:db8::1/128", "spf:a:example.com", "+"),
        ("192.0.2.8/30", "spf:mx:example.com", "+"),
        ("192.0.2.8/30", "spf:mx:example.com", "+"),
        ("203.0.113.0/24", "spf:include:_spf.example.com:ip4", "+"),
        ("198.51.100.1/32", "spf:include:_spf.example.com:ip4", "?"),
    }
    assert result.status is SpfStatus.VALID
    assert result.lookup_count == 3
    assert result.is_within_lookup_limit


async def test_evaluate_spf_eleven_lookups_is_permerror() -> None:
    includes = " ".join(f"include:i{index}.example.com" for index in range(11))
    answers: dict[tuple[str, str], list[str]] = {
        ("example.com", "TXT"): _txt(f"v=spf1 {includes} -all")
    }
    for index in range(11):
        answers[(f"i{index}.example.com", "TXT")] = _txt(f"v=spf1 ip4:192.0.2.{index}")

    result = await evaluate_spf("example.com", FakeResolver(answers))

    assert result.status is SpfStatus.PERMERROR
    assert result.lookup_count == 11
    assert not result.is_within_lookup_limit
    assert result.error is not None
    assert "too many DNS lookups" in result.error
    assert len(result.networks) == 10


async def test_evaluate_spf_third_void_lookup_is_permerror() -> None:
    record = "v=spf1 a:n1.example.com a:n2.example.com mx:n3.example.com -all"
    resolver = FakeResolver({("example.com", "TXT"): _txt(record)})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.PERMERROR
    assert result.void_lookup_count == 3
    assert result.error is not None
    assert "void" in result.error


async def test_evaluate_spf_two_void_lookups_allowed() -> None:
    record = "v=spf1 a:n1.example.com a:n2.example.com ip4:192.0.2.1 -all"
    resolver = FakeResolver({("example.com", "TXT"): _txt(record)})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.VALID
    assert result.void_lookup_count == 2


async def test_evaluate_spf_include_loop_is_permerror() -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): _txt("v=spf1 include:a.example.com -all"),
            ("a.example.com", "TXT"): _txt("v=spf1 include:example.com -all"),
        }
    )

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.PERMERROR
    assert result.error is not None
    assert "loop" in result.error


async def test_evaluate_spf_include_without_record_is_permerror() -> None:
    resolver = FakeResolver({("example.com", "TXT"): _txt("v=spf1 include:gone.example.com")})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.PERMERROR


async def test_evaluate_spf_all_ends_record_and_ignores_redirect() -> None:
    record = "v=spf1 -all ip4:192.0.2.1 redirect=_spf.example.com"
    resolver = FakeResolver({("example.com", "TXT"): _txt(record)})

    result = await evaluate_spf("example.com", resolver)

    assert result.networks == ()
    assert result.lookup_count == 0


async def test_evaluate_spf_redirect_followed() -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): _txt("v=spf1 redirect=_spf.%{d}"),
            ("_spf.example.com", "TXT"): _txt("v=spf1 ip4:192.0.2.7 -all"),
        }
    )

    result = await evaluate_spf("example.com", resolver)

    assert [str(item.network) for item in result.networks] == ["192.0.2.7/32"]
    assert result.networks[0].source == "spf:redirect:_spf.example.com:ip4"
    assert result.lookup_count == 1


async def test_evaluate_spf_multiple_records_is_permerror() -> None:
    resolver = FakeResolver({("example.com", "TXT"): ["v=spf1 -all", "v=spf1 a -all"]})

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.PERMERROR


async def test_evaluate_spf_sender_dependent_terms_counted_not_expanded() -> None:
    record = "v=spf1 exists:%{i}.x.example.com ptr ip4:192.0.2.1 -all"
    resolver = FakeResolver({("example.com", "TXT"): _txt(record)})

    result = await evaluate_spf("example.com", resolver)

    assert result.lookup_count == 2
    assert len(result.problems) == 2
    assert [item.network for item in result.networks] == [ip_network("192.0.2.1/32")]


async def test_evaluate_spf_null_mx_is_void() -> None:
    resolver = FakeResolver(
        {("example.com", "TXT"): _txt("v=spf1 mx -all"), ("example.com", "MX"): ["0 ."]}
    )

    result = await evaluate_spf("example.com", resolver)

    assert result.void_lookup_count == 1
    assert result.networks == ()


async def test_evaluate_spf_lookup_failure_inside_is_temperror() -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): _txt("v=spf1 a:slow.example.com ip4:192.0.2.1 -all"),
            ("slow.example.com", "A"): DnsTimeout,
        }
    )

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.TEMPERROR
    assert result.void_lookup_count == 0
    assert len(result.networks) == 1


async def test_evaluate_spf_include_txt_timeout_is_temperror() -> None:
    resolver = FakeResolver(
        {
            ("example.com", "TXT"): _txt("v=spf1 include:_spf.example.com -all"),
            ("_spf.example.com", "TXT"): DnsTimeout,
        }
    )

    result = await evaluate_spf("example.com", resolver)

    assert result.status is SpfStatus.TEMPERROR
    assert result.error is not None
    assert "_spf.example.com" in result.error
