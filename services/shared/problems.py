"""Domain errors and their RFC 9457 problem-details form.

Business code raises a :class:`Problem` subclass; it imports no web framework, so pure
rule modules can raise it too. :mod:`services.shared.problem_handlers`, installed on every
app, turns it (and FastAPI's own validation and routing errors) into
``application/problem+json``.
"""

from __future__ import annotations

from typing import Any

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:dataex:problem:"


class Problem(Exception):
    """An error a client can act on; carries its HTTP status and a stable type slug."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init_subclass__(
        cls,
        *,
        status: int | None = None,
        slug: str | None = None,
        title: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Let a subclass declare its status, slug and title in its class line."""
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status = status
        if slug is not None:
            cls.slug = slug
        if title is not None:
            cls.title = title

    def __init__(
        self,
        detail: str,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if slug is not None:
            self.slug = slug
        if title is not None:
            self.title = title
        self.headers = headers or {}
        self.extensions = extensions

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The problem document for this error."""
        doc: dict[str, Any] = {
            "type": TYPE_PREFIX + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if instance:
            doc["instance"] = instance
        doc.update(self.extensions)
        return doc


class InvalidInput(Problem, status=422, slug="invalid-input", title="Invalid input"):
    """422: the request is well-formed but its content is not acceptable."""


class Unauthorized(Problem, status=401, slug="unauthorized", title="Unauthorized"):
    """401: no credentials, or credentials that do not verify."""

    def __init__(self, detail: str, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": 'Bearer realm="dataex"'})
        super().__init__(detail, **kwargs)


class Forbidden(Problem, status=403, slug="forbidden", title="Forbidden"):
    """403: the caller's kind may never do this."""


class NotFound(Problem, status=404, slug="not-found", title="Not found"):
    """404: no such object, or one the caller may not know exists."""


class Conflict(Problem, status=409, slug="conflict", title="Conflict"):
    """409: not allowed in the object's current state, or a reused idempotency key."""


class Gone(Problem, status=410, slug="gone", title="Gone"):
    """410: the object existed and was withdrawn for good."""


class PayloadTooLarge(Problem, status=413, slug="payload-too-large", title="Payload too large"):
    """413: the body exceeds a configured limit."""


class ServiceUnavailable(Problem, status=503, slug="unavailable", title="Service unavailable"):
    """503: a dependency (database, another service) is not ready."""
