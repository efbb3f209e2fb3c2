"""Asset registration rules (数据资产登记): pin listed datasets, review, certify, revoke.

A provider registers an asset over datasets that the catalog lists under its own
organisation, naming the rights it claims. The datasets' hashes are pinned at that
moment. An operator reviews the registration; approval issues a registration
certificate signed with the exchange's ES256 key. Every step is a ledger event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from services.clients import ApiProblem, CatalogClient, DatasetFacts
from services.exchange.assets import repository
from services.exchange.assets.tables import Asset, AssetDataset, AssetUpdate
from services.exchange.grants import service as grants
from services.exchange.identity import repository as identity
from services.exchange.market.classification import (
    Grade,
    strictest_grade,
    strictest_open_type,
)
from services.exchange.market.eligibility import (
    check_dataset_registrable,
    check_reinstatable,
    check_reviewable,
    check_revocable,
    check_suspendable,
    is_publicly_visible,
)
from services.exchange.market.public_pricing import is_public_body
from services.exchange.market.statuses import AssetStatus, AssetUpdateStatus
from services.exchange.offers import repository as offers
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256, text_sha256
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)


def fetch_datasets(catalog: CatalogClient, dataset_ids: Sequence[str],
                   owner_org: str) -> list[DatasetFacts]:
    """The datasets, each checked to be listed, owned by ``owner_org`` and tradable."""
    found = []
    for dataset_id in dataset_ids:
        facts = _catalog_dataset(catalog, dataset_id)
        check_dataset_registrable(
            dataset_id, status=facts.status if facts else None,
            publisher_org_id=facts.publisher_org_id if facts else None,
            grade=facts.grade if facts else Grade.GENERAL, owner_org=owner_org)
        assert facts is not None
        found.append(facts)
    return found


def _catalog_dataset(catalog: CatalogClient, dataset_id: str) -> DatasetFacts | None:
    """The dataset as the catalog shows it to the exchange; 503 when the catalog cannot
    say."""
    try:
        return catalog.dataset(dataset_id)
    except ApiProblem as problem:
        reason = (f"answered {problem.status} for dataset {dataset_id}" if problem.answered
                  else "could not be reached")
        raise ServiceUnavailable(f"the catalog {reason}", slug="catalog-unavailable"
                                 ) from problem


def _pin(position: int, facts: DatasetFacts) -> AssetDataset:
    return AssetDataset(
        dataset_id=facts.id, position=position, title=facts.title, revision=facts.revision,
        metadata_sha256=facts.metadata_sha256, files=[f.as_dict() for f in facts.files],
        content_sha256=facts.content_sha256, content_basis=facts.content_basis,
    )


def _aggregate_quality(found: Sequence[DatasetFacts]) -> int | None:
    scores = [f.quality_score for f in found]
    if not scores or any(s is None for s in scores):
        return None
    return min(s for s in scores if s is not None)


def _aggregate_rows(found: Sequence[DatasetFacts]) -> int | None:
    rows = [f.rows for f in found]
    if not rows or any(r is None for r in rows):
        return None
    return sum(r for r in rows if r is not None)


def register_asset(uow: UnitOfWork, *, name: str,
                   dataset_ids: Sequence[str], rights: Sequence[str],
                   actor: Principal) -> Asset:
    """A pending registration over the caller's listed datasets, with their hashes pinned."""
    if actor.org is None:
        raise Forbidden("assets are registered by member organisations", slug="members-only")
    # Read the catalog before touching the database: no lock is held while it answers.
    found = fetch_datasets(uow.trading.catalog, dataset_ids, actor.org)
    owner = identity.organization(uow.session, actor.org)
    if owner is None:
        raise NotFound(f"no organisation {actor.org}")
    pins = [_pin(i, f) for i, f in enumerate(found)]
    asset = Asset(
        id=new_id("ast"), owner_org_id=actor.org, name=name, rights=sorted(rights),
        status=AssetStatus.PENDING.value,
        grade=strictest_grade(f.grade for f in found),
        open_type=strictest_open_type(f.open_type for f in found),
        public_data=is_public_body(owner.credit_code),
        themes=sorted({t for f in found for t in f.themes}),
        keywords=sorted({k for f in found for k in f.keywords}),
        quality_score=_aggregate_quality(found), rows=_aggregate_rows(found),
        content_sha256=canonical_sha256([p.content_sha256 for p in pins]),
        created_by=actor.subject, created_at=utcnow(), datasets=pins,
    )
    uow.session.add(asset)
    uow.session.flush()
    uow.record(type="asset.registered", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "owner_org_id": asset.owner_org_id,
                           "rights": asset.rights, "grade": asset.grade,
                           "public_data": asset.public_data,
                           "dataset_hashes": [p.pinned() for p in pins],
                           "content_sha256": asset.content_sha256})
    return asset


