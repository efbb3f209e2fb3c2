"""The three data rights (数据二十条) and what an asset's rights let an offer grant.

The rights table, one row per right an asset's registration claims, one column per right
an offer may give its buyer:

=============  ==========  ==========  =========
claimed \\ gives  holding     processing  operation
=============  ==========  ==========  =========
holding        no          yes         no
processing     no          no          no
operation      no          yes         yes
=============  ==========  ==========  =========

* The holding right (数据资源持有权) lets its holder authorise others to process and use
  the data (授权他人加工使用), so it sells a use licence; it never passes itself.
* The processing right (数据加工使用权) is the right to use and process the data oneself;
  it does not let its holder license others.
* The operation right (数据产品经营权) includes licensing others to use the data or its
  derived products (第(七)条: 许可他人使用数据或数据衍生产品), and to operate them onward.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from services.exchange.market.errors import InvalidTerms


class Right(StrEnum):
    """A right over data an asset's registration claims."""

    HOLDING = "holding"  # 数据资源持有权
    PROCESSING = "processing"  # 数据加工使用权
    OPERATION = "operation"  # 数据产品经营权


RIGHTS_TABLE: dict[Right, frozenset[Right]] = {
    Right.HOLDING: frozenset({Right.PROCESSING}),
    Right.PROCESSING: frozenset(),
    Right.OPERATION: frozenset({Right.PROCESSING, Right.OPERATION}),
}
"""For each right an asset claims, the rights it lets an offer grant a buyer."""

GRANTABLE_RIGHTS = frozenset(r for given in RIGHTS_TABLE.values() for r in given)
"""The rights a contract may ever grant a buyer; holding stays with the asset's owner."""

WHY: dict[Right, str] = {
    Right.HOLDING: "the holding right (数据资源持有权) stays with the asset's owner and is "
                   "never sold; it lets the owner license processing and use",
    Right.PROCESSING: "a processing licence (数据加工使用权) is granted by an asset claiming "
                      "holding (授权他人加工使用) or operation (许可他人使用, 第(七)条)",
    Right.OPERATION: "an operation licence (数据产品经营权) is granted only by an asset "
                     "claiming the operation right",
}
"""Why each right may or may not be granted, said in the refusal."""


def may_grant(claimed: Right, granted: Right) -> bool:
    """One cell of the rights table: whether claiming ``claimed`` lets an offer grant
    ``granted``."""
    return granted in RIGHTS_TABLE[claimed]


def grantable_from(claimed: Iterable[str]) -> frozenset[Right]:
    """Every right an asset claiming ``claimed`` may grant (unknown names grant nothing)."""
    known = [Right(c) for c in claimed if c in Right.__members__.values()]
    return frozenset(r for c in known for r in RIGHTS_TABLE[c])


def default_grant(claimed: Iterable[str]) -> list[str]:
    """The rights an offer grants when it does not say: the use licence (processing) when
    the asset can give it, else the operation licence when it can, else nothing."""
    grantable = grantable_from(claimed)
    for right in (Right.PROCESSING, Right.OPERATION):
        if right in grantable:
            return [right.value]
    return []


def ungrantable_rights(offered: Iterable[str], claimed: Iterable[str]) -> list[str]:
    """The offered rights the asset's claims do not let it grant, sorted."""
    return sorted(set(offered) - grantable_from(claimed))


def check_rights_grantable(offered: Iterable[str], claimed: Iterable[str]) -> list[str]:
    """The rights an offer grants, sorted; refuse (``right-not-grantable``) any the
    asset's claimed rights cannot give, saying the rule, and an offer granting none."""
    rights = sorted(set(offered))
    claimed_list = sorted(set(claimed))
    if not rights:
        raise InvalidTerms(
            f"rights_granted: the asset claims {', '.join(claimed_list) or 'no right'}, "
            f"which lets it grant no right: {WHY[Right.PROCESSING]}",
            slug="right-not-grantable", claimed=claimed_list, refused=[])
    refused = ungrantable_rights(rights, claimed_list)
    if refused:
        rules = "; ".join(WHY[Right(r)] if r in Right.__members__.values()
                          else f"{r} is not a right" for r in refused)
        raise InvalidTerms(
            f"rights_granted: the asset claims {', '.join(claimed_list) or 'no right'} and "
            f"cannot grant {', '.join(refused)}: {rules}",
            slug="right-not-grantable", claimed=claimed_list, refused=refused,
            grantable=sorted(grantable_from(claimed_list)))
    return rights
