"""Opaque pagination cursors: the sort key of the last row a page showed.

A cursor holds (score, updated_at, id) of the last row, and a fingerprint of the
query it belongs to, so that a cursor replayed against another query is refused
instead of silently paging through something else. Because the order is total
(id is unique), the next page starts strictly after that row: rows inserted while a
client pages appear or not depending on where they sort, but rows already there are
never shown twice or skipped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.shared.bounds import MAX_INTEGER
from services.shared.canonical import canonical_json
from services.shared.problems import InvalidInput


@dataclass(frozen=True)
class Position:
    """Where in the result order a page ended."""

    score: int
    updated_at: datetime
    dataset_id: str


def fingerprint(query: dict[str, Any]) -> str:
    """A short digest of the query a cursor belongs to."""
    return hashlib.sha256(canonical_json(query)).hexdigest()[:16]


def encode_cursor(position: Position, query_fingerprint: str) -> str:
    """The opaque cursor that continues after ``position``."""
    body = {
        "s": position.score,
        "u": position.updated_at.isoformat(),
        "i": position.dataset_id,
        "q": query_fingerprint,
    }
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number a cursor holds")


def decode_cursor(cursor: str, query_fingerprint: str) -> Position:
    """The position a cursor names; 422 if it is malformed or from another query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        body = json.loads(raw, parse_constant=_no_constant)
        if type(body["s"]) is not int or abs(body["s"]) > MAX_INTEGER:
            raise ValueError("score out of range")
        position = Position(
            score=body["s"],
            updated_at=datetime.fromisoformat(body["u"]),
            dataset_id=str(body["i"]),
        )
        belongs_to = str(body["q"])
        position.updated_at.astimezone(UTC)  # an extreme date overflows here
    except (ValueError, KeyError, TypeError, OverflowError) as exc:
        raise InvalidInput("cursor is not one this service issued",
                           slug="invalid-cursor") from exc
    if position.updated_at.tzinfo is None:
        raise InvalidInput("cursor is not one this service issued", slug="invalid-cursor")
    if belongs_to != query_fingerprint:
        raise InvalidInput("cursor belongs to another query: repeat the same q and filters",
                           slug="cursor-query-mismatch")
    return position
