"""What every service's app factory adds: errors, request ids, health and readiness."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from services.shared.auth import Principal, TokenVerifier, optional_principal_or_grant
from services.shared.body_limits import BodyLimitMiddleware, BodyLimits
from services.shared.database import Database
from services.shared.hygiene import allowed_origins, install_hardening, install_local_docs
from services.shared.jwks import RemoteKeySource
from services.shared.logs import RequestIdMiddleware
from services.shared.migrations import current_revision, head_revision
from services.shared.outbox import Outbox, backlog
from services.shared.problem_handlers import install_problem_handlers
from services.shared.problems import PROBLEM_JSON, Unauthorized
from services.shared.rate_limits import RateLimits
from services.shared.request_guards import RefuseNulMiddleware
from services.shared.settings import ServiceSettings

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def service_app(service: str, settings: ServiceSettings, db: Database, *, description: str,
                lifespan: Lifespan) -> FastAPI:
    """The FastAPI app of one service, titled for its OpenAPI page, with its settings and
    database on ``app.state`` where the shared dependencies look for them."""
    app = FastAPI(title=f"dataex {service}", version="0.1.0", description=description,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    install_local_docs(app)
    app.state.settings = settings
    app.state.db = db
    return app


def remote_token_verifier(settings: ServiceSettings) -> TokenVerifier:
    """A verifier of the tokens the exchange issues, with the keys it publishes at
    ``settings.jwks_url``, for a service that does not issue tokens itself."""
    jwks = RemoteKeySource(settings.jwks_url, cache_seconds=settings.jwks_cache_seconds)
    return TokenVerifier(keys=jwks.lookup, peek=jwks.peek, issuer=settings.issuer,
                         audience=settings.audience)


def freeze_startup_objects() -> None:
    """In a server process, move what start-up made (modules, routes, keys, pools: it lives
    as long as the process) out of the cyclic garbage collector's reach, so that full
    collections under load do not walk it again and again. Not under a test client,
    which runs the app off the main thread in a process that outlives it."""
    if threading.current_thread() is threading.main_thread():
        gc.collect()
        gc.freeze()


def readiness(db: Database, service: str, head: str | None) -> tuple[bool, str]:
    """Whether the database answers and is at the newest migration, and why not."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = current_revision(conn, service)
    except SQLAlchemyError as exc:
        return False, f"database unreachable: {type(exc).__name__}"
    if current != head:
        return False, f"database at migration {current or 'none'}, expected {head}"
    return True, "ok"


def install_common(app: FastAPI, *, service: str, db: Database,
                   body_routes: dict[tuple[str, str], int] | None = None) -> None:
    """Add problem handlers, the request-id and hardening middleware, the request body
    caps (the settings' ``max_json_body_bytes``, or ``body_routes``' own per method and
    path pattern), the per-client rate limits, ``/healthz`` and ``/readyz``."""
    install_problem_handlers(app)
    settings: ServiceSettings = app.state.settings
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits(
        default=settings.max_json_body_bytes, routes=body_routes or {}))
    app.add_middleware(RefuseNulMiddleware)
    app.add_middleware(RequestIdMiddleware)
    app.state.rate_limits = RateLimits.from_settings(settings)
    install_hardening(app, cors_origins=allowed_origins(app.state.settings.cors_allow_origins))
    head = head_revision(service)

    @app.get("/healthz", tags=["health"], summary="Liveness: 200 while the process runs")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get(
        "/readyz",
        tags=["health"],
        summary="Readiness: 200 once the database answers and is fully migrated; with the "
        "ledger outbox backlog (events not yet delivered to the audit service)",
        responses={503: {"description": "not ready", "content": {PROBLEM_JSON: {}}}},
    )
    def readyz() -> Any:
        ready, why = readiness(db, service, head)
        if ready:
            answer: dict[str, Any] = {"status": "ready", "service": service, "migration": head}
            outbox: Outbox | None = getattr(app.state, "outbox", None)
            if outbox is not None:
                # Informative only: the service works on while the ledger is away.
                with db.reading() as session:
                    answer["ledger_outbox"] = backlog(session, outbox.table)
            return answer
        return JSONResponse(
            {
                "type": "urn:dataex:problem:not-ready",
                "title": "Not ready",
                "status": 503,
                "detail": why,
            },
            status_code=503,
            media_type=PROBLEM_JSON,
        )


def _request_session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    if request.method in ("GET", "HEAD"):
        with db.reading() as session:
            yield session
        return
    with db.transaction() as session:
        yield session


# One transaction per request, committed before the response is sent (scope="function"),
# so a client never sees a success whose changes were not durably committed. Reads
# (GET, HEAD) get a read-only session that never holds SQLite's write lock.
SessionDep = Annotated[Session, Depends(_request_session, scope="function")]


def whoami_router() -> APIRouter:
    """``GET /v1/whoami``: what this service makes of the caller's token, so that an
    integrator can check a token against any service."""
    router = APIRouter(tags=["identity"])

    @router.get("/whoami", summary="The verified identity behind the bearer token "
                "(access-grant tokens included)")
    def whoami(principal: Annotated[Principal | None, Depends(optional_principal_or_grant)],
               ) -> dict[str, Any]:
        if principal is None:
            raise Unauthorized("this route needs a bearer token", slug="missing-token")
        return {
            "subject": principal.subject,
            "kind": principal.kind,
            "organization": principal.org,
            "roles": sorted(principal.roles),
            "expires_at": principal.claims.get("exp"),
        }

    return router


def app_state(name: str) -> Any:
    """A route dependency on an object the app set up at start-up as ``app.state.<name>``
    (its type is the ``Annotated`` type the dependency is declared with)."""

    async def from_app_state(request: Request) -> Any:
        return getattr(request.app.state, name)

    return Depends(from_app_state)


OutboxDep = Annotated[Outbox, app_state("outbox")]


def _write_session(request: Request) -> Iterator[Session]:
    db: Database = request.app.state.db
    with db.transaction() as session:
        yield session


# For the few reads that also write (a download recorded in the outbox, say).
WriteSessionDep = Annotated[Session, Depends(_write_session, scope="function")]
