"""Double-entry money: entries balance, fees round half up, and a stateful property test
over deposits, orders, payments, settlements, refunds and rulings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from services.exchange.market.statuses import OrderState
from services.exchange.money import model as money
from services.exchange.money.model import (
    BANK_CLEARING,
    FEE_INCOME,
    Account,
    AccountKind,
    EntryKind,
    InsufficientFunds,
    JournalEntry,
    Posting,
)
from services.exchange.orders.model import (
    ESCROWED_STATES,
    OrderAction,
    OrderClock,
    OrderFacts,
    Party,
    decide,
    replay,
)
from services.shared.problems import Conflict, InvalidInput


def test_an_entry_must_balance_and_have_two_postings() -> None:
    a, b = money.available("org_a"), money.available("org_b")
    with pytest.raises(ValueError, match="sum to zero"):
        JournalEntry(EntryKind.DEPOSIT, (Posting(a, 5), Posting(b, -4)))
    with pytest.raises(ValueError, match="two postings"):
        JournalEntry(EntryKind.DEPOSIT, (Posting(a, 0),))
    with pytest.raises(ValueError, match="non-zero integers"):
        JournalEntry(EntryKind.DEPOSIT, (Posting(a, 0), Posting(b, 0)))
    with pytest.raises(ValueError, match="non-zero integers"):
        JournalEntry(EntryKind.DEPOSIT, (Posting(a, 1.5), Posting(b, -1.5)))  # type: ignore[arg-type]


def test_account_keys_round_trip() -> None:
    account = money.escrow("org_01abc")
    assert account.key == "org_01abc:escrow"
    assert Account.parse(account.key) == account
    assert FEE_INCOME.guarded and not BANK_CLEARING.guarded


@pytest.mark.parametrize(("amount", "bps", "fee"), [
    (10_000, 250, 250), (1, 5000, 1), (1, 4999, 0), (3, 5000, 2), (199, 50, 1), (0, 300, 0),
    (123_456_789, 275, 3_395_062),
])
def test_fees_round_half_up(amount: int, bps: int, fee: int) -> None:
    assert money.fee_for(amount, bps) == fee


def test_settlement_pays_the_provider_less_the_fee() -> None:
    entry, shares = money.release("buyer", "provider", 10_000, refund_fen=0, fee_bps=300)
    assert entry.kind is EntryKind.SETTLEMENT
    assert shares == money.Split(refund_fen=0, provider_fen=9_700, fee_fen=300)
    assert entry.amount_for(money.escrow("buyer")) == -10_000
    assert entry.amount_for(money.available("provider")) == 9_700
    assert entry.amount_for(FEE_INCOME) == 300


def test_a_partial_refund_charges_the_fee_on_what_the_provider_keeps() -> None:
    entry, shares = money.release("buyer", "provider", 10_000, refund_fen=4_000, fee_bps=300)
    assert entry.kind is EntryKind.REFUND
    assert shares == money.Split(refund_fen=4_000, provider_fen=5_820, fee_fen=180)
    assert entry.amount_for(money.available("buyer")) == 4_000


def test_a_refund_beyond_the_amount_is_refused() -> None:
    with pytest.raises(InvalidInput):
        money.release("buyer", "provider", 100, refund_fen=101, fee_bps=0)


def test_overspending_is_refused_and_changes_nothing() -> None:
    balances = money.apply({}, money.deposit("b", 500))
    with pytest.raises(InsufficientFunds) as caught:
        money.apply(balances, money.escrow_payment("b", 501))
    assert caught.value.status == 409
    assert balances[money.available("b")] == 500


@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=0, max_value=10_000),
       st.data())
def test_release_always_balances(amount: int, bps: int, data: st.DataObject) -> None:
    refund = data.draw(st.integers(min_value=0, max_value=amount))
    entry, shares = money.release("b", "p", amount, refund_fen=refund, fee_bps=bps)
    assert sum(p.amount_fen for p in entry.postings) == 0
    assert shares.refund_fen + shares.provider_fen + shares.fee_fen == amount
    assert shares.provider_fen >= 0 and shares.fee_fen >= 0


CLOCK = OrderClock(request_expiry=timedelta(hours=72), payment_window=timedelta(hours=48),
                   acceptance_window=timedelta(days=7), dispute_window=timedelta(days=7))
T0 = datetime(2026, 3, 1, tzinfo=UTC)
MEMBERS = ["org_a", "org_b", "org_c"]


class Market(RuleBasedStateMachine):
    """Members deposit, order from each other, pay, deliver, confirm, dispute and get
    rulings; the order machine and the journal must agree at every step."""

    def __init__(self) -> None:
        super().__init__()
        self.balances: dict[Account, int] = {}
        self.deposited = 0
        self.fees = 0
        self.orders: list[dict[str, object]] = []
        self.journal: list[JournalEntry] = []

    def _post(self, entry: JournalEntry) -> None:
        self.balances = money.apply(self.balances, entry)
        self.journal.append(entry)

    def _act(self, order: dict[str, object], action: OrderAction, party: Party) -> bool:
        facts = order["facts"]
        assert isinstance(facts, OrderFacts)
        now = T0 + timedelta(days=30 if action is OrderAction.AUTO_SETTLE else 0)
        try:
            step = decide(facts, action, party=party, now=now, clock=CLOCK)
        except Conflict:
            return False
        order["facts"] = step.facts
        history = order["history"]
        assert isinstance(history, list)
        history.append(action)
        return True

    @rule(org=st.sampled_from(MEMBERS), amount=st.integers(min_value=1, max_value=50_000))
    def deposit(self, org: str, amount: int) -> None:
        self._post(money.deposit(org, amount))
        self.deposited += amount

    @rule(buyer=st.sampled_from(MEMBERS), provider=st.sampled_from(MEMBERS),
          price=st.integers(min_value=1, max_value=30_000))
    def order(self, buyer: str, provider: str, price: int) -> None:
        if buyer == provider:
            return
        self.orders.append({"buyer": buyer, "provider": provider, "price": price,
                            "facts": OrderFacts(OrderState.REQUESTED, created_at=T0),
                            "history": []})

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(min_value=0), accept=st.booleans())
    def answer(self, i: int, accept: bool) -> None:
        order = self.orders[i % len(self.orders)]
        self._act(order, OrderAction.ACCEPT if accept else OrderAction.REJECT, Party.PROVIDER)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(min_value=0))
    def pay(self, i: int) -> None:
        order = self.orders[i % len(self.orders)]
        facts = order["facts"]
        assert isinstance(facts, OrderFacts)
        entry = money.escrow_payment(str(order["buyer"]), int(str(order["price"])))
        if facts.state is not OrderState.ACCEPTED:
            assert not self._act(order, OrderAction.PAY, Party.BUYER)
            return
        try:
            after = money.apply(self.balances, entry)
        except InsufficientFunds:
            return
        assert self._act(order, OrderAction.PAY, Party.BUYER)
        self.balances = after
        self.journal.append(entry)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(min_value=0), action=st.sampled_from(
        [OrderAction.DELIVER, OrderAction.CANCEL, OrderAction.CONFIRM, OrderAction.AUTO_SETTLE,
         OrderAction.DISPUTE]))
    def move(self, i: int, action: OrderAction) -> None:
        order = self.orders[i % len(self.orders)]
        party = {OrderAction.AUTO_SETTLE: Party.SYSTEM}.get(action, Party.BUYER)
        if self._act(order, action, party) and action in (OrderAction.CONFIRM,
                                                          OrderAction.AUTO_SETTLE):
            self._release(order, 0)

    @precondition(lambda self: self.orders)
    @rule(i=st.integers(min_value=0), outcome=st.sampled_from(
        [OrderAction.RULE_REFUND_FULL, OrderAction.RULE_REFUND_PARTIAL,
         OrderAction.RULE_REJECT]), share=st.integers(min_value=0, max_value=100))
    def rule_on_dispute(self, i: int, outcome: OrderAction, share: int) -> None:
        order = self.orders[i % len(self.orders)]
        if not self._act(order, outcome, Party.REGULATOR):
            return
        price = int(str(order["price"]))
        refund = {OrderAction.RULE_REFUND_FULL: price, OrderAction.RULE_REJECT: 0}.get(
            outcome, price * share // 100)
        self._release(order, refund)

    def _release(self, order: dict[str, object], refund: int) -> None:
        entry, shares = money.release(str(order["buyer"]), str(order["provider"]),
                                      int(str(order["price"])), refund_fen=refund, fee_bps=275)
        self._post(entry)
        self.fees += shares.fee_fen

    @invariant()
    def money_is_conserved(self) -> None:
        assert sum(self.balances.values()) == 0
        assert self.balances.get(BANK_CLEARING, 0) == -self.deposited
        assert self.balances.get(FEE_INCOME, 0) == self.fees
        for entry in self.journal:
            assert sum(p.amount_fen for p in entry.postings) == 0

    @invariant()
    def no_member_balance_is_negative(self) -> None:
        for account, balance in self.balances.items():
            if account.guarded:
                assert balance >= 0, account

    @invariant()
    def escrow_holds_exactly_the_escrowed_orders(self) -> None:
        for org in MEMBERS:
            held = sum(int(str(o["price"])) for o in self.orders
                       if o["buyer"] == org and o["facts"].state in ESCROWED_STATES)  # type: ignore[attr-defined]
            assert self.balances.get(Account(org, AccountKind.ESCROW), 0) == held

    @invariant()
    def every_order_is_where_its_history_leads(self) -> None:
        for order in self.orders:
            history = order["history"]
            assert isinstance(history, list)
            assert replay(history) is order["facts"].state  # type: ignore[attr-defined]


Market.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestMarket = Market.TestCase
