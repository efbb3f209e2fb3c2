"""One service's HTTP API as a connection: base URL, credentials, timeouts, retries.

An :class:`ApiConnection` wraps an ``httpx.Client``. Each request carries a bearer token
from the connection's credentials for the service's audience and the current request
id; an error answer is raised as :class:`~services.clients.problem.ApiProblem`, and a
service that cannot be reached as :class:`~services.clients.problem.ServiceUnreachable`.
Only GETs are retried, and only when the connection could not be opened (the request
was never sent).
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from services.clients.credentials import Credentials, anonymous
from services.clients.problem import ApiProblem, ServiceUnreachable
from services.shared.logs import REQUEST_ID_HEADER, request_id_var

RETRIED_METHODS = frozenset({"GET", "HEAD"})
RETRY_PAUSE_SECONDS = 0.05

Model = TypeVar("Model", bound=BaseModel)


class ApiConnection:
    """An authenticated connection to one dataex service."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str,
        audience: str,
        credentials: Credentials = anonymous,
        timeout: float = 10.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.service = service
        self.audience = audience
        self.credentials = credentials
        self.retries = retries
        self._http = httpx.Client(base_url=base_url, timeout=timeout, transport=transport)
        self._owns_http = True

    @property
    def base_url(self) -> str:
        """Where the service is."""
        return str(self._http.base_url).rstrip("/")

    def as_caller(self, credentials: Credentials) -> ApiConnection:
        """The same connection (and connection pool) calling with other credentials,
        e.g. a user's own token; closing it leaves this one open."""
        other = copy.copy(self)
        other.credentials = credentials
        other._owns_http = False
        return other

    def _headers(self, given: Any) -> dict[str, str]:
        headers = dict(given or {})
        rid = request_id_var.get()
        if rid:
            headers.setdefault(REQUEST_ID_HEADER, rid)
        if not any(name.lower() == "authorization" for name in headers):
            token = self.credentials(self.audience)
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
        return headers

    def _sent(self, method: str, path: str, *, stream: bool, **kwargs: Any) -> httpx.Response:
        """The answer, whatever its status; GETs resent while the connection cannot be
        opened; :class:`ServiceUnreachable` when there is no answer."""
        headers = self._headers(kwargs.pop("headers", None))
        attempts = 1 + (self.retries if method.upper() in RETRIED_METHODS else 0)
        for attempt in range(attempts):
            try:
                request = self._http.build_request(method, path, headers=headers, **kwargs)
                return self._http.send(request, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                if attempt + 1 == attempts:
                    raise ServiceUnreachable(self.service, exc) from exc
                time.sleep(RETRY_PAUSE_SECONDS * (attempt + 1))
            except httpx.TransportError as exc:
                raise ServiceUnreachable(self.service, exc) from exc
        raise AssertionError("unreachable: the last attempt returns or raises")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send a request (``httpx`` keyword arguments); the answer, read. Raises
        :class:`ApiProblem` for an error answer."""
        response = self._sent(method, path, stream=False, **kwargs)
        if response.status_code >= 400:
            raise ApiProblem.from_response(response)
        return response

    send = request

    def get_json(self, path: str, **kwargs: Any) -> Any:
        """GET a JSON document."""
        return self._json(self.request("GET", path, **kwargs))

    def post_json(self, path: str, body: Any, **kwargs: Any) -> Any:
        """POST a JSON body; the JSON answer (None for an empty one)."""
        return self._json(self.request("POST", path, json=body, **kwargs))

    def put_json(self, path: str, body: Any, **kwargs: Any) -> Any:
        """PUT a JSON body; the JSON answer (None for an empty one)."""
        return self._json(self.request("PUT", path, json=body, **kwargs))

    def _json(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ApiProblem.unreadable(f"{self.service} answered {response.status_code} "
                                        "with a body that is not JSON") from exc

    @contextmanager
    def stream(self, method: str, path: str, **kwargs: Any) -> Iterator[httpx.Response]:
        """A streamed answer (for downloads: read it with ``iter_bytes``), closed on
        leaving the block. Raises :class:`ApiProblem` for an error answer."""
        response = self._sent(method, path, stream=True, **kwargs)
        try:
            if response.status_code >= 400:
                response.read()
                raise ApiProblem.from_response(response)
            yield response
        finally:
            response.close()

    def ready(self) -> bool:
        """Whether the service answers ``/readyz`` with 200 right now."""
        try:
            return self._http.get("/readyz").status_code == 200
        except httpx.HTTPError:
            return False

    def wait_ready(self, timeout: float = 60.0, interval: float = 0.2) -> bool:
        """Poll ``/readyz`` until it answers 200 (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while not self.ready():
            if time.monotonic() > deadline:
                return False
            time.sleep(interval)
        return True

    def close(self) -> None:
        """Release the connection pool (unless it is another connection's)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ApiConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ServiceApi:
    """What the three service clients share: one :class:`ApiConnection` to their
    service, made by :meth:`connect` from the class's service name and audience."""

    SERVICE: str
    AUDIENCE: str
    TIMEOUT: float = 10.0

    def __init__(self, connection: ApiConnection) -> None:
        self.connection = connection

    @classmethod
    def connect(cls, base_url: str, *, credentials: Credentials = anonymous,
                timeout: float | None = None,
                transport: httpx.BaseTransport | None = None) -> Self:
        """A client for the service at ``base_url``, calling with ``credentials``."""
        return cls(ApiConnection(base_url, service=cls.SERVICE, audience=cls.AUDIENCE,
                                 credentials=credentials, timeout=timeout or cls.TIMEOUT,
                                 transport=transport))

    def as_caller(self, credentials: Credentials) -> Self:
        """The same connection calling with other credentials (closing it leaves this
        client open)."""
        return type(self)(self.connection.as_caller(credentials))

    def close(self) -> None:
        """Release connections."""
        self.connection.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def parsed(model: type[Model], response: httpx.Response) -> Model:
    """The answer's body as ``model``; a 502 :class:`ApiProblem` when it is not one."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise ApiProblem.unreadable(
            f"{response.request.url.path} answered {response.status_code} with a body that "
            f"is not a {model.__name__}") from exc