def visible_asset(session: Session, asset_id: str, viewer: Principal | None,
                  *, for_update: bool = False) -> Asset:
    """An asset the viewer may see: registered ones for anyone, the rest for the owner,
    operators and regulators (404 otherwise)."""
    asset = repository.asset(session, asset_id, for_update=for_update)
    if asset is None or not (is_publicly_visible(asset.status) or _insider(asset, viewer)):
        raise NotFound(f"no asset {asset_id}")
    return asset


def _insider(asset: Asset, viewer: Principal | None) -> bool:
    return viewer is not None and (viewer.org == asset.owner_org_id
                                   or viewer.has_role("operator", "regulator"))


def certificate_document(asset: Asset, owner_name: str, owner_credit_code: str,
                         issuer: str, number: str, issued_at: str) -> dict[str, Any]:
    """The registration certificate's content, before signing."""
    return {
        "type": "dataex.registration_certificate",
        "certificate_no": number,
        "asset": {"id": asset.id, "name": asset.name, "owner_org_id": asset.owner_org_id,
                  "owner_name": owner_name, "owner_credit_code": owner_credit_code},
        "rights": list(asset.rights),
        "dataset_hashes": [d.pinned() for d in asset.datasets],
        "content_sha256": asset.content_sha256,
        "grade": asset.grade,
        "issued_at": issued_at,
        "issuer": issuer,
    }


def review_asset(uow: UnitOfWork, *, asset_id: str,
                 approve: bool, reason: str, actor: Principal) -> Asset:
    """pending → registered with a signed certificate, or → rejected with a reason."""
    asset = repository.asset(uow.session, asset_id, for_update=True)
    if asset is None:
        raise NotFound(f"no asset {asset_id}")
    check_reviewable(asset.status)
    if not approve and not reason.strip():
        raise InvalidInput("reason: a rejection needs a reason", slug="reason-required")
    now = utcnow()
    asset.decided_at, asset.decided_by = now, actor.subject
    asset.decision_reason = reason.strip() or None
    if not approve:
        asset.status = AssetStatus.REJECTED.value
        uow.record(type="asset.rejected", actor=actor.subject, subject=asset.id,
                   payload={"asset_id": asset.id,
                               "reason_sha256": text_sha256(asset.decision_reason or "")})
        return asset
    owner = identity.organization(uow.session, asset.owner_org_id)
    assert owner is not None
    number = f"DXRC-{now:%Y%m%d}-{asset.id[-10:].upper()}"
    document = certificate_document(asset, owner.name, owner.credit_code,
                                    uow.trading.settings.issuer, number, rfc3339(now))
    asset.certificate = uow.trading.signer.sign(document)
    asset.certificate_no = number
    asset.status = AssetStatus.REGISTERED.value
    uow.record(type="asset.certified", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "owner_org_id": asset.owner_org_id,
                           "certificate_no": number, "kid": asset.certificate["kid"],
                           "certificate_sha256": canonical_sha256(asset.certificate),
                           "content_sha256": asset.content_sha256, "rights": asset.rights})
    return asset


