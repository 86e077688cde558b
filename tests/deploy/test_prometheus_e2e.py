"""End to end: a real `mailrep serve` fed the bounce corpus, scraped by a real Prometheus.

Every query of every panel in deploy/grafana/mailrep.json must be valid and return data.
The mailrep process gets its DNS from a loopback rbldnsd. It serves a blocklist zone
and the sending domain's SPF, DMARC and MX records, so nothing leaves 127.0.0.1. A second
`mailrep ingest` process shares PROMETHEUS_MULTIPROC_DIR with the server, as the
metrics module documents for the scheduler, so a rejected oversized message shows
up in the server's ingestion-error counter.

Skipped when prometheus or rbldnsd is missing, unless CI is set: then fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.deploy.test_grafana_dashboard import panel_queries
from tests.support.rbldnsd import RBLDNSD, RbldnsdServer, RbldnsdZone, start_rbldnsd

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = REPO / "../shared/corpus/bounces/eml"
# The full corpus where it lies beside the checkout, else the samples shipped in examples/,
# which also give every dashboard panel data.
CORPUS = SHARED_CORPUS if SHARED_CORPUS.is_dir() else REPO / "examples/bounces"
MAILREP = Path(sys.executable).parent / "mailrep"
DOMAIN = "example.test"
LISTED_IP = "192.0.2.10"
# Grafana's variables and the values that replace them in a plain Prometheus query.
SUBSTITUTIONS = {"$__rate_interval": "1m", "$__range": "5m", "$domain": ".*"}
DATA_TIMEOUT_SECONDS = 25.0
QUERY_ATTEMPTS = 20
QUERY_RETRY_SECONDS = 0.5

ZONES_TOML = """\
[[zone]]
name = "bl.test"
kind = "ip"
list_type = "blocklist"
lists = "A blocklist served by the test's rbldnsd"
weight = 10
[zone.codes]
"127.0.0.2" = "listed by the test"

