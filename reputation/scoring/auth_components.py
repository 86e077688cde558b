"""Score the DNS authentication facts of a domain and its IPs: pure functions.

`None` in place of the facts means DNS was not checked (no DNS server configured), which
gives the input's whole range rather than a pass. A lookup that failed does the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from blacklist_checks import MAX_DNS_LOOKUPS, SpfResult, SpfStatus
from reputation.scoring import limits
from reputation.scoring.dns_auth import DmarcFacts, FcrdnsFacts, LookupState, MxFacts
from reputation.scoring.types import Component, ComponentKey, ComponentStatus, Param, Verdict


def _unknown(key: ComponentKey, worst: float, reason: str, **params: Param) -> Component:
    return Component(
        key, ComponentStatus.UNKNOWN, -worst / 2, -worst, 0.0, Verdict.SEND, reason, dict(params)
    )


def _ok(key: ComponentKey, reason: str, **params: Param) -> Component:
    return Component(key, ComponentStatus.OK, 0.0, 0.0, 0.0, Verdict.SEND, reason, dict(params))


def _fault(
    key: ComponentKey, points: float, verdict: Verdict, reason: str, **params: Param
) -> Component:
    status = ComponentStatus.CRITICAL if verdict is Verdict.HOLD else ComponentStatus.WARNING
    return Component(key, status, -points, -points, -points, verdict, reason, dict(params))


def score_spf(spf: SpfResult | None) -> Component:
    """Score SPF: missing or broken (a permerror, e.g. over 10 lookups) throttles."""
    key, points = ComponentKey.SPF, limits.SPF_MISSING_POINTS
    if spf is None:
        return _unknown(key, points, "dns_not_checked")
    if spf.status is SpfStatus.TEMPERROR:
        return _unknown(key, points, "lookup_failed")
    if spf.status is SpfStatus.NONE:
        return _fault(key, points, Verdict.THROTTLE, "spf_missing")
    if spf.status is SpfStatus.PERMERROR:
        return _fault(
            key,
            points,
            Verdict.THROTTLE,
            "spf_permerror",
            lookups=spf.lookup_count,
            limit=MAX_DNS_LOOKUPS,
            error=spf.error or "",
        )
    return _ok(key, "spf_ok", lookups=spf.lookup_count, limit=MAX_DNS_LOOKUPS)


def score_dmarc(dmarc: DmarcFacts | None, daily_volume: int) -> Component:
    """Score DMARC: p=quarantine or reject is best; missing throttles a bulk sender."""
    key, points = ComponentKey.DMARC, limits.DMARC_MISSING_POINTS
    if dmarc is None:
        return _unknown(key, points, "dns_not_checked")
    if dmarc.state is LookupState.FAILED:
        return _unknown(key, points, "lookup_failed")
    if dmarc.state is not LookupState.PRESENT:
        is_bulk = daily_volume >= limits.BULK_SENDER_DAILY_VOLUME
        verdict = Verdict.THROTTLE if is_bulk else Verdict.SEND
        reason = "dmarc_missing_bulk" if is_bulk else "dmarc_missing"
        return _fault(key, points, verdict, reason, volume=daily_volume)
    if dmarc.policy == "none":
        return _fault(key, limits.DMARC_NONE_POINTS, Verdict.SEND, "dmarc_none")
    return _ok(key, "dmarc_enforced", policy=dmarc.policy or "")


def score_mx(mx: MxFacts | None) -> Component:
    """Score MX: a domain that cannot receive mail cannot receive its bounces or replies."""
    key, points = ComponentKey.MX, limits.MX_MISSING_POINTS
    if mx is None:
        return _unknown(key, points, "dns_not_checked")
    if mx.state is LookupState.FAILED:
        return _unknown(key, points, "lookup_failed")
    if mx.state is not LookupState.PRESENT:
        return _fault(key, points, Verdict.SEND, "mx_null" if mx.is_null else "mx_missing")
    return _ok(key, "mx_ok", hosts=", ".join(mx.hosts))


def score_fcrdns_domain(facts: Sequence[FcrdnsFacts] | None) -> Component:
    """Score the FCrDNS of a domain's sending IPs: each failing IP costs points."""
    key = ComponentKey.FCRDNS
    per_ip, cap = limits.FCRDNS_DOMAIN_POINTS_PER_IP, limits.FCRDNS_DOMAIN_MAX_POINTS
    if facts is None:
        return _unknown(key, cap, "dns_not_checked")
    if not facts:
        return _ok(key, "no_sending_ips")
    failing = [item.address for item in facts if item.state in _BROKEN]
    unknown = [item.address for item in facts if item.state is LookupState.FAILED]
    sure = -min(cap, per_ip * len(failing))
    worst = -min(cap, per_ip * (len(failing) + len(unknown)))
    if failing:
        status = ComponentStatus.WARNING
        return Component(
            key,
            status,
            sure,
            worst,
            sure,
            Verdict.THROTTLE,
            "fcrdns_failing",
            {"ips": ", ".join(failing)},
        )
    if unknown:
        return Component(
            key, ComponentStatus.UNKNOWN, worst / 2, worst, 0.0, Verdict.SEND, "lookup_failed"
        )
    return _ok(key, "fcrdns_ok", count=len(facts))


def score_fcrdns_ip(facts: FcrdnsFacts | None) -> Component:
    """Score one IP's FCrDNS: Gmail requires PTR records, and FCrDNS confirms them."""
    key, points = ComponentKey.FCRDNS, limits.FCRDNS_IP_POINTS
    if facts is None:
        return _unknown(key, points, "dns_not_checked")
    if facts.state is LookupState.FAILED:
        return _unknown(key, points, "lookup_failed")
    if facts.state is LookupState.MISSING:
        return _fault(key, points, Verdict.THROTTLE, "ptr_missing", ip=facts.address)
    if facts.state is LookupState.INVALID:
        names = ", ".join(facts.ptr_names)
        return _fault(key, points, Verdict.THROTTLE, "ptr_mismatch", ip=facts.address, ptr=names)
    return _ok(key, "ptr_ok", ip=facts.address, ptr=", ".join(facts.ptr_names))


_BROKEN = (LookupState.MISSING, LookupState.INVALID)
