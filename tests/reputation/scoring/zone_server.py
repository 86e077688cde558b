"""A loopback authoritative DNS server answering from zone-file text, for DNS tests.

Answers over UDP on 127.0.0.1 from a `dns.zone.Zone`: NXDOMAIN for a name outside the
zone's nodes, NOERROR with no answer for a name without the asked type.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.zone

LOOPBACK = "127.0.0.1"


class ZoneServer:
    """Serves several zones (origin -> zone-file text) until closed."""

    def __init__(self, zones: dict[str, str]) -> None:
        self._zones = [
            dns.zone.from_text(text, origin=origin, relativize=False, check_origin=False)
            for origin, text in zones.items()
        ]
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((LOOPBACK, 0))
        self._socket.settimeout(0.05)
        self.port: int = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                packet, peer = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self._socket.sendto(self._answer(dns.message.from_wire(packet)).to_wire(), peer)

    def _answer(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        zone = next((z for z in self._zones if question.name.is_subdomain(z.origin)), None)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        node = zone.get_node(question.name)
        if node is None:
            response.set_rcode(dns.rcode.NXDOMAIN)
            return response
        rdataset = node.get_rdataset(question.rdclass, question.rdtype)
        if rdataset is not None:
            rrset = response.find_rrset(
                response.answer, question.name, question.rdclass, question.rdtype, create=True
            )
            rrset.update(rdataset)
        return response

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def __enter__(self) -> ZoneServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
