"""`/v1/domains`: add, list, look up and remove monitored domains; check now; listings."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from api.app import create_app
from api.routes.domains import get_monitor
from reputation.monitoring.checks import Monitor
from reputation.settings import Settings
from tests.api.conftest import KeyFactory
from tests.conftest import FixedClock
from tests.reputation.monitoring.conftest import (
    LISTED_IP,
    MONITORED_DOMAIN,
    SPF_IP,
    Listings,
    SmtpSink,
    _rbldnsd,
    listings,
    make_monitored_tenant,
    monitor,
    smtp_sink,
)
from tests.reputation.monitoring.test_scheduler import ZONES_TOML, _runs
from tests.support.rbldnsd import RbldnsdServer

# Imported fixtures of the monitoring tests: rbldnsd, SMTP sink and the Monitor.
__all__ = ["_rbldnsd", "listings", "monitor", "smtp_sink"]

LISTING = f"{LISTED_IP} :127.0.0.2:Spam from $\n"


@pytest.fixture
def checked_app(app: FastAPI, monitor: Monitor) -> FastAPI:
    app.dependency_overrides[get_monitor] = lambda: monitor
    return app


async def _add(
    client: httpx.AsyncClient, headers: dict[str, str], **body: object
) -> httpx.Response:
    payload = {"domain": MONITORED_DOMAIN, "ips": [LISTED_IP], **body}
    return await client.post("/v1/domains", json=payload, headers=headers)


async def test_post_domain_normalises_and_returns_it(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")

    response = await _add(
        client,
        headers,
        domain="Mail.TEST.",
        ips=[LISTED_IP, "2001:DB8:0::10", LISTED_IP],
        alert_email="ops@example.com",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["domain"] == MONITORED_DOMAIN
    assert body["alert_email"] == "ops@example.com"
    assert body["sending_ips"] == [
        {"address": LISTED_IP, "sources": ["explicit"]},
        {"address": "2001:db8::10", "sources": ["explicit"]},
    ]
    assert body["last_checked_at"] is None


async def test_post_domain_twice_conflicts(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    headers = make_key(scope="write")

    await _add(client, headers)
    second = await _add(client, headers)

    assert second.status_code == 409


@pytest.mark.parametrize(
    "body",
    [
        {"domain": "localhost"},
        {"domain": "bad_label-.example.com"},
        {"domain": "example.com", "ips": ["192.0.2.0/24"]},
        {"domain": "example.com", "ips": ["not-an-ip"]},
    ],
)
async def test_post_domain_invalid_input_is_422(
    client: httpx.AsyncClient, make_key: KeyFactory, body: dict[str, object]
) -> None:
    response = await client.post("/v1/domains", json=body, headers=make_key(scope="write"))

    assert response.status_code == 422


async def test_post_domain_read_key_forbidden(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await _add(client, make_key(scope="read"))

    assert response.status_code == 403


async def test_get_domains_lists_only_own_tenant(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    acme = make_key("acme", scope="write")
    other = make_key("other", scope="write")
    await _add(client, acme)
    await _add(client, other, domain="example.com", ips=[])

    acme_list = (await client.get("/v1/domains", headers=acme)).json()
    other_one = await client.get(f"/v1/domains/{MONITORED_DOMAIN}", headers=other)

    assert [item["domain"] for item in acme_list["items"]] == [MONITORED_DOMAIN]
    assert other_one.status_code == 404


async def test_delete_domain_then_get_is_404(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key(scope="write")
    await _add(client, headers)

    deleted = await client.delete(f"/v1/domains/{MONITORED_DOMAIN}", headers=headers)
    again = await client.delete(f"/v1/domains/{MONITORED_DOMAIN}", headers=headers)
    got = await client.get(f"/v1/domains/{MONITORED_DOMAIN}", headers=headers)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert got.status_code == 404


async def test_post_check_returns_results_and_spf_ips(
    checked_app: FastAPI,
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    listings: Listings,
) -> None:
    headers = make_key(scope="write")
    await _add(client, headers)
    listings.set_ip_zone(LISTING)

    response = await client.post(f"/v1/domains/{MONITORED_DOMAIN}/checks", headers=headers)
    domain = (await client.get(f"/v1/domains/{MONITORED_DOMAIN}", headers=headers)).json()

    assert response.status_code == 200
    body = response.json()
    statuses = {(item["target"], item["zone"]): item["status"] for item in body["results"]}
    assert statuses == {
        (LISTED_IP, "mon.test"): "listed",
        (SPF_IP, "mon.test"): "not_listed",
        (MONITORED_DOMAIN, "dmon.test"): "not_listed",
    }
    assert body["alerts"] == []
    listed = next(item for item in body["results"] if item["status"] == "listed")
    assert listed["codes"] == ["127.0.0.2"]
    assert listed["txt"] == [f"Spam from {LISTED_IP}"]
    sources = {item["address"]: item["sources"] for item in domain["sending_ips"]}
    assert sources[LISTED_IP] == ["explicit"]
    assert sources[SPF_IP][0].startswith("spf")
    assert domain["last_checked_at"] is not None


async def test_post_check_second_listing_alerts(
    checked_app: FastAPI,
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    clock: FixedClock,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
) -> None:
    sink, _ = smtp_sink
    headers = make_key(scope="write")
    await _add(client, headers, alert_email="ops@example.com")
    listings.set_ip_zone(LISTING)
    first_seen = clock.now()

    first = await client.post(f"/v1/domains/{MONITORED_DOMAIN}/checks", headers=headers)
    clock.advance(minutes=30)
    second = await client.post(f"/v1/domains/{MONITORED_DOMAIN}/checks", headers=headers)
    listing = await client.get(f"/v1/domains/{MONITORED_DOMAIN}/listings", headers=headers)

    assert first.json()["alerts"] == []
    assert second.json()["alerts"] == ["listed"]
    assert len(sink.messages) == 1
    body = listing.json()
    current = {(item["target"], item["zone"]): item for item in body["current"]}
    listed = current[(LISTED_IP, "mon.test")]
    assert listed["status"] == "listed"
    assert listed["confirmed"] is True
    assert listed["confirmed_listings_this_year"] == 1
    assert listed["listed_since"] == first_seen.isoformat().replace("+00:00", "Z")
    assert current[(SPF_IP, "mon.test")]["listed_since"] is None
    assert current[(SPF_IP, "mon.test")]["confirmed_listings_this_year"] == 0
    assert len(body["episodes"]) == 1
    assert body["episodes"][0]["delisted_at"] is None
    assert body["episodes"][0]["listed_checks"] == 2


async def test_post_check_alert_in_tenant_language(
    checked_app: FastAPI,
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    clock: FixedClock,
    listings: Listings,
    smtp_sink: tuple[SmtpSink, int],
) -> None:
    sink, _ = smtp_sink
    headers = make_key(scope="admin")
    await client.patch("/v1/tenant", json={"language": "pl"}, headers=headers)
    await _add(client, headers, alert_email="ops@example.com")
    listings.set_ip_zone(LISTING)

    for _ in range(2):
        await client.post(f"/v1/domains/{MONITORED_DOMAIN}/checks", headers=headers)
        clock.advance(minutes=30)

    assert len(sink.messages) == 1
    body = sink.messages[0].get_content()
    assert "źródło spamu" in body
    assert "spam source" not in body


async def test_post_check_unmonitored_domain_is_404(
    checked_app: FastAPI, client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.post("/v1/domains/example.com/checks", headers=make_key(scope="write"))

    assert response.status_code == 404


async def test_get_listings_since_filters_episodes(
    checked_app: FastAPI,
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    clock: FixedClock,
    listings: Listings,
) -> None:
    headers = make_key(scope="write")
    await _add(client, headers)
    listings.set_ip_zone(LISTING)
    await client.post(f"/v1/domains/{MONITORED_DOMAIN}/checks", headers=headers)
    later = clock.now().replace(year=clock.now().year + 1)

    response = await client.get(
        f"/v1/domains/{MONITORED_DOMAIN}/listings",
        params={"since": later.isoformat()},
        headers=headers,
    )

    assert response.status_code == 200
    assert response.json()["episodes"] == []
    assert response.json()["current"] != []


async def test_app_lifespan_runs_scheduled_check(
    api_settings: Settings,
    clock: FixedClock,
    _rbldnsd: tuple[RbldnsdServer, Path],
    listings: Listings,
    tmp_path: Path,
) -> None:
    server, _ = _rbldnsd
    zones_file = tmp_path / "zones.toml"
    zones_file.write_text(ZONES_TOML, encoding="utf-8")
    settings = api_settings.model_copy(
        update={"dns_servers": [server.address], "dnsbl_zones_file": zones_file}
    )
    app = create_app(settings, clock=clock)
    make_monitored_tenant(app.state.session_factory, clock, alert_email=None)

    async with app.router.lifespan_context(app):
        # The first tick runs when the app starts, and the new domain is due at once.
        deadline = time.monotonic() + 10
        runs = []
        while time.monotonic() < deadline and not runs:
            await asyncio.sleep(0.05)
            runs = await asyncio.to_thread(_runs, app.state.session_factory)

    assert [run.trigger for run in runs] == ["schedule"]
    assert runs[0].domain == MONITORED_DOMAIN
