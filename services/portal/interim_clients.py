"""Stand-in for ``services.clients`` until that package is merged: the same names
(``ApiProblem``, ``ServiceUnreachable``, ``anonymous``, ``BearerToken``,
``ApiConnection``) with only what the portal calls. Deleted once the merge lands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

Credentials = Callable[[str], str | None]


def anonymous(_audience: str) -> str | None:
    """No token."""
    return None


class BearerToken:
    """A caller's own token, sent to every audience."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, _audience: str) -> str | None:
        return self.token


class ApiProblem(Exception):
    """An API answered with an error (or could not be reached)."""

    def __init__(self, status: int, problem: dict[str, Any], *, answered: bool = True) -> None:
        self.status = status
        self.problem = problem
        self.type = str(problem.get("type", "about:blank"))
        self.title = str(problem.get("title", ""))
        self.detail = str(problem.get("detail") or problem.get("title") or "")
        self.answered = answered
        super().__init__(f"{status}: {self.detail}")

    @property
    def slug(self) -> str:
        """The last path part of the problem type."""
        return self.type.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


class ServiceUnreachable(ApiProblem):
    """The service did not answer."""

    def __init__(self, service: str, error: Exception) -> None:
        super().__init__(503, {"title": "Service unreachable",
                               "detail": f"{service} did not answer: {type(error).__name__}"},
                         answered=False)


def _problem_of(response: httpx.Response) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = {"title": response.reason_phrase, "detail": response.text[:500]}
    if not isinstance(body, dict):
        body = {"detail": str(body)}
    return ApiProblem(response.status_code, body)


class ApiConnection:
    """One service's API, called with one set of credentials."""

    def __init__(self, base_url: str, *, service: str, audience: str,
                 credentials: Credentials = anonymous, timeout: float = 10.0,
                 transport: httpx.BaseTransport | None = None,
                 http: httpx.Client | None = None) -> None:
        self.service = service
        self.audience = audience
        self.credentials = credentials
        self._http = http or httpx.Client(base_url=base_url, timeout=timeout,
                                          transport=transport)

    def as_caller(self, credentials: Credentials) -> ApiConnection:
        """The same connection pool, another caller's token."""
        return ApiConnection("", service=self.service, audience=self.audience,
                             credentials=credentials, http=self._http)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        token = self.credentials(self.audience)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request; raise :class:`ApiProblem` on an error answer."""
        headers = self._headers(kwargs.pop("headers", None))
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ServiceUnreachable(self.service, exc) from exc
        if response.status_code >= 400:
            raise _problem_of(response)
        return response

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET a JSON document."""
        return self.request("GET", path, **kwargs).json()

    def post_json(self, path: str, body: Any, **kwargs: Any) -> Any:
        """POST a JSON body; the JSON answer."""
        return self.request("POST", path, json=body, **kwargs).json()

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A streamed answer (for downloads); raise :class:`ApiProblem` on an error."""
        headers = self._headers(kwargs.pop("headers", None))
        try:
            with self._http.stream(method, path, headers=headers, **kwargs) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _problem_of(response)
                yield response
        except httpx.TransportError as exc:
            raise ServiceUnreachable(self.service, exc) from exc

    def close(self) -> None:
        """Release the pool."""
        self._http.close()