[[zone]]
name = "unserved.test"
kind = "ip"
list_type = "blocklist"
lists = "A zone rbldnsd does not serve, so every lookup in it fails"
weight = 1
"""
RBLDNSD_ZONES = (
    RbldnsdZone("bl.test", "ip4set", f":127.0.0.2:Listed\n{LISTED_IP}\n"),
    RbldnsdZone(
        DOMAIN,
        "generic",
        f'@ TXT "v=spf1 ip4:{LISTED_IP} -all"\n'
        '_dmarc TXT "v=DMARC1; p=reject"\n'
        f"@ MX 10 mx.{DOMAIN}.\n"
        f"mx A {LISTED_IP}\n",
    ),
)


def _require(condition: bool, message: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _wait_until(check: object, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():  # type: ignore[operator]
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not within {timeout} s")


@dataclass(frozen=True, slots=True)
class Mailrep:
    base: str
    key: str
    env: dict[str, str]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


@pytest.fixture(scope="module")
def dns_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RbldnsdServer]:
    _require(Path(RBLDNSD).exists(), "rbldnsd not found; install the Debian package rbldnsd")
    with start_rbldnsd(RBLDNSD_ZONES, tmp_path_factory.mktemp("rbldnsd")) as server:
        yield server


def _mailrep_env(root: Path, dns_server: RbldnsdServer) -> dict[str, str]:
    zones_file = root / "zones.toml"
    zones_file.write_text(ZONES_TOML, encoding="utf-8")
    multiproc = root / "multiproc"
    multiproc.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILREP_")}
    env.update(
        MAILREP_DATA_DIR=str(root / "data"),
        MAILREP_LOG_FORMAT="json",
        MAILREP_DNS_SERVERS=dns_server.address,
        MAILREP_DNSBL_ZONES_FILE=str(zones_file),
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MAILREP), *args], env=env, capture_output=True, text=True, timeout=30, check=False
    )


@pytest.fixture(scope="module")
def mailrep(
    tmp_path_factory: pytest.TempPathFactory, dns_server: RbldnsdServer
) -> Iterator[Mailrep]:
    root = tmp_path_factory.mktemp("mailrep")
    env = _mailrep_env(root, dns_server)
    assert _run(env, "db", "upgrade").returncode == 0
    assert _run(env, "tenant", "create", "acme").returncode == 0
    key = _run(env, "apikey", "create", "--tenant", "acme", "--scope", "admin").stdout.strip()

    port = _free_port()
    with (root / "serve.log").open("wb") as log:
        process = subprocess.Popen(
            [str(MAILREP), "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until(
                lambda: (
                    process.poll() is None
                    and httpx.get(f"{base}/readyz", timeout=1).status_code == 200
                ),
                "mailrep serve ready",
            )
            yield Mailrep(base, key, env)
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass(frozen=True, slots=True)
class Fed:
    messages: int


@pytest.fixture(scope="module")
def fed(mailrep: Mailrep) -> Fed:
    """Volume, the corpus, two DNSBL checks, a score and one oversized message."""
    files = sorted(CORPUS.glob("*.eml"))
    _require(bool(files), f"bounce corpus not found at {CORPUS.resolve()}")
    with httpx.Client(base_url=mailrep.base, headers=mailrep.headers, timeout=30) as client:
        sends = client.post("/v1/sends", json={"from_domain": DOMAIN, "count": 5000})
        assert sends.status_code == 200, sends.text
        check = client.post(
            "/v1/send-check", json={"from_domain": DOMAIN, "recipients": ["jan@example.org"]}
        )
        assert check.status_code == 200, check.text

        for path in files:
            response = client.post(
                "/v1/messages",
                content=path.read_bytes(),
                headers={"Content-Type": "message/rfc822"},
            )
            assert response.status_code in (200, 201), (path.name, response.text)

        monitored = client.post("/v1/domains", json={"domain": DOMAIN, "ips": [LISTED_IP]})
        assert monitored.status_code in (201, 409), monitored.text
        for _ in range(2):
            assert client.post(f"/v1/domains/{DOMAIN}/checks").status_code == 200
        reputation = client.get(f"/v1/domains/{DOMAIN}/reputation")
        assert reputation.status_code == 200, reputation.text

    oversized = mailrep.env | {"MAILREP_MAX_MESSAGE_BYTES": "100"}
    _run(oversized, "ingest", str(files[0]), "--tenant", "acme")
    return Fed(len(files))


@pytest.fixture(scope="module")
def prometheus(
    prometheus_binary: str, mailrep: Mailrep, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("prometheus")
    target = mailrep.base.removeprefix("http://")
    config = root / "prometheus.yml"
    config.write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: mailrep\n"
        f"    static_configs:\n      - targets: ['{target}']\n",
        encoding="utf-8",
    )
    port = _free_port()
    command = [
        prometheus_binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={root / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    with (root / "prometheus.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


def _query(prometheus: str, expr: str) -> dict:
    """Run one instant query and return Prometheus's JSON answer (success or PromQL error).

    A starting or overloaded Prometheus refuses connections or answers 503 with a
    plain-text body; those are retried a bounded number of times. Any other answer
    that is not the API's JSON fails with the status and the start of the body.
    """
    failure = ""
    for _ in range(QUERY_ATTEMPTS):
        try:
            response = httpx.get(f"{prometheus}/api/v1/query", params={"query": expr}, timeout=10)
        except httpx.TransportError as exc:
            failure = repr(exc)
        else:
            if response.status_code != 503:
                return _api_body(response)
            failure = f"503: {response.text[:300]}"
        time.sleep(QUERY_RETRY_SECONDS)
    raise AssertionError(f"Prometheus unavailable after {QUERY_ATTEMPTS} attempts: {failure}")


def _api_body(response: httpx.Response) -> dict:
    # 400 and 422 carry the API's JSON error for a bad or failing query.
    if response.status_code in (200, 400, 422):
        try:
            body: dict = response.json()
        except ValueError:
            pass
        else:
            return body
    raise AssertionError(f"Prometheus answered {response.status_code}: {response.text[:300]!r}")


def _has_data(body: dict) -> bool:
    return body.get("status") == "success" and bool(body["data"]["result"])


def _concrete(expr: str) -> str:
    for variable, value in SUBSTITUTIONS.items():
        expr = expr.replace(variable, value)
    return expr


def test_dashboard_queries_return_data(fed: Fed, prometheus: str) -> None:
    _wait_until(
        lambda: _has_data(_query(prometheus, 'up{job="mailrep"} == 1')),
        "a successful scrape of mailrep",
    )
    queries = [(title, _concrete(expr)) for title, expr in panel_queries()]
    assert fed.messages > 0
    assert not [expr for _, expr in queries if "$" in expr], "a Grafana variable is left"

    # rate() needs two samples in its window, so the first scrapes may show no data yet.
    deadline = time.monotonic() + DATA_TIMEOUT_SECONDS
    pending = dict(queries)
    while pending and time.monotonic() < deadline:
        results = {title: _query(prometheus, expr) for title, expr in list(pending.items())}
        invalid = {
            t: body.get("error") for t, body in results.items() if body["status"] != "success"
        }
        assert invalid == {}, "invalid PromQL"
        pending = {t: pending[t] for t, body in results.items() if not _has_data(body)}
        if pending:
            time.sleep(1)

    assert pending == {}, "panels without data"


def test_reputation_score_scraped(fed: Fed, prometheus: str) -> None:
    _wait_until(
        lambda: _has_data(_query(prometheus, f'mailrep_reputation_score{{domain="{DOMAIN}"}}')),
        "the reputation score in Prometheus",
    )
    body = _query(prometheus, f'mailrep_reputation_score{{domain="{DOMAIN}"}}')
    score = float(body["data"]["result"][0]["value"][1])
    # bl.test has weight 10 like Spamhaus, and the listing was confirmed by two checks.
    assert 0 <= score < 80
