"""Data-asset valuation (数据资产评估指导意见, 2023): pure arithmetic, no I/O.

Three methods, each returning integer fen and a report that lists the inputs and every
step, so that a reader can redo the sum by hand. Rates are basis points (1/100 of a
per cent) and quality scores are integers 0-100; arithmetic is exact (fractions) and
only the final value is rounded, half up, to a fen.

- **cost**: replacement cost (collection + storage + processing + labour + indirect)
  x (1 + reasonable profit rate) x quality coefficient (quality score / 100);
- **income**: sum over years t = 1..n of cash flow_t x data share / (1 + r)^t;
- **market**: each comparable settled trade's price x quality factor (subject / comparable)
  x recency factor (1 - age / 10 years, floor 0.5) x scale factor (subject rows /
  comparable rows, when both are known), each factor clamped to [0.5, 2]; the value is
  the median of the adjusted prices. Fewer than ``min_comparables`` trades is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

from services.shared.problems import InvalidInput, Problem

BASIS_POINTS = 10_000
MAX_FEN = 10**15
MAX_YEARS = 50
RECENCY_HORIZON_DAYS = 3650
FACTOR_FLOOR = Fraction(1, 2)
FACTOR_CEILING = Fraction(2)


class Method(StrEnum):
    """The three valuation methods."""

    COST = "cost"
    INCOME = "income"
    MARKET = "market"


@dataclass(frozen=True)
class Valuation:
    """A value in fen with the report that explains it."""

    method: Method
    value_fen: int
    report: dict[str, Any]


class TooFewComparables(Problem):
    """422: the market method needs more comparable settled trades than exist."""

    status = 422
    slug = "too-few-comparables"
    title = "Too few comparable trades"


def round_half_up(value: Fraction) -> int:
    """``value`` rounded to the nearest integer, halves away from zero."""
    sign = -1 if value < 0 else 1
    magnitude = abs(value)
    return sign * int((magnitude * 2 + 1) // 2)


def show(value: Fraction) -> str:
    """A fraction as a decimal string with six places (for reports; never computed on)."""
    scaled = round_half_up(value * 1_000_000)
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), 1_000_000)
    return f"{sign}{whole}.{frac:06d}"


def _fen(name: str, value: int) -> int:
    if type(value) is not int or not 0 <= value <= MAX_FEN:
        raise InvalidInput(f"{name} must be an integer number of fen between 0 and {MAX_FEN}",
                           slug="invalid-valuation-input")
    return value


def _bps(name: str, value: int, *, low: int = 0, high: int = BASIS_POINTS) -> Fraction:
    if type(value) is not int or not low <= value <= high:
        raise InvalidInput(f"{name} must be an integer in basis points between {low} and {high}",
                           slug="invalid-valuation-input")
    return Fraction(value, BASIS_POINTS)


def _score(name: str, value: int) -> Fraction:
    if type(value) is not int or not 0 <= value <= 100:
        raise InvalidInput(f"{name} must be an integer quality score between 0 and 100",
                           slug="invalid-valuation-input")
    return Fraction(value, 100)


def _result(method: Method, value: Fraction, inputs: dict[str, Any],
            steps: list[dict[str, Any]], formula: str) -> Valuation:
    if value > MAX_FEN:
        raise InvalidInput("the value is beyond the exchange's limit", slug="value-too-large")
    fen = round_half_up(value)
    report = {"method": method.value, "formula": formula, "inputs": inputs, "steps": steps,
              "exact_value": show(value), "value_fen": fen, "rounding": "half up to 1 fen"}
    return Valuation(method, fen, report)


@dataclass(frozen=True)
class CostInputs:
    """Replacement cost components (fen), the profit rate and the quality score."""

    collection_fen: int
    storage_fen: int
    processing_fen: int
    labour_fen: int
    indirect_fen: int
    profit_rate_bps: int
    quality_score: int


def value_by_cost(inputs: CostInputs) -> Valuation:
    """Replacement cost x (1 + profit rate) x quality coefficient."""
    parts = {name: _fen(name, getattr(inputs, name)) for name in
             ("collection_fen", "storage_fen", "processing_fen", "labour_fen", "indirect_fen")}
    profit = _bps("profit_rate_bps", inputs.profit_rate_bps, high=10 * BASIS_POINTS)
    quality = _score("quality_score", inputs.quality_score)
    cost = sum(parts.values())
    with_profit = cost * (1 + profit)
    value = with_profit * quality
    steps = [
        {"step": "replacement cost", "computation": " + ".join(str(v) for v in parts.values()),
         "result": show(Fraction(cost))},
        {"step": "with reasonable profit",
         "computation": f"{cost} x (1 + {show(profit)})", "result": show(with_profit)},
        {"step": "quality adjustment",
         "computation": f"{show(with_profit)} x {inputs.quality_score}/100",
         "result": show(value)},
    ]
    return _result(Method.COST, value, {**parts, "profit_rate_bps": inputs.profit_rate_bps,
                                        "quality_score": inputs.quality_score}, steps,
                   "(collection + storage + processing + labour + indirect) "
                   "x (1 + profit rate) x quality score / 100")


@dataclass(frozen=True)
class IncomeInputs:
    """Expected yearly cash flows (fen), the discount rate and the data's share of income."""

    cash_flows_fen: tuple[int, ...]
    discount_rate_bps: int
    data_share_bps: int


