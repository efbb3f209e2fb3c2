"""File endpoints: upload with analysis, quality and sample, grant-checked content."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.catalog.files.grants import GrantChecker
from services.clients import ExchangeClient
from services.shared.keyring import KeyRing
from services.shared.tokens import issue_token
from tests.catalog.conftest import Callers, bearer
from tests.stack import ISSUER, Stack

CSV = ("date,line,riders\n2024-01-01,1号线,1200\n2024-01-02,2号线,980\n"
       "2024-01-03,1号线,1105\n").encode()
JSONL = (b'{"date": "2024-01-01", "line": "L1", "riders": 5}\n'
         b'{"date": "2024-01-02", "line": "L2", "riders": 7}\n')


def upload(stack: Stack, dataset_id: str, token: str | None, content: bytes,
           name: str = "data.csv", **form: str) -> httpx.Response:
    return stack.catalog.post(f"/v1/datasets/{dataset_id}/files", headers=bearer(token),
                              files={"file": (name, content, "application/octet-stream")},
                              data=form)


def blobs_root(stack: Stack) -> Path:
    return stack.var_dir / "blobs"


def stored_blobs(stack: Stack) -> list[Path]:
    root = blobs_root(stack)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def file_rows(stack: Stack) -> int:
    from sqlalchemy import text
    with stack.catalog.app.state.db.engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.execute(text("SELECT count(*) FROM dataset_files")).scalar_one())


def test_upload_csv_and_jsonl(stack: Stack, callers: Callers) -> None:
    dataset = callers.create(callers.provider)
    response = upload(stack, dataset["id"], callers.provider, CSV)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert body["bytes"] == len(CSV)
    assert body["rows"] == 3
    assert body["quality"]["overall_score"] is not None
    sha = body["sha256"]
    assert (blobs_root(stack) / sha[:2] / sha[2:4] / sha).read_bytes() == CSV
    events = [r for r in callers.outbox() if r["type"] == "dataset.file_added"]
    assert len(events) == 1
    assert events[0]["payload"]["sha256"] == sha
    assert events[0]["payload"]["rows"] == 3

    jl = upload(stack, dataset["id"], callers.provider, JSONL, name="x.jsonl")
    assert jl.status_code == 201, jl.text
    assert jl.json()["rows"] == 2
    # the form field wins over the name; identical content is stored once
    again = upload(stack, dataset["id"], callers.provider, JSONL, name="x.txt", format="jsonl")
    assert again.status_code == 201, again.text
    assert len(stored_blobs(stack)) == 2
    assert not list((blobs_root(stack) / "tmp").iterdir())


def test_upload_only_by_the_owner(stack: Stack, callers: Callers) -> None:
    draft = callers.create(callers.provider)
    assert upload(stack, draft["id"], callers.other_provider, CSV).status_code == 404
    assert upload(stack, draft["id"], None, CSV).status_code == 401
    listed = callers.listed()
    assert upload(stack, listed["id"], callers.other_provider, CSV).status_code == 403
    assert file_rows(stack) == 0


@pytest.mark.parametrize(("content", "name", "reason"), [
    (b"date,line,riders\n2024-01-01,\xff\xfe,3\n", "bad.csv", "not_utf8"),
    (b"date,line,riders\n2024-01-01,a,3,extra,more\n2024-01-02,b\n", "ragged.csv", "ragged_row"),
    (b"", "empty.csv", "empty_file"),
    (b'{"date": "2024-01-01"\n', "broken.jsonl", "invalid_json"),
])
def test_malformed_upload_leaves_nothing(stack: Stack, callers: Callers, content: bytes,
                                         name: str, reason: str) -> None:
    dataset = callers.create(callers.provider)
    response = upload(stack, dataset["id"], callers.provider, content, name=name)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["reason"] == reason
    assert file_rows(stack) == 0
    assert stored_blobs(stack) == []
    assert not [r for r in callers.outbox() if r["type"] == "dataset.file_added"]


def test_over_the_size_limit(stack: Stack, callers: Callers) -> None:
    stack.catalog.app.state.settings.max_upload_bytes = 50  # type: ignore[attr-defined]
    dataset = callers.create(callers.provider)
    response = upload(stack, dataset["id"], callers.provider, CSV)
    assert response.status_code == 413, response.text
    assert file_rows(stack) == 0 and stored_blobs(stack) == []


def test_quality_and_sample_visibility(stack: Stack, callers: Callers) -> None:
    draft = callers.create(callers.provider)
    file_id = upload(stack, draft["id"], callers.provider, CSV).json()["id"]
    for part in ("quality", "sample"):
        url = f"/v1/datasets/{draft['id']}/files/{file_id}/{part}"
        assert stack.catalog.get(url, headers=bearer(callers.provider)).status_code == 200
        assert stack.catalog.get(url).status_code == 404
        assert stack.catalog.get(url, headers=bearer(callers.other_provider)).status_code == 404
    listed = callers.listed()
    listed_file = upload(stack, listed["id"], callers.provider, CSV).json()["id"]
    sample = stack.catalog.get(f"/v1/datasets/{listed['id']}/files/{listed_file}/sample")
    assert sample.status_code == 200
    assert len(sample.json()["rows"]) == 3
    quality = stack.catalog.get(f"/v1/datasets/{listed['id']}/files/{listed_file}/quality")
    assert quality.status_code == 200 and quality.json()["quality"]["overall_score"] is not None


def test_open_content_download_and_ranges(stack: Stack, callers: Callers) -> None:
    listed = callers.listed()
    file_id = upload(stack, listed["id"], callers.provider, CSV).json()["id"]
    url = f"/v1/datasets/{listed['id']}/files/{file_id}/content"
    whole = stack.catalog.get(url)
    assert whole.status_code == 200, whole.text
    assert whole.content == CSV
    assert whole.headers["etag"] == f'"{hashlib.sha256(CSV).hexdigest()}"'
    part = stack.catalog.get(url, headers={"Range": "bytes=5-14"})
    assert part.status_code == 206
    assert part.content == CSV[5:15]
    assert part.headers["content-range"] == f"bytes 5-14/{len(CSV)}"
    tail = stack.catalog.get(url, headers={"Range": "bytes=-4"})
    assert tail.status_code == 206 and tail.content == CSV[-4:]
    bad = stack.catalog.get(url, headers={"Range": f"bytes={len(CSV) + 10}-"})
    assert bad.status_code == 416
    assert bad.headers["content-type"].startswith("application/problem+json")
    # anonymous downloads of open data are counted per client and period, not one ledger
    # entry each (tests/security/test_anonymous_access_log.py follows the counts)
    assert [r for r in callers.outbox() if r["type"] == "data.accessed"] == []


class GrantExchange:
    """Answers GET /v1/grants/{id} like the exchange does."""

    def __init__(self) -> None:
        self.grants: dict[str, dict[str, Any]] = {}
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        grant_id = request.url.path.rsplit("/", 1)[-1]
        grant = self.grants.get(grant_id)
        if grant is None:
            return httpx.Response(404, json={"title": "Not found", "status": 404})
        return httpx.Response(200, json={
            "order_id": "ord_1", "buyer_org_id": "org_buyer", "expires_at": "2099-01-01T00:00:00Z",
            "unit": None, "quota": None, "used_calls": 0, "used_rows": 0,
            "checked_at": "2026-01-01T00:00:00Z", "grade": "general",
            "open_type": "conditional", **grant, "grant_id": grant_id,
            "max_cache_seconds": 30})


def grant_token(stack: Stack, grant_id: str, dataset_ids: list[str], *,
                now: datetime | None = None, key_dir: Path | None = None) -> str:
    ring = KeyRing(key_dir or stack.var_dir / "keys" / "exchange-tokens", "ES256")
    token, _ = issue_token(
        ring.ensure() if key_dir else ring.active(), issuer=ISSUER, subject=grant_id,
        audience="dataex-catalog", ttl=timedelta(minutes=5), now=now,
        claims={"kind": "grant", "org": "org_buyer", "roles": [], "grant_id": grant_id,
                "order_id": "ord_1", "dataset_ids": dataset_ids},
    )
    return token


def test_conditional_content_needs_an_active_grant(stack: Stack, callers: Callers,
                                                    tmp_path: Path) -> None:
    exchange = GrantExchange()
    app = stack.catalog.app
    app.state.grants = GrantChecker(  # type: ignore[attr-defined]
        ExchangeClient.connect("http://exchange.test",
                               transport=httpx.MockTransport(exchange.handler)))
    dataset = callers.listed(open_type="conditional")
    other = callers.listed(open_type="conditional",
                           title={"zh": "另一个数据集", "en": "Another dataset"})
    uploaded = upload(stack, dataset["id"], callers.provider, CSV).json()
    file_id = uploaded["id"]
    url = f"/v1/datasets/{dataset['id']}/files/{file_id}/content"
    pinned = [{"dataset_id": dataset["id"], "file_id": file_id, "sha256": uploaded["sha256"]}]
    exchange.grants["grt_1"] = {"status": "active", "dataset_ids": [dataset["id"]],
                                "files": pinned}
    exchange.grants["grt_2"] = {"status": "active", "dataset_ids": [other["id"]]}

    assert stack.catalog.get(url).status_code == 401
    assert stack.catalog.get(url, headers=bearer(callers.buyer)).status_code == 403
    good = stack.catalog.get(url, headers=bearer(grant_token(stack, "grt_1", [dataset["id"]])))
    assert good.status_code == 200, good.text
    assert good.content == CSV
    elsewhere = grant_token(stack, "grt_2", [other["id"]])
    assert stack.catalog.get(url, headers=bearer(elsewhere)).status_code == 403
    # claims for this dataset but the exchange says the grant covers another
    lying = grant_token(stack, "grt_2", [dataset["id"]])
    assert stack.catalog.get(url, headers=bearer(lying)).status_code == 403
    expired = grant_token(stack, "grt_1", [dataset["id"]],
                          now=datetime.now(UTC) - timedelta(hours=1))
    assert stack.catalog.get(url, headers=bearer(expired)).status_code == 401
    forged = grant_token(stack, "grt_1", [dataset["id"]], key_dir=tmp_path / "forger")
    assert stack.catalog.get(url, headers=bearer(forged)).status_code == 401
    # owner may download
    assert stack.catalog.get(url, headers=bearer(callers.provider)).status_code == 200

    exchange.grants["grt_1"]["status"] = "revoked"
    app.state.grants.forget()  # type: ignore[attr-defined]  # the 30 s cache has passed
    revoked = stack.catalog.get(url, headers=bearer(grant_token(stack, "grt_1",
                                                                [dataset["id"]])))
    assert revoked.status_code == 403
    accessed = [r for r in callers.outbox() if r["type"] == "data.accessed"]
    assert [r["payload"]["basis"] for r in accessed] == ["grant", "owner"]
    assert accessed[0]["payload"]["grant_id"] == "grt_1"


def test_openapi_shows_every_file_route_answer(stack: Stack) -> None:
    paths = stack.catalog.get("/openapi.json").json()["paths"]
    base = "/v1/datasets/{dataset_id}/files"
    answers = {
        (base, "post", "201"): "UploadedFile",
        (base + "/{file_id}/quality", "get", "200"): "FileQuality",
        (base + "/{file_id}/sample", "get", "200"): "FileSample",
        (base + "/{file_id}/rows", "get", "200"): "RowsPage",
    }
    for (path, method, code), model in answers.items():
        content = paths[path][method]["responses"][code]["content"]
        assert content["application/json"]["schema"]["$ref"].endswith("/" + model)
    content = paths[base + "/{file_id}/content"]["get"]["responses"]["200"]["content"]
    assert set(content) == {"text/csv", "application/jsonl"}
