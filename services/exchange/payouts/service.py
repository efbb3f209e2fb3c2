"""Payout use cases: keep a bank account on file, request a payout, pay or reject it.

A request moves the amount from the member's available money to its payout-pending
account; paid, it leaves to bank clearing; rejected, it returns to available. Each is
one journal entry and one ledger event in the same transaction.
"""

from __future__ import annotations

import secrets

from services.exchange.identity import repository as identity
from services.exchange.market import payouts as rules
from services.exchange.market.statuses import OrganizationStatus, PayoutStatus
from services.exchange.money import model as money
from services.exchange.money.service import new_entry_id, post, postings_payload
from services.exchange.payouts import repository
from services.exchange.payouts.tables import Payout, PayoutBankAccount
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, NotFound


def set_bank_account(uow: UnitOfWork, *, org_id: str, account_name: str, bank_name: str,
                     account_number: str, actor: Principal) -> PayoutBankAccount:
    """Put (or replace) the organisation's bank account; the ledger gets its salted hash."""
    account = rules.bank_account(account_name, bank_name, account_number)
    salt = secrets.token_hex(16)
    digest = account.sha256(salt)
    row = repository.bank_account_of(uow.session, org_id)
    previous = row.bank_account_sha256 if row else None
    if row is None:
        row = PayoutBankAccount(org_id=org_id)
        uow.session.add(row)
    row.account_name, row.bank_name = account.account_name, account.bank_name
    row.account_number, row.salt, row.bank_account_sha256 = account.account_number, salt, digest
    row.updated_by, row.updated_at = actor.subject, utcnow()
    uow.record(type="payout.bank_account_set", actor=actor.subject, subject=org_id,
               payload={"org_id": org_id, "bank_account_sha256": digest,
                        "previous_sha256": previous})
    return row


def request_payout(uow: UnitOfWork, *, org_id: str, amount_fen: int,
                   actor: Principal) -> Payout:
    """Move ``amount_fen`` of the member's available money to payout-pending, to be paid
    to its bank account on file (409 without one, or when the balance does not suffice)."""
    org = identity.organization(uow.session, org_id)
    if org is None or org.status != OrganizationStatus.ACTIVE:
        raise NotFound(f"no active organisation {org_id}")
    account = repository.bank_account_of(uow.session, org_id)
    if account is None:
        raise Conflict("no bank account on file: put one at /v1/payouts/bank-account before "
                       "requesting a payout", slug="no-bank-account")
    entry = money.payout_request(org_id, amount_fen)
    now, entry_id = utcnow(), new_entry_id()
    payout = Payout(id=new_id("po"), org_id=org_id, amount_fen=amount_fen,
                    status=PayoutStatus.REQUESTED.value, account_name=account.account_name,
                    bank_name=account.bank_name, account_number=account.account_number,
                    bank_account_sha256=account.bank_account_sha256, requested_by=actor.subject,
                    requested_at=now, request_entry_id=entry_id)
    uow.session.add(payout)
    uow.record(type="payout.requested", actor=actor.subject, subject=payout.id,
               payload={"payout_id": payout.id, "org_id": org_id, "amount_fen": amount_fen,
                        "bank_account_sha256": account.bank_account_sha256,
                        "journal_entry_id": entry_id, "postings": postings_payload(entry)})
    post(uow.session, entry, actor=actor.subject, entry_id=entry_id, at=now)
    return payout


def decide_payout(uow: UnitOfWork, *, payout_id: str, outcome: PayoutStatus,
                  bank_reference: str | None, reason: str | None,
                  actor: Principal) -> Payout:
    """The operator marks a requested payout paid (with the bank's reference: the money
    leaves to bank clearing) or rejected (with a reason: the money returns)."""
    payout = repository.payout(uow.session, payout_id, for_update=True)
    if payout is None:
        raise NotFound(f"no payout {payout_id}")
    rules.decide_payout(payout.status, outcome)
    paid = outcome is PayoutStatus.PAID
    entry = (money.payout_paid if paid else money.payout_returned)(payout.org_id,
                                                                  payout.amount_fen)
    now, entry_id = utcnow(), new_entry_id()
    payout.status, payout.decided_by, payout.decided_at = outcome.value, actor.subject, now
    payout.decision_entry_id = entry_id
    payout.bank_reference, payout.reason = bank_reference, reason
    text = {"bank_reference_sha256": text_sha256(bank_reference or "")} if paid \
        else {"reason_sha256": text_sha256(reason or "")}
    uow.record(type=f"payout.{outcome.value}", actor=actor.subject, subject=payout.id,
               payload={"payout_id": payout.id, "org_id": payout.org_id,
                        "amount_fen": payout.amount_fen, "journal_entry_id": entry_id,
                        "postings": postings_payload(entry), **text})
    post(uow.session, entry, actor=actor.subject, entry_id=entry_id,
         reference=bank_reference, at=now)
    return payout
