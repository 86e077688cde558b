"""Blocklist scoring by zone weight."""

from __future__ import annotations

from blacklist_checks import load_catalogue
from reputation.scoring.inputs import zone_weights
from reputation.scoring.listings import Listing, score_listings
from reputation.scoring.types import ComponentStatus, Verdict

WEIGHTS = zone_weights(load_catalogue())


def test_score_listings_none_is_ok() -> None:
    component = score_listings([], WEIGHTS, checked=True)
    assert component.status is ComponentStatus.OK
    assert component.points == 0


def test_score_listings_spamhaus_zen_holds() -> None:
    component = score_listings(
        [Listing("192.0.2.10", "zen.spamhaus.org", True)], WEIGHTS, checked=True
    )
    assert component.verdict is Verdict.HOLD
    assert component.points == -30


def test_score_listings_minor_zone_costs_less_than_major() -> None:
    minor = score_listings(
        [Listing("192.0.2.10", "dnsbl-3.uceprotect.net", True)], WEIGHTS, checked=True
    )
    major = score_listings([Listing("192.0.2.10", "bl.spamcop.net", True)], WEIGHTS, checked=True)
    assert major.points < minor.points < 0
    assert minor.verdict is Verdict.SEND
    assert major.verdict is Verdict.THROTTLE


def test_score_listings_unconfirmed_widens_range_only() -> None:
    component = score_listings(
        [Listing("192.0.2.10", "zen.spamhaus.org", False)], WEIGHTS, checked=True
    )
    assert component.points == 0
    assert component.points_low == -30
    assert component.verdict is Verdict.SEND


def test_score_listings_points_are_capped() -> None:
    zones = ["zen.spamhaus.org", "dbl.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org"]
    component = score_listings(
        [Listing("example.com", zone, True) for zone in zones], WEIGHTS, checked=True
    )
    assert component.points == -60


def test_zone_weights_leave_out_allowlists() -> None:
    assert "list.dnswl.org" not in WEIGHTS
    assert WEIGHTS["zen.spamhaus.org"] == 10


def test_score_listings_never_checked_is_unknown_full_range() -> None:
    component = score_listings([], WEIGHTS, checked=False)
    assert component.status is ComponentStatus.UNKNOWN
    assert (component.points_low, component.points, component.points_high) == (-60, -30, 0)
    assert component.verdict is Verdict.SEND
    assert component.reason == "blocklists_not_checked"


def test_score_listings_never_checked_with_listing_scores_listing() -> None:
    listing = Listing("192.0.2.10", "zen.spamhaus.org", True)
    component = score_listings([listing], WEIGHTS, checked=False)
    assert component.status is ComponentStatus.CRITICAL
    assert component.points == -30
