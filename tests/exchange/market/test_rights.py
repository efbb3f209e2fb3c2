"""The rights table (数据二十条), every cell, and what an asset's claims let an offer grant."""

from __future__ import annotations

from itertools import combinations

import pytest

from services.exchange.market.errors import InvalidTerms
from services.exchange.market.rights import (
    GRANTABLE_RIGHTS,
    RIGHTS_TABLE,
    Right,
    check_rights_grantable,
    default_grant,
    grantable_from,
    may_grant,
)

H, P, OP = Right.HOLDING, Right.PROCESSING, Right.OPERATION

CELLS = [
    (H, H, False),  # the holding right never passes itself
    (H, P, True),   # 授权他人加工使用: the holder licenses processing and use
    (H, OP, False),  # holding is not an operation right
    (P, H, False),
    (P, P, False),  # the processing right is the right to use, not to license others
    (P, OP, False),
    (OP, H, False),
    (OP, P, True),   # 第(七)条: 许可他人使用数据或数据衍生产品
    (OP, OP, True),   # the operation right licenses operation onward
]

CLAIM_SETS = [list(c) for n in range(4) for c in combinations(["holding", "processing",
                                                                "operation"], n)]


@pytest.mark.parametrize(("claimed", "granted", "allowed"), CELLS,
                         ids=[f"{c}-grants-{g}" for c, g, _ in CELLS])
def test_each_cell_of_the_rights_table(claimed: Right, granted: Right, allowed: bool) -> None:
    assert may_grant(claimed, granted) is allowed
    if allowed:
        assert check_rights_grantable([granted], [claimed]) == [granted.value]
    else:
        with pytest.raises(InvalidTerms) as caught:
            check_rights_grantable([granted], [claimed])
        assert caught.value.slug == "right-not-grantable"
        assert caught.value.extensions["refused"] == [granted.value]


def test_the_table_covers_every_pair_and_holding_stays_with_the_owner() -> None:
    assert {(c, g) for c, g, _ in CELLS} == {(c, g) for c in Right for g in Right}
    assert set(RIGHTS_TABLE) == set(Right)
    assert Right.HOLDING not in GRANTABLE_RIGHTS
    assert {Right.PROCESSING, Right.OPERATION} == GRANTABLE_RIGHTS


@pytest.mark.parametrize("claimed", CLAIM_SETS, ids=lambda c: "+".join(c) or "none")
def test_the_default_grant_follows_the_assets_rights(claimed: list[str]) -> None:
    expected = ["processing"] if {"holding", "operation"} & set(claimed) else []
    assert default_grant(claimed) == expected
    assert set(grantable_from(claimed)) == {g for c in claimed for g in RIGHTS_TABLE[Right(c)]}


def test_refusals_say_the_rule() -> None:
    with pytest.raises(InvalidTerms) as caught:
        check_rights_grantable(["holding", "processing"], ["holding"])
    detail = caught.value.detail
    assert "cannot grant holding" in detail and "数据资源持有权" in detail
    assert caught.value.extensions["grantable"] == ["processing"]
    with pytest.raises(InvalidTerms) as caught:
        check_rights_grantable([], ["processing"])
    assert "grant no right" in caught.value.detail and "授权他人加工使用" in caught.value.detail
    with pytest.raises(InvalidTerms) as caught:
        check_rights_grantable(["operation"], ["holding", "processing"])
    assert "operation licence" in caught.value.detail


def test_granted_rights_are_sorted_and_deduplicated() -> None:
    assert check_rights_grantable(["processing", "operation", "processing"],
                                  ["operation"]) == ["operation", "processing"]
