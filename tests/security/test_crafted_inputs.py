"""Findings: crafted cursors (``Infinity``, extreme dates), NUL in ``q`` and deeply
nested JSON Lines uploads were 500s. Each is now a 4xx problem."""

from __future__ import annotations

import base64

import pytest

from tests.catalog.conftest import Callers
from tests.catalog.test_files_api import upload
from tests.stack import Stack


def cursor(score: str, updated: str) -> str:
    raw = f'{{"s":{score},"u":"{updated}","i":"ds_x","q":"0"}}'.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(("score", "updated"), [
    ("Infinity", "2026-01-01T00:00:00+00:00"),
    ("-Infinity", "2026-01-01T00:00:00+00:00"),
    ("NaN", "2026-01-01T00:00:00+00:00"),
    ("1e999", "2026-01-01T00:00:00+00:00"),
    ("1.5", "2026-01-01T00:00:00+00:00"),
    (str(10**30), "2026-01-01T00:00:00+00:00"),
    ("1", "0001-01-01T00:00:00+14:00"),
    ("1", "9999-12-31T23:59:59-14:00"),
    ("1", "+275760-09-13T00:00:00Z"),
])
def test_crafted_cursors_are_422(stack: Stack, score: str, updated: str) -> None:
    answer = stack.catalog.get("/v1/datasets", params={"q": "交通",
                                                       "cursor": cursor(score, updated)})
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == "urn:dataex:problem:invalid-cursor"


@pytest.mark.parametrize(("service", "url"), [
    ("catalog", "/v1/datasets?q=a%00b"),
    ("catalog", "/v1/datasets?theme=%00"),
    ("catalog", "/v1/datasets/ds%00x"),
    ("exchange", "/v1/offers?provider=%00"),
    ("audit", "/v1/proofs/inclusion?seq=0%00"),
])
def test_nul_in_a_query_or_path_is_422(stack: Stack, service: str, url: str) -> None:
    answer = getattr(stack, service).get(url)
    assert answer.status_code == 422, answer.text
    assert answer.json()["type"] == "urn:dataex:problem:nul-character"


@pytest.mark.parametrize("depth", [33, 1000, 200_000])
def test_deeply_nested_json_lines_uploads_are_422(stack: Stack, depth: int) -> None:
    callers = Callers(stack)
    dataset = callers.create()
    line = ('{"date": "2024-01-01", "riders": 1, "line": ' + "[" * depth + "]" * depth
            + "}\n")
    answer = upload(stack, dataset["id"], callers.provider, line.encode(), name="d.jsonl")
    assert answer.status_code == 422, answer.text
    assert "levels deep" in answer.json()["detail"] or "not valid JSON" in \
        answer.json()["detail"]
