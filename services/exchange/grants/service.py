"""Access grants: issued at payment, handed out as short-lived tokens, counted, revoked.

A grant covers the contract's datasets until the end of the term. The buyer gets it as
an ES256 JWT from the exchange's key ring (``aud: dataex-catalog``, ``kind: grant``,
claims ``grant_id``, ``order_id``, ``dataset_ids``), valid for at most
``grant_token_ttl_seconds`` and never beyond the term; a new token can be fetched at any
time while the grant is active. The catalog asks ``GET /v1/grants/{id}`` (service
tokens only) whether a grant is still active, so a revocation stops access as soon as
the catalog's cached answer expires.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.assets import repository as assets
from services.exchange.assets.tables import Asset
from services.exchange.grants.tables import AccessGrant, GrantUsage
from services.exchange.market.pricing import MeterUnit
from services.exchange.orders.repository import contract_terms
from services.exchange.orders.tables import Order
from services.exchange.trading.context import Trading
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, InvalidInput, NotFound
from services.shared.schemas.grants import GrantedFile, GrantStatus
from services.shared.settings import AUDIENCES
from services.shared.tokens import issue_token


def status_of(grant: AccessGrant, now: datetime) -> GrantStatus:
    """The grant's status at ``now``."""
    if grant.status == GrantStatus.REVOKED or grant.revoked_at is not None:
        return GrantStatus.REVOKED
    if grant.status == GrantStatus.EXPIRED or now >= grant.expires_at:
        return GrantStatus.EXPIRED
    if grant.quota is not None and used_units(grant) >= grant.quota:
        return GrantStatus.EXHAUSTED
    return GrantStatus.ACTIVE


def used_units(grant: AccessGrant) -> int:
    """What counts against a metered grant's quota: calls, or rows."""
    return grant.used_rows if grant.unit == MeterUnit.THOUSAND_ROWS else grant.used_calls


def issue_grant(session: Session, order: Order, dataset_ids: list[str], *, unit: str | None,
                now: datetime) -> AccessGrant:
    """A new grant for a paid order: its datasets, for its term, with its quota."""
    quota = None
    if unit == MeterUnit.CALL:
        quota = order.quantity
    elif unit == MeterUnit.THOUSAND_ROWS and order.quantity is not None:
        quota = order.quantity * 1000
    grant = AccessGrant(id=new_id("grt"), order_id=order.id, buyer_org_id=order.buyer_org_id,
                        dataset_ids=list(dataset_ids),
                        rights_granted=list(order.rights_granted), status=GrantStatus.ACTIVE.value,
                        starts_at=now, expires_at=now + timedelta(days=order.term_days),
                        unit=unit, quota=quota, used_calls=0, used_rows=0)
    session.add(grant)
    return grant


@dataclass(frozen=True)
class GrantReach:
    """What a grant reaches: exactly these files (by SHA-256), and only while each
    dataset is no stricter in grade and open type than what the contract traded."""

    files: list[GrantedFile]
    grade: str | None
    open_type: str | None


def reach_of(session: Session, grant: AccessGrant) -> GrantReach:
    """The files the order's contract pins (each dataset's files at registration), and
    when the offer included updates those of the asset's approved updates; with the
    asset's grade and open type as the ceiling the catalog enforces."""
    order = session.get(Order, grant.order_id)
    assert order is not None, f"grant {grant.id} has no order"
    terms = contract_terms(session, order)
    pinned = terms.dataset_hashes
    files = [GrantedFile(dataset_id=str(d["dataset_id"]), file_id=str(f["id"]),
                         sha256=str(f["sha256"]))
             for d in pinned for f in d.get("files") or []]
    if terms.includes_updates:
        files += [GrantedFile(dataset_id=dataset_id, file_id=str(f["id"]),
                              sha256=str(f["sha256"]))
                  for dataset_id, f in assets.approved_update_files(session, order.asset_id)]
    asset = session.get(Asset, order.asset_id)
    return GrantReach(files=files, grade=asset.grade if asset else None,
                      open_type=asset.open_type if asset else None)