def revoke_asset(uow: UnitOfWork, *, asset_id: str, reason: str,
                 actor: Principal) -> Asset:
    """Revoke a registration (its owner or an operator): its offers are withdrawn and
    the grants its orders issued are revoked."""
    asset = visible_asset(uow.session, asset_id, actor, for_update=True)
    if not (actor.org == asset.owner_org_id or actor.has_role("operator")):
        raise Forbidden("only the owner or an operator revokes a registration",
                        slug="owner-or-operator")
    check_revocable(asset.status)
    now = utcnow()
    asset.status, asset.revoked_at, asset.revoked_by = (AssetStatus.REVOKED.value, now,
                                                         actor.subject)
    asset.revoke_reason = reason.strip()
    withdrawn = offers.withdraw_offers_of_asset(uow.session, asset.id, now)
    uow.record(type="asset.revoked", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "certificate_no": asset.certificate_no,
                           "withdrawn_offer_ids": withdrawn,
                           "reason_sha256": text_sha256(asset.revoke_reason)})
    grants.revoke_live_grants_of_asset(uow, asset.id, reason="asset_revoked",
                                       note=asset.revoke_reason, actor=actor.subject, now=now)
    return asset


def suspend_asset(uow: UnitOfWork, *, asset_id: str, reason: str,
                  actor: Principal) -> Asset:
    """An operator or a regulator suspends a registered asset: its offers are withdrawn
    and the grants its orders issued are revoked; it can be reinstated later."""
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("only an operator or a regulator suspends an asset",
                        slug="operator-or-regulator")
    asset = visible_asset(uow.session, asset_id, actor, for_update=True)
    check_suspendable(asset.status)
    now = utcnow()
    asset.status = AssetStatus.SUSPENDED.value
    asset.suspended_at, asset.suspended_by = now, actor.subject
    asset.suspend_reason = reason.strip()
    withdrawn = offers.withdraw_offers_of_asset(uow.session, asset.id, now)
    uow.record(type="asset.suspended", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "certificate_no": asset.certificate_no,
                        "withdrawn_offer_ids": withdrawn,
                        "reason_sha256": text_sha256(asset.suspend_reason)})
    grants.revoke_live_grants_of_asset(uow, asset.id, reason="asset_suspended",
                                       note=asset.suspend_reason, actor=actor.subject,
                                       now=now)
    return asset


def reinstate_asset(uow: UnitOfWork, *, asset_id: str, reason: str,
                    actor: Principal) -> Asset:
    """An operator or a regulator lifts a suspension: the asset is registered again (its
    provider makes new offers; revoked grants stay revoked)."""
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("only an operator or a regulator reinstates an asset",
                        slug="operator-or-regulator")
    asset = visible_asset(uow.session, asset_id, actor, for_update=True)
    check_reinstatable(asset.status)
    asset.status = AssetStatus.REGISTERED.value
    uow.record(type="asset.reinstated", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "certificate_no": asset.certificate_no,
                        "reason_sha256": text_sha256(reason.strip())})
    return asset


def list_assets(session: Session, viewer: Principal | None, *, mine: bool,
                status: str | None, after: str | None, limit: int) -> list[Asset]:
    """Registered assets for anyone; with ``mine`` the caller's own in any status;
    operators and regulators may filter on any status."""
    if mine:
        if viewer is None or viewer.org is None:
            raise Forbidden("mine=true needs a member's token", slug="members-only")
        statuses = [status] if status else None
        return list(repository.assets(session, owner=viewer.org, statuses=statuses,
                                      after=after, limit=limit))
    privileged = viewer is not None and viewer.has_role("operator", "regulator")
    if status and not is_publicly_visible(status) and not privileged:
        raise Forbidden("only operators and regulators list assets in that status",
                        slug="role-required")
    statuses = [status] if status else [AssetStatus.REGISTERED.value]
    return list(repository.assets(session, owner=None, statuses=statuses, after=after,
                                  limit=limit))


