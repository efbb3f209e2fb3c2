"""Bodies of the sign-in lock routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class SignInLockOut(BaseModel):
    """An account or source address that must wait, or is locked."""

    model_config = ConfigDict(from_attributes=True)

    key: str
    kind: str = Field(description="account or source")
    label: str | None = Field(description="the user id of an account that exists, "
                                          "the address of a source")
    failures: int
    last_failure_at: datetime | None
    blocked_until: datetime | None
    locked_until: datetime | None


class UnlockIn(BaseModel):
    """What to unlock: an account by its username, or a source address."""

    username: str | None = Field(default=None, min_length=1, max_length=64)
    source: str | None = Field(default=None, min_length=1, max_length=64)
