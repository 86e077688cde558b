"""`mailrep ingest --server`: hand messages to a running mailrep over its REST API."""

from __future__ import annotations

import httpx

from api.cli._common import CommandError, Outcome
from api.cli._sources import RawMessage

TIMEOUT_SECONDS = 60.0


class RemoteMessageError(OSError):
    """The server rejected one message or was unreachable; the run goes on with the next.

    `is_temporary` is true when a retry may succeed: no connection, a timeout, HTTP 429 or 5xx.
    """

    def __init__(self, message: str, *, is_temporary: bool) -> None:
        super().__init__(message)
        self.is_temporary = is_temporary


class RemoteIngester:
    """Posts each message to `POST /v1/messages` of the server at `base_url`."""

    def __init__(self, base_url: str, api_key: str, stream: str | None) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {api_key}", "Content-Type": "message/rfc822"},
            timeout=TIMEOUT_SECONDS,
        )
        self._params = {"stream": stream} if stream else {}

    def ingest(self, message: RawMessage) -> Outcome:
        """Post one message.

        Raises:
            CommandError: the server rejected the key, so no further message can succeed.
            RemoteMessageError: the server rejected this message or could not be reached.
        """
        try:
            response = self._client.post("/v1/messages", content=message.data, params=self._params)
        except httpx.HTTPError as exc:
            text = f"request failed: {type(exc).__name__}: {exc}"
            raise RemoteMessageError(text, is_temporary=True) from exc
        if response.status_code in (401, 403):
            raise CommandError(f"server rejected the API key: {_detail(response)}")
        if _problem_type(response).endswith("/unknown-stream"):
            raise CommandError(f"server rejected --stream: {_detail(response)}")
        if response.status_code not in (200, 201):
            raise RemoteMessageError(
                f"server returned HTTP {response.status_code}: {_detail(response)}",
                is_temporary=response.status_code == 429 or response.status_code >= 500,
            )

        body = response.json()
        suppressed = sum(1 for a in body["actions"] if a.get("suppressed_stream") is not None)
        return Outcome(bool(body["duplicate"]), str(body["kind"]), suppressed)

    def close(self) -> None:
        self._client.close()


def _problem_type(response: httpx.Response) -> str:
    try:
        return str(response.json().get("type", ""))
    except (ValueError, AttributeError):
        return ""


def _detail(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text[:200]))
    except ValueError:
        return response.text[:200]
