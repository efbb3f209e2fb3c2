"""Valuation methods: exact arithmetic, reports that show every step, clear refusals."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.exchange.valuation.model import (
    Comparable,
    CostInputs,
    IncomeInputs,
    MarketInputs,
    TooFewComparables,
    round_half_up,
    show,
    value_by_cost,
    value_by_income,
    value_by_market,
)
from services.shared.canonical import canonical_json
from services.shared.problems import InvalidInput


def test_cost_method_worked_example() -> None:
    result = value_by_cost(CostInputs(
        collection_fen=1_000_000, storage_fen=200_000, processing_fen=300_000,
        labour_fen=400_000, indirect_fen=100_000, profit_rate_bps=1_500, quality_score=90,
    ))
    # 2,000,000 x 1.15 x 0.90 = 2,070,000
    assert result.value_fen == 2_070_000
    steps = result.report["steps"]
    assert [s["result"] for s in steps] == ["2000000.000000", "2300000.000000",
                                            "2070000.000000"]
    assert result.report["inputs"]["quality_score"] == 90
    canonical_json(result.report)  # no floats: the report can go to the ledger


def test_income_method_worked_example() -> None:
    result = value_by_income(IncomeInputs(cash_flows_fen=(1_100_000, 1_210_000),
                                          discount_rate_bps=1_000, data_share_bps=5_000))
    # 1,100,000 x 0.5 / 1.1 + 1,210,000 x 0.5 / 1.21 = 500,000 + 500,000
    assert result.value_fen == 1_000_000
    assert [s["discount_factor"] for s in result.report["steps"][:2]] == ["0.909091",
                                                                          "0.826446"]


def test_market_method_takes_the_median_of_adjusted_prices() -> None:
    comps = (
        Comparable("ord_1", 100_000, 80, 0, 1000),     # quality 90/80, same size
        Comparable("ord_2", 200_000, 90, 365, None),   # recency 0.9, scale unknown
        Comparable("ord_3", 50_000, 90, 0, 4000),      # scale clamped to 0.5
    )
    result = value_by_market(MarketInputs(quality_score=90, rows=1000, comparables=comps))
    adjusted = [s["result"] for s in result.report["steps"][:3]]
    assert adjusted == ["112500.000000", "180000.000000", "25000.000000"]
    assert result.value_fen == 112_500


def test_market_method_refuses_with_too_few_comparables() -> None:
    with pytest.raises(TooFewComparables) as caught:
        value_by_market(MarketInputs(quality_score=80, rows=None,
                                     comparables=(Comparable("o", 10, 80, 1, None),)))
    assert caught.value.status == 422
    assert caught.value.extensions == {"found": 1, "needed": 3}


@pytest.mark.parametrize("bad", [
    {"collection_fen": -1}, {"profit_rate_bps": 100_001}, {"quality_score": 101},
    {"labour_fen": 1.5},
])
def test_cost_inputs_are_checked(bad: dict[str, object]) -> None:
    values: dict[str, object] = {"collection_fen": 1, "storage_fen": 1, "processing_fen": 1,
                                 "labour_fen": 1, "indirect_fen": 1, "profit_rate_bps": 0,
                                 "quality_score": 50, **bad}
    with pytest.raises(InvalidInput):
        value_by_cost(CostInputs(**values))  # type: ignore[arg-type]


def test_income_needs_at_least_one_year() -> None:
    with pytest.raises(InvalidInput):
        value_by_income(IncomeInputs(cash_flows_fen=(), discount_rate_bps=500,
                                     data_share_bps=1000))


@given(st.fractions(min_value=-10**6, max_value=10**6))
def test_round_half_up_is_within_half_a_unit(value: Fraction) -> None:
    rounded = round_half_up(value)
    assert abs(rounded - value) <= Fraction(1, 2)
    if abs(value - int(value)) == Fraction(1, 2):
        assert abs(rounded) > abs(value)


def test_show_renders_six_places() -> None:
    assert show(Fraction(1, 3)) == "0.333333"
    assert show(Fraction(-5, 2)) == "-2.500000"
