"""Tenant isolation: tenant B's admin key can neither read nor change tenant A's data.

`CASES` contains one check per API operation, and `test_isolation_cases_cover_every_route`
compares it with the operations in the OpenAPI schema, so an endpoint added without
an isolation check fails the suite.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.routes.domains import get_monitor
from api.routes.reputation import get_scoring_setup
from blacklist_checks import load_catalogue
from reputation.scoring.inputs import zone_weights
from reputation.scoring.service import ScoringSetup
from tests.api.conftest import KeyFactory
from tests.api.samples import make_dsn

#: Operations that need no API key and hold no tenant data.
PUBLIC_PATHS = frozenset({"/healthz", "/readyz"})
RFC822 = {"Content-Type": "message/rfc822"}
BOUNCED = "ola@example.org"
CONTACT = "jan@example.org"
DOMAIN = "mail.example.com"
#: The From domain of the bounced original in `make_dsn`, so tenant A has one hard bounce.
SENDING_DOMAIN = "example.com"


class _UnusedMonitor:
    """Stands in for the DNSBL monitor, which no cross-tenant request may reach."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"another tenant's request reached the DNSBL monitor ({name})")


@dataclass(frozen=True, slots=True)
class Tenants:
    client: httpx.AsyncClient
    a: dict[str, str]
    b: dict[str, str]
    a_message_id: int

    async def a_get(self, url: str, **params: str) -> httpx.Response:
        return await self.client.get(url, params=params, headers=self.a)


Check = Callable[[Tenants], Awaitable[None]]


async def _seed_tenant_a(client: httpx.AsyncClient, headers: dict[str, str]) -> int:
    posted = await client.post("/v1/messages", content=make_dsn(BOUNCED), headers=headers | RFC822)
    await client.put(f"/v1/contacts/{CONTACT}", json={"name": "Jan"}, headers=headers)
    await client.put(f"/v1/suppressions/{CONTACT}", json={"note": "by A"}, headers=headers)
    domain = {"domain": DOMAIN, "ips": ["192.0.2.10"], "alert_email": "ops@example.com"}
    await client.post("/v1/domains", json=domain, headers=headers)
    sends = {"from_domain": SENDING_DOMAIN, "count": 500}
    await client.post("/v1/sends", json=sends, headers=headers)
    await client.get(f"/v1/domains/{SENDING_DOMAIN}/reputation", headers=headers)
    message_id: int = posted.json()["message_id"]
    return message_id


@pytest.fixture
async def tenants(client: httpx.AsyncClient, make_key: KeyFactory, app: FastAPI) -> Tenants:
    app.dependency_overrides[get_monitor] = _UnusedMonitor
    # No resolver, so scoring reads only the database and never queries DNS.
    setup = ScoringSetup(zone_weights(load_catalogue()), None)
    app.dependency_overrides[get_scoring_setup] = lambda: setup
    a = make_key(tenant="alpha", scope="admin")
    b = make_key(tenant="beta", scope="admin")
    return Tenants(client, a, b, await _seed_tenant_a(client, a))


async def _a_suppressions(t: Tenants) -> list[tuple[str, str, str | None]]:
    page = (await t.a_get("/v1/suppressions")).json()
    return sorted((s["address"], s["stream"], s["note"]) for s in page["items"])


A_SUPPRESSIONS = [(CONTACT, "*", "by A"), (BOUNCED, "*", None)]


async def _post_message(t: Tenants) -> None:
    response = await t.client.post("/v1/messages", content=make_dsn(BOUNCED), headers=t.b | RFC822)

    assert response.status_code == 201
    assert response.json()["duplicate"] is False
    assert response.json()["message_id"] != t.a_message_id


async def _list_suppressions(t: Tenants) -> None:
    response = await t.client.get("/v1/suppressions", headers=t.b)

    assert response.status_code == 200
    assert response.json()["items"] == []


async def _export_suppressions(t: Tenants) -> None:
    response = await t.client.get("/v1/suppressions.csv", headers=t.b)

    assert response.text.strip().splitlines() == ["address,stream,source,reason,since"]


async def _get_suppression(t: Tenants) -> None:
    response = await t.client.get(f"/v1/suppressions/{CONTACT}", headers=t.b)

    assert response.status_code == 404


async def _put_suppression(t: Tenants) -> None:
    response = await t.client.put(f"/v1/suppressions/{CONTACT}", json={"note": "by B"}, headers=t.b)
    fresh = await t.client.put("/v1/suppressions/new@example.org", headers=t.b)

    assert response.json()["note"] == "by B"
    assert fresh.status_code == 200
    assert await _a_suppressions(t) == A_SUPPRESSIONS