def value_by_income(inputs: IncomeInputs) -> Valuation:
    """Discounted expected cash flows attributable to the data."""
    flows = inputs.cash_flows_fen
    if not 1 <= len(flows) <= MAX_YEARS:
        raise InvalidInput(f"cash_flows_fen must list 1 to {MAX_YEARS} yearly amounts",
                           slug="invalid-valuation-input")
    for i, flow in enumerate(flows):
        _fen(f"cash_flows_fen[{i}]", flow)
    rate = _bps("discount_rate_bps", inputs.discount_rate_bps, high=10 * BASIS_POINTS)
    share = _bps("data_share_bps", inputs.data_share_bps)
    steps, total = [], Fraction(0)
    for year, flow in enumerate(flows, start=1):
        factor = 1 / (1 + rate) ** year
        present = flow * share * factor
        total += present
        steps.append({"step": f"year {year}",
                      "computation": f"{flow} x {show(share)} / (1 + {show(rate)})^{year}",
                      "discount_factor": show(factor), "result": show(present)})
    steps.append({"step": "sum of present values", "result": show(total)})
    return _result(Method.INCOME, total, {"cash_flows_fen": list(flows),
                                          "discount_rate_bps": inputs.discount_rate_bps,
                                          "data_share_bps": inputs.data_share_bps}, steps,
                   "sum over years t of cash flow_t x data share / (1 + discount rate)^t")


@dataclass(frozen=True)
class Comparable:
    """A settled trade on this exchange used as a market comparable."""

    order_id: str
    price_fen: int
    quality_score: int | None
    age_days: int
    rows: int | None


@dataclass(frozen=True)
class MarketInputs:
    """The subject's quality and size, and the comparable trades found."""

    quality_score: int
    rows: int | None
    comparables: tuple[Comparable, ...]
    min_comparables: int = 3


def _clamp(value: Fraction) -> Fraction:
    return max(FACTOR_FLOOR, min(FACTOR_CEILING, value))


def _median(values: Sequence[Fraction]) -> Fraction:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def value_by_market(inputs: MarketInputs) -> Valuation:
    """The median of comparable trades' prices, each adjusted for quality, recency, scale."""
    _score("quality_score", inputs.quality_score)
    usable = [c for c in inputs.comparables if c.price_fen > 0]
    if len(usable) < inputs.min_comparables:
        raise TooFewComparables(
            f"the market method needs at least {inputs.min_comparables} comparable settled "
            f"trades on this exchange; {len(usable)} were found",
            found=len(usable), needed=inputs.min_comparables,
        )
    steps, adjusted = [], []
    for comp in usable:
        quality = (_clamp(Fraction(inputs.quality_score, comp.quality_score))
                   if comp.quality_score else Fraction(1))
        age = min(max(comp.age_days, 0), RECENCY_HORIZON_DAYS)
        recency = max(FACTOR_FLOOR, 1 - Fraction(age, RECENCY_HORIZON_DAYS))
        scale = (_clamp(Fraction(inputs.rows, comp.rows))
                 if inputs.rows and comp.rows else Fraction(1))
        price = comp.price_fen * quality * recency * scale
        adjusted.append(price)
        steps.append({"step": f"comparable {comp.order_id}", "price_fen": comp.price_fen,
                      "quality_factor": show(quality), "recency_factor": show(recency),
                      "scale_factor": show(scale),
                      "scale_basis": "rows" if inputs.rows and comp.rows else "unknown (1)",
                      "result": show(price)})
    value = _median(adjusted)
    steps.append({"step": f"median of {len(adjusted)} adjusted prices", "result": show(value)})
    return _result(Method.MARKET, value, {"quality_score": inputs.quality_score,
                                          "rows": inputs.rows,
                                          "comparables": len(usable)}, steps,
                   "median over comparables of price x quality factor x recency factor "
                   "x scale factor")
