"""`/v1/domains/{domain}/reputation`, its history and `POST /v1/sends`, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from api.cli import main
from api.routes.reputation import get_scoring_setup, pick_language
from blacklist_checks import load_catalogue
from reputation.db import create_db_engine, create_session_factory, session_scope
from reputation.models import Tenant
from reputation.scoring.inputs import zone_weights
from reputation.scoring.service import ScoringSetup
from reputation.settings import get_settings
from reputation.tenants import create_tenant, get_tenant
from tests.api.cli_support import cli_db, cli_env
from tests.api.conftest import KeyFactory
from tests.api.samples import make_dsn
from tests.conftest import FixedClock
from tests.reputation.scoring.history import good_resolver, mark_checked
from tests.reputation.scoring.test_dns_auth import GOOD_ZONE, REVERSE_ZONE
from tests.reputation.scoring.zone_server import ZoneServer

__all__ = ["cli_db", "cli_env"]

RFC822 = {"Content-Type": "message/rfc822"}
URL = "/v1/domains/example.com/reputation"


@pytest.fixture(autouse=True)
def _fake_dns(app: FastAPI) -> None:
    setup = ScoringSetup(zone_weights(load_catalogue()), good_resolver())
    app.dependency_overrides[get_scoring_setup] = lambda: setup


async def _bounce(client: httpx.AsyncClient, headers: dict[str, str], count: int) -> None:
    for index in range(count):
        response = await client.post(
            "/v1/messages", content=make_dsn(f"gone{index}@example.org"), headers=headers | RFC822
        )
        assert response.status_code == 201


def _component(body: dict, key: str) -> dict:
    return next(item for item in body["components"] if item["key"] == key)


def _mark_checked(app: FastAPI, clock: FixedClock) -> None:
    """Record a clean blocklist check of example.com for the tenant `make_key` created."""
    with session_scope(app.state.session_factory) as session:
        tenant = get_tenant(session, name="acme")
        mark_checked(session, tenant, "example.com", clock)


@pytest.fixture
def _no_dns(app: FastAPI) -> None:
    setup = ScoringSetup(zone_weights(load_catalogue()), None)
    app.dependency_overrides[get_scoring_setup] = lambda: setup


@pytest.mark.usefixtures("_no_dns")
async def test_reputation_nothing_known_sends_wide_range(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get(URL, headers=make_key(scope="read"))

    body = response.json()
    assert response.status_code == 200
    assert (body["verdict"], body["confidence"]) == ("send", "low")
    assert (body["score_low"], body["score_high"]) == (0.0, 100.0)
    for key in ("spf", "dmarc", "mx", "fcrdns"):
        assert (_component(body, key)["status"], _component(body, key)["reason_code"]) == (
            "unknown",
            "dns_not_checked",
        )
    blocklists = _component(body, "blocklists")
    assert (blocklists["status"], blocklists["reason_code"]) == (
        "unknown",
        "blocklists_not_checked",
    )


@pytest.mark.usefixtures("_no_dns")
@pytest.mark.parametrize(
    ("language", "spf_reason", "blocklist_reason"),
    [
        (
            "en",
            "SPF: Unknown: DNS not configured (MAILREP_DNS_SERVERS), not checked.",
            "Blocklists: Unknown: no blocklist check has run for the domain yet",
        ),
        (
            "pl",
            "SPF: Nieznane: DNS nieskonfigurowany (MAILREP_DNS_SERVERS), nie sprawdzono.",
            "Czarne listy: Nieznane: domena nie była jeszcze sprawdzana na czarnych listach",
        ),
    ],
)
async def test_reputation_no_dns_reasons_localised(
    client: httpx.AsyncClient,
    make_key: KeyFactory,
    language: str,
    spf_reason: str,
    blocklist_reason: str,
) -> None:
    headers = make_key(scope="read") | {"Accept-Language": language}

    body = (await client.get(URL, headers=headers)).json()

    assert body["language"] == language
    assert _component(body, "spf")["reason"] == spf_reason
    assert _component(body, "blocklists")["reason"].startswith(blocklist_reason)


@pytest.mark.usefixtures("_no_dns")
async def test_send_check_new_domain_without_dns_sends(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    body = {"from_domain": "example.com", "recipients": ["jan@example.org"]}

    response = await client.post("/v1/send-check", json=body, headers=make_key())

    assert response.status_code == 200
    assert response.json()["reputation"]["verdict"] == "send"
    assert response.json()["reputation"]["confidence"] == "low"


async def test_reputation_no_volume_is_range(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get(URL, headers=make_key(scope="read"))

    body = response.json()
    assert response.status_code == 200
    assert body["score"] < 100
    assert body["score_low"] < body["score"] < body["score_high"]
    assert body["confidence"] == "low"
    assert _component(body, "complaint_rate")["status"] == "not_enough_volume"
    assert "Not enough volume" in _component(body, "complaint_rate")["reason"]


async def test_reputation_clean_volume_is_high_send(
    client: httpx.AsyncClient, make_key: KeyFactory, app: FastAPI, clock: FixedClock
) -> None:
    headers = make_key()
    await client.post(
        "/v1/sends", json={"from_domain": "example.com", "count": 50_000}, headers=headers
    )
    _mark_checked(app, clock)

    body = (await client.get(URL, headers=headers)).json()

    assert (body["level"], body["verdict"], body["confidence"]) == ("high", "send", "high")
    assert body["ips"][0]["target"] == "192.0.2.10"
    assert _component(body, "dmarc")["reason"] == "DMARC: DMARC policy p=reject."


async def test_reputation_hard_bounces_throttle(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key()
    await client.post(
        "/v1/sends", json={"from_domain": "example.com", "count": 1000}, headers=headers
    )
    await _bounce(client, headers, 60)

    body = (await client.get(URL, headers=headers)).json()

    bounce = _component(body, "hard_bounce_rate")
    assert bounce["status"] == "warning"
    assert bounce["params"]["events"] == 60
    assert body["verdict"] == "throttle"


async def test_reputation_accept_language_polish(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key() | {"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}

    body = (await client.get(URL, headers=headers)).json()

    assert body["language"] == "pl"
    assert "Za mały wolumen" in _component(body, "complaint_rate")["reason"]


async def test_reputation_default_is_tenant_language(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    headers = make_key()
    await client.patch("/v1/tenant", json={"language": "pl"}, headers=headers)

    body = (await client.get(URL, headers=headers)).json()

    assert body["language"] == "pl"
    assert body["verdict_text"].startswith(("Wysyłaj", "Ogranicz", "Wstrzymaj"))


async def test_reputation_without_key_is_401(client: httpx.AsyncClient) -> None:
    assert (await client.get(URL)).status_code == 401


async def test_reputation_invalid_domain_is_rejected(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    response = await client.get("/v1/domains/not a domain/reputation", headers=make_key())
    assert response.status_code == 400


async def test_reputation_other_tenant_data_not_counted(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    a, b = make_key(tenant="alpha"), make_key(tenant="beta")
    await client.post("/v1/sends", json={"from_domain": "example.com", "count": 1000}, headers=a)
    await client.post("/v1/sends", json={"from_domain": "example.com", "count": 1000}, headers=b)
    await _bounce(client, b, 60)

    a_body = (await client.get(URL, headers=a)).json()
    b_body = (await client.get(URL, headers=b)).json()

    assert _component(a_body, "hard_bounce_rate")["params"]["events"] == 0
    assert _component(b_body, "hard_bounce_rate")["params"]["events"] == 60


async def test_history_one_snapshot_per_hour(
    client: httpx.AsyncClient, make_key: KeyFactory, clock: FixedClock
) -> None:
    headers = make_key()
    await client.get(URL, headers=headers)
    clock.advance(minutes=30)
    await client.get(URL, headers=headers)
    clock.advance(minutes=31)
    await client.get(URL, headers=headers)

    history = (await client.get(f"{URL}/history", headers=headers)).json()
    ip_history = await client.get(
        f"{URL}/history", params={"target": "192.0.2.10"}, headers=headers
    )

    assert len(history["snapshots"]) == 2
    assert history["snapshots"][0]["computed_at"] < history["snapshots"][1]["computed_at"]
    assert len(ip_history.json()["snapshots"]) == 2


async def test_history_other_tenant_sees_nothing(
    client: httpx.AsyncClient, make_key: KeyFactory
) -> None:
    a, b = make_key(tenant="alpha"), make_key(tenant="beta")
    await client.get(URL, headers=a)

    history = (await client.get(f"{URL}/history", headers=b)).json()

    assert history["snapshots"] == []


async def test_sends_adds_to_day_total(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    headers = make_key(scope="write")
    body = {"from_domain": "Example.com", "count": 40, "stream": "marketing", "date": "2026-03-01"}
    await client.post("/v1/sends", json=body, headers=headers)

    response = await client.post("/v1/sends", json=body, headers=headers)

    assert response.status_code == 200
    assert response.json() == {
        "from_domain": "example.com",
        "stream": "marketing",
        "date": "2026-03-01",
        "recipients": 80,
    }


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"from_domain": "example.com", "count": 0}, 422),
        ({"from_domain": "example.com", "count": 5, "date": "2026-03-03"}, 400),
        ({"from_domain": "example.com", "count": 5, "stream": "nope"}, 422),
    ],
)
async def test_sends_invalid_body_rejected(
    client: httpx.AsyncClient, make_key: KeyFactory, body: dict, status: int
) -> None:
    response = await client.post("/v1/sends", json=body, headers=make_key())
    assert response.status_code == status


async def test_sends_read_key_is_403(client: httpx.AsyncClient, make_key: KeyFactory) -> None:
    body = {"from_domain": "example.com", "count": 5}
    response = await client.post("/v1/sends", json=body, headers=make_key(scope="read"))
    assert response.status_code == 403


async def test_send_check_includes_reputation(
    client: httpx.AsyncClient, make_key: KeyFactory, app: FastAPI, clock: FixedClock
) -> None:
    headers = make_key()
    await client.post(
        "/v1/sends", json={"from_domain": "example.com", "count": 50_000}, headers=headers
    )
    _mark_checked(app, clock)
    await client.get(URL, headers=headers)
    body = {"from_domain": "example.com", "recipients": ["jan@example.org"]}

    response = await client.post("/v1/send-check", json=body, headers=headers)

    assert response.json()["reputation"] == {
        "score": 100.0,
        "level": "high",
        "verdict": "send",
        "confidence": "high",
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pl", "pl"),
        ("en-GB,pl;q=0.8", "en"),
        ("de-DE,pl;q=0.7", "pl"),
        ("pl;q=0.2,en;q=0.9", "en"),
        ("fr", "en"),
        ("pl;q=0", "en"),
        ("", "en"),
    ],
)
def test_pick_language_reads_q_values(header: str, expected: str) -> None:
    tenant = Tenant(name="acme", language="en")
    assert pick_language(header, tenant) == expected


@pytest.fixture
def cli_tenants(cli_db: str, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Two tenants in the CLI's database, and DNS pointed at a loopback server."""
    engine = create_db_engine(cli_db)
    with session_scope(create_session_factory(engine)) as session:
        create_tenant(session, name="acme", clock=clock)
        create_tenant(session, name="firma", clock=clock, language="pl")
    engine.dispose()
    zones = {"example.com.": GOOD_ZONE, "2.0.192.in-addr.arpa.": REVERSE_ZONE}
    with ZoneServer(zones) as server:
        monkeypatch.setenv("MAILREP_DNS_SERVERS", server.address)
        get_settings.cache_clear()
        yield cli_db


