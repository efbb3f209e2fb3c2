"""Bodies of the security-event routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class SecurityEventOut(BaseModel):
    """One security event."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    type: str
    outcome: str
    actor: str
    org_id: str | None
    subject: str | None
    source: str | None
    details: dict[str, Any]


class SecurityEventPage(BaseModel):
    """A page of events, newest first, and the cursor of the next page."""

    items: list[SecurityEventOut]
    next_before: int | None
