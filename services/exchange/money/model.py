"""Double-entry money: pure rules, integer fen, no I/O.

Every movement is a :class:`JournalEntry` of two or more postings that sum to zero. A
posting's amount raises (positive) or lowers (negative) its account's balance, so the
balances of all accounts always sum to zero: money is neither made nor lost.

Accounts:

- ``<org>:available`` - a member's spendable money (never negative);
- ``<org>:escrow`` - a buyer's money held for paid, undelivered or disputed orders;
- ``<org>:payout_pending`` - a member's money on its way to its bank: a requested
  payout, until the operator marks it paid (it leaves to bank clearing) or rejects it
  (it returns to available);
- ``exchange:fee_income`` - the exchange's fees;
- ``external:bank_clearing`` - the counterpart of deposits: money that came in from
  banks (its balance is minus everything ever deposited, plus every payout paid).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.exchange.market.pricing import MAX_AMOUNT_FEN
from services.shared.problems import Conflict, InvalidInput

BASIS_POINTS = 10_000


class AccountKind(StrEnum):
    """What an account holds."""

    AVAILABLE = "available"
    ESCROW = "escrow"
    PAYOUT_PENDING = "payout_pending"
    FEE_INCOME = "fee_income"
    BANK_CLEARING = "bank_clearing"


class EntryKind(StrEnum):
    """Why money moved."""

    DEPOSIT = "deposit"
    ESCROW = "escrow"
    SETTLEMENT = "settlement"
    REFUND = "refund"
    PAYOUT = "payout"
    PAYOUT_PAID = "payout_paid"
    PAYOUT_RETURNED = "payout_returned"


EXCHANGE_OWNER = "exchange"
EXTERNAL_OWNER = "external"
# Accounts whose balance may never go below zero (members' money and the fees taken).
GUARDED_KINDS = frozenset({AccountKind.AVAILABLE, AccountKind.ESCROW,
                           AccountKind.PAYOUT_PENDING, AccountKind.FEE_INCOME})


@dataclass(frozen=True, order=True)
class Account:
    """One account: its owner (an organisation id, ``exchange`` or ``external``) and kind."""

    owner: str
    kind: AccountKind

    @property
    def key(self) -> str:
        """The account's id, ``owner:kind``."""
        return f"{self.owner}:{self.kind.value}"

    @property
    def guarded(self) -> bool:
        """Whether the balance must stay at zero or above."""
        return self.kind in GUARDED_KINDS

    @classmethod
    def parse(cls, key: str) -> Account:
        """The account named by ``owner:kind``."""
        owner, _, kind = key.rpartition(":")
        return cls(owner, AccountKind(kind))


def available(org_id: str) -> Account:
    """A member's spendable account."""
    return Account(org_id, AccountKind.AVAILABLE)


def escrow(org_id: str) -> Account:
    """A member's escrow account."""
    return Account(org_id, AccountKind.ESCROW)


def payout_pending(org_id: str) -> Account:
    """A member's money requested as a payout and not yet paid or returned."""
    return Account(org_id, AccountKind.PAYOUT_PENDING)


FEE_INCOME = Account(EXCHANGE_OWNER, AccountKind.FEE_INCOME)
BANK_CLEARING = Account(EXTERNAL_OWNER, AccountKind.BANK_CLEARING)


@dataclass(frozen=True)
class Posting:
    """One side of a movement: an account and a signed amount in fen."""

    account: Account
    amount_fen: int


@dataclass(frozen=True)
class JournalEntry:
    """A balanced movement of money: two or more postings summing to zero."""

    kind: EntryKind
    postings: tuple[Posting, ...]

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise ValueError("a journal entry needs at least two postings")
        for posting in self.postings:
            if type(posting.amount_fen) is not int or posting.amount_fen == 0:
                raise ValueError("posting amounts are non-zero integers (fen)")
        if sum(p.amount_fen for p in self.postings) != 0:
            raise ValueError("the postings of a journal entry must sum to zero")
        if len({p.account for p in self.postings}) != len(self.postings):
            raise ValueError("an account appears twice in one journal entry")

    @property
    def accounts(self) -> list[Account]:
        """The accounts touched, in their canonical (lock) order."""
        return sorted(p.account for p in self.postings)

    def amount_for(self, account: Account) -> int:
        """The net amount this entry posts to ``account`` (0 if untouched)."""
        return sum(p.amount_fen for p in self.postings if p.account == account)


def check_amount(amount_fen: int, *, name: str = "amount_fen", allow_zero: bool = False) -> int:
    """``amount_fen`` if it is a positive integer within bounds, else a 422."""
    if type(amount_fen) is not int:
        raise InvalidInput(f"{name} must be an integer number of fen", slug="invalid-amount")
    if amount_fen < 0 or (amount_fen == 0 and not allow_zero) or amount_fen > MAX_AMOUNT_FEN:
        raise InvalidInput(
            f"{name} must be {'zero or more' if allow_zero else 'positive'} and at most "
            f"{MAX_AMOUNT_FEN} fen", slug="invalid-amount",
        )
    return amount_fen


