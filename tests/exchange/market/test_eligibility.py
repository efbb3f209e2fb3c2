"""Who may register, offer and order what."""

from __future__ import annotations

from typing import Any

import pytest

from services.exchange.market.eligibility import (
    check_dataset_registrable,
    check_may_offer,
    check_may_order,
    check_reviewable,
    check_revocable,
    check_withdrawable,
    is_publicly_visible,
)
from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState
from services.exchange.market.statuses import AssetStatus
from services.exchange.market.usage_policy import UsageTerms


def _dataset(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"status": "listed", "publisher_org_id": "org_a",
                             "grade": "general", "owner_org": "org_a"}
    return facts | changes


@pytest.mark.parametrize(("changes", "slug"), [
    ({"status": None}, "dataset-not-listed"),
    ({"status": "draft"}, "dataset-not-listed"),
    ({"publisher_org_id": "org_b"}, "dataset-not-owned"),
    ({"grade": "core"}, "core-data"),
])
def test_only_own_listed_non_core_datasets_are_registered(changes: dict[str, Any],
                                                          slug: str) -> None:
    check_dataset_registrable("ds_1", **_dataset())
    with pytest.raises(InvalidTerms) as caught:
        check_dataset_registrable("ds_1", **_dataset(**changes))
    assert caught.value.slug == slug
    assert caught.value.extensions == {"dataset_id": "ds_1"}


def test_review_and_revocation_follow_the_asset_status() -> None:
    check_reviewable(AssetStatus.PENDING)
    for status in ("registered", "rejected", "revoked"):
        with pytest.raises(WrongState):
            check_reviewable(status)
    check_revocable("pending")
    check_revocable("registered")
    for status in ("rejected", "revoked"):
        with pytest.raises(WrongState):
            check_revocable(status)


def test_registered_and_revoked_assets_are_public() -> None:
    assert is_publicly_visible("registered") and is_publicly_visible("revoked")
    assert not is_publicly_visible("pending") and not is_publicly_visible("rejected")


def _offer(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"asset_owner_org": "org_a", "asset_status": "registered",
                             "seller_org": "org_a", "offered_rights": ["processing"],
                             "claimed_rights": ["holding", "processing"]}
    return facts | changes


def test_only_the_owner_offers_a_registered_asset() -> None:
    check_may_offer(**_offer())
    with pytest.raises(NotPermitted):
        check_may_offer(**_offer(seller_org="org_b"))
    with pytest.raises(WrongState) as caught:
        check_may_offer(**_offer(asset_status="pending"))
    assert caught.value.slug == "asset-not-registered"
    with pytest.raises(InvalidTerms):
        check_may_offer(**_offer(offered_rights=["operation"]))


def _order(**changes: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"offer_status": "active", "provider_org": "org_a",
                             "buyer_org": "org_b", "usage": UsageTerms(purposes=("research",)),
                             "purpose": "research", "asset_status": "registered"}
    return facts | changes


@pytest.mark.parametrize(("changes", "kind", "slug"), [
    ({"offer_status": "withdrawn"}, WrongState, "offer-withdrawn"),
    ({"buyer_org": "org_a"}, InvalidTerms, "own-offer"),
    ({"purpose": "commercial"}, InvalidTerms, "purpose-not-permitted"),
    ({"asset_status": "revoked"}, WrongState, "asset-not-registered"),
    ({"asset_status": None}, WrongState, "asset-not-registered"),
])
def test_who_may_order(changes: dict[str, Any], kind: type[Exception], slug: str) -> None:
    check_may_order(**_order())
    check_may_order(**_order(usage=UsageTerms(purposes=("any",)), purpose="commercial"))
    with pytest.raises(kind) as caught:
        check_may_order(**_order(**changes))
    assert getattr(caught.value, "slug") == slug


def test_only_an_active_offer_is_withdrawn() -> None:
    check_withdrawable("active")
    with pytest.raises(WrongState):
        check_withdrawable("withdrawn")
