"""Loopback DNS servers for tests and benchmarks: rbldnsd, a silent server, a fixed-rcode
responder and a delaying proxy. Nothing here talks to another host.

Reuse from any test package::

    from tests.support.rbldnsd import RbldnsdZone, start_rbldnsd

    @pytest.fixture(scope="session")
    def dnsbl(tmp_path_factory):
        zones = [RbldnsdZone("bl.test", "ip4set", ":127.0.0.2:Listed $\\n192.0.2.10\\n")]
        with start_rbldnsd(zones, tmp_path_factory.mktemp("rbldnsd")) as server:
            yield server  # server.address is "127.0.0.1:<port>"
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode

RBLDNSD = shutil.which("rbldnsd") or "/usr/sbin/rbldnsd"
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class RbldnsdZone:
    """One `zone:dataset:file` argument: the zone name, rbldnsd dataset type and file text.

    Several entries with the same zone name form one zone from several datasets, which is
    how an address gets more than one A record.
    """

    name: str
    dataset: str
    data: str


@dataclass(frozen=True, slots=True)
class RbldnsdServer:
    """A running rbldnsd on 127.0.0.1."""

    port: int
    process: subprocess.Popen[bytes]

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"


def free_udp_port() -> int:
    """Return a UDP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def start_rbldnsd(zones: Sequence[RbldnsdZone], directory: Path) -> Iterator[RbldnsdServer]:
    """Write the zone files into `directory`, run rbldnsd in the foreground, stop it on exit.

    Raises:
        RuntimeError: rbldnsd is not installed or does not answer within 5 seconds.
    """
    if not Path(RBLDNSD).exists():
        raise RuntimeError("rbldnsd is not installed; install the Debian package rbldnsd")
    # rbldnsd started as root drops to the rbldns user, which must read the files.
    directory.chmod(0o755)
    arguments = []
    for index, zone in enumerate(zones):
        path = directory / f"zone{index}.txt"
        path.write_text(zone.data, encoding="utf-8")
        path.chmod(0o644)
        arguments.append(f"{zone.name}:{zone.dataset}:{path.name}")

    port = free_udp_port()
    command = [RBLDNSD, "-n", "-q", "-c", "0", "-w", str(directory)]
    command += ["-b", f"{LOOPBACK}/{port}", *arguments]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    try:
        _wait_until_answering(port, process, zones[0].name)
        yield RbldnsdServer(port, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_answering(port: int, process: subprocess.Popen[bytes], zone: str) -> None:
    query = dns.message.make_query(f"probe.{zone}", "A")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"rbldnsd exited with {process.returncode}: {error.strip()}")
        with contextlib.suppress(dns.exception.Timeout, OSError):
            dns.query.udp(query, LOOPBACK, timeout=0.2, port=port)
            return
    raise RuntimeError(f"rbldnsd on port {port} did not answer within 5 seconds")


class _UdpThreadServer:
    """A UDP socket on 127.0.0.1 served by a thread until `close()`."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind((LOOPBACK, 0))
        self.socket.settimeout(0.05)
        self.port: int = self.socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                packet, peer = self.socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.handle(packet, peer)

    def handle(self, packet: bytes, peer: tuple[str, int]) -> None:
        """Answer one datagram; the base class never answers."""

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()

    def __enter__(self) -> _UdpThreadServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SilentServer(_UdpThreadServer):
    """Receives queries and never answers, so every query to it times out."""


class RcodeResponder(_UdpThreadServer):
    """Answers every query with the same rcode (e.g. SERVFAIL) and no records."""

    def __init__(self, rcode: dns.rcode.Rcode) -> None:
        self.rcode = rcode
        super().__init__()

    def handle(self, packet: bytes, peer: tuple[str, int]) -> None:
        query = dns.message.from_wire(packet)
        response = dns.message.make_response(query)
        response.set_rcode(self.rcode)
        response.flags |= dns.flags.RA
        self.socket.sendto(response.to_wire(), peer)


class DelayingProxy(_UdpThreadServer):
    """Forwards each query to `upstream` (host, port) and relays the answer after `delay` s."""

    def __init__(self, upstream: tuple[str, int], delay: float) -> None:
        self.upstream = upstream
        self.delay = delay
        super().__init__()

    def handle(self, packet: bytes, peer: tuple[str, int]) -> None:
        timer = threading.Timer(self.delay, self._forward, args=(packet, peer))
        timer.daemon = True
        timer.start()

    def _forward(self, packet: bytes, peer: tuple[str, int]) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as upstream:
            upstream.settimeout(2)
            try:
                upstream.sendto(packet, self.upstream)
                answer, _ = upstream.recvfrom(65535)
                self.socket.sendto(answer, peer)
            except OSError:
                return  # the client sees a timeout, as with a lost packet
