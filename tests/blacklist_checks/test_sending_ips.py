from ipaddress import ip_network

import pytest

from blacklist_checks import SpfNetwork, SpfResult, SpfStatus, collect_sending_ips


def _spf(*networks: tuple[str, str, str]) -> SpfResult:
    return SpfResult(
        domain="example.com",
        status=SpfStatus.VALID,
        record="v=spf1 ...",
        lookup_count=0,
        void_lookup_count=0,
        networks=tuple(
            SpfNetwork(ip_network(network), source, qualifier)
            for network, source, qualifier in networks
        ),
        problems=(),
    )


def test_collect_sending_ips_explicit_first_and_merged_sources() -> None:
    spf = _spf(("192.0.2.1/32", "spf:ip4", "+"), ("192.0.2.2/32", "spf:a:example.com", "+"))

    ips = collect_sending_ips(["192.0.2.2"], spf)

    assert [(item.address, item.sources) for item in ips.addresses] == [
        ("192.0.2.2", ("explicit", "spf:a:example.com")),
        ("192.0.2.1", ("spf:ip4",)),
    ]


def test_collect_sending_ips_small_ipv4_network_expanded() -> None:
    ips = collect_sending_ips([], _spf(("192.0.2.64/30", "spf:ip4", "+")))

    assert [item.address for item in ips.addresses] == [
        "192.0.2.64",
        "192.0.2.65",
        "192.0.2.66",
        "192.0.2.67",
    ]
    assert ips.uncheckable == ()


@pytest.mark.parametrize("network", ["192.0.2.0/29", "198.51.100.0/24", "2001:db8::/127"])
def test_collect_sending_ips_large_network_uncheckable(network: str) -> None:
    ips = collect_sending_ips([], _spf((network, "spf:include:_spf.example.com:ip4", "+")))

    assert ips.addresses == ()
    (skipped,) = ips.uncheckable
    assert skipped.network == network
    assert skipped.source == "spf:include:_spf.example.com:ip4"
    assert "addresses" in skipped.reason


def test_collect_sending_ips_ipv6_single_address_checked() -> None:
    ips = collect_sending_ips([], _spf(("2001:db8::10/128", "spf:ip6", "+")))

    assert [item.address for item in ips.addresses] == ["2001:db8::10"]


def test_collect_sending_ips_non_pass_qualifiers_ignored() -> None:
    spf = _spf(
        ("192.0.2.1/32", "spf:ip4", "-"),
        ("192.0.2.2/32", "spf:ip4", "~"),
        ("192.0.2.3/32", "spf:ip4", "?"),
    )

    assert collect_sending_ips([], spf).addresses == ()


def test_collect_sending_ips_explicit_network_raises() -> None:
    with pytest.raises(ValueError, match="single addresses"):
        collect_sending_ips(["192.0.2.0/24"], None)


def test_collect_sending_ips_explicit_garbage_raises() -> None:
    with pytest.raises(ValueError):
        collect_sending_ips(["mail.example.com"], None)