def submit_update(uow: UnitOfWork, *, asset_id: str, dataset_id: str,
                  actor: Principal) -> AssetUpdate:
    """The asset's owner submits the current revision of one of its datasets as an
    update, its hashes pinned now, for an operator's review. 404 for another's asset,
    422 for a dataset the asset does not hold, 409 when the asset is not registered or
    the dataset is no longer listed, tradable, or as open and graded as registered."""
    asset = visible_asset(uow.session, asset_id, actor)
    if actor.org != asset.owner_org_id:
        raise Forbidden("only the asset's owner submits updates", slug="owner-only")
    if asset.status != AssetStatus.REGISTERED.value:
        raise Conflict(f"the asset is {asset.status}: updates are for registered assets",
                       slug="asset-not-registered")
    if dataset_id not in asset.dataset_ids:
        raise InvalidInput(f"asset {asset_id} does not hold dataset {dataset_id}",
                           slug="dataset-not-in-asset")
    [facts] = fetch_datasets(uow.trading.catalog, [dataset_id], asset.owner_org_id)
    if strictest_grade([facts.grade, asset.grade]) != asset.grade or \
            strictest_open_type([facts.open_type, asset.open_type]) != asset.open_type:
        raise Conflict("the dataset is now graded or opened more strictly than the asset: "
                       "register a new asset", slug="classification-changed")
    pin = _pin(0, facts)
    update = AssetUpdate(
        id=new_id("aup"), asset_id=asset.id, dataset_id=dataset_id, revision=pin.revision,
        metadata_sha256=pin.metadata_sha256, files=pin.files,
        content_sha256=pin.content_sha256, status=AssetUpdateStatus.PENDING.value,
        submitted_by=actor.subject, submitted_at=utcnow())
    uow.session.add(update)
    uow.record(type="asset.update_submitted", actor=actor.subject, subject=asset.id,
               payload={"asset_id": asset.id, "update_id": update.id,
                        "dataset_id": dataset_id, "revision": update.revision,
                        "content_sha256": update.content_sha256,
                        "files": [{"id": f["id"], "sha256": f["sha256"]} for f in pin.files]})
    return update


def review_update(uow: UnitOfWork, *, asset_id: str, update_id: str, approve: bool,
                  reason: str, actor: Principal) -> AssetUpdate:
    """An operator approves a pending update (grants of offers that include updates
    reach its files from now on) or rejects it with a reason. 409 unless pending."""
    update = uow.session.get(AssetUpdate, update_id, with_for_update=True)
    if update is None or update.asset_id != asset_id:
        raise NotFound(f"asset {asset_id} has no update {update_id}")
    if update.status != AssetUpdateStatus.PENDING.value:
        raise Conflict(f"the update is already {update.status}", slug="update-decided")
    if not approve and not reason.strip():
        raise InvalidInput("reason: a rejection needs a reason", slug="reason-required")
    status = AssetUpdateStatus.APPROVED if approve else AssetUpdateStatus.REJECTED
    update.status, update.decided_by, update.decided_at = (
        status.value, actor.subject, utcnow())
    update.decision_reason = reason.strip() or None
    uow.record(type=f"asset.update_{status.value}", actor=actor.subject, subject=asset_id,
               payload={"asset_id": asset_id, "update_id": update.id,
                        "dataset_id": update.dataset_id,
                        "content_sha256": update.content_sha256,
                        "reason_sha256": text_sha256(update.decision_reason or "")})
    return update


def updates_of(session: Session, asset_id: str, viewer: Principal) -> list[AssetUpdate]:
    """An asset's updates, oldest first, for its owner, operators and regulators."""
    asset = visible_asset(session, asset_id, viewer)
    if not _insider(asset, viewer):
        raise NotFound(f"no updates of asset {asset_id} for this caller")
    return repository.updates(session, asset_id)

