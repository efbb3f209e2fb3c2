"""Request body of suspension and reinstatement."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SuspensionDecision(BaseModel):
    """The operator's reason (required)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
