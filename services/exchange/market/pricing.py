"""Price plans and quotes: pure rules, integer fen, no I/O.

Plans:

- ``one_time``: ``price_fen`` buys access for ``term_days``;
- ``subscription``: ``price_fen`` per ``period_days``; an order buys ``term_days``
  (a whole number of periods) and pays for every period up front;
- ``metered``: a graduated tariff per call or per 1,000 rows (``tiers``); an order buys a
  quantity of units, usable within ``term_days``, and the grant counts usage against it.

Public bodies' data has its own rules on top (:mod:`.public_pricing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from services.exchange.market.errors import InvalidTerms

MAX_AMOUNT_FEN = 10**15  # ten trillion yuan: far beyond any trade, far below 2**53
MAX_TERM_DAYS = 3650
MAX_QUANTITY = 10**9


class Plan(StrEnum):
    """How an offer is priced."""

    ONE_TIME = "one_time"
    SUBSCRIPTION = "subscription"
    METERED = "metered"


class MeterUnit(StrEnum):
    """What a metered offer counts."""

    CALL = "call"
    THOUSAND_ROWS = "1000_rows"


@dataclass(frozen=True)
class Tier:
    """A band of a graduated tariff: units up to ``up_to`` (None: no limit) at a unit price."""

    up_to: int | None
    unit_price_fen: int


@dataclass(frozen=True)
class PriceTerms:
    """An offer's price plan."""

    plan: Plan
    price_fen: int
    term_days: int
    period_days: int | None = None
    unit: MeterUnit | None = None
    tiers: tuple[Tier, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Quote:
    """What an order costs and how the amount was computed."""

    amount_fen: int
    quantity: int | None
    lines: tuple[str, ...]
    list_amount_fen: int
    free_use: bool = False


def _bad(detail: str) -> InvalidTerms:
    return InvalidTerms(detail, slug="invalid-price-terms")


def _check_tiers(tiers: Sequence[Tier]) -> None:
    if not tiers:
        raise _bad("a metered offer needs at least one tier")
    previous = 0
    for i, tier in enumerate(tiers):
        if not 0 <= tier.unit_price_fen <= MAX_AMOUNT_FEN:
            raise _bad(f"tiers[{i}].unit_price_fen must be between 0 and {MAX_AMOUNT_FEN}")
        last = i == len(tiers) - 1
        if tier.up_to is None and not last:
            raise _bad("only the last tier may be unlimited (up_to: null)")
        if tier.up_to is not None and tier.up_to <= previous:
            raise _bad(f"tiers[{i}].up_to must be greater than the previous tier's")
        previous = tier.up_to or previous
    if tiers[-1].up_to is not None:
        raise _bad("the last tier must be unlimited (up_to: null)")


def validate_terms(terms: PriceTerms) -> PriceTerms:
    """``terms`` if they describe a usable price plan; :class:`InvalidTerms` naming the
    problem otherwise."""
    if not 1 <= terms.term_days <= MAX_TERM_DAYS:
        raise _bad(f"term_days must be between 1 and {MAX_TERM_DAYS}")
    if not 0 <= terms.price_fen <= MAX_AMOUNT_FEN:
        raise _bad(f"price_fen must be between 0 and {MAX_AMOUNT_FEN}")
    if terms.plan is Plan.SUBSCRIPTION:
        if terms.period_days is None or not 1 <= terms.period_days <= terms.term_days:
            raise _bad("a subscription needs period_days between 1 and term_days")
        if terms.term_days % terms.period_days:
            raise _bad("term_days must be a whole number of periods")
    elif terms.period_days is not None:
        raise _bad("period_days is only for subscriptions")
    if terms.plan is Plan.METERED:
        if terms.unit is None:
            raise _bad("a metered offer needs a unit (call or 1000_rows)")
        _check_tiers(terms.tiers)
    elif terms.tiers or terms.unit is not None:
        raise _bad("unit and tiers are only for metered offers")
    return terms


def metered_amount(tiers: Sequence[Tier], quantity: int) -> tuple[int, list[str]]:
    """The graduated price of ``quantity`` units: each band at its own unit price."""
    total, lines, lower = 0, [], 0
    for tier in tiers:
        upper = quantity if tier.up_to is None else min(quantity, tier.up_to)
        if upper <= lower:
            break
        units = upper - lower
        total += units * tier.unit_price_fen
        lines.append(f"units {lower + 1}-{upper}: {units} x {tier.unit_price_fen} fen")
        lower = upper
    return total, lines


def quote(terms: PriceTerms, *, quantity: int | None = None, free_use: bool = False) -> Quote:
    """What an order on ``terms`` costs (``quantity`` of units for metered offers)."""
    lines: list[str]
    if terms.plan is Plan.METERED:
        if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidTerms(f"a metered order needs a quantity between 1 and {MAX_QUANTITY}",
                               slug="quantity-required")
        amount, lines = metered_amount(terms.tiers, quantity)
    elif quantity is not None:
        raise InvalidTerms("quantity is only for metered offers", slug="quantity-not-allowed")
    elif terms.plan is Plan.SUBSCRIPTION:
        assert terms.period_days is not None
        periods = terms.term_days // terms.period_days
        amount = periods * terms.price_fen
        lines = [f"{periods} periods of {terms.period_days} days x {terms.price_fen} fen"]
    else:
        amount = terms.price_fen
        lines = [f"one-time access for {terms.term_days} days: {terms.price_fen} fen"]
    if amount > MAX_AMOUNT_FEN:
        raise InvalidTerms("the order's amount is beyond the exchange's limit",
                           slug="amount-too-large")
    if free_use:
        lines.append("conditional free use of public data: 0 fen")
    return Quote(amount_fen=0 if free_use else amount, quantity=quantity, lines=tuple(lines),
                 list_amount_fen=amount, free_use=free_use)
