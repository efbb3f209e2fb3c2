"""SQL for money: accounts, conditional balance changes, journal entries, postings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, event, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction

from services.exchange.money.model import Account
from services.exchange.money.tables import JournalEntryRow, MoneyAccount, PostingRow


def is_member_account(account: Account) -> bool:
    """Whether the account's balance is kept on its row (members' accounts are)."""
    return account.owner not in ("exchange", "external")


_ENSURED = "dataex_money_accounts_ensured"
_CREATED = "dataex_money_accounts_created"


def ensure_accounts(session: Session, accounts: Iterable[Account], now: datetime) -> None:
    """Create the accounts that do not exist yet (members' at a zero balance).

    Once a database connection has seen an account committed it does not ask again
    (account rows are never deleted), so most movements skip this statement. Accounts
    created in a transaction that is rolled back are asked for again.
    """
    known = session.connection().info.setdefault(_ENSURED, set())
    wanted = [a for a in sorted(set(accounts)) if a.key not in known]
    if not wanted:
        return
    rows = [{"id": a.key, "owner": a.owner, "kind": a.kind.value,
             "balance_fen": 0 if is_member_account(a) else None, "created_at": now}
            for a in wanted]
    dialect = session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(MoneyAccount)
    session.execute(stmt.values(rows).on_conflict_do_nothing(index_elements=["id"]))
    session.info.setdefault(_CREATED, []).append((known, [a.key for a in wanted]))


@event.listens_for(Session, "after_commit")
def _remember_created_accounts(session: Session) -> None:
    for known, keys in session.info.pop(_CREATED, ()):
        known.update(keys)


@event.listens_for(Session, "after_transaction_end")
def _forget_created_accounts(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the list is already taken; after a rollback or a close it is dropped.
    if transaction.parent is None:
        session.info.pop(_CREATED, None)


def add_to_balance(session: Session, account: Account, amount_fen: int) -> int | None:
    """Add ``amount_fen`` to a member account's kept balance unless that would take it
    below zero; the new balance, or None when refused.

    One conditional UPDATE: it takes the row lock (held to the commit) and checks the
    balance under it, so concurrent debits of one account queue and the second sees what
    the first left.
    """
    table = cast(Table, MoneyAccount.__table__)
    new = session.execute(
        update(table)
        .where(table.c.id == account.key, table.c.balance_fen + amount_fen >= 0)
        .values(balance_fen=table.c.balance_fen + amount_fen)
        .returning(table.c.balance_fen)
    ).scalar()
    return None if new is None else int(new)


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
    keys = [f"{org_id}:available", f"{org_id}:escrow", f"{org_id}:payout_pending"]
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
