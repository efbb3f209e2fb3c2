"""What a failed call to a dataex service raises.

Every error answer (``status >= 400``) becomes an :class:`ApiProblem` carrying the
RFC 9457 problem document; a service that cannot be reached at all becomes a
:class:`ServiceUnreachable`, so a caller handles one exception type.
"""

from __future__ import annotations

from typing import Any

import httpx

UNREACHABLE_TYPE = "urn:dataex:problem:service-unreachable"
UNREADABLE_TYPE = "urn:dataex:problem:unreadable-answer"


class ApiProblem(Exception):
    """A service answered with an error (or could not be asked): ``status``, ``type``,
    ``title``, ``detail`` and the whole ``problem`` document."""

    answered: bool = True

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.type = str(problem.get("type") or "about:blank")
        self.title = str(problem.get("title") or "")
        self.detail = str(problem.get("detail") or self.title)
        super().__init__(f"{status}: {self.detail}")

    @property
    def slug(self) -> str:
        """The last part of the problem type (``urn:dataex:problem:grant-revoked`` gives
        ``grant-revoked``)."""
        return self.type.rsplit(":", 1)[-1].rsplit("/", 1)[-1]

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiProblem:
        """The problem of an error answer; a body that is not a problem document still
        gives a problem, with the body's text as its detail."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            return cls(response.status_code, body)
        detail = response.text[:500] if body is None else str(body)[:500]
        return cls(response.status_code, {"title": response.reason_phrase,
                                          "status": response.status_code,
                                          "detail": detail or response.reason_phrase})

    @classmethod
    def unreadable(cls, detail: str) -> ApiProblem:
        """502 for a success answer whose body is not what the client expects."""
        return cls(502, {"type": UNREADABLE_TYPE, "title": "Unreadable answer", "status": 502,
                         "detail": detail})


class ServiceUnreachable(ApiProblem):
    """503: the service could not be reached, or its answer was lost (connection
    refused, timeout, connection dropped). Nothing is known about what it did."""

    answered = False

    def __init__(self, service: str, error: httpx.TransportError | str) -> None:
        reason = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        super().__init__(503, {"type": UNREACHABLE_TYPE, "title": "Service unreachable",
                               "status": 503,
                               "detail": f"{service} could not be reached ({reason})"})
        self.service = service