def fee_for(amount_fen: int, fee_bps: int) -> int:
    """The exchange's fee on ``amount_fen`` at ``fee_bps`` basis points, rounded half up."""
    if not 0 <= fee_bps <= BASIS_POINTS:
        raise ValueError("fee_bps must be between 0 and 10000")
    return (amount_fen * fee_bps * 2 + BASIS_POINTS) // (2 * BASIS_POINTS)


def _entry(kind: EntryKind, moves: list[tuple[Account, int]]) -> JournalEntry:
    merged: dict[Account, int] = {}
    for account, amount in moves:
        merged[account] = merged.get(account, 0) + amount
    return JournalEntry(kind, tuple(Posting(a, v) for a, v in sorted(merged.items()) if v))


def deposit(org_id: str, amount_fen: int) -> JournalEntry:
    """Money a member paid in through a bank, now available on the exchange."""
    check_amount(amount_fen)
    return _entry(EntryKind.DEPOSIT,
                  [(BANK_CLEARING, -amount_fen), (available(org_id), amount_fen)])


def escrow_payment(buyer_org: str, amount_fen: int) -> JournalEntry:
    """A buyer pays an order: its price moves from available to escrow."""
    check_amount(amount_fen)
    return _entry(EntryKind.ESCROW, [(available(buyer_org), -amount_fen),
                                     (escrow(buyer_org), amount_fen)])


def payout_request(org_id: str, amount_fen: int) -> JournalEntry:
    """A member asks for ``amount_fen`` to be paid to its bank: it leaves available
    money and waits in payout-pending until the operator pays or rejects it."""
    check_amount(amount_fen)
    return _entry(EntryKind.PAYOUT, [(available(org_id), -amount_fen),
                                     (payout_pending(org_id), amount_fen)])


def payout_paid(org_id: str, amount_fen: int) -> JournalEntry:
    """The operator paid a requested payout: it leaves the exchange to bank clearing
    (the reverse of a deposit)."""
    check_amount(amount_fen)
    return _entry(EntryKind.PAYOUT_PAID, [(payout_pending(org_id), -amount_fen),
                                          (BANK_CLEARING, amount_fen)])


def payout_returned(org_id: str, amount_fen: int) -> JournalEntry:
    """The operator rejected a requested payout: the money returns to available."""
    check_amount(amount_fen)
    return _entry(EntryKind.PAYOUT_RETURNED, [(payout_pending(org_id), -amount_fen),
                                              (available(org_id), amount_fen)])


@dataclass(frozen=True)
class Split:
    """How an escrowed amount is shared out: back to the buyer, to the provider, as fee."""

    refund_fen: int
    provider_fen: int
    fee_fen: int


def split(amount_fen: int, *, refund_fen: int, fee_bps: int) -> Split:
    """Refund ``refund_fen`` to the buyer; the rest goes to the provider less the fee."""
    check_amount(amount_fen)
    if not 0 <= refund_fen <= amount_fen:
        raise InvalidInput(f"refund_fen must be between 0 and the order's {amount_fen} fen",
                           slug="invalid-refund")
    kept = amount_fen - refund_fen
    fee = fee_for(kept, fee_bps)
    return Split(refund_fen=refund_fen, provider_fen=kept - fee, fee_fen=fee)


def release(buyer_org: str, provider_org: str, amount_fen: int, *, refund_fen: int,
            fee_bps: int) -> tuple[JournalEntry, Split]:
    """Release an order's escrow: settlement (no refund), refund (all of it) or a partial
    refund with the rest settled. Returns the entry and how the amount was split."""
    shares = split(amount_fen, refund_fen=refund_fen, fee_bps=fee_bps)
    kind = EntryKind.REFUND if refund_fen else EntryKind.SETTLEMENT
    entry = _entry(kind, [
        (escrow(buyer_org), -amount_fen),
        (available(buyer_org), shares.refund_fen),
        (available(provider_org), shares.provider_fen),
        (FEE_INCOME, shares.fee_fen),
    ])
    return entry, shares


class InsufficientFunds(Conflict):
    """409: the movement would take an account below zero."""

    slug = "insufficient-funds"
    title = "Insufficient funds"


def insufficient(account: Account, held_fen: int, needed_fen: int) -> InsufficientFunds:
    """The refusal of a movement that needs more than an account holds."""
    return InsufficientFunds(f"account {account.key} holds {held_fen} fen; {needed_fen} fen "
                             "are needed", account=account.key)


def apply(balances: Mapping[Account, int], entry: JournalEntry) -> dict[Account, int]:
    """The balances after ``entry``; :class:`InsufficientFunds` if a guarded account
    would go negative (nothing changes then)."""
    after = dict(balances)
    for posting in entry.postings:
        after[posting.account] = after.get(posting.account, 0) + posting.amount_fen
    for account in entry.accounts:
        if account.guarded and after[account] < 0:
            raise insufficient(account, balances.get(account, 0), -entry.amount_for(account))
    return after
