"""Webhook routes: add, list, remove, recent deliveries, send a test event."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.exchange.deps import SettingsDep
from services.exchange.market.notifications import WebhookEventType
from services.exchange.notifications import service
from services.exchange.notifications.schemas import (
    DeliveryOut,
    TestEventOut,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
)
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal

router = APIRouter(tags=["webhooks"])


@router.get("/webhooks/event-types", response_model=list[str],
            summary="The event types a webhook can subscribe to")
def event_types() -> list[str]:
    """Every type; ``webhook.test`` is sent only by the test button."""
    return [e.value for e in WebhookEventType]


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, response_model=WebhookCreated,
             summary="Add a webhook (members); the secret is in this answer only")
def create_webhook(body: WebhookCreate, uow: UnitOfWorkDep, actor: CurrentPrincipal,
                   settings: SettingsDep) -> WebhookCreated:
    """Deliveries are signed with the returned ``secret`` (see the README's Webhooks)."""
    hook = service.create_webhook(
        uow, url=body.url, events=[e.value for e in body.events],
        description=body.description, actor=actor,
        require_https=settings.environment == "production")
    uow.session.flush()
    return WebhookCreated.model_validate(hook)


@router.get("/webhooks", response_model=list[WebhookOut],
            summary="The caller's organisation's webhooks")
def list_webhooks(session: SessionDep, actor: CurrentPrincipal) -> list[WebhookOut]:
    """Oldest first; secrets are never shown again."""
    return [WebhookOut.model_validate(h) for h in service.list_webhooks(session, actor)]


@router.delete("/webhooks/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Remove a webhook; its unsent deliveries are cancelled")
def remove_webhook(webhook_id: str, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> Response:
    """Removal is recorded in the ledger; the webhook's past deliveries are kept."""
    service.remove_webhook(uow, webhook_id=webhook_id, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut],
            summary="A webhook's recent deliveries, newest first")
def deliveries(webhook_id: str, session: SessionDep, actor: CurrentPrincipal,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[DeliveryOut]:
    """Status ``pending`` (with its next attempt), ``delivered``, ``failed`` or
    ``cancelled``, with the receiver's last answer."""
    return [DeliveryOut(
        id=d.id, event_id=e.id, event_type=e.type, status=d.status, attempts=d.attempts,
        last_status_code=d.last_status_code, last_error=d.last_error,
        next_attempt_at=d.next_attempt_at if d.status == "pending" else None,
        created_at=d.created_at, delivered_at=d.delivered_at)
        for d, e in service.deliveries(session, webhook_id=webhook_id, actor=actor,
                                       limit=limit)]


@router.post("/webhooks/{webhook_id}/test", status_code=status.HTTP_202_ACCEPTED,
             response_model=TestEventOut, summary="Queue a webhook.test event for a webhook")
def send_test(webhook_id: str, session: SessionDep,
              actor: CurrentPrincipal) -> TestEventOut:
    """Sent, signed and retried like any other event."""
    event = service.send_test_event(session, webhook_id=webhook_id, actor=actor)
    return TestEventOut(event_id=event.id, event_type=event.type)
