"""Rules of money leaving the exchange: the bank account a payout goes to, the payout's
moves, the exchange fee's schedule and the business day reports are cut by.

Business days are China Standard Time (UTC+08:00, no daylight saving): a fee effective
on a date applies from that date's 00:00 in Beijing, and a day's reconciliation covers
00:00 to 24:00 there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from services.exchange.market.errors import InvalidTerms, WrongState
from services.exchange.market.statuses import PayoutStatus
from services.shared.canonical import canonical_sha256

BUSINESS_TZ = timezone(timedelta(hours=8), "CST")
MAX_FEE_BPS = 10_000
# Bank account numbers: China's cards are 16-19 digits, corporate accounts up to ~30.
ACCOUNT_NUMBER = re.compile(r"\d{8,32}")


def business_day(at: datetime) -> date:
    """The exchange's business day (Beijing date) of an instant."""
    return at.astimezone(BUSINESS_TZ).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants a business day starts (inclusive) and ends (exclusive), in UTC."""
    start = datetime.combine(day, time(0), BUSINESS_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


@dataclass(frozen=True)
class BankAccount:
    """Where a member's payouts are paid: held by the exchange, only hashed in the ledger."""

    account_name: str
    bank_name: str
    account_number: str

    def sha256(self, salt: str) -> str:
        """The account's commitment for the ledger: SHA-256 of its canonical JSON with a
        random salt kept beside it, so the hash cannot be matched by guessing numbers
        but the exchange can show which account it was."""
        return canonical_sha256({"account_name": self.account_name, "bank_name": self.bank_name,
                                 "account_number": self.account_number, "salt": salt})


def bank_account(account_name: str, bank_name: str, account_number: str) -> BankAccount:
    """A bank account from what a member typed: names trimmed and non-empty, the number
    8 to 32 digits once spaces and hyphens are removed; 422 otherwise."""
    name, bank = account_name.strip(), bank_name.strip()
    if not name:
        raise InvalidTerms("account_name is the account holder's name as the bank has it",
                           slug="invalid-bank-account", field="account_name")
    if not bank:
        raise InvalidTerms("bank_name names the bank and branch holding the account",
                           slug="invalid-bank-account", field="bank_name")
    number = re.sub(r"[\s-]", "", account_number)
    if not ACCOUNT_NUMBER.fullmatch(number):
        raise InvalidTerms("account_number must be 8 to 32 digits (spaces and hyphens "
                           "are ignored)", slug="invalid-bank-account", field="account_number")
    return BankAccount(name, bank, number)


def decide_payout(status: str, outcome: PayoutStatus) -> PayoutStatus:
    """A requested payout may be paid or rejected once; anything else is a 409."""
    if outcome is PayoutStatus.REQUESTED:
        raise ValueError("a decision is paid or rejected")
    if status != PayoutStatus.REQUESTED:
        raise WrongState(f"the payout is already {status}; only a requested payout can be "
                         f"marked {outcome.value}", slug="payout-decided", status=status)
    return outcome


def check_fee_bps(fee_bps: int) -> int:
    """A fee between 0 and 10000 basis points (0 % to 100 %)."""
    if type(fee_bps) is not int or not 0 <= fee_bps <= MAX_FEE_BPS:
        raise InvalidTerms(f"fee_bps must be a whole number of basis points from 0 to "
                           f"{MAX_FEE_BPS} (300 = 3 %)", slug="invalid-fee")
    return fee_bps


def fee_effective_at(effective_date: date, now: datetime) -> datetime:
    """When a fee set ``now`` for ``effective_date`` starts to apply: the date's start,
    or now when that is today. A past date is refused: settlements already made used
    the fee in effect then, and the schedule must keep saying so."""
    start, _ = day_bounds(effective_date)
    if effective_date < business_day(now):
        raise InvalidTerms(f"effective_date {effective_date.isoformat()} is in the past; a "
                           f"fee applies from today ({business_day(now).isoformat()}, "
                           "Beijing time) or a later date", slug="fee-date-past")
    return max(start, now)
