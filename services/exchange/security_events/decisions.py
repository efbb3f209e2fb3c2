"""Every change an operator or regulator makes is a security event.

A middleware, so that no decision route can forget it: after a successful POST, PUT,
PATCH or DELETE whose bearer token is an operator's or a regulator's, it records
``privileged.decision`` with the route template, method and status. The decision
itself is in the ledger already, recorded by the route's own service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from services.exchange.security_events.service import record_security_event_now
from services.shared.auth import Principal
from services.shared.database import Database

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PRIVILEGED = ("operator", "regulator")


def install_decision_log(app: FastAPI, db: Database) -> None:
    """Record operators' and regulators' successful changes in the security-event log."""

    @app.middleware("http")
    async def log_privileged_decisions(
        request: Request, call_next: Callable[[Request], Awaitable[Response]],
    ) -> Response:
        response = await call_next(request)
        if request.method in SAFE_METHODS or response.status_code >= 400:
            return response
        principal = getattr(request.state, "principal", None)
        if not isinstance(principal, Principal) or not principal.has_role(*PRIVILEGED):
            return response
        route = request.scope.get("route")
        await run_in_threadpool(
            record_security_event_now, db, "privileged.decision",
            actor=principal.subject, org_id=principal.org,
            subject=request.url.path[:128],
            source=request.client.host if request.client else None,
            details={"method": request.method,
                     "route": getattr(route, "path", request.url.path),
                     "status": response.status_code,
                     "roles": sorted(set(principal.roles) & set(PRIVILEGED))})
        return response
