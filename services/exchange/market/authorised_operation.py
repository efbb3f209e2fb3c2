"""公共数据授权运营: not-open (不予开放) public data is traded only by an operator
organisation a regulator has authorised for a stated scenario, within the term.

Pure rules over plain values; the exchange's authorisations domain keeps the records.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from services.exchange.market.classification import OpenType
from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState
from services.exchange.market.statuses import AssetStatus, AuthorisationStatus

MAX_TERM_DAYS = 1825
"""An authorisation lasts at most five years before a regulator renews it."""


@dataclass(frozen=True)
class Authorisation:
    """One authorisation as the rules see it."""

    operator_org_id: str
    status: str
    starts_at: datetime
    expires_at: datetime

    def in_force(self, now: datetime) -> bool:
        """Active, and ``now`` within its term."""
        return (self.status == AuthorisationStatus.ACTIVE
                and self.starts_at <= now < self.expires_at)


def needs_authorisation(open_type: str) -> bool:
    """Whether data of this open type is traded only through authorised operation."""
    return open_type == OpenType.NOT_OPEN


def check_authorisable(*, open_type: str, asset_status: str, owner_org: str,
                       operator_org: str, term_days: int) -> None:
    """A regulator authorises an operator over registered not-open data, for another
    organisation than its owner, for at most :data:`MAX_TERM_DAYS`."""
    if not needs_authorisation(open_type):
        raise InvalidTerms(f"the asset's data is {open_type}; only not_open (不予开放) data "
                           "is traded through authorised operation",
                           slug="not-authorised-operation-data")
    if asset_status != AssetStatus.REGISTERED:
        raise WrongState(f"the asset is {asset_status}; only registered assets are "
                         "authorised", slug="asset-not-registered")
    if operator_org == owner_org:
        raise InvalidTerms("the operator must be another organisation than the data's "
                           "holder", slug="operator-is-owner")
    if not 1 <= term_days <= MAX_TERM_DAYS:
        raise InvalidTerms(f"term_days: between 1 and {MAX_TERM_DAYS}", slug="bad-term")


def check_may_order_not_open(*, open_type: str, buyer_org: str,
                             authorisations: Iterable[Authorisation], now: datetime) -> None:
    """Not-open data is ordered only by an organisation holding an authorisation in
    force over it; anyone else is refused with the rule (403)."""
    if not needs_authorisation(open_type):
        return
    mine = [a for a in authorisations if a.operator_org_id == buyer_org]
    if any(a.in_force(now) for a in mine):
        return
    reason = ("your organisation's authorisation is revoked or outside its term" if mine
              else "your organisation holds no authorisation for it")
    raise NotPermitted(
        "this is not-open public data (不予开放): it is ordered only through 公共数据授权运营, "
        "by an operator organisation a regulator has authorised for a stated scenario, "
        f"within the authorisation's term; {reason}",
        slug="authorised-operation-only")


def check_revocable_authorisation(status: str) -> None:
    """Only an active authorisation is revoked."""
    if status != AuthorisationStatus.ACTIVE:
        raise WrongState(f"the authorisation is {status}", slug="invalid-transition")
