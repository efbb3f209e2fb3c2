"""Grades and open types: an asset takes its datasets' strictest."""

from __future__ import annotations

from services.exchange.market.classification import (
    is_tradable_grade,
    needs_regulator_approval,
    strictest_grade,
    strictest_open_type,
)


def test_an_asset_takes_the_most_sensitive_grade() -> None:
    assert strictest_grade(["general", "important", "general"]) == "important"
    assert strictest_grade(["general"]) == "general"
    assert strictest_grade(["unknown", "general"]) == "unknown"  # unknown counts as general


def test_an_asset_takes_the_least_open_type() -> None:
    assert strictest_open_type(["unconditional", "conditional"]) == "conditional"
    assert strictest_open_type(["not_open", "unconditional"]) == "not_open"


def test_core_data_is_never_traded_and_important_data_needs_a_regulator() -> None:
    assert not is_tradable_grade("core")
    assert is_tradable_grade("important") and is_tradable_grade("general")
    assert needs_regulator_approval("important")
    assert not needs_regulator_approval("general")
