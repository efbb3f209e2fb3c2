"""Price plans, graduated tariffs, regulators' caps, conditional free use, ODRL policies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.exchange.market.errors import InvalidTerms
from services.exchange.market.pricing import (
    MeterUnit,
    Plan,
    PriceTerms,
    Tier,
    metered_amount,
    quote,
    validate_terms,
)
from services.exchange.market.public_pricing import (
    PurposeCategory,
    check_cap,
    free_use_applies,
    is_public_body,
)
from services.exchange.market.usage_policy import (
    UsageTerms,
    agreement_policy,
    check_usage,
    offer_policy,
    purpose_permitted,
)

TIERS = (Tier(1000, 10), Tier(10_000, 8), Tier(None, 5))


def test_one_time_and_subscription_quotes() -> None:
    assert quote(PriceTerms(Plan.ONE_TIME, 50_000, 30)).amount_fen == 50_000
    sub = validate_terms(PriceTerms(Plan.SUBSCRIPTION, 10_000, 90, period_days=30))
    q = quote(sub)
    assert q.amount_fen == 30_000
    assert q.lines == ("3 periods of 30 days x 10000 fen",)


def test_metered_tariff_is_graduated() -> None:
    terms = validate_terms(PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL, tiers=TIERS))
    assert quote(terms, quantity=500).amount_fen == 5_000
    assert quote(terms, quantity=12_000).amount_fen == 1000 * 10 + 9000 * 8 + 2000 * 5
    with pytest.raises(InvalidTerms):
        quote(terms)


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_more_units_never_cost_less(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert metered_amount(TIERS, low)[0] <= metered_amount(TIERS, high)[0]


@pytest.mark.parametrize("terms", [
    PriceTerms(Plan.ONE_TIME, 100, 0),
    PriceTerms(Plan.ONE_TIME, -1, 30),
    PriceTerms(Plan.ONE_TIME, 100, 30, period_days=10),
    PriceTerms(Plan.SUBSCRIPTION, 100, 30),
    PriceTerms(Plan.SUBSCRIPTION, 100, 40, period_days=30),
    PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL),
    PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL, tiers=(Tier(10, 1),)),
    PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL, tiers=(Tier(None, 1), Tier(None, 2))),
    PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL, tiers=(Tier(10, 1), Tier(5, 1),
                                                                Tier(None, 1))),
    PriceTerms(Plan.METERED, 0, 30, tiers=(Tier(None, 1),)),
    PriceTerms(Plan.ONE_TIME, 0, 30, unit=MeterUnit.CALL),
])
def test_unusable_terms_are_422(terms: PriceTerms) -> None:
    with pytest.raises(InvalidTerms):
        validate_terms(terms)


def test_caps_apply_per_theme_and_plan_and_take_the_strictest() -> None:
    caps = {("transport", Plan.ONE_TIME): 10_000, ("health", Plan.ONE_TIME): 5_000,
            ("transport", Plan.METERED): 3}
    ok = PriceTerms(Plan.ONE_TIME, 5_000, 30)
    assert check_cap(ok, ["transport", "health"], caps) == ("health", 5_000)
    with pytest.raises(InvalidTerms) as caught:
        check_cap(PriceTerms(Plan.ONE_TIME, 6_000, 30), ["transport", "health"], caps)
    assert caught.value.slug == "price-above-cap"
    assert caught.value.extensions == {"theme": "health", "cap_fen": 5_000}
    metered = PriceTerms(Plan.METERED, 0, 30, unit=MeterUnit.CALL, tiers=(Tier(None, 4),))
    with pytest.raises(InvalidTerms):
        check_cap(metered, ["transport"], caps)
    assert check_cap(ok, ["weather"], caps) is None


def test_conditional_free_use() -> None:
    approved = [PurposeCategory.RESEARCH]
    assert free_use_applies(public_data=True, category=PurposeCategory.RESEARCH,
                            approved=approved)
    assert not free_use_applies(public_data=False, category=PurposeCategory.RESEARCH,
                                approved=approved)
    assert not free_use_applies(public_data=True, category=PurposeCategory.PUBLIC_WELFARE,
                                approved=approved)
    assert not free_use_applies(public_data=True, category=PurposeCategory.COMMERCIAL,
                                approved=[PurposeCategory.COMMERCIAL])
    q = quote(PriceTerms(Plan.ONE_TIME, 9_900, 30), free_use=True)
    assert (q.amount_fen, q.list_amount_fen, q.free_use) == (0, 9_900, True)


def test_public_bodies_are_recognised_by_their_credit_code() -> None:
    assert is_public_body("12100000400000624D")
    assert not is_public_body("91330100716105852F")


def test_policies_narrow_the_offer_to_the_buyer() -> None:
    terms = check_usage(UsageTerms(purposes=("research", "commercial")))
    offer = offer_policy(offer_id="off_1", assigner_org="org_p", asset_id="ast_1", terms=terms,
                         term_days=30)
    assert offer["@type"] == "Offer"
    assert offer["prohibition"] == [{"action": "distribute"}]
    agreement = agreement_policy(order_id="ord_1", offer_policy_doc=offer, assignee_org="org_b",
                                 terms=terms, term_days=30, purpose="research", count=5000)
    constraints = agreement["permission"][0]["constraint"]
    assert {"leftOperand": "purpose", "operator": "isAnyOf", "rightOperand": ["research"]} \
        in constraints
    assert {"leftOperand": "count", "operator": "lteq", "rightOperand": 5000} in constraints
    assert agreement["assignee"] == "urn:dataex:org:org_b"
    assert purpose_permitted(terms, "research")
    assert not purpose_permitted(terms, "government")
    with pytest.raises(InvalidTerms):
        check_usage(UsageTerms(purposes=()))