def test_cli_score_json_matches_api_shape(
    cli_tenants: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["score", "example.com", "--tenant", "acme", "--json"])

    body = json.loads(capsys.readouterr().out)
    assert code == 0
    assert body["domain"] == "example.com"
    assert body["language"] == "en"
    assert _component(body, "spf")["status"] == "ok"
    assert _component(body, "dmarc")["params"]["policy"] == "reject"
    assert [ip["target"] for ip in body["ips"]] == ["192.0.2.10", "192.0.2.11"]


def test_cli_score_text_in_tenant_language(
    cli_tenants: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["score", "example.com", "--tenant", "firma"])

    output = capsys.readouterr().out
    assert code == 0
    assert output.startswith("example.com: score ")
    assert "Za mały wolumen" in output


def test_cli_score_lang_overrides_tenant(
    cli_tenants: str, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["score", "example.com", "--tenant", "firma", "--lang", "en"])

    assert "Not enough volume" in capsys.readouterr().out


def test_cli_score_several_tenants_needs_tenant(
    cli_tenants: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["score", "example.com"])

    assert code == 1
    assert "--tenant" in capsys.readouterr().err


def test_cli_score_invalid_domain_fails(
    cli_tenants: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["score", "not a domain", "--tenant", "acme"])

    assert code == 1
    assert capsys.readouterr().err.startswith("mailrep: invalid value 'not a domain':")
