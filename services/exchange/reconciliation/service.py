"""The reconciliation report of one business day (Beijing time)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from services.exchange.market.payouts import day_bounds
from services.exchange.payouts import repository as payouts
from services.exchange.reconciliation import model, repository


def reconcile_day(session: Session, day: date) -> model.Reconciliation:
    """The day's deposits and paid payouts against the journal's bank-clearing postings,
    with the money held from banks at its opening and closing."""
    start, end = day_bounds(day)
    paid = [model.PayoutLine(p.id, p.org_id, p.amount_fen, p.decided_at or p.requested_at,
                             p.bank_reference, p.decision_entry_id or "")
            for p in payouts.paid_between(session, start, end)]
    pending = sum(p.amount_fen for p in payouts.pending_at(session, end))
    return model.reconcile(day, repository.deposits_between(session, start, end), paid,
                           repository.clearing_between(session, start, end),
                           opening_fen=repository.held_before(session, start),
                           closing_fen=repository.held_before(session, end),
                           pending_payouts_fen=pending)
