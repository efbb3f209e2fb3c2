"""Public bodies' data: which purposes are public-interest, caps at order time."""

from __future__ import annotations

import pytest

from services.exchange.market.errors import InvalidTerms, WrongState
from services.exchange.market.pricing import Plan, PriceTerms
from services.exchange.market.public_pricing import (
    PurposeCategory,
    check_order_within_cap,
    check_public_interest,
)


def test_only_research_and_public_welfare_are_public_interest() -> None:
    assert check_public_interest(PurposeCategory.RESEARCH) is PurposeCategory.RESEARCH
    check_public_interest(PurposeCategory.PUBLIC_WELFARE)
    for category in (PurposeCategory.COMMERCIAL, PurposeCategory.GOVERNMENT):
        with pytest.raises(InvalidTerms) as caught:
            check_public_interest(category)
        assert caught.value.slug == "not-public-interest"


def test_an_order_above_a_cap_set_since_publication_is_refused() -> None:
    caps = {("health", Plan.ONE_TIME): 5_000}
    check_order_within_cap(PriceTerms(Plan.ONE_TIME, 5_000, 30), ["health"], caps)
    check_order_within_cap(PriceTerms(Plan.ONE_TIME, 9_000, 30), ["weather"], caps)
    with pytest.raises(WrongState) as caught:
        check_order_within_cap(PriceTerms(Plan.ONE_TIME, 5_001, 30), ["health"], caps)
    assert caught.value.slug == "offer-above-cap"
    assert "5000 fen for theme 'health'" in caught.value.detail
