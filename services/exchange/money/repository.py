"""SQL for money: accounts (locked in key order), journal entries, postings, balances."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.exchange.money.model import Account
from services.exchange.money.tables import JournalEntryRow, MoneyAccount, PostingRow


def is_member_account(account: Account) -> bool:
    """Whether the account's balance is kept on its row (members' accounts are)."""
    return account.owner not in ("exchange", "external")


def ensure_accounts(session: Session, accounts: Iterable[Account], now: datetime) -> None:
    """Create the accounts that do not exist yet (members' at a zero balance)."""
    rows = [{"id": a.key, "owner": a.owner, "kind": a.kind.value,
             "balance_fen": 0 if is_member_account(a) else None, "created_at": now}
            for a in sorted(set(accounts))]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(MoneyAccount)
    session.execute(stmt.values(rows).on_conflict_do_nothing(index_elements=["id"]))


def lock_balances(session: Session, accounts: Iterable[Account]) -> dict[Account, int]:
    """The kept balances of members' accounts, locked for update in key order (the one
    global lock order, so that concurrent movements never deadlock)."""
    keys = sorted({a.key for a in accounts if is_member_account(a)})
    if not keys:
        return {}
    rows = session.execute(
        select(MoneyAccount.id, MoneyAccount.balance_fen)
        .where(MoneyAccount.id.in_(keys))
        .order_by(MoneyAccount.id)
        .with_for_update()
    ).all()
    return {Account.parse(r.id): int(r.balance_fen or 0) for r in rows}


def set_balances(session: Session, balances: dict[Account, int]) -> None:
    """Write members' new balances."""
    for account, balance in sorted(balances.items()):
        if is_member_account(account):
            session.execute(update(MoneyAccount).where(MoneyAccount.id == account.key)
                            .values(balance_fen=balance))


def add_entry(session: Session, row: JournalEntryRow,
              postings: Sequence[tuple[Account, int]]) -> None:
    """Insert a journal entry and its postings."""
    session.add(row)
    session.flush()
    session.execute(insert(PostingRow), [
        {"entry_id": row.id, "account_id": account.key, "amount_fen": amount}
        for account, amount in postings
    ])


def kept_balance(session: Session, account: Account) -> int:
    """A member account's balance (0 if it has none yet)."""
    value = session.scalar(select(MoneyAccount.balance_fen).where(MoneyAccount.id == account.key))
    return int(value or 0)


def posted_balance(session: Session, account: Account) -> int:
    """An account's balance as the sum of its postings."""
    value = session.scalar(select(func.coalesce(func.sum(PostingRow.amount_fen), 0))
                           .where(PostingRow.account_id == account.key))
    return int(value or 0)


def posted_balances(session: Session) -> dict[str, int]:
    """Every account's balance as the sum of its postings (the trial balance)."""
    rows = session.execute(
        select(PostingRow.account_id, func.sum(PostingRow.amount_fen))
        .group_by(PostingRow.account_id).order_by(PostingRow.account_id)
    ).all()
    return {str(account): int(total) for account, total in rows}


def kept_balances(session: Session) -> dict[str, int]:
    """Every member account's kept balance."""
    rows = session.execute(
        select(MoneyAccount.id, MoneyAccount.balance_fen)
        .where(MoneyAccount.balance_fen.is_not(None)).order_by(MoneyAccount.id)
    ).all()
    return {str(r.id): int(r.balance_fen or 0) for r in rows}


def entries_of(session: Session, org_id: str, *, limit: int,
               before: str | None) -> list[tuple[JournalEntryRow, list[PostingRow]]]:
    """Journal entries touching an organisation's accounts, newest first, with the
    postings on its own accounts."""
    keys = [f"{org_id}:available", f"{org_id}:escrow"]
    stmt = (select(JournalEntryRow).join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
            .where(PostingRow.account_id.in_(keys)).distinct()
            .order_by(JournalEntryRow.id.desc()).limit(limit))
    if before:
        stmt = stmt.where(JournalEntryRow.id < before)
    entries = list(session.scalars(stmt).all())
    if not entries:
        return []
    postings = session.scalars(
        select(PostingRow).where(PostingRow.entry_id.in_([e.id for e in entries]),
                                 PostingRow.account_id.in_(keys)).order_by(PostingRow.id)
    ).all()
    by_entry: dict[str, list[PostingRow]] = {}
    for posting in postings:
        by_entry.setdefault(posting.entry_id, []).append(posting)
    return [(e, by_entry.get(e.id, [])) for e in entries]
