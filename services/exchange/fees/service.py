"""Setting the exchange fee and finding the fee in effect.

Before an operator sets any fee, the configured ``DATAEX_EXCHANGE_FEE_BPS`` applies.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from services.exchange.fees import repository
from services.exchange.fees.tables import ExchangeFee
from services.exchange.market import payouts as rules
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow


def fee_in_effect(session: Session, at: datetime, default_bps: int) -> int:
    """The fee (basis points) that applies to a settlement at ``at``."""
    row = repository.fee_at(session, at)
    return default_bps if row is None else row.fee_bps


def set_fee(uow: UnitOfWork, *, fee_bps: int, effective_date: date,
            actor: Principal) -> ExchangeFee:
    """Schedule a fee from ``effective_date`` (today or later, Beijing time), recorded in
    the ledger with the fee it replaces at that moment."""
    rules.check_fee_bps(fee_bps)
    now = utcnow()
    effective_at = rules.fee_effective_at(effective_date, now)
    previous = fee_in_effect(uow.session, effective_at, uow.trading.settings.fee_bps)
    row = ExchangeFee(id=new_id("fee"), fee_bps=fee_bps, effective_date=effective_date,
                      effective_at=effective_at, set_by=actor.subject, set_at=now)
    uow.session.add(row)
    uow.record(type="fee.set", actor=actor.subject, subject=row.id,
               payload={"fee_id": row.id, "fee_bps": fee_bps,
                        "effective_date": effective_date.isoformat(),
                        "effective_at": rfc3339(effective_at), "previous_bps": previous})
    return row
