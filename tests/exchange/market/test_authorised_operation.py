"""公共数据授权运营: who may be authorised over not-open data, and who may then order it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.exchange.market.authorised_operation import (
    MAX_TERM_DAYS,
    Authorisation,
    check_authorisable,
    check_may_order_not_open,
    check_revocable_authorisation,
    needs_authorisation,
)
from services.exchange.market.errors import InvalidTerms, NotPermitted, WrongState

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _auth(org: str = "org_op", status: str = "active", days: int = 30,
          started: int = -1) -> Authorisation:
    start = NOW + timedelta(days=started)
    return Authorisation(org, status, start, start + timedelta(days=days))


def test_only_not_open_data_needs_an_authorisation() -> None:
    assert needs_authorisation("not_open")
    assert not needs_authorisation("conditional") and not needs_authorisation("unconditional")
    check_may_order_not_open(open_type="conditional", buyer_org="anyone", authorisations=[],
                             now=NOW)


def test_the_authorised_organisation_orders_within_the_term() -> None:
    check_may_order_not_open(open_type="not_open", buyer_org="org_op",
                             authorisations=[_auth()], now=NOW)


@pytest.mark.parametrize(("authorisations", "says"), [
    ([], "holds no authorisation"),
    ([_auth("org_other")], "holds no authorisation"),
    ([_auth(status="revoked")], "revoked or outside its term"),
    ([_auth(days=1, started=-2)], "revoked or outside its term"),
    ([_auth(started=2)], "revoked or outside its term"),
])
def test_anyone_else_is_refused_with_the_rule(authorisations: list[Authorisation],
                                             says: str) -> None:
    with pytest.raises(NotPermitted) as caught:
        check_may_order_not_open(open_type="not_open", buyer_org="org_op",
                                 authorisations=authorisations, now=NOW)
    assert caught.value.slug == "authorised-operation-only"
    assert "公共数据授权运营" in caught.value.detail and says in caught.value.detail


def test_what_a_regulator_may_authorise() -> None:
    facts = {"open_type": "not_open", "asset_status": "registered", "owner_org": "org_a",
             "operator_org": "org_op", "term_days": 365}
    check_authorisable(**facts)  # type: ignore[arg-type]
    for change, error, slug in [
        ({"open_type": "conditional"}, InvalidTerms, "not-authorised-operation-data"),
        ({"asset_status": "pending"}, WrongState, "asset-not-registered"),
        ({"operator_org": "org_a"}, InvalidTerms, "operator-is-owner"),
        ({"term_days": MAX_TERM_DAYS + 1}, InvalidTerms, "bad-term"),
        ({"term_days": 0}, InvalidTerms, "bad-term"),
    ]:
        with pytest.raises(error) as caught:
            check_authorisable(**(facts | change))  # type: ignore[arg-type]
        assert caught.value.slug == slug


def test_only_an_active_authorisation_is_revoked() -> None:
    check_revocable_authorisation("active")
    with pytest.raises(WrongState):
        check_revocable_authorisation("revoked")
