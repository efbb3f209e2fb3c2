"""Moving money: post journal entries, deposits, balances.

:func:`post` is the only way money moves. The pure rules of :mod:`.model` make the entry
(balanced, integer fen); :func:`post` writes it with its postings and changes members'
kept balances by conditional UPDATEs that refuse to take a balance below zero, in the
caller's transaction. Each UPDATE holds its row lock to the commit, so two payments from
one account run one after the other and the second sees what the first left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from services.exchange.identity import repository as identity
from services.exchange.market.statuses import OrganizationStatus
from services.exchange.money import model, repository
from services.exchange.money.model import Account, JournalEntry
from services.exchange.money.tables import JournalEntryRow
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import NotFound


@dataclass(frozen=True)
class Posted:
    """A journal entry written, and members' balances after it."""

    entry_id: str
    entry: JournalEntry
    balances: dict[Account, int]


def new_entry_id() -> str:
    """A fresh journal entry id (known before the entry is posted)."""
    return new_id("je")


def post(session: Session, entry: JournalEntry, *, actor: str, order_id: str | None = None,
         reference: str | None = None, entry_id: str | None = None,
         at: datetime | None = None) -> Posted:
    """Write ``entry`` atomically with the caller's transaction; 409 on insufficient funds.

    The entry and its postings are written first (with everything else the transaction
    holds), then members' balances change by one conditional UPDATE each, in account key
    order (one global lock order: no deadlocks). Callers post last, so account rows stay
    locked only until the commit right after: a provider's account is credited by every
    settlement of its sales, and must not be held while other work is done. ``at`` dates
    the entry (now by default), for callers that stamp their own rows with the same time.
    """
    now = at or utcnow()
    repository.ensure_accounts(session, entry.accounts, now)
    row = JournalEntryRow(id=entry_id or new_entry_id(), kind=entry.kind.value,
                          order_id=order_id, actor=actor, reference=reference, created_at=now)
    repository.add_entry(session, row, [(p.account, p.amount_fen) for p in entry.postings])
    kept: dict[Account, int] = {}
    for account in entry.accounts:
        if not repository.is_member_account(account):
            continue
        amount = entry.amount_for(account)
        balance = repository.add_to_balance(session, account, amount)
        if balance is None:
            raise model.insufficient(account, repository.kept_balance(session, account),
                                     -amount)
        kept[account] = balance
    return Posted(row.id, entry, kept)


def postings_payload(entry: JournalEntry) -> list[dict[str, object]]:
    """An entry's postings as a ledger event carries them."""
    return [{"account": p.account.key, "amount_fen": p.amount_fen} for p in entry.postings]


@dataclass(frozen=True)
class Balances:
    """A member's money on the exchange."""

    org_id: str
    balance_fen: int
    escrow_fen: int


def balances_of(session: Session, org_id: str) -> Balances:
    """An organisation's available and escrowed money."""
    return Balances(org_id, repository.kept_balance(session, model.available(org_id)),
                    repository.kept_balance(session, model.escrow(org_id)))


def record_deposit(uow: UnitOfWork, *, org_id: str, amount_fen: int,
                   reference: str | None, actor: Principal) -> tuple[str, Balances]:
    """Credit an external bank deposit to a member (operators record them)."""
    org = identity.organization(uow.session, org_id)
    if org is None or org.status != OrganizationStatus.ACTIVE:
        raise NotFound(f"no active organisation {org_id}")
    entry = model.deposit(org_id, amount_fen)
    entry_id = new_entry_id()
    uow.record(type="account.deposited", actor=actor.subject, subject=org_id,
               payload={"org_id": org_id, "amount_fen": amount_fen,
                           "journal_entry_id": entry_id,
                           "postings": postings_payload(entry),
                           "reference_sha256": text_sha256(reference or "")})
    posted = post(uow.session, entry, actor=actor.subject, reference=reference, entry_id=entry_id)
    return posted.entry_id, Balances(org_id, posted.balances[model.available(org_id)],
                                     repository.kept_balance(uow.session, model.escrow(org_id)))


@dataclass(frozen=True)
class TrialBalance:
    """Every account's balance from its postings, and whether the kept balances agree."""

    balances: dict[str, int]
    total_fen: int
    kept_mismatches: dict[str, tuple[int, int]]


def trial_balance(session: Session) -> TrialBalance:
    """The journal's trial balance: all balances sum to zero when money is conserved."""
    posted = repository.posted_balances(session)
    kept = repository.kept_balances(session)
    mismatches = {k: (v, posted.get(k, 0)) for k, v in kept.items() if v != posted.get(k, 0)}
    return TrialBalance(posted, sum(posted.values()), mismatches)
