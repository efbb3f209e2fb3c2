"""Who may register, offer and order what: the checks before a trade step is taken.

Each function takes the facts it judges (statuses, owners, grades) as plain values and
raises a :mod:`.errors` violation when the step is not allowed.
"""

from __future__ import annotations

from collections.abc import Iterable

from services.exchange.market.classification import is_tradable_grade
from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState
from services.exchange.market.rights import check_rights_grantable
from services.exchange.market.statuses import (
    PUBLIC_ASSET_STATUSES,
    REVOCABLE_ASSET_STATUSES,
    AssetStatus,
    DatasetStatus,
    OfferStatus,
)
from services.exchange.market.usage_policy import UsageTerms, purpose_permitted


def check_dataset_registrable(dataset_id: str, *, status: str | None,
                              publisher_org_id: str | None, grade: str,
                              owner_org: str) -> None:
    """A dataset enters an asset only if the catalog lists it, the registering
    organisation publishes it and it is not core data (``status`` None: unknown)."""
    if status != DatasetStatus.LISTED:
        raise InvalidTerms(f"dataset {dataset_id} is not listed in the catalog",
                           slug="dataset-not-listed", dataset_id=dataset_id)
    if publisher_org_id != owner_org:
        raise InvalidTerms(f"dataset {dataset_id} is not published by your organisation",
                           slug="dataset-not-owned", dataset_id=dataset_id)
    if not is_tradable_grade(grade):
        raise InvalidTerms(f"dataset {dataset_id} is core data, which is never tradable",
                           slug="core-data", dataset_id=dataset_id)


def check_reviewable(asset_status: str) -> None:
    """Only pending registrations are reviewed."""
    if asset_status != AssetStatus.PENDING:
        raise WrongState(f"the asset is {asset_status}; only pending registrations are "
                         f"reviewed", slug="invalid-transition")


def check_revocable(asset_status: str) -> None:
    """Pending, registered and suspended assets may be revoked; rejected or revoked ones
    not."""
    if asset_status not in REVOCABLE_ASSET_STATUSES:
        raise WrongState(f"the asset is {asset_status} and cannot be revoked",
                         slug="invalid-transition")


def check_suspendable(asset_status: str) -> None:
    """Only registered assets are suspended."""
    if asset_status != AssetStatus.REGISTERED:
        raise WrongState(f"the asset is {asset_status}; only registered assets are "
                         f"suspended", slug="invalid-transition")


def check_reinstatable(asset_status: str) -> None:
    """Only suspended assets are reinstated."""
    if asset_status != AssetStatus.SUSPENDED:
        raise WrongState(f"the asset is {asset_status}; only suspended assets are "
                         f"reinstated", slug="invalid-transition")


def is_publicly_visible(asset_status: str) -> bool:
    """Whether anyone may see an asset in this status (insiders see every status)."""
    return asset_status in PUBLIC_ASSET_STATUSES


def check_may_offer(*, asset_owner_org: str, asset_status: str, seller_org: str | None,
                    offered_rights: Iterable[str], claimed_rights: Iterable[str]) -> list[str]:
    """Only an asset's owner offers it, once registered, granting only rights its claimed
    rights can give (the rights table of :mod:`.rights`); returns the rights granted."""
    if asset_owner_org != seller_org:
        raise NotPermitted("only the asset's owner offers it", slug="owner-only")
    if asset_status != AssetStatus.REGISTERED:
        raise WrongState(f"the asset is {asset_status}; only registered assets are offered",
                         slug="asset-not-registered")
    return check_rights_grantable(offered_rights, claimed_rights)


def check_may_order(*, offer_status: str, provider_org: str, buyer_org: str,
                    usage: UsageTerms, purpose: str, asset_status: str | None) -> None:
    """An organisation orders an active offer of another organisation, for a purpose
    its policy permits, over an asset still registered (``asset_status`` None: gone)."""
    if offer_status != OfferStatus.ACTIVE:
        raise WrongState("the offer has been withdrawn", slug="offer-withdrawn")
    if provider_org == buyer_org:
        raise InvalidTerms("an organisation cannot buy its own offer", slug="own-offer")
    if not purpose_permitted(usage, purpose):
        raise InvalidTerms(f"the offer's policy does not permit the purpose {purpose!r}",
                           slug="purpose-not-permitted", permitted=list(usage.purposes))
    if asset_status != AssetStatus.REGISTERED:
        raise WrongState("the offer's asset is no longer registered",
                         slug="asset-not-registered")


def check_withdrawable(offer_status: str) -> None:
    """Only an active offer is withdrawn."""
    if offer_status != OfferStatus.ACTIVE:
        raise WrongState("the offer is already withdrawn", slug="invalid-transition")