async def _delete_suppression(t: Tenants) -> None:
    response = await t.client.delete(f"/v1/suppressions/{CONTACT}", headers=t.b)

    assert response.status_code == 404
    assert await _a_suppressions(t) == A_SUPPRESSIONS


async def _import_contacts(t: Tenants) -> None:
    response = await t.client.post(
        "/v1/contacts/import",
        content=f"{CONTACT},x-1,Mallory\n".encode(),
        headers=t.b | {"Content-Type": "text/csv"},
    )
    contact = (await t.a_get(f"/v1/contacts/{CONTACT}")).json()["contact"]

    assert response.json()["created"] == 1
    assert contact["name"] == "Jan"
    assert contact["external_id"] is None


async def _put_contact(t: Tenants) -> None:
    response = await t.client.put(f"/v1/contacts/{CONTACT}", json={"name": "Mallory"}, headers=t.b)
    contact = (await t.a_get(f"/v1/contacts/{CONTACT}")).json()["contact"]

    assert response.status_code == 201
    assert contact["name"] == "Jan"


async def _list_contacts(t: Tenants) -> None:
    for status in (None, "active", "suppressed"):
        params = {"status": status} if status else {}
        response = await t.client.get("/v1/contacts", params=params, headers=t.b)
        assert response.json()["items"] == [], status


async def _export_contacts(t: Tenants) -> None:
    for status in ("active", "suppressed"):
        response = await t.client.get("/v1/contacts.csv", params={"status": status}, headers=t.b)
        assert response.text.strip().splitlines() == ["address,external_id,name"], status


async def _get_contact(t: Tenants) -> None:
    for address in (CONTACT, BOUNCED):
        response = await t.client.get(f"/v1/contacts/{address}", headers=t.b)
        assert response.status_code == 404, address


async def _send_check(t: Tenants) -> None:
    body = {"from_domain": "example.com", "recipients": [CONTACT, BOUNCED]}

    response = await t.client.post("/v1/send-check", json=body, headers=t.b)
    a_result = (await t.client.post("/v1/send-check", json=body, headers=t.a)).json()

    assert response.json()["allowed"] == [CONTACT, BOUNCED]
    assert a_result["allowed"] == []


async def _get_tenant(t: Tenants) -> None:
    response = await t.client.get("/v1/tenant", headers=t.b)

    assert response.json()["name"] == "beta"


async def _patch_tenant(t: Tenants) -> None:
    patch = {"language": "pl", "complaint_scope": "all", "rotate_webhook_secret": True}

    response = await t.client.patch("/v1/tenant", json=patch, headers=t.b)
    a_tenant = (await t.a_get("/v1/tenant")).json()

    assert response.json()["name"] == "beta"
    assert (a_tenant["name"], a_tenant["language"], a_tenant["complaint_scope"]) == (
        "alpha",
        "en",
        "stream",
    )
    assert a_tenant["has_webhook_secret"] is False


async def _post_stream(t: Tenants) -> None:
    response = await t.client.post("/v1/streams", json={"name": "invoices"}, headers=t.b)
    a_tenant = (await t.a_get("/v1/tenant")).json()

    assert response.status_code == 201
    assert a_tenant["streams"] == ["marketing", "transactional"]


async def _a_domain(t: Tenants) -> dict[str, object]:
    response = await t.a_get(f"/v1/domains/{DOMAIN}")
    assert response.status_code == 200
    body: dict[str, object] = response.json()
    return body


async def _post_domain(t: Tenants) -> None:
    body = {"domain": DOMAIN, "ips": ["198.51.100.7"], "alert_email": "b@example.net"}

    response = await t.client.post("/v1/domains", json=body, headers=t.b)
    a_domain = await _a_domain(t)

    assert response.status_code == 201
    assert a_domain["alert_email"] == "ops@example.com"
    assert a_domain["sending_ips"] == [{"address": "192.0.2.10", "sources": ["explicit"]}]


async def _list_domains(t: Tenants) -> None:
    response = await t.client.get("/v1/domains", headers=t.b)

    assert response.json()["items"] == []


async def _b_gets_404(t: Tenants, method: str, url: str) -> None:
    response = await t.client.request(method, url, headers=t.b)

    assert response.status_code == 404
    assert (await _a_domain(t))["domain"] == DOMAIN


async def _get_domain(t: Tenants) -> None:
    await _b_gets_404(t, "GET", f"/v1/domains/{DOMAIN}")


