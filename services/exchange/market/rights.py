"""The three data rights (数据二十条) and what an asset's rights let an offer grant."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from services.exchange.market.errors import InvalidTerms


class Right(StrEnum):
    """A right over data an asset's registration claims."""

    HOLDING = "holding"  # 数据资源持有权
    PROCESSING = "processing"  # 数据加工使用权
    OPERATION = "operation"  # 数据产品经营权


GRANTABLE_RIGHTS = frozenset({Right.PROCESSING, Right.OPERATION})
"""The rights a contract may grant a buyer; holding stays with the asset's owner."""


def unclaimed_rights(offered: Iterable[str], claimed: Iterable[str]) -> list[str]:
    """The offered rights the asset's registration does not claim, sorted."""
    return sorted(set(offered) - set(claimed))


def check_rights_claimed(offered: Iterable[str], claimed: Iterable[str]) -> None:
    """Refuse an offer that grants a right its asset does not claim."""
    missing = unclaimed_rights(offered, claimed)
    if missing:
        raise InvalidTerms(f"the asset's registration does not claim the right(s) "
                           f"{', '.join(missing)}", slug="right-not-claimed")
