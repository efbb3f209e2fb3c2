"""Idempotent POSTs: the same key and body replay the first answer; another body is a 409.

A key belongs to the caller's organisation. The key row is claimed (inserted) before
the effect, in the same transaction, so a concurrent retry waits on the row until the
first request commits and then replays its answer; if the first request fails, its
claim rolls back with it and a retry runs afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from fastapi.responses import JSONResponse
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.exchange.idempotency.tables import IdempotencyKey
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden

REPLAY_HEADER = "Idempotent-Replayed"


@dataclass(frozen=True)
class Answer:
    """A response to send (and to remember under the key)."""

    status_code: int
    body: Any


def _claim(session: Session, org_id: str, key: str, request_sha256: str) -> bool:
    values = {"org_id": org_id, "key": key, "request_sha256": request_sha256,
              "created_at": utcnow()}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    # Core, not the ORM's bulk insert: only Core reports which row the insert made.
    table = cast(Table, IdempotencyKey.__table__)
    claimed = session.execute(
        insert(table).values(**values)
        .on_conflict_do_nothing(index_elements=["org_id", "key"])
        .returning(table.c.key)
    ).first()
    return claimed is not None


def run_once(
    session: Session,
    *,
    principal: Principal,
    key: str,
    method: str,
    path: str,
    body: Any,
    run: Callable[[], Answer],
) -> JSONResponse:
    """Run ``run`` once per (organisation, key); replay its answer on a retry."""
    if principal.org is None:
        raise Forbidden("idempotency keys belong to member organisations", slug="members-only")
    request_sha256 = canonical_sha256({"method": method, "path": path, "body": body})
    if not _claim(session, principal.org, key, request_sha256):
        row = session.scalars(
            select(IdempotencyKey).where(IdempotencyKey.org_id == principal.org,
                                         IdempotencyKey.key == key)
        ).one()
        if row.request_sha256 != request_sha256:
            raise Conflict("this Idempotency-Key was used with another request; use a new key "
                           "for a new request", slug="idempotency-key-reused")
        if row.status_code is None:
            raise Conflict("a request with this Idempotency-Key is still in progress",
                           slug="idempotency-key-in-progress")
        return JSONResponse(row.response, status_code=row.status_code,
                            headers={REPLAY_HEADER: "true"})
    answer = run()
    session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.org_id == principal.org, IdempotencyKey.key == key)
        .values(status_code=answer.status_code, response=answer.body)
    )
    return JSONResponse(answer.body, status_code=answer.status_code)


def forget_before(session: Session, moment: datetime) -> int:
    """Forget keys first used before ``moment``; returns how many (a retry that late runs
    again)."""
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < moment))
    return int(getattr(result, "rowcount", 0) or 0)
