"""Request and response bodies of the webhook API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.exchange.market.notifications import WebhookEventType
from services.exchange.market.statuses import DeliveryStatus


class WebhookCreate(BaseModel):
    """Where to post, and which events."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(min_length=8, max_length=500,
                     description="http(s) URL the exchange POSTs signed events to")
    events: list[WebhookEventType] = Field(min_length=1, max_length=len(WebhookEventType))
    description: str = Field(default="", max_length=200)


class WebhookOut(BaseModel):
    """A webhook (its secret is shown only when it is created)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    url: str
    events: list[str]
    description: str
    status: str
    created_at: datetime


class WebhookCreated(WebhookOut):
    """A new webhook with its signing secret: store it now, it is not shown again."""

    secret: str = Field(description="HMAC-SHA256 key (whsec_…) deliveries are signed with")


class DeliveryOut(BaseModel):
    """One event's delivery to a webhook."""

    id: str
    event_id: str
    event_type: str
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="when pending: the next attempt")
    created_at: datetime
    delivered_at: datetime | None


class TestEventOut(BaseModel):
    """The test event queued for a webhook."""

    event_id: str
    event_type: str
