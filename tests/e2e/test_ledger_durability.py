"""Two audit processes append at once without forking the chain; a kill -9 under load
loses no acknowledged entry and leaves a chain that verifies."""

from __future__ import annotations

import hashlib
import json
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.databases import backend
from tests.e2e.ledger_client import ServiceEmitter, ledger_entries, regulator_headers
from tests.e2e.processes import ServiceProcesses, free_port

pytestmark = pytest.mark.e2e


def check_chain(entries: list[dict[str, Any]]) -> None:
    """Dense sequence, each prev_hash the previous entry's hash."""
    assert [e["seq"] for e in entries] == list(range(len(entries)))
    previous = "0" * 64
    for e in entries:
        assert e["prev_hash"] == previous, f"chain broken at {e['seq']}"
        previous = e["entry_hash"]


@pytest.mark.skipif(backend() != "postgres", reason="several processes on one database: PostgreSQL")
def test_two_audit_processes_append_concurrently_into_one_chain(
    processes: ServiceProcesses,
) -> None:
    processes.start("audit", name="audit-2", port=free_port())
    processes.wait_ready("audit-2")
    emitter = ServiceEmitter(processes)
    targets = [processes.url("audit"), processes.url("audit-2")]

    def append(i: int) -> tuple[str, int]:
        batch = [emitter.entry(i * 10 + j) for j in range(10)]
        response = httpx.post(f"{targets[i % 2]}/v1/entries", json={"entries": batch},
                              headers=emitter.headers, timeout=30)
        assert response.status_code == 200, response.text
        return targets[i % 2], len(response.json()["entries"])

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(append, range(60)))
    assert sum(n for _, n in results) == 600
    entries = ledger_entries(processes, regulator_headers(processes))
    loaded = [e for e in entries if e["type"] == "dataset.accessed"]
    assert len(loaded) == 600
    assert len({e["event_id"] for e in loaded}) == 600
    check_chain(entries)


def test_kill_9_under_load_loses_no_acknowledged_entry(processes: ServiceProcesses) -> None:
    emitter = ServiceEmitter(processes)
    acknowledged: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()
    url = processes.url("audit")

    def load(worker: int) -> None:
        n = 0
        with httpx.Client(timeout=10) as client:
            while not stop.is_set():
                entry = emitter.entry(worker * 1_000_000 + n)
                n += 1
                try:
                    response = client.post(f"{url}/v1/entries", json=entry,
                                           headers=emitter.headers)
                except httpx.HTTPError:
                    continue
                if response.status_code in (200, 201):
                    with lock:
                        acknowledged[entry["record"]["event_id"]] = response.json()["seq"]

    threads = [threading.Thread(target=load, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    try:
        import time

        deadline = time.monotonic() + 30
        while len(acknowledged) < 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        processes.stop("audit", sig=signal.SIGKILL)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert len(acknowledged) >= 200

    processes.start("audit")
    processes.wait_ready("audit")
    entries = ledger_entries(processes, regulator_headers(processes))
    stored = {e["event_id"]: e["seq"] for e in entries}
    lost = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
    assert lost == {}
    check_chain(entries)
    for e in entries:
        body = {"seq": e["seq"], "record": e["record"], "kid": e["kid"],
                "signature": e["signature"], "recorded_at": e["recorded_at"],
                "prev_hash": e["prev_hash"]}
        data = json.dumps(body, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()
        assert hashlib.sha256(data).hexdigest() == e["entry_hash"]
