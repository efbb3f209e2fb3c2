"""The rows API: the data as JSON pages for whoever may download the file, counted
against metered grants (calls and rows) and recorded in the ledger."""

from __future__ import annotations

import pytest

from tests.catalog.test_grant_downloads import (
    METERED,
    Trade,
    catalog_events,
    problem,
)
from tests.exchange.file_trading import wire_grants
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def rows_url(trade: Trade) -> str:
    return f"/v1/datasets/{trade.dataset['id']}/files/{trade.file['id']}/rows"


def test_pages_of_rows_with_a_grant(market: Market) -> None:
    wire_grants(market.stack)
    trade = Trade(market)
    catalog = market.stack.catalog
    first = catalog.get(rows_url(trade), params={"limit": 3}, headers=trade.headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["columns"] == ["date", "line", "riders"]
    assert body["rows"][0] == {"date": "2024-01-01", "line": "1号线", "riders": "1200"}
    assert (body["offset"], body["next_offset"]) == (0, 3)
    rest = catalog.get(rows_url(trade), params={"offset": 3, "columns": "line,riders"},
                       headers=trade.headers).json()
    assert rest["rows"] == [{"line": "3号线", "riders": None}]
    assert rest["next_offset"] is None
    accessed = catalog_events(market.stack)
    assert [(e["payload"]["via"], e["payload"]["rows"]) for e in accessed] == [
        ("rows", {"offset": 0, "count": 3}), ("rows", {"offset": 3, "count": 1})]
    assert {e["payload"]["grant_id"] for e in accessed} == {trade.grant["grant_id"]}


def test_who_may_not_read_and_bad_input(market: Market) -> None:
    wire_grants(market.stack)
    trade = Trade(market)
    catalog = market.stack.catalog
    problem(catalog.get(rows_url(trade)), 401, "grant-required")
    problem(catalog.get(rows_url(trade), headers=bearer(market.other_buyer)), 403,
            "grant-required")
    unknown = problem(catalog.get(rows_url(trade), params={"columns": "date,名字"},
                                  headers=trade.headers), 422, "unknown-column")
    assert "名字" in unknown["detail"]
    for params in ({"limit": 0}, {"limit": 1001}, {"offset": -1}):
        assert catalog.get(rows_url(trade), params=params,
                           headers=trade.headers).status_code == 422
    # the publisher reads its own data without a grant
    own = catalog.get(rows_url(trade), headers=bearer(market.provider))
    assert own.status_code == 200 and len(own.json()["rows"]) == 4
    assert [e["payload"]["basis"] for e in catalog_events(market.stack)] == ["owner"]


def test_metered_rows_count_what_is_returned(market: Market) -> None:
    wire_grants(market.stack)
    header = "date,line,riders\n"
    lines = [f"2024-01-{1 + i % 28:02d},{i % 5 + 1}号线,{1000 + i}\n" for i in range(1500)]
    trade = Trade(market, {**METERED, "unit": "1000_rows"},
                  content=(header + "".join(lines)).encode(), quantity=1)
    catalog = market.stack.catalog
    page = catalog.get(rows_url(trade), params={"limit": 1000}, headers=trade.headers)
    assert page.status_code == 200
    assert page.json()["usage"]["rows"] == 1000 and page.json()["next_offset"] == 1000
    assert trade.status()["used_rows"] == 1000
    refused = problem(catalog.get(rows_url(trade), params={"offset": 1000, "limit": 10},
                                  headers=trade.headers), 403, "quota-exceeded")
    assert refused["quota"] == 1000
    assert trade.status()["used_rows"] == 1000
    assert len(catalog_events(market.stack)) == 1


def test_metered_calls_count_one_per_page(market: Market) -> None:
    wire_grants(market.stack)
    trade = Trade(market, {**METERED, "unit": "call"}, quantity=2)
    catalog = market.stack.catalog
    for offset in (0, 2):
        answer = catalog.get(rows_url(trade), params={"offset": offset, "limit": 2},
                             headers=trade.headers)
        assert answer.status_code == 200 and answer.json()["usage"]["calls"] == 1
    assert trade.status()["used_calls"] == 2
    problem(catalog.get(rows_url(trade), headers=trade.headers), 403, "quota-exceeded")


def test_a_page_counted_but_not_recorded_is_voided(market: Market,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    wire_grants(market.stack)
    trade = Trade(market, {**METERED, "unit": "1000_rows"}, quantity=1)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the catalog's database is gone")

    monkeypatch.setattr("services.catalog.files.service.record_download", broken)
    with pytest.raises(RuntimeError):
        market.stack.catalog.get(rows_url(trade), params={"limit": 3}, headers=trade.headers)
    assert (trade.status()["used_calls"], trade.status()["used_rows"]) == (0, 0)
    [voided] = market.events("grant.usage_voided")
    assert (voided["payload"]["calls"], voided["payload"]["rows"]) == (1, 3)
    assert catalog_events(market.stack) == []
