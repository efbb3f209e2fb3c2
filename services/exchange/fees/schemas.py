"""Request and response bodies of the fee API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, Strict

from services.shared.bounds import MAX_INTEGER


class FeeIn(BaseModel):
    """A fee to apply from a date."""

    model_config = ConfigDict(extra="forbid")

    fee_bps: Annotated[int, Strict()] = Field(ge=-MAX_INTEGER, le=MAX_INTEGER,
                                              description="basis points: 300 = 3 %")
    effective_date: date = Field(description="from this day's 00:00 Beijing time (today: "
                                 "from now); not in the past")


class FeeOut(BaseModel):
    """One entry of the fee schedule."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    fee_bps: int
    effective_date: date
    effective_at: datetime
    set_at: datetime


class FeesOut(BaseModel):
    """The fee in effect now and the schedule (latest start first)."""

    current_bps: int
    default_bps: int = Field(description="the configured fee, before any was set")
    schedule: list[FeeOut]
