"""Issue 18, items 1 and 2: a grant reaches exactly what its contract pins while the
trade is still allowed; nothing derived from a non-public file reaches a caller
without the right to the file. Each test reproduces a finding of the assessment."""

from __future__ import annotations

import httpx
import pytest

from tests.catalog.test_grant_downloads import Trade, problem
from tests.exchange.file_trading import CSV, upload, wire_grants
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

FILE_ROUTES = ("content", "rows", "sample", "quality")
NEWER = CSV + "2024-01-05,2号线,1010\n".encode()


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def reads(trade: Trade, file_id: str, token: str | None) -> dict[str, int]:
    """The status of every file route of ``file_id`` for ``token``."""
    base = f"/v1/datasets/{trade.dataset['id']}/files/{file_id}"
    return {route: trade.market.stack.catalog.get(f"{base}/{route}",
                                                  headers=bearer(token)).status_code
            for route in FILE_ROUTES}


def test_high_grant_reaches_files_it_was_not_sold(market: Market) -> None:
    """After a paid order the provider delists, edits back to a draft, re-grades it
    core / not_open and uploads a new file: the old grant token gets nothing."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    token = trade.grant["token"]
    assert reads(trade, trade.file["id"], token) == dict.fromkeys(FILE_ROUTES, 200)
    status = trade.status()
    assert status["files"] == [{"dataset_id": trade.dataset["id"],
                                "file_id": trade.file["id"], "sha256": trade.file["sha256"]}]
    catalog = market.stack.catalog
    dataset_url = f"/v1/datasets/{trade.dataset['id']}"

    delisted = catalog.post(f"{dataset_url}/delist", headers=bearer(market.provider))
    assert delisted.status_code == 200, delisted.text
    problem(trade.download(), 403, "dataset-not-listed")
    edited = catalog.patch(dataset_url, headers=bearer(market.provider),
                           json={"grade": "core", "open_type": "not_open"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "draft"
    newer = upload(market.stack, trade.dataset["id"], market.provider, NEWER,
                   name="ridership-2.csv")
    for file_id in (trade.file["id"], newer["id"]):
        assert set(reads(trade, file_id, token).values()) == {403}
        problem(catalog.get(f"{dataset_url}/files/{file_id}/content",
                            headers=bearer(token)), 403, "dataset-not-listed")


def test_high_grant_refused_when_the_classification_gets_stricter(market: Market) -> None:
    """Listed again but graded stricter than what was traded: the grant stops."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    catalog = market.stack.catalog
    dataset_url = f"/v1/datasets/{trade.dataset['id']}"
    assert catalog.post(f"{dataset_url}/delist",
                        headers=bearer(market.provider)).status_code == 200
    assert catalog.patch(dataset_url, headers=bearer(market.provider),
                         json={"grade": "important"}).status_code == 200
    assert catalog.post(f"{dataset_url}/submit",
                        headers=bearer(market.provider)).status_code == 200
    assert catalog.post(f"{dataset_url}/regulator-review", json={"approve": True},
                        headers=bearer(market.regulator)).status_code == 200
    assert catalog.post(f"{dataset_url}/review", json={"approve": True},
                        headers=bearer(market.operator)).status_code == 200
    body = problem(trade.download(), 403, "classification-changed")
    assert body["changed"] == ["grade"]


def test_high_grant_does_not_reach_a_new_revision(market: Market) -> None:
    """A file uploaded after the sale (a new revision of a listed dataset) is not
    reached by the grant; the pinned file still is."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    newer = upload(market.stack, trade.dataset["id"], market.provider, NEWER,
                   name="ridership-2.csv")
    url = f"/v1/datasets/{trade.dataset['id']}/files/{newer['id']}"
    for route in FILE_ROUTES:
        problem(market.stack.catalog.get(f"{url}/{route}", headers=trade.headers), 403,
                "file-not-granted")
    assert trade.download().status_code == 200


def test_medium_sample_and_quality_of_non_open_data_served_anonymously(
        market: Market) -> None:
    """/sample and /quality (and /rows, /content) of a listed conditional dataset: only
    for those with the right to the file."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    file_id = trade.file["id"]
    assert trade.dataset["open_type"] == "conditional"
    assert reads(trade, file_id, None) == dict.fromkeys(FILE_ROUTES, 401)
    assert reads(trade, file_id, market.buyer) == dict.fromkeys(FILE_ROUTES, 403)
    for allowed in (market.provider, market.operator, market.regulator, trade.grant["token"]):
        assert reads(trade, file_id, allowed) == dict.fromkeys(FILE_ROUTES, 200)
    # the dataset document still shows its quality scores to everyone
    public = market.stack.catalog.get(f"/v1/datasets/{trade.dataset['id']}").json()
    assert public["quality"]["overall_score"] is not None


