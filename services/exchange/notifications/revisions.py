"""``dataset.revised``: a buyer hears when a dataset it holds a live grant on changes in
the catalog after its order pinned it.

The catalog records its revisions in its own outbox and does not call the exchange, so
the exchange looks: each sweep asks the catalog for the datasets under live grants and
compares their content hash (revision, metadata and files) with the one the contract
pinned. A change is announced once per grant and content hash, within one sweep
interval of it; while the catalog cannot be reached, the check waits for the next sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.clients import ApiProblem, CatalogClient, DatasetFacts
from services.exchange.grants.tables import AccessGrant
from services.exchange.market.notifications import WebhookEventType
from services.exchange.market.statuses import GrantStatus
from services.exchange.notifications import repository
from services.exchange.orders.tables import Contract

log = logging.getLogger(__name__)
EVENT = WebhookEventType.DATASET_REVISED.value


def notice_revisions(session: Session, catalog: CatalogClient, *, now: datetime,
                     limit: int = 500) -> int:
    """Queue ``dataset.revised`` for live grants whose datasets changed since they were
    pinned; returns how many notices were queued."""
    rows = session.execute(
        select(AccessGrant, Contract.document)
        .join(Contract, Contract.order_id == AccessGrant.order_id)
        .where(AccessGrant.status == GrantStatus.ACTIVE.value, AccessGrant.expires_at > now)
        .order_by(AccessGrant.id).limit(limit)).all()
    current: dict[str, DatasetFacts | None] = {}
    sent = 0
    for grant, document in rows:
        hooks = repository.subscribed(session, [grant.buyer_org_id], EVENT)
        if not hooks:
            continue
        for pinned in document["asset"]["dataset_hashes"]:
            dataset_id = pinned["dataset_id"]
            if dataset_id not in current:
                try:
                    current[dataset_id] = catalog.dataset(dataset_id)
                except ApiProblem as problem:
                    log.warning("revision check: catalog unavailable: %s", problem)
                    return sent
            facts = current[dataset_id]
            if facts is None or facts.content_sha256 == pinned["content_sha256"]:
                continue
            with session.begin_nested():
                event = repository.enqueue(
                    session, event_type=EVENT, subject=dataset_id, webhooks=hooks,
                    data={"dataset_id": dataset_id, "grant_id": grant.id,
                          "order_id": grant.order_id, "buyer_org_id": grant.buyer_org_id,
                          "pinned_revision": pinned["revision"], "revision": facts.revision,
                          "pinned_content_sha256": pinned["content_sha256"],
                          "content_sha256": facts.content_sha256},
                    dedupe_key=f"revision:{grant.id}:{dataset_id}:{facts.content_sha256}")
            sent += event is not None
    return sent
