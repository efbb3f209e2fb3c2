"""Finding: integers beyond 64 bits in a query, a path or a body were 500s on routes of
all three services. Every integer input is bounded in the schema (422 past it)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from services.shared.bounds import MAX_INTEGER
from tests.stack import Stack

HUGE = (2**53, 2**64, sys.maxsize + 1, 10**30)


def services(stack: Stack) -> dict[str, TestClient]:
    return {"catalog": stack.catalog, "exchange": stack.exchange, "audit": stack.audit}


def integer_parameters(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, parameter) for every integer query or path parameter."""
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if any(s.get("type") == "integer" for s in [schema, *schema.get("anyOf", [])]):
                    yield method, path, parameter


def integer_schemas(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield where, node
        for key, value in node.items():
            yield from integer_schemas(value, f"{where}.{key}")
    elif isinstance(node, list):
        for value in node:
            yield from integer_schemas(value, where)


def request_schemas(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema a request body can reach, by name."""
    components = doc.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def reach(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.split("/")[-1] not in seen:
                name = ref.split("/")[-1]
                seen.add(name)
                yield name, components[name]
                yield from reach(components[name])
            for value in node.values():
                yield from reach(value)
        elif isinstance(node, list):
            for value in node:
                yield from reach(value)

    for operations in doc["paths"].values():
        for operation in operations.values():
            yield from reach(operation.get("requestBody", {}))


def test_every_integer_input_is_bounded_in_the_schema(stack: Stack) -> None:
    unbounded = []
    for name, client in services(stack).items():
        doc = client.get("/openapi.json").json()
        for method, path, parameter in integer_parameters(doc):
            schema = parameter["schema"]
            for s in [schema, *schema.get("anyOf", [])]:
                if s.get("type") == "integer" and s.get("maximum", MAX_INTEGER + 1) > MAX_INTEGER:
                    unbounded.append(f"{name} {method} {path} {parameter['name']}")
        for schema_name, schema in request_schemas(doc):
            for where, s in integer_schemas(schema, schema_name):
                if s.get("maximum", MAX_INTEGER + 1) > MAX_INTEGER:
                    unbounded.append(f"{name} body {where}")
    assert unbounded == []


@pytest.mark.parametrize("huge", HUGE)
def test_huge_integers_in_queries_and_paths_are_never_5xx(stack: Stack, huge: int) -> None:
    swept = 0
    for name, client in services(stack).items():
        doc = client.get("/openapi.json").json()
        for method, path, parameter in integer_parameters(doc):
            if method not in ("get", "delete"):
                continue
            url = path
            for other in doc["paths"][path][method].get("parameters", []):
                if other["in"] == "path":
                    value = str(huge) if other["name"] == parameter["name"] else "x1"
                    url = url.replace("{" + other["name"] + "}", value)
            query = {parameter["name"]: str(huge)} if parameter["in"] == "query" else {}
            answer = client.request(method.upper(), url, params=query)
            assert answer.status_code < 500, (name, method, url, query, answer.text)
            swept += 1
    assert swept >= 10


def test_a_huge_path_integer_is_422(stack: Stack) -> None:
    answer = stack.catalog.get(f"/v1/datasets/ds_x/revisions/{2**64}")
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_huge_query_integer_is_422(stack: Stack) -> None:
    assert stack.exchange.get("/v1/offers", params={"max_price_fen": 2**64}).status_code == 422


def test_a_huge_body_integer_is_422(stack: Stack) -> None:
    token = stack.operator_token()
    answer = stack.exchange.post("/v1/fees", json={"fee_bps": 2**70,
                                                   "effective_date": "2030-01-01"},
                                 headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 422, answer.text
