"""Per-client request rates on the routes worth abusing: the token endpoint, search,
downloads (content and rows) and ledger proofs.

Counted with the ``limits`` library (moving windows) in this process's memory, or in
Redis when ``rate_limit_storage`` names it (``redis://host:6379``, with the ``redis``
package installed), so that several server processes share one count. A client is the
verified token's subject when the request carries one, else the source address; the
token endpoint counts per source address and account asked for. Other dataex services
are not limited. Over the limit: 429 ``rate-limited`` with ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from services.shared.auth import Principal, optional_principal_or_grant
from services.shared.problems import Problem
from services.shared.settings import ServiceSettings


class TooManyRequests(Problem, status=429, slug="rate-limited", title="Too many requests"):
    """429: the client went over a route class's rate; ``Retry-After`` says when to retry."""


class RateLimits:
    """The limits of each route class (``token``, ``search``, ``download``, ``proof``)."""

    def __init__(self, rules: dict[str, str], storage_uri: str = "memory://",
                 enabled: bool = True) -> None:
        self.rules: dict[str, RateLimitItem] = {name: parse(rule) for name, rule in rules.items()}
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.enabled = enabled

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> RateLimits:
        """The limits a service's settings declare."""
        return cls({"token": settings.rate_limit_token, "search": settings.rate_limit_search,
                    "download": settings.rate_limit_download,
                    "proof": settings.rate_limit_proof},
                   storage_uri=settings.rate_limit_storage, enabled=settings.rate_limits_enabled)

    def hit(self, route_class: str, client: str) -> None:
        """Count one request of ``client``; 429 with ``Retry-After`` when over the limit."""
        if not self.enabled:
            return
        rule = self.rules[route_class]
        if self.limiter.hit(rule, route_class, client):
            return
        reset = self.limiter.get_window_stats(rule, route_class, client).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(
            f"over {rule} for {route_class} requests from this client: retry in {wait} s",
            headers={"Retry-After": str(wait)}, limit=str(rule), retry_after=wait)


def source_address(request: Request) -> str:
    """The address the request came from (the peer: put a proxy's forwarding in front
    of this only where the proxy is trusted)."""
    return request.client.host if request.client else "unknown"


def limit(request: Request, route_class: str, client: str) -> None:
    """Count a request of ``client`` against the app's ``route_class`` limit."""
    limits: RateLimits | None = getattr(request.app.state, "rate_limits", None)
    if limits is not None:
        limits.hit(route_class, client)


def rate_limited(route_class: str) -> Callable[..., Awaitable[None]]:
    """A route dependency counting each caller's requests of ``route_class``: the token's
    subject, or the source address of an anonymous caller; services pass uncounted."""

    async def check(
        request: Request,
        principal: Annotated[Principal | None, Depends(optional_principal_or_grant)],
    ) -> None:
        if principal is not None and principal.is_service:
            return
        client = f"sub:{principal.subject}" if principal else f"ip:{source_address(request)}"
        limit(request, route_class, client)

    return check