def test_medium_not_open_file_derivatives_stay_hidden(market: Market) -> None:
    """A listed not-open dataset: its files' derivatives are not known to exist for
    anonymous callers and other members (404), as the dataset is not."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    catalog = market.stack.catalog
    dataset_url = f"/v1/datasets/{trade.dataset['id']}"
    assert catalog.post(f"{dataset_url}/delist",
                        headers=bearer(market.provider)).status_code == 200
    assert catalog.patch(dataset_url, headers=bearer(market.provider),
                         json={"open_type": "not_open"}).status_code == 200
    assert catalog.post(f"{dataset_url}/submit",
                        headers=bearer(market.provider)).status_code == 200
    assert catalog.post(f"{dataset_url}/review", json={"approve": True},
                        headers=bearer(market.operator)).status_code == 200
    for who in (None, market.buyer):
        assert reads(trade, trade.file["id"], who) == dict.fromkeys(FILE_ROUTES, 404)
    # a conditional grant does not follow the dataset into not-open
    problem(trade.download(), 403, "classification-changed")


def submit_update(trade: Trade) -> dict[str, object]:
    """The provider submits the dataset's current revision as an update of the asset."""
    market = trade.market
    answer = market.exchange.post(f"/v1/assets/{trade.offer['asset_id']}/updates",
                                  json={"dataset_id": trade.dataset["id"]},
                                  headers=bearer(market.provider))
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def review_update(trade: Trade, update: dict[str, object], token: str, **body: object
                  ) -> httpx.Response:
    response: httpx.Response = trade.market.exchange.post(
        f"/v1/assets/{trade.offer['asset_id']}/updates/{update['id']}/review",
        json=body, headers=bearer(token))
    return response


def test_high_new_revision_reaches_subscribers_only_after_review(market: Market) -> None:
    """An offer that includes updates: the provider's new file reaches the buyer only
    once an operator approves the update; a rejected update never does."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market, {"includes_updates": True})
    assert trade.offer["includes_updates"] is True
    newer = upload(market.stack, trade.dataset["id"], market.provider, NEWER,
                   name="ridership-2.csv")
    url = f"/v1/datasets/{trade.dataset['id']}/files/{newer['id']}/content"
    catalog = market.stack.catalog
    problem(catalog.get(url, headers=trade.headers), 403, "file-not-granted")
    update = submit_update(trade)
    assert update["status"] == "pending"
    assert [f["sha256"] for f in update["files"]] == [newer["sha256"]]  # type: ignore[attr-defined]
    problem(catalog.get(url, headers=trade.headers), 403, "file-not-granted")
    assert review_update(trade, update, market.provider, approve=True).status_code == 403
    approved = review_update(trade, update, market.operator, approve=True)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    served = catalog.get(url, headers=trade.headers)
    assert served.status_code == 200, served.text
    assert served.content == NEWER
    assert trade.download().status_code == 200  # the contract's own file still
    problem(review_update(trade, update, market.operator, approve=False, reason="晚了"),
            409, "update-decided")
    listed = market.exchange.get(f"/v1/assets/{trade.offer['asset_id']}/updates",
                                 headers=bearer(market.buyer))
    assert listed.status_code == 404


def test_high_new_revision_never_reaches_buyers_without_updates(market: Market) -> None:
    """An offer that does not include updates: even an approved update stays out."""
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    assert trade.offer["includes_updates"] is False
    newer = upload(market.stack, trade.dataset["id"], market.provider, NEWER,
                   name="ridership-2.csv")
    update = submit_update(trade)
    assert review_update(trade, update, market.operator, approve=True).status_code == 200
    url = f"/v1/datasets/{trade.dataset['id']}/files/{newer['id']}/content"
    problem(market.stack.catalog.get(url, headers=trade.headers), 403, "file-not-granted")
