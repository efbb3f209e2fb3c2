"""The PII rule over HTTP: a file with resident IDs or bank cards is not listed as general
+ unconditional without an operator's recorded override; other classifications pass."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import text

from services.shared.personal import resident_id_check_char
from tests.exchange.file_trading import SCHEMA, upload
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.stack import Stack


def resident_id(n: int) -> str:
    first17 = f"33010619900101{n:03d}"
    return first17 + resident_id_check_char(first17)


WITH_IDS = ("date,line,riders,holder\n" + "".join(
    f"2024-01-0{i},1号线,{100 + i},{resident_id(i)}\n" for i in range(1, 6))).encode()
CLEAN = ("date,line,riders\n" + "".join(
    f"2024-01-0{i},1号线,{100 + i}\n" for i in range(1, 6))).encode()
WIDE = [*SCHEMA, {"name": "holder", "type": "string"}]


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def submitted(market: Market, content: bytes, **overrides: Any) -> str:
    catalog = market.stack.catalog
    created = catalog.post("/v1/datasets", headers=bearer(market.provider),
                           json=dataset_body(**{"schema": WIDE, **overrides}))
    dataset_id = str(created.json()["id"])
    upload(market.stack, dataset_id, market.provider, content)
    assert catalog.post(f"/v1/datasets/{dataset_id}/submit",
                        headers=bearer(market.provider)).status_code == 200
    return dataset_id


def review(market: Market, dataset_id: str):  # type: ignore[no-untyped-def]
    return market.stack.catalog.post(f"/v1/datasets/{dataset_id}/review",
                                     json={"approve": True}, headers=bearer(market.operator))


def catalog_events(market: Market, kind: str) -> list[dict[str, Any]]:
    db = market.stack.catalog.app.state.db  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT record FROM catalog_outbox ORDER BY id")).all()
    return [r for r in (json.loads(row[0]) for row in rows) if r["type"] == kind]


def test_resident_ids_under_general_unconditional_need_an_override(market: Market) -> None:
    dataset_id = submitted(market, WITH_IDS, open_type="unconditional", grade="general")
    refused = review(market, dataset_id)
    assert refused.status_code == 409
    problem = refused.json()
    assert problem["type"].endswith("pii-classification")
    assert "resident_id in column 'holder'" in problem["detail"]
    url = f"/v1/datasets/{dataset_id}"
    seen = market.stack.catalog.get(url, headers=bearer(market.operator)).json()
    assert seen["status"] == "submitted"
    assert [c["kind"] for c in seen["review"]["pii_conflicts"]] == ["resident_id"]
    # only an operator overrides, with a reason
    for token, status in ((None, 401), (market.provider, 403), (market.regulator, 403)):
        assert market.stack.catalog.post(f"{url}/pii-override", json={"reason": "已脱敏核验"},
                                         headers=bearer(token)).status_code == status
    assert market.stack.catalog.post(f"{url}/pii-override", json={},
                                     headers=bearer(market.operator)).status_code == 422
    assert catalog_events(market, "dataset.pii_overridden") == []
    overridden = market.stack.catalog.post(f"{url}/pii-override",
                                           json={"reason": "测试号段，非真实身份证号"},
                                           headers=bearer(market.operator))
    assert overridden.status_code == 200, overridden.text
    assert overridden.json()["review"]["pii_conflicts"] == []
    [event] = catalog_events(market, "dataset.pii_overridden")
    assert event["payload"]["kinds"] == ["resident_id"] and event["payload"]["reason_sha256"]
    assert "身份证" not in str(event)
    assert review(market, dataset_id).status_code == 200
    again = market.stack.catalog.post(f"{url}/pii-override", json={"reason": "again"},
                                      headers=bearer(market.operator))
    assert again.status_code == 409 and again.json()["type"].endswith("no-pii-conflict")


@pytest.mark.parametrize(("open_type", "grade"), [("conditional", "general"),
                                                  ("not_open", "general"),
                                                  ("unconditional", "important")])
def test_other_classifications_of_such_files_pass(market: Market, open_type: str,
                                                  grade: str) -> None:
    dataset_id = submitted(market, WITH_IDS, open_type=open_type, grade=grade)
    if grade == "important":
        assert market.stack.catalog.post(
            f"/v1/datasets/{dataset_id}/regulator-review", json={"approve": True},
            headers=bearer(market.regulator)).status_code == 200
    assert review(market, dataset_id).status_code == 200


def test_a_listed_open_dataset_refuses_a_file_with_resident_ids(market: Market) -> None:
    dataset_id = submitted(market, CLEAN, open_type="unconditional", grade="general")
    assert review(market, dataset_id).status_code == 200
    refused = market.stack.catalog.post(
        f"/v1/datasets/{dataset_id}/files", headers=bearer(market.provider),
        files={"file": ("ids.csv", WITH_IDS, "text/csv")})
    assert refused.status_code == 409 and refused.json()["type"].endswith("pii-classification")
    after = market.stack.catalog.get(f"/v1/datasets/{dataset_id}").json()
    assert after["revision"] == 1 and len(after["files"]) == 1