async def _delete_domain(t: Tenants) -> None:
    await _b_gets_404(t, "DELETE", f"/v1/domains/{DOMAIN}")


async def _check_domain(t: Tenants) -> None:
    await _b_gets_404(t, "POST", f"/v1/domains/{DOMAIN}/checks")


async def _domain_listings(t: Tenants) -> None:
    await _b_gets_404(t, "GET", f"/v1/domains/{DOMAIN}/listings")


def _hard_bounce_window(body: dict[str, Any]) -> tuple[object, object]:
    component = next(c for c in body["components"] if c["key"] == "hard_bounce_rate")
    return component["params"]["volume"], component["params"]["events"]


async def _get_reputation(t: Tenants) -> None:
    url = f"/v1/domains/{SENDING_DOMAIN}/reputation"

    b_body = (await t.client.get(url, headers=t.b)).json()
    a_body = (await t.a_get(url)).json()

    assert _hard_bounce_window(b_body) == (0, 0)
    assert _hard_bounce_window(a_body) == (500, 1)


async def _reputation_history(t: Tenants) -> None:
    url = f"/v1/domains/{SENDING_DOMAIN}/reputation/history"

    b_history = (await t.client.get(url, headers=t.b)).json()
    a_history = (await t.a_get(url)).json()

    assert b_history["snapshots"] == []
    assert len(a_history["snapshots"]) == 1


async def _post_sends(t: Tenants) -> None:
    body = {"from_domain": SENDING_DOMAIN, "count": 9000}

    response = await t.client.post("/v1/sends", json=body, headers=t.b)
    a_body = (await t.a_get(f"/v1/domains/{SENDING_DOMAIN}/reputation")).json()

    assert response.json()["recipients"] == 9000
    assert _hard_bounce_window(a_body) == (500, 1)


async def _post_deliveries(t: Tenants) -> None:
    body = {"recipients": [BOUNCED, CONTACT]}

    response = await t.client.post("/v1/deliveries", json=body, headers=t.b)

    assert response.json()["reset"] == []
    assert response.json()["lifted"] == []


CASES: dict[tuple[str, str], Check] = {
    ("POST", "/v1/messages"): _post_message,
    ("GET", "/v1/suppressions"): _list_suppressions,
    ("GET", "/v1/suppressions.csv"): _export_suppressions,
    ("GET", "/v1/suppressions/{address}"): _get_suppression,
    ("PUT", "/v1/suppressions/{address}"): _put_suppression,
    ("DELETE", "/v1/suppressions/{address}"): _delete_suppression,
    ("POST", "/v1/contacts/import"): _import_contacts,
    ("PUT", "/v1/contacts/{address}"): _put_contact,
    ("GET", "/v1/contacts"): _list_contacts,
    ("GET", "/v1/contacts.csv"): _export_contacts,
    ("GET", "/v1/contacts/{address}"): _get_contact,
    ("POST", "/v1/send-check"): _send_check,
    ("GET", "/v1/tenant"): _get_tenant,
    ("PATCH", "/v1/tenant"): _patch_tenant,
    ("POST", "/v1/streams"): _post_stream,
    ("POST", "/v1/domains"): _post_domain,
    ("GET", "/v1/domains"): _list_domains,
    ("GET", "/v1/domains/{domain}"): _get_domain,
    ("DELETE", "/v1/domains/{domain}"): _delete_domain,
    ("POST", "/v1/domains/{domain}/checks"): _check_domain,
    ("GET", "/v1/domains/{domain}/listings"): _domain_listings,
    ("GET", "/v1/domains/{domain}/reputation"): _get_reputation,
    ("GET", "/v1/domains/{domain}/reputation/history"): _reputation_history,
    ("POST", "/v1/sends"): _post_sends,
    ("POST", "/v1/deliveries"): _post_deliveries,
}


async def test_isolation_cases_cover_every_route(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operations = {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        if path not in PUBLIC_PATHS
        for method in item
    }

    assert operations - CASES.keys() == set(), "add an isolation check for these routes"
    assert CASES.keys() - operations == set(), "these checked routes no longer exist"


@pytest.mark.parametrize("operation", list(CASES), ids=lambda op: f"{op[0]} {op[1]}")
async def test_isolation_tenant_b_cannot_reach_a(
    tenants: Tenants, operation: tuple[str, str]
) -> None:
    await CASES[operation](tenants)

    assert await _a_suppressions(tenants) == A_SUPPRESSIONS
