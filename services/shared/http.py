"""Calling another dataex service: service tokens, request ids, retries, problems.

A :class:`ServiceClient` is an ``httpx.Client`` that authenticates with this service's
own token for the target's audience (never a user's token passed through), passes the
current request id on, retries idempotent calls on connection errors, and turns an
``application/problem+json`` answer back into a :class:`RemoteProblem`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from services.shared.logs import REQUEST_ID_HEADER, request_id_var


class RemoteProblem(Exception):
    """Another service answered with an error."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        super().__init__(f"{status}: {problem.get('detail') or problem.get('title')}")
        self.status = status
        self.problem = problem


class ServiceTokens:
    """Client-credentials tokens for this service, one per audience, cached until
    shortly before they expire."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.client_secret = client_secret
        self._http = httpx.Client(timeout=10.0, transport=transport)
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token(self, audience: str) -> str:
        """A valid access token for ``audience``."""
        with self._lock:
            cached = self._cache.get(audience)
            if cached and cached[1] > time.monotonic():
                return cached[0]
            response = self._http.post(
                self.token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "audience": audience,
                },
            )
            if response.status_code != 200:
                raise RemoteProblem(response.status_code, _problem_of(response))
            body = response.json()
            lifetime = max(float(body.get("expires_in", 60)) - 60.0, 5.0)
            self._cache[audience] = (body["access_token"], time.monotonic() + lifetime)
            return str(body["access_token"])


def _problem_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": str(body)}


class ServiceClient:
    """An HTTP client for one other service, authenticated as this service."""

    def __init__(
        self,
        base_url: str,
        *,
        audience: str,
        token_source: Callable[[str], str] | None,
        timeout: float = 10.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.audience = audience
        self.token_source = token_source
        self.retries = retries
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            transport=transport or httpx.HTTPTransport(retries=retries),
        )

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request; raise :class:`RemoteProblem` on an error answer."""
        headers = dict(kwargs.pop("headers", {}) or {})
        rid = request_id_var.get()
        if rid:
            headers.setdefault(REQUEST_ID_HEADER, rid)
        if self.token_source is not None:
            headers["Authorization"] = f"Bearer {self.token_source(self.audience)}"
        response = self._http.request(method, path, headers=headers, **kwargs)
        if response.status_code >= 400:
            raise RemoteProblem(response.status_code, _problem_of(response))
        return response

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET a JSON document."""
        return self.request("GET", path, **kwargs).json()

    def post_json(self, path: str, body: Any, **kwargs: Any) -> Any:
        """POST a JSON body and return the JSON answer."""
        return self.request("POST", path, json=body, **kwargs).json()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()
