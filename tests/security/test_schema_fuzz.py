"""Issue 18, 'tests that must exist': schemathesis over the three services' OpenAPI
documents. Every operation gets a few generated requests as the operator; none may
answer a server error, and every answer must conform to the document. Examples are
bounded (``EXAMPLES`` per operation) so the whole run stays within a few minutes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.databases import DatabaseFactory
from tests.stack import Stack, build_stack

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

EXAMPLES = 5
CHECKS = [not_a_server_error, response_schema_conformance]
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                   suppress_health_check=list(HealthCheck))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(databases: DatabaseFactory,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, dict[str, str]]]:
    """The three services on databases of their own for the module, and the operator's
    credentials (generated writes land in these databases only)."""
    with build_stack(databases.migrated, tmp_path_factory.mktemp("fuzz")) as stack:
        yield stack, {"Authorization": f"Bearer {stack.operator_token()}"}


def schema_of(live: tuple[Stack, dict[str, str]], service: str) -> Any:
    """The service's OpenAPI document as schemathesis reads it."""
    return schemathesis.openapi.from_dict(getattr(live[0], service).get("/openapi.json").json())


def fuzz(live: tuple[Stack, dict[str, str]], service: str) -> None:
    """Every operation of ``service``: ``EXAMPLES`` generated requests each, checked.
    Failures are gathered over all operations, so one run names them all."""
    stack, headers = live
    client = getattr(stack, service)
    schema = schemathesis.openapi.from_dict(client.get("/openapi.json").json())
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @BOUNDED
        def check(case: Any) -> None:
            kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
            if not kwargs.get("cookies"):
                kwargs.pop("cookies", None)
            case.validate_response(client.request(**kwargs), checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # gather every failing operation
            failures[operation.label] = str(exc)[:600]
    assert failures == {}, "\n\n".join(f"{k}: {v}" for k, v in failures.items())


@pytest.mark.parametrize("service", ["catalog", "exchange", "audit"])
def test_service_conforms_to_its_document(live: tuple[Stack, dict[str, str]],
                                          service: str) -> None:
    """No server error and a conforming answer on every operation of ``service``."""
    fuzz(live, service)
