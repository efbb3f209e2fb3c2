"""Reconciling a business day, pure: the deposits recorded and the payouts paid must
account for every movement of the bank-clearing account in the journal, and the money
held from banks must go from the day's opening to its closing by exactly their sum."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.exchange.money.model import EntryKind


@dataclass(frozen=True)
class DepositLine:
    """A deposit recorded that day: its journal entry and the member credited."""

    journal_entry_id: str
    org_id: str
    amount_fen: int
    at: datetime
    reference: str | None


@dataclass(frozen=True)
class PayoutLine:
    """A payout marked paid that day, and the journal entry it says moved the money."""

    payout_id: str
    org_id: str
    amount_fen: int
    at: datetime
    bank_reference: str | None
    journal_entry_id: str


@dataclass(frozen=True)
class ClearingPosting:
    """A posting on the bank-clearing account that day (minus: money in; plus: out)."""

    journal_entry_id: str
    kind: str
    amount_fen: int


@dataclass(frozen=True)
class Reconciliation:
    """A day's report; ``problems`` says what does not agree, empty when it balances."""

    day: date
    deposits: list[DepositLine]
    payouts: list[PayoutLine]
    deposits_fen: int
    payouts_fen: int
    journal_in_fen: int
    journal_out_fen: int
    opening_fen: int
    closing_fen: int
    pending_payouts_fen: int
    problems: list[str]

    @property
    def balanced(self) -> bool:
        """Whether every figure agrees with the journal."""
        return not self.problems


def reconcile(day: date, deposits: list[DepositLine], payouts: list[PayoutLine],
              clearing: list[ClearingPosting], *, opening_fen: int, closing_fen: int,
              pending_payouts_fen: int) -> Reconciliation:
    """Check the day's deposits and payouts against its bank-clearing postings.
    ``opening_fen`` and ``closing_fen`` are the money held from banks (minus the
    clearing account's balance) at the day's start and end."""
    problems: list[str] = []
    posted = {p.journal_entry_id: p for p in clearing}
    explained: set[str] = set()
    for d in deposits:
        explained.add(d.journal_entry_id)
        p = posted.get(d.journal_entry_id)
        if p is None or p.amount_fen != -d.amount_fen:
            problems.append(f"deposit {d.journal_entry_id} of {d.amount_fen} fen has no "
                            "matching bank-clearing posting")
    for o in payouts:
        explained.add(o.journal_entry_id)
        p = posted.get(o.journal_entry_id)
        if p is None or p.kind != EntryKind.PAYOUT_PAID or p.amount_fen != o.amount_fen:
            problems.append(f"payout {o.payout_id} of {o.amount_fen} fen has no matching "
                            f"journal entry ({o.journal_entry_id})")
    for p in clearing:
        if p.journal_entry_id not in explained:
            problems.append(f"journal entry {p.journal_entry_id} ({p.kind}) moves "
                            f"{p.amount_fen} fen on bank clearing without a deposit or "
                            "payout behind it")
    journal_in = -sum(p.amount_fen for p in clearing if p.amount_fen < 0)
    journal_out = sum(p.amount_fen for p in clearing if p.amount_fen > 0)
    deposits_fen = sum(d.amount_fen for d in deposits)
    payouts_fen = sum(o.amount_fen for o in payouts)
    if closing_fen != opening_fen + journal_in - journal_out:
        problems.append(f"held money went from {opening_fen} to {closing_fen} fen, but the "
                        f"day's postings say {opening_fen + journal_in - journal_out}")
    return Reconciliation(day, deposits, payouts, deposits_fen, payouts_fen, journal_in,
                          journal_out, opening_fen, closing_fen, pending_payouts_fen, problems)
