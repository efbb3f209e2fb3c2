"""Public bodies' data (公共数据产品价格形成机制): regulators cap prices per theme and plan
for offers over it; a buyer whose public-interest purpose a regulator approved uses it
free ("conditional free use"), others pay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from services.exchange.market.errors import InvalidTerms, WrongState
from services.exchange.market.pricing import Plan, PriceTerms


class PurposeCategory(StrEnum):
    """Why a buyer wants the data; the first two are public-interest purposes."""

    RESEARCH = "research"
    PUBLIC_WELFARE = "public_welfare"
    COMMERCIAL = "commercial"
    GOVERNMENT = "government"


PUBLIC_INTEREST = frozenset({PurposeCategory.RESEARCH, PurposeCategory.PUBLIC_WELFARE})


def check_public_interest(category: PurposeCategory) -> PurposeCategory:
    """``category`` if a regulator may approve it for free use; refused otherwise."""
    if category not in PUBLIC_INTEREST:
        raise InvalidTerms("only research and public_welfare are public-interest purposes",
                           slug="not-public-interest")
    return category


def capped_price(terms: PriceTerms) -> int:
    """The figure a price cap limits: the one-time price, the price per period, or a
    metered offer's highest unit price."""
    if terms.plan is Plan.METERED:
        return max(t.unit_price_fen for t in terms.tiers)
    return terms.price_fen


def applicable_cap(themes: Iterable[str], plan: Plan,
                   caps: Mapping[tuple[str, Plan], int]) -> tuple[str, int] | None:
    """The strictest cap over any of ``themes`` for ``plan``: (theme, max fen), or None."""
    found = [(caps[(t, plan)], t) for t in sorted(set(themes)) if (t, plan) in caps]
    if not found:
        return None
    limit, theme = min(found)
    return theme, limit


def check_cap(terms: PriceTerms, themes: Iterable[str],
              caps: Mapping[tuple[str, Plan], int]) -> tuple[str, int] | None:
    """The cap that applies to public-body data with these themes; refused when the
    price is above it."""
    cap = applicable_cap(themes, terms.plan, caps)
    if cap is not None and capped_price(terms) > cap[1]:
        theme, limit = cap
        raise InvalidTerms(
            f"the price {capped_price(terms)} fen is above the regulator's cap of {limit} fen "
            f"for {terms.plan.value} offers of public data on theme {theme!r}",
            slug="price-above-cap", theme=theme, cap_fen=limit,
        )
    return cap


def is_public_body(credit_code: str) -> bool:
    """Whether a unified social credit code belongs to a public body: registration
    authority 1 (机构编制: Party and state organs and public institutions)."""
    return credit_code[:1] == "1"


def free_use_applies(*, public_data: bool, category: PurposeCategory | None,
                     approved: Iterable[PurposeCategory]) -> bool:
    """Conditional free use: public bodies' data, for a public-interest purpose that a
    regulator approved for this buyer."""
    return (public_data and category is not None and category in PUBLIC_INTEREST
            and category in set(approved))


def check_order_within_cap(terms: PriceTerms, themes: Iterable[str],
                           caps: Mapping[tuple[str, Plan], int]) -> None:
    """Refuse an order on an offer whose price a regulator's cap, set or lowered since
    the offer was published, now forbids."""
    cap = applicable_cap(themes, terms.plan, caps)
    if cap is not None and capped_price(terms) > cap[1]:
        raise WrongState(f"the offer's price is above the regulator's current cap of "
                         f"{cap[1]} fen for theme {cap[0]!r}", slug="offer-above-cap")
