"""The three rights and what an asset's registration lets an offer grant."""

from __future__ import annotations

import pytest

from services.exchange.market.errors import InvalidTerms
from services.exchange.market.rights import (
    GRANTABLE_RIGHTS,
    Right,
    check_rights_claimed,
    unclaimed_rights,
)


def test_holding_stays_with_the_owner() -> None:
    assert Right.HOLDING not in GRANTABLE_RIGHTS
    assert {Right.PROCESSING, Right.OPERATION} == GRANTABLE_RIGHTS


def test_an_offer_grants_only_claimed_rights() -> None:
    check_rights_claimed(["processing"], ["holding", "processing"])
    assert unclaimed_rights(["operation", "processing"], ["processing"]) == ["operation"]
    with pytest.raises(InvalidTerms) as caught:
        check_rights_claimed(["operation", "processing"], ["holding"])
    assert caught.value.slug == "right-not-claimed"
    assert "operation, processing" in caught.value.detail
