"""Ledger events reach the audit service through the relay process; while the audit
service is down the exchange keeps working, and afterwards the backlog drains once."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.ledger_client import ledger_entries, regulator_headers, wait_for
from tests.e2e.processes import ServiceProcesses

pytestmark = pytest.mark.e2e

CODES = ["91330100716105852F", "91110108551385082Q", "91350100M000100Y43",
         "914403001922038216", "11330100MB1H00000Q", "91330106MA2CXY1A0P"]


def register(procs: ServiceProcesses, i: int) -> str:
    response = httpx.post(
        f"{procs.url('exchange')}/v1/organizations",
        json={"name": f"测试企业{i}", "credit_code": CODES[i], "roles": ["buyer"],
              "admin": {"username": f"buyer-{i}", "password": "a-good-password"}},
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_backlog_drains_exactly_once_after_an_audit_outage(processes: ServiceProcesses) -> None:
    processes.start("relay", command="relay")
    headers = regulator_headers(processes)
    first = [register(processes, i) for i in range(2)]

    def subjects() -> list[str]:
        return [e["subject"] for e in ledger_entries(processes, headers)]

    wait_for(lambda: set(first) <= set(subjects()))

    processes.stop("audit")
    during = [register(processes, i) for i in range(2, 6)]  # the exchange keeps working

    processes.start("audit")
    processes.wait_ready("audit")
    headers = regulator_headers(processes)
    wait_for(lambda: set(during) <= set(subjects()))
    entries = ledger_entries(processes, headers)
    event_ids = [e["event_id"] for e in entries]
    assert len(event_ids) == len(set(event_ids))
    registered = [e["subject"] for e in entries if e["type"] == "organization.registered"]
    assert registered.count(during[0]) == 1
    assert [e["seq"] for e in entries] == list(range(len(entries)))