def grant_of_order(session: Session, order_id: str, *, for_update: bool = False
                   ) -> AccessGrant | None:
    """The grant an order's payment issued."""
    stmt = select(AccessGrant).where(AccessGrant.order_id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


@dataclass(frozen=True)
class GrantToken:
    """A grant token and when it stops working."""

    token: str
    expires_at: datetime


def mint_token(trading: Trading, grant: AccessGrant, now: datetime) -> GrantToken:
    """A fresh token for an active grant; 409 if it is revoked, expired or used up."""
    status = status_of(grant, now)
    if status is GrantStatus.REVOKED:
        raise Conflict(f"the grant was revoked: {grant.revoke_reason or 'no reason given'}",
                       slug="grant-revoked")
    if status is not GrantStatus.ACTIVE:
        raise Conflict(f"the grant is {status.value}", slug=f"grant-{status.value}")
    issued = now.replace(microsecond=0)
    ttl = min(timedelta(seconds=trading.settings.grant_token_ttl_seconds),
              grant.expires_at.replace(microsecond=0) - issued)
    if ttl < timedelta(seconds=1):
        raise Conflict("the grant is expired", slug="grant-expired")
    token, expires = issue_token(
        trading.issuer.ring.active(), issuer=trading.settings.issuer, subject=grant.id,
        audience=AUDIENCES["catalog"], ttl=ttl, now=issued,
        claims={"kind": "grant", "org": grant.buyer_org_id, "roles": [], "grant_id": grant.id,
                "order_id": grant.order_id, "dataset_ids": list(grant.dataset_ids)},
    )
    return GrantToken(token, expires)


def revoke(uow: UnitOfWork, grant: AccessGrant, *, reason: str, actor: str,
           now: datetime, note: str | None = None) -> bool:
    """Stop a grant for good. ``reason`` is a code (``refunded``, ``revoked``,
    ``asset_revoked``, ``asset_suspended``); ``note`` the person's words, kept on the grant
    and recorded in the ledger as ``note_sha256``. False if it was already revoked."""
    if grant.revoked_at is not None:
        return False
    grant.status, grant.revoked_at, grant.revoked_by = GrantStatus.REVOKED.value, now, actor
    grant.revoke_reason = note if note is not None else reason
    payload: dict[str, object] = {"grant_id": grant.id, "order_id": grant.order_id,
                                  "buyer_org_id": grant.buyer_org_id, "reason": reason}
    if note is not None:
        payload["note_sha256"] = text_sha256(note)
    uow.record(type="grant.revoked", actor=actor, subject=grant.id, payload=payload)
    return True


def revoke_by_authority(uow: UnitOfWork, grant_id: str, *, note: str,
                        actor: Principal) -> AccessGrant:
    """An operator or a regulator revokes a grant, saying why (409 if it is no longer
    active: revoked, expired or used up grants cannot be revoked)."""
    found = grant(uow.session, grant_id, for_update=True)
    now = utcnow()
    status = status_of(found, now)
    if status is not GrantStatus.ACTIVE and status is not GrantStatus.EXHAUSTED:
        raise Conflict(f"the grant is already {status.value}", slug=f"grant-{status.value}")
    revoke(uow, found, reason="revoked", actor=actor.subject, now=now, note=note)
    return found


def revoke_live_grants_of_asset(uow: UnitOfWork, asset_id: str, *, reason: str, note: str,
                                actor: str, now: datetime) -> list[str]:
    """Revoke every grant not yet revoked or expired that an order of ``asset_id``
    issued (the asset was revoked or suspended); the ids revoked."""
    live = uow.session.scalars(
        select(AccessGrant).join(Order, Order.id == AccessGrant.order_id)
        .where(Order.asset_id == asset_id, AccessGrant.revoked_at.is_(None),
               AccessGrant.status == GrantStatus.ACTIVE.value)
        .order_by(AccessGrant.id).with_for_update()
    ).all()
    for found in live:
        revoke(uow, found, reason=reason, actor=actor, now=now, note=note)
    return [g.id for g in live]


def grant_record(session: Session, order_id: str, viewer: Principal) -> AccessGrant:
    """The grant of an order, for its buyer and provider, operators and regulators
    (404 for anyone else, or when the order has no grant)."""
    found = grant_of_order(session, order_id)
    order = session.get(Order, order_id)
    may_see = order is not None and (
        viewer.has_role("operator", "regulator")
        or (viewer.org is not None and viewer.org in (order.buyer_org_id,
                                                       order.provider_org_id)))
    if found is None or not may_see:
        raise NotFound(f"no grant for order {order_id}")
    return found


def expire_due(uow: UnitOfWork, now: datetime, *, limit: int = 200) -> int:
    """Mark grants whose term has ended as expired and record it; returns how many."""
    grants = uow.session.scalars(
        select(AccessGrant).where(AccessGrant.status == GrantStatus.ACTIVE.value,
                                  AccessGrant.expires_at <= now)
        .order_by(AccessGrant.expires_at).limit(limit).with_for_update(skip_locked=True)
    ).all()
    for grant in grants:
        grant.status = GrantStatus.EXPIRED.value
        uow.record(type="grant.expired", actor="system", subject=grant.id,
                   payload={"grant_id": grant.id, "order_id": grant.order_id,
                               "buyer_org_id": grant.buyer_org_id})
    return len(grants)


def grant(session: Session, grant_id: str, *, for_update: bool = False) -> AccessGrant:
    """The grant with ``grant_id`` (404 if none)."""
    stmt = select(AccessGrant).where(AccessGrant.id == grant_id)
    if for_update:
        stmt = stmt.with_for_update()
    found = session.scalars(stmt).first()
    if found is None:
        raise NotFound(f"no grant {grant_id}")
    return found


def report_usage(uow: UnitOfWork, *, grant_id: str, report_id: str,
                 dataset_id: str, calls: int, rows: int, actor: str) -> AccessGrant:
    """Count calls and rows the catalog served under a grant (once per ``report_id``);
    409 when the grant is not active, the report would pass its quota, or the report
    was voided (``usage-report-voided``)."""
    found = grant(uow.session, grant_id, for_update=True)
    now = utcnow()
    seen = uow.session.get(GrantUsage, (grant_id, report_id))
    if seen is not None:
        if seen.voided_at is not None:
            raise Conflict("this usage report was voided and is not counted",
                           slug="usage-report-voided")
        if (seen.dataset_id, seen.calls, seen.rows) != (dataset_id, calls, rows):
            raise Conflict("this report_id was used for another report",
                           slug="usage-report-reused")
        return found
    if dataset_id not in found.dataset_ids:
        raise InvalidInput(f"dataset {dataset_id} is not covered by grant {grant_id}",
                           slug="dataset-not-granted")
    status = status_of(found, now)
    if status is not GrantStatus.ACTIVE:
        raise Conflict(f"the grant is {status.value}", slug=f"grant-{status.value}")
    if found.quota is not None:
        more = rows if found.unit == MeterUnit.THOUSAND_ROWS else calls
        if used_units(found) + more > found.quota:
            raise Conflict(f"the report would pass the grant's quota of {found.quota}",
                           slug="quota-exceeded", quota=found.quota, used=used_units(found))
    found.used_calls += calls
    found.used_rows += rows
    uow.session.add(GrantUsage(grant_id=grant_id, report_id=report_id, dataset_id=dataset_id,
                           calls=calls, rows=rows, reported_by=actor, reported_at=now))
    uow.record(type="grant.used", actor=actor, subject=grant_id,
               payload={"grant_id": grant_id, "order_id": found.order_id,
                           "buyer_org_id": found.buyer_org_id, "report_id": report_id,
                           "dataset_id": dataset_id,
                           "calls": calls, "rows": rows, "used_calls": found.used_calls,
                           "used_rows": found.used_rows, "quota": found.quota})
    return found


def void_usage(uow: UnitOfWork, *, grant_id: str, report_id: str,
               dataset_id: str, reason: str, actor: str) -> AccessGrant:
    """Undo a usage report whose data was never served, whatever the grant's status.

    A counted report stops counting: its calls and rows come off the grant. A report not
    seen yet leaves a tombstone (0 calls, 0 rows), so if it arrives late it is refused
    rather than counted. Voiding a voided report changes nothing. Either first void
    records ``grant.usage_voided``. 409 ``usage-report-mismatch`` when the report was
    for another dataset; 422 ``dataset-not-granted`` for a dataset the grant lacks."""
    found = grant(uow.session, grant_id, for_update=True)
    seen = uow.session.get(GrantUsage, (grant_id, report_id))
    if seen is not None and seen.dataset_id != dataset_id:
        raise Conflict("this report_id was reported for another dataset",
                       slug="usage-report-mismatch")
    if seen is not None and seen.voided_at is not None:
        return found
    if seen is None and dataset_id not in found.dataset_ids:
        raise InvalidInput(f"dataset {dataset_id} is not covered by grant {grant_id}",
                           slug="dataset-not-granted")
    now = utcnow()
    if seen is None:
        seen = GrantUsage(grant_id=grant_id, report_id=report_id, dataset_id=dataset_id,
                          calls=0, rows=0, reported_by=actor, reported_at=now)
        uow.session.add(seen)
    seen.voided_at, seen.void_reason, seen.voided_by = now, reason, actor
    found.used_calls -= seen.calls
    found.used_rows -= seen.rows
    uow.record(type="grant.usage_voided", actor=actor, subject=grant_id,
               payload={"grant_id": grant_id, "order_id": found.order_id,
                           "buyer_org_id": found.buyer_org_id, "report_id": report_id,
                           "dataset_id": dataset_id,
                           "calls": seen.calls, "rows": seen.rows,
                           "used_calls": found.used_calls, "used_rows": found.used_rows,
                           "quota": found.quota, "reason": reason})
    return found
